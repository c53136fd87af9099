"""Each widget cell works when run on its own in a fresh kernel (issue 10: after a restart).

A learner who restarts the kernel and runs only the slider cell must get the slider,
not a NameError: the cell imports what it needs and builds its own inputs.
"""

import nbformat
import pytest
from nbclient import NotebookClient
from test_notebook_hygiene import EXPECTED, IGNORE_TAG, NOTEBOOKS

pytestmark = pytest.mark.slow


def _widget_cells():
    for name in EXPECTED:
        nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and IGNORE_TAG in cell.metadata.get("tags", []):
                yield pytest.param(nb, index, id=f"{name}-cell{index}")


@pytest.mark.parametrize(("nb", "index"), list(_widget_cells()))
def test_the_widget_cell_runs_alone_in_a_fresh_kernel(nb, index):
    alone = nbformat.v4.new_notebook(metadata=nb.metadata)
    alone.cells = [nbformat.v4.new_code_cell(nb.cells[index].source)]
    NotebookClient(
        alone, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()  # raises CellExecutionError, naming the error, if the cell fails
    outputs = alone.cells[0].outputs
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs), (
        "the cell ran but showed no widget"
    )
