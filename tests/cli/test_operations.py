"""verify-audit, keys, rotate-keys, serve, demo, migrate, seed, check and manage."""

import os
import re

import pytest
from cryptography.fernet import Fernet, MultiFernet
from django.db import connection

from harborline import synthetic
from harborline.audit.chain import GENESIS
from harborline.audit.models import ChainHead
from harborline.config import checks
from harborline.config import cli as cli_module
from harborline.people import services
from harborline.people.models import Organization
from harborline.protocols.models import County
from tests.crypto_app.models import Secret

# --- verify-audit -----------------------------------------------------------------------------


@pytest.fixture
def three_events(cli, washoe_org):
    assert (
        cli(
            "user",
            "create",
            "--email",
            "a@example.org",
            "--org",
            "washoe-so",
            "--role",
            "caseworker",
        ).code
        == 0
    )
    assert cli("token", "create", "--email", "a@example.org").code == 0


def raw_sql(sql):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The append-only trigger exists only on PostgreSQL; a tamperer with owner rights
            # could do this too, which is what the hash chain is for. Rolled back with the test.
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_append_only")
        cursor.execute(sql)


def test_verify_audit_on_an_intact_chain(cli, three_events):
    result = cli("verify-audit")
    head = ChainHead.objects.get()
    assert result.code == 0
    assert result.out == f"audit chain intact: 3 records, head {head.hash}\n"


def test_verify_audit_on_an_empty_log(cli, db):
    result = cli("verify-audit")
    assert (result.code, result.out) == (0, f"audit chain intact: 0 records, head {GENESIS}\n")


def test_verify_audit_names_an_altered_record(cli, three_events):
    raw_sql("UPDATE audit_auditevent SET action='x' WHERE seq=2")
    result = cli("verify-audit")
    assert result.code == 1
    assert "audit record #2" in result.err
    assert "altered" in result.err
    assert result.out == ""


def test_verify_audit_names_a_gap(cli, three_events):
    raw_sql("DELETE FROM audit_auditevent WHERE seq=2")
    result = cli("verify-audit")
    assert result.code == 1
    assert "audit record #2 is missing" in result.err


def test_verify_audit_catches_a_cut_tail_through_the_head(cli, three_events):
    raw_sql("DELETE FROM audit_auditevent WHERE seq=3")
    result = cli("verify-audit")
    assert result.code == 1
    assert "newest audit records were removed" in result.err
    assert "#3" in result.err


# --- keys -------------------------------------------------------------------------------------


def parse_env_lines(text):
    values = {}
    for line in text.splitlines():
        name, value = line.split("=", 1)
        assert re.fullmatch(r"[A-Z_]+", name)
        values[name] = value
    return values


def test_keys_generate_prints_working_keys(cli, settings):
    result = cli("keys", "generate")
    assert result.code == 0
    values = parse_env_lines(result.out)
    assert set(values) == {
        "HARBORLINE_SECRET_KEY",
        "HARBORLINE_FIELD_KEYS",
        "HARBORLINE_AUDIT_KEYS",
        "HARBORLINE_AUDIT_SIGNING_KEY",
    }
    assert len(values["HARBORLINE_SECRET_KEY"]) >= 50
    field_key = values["HARBORLINE_FIELD_KEYS"]
    assert Fernet(field_key.encode()).decrypt(Fernet(field_key.encode()).encrypt(b"x")) == b"x"
    settings.FIELD_ENCRYPTION_KEYS = [field_key]
    settings.AUDIT_KEYS = [values["HARBORLINE_AUDIT_KEYS"]]
    settings.AUDIT_SIGNING_KEY = values["HARBORLINE_AUDIT_SIGNING_KEY"]
    settings.SECRET_KEY_CONFIGURED = True
    assert checks.missing_keys() == []
    # The anchors' public key is shown (on stderr) and is the signing key's.
    from harborline.crypto.keys import public_key_text

    assert public_key_text(values["HARBORLINE_AUDIT_SIGNING_KEY"]) in result.err
    again = parse_env_lines(cli("keys", "generate").out)
    assert again["HARBORLINE_FIELD_KEYS"] != field_key
    assert again["HARBORLINE_SECRET_KEY"] != values["HARBORLINE_SECRET_KEY"]


def test_keys_generate_add_to_puts_a_new_primary_first(cli):
    old = [Fernet.generate_key().decode(), Fernet.generate_key().decode()]
    result = cli("keys", "generate", "--add-to", f" {old[0]} , {old[1]}")
    assert result.code == 0
    values = parse_env_lines(result.out)
    assert list(values) == ["HARBORLINE_FIELD_KEYS"]
    keys = values["HARBORLINE_FIELD_KEYS"].split(",")
    assert len(keys) == 3 and keys[1:] == old and keys[0] not in old
    token = Fernet(old[1].encode()).encrypt(b"old secret")
    rotated = MultiFernet([Fernet(k.encode()) for k in keys]).rotate(token)
    assert Fernet(keys[0].encode()).decrypt(rotated) == b"old secret"
    assert "rotate-keys" in result.err


# --- rotate-keys ------------------------------------------------------------------------------


def test_rotate_keys_re_encrypts_so_the_old_key_can_go(cli, settings, db):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    for i in range(3):
        Secret.objects.create(label=str(i), note=f"note {i}", contacts={"phone": f"775-555-010{i}"})
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    result = cli("rotate-keys", "--batch-size", "2")
    assert result.code == 0, result.err
    assert "crypto_app.Secret: through id" in result.out
    assert "3 rows examined, 3 re-encrypted" in result.out
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert sorted(Secret.objects.values_list("note", flat=True)) == ["note 0", "note 1", "note 2"]
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    assert "3 rows examined, 0 re-encrypted" in cli("rotate-keys").out


def test_rotate_keys_with_a_bad_key_is_one_line(cli, settings, db):
    settings.FIELD_ENCRYPTION_KEYS = ["definitely-not-a-key"]
    result = cli("rotate-keys")
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert "key 1 is not a valid Fernet key" in result.err


# --- serve ------------------------------------------------------------------------------------


@pytest.fixture
def no_server(monkeypatch):
    started = []
    monkeypatch.setattr(cli_module, "run_gunicorn", started.append)
    return started


def test_serve_refuses_without_keys_outside_demo_mode(cli, monkeypatch, settings, no_server):
    for name in ("HARBORLINE_SECRET_KEY", "HARBORLINE_FIELD_KEYS", "HARBORLINE_DEMO"):
        monkeypatch.delenv(name, raising=False)
    settings.DEMO_MODE = False
    settings.SECRET_KEY_CONFIGURED = False
    settings.FIELD_ENCRYPTION_KEYS = []
    result = cli("serve")
    assert result.code == 2
    assert no_server == []
    assert "HARBORLINE_SECRET_KEY is not set." in result.err
    assert "HARBORLINE_FIELD_KEYS is not set." in result.err
    assert result.err_lines[-1] == (
        "harborline serve: refusing to start. Run `harborline keys generate` and set the lines "
        "it prints in the environment."
    )


def test_serve_refuses_a_malformed_field_key(cli, settings, no_server):
    settings.DEMO_MODE = False
    settings.FIELD_ENCRYPTION_KEYS = ["short"]
    result = cli("serve")
    assert result.code == 2
    assert "key 1 is not a valid Fernet key" in result.err
    assert no_server == []


def test_serve_runs_gunicorn_gthread_on_the_wsgi_app(cli, settings, no_server):
    settings.DEMO_MODE = False
    result = cli("serve", "--host", "0.0.0.0", "--port", "8123", "--workers", "3")  # noqa: S104
    assert result.code == 0, result.err
    [options] = no_server
    assert options["bind"] == "0.0.0.0:8123"
    assert options["workers"] == 3
    assert options["worker_class"] == "gthread"
    assert options["wsgi_app"] == "harborline.config.wsgi:application"
    assert "http://0.0.0.0:8123" in result.out
    # Access logs carry the path only (no query string, no referrer), and several servers can
    # share a host (no per-user control socket).
    assert "%(U)s" in options["access_log_format"]
    assert "%(r)s" not in options["access_log_format"]
    assert "%(q)s" not in options["access_log_format"]
    assert "%(f)s" not in options["access_log_format"]
    assert options["control_socket_disable"] is True


def test_serve_in_demo_mode_uses_one_worker_and_needs_no_keys(cli, settings, no_server):
    settings.DEMO_MODE = True
    settings.SECRET_KEY_CONFIGURED = False
    assert cli("serve").code == 0
    assert no_server[0]["workers"] == 1
    assert no_server[0]["bind"] == "127.0.0.1:8000"


def test_gunicorn_application_loads_the_wsgi_app(monkeypatch):
    """run_gunicorn's application object, short of binding a socket."""
    from gunicorn.app.base import BaseApplication

    seen = {}
    monkeypatch.setattr(
        BaseApplication, "run", lambda self: seen.update(app=self.load(), cfg=self.cfg)
    )
    cli_module.run_gunicorn(
        {
            "bind": "127.0.0.1:0",
            "worker_class": "gthread",
            "wsgi_app": "harborline.config.wsgi:application",
        }
    )
    from harborline.config.wsgi import application

    assert seen["app"] is application
    assert seen["cfg"].worker_class_str == "gthread"


# --- demo -------------------------------------------------------------------------------------


@pytest.fixture
def fake_seed(monkeypatch):
    """The synthetic generator is tested with it; here only the demo's use of it matters."""
    calls = []

    def seed(*, scale, seed, pack="nevada", progress=None):
        calls.append((scale, seed))
        org = services.create_organization(
            actor=None, slug="demo-cw", name="Demo Child Welfare", type="child_welfare"
        )
        services.create_user(
            actor=None,
            email="cw@demo.example",
            organization=org,
            role="caseworker",
            password=synthetic.DEMO_PASSWORD,
        )
        return synthetic.SeedReport(
            scale=scale,
            seed=seed,
            counts={"organizations": 1, "users": 1},
            demo_logins=[synthetic.DemoLogin("cw@demo.example", "caseworker", "demo-cw")],
        )

    monkeypatch.setattr(synthetic, "seed", seed)
    return calls


def test_demo_sets_up_keys_data_and_logins_once(
    cli, tmp_path, monkeypatch, fake_seed, no_server, db
):
    monkeypatch.setenv("HARBORLINE_VAR_DIR", str(tmp_path / "var"))
    result = cli("demo", "--no-serve")
    assert result.code == 0, result.err
    env_file = tmp_path / "var" / "demo.env"
    values = dict(
        line.split("=", 1)
        for line in env_file.read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert Fernet(values["HARBORLINE_FIELD_KEYS"].encode())
    assert os.environ["HARBORLINE_DEMO"] == "1"
    assert os.environ["HARBORLINE_FIELD_KEYS"] == values["HARBORLINE_FIELD_KEYS"]
    assert os.environ["HARBORLINE_SECRET_KEY"] == values["HARBORLINE_SECRET_KEY"]
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"
    assert fake_seed == [("demo", 1)]
    assert County.objects.filter(slug="washoe").exists()
    assert re.search(r"cw@demo\.example\s+caseworker\s+demo-cw", result.out)
    assert synthetic.DEMO_PASSWORD in result.out
    assert "MFA" in result.out and "shows the current code" in result.out
    assert no_server == []

    content = env_file.read_text()
    again = cli("demo", "--no-serve")
    assert again.code == 0, again.err
    assert env_file.read_text() == content, "demo keys are reused, so demo data stays readable"
    assert fake_seed == [("demo", 1)], "seeding happens only into an empty database"
    assert "cw@demo.example" in again.out
    assert Organization.objects.count() == 1


def test_demo_serves_on_loopback_with_one_worker(
    cli, tmp_path, monkeypatch, fake_seed, no_server, db
):
    monkeypatch.setenv("HARBORLINE_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", "postgres://somewhere/production")
    result = cli("demo")
    assert result.code == 0, result.err
    assert "DATABASE_URL is ignored" in result.out
    assert "DATABASE_URL" not in os.environ
    assert no_server[0]["bind"] == "127.0.0.1:8000"
    assert no_server[0]["workers"] == 1
    assert "http://127.0.0.1:8000" in result.out


def test_demo_with_a_damaged_env_file_is_one_line(cli, tmp_path, monkeypatch, fake_seed, no_server):
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "demo.env").write_text("HARBORLINE_SECRET_KEY=abc\n")
    monkeypatch.setenv("HARBORLINE_VAR_DIR", str(tmp_path / "var"))
    result = cli("demo", "--no-serve")
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert "lacks HARBORLINE_FIELD_KEYS" in result.err


# --- migrate, seed, check, manage ------------------------------------------------------------


def test_migrate_loads_geography(cli, db):
    assert not County.objects.exists()
    result = cli("migrate")
    assert result.code == 0, result.err
    assert "nevada (3 regions, 17 counties)" in result.out
    assert County.objects.filter(slug="washoe", region__slug="northern").exists()
    assert cli("migrate").code == 0, "migrate is repeatable"
    assert County.objects.filter(slug="washoe").count() == 1


def test_seed_passes_scale_and_seed_and_prints_counts(cli, fake_seed, db):
    result = cli("seed", "--scale", "state", "--seed", "7")
    assert result.code == 0, result.err
    assert fake_seed == [("state", 7)]
    assert "Seeded state data with seed 7" in result.out
    assert re.search(r"organizations\s+1", result.out)


def test_check_passes_with_keys(cli, db):
    result = cli("check")
    assert result.code == 0, result.err
    assert "System check identified no issues" in result.out


def test_check_reports_missing_keys(cli, settings, db):
    settings.SECRET_KEY_CONFIGURED = False
    result = cli("check")
    assert result.code == 1
    assert "HARBORLINE_SECRET_KEY is not set." in result.err
    assert "harborline keys generate" in result.err


def test_manage_passes_through_to_django(cli, db):
    result = cli("manage", "showmigrations", "audit")
    assert result.code == 0, result.err
    assert "[X] 0002_append_only_trigger" in result.out
    unknown = cli("manage", "no-such-command")
    assert unknown.code == 1
    assert "Unknown command" in unknown.err


@pytest.mark.parametrize("pack", ["nevada", "washington", "wisconsin"])
def test_demo_builds_each_state_prints_its_logins_and_the_worker_command(
    cli, tmp_path, monkeypatch, pack, db
):
    """`harborline demo --pack P --no-serve` (issue 15's contract): the state's demo, the
    logins of law enforcement, prosecution, probation and an advocate, what the cases were
    screened with, and the worker command as it runs."""
    from harborline.taskforce.categories import categories_for
    from harborline.taskforce.models import Member, TaskForce

    monkeypatch.setenv("HARBORLINE_VAR_DIR", str(tmp_path / "var"))
    result = cli("demo", "--pack", pack, "--no-serve")
    assert result.code == 0, result.err
    for name in ("law-enforcement", "prosecutor", "probation", "advocate"):
        assert re.search(rf"{name}@demo\.example\.org\s+caseworker \(", result.out)
    assert "worker --demo" in result.out
    if pack == "washington":
        assert "opened without a screening" in result.out
    else:
        assert "cases are screened with" in result.out
    tf = TaskForce.objects.filter(pack=pack).first()
    assert tf is not None
    known = set(categories_for(pack).all)
    categories = {m.category for m in Member.objects.filter(taskforce=tf)}
    assert {c for c in categories if not c.startswith("other:")} <= known
    assert (tmp_path / "var" / "demo-pack").read_text().strip() == pack


def test_demo_refuses_another_state_over_an_existing_demo(cli, tmp_path, monkeypatch, db):
    var = tmp_path / "var"
    var.mkdir()
    (var / "demo-pack").write_text("nevada\n")
    monkeypatch.setenv("HARBORLINE_VAR_DIR", str(var))
    result = cli("demo", "--pack", "wisconsin", "--no-serve")
    assert result.code == 2
    assert "holds the nevada demo" in result.err and "wisconsin" in result.err


def test_demo_without_pack_reuses_the_state_already_in_var(
    cli, tmp_path, monkeypatch, fake_seed, no_server, db
):
    var = tmp_path / "var"
    var.mkdir()
    (var / "demo-pack").write_text("wisconsin\n")
    monkeypatch.setenv("HARBORLINE_VAR_DIR", str(var))
    result = cli("demo", "--no-serve")
    assert result.code == 0, result.err
    assert os.environ["HARBORLINE_PACK"] == "wisconsin"
    assert "Initial case management intake (wisconsin)" in result.out


def test_demo_starts_the_worker_beside_the_server_and_stops_it(
    cli, tmp_path, monkeypatch, fake_seed, no_server, db
):
    started, stopped = [], []
    monkeypatch.setattr(cli_module, "_start_worker", lambda: started.append(1) or "worker")
    monkeypatch.setattr(cli_module, "_stop_worker", lambda w: stopped.append(w))
    monkeypatch.setenv("HARBORLINE_VAR_DIR", str(tmp_path / "var"))
    assert cli("demo", "--port", "8080").code == 0
    assert no_server[0]["bind"] == "127.0.0.1:8080"
    assert started == [1] and stopped == ["worker"]
    assert cli("demo", "--no-worker").code == 0
    assert started == [1]


def test_a_bad_home_pack_stops_startup_with_a_clear_message(cli, settings):
    settings.HARBORLINE_PACK = "atlantis"
    result = cli("check")
    assert result.code == 2
    assert "HARBORLINE_PACK='atlantis' is not a loaded protocol pack" in result.err
    assert "nevada" in result.err
    settings.HARBORLINE_PACK = "county-protocol"
    assert "has no counties of its own" in cli("check").err


def test_the_home_pack_system_check(settings):
    from harborline.protocols.home import check_home_pack, home_pack_name

    settings.HARBORLINE_PACK = ""  # unset: Nevada, whatever this run's HARBORLINE_PACK is
    assert home_pack_name() == "nevada" and check_home_pack() == []
    settings.HARBORLINE_PACK = "washington"
    assert home_pack_name() == "washington" and check_home_pack() == []
    settings.HARBORLINE_PACK = "atlantis"
    (error,) = check_home_pack()
    assert error.id == "harborline.E001" and "atlantis" in error.msg


@pytest.mark.usefixtures("nevada_home")  # Nevada first, whatever this run's HARBORLINE_PACK is
def test_a_screening_without_an_instrument_uses_the_home_packs_or_names_the_field(settings):
    from harborline.errors import InvalidInput
    from harborline.protocols.home import default_screening_instrument, screening_instrument

    assert default_screening_instrument() == "nrit"
    settings.HARBORLINE_PACK = "wisconsin"
    assert default_screening_instrument() == "case_management_intake"
    settings.HARBORLINE_PACK = "washington"
    assert screening_instrument() == ""
    with pytest.raises(InvalidInput) as refused:
        default_screening_instrument()
    assert refused.value.errors[0].field == "instrument"
    assert "washington pack names no screening instrument" in refused.value.errors[0].message
