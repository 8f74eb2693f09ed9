"""No Docker engine here: run the Dockerfile's install and start steps in a fresh virtualenv,
and stop the server as ``docker stop`` does (SIGTERM): the state is saved on the volume."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path, PurePosixPath

import httpx
import pytest

from tests.server import ROOT, free_port, wait_until_healthy

pytestmark = pytest.mark.slow


def _instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    steps = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            steps.append((keyword.upper(), rest.strip()))
    return steps


def _env_pairs(rest: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in shlex.split(rest))


def test_the_image_is_slim_non_root_and_exposes_the_port() -> None:
    steps = dict(_instructions())
    assert any(kw == "RUN" and rest.startswith("pip install") for kw, rest in _instructions())
    assert steps["FROM"].endswith("-slim")
    assert steps["USER"] not in ("root", "0")
    env = {k: v for kw, rest in _instructions() if kw == "ENV" for k, v in _env_pairs(rest).items()}
    assert env["MOCK_INGRID_HOST"] == "0.0.0.0"
    assert steps["EXPOSE"] == env["MOCK_INGRID_PORT"]
    assert "/_mock/health" in steps["HEALTHCHECK"]


def test_the_state_file_is_on_a_volume_the_user_owns() -> None:
    steps = _instructions()
    env = {k: v for kw, rest in steps if kw == "ENV" for k, v in _env_pairs(rest).items()}
    volume = PurePosixPath(dict(steps)["VOLUME"])
    assert PurePosixPath(env["MOCK_INGRID_STATE_FILE"]).parent == volume
    user = dict(steps)["USER"]
    made = [rest for kw, rest in steps if kw == "RUN" and f"mkdir {volume}" in rest]
    assert made and f"chown {user}:{user} {volume}" in made[0]
    # Made and owned before it is declared a volume (later changes to it are lost).
    keywords = [kw for kw, rest in steps]
    assert keywords.index("VOLUME") > next(
        i for i, (kw, rest) in enumerate(steps) if kw == "RUN" and f"mkdir {volume}" in rest
    )


def test_install_and_start_steps_work_in_a_fresh_virtualenv(tmp_path: Path) -> None:
    workdir = tmp_path / "context"
    workdir.mkdir()
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PIP_NO_CACHE_DIR", None)
    cmd: list[str] = []
    healthcheck = ""
    for keyword, rest in _instructions():
        if keyword == "COPY":
            *sources, target = shlex.split(rest)
            for source in sources:
                destination = (
                    workdir / target / Path(source).name
                    if target.endswith("/")
                    else workdir / target
                )
                if (ROOT / source).is_dir():
                    shutil.copytree(
                        ROOT / source, destination, ignore=shutil.ignore_patterns("__pycache__")
                    )
                else:
                    shutil.copy(ROOT / source, destination)
        elif keyword == "RUN" and rest.startswith("pip "):
            # Only the install steps: system steps (creating the user) belong to the image.
            subprocess.run(
                ["sh", "-c", rest], cwd=workdir, env=env, check=True, capture_output=True
            )
        elif keyword == "ENV":
            env.update(_env_pairs(rest))
        elif keyword == "CMD":
            cmd = json.loads(rest)
        elif keyword == "HEALTHCHECK":
            healthcheck = rest.split(" CMD ", 1)[1]
    # Outside a container the server stays on loopback, and the volume is a folder here.
    volume = tmp_path / "volume"
    volume.mkdir()
    state_file = volume / PurePosixPath(env["MOCK_INGRID_STATE_FILE"]).name
    env["MOCK_INGRID_STATE_FILE"] = str(state_file)
    port = free_port()
    env.update({"MOCK_INGRID_HOST": "127.0.0.1", "MOCK_INGRID_PORT": str(port)})
    base = f"http://127.0.0.1:{port}"
    for run in ("first", "second"):
        process = subprocess.Popen(
            cmd, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            wait_until_healthy(base, process, timeout=30)
            check = subprocess.run(
                ["sh", "-c", healthcheck], cwd=workdir, env=env, capture_output=True, timeout=10
            )
            assert check.returncode == 0, check.stderr
            if run == "first":
                created = httpx.post(f"{base}/_mock/merchants", json={"apiKey": "kept"})
                assert created.status_code == 201, created.text
            else:  # a container on the same volume goes on from the saved state
                assert httpx.get(f"{base}/_mock/merchants/kept").status_code == 200
        finally:
            process.send_signal(signal.SIGTERM)  # docker stop
            _, err = process.communicate(timeout=30)
        assert process.returncode == 0, err
        assert state_file.is_file()
