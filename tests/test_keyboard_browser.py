"""Every slider of the course by keyboard alone, in JupyterLab and in Notebook 7 (issue 19.4).

The route the notebooks name beside each slider: Tab from the slider to the number beside
it (the editable readout), type a value, press Enter. In Notebook 7 the arrow keys move the
cell selection instead of a focused slider (upstream behaviour), so this is the one keyboard
route both front ends share. For every slider: the readout shows the typed value after Enter
(the model's value, as the kernel drew it) and the kernel's new image differs from the old one.
One server per front end for the module; screenshots of failures go to ``test-artifacts/``.
"""

from __future__ import annotations

import json
import re

import pytest
from test_widgets_browser import move
from widget_harness import ARTIFACTS, IGNORE_TAG, NOTEBOOKS, JupyterLab, LabNotebook, OpenNotebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# What the learner types into each notebook's slider: a valid value other than the start.
TYPED = {
    "01_softmax.ipynb": "10",  # logit scale, 0.1 to 100 (log slider)
    "02_cross_entropy.ipynb": "0.9",  # p(true), 0.01 to 1
    "04_initialization.ipynb": "1",  # sigma, 0.001 to 10 (log slider)
    "06_one_hidden_layer.ipynb": "32",  # hidden units, 1 to 64
}
SLIDER_CALL = re.compile(r"\bwidgets\.\w+_slider\(")


def slider_cells() -> dict[str, int]:
    """Every notebook's slider cell (tagged ``nbval-ignore-output``, calling a
    ``widgets.*_slider``), by notebook name: its index among all cells."""
    found = {}
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for index, cell in enumerate(cells):
            source = "".join(cell["source"])
            if IGNORE_TAG in cell["metadata"].get("tags", []) and SLIDER_CALL.search(source):
                assert path.name not in found, f"{path.name}: two slider cells, one index kept"
                found[path.name] = index
    return found


SLIDERS = slider_cells()


def test_every_slider_of_every_notebook_is_typed_into():
    assert sorted(SLIDERS) == sorted(TYPED), "a slider without a keyboard test (or a stale one)"


@pytest.fixture(scope="module", params=["lab", "notebook"])
def server(request, chromium, tmp_path_factory):
    """One JupyterLab, then one Notebook 7, each serving every slider test of the module."""
    served = JupyterLab(NOTEBOOKS, tmp_path_factory.mktemp(request.param), app=request.param)
    yield served
    served.stop()


def tab_to_readout_and_type(nb: LabNotebook, value: str) -> None:
    """Focus the slider's handle, press Tab until the readout has the focus, type, Enter."""
    nb.handle.scroll_into_view_if_needed()
    nb.handle.focus()
    for _ in range(3):
        nb.page.keyboard.press("Tab")
        if nb.readout.evaluate("(el) => el === document.activeElement"):
            break
    else:
        raise AssertionError("three Tabs from the slider never reached the number beside it")
    nb.page.keyboard.press("ControlOrMeta+a")
    nb.page.keyboard.type(value)
    nb.page.keyboard.press("Enter")


@pytest.mark.parametrize("name", sorted(TYPED))
def test_tab_to_the_readout_type_and_enter_moves_the_slider(page, server, name):
    try:
        nb = LabNotebook(page, server, name, SLIDERS[name])
        start_text, start_png = nb.readout.inner_text().strip(), nb.image_bytes()
        typed = TYPED[name]
        assert float(start_text) != pytest.approx(float(typed)), "typing would change nothing"
        typed_text, typed_png = move(nb, lambda: tab_to_readout_and_type(nb, typed))
        assert float(typed_text) == pytest.approx(float(typed))
        assert typed_png != start_png, "the kernel drew no new figure"
        # And back: the start's value, and the start's figure pixel for pixel.
        back_text, back_png = move(nb, lambda: tab_to_readout_and_type(nb, start_text))
        assert (back_text, back_png == start_png) == (start_text, True)
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        stem = name.removesuffix(".ipynb")
        page.screenshot(path=str(ARTIFACTS / f"keyboard-{server.app}-{stem}-failure.png"))
        raise


# Console messages of Notebook 7 (notebook 7.6.5, jupyterlab 4.6.6) that come from upstream,
# not from the course (issue 19.7). Bisected in Chromium: the page error and the Y.Doc warning
# appear on opening a one-cell notebook with no widgets, with no course settings (neither
# jupyter_config/'s overrides.json nor the harness's user settings) and with the widget
# manager extension disabled; JupyterLab 4 with the same server shows none of them. The
# page error is thrown from Notebook 7's own notebook_core bundle (a handler of a settings
# load signal reading `.schema` of undefined); yjs warns "[yjs#509] Not same Y.Doc" once per
# cell (2 for a one-cell notebook, 57 for notebook 01's 56 cells, 67 for 03's 66). No
# upstream issue was found for either. Matched exactly, so anything else still fails.
NOTEBOOK_7_UPSTREAM = {
    ("pageerror", "Cannot read properties of undefined (reading 'schema')"),
    ("warning", "[yjs#509] Not same Y.Doc"),
    ("warning", "Menu entry for command 'debugger:show-panel' is duplicated."),
    ("warning", "Menu entry for command 'filemenu:close-and-cleanup' is duplicated."),
    ("warning", "Menu entry for command 'toc:show-panel' is duplicated."),
}


def test_opening_a_course_notebook_logs_nothing_but_upstream_messages(page, server):
    """Opening notebook 01 with its kernel: no console error or warning of the course's
    making, in JupyterLab none at all, in Notebook 7 only the upstream ones above."""
    seen = []
    page.on("console", lambda m: m.type in ("error", "warning") and seen.append((m.type, m.text)))
    page.on("pageerror", lambda e: seen.append(("pageerror", str(e))))
    nb = OpenNotebook(page, server, "01_softmax.ipynb")
    nb.page.wait_for_timeout(2000)  # late messages (settings, widget renderers) come in
    tolerated = NOTEBOOK_7_UPSTREAM if server.app == "notebook" else set()
    assert [m for m in seen if m not in tolerated] == []
    if server.app == "notebook":  # the record above stays true: the upstream messages are there
        assert ("pageerror", "Cannot read properties of undefined (reading 'schema')") in seen
