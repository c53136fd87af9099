"""The course's sliders over the Jupyter widget protocol, with this test as the frontend.

A real kernel (``jupyter_client``, kernelspec ``python3``) runs a notebook's code
cells up to its slider cell, in ``notebooks/``. The test then does what a browser
does when the learner drags the slider: a ``comm_msg`` ``update`` of the slider
model's ``value`` on the shell channel. The kernel must answer, on iopub and
parented to that request, with an ``update`` of the Image model carrying a new
PNG as a binary buffer.
"""

from __future__ import annotations

import pytest
from widget_harness import NOTEBOOKS, KernelFrontend, other_slider_value, png_size, slider_cell

pytestmark = pytest.mark.slow  # a kernel per notebook, a few seconds each

# The notebooks whose slider the issue names; any other notebook whose widget cell
# builds a `*_slider(...)` is tested too.
REQUIRED = ["01_softmax.ipynb", "04_initialization.ipynb"]


def notebooks_with_sliders() -> list[str]:
    found = set(REQUIRED)
    for path in NOTEBOOKS.glob("*.ipynb"):
        try:
            cell = slider_cell(path)
        except (ValueError, KeyError):
            continue
        if "_slider(" in cell.code[-1]:
            found.add(path.name)
    return sorted(found)


@pytest.fixture(scope="module", params=notebooks_with_sliders())
def kernel_at_slider(request):
    """A kernel that has run the notebook's code cells up to and including the slider cell."""
    path = NOTEBOOKS / request.param
    if not path.exists():
        pytest.fail(f"{path.relative_to(NOTEBOOKS.parent)} is missing: its slider is untested")
    cell = slider_cell(path)
    kernel = KernelFrontend(cwd=NOTEBOOKS)
    request.addfinalizer(kernel.shutdown)
    for code in cell.code:
        kernel.execute(code, timeout=180)
    return kernel


def image_updates(messages, image_comm_id: str) -> list[dict]:
    return [
        m
        for m in messages
        if m["msg_type"] == "comm_msg"
        and m["content"]["comm_id"] == image_comm_id
        and m["content"]["data"].get("method") == "update"
    ]


def test_slider_cell_displays_slider_and_image(kernel_at_slider):
    slider, image = kernel_at_slider.slider_and_image()
    assert image is not None, "the slider cell shows no Image widget"
    assert slider.model_name in {"FloatLogSliderModel", "FloatSliderModel", "IntSliderModel"}
    assert slider.state["continuous_update"] is True  # the image follows a drag, not just a drop
    assert image.state["format"] == "png"
    width, height = png_size(image.state["value"])
    assert width > 100 and height > 100


def test_value_update_from_frontend_sends_new_png(kernel_at_slider):
    kernel = kernel_at_slider
    slider, image = kernel.slider_and_image()
    size = png_size(image.state["value"])
    start = slider.state["value"]
    for value in (
        other_slider_value(slider.state, "max"),
        other_slider_value(slider.state, "min"),
        start,
    ):
        before = image.state["value"]
        msg_id = kernel.send_update(slider.comm_id, {"value": value})
        messages = kernel.collect(msg_id, timeout=30)

        updates = image_updates(messages, image.comm_id)
        assert len(updates) == 1, f"expected one image update for value {value}, got {len(updates)}"
        update = updates[0]
        assert update["parent_header"]["msg_id"] == msg_id
        assert update["content"]["data"]["buffer_paths"] == [["value"]]
        assert len(update["buffers"]) == 1
        png = bytes(update["buffers"][0])
        assert png_size(png) == size
        assert png != before, f"the image did not change when the slider moved to {value}"

        # The kernel took the value (ipywidgets echoes what it accepted) and raised nothing.
        assert slider.state["value"] == pytest.approx(value)
        ours = [m for m in messages if m["parent_header"].get("msg_id") == msg_id]
        assert not [m for m in ours if m["msg_type"] == "error"]
        stderr = [m for m in ours if m["msg_type"] == "stream" and m["content"]["name"] == "stderr"]
        assert not stderr, stderr[0]["content"]["text"]
