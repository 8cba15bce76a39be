"""The `harborline` command line (placeholder: the full command set is being built)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harborline.config.settings")
    if argv and argv[0] == "manage":
        from django.core.management import execute_from_command_line

        execute_from_command_line(["harborline manage", *argv[1:]])
        return 0
    print("usage: harborline manage ...", file=sys.stderr)
    return 2
