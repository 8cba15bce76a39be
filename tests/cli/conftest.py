from dataclasses import dataclass

import pytest

from harborline.config.cli import main
from harborline.protocols.geography import available_packs, load_geography

# Environment variables the CLI itself sets (demo mode, demo keys); restored after each test.
CLI_ENV = (
    "HARBORLINE_DEMO",
    "HARBORLINE_SECRET_KEY",
    "HARBORLINE_FIELD_KEYS",
    "HARBORLINE_AUDIT_KEYS",
    "HARBORLINE_AUDIT_SIGNING_KEY",
    "HARBORLINE_AUDIT_ANCHOR",
    "DATABASE_URL",
    "HARBORLINE_PACK",
)
# absent unless the CLI sets them
UNSET = ("HARBORLINE_DEMO", "HARBORLINE_AUDIT_ANCHOR", "HARBORLINE_PACK")


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run `harborline ...` in this process; returns exit code, stdout and stderr."""
    import os

    for name in CLI_ENV:
        # setenv first so that monkeypatch restores the original value (or its absence).
        monkeypatch.setenv(name, os.environ.get(name, ""))
        if name in UNSET:
            monkeypatch.delenv(name)

    def run(*argv: str) -> Result:
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def geography(db):
    for pack in available_packs():
        load_geography(pack)


@pytest.fixture
def washoe_org(cli, geography):
    result = cli(
        "org",
        "create",
        "--slug",
        "washoe-so",
        "--name",
        "Washoe County Sheriff's Office",
        "--type",
        "law_enforcement",
        "--county",
        "washoe",
    )
    assert result.code == 0, result.err
    from harborline.people.models import Organization

    return Organization.objects.get(slug="washoe-so")
