"""The image check of strict nbval (tests/notebook_images.py) on synthetic figure pairs."""

import io
from types import SimpleNamespace

import matplotlib
import nbformat
import numpy as np
import pytest
from normalize_notebooks import renderer
from notebook_images import MAX_CHANGED_FRACTION, NOT_COMPARED, _tolerance, image_difference

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

TITLE = "softmax of the scaled logits"


def figure_png(shift=0.0, scale=1.0, hinting=None, metadata=None, title=TITLE) -> bytes:
    """A small course-like plot (a curve, bars, a title) as PNG bytes."""
    rc = {"text.hinting": hinting} if hinting else {}
    with matplotlib.rc_context(rc):
        fig, ax = plt.subplots(figsize=(6, 3.6), dpi=80)
        x = np.linspace(0, 6, 200)
        ax.plot(x + shift, scale * np.sin(x))
        ax.bar([1, 2, 3], [0.2, 0.5, 0.3])
        ax.set_title(title)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", metadata=metadata)
        plt.close(fig)
    return buffer.getvalue()


STORED = figure_png()


@pytest.mark.parametrize(
    "drawn",
    [
        pytest.param(figure_png(metadata={"Software": "another matplotlib"}), id="metadata"),
        pytest.param(figure_png(hinting="none"), id="glyph-hinting"),
        pytest.param(figure_png(hinting="force_autohint"), id="autohinter"),
    ],
)
def test_same_figure_passes_whatever_the_bytes(drawn):
    assert drawn != STORED
    assert image_difference(STORED, drawn) is None


@pytest.mark.parametrize(
    "drawn",
    [
        pytest.param(figure_png(shift=0.04), id="curve-moved-2.5px"),
        pytest.param(figure_png(scale=1.03), id="curve-3pc-taller"),
        pytest.param(figure_png(shift=3.0), id="other-data"),
    ],
)
def test_stale_figure_fails(drawn):
    assert "of pixels changed" in image_difference(STORED, drawn)


def test_other_size_fails_and_non_png_is_an_error():
    fig, ax = plt.subplots(figsize=(5, 3.6), dpi=80)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    assert image_difference(STORED, buffer.getvalue()) == "size 480x288 stored, 400x288 drawn"
    with pytest.raises(ValueError, match="drawn must be PNG bytes"):
        image_difference(STORED, b"GIF89a")


def test_under_the_same_renderer_one_changed_number_fails():
    stored, drawn = figure_png(title="p = 0.836"), figure_png(title="p = 0.838")
    assert image_difference(stored, drawn) is None  # what the tolerant mode misses
    assert image_difference(stored, drawn, max_changed=0.0).endswith("(none may)")
    assert image_difference(stored, figure_png(title="p = 0.836"), max_changed=0.0) is None


def _cell_of(stamp):
    metadata = {} if stamp is None else {"dlbasics": {"renderer": stamp}}
    nb = nbformat.v4.new_notebook(metadata=metadata)
    config = SimpleNamespace(stash=pytest.Stash())
    return SimpleNamespace(parent=SimpleNamespace(nb=nb, name="01.ipynb"), config=config)


def test_images_are_compared_exactly_only_under_the_renderer_that_drew_them():
    assert _tolerance(_cell_of(renderer())) == 0.0
    assert _tolerance(_cell_of(None)) == MAX_CHANGED_FRACTION  # not yet stamped
    other = _cell_of("matplotlib 3.7, FreeType 2.6.1")
    assert _tolerance(other) is None
    assert other.config.stash[NOT_COMPARED] == {"01.ipynb": "matplotlib 3.7, FreeType 2.6.1"}
