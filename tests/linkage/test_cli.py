"""The command-line contract of issue 17, checked as an outside caller would: exit codes, the
output's columns, one line per problem naming row and column, nothing written on a problem."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harborline.config.cli import main
from harborline.linkage import synthetic

from .conftest import write_people


@pytest.fixture
def run(capsys):
    def go(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return go


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "SECRET"
    path.write_bytes(os.urandom(32).hex().encode() + b"\n")
    return path


def _encode(run, secret: Path, people: Path, out: Path) -> tuple[int, str, str]:
    return run(
        "linkage", "encode", "--secret-file", str(secret), "--input", str(people),
        "--output", str(out),
    )  # fmt: skip


def test_encode_then_link(run, tmp_path: Path, secret: Path) -> None:
    left, right, truth = synthetic.two_files(200, seed=6)
    for name, rows in (("child_welfare", left), ("sheriff", right)):
        code, out, err = _encode(
            run, secret, write_people(tmp_path / f"{name}_people.csv", rows), tmp_path / name
        )
        assert code == 0, err
        (tmp_path / name).rename(tmp_path / f"{name}.csv")
    with (tmp_path / "child_welfare.csv").open() as f:
        header = next(csv.reader(f))
    assert header[0] == "id" and "first_name" not in header and "dob" not in header
    code, out, err = run(
        "linkage", "link", str(tmp_path / "child_welfare.csv"), str(tmp_path / "sheriff.csv"),
        "--output", str(tmp_path / "PAIRS.csv"),
    )  # fmt: skip
    assert code == 0, err
    with (tmp_path / "PAIRS.csv").open() as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == ["id_l", "id_r", "source_l", "source_r", "probability"]
        rows = list(reader)
    assert {(r["source_l"], r["source_r"]) for r in rows} == {("child_welfare", "sheriff")}
    found = {(r["id_l"], r["id_r"]) for r in rows}
    assert len(found & truth) >= 0.85 * len(truth)
    assert len({r["id_l"] for r in rows}) == len(rows) == len({r["id_r"] for r in rows})
    # --threshold and --explain
    code, _, err = run(
        "linkage", "link", str(tmp_path / "child_welfare.csv"), str(tmp_path / "sheriff.csv"),
        "--output", str(tmp_path / "P2.csv"), "--threshold", "0.99", "--explain",
    )  # fmt: skip
    assert code == 0, err
    with (tmp_path / "P2.csv").open() as f:
        strict = list(csv.DictReader(f))
    assert len(strict) <= len(rows)
    assert all(float(r["probability"]) >= 0.99 for r in strict)
    assert {"weight_first_name", "weight_dob", "weight_place", "names_swapped"} <= set(strict[0])


def test_dirty_values_are_warned_and_counted_never_fatal(run, tmp_path: Path, secret: Path):
    people = write_people(
        tmp_path / "people.csv",
        [
            {"id": "1", "first_name": "Ana", "last_name": "Ruiz", "dob": "2009-02-03",
             "zip": "89101"},
            {"id": "2", "first_name": "", "last_name": "Cole", "dob": "2009-13-45",
             "zip": "89502"},
            {"id": "3", "first_name": "Kim", "last_name": "", "dob": "", "zip": "",
             "city": ""},
            {"id": "4", "first_name": "Lee", "last_name": "Park", "dob": "31/12/2008",
             "zip": "8910"},
        ],
    )  # fmt: skip
    code, out, err = _encode(run, secret, people, tmp_path / "enc.csv")
    assert code == 0
    assert "first_name missing: 1 row(s) (rows 3)" in err
    assert "dob unreadable, encoded as far as it could be read: 1 row(s) (rows 3)" in err
    assert "dob missing: 1 row(s) (rows 4)" in err
    assert "dob read with day and month transposed: 1 row(s) (rows 5)" in err
    assert "names not encoded: 1 row(s) (rows 4)" in err
    assert "dirty value(s) warned about" in out
    with (tmp_path / "enc.csv").open() as f:
        assert len(list(csv.DictReader(f))) == 4


def _problem_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if ": error: " in line]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("first_name,last_name\nAna,Ruiz\n", ["people.csv, row 1, column id: missing"]),
        (
            "id,first_name\n1,Ana\n2,Bo\n1,Cy\n2,Di\n",
            [
                "people.csv, row 4, column id: duplicate of row 2",
                "people.csv, row 5, column id: duplicate of row 3",
            ],
        ),
        ("id,first_name\n1,Ana\n,Bo\n", ["people.csv, row 3, column id: empty"]),
        ("", ["people.csv, row 1: the file is empty"]),
        ("id,first_name,last_name\n", ["people.csv, row 2: the file has a header but no rows"]),
    ],
)
def test_encode_refuses_a_file_it_cannot_use(
    run, tmp_path: Path, secret: Path, content: str, expected: list[str]
) -> None:
    people = tmp_path / "people.csv"
    people.write_text(content, encoding="utf-8")
    out = tmp_path / "enc.csv"
    code, _, err = _encode(run, secret, people, out)
    assert code == 2
    lines = _problem_lines(err)
    assert len(lines) == len(expected)
    for line, want in zip(lines, expected, strict=True):
        assert line.startswith("harborline linkage encode: error: ") and want in line
    assert not out.exists() and not list(tmp_path.glob("enc.csv*"))


def test_a_short_secret_and_a_bad_file_are_reported_together(run, tmp_path: Path) -> None:
    short = tmp_path / "SECRET"
    short.write_bytes(b"x" * 31 + b"\n")
    people = tmp_path / "people.csv"
    people.write_text("id\n1\n1\n", encoding="utf-8")
    code, _, err = _encode(run, short, people, tmp_path / "enc.csv")
    assert code == 2
    lines = _problem_lines(err)
    assert len(lines) == 2
    assert "the secret is 31 bytes; at least 32 are needed" in lines[0]
    assert "people.csv, row 3, column id: duplicate of row 2" in lines[1]
    assert not (tmp_path / "enc.csv").exists()
    code, _, err = _encode(run, tmp_path / "absent", people, tmp_path / "enc.csv")
    assert code == 2 and "the secret file cannot be read" in err


def test_link_refuses_files_it_cannot_use(run, tmp_path: Path, secret: Path) -> None:
    rows = synthetic.people(30, seed=1)
    assert _encode(run, secret, write_people(tmp_path / "p.csv", rows), tmp_path / "a.csv")[0] == 0
    good = (tmp_path / "a.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "dup.csv").write_text("\n".join([*good, good[1]]) + "\n", encoding="utf-8")
    (tmp_path / "noid.csv").write_text(
        "\n".join([good[0].replace("id,", "key,", 1), *good[1:]]) + "\n", encoding="utf-8"
    )
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    out = tmp_path / "PAIRS.csv"
    code, _, err = run(
        "linkage", "link", str(tmp_path / "a.csv"), str(tmp_path / "dup.csv"),
        str(tmp_path / "noid.csv"), str(tmp_path / "empty.csv"), "--output", str(out),
    )  # fmt: skip
    assert code == 2
    lines = _problem_lines(err)
    assert any("dup.csv, row 32, column id: duplicate of row 2" in line for line in lines)
    assert any("noid.csv, row 1, column id: missing" in line for line in lines)
    assert any("empty.csv, row 1: the file is empty" in line for line in lines)
    assert len(lines) == 3
    assert not out.exists()
    code, _, err = run(
        "linkage", "link", str(tmp_path / "a.csv"), str(tmp_path / "a.csv"), "--output", str(out)
    )
    assert code == 2 and "sources must differ" in err
    code, _, err = run(
        "linkage", "link", str(tmp_path / "a.csv"), str(tmp_path / "dup.csv"),
        "--output", str(out), "--threshold", "1.5",
    )  # fmt: skip
    assert code == 2 and "--threshold" in err
    assert not out.exists()


def test_the_commands_need_no_database_nor_django_settings(tmp_path: Path, secret: Path):
    people = write_people(tmp_path / "p.csv", synthetic.people(20, seed=3))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE"))}
    env["DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none"  # would fail if it were used
    command = [sys.executable, "-m", "harborline.config.cli"]
    done = subprocess.run(
        [*command, "linkage", "encode", "--secret-file", str(secret), "--input", str(people),
         "--output", str(tmp_path / "a.csv")],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (tmp_path / "b.csv").write_bytes((tmp_path / "a.csv").read_bytes())
    done = subprocess.run(
        [*command, "linkage", "link", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"),
         "--output", str(tmp_path / "pairs.csv")],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len((tmp_path / "pairs.csv").read_text().splitlines()) > 1
