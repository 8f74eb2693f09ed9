"""The wheel: every module, and the top-level fixtures/ and scenarios/ as its data.

The data folders have one home, the repository's top level; the packaging maps them into
the package (``mock_ingrid.bundled_fixtures``, ``mock_ingrid.bundled_scenarios``). These
tests build the wheel as ``pip install .`` does and use it from another folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.server import ROOT, running_server

DATA = {"fixtures": "mock_ingrid/bundled_fixtures", "scenarios": "mock_ingrid/bundled_scenarios"}
# What the build reads: the project file, its readme, the package and the data folders.
SOURCES = ("pyproject.toml", "README.md", "mock_ingrid", *DATA)


def _subpackages() -> set[str]:
    return {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "mock_ingrid").rglob("__init__.py")
    }


def test_every_subpackage_and_data_folder_is_listed() -> None:
    """The packages are listed by hand (a mapped package cannot be found): a new one must
    be added, or the wheel goes without it."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    mapped = {target.replace("/", "."): folder for folder, target in DATA.items()}
    assert setuptools["package-dir"] == mapped
    listed, wanted = set(setuptools["packages"]), _subpackages() | set(mapped)
    assert listed == wanted, (
        f"pyproject.toml lacks {sorted(wanted - listed)}, lists {sorted(listed - wanted)} in vain"
    )
    assert all((ROOT / folder / "__init__.py").is_file() for folder in DATA)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built from a copy of the sources, so the checkout gets no build/ folder."""
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), "."]
    built = subprocess.run(command, cwd=source, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    (found,) = out.glob("mock_ingrid-*.whl")
    return found


@pytest.mark.slow
def test_the_wheel_holds_every_module_and_the_data_files(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for folder, target in DATA.items():
            files = sorted((ROOT / folder).glob("*.json"))
            assert files
            for file in files:
                inside = f"{target}/{file.name}"
                assert inside in names, f"{file.relative_to(ROOT)} is not in the wheel"
                assert archive.read(inside) == file.read_bytes()
    modules = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "mock_ingrid").rglob("*")
        if path.suffix in (".py", ".json") and "__pycache__" not in path.parts
    }
    assert modules | {"mock_ingrid/py.typed"} <= names


@pytest.mark.slow
def test_the_installed_wheel_serves_a_set_and_runs_a_scenario_by_name(
    wheel: Path, tmp_path: Path
) -> None:
    """From another folder: only the wheel's copies of the data can be found."""
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    # Ahead of the checkout's own install (its dependencies still come from there).
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = subprocess.run(
        [sys.executable, "-c", "import mock_ingrid; print(mock_ingrid.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(probe.stdout.strip()).is_relative_to(site)
    with running_server(["--fixtures", "demo-shop"], env=env, cwd=elsewhere) as base:
        scenario = ["scenario", "run", "happy-refund", "--base-url", base]
        run = subprocess.run(
            [sys.executable, "-m", "mock_ingrid", *scenario],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        assert "scenario happy-refund: passed" in run.stdout
        demo = httpx.get(f"{base}/returns", headers={"x-api-key": "demo-key"})
    assert demo.status_code == 200 and demo.json()["data"]
