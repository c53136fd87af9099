"""`make lab` and `make notebook`: a clean first launch, with authentication that stays on.

Each server runs on a free loopback port, with a temporary Jupyter config dir
holding a user config that tries to turn authentication off (empty token) and
to allow moving to another port: the course's pinned options must win.
"""

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow

HOSTILE_USER_CONFIG = 'c.IdentityProvider.token = ""\nc.ServerApp.port_retries = 50\n'
LANDING = {
    "lab": "/lab/tree/notebooks/01_softmax.ipynb",
    "notebook": "/notebooks/notebooks/01_softmax.ipynb",
}
NEWS = "/lab/api/settings/@jupyterlab/apputils-extension:notification"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(url: str) -> tuple[int, str, bytes]:
    """Status, Location header and body of a GET, without following redirects."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.headers.get("Location", ""), response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Location", ""), b""


def _start(
    target: str, port: int, tmp_path: Path, extra: str = ""
) -> tuple[subprocess.Popen, Path]:
    config = tmp_path / "user-config"
    config.mkdir(exist_ok=True)
    (config / "jupyter_server_config.py").write_text(HOSTILE_USER_CONFIG)
    log = tmp_path / f"{target}-{port}-{time.monotonic_ns()}.log"
    env = os.environ | {
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "user-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
    }
    env.pop("JUPYTER_TOKEN", None)
    args = f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={port} {extra}"
    with log.open("w") as out:
        proc = subprocess.Popen(
            ["make", "--no-print-directory", target, f"ARGS={args}"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, env=env,
        )  # fmt: skip
    return proc, log


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _token(proc: subprocess.Popen, log: Path, port: int) -> str:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        match = re.search(rf"http://127\.0\.0\.1:{port}/\S*\?token=(\w+)", log.read_text())
        if match:
            return match.group(1)
        time.sleep(0.5)
    raise AssertionError(f"no token URL within 90 s:\n{log.read_text()}")


@pytest.mark.parametrize(
    ("env", "config", "expected"),
    [
        ({"JUPYTER_TOKEN_FILE": "empty"}, {}, "generated"),
        ({"JUPYTER_TOKEN": "course-token"}, {}, "course-token"),
        ({}, {"IdentityProvider": {"token": ""}}, "generated"),
        ({}, {"PasswordIdentityProvider": {"hashed_password": "argon2:x"}}, ""),
    ],
    ids=["empty-token-file", "env-token", "config-empty-token", "password-instead"],
)
def test_no_setting_turns_authentication_off(env, config, expected, tmp_path, monkeypatch):
    from serve import CourseIdentityProvider  # tools/, on the path via tests/conftest.py
    from traitlets.config import Config

    monkeypatch.delenv("JUPYTER_TOKEN", raising=False)
    monkeypatch.delenv("JUPYTER_TOKEN_FILE", raising=False)
    for name, value in env.items():
        if name == "JUPYTER_TOKEN_FILE":
            (tmp_path / "token").write_text("")
            value = str(tmp_path / "token")
        monkeypatch.setenv(name, value)
    provider = CourseIdentityProvider(config=Config(config))
    if expected == "generated":
        assert len(provider.token) == 48 and provider.token_generated
    else:
        assert provider.token == expected
    assert provider.auth_enabled


@pytest.mark.parametrize("target", ["lab", "notebook"])
def test_first_launch_opens_the_course_with_a_token(target, tmp_path):
    port = _free_port()
    proc, log = _start(target, port, tmp_path)
    try:
        token = _token(proc, log, port)
        base = f"http://127.0.0.1:{port}"
        assert _get(f"{base}/api/contents")[0] == 403, "the server answered without a token"

        status, location, _ = _get(f"{base}/?token={token}")
        assert status == 302 and location.split("?")[0] == LANDING[target], (status, location)

        listing = json.loads(_get(f"{base}/api/contents?token={token}")[2])
        names = {item["name"] for item in listing["content"]}
        assert {"src", "notebooks", "README.md"} <= names, f"root is not the repository: {names}"

        status, _, body = _get(f"{base}{NEWS}?token={token}")
        assert status == 200, status
        news = json.loads(body)["schema"]["properties"]["fetchNews"]["default"]
        assert news == "false", f"JupyterLab would ask about news: fetchNews={news!r}"
        assert not (tmp_path / "user-settings").exists(), "the user's settings were written"
    finally:
        _stop(proc)


@pytest.mark.parametrize("extra", ["", "--ServerApp.port_retries=0"], ids=["default", "user's own"])
def test_a_taken_port_is_an_error_not_a_silent_move(extra, tmp_path):
    # The user's own port_retries=0 (issue 19.3) must not clash with the course's:
    # the server then fails on the taken port, not with "only accepts one value, got 2".
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc, log = _start("lab", port, tmp_path, extra)
        try:
            proc.wait(timeout=90)
        finally:
            _stop(proc)
    text = log.read_text()
    assert proc.returncode != 0, f"make lab did not fail on a taken port:\n{text}"
    assert f"{port + 1}" not in text and "already in use" in text, text
