"""The installation's linkage key (decision 0061): the secret under which the agencies of this
installation encode their youth's identifiers for the statistical center (`encode.Encoder`).

One key for all of the installation's agencies, not one per agency: keyed Bloom filters made
under different secrets never agree, so agencies whose encodings must link share the secret -
as anonlink's data providers do - and the statistical center, which links them, never holds it.
The secret is generated on first use, kept encrypted at rest under the field keys
(`crypto.fields`, rotated with them by `harborline rotate-keys`), and shown to nobody: no page,
no endpoint and no role reads it; only its `key_id` (a one-way fingerprint) and `version` leave
the agency with a submission. Rotation (`harborline linkage rotate-key`) adds a new version;
the old one is kept, retired, so that what was encoded under it can still be told apart."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from harborline.crypto.fields import EncryptedTextField


class LinkageKey(models.Model):
    version = models.PositiveIntegerField(unique=True)
    secret = EncryptedTextField()  # url-safe base64 of 32 random bytes
    key_id = models.CharField(max_length=12)  # crypto.keys.fingerprint: names it, reveals nothing
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["version"]

    def __str__(self) -> str:
        return f"linkage key {self.version} ({self.key_id})"
