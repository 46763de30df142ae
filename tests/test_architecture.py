"""The layout holds: imports run one way, and no import hides inside a function to dodge a
circle."""

import ast
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from importlinter.cli import lint_imports

BASE_DIR = Path(settings.BASE_DIR)
PYPROJECT = BASE_DIR / "pyproject.toml"


def first_party_packages() -> list[str]:
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    return config["root_packages"]


def app_modules():
    for package in first_party_packages():
        for path in sorted((BASE_DIR / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_every_import_runs_down_the_layers(capsys):
    exit_code = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)

    assert exit_code == 0, capsys.readouterr().out


def test_the_contract_covers_every_first_party_package():
    on_disk = {
        path.parent.name
        for path in BASE_DIR.glob("*/__init__.py")
        if path.parent.name not in {"tests", "bench", "tools"}
    }

    assert on_disk == set(first_party_packages())


def local_first_party_imports(path: Path) -> list[str]:
    """Imports of the project's own modules inside a function, other than an app's ``ready()``
    (which runs once the models are loaded, as Django asks)."""
    packages = set(first_party_packages())
    found = []
    for function in ast.walk(ast.parse(path.read_text())):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if function.name == "ready":
            continue
        for node in ast.walk(function):
            names = []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            found += [
                f"{path.relative_to(BASE_DIR)}:{node.lineno} {name}"
                for name in names
                if name.split(".")[0] in packages
            ]
    return found


# Imported where they are used because they are optional or heavy, not to dodge a circle: the
# embedded PostgreSQL only when no DATABASE_URL is set.
OPTIONAL_IMPORTS = {"operations.embedded_db"}


def test_no_import_of_the_projects_own_modules_hides_in_a_function():
    hidden = [
        line
        for path in app_modules()
        for line in local_first_party_imports(path)
        if line.split()[-1] not in OPTIONAL_IMPORTS
    ]

    assert hidden == []


@pytest.mark.parametrize("suffix", ["*.py", "Makefile"])
def test_code_speaks_of_itself_not_of_the_work_that_made_it(suffix):
    paths = [
        path for package in first_party_packages() for path in (BASE_DIR / package).rglob(suffix)
    ]
    paths += list(BASE_DIR.glob(suffix))
    mentions = [
        f"{path.relative_to(BASE_DIR)}:{number}"
        for path in paths
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "issue " in line.lower()
        and any(ch.isdigit() for ch in line.lower().split("issue ", 1)[1][:2])
    ]

    assert mentions == []
