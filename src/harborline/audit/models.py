"""The append-only, hash-chained record of every read and write of youth data (and of the
security events around it: sign-ins, MFA, lockouts, tokens, user changes).

Rows never change. Each row carries the hash of the row before it, so an altered or deleted row
breaks the chain from that point (`harborline verify-audit`), and a keyed MAC over its hash made
with a key that is not in the database (HARBORLINE_AUDIT_KEYS), so that recomputing the hashes
is not enough to rewrite history; signed chain heads exported outside the database (anchors)
catch a cut-off tail and a rewrite by someone who holds the key (docs/decisions/0035). Actors
and organizations are kept as ids plus a snapshot of their email/slug, not as foreign keys, so
deleting a user can never rewrite history."""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models


class AppendOnly(Exception):
    pass


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnly("The audit log is append-only.")

    def delete(self) -> NoReturn:
        raise AppendOnly("The audit log is append-only.")


class Action(models.TextChoices):
    VIEW = "view", "viewed"
    CREATE = "create", "created"
    UPDATE = "update", "changed"
    DELETE = "delete", "deleted"
    EXPORT = "export", "exported"
    SHARE = "share", "shared"
    BREAK_GLASS = "break_glass", "opened in an emergency"
    LOGIN = "login", "signed in"
    LOGIN_FAILED = "login_failed", "failed to sign in"
    LOCKED_OUT = "locked_out", "was locked out"
    LOGOUT = "logout", "signed out"
    IDLE_TIMEOUT = "idle_timeout", "was signed out after inactivity"
    MFA_ENROL = "mfa_enrol", "enrolled an authenticator"
    MFA_VERIFY = "mfa_verify", "passed the second factor"
    MFA_FAILED = "mfa_failed", "failed the second factor"
    MFA_RECOVERY = "mfa_recovery", "used a recovery code"
    TOKEN_CREATE = "token_create", "created an API token"
    TOKEN_REVOKE = "token_revoke", "revoked an API token"
    USER_CREATE = "user_create", "created a user"
    USER_UPDATE = "user_update", "changed a user"
    USER_UNLOCK = "user_unlock", "unlocked a user"
    AUDIT_KEYED = "audit_keyed", "began sealing the audit log with a key"
    BACKUP = "backup", "backed up the database"
    RESTORE = "restore", "restored the database from a backup"


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_email = models.CharField(max_length=254, blank=True)
    org_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    org_slug = models.CharField(max_length=60, blank=True)
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    owner_org_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    youth_id = models.BigIntegerField(null=True, blank=True)
    compartments = models.JSONField(default=list, blank=True)
    purpose = models.CharField(max_length=200, blank=True)
    legal_basis = models.CharField(max_length=200, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # HMAC-SHA256 of `hash` under the audit key named by `key_id`; empty on records written
    # before the chain was keyed (those stay verifiable by their SHA-256 chain alone).
    key_id = models.CharField(max_length=16, blank=True, default="")
    mac = models.CharField(max_length=64, blank=True, default="")

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["youth_id", "seq"], name="audit_youth_seq"),
            models.Index(fields=["org_id", "seq"], name="audit_org_seq"),
        ]

    def __str__(self) -> str:
        who = self.actor_email or "system"
        return f"#{self.seq} {who} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnly("The audit log is append-only.")

    @property
    def action_label(self) -> str:
        try:
            return str(Action(self.action).label)
        except ValueError:
            return self.action


class ChainHead(models.Model):
    """One row: the newest sequence number and hash. Writers lock it, so the chain stays a
    line even with many app servers, and the tail cannot be cut off unnoticed without also
    rewriting this row. Once keyed, `mac` seals (seq, hash, keyed_from) with the audit key:
    `keyed_from` is the first record that must carry a MAC (the switch from plain SHA-256),
    so nobody without the key can move it or pass off sealed records as older, unkeyed ones."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    keyed_from = models.BigIntegerField(null=True, blank=True)
    key_id = models.CharField(max_length=16, blank=True, default="")
    mac = models.CharField(max_length=64, blank=True, default="")

    def __str__(self) -> str:
        return f"audit head #{self.seq}"


class Anchor(models.Model):
    """A signed chain head that was exported (`harborline audit anchor`, or the worker every
    HARBORLINE_AUDIT_ANCHOR_MINUTES). Only bookkeeping for the schedule and for operators:
    what proves anything is the copy at the destination, outside the database."""

    at = models.DateTimeField(db_index=True)
    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    signing_key_id = models.CharField(max_length=16)
    destinations = models.CharField(max_length=500)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"anchor of #{self.seq} at {self.at:%Y-%m-%d %H:%M}"
