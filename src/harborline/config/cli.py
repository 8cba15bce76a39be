"""The `harborline` command line: demo, serving, setup and the operator's tools.

Exit codes: 0 success; 1 a check found a problem (verify-audit, check); 2 wrong arguments,
invalid input or missing configuration (one line per problem on stderr, never a traceback).
See docs/cli.md."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

from harborline.config import cli_directory, cli_linkage

if TYPE_CHECKING:
    from datetime import datetime

    from harborline.response.deadlines import SweepReport

PROG = "harborline"
DEMO_ENV = "demo.env"
DEMO_LOGINS = "demo-logins.tsv"
CLI_ACTOR = "cli"  # the audit's actor_email for changes made from the command line
KEYS_HINT = "Run `harborline keys generate` and set the lines it prints in the environment."


class UsageError(Exception):
    """Wrong input caught by the command line itself (not by a service): exit 2."""

    def __init__(self, message: str, *, prog: str = PROG) -> None:
        super().__init__(message)
        self.prog = prog


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is ONE line on stderr (and exit 2), not the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {' '.join(message.split())}\n")


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not between 1 and 65535")
    return port


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{number} must be at least 1")
    return number


def _instant(value: str) -> Any:
    """An ISO 8601 date and time WITH its UTC offset (a time without one is ambiguous)."""
    from datetime import datetime

    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date and time like 2026-12-02T14:30:00-08:00"
        ) from None
    if at.tzinfo is None or at.utcoffset() is None:
        raise argparse.ArgumentTypeError(
            f"{value!r} has no UTC offset; give one, e.g. 2026-12-02T14:30:00-08:00 or ...Z"
        )
    return at


# ---------------------------------------------------------------------------------------------
# Setting Django up


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harborline.config.settings")
    import django
    from django.conf import settings

    django.setup()
    database = settings.DATABASES["default"]
    name = str(database["NAME"])
    if database["ENGINE"] == "django.db.backends.sqlite3" and not name.startswith((":", "file:")):
        # The embedded database lives in var/; make the folder on first use.
        Path(name).parent.mkdir(parents=True, exist_ok=True)
    # HARBORLINE_PACK must name a loaded state pack; nothing runs on the wrong rules.
    from harborline.protocols.home import require_home_pack

    require_home_pack()


def _load_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name.strip()] = value.strip()
    return values


def _demo_environment(out: IO[str]) -> Path:
    """Demo mode, an embedded database in var/, and demo keys kept in var/demo.env. Must run
    before Django's settings are read."""
    from harborline.config.env import var_dir
    from harborline.crypto.keys import generate_audit_key, generate_key, generate_signing_key

    os.environ["HARBORLINE_DEMO"] = "1"
    if os.environ.pop("DATABASE_URL", None):
        print(
            "The demo always uses its own SQLite database in var/; DATABASE_URL is ignored.",
            file=out,
        )
    var = var_dir()
    var.mkdir(parents=True, exist_ok=True)
    env_file = var / DEMO_ENV
    if not env_file.exists():
        env_file.touch(mode=0o600)
        env_file.write_text(
            "# Keys for `harborline demo` only. Never use them for real data.\n"
            f"HARBORLINE_SECRET_KEY={secrets.token_urlsafe(50)}\n"
            f"HARBORLINE_FIELD_KEYS={generate_key()}\n",
            encoding="utf-8",
        )
        print(f"Created {env_file} with demo keys.", file=out)
    values = _load_env_file(env_file)
    missing = {"HARBORLINE_SECRET_KEY", "HARBORLINE_FIELD_KEYS"} - values.keys()
    if missing:
        raise UsageError(
            f"{env_file} lacks {', '.join(sorted(missing))}; delete the file (and var/) to start "
            "the demo afresh",
            prog=f"{PROG} demo",
        )
    # The audit keys came later: a demo made before them gets them added, and keeps its data.
    audit = {
        "HARBORLINE_AUDIT_KEYS": generate_audit_key,
        "HARBORLINE_AUDIT_SIGNING_KEY": lambda: generate_signing_key()[0],
    }
    added = {name: make() for name, make in audit.items() if name not in values}
    if added:
        with env_file.open("a", encoding="utf-8") as lines:
            lines.writelines(f"{name}={value}\n" for name, value in added.items())
        values.update(added)
    os.environ.update(values)
    # The demo exports signed chain heads (worker, `harborline audit anchor`) beside its data.
    os.environ.setdefault("HARBORLINE_AUDIT_ANCHOR", f"file:{var / 'audit-anchors.jsonl'}")
    return var


# ---------------------------------------------------------------------------------------------
# Commands. Each takes the parsed arguments and returns the exit code.


DEMO_PACK = "demo-pack"  # var/demo-pack: the pack the demo in var/ was built for
WORKER_INTERVAL = 60  # seconds between deadline sweeps of the demo's worker


def cmd_demo(args: argparse.Namespace) -> int:
    from harborline.config.env import var_dir

    built_for = var_dir() / DEMO_PACK
    existing = built_for.read_text(encoding="utf-8").strip() if built_for.exists() else ""
    # --pack, else the state of the demo already in var/, else HARBORLINE_PACK, else Nevada.
    pack = args.pack or existing or os.environ.get("HARBORLINE_PACK", "").strip() or "nevada"
    # The demo's state is the installation's home pack, before Django reads its settings.
    os.environ["HARBORLINE_PACK"] = pack
    var = _demo_environment(sys.stdout)
    if built_for.exists() and built_for.read_text(encoding="utf-8").strip() != pack:
        raise UsageError(
            f"{var} holds the {built_for.read_text(encoding='utf-8').strip()} demo; delete "
            f"{var} (or set HARBORLINE_VAR_DIR to another folder) to build the {pack} demo",
            prog=f"{PROG} demo",
        )
    _django()
    from harborline.people.models import Organization
    from harborline.synthetic import DEMO_PASSWORD, seed

    _migrate(quiet=True)
    logins_file = var / DEMO_LOGINS
    if Organization.objects.exists():
        print("Demo data is already loaded; reusing it.")
        logins = _read_logins(logins_file)
    else:
        print(f"Loading the {pack} demo's synthetic data (every person in it is made up)...")
        report = seed(scale="demo", seed=1, pack=pack, progress=None)
        logins = [
            (x.email, f"{x.role} ({x.what})" if x.what else x.role, x.organization)
            for x in report.demo_logins
        ]
        logins_file.write_text("".join("\t".join(row) + "\n" for row in logins), encoding="utf-8")
        built_for.write_text(pack + "\n", encoding="utf-8")
    print()
    if logins:
        _print_table(("email", "role", "organization"), logins)
        print(f"\nPassword for every demo login: {DEMO_PASSWORD}")
    else:
        print(f"Sign in with a demo account; the password is {DEMO_PASSWORD}")
    print(
        "Demo mode: the second-factor (MFA) page shows the current code, so no authenticator "
        "app is needed."
    )
    print(_screening_line(pack))
    linkage = _linkage_line()
    if linkage:
        print(linkage)
    if args.no_serve:
        print(f"Background work (obligation reminders, deadline sweeps): {_worker_command()}")
        return 0
    worker = None if args.no_worker else _start_worker()
    try:
        return _serve(host=args.host, port=args.port, workers=1)
    finally:
        if worker is not None:
            _stop_worker(worker)


def _screening_line(pack: str) -> str:
    """What the demo's cases were screened with, in words."""
    from harborline.protocols.home import screening_instrument
    from harborline.protocols.packs import get_pack

    found = get_pack(pack)
    instrument = screening_instrument(found)
    if not instrument:
        return (
            f"The {found.manifest.title} ({pack}) names no screening instrument: the demo's "
            "cases are opened without a screening."
        )
    return f"The demo's cases are screened with {found.instrument(instrument).title} ({pack})."


def _linkage_line() -> str:
    """Where the statistical center's analyst finds the demo's same-youth linkage ("" when the
    demo has none: a pack without a data code book)."""
    from harborline.reports.models import CandidatePair, PairStatus

    waiting = CandidatePair.objects.filter(status=PairStatus.PENDING).count()
    if not CandidatePair.objects.exists():
        return ""
    return (
        "Same-youth linkage: sign in as analyst@demo.example.org (the statistical center) and "
        f'open "Same-youth linkage" (/reports/linkage/): {waiting} pair'
        f"{'' if waiting == 1 else 's'} of records wait for review."
    )


def _worker_command() -> str:
    """The worker command as a person types it: this installation's own `harborline`, which
    is often on no PATH (.venv/bin/harborline)."""
    exe = Path(sys.executable).parent / PROG
    if not exe.is_file():
        return f"{PROG} worker --demo"
    try:  # from the checkout: ./.venv/bin/harborline
        shown = f"./{exe.relative_to(Path.cwd())}"
    except ValueError:
        shown = str(exe)
    return f"{shown} worker --demo"


def _start_worker() -> Any:
    """`harborline worker --demo` as a child process beside the server (its own process, so
    gunicorn's fork never copies a running thread); stopped when the server stops."""
    import subprocess

    command = [
        sys.executable,
        "-c",
        "import sys; from harborline.config.cli import main; sys.exit(main())",
        "worker",
        "--demo",
        "--interval",
        str(WORKER_INTERVAL),
    ]
    worker = subprocess.Popen(command, env=dict(os.environ))  # noqa: S603 - our own command
    print(
        f"Started the worker (obligation reminders, deadline sweeps every {WORKER_INTERVAL} s) "
        f"as process {worker.pid}; it stops with the server. The same by hand: "
        f"{_worker_command()}"
    )
    sys.stdout.flush()
    return worker


def _stop_worker(worker: Any) -> None:
    import subprocess

    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=25)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _read_logins(path: Path) -> list[tuple[str, ...]]:
    if not path.exists():
        return []
    return [
        tuple(line.split("\t")) for line in path.read_text(encoding="utf-8").splitlines() if line
    ]


def _print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def cmd_serve(args: argparse.Namespace) -> int:
    _django()
    from django.conf import settings

    from harborline.config.checks import missing_keys

    if not settings.DEMO_MODE:
        problems = missing_keys()
        if problems:
            for line in problems:
                print(f"{PROG} serve: {_without_hint(line)}", file=sys.stderr)
            print(f"{PROG} serve: refusing to start. {KEYS_HINT}", file=sys.stderr)
            return 2
    workers = 1 if settings.DEMO_MODE and args.workers is None else args.workers
    return _serve(host=args.host, port=args.port, workers=workers or _default_workers())


def _without_hint(problem: str) -> str:
    from harborline.crypto.keys import HOW_TO

    return problem.replace(HOW_TO, "").strip()


def _default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, 9)


def _serve(*, host: str, port: int, workers: int) -> int:
    from django.conf import settings

    from harborline.config.env import integer

    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": integer("HARBORLINE_THREADS", 4),
        "wsgi_app": "harborline.config.wsgi:application",
        "accesslog": "-",
        # Paths only: query strings and referrers can carry names typed into a search box, and
        # access logs are kept and shipped far more loosely than the database.
        "access_log_format": '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
        # ... and with the secrets some paths carry (calendar feeds, password links) redacted.
        "logger_class": "harborline.config.access_log.RedactingLogger",
        "errorlog": "-",
        # Several servers may run on one host (scaling out); gunicorn's per-user control socket
        # would make them collide, and nothing of ours uses it.
        "control_socket_disable": True,
        "timeout": 60,
        "graceful_timeout": 20,
        # Idle keep-alive connections stay open longer than a client or proxy keeps them (60 s
        # for nginx and most load balancers): with gunicorn's default of 2 s, a client reusing a
        # connection as the server closes it gets "connection reset" (seen under load).
        "keepalive": 75,
    }
    mode = " (demo mode)" if settings.DEMO_MODE else ""
    print(
        f"Serving Harborline on http://{host}:{port}{mode} with {workers} worker(s); Ctrl-C stops."
    )
    sys.stdout.flush()
    run_gunicorn(options)
    return 0


def run_gunicorn(options: dict[str, Any]) -> None:
    from gunicorn.app.base import BaseApplication
    from gunicorn.util import import_app

    class HarborlineServer(BaseApplication):
        def __init__(self, options: dict[str, Any]) -> None:
            self.options = options
            super().__init__()

        def load_config(self) -> None:
            for key, value in self.options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return import_app(self.cfg.wsgi_app)

    HarborlineServer(options).run()


def _migrate(*, quiet: bool) -> None:
    from django.core.management import call_command

    from harborline.protocols.geography import available_packs, load_geography
    from harborline.protocols.versions import answers_that_no_longer_fit, record_definitions

    call_command("migrate", verbosity=0, interactive=False)
    loaded = []
    for pack in available_packs():
        regions, counties = load_geography(pack)
        loaded.append(f"{pack} ({regions} regions, {counties} counties)")
    # Each pack version's instruments are kept, so older records keep their labels; stored
    # answers a new version would refuse are listed, never changed (docs/protocol-packs.md).
    _, changed = record_definitions()
    for warning in changed:
        print(f"{PROG} migrate: {warning}", file=sys.stderr)
    misfits = answers_that_no_longer_fit()
    sealed = _seal_audit_chain()
    if not quiet:
        print("Database migrated.")
        print(f"Geography loaded: {', '.join(loaded) or 'no packs found'}.")
        if misfits:
            print(
                f"{len(misfits)} stored response(s) do not fit the pack version now loaded; "
                "nothing was changed (they keep the version that scored them):"
            )
            for misfit in misfits:
                print(f"  {misfit}")
        print(sealed)


def _seal_audit_chain() -> str:
    """Key the audit chain (once, after the upgrade that brought the audit keys), so the switch
    from SHA-256 to sealed records happens now rather than at the next write."""
    from django.conf import settings

    from harborline.audit.services import seal_chain

    if not settings.AUDIT_KEYS:
        return (
            "Audit log: not sealed yet; set HARBORLINE_AUDIT_KEYS (`harborline keys generate`) "
            "and run `harborline migrate` again."
        )
    head = seal_chain()
    earlier = (head.keyed_from or 1) - 1
    before = f"; the {earlier} records before it keep their SHA-256 chain" if earlier else ""
    return f"Audit log: sealed with the audit key from record #{head.keyed_from} on{before}."


def cmd_migrate(args: argparse.Namespace) -> int:
    _django()
    _migrate(quiet=False)
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    _django()
    from harborline.synthetic import seed

    report = seed(scale=args.scale, seed=args.seed, progress=print)
    print(f"Seeded {report.scale} data with seed {report.seed}:")
    if report.counts:
        _print_table(("records", "count"), [(k, str(v)) for k, v in report.counts.items()])
    return 0


def cmd_keys_generate(args: argparse.Namespace) -> int:
    from cryptography.fernet import Fernet

    from harborline.crypto.keys import generate_audit_key, generate_key, generate_signing_key

    if args.audit_add_to is not None:
        return _audit_key_rotation(args.audit_add_to)
    if args.add_to is not None:
        existing = [k.strip() for k in args.add_to.split(",") if k.strip()]
        if not existing:
            raise UsageError(
                "--add-to: give the current HARBORLINE_FIELD_KEYS value",
                prog=f"{PROG} keys generate",
            )
        for position, key in enumerate(existing, start=1):
            try:
                Fernet(key.encode())
            except (ValueError, TypeError):
                raise UsageError(
                    f"--add-to: key {position} is not a valid Fernet key",
                    prog=f"{PROG} keys generate",
                ) from None
        print(f"HARBORLINE_FIELD_KEYS={','.join([generate_key(), *existing])}")
        print(
            "Set this on every app server and restart them, run `harborline rotate-keys`, then "
            "remove the old key(s) from the end of the list.",
            file=sys.stderr,
        )
        return 0
    private, public = generate_signing_key()
    print(f"HARBORLINE_SECRET_KEY={secrets.token_urlsafe(50)}")
    print(f"HARBORLINE_FIELD_KEYS={generate_key()}")
    print(f"HARBORLINE_AUDIT_KEYS={generate_audit_key()}")
    print(f"HARBORLINE_AUDIT_SIGNING_KEY={private}")
    print(
        "Set these in the environment of every app server and worker (the same values "
        "everywhere) and keep them secret, backed up apart from the database; losing "
        "HARBORLINE_FIELD_KEYS loses the encrypted data, losing HARBORLINE_AUDIT_KEYS loses the "
        f"proof that the audit log is intact. The anchors' public key (not secret): {public}",
        file=sys.stderr,
    )
    return 0


def _audit_key_rotation(current: str) -> int:
    from django.core.exceptions import ImproperlyConfigured

    from harborline.crypto.keys import _audit_keys, generate_audit_key

    prog = f"{PROG} keys generate"
    existing = [k.strip() for k in current.split(",") if k.strip()]
    if not existing:
        raise UsageError("--audit-add-to: give the current HARBORLINE_AUDIT_KEYS value", prog=prog)
    try:
        _audit_keys(tuple(existing))
    except ImproperlyConfigured as problem:
        reason = str(problem).split(": ", 1)[1].split(" (")[0]
        raise UsageError(f"--audit-add-to: {reason}", prog=prog) from None
    print(f"HARBORLINE_AUDIT_KEYS={','.join([generate_audit_key(), *existing])}")
    print(
        "Set this on every app server and worker and restart them: new audit records are sealed "
        "with the new key. Keep the old key(s) at the end of the list for as long as their "
        "records are kept: they verify them.",
        file=sys.stderr,
    )
    return 0


def cmd_org_create(args: argparse.Namespace) -> int:
    _django()
    from harborline.people.services import create_organization

    org = create_organization(
        actor=None,
        actor_email=CLI_ACTOR,
        slug=args.slug,
        name=args.name,
        type=args.type,
        county=args.county,
        time_zone=args.time_zone or "",
    )
    where = ""
    if org.county:
        where = f", {org.county.name} ({org.county.qualified})"
        where += f", {org.region.name}" if org.region else ""
    print(
        f"Created organization {org.slug} ({org.name}; {org.get_type_display()}{where}; "
        f"times shown in {org.time_zone})."
    )
    return 0


def cmd_user_create(args: argparse.Namespace) -> int:
    _django()
    from harborline.people.models import Organization
    from harborline.people.services import create_user

    prog = f"{PROG} user create"
    org = Organization.objects.filter(slug=args.org).first()
    if org is None:
        raise UsageError(f"--org: no organization with slug {args.org!r}", prog=prog)
    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UsageError("--password-stdin: no password was given on standard input", prog=prog)
    user = create_user(
        actor=None,
        actor_email=CLI_ACTOR,
        email=args.email,
        organization=org,
        role=args.role,
        full_name=args.name or "",
        password=password,
    )
    print(f"Created user {user.email} ({args.role} at {org.slug}).")
    if password is None:
        print(
            "The account has no usable password yet: an administrator of the organization sends "
            "a set-password link from the Users page (or run this command with --password-stdin)."
        )
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    _django()
    from harborline.people.models import User
    from harborline.people.services import create_token

    user = User.objects.filter(email=args.email.strip().lower()).first()
    if user is None:
        raise UsageError(f"--email: no user with email {args.email!r}", prog=f"{PROG} token create")
    token, raw = create_token(
        actor=None, actor_email=CLI_ACTOR, user=user, days=args.days, name=args.name or ""
    )
    print(raw)
    print(
        f"API token {token.prefix}… for {user.email}, valid until "
        f"{token.expires_at:%Y-%m-%d %H:%M} UTC. It is shown only this once; it is stored hashed.",
        file=sys.stderr,
    )
    return 0


def cmd_verify_audit(args: argparse.Namespace) -> int:
    _django()
    from harborline.audit.anchors import AnchorError, configured_destinations, read_anchors
    from harborline.audit.chain import verify
    from harborline.crypto.keys import anchor_public_keys

    prog = f"{PROG} verify-audit"
    paths = [Path(p) for p in args.anchors or []]
    for path in paths:
        if not path.is_file():
            raise UsageError(f"--anchors: {path}: no such file", prog=prog)
    if not paths:  # the configured anchor files, once they exist
        paths = [Path(d.target) for d in configured_destinations() if d.kind == "file"]
        paths = [p for p in paths if p.is_file()]
    anchors = None
    if paths:
        try:
            anchors = read_anchors(paths, anchor_public_keys(args.public_key or []))
        except AnchorError as problem:
            raise UsageError(f"--anchors: {problem}", prog=prog) from None
    verdict = verify(anchors=anchors)
    if verdict.ok:
        print(f"audit chain intact: {verdict.checked} records, head {verdict.head_hash}")
        if anchors is not None:
            newest = verdict.newest_anchor
            last = f", the newest of #{newest.seq} at {newest.at_text}" if newest else ""
            print(f"anchors: {verdict.anchors_checked} signed heads agree with the log{last}")
        for note in verdict.notes:
            print(f"note: {note}")
        return 0
    print(f"audit chain BROKEN: {verdict.problem}", file=sys.stderr)
    print(f"({verdict.checked} records before it verified)", file=sys.stderr)
    return 1


def cmd_audit_anchor(args: argparse.Namespace) -> int:
    _django()
    from harborline.audit.anchors import AnchorError, export_anchor, parse_destination

    destinations = [parse_destination(text) for text in args.to] if args.to else None
    try:
        anchor, _ = export_anchor(destinations=destinations)
    except AnchorError as problem:
        print(f"{PROG} audit anchor: error: {problem}", file=sys.stderr)
        return 1
    print(
        f"Anchored audit record #{anchor.seq} (head {anchor.hash}), signed with key "
        f"{anchor.signing_key_id}, to {anchor.destinations}."
    )
    return 0


def cmd_audit_public_key(args: argparse.Namespace) -> int:
    _django()
    from django.conf import settings

    from harborline.crypto.keys import SIGNING_KEY_ENV, public_key_id, public_key_text, signing_key

    private = signing_key()
    if private is None:
        raise UsageError(f"{SIGNING_KEY_ENV} is not set", prog=f"{PROG} audit public-key")
    print(public_key_text(settings.AUDIT_SIGNING_KEY))
    print(f"key id {public_key_id(private.public_key())}", file=sys.stderr)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    _django()
    from harborline.config.backup import BackupError, backup

    try:
        report = backup(Path(args.path), progress=print)
    except BackupError as problem:
        raise UsageError(str(problem), prog=f"{PROG} backup") from None
    for line in report.summary():
        print(line)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    _django()
    from harborline.config.backup import BackupError, restore

    try:
        report = restore(Path(args.path), force=args.force, sample=args.sample, progress=print)
    except BackupError as problem:
        raise UsageError(str(problem), prog=f"{PROG} restore") from None
    for line in report.summary():
        print(line)
    if not report.ok:
        for line in report.problems:
            print(f"{PROG} restore: {line}", file=sys.stderr)
        return 1
    return 0


def cmd_rotate_keys(args: argparse.Namespace) -> int:
    _django()
    from harborline.crypto.fields import encrypted_fields
    from harborline.crypto.keys import multifernet
    from harborline.crypto.rotation import rotate_all

    multifernet()  # a missing or bad key fails here with a clear message
    tables = [model._meta.label for model, _ in encrypted_fields()]
    names = ", ".join(tables) or "no tables"
    print(f"Re-encrypting under the first key in HARBORLINE_FIELD_KEYS: {names}")
    report = rotate_all(batch_size=args.batch_size, progress=lambda line: print(f"  {line}"))
    print(f"Done: {report.examined} rows examined, {report.rotated} re-encrypted.")
    print("Every value is now under the first key; the other keys may be removed.")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    _django()
    from django.conf import settings
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    from harborline.config.checks import missing_keys

    status = 0
    try:
        call_command("check")
    except SystemCheckError as problem:
        print(str(problem).strip(), file=sys.stderr)
        status = 1
    problems = missing_keys()
    if problems:
        for line in problems:
            print(f"{PROG} check: {_without_hint(line)}", file=sys.stderr)
        note = " (demo mode accepts this)" if settings.DEMO_MODE else ""
        print(f"{PROG} check: {KEYS_HINT}{note}", file=sys.stderr)
        status = 1
    else:
        print(
            "Keys: HARBORLINE_SECRET_KEY, HARBORLINE_FIELD_KEYS and HARBORLINE_AUDIT_KEYS are set "
            "and valid."
        )
    status = max(status, _check_anchor_destinations())
    status = max(status, _check_packs())
    return status


def _check_packs() -> int:
    from harborline.config.checks import pack_problems
    from harborline.protocols.packs import registry

    problems = pack_problems()
    for line in problems:
        print(f"{PROG} check: {line}", file=sys.stderr)
    loaded = registry()
    print(f"Protocol packs: {len(loaded)} loaded ({', '.join(sorted(loaded)) or 'none'}).")
    return 1 if problems else 0


def _check_anchor_destinations() -> int:
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from harborline.audit.anchors import configured_destinations

    try:
        destinations = configured_destinations()
    except ImproperlyConfigured as problem:
        print(f"{PROG} check: {problem}", file=sys.stderr)
        return 1
    if not destinations:
        print(
            "Audit anchors: HARBORLINE_AUDIT_ANCHOR is not set, so no signed chain head leaves "
            "the database (see docs/security.md)."
        )
        return 0
    if not settings.AUDIT_SIGNING_KEY:
        print(
            f"{PROG} check: HARBORLINE_AUDIT_SIGNING_KEY is not set; anchors cannot be signed.",
            file=sys.stderr,
        )
        return 1
    where = ", ".join(d.text for d in destinations)
    print(f"Audit anchors: every {settings.AUDIT_ANCHOR_MINUTES} minutes to {where}.")
    return 0


# ---------------------------------------------------------------------------------------------
# Deadlines, reminders and the background worker (docs/decisions/0024, 0025)


def cmd_check_deadlines(args: argparse.Namespace) -> int:
    if args.demo:
        _demo_environment(sys.stdout)
    _django()
    print(run_sweep(now=args.now).summary())
    return 0


def run_sweep(now: datetime | None = None) -> SweepReport:
    """The deadline sweep: response's reminders and escalations, then sharing's expired shares
    and the directory's unanswered referrals (each starts `referral_follow_up`), in one report.
    Assembled here because the configuration is the one layer that knows all three: response
    sits below sharing and the directory and never imports them (docs/decisions/0036)."""
    from django.utils import timezone

    from harborline.directory.referrals import sweep_unanswered
    from harborline.response.deadlines import check_deadlines
    from harborline.sharing.sweep import expire_shares

    now = now or timezone.now()
    report = check_deadlines(now=now)
    report.shares_expired = len(expire_shares(now))
    report.referrals_followed_up = len(sweep_unanswered(now=now))
    return report


def cmd_worker(args: argparse.Namespace) -> int:
    if args.demo:
        _demo_environment(sys.stdout)
    _django()
    from django.conf import settings

    from harborline.config.checks import missing_keys

    if not settings.DEMO_MODE:
        problems = missing_keys()
        if problems:
            for line in problems:
                print(f"{PROG} worker: {_without_hint(line)}", file=sys.stderr)
            print(f"{PROG} worker: refusing to start. {KEYS_HINT}", file=sys.stderr)
            return 2
    return run_worker(interval=args.interval)


def periodic_jobs() -> list[tuple[str, Any]]:
    """The other reminders the worker runs with each sweep. Each is idempotent (an agreement is
    reminded of once per threshold and term, an action item at most once a day), so running
    them every sweep, and on several workers, sends each e-mail once."""
    from harborline.agreements.services import send_renewal_reminders
    from harborline.audit.anchors import anchor_if_due
    from harborline.taskforce.tasks import remind

    return [
        ("agreement renewal reminders", send_renewal_reminders),
        ("task-force action-item reminders", remind),
        # every HARBORLINE_AUDIT_ANCHOR_MINUTES, when HARBORLINE_AUDIT_ANCHOR is set
        ("audit chain anchors", anchor_if_due),
    ]


def run_worker(
    *,
    interval: float,
    poll: float = 1.0,
    stop: Any = None,
    cycles: int | None = None,
    out: IO[str] | None = None,
) -> int:
    """The worker loop, in ONE thread: run the deadline sweep every `interval` seconds and, in
    between, drain the django-tasks database queue (django_tasks_db's own Worker in batch mode),
    looking for new tasks every `poll` seconds. Ctrl-C or SIGTERM finishes the task at hand and
    stops; a second Ctrl-C stops at once. A task left RUNNING by a worker that died is queued
    again once its lease has passed (config/task_lease.py). `stop` (a threading.Event) and
    `cycles` are for tests.
    Several workers may run at once, on several servers (the sweep and the queue both lock)."""
    import logging
    import signal
    import threading
    import time
    from datetime import UTC, datetime

    from django.db import DatabaseError, close_old_connections
    from django.utils.crypto import get_random_string
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.management.commands.db_worker import Worker

    from harborline.config.task_lease import requeue_abandoned

    out = out or sys.stdout
    stop = stop or threading.Event()
    queue = None
    if isinstance(task_backends["default"], DatabaseBackend):
        queue = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
    log = logging.getLogger("harborline.worker")

    def _stop(signum: int, frame: Any) -> None:
        print("Stopping after the task at hand (Ctrl-C again stops at once)...", file=out)
        stop.set()
        if queue is not None:
            queue.running = False
        signal.signal(signal.SIGINT, signal.default_int_handler)

    in_main_thread = threading.current_thread() is threading.main_thread()
    if in_main_thread:
        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
    tasks = "runs queued background tasks" if queue else "tasks run as they are queued"
    print(
        f"Harborline worker: deadline sweep every {interval:g} s; {tasks}. Ctrl-C stops.",
        file=out,
    )
    out.flush()
    next_sweep = 0.0
    done = 0
    try:
        while not stop.is_set():
            if time.monotonic() >= next_sweep:
                next_sweep = time.monotonic() + interval
                close_old_connections()
                try:
                    report = run_sweep()
                except DatabaseError as problem:  # the database was away: try again next time
                    log.exception("deadline sweep failed")
                    print(f"{PROG} worker: deadline sweep failed: {problem}", file=sys.stderr)
                else:
                    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
                    print(f"{stamp} {report.summary()}", file=out)
                    out.flush()
                for label, job in periodic_jobs():
                    try:
                        sent = job()
                    except DatabaseError as problem:
                        log.exception("%s failed", label)
                        print(f"{PROG} worker: {label} failed: {problem}", file=sys.stderr)
                    else:
                        if sent:
                            print(f"{label}: {sent} sent", file=out)
            if queue is not None and not stop.is_set():
                queue.running = True
                try:
                    # Tasks left RUNNING by a worker that died go back in the queue first.
                    for task_id in requeue_abandoned():
                        print(f"task {task_id} was abandoned by its worker: queued again", file=out)
                    queue.run()  # batch mode: runs every ready task, then returns
                except DatabaseError as problem:
                    log.exception("task queue failed")
                    print(f"{PROG} worker: task queue failed: {problem}", file=sys.stderr)
            done += 1
            if cycles is not None and done >= cycles:
                break
            stop.wait(min(poll, max(0.0, next_sweep - time.monotonic())))
    finally:
        if in_main_thread:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
    print("Harborline worker stopped.", file=out)
    return 0


# ---------------------------------------------------------------------------------------------
# Protocol packs (no database needed: packs are files)


def cmd_protocols_list(args: argparse.Namespace) -> int:
    from harborline.protocols.packs import registry, rejected

    packs = registry()
    for path, problems in rejected().items():
        print(
            f"{PROG} protocols list: {path}: left out, {len(problems)} problem(s) "
            f"(`{PROG} protocols validate` lists them)",
            file=sys.stderr,
        )
    if not packs:
        print("No protocol packs are installed.")
        return 0
    rows = []
    for name in sorted(packs):
        pack = packs[name]
        counts = []
        for label, filename, attribute in PACK_COUNTS:
            section = pack.section(filename)
            if section is not None:
                counts.append(f"{len(getattr(section, attribute))} {label}")
        rows.append(
            (
                name,
                pack.version,
                pack.manifest.title,
                ", ".join([f"{len(pack.instruments)} instruments", *counts]),
            )
        )
    _print_table(("pack", "version", "title", "contents"), rows)
    return 0


PACK_COUNTS = (
    ("obligations", "obligations.yaml", "obligations"),
    ("code-book variables", "codebook.yaml", "variables"),
    ("courses", "training.yaml", "courses"),
    ("contacts", "reference.yaml", "contacts"),
    ("lists", "lists.yaml", "lists"),
    ("regions", "geography.yaml", "regions"),
)


def _due(due: Any) -> str:
    if due.hours is not None:
        text = f"within {due.hours:g} hours"
    elif due.immediately:
        text = "immediately"
    else:
        text = "at the triggering contact"
    return f"{text} ({due.note})" if due.note else text


def cmd_protocols_show(args: argparse.Namespace) -> int:
    from harborline.protocols.packs import get_pack

    pack = get_pack(args.pack)
    if args.instrument:
        _show_instrument(pack, pack.instrument(args.instrument))
        return 0
    m = pack.manifest
    print(f"{m.title} ({m.pack} {m.version}), {m.jurisdiction}")
    print(f"Source: {m.source.title} [{m.source.document}]")
    for extra in m.sources:
        print(f"Also: {extra.title} [{extra.document}]")
    print(f"\nInstruments ({len(pack.instruments)}):")
    for inst in sorted(pack.instruments.values(), key=lambda i: i.instrument):
        resource = f" [{inst.resource}]" if inst.resource else ""
        youth = "youth data" if inst.about_youth else "no youth data"
        items = len(inst.all_items())
        adopted = pack.adopted.get(inst.instrument)
        origin = f" (adopted by reference from {adopted})" if adopted else ""
        print(
            f"  {inst.instrument}: {inst.title}{resource}; {inst.mode}, {items} items, "
            f"{youth}{origin}"
        )
    obligations = pack.section("obligations.yaml")
    if obligations is not None:
        print(f"\nObligations ({len(obligations.obligations)}):")
        for o in obligations.obligations:
            print(f"  {o.id}: {o.title}; on {o.trigger}, due {_due(o.due)}; source {o.source}")
    codebook = pack.section("codebook.yaml")
    if codebook is not None:
        print(f"\nCode book: {codebook.title}, {len(codebook.variables)} variables")
    training = pack.section("training.yaml")
    if training is not None:
        print(
            f"\nTraining: {len(training.competencies)} competencies, "
            f"{len(training.courses)} courses, {len(training.requirements)} requirements"
        )
        for course in training.courses:
            print(f"  {course.code}: {course.title}")
    reference = pack.section("reference.yaml")
    if reference is not None:
        flagged = sum(c.verify_before_use for c in reference.contacts)
        print(f"\nReference contacts: {len(reference.contacts)} ({flagged} to verify before use)")
    lists = pack.section("lists.yaml")
    if lists is not None:
        print(f"\nLists ({len(lists.lists)}):")
        for named in lists.lists:
            print(f"  {named.id}: {named.title} ({len(named.entries)} entries)")
    geography = pack.section("geography.yaml")
    if geography is not None and geography.adoption:
        print(
            f"\nGeography: adopted by a county ({PROG} protocols adopt {pack.name} --county "
            "PACK/COUNTY)"
        )
    elif geography is not None:
        counted = [r for r in geography.regions if not r.kind]
        print(f"\nGeography: {len(geography.counties)} counties in {len(counted)} regions")
        for region in counted:
            inside = sum(c.region == region.slug for c in geography.counties)
            print(f"  {region.slug}: {region.name} ({inside} counties)")
        others = [r for r in geography.regions if r.kind]
        for kind in sorted({r.kind for r in others}):
            named = ", ".join(r.name for r in others if r.kind == kind)
            print(f"  also, {kind.replace('_', ' ')} regions: {named}")
    return 0


def _show_instrument(pack: Any, inst: Any) -> None:
    resource = f" [{inst.resource}]" if inst.resource else ""
    print(f"{inst.title}{resource} ({pack.name} {pack.version} / {inst.instrument})")
    print(f"Mode: {inst.mode}; about a youth: {'yes' if inst.about_youth else 'no'}")
    print(f"Source: {inst.source}")
    if inst.notice:
        print(f"Notice: {' '.join(inst.notice.split())}")
    for section in inst.sections:
        cited = f" [{section.source}]" if section.source else ""
        print(f"\nSection {section.id}: {section.title}{cited}")
        for item in section.items:
            flags = []
            if item.required:
                flags.append("required")
            if item.required_when is not None:
                flags.append(f"required when {_condition(item.required_when)}")
            if item.options:
                flags.append("options: " + ", ".join(o.value for o in item.options))
            if item.items:
                flags.append("fields: " + ", ".join(i.id for i in item.items))
            extra = f" ({'; '.join(flags)})" if flags else ""
            cited = f" [{item.source}]" if item.source else ""
            print(f"  {item.id} [{item.type}]{extra}: {' '.join(item.label.split())}{cited}")
    if inst.rules:
        print("\nRules:")
        for rule in inst.rules:
            print(f"  {rule.id}: when {_condition(rule.when)} -> {rule.field} [{rule.source}]")
    if inst.results:
        print("\nResults:")
        for res in inst.results:
            print(f"  {res.id} [{res.type}]: {res.label} [{res.source}]")
    if inst.actions:
        print("\nActions:")
        for action in inst.actions:
            print(
                f"  {action.id} [{action.kind}] when {_condition(action.when)}: "
                f"{' '.join(action.text.split())} [{action.source}]"
            )


def _condition(cond: Any) -> str:
    import json

    return json.dumps(cond, separators=(",", ":"))


def cmd_protocols_validate(args: argparse.Namespace) -> int:
    """Check the packs in PATH(s), or every installed pack (the shipped ones and those in
    HARBORLINE_PACKS_DIRS) when none is given: each valid pack on a line, each problem of an
    invalid one as file: path: message, exit 1 if any pack is invalid. A youth- or
    family-facing list entry without its words in a language Harborline prints in is a warning
    on stderr (English is printed in its place), never a failure (decision 0064)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harborline.config.settings")
    from harborline.protocols import translations
    from harborline.protocols.packs import check_all

    for given in args.paths:
        if not Path(given).is_dir():
            raise UsageError(f"{given}: no such directory", prog=f"{PROG} protocols validate")
    valid, invalid = check_all([Path(p) for p in args.paths] if args.paths else None)
    languages = [code for code, _name in translations.printout_languages()]
    for pack in valid.values():
        print(f"valid: {pack.name} {pack.version}")
        for missing in translations.missing(pack, languages):
            print(f"warning: {missing}", file=sys.stderr)
    for path, problems in invalid.items():
        for problem in problems:
            print(str(problem))
        left_out = "" if args.paths else "; left out, the other packs load"
        print(f"invalid: {path}: {len(problems)} problem(s){left_out}", file=sys.stderr)
    return 1 if invalid else 0


def cmd_protocols_adopt(args: argparse.Namespace) -> int:
    _django()
    from harborline.protocols.geography import adopt

    adoption, created = adopt(args.pack, args.county)
    county = f"{adoption.county.name} ({adoption.county.qualified})"
    if created:
        print(f"{args.pack} adopted by {county}.")
    else:
        print(f"{args.pack} was already adopted by {county}; nothing changed.")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:  # pragma: no cover - dispatched in main()
    return _manage(args.rest)


def _manage(rest: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harborline.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line([f"{PROG} manage", *rest])
    return 0


# ---------------------------------------------------------------------------------------------
# The parser


def build_parser() -> ArgumentParser:
    from harborline.people.roles import OrgType, Role
    from harborline.synthetic.states import STATES as DEMO_STATES

    parser = ArgumentParser(
        prog=PROG,
        description="Harborline: case coordination for task forces serving youth experiencing "
        "commercial sexual exploitation. Run `harborline COMMAND --help` for a command's options.",
        epilog="Exit codes: 0 success, 1 a check found a problem, 2 wrong arguments, invalid input "
        "or missing configuration.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(
        name: str, handler: Callable[[argparse.Namespace], int], help: str, parent: Any = commands
    ) -> ArgumentParser:
        sub: ArgumentParser = parent.add_parser(name, help=help, description=help)
        sub.set_defaults(handler=handler)
        return sub

    def serving(sub: ArgumentParser) -> None:
        sub.add_argument(
            "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
        )
        sub.add_argument(
            "--port", type=_port, default=8000, help="port to listen on (default 8000)"
        )

    p = command("demo", cmd_demo, "Set up a demo with synthetic data in var/ and serve it.")
    serving(p)
    p.add_argument("--no-serve", action="store_true", help="set up, print the logins, and stop")
    p.add_argument(
        "--pack",
        choices=sorted(DEMO_STATES),
        default=None,
        help="the state whose demo to build: its counties, agencies, task force, training and "
        "screening (default: HARBORLINE_PACK, else nevada)",
    )
    p.add_argument(
        "--no-worker",
        action="store_true",
        help="do not start the background worker beside the server (run it yourself)",
    )

    p = command("serve", cmd_serve, "Serve Harborline with gunicorn (refuses without keys).")
    serving(p)
    p.add_argument(
        "--workers",
        type=_positive,
        default=None,
        help="worker processes (default: 1 in demo mode, else 2 x CPUs + 1, at most 9)",
    )

    command("migrate", cmd_migrate, "Create or update the database tables and load geography.")

    p = command("seed", cmd_seed, "Load deterministic synthetic data (never real people).")
    p.add_argument(
        "--scale",
        choices=["demo", "state"],
        default="demo",
        help="demo: a few organizations and cases; state: state-scale volume for benchmarks",
    )
    p.add_argument(
        "--seed", type=int, default=1, help="random seed; the same seed gives the same data"
    )

    keys = command("keys", _no_handler, "Generate the secret and field-encryption keys.")
    keys_commands = keys.add_subparsers(dest="keys_command", metavar="{generate}", required=True)
    p = command(
        "generate", cmd_keys_generate, "Print new keys as environment lines to set.", keys_commands
    )
    p.add_argument(
        "--add-to",
        metavar="KEYS",
        help="the current HARBORLINE_FIELD_KEYS; prints them with a new primary key first "
        "(for rotation)",
    )
    p.add_argument(
        "--audit-add-to",
        metavar="KEYS",
        help="the current HARBORLINE_AUDIT_KEYS; prints them with a new sealing key first "
        "(for rotation; the old keys stay to verify older records)",
    )

    org = command("org", _no_handler, "Manage organizations.")
    org_commands = org.add_subparsers(dest="org_command", metavar="{create}", required=True)
    p = command("create", cmd_org_create, "Create an organization.", org_commands)
    p.add_argument(
        "--slug", required=True, help="short unique name: lower-case letters, digits, hyphens"
    )
    p.add_argument("--name", required=True, help="the organization's full name")
    p.add_argument(
        "--type",
        required=True,
        choices=OrgType.values,
        metavar="TYPE",
        help=f"one of: {', '.join(OrgType.values)}",
    )
    p.add_argument(
        "--county",
        required=True,
        help='county slug or name from a loaded pack, e.g. "washoe" or "Washoe County"; '
        'qualified by pack where two packs have it, e.g. "wisconsin/washington"',
    )
    p.add_argument(
        "--time-zone", help="IANA time zone for display (default: the county's, from its pack)"
    )

    user = command("user", _no_handler, "Manage users.")
    user_commands = user.add_subparsers(dest="user_command", metavar="{create}", required=True)
    p = command("create", cmd_user_create, "Create a user and their membership.", user_commands)
    p.add_argument("--email", required=True, help="the sign-in email")
    p.add_argument("--org", required=True, help="organization slug")
    p.add_argument(
        "--role",
        required=True,
        choices=Role.values,
        metavar="ROLE",
        help=f"one of: {', '.join(Role.values)} (a coordinator only in a task_force organization)",
    )
    p.add_argument("--name", help="full name")
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (at least 15 "
        "characters); without it the account has no usable password until one is set",
    )

    token = command("token", _no_handler, "Manage API tokens.")
    token_commands = token.add_subparsers(dest="token_command", metavar="{create}", required=True)
    p = command("create", cmd_token_create, "Create an API token; prints it once.", token_commands)
    p.add_argument("--email", required=True, help="the user the token acts as")
    p.add_argument(
        "--days", type=_positive, default=90, help="days until it expires (default 90, at most 366)"
    )
    p.add_argument("--name", help="a label to tell tokens apart")

    p = command(
        "verify-audit",
        cmd_verify_audit,
        "Verify the audit log's hash chain, seals and anchors (exit 1 if broken).",
    )
    p.add_argument(
        "--anchors",
        action="append",
        metavar="PATH",
        help="a file of exported chain heads (an anchors file or a syslog file) to check the log "
        "against; repeatable (default: the file: destinations of HARBORLINE_AUDIT_ANCHOR)",
    )
    p.add_argument(
        "--public-key",
        action="append",
        metavar="KEY",
        help="an anchor-signing public key to accept besides the configured ones; repeatable",
    )

    audit = command("audit", _no_handler, "Export and inspect the audit chain's anchors.")
    audit_commands = audit.add_subparsers(
        dest="audit_command", metavar="{anchor,public-key}", required=True
    )
    p = command(
        "anchor",
        cmd_audit_anchor,
        "Sign the audit chain's head and export it (to HARBORLINE_AUDIT_ANCHOR or --to).",
        audit_commands,
    )
    p.add_argument(
        "--to",
        action="append",
        metavar="DEST",
        help="file:/path, syslog:, syslog:/path/to/socket or syslog:HOST:PORT; repeatable "
        "(default: HARBORLINE_AUDIT_ANCHOR)",
    )
    command(
        "public-key",
        cmd_audit_public_key,
        "Print the public key that verifies anchors (give it to auditors).",
        audit_commands,
    )

    p = command(
        "backup",
        cmd_backup,
        "Back up the database to one file (keys are not in it; see docs/operations.md).",
    )
    p.add_argument("path", metavar="PATH", help="the backup file to write (it must not exist)")
    p = command(
        "restore",
        cmd_restore,
        "Restore a backup, then check that every encrypted field decrypts and the audit chain "
        "verifies.",
    )
    p.add_argument("path", metavar="PATH", help="a file written by `harborline backup`")
    p.add_argument(
        "--force",
        action="store_true",
        help="replace a database that is not empty (everything in it is dropped first)",
    )
    p.add_argument(
        "--sample",
        type=_positive,
        default=None,
        metavar="N",
        help="check at most N encrypted rows per table (default: every row)",
    )

    p = command(
        "rotate-keys",
        cmd_rotate_keys,
        "Re-encrypt every encrypted value under the first field key (resumable).",
    )
    p.add_argument(
        "--batch-size", type=_positive, default=500, help="rows per transaction (default 500)"
    )

    command("check", cmd_check, "Run Django's system checks and check the keys.")

    cli_directory.add_commands(command, _no_handler, _django, UsageError)
    cli_linkage.add_commands(command, _no_handler)

    p = command(
        "check-deadlines",
        cmd_check_deadlines,
        "Send the obligation reminders that are due, mark breaches overdue, end expired shares.",
    )
    p.add_argument(
        "--now",
        type=_instant,
        default=None,
        metavar="ISO",
        help="sweep as if it were this time (ISO 8601 with offset); default: now",
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="work on the demo's database and keys in var/ (what `harborline demo` set up)",
    )

    p = command(
        "worker",
        cmd_worker,
        "Run background tasks and the deadline sweep until interrupted.",
    )
    p.add_argument(
        "--interval",
        type=_positive,
        default=300,
        metavar="SECONDS",
        help="seconds between deadline sweeps (default 300)",
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="work on the demo's database and keys in var/ (what `harborline demo` set up)",
    )

    protocols = command("protocols", _no_handler, "Browse and validate protocol packs.")
    protocols_commands = protocols.add_subparsers(
        dest="protocols_command", metavar="{list,show,validate,adopt}", required=True
    )
    command(
        "list",
        cmd_protocols_list,
        "List the installed packs with their contents.",
        protocols_commands,
    )
    p = command(
        "show",
        cmd_protocols_show,
        "Show a pack, or one of its instruments, with sources.",
        protocols_commands,
    )
    p.add_argument("pack", metavar="PACK", help="the pack's name, e.g. nevada")
    p.add_argument(
        "instrument", metavar="INSTRUMENT", nargs="?", help="an instrument of the pack, e.g. nrit"
    )
    p = command(
        "validate",
        cmd_protocols_validate,
        "Check pack directories, or every installed pack (exit 1 listing every problem as "
        "file: path: message).",
        protocols_commands,
    )
    p.add_argument(
        "paths",
        metavar="PATH",
        nargs="*",
        help="a pack's directory (holding pack.yaml); none: every installed pack, shipped and "
        "in HARBORLINE_PACKS_DIRS",
    )
    p = command(
        "adopt",
        cmd_protocols_adopt,
        "Bind a pack written for any county (county-protocol) to a county of a state pack.",
        protocols_commands,
    )
    p.add_argument("pack", metavar="PACK", help="the pack to adopt, e.g. county-protocol")
    p.add_argument(
        "--county",
        required=True,
        help="the adopting county: slug or name, qualified by pack where two packs have it, "
        'e.g. "spokane" or "wisconsin/washington"',
    )

    p = command(
        "manage", cmd_manage, "Run a Django management command: harborline manage COMMAND ..."
    )
    p.add_argument(
        "rest", nargs=argparse.REMAINDER, help="the management command and its arguments"
    )
    return parser


def _no_handler(args: argparse.Namespace) -> int:  # pragma: no cover - subcommands are required
    return 2


# ---------------------------------------------------------------------------------------------


def _field_flag(field: str, args: argparse.Namespace) -> str:
    """A service's field name as the option the user typed (`time_zone` -> `--time-zone`)."""
    if field in vars(args) and field not in {"command", "handler"}:
        return "--" + field.replace("_", "-")
    return {"organization": "--org", "full_name": "--name"}.get(field, field)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "manage":
        # Everything after `manage` belongs to Django, including --help.
        try:
            return _manage(argv[1:])
        except SystemExit as stop:
            return _code(stop)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:
        return _code(stop)
    prog = f"{PROG} {args.command}" + "".join(
        f" {getattr(args, k)}"
        for k in (
            "keys_command",
            "org_command",
            "user_command",
            "token_command",
            "protocols_command",
            "audit_command",
        )
        if getattr(args, k, None)
    )
    return _run(args, prog)


def _run(args: argparse.Namespace, prog: str) -> int:
    from django.core.exceptions import ImproperlyConfigured

    from harborline.errors import DomainError, InvalidInput

    try:
        return int(args.handler(args))
    except UsageError as problem:
        print(f"{problem.prog}: error: {problem}", file=sys.stderr)
        return 2
    except InvalidInput as problem:
        for error in problem.errors or []:
            print(
                f"{prog}: error: {_field_flag(error.field, args)}: {error.message}", file=sys.stderr
            )
        if not problem.errors:
            print(f"{prog}: error: {problem.detail}", file=sys.stderr)
        return 2
    except DomainError as problem:
        print(f"{prog}: error: {problem.detail}", file=sys.stderr)
        return 2
    except ImproperlyConfigured as problem:
        print(f"{prog}: error: {' '.join(str(problem).split())}", file=sys.stderr)
        return 2
    except SystemExit as stop:
        return _code(stop)
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except Exception as problem:
        from django.db import DatabaseError

        if isinstance(problem, DatabaseError):
            first = (
                str(problem).strip().splitlines()[0]
                if str(problem).strip()
                else type(problem).__name__
            )
            print(
                f"{prog}: error: database: {first} (is it reachable and migrated? run "
                "`harborline migrate`)",
                file=sys.stderr,
            )
            return 2
        from harborline.protocols.geography import GeographyError

        if isinstance(problem, GeographyError):
            print(f"{prog}: error: {problem}", file=sys.stderr)
            return 2
        raise


def _code(stop: SystemExit) -> int:
    if stop.code is None:
        return 0
    if isinstance(stop.code, int):
        return stop.code
    print(stop.code, file=sys.stderr)
    return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
