"""The image check of strict nbval (tests/notebook_images.py) on synthetic figure pairs."""

import io
from types import SimpleNamespace

import matplotlib
import nbformat
import numpy as np
import pytest
from normalize_notebooks import arithmetic, renderer
from notebook_images import (
    MAX_CHANGED_FRACTION,
    NOT_COMPARED,
    NOT_RECOMPUTED,
    ROUNDING_SENSITIVE,
    _tolerance,
    image_difference,
    pytest_runtest_setup,
)

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


def _cell_of(stamp, computed_with=None, tags=()):
    """A stand-in for one of nbval's cells (the plugin reads only these attributes)."""
    stamps = {"renderer": stamp, "arithmetic": computed_with or arithmetic()}
    metadata = {} if stamp is None else {"dlbasics": stamps}
    nb = nbformat.v4.new_notebook(metadata=metadata)
    cell = nbformat.v4.new_code_cell("x", metadata={"tags": list(tags)})
    config = SimpleNamespace(stash=pytest.Stash())
    item_type = type("IPyNbCell", (), {})  # what the plugin recognises as nbval's cell
    item = item_type()
    item.__dict__.update(
        parent=SimpleNamespace(nb=nb, name="05.ipynb"),
        config=config,
        cell=cell,
        name="Cell 18",
        options={"check": True},
        test_outputs=None,
    )
    return item


def test_images_are_compared_exactly_only_under_the_renderer_that_drew_them():
    assert _tolerance(_cell_of(renderer())) == 0.0
    assert _tolerance(_cell_of(None)) == MAX_CHANGED_FRACTION  # not yet stamped
    other = _cell_of("matplotlib 3.7, FreeType 2.6.1")
    assert _tolerance(other) is None
    assert other.config.stash[NOT_COMPARED] == {"05.ipynb": "matplotlib 3.7, FreeType 2.6.1"}


OTHER_ARITHMETIC = "numpy 2.4.6 (exp: X86_V3), openblas 0.3.31 Zen kernels"


def test_under_other_arithmetic_images_may_move_by_a_pixel_here_and_there():
    # A converging run ends a last bit away under another BLAS kernel: a pixel may move.
    assert _tolerance(_cell_of(renderer(), computed_with=OTHER_ARITHMETIC)) == MAX_CHANGED_FRACTION


def test_a_rounding_sensitive_cell_is_compared_only_under_the_arithmetic_that_computed_it():
    same = _cell_of(renderer(), tags=[ROUNDING_SENSITIVE])
    pytest_runtest_setup(same)
    assert same.options["check"] is True and NOT_RECOMPUTED not in same.config.stash

    other = _cell_of(renderer(), computed_with=OTHER_ARITHMETIC, tags=[ROUNDING_SENSITIVE])
    pytest_runtest_setup(other)
    assert other.options["check"] is False  # it still runs: its claim-check cell needs it
    assert other.config.stash[NOT_RECOMPUTED] == {("05.ipynb", OTHER_ARITHMETIC): ["Cell 18"]}

    untagged = _cell_of(renderer(), computed_with=OTHER_ARITHMETIC)
    pytest_runtest_setup(untagged)
    assert untagged.options["check"] is True  # every other cell is compared everywhere
