"""`harborline manage youth_encodings [--rotate-secret]`: the youth's encodings for the
possible-duplicate check (decision 0063). Without options: encode every youth that has none
under the current secret (what the data migration did; safe to run again). With
`--rotate-secret`: a new secret, every youth re-encoded under it, the old one deleted. Both
resume where they stopped when run again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from harborline.audit.services import record
from harborline.cases import encodings

CLI_ACTOR = "cli"


class Command(BaseCommand):
    help = "Encode the youth for the possible-duplicate check, or rotate its secret."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rotate-secret",
            action="store_true",
            help="make a new secret, re-encode every youth under it, delete the old one",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        def say(line: str) -> None:
            self.stdout.write(line)

        if options["rotate_secret"]:
            old, new, done = encodings.rotate_secret(progress=say)
            record(
                actor=None,
                actor_email=CLI_ACTOR,
                action="update",
                object_type="cases.duplicate_check_secret",
                object_id=new,
                detail={"rotated_from": old, "youth_encoded": done},
            )
            say(f"duplicate-check secret {new} is current (was {old or 'none'})")
            say(f"{done} youth encoded")
            return
        done = encodings.backfill(progress=say)
        say(f"{done} youth encoded under secret {encodings.current_secret().key_id}")
