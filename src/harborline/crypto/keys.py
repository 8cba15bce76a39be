"""The keys Harborline reads from the environment, in one place.

Field-encryption keys: a MultiFernet built from HARBORLINE_FIELD_KEYS (first key encrypts, every key
decrypts), so keys can rotate without downtime. The audit chain's MAC keys and anchor-signing key
are further down."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

HOW_TO = "Run `harborline keys generate` and set the lines it prints in the environment."


def generate_key() -> str:
    return Fernet.generate_key().decode()


@lru_cache(maxsize=4)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(f"HARBORLINE_FIELD_KEYS is not set. {HOW_TO}")
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.encode()))
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"HARBORLINE_FIELD_KEYS: key {position} is not a valid Fernet key "
                f"(32 url-safe base64-encoded bytes). {HOW_TO}"
            ) from None
    return MultiFernet(fernets)


def multifernet() -> MultiFernet:
    return _multifernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def primary() -> Fernet:
    return Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())


def check_keys() -> list[str]:
    """Problems with the configured keys, as sentences (empty when all is well)."""
    problems = []
    try:
        multifernet()
    except ImproperlyConfigured as problem:
        problems.append(str(problem))
    return problems + check_audit_keys()


# ---------------------------------------------------------------------------------------------
# The audit chain's keys (docs/decisions/0035). Both live in the environment with the field keys,
# never in the database, so that write access to the database is not enough to rewrite history.
#
# HARBORLINE_AUDIT_KEYS: comma-separated HMAC-SHA256 keys (32 random bytes, url-safe base64).
#   The first seals new audit records; every key in the list verifies, by the key id each record
#   carries. A retired key stays in the list (at the end) for as long as its records are kept.
# HARBORLINE_AUDIT_SIGNING_KEY: an Ed25519 private key (32 bytes, url-safe base64) that signs the
#   chain heads exported as anchors. Operators and auditors verify anchors with its public key.
# HARBORLINE_AUDIT_ANCHOR_PUBLIC_KEYS: public keys of retired signing keys, still accepted.

AUDIT_KEYS_ENV = "HARBORLINE_AUDIT_KEYS"
SIGNING_KEY_ENV = "HARBORLINE_AUDIT_SIGNING_KEY"
PUBLIC_KEYS_ENV = "HARBORLINE_AUDIT_ANCHOR_PUBLIC_KEYS"


def _b64(raw: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    import base64
    import binascii

    try:
        return base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise ValueError("not url-safe base64") from None


def fingerprint(secret: str | bytes, purpose: str = "key") -> str:
    """A short, one-way name for a key (12 hex digits), to say which key is meant without
    showing it: in audit records, anchors, backup manifests and `harborline check`."""
    import hashlib

    raw = secret.encode("utf-8") if isinstance(secret, str) else secret
    return hashlib.sha256(f"harborline-{purpose}-id\x00".encode() + raw).hexdigest()[:12]


def generate_audit_key() -> str:
    import os

    return _b64(os.urandom(32))


@lru_cache(maxsize=4)
def _audit_keys(keys: tuple[str, ...]) -> tuple[tuple[str, bytes], ...]:
    if not keys:
        raise ImproperlyConfigured(f"{AUDIT_KEYS_ENV} is not set. {HOW_TO}")
    parsed = []
    for position, key in enumerate(keys, start=1):
        try:
            raw = _unb64(key)
        except ValueError:
            raw = b""
        if len(raw) < 32:
            raise ImproperlyConfigured(
                f"{AUDIT_KEYS_ENV}: key {position} is not a valid audit key (at least 32 "
                f"url-safe base64-encoded bytes). {HOW_TO}"
            )
        parsed.append((fingerprint(raw, "audit-key"), raw))
    return tuple(parsed)


def audit_keys() -> tuple[tuple[str, bytes], ...]:
    """(key id, key) for every configured audit MAC key, the sealing key first."""
    return _audit_keys(tuple(settings.AUDIT_KEYS))


def audit_key(key_id: str) -> bytes | None:
    for kid, raw in audit_keys():
        if kid == key_id:
            return raw
    return None


def generate_signing_key() -> tuple[str, str]:
    """A new Ed25519 key pair: (private key, public key), both url-safe base64 of 32 bytes."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    return _b64(private.private_bytes_raw()), _b64(private.public_key().public_bytes_raw())


def public_key_text(private_text: str) -> str:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.from_private_bytes(_unb64(private_text))
    return _b64(private.public_key().public_bytes_raw())


def signing_key() -> Any:
    """The Ed25519 private key that signs anchors, or None when none is configured."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    text = settings.AUDIT_SIGNING_KEY
    if not text:
        return None
    try:
        return Ed25519PrivateKey.from_private_bytes(_unb64(text))
    except ValueError:
        raise ImproperlyConfigured(
            f"{SIGNING_KEY_ENV} is not a valid Ed25519 private key (32 url-safe "
            f"base64-encoded bytes). {HOW_TO}"
        ) from None


def parse_public_key(text: str) -> Any:
    """An Ed25519 public key from its url-safe base64 text; ValueError when it is not one."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    return Ed25519PublicKey.from_public_bytes(_unb64(text))


def public_key_id(public: Any) -> str:
    return fingerprint(public.public_bytes_raw(), "anchor-key")


def anchor_public_keys(extra: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """Key id -> public key for every key whose anchors verify-audit accepts: the configured
    signing key's, the retired ones in HARBORLINE_AUDIT_ANCHOR_PUBLIC_KEYS, and `extra`."""
    found: dict[str, Any] = {}
    private = signing_key()
    if private is not None:
        found[public_key_id(private.public_key())] = private.public_key()
    for source, texts in ((PUBLIC_KEYS_ENV, settings.AUDIT_ANCHOR_PUBLIC_KEYS), ("", extra)):
        for position, text in enumerate(texts, start=1):
            try:
                public = parse_public_key(text)
            except ValueError:
                where = f"{source}: key {position}" if source else f"public key {text!r}"
                raise ImproperlyConfigured(
                    f"{where} is not a valid Ed25519 public key (32 url-safe base64-encoded bytes)"
                ) from None
            found[public_key_id(public)] = public
    return found


def check_audit_keys() -> list[str]:
    problems = []
    for check in (audit_keys, signing_key, anchor_public_keys):
        try:
            check()
        except ImproperlyConfigured as problem:
            problems.append(str(problem))
    return problems


def key_fingerprints() -> dict[str, list[str]]:
    """Which keys are configured, by fingerprint only (for backup manifests and `check`)."""
    from django.conf import settings as conf

    return {
        "secret_key": [fingerprint(conf.SECRET_KEY, "secret-key")],
        "field_keys": [fingerprint(k.strip(), "field-key") for k in conf.FIELD_ENCRYPTION_KEYS],
        "audit_keys": [kid for kid, _ in audit_keys()],
    }
