from django.db import models

from harborline.crypto.fields import EncryptedJSONField, EncryptedTextField


class Secret(models.Model):
    label = models.CharField(max_length=40, blank=True)
    note = EncryptedTextField(blank=True)
    contacts = EncryptedJSONField(null=True, blank=True)

    def __str__(self) -> str:
        return self.label
