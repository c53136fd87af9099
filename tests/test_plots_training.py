"""Plots and widgets of notebooks 04 (initialization) and 05 (training the classifier)."""

import math
import subprocess
import sys

import numpy as np
import pytest
import scipy.stats
from matplotlib.figure import Figure

from dlbasics import plots, widgets
from dlbasics.classifier import LogisticClassifier, confusion_counts
from dlbasics.cross_entropy import entropy
from dlbasics.descent import LeastSquares, gradient_descent
from dlbasics.letters import letters
from dlbasics.plots.base import describe
from dlbasics.plots.initialization import _normal_pdf
from dlbasics.sigma_experiment import initial_loss_and_entropy, unit_logits

LN10 = math.log(10)
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def ten_letters():
    images, labels = letters(10, split="valid")
    order = np.argsort(labels)
    return images[order], labels[order]


@pytest.fixture(scope="module")
def small_run():
    """A tiny, fast training run with validation data: (model, X, y)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 12))
    y = np.argmax(X[:, :10], axis=1)
    model = LogisticClassifier(seed=0).fit(
        X[:200], y[:200], epochs=4, learning_rate=0.5, batch_size=32,
        X_valid=X[200:], y_valid=y[200:],
    )  # fmt: skip
    return model, X, y


# --- notebook 04: the sigma slider ---------------------------------------------------


def test_sigma_slider_goes_from_uncertain_to_opinionated(ten_letters):
    sp = widgets.sigma_slider(*ten_letters, value=0.001)
    plot, fig = sp.plot, sp.fig
    assert isinstance(plot, plots.InitialPredictions)
    assert abs(plot.mean_entropy - LN10) < 0.01
    assert abs(plot.loss - LN10) < 0.01
    assert np.allclose(plot.probabilities, 0.1, atol=0.01)
    marker_before = plot.loss_marker.get_xydata().copy()
    png_before = bytes(sp.image.value)

    sp.slider.value = 10.0
    assert sp.fig is fig and sp.plot is plot  # the figure is reused, not rebuilt
    assert plot.sigma == pytest.approx(10.0)
    assert plot.mean_entropy < 0.1  # much lower than ln 10: peaked
    assert plot.loss > 50  # confident and mostly wrong
    assert np.allclose(plot.probabilities.sum(axis=1), 1)
    assert plot.probabilities.max(axis=1).min() > 0.9
    # What is drawn is what the math says.
    assert np.array_equal(np.asarray(plot.heatmap.get_array()), plot.probabilities)
    marker_after = plot.loss_marker.get_xydata()
    assert marker_after[0, 0] == pytest.approx(10.0)
    assert marker_after[0, 1] == pytest.approx(plot.loss)
    assert not np.allclose(marker_before, marker_after)
    assert bytes(sp.image.value).startswith(PNG) and bytes(sp.image.value) != png_before
    assert f"σ = {10.0:.3g}" in plot.status.get_text()


def test_logits_scale_exactly_with_sigma(ten_letters):
    fig, plot = plots.initial_predictions_figure(*ten_letters, sigma=0.02)
    z = plot.logits.copy()
    plot.update(0.2)
    np.testing.assert_allclose(plot.logits, 10 * z)
    np.testing.assert_allclose(plot.logits, 0.2 * plot.unit_logits)


def test_precomputed_curves_match_the_markers(ten_letters):
    fig, plot = plots.initial_predictions_figure(*ten_letters, sigma=0.01)
    for sigma in plot.sigma_grid[[0, 40, 80, 120]]:
        plot.update(float(sigma))
        i = int(np.argmin(np.abs(plot.sigma_grid - sigma)))
        assert plot.loss == pytest.approx(plot.loss_curve[i])
        assert plot.mean_entropy == pytest.approx(plot.entropy_curve[i])


def test_initial_loss_and_entropy(ten_letters):
    loss, h = initial_loss_and_entropy(*ten_letters, [1e-4, 1.0, 10.0])
    assert abs(loss[0] - LN10) < 1e-3 and abs(h[0] - LN10) < 1e-3
    assert 9 < loss[2] / loss[1] < 11  # linear in sigma once one class dominates
    assert h[2] < h[1] < h[0]


def test_static_twins_return_figures(ten_letters):
    fig = plots.initial_predictions_at(*ten_letters, sigmas=(0.001, 0.1, 10.0))
    assert isinstance(fig, Figure)
    images = [ax.images[-1] for ax in fig.axes if len(ax.images) == 2]  # thumbnails + heat map
    assert len(images) == 3
    entropies = [entropy(np.asarray(im.get_array())).mean() for im in images]
    assert entropies[0] > entropies[1] > entropies[2]
    # The true letters' outlines: one per row, inside its cell (neighbours do not touch), and
    # edged in a dark stroke, so that one on a bright cell shows as well as on a dark one.
    for plot in fig.plots:
        boxes = [o.get_bbox() for o in plot.outlines]
        assert [round(b.x0 + b.width / 2) for b in boxes] == list(plot.labels)
        assert all(b.width < 0.9 and b.height < 0.9 for b in boxes)
        assert all(o.get_path_effects() for o in plot.outlines)
    fig = plots.weights_initialization_figure(ten_letters[0][0], sigmas=(0.01, 1.0))
    assert isinstance(fig, Figure)
    bars = [ax.patches for ax in fig.axes if len(ax.patches) == 10]
    heights = [[p.get_height() for p in bs] for bs in bars]
    assert max(heights[0]) < 0.5 and max(heights[1]) > 0.9  # uncertain vs opinionated


@pytest.mark.parametrize("sigma", [1e-3, 0.01, 1.0, 10.0])
def test_normal_pdf_matches_scipy(sigma):
    """The figure's Gaussian is written out (scipy.stats costs half a second to import)."""
    x = np.linspace(-8 * sigma, 8 * sigma, 257)
    np.testing.assert_allclose(
        _normal_pdf(x, sigma), scipy.stats.norm.pdf(x, scale=sigma), rtol=1e-13
    )


def test_the_package_and_its_figures_do_not_import_scipy_stats():
    """scipy.stats takes about half a second to import, which Run All would pay."""
    script = (
        "import sys\n"
        "import numpy as np\n"
        "from dlbasics import plots, widgets\n"
        "plots.weights_initialization_figure(np.zeros((28, 28)))\n"
        "print('scipy.stats' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_weights_figure_draws_the_gaussian_of_each_sigma(ten_letters):
    fig = plots.weights_initialization_figure(ten_letters[0][0], sigmas=(0.01, 1.0))
    curves = [line for ax in fig.axes for line in ax.lines if line.get_label().startswith("N(0")]
    assert [c.get_label() for c in curves] == ["N(0, 0.01²)", "N(0, 1²)"]
    for curve, sigma in zip(curves, (0.01, 1.0), strict=True):
        x, y = curve.get_data()
        np.testing.assert_allclose(y, scipy.stats.norm.pdf(x, scale=sigma), rtol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"sigma": 0.0}, ValueError, "sigma"),
        ({"sigma": float("nan")}, ValueError, "sigma"),
        ({"sigma": True}, TypeError, "sigma"),
        ({"sigma": "big"}, TypeError, "sigma"),
        ({"images": np.zeros((10, 784))}, ValueError, "images"),
        ({"images": np.full((10, 28, 28), 300)}, ValueError, "images"),
        ({"images": np.full((10, 28, 28), "a")}, TypeError, "images"),
        ({"labels": np.arange(9)}, ValueError, "labels"),
        ({"labels": np.full(10, 10)}, ValueError, "labels"),
        ({"labels": np.full(10, 1.0)}, TypeError, "labels"),
    ],
)
def test_initial_predictions_bad_input(ten_letters, kwargs, error, match):
    args = {"images": ten_letters[0], "labels": ten_letters[1], "sigma": 0.01} | kwargs
    with pytest.raises(error, match=match):
        plots.initial_predictions_figure(args["images"], args["labels"], args["sigma"])


def test_sigma_update_and_twin_bad_input(ten_letters):
    fig, plot = plots.initial_predictions_figure(*ten_letters)
    with pytest.raises(ValueError, match="sigma"):
        plot.update(-1.0)
    with pytest.raises(ValueError, match="sigmas"):
        plots.initial_predictions_at(*ten_letters, sigmas=(0.1, 0.0))
    with pytest.raises(ValueError, match="sigmas"):
        initial_loss_and_entropy(*ten_letters, [])
    with pytest.raises(ValueError, match="image"):
        plots.weights_initialization_figure(ten_letters[0])  # a stack, not one image
    with pytest.raises(ValueError, match="sigma_range"):
        plots.InitialPredictions(*fig.axes[:3], *ten_letters, sigma_range=(1.0, 0.1))


# --- notebook 05: training -----------------------------------------------------------


def test_training_progress_updates_on_callback(small_run):
    model, X, y = small_run
    progress = widgets.TrainingProgress(epochs=4)
    fig, first_png = progress.fig, bytes(progress.image.value)
    assert progress.progress.value == 0 and progress.progress.max == 4
    assert first_png.startswith(PNG)
    seen = []

    def callback(epoch, history):
        progress.callback(epoch, history)
        seen.append(
            (progress.progress.value, progress.plot.epochs_done, bytes(progress.image.value))
        )

    again = LogisticClassifier(seed=0).fit(
        X[:200], y[:200], epochs=4, learning_rate=0.5, batch_size=32,
        X_valid=X[200:], y_valid=y[200:], callback=callback,
    )  # fmt: skip
    assert [s[:2] for s in seen] == [(1, 1), (2, 2), (3, 3), (4, 4)]
    assert len({s[2] for s in seen} | {first_png}) == 5  # a new image every epoch
    assert progress.fig is fig
    assert progress.label.value == "epoch 4/4"  # beside the bar, not cut to fit
    line = progress.plot.train_loss
    assert list(line.get_xdata()) == [1, 2, 3, 4]
    assert list(line.get_ydata()) == again.history["train_loss"]
    assert list(progress.plot.valid_acc.get_ydata()) == again.history["valid_accuracy"]
    assert progress.plot.last["valid_accuracy"] == again.history["valid_accuracy"][-1]
    assert "epoch 4/4" in progress.plot.ax_loss.get_title()
    with pytest.raises(ValueError, match="epoch must be in 1..4"):
        progress.callback(5, again.history)  # past the end: refused, not "epoch 5/4"
    assert progress.progress.value == 4 and progress.label.value == "epoch 4/4"


def test_training_curves_grow_and_rescale():
    fig, plot = plots.training_curves_figure(epochs=5)
    assert plot.epochs_done == 0 and plot.last == {}
    plot.update({"epoch": [1, 2], "train_loss": [1.0, 0.5], "train_accuracy": [0.6, 0.8]})
    assert plot.epochs_done == 2
    assert list(plot.valid_loss.get_xdata()) == []  # no validation data: nothing drawn
    assert plot.ax_loss.get_xlim() == (0.5, 5.5)  # the x-axis spans all epochs from the start
    plot.update({"epoch": [1], "train_loss": [40.0]})  # a run that went wrong
    assert plot.ax_loss.get_ylim()[1] >= 40


def test_training_curves_at(small_run):
    model, _, _ = small_run
    fig = plots.training_curves_at(model.history, after=(1, 2, 4))
    assert isinstance(fig, Figure) and len(fig.axes) == 6
    lengths = [len(ax.lines[1].get_xdata()) for ax in fig.axes[:3]]  # lines[0]: ln 10
    assert lengths == [1, 2, 4]
    assert len(plots.training_curves_at(model.history).axes) == 2


def test_training_curves_at_share_their_scales(small_run):
    """Small multiples: one loss and one accuracy scale, labelled at the outer edges only."""
    model, _, _ = small_run
    fig = plots.training_curves_at(model.history, after=(1, 2, 4))
    fig.canvas.draw()
    grid = np.array(fig.axes).reshape(2, 3)
    for row in grid:
        assert all(row[0].get_shared_y_axes().joined(row[0], ax) for ax in row[1:])
        labelled = [any(t.get_visible() for t in ax.get_yticklabels()) for ax in row]
        assert labelled == [True, False, False]
        assert [bool(ax.get_ylabel()) for ax in row] == [True, False, False]
    assert all(grid[0, 0].get_shared_x_axes().joined(grid[0, 0], ax) for ax in grid.flat)
    for row, shown in zip(grid, (False, True), strict=True):
        assert all(any(t.get_visible() for t in ax.get_xticklabels()) == shown for ax in row)


def test_training_curves_reference_labels_inside_their_axes():
    history = {"epoch": [1, 2], "train_loss": [0.8, 0.5], "train_accuracy": [0.7, 0.8]}
    fig = plots.training_curves_at(history, after=(1, 2))  # notebook 05's panel size
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax_loss, _, ax_accuracy, _ = fig.axes
    for ax, label in ((ax_loss, "ln 10 (start)"), (ax_accuracy, "chance (0.1)")):
        (text,) = [t for t in ax.texts if t.get_text() == label]
        box, frame = text.get_window_extent(renderer), ax.get_window_extent(renderer)
        air = 3  # pixels between the label and the frame: it must not touch it
        assert frame.y0 + air < box.y0 and box.y1 < frame.y1 - air, label


def test_compare_runs_starts_at_epoch_0_and_counts_steps(small_run):
    model, _, _ = small_run
    losses = [LN10, *model.history["valid_loss"]]  # any per-epoch losses, initial one first
    fig = plots.compare_runs_figure({"full": (losses, 1), "sgd": (losses, 7)})
    ax_epoch, ax_steps = fig.axes[:2]
    x_epochs = [list(line.get_xdata()) for line in ax_epoch.lines[:2]]
    assert x_epochs == [[0, 1, 2, 3, 4]] * 2  # the initial loss stands at epoch 0
    x_full, x_sgd = (list(line.get_xdata()) for line in ax_steps.lines[:2])
    assert x_full == [0, 1, 2, 3, 4] and x_sgd == [0, 7, 14, 21, 28]
    assert list(ax_steps.lines[1].get_ydata()) == losses
    # Per update, the run measured every 7 updates is points: no line through unmeasured ones.
    assert (
        ax_steps.lines[0].get_linestyle() != "None" and ax_steps.lines[1].get_linestyle() == "None"
    )
    assert ax_steps.lines[1].get_marker() == ax_epoch.lines[1].get_marker()
    # Readable without colour: each run its own marker and line style.
    full, sgd = ax_epoch.lines[:2]
    assert full.get_marker() != sgd.get_marker() and full.get_linestyle() != sgd.get_linestyle()


def test_compare_runs_counts_updates_in_plain_numbers():
    losses = np.linspace(LN10, 0.5, 41)
    fig = plots.compare_runs_figure({"full": (losses, 1), "sgd": (losses[:6], 40)})
    ax_steps = fig.axes[1]
    fig.canvas.draw()
    shown = {t.get_text() for t in ax_steps.get_xticklabels() if t.get_text()}
    assert {"0", "1", "10", "100"} <= shown, shown  # not 10^0, 10^1
    legend = [t.get_text() for t in ax_steps.get_legend().get_texts()]
    assert legend[:2] == ["full: 1 update per epoch", "sgd: 40 updates per epoch"]


def test_loss_curves_tell_runs_apart_without_colour(small_run):
    model, _, _ = small_run
    fig = plots.loss_curves_figure({"a": model.history, "b": model.history})
    ax = fig.axes[0]
    train_a, valid_a, train_b, valid_b = ax.lines[:4]
    assert train_a.get_marker() != train_b.get_marker()
    assert train_a.get_linestyle() != valid_a.get_linestyle()
    legend = ax.get_legend()
    fig.canvas.draw()
    assert legend.get_window_extent().y1 < ax.get_window_extent().y0  # below the data


def test_confusion_matrix(small_run):
    model, X, y = small_run
    pred = model.predict(X)
    counts = confusion_counts(y, pred)
    assert counts.shape == (10, 10) and counts.sum() == len(y)
    assert np.trace(counts) / len(y) == pytest.approx(model.score(X, y))
    assert counts[3].sum() == np.sum(y == 3)
    fig = plots.confusion_matrix_figure(y, pred)
    assert np.array_equal(fig.counts, counts)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == list("ABCDEFGHIJ")
    assert [t.get_text() for t in ax.get_yticklabels()] == list("ABCDEFGHIJ")
    assert sum(int(t.get_text()) for t in ax.texts) == len(y)


def test_weight_templates_figure():
    W = np.random.default_rng(0).normal(size=(784, 10))
    fig = plots.weight_templates_figure(W)
    images = [im for ax in fig.axes for im in ax.images]
    assert len(images) == 10
    assert all(im.get_array().shape == (28, 28) for im in images)
    np.testing.assert_array_equal(images[3].get_array(), W[:, 3].reshape(28, 28))
    low, high = images[0].get_clim()
    assert low == -high == -np.abs(W).max()  # diverging and symmetric about 0
    assert [ax.get_title() for ax in fig.axes if ax.images] == list("ABCDEFGHIJ")


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: plots.weight_templates_figure(np.zeros((784, 9))), ValueError, "W must"),
        (lambda: plots.weight_templates_figure(np.zeros((10, 784))), ValueError, "W must"),
        (lambda: confusion_counts([0, 1], [0]), ValueError, "y_true and y_pred"),
        (lambda: confusion_counts([0, 10], [0, 1]), ValueError, "y_true"),
        (lambda: confusion_counts([0, 1], [0.0, 1.0]), TypeError, "y_pred"),
        (lambda: confusion_counts([0], [0], n_classes=0), ValueError, "n_classes"),
        (lambda: widgets.TrainingProgress(0), ValueError, "epochs"),
        (lambda: widgets.TrainingProgress(2.5), TypeError, "epochs"),
        (lambda: plots.training_curves_at([1, 2]), TypeError, "history"),
        (lambda: plots.training_curves_at({"epoch": [1]}), ValueError, "train_loss"),
        (
            lambda: plots.training_curves_at({"epoch": [1, 2], "train_loss": [1.0]}),
            ValueError,
            "train_loss",
        ),
        (lambda: plots.training_curves_at({"epoch": [], "train_loss": []}), ValueError, "empty"),
        (
            lambda: plots.training_curves_at({"epoch": [1], "train_loss": [1.0]}, after=(2,)),
            ValueError,
            "after",
        ),
        (lambda: plots.compare_runs_figure([]), TypeError, "runs must be a dict"),
        (lambda: plots.compare_runs_figure({}), ValueError, "runs is empty"),
        (lambda: plots.compare_runs_figure({"a": [2.3, 1.0]}), TypeError, r"runs\['a'\]"),
        (
            lambda: plots.compare_runs_figure({"a": ([], 1)}),
            ValueError,
            r"runs\['a'\] losses .*at least 2 values",
        ),
        (lambda: plots.compare_runs_figure({"a": ([2.3], 1)}), ValueError, "losses"),
        (lambda: plots.compare_runs_figure({"a": ([2.3, np.inf], 1)}), ValueError, "finite"),
        (lambda: plots.compare_runs_figure({"a": ([[2.3, 1.0]], 1)}), ValueError, "1-D"),
        (lambda: plots.compare_runs_figure({"a": ([2.3, 1.0], 0)}), ValueError, "steps_per_epoch"),
        (lambda: plots.compare_runs_figure({"a": ([2.3, 1.0], 1.5)}), TypeError, "steps_per_e"),
        (lambda: plots.loss_curves_figure({}), ValueError, "histories is empty"),
        (
            lambda: plots.loss_curves_figure({"a": {"epoch": [1], "train_loss": [np.nan]}}),
            ValueError,
            r"histories\['a'\]\['train_loss'\]\[0\] is nan",
        ),
        (lambda: plots.loss_curves_figure([]), TypeError, "histories"),
    ],
)
def test_training_plots_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- hostile inputs: refused before anything is drawn ------------------------------------

GOOD = {"epoch": [1, 2], "train_loss": [1.0, 0.5], "train_accuracy": [0.6, 0.8]}


@pytest.mark.parametrize(
    ("history", "match"),
    [
        (GOOD | {"train_loss": [1.0, np.inf]}, r"history\['train_loss'\]\[1\] is inf"),
        (GOOD | {"valid_loss": [np.nan, 1.0]}, r"history\['valid_loss'\]\[0\] is nan"),
        (GOOD | {"train_accuracy": [0.5, 1.5]}, r"history\['train_accuracy'\].*\[0, 1\]"),
        (GOOD | {"epoch": [2, 1]}, r"history\['epoch'\] must count 1, 2, 3"),
        (GOOD | {"epoch": [1, 2, 3]}, r"history\['train_loss'\] must be a list of 3"),
        ({"epoch": list(range(1, 7)), "train_loss": [1.0] * 6}, "built for epochs=5"),
        (GOOD | {"train_loss": ["a", "b"]}, r"history\['train_loss'\]"),
    ],
)
def test_training_curves_refuse_bad_history_before_drawing(history, match):
    fig, plot = plots.training_curves_figure(epochs=5)
    plot.update(GOOD)
    before = [line.get_xydata().copy() for line in plot.animated[:4]]
    title, ylim = plot.ax_loss.get_title(), plot.ax_loss.get_ylim()
    with pytest.raises((ValueError, TypeError), match=match):
        plot.update(history)
    after = [line.get_xydata() for line in plot.animated[:4]]
    assert all(np.array_equal(a, b) for a, b in zip(before, after, strict=True))
    assert plot.ax_loss.get_title() == title and plot.ax_loss.get_ylim() == ylim
    assert plot.epochs_done == 2


@pytest.mark.parametrize(
    ("epoch", "history", "error", "match"),
    [
        (10, GOOD, ValueError, r"epoch must be in 1..5 .*got 10"),
        (0, GOOD, ValueError, "epoch must be in 1..5"),
        (2.0, GOOD, TypeError, "epoch must be an int"),
        (True, GOOD, TypeError, "epoch must be an int"),
        (3, GOOD, ValueError, "epoch is 3, but history holds 2"),
        (2, [1, 2], TypeError, "history must be a dict"),
    ],
)
def test_training_callback_refuses_epochs_past_the_end(epoch, history, error, match):
    progress = widgets.TrainingProgress(epochs=5)
    png = bytes(progress.image.value)
    with pytest.raises(error, match=match):
        progress.callback(epoch, history)
    assert progress.progress.value == 0 and progress.label.value == "epoch 0/5"
    assert bytes(progress.image.value) == png


def test_sigma_outside_the_plotted_range_is_refused(ten_letters):
    fig, plot = plots.initial_predictions_figure(*ten_letters, sigma=0.1)
    shown = plot.probabilities.copy()
    for sigma in (1e308, 11.0, 1e-4):
        with pytest.raises(ValueError, match=r"sigma must be in sigma_range \[0.001, 10\]"):
            plot.update(sigma)
    assert plot.sigma == 0.1 and np.array_equal(plot.probabilities, shown)
    with pytest.raises(ValueError, match="sigma_range reaches 1e\\+307, where the logits overflow"):
        plots.InitialPredictions(*fig.axes[:3], *ten_letters, 1.0, sigma_range=(1.0, 1e307))
    plot.update(10.0)  # the top of the range: finite, peaked, no warning (warnings are errors)
    assert np.all(np.isfinite(plot.probabilities)) and plot.mean_entropy < 0.1


def test_centred_inputs_spread_the_predictions(ten_letters):
    images, labels = ten_letters
    train = letters(500, split="train")[0]
    mean = train.mean(axis=0)
    fig, plain = plots.initial_predictions_figure(images, labels, sigma=10.0)
    fig, centred = plots.initial_predictions_figure(images, labels, sigma=10.0, center=mean)
    # Linear logits: centring the inputs subtracts the mean image's logits.
    np.testing.assert_allclose(
        centred.unit_logits, unit_logits(images) - unit_logits(mean[None]), atol=1e-9
    )
    # The mean image dominates the plain logits: centring removes its shared column.
    assert len(set(centred.logits.argmax(axis=1))) > len(set(plain.logits.argmax(axis=1)))
    fig, own_mean = plots.initial_predictions_figure(images, labels, center=images.mean(axis=0))
    np.testing.assert_allclose(own_mean.unit_logits.mean(axis=0), 0, atol=1e-5)  # float32 pixels
    assert "centred" in centred.ax_probs.get_title()
    # The curves are the library's numbers for the same centred inputs: plots only draw.
    loss, mean_entropy = initial_loss_and_entropy(images, labels, centred.sigma_grid, center=mean)
    np.testing.assert_array_equal(centred.loss_curve, loss)
    np.testing.assert_array_equal(centred.entropy_curve, mean_entropy)


def test_the_loss_legend_leaves_the_static_twins_marker_line_free(ten_letters):
    fig = plots.initial_predictions_at(*ten_letters, sigmas=(0.001, 0.1, 10.0))
    fig.canvas.draw()
    ax = fig.plots[1].ax_loss
    box = ax.get_legend().get_window_extent()
    (_, bottom), (right, _) = ax.transData.inverted().transform(
        [(box.x0, box.y0), (box.x1, box.y1)]
    )
    assert right < 0.1  # the marker line at sigma = 0.1 stays free
    curve = fig.plots[1]
    assert bottom > np.interp(right, curve.sigma_grid, curve.loss_curve)  # above the loss curve


def test_sigma_static_twin_labels_each_column_once(ten_letters):
    """Its rows share each column's x scale: tick labels and x label under the bottom row."""
    fig = plots.initial_predictions_at(*ten_letters, sigmas=(0.001, 0.1, 10.0))
    fig.canvas.draw()
    columns = [[getattr(p, f"ax_{c}") for p in fig.plots] for c in ("probs", "loss", "entropy")]
    for column in columns:
        assert all(column[0].get_shared_x_axes().joined(column[0], ax) for ax in column[1:])
        labelled = [any(t.get_visible() for t in ax.get_xticklabels()) for ax in column]
        assert labelled == [False, False, True]
        assert [bool(ax.get_xlabel()) for ax in column] == [False, False, True]
    assert all(ax.get_ylabel() for column in columns[1:] for ax in column)  # rows keep theirs


@pytest.mark.parametrize(
    ("center", "error", "match"),
    [
        (np.zeros((28, 27)), ValueError, r"center must be one image of shape \(28, 28\)"),
        (np.full((28, 28), 300.0), ValueError, r"center must hold finite grey levels"),
        (np.full((28, 28), np.nan), ValueError, r"center must hold finite grey levels"),
        (np.full((28, 28), "a"), TypeError, "center"),
    ],
)
def test_centre_bad_input(ten_letters, center, error, match):
    with pytest.raises(error, match=match):
        plots.initial_predictions_figure(*ten_letters, center=center)


def test_static_twin_exposes_the_losses_it_shows(ten_letters):
    sigmas = (0.001, 0.1, 10.0)
    fig = plots.initial_predictions_at(*ten_letters, sigmas=sigmas)
    loss, mean_entropy = initial_loss_and_entropy(*ten_letters, sigmas)
    np.testing.assert_allclose([p.loss for p in fig.plots], loss)
    np.testing.assert_allclose([p.mean_entropy for p in fig.plots], mean_entropy)
    for p in fig.plots:
        assert f"initial loss {p.loss:.3f}" in p.status.get_text()


# --- every figure the notebooks show: a text alternative, legends as large as ticks ----


def _shown_figures(model, ten_letters):
    """One call of each figure function the notebooks display, on small inputs."""
    from dlbasics import network

    images, labels = ten_letters
    problem = LeastSquares([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [1.0, 2.0, 3.0])
    path = gradient_descent(problem.gradient, [0.0, 0.0], learning_rate=0.3, steps=5)
    (X, y), (X_test, y_test) = network.two_rings(100, seed=0), network.two_rings(50, seed=1)
    models = {1: network.HiddenLayerClassifier(hidden_units=1, seed=0).fit(X, y, epochs=2)}.get
    h = model.history
    return {
        "softmax_graph": plots.softmax_graph(),
        "softmax_bars_at": plots.softmax_bars_at(),
        "pipeline_diagram": plots.pipeline_diagram(),
        "true_class_loss_at": plots.true_class_loss_at(),
        "spacing_figure": plots.spacing_figure(),
        "descent_paths_figure": plots.descent_paths_figure([(problem, path, "round")]),
        "pixels_figure": plots.pixels_figure(images[0]),
        "weights_initialization_figure": plots.weights_initialization_figure(images[0]),
        "initial_predictions_at": plots.initial_predictions_at(images, labels, sigmas=(0.1,)),
        "compare_runs_figure": plots.compare_runs_figure({"run": (h["train_loss"], 7)}),
        "loss_curves_figure": plots.loss_curves_figure({"run": h}),
        "training_curves_at": plots.training_curves_at(h, after=(1, 4)),
        "confusion_matrix_figure": plots.confusion_matrix_figure(labels, labels),
        "weight_templates_figure": plots.weight_templates_figure(np.ones((784, 10))),
        "decision_regions_at": plots.decision_regions_at(X, y, X_test, y_test, models, [1]),
        "activation_std_figure": plots.activation_std_figure({"He": [1.0, 0.9]}),
        "accuracy_gap_figure": plots.accuracy_gap_figure([2, 4], [0.6, 0.9], [0.5, 0.8]),
    }


def test_every_shown_figure_describes_itself_and_its_legends_are_legible(small_run, ten_letters):
    figures = _shown_figures(small_run[0], ten_letters)
    assert len(figures) == 17
    for name, fig in figures.items():
        assert len(fig.alt) > 80 and fig.alt.endswith("."), f"{name}: alt {fig.alt!r}"
        for ax in fig.axes:
            legend = ax.get_legend()
            ticks = [t.get_fontsize() for t in ax.get_xticklabels() + ax.get_yticklabels()]
            if legend is None or not ticks:
                continue
            smallest = min(t.get_fontsize() for t in legend.get_texts())
            assert smallest >= max(ticks), f"{name}: legend {smallest} pt under ticks {max(ticks)}"


def test_no_shown_figure_needs_mathtext(small_run, ten_letters, monkeypatch):
    """Labels in plain text (10⁻³, w₁, D = −ln p): building mathtext's parser costs every
    kernel about 0.12 s, and each label 3 ms more."""
    import matplotlib.mathtext

    def refuse(self, text, *args, **kwargs):
        raise AssertionError(f"mathtext asked to parse {text!r}")

    monkeypatch.setattr(matplotlib.mathtext.MathTextParser, "parse", refuse)
    for fig in _shown_figures(small_run[0], ten_letters).values():
        fig.canvas.draw()
    # ... and the sliders and the live training view (each draws itself when built)
    from dlbasics.network import ring_models, two_rings

    X, y = two_rings(100, seed=0)
    built = [
        widgets.logits_scale_slider(),
        widgets.true_class_probability_slider(),
        widgets.sigma_slider(*ten_letters),
        widgets.hidden_units_slider(X, y, X, y, ring_models(X, y), value=2),
        widgets.TrainingProgress(epochs=3),
    ]
    for view in built:
        view.fig.canvas.draw()


def test_a_depth_figure_of_less_than_two_decades_keeps_its_tick_labels():
    fig = plots.activation_std_figure({"He": [1.0, 0.9, 0.8]})
    fig.canvas.draw()
    (ax,) = fig.axes
    low, high = ax.get_ylim()
    labels = [t.get_text() for t in ax.get_yticklabels() if low <= t.get_position()[1] <= high]
    assert len(labels) >= 2 and all(label.startswith("10") for label in labels), labels


def test_log_axes_are_labelled_at_the_decades_in_plain_text(small_run, ten_letters):
    figures = _shown_figures(small_run[0], ten_letters)
    (ax,) = figures["spacing_figure"].axes
    figures["spacing_figure"].canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_visible() and t.get_text()]
    assert "10⁻³" in labels and "10¹³" in labels
    assert all(label.startswith("10") for label in labels)
    assert not ax.xaxis.get_minor_locator()()  # no minor ticks


def test_the_alt_text_carries_the_figures_numbers(small_run, ten_letters):
    figures = _shown_figures(small_run[0], ten_letters)
    assert "0.836, 0.113, 0.051" in figures["softmax_graph"].alt  # softmax([3, 1, 0.2])
    assert "p = 0.1: D = 2.30" in figures["true_class_loss_at"].alt  # -ln 0.1
    assert "accuracy 1.000" in figures["confusion_matrix_figure"].alt  # labels vs themselves
    assert "no image is mistaken" in figures["confusion_matrix_figure"].alt
    wrong = plots.confusion_matrix_figure([0, 0, 1], [0, 2, 1])
    assert "A taken for C (1 times)" in wrong.alt
    with pytest.raises(ValueError, match="alt"):
        describe(figures["softmax_graph"], "  ")


def test_each_hidden_units_line_is_where_its_relu_switches_on():
    from dlbasics.network import ring_models, two_rings
    from dlbasics.plots.network import decision_regions_figure

    X, y = two_rings(200, seed=0)
    models = ring_models(X, y)
    _, plot = decision_regions_figure(X, y, X, y, models, 5)
    model = models(5)
    segments = plot.unit_lines.get_segments()
    assert len(segments) == 5
    for j, (start, end) in enumerate(segments):
        w, b = model.W1[:, j], model.b1[j]
        # both ends on the line x . w + b = 0, and long enough to cross the whole square plot
        np.testing.assert_allclose([start @ w + b, end @ w + b], 0, atol=1e-9 * np.linalg.norm(w))
        assert np.linalg.norm(end - start) >= 2 * np.sqrt(2) * 2.6  # its diagonal
    model.W1[:, 0] = 0  # a unit with no weights has no line
    plot.update(5)
    assert len(plot.unit_lines.get_segments()) == 4


def test_every_shown_figure_keeps_its_ink_inside_the_figure(small_run, ten_letters):
    """What lets Jupyter show the course's figures with one draw (plots.base.show_in_one_draw):
    the inline backend's bbox_inches="tight" would only trim margins, never reveal ink."""
    for name, fig in _shown_figures(small_run[0], ten_letters).items():
        fig.canvas.draw()
        ink = fig.get_tightbbox(fig.canvas.get_renderer())  # inches
        width, height = fig.get_size_inches()
        slack = 1 / fig.dpi  # one pixel
        assert ink.x0 >= -slack and ink.y0 >= -slack, f"{name}: ink left of or under the figure"
        assert ink.x1 <= width + slack and ink.y1 <= height + slack, (
            f"{name}: ink beyond the figure ({ink.x1:.2f} x {ink.y1:.2f} in, figure "
            f"{width:.2f} x {height:.2f} in)"
        )


@pytest.fixture
def inline_shell():
    """An in-process IPython shell with the inline backend's figure formatter, as in a
    notebook after ``%matplotlib inline``."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.core.pylabtools import select_figure_formats

    shell = InteractiveShell.instance()
    select_figure_formats(shell, {"png"})
    yield shell
    InteractiveShell.clear_instance()


def _axes_draws(monkeypatch) -> list:
    import matplotlib.axes

    draws = []
    draw = matplotlib.axes.Axes.draw
    monkeypatch.setattr(matplotlib.axes.Axes, "draw", lambda ax, r: draws.append(1) or draw(ax, r))
    return draws


def _one_panel():
    from dlbasics.plots.base import figure_grid

    fig, ((ax,),) = figure_grid(3.0, 2.0)
    ax.plot([0, 1], [1, 0])
    return describe(fig, "A falling line, for the test.")


def test_in_ipython_a_course_figure_is_drawn_once_and_keeps_its_alt(inline_shell, monkeypatch):
    import io

    import matplotlib.figure
    import PIL.Image

    from dlbasics.plots.base import show_in_one_draw

    formatter = inline_shell.display_formatter
    draws = _axes_draws(monkeypatch)
    formatter.format(_one_panel())
    inline_draws = len(draws)
    show_in_one_draw()  # what importing dlbasics.plots does in a notebook
    draws.clear()
    data, metadata = formatter.format(_one_panel())
    assert (inline_draws, len(draws)) == (2, 1)
    assert PIL.Image.open(io.BytesIO(data["image/png"])).size == (240, 160)  # 3 x 2 in, whole
    assert metadata["image/png"]["alt"] == "A falling line, for the test."
    png = formatter.formatters["image/png"]
    mine = matplotlib.figure.Figure(figsize=(3, 2))  # a learner's own: the inline backend's
    assert png.lookup(mine) is png.lookup_by_type(matplotlib.figure.Figure)


def test_in_ipython_a_widget_figure_shows_its_animated_artists(inline_shell):
    import io

    import PIL.Image

    from dlbasics.plots.base import show_in_one_draw

    show_in_one_draw()
    progress = widgets.TrainingProgress(epochs=3)
    progress.callback(1, {"epoch": [1], "train_loss": [1.5], "train_accuracy": [0.6]})
    data, _ = inline_shell.display_formatter.format(progress.fig)

    def pixels(png):
        return np.asarray(PIL.Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)

    # The curves and titles are animated (the view blits them); shown, they are all there:
    # the image is the view's own, up to anti-aliasing (without them, lines of it differ
    # by full scale).
    shown, blitted = pixels(data["image/png"]), pixels(progress.image.value)
    assert shown.shape == blitted.shape and np.abs(shown - blitted).max() <= 8


def test_in_ipython_the_learners_inline_settings_win(inline_shell, monkeypatch):
    import base64
    import io

    import PIL.Image
    from IPython.core.pylabtools import select_figure_formats
    from matplotlib_inline.config import InlineBackend

    from dlbasics.plots.base import show_in_one_draw

    show_in_one_draw()
    monkeypatch.setattr(InlineBackend.instance(), "figure_formats", {"retina"})
    select_figure_formats(inline_shell, {"retina"})
    draws = _axes_draws(monkeypatch)
    data, metadata = inline_shell.display_formatter.format(_one_panel())
    assert len(draws) == 2  # the inline backend's own printer, retina and tight box
    png = data["image/png"]
    png = base64.b64decode(png) if isinstance(png, str) else png  # retina's printer: base64
    width = PIL.Image.open(io.BytesIO(png)).size[0]
    assert width == 2 * metadata["image/png"]["width"]  # retina: twice the pixels, shown at 1x
    monkeypatch.setattr(InlineBackend.instance(), "figure_formats", {"svg"})
    select_figure_formats(inline_shell, {"svg"})
    data, _ = inline_shell.display_formatter.format(_one_panel())
    assert "image/svg+xml" in data and "image/png" not in data


def test_the_loss_curves_alt_text_counts_epochs_in_whole_numbers():
    h = {"epoch": [1, 2], "train_loss": [1.5, 1.0], "valid_loss": [1.4, 1.1]}
    alt = plots.loss_curves_figure({"run": h}).alt
    assert "training loss 1 after epoch 2, validation loss 1.1" in alt and "2.0" not in alt
