"""`harborline directory ...`: the service directory's commands (issue 14, decision 0047).

- `import-hsds PATH [--dry-run]`: a tabular package (folder with datapackage.json) or HSDS JSON;
  prints what was read and imported and every problem by file, row and field; exit 1 when a row
  was refused (the valid rows are imported all the same, in one transaction; nothing is half
  written), 2 when the package cannot be read at all.
- `export-hsds PATH [--format tabular|json]`: the whole directory as HSDS 3.0, without any
  confidential site's address.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

Command = Callable[..., argparse.ArgumentParser]


def add_commands(
    command: Command,
    no_handler: Callable[[argparse.Namespace], int],
    setup: Callable[[], None],
    usage: Callable[..., Exception],
) -> None:
    """Adds the commands to `harborline`'s parser. `setup` starts Django; `usage(message,
    prog=...)` is the command line's usage error (exit 2). Both come from config.cli, which
    imports this module (not the other way round)."""

    def cmd_import(args: argparse.Namespace) -> int:
        setup()
        return import_hsds(args, usage)

    def cmd_export(args: argparse.Namespace) -> int:
        setup()
        return export_hsds(args, usage)

    def cmd_token(args: argparse.Namespace) -> int:
        setup()
        from harborline.directory.services import create_token

        print(create_token(name=args.name)[1])
        return 0

    directory = command("directory", no_handler, "Import and export the service directory.")
    sub = directory.add_subparsers(
        dest="directory_command", metavar="{import-hsds,export-hsds,token}", required=True
    )
    p = command(
        "import-hsds",
        cmd_import,
        "Import an Open Referral HSDS 3.0 package (a folder with datapackage.json and CSV "
        "files) or HSDS JSON (service_full or organization_full objects).",
        sub,
    )
    p.add_argument("path", metavar="PATH", help="the package folder or JSON file")
    p.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
    p = command(
        "export-hsds",
        cmd_export,
        "Export the directory as HSDS 3.0 (confidential sites' addresses are never in it).",
        sub,
    )
    p.add_argument("path", metavar="PATH", help="the folder (tabular) or file (json) to write")
    p.add_argument(
        "--format",
        choices=["tabular", "json"],
        default="tabular",
        help="tabular: datapackage.json and CSV files (default); json: service_full objects",
    )
    token = command("token", no_handler, "Manage read-only keys to the HSDS API.", sub)
    token_commands = token.add_subparsers(
        dest="directory_token_command", metavar="{create}", required=True
    )
    p = command(
        "create",
        cmd_token,
        "Create a read-only key to the HSDS API (/api/v1/hsds/) for a system outside "
        "Harborline; prints it once.",
        token_commands,
    )
    p.add_argument("--name", required=True, help="who uses it, e.g. 'Washoe 211'")


def _progress() -> tuple[Callable[[int, int], None] | None, Any]:
    if not sys.stderr.isatty():
        return None, None
    from rich.progress import Progress

    bar = Progress(transient=True)
    task = bar.add_task("Importing", total=None)
    bar.start()

    def step(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return step, bar


def import_hsds(args: argparse.Namespace, usage: Callable[..., Exception]) -> int:
    from harborline.directory import hsds, services

    path = Path(args.path)
    step, bar = _progress()
    try:
        services.ensure_taxonomies()
        report = services.import_package(path, dry_run=args.dry_run, progress=step)
    except hsds.PackageError as exc:
        raise usage(str(exc), prog="harborline directory import-hsds") from None
    finally:
        if bar is not None:
            bar.stop()
    verb = "Would import" if args.dry_run else "Imported"
    read = sum(report.read.values())
    imported = sum(report.imported.values())
    print(f"Read {read} rows; {verb.lower()} {imported}.")
    for table, count in report.imported.items():
        print(f"  {table}: {count} of {report.read.get(table, 0)}")
    for problem in report.notes:
        print(f"note: {problem}")
    for problem in report.refusals:
        print(f"refused: {problem}", file=sys.stderr)
    if not report.ok:
        print(
            f"{len(report.refusals)} problem(s): the rows named above were not imported; "
            "fix them and import again (rows already imported are updated, not repeated).",
            file=sys.stderr,
        )
        return 1
    return 0


def export_hsds(args: argparse.Namespace, usage: Callable[..., Exception]) -> int:
    from harborline.directory import services

    path = Path(args.path)
    if args.format == "tabular" and path.exists() and any(path.iterdir()):
        raise usage(f"{path} is not empty", prog="harborline directory export-hsds")
    if args.format == "json" and path.exists():
        raise usage(f"{path} exists", prog="harborline directory export-hsds")
    services.ensure_taxonomies()
    written = services.export_package(path, fmt=args.format)
    print(f"Wrote {len(written)} file(s) to {path}.")
    return 0
