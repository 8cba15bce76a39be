"""A key rotation racing a write (in process, on any database): a value written by the
application after `rotate-keys` read its batch and before it wrote it back must survive. The
rotation re-encrypts what it read only if the stored value is still what it read."""

from __future__ import annotations

from unittest import mock

import pytest
from cryptography.fernet import Fernet

from harborline.crypto import rotation
from harborline.crypto.rotation import rotate_all
from tests.crypto_app.models import Secret

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.mark.django_db
def test_a_write_during_the_rotation_of_its_row_is_not_overwritten(settings) -> None:
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    secret = Secret.objects.create(label="a", note="before the rotation")
    untouched = Secret.objects.create(label="b", note="nobody edits this one")
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    real_rotate = rotation.multifernet().rotate

    written = []

    def rotate_while_someone_writes(token: bytes) -> bytes:
        # The application writes row "a" between the rotation's read and its write-back.
        if not written:
            Secret.objects.filter(pk=secret.pk).update(note="written during the rotation")
            written.append(True)
        return real_rotate(token)

    fernet = mock.Mock(rotate=rotate_while_someone_writes)
    with mock.patch.object(rotation, "multifernet", return_value=fernet):
        report = rotate_all(batch_size=10)
    assert report.examined >= 2, report

    secret.refresh_from_db()
    untouched.refresh_from_db()
    assert secret.note == "written during the rotation"
    assert untouched.note == "nobody edits this one"
    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # every value readable without the old key
    assert Secret.objects.get(pk=untouched.pk).note == "nobody edits this one"
    assert Secret.objects.get(pk=secret.pk).note == "written during the rotation"
