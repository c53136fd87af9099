"""Drive the course's sliders from outside the kernel: over the widget protocol and in Chromium.

Shared by ``tests/test_widgets_protocol.py``, ``tests/test_widgets_browser.py`` and
``benchmarks/bench_sliders.py``. Three pieces:

- :func:`slider_cell`: which notebook cell holds the slider (the one tagged
  ``nbval-ignore-output``) and the code cells up to it.
- :class:`KernelFrontend`: a real kernel (``jupyter_client``) spoken to as a
  browser would: execute cells, collect the widget comms they open, send
  ``comm_msg`` updates, wait for what comes back.
- :class:`JupyterLab`, :func:`launch_chromium` and :class:`LabNotebook`: a token-less
  JupyterLab on 127.0.0.1 for one test module, Debian's Chromium driven by
  Playwright, and a notebook page with its slider (handle, readout, image).

Every wait is bounded; every process started here is stopped by its pid.
"""

from __future__ import annotations

import json
import math
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
ARTIFACTS = REPO / "test-artifacts"
IGNORE_TAG = "nbval-ignore-output"

CHROMIUM = Path("/usr/bin/chromium")
# Playwright adds --headless and a fresh --user-data-dir itself.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# --- notebooks -------------------------------------------------------------------------


@dataclass
class SliderCell:
    """The interactive cell of a notebook and the code that must run before it."""

    path: Path
    index: int  # position among all cells (markdown included), as JupyterLab shows them
    code: list[str]  # sources of the code cells up to and including the slider cell


def slider_cell(path: Path) -> SliderCell:
    """Find the cell tagged ``nbval-ignore-output`` (the course's only widget cell)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    code = []
    for index, cell in enumerate(nb["cells"]):
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if cell["cell_type"] == "code":
            code.append(source)
        if IGNORE_TAG in cell.get("metadata", {}).get("tags", []):
            if cell["cell_type"] != "code":
                raise ValueError(f"{path.name}: the cell tagged {IGNORE_TAG} is not code")
            return SliderCell(Path(path), index, code)
    raise ValueError(f"{path.name}: no cell tagged {IGNORE_TAG}")


def png_size(data: bytes) -> tuple[int, int]:
    """``(width, height)`` from a PNG's IHDR chunk; ValueError if ``data`` is not a PNG."""
    data = bytes(data)
    if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        raise ValueError(f"not a PNG (starts with {data[:16]!r})")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


# --- the widget protocol, spoken by a frontend -----------------------------------------


class KernelError(RuntimeError):
    pass


@dataclass
class Comm:
    """A widget model as a frontend knows it: comm id and state (binary buffers in place)."""

    comm_id: str
    state: dict = field(default_factory=dict)

    @property
    def model_name(self) -> str:
        return self.state.get("_model_name", "")

    def apply(self, data: dict, buffers) -> None:
        state = dict(data.get("state", {}))
        for path, buf in zip(data.get("buffer_paths", []), buffers, strict=False):
            target = state
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = bytes(buf)
        self.state.update(state)


class KernelFrontend:
    """A kernel (kernelspec ``python3``: this venv's Python) driven over ZMQ as a browser would."""

    def __init__(self, cwd: Path, startup_timeout: float = 60):
        from jupyter_client import KernelManager

        self.km = KernelManager(kernel_name="python3")
        self.km.start_kernel(cwd=str(cwd))
        self.kc = self.km.client()
        self.kc.start_channels()
        try:
            self.kc.wait_for_ready(timeout=startup_timeout)
        except BaseException:
            self.shutdown()
            raise
        self.comms: dict[str, Comm] = {}
        self.displayed: list[str] = []  # model ids of widgets shown by execute_result/display_data

    def shutdown(self) -> None:
        try:
            self.kc.stop_channels()
        finally:
            if self.km.has_kernel:
                self.km.shutdown_kernel(now=False)

    # Every iopub message passes through here, so comm state stays current.
    def _track(self, msg) -> None:
        kind, content = msg["msg_type"], msg["content"]
        if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            comm = self.comms[content["comm_id"]] = Comm(content["comm_id"])
            comm.apply(content.get("data", {}), msg.get("buffers", []))
        elif kind == "comm_msg" and content["comm_id"] in self.comms:
            data = content.get("data", {})
            if data.get("method") in ("update", "echo_update"):
                self.comms[content["comm_id"]].apply(data, msg.get("buffers", []))
        elif kind in ("execute_result", "display_data"):
            view = content.get("data", {}).get(WIDGET_MIME)
            if view:
                self.displayed.append(view["model_id"])

    def collect(self, msg_id: str, timeout: float = 30) -> list[dict]:
        """Every iopub message up to the ``status: idle`` that ends request ``msg_id``."""
        deadline = time.monotonic() + timeout
        seen = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no idle status for request {msg_id} within {timeout} s")
            try:
                msg = self.kc.get_iopub_msg(timeout=left)
            except queue.Empty:
                continue
            msg["received"] = time.perf_counter()  # for the benchmark's round trips
            self._track(msg)
            seen.append(msg)
            if (
                msg["parent_header"].get("msg_id") == msg_id
                and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "idle"
            ):
                return seen

    def execute(self, code: str, timeout: float = 120) -> list[dict]:
        """Run ``code``; return its iopub messages; raise KernelError on an exception."""
        msg_id = self.kc.execute(code, store_history=True)
        seen = self.collect(msg_id, timeout)
        replies = [m for m in seen if m["parent_header"].get("msg_id") == msg_id]
        for msg in replies:
            if msg["msg_type"] == "error":
                tb = "\n".join(msg["content"]["traceback"])
                raise KernelError(f"{msg['content']['ename']}: {msg['content']['evalue']}\n{tb}")
        return replies

    def send_update(self, comm_id: str, state: dict) -> str:
        """Send what a browser sends when a widget's value changes; return the msg_id."""
        data = {"method": "update", "state": state, "buffer_paths": []}
        msg = self.kc.session.msg("comm_msg", {"comm_id": comm_id, "data": data})
        self.kc.shell_channel.send(msg)
        return msg["header"]["msg_id"]

    def children(self, model_id: str) -> list[Comm]:
        """Widgets inside a box, depth first (the box itself first)."""
        comm = self.comms[model_id]
        found = [comm]
        for ref in comm.state.get("children", []):
            found += self.children(ref.removeprefix("IPY_MODEL_"))
        return found

    def slider_and_image(self) -> tuple[Comm, Comm | None]:
        """The slider and the image of the last widget displayed (the slider cell's result).

        The image is None if the widget has no Image (e.g. ``interact``, which uses an Output).
        """
        if not self.displayed:
            raise LookupError("no widget was displayed")
        parts = self.children(self.displayed[-1])
        sliders = [c for c in parts if c.model_name.endswith("SliderModel")]
        images = [c for c in parts if c.model_name == "ImageModel"]
        if len(sliders) != 1 or len(images) > 1:
            names = [c.model_name for c in parts]
            raise LookupError(f"expected one slider and one image in the displayed widget: {names}")
        return sliders[0], (images[0] if images else None)


def other_slider_value(state: dict, towards: str = "max") -> float:
    """A valid value of a slider model, on a step 90% of the way towards ``towards`` ("max" or
    "min"); the other way if that is where the slider already is."""

    def value_at(fraction: float) -> float:
        lo, hi, step = state["min"], state["max"], state.get("step")
        position = lo + (hi - lo) * fraction
        if step:
            position = lo + round((position - lo) / step) * step
        if state["_model_name"] == "FloatLogSliderModel":
            return float(state["base"] ** position)
        return float(position)

    value = value_at(0.9 if towards == "max" else 0.1)
    if math.isclose(value, state["value"]):
        value = value_at(0.1 if towards == "max" else 0.9)
    return value


# --- JupyterLab and Chromium -----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chromium_missing() -> str | None:
    """Why the browser tests can't run here, or None."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed"
    return None


# JupyterLab settings for a quiet, predictable page: no news or update toasts, every cell
# in the DOM (no virtual scrolling), no autosave racing the test.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none",
        "autoStartDefaultKernel": True,
    },
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


# Per app: its module, its config section, and the URL that opens a notebook.
APPS = {
    "lab": ("jupyterlab", "LabApp", "/lab/tree/{name}?reset"),  # ?reset: no tabs from earlier
    "notebook": ("notebook", "JupyterNotebookApp", "/notebooks/{name}"),  # Notebook 7
}


class JupyterLab:
    """A token-less JupyterLab (or Notebook 7, ``app="notebook"``) on 127.0.0.1 serving a copy
    of ``notebooks``; for tests only.

    Its config, data, runtime and settings directories live under ``workdir``, so
    nothing of the user's Jupyter setup leaks in or gets written.
    """

    def __init__(
        self,
        notebooks: Path,
        workdir: Path,
        extra_files: dict[str, str] | None = None,
        app: str = "lab",
    ):
        if app not in APPS:
            raise ValueError(f"app must be one of {sorted(APPS)}, got {app!r}")
        module, section, self._notebook_url = APPS[app]
        self.app = app
        self.workdir = Path(workdir)
        self.root = self.workdir / "notebooks"
        shutil.copytree(notebooks, self.root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        for name, text in (extra_files or {}).items():
            (self.root / name).write_text(text, encoding="utf-8")
        settings = self.workdir / "lab-settings"
        for name, value in LAB_SETTINGS.items():
            (settings / name).parent.mkdir(parents=True, exist_ok=True)
            (settings / name).write_text(json.dumps(value), encoding="utf-8")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(
            os.environ,
            JUPYTER_CONFIG_DIR=str(self.workdir / "config"),
            JUPYTER_RUNTIME_DIR=str(self.workdir / "runtime"),
            JUPYTER_DATA_DIR=str(self.workdir / "data"),
            JUPYTER_PLATFORM_DIRS="1",
            IPYTHONDIR=str(self.workdir / "ipython"),
        )
        cmd = [
            sys.executable, "-m", module,
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            "--ServerApp.disable_check_xsrf=True",
            f"--ServerApp.root_dir={self.root}",
            f"--{section}.user_settings_dir={settings}",
            f"--{section}.workspaces_dir={self.workdir / 'workspaces'}",
            f"--{section}.expose_app_in_browser=True",  # window.jupyterapp: the kernel's state
            "--allow-root",
        ]  # fmt: skip
        self.log_path = self.workdir / "jupyterlab.log"
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            cmd, cwd=self.workdir, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        try:
            self._wait_until_up(timeout=90)
        except BaseException:
            self.stop()
            raise

    def _wait_until_up(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited ({self.proc.returncode}):\n{self.log()}")
            try:
                self.api("GET", "/api/status", timeout=2)
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.25)
        raise TimeoutError(f"JupyterLab did not answer within {timeout} s:\n{self.log()}")

    def notebook_url(self, name: str) -> str:
        return self.url + self._notebook_url.format(name=name)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def api(self, method: str, path: str, timeout: float = 10):
        req = urllib.request.Request(self.url + path, method=method)
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def _descendants(self) -> list[int]:
        """PIDs started by the server (kernels run in their own sessions, so not in its group)."""
        found, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            for task in Path(f"/proc/{pid}/task").glob("*"):
                try:
                    kids = [int(k) for k in (task / "children").read_text().split()]
                except OSError:
                    continue
                found += kids
                todo += kids
        return found

    def stop(self) -> None:
        """Shut down the kernels, then the server; SIGKILL whatever is left, by pid."""
        started = self._descendants()
        if self.proc.poll() is None:
            try:
                for kernel in self.api("GET", "/api/kernels"):
                    self.api("DELETE", f"/api/kernels/{kernel['id']}", timeout=30)
            except (OSError, urllib.error.URLError, ValueError):
                pass
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        for pid in started:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._log.close()


def launch_chromium(playwright):
    """Debian's Chromium, headless, through Playwright (which never downloads a browser here)."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, timeout=60_000
    )


# JavaScript run in the page. `window.__sliderWatch` records when the slider cell's image
# changes (src of the last <img> under its widget output), for the tests and the benchmark.
_WATCH_JS = """
(root) => {
  const current = () => {
    const imgs = root.querySelectorAll('img');
    return imgs.length ? imgs[imgs.length - 1].getAttribute('src') : null;
  };
  const watch = { keys: [], changes: [], last: current() };
  document.addEventListener('keydown', () => watch.keys.push(performance.now()), true);
  new MutationObserver(() => {
    const src = current();
    if (src !== null && src !== watch.last) {
      watch.last = src;
      watch.changes.push(performance.now());
    }
  }).observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['src'] });
  window.__sliderWatch = watch;
}
"""


_CODE_CELLS_JS = (
    "window.jupyterapp.shell.currentWidget.content.widgets.filter(c => c.model.type === 'code')"
)


class OpenNotebook:
    """A notebook open in JupyterLab or Notebook 7, its kernel started and idle."""

    def __init__(self, page, lab: JupyterLab, name: str, timeout_ms: int = 60_000):
        self.page, self.name, self.timeout = page, name, timeout_ms
        page.set_default_timeout(timeout_ms)
        page.goto(lab.notebook_url(name), wait_until="domcontentloaded")
        self.notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
        self.notebook.locator(".jp-Cell").first.wait_for(timeout=timeout_ms)
        self.wait_for_kernel_idle()

    def wait_for_kernel_idle(self) -> None:
        """Wait until the notebook's kernel is connected and idle (started, nothing running)."""
        self.page.wait_for_function(
            """() => {
              const panel = window.jupyterapp?.shell?.currentWidget;
              const kernel = panel?.sessionContext?.session?.kernel;
              return !!kernel && kernel.connectionStatus === 'connected'
                && kernel.status === 'idle';
            }""",
            polling=100,
            timeout=self.timeout,
        )

    def _menu(self, menu: str, item: str) -> None:
        page = self.page
        page.locator(".lm-MenuBar .lm-MenuBar-item", has_text=menu).first.click()
        label = page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$"))
        page.locator(".lm-Menu-item", has=label).click()

    def run_all_cells(self) -> None:
        """Run > Run All Cells, from the menu as a learner would; wait until every cell ran.

        The stored outputs are cleared first (Edit > Clear Outputs of All Cells), so
        that an execution count means "ran in this kernel".
        """
        self._menu("Edit", "Clear Outputs of All Cells")
        self.page.wait_for_function(
            f"() => {_CODE_CELLS_JS}.every(c => c.model.executionCount === null)",
            timeout=self.timeout,
        )
        self._menu("Run", "Run All Cells")
        state = self.page.wait_for_function(
            """() => {
              const cells = CODE_CELLS;
              const error = cells.map(c => c.model.outputs.toJSON())
                .flat().find(o => o.output_type === 'error');
              if (error) return {error: error.ename + ': ' + error.evalue};
              const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel;
              const done = cells.every(c => c.model.executionCount !== null);
              return done && kernel?.status === 'idle' ? {error: null} : false;
            }""".replace("CODE_CELLS", _CODE_CELLS_JS),
            polling=200,
            timeout=self.timeout * 3,
        ).json_value()
        if state["error"]:
            raise AssertionError(f"{self.name}: a cell failed in the browser: {state['error']}")


class LabNotebook(OpenNotebook):
    """A notebook open in JupyterLab or Notebook 7, all its cells run, and the slider in its
    widget cell."""

    def __init__(self, page, lab: JupyterLab, name: str, cell_index: int, timeout_ms: int = 60_000):
        super().__init__(page, lab, name, timeout_ms)
        self.run_all_cells()
        self.cell = self.notebook.locator(".jp-Cell").nth(cell_index)
        self.cell.scroll_into_view_if_needed()
        self.slider = self.cell.locator(".jupyter-widgets .widget-slider").first
        self.handle = self.cell.locator(".noUi-handle").first
        self.readout = self.cell.locator(".widget-readout").first
        self.image = self.cell.locator(".jupyter-widgets img").last
        for part in (self.slider, self.handle, self.readout, self.image):
            part.wait_for(state="visible", timeout=timeout_ms)
        self.cell.locator(".jp-OutputArea").first.evaluate(_WATCH_JS)

    def image_changes(self) -> int:
        return self.page.evaluate("() => window.__sliderWatch.changes.length")

    def wait_for_image_change(self, after: int) -> None:
        """Wait until the image has changed more than ``after`` times since the page loaded."""
        self.page.wait_for_function(
            "(n) => window.__sliderWatch.changes.length > n", arg=after, timeout=self.timeout
        )

    def wait_until_quiet(self, quiet_ms: int = 400) -> None:
        """Wait until no new image has arrived for ``quiet_ms`` (the last update is in)."""
        self.page.wait_for_function(
            """(quiet) => {
              const c = window.__sliderWatch.changes;
              const last = c.length ? c[c.length - 1] : 0;
              return performance.now() - last > quiet;
            }""",
            arg=quiet_ms,
            polling=100,
            timeout=self.timeout,
        )
        self.wait_for_kernel_idle()

    def image_bytes(self) -> bytes:
        """The PNG bytes the <img> shows now (fetched from its blob: or data: URL)."""
        data = self.image.evaluate(
            """async (img) => {
              const buf = await (await fetch(img.src)).arrayBuffer();
              return Array.from(new Uint8Array(buf));
            }"""
        )
        return bytes(data)

    def press(self, key: str, times: int = 1) -> None:
        self.handle.focus()
        for _ in range(times):
            self.handle.press(key)

    def drag(self, dx: float) -> None:
        """Drag the slider handle ``dx`` pixels sideways with the mouse."""
        # The mouse only reaches what is on screen; Notebook 7 may have scrolled away.
        self.handle.scroll_into_view_if_needed()
        box = self.handle.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        mouse = self.page.mouse
        mouse.move(x, y)
        mouse.down()
        mouse.move(x + dx, y, steps=8)
        mouse.up()

    def screenshot(self, tag: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"browser-{Path(self.name).stem}-{tag}.png"
        self.cell.screenshot(path=str(path))
        return path
