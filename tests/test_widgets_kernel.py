"""Every slider of the course, driven in-process as the kernel sees it.

For each ``*_slider`` in ``dlbasics.widgets``: build it, move it by setting
``slider.value``, and check that the plotted data follows the math, that a new
valid PNG of the figure's size lands in the Image, and that the one figure is
reused (no figure is created per move). ``CASES`` must name every slider:
``test_every_slider_is_covered`` fails when a new one is added without a case.
"""

from __future__ import annotations

import inspect
import io
import math
from collections.abc import Callable
from dataclasses import dataclass

import matplotlib.figure
import matplotlib.pyplot as plt
import numpy as np
import PIL.Image
import pytest
import traitlets
from ipywidgets import VBox
from widget_harness import png_size

from dlbasics import widgets

LN_10 = math.log(10)


def bar_heights(bars) -> np.ndarray:
    return np.array([bar.get_height() for bar in bars])


# --- what each move must show -----------------------------------------------------------


SCORES = np.array([3.0, 1.0, 0.2])


def _shows_softmax_of_scaled_scores(sp) -> np.ndarray:
    """The stored and the drawn probabilities are softmax(value * scores), computed here anew."""
    z = sp.slider.value * SCORES
    expected = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    np.testing.assert_allclose(sp.plot.probabilities, expected, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(bar_heights(sp.plot.bars), expected, rtol=1e-12, atol=1e-300)
    return expected


def softmax_sharp(sp) -> None:
    """Logits x 10 on [3, 1, 0.2]: the first class takes almost everything."""
    p = _shows_softmax_of_scaled_scores(sp)
    assert p[0] > 0.99
    assert sp.plot.entropy < 0.05


def softmax_flat(sp) -> None:
    """Logits x 0.01: every class within 0.01 of 1/3, entropy near ln 3."""
    p = _shows_softmax_of_scaled_scores(sp)
    np.testing.assert_allclose(p, 1 / 3, atol=0.01)
    assert sp.plot.entropy == pytest.approx(math.log(3), abs=1e-3)


def softmax_default(sp) -> None:
    """Logits x 1: the plain softmax of [3, 1, 0.2], about (0.84, 0.11, 0.05)."""
    p = _shows_softmax_of_scaled_scores(sp)
    np.testing.assert_allclose(p, [0.8360188, 0.1131428, 0.0508384], atol=1e-7)


def _heatmap_shows_probabilities(sp) -> None:
    np.testing.assert_allclose(np.asarray(sp.plot.heatmap.get_array()), sp.plot.probabilities)
    np.testing.assert_allclose(sp.plot.probabilities.sum(axis=1), 1.0)


def sigma_tiny(sp) -> None:
    """sigma = 0.001: first predictions near uniform; entropy and loss near ln 10."""
    assert sp.plot.sigma == pytest.approx(0.001)
    assert sp.plot.mean_entropy == pytest.approx(LN_10, abs=0.01)
    assert sp.plot.loss == pytest.approx(LN_10, abs=0.05)
    _heatmap_shows_probabilities(sp)


def sigma_huge(sp) -> None:
    """sigma = 10: opinionated (near one-hot) predictions, a loss far above ln 10."""
    assert sp.plot.sigma == pytest.approx(10.0)
    assert sp.plot.mean_entropy < 0.5  # much lower than ln 10 = 2.30
    assert sp.plot.loss > 2 * LN_10
    _heatmap_shows_probabilities(sp)


def sigma_small(sp) -> None:
    """sigma = 0.01, the course's default: still close to uniform."""
    assert sp.plot.mean_entropy > 2.0
    _heatmap_shows_probabilities(sp)


def _marker_at(sp, p: float, loss: float) -> None:
    x, y = sp.plot.marker.get_data()
    assert (float(x[0]), float(y[0])) == pytest.approx((p, min(loss, sp.plot.Y_MAX)))


def true_class_confident(sp) -> None:
    """p = 0.99 on the true class: loss -ln 0.99, about 0.01."""
    assert sp.plot.loss == pytest.approx(-math.log(0.99), rel=1e-9)
    assert sp.plot.probabilities[0] == pytest.approx(0.99)
    assert sp.plot.probabilities.sum() == pytest.approx(1.0)
    _marker_at(sp, 0.99, sp.plot.loss)


def true_class_wrong(sp) -> None:
    """p = 0.01 on the true class: loss -ln 0.01 = 4.6, far above ln K."""
    assert sp.plot.loss == pytest.approx(-math.log(0.01), rel=1e-9)
    assert sp.plot.loss > math.log(sp.plot.n_classes)
    _marker_at(sp, 0.01, sp.plot.loss)


def true_class_half(sp) -> None:
    """p = 0.5: loss ln 2; the other classes share the rest equally."""
    assert sp.plot.loss == pytest.approx(math.log(2), rel=1e-9)
    np.testing.assert_allclose(sp.plot.probabilities, [0.5, 0.25, 0.25])
    np.testing.assert_allclose(bar_heights(sp.plot.bars), sp.plot.probabilities)
    _marker_at(sp, 0.5, sp.plot.loss)


# --- the table: one case per slider ---------------------------------------------------


@dataclass(frozen=True)
class Case:
    builder: str  # the function's name in dlbasics.widgets
    kwargs: Callable[[], dict]  # its arguments (a factory: data is built per test)
    moves: tuple[tuple[float, Callable], ...]  # (slider value, check of the plot)

    def __str__(self) -> str:
        return self.builder


def letters_kwargs() -> dict:
    from dlbasics.letters import letters

    images, labels = letters(10, split="valid")
    return {"images": images, "labels": labels}


def rings_kwargs() -> dict:
    from dlbasics.network import ring_models, two_rings

    X, y = two_rings(400, seed=0)
    X_test, y_test = two_rings(400, seed=1)
    return {"X": X, "y": y, "X_test": X_test, "y_test": y_test, "models": ring_models(X, y)}


def _regions_follow_the_model(sp) -> None:
    """The drawn regions are the model's predictions, with the boundary (2, black) where a
    prediction differs from its neighbour's on the right or above; one grey line per unit."""
    model = sp.plot.models(sp.slider.value)
    assert model.hidden_units == sp.slider.value == sp.plot.value
    regions = np.asarray(sp.plot.image.get_array())
    predicted = model.predict(sp.plot._grid).reshape(regions.shape)
    boundary = np.zeros(regions.shape, dtype=bool)
    boundary[:, 1:] |= np.diff(predicted, axis=1) != 0
    boundary[1:, :] |= np.diff(predicted, axis=0) != 0
    np.testing.assert_array_equal(regions == 2, boundary)
    np.testing.assert_array_equal(regions[~boundary], predicted[~boundary])
    assert sp.plot.accuracy == model.score(sp.plot.X_test, sp.plot.y_test)
    assert len(sp.plot.unit_lines.get_segments()) == sp.slider.value


def one_hidden_unit(sp) -> None:
    """One unit: a straight boundary, no better than chance on the rings."""
    _regions_follow_the_model(sp)
    assert sp.plot.accuracy < 0.6


def many_hidden_units(sp) -> None:
    """16 or 64 units: the boundary bends around the disc."""
    _regions_follow_the_model(sp)
    assert sp.plot.accuracy > 0.9


CASES = [
    Case(
        "logits_scale_slider",
        dict,
        ((10.0, softmax_sharp), (0.01, softmax_flat), (1.0, softmax_default)),
    ),
    Case(
        "sigma_slider",
        letters_kwargs,
        ((0.001, sigma_tiny), (10.0, sigma_huge), (0.01, sigma_small)),
    ),
    Case(
        "true_class_probability_slider",
        dict,
        ((0.99, true_class_confident), (0.01, true_class_wrong), (0.5, true_class_half)),
    ),
    Case(
        "hidden_units_slider",
        rings_kwargs,
        ((1, one_hidden_unit), (64, many_hidden_units), (16, many_hidden_units)),
    ),
]


def public_sliders() -> set[str]:
    return {
        name
        for name, obj in vars(widgets).items()
        if name.endswith("_slider") and not name.startswith("_") and inspect.isfunction(obj)
    }


def test_every_slider_is_covered():
    covered = {case.builder for case in CASES}
    missing = public_sliders() - covered
    assert not missing, f"add a Case to CASES in {__file__} for: {sorted(missing)}"
    gone = covered - public_sliders()
    assert not gone, f"CASES name sliders that are gone: {sorted(gone)}"


# --- the checks every slider must pass ------------------------------------------------------


def assert_png_of(data: bytes, size: tuple[int, int]) -> None:
    assert png_size(data) == size
    with PIL.Image.open(io.BytesIO(data)) as img:
        img.load()  # decodes every row: a truncated or corrupt PNG raises here
        assert img.size == size
        colors = img.getcolors(maxcolors=1 << 16)
        assert colors is None or len(colors) > 4, "the image is (almost) blank"


@pytest.fixture
def figures_created(monkeypatch):
    """A list that grows by one for every matplotlib Figure constructed from now on."""
    created = []
    original = matplotlib.figure.Figure.__init__

    def counting_init(self, *args, **kwargs):
        created.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "__init__", counting_init)
    return created


@pytest.mark.parametrize("case", CASES, ids=str)
def test_slider_moves_redraw_the_same_figure(case, figures_created):
    build = getattr(widgets, case.builder)
    pyplot_figures = plt.get_fignums()
    sp = build(**case.kwargs())
    figures_created.clear()  # building makes the figure; moving must not make another

    assert isinstance(sp.widget, VBox)
    assert sp.widget.children == (sp.slider, sp.image)
    assert sp.image.format == "png"
    fig = sp.fig
    fig_id = id(fig)
    size = fig.canvas.get_width_height(physical=True)
    first = sp.image.value
    assert_png_of(first, size)

    previous, start = first, sp.slider.value
    for value, check in case.moves:
        sp.slider.value = value
        assert sp.slider.value == pytest.approx(value)
        check(sp)
        png = sp.image.value
        assert png != previous, f"the image did not change when the slider moved to {value}"
        assert_png_of(png, size)
        previous = png

    # Back where it started: the very same pixels (blitting leaves no trace of earlier moves).
    sp.slider.value = start
    assert sp.image.value == first
    assert figures_created == [], "a slider move created a new figure"
    assert sp.fig is fig and id(sp.fig) == fig_id
    assert fig.canvas.get_width_height(physical=True) == size
    assert plt.get_fignums() == pyplot_figures, "the slider touched pyplot's figure list"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_slider_is_sized_for_a_hand_and_the_notebook(case):
    sp = getattr(widgets, case.builder)(**case.kwargs())
    assert sp.slider.layout.width == "90%"  # most of the cell's width: fine control
    assert sp.slider.style.description_width == "initial"  # the label is not cut
    width, height = png_size(sp.image.value)
    assert width == widgets.IMAGE_WIDTH_PX and 800 <= width <= 900
    assert 250 <= height <= 600
    assert 80 <= sp.fig.dpi <= 120  # text neither tiny nor huge at that width


@pytest.mark.parametrize("case", CASES, ids=str)
def test_slider_readout_tells_every_step_apart(case):
    slider = getattr(widgets, case.builder)(**case.kwargs()).slider
    n_steps = round((slider.max - slider.min) / slider.step)
    # Fine control along the track; an integer slider has every integer as a step.
    assert n_steps >= 99 or (slider.step == 1 and isinstance(slider.value, int))
    positions = slider.min + slider.step * np.arange(n_steps + 1)
    values = slider.base**positions if hasattr(slider, "base") else positions
    readouts = [format(v, slider.readout_format) for v in values]
    assert len(set(readouts)) == len(readouts), "two steps show the same readout"


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("bad", [math.nan, -math.nan])
def test_slider_set_to_nan_goes_back_to_the_value_the_image_shows(case, bad):
    sp = getattr(widgets, case.builder)(**case.kwargs())
    value, png = case.moves[0][0], None
    sp.slider.value = value
    png = sp.image.value
    if isinstance(sp.slider.value, int):  # an integer slider cannot even hold nan
        with pytest.raises(traitlets.TraitError):
            sp.slider.value = bad
    else:
        sp.slider.value = bad
    assert sp.slider.value == pytest.approx(value)  # the readout is restored...
    assert sp.image.value == png  # ...and the image never left it
    case.moves[0][1](sp)  # the plot still shows that value


@pytest.mark.parametrize("case", CASES, ids=str)
def test_without_a_kernel_a_slider_reads_as_one_sentence(case):
    sp = getattr(widgets, case.builder)(**case.kwargs())
    bundle = sp._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle  # a live frontend shows the widget
    text = bundle["text/plain"]
    assert text == widgets.plain_text(sp)
    assert text.startswith("Slider: ") and text.endswith(widgets.RUN_HINT)
    assert text.count(". ") == 1 and "\n" not in text  # what it is, then how to use it
    assert "VBox" not in text and "Float" not in text  # no raw widget repr


def test_each_slider_says_its_own_sentence():
    sentences = {widgets.plain_text(getattr(widgets, c.builder)(**c.kwargs())) for c in CASES}
    assert len(sentences) == len(CASES)


def test_plain_text_needs_a_summary():
    with pytest.raises(TypeError, match="summary"):
        widgets.plain_text(object())
