"""`make lab` serves JupyterLab on the course with token authentication on."""

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


@pytest.mark.slow
def test_make_lab_serves_the_notebooks_with_a_token(tmp_path):
    port = _free_port()
    log = tmp_path / "lab.log"
    args = f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={port}"
    with log.open("w") as out:
        proc = subprocess.Popen(
            ["make", "--no-print-directory", "lab", f"ARGS={args}"],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=os.environ | {"JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")},
        )
    try:
        token = None
        deadline = time.monotonic() + 90
        while token is None and time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()
            match = re.search(rf"http://127\.0\.0\.1:{port}/lab\?token=(\w+)", log.read_text())
            token = match and match.group(1)
            time.sleep(0.5)
        assert token, f"no token URL within 90 s:\n{log.read_text()}"
        base = f"http://127.0.0.1:{port}/api/contents"
        assert _status(base) == 403, "the server answered without a token"
        with urllib.request.urlopen(f"{base}?token={token}", timeout=10) as response:
            listing = response.read().decode()
        assert "01_softmax.ipynb" in listing, "JupyterLab is not serving notebooks/"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
