"""`harborline manage linkage_key [--rotate]`: the installation's linkage key (decision 0061).

Without options: every key version with its key id (a one-way fingerprint) and whether it is
retired - never the secret. `--rotate`: a new key for every encoding made from now on; the
statistical center keeps its clusters as the agencies' next submissions arrive under it (their
records are mapped by record id), and links the new key's records only with each other."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from harborline.linkage import keys


class Command(BaseCommand):
    help = "Show the linkage key versions (never the secret), or rotate the key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rotate",
            action="store_true",
            help="make a new key for every encoding from now on (the old one is retired)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rotate"]:
            made = keys.rotate()
            self.stdout.write(f"linkage key version {made.version} ({made.key_id}) is current")
            return
        found = keys.versions()
        if not found:
            self.stdout.write(
                "no linkage key yet: one is made on the first submission with encodings"
            )
        for version, key_id, retired in found:
            self.stdout.write(f"{version}\t{key_id}\t{'retired' if retired else 'current'}")
