"""Store each notebook the one way the course keeps it (``make notebooks`` runs this).

    python tools/normalize_notebooks.py notebooks/*.ipynb          # rewrite in place
    python tools/normalize_notebooks.py --check notebooks/*.ipynb  # only say what would change
    python tools/normalize_notebooks.py --stamp-renderer notebooks/*.ipynb  # after re-executing

Outputs, execution counts and cell ids stay: strict nbval compares them. What goes:

- what Jupyter writes on save and nothing reads back: ``language_info.version``, widget
  state (``metadata.widgets``), cell timings and view flags (nbstripout's list);
- every widget's ``application/vnd.jupyter.widget-view+json`` output. It only means
  something to a live kernel; without one (GitHub, nbviewer, an HTML export, a notebook
  not yet run) it shows "Error displaying widget". The ``text/plain`` stored beside it,
  the widget's one-sentence description, is what those readers see instead.

The hygiene test checks notebooks as this normalizes them, so saving a notebook from
Jupyter (which writes all of the above back) never fails ``make test``.

``--stamp-renderer`` (``make notebooks``, right after executing) also records in
``metadata.dlbasics.renderer`` which matplotlib and FreeType drew the stored images:
strict nbval compares images only where the same renderer draws them again
(``tests/notebook_images.py``), since text layout differs between versions.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import matplotlib
import nbformat
from matplotlib import ft2font
from nbstripout import strip_output

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
STRIPPED_KEYS = [
    "metadata.signature",
    "metadata.widgets",
    "metadata.language_info.version",
    "cell.metadata.collapsed",
    "cell.metadata.ExecuteTime",
    "cell.metadata.execution",
    "cell.metadata.heading_collapsed",
    "cell.metadata.hidden",
    "cell.metadata.scrolled",
]


def renderer() -> str:
    """What draws this environment's figures: matplotlib's minor version and its FreeType.

    >>> renderer().startswith("matplotlib ")
    True
    """
    minor = ".".join(matplotlib.__version__.split(".")[:2])
    return f"matplotlib {minor}, FreeType {ft2font.__freetype_version__}"


def normalize(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A normalized copy of ``nb`` (nbformat 4); ``nb`` itself is not changed.

    Raises ValueError if a widget output has no ``text/plain`` to fall back on.

    >>> nb = nbformat.v4.new_notebook(metadata={"widgets": {}})
    >>> out = nbformat.v4.new_output(
    ...     "display_data", {WIDGET_MIME: {"model_id": "f00"}, "text/plain": "A slider."})
    >>> nb.cells.append(nbformat.v4.new_code_cell("w", outputs=[out], execution_count=1))
    >>> clean = normalize(nb)
    >>> dict(clean.cells[0].outputs[0].data), "widgets" in clean.metadata
    ({'text/plain': 'A slider.'}, False)
    """
    if not isinstance(nb, nbformat.NotebookNode) or nb.get("nbformat") != 4:
        raise TypeError("nb must be an nbformat 4 NotebookNode (nbformat.read(..., as_version=4))")
    nb = copy.deepcopy(nb)
    strip_output(nb, keep_output=True, keep_count=True, keep_id=True, extra_keys=STRIPPED_KEYS)
    for number, cell in enumerate(nb.cells, start=1):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET_MIME in data:
                if not data.get("text/plain"):
                    raise ValueError(f"cell {number}: a widget output without text/plain")
                del data[WIDGET_MIME]
    return nb


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if needed")
    parser.add_argument(
        "--stamp-renderer",
        action="store_true",
        help="record this environment's matplotlib and FreeType as what drew the images",
    )
    args = parser.parse_args(argv)
    if args.check and args.stamp_renderer:
        parser.error("--check and --stamp-renderer exclude each other")
    changed = []
    for path in args.paths:
        text = path.read_text(encoding="utf-8")
        nb = normalize(nbformat.reads(text, as_version=4))
        if args.stamp_renderer:
            nb.metadata.setdefault("dlbasics", {})["renderer"] = renderer()
        clean = nbformat.writes(nb) + "\n"
        if clean != text:
            changed.append(path)
            if not args.check:
                path.write_text(clean, encoding="utf-8")
    verb = "would normalize" if args.check else "normalized"
    for path in changed:
        print(f"{verb} {path}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
