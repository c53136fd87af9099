"""Plots and sliders of notebooks 01-03, and the gradient-descent helpers behind notebook 03."""

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from dlbasics import plots, standardize, widgets
from dlbasics.descent import LeastSquares, gradient_descent
from dlbasics.plots.base import figure_grid

SCORES = [3.0, 1.0, 0.2]


def png_of(sp) -> bytes:
    return bytes(sp.image.value)


# --- notebook 01: softmax ---------------------------------------------------------------


def test_logits_scale_slider_moves_probabilities_and_entropy():
    sp = widgets.logits_scale_slider(SCORES)
    fig, plot = sp.fig, sp.plot
    first_png = png_of(sp)
    np.testing.assert_allclose(plot.probabilities, [0.836, 0.1131, 0.0508], atol=1e-4)

    sp.slider.value = 10.0
    assert plot.probabilities[0] > 0.99
    assert plot.entropy < 0.01
    assert [b.get_height() for b in plot.bars] == pytest.approx(plot.probabilities.tolist())
    assert plot.entropy_bar.get_width() == pytest.approx(plot.entropy)
    assert "10" in plot.ax.get_title()
    assert png_of(sp) != first_png

    sp.slider.value = 0.01
    assert np.all(np.abs(plot.probabilities - 1 / 3) < 0.01)
    assert plot.entropy == pytest.approx(np.log(3), abs=1e-3)
    assert plot.entropy_text.get_text().startswith("entropy H = 1.09")
    assert sp.fig is fig and sp.plot is plot  # the figure is reused, not rebuilt


def test_logits_scale_slider_blits_only_changing_artists():
    sp = widgets.logits_scale_slider()
    assert sp._blitter is not None
    assert all(a.get_animated() for a in sp.plot.animated)
    ylim = sp.plot.ax.get_ylim()
    sp.slider.value = 100.0
    assert sp.plot.ax.get_ylim() == ylim


def test_softmax_bars_label_each_bar_with_the_logit_fed_to_softmax():
    fig, (ax,), (eax,) = plots.softmax_bars_figure(1)
    bars = plots.SoftmaxBars(ax, SCORES, 0.1, entropy_ax=eax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["class 0", "class 1", "class 2"]
    assert [t.get_text() for t in bars.logit_texts] == ["logit 0.3", "logit 0.1", "logit 0.02"]
    bars.update(10.0)
    assert [t.get_text() for t in bars.logit_texts] == ["logit 30", "logit 10", "logit 2"]
    assert set(bars.logit_texts) <= set(bars.animated)  # redrawn on every slider move


def _overlap(a, b, renderer) -> bool:
    return a.get_window_extent(renderer).overlaps(b.get_window_extent(renderer))


def test_softmax_bars_entropy_readout_clear_of_the_gauge_bar():
    fig, (ax,), (eax,) = plots.softmax_bars_figure(1)
    bars = plots.SoftmaxBars(ax, SCORES, 1.0, entropy_ax=eax)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for scale in (0.01, 0.3, 1.0, 100.0):
        bars.update(scale)
        assert not _overlap(bars.entropy_text, bars.entropy_bar, renderer), scale


def test_softmax_bars_value_labels_clear_of_the_uniform_line():
    fig, (ax,), (eax,) = plots.softmax_bars_figure(1)
    bars = plots.SoftmaxBars(ax, SCORES, 1.0, entropy_ax=eax)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    uniform = ax.lines[0]  # the dashed 1/K line
    y = ax.transData.transform((0, 1 / 3))[1]
    half_width = uniform.get_linewidth() / 72 * fig.dpi / 2
    for scale in np.linspace(0.0, 0.6, 61):  # every bar crosses 1/3 on the way
        bars.update(scale)
        for text in bars.texts:
            box = text.get_window_extent(renderer)
            assert not box.y0 - half_width < y < box.y1 + half_width, (scale, text.get_text())
    bars.update(0.1)  # the notebook's panel: the 0.318 bar sits just under 1/3
    assert bars.texts[1].get_text() == "0.318"
    assert not bars.texts[1].get_window_extent(renderer).y0 < y


def test_softmax_bars_refuse_a_scale_that_overflows_the_logits(recwarn):
    fig, ((ax,),) = figure_grid(6.0, 3.0)
    bars = plots.SoftmaxBars(ax, SCORES, 1.0)
    before = bars.probabilities.copy()
    with pytest.raises(ValueError, match="scale must keep scale \\* scores finite"):
        bars.update(1e308)
    np.testing.assert_array_equal(bars.probabilities, before)  # nothing half-drawn
    assert len(recwarn) == 0  # no overflow warning leaks
    bars.update(1e300)  # 3e300 is finite: a correct one-hot answer
    np.testing.assert_array_equal(bars.probabilities, [1.0, 0.0, 0.0])
    assert bars.entropy == 0.0


def test_softmax_bars_at_is_the_static_twin():
    fig = plots.softmax_bars_at(scales=(0.1, 1.0, 10.0))
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 6  # bars and entropy gauge per scale
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["logits × 0.1", "logits × 1", "logits × 10"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scores": [1.0]}, "scores"),
        ({"scores": [[1.0, 2.0]]}, "scores"),
        ({"scores": [1.0, np.nan]}, "scores"),
        ({"scale": -1.0}, "scale"),
        ({"scale": np.inf}, "scale"),
        ({"labels": ["a"]}, "labels"),
    ],
)
def test_softmax_bars_rejects_bad_input(kwargs, message):
    fig, ((ax,),) = figure_grid(6.0, 3.0)
    with pytest.raises(ValueError, match=message):
        plots.SoftmaxBars(ax, **{"scores": SCORES, **kwargs})


def test_softmax_bars_at_rejects_no_scales():
    with pytest.raises(ValueError, match="scales"):
        plots.softmax_bars_at(scales=())


def test_softmax_graph_draws_the_notes_curves():
    fig = plots.softmax_graph()
    (ax,) = fig.axes
    lines = ax.get_lines()
    x, p0 = lines[0].get_data()
    assert x[0] == -2.0 and x[-1] == pytest.approx(5.95)
    total = sum(line.get_ydata() for line in lines[:3])
    np.testing.assert_allclose(total, 1.0)
    assert p0[np.argmin(np.abs(x - 3.0))] == pytest.approx(0.836, abs=1e-3)
    assert np.all(np.diff(p0) > 0)  # class 0 takes over as its score grows


# Every hostile input gets an error that names the argument at fault.
HOSTILE = [
    (plots.softmax_graph, {"others": [[1.0]]}, ValueError, "others"),
    (plots.softmax_graph, {"others": [1.0, np.inf]}, ValueError, "others"),
    (plots.softmax_graph, {"x": np.zeros((2, 2))}, ValueError, "^x must"),
    (plots.softmax_graph, {"x": [0.0, np.nan]}, ValueError, "^x must"),
    (plots.softmax_graph, {"mark": "a"}, TypeError, "^mark must"),
    (plots.softmax_graph, {"mark": np.nan}, ValueError, "^mark must"),
    (plots.softmax_graph, {"mark": True}, TypeError, "^mark must"),
    (plots.softmax_bars_at, {"scales": ()}, ValueError, "scales"),
    (plots.softmax_bars_at, {"scales": None}, TypeError, "scales"),
    (plots.softmax_bars_at, {"scales": range(10**6)}, ValueError, "scales must hold 1 to 12"),
    (plots.softmax_bars_at, {"scales": (1e308,)}, ValueError, "scale"),
    (plots.softmax_bars_at, {"scales": ("a",)}, TypeError, "scale"),
    (plots.pipeline_diagram, {"logits": [1.0]}, ValueError, "logits"),
    (plots.pipeline_diagram, {"logits": [1.0, np.inf]}, ValueError, "logits"),
    (plots.pipeline_diagram, {"logits": np.zeros(10**6)}, ValueError, "logits"),
    (plots.pipeline_diagram, {"label": 3}, ValueError, "label"),
    (plots.pipeline_diagram, {"label": 0.5}, TypeError, "label"),
    (plots.true_class_loss_at, {"ps": ()}, ValueError, "ps"),
    (plots.true_class_loss_at, {"ps": 0.5}, TypeError, "ps"),
    (plots.true_class_loss_at, {"ps": (np.nan,)}, ValueError, "p must"),
    (plots.true_class_loss_at, {"n_classes": 10**9}, ValueError, "n_classes"),
    (plots.spacing_figure, {"step": "a"}, TypeError, "step"),
    (plots.spacing_figure, {"step": 0.0}, ValueError, "step"),
    (plots.descent_paths_figure, {"panels": []}, ValueError, "panels"),
    (plots.descent_paths_figure, {"panels": [(1, 2)]}, ValueError, "panels"),
    (plots.descent_paths_figure, {"panels": None}, TypeError, "panels"),
    (plots.pixels_figure, {"image": np.zeros((2, 2))}, ValueError, "image"),
]


@pytest.mark.parametrize(
    ("function", "kwargs", "error", "message"),
    HOSTILE,
    ids=[f"{f.__name__}-{'-'.join(k)}-{i}" for i, (f, k, _, _) in enumerate(HOSTILE)],
)
def test_hostile_input_is_refused_naming_the_argument(function, kwargs, error, message, recwarn):
    with pytest.raises(error, match=message):
        function(**kwargs)
    assert len(recwarn) == 0


# --- notebook 02: cross-entropy -------------------------------------------------------------


def test_true_class_probability_slider_reads_minus_log_p():
    sp = widgets.true_class_probability_slider()
    fig, plot = sp.fig, sp.plot
    assert plot.loss == pytest.approx(np.log(2))
    assert plot.marker.get_xydata().tolist() == [[0.5, pytest.approx(np.log(2))]]
    first_png = png_of(sp)

    sp.slider.value = 0.1
    assert plot.loss == pytest.approx(np.log(10))
    assert plot.readout.get_text().endswith("2.303")
    np.testing.assert_allclose(plot.probabilities, [0.1, 0.45, 0.45])
    assert [b.get_height() for b in plot.bars] == pytest.approx([0.1, 0.45, 0.45])
    assert png_of(sp) != first_png

    sp.slider.value = 1.0
    assert plot.loss == 0.0 and str(plot.loss) == "0.0"
    assert sp.fig is fig and sp.plot is plot
    assert all(a.get_animated() for a in plot.animated)


def test_true_class_loss_marker_stays_inside_fixed_limits():
    fig, ((ax,),) = figure_grid(6.0, 3.0)
    plot = plots.TrueClassLoss(ax, 0.5)
    ylim = ax.get_ylim()
    plot.update(1e-4)  # loss 9.2, above the axes: the marker is pinned at the top
    assert plot.loss == pytest.approx(-np.log(1e-4))
    assert plot.marker.get_ydata()[0] == ylim[1]
    assert ax.get_ylim() == ylim


def test_true_class_loss_uniform_line_is_ln_k():
    fig, ((ax,),) = figure_grid(6.0, 3.0)
    plots.TrueClassLoss(ax, 0.5, n_classes=10)
    labels = [line.get_label() for line in ax.get_lines()]
    assert any("ln 10 = 2.30" in label for label in labels)


@pytest.mark.parametrize("p", [0.0, -0.1, 1.5, np.nan])
def test_true_class_loss_rejects_bad_p(p):
    fig, ((ax,),) = figure_grid(6.0, 3.0)
    with pytest.raises(ValueError, match="p must be"):
        plots.TrueClassLoss(ax, p)


def test_true_class_loss_rejects_bad_n_classes():
    fig, ((ax,),) = figure_grid(6.0, 3.0)
    with pytest.raises(ValueError, match="n_classes"):
        plots.TrueClassLoss(ax, 0.5, n_classes=1)


def test_true_class_loss_at_is_the_static_twin():
    fig = plots.true_class_loss_at(ps=(0.9, 0.5, 0.1))
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 6
    with pytest.raises(ValueError, match="ps"):
        plots.true_class_loss_at(ps=())


def test_true_class_bars_name_the_true_class_and_keep_labels_off_the_outline():
    fig, (bars_ax,), (curve_ax,) = plots.true_class_loss_figure(1)
    plot = plots.TrueClassLoss(curve_ax, 0.9, bars_ax=bars_ax)
    ticks = [t.get_text() for t in bars_ax.get_xticklabels()]
    assert ticks == ["class 0 (true)", "class 1", "class 2"]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    outline = bars_ax.patches[0]  # the one-hot label's dashed bar, drawn first
    top = outline.get_window_extent(renderer).y1
    for p in (0.5, 0.8, 0.9, 0.99):
        plot.update(p)
        box = plot.bar_texts[0].get_window_extent(renderer)
        assert not box.y0 < top < box.y1, f"p = {p}: the label crosses the dashed line"


def test_pipeline_diagram_shows_the_computed_example():
    fig = plots.pipeline_diagram(logits=(2.0, 1.0, 0.1), label=0)
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    for word in ("Wx + b", "softmax", "D(S, L)", "one-hot", "multinomial logistic"):
        assert word in texts
    assert "[0.66, 0.24, 0.10]" in texts
    assert "0.42" in texts  # -log 0.659


def test_pipeline_diagram_labels_clear_of_the_boxes():
    fig = plots.pipeline_diagram(logits=(2.0, 1.0, 0.1), label=0)
    ax = fig.axes[0]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    (softmax_label,) = [t for t in ax.texts if t.get_text() == "softmax"]
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    assert len(boxes) == 6  # five stages and the labels
    for box in boxes:
        assert not _overlap(softmax_label, box, renderer), box


# --- notebook 03: numerical stability -------------------------------------------------------


def conditioning_problems(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = np.c_[rng.normal(2, 1, n), rng.normal(20, 10, n)]
    y = X @ np.array([1.5, -0.1]) + 0.3 * rng.normal(size=n)
    Z, _, _ = standardize(X)
    return LeastSquares(X, y), LeastSquares(Z, y - y.mean())


def test_standardized_problem_descends_faster():
    raw, std = conditioning_problems()
    assert raw.condition_number > 100
    assert std.condition_number < 1.5
    steps = 30
    paths = [
        gradient_descent(p.gradient, np.zeros(2), 1 / p.curvatures[-1], steps) for p in (raw, std)
    ]
    excess = [p.loss(path[-1]) - p.loss_star for p, path in zip((raw, std), paths, strict=True)]
    assert excess[1] < 1e-6 < 0.1 < excess[0]
    raw_losses = raw.loss(paths[0])
    assert np.all(np.diff(raw_losses) <= 1e-12)  # lr <= 1/L: the loss never goes up


def test_least_squares_gradient_matches_finite_differences():
    raw, _ = conditioning_problems()
    w = np.array([0.3, -0.2])
    h = 1e-6
    numeric = [(raw.loss(w + h * e) - raw.loss(w - h * e)) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(raw.gradient(w), numeric, rtol=1e-6)
    np.testing.assert_allclose(raw.gradient(raw.w_star), 0, atol=1e-9)
    grid = np.zeros((4, 5, 2))
    assert raw.loss(grid).shape == (4, 5)


def test_gradient_descent_diverges_beyond_two_over_l():
    raw, _ = conditioning_problems()
    lr = 1.05 * raw.max_stable_learning_rate
    path = gradient_descent(raw.gradient, np.zeros(2), lr, 200)
    assert raw.loss(path[-1]) > 1e6 * raw.loss(path[0])


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"gradient": None}, TypeError, "gradient"),
        ({"learning_rate": 0.0}, ValueError, "learning_rate"),
        ({"learning_rate": np.nan}, ValueError, "learning_rate"),
        ({"steps": -1}, ValueError, "steps"),
        ({"steps": 2.5}, TypeError, "steps"),
        ({"w0": []}, ValueError, "w0"),
        ({"gradient": lambda w: np.zeros(3)}, ValueError, "gradient"),
    ],
)
def test_gradient_descent_rejects_bad_input(kwargs, error, message):
    args = {"gradient": lambda w: 2 * w, "w0": [1.0, 2.0], "learning_rate": 0.1, "steps": 3}
    with pytest.raises(error, match=message):
        gradient_descent(**{**args, **kwargs})


@pytest.mark.parametrize(
    ("X", "y", "message"),
    [
        ([1.0, 2.0], [1.0, 2.0], "X must be 2-D"),
        ([[1.0], [2.0]], [1.0], "y must have shape"),
        ([[1.0, 2.0], [2.0, 4.0]], [1.0, 2.0], "linearly independent"),
        ([[1.0], [np.nan]], [1.0, 2.0], "finite"),
    ],
)
def test_least_squares_rejects_bad_input(X, y, message):
    with pytest.raises(ValueError, match=message):
        LeastSquares(X, y)


def test_least_squares_rejects_wrong_weight_shape():
    raw, _ = conditioning_problems()
    with pytest.raises(ValueError, match="w must have 2 weights"):
        raw.loss([1.0, 2.0, 3.0])


def test_descent_paths_figure_draws_one_panel_per_problem():
    raw, std = conditioning_problems()
    panels = [
        (p, gradient_descent(p.gradient, np.zeros(2), 1 / p.curvatures[-1], 5), name)
        for p, name in ((raw, "raw"), (std, "standardized"))
    ]
    fig = plots.descent_paths_figure(panels)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    assert "raw" in fig.axes[0].get_title() and "loss after 5 steps" in fig.axes[0].get_title()
    path_line = fig.axes[1].get_lines()[0]
    np.testing.assert_allclose(path_line.get_xydata(), panels[1][1])
    with pytest.raises(ValueError, match="panels"):
        plots.descent_paths_figure([])
    with pytest.raises(TypeError, match="problem"):
        plots.descent_paths_figure([("not a problem", panels[0][1], "x")])
    with pytest.raises(ValueError, match="path"):
        plots.descent_paths_figure([(raw, np.zeros((3, 3)), "x")])
    with pytest.raises(ValueError, match="axis_names"):
        plots.descent_paths_figure([(*panels[0], "w")])


def test_conditioning_figure_names_the_new_weights_and_fits_its_titles():
    from dlbasics.figures import FIGURES

    fig = FIGURES["numerical_stability.png"]()
    fig.canvas.draw()
    raw_ax, std_ax = fig.axes
    assert (raw_ax.get_xlabel(), raw_ax.get_ylabel()) == ("w₁", "w₂")
    assert (std_ax.get_xlabel(), std_ax.get_ylabel()) == ("v₁ = σ₁w₁", "v₂ = σ₂w₂")
    assert "weights" in std_ax.get_title()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        box = ax.title.get_window_extent(renderer)
        assert 0 <= box.x0 and box.x1 <= fig.bbox.width, f"title clipped: {ax.get_title()!r}"


def test_spacing_figure():
    fig = plots.spacing_figure()
    (ax,) = fig.axes
    (x, gap64), (_, gap32) = (line.get_data() for line in ax.get_lines()[:2])
    np.testing.assert_array_equal(gap64, np.spacing(x))
    np.testing.assert_array_equal(gap32, np.spacing(x.astype(np.float32)))
    assert "float32" in ax.get_title() and "float64" in ax.get_title()
    assert (
        ax.get_lines()[0].get_linestyle() != ax.get_lines()[1].get_linestyle()
    )  # no colour needed
    with pytest.raises(ValueError, match="step"):
        plots.spacing_figure(step=0.0)


def test_pixels_figure_shows_the_wraparound():
    img = np.array([[0, 100, 200, 255]] * 3, dtype=np.uint8)
    fig = plots.pixels_figure(img)
    images = [ax.get_images()[0].get_array() for ax in fig.axes if ax.get_images()]
    assert len(images) == 3
    np.testing.assert_array_equal(images[1][0], [128, 228, 72, 127])  # wrapped in uint8
    np.testing.assert_allclose(images[2][0], [-1.0, -0.21875, 0.5625, 0.9921875])
    with pytest.raises(ValueError, match="image"):
        plots.pixels_figure(img.astype(float))


# --- SliderPlot built from a plot object --------------------------------------------------


def test_slider_plot_takes_update_animated_and_figure_from_plot():
    import ipywidgets

    fig, ((ax,),) = figure_grid(6.0, 3.0)
    plot = plots.TrueClassLoss(ax, 0.5)
    slider = ipywidgets.FloatSlider(value=0.5, min=0.01, max=1.0)
    sp = widgets.SliderPlot(slider, plot, summary="Slider: p.")
    assert sp.plot is plot and sp.fig is fig
    slider.value = 0.25
    assert plot.loss == pytest.approx(np.log(4))


class _NoArtists:
    animated: list = []

    def update(self, value):
        pass


@pytest.mark.parametrize(
    ("plot", "summary", "error", "message"),
    [
        (object(), "Slider.", TypeError, "plot must have an update"),
        (_NoArtists(), "Slider.", TypeError, "non-empty list `animated`"),
        ("two figures", "Slider.", ValueError, "one and the same figure"),
        ("ok", "", ValueError, "summary"),
        ("ok", None, ValueError, "summary"),
    ],
)
def test_slider_plot_rejects_bad_input(plot, summary, error, message):
    import ipywidgets

    if plot == "two figures":
        plot = plots.TrueClassLoss(figure_grid(6.0, 3.0)[1][0, 0], 0.5)
        plot.animated.append(figure_grid(6.0, 3.0)[1][0, 0].title)
    elif plot == "ok":
        plot = plots.TrueClassLoss(figure_grid(6.0, 3.0)[1][0, 0], 0.5)
    with pytest.raises(error, match=message):
        widgets.SliderPlot(ipywidgets.FloatSlider(value=0.5), plot, summary=summary)
