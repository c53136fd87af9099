"""The image check of strict nbval (tests/notebook_images.py) on synthetic figure pairs."""

import io

import matplotlib
import numpy as np
import pytest
from notebook_images import image_difference

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def figure_png(shift=0.0, scale=1.0, hinting=None, metadata=None) -> bytes:
    """A small course-like plot (a curve, bars, a title) as PNG bytes."""
    rc = {"text.hinting": hinting} if hinting else {}
    with matplotlib.rc_context(rc):
        fig, ax = plt.subplots(figsize=(6, 3.6), dpi=80)
        x = np.linspace(0, 6, 200)
        ax.plot(x + shift, scale * np.sin(x))
        ax.bar([1, 2, 3], [0.2, 0.5, 0.3])
        ax.set_title("softmax of the scaled logits")
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
