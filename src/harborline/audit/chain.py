"""Hashing, sealing and verifying the audit chain.

Every record has `hash` = SHA-256 over a canonical JSON of its contents and the previous record's
hash (the chain), and, from the point where the chain was keyed on, `mac` = HMAC-SHA256 of that
hash under the audit key named by `key_id` (crypto.keys, HARBORLINE_AUDIT_KEYS: not in the
database). Recomputing the hashes after an edit is therefore not enough: without the key the MACs
do not fit. The head row is sealed the same way, with the first keyed record (`keyed_from`), so
nobody without the key can pass sealed records off as older unkeyed ones or move the switch.
Records from before the switch stay verifiable as before, by their SHA-256 chain; the first
keyed record's hash covers the last of them. See docs/decisions/0035."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC
from typing import TYPE_CHECKING, Any

from .models import AuditEvent, ChainHead

if TYPE_CHECKING:
    from .anchors import AnchorSet

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_email",
    "org_id",
    "org_slug",
    "action",
    "object_type",
    "object_id",
    "owner_org_id",
    "youth_id",
    "compartments",
    "purpose",
    "legal_basis",
    "request_id",
    "detail",
    "prev_hash",
)


def _canonical(value: Any) -> Any:
    if hasattr(value, "astimezone"):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def compute_hash(event: AuditEvent) -> str:
    body = {name: _canonical(getattr(event, name)) for name in HASHED_FIELDS}
    encoded = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def compute_mac(record_hash: str, key: bytes) -> str:
    """The record's seal: HMAC-SHA256 of its chain hash (which covers its contents, its place
    and the record before it) under an audit key."""
    message = b"harborline-audit-record\x00" + record_hash.encode("ascii")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def compute_head_mac(seq: int, head_hash: str, keyed_from: int | None, key: bytes) -> str:
    message = f"harborline-audit-head\x00{seq}\x00{head_hash}\x00{keyed_from}".encode("ascii")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def sealing_key() -> tuple[str, bytes]:
    """(key id, key) that seals new records: the first of HARBORLINE_AUDIT_KEYS."""
    from harborline.crypto.keys import audit_keys

    return audit_keys()[0]


def seal(event: AuditEvent, key_id: str, key: bytes) -> None:
    event.hash = compute_hash(event)
    event.key_id = key_id
    event.mac = compute_mac(event.hash, key)


def seal_head(head: ChainHead, key_id: str, key: bytes) -> None:
    head.key_id = key_id
    head.mac = compute_head_mac(head.seq, head.hash, head.keyed_from, key)


@dataclass
class Verdict:
    ok: bool
    checked: int
    head_hash: str
    problem: str = ""
    first_broken_seq: int | None = None
    keyed_from: int | None = None
    anchors_checked: int = 0
    newest_anchor: Any = None
    notes: list[str] = field(default_factory=list)


def _mac_fits(key_id: str, mac: str, expected: Any) -> bool | None:
    """None when the key is not configured; else whether `mac` is `expected(key)`."""
    from harborline.crypto.keys import audit_key

    key = audit_key(key_id) if key_id else None
    if key is None:
        return None
    return hmac.compare_digest(mac, expected(key))


def verify(
    events: Iterable[AuditEvent] | None = None, *, anchors: AnchorSet | None = None
) -> Verdict:
    """Walk the chain from the first record; stop at the first record that does not fit: its
    place, its link to the record before it, its hash, its MAC (from the keyed point on), and
    every exported anchor that names it. Then the head: its seal, and that it names the end.
    Needs the audit keys (ImproperlyConfigured without them)."""
    from harborline.crypto.keys import audit_keys

    audit_keys()  # no key, no verdict: fail loudly rather than check less than promised
    if anchors is not None and anchors.problems:
        return Verdict(
            False,
            0,
            GENESIS,
            f"an exported chain head was tampered with: {anchors.problems[0]}",
            None,
        )
    head = ChainHead.objects.filter(pk=1).first()
    if events is None:
        events = AuditEvent.objects.order_by("seq").iterator(chunk_size=5000)
    keyed_from = head.keyed_from if head is not None else None
    anchored = anchors.by_seq() if anchors is not None else {}
    expected_seq, prev = 1, GENESIS
    checked = 0

    def broken(problem: str, seq: int) -> Verdict:
        return Verdict(False, checked, prev, problem, seq, keyed_from)

    for event in events:
        if event.seq != expected_seq:
            return broken(
                f"audit record #{expected_seq} is missing "
                f"(the chain jumps from #{expected_seq - 1} to #{event.seq})",
                expected_seq,
            )
        if event.prev_hash != prev:
            return broken(
                f"audit record #{event.seq} (id {event.pk}) does "
                "not follow the record before it (its previous-hash differs)",
                event.seq,
            )
        if compute_hash(event) != event.hash:
            return broken(
                f"audit record #{event.seq} (id {event.pk}) was "
                "altered: its contents do not match its hash",
                event.seq,
            )
        if keyed_from is not None and event.seq >= keyed_from:
            fits = _mac_fits(event.key_id, event.mac, lambda key, e=event: compute_mac(e.hash, key))
            if fits is None:
                return broken(
                    f"audit record #{event.seq} (id {event.pk}) is sealed with audit key "
                    f"{event.key_id or '(none)'!r}, which is not in HARBORLINE_AUDIT_KEYS "
                    "(keep retired keys at the end of the list)",
                    event.seq,
                )
            if not fits:
                return broken(
                    f"audit record #{event.seq} (id {event.pk}) was altered: its seal (MAC) "
                    "does not fit; its hash was recomputed without the audit key",
                    event.seq,
                )
        for anchor in anchored.get(event.seq, ()):
            if anchor.hash != event.hash:
                return broken(
                    f"audit record #{event.seq} (id {event.pk}) differs from the chain head "
                    f"exported at {anchor.at_text} ({anchor.origin}): history was rewritten",
                    event.seq,
                )
        prev, expected_seq = event.hash, expected_seq + 1
        checked += 1
    beyond = [a for seq, found in anchored.items() if seq > checked for a in found]
    if beyond:
        anchor = max(beyond, key=lambda a: a.seq)
        return broken(
            f"the audit log was cut short: the chain head exported at {anchor.at_text} "
            f"({anchor.origin}) names record #{anchor.seq}, but the log ends at #{checked}",
            checked + 1,
        )
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != checked or head_hash != prev:
        return broken(
            f"the newest audit records were removed: the chain "
            f"head names #{head_seq} but the log ends at #{checked}",
            checked + 1,
        )
    if head is not None and keyed_from is not None:
        fits = _mac_fits(
            head.key_id,
            head.mac,
            lambda key: compute_head_mac(head.seq, head.hash, head.keyed_from, key),
        )
        if not fits:
            what = "does not fit" if fits is False else f"names an unknown key {head.key_id!r}"
            return broken(f"the chain head was altered: its seal (MAC) {what}", checked + 1)
    elif checked:
        return broken(
            "the audit log is not sealed with the audit key yet: run `harborline migrate` "
            "once with HARBORLINE_AUDIT_KEYS set (records written so far stay verifiable by "
            "their SHA-256 chain; new ones are sealed from then on)",
            checked + 1,
        )
    verdict = Verdict(True, checked, prev, keyed_from=keyed_from)
    if anchors is not None:
        verdict.anchors_checked = anchors.count
        verdict.newest_anchor = anchors.newest
        verdict.notes = list(anchors.notes)
    return verdict
