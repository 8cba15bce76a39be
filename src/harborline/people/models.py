"""Organizations, users, memberships and API tokens."""

from __future__ import annotations

import hashlib
from typing import ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from harborline.protocols.models import County, Region

from .roles import OrgType, Role, RoleRules, rules_for


class Organization(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=40, choices=OrgType.choices)
    county = models.ForeignKey(County, null=True, blank=True, on_delete=models.PROTECT)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT)
    time_zone = models.CharField(max_length=60, default="America/Los_Angeles")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Email is the login. Each user acts for one organization
    (their membership); a person who works for two organizations has two accounts, so that
    every action is attributable to one organization (docs/decisions/0003-one-membership.md)."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def membership_or_none(self) -> Membership | None:
        try:
            return self.membership
        except Membership.DoesNotExist:
            return None

    @property
    def rules(self) -> RoleRules | None:
        m = self.membership_or_none
        return rules_for(m.role) if m and m.is_active else None

    @property
    def needs_mfa(self) -> bool:
        """Everyone who can see youth data must pass a second factor."""
        rules = self.rules
        return bool(self.is_superuser or (rules and rules.sees_youth_data))


class Membership(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=40, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    since = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["organization__name", "user__email"]
        indexes = [models.Index(fields=["organization", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organization}"


def hash_token(raw: str) -> str:
    # Tokens carry 256 bits of randomness, so a plain SHA-256 is enough to store them safely
    # (unlike passwords, they cannot be guessed from a dictionary).
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, help_text="Shown to tell tokens apart; not secret.")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    def is_usable(self, now: object = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now  # type: ignore[operator]  # set on every saved row


class ScreeningCriteria(models.Model):
    """Which youth an organization screens, within what its pack leaves to the agency (Nevada's
    Resource 8-B: "which children will be screened", "what events" and "which warning signs will
    trigger" a screening; decision 0065). One row per organization and pack, beside the
    organization's `response.AgencyPolicy` (clocks, re-screening triggers, who screens), and
    written only by `response.policy.set_policy` in the same transaction; the policy's version
    covers both.

    `population`: {} (no one on becoming a client), {"scope": "all"}, or {"scope": "age",
    "min_age": n, "max_age": m} (either bound may be left out); `events`: the pack's triggers
    after which the agency screens; `signs`: the pack's warning signs it screens on."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="screening_criteria"
    )
    pack = models.CharField(max_length=60)
    population = models.JSONField(default=dict, blank=True)
    events = models.JSONField(default=list, blank=True)
    signs = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "screening criteria"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "pack"], name="screening_criteria_unique"
            )
        ]

    def __str__(self) -> str:
        return f"screening criteria {self.pk}"
