"""Notebook 05's live training view redraws only what changes (issue 10, item 7)."""

import gc

from matplotlib.figure import Figure

from dlbasics import widgets

KEYS = ("epoch", "train_loss", "train_accuracy", "valid_loss", "valid_accuracy")


def _history(losses):
    n = len(losses)
    return {
        "epoch": list(range(1, n + 1)),
        "train_loss": list(losses),
        "train_accuracy": [0.5] * n,
        "valid_loss": list(losses),
        "valid_accuracy": [0.4] * n,
    }


def _figures() -> int:
    gc.collect()
    return sum(isinstance(obj, Figure) for obj in gc.get_objects())


def test_callback_blits_into_the_same_figure(monkeypatch):
    progress = widgets.TrainingProgress(epochs=5)
    full_draws = []
    draw = progress.fig.canvas.draw
    monkeypatch.setattr(progress.fig.canvas, "draw", lambda: full_draws.append(1) or draw())
    figures, images = _figures(), [bytes(progress.image.value)]
    losses = [2.0, 1.5, 1.2]
    for epoch in (1, 2, 3):
        progress.callback(epoch, _history(losses[:epoch]))
        images.append(bytes(progress.image.value))
    assert _figures() == figures  # no new Figure per epoch
    assert len(set(images)) == 4  # the image changes every epoch
    assert full_draws == []  # only the curves, blitted over the cached background
    assert list(progress.plot.train_loss.get_ydata()) == losses

    progress.callback(4, _history([*losses, 40.0]))  # a loss leaves the axis: redraw all
    assert full_draws == [1] and progress.plot.ax_loss.get_ylim()[1] >= 40
    progress.callback(5, _history([*losses, 40.0, 30.0]))
    assert full_draws == [1]
