"""Hashing and verifying the audit chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from .models import AuditEvent, ChainHead

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


@dataclass
class Verdict:
    ok: bool
    checked: int
    head_hash: str
    problem: str = ""
    first_broken_seq: int | None = None


def verify(events: Iterable[AuditEvent] | None = None) -> Verdict:
    """Walk the chain from the first record; stop at the first record that does not fit."""
    if events is None:
        events = AuditEvent.objects.order_by("seq").iterator(chunk_size=5000)
    expected_seq, prev = 1, GENESIS
    checked = 0
    for event in events:
        if event.seq != expected_seq:
            return Verdict(
                False,
                checked,
                prev,
                f"audit record #{expected_seq} is missing "
                f"(the chain jumps from #{expected_seq - 1} to #{event.seq})",
                expected_seq,
            )
        if event.prev_hash != prev:
            return Verdict(
                False,
                checked,
                prev,
                f"audit record #{event.seq} (id {event.pk}) does "
                "not follow the record before it (its previous-hash differs)",
                event.seq,
            )
        if compute_hash(event) != event.hash:
            return Verdict(
                False,
                checked,
                prev,
                f"audit record #{event.seq} (id {event.pk}) was "
                "altered: its contents do not match its hash",
                event.seq,
            )
        prev, expected_seq = event.hash, expected_seq + 1
        checked += 1
    head = ChainHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != checked or head_hash != prev:
        return Verdict(
            False,
            checked,
            prev,
            f"the newest audit records were removed: the chain "
            f"head names #{head_seq} but the log ends at #{checked}",
            checked + 1,
        )
    return Verdict(True, checked, prev)
