"""Encodings for the youth recorded before the possible-duplicate check used them (decision
0063): every youth without one is encoded under the installation's secret, made here if there
is none. An installation without youth makes nothing (the secret is made on first use)."""

from typing import Any

from django.db import migrations


def backfill(apps: Any, schema_editor: Any) -> None:
    from harborline.cases.encodings import backfill as run

    run(
        youth_model=apps.get_model("cases", "Youth"),
        secret_model=apps.get_model("cases", "DuplicateCheckSecret"),
        encoding_model=apps.get_model("cases", "YouthEncoding"),
        key_model=apps.get_model("cases", "YouthBlockingKey"),
    )


class Migration(migrations.Migration):
    atomic = False  # each batch commits on its own: an interrupted run starts again
    dependencies = [("cases", "0005_youth_encodings")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
