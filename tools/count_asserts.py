"""Count the ``assert`` lines a learner sees in each notebook (issue 19, family 6).

    python tools/count_asserts.py notebooks/*.ipynb

A line counts when it starts with ``assert`` (after indentation) in a code cell whose
source is shown: cells tagged ``claim-check`` with ``metadata.jupyter.source_hidden``
set are the course's hidden guards, so their lines do not count (they still run under
``make test``). The hygiene test (tests/test_notebook_hygiene.py) holds each notebook
at or below the count it has reached.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

CLAIM_TAG = "claim-check"
ASSERT_LINE = re.compile(r"^\s*assert\b")


def is_claim_check(cell) -> bool:
    """A code cell tagged ``claim-check`` whose source Jupyter hides."""
    hidden = cell.get("metadata", {}).get("jupyter", {}).get("source_hidden", False)
    return CLAIM_TAG in cell.get("metadata", {}).get("tags", []) and hidden is True


@dataclass(frozen=True)
class AssertCount:
    visible_lines: int  # assert lines in cells a learner reads
    visible_cells: int  # code cells a learner reads that hold at least one
    hidden_lines: int  # assert lines in claim-check cells
    code_cells: int  # code cells a learner reads (claim-check cells excluded)


def count(nb: nbformat.NotebookNode) -> AssertCount:
    """How many assert lines ``nb`` shows and hides.

    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_code_cell("x = 1\\nassert x == 1"),
    ...     nbformat.v4.new_code_cell("assert x > 0", metadata={
    ...         "tags": ["claim-check"], "jupyter": {"source_hidden": True}}),
    ... ])
    >>> count(nb)
    AssertCount(visible_lines=1, visible_cells=1, hidden_lines=1, code_cells=1)
    """
    visible = cells = hidden = code = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        lines = sum(bool(ASSERT_LINE.match(line)) for line in cell.source.splitlines())
        if is_claim_check(cell):
            hidden += lines
        else:
            code += 1
            visible += lines
            cells += lines > 0
    return AssertCount(visible, cells, hidden, code)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    totals = [0, 0, 0, 0]
    print(f"{'notebook':36} visible  in cells  of cells  hidden")
    for path in map(Path, argv):
        c = count(nbformat.read(path, as_version=4))
        row = (c.visible_lines, c.visible_cells, c.code_cells, c.hidden_lines)
        totals = [t + r for t, r in zip(totals, row, strict=True)]
        print(f"{path.name:36} {row[0]:7} {row[1]:9} {row[2]:9} {row[3]:7}")
    print(f"{'total':36} {totals[0]:7} {totals[1]:9} {totals[2]:9} {totals[3]:7}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
