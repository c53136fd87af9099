"""Write the student edition of the course: no solutions, no outputs, stubs as shipped.

``python -m dlbasics.student build/student`` (what ``make student`` runs) reads every
``notebooks/*.ipynb`` and writes a copy where

* every cell tagged ``solution`` is removed (code and markdown alike), and every
  ``claim-check`` cell (the hidden asserts that keep the prose in step with the
  outputs: they guard the course in ``make test``, not the learner's work);
* every output is cleared and execution counts are reset, so no answer and no
  check verdict shows before the learner runs the cell;
* cells tagged ``exercise`` are kept as committed: the committed exercise cell *is*
  the stub (``def my_softmax(x): ...``), learners edit their copy.

The notebooks import ``dlbasics`` and generate their data, so nothing else is copied.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearOutputPreprocessor, TagRemovePreprocessor

SOLUTION_TAG = "solution"
GUARD_TAG = "claim-check"


def student_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` without solution or guard cells, outputs or execution counts.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_code_cell("x = 1", execution_count=1),
    ...     nbformat.v4.new_code_cell("x = 2", metadata={"tags": ["solution"]}),
    ...     nbformat.v4.new_code_cell("assert x == 1", metadata={"tags": ["claim-check"]}),
    ... ])
    >>> [(c.source, c.execution_count) for c in student_notebook(nb).cells]
    [('x = 1', None)]
    """
    if not isinstance(nb, nbformat.NotebookNode) or "cells" not in nb:
        raise TypeError(f"nb must be a notebook (nbformat.NotebookNode), got {type(nb).__name__}")
    out = nbformat.from_dict(nb)  # a deep copy: the preprocessors edit in place
    out, _ = TagRemovePreprocessor(remove_cell_tags={SOLUTION_TAG, GUARD_TAG}).preprocess(out, {})
    out, _ = ClearOutputPreprocessor().preprocess(out, {})
    out.metadata.pop("widgets", None)  # saved widget state: nbconvert has no preprocessor for it
    return out


def build(source: str | Path = "notebooks", out: str | Path = "build/student") -> list[Path]:
    """Write the student edition of every notebook in ``source`` to ``out``; return the paths.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     src = Path(tmp, "nb"); src.mkdir()
    ...     nbformat.write(nbformat.v4.new_notebook(), src / "01_x.ipynb")
    ...     [p.name for p in build(src, Path(tmp, "student"))]
    ['01_x.ipynb']
    """
    source, out = Path(source), Path(out)
    if not source.is_dir():
        raise ValueError(f"source must be a folder of notebooks, got {str(source)!r}")
    notebooks = sorted(source.glob("*.ipynb"))
    if not notebooks:
        raise ValueError(f"source {str(source)!r} holds no .ipynb files")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        target = out / path.name
        nbformat.write(student_notebook(nb), target)
        written.append(target)
    return written


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m dlbasics.student",
        description="Write the student edition (no solutions, no outputs) of the notebooks.",
    )
    parser.add_argument("out", nargs="?", default="build/student", help="output folder")
    parser.add_argument("--source", default="notebooks", help="folder of master notebooks")
    args = parser.parse_args(argv)
    for path in build(args.source, args.out):
        print(path)


if __name__ == "__main__":
    main()
