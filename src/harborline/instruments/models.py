"""Completed instruments: the answers, what the engine derived from them, and the pack name and
version that scored them (so an old result stays explainable after the pack changes)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from harborline.crypto.fields import EncryptedJSONField


class InstrumentResponse(models.Model):
    """One completed instrument.

    `answers` are always encrypted: even a provider's self-assessment may name people. For an
    instrument `about_youth`, what was derived from the answers (results and the actions they
    set off) says as much about the youth as the answers do ("confirmed", "initiate an MDT"), so
    it is kept encrypted in `sealed`; `results` and `actions` hold the derived values in plain
    JSON only for instruments that are not about a youth (training evaluations, provider
    standards), where reports may count them."""

    pack = models.SlugField(max_length=63)
    pack_version = models.CharField(max_length=20)
    instrument = models.SlugField(max_length=63)
    about_youth = models.BooleanField()
    answers = EncryptedJSONField()
    results = models.JSONField(default=dict, blank=True)
    actions = models.JSONField(default=list, blank=True)
    sealed = EncryptedJSONField(
        null=True, blank=True, help_text="For youth instruments: {results, actions}, encrypted."
    )
    organization = models.ForeignKey(
        "people.Organization", on_delete=models.PROTECT, related_name="instrument_responses"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="instrument_responses"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    # What the response is about (a case, a provider...); blank until case records arrive.
    subject_type = models.CharField(max_length=60, blank=True)
    subject_id = models.CharField(max_length=60, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="For optimistic concurrency.")

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "-submitted_at"]),
            models.Index(fields=["pack", "instrument"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(about_youth=False) | models.Q(results={}, actions=[]),
                name="instrument_response_youth_results_sealed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pack} {self.pack_version} {self.instrument} #{self.pk}"

    @property
    def derived_results(self) -> dict[str, Any]:
        if self.about_youth:
            return dict((self.sealed or {}).get("results", {}))
        return dict(self.results)

    @property
    def derived_actions(self) -> list[dict[str, str]]:
        if self.about_youth:
            return list((self.sealed or {}).get("actions", []))
        return list(self.actions)
