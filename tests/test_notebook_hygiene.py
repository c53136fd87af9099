"""Every notebook is stored the way strict nbval, GitHub readers and diffs need it."""

import json
import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
EXPECTED = [
    "01_softmax.ipynb",
    "02_cross_entropy.ipynb",
    "03_numerical_stability.ipynb",
    "04_initialization.ipynb",
    "05_training_the_classifier.ipynb",
]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
IGNORE_TAG = "nbval-ignore-output"
VOLATILE = re.compile(r"0x[0-9a-fA-F]{6,}|\d+(\.\d+)? ?(ms|µs|ns)\b|np\.float(32|64)\(")


def test_the_course_has_its_five_notebooks():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == EXPECTED


def _code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def _tags(cell):
    return set(cell.metadata.get("tags", []))


def _texts(cell):
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            yield out.text
        elif "data" in out:
            yield out.data.get("text/plain", "")


@pytest.fixture(params=EXPECTED)
def nb(request):
    path = NOTEBOOKS / request.param
    assert path.stat().st_size < 1_000_000, f"{path.name} is over 1 MB"
    return nbformat.read(path, as_version=nbformat.NO_CONVERT)


def test_valid_nbformat_4_with_python3_kernel(nb):
    assert nb.nbformat == 4
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    assert "version" not in nb.metadata.get("language_info", {}), "volatile metadata"
    assert "widgets" not in nb.metadata, "widget state is stored"
    for cell in nb.cells:
        assert "execution" not in cell.metadata, "execution timings are stored"


def test_executed_top_to_bottom(nb):
    counts = [c.execution_count for c in _code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1))


def test_no_errors_stderr_or_volatile_text(nb):
    for cell in _code_cells(nb):
        for out in cell.outputs:
            assert out.output_type != "error", cell.source
            assert not (out.output_type == "stream" and out.name == "stderr"), cell.source
        if IGNORE_TAG not in _tags(cell):
            for text in _texts(cell):
                assert not VOLATILE.search(text), f"volatile output {text!r} in {cell.source!r}"


def test_outputs_present_and_imports_dlbasics(nb):
    code = _code_cells(nb)
    assert sum(bool(c.outputs) for c in code) >= len(code) // 3, "outputs look stripped"
    assert any(re.search(r"^\s*(from|import) dlbasics", c.source, re.M) for c in code)
    assert any("image/png" in out.get("data", {}) for c in code for out in c.outputs), "no plot"


def test_only_widget_cells_are_exempt_and_each_has_a_static_twin(nb):
    code = _code_cells(nb)
    for i, cell in enumerate(code):
        tags = _tags(cell)
        assert not {t for t in tags if t.startswith("nbval")} - {IGNORE_TAG}, tags
        shows_widget = any(WIDGET_MIME in out.get("data", {}) for out in cell.outputs)
        assert shows_widget == (IGNORE_TAG in tags), (
            f"cell {i + 1}: widget output and the {IGNORE_TAG} tag must go together:\n{cell.source}"
        )
        if shows_widget:
            twin = code[i - 1]
            assert any("image/png" in out.get("data", {}) for out in twin.outputs), (
                f"the cell before widget cell {i + 1} should be its static twin (a plot)"
            )


def test_intro_latex_and_exercises_with_hidden_solutions(nb):
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert markdown and markdown[0].startswith("# "), "a title first"
    assert any("$" in m for m in markdown), "math in LaTeX"
    exercises = [m for m in markdown if re.search(r"^#+ *Exercise", m, re.M | re.I)]
    assert 2 <= len(exercises) <= 4 or sum(m.count("Exercise") for m in markdown) >= 2
    solutions = [c for c in _code_cells(nb) if "solution" in _tags(c)]
    assert 2 <= len(solutions) <= 4, "2-4 exercises, each with an executed solution"
    for cell in solutions:
        assert cell.metadata.get("jupyter", {}).get("source_hidden"), "solution not collapsed"
        assert "assert" in cell.source, "a solution checks its answer"


@pytest.mark.parametrize("name", EXPECTED)
def test_stored_json_is_normalized(name):
    raw = json.loads((NOTEBOOKS / name).read_text())
    assert raw["nbformat"] == 4
    assert all("id" in cell for cell in raw["cells"])
