"""The student edition: solutions gone, stubs kept, outputs cleared, and it runs top to bottom."""

from __future__ import annotations

from pathlib import Path

import nbclient
import nbformat
import pytest

from dlbasics.student import build, main, student_notebook

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
STUB = "def my_softmax(x):\n    ..."


def _execute(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    return nb


def _master() -> nbformat.NotebookNode:
    v4 = nbformat.v4
    answered = v4.new_output("stream", name="stdout", text="Correct: the answer\n")
    return v4.new_notebook(
        cells=[
            v4.new_markdown_cell("### Exercise: write softmax"),
            v4.new_code_cell(STUB, metadata={"tags": ["exercise"]}, execution_count=1),
            v4.new_code_cell(
                'from dlbasics import exercises\nprint(exercises.check("softmax", my_softmax))',
                metadata={"tags": ["check"], "scrolled": True},  # output metadata: cleared too
                execution_count=2,
                outputs=[answered],
            ),
            v4.new_markdown_cell("Solution", metadata={"tags": ["solution"]}),
            v4.new_code_cell(
                "def my_softmax(x):\n    return SECRET",
                metadata={"tags": ["solution"], "jupyter": {"source_hidden": True}},
                execution_count=3,
                outputs=[answered],
            ),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )


def test_synthetic_notebook_solution_gone_stub_kept_outputs_cleared_and_it_runs(tmp_path):
    source = tmp_path / "masters"
    source.mkdir()
    nbformat.write(_master(), source / "01_demo.ipynb")
    [path] = build(source, tmp_path / "student")

    text = path.read_text()
    assert "SECRET" not in text and "Solution" not in text and "Correct" not in text
    nb = nbformat.read(path, as_version=4)
    assert [cell.metadata.get("tags") for cell in nb.cells] == [None, ["exercise"], ["check"]]
    assert nb.cells[1].source == STUB
    assert all(c.outputs == [] and c.execution_count is None for c in nb.cells[1:])
    assert "scrolled" not in nb.cells[2].metadata
    assert nbformat.read(source / "01_demo.ipynb", as_version=4).cells[4].outputs  # master intact

    executed = _execute(path)
    [output] = executed.cells[2].outputs
    assert output.text.startswith("Not attempted yet")


def test_student_notebook_refuses_what_is_not_a_notebook():
    with pytest.raises(TypeError, match="nb must be a notebook"):
        student_notebook({"cells": []})
    with pytest.raises(ValueError, match="holds no .ipynb"):
        build(Path(__file__).parent, "unused")


def test_command_line_writes_every_notebook(tmp_path, capsys):
    main([str(tmp_path / "out"), "--source", str(NOTEBOOKS)])
    written = sorted(p.name for p in (tmp_path / "out").glob("*.ipynb"))
    assert written == sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    assert capsys.readouterr().out.count(".ipynb") == len(written)


@pytest.mark.slow
def test_the_course_student_edition_runs_top_to_bottom(tmp_path):
    paths = build(NOTEBOOKS, tmp_path)
    assert [p.name[:3] for p in paths] == ["01_", "02_", "03_", "04_", "05_", "06_"]
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        assert not any("solution" in c.metadata.get("tags", []) for c in nb.cells), path.name
        assert not any(c.get("outputs") for c in nb.cells), path.name
        _execute(path)  # raises CellExecutionError on the first failing cell


def test_the_guard_cells_stay_out_of_the_student_edition():
    """They keep the prose in step with the stored outputs; a learner's edit would trip them."""
    root = Path(__file__).resolve().parents[1] / "notebooks"
    for path in sorted(root.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        guards = [c for c in nb.cells if "claim-check" in c.metadata.get("tags", [])]
        student = student_notebook(nb)
        assert len(student.cells) <= len(nb.cells) - len(guards)
        assert not any("claim-check" in c.metadata.get("tags", []) for c in student.cells)
    assert guards or any(
        "claim-check" in c.metadata.get("tags", [])
        for p in root.glob("*.ipynb")
        for c in nbformat.read(p, as_version=4).cells
    ), "the course has guard cells to drop"
