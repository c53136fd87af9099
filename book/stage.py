"""Stage the book's sources: what ``make book`` hands to Sphinx, and nothing the notebooks hide.

    python book/stage.py build/book-src        # then: sphinx-build build/book-src build/book

writes a complete Sphinx project into the folder:

- ``index.md``: the README's learner part (everything before ``## Layout``: the
  introduction, how to run it, the course table and its figures, the exercises), with
  a table of contents over every ``notebooks/*.ipynb`` (a glob: a new notebook joins
  the book without an edit here);
- ``notebooks/*.ipynb``: each notebook with its stored outputs (Sphinx does not execute
  them) less what a reader must not see: guard cells (tag ``claim-check``), cells tagged
  ``solution`` and any output that prints a reference solution
  (``exercises.solution(...)``), widget views (a page without a kernel shows the
  widget's one-sentence ``text/plain``, which stands beside its static twin) and saved
  widget state (it would make MyST-NB load the widget manager from the network);
- the files the README and the notebooks link to (``imgs/``, ``../src/dlbasics/...``),
  each where the link expects it: MyST copies a linked file into the book;
- ``conf.py``, ``_static/`` and ``_templates/`` from ``book/``, and MathJax from ``node_modules/``
  (``npm ci``), so the book typesets its math without the network.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

import nbformat

from dlbasics.student import SOLUTION_TAG

ROOT = Path(__file__).resolve().parents[1]

GUARD_TAG = "claim-check"
HIDDEN_TAGS = {GUARD_TAG, SOLUTION_TAG}
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
# What exercises.solution(name) prints first (dlbasics.exercises.Note's title).
SOLUTION_TITLE = re.compile(r"^\s*(<div[^>]*>\s*<b>)?Solution for ", re.MULTILINE)
# Where the README stops speaking to learners and starts describing the repository.
README_END = "\n## Layout"
MATHJAX = ROOT / "node_modules" / "mathjax" / "es5"
# A relative link target in Markdown or HTML: ](path) or src="path".
LOCAL_LINK = re.compile(r"\]\((?![a-z]+:|#)([^)\s]+)\)|src=\"(?![a-z]+:)([^\"]+)\"")

# A figure the README wraps in <p> for GitHub: MyST's html_image extension turns a lone
# <img> into an image Sphinx copies into the book, but leaves one inside <p> as raw HTML.
WRAPPED_IMAGE = re.compile(r"<p>\s*(<img[^>]*>)\s*</p>")

TOC = """

```{toctree}
:caption: The notebooks
:glob:
:maxdepth: 1

notebooks/*
```
"""


def landing_page(readme: str) -> str:
    """The README's learner part, with the book's table of contents after it.

    >>> page = landing_page("# Course\\n\\nIntro.\\n\\n## Layout\\n\\nsrc/ ...")
    >>> "Intro." in page, "src/" in page, "notebooks/*" in page
    (True, False, True)
    """
    if README_END not in readme:
        raise ValueError(f"readme has no {README_END.strip()!r} heading to end the landing page at")
    learner_part = readme.split(README_END, 1)[0].rstrip()
    return WRAPPED_IMAGE.sub(r"\1", learner_part) + TOC


def _shows_solution(output) -> bool:
    texts = output.get("data", {}).values() if "data" in output else [output.get("text", "")]
    return any(isinstance(t, str) and SOLUTION_TITLE.search(t) for t in texts)


def book_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` as the book shows it: no guard, solution or widget-view output.

    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_code_cell("assert x == 1", metadata={"tags": ["claim-check"]}),
    ...     nbformat.v4.new_code_cell("x = 1", outputs=[nbformat.v4.new_output(
    ...         "display_data", {"text/plain": "A slider.", WIDGET_MIME: {"model_id": "m"}})]),
    ... ])
    >>> [(c.source, list(c.outputs[0].data)) for c in book_notebook(nb).cells]
    [('x = 1', ['text/plain'])]
    """
    if not isinstance(nb, nbformat.NotebookNode) or "cells" not in nb:
        raise TypeError(f"nb must be a notebook (nbformat.NotebookNode), got {type(nb).__name__}")
    out = nbformat.from_dict(nb)  # a deep copy: the notebook itself stays as it is
    out.metadata.pop("widgets", None)
    out.cells = [c for c in out.cells if not HIDDEN_TAGS & set(c.metadata.get("tags", []))]
    for cell in out.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs = [o for o in cell.outputs if not _shows_solution(o)]
        for output in cell.outputs:
            output.get("data", {}).pop(WIDGET_MIME, None)
        cell.outputs = [o for o in cell.outputs if o.get("data", True)]
    return out


def _copy_linked_files(text: str, page: Path, source_dir: Path, staged_page: Path) -> None:
    """Copy each file that ``text`` (the source of ``page``) links to, beside ``staged_page``."""
    for match in LOCAL_LINK.finditer(text):
        target = (match.group(1) or match.group(2)).split("#")[0]
        if not target or target.endswith((".ipynb", ".md")):
            continue  # a page of the book: Sphinx resolves it, or the build fails
        source = (page.parent / target).resolve()
        if not source.is_file() or not source.is_relative_to(source_dir):
            raise ValueError(f"{page.name} links to {target!r}, which is not a file of the course")
        dest = staged_page.parent / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)


def _markdown_of(nb: nbformat.NotebookNode) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def stage(out: Path, root: Path = ROOT, notebooks: Path | None = None) -> list[Path]:
    """Write the book's Sphinx project to ``out`` (emptied first); return the staged notebooks."""
    out, notebooks = Path(out), Path(notebooks or root / "notebooks")
    paths = sorted(notebooks.glob("*.ipynb"))
    if not paths:
        raise ValueError(f"notebooks {str(notebooks)!r} holds no .ipynb files")
    if not (MATHJAX / "tex-chtml.js").is_file():
        raise FileNotFoundError(f"no MathJax at {MATHJAX}: run `npm ci` (make book does)")
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(root / "book", out, ignore=shutil.ignore_patterns("stage.py", "__pycache__"))
    shutil.copytree(MATHJAX, out / "_static" / "mathjax")
    readme = (root / "README.md").read_text(encoding="utf-8")
    page = landing_page(readme)
    (out / "index.md").write_text(page, encoding="utf-8")
    _copy_linked_files(page, root / "README.md", root, out / "index.md")
    staged = []
    for path in paths:
        nb = book_notebook(nbformat.read(path, as_version=4))
        target = out / "notebooks" / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        _copy_linked_files(_markdown_of(nb), root / "notebooks" / path.name, root, target)
        staged.append(target)
    return staged


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the Sphinx project to")
    parser.add_argument("--notebooks", type=Path, help="folder of notebooks (default notebooks/)")
    args = parser.parse_args(argv)
    staged = stage(args.out, notebooks=args.notebooks)
    print(f"staged the landing page and {len(staged)} notebooks in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
