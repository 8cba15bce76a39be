"""Shared test factories (factory-boy). Synthetic data only.

- `OrganizationFactory()`
- `UserFactory(role="caseworker", org=None, password=PASSWORD)` creates the user *and* their
  membership (a new organization unless `org` is given: a task force for a coordinator);
  `role=None` makes a user without one.
- `give_totp_device(user)` gives a confirmed TOTP device; `totp_code(device)` computes its
  current code the way an authenticator app would.
- `sign_in(client, user)` signs a Django test client in, with the second factor passed when the
  user has a confirmed TOTP device (use `give_totp_device` first for roles that need MFA).
"""

from __future__ import annotations

import time
from typing import Any

import factory
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from harborline.people.models import Membership, Organization, User
from harborline.people.roles import OrgType, Role
from harborline.people.services import current_totp_code

PASSWORD = "correct horse battery staple"  # 28 characters: passes the length validator


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Test Organization {n}")
    type = OrgType.CHILD_WELFARE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test Person {n}")

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        role = kwargs.pop("role", Role.CASEWORKER)
        org = kwargs.pop("org", None)
        password = kwargs.pop("password", PASSWORD)
        user = model_class.objects.create_user(*args, password=password, **kwargs)
        if role is not None:
            if org is None:  # coordinators work for task forces (people/grants.py)
                org = OrganizationFactory(
                    **({"type": OrgType.TASK_FORCE} if role == Role.COORDINATOR else {})
                )
            Membership.objects.create(user=user, organization=org, role=role)
        return user


def give_totp_device(
    user: User, *, confirmed: bool = True, name: str = "Authenticator"
) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name=name, confirmed=confirmed)


def _totp_step(device: TOTPDevice) -> int:
    return int((time.time() - device.t0) // device.step) + device.drift


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app would show for `device` now. A device refuses a code from
    a time step it has already accepted (replay), so to pass the second factor twice within 30
    seconds use `steps_ahead=1` (the device tolerates one step of clock drift). Without it, a
    device that has already accepted this step's code gets the next one, or, when that is used
    too, the one after a wait for the clock: a test that signs the same person in twice must not
    depend on how fast the machine is."""
    if not steps_ahead:
        device.refresh_from_db()
        if device.last_t >= _totp_step(device) + 1:
            time.sleep(device.step - (time.time() - device.t0) % device.step + 0.1)
        if device.last_t >= _totp_step(device):
            steps_ahead = 1
    return current_totp_code(device, steps_ahead=steps_ahead)


def sign_in(client: Client, user: User) -> Client:
    """Sign `client` in as `user`; if the user has a confirmed TOTP device, mark the session as
    having passed the second factor with it (what `django_otp.login` does)."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
