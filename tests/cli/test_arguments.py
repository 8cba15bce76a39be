"""Every command has --help; wrong arguments print one line and exit 2."""

import argparse

import pytest

from harborline.config.cli import build_parser
from harborline.people.roles import OrgType, Role

REQUIRED_COMMANDS = {
    ("demo",),
    ("serve",),
    ("migrate",),
    ("manage",),
    ("seed",),
    ("keys",),
    ("keys", "generate"),
    ("org",),
    ("org", "create"),
    ("user",),
    ("user", "create"),
    ("token",),
    ("token", "create"),
    ("verify-audit",),
    ("rotate-keys",),
    ("check",),
}


def command_paths(parser=None, prefix=()):
    """Every command and subcommand the parser knows, found by walking it."""
    parser = parser or build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*prefix, name)
                yield from command_paths(sub, (*prefix, name))


def test_the_parser_has_every_command():
    assert set(command_paths()) >= REQUIRED_COMMANDS


@pytest.mark.parametrize(
    "path", [(), *sorted(REQUIRED_COMMANDS)], ids=lambda p: " ".join(p) or "top"
)
def test_help_exits_0(cli, path):
    result = cli(*path, "--help")
    assert result.code == 0
    assert "usage:" in result.out.lower() or "subcommands" in result.out.lower()
    assert result.err == ""


def test_every_discovered_command_has_help(cli):
    for path in command_paths():
        if path == ("manage",):
            continue  # Django's own help; covered above
        result = cli(*path, "--help")
        assert result.code == 0, path
        assert f"usage: harborline {' '.join(path)}" in result.out, path


ORG = [
    "org",
    "create",
    "--slug",
    "x",
    "--name",
    "X",
    "--type",
    "law_enforcement",
    "--county",
    "washoe",
]


def without(args, option):
    i = args.index(option)
    return args[:i] + args[i + 2 :]


def replaced(args, option, value):
    i = args.index(option)
    return [*args[: i + 1], value, *args[i + 2 :]]


USER = ["user", "create", "--email", "a@b.org", "--org", "x", "--role", "caseworker"]

WRONG = [
    ([], "harborline: error: the following arguments are required: COMMAND"),
    (["frobnicate"], "harborline: error: argument COMMAND: invalid choice: 'frobnicate'"),
    (
        without(ORG, "--slug"),
        "harborline org create: error: the following arguments are required: --slug",
    ),
    (
        without(ORG, "--county"),
        "harborline org create: error: the following arguments are required: --county",
    ),
    (
        replaced(ORG, "--type", "police"),
        "harborline org create: error: argument --type: invalid choice: 'police'",
    ),
    (
        without(USER, "--org"),
        "harborline user create: error: the following arguments are required: --org",
    ),
    (
        replaced(USER, "--role", "boss"),
        "harborline user create: error: argument --role: invalid choice: 'boss'",
    ),
    (
        ["token", "create"],
        "harborline token create: error: the following arguments are required: --email",
    ),
    (
        ["token", "create", "--email", "a@b.org", "--days", "0"],
        "harborline token create: error: argument --days: 0 must be at least 1",
    ),
    (
        ["token", "create", "--email", "a@b.org", "--days", "soon"],
        "harborline token create: error: argument --days: 'soon' is not a whole number",
    ),
    (
        ["serve", "--port", "99999"],
        "harborline serve: error: argument --port: 99999 is not between 1 and 65535",
    ),
    (
        ["demo", "--port", "http"],
        "harborline demo: error: argument --port: 'http' is not a port number",
    ),
    (
        ["serve", "--workers", "-1"],
        "harborline serve: error: argument --workers: -1 must be at least 1",
    ),
    (
        ["seed", "--scale", "galaxy"],
        "harborline seed: error: argument --scale: invalid choice: 'galaxy'",
    ),
    (["seed", "--seed", "x"], "harborline seed: error: argument --seed: invalid int value: 'x'"),
    (
        ["rotate-keys", "--batch-size", "0"],
        "harborline rotate-keys: error: argument --batch-size: 0 must be at least 1",
    ),
    (["keys"], "harborline keys: error: the following arguments are required: {generate}"),
    (["org"], "harborline org: error: the following arguments are required: {create}"),
    (["user", "delete"], "harborline user: error: argument {create}: invalid choice: 'delete'"),
    (["verify-audit", "--fix"], "harborline: error: unrecognized arguments: --fix"),
    (
        ["keys", "generate", "--add-to", "not-a-key"],
        "harborline keys generate: error: --add-to: key 1 is not a valid Fernet key",
    ),
    (
        ["keys", "generate", "--add-to", " , "],
        "harborline keys generate: error: --add-to: give the current HARBORLINE_FIELD_KEYS value",
    ),
]


@pytest.mark.parametrize(
    ("argv", "message"), WRONG, ids=lambda v: " ".join(v) if isinstance(v, list) else ""
)
def test_wrong_arguments_print_one_line_and_exit_2(cli, argv, message):
    result = cli(*argv)
    assert result.code == 2
    assert len(result.err_lines) == 1, result.err
    assert result.err_lines[0].startswith(message), result.err
    assert result.out == ""


def test_invalid_choice_lists_every_valid_org_type_and_role(cli):
    result = cli(*replaced(ORG, "--type", "police"))
    assert all(repr(t) in result.err for t in OrgType.values)
    result = cli(*replaced(USER, "--role", "boss"))
    assert all(repr(r) in result.err for r in Role.values)


def test_help_lists_valid_types_and_roles(cli):
    out = cli("org", "create", "--help").out
    assert all(t in " ".join(out.split()) for t in OrgType.values)
    out = cli("user", "create", "--help").out
    assert all(r in " ".join(out.split()) for r in Role.values)
