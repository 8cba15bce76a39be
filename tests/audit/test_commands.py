"""`harborline audit anchor`, `audit public-key`, `verify-audit --anchors` and `migrate`'s seal,
through the command line's main()."""

from __future__ import annotations

import json

import pytest

from harborline.audit.models import Action, AuditEvent, ChainHead
from harborline.audit.services import record
from harborline.config.cli import main
from harborline.crypto.keys import audit_keys, public_key_text

from .tamper import cut_after, raw_sql, rewrite_from

pytestmark = pytest.mark.django_db


@pytest.fixture
def cli(capsys):
    def run(*argv):
        capsys.readouterr()
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def write(count: int) -> None:
    for i in range(count):
        record(actor=None, actor_email="cli", action=Action.VIEW, object_type="x", object_id=str(i))


def test_anchor_then_verify_against_the_file(cli, tmp_path):
    write(4)
    path = tmp_path / "anchors.jsonl"
    code, out, err = cli("audit", "anchor", "--to", f"file:{path}")
    assert code == 0, err
    head = ChainHead.objects.get()
    assert f"Anchored audit record #4 (head {head.hash})" in out
    assert json.loads(path.read_text())["seq"] == 4
    code, out, err = cli("verify-audit", "--anchors", str(path))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == f"audit chain intact: 4 records, head {head.hash}"
    assert lines[1].startswith("anchors: 1 signed heads agree with the log, the newest of #4 at ")


def test_verify_audit_fails_on_a_log_cut_below_an_anchor(cli, tmp_path):
    write(4)
    path = tmp_path / "anchors.jsonl"
    assert cli("audit", "anchor", "--to", f"file:{path}")[0] == 0
    cut_after(2, key=audit_keys()[0][1])
    assert cli("verify-audit")[0] == 0, "the cut log verifies on its own"
    code, out, err = cli("verify-audit", "--anchors", str(path))
    assert code == 1 and out == ""
    assert "audit chain BROKEN: the audit log was cut short" in err


def test_verify_audit_reads_the_configured_anchor_file(cli, tmp_path, settings):
    write(3)
    path = tmp_path / "anchors.jsonl"
    settings.AUDIT_ANCHOR = [f"file:{path}"]
    assert "anchors:" not in cli("verify-audit")[1], "no file yet: nothing to check"
    assert cli("audit", "anchor")[0] == 0
    rewrite_from(2, change={"purpose": "x"}, key=audit_keys()[0][1], key_id=audit_keys()[0][0])
    code, _, err = cli("verify-audit")
    assert code == 1 and "differs from the chain head exported" in err


def test_the_issue_s_attack_fails_verify_audit_on_the_command_line(cli):
    write(3)
    rewrite_from(2, change={"action": "deleted-evidence"})
    code, out, err = cli("verify-audit")
    assert code == 1 and out == ""
    assert "audit record #2" in err and "seal (MAC) does not fit" in err


def test_verify_audit_with_a_missing_anchors_file_is_one_line(cli, tmp_path):
    code, _, err = cli("verify-audit", "--anchors", str(tmp_path / "nope"))
    assert code == 2
    assert err.strip().endswith("no such file") and len(err.splitlines()) == 1


def test_anchor_to_a_bad_destination_is_one_line(cli):
    code, _, err = cli("audit", "anchor", "--to", "s3://bucket")
    assert code == 2 and len(err.splitlines()) == 1
    assert "is not an anchor destination" in err


def test_anchor_without_any_destination_says_so(cli, settings):
    settings.AUDIT_ANCHOR = []
    code, _, err = cli("audit", "anchor")
    assert code == 2 and "HARBORLINE_AUDIT_ANCHOR is not set" in err


def test_public_key_prints_the_anchors_public_key(cli, settings):
    code, out, err = cli("audit", "public-key")
    assert code == 0
    assert out.strip() == public_key_text(settings.AUDIT_SIGNING_KEY)
    assert "key id" in err


def test_migrate_seals_an_unkeyed_log(cli):
    write(2)
    raw_sql("UPDATE audit_auditevent SET mac = '', key_id = ''")
    ChainHead.objects.filter(pk=1).update(keyed_from=None, mac="", key_id="")
    assert cli("verify-audit")[0] == 1
    code, out, err = cli("migrate")
    assert code == 0, err
    assert (
        "Audit log: sealed with the audit key from record #3 on; the 2 records before it keep "
        "their SHA-256 chain." in out
    )
    assert AuditEvent.objects.get(seq=3).action == Action.AUDIT_KEYED
    assert cli("verify-audit")[0] == 0


def test_keys_generate_rotates_the_audit_key(cli, settings):
    current = ",".join(settings.AUDIT_KEYS)
    code, out, err = cli("keys", "generate", "--audit-add-to", current)
    assert code == 0
    name, value = out.strip().split("=", 1)
    assert name == "HARBORLINE_AUDIT_KEYS"
    keys = value.split(",")
    assert len(keys) == 2 and keys[1] == current and keys[0] != current
    assert "Keep the old key(s)" in err
    code, _, err = cli("keys", "generate", "--audit-add-to", "short")
    assert code == 2 and "--audit-add-to: key 1 is not a valid audit key" in err


def test_an_older_demo_gets_audit_keys_added_and_keeps_its_data(cli, tmp_path, monkeypatch):
    """A var/demo.env written before the audit keys: the demo adds them (and an anchor file
    beside its data) instead of refusing, so the demo data stays readable."""
    import os

    from harborline.people import services

    for name in (
        "HARBORLINE_DEMO",
        "HARBORLINE_SECRET_KEY",
        "HARBORLINE_FIELD_KEYS",
        "HARBORLINE_AUDIT_KEYS",
        "HARBORLINE_AUDIT_SIGNING_KEY",
        "HARBORLINE_AUDIT_ANCHOR",
    ):
        monkeypatch.setenv(name, os.environ.get(name, ""))  # restored after the test
    monkeypatch.delenv("HARBORLINE_AUDIT_ANCHOR")
    var = tmp_path / "var"
    var.mkdir()
    field_key = "m8a7MqWcmLBW6vdN7tZJ1Vf1QwUj0hM7vO8Yb3Z1oQk="
    old = f"HARBORLINE_SECRET_KEY={'s' * 50}\nHARBORLINE_FIELD_KEYS={field_key}\n"
    (var / "demo.env").write_text(old)
    monkeypatch.setenv("HARBORLINE_VAR_DIR", str(var))
    services.create_organization(actor=None, slug="demo-cw", name="Demo CW", type="child_welfare")
    code, out, err = cli("demo", "--no-serve")
    assert code == 0, err
    content = (var / "demo.env").read_text()
    assert content.startswith(old)
    assert "HARBORLINE_AUDIT_KEYS=" in content and "HARBORLINE_AUDIT_SIGNING_KEY=" in content
    assert os.environ["HARBORLINE_AUDIT_ANCHOR"] == f"file:{var / 'audit-anchors.jsonl'}"
    assert cli("demo", "--no-serve")[0] == 0
    assert (var / "demo.env").read_text() == content, "added once"
