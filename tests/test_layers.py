"""The import-linter contracts in pyproject.toml (docs/architecture.md, "Layers") pass on the tree
as it is and fail on a new import that breaks a layer or closes a cycle (between apps, or between
the modules of one app), including one inside a function.

Each case runs `lint-imports` on a throwaway copy of the package with one module added, so the
real tree is never touched."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """src/harborline's Python files and pyproject.toml, copied."""
    root = tmp_path_factory.mktemp("layers")
    shutil.copytree(
        ROOT / "src" / "harborline",
        root / "src" / "harborline",
        ignore=lambda folder, names: [
            n for n in names if not n.endswith(".py") and not (Path(folder) / n).is_dir()
        ],
    )
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def throwaway(copy: Path):
    """Writes one module into the copy; removes it afterwards."""
    written: list[Path] = []

    def write(module: str, source: str) -> Path:
        path = copy / "src" / Path(*module.split(".")).with_suffix(".py")
        path.write_text(source)
        written.append(path)
        return path

    yield write
    for path in written:
        path.unlink()


def test_the_tree_as_it_is_keeps_every_contract(copy):
    result = lint(copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout
    assert "ignored" not in result.stdout  # no contract lets an import through by exception


def test_a_domain_app_importing_the_page_layer_inside_a_function_fails(copy, throwaway):
    throwaway(
        "harborline.people._throwaway",
        "def render():\n    from harborline.web import forms\n\n    return forms\n",
    )
    result = lint(copy)
    assert result.returncode == 1, result.stdout
    assert "harborline.people._throwaway -> harborline.web.forms (l.2)" in result.stdout
    assert "Domain apps never import the page layer, the API or the configuration BROKEN" in (
        result.stdout
    )


def test_a_lower_layer_importing_a_higher_one_fails(copy, throwaway):
    throwaway("harborline.protocols._throwaway", "from harborline.cases import models\n")
    result = lint(copy)
    assert result.returncode == 1, result.stdout
    assert "harborline.protocols is not allowed to import harborline.cases" in result.stdout


def test_the_page_layer_and_the_api_stay_independent(copy, throwaway):
    throwaway("harborline.api._throwaway", "from harborline.web import views_errors\n")
    result = lint(copy)
    assert result.returncode == 1, result.stdout
    assert "harborline.api is not allowed to import harborline.web" in result.stdout


def test_a_cycle_between_two_modules_of_one_app_inside_functions_fails(copy, throwaway):
    """What response.deadlines and response.tasks did before issue 11: each imported the other
    inside a function. The layers contract cannot see it (one app); the acyclic one does."""
    throwaway(
        "harborline.response._throwaway_sweep",
        "def run():\n    from harborline.response import _throwaway_task\n\n"
        "    return _throwaway_task\n",
    )
    throwaway(
        "harborline.response._throwaway_task",
        "def send():\n    from harborline.response import _throwaway_sweep\n\n"
        "    return _throwaway_sweep\n",
    )
    result = lint(copy)
    assert result.returncode == 1, result.stdout
    assert "No cycles are allowed in harborline.response." in result.stdout
    assert "No import cycle between apps" in result.stdout and "BROKEN" in result.stdout


def test_a_cycle_between_apps_fails_even_where_no_layer_names_them(copy, throwaway):
    """A new package the layers contract does not list yet is still held by the acyclic one."""
    package = copy / "src" / "harborline" / "_throwaway_app"
    package.mkdir()
    (package / "__init__.py").write_text(
        "def hook():\n    from harborline import _throwaway_other\n\n    return _throwaway_other\n"
    )
    try:
        throwaway("harborline._throwaway_other", "from harborline import _throwaway_app\n")
        result = lint(copy)
    finally:
        shutil.rmtree(package)
    assert result.returncode == 1, result.stdout
    assert "No cycles are allowed in harborline." in result.stdout


def test_pre_commit_runs_what_make_lint_runs():
    """.pre-commit-config.yaml's hooks are the commands of the Makefile's lint target."""
    import yaml

    lines = (ROOT / "Makefile").read_text().split("\nlint:", 1)[1].split("\n\n", 1)[0]
    make = [
        line.strip().replace("$(BIN)/", ".venv/bin/")
        for line in lines.splitlines()[1:]
        if line.startswith("\t")
    ]
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = [h["entry"] for repo in config["repos"] for h in repo["hooks"]]
    hooks = [h.removeprefix("env ") for h in hooks]  # env sets the variable, as make does
    assert sorted(hooks) == sorted(make)
