"""`--database-tests-only` (tests/conftest.py), which CI's PostgreSQL step passes: it keeps every
test that can reach the database and leaves out only those that cannot, which gave their answer
in the SQLite step."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _collected(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return {line for line in done.stdout.splitlines() if "::" in line}


def test_database_tests_stay_and_the_others_are_left_out():
    files = [
        "tests/test_not_found.py",  # the db fixture
        "tests/test_version_check.py",  # no database at all
        "tests/faults/test_keep_alive.py",  # a private cluster: marked faults
        "tests/cli/test_console_script.py",  # subprocesses on their own SQLite file
        "tests/protocols/test_api.py",  # the db fixture; one test marked same_on_every_database
    ]
    everything = _collected(*files)
    kept = _collected("--database-tests-only", *files)
    assert kept < everything
    assert {t for t in everything if t.startswith(("tests/test_not_found", "tests/faults"))} <= kept
    assert not {t for t in kept if t.startswith(("tests/test_version_check", "tests/cli/"))}
    sweep = "tests/protocols/test_api.py::test_nrit_contract_over_every_combination"
    assert sweep in everything and sweep not in kept
    others = {t for t in everything if t.startswith("tests/protocols/test_api.py") and t != sweep}
    assert others and others <= kept
