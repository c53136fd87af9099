"""Store each notebook the one way the course keeps it (``make notebooks`` runs this).

    python tools/normalize_notebooks.py notebooks/*.ipynb          # rewrite in place
    python tools/normalize_notebooks.py --check notebooks/*.ipynb  # only say what would change
    python tools/normalize_notebooks.py --stamp-renderer notebooks/*.ipynb  # after re-executing
    python tools/normalize_notebooks.py --stdin < saved.ipynb      # git's clean filter

Outputs, execution counts and cell ids stay: strict nbval compares them. What goes:

- what Jupyter writes on save and nothing reads back: ``language_info.version``, widget
  state (``metadata.widgets``), cell timings and view flags (nbstripout's list);
- the display name this machine gives the ``python3`` kernel ("Python 3 (ipykernel)" from
  ipykernel's kernelspec): it becomes the committed "Python 3". Another kernel name stays,
  and the hygiene test fails on it;
- the seams between a cell's printed chunks: a kernel flushes ``print`` output when it
  likes, so the same text arrives as one stream output or several; nbconvert's
  ``CoalesceStreamsPreprocessor`` joins them, as nbval does before it compares;
- every widget's ``application/vnd.jupyter.widget-view+json`` output. It only means
  something to a live kernel; without one (GitHub, nbviewer, an HTML export, a notebook
  not yet run) it shows "Error displaying widget". The ``text/plain`` stored beside it,
  the widget's one-sentence description, is what those readers see instead.

The hygiene test checks notebooks as this normalizes them, so saving a notebook from
Jupyter (which writes all of the above back) never fails ``make test``.

``--stdin`` is git's clean filter for ``notebooks/*.ipynb`` (``.gitattributes``; ``make lab``,
``make notebook`` and ``make test`` set ``filter.dlbasics-notebook.clean``): git stores and
compares the notebook as normalized, so a save without edits leaves ``git status`` clean
and ``git pull`` free of conflicts, while a changed source or output still shows. A
committed notebook passes through byte for byte. Input that is not a notebook passes
through unchanged, with a warning on stderr, so git still works on a broken file.

``--stamp-renderer`` (``make notebooks``, right after executing) also records in
``metadata.dlbasics.renderer`` which matplotlib and FreeType drew the stored images:
strict nbval compares images only where the same renderer draws them again
(``tests/notebook_images.py``), since text layout differs between versions. It records in
``metadata.dlbasics.arithmetic`` what computed the stored numbers (numpy, its BLAS and the
BLAS kernel for this processor): a cell tagged ``rounding-sensitive`` (a diverging run, whose
numbers change with the last bits of a matrix product) is compared only where the same
arithmetic computes it again.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import nbformat
from nbconvert.preprocessors import CoalesceStreamsPreprocessor
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
# The committed display name of each kernel the course runs on; Jupyter writes the local one.
KERNEL_DISPLAY_NAMES = {"python3": "Python 3"}


def renderer() -> str:
    """What draws this environment's figures: matplotlib's minor version and its FreeType.

    >>> renderer().startswith("matplotlib ")
    True
    """
    import matplotlib  # here, not at the top: git's clean filter starts faster without it
    from matplotlib import ft2font

    minor = ".".join(matplotlib.__version__.split(".")[:2])
    return f"matplotlib {minor}, FreeType {ft2font.__freetype_version__}"


UNKNOWN_KERNEL = "kernel unknown"  # a BLAS that does not say (MKL, FlexiBLAS): never "the same"


def arithmetic() -> str:
    """What computes this environment's numbers: numpy and the SIMD target of its ``exp``, its
    BLAS and the BLAS kernel in use.

    OpenBLAS picks a kernel for the processor at run time (or the one ``OPENBLAS_CORETYPE``
    names), and numpy picks SIMD loops the same way; they round differently, so float32
    results differ in their last bits, and a diverging training run makes such differences
    large. Where the BLAS does not name its kernel, the stamp says ``UNKNOWN_KERNEL``, and
    tests/notebook_images.py counts it as other arithmetic even against itself.

    >>> arithmetic().startswith("numpy ")
    True
    """
    import numpy  # here, not at the top, as in renderer()
    from threadpoolctl import threadpool_info

    blas = [lib for lib in threadpool_info() if lib["user_api"] == "blas"]
    if not blas:
        return f"{_numpy_simd(numpy)}, no BLAS found"
    # numpy's own BLAS first: a wheel keeps it in numpy.libs (Linux, Windows) or numpy/.dylibs
    # (macOS); scipy may load another. Elsewhere (conda, a system BLAS) they share one, the
    # first loaded.
    blas.sort(key=lambda lib: not _inside_numpy(lib["filepath"]))
    kernel = f"{blas[0]['architecture']} kernels" if blas[0].get("architecture") else UNKNOWN_KERNEL
    return f"{_numpy_simd(numpy)}, {blas[0]['internal_api']} {blas[0]['version']} {kernel}"


def _inside_numpy(filepath: str) -> bool:
    """Whether a shared library lies in numpy's package: ``numpy.libs/`` or ``numpy/.dylibs/``."""
    folder = Path(filepath).parent
    return folder.name == "numpy.libs" or (
        folder.name == ".dylibs" and folder.parent.name == "numpy"
    )


def _numpy_simd(numpy) -> str:
    """``numpy 2.4.6 (exp: X86_V4)``: the SIMD loop numpy runs for float32 exp, where it says;
    before numpy 2.3, the highest SIMD target this processor lets numpy dispatch to."""
    try:
        info = numpy.lib.introspect.opt_func_info(func_name="^exp$", signature="^float32")
        (target,) = info["exp"].values()
        return f"numpy {numpy.__version__} (exp: {target['current']})"
    except (AttributeError, KeyError, TypeError, ValueError):
        pass
    try:  # numpy 2.0-2.2 keep these in numpy._core, 1.x in numpy.core
        umath = getattr(numpy, "_core", None) or numpy.core
        features = umath._multiarray_umath.__cpu_features__
        targets = [t for t in umath._multiarray_umath.__cpu_dispatch__ if features.get(t)]
        return f"numpy {numpy.__version__} (SIMD: {targets[-1] if targets else 'baseline'})"
    except AttributeError:
        return f"numpy {numpy.__version__}"


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
    CoalesceStreamsPreprocessor().preprocess(nb, {})
    kernelspec = nb.metadata.get("kernelspec", {})
    if kernelspec.get("name") in KERNEL_DISPLAY_NAMES:
        kernelspec["display_name"] = KERNEL_DISPLAY_NAMES[kernelspec["name"]]
    for number, cell in enumerate(nb.cells, start=1):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET_MIME in data:
                if not data.get("text/plain"):
                    raise ValueError(f"cell {number}: a widget output without text/plain")
                del data[WIDGET_MIME]
    return nb


def normalized_text(text: str) -> str:
    r"""``text``, a notebook's JSON, as the course stores it: ``nbformat.writes`` and a newline.

    >>> committed = nbformat.writes(nbformat.v4.new_notebook()) + "\n"
    >>> normalized_text(committed) == committed
    True
    """
    return stored_text(normalize(nbformat.reads(text, as_version=4)))


def stored_text(nb: nbformat.NotebookNode) -> str:
    """The bytes a notebook is committed as: ``nbformat.writes`` and a final newline."""
    return nbformat.writes(nb) + "\n"


def clean_filter(stdin, stdout, stderr) -> int:
    """git's clean filter: the notebook read from binary ``stdin``, normalized, to ``stdout``.

    What is not a notebook (a file with conflict markers, a half-written save) goes
    through unchanged, and ``stderr`` says so: git then sees the file as it is.
    """
    raw = stdin.read()
    try:
        out = normalized_text(raw.decode("utf-8")).encode("utf-8")
    except Exception as err:  # noqa: BLE001 -- any unreadable input: hand git the file as it is
        stderr.write(f"normalize_notebooks --stdin: not normalized, passed through ({err!r})\n")
        out = raw
    stdout.write(out)
    stdout.flush()
    return 0


def pre_save_hook(model: dict, **kwargs) -> None:
    """Jupyter's pre-save hook (``make lab``, ``make notebook``: tools/serve.py): the server
    writes each notebook normalized, so a save without edits writes the committed bytes.

    git's clean filter alone cannot give that: a file whose size changed is "modified"
    to ``git status`` and ``git pull`` before any filter runs. An error here is logged by
    the server, which then saves the notebook as it came (a save is never lost).
    """
    if model.get("type") == "notebook":
        model["content"] = normalize(nbformat.from_dict(model["content"]))


def normalize_files(paths: list[Path], check: bool, stamp_renderer: bool) -> int:
    """Rewrite each notebook as stored (``check``: only list them, exit 1 if any would change)."""
    changed = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        nb = normalize(nbformat.reads(text, as_version=4))
        if stamp_renderer:
            nb.metadata.setdefault("dlbasics", {}).update(
                renderer=renderer(), arithmetic=arithmetic()
            )
        clean = stored_text(nb)
        if clean != text:
            changed.append(path)
            if not check:
                path.write_text(clean, encoding="utf-8")
    verb = "would normalize" if check else "normalized"
    for path in changed:
        print(f"{verb} {path}")
    return 1 if check and changed else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument(
        "--stdin", action="store_true", help="git's clean filter: stdin to stdout, normalized"
    )
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if needed")
    parser.add_argument(
        "--stamp-renderer",
        action="store_true",
        help="record this environment's renderer (matplotlib, FreeType) and arithmetic (numpy, "
        "BLAS and kernel) as what drew the images and computed the outputs",
    )
    args = parser.parse_args(argv)
    if args.check and args.stamp_renderer:
        parser.error("--check and --stamp-renderer exclude each other")
    if args.stdin:
        if args.paths or args.check or args.stamp_renderer:
            parser.error(
                "--stdin reads one notebook from stdin: no paths, --check or --stamp-renderer"
            )
        return clean_filter(sys.stdin.buffer, sys.stdout.buffer, sys.stderr)
    if not args.paths:
        parser.error("give the notebooks to normalize, or --stdin")
    return normalize_files(args.paths, check=args.check, stamp_renderer=args.stamp_renderer)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
