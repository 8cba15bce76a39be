"""Signed chain heads exported outside the database (anchors): who holds the MAC key can rewrite
the log so that it verifies on its own, but not so that it matches the heads already exported;
nor can anyone cut the log back below an anchored head."""

from __future__ import annotations

import base64
import json
import socket
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from harborline.audit.anchors import (
    AnchorError,
    anchor_if_due,
    export_anchor,
    parse_destination,
    read_anchors,
)
from harborline.audit.chain import verify
from harborline.audit.models import Action, Anchor, AuditEvent, ChainHead
from harborline.audit.services import record
from harborline.config import cli as cli_module
from harborline.crypto.keys import (
    anchor_public_keys,
    audit_keys,
    generate_signing_key,
    public_key_text,
)

from .tamper import cut_after, rewrite_from

pytestmark = pytest.mark.django_db


def write(count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        record(
            actor=None,
            actor_email=f"worker{i}@example.org",
            action=Action.VIEW,
            object_type="cases.youth",
            object_id=str(i),
        )


@pytest.fixture
def anchor_file(tmp_path, settings):
    path = tmp_path / "anchors.jsonl"
    settings.AUDIT_ANCHOR = [f"file:{path}"]
    return path


def checked(path):
    return verify(anchors=read_anchors([path], anchor_public_keys()))


def test_an_anchor_is_the_signed_head_and_verifies_with_the_public_key_alone(anchor_file, settings):
    write(3)
    anchor, line = export_anchor()
    [written] = anchor_file.read_text().splitlines()
    assert written == line
    statement = json.loads(line)
    head = ChainHead.objects.get()
    assert (statement["seq"], statement["hash"]) == (head.seq, head.hash) == (3, anchor.hash)
    # What an auditor does with the public key only (no Harborline, no database):
    public = Ed25519PublicKey.from_public_bytes(
        base64.urlsafe_b64decode(public_key_text(settings.AUDIT_SIGNING_KEY))
    )
    signed = {k: statement[k] for k in ("harborline_audit_anchor", "at", "seq", "hash", "key_id")}
    public.verify(
        base64.urlsafe_b64decode(statement["sig"]),
        json.dumps(signed, sort_keys=True, separators=(",", ":")).encode(),
    )
    assert Anchor.objects.get().seq == 3
    verdict = checked(anchor_file)
    assert verdict.ok and verdict.anchors_checked == 1
    assert verdict.newest_anchor.seq == 3


def test_truncation_below_an_anchored_head_fails(anchor_file):
    """Cut the newest records and move the head back, re-sealing it with the MAC key (an
    insider who holds it): the log verifies on its own, but not against the anchor."""
    write(5)
    export_anchor()
    cut_after(3, key=audit_keys()[0][1])
    assert verify().ok, "without the anchors, a cut by a key holder is invisible"
    verdict = checked(anchor_file)
    assert not verdict.ok
    assert "cut short" in verdict.problem and "#5" in verdict.problem and "#3" in verdict.problem


def test_rewriting_history_with_the_mac_key_fails_against_the_anchors(anchor_file):
    write(5)
    export_anchor()
    write(2, start=5)
    key_id, key = audit_keys()[0]
    rewrite_from(2, change={"action": "deleted-evidence"}, key=key, key_id=key_id)
    assert verify().ok, "the key holder's rewrite verifies on its own"
    verdict = checked(anchor_file)
    assert not verdict.ok and verdict.first_broken_seq == 5
    assert "differs from the chain head exported" in verdict.problem


def test_records_after_the_newest_anchor_are_checked_by_their_seals(anchor_file):
    write(3)
    export_anchor()
    write(2, start=3)
    assert checked(anchor_file).ok
    rewrite_from(5, change={"purpose": "x"})
    assert not checked(anchor_file).ok


def test_an_altered_or_forged_anchor_line_fails(anchor_file):
    write(2)
    _, line = export_anchor()
    statement = json.loads(line)
    statement["seq"] = 1  # someone edits the anchor file to match a shorter log
    anchor_file.write_text(line + "\n" + json.dumps(statement) + "\n")
    verdict = checked(anchor_file)
    assert not verdict.ok
    assert "signature does not fit" in verdict.problem and ":2" in verdict.problem


def test_anchors_signed_by_another_key_are_noted_not_trusted(anchor_file, settings):
    write(2)
    export_anchor()
    other_private, _ = generate_signing_key()
    settings.AUDIT_SIGNING_KEY = other_private
    found = read_anchors([anchor_file], anchor_public_keys())
    assert found.count == 0 and "not given, were not checked" in found.notes[0]
    # A retired signing key's public key is still accepted.
    settings.AUDIT_ANCHOR_PUBLIC_KEYS = [
        public_key_text("0igqkggGrIwbFBK_1xmrCx400kqJvC_yx5mPDrfqP1A=")
    ]
    assert read_anchors([anchor_file], anchor_public_keys()).count == 1
    # ... and so is one given on the command line (--public-key).
    old_public = settings.AUDIT_ANCHOR_PUBLIC_KEYS[0]
    settings.AUDIT_ANCHOR_PUBLIC_KEYS = []
    assert read_anchors([anchor_file], anchor_public_keys([old_public])).count == 1


def test_anchor_lines_are_found_among_other_lines_of_a_syslog_file(anchor_file, tmp_path):
    write(2)
    _, line = export_anchor()
    syslog = tmp_path / "syslog"
    syslog.write_text(
        "Dec  6 02:00:00 host cron[1]: something else\n"
        f"Dec  6 02:15:00 host harborline[42]: {line}\n"
    )
    verdict = checked(syslog)
    assert verdict.ok and verdict.anchors_checked == 1


def test_an_anchor_is_sent_to_syslog_over_udp(settings):
    write(1)
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    try:
        port = receiver.getsockname()[1]
        _, line = export_anchor(destinations=[parse_destination(f"syslog:127.0.0.1:{port}")])
        message = receiver.recv(65535).decode()
    finally:
        receiver.close()
    assert message.startswith("<37>harborline[")
    assert message.endswith(line)


@pytest.mark.parametrize("text", ["s3://bucket/x", "file:", "syslog:host", "syslog:host:99999"])
def test_a_destination_that_is_not_one_is_refused(text):
    with pytest.raises(ImproperlyConfigured, match="not an anchor destination"):
        parse_destination(text)


def test_a_destination_that_fails_records_nothing(tmp_path):
    write(1)
    target = parse_destination(f"file:{tmp_path / 'missing-dir' / 'anchors'}")
    with pytest.raises(AnchorError, match="cannot append"):
        export_anchor(destinations=[target])
    assert not Anchor.objects.exists()


def test_anchoring_needs_the_signing_key(anchor_file, settings):
    settings.AUDIT_SIGNING_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="HARBORLINE_AUDIT_SIGNING_KEY is not set"):
        export_anchor()


def test_anchoring_seals_an_unkeyed_log_first(anchor_file):
    from .tamper import raw_sql

    write(2)
    raw_sql("UPDATE audit_auditevent SET mac = '', key_id = ''")
    ChainHead.objects.filter(pk=1).update(keyed_from=None, mac="", key_id="")
    anchor, _ = export_anchor()
    assert anchor.seq == 3  # the switch record, sealed and anchored
    assert AuditEvent.objects.get(seq=3).action == Action.AUDIT_KEYED
    assert checked(anchor_file).ok


# --- on a schedule ---------------------------------------------------------------------------


def test_anchor_if_due_exports_every_n_minutes(anchor_file, settings):
    settings.AUDIT_ANCHOR_MINUTES = 15
    write(1)
    now = timezone.now()
    assert anchor_if_due(now=now) == 1
    assert anchor_if_due(now=now + timedelta(minutes=14)) == 0
    write(1, start=1)
    assert anchor_if_due(now=now + timedelta(minutes=16)) == 1
    lines = anchor_file.read_text().splitlines()
    assert [json.loads(x)["seq"] for x in lines] == [1, 2]


def test_anchor_if_due_does_nothing_without_a_destination(settings):
    settings.AUDIT_ANCHOR = []
    assert anchor_if_due() == 0
    assert not Anchor.objects.exists()


def test_a_failing_destination_is_logged_and_the_worker_goes_on(settings, tmp_path, caplog):
    settings.AUDIT_ANCHOR = [f"file:{tmp_path / 'no-such-dir' / 'anchors'}"]
    assert anchor_if_due() == 0
    assert "audit anchor failed: cannot append" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_the_worker_writes_a_verifiable_signed_head(anchor_file, settings, capsys):
    write(2)
    code = cli_module.run_worker(interval=300, poll=0, cycles=1)
    assert code == 0
    assert "audit chain anchors: 1 sent" in capsys.readouterr().out
    [line] = anchor_file.read_text().splitlines()
    assert json.loads(line)["seq"] == ChainHead.objects.get().seq == 2
    assert checked(anchor_file).ok
