"""Opening, running and saving a notebook in Jupyter, without edits, keeps the checks green.

A save from JupyterLab or Notebook 7 writes back what ``make notebooks`` strips:
``language_info.version``, the kernel's display name, widget state, a widget view next
to each widget's text, cell timings. The hygiene checks must pass on such a notebook,
and still fail on a real change, with the command that fixes it.
"""

import copy
import inspect

import nbformat
import pytest
import test_notebook_hygiene as hygiene
from normalize_notebooks import WIDGET_MIME, main, normalize

NOTEBOOK = hygiene.NOTEBOOKS / "01_softmax.ipynb"
CHECKS = [
    f
    for name, f in vars(hygiene).items()
    if name.startswith("test_") and list(inspect.signature(f).parameters) == ["nb"]
]


def saved_by_jupyter(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` with what Jupyter writes on save after Run All (ipykernel 6, ipywidgets 8)."""
    nb = copy.deepcopy(nb)
    nb.metadata.kernelspec.display_name = "Python 3 (ipykernel)"
    nb.metadata.language_info["version"] = "3.11.7"
    state = {"state": {"f00": {"model_name": "VBoxModel", "state": {}}}, "version_major": 2}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": state}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00.000000Z"}
        if hygiene.IGNORE_TAG in cell.metadata.get("tags", []):
            for out in cell.outputs:
                view = {"model_id": "f00", "version_major": 2, "version_minor": 0}
                out.setdefault("data", {})[WIDGET_MIME] = view
    # The kernel flushed the first multi-line print in two chunks (it flushes when it likes).
    cell, i, out = next(
        (c, i, o)
        for c in nb.cells
        for i, o in enumerate(c.get("outputs", []))
        if o.output_type == "stream" and o.text.count("\n") > 1
    )
    head, tail = out.text.split("\n", 1)
    out.text = head + "\n"
    cell.outputs.insert(i + 1, nbformat.v4.new_output("stream", name=out.name, text=tail))
    return nb


def streams(nb) -> list:
    return [(c.id, o.name) for c in nb.cells for o in c.get("outputs", []) if "name" in o]


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / NOTEBOOK.name
    nbformat.write(saved_by_jupyter(nbformat.read(NOTEBOOK, as_version=4)), path)
    return path


def test_the_simulated_save_writes_what_the_normalizer_strips(saved):
    raw = nbformat.read(saved, as_version=4)
    assert "widgets" in raw.metadata and "version" in raw.metadata.language_info
    clean = normalize(raw)
    assert "widgets" not in clean.metadata and "version" not in clean.metadata.language_info
    assert not any(
        WIDGET_MIME in o.get("data", {}) for c in clean.cells for o in c.get("outputs", [])
    )
    assert len(streams(raw)) == len(set(streams(raw))) + 1  # one print, in two chunks
    assert len(streams(clean)) == len(set(streams(clean)))  # joined again


def test_only_neighbouring_chunks_of_one_stream_are_joined():
    nb = nbformat.v4.new_notebook()
    chunks = [("stdout", "a\n"), ("stdout", "b\n"), ("stderr", "warn\n"), ("stdout", "c\n")]
    outputs = [nbformat.v4.new_output("stream", name=n, text=t) for n, t in chunks]
    nb.cells.append(nbformat.v4.new_code_cell("x", outputs=outputs, execution_count=1))
    joined = [(o.name, o.text) for o in normalize(nb).cells[0].outputs]
    assert joined == [("stdout", "a\nb\n"), ("stderr", "warn\n"), ("stdout", "c\n")]


def test_a_saved_notebook_normalizes_to_the_committed_one(saved):
    committed = normalize(nbformat.read(NOTEBOOK, as_version=4))
    clean = normalize(nbformat.read(saved, as_version=4))
    assert clean == committed


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_every_hygiene_check_ignores_a_jupyter_save(saved, check):
    check(hygiene.load(saved))


def test_a_real_change_still_fails_and_names_the_fix(saved):
    nb = hygiene.load(saved)
    code = [c for c in nb.cells if c.cell_type == "code"]
    code[0].execution_count, code[1].execution_count = 2, 1  # run out of order
    with pytest.raises(AssertionError, match="make notebooks"):
        hygiene.test_executed_top_to_bottom(nb)


def test_the_normalizer_refuses_a_widget_with_nothing_to_fall_back_on():
    nb = nbformat.v4.new_notebook()
    out = nbformat.v4.new_output("display_data", {WIDGET_MIME: {"model_id": "f00"}})
    nb.cells.append(nbformat.v4.new_code_cell("w", outputs=[out], execution_count=1))
    with pytest.raises(ValueError, match="cell 1: a widget output without text/plain"):
        normalize(nb)
    with pytest.raises(TypeError, match="nbformat 4"):
        normalize({"cells": []})


def test_the_command_line_rewrites_once_then_has_nothing_to_do(saved, capsys):
    assert main(["--check", str(saved)]) == 1
    assert main([str(saved)]) == 0
    assert main(["--check", str(saved)]) == 0
    assert capsys.readouterr().out.count(str(saved)) == 2
