"""Anchors: the audit chain's head, signed and exported outside the database.

A MAC stops someone without the audit key from rewriting history, but not someone who has it,
nor someone who cuts the log back to an older head they saw. So the head (sequence number and
hash) is signed with an Ed25519 key that is not in the database (HARBORLINE_AUDIT_SIGNING_KEY) and
written, one JSON line at a time, to destinations the operator names in HARBORLINE_AUDIT_ANCHOR:

- `file:/path`: appended to a file (make it append-only, `chattr +a`, or ship it elsewhere);
- `syslog:` (the local /dev/log), `syslog:/path/to/socket`, or `syslog:HOST:PORT` (UDP).

`harborline audit anchor` exports one now; `harborline worker` exports one every
HARBORLINE_AUDIT_ANCHOR_MINUTES (15). `harborline verify-audit --anchors FILE` then checks that
every anchored record is still in the log with the same hash: a rewrite, or a log cut back below
an anchored head, fails. Anyone can check a line with the public key alone
(`harborline audit public-key`). See docs/decisions/0035."""

from __future__ import annotations

import base64
import json
import logging
import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from .models import Anchor, ChainHead

log = logging.getLogger("harborline.audit")

MARK = "harborline_audit_anchor"
VERSION = 1
HOW_TO_DESTINATION = "use file:/path, syslog:, syslog:/path/to/socket or syslog:HOST:PORT"
SYSLOG_PRIORITY = 4 * 8 + 5  # facility auth, severity notice


class AnchorError(Exception):
    """An anchor could not be exported, or an anchors file could not be read."""


# --- destinations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Destination:
    kind: str  # "file" or "syslog"
    target: str  # the path, the socket path, or HOST:PORT
    text: str  # as the operator wrote it

    def write(self, line: str) -> None:
        if self.kind == "file":
            _append_to_file(Path(self.target), line)
        else:
            _send_to_syslog(self.target, line)


def parse_destination(text: str) -> Destination:
    text = text.strip()
    kind, sep, target = text.partition(":")
    if sep and kind == "file" and target.strip():
        return Destination("file", str(Path(target.strip()).expanduser()), text)
    if sep and kind == "syslog":
        target = target.strip() or "/dev/log"
        if target.startswith("/"):
            return Destination("syslog", target, text)
        host, _, port = target.rpartition(":")
        if host and port.isdigit() and 0 < int(port) < 65536:
            return Destination("syslog", f"{host.strip('[]')}:{port}", text)
    raise ImproperlyConfigured(
        f"HARBORLINE_AUDIT_ANCHOR: {text!r} is not an anchor destination; {HOW_TO_DESTINATION}"
    )


def configured_destinations() -> list[Destination]:
    return [parse_destination(text) for text in settings.AUDIT_ANCHOR]


def _append_to_file(path: Path, line: str) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (line + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as problem:
        raise AnchorError(f"cannot append to {path}: {problem.strerror or problem}") from None


def _send_to_syslog(target: str, line: str) -> None:
    message = f"<{SYSLOG_PRIORITY}>harborline[{os.getpid()}]: {line}".encode()
    try:
        if target.startswith("/"):
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                sock.sendto(message, target)
            return
        host, _, port = target.rpartition(":")
        family, kind, proto, _, address = socket.getaddrinfo(host, int(port), 0, socket.SOCK_DGRAM)[
            0
        ]
        with socket.socket(family, kind, proto) as sock:
            sock.sendto(message, address)
    except OSError as problem:
        raise AnchorError(
            f"cannot send to syslog {target}: {problem.strerror or problem}"
        ) from None


# --- signing ---------------------------------------------------------------------------------


def _payload(statement: dict[str, Any]) -> bytes:
    signed = {k: statement[k] for k in (MARK, "at", "seq", "hash", "key_id")}
    return json.dumps(signed, sort_keys=True, separators=(",", ":")).encode("utf-8")


def signed_line(*, seq: int, head_hash: str, at: datetime, private_key: Any) -> str:
    from harborline.crypto.keys import public_key_id

    statement: dict[str, Any] = {
        MARK: VERSION,
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seq": seq,
        "hash": head_hash,
        "key_id": public_key_id(private_key.public_key()),
    }
    signature = private_key.sign(_payload(statement))
    statement["sig"] = base64.urlsafe_b64encode(signature).decode("ascii")
    return json.dumps(statement, sort_keys=True, separators=(",", ":"))


def _require_signing_key() -> Any:
    from harborline.crypto.keys import SIGNING_KEY_ENV, signing_key

    private = signing_key()
    if private is None:
        raise ImproperlyConfigured(
            f"{SIGNING_KEY_ENV} is not set: anchors are signed with it. Run `harborline keys "
            "generate` and set the line it prints."
        )
    return private


@transaction.atomic
def export_anchor(
    *, destinations: list[Destination] | None = None, now: datetime | None = None
) -> tuple[Anchor, str]:
    """Sign the current chain head and write it to every destination (the configured ones by
    default). Holds the head's lock while it writes, so the head it signs is the head there is;
    keys the chain first if it is not keyed yet. Raises AnchorError when a destination fails
    (nothing is recorded then) and ImproperlyConfigured without a signing key or destination."""
    from .services import seal_chain

    private = _require_signing_key()
    targets = configured_destinations() if destinations is None else destinations
    if not targets:
        raise ImproperlyConfigured(
            "HARBORLINE_AUDIT_ANCHOR is not set: name where anchors go (file:/path, syslog: "
            "or syslog:HOST:PORT), or pass --to"
        )
    head: ChainHead = seal_chain()
    at = now or timezone.now()
    line = signed_line(seq=head.seq, head_hash=head.hash, at=at, private_key=private)
    failures = []
    for target in targets:
        try:
            target.write(line)
        except AnchorError as problem:
            failures.append(str(problem))
    if failures:
        raise AnchorError("; ".join(failures))
    anchor = Anchor.objects.create(
        at=at,
        seq=head.seq,
        hash=head.hash,
        signing_key_id=json.loads(line)["key_id"],
        destinations=", ".join(t.text for t in targets)[:500],
    )
    return anchor, line


def anchor_if_due(*, now: datetime | None = None) -> int:
    """The worker's job: export an anchor when HARBORLINE_AUDIT_ANCHOR is set and the last one
    is HARBORLINE_AUDIT_ANCHOR_MINUTES old. Several workers export it once (the head's lock).
    A failure is logged as an error (the worker goes on); returns how many were exported."""
    if not settings.AUDIT_ANCHOR:
        return 0
    now = now or timezone.now()
    due_before = now - timedelta(minutes=max(settings.AUDIT_ANCHOR_MINUTES, 1))
    try:
        with transaction.atomic():
            ChainHead.objects.select_for_update().get_or_create(pk=1)
            if Anchor.objects.filter(at__gt=due_before).exists():
                return 0
            export_anchor(now=now)
    except (AnchorError, ImproperlyConfigured) as problem:
        log.error("audit anchor failed: %s", problem)
        return 0
    return 1


# --- reading anchors back --------------------------------------------------------------------


@dataclass
class AnchorLine:
    seq: int
    hash: str
    at_text: str
    key_id: str
    origin: str  # "path:line"


@dataclass
class AnchorSet:
    anchors: list[AnchorLine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.anchors)

    @property
    def newest(self) -> AnchorLine | None:
        return max(self.anchors, key=lambda a: (a.at_text, a.seq), default=None)

    def by_seq(self) -> dict[int, list[AnchorLine]]:
        found: dict[int, list[AnchorLine]] = {}
        for anchor in self.anchors:
            found.setdefault(anchor.seq, []).append(anchor)
        return found


def _statement(text: str) -> dict[str, Any] | None:
    start = text.find("{")
    if start < 0 or MARK not in text:
        return None
    try:
        value = json.loads(text[start:])
    except ValueError:
        return None
    return value if isinstance(value, dict) and MARK in value else None


def read_anchors(paths: Iterable[Path], public_keys: dict[str, Any]) -> AnchorSet:
    """Every anchor line in the files (an anchors file, or a syslog file with other lines in
    it), each checked against the public keys. A line whose signature does not fit is a
    problem: someone wrote to the anchor destination. Anchors signed by keys not given are
    counted in a note (another installation's, or a retired key whose public key is missing)."""
    from cryptography.exceptions import InvalidSignature

    found = AnchorSet()
    foreign: dict[str, int] = {}
    for path in paths:
        try:
            with path.open(encoding="utf-8", errors="replace") as lines:
                for number, text in enumerate(lines, start=1):
                    statement = _statement(text)
                    if statement is None:
                        continue
                    origin = f"{path}:{number}"
                    try:
                        seq, head_hash = int(statement["seq"]), str(statement["hash"])
                        key_id, at_text = str(statement["key_id"]), str(statement["at"])
                        signature = base64.urlsafe_b64decode(str(statement["sig"]))
                        payload = _payload(statement)
                    except (KeyError, TypeError, ValueError):
                        found.problems.append(f"{origin}: an anchor line that is not well formed")
                        continue
                    public = public_keys.get(key_id)
                    if public is None:
                        foreign[key_id] = foreign.get(key_id, 0) + 1
                        continue
                    try:
                        public.verify(signature, payload)
                    except InvalidSignature:
                        found.problems.append(
                            f"{origin}: the anchor's signature does not fit (the line was altered "
                            "or forged)"
                        )
                        continue
                    found.anchors.append(AnchorLine(seq, head_hash, at_text, key_id, origin))
        except OSError as problem:
            raise AnchorError(f"cannot read {path}: {problem.strerror or problem}") from None
    for key_id, count in sorted(foreign.items()):
        found.notes.append(
            f"{count} anchor(s) signed by key {key_id}, which is not given, were not checked "
            "(pass its public key with --public-key, or list it in "
            "HARBORLINE_AUDIT_ANCHOR_PUBLIC_KEYS)"
        )
    return found
