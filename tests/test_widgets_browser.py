"""The course's sliders end to end: JupyterLab in headless Chromium, as a learner uses them.

One token-less JupyterLab and one Notebook 7 on 127.0.0.1 serve a copy of
``notebooks/`` for the module. For each notebook: open it, Run > Run All Cells,
then move the slider in its widget cell by keyboard (arrow keys on the focused
handle; JupyterLab only: in Notebook 7 they move the cell selection, an upstream
behaviour) and by mouse (dragging the handle), and check that the readout shows
the new value and that a new plot image arrives. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import test_notebook_hygiene as hygiene
from test_save_safe import CHECKS
from widget_harness import (
    ARTIFACTS,
    NOTEBOOKS,
    JupyterLab,
    LabNotebook,
    OpenNotebook,
    png_size,
    slider_cell,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOKS_IN_BROWSER = ["01_softmax.ipynb", "04_initialization.ipynb", "06_one_hidden_layer.ipynb"]
# Notebook 7 runs the same front end code; one notebook there keeps the suite fast.
NOTEBOOKS_IN_NOTEBOOK_7 = ["01_softmax.ipynb"]


def _server(app, tmp_path_factory):
    missing = [name for name in NOTEBOOKS_IN_BROWSER if not (NOTEBOOKS / name).exists()]
    if missing:
        pytest.fail(f"notebooks missing, their sliders are untested: {missing}")
    return JupyterLab(NOTEBOOKS, tmp_path_factory.mktemp(app), app=app)


@pytest.fixture(scope="module")
def lab(chromium, tmp_path_factory):
    server = _server("lab", tmp_path_factory)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def notebook7(chromium, tmp_path_factory):
    server = _server("notebook", tmp_path_factory)
    yield server
    server.stop()


def move(nb: LabNotebook, action) -> tuple[str, bytes]:
    """Do ``action``; wait for the new image and for updates to settle; return readout, PNG."""
    seen = nb.image_changes()
    action()
    nb.wait_for_image_change(seen)
    nb.wait_until_quiet()
    png = nb.image_bytes()
    png_size(png)  # a PNG, or ValueError
    return nb.readout.inner_text().strip(), png


@pytest.mark.parametrize("name", NOTEBOOKS_IN_BROWSER)
def test_slider_moves_by_keyboard_and_mouse(page, lab, name):
    cell = slider_cell(NOTEBOOKS / name)
    try:
        nb = LabNotebook(page, lab, name, cell.index)
        nb.screenshot("initial")
        start_text, start_png = nb.readout.inner_text().strip(), nb.image_bytes()
        start = float(start_text)

        # Keyboard: the focused handle steps right, then back left to where it started.
        right_text, right_png = move(nb, lambda: nb.press("ArrowRight", 5))
        assert float(right_text) > start
        assert right_png != start_png
        nb.screenshot("keyboard")
        back_text, back_png = move(nb, lambda: nb.press("ArrowLeft", 5))
        assert back_text == start_text
        # The image shown is the kernel's drawing for the value shown: the start's, pixel for pixel.
        assert back_png == start_png

        # Mouse: drag the handle left, then right past the start.
        left_text, left_png = move(nb, lambda: nb.drag(-60))
        assert float(left_text) < start
        assert left_png != start_png
        nb.screenshot("drag-left")
        far_text, far_png = move(nb, lambda: nb.drag(120))
        assert float(far_text) > start
        assert far_png not in (start_png, left_png)
        nb.screenshot("drag-right")
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"browser-{name.removesuffix('.ipynb')}-failure.png"))
        raise


@pytest.mark.parametrize("name", NOTEBOOKS_IN_NOTEBOOK_7)
def test_slider_moves_by_mouse_in_notebook_7(page, notebook7, name):
    cell = slider_cell(NOTEBOOKS / name)
    try:
        nb = LabNotebook(page, notebook7, name, cell.index)
        start_text, start_png = nb.readout.inner_text().strip(), nb.image_bytes()
        left_text, left_png = move(nb, lambda: nb.drag(-60))
        assert float(left_text) < float(start_text)
        assert left_png != start_png
        far_text, far_png = move(nb, lambda: nb.drag(120))
        assert float(far_text) > float(start_text)
        assert far_png not in (start_png, left_png)
        nb.screenshot("notebook7-drag")
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        stem = name.removesuffix(".ipynb")
        page.screenshot(path=str(ARTIFACTS / f"browser-notebook7-{stem}-failure.png"))
        raise


# Not opened by the slider tests, so its kernel starts fresh and counts from 1.
SAVED_IN_LAB = "02_cross_entropy.ipynb"


def test_run_all_and_save_in_jupyterlab_keeps_the_checks_green(page, lab):
    """A learner's Run All and Save, for real: the saved file passes every check as stored."""
    path = lab.root / SAVED_IN_LAB
    before = path.stat().st_mtime_ns
    nb = OpenNotebook(page, lab, SAVED_IN_LAB)
    nb.run_all_cells()
    nb._menu("File", "Save Notebook")
    deadline = time.monotonic() + 30
    while path.stat().st_mtime_ns == before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert path.stat().st_mtime_ns != before, "JupyterLab did not save the notebook"
    saved = hygiene.load(path)
    for check in CHECKS:
        check(saved)
    # Strict nbval with the course's image check, as `make test` runs it.
    strict = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "notebook_images"]
        + ["--nbval", str(path)],
        cwd=hygiene.NOTEBOOKS.parent,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent)},
        capture_output=True,
        text=True,
    )
    assert strict.returncode == 0, strict.stdout[-3000:]


# Issue 19.7, for real: a save from the course's server (tools/serve.py's pre-save hook)
# leaves `git status` clean. The servers above save raw, as plain `jupyter lab` does.
HOOK_CONFIG = (
    "import sys\nsys.path.insert(0, {tools!r})\n"
    "from normalize_notebooks import pre_save_hook\n"
    "c.ContentsManager.pre_save_hook = pre_save_hook\n"
)


@pytest.fixture(scope="module")
def course_server(request, chromium, tmp_path_factory):
    workdir = tmp_path_factory.mktemp(f"course-{request.param}")
    (workdir / "config").mkdir()
    tools = str(Path(__file__).resolve().parents[1] / "tools")
    (workdir / "config" / "jupyter_server_config.py").write_text(HOOK_CONFIG.format(tools=tools))
    server = JupyterLab(NOTEBOOKS, workdir, app=request.param)
    yield server
    server.stop()


def _save_and_wait(nb: OpenNotebook, path: Path) -> None:
    before = path.stat().st_mtime_ns
    nb.notebook.locator(".jp-Cell").first.click()
    nb.page.keyboard.press("Control+s")
    deadline = time.monotonic() + 30
    while path.stat().st_mtime_ns == before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert path.stat().st_mtime_ns != before, "the notebook was not saved"


@pytest.mark.parametrize(
    ("course_server", "run_all"),
    [("lab", False), ("lab", True), ("notebook", False)],
    ids=["lab-no-edits", "lab-run-all", "notebook7-no-edits"],
    indirect=["course_server"],
)
def test_a_save_from_the_course_server_leaves_git_status_clean(
    page, course_server, tmp_path, run_all
):
    """Open (and Run All), save: the committed bytes come back, git sees no change.

    Saved raw (no hook), 01 differed from the committed file in ``kernelspec.display_name``
    ("Python 3 (ipykernel)") and ``language_info.version`` ("3.11.7"), and after Run All
    also in the slider's widget-view ``model_id``; every other byte, images included, was
    the same. Run All is checked in JupyterLab (Notebook 7 runs the same cells the same way).
    """
    from test_git_filter import course_repo, git, status

    name = "01_softmax.ipynb" if run_all else "05_training_the_classifier.ipynb"  # 01: a slider
    path = course_server.root / name
    nb = OpenNotebook(page, course_server, name)
    if run_all:
        nb.run_all_cells()
    _save_and_wait(nb, path)
    committed = course_repo(tmp_path, NOTEBOOKS / name)
    committed.write_bytes(path.read_bytes())
    diff = git(tmp_path, "-c", "filter.dlbasics-notebook.clean=cat", "diff").stdout
    assert status(tmp_path) == "", diff[:3000]
    assert path.read_bytes() == (NOTEBOOKS / name).read_bytes()
