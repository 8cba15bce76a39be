"""Encrypted model fields, key configuration and key rotation (on the test-only model
tests/crypto_app.Secret; no production model has encrypted fields yet)."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import connection, transaction

from harborline.crypto import keys
from harborline.crypto.fields import PREFIX, encrypted_fields
from harborline.crypto.rotation import rotate_all
from tests.crypto_app.models import Secret

from .sealed import is_sealed, outside_tokens

pytestmark = pytest.mark.django_db

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def stored(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT note, contacts FROM crypto_app_secret WHERE id = %s", [pk])
        return cursor.fetchone()


def test_round_trip_and_the_database_holds_no_plaintext():
    contacts = {"phone": "775-555-0100", "aliases": ["Jay", "Jé"]}
    secret = Secret.objects.create(
        note="Staying with an aunt on Elm Street — café", contacts=contacts
    )
    loaded = Secret.objects.get(pk=secret.pk)
    assert loaded.note == "Staying with an aunt on Elm Street — café"
    assert loaded.contacts == contacts
    note, raw_contacts = stored(secret.pk)
    assert is_sealed(note) and is_sealed(raw_contacts)
    clear = outside_tokens(note, raw_contacts)
    assert "Elm" not in clear and "775" not in clear and "Jay" not in clear


def test_the_same_value_encrypts_differently_each_time():
    a = Secret.objects.create(note="same")
    b = Secret.objects.create(note="same")
    assert stored(a.pk)[0] != stored(b.pk)[0]


def test_blank_and_null_stay_blank_and_null():
    secret = Secret.objects.create(note="", contacts=None)
    assert stored(secret.pk) == ("", None)
    loaded = Secret.objects.get(pk=secret.pk)
    assert (loaded.note, loaded.contacts) == ("", None)


def test_encrypted_values_cannot_be_searched_in_sql():
    with pytest.raises(FieldError):
        list(Secret.objects.filter(note__icontains="elm"))


def test_encrypted_fields_are_discovered():
    assert (Secret, ["note", "contacts"]) in encrypted_fields()


def test_rotation_moves_every_value_to_the_new_key_so_the_old_can_go(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    ids = [Secret.objects.create(note=f"n{i}", contacts={"i": i}).pk for i in range(5)]
    Secret.objects.create(note="")  # blank values are left alone

    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    lines = []
    report = rotate_all(batch_size=2, progress=lines.append)
    assert (report.examined, report.rotated) == (6, 5)
    assert lines and all(line.startswith("crypto_app.Secret: through id") for line in lines)

    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key removed
    assert [Secret.objects.get(pk=pk).contacts for pk in ids] == [{"i": i} for i in range(5)]
    new_only = Fernet(NEW.encode())
    for pk in ids:
        for value in stored(pk):
            assert new_only.decrypt(value[len(PREFIX) :].encode())


def test_rotation_again_is_a_no_op():
    Secret.objects.create(note="a")
    first = rotate_all()
    values = stored(Secret.objects.get().pk)
    again = rotate_all()
    assert (first.rotated, again.rotated, again.examined) == (0, 0, 1)
    assert stored(Secret.objects.get().pk) == values


def test_an_interrupted_rotation_resumes(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    for i in range(4):
        Secret.objects.create(note=f"n{i}")
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]

    class Stop(Exception):
        pass

    def stop_after_first_batch(line):
        raise Stop

    with pytest.raises(Stop):
        rotate_all(batch_size=2, progress=stop_after_first_batch)
    resumed = rotate_all(batch_size=2)
    assert (resumed.examined, resumed.rotated) == (4, 2)
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert sorted(Secret.objects.values_list("note", flat=True)) == ["n0", "n1", "n2", "n3"]


def test_removing_a_key_before_rotation_gives_a_clear_error(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    pk = Secret.objects.create(note="x").pk
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(ImproperlyConfigured, match="rotate-keys"):
        Secret.objects.get(pk=pk)


@pytest.mark.parametrize(
    ("configured", "message"),
    [
        ([], "HARBORLINE_FIELD_KEYS is not set"),
        (["not-a-fernet-key"], "key 1 is not a valid Fernet key"),
        ([OLD, "x" * 44], "key 2 is not a valid Fernet key"),
    ],
)
def test_a_missing_or_bad_key_is_a_clear_improperly_configured(settings, configured, message):
    settings.FIELD_ENCRYPTION_KEYS = configured
    with pytest.raises(ImproperlyConfigured, match=message) as problem, transaction.atomic():
        Secret.objects.create(note="x")
    assert "harborline keys generate" in str(problem.value)
    assert keys.check_keys() == [str(problem.value)]
    assert Secret.objects.count() == 0


def test_good_keys_have_no_problems(settings):
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    assert keys.check_keys() == []


def test_the_sealed_helper_sees_plaintext_outside_a_token_and_not_inside_one():
    """tests/crypto/sealed.py: a word inside a token's base64 is chance; one beside it is a leak."""
    token = Fernet(NEW).encrypt(b"x").decode()
    sealed = f"{PREFIX}{token[:20]}MDT{token[20:]}"
    assert is_sealed(sealed) and "MDT" not in outside_tokens(sealed)
    assert "MDT" in outside_tokens('["MDT"]', sealed) and not is_sealed('["MDT"]')
