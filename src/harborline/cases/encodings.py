"""The youth's linkage encodings inside one installation (decision 0063): the installation's
secret, encoding a youth when a case is opened or the youth's name or date of birth changes,
the backfill and the secret's rotation, and the lookup behind the possible-duplicate check
(`match_youth`), which returns record ids only to `selectors.duplicate_check` — the one place
that decides what the actor is told of them.

The encodings are `linkage.case_match`'s (keyed, balanced, noised Bloom filters and keyed
blocking tokens, decisions 0053 and 0054); the secret never leaves the database, where it is
held encrypted with the field keys."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction

from harborline.crypto.own_secrets import new_secret, on_first_use
from harborline.linkage.case_match import Encoding, best_weights, encode_identity, same_youth
from harborline.linkage.encode import Encoder

from .models import DuplicateCheckSecret, Youth, YouthBlockingKey, YouthEncoding

BATCH = 500
MAX_CANDIDATES = 500  # stored encodings scored per check (a hot blocking token stops there)
PURPOSE = "duplicate-check"  # what its key id is a fingerprint for (crypto.keys.fingerprint)


def current_secret(secret_model: Any = DuplicateCheckSecret) -> DuplicateCheckSecret:
    """The current secret, made on first use (two processes racing: one wins, both use it).
    The model is an argument so that the data migration's backfill passes its own."""
    return on_first_use(
        lambda: secret_model.objects.filter(current=True).first(),
        lambda: secret_model.objects.create(current=True, **new_secret(PURPOSE)),
    )


def encoder_for(row: Any) -> Encoder:
    return Encoder(base64.urlsafe_b64decode(row.secret.encode("ascii")))


def _store(
    youth: Any,
    row: Any,
    encoding_model: Any = YouthEncoding,
    key_model: Any = YouthBlockingKey,
) -> None:
    """(Re)write the youth's encoding under one secret; none when nothing could be encoded
    (no name nor date of birth to block on)."""
    encoding_model.objects.filter(youth_id=youth.pk, secret_id=row.pk).delete()
    encoded = encode_identity(
        encoder_for(row), first_name=youth.first_name, last_name=youth.last_name, dob=youth.dob
    )
    if not encoded.tokens:
        return
    stored = encoding_model.objects.create(
        youth_id=youth.pk, secret_id=row.pk, variants=encoded.as_json()
    )
    key_model.objects.bulk_create(
        [key_model(encoding_id=stored.pk, token=t) for t in sorted(encoded.tokens)]
    )


def encode_youth(youth: Youth) -> None:
    """The youth's encodings under every live secret (one; two while a rotation runs). Called
    by the services that open a case and change a youth's identity, in their transaction."""
    rows = list(DuplicateCheckSecret.objects.all()) or [current_secret()]
    for row in rows:
        _store(youth, row)


def backfill(
    *,
    youth_model: Any = Youth,
    secret_model: Any = DuplicateCheckSecret,
    encoding_model: Any = YouthEncoding,
    key_model: Any = YouthBlockingKey,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Encode every youth that has no encoding under the current secret, in batches that
    commit on their own (an interrupted run starts again where it stopped). Returns how many
    were encoded. The models are arguments so that the data migration passes its own."""
    if not youth_model.objects.exists():
        return 0
    row = current_secret(secret_model)
    done = 0
    last = 0
    while True:
        with transaction.atomic():
            batch = list(
                youth_model.objects.filter(pk__gt=last)
                .exclude(encodings__secret_id=row.pk)
                .order_by("pk")[:BATCH]
            )
            if not batch:
                break
            for youth in batch:
                _store(youth, row, encoding_model, key_model)
            last = batch[-1].pk
            done += len(batch)
        if progress is not None:
            progress(f"encoded {done} youth")
    return done


def encode_many(youths: Iterable[Youth]) -> None:
    """Encodings for youth just written in bulk (the synthetic data), under the current
    secret."""
    row = current_secret()
    encoder = encoder_for(row)
    encodings, tokens = [], []
    for youth in youths:
        encoded = encode_identity(
            encoder, first_name=youth.first_name, last_name=youth.last_name, dob=youth.dob
        )
        if encoded.tokens:
            encodings.append(YouthEncoding(youth=youth, secret=row, variants=encoded.as_json()))
            tokens.append(sorted(encoded.tokens))
    YouthEncoding.objects.bulk_create(encodings, batch_size=BATCH)
    YouthBlockingKey.objects.bulk_create(
        [
            YouthBlockingKey(encoding=e, token=t)
            for e, ts in zip(encodings, tokens, strict=True)
            for t in ts
        ],
        batch_size=BATCH * 10,
    )


def rotate_secret(*, progress: Callable[[str], None] | None = None) -> tuple[str, str, int]:
    """A new secret: made current, every youth re-encoded under it, then the old secrets and
    their encodings deleted. While it runs, checks score against both (encode_youth writes
    both). Resumable: run it again after an interruption and it finishes the re-encoding
    under the secret it made. Returns (old key id, new key id, youth encoded)."""
    with transaction.atomic():
        old = DuplicateCheckSecret.objects.select_for_update().filter(current=True).first()
        pending = DuplicateCheckSecret.objects.filter(current=False).exists()
        if old is not None and not pending:
            old.current = False
            old.save(update_fields=["current"])
            new = DuplicateCheckSecret.objects.create(current=True, **new_secret(PURPOSE))
        else:  # first use, or finishing an interrupted rotation
            new = current_secret()
    old_ids = ",".join(
        DuplicateCheckSecret.objects.filter(current=False).values_list("key_id", flat=True)
    )
    done = backfill(progress=progress)
    DuplicateCheckSecret.objects.filter(current=False).delete()
    return old_ids, new.key_id, done


def match_youth(
    *, first_name: str, last_name: str, dob: str, exclude_youth: int | None = None
) -> list[int]:
    """The ids of the youth whose stored encodings agree with these identifiers above the
    threshold (`linkage.case_match.THRESHOLD_BITS`), most similar first. Never shown to
    anyone as such: `selectors.duplicate_check` decides what the actor learns."""
    scored: dict[int, float] = {}
    for row in DuplicateCheckSecret.objects.all() or [current_secret()]:
        query = encode_identity(
            encoder_for(row), first_name=first_name, last_name=last_name, dob=dob, query=True
        )
        if not query.tokens:
            continue
        ids = list(
            YouthBlockingKey.objects.filter(token__in=sorted(query.tokens), encoding__secret=row)
            .values_list("encoding_id", flat=True)
            .distinct()
            .order_by("encoding_id")[:MAX_CANDIDATES]
        )
        stored = list(YouthEncoding.objects.filter(pk__in=ids).only("youth_id", "variants"))
        if exclude_youth is not None:
            stored = [s for s in stored if s.youth_id != exclude_youth]
        weights = best_weights(query, [Encoding.from_json(s.variants) for s in stored])
        for s, w in zip(stored, weights, strict=True):
            if same_youth(w):
                scored[s.youth_id] = max(w, scored.get(s.youth_id, float("-inf")))
    return sorted(scored, key=lambda y: (-scored[y], y))
