"""The image check of strict nbval (tests/notebook_images.py) on synthetic figure pairs."""

import io
import os
import re
from pathlib import Path
from types import SimpleNamespace

import matplotlib
import nbformat
import normalize_notebooks
import notebook_images
import numpy as np
import pytest
from normalize_notebooks import UNKNOWN_KERNEL, arithmetic, renderer
from notebook_images import (
    ARITHMETIC_DRIFT,
    MAX_CHANGED_FRACTION,
    NOT_COMPARED,
    NOT_RECOMPUTED,
    ROUNDING_SENSITIVE,
    _tolerance,
    image_difference,
    pytest_runtest_setup,
    pytest_terminal_summary,
)

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

TESTS = Path(__file__).resolve().parent
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
    assert "pixels changed" in image_difference(STORED, drawn)


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
    assert image_difference(stored, drawn, max_changed=0.0).endswith("; none may)")
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
    # A converging run ends a last bit away under another BLAS kernel: a few pixels may move,
    # a curve may not (a fifth of a pixel to the right changes 0.06 % of this figure's pixels).
    max_changed = _tolerance(_cell_of(renderer(), computed_with=OTHER_ARITHMETIC))
    assert max_changed == ARITHMETIC_DRIFT < MAX_CHANGED_FRACTION
    stored = figure_png(title="p = 0.836")
    assert image_difference(stored, figure_png(title="p = 0.838"), max_changed) is None  # 2 px
    moved = image_difference(STORED, figure_png(shift=0.003), max_changed)
    found = re.fullmatch(r"(\d+) of 138240 pixels changed \([\d.]+ %; at most 6 may\)", moved)
    assert found and int(found[1]) > 6 * 10, moved  # 86 here: ten times what may move
    assert image_difference(STORED, figure_png(shift=0.003)) is None  # what 0.5 % would miss


def test_a_blas_that_does_not_name_its_kernel_is_never_the_same_arithmetic(monkeypatch):
    unknown = f"numpy 2.4.6 (exp: X86_V4), mkl 2025.1 {UNKNOWN_KERNEL}"
    monkeypatch.setattr(notebook_images, "_this_arithmetic", lambda: unknown)
    cell = _cell_of(renderer(), computed_with=unknown, tags=[ROUNDING_SENSITIVE])
    assert _tolerance(cell) == ARITHMETIC_DRIFT
    pytest_runtest_setup(cell)
    assert cell.options["check"] is False


class _Terminal:
    def __init__(self):
        self.lines, self.stats = [], {}

    def write_sep(self, sep, title):
        self.lines.append(f"--- {title}")

    def write_line(self, line):
        self.lines.append(line)


def test_the_summary_names_each_notebooks_uncompared_cells_under_one_heading():
    config = SimpleNamespace(stash=pytest.Stash())
    config.stash[NOT_RECOMPUTED] = {
        ("05.ipynb", OTHER_ARITHMETIC): ["Cell 18", "Cell 20"],
        ("06.ipynb", "an arithmetic not recorded"): ["Cell 13"],
    }
    terminal = _Terminal()
    pytest_terminal_summary(terminal, config)
    assert terminal.lines[0] == "--- rounding-sensitive cells not compared"
    assert len(terminal.lines) == 3 and terminal.lines[1].startswith(
        "05.ipynb: Cell 18, Cell 20 ran"
    )
    assert f"computed with {OTHER_ARITHMETIC}, this is {arithmetic()}" in terminal.lines[1]
    assert "computed with an arithmetic not recorded" in terminal.lines[2]


def _blas(filepath, architecture="Haswell", api="openblas", version="0.3.31"):
    return {
        "user_api": "blas",
        "internal_api": api,
        "filepath": filepath,
        "version": version,
        "architecture": architecture,
    }


@pytest.mark.parametrize(
    ("libraries", "ends"),
    [
        ([], ", no BLAS found"),
        ([_blas("/venv/numpy.libs/libopenblas64_.so")], ", openblas 0.3.31 Haswell kernels"),
        (  # scipy's own OpenBLAS, loaded first, is not numpy's
            [_blas("/venv/scipy.libs/libopenblas.so", "Zen"), _blas("/venv/numpy.libs/lib.so")],
            ", openblas 0.3.31 Haswell kernels",
        ),
        ([_blas("/site/numpy/.dylibs/libopenblas.dylib", "VORTEX")], " VORTEX kernels"),
        ([_blas("/conda/lib/libmkl_rt.so", None, "mkl", "2025.1")], f"mkl 2025.1 {UNKNOWN_KERNEL}"),
    ],
    ids=["none", "numpy's", "scipy's first", "macOS", "MKL"],
)
def test_the_arithmetic_stamp_names_numpys_blas_and_its_kernel(monkeypatch, libraries, ends):
    import threadpoolctl

    openmp = {"user_api": "openmp", "internal_api": "openmp", "filepath": "/libgomp.so"}
    monkeypatch.setattr(threadpoolctl, "threadpool_info", lambda: [openmp, *libraries])
    stamp = normalize_notebooks.arithmetic()
    assert stamp.startswith(f"numpy {np.__version__} (") and stamp.endswith(ends), stamp


def test_before_numpy_2_3_the_stamp_names_the_highest_simd_target():
    def fake_numpy(**features):
        umath = SimpleNamespace(__cpu_features__=features, __cpu_dispatch__=list(features))
        return SimpleNamespace(
            __version__="2.2.6",
            lib=SimpleNamespace(),
            _core=SimpleNamespace(_multiarray_umath=umath),
        )

    simd = normalize_notebooks._numpy_simd
    assert (
        simd(fake_numpy(AVX2=True, AVX512F=True, AVX512_SPR=False)) == "numpy 2.2.6 (SIMD: AVX512F)"
    )
    assert simd(fake_numpy(AVX512F=False)) == "numpy 2.2.6 (SIMD: baseline)"
    assert simd(SimpleNamespace(__version__="1.0", lib=SimpleNamespace())) == "numpy 1.0"


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


@pytest.mark.parametrize("computed_with", [None, OTHER_ARITHMETIC], ids=["same", "other"])
def test_through_nbval_a_tagged_cell_is_compared_only_under_its_arithmetic(
    pytester, monkeypatch, computed_with
):
    # The stored output is wrong: it fails where the cell is compared, and only there.
    if computed_with is None and UNKNOWN_KERNEL in arithmetic():
        pytest.skip("this BLAS names no kernel: no arithmetic counts as the same here")
    cell = nbformat.v4.new_code_cell("print(1 + 1)", metadata={"tags": [ROUNDING_SENSITIVE]})
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="3\n")]
    cell.execution_count = 1
    stamps = {"renderer": renderer(), "arithmetic": computed_with or arithmetic()}
    nb = nbformat.v4.new_notebook(cells=[cell], metadata={"dlbasics": stamps})
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, pytester.path / "tagged.ipynb")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(map(str, [TESTS, TESTS.parent / "tools"])))
    args = ("--nbval", "--nbval-cell-timeout=60", "-p", "notebook_images", "tagged.ipynb")
    result = pytester.runpytest_subprocess(*args, timeout=180)
    if computed_with is None:
        result.assert_outcomes(failed=1)
        result.stdout.fnmatch_lines(["*Cell outputs differ*"])
    else:
        result.assert_outcomes(passed=1)
        result.stdout.fnmatch_lines(
            ["*rounding-sensitive cells not compared*", "tagged.ipynb: Cell 0 ran*"]
        )
