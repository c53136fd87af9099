"""The static book (``make book``) read as a reader would: every page in headless Chromium.

``make book`` runs once for the session; the build is served on 127.0.0.1 and every
page is opened once (``visits``), recording its requests, console, images, text, links
and axe-core's findings. Each test below then checks one promise of issue 18 over all
pages: nothing from the network, nothing broken, math typeset, figures described,
widgets as their sentence, no guard cell and no reference solution, accessible.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import nbformat
import pytest
import test_notebook_hygiene as hygiene

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "build" / "book"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
sys.path.insert(0, str(ROOT / "book"))
import stage  # noqa: E402  (book/stage.py)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDGET_REPRS = ("IntSlider(", "FloatLogSlider(", "FloatSlider(", "Image(value=")
# LaTeX that MathJax would have turned into math: a $...$ pair or a command it typesets.
RAW_MATH = re.compile(r"\$[^$\n]+\$|\\(frac|sum|sigma|ln|log|exp|ne|cdot|times|mathrm|partial)\b")
IMAGE_FILE = re.compile(r"\.(png|jpe?g|gif|svg)$", re.IGNORECASE)


def _fail_or_skip(reason: str):
    if os.environ.get("DLBASICS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (and DLBASICS_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def book() -> Path:
    """``make book`` once per session: the built site's folder."""
    if shutil.which("npm") is None and not AXE.is_file():
        _fail_or_skip("no npm to install the book's MathJax and axe-core")
    result = subprocess.run(
        ["make", "-s", "book"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"make book failed:\n{result.stdout}\n{result.stderr}"
    assert (BOOK / "index.html").is_file()
    return BOOK


@pytest.fixture(scope="module")
def server(book):
    """``build/book/`` over HTTP on 127.0.0.1 (a free port), for the module."""
    handler = functools.partial(QuietHandler, directory=str(book))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the test reports failed requests itself
        pass


def expected_pages() -> list[str]:
    """The pages the book must have: landing, one per notebook (glob), search and index."""
    notebooks = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
    return [
        "index.html",
        *[f"notebooks/{n}.html" for n in notebooks],
        "search.html",
        "genindex.html",
    ]


# Run in each page once it has loaded: typeset math, decode every image, collect the rest.
_INSPECT_JS = """
async () => {
  if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
  const imgs = [...document.querySelectorAll('img')];
  for (const img of imgs) { img.loading = 'eager'; try { await img.decode(); } catch (e) {} }
  const prose = document.querySelector('main').cloneNode(true);
  prose.querySelectorAll('pre, code, script, mjx-container, .output').forEach(e => e.remove());
  return {
    images: imgs.map(i => ({src: i.getAttribute('src'), alt: i.getAttribute('alt') || '',
                            width: i.naturalWidth})),
    text: document.body.innerText,
    prose: prose.textContent,
    math: document.querySelectorAll('mjx-container').length,
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    next: (document.querySelector('a.right-next') || {}).href || null,
  };
}
"""

_AXE_JS = """
async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(v => ({
  id: v.id, impact: v.impact, nodes: v.nodes.length, example: v.nodes[0].html.slice(0, 160)}))
"""


def _visit(context, url: str) -> dict:
    page = context.new_page()
    seen = {"requests": [], "failed": [], "console": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("requestfailed", lambda r: seen["failed"].append(f"{r.url}: {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and seen["failed"].append(f"{r.url}: {r.status}"))
    page.on("console", lambda m: m.type == "error" and seen["console"].append(m.text))
    page.on("pageerror", lambda e: seen["console"].append(str(e)))
    page.goto(url, wait_until="networkidle")
    seen.update(page.evaluate(_INSPECT_JS))
    page.add_script_tag(path=str(AXE))
    seen["axe"] = page.evaluate(_AXE_JS)
    page.close()
    return seen


@pytest.fixture(scope="module")
def visits(chromium, server) -> dict[str, dict]:
    """Every page of the book opened once: page name -> what it did and showed."""
    if not AXE.is_file():
        _fail_or_skip(f"no axe-core at {AXE}: run `npm ci`")
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        return {name: _visit(context, server + name) for name in expected_pages()}
    finally:
        context.close()


def _collapse(text: str) -> str:
    return " ".join(text.split())


def test_every_page_is_built(book):
    built = sorted(str(p.relative_to(book)) for p in book.rglob("*.html"))
    built = [p for p in built if not p.startswith(("_static/", "_sources/"))]
    assert built == sorted(expected_pages())


def test_pages_load_only_their_own_files(visits):
    for name, seen in visits.items():
        assert not seen["failed"], f"{name}: failed requests {seen['failed']}"
        elsewhere = [u for u in seen["requests"] if urlparse(u).hostname not in ("127.0.0.1", None)]
        assert not elsewhere, f"{name}: requests to other hosts {elsewhere}"
        assert not seen["console"], f"{name}: console errors {seen['console']}"


def test_math_is_typeset(visits):
    for name, seen in visits.items():
        raw = RAW_MATH.search(seen["prose"])
        assert raw is None, f"{name}: untypeset math {raw.group(0)!r}"
    for name in expected_pages()[1:-2]:
        assert visits[name]["math"] > 0, f"{name}: no math typeset (is MathJax loading?)"


def test_every_figure_is_decoded_and_described(visits):
    """Alt text that says what a figure shows; Sphinx's fallback alt is the file name."""
    for name, seen in visits.items():
        for img in seen["images"]:
            assert img["width"] > 0, f"{name}: {img['src']} did not decode"
            alt = img["alt"].strip()
            assert alt and not IMAGE_FILE.search(alt), f"{name}: {img['src']} has alt {alt!r}"


def _notebooks():
    return sorted((ROOT / "notebooks").glob("*.ipynb"))


def _page_of(path: Path) -> str:
    return f"notebooks/{path.stem}.html"


def test_widgets_show_their_sentence_not_a_repr(visits):
    """A widget (a slider cell, tagged nbval-ignore-output, or the live training view) shows
    the sentence it stores as text/plain."""
    for name, seen in visits.items():
        for widget_repr in WIDGET_REPRS:
            assert widget_repr not in seen["text"], f"{name} shows a raw widget: {widget_repr}"
    widget_sentences = 0
    for path in _notebooks():
        page = _collapse(visits[_page_of(path)]["text"])
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code" or not hygiene.shows_widget_sentence(cell):
                continue
            for output in cell.outputs:
                sentence = output.get("data", {}).get("text/plain", "")
                if hygiene.SENTENCE.fullmatch(sentence.strip()):
                    widget_sentences += 1
                    assert _collapse(sentence) in page, f"{path.name}: widget sentence missing"
    sliders = sum(
        hygiene.IGNORE_TAG in cell.metadata.get("tags", [])
        for path in _notebooks()
        for cell in nbformat.read(path, as_version=4).cells
    )
    expected = sliders + sum(hygiene.LIVE_TRAINING_CELLS.values())
    assert sliders and widget_sentences == expected, (
        f"{widget_sentences} widget sentences found in the notebooks, expected {expected}"
    )


def test_every_stored_figure_is_on_its_page(visits):
    """Static twins included: each notebook page shows as many figures as the notebook stores."""
    for path in _notebooks():
        nb = stage.book_notebook(nbformat.read(path, as_version=4))
        stored = sum(
            "image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])
        )
        assert len(visits[_page_of(path)]["images"]) == stored, path.name


def test_no_reference_solution_or_guard_cell_anywhere(visits):
    from dlbasics import exercises

    pages = {name: _collapse(seen["text"]) for name, seen in visits.items()}
    hidden = {f"solution of {n}": ex.explanation for n, ex in exercises.EXERCISES.items()}
    hidden |= {
        f"code of {n}": exercises.source_of(ex.reference) for n, ex in exercises.EXERCISES.items()
    }
    for path in _notebooks():
        for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if stage.HIDDEN_TAGS & set(cell.metadata.get("tags", [])):
                hidden[f"{path.name} cell {i}"] = cell.source
    for what, text in hidden.items():
        for name, page in pages.items():
            assert _collapse(text) not in page, f"{name} shows the {what}"


def test_exercises_stand_as_in_the_notebooks(visits):
    from dlbasics import exercises

    for ex in exercises.EXERCISES.values():
        page = _collapse(visits[f"notebooks/{Path(ex.notebook).stem}.html"]["text"])
        assert _collapse(ex.stub) in page, f"the stub of {ex.name} is missing"


def test_links_lead_somewhere(visits, server, book):
    """Every link inside the book names a page that exists, and an anchor on it."""
    for name, seen in visits.items():
        for link in seen["links"]:
            if not link.startswith(server):
                continue
            target = urlparse(link)
            path = book / unquote(target.path.lstrip("/"))
            path = path / "index.html" if path.is_dir() else path
            assert path.is_file(), f"{name} links to a missing {link}"
            if target.fragment and path.suffix == ".html":
                assert f'id="{target.fragment}"' in path.read_text(), f"{name}: no anchor {link}"


def test_next_links_walk_the_course_in_order(visits, server):
    order, page = [], "index.html"
    while visits[page]["next"]:
        page = visits[page]["next"].removeprefix(server).split("#")[0]
        order.append(page)
    assert order == expected_pages()[1:-2]


def test_search_finds_the_notebooks(chromium, server):
    context = chromium.new_context()
    page = context.new_page()
    page.goto(urljoin(server, "search.html?q=softmax"))
    page.wait_for_selector("#search-results ul li", timeout=15_000)
    hits = page.locator("#search-results ul li a").evaluate_all("as => as.map(a => a.href)")
    context.close()
    assert any("01_softmax" in h for h in hits), hits


def test_axe_finds_nothing_critical_or_serious(visits):
    for name, seen in visits.items():
        bad = [v for v in seen["axe"] if v["impact"] in ("critical", "serious")]
        assert not bad, f"{name}: axe-core violations {bad}"


def test_stored_alt_text_becomes_the_img_alt(book, tmp_path):
    """book/conf.py's hook: a figure's output.metadata["image/png"]["alt"] is its <img> alt.

    On a copy of notebook 01 with alt text set, so it holds before the course's own
    notebooks carry theirs (test_every_figure_is_decoded_and_described checks those).
    """
    source = ROOT / "notebooks" / "01_softmax.ipynb"
    nb = nbformat.read(source, as_version=4)
    alts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if "image/png" in output.get("data", {}):
                alts.append(f"Figure {len(alts) + 1} of the softmax notebook.")
                output.setdefault("metadata", {}).setdefault("image/png", {})["alt"] = alts[-1]
    assert alts, "notebook 01 stores no figure to test with"
    (tmp_path / "notebooks").mkdir()
    nbformat.write(nb, tmp_path / "notebooks" / source.name)
    stage.stage(tmp_path / "src", notebooks=tmp_path / "notebooks")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-q",
            str(tmp_path / "src"),
            str(tmp_path / "out"),
        ],
        check=True,
        timeout=300,
    )
    html = (tmp_path / "out" / "notebooks" / "01_softmax.html").read_text()
    assert re.findall(r'<img alt="([^"]*)"', html) == alts


def test_staging_drops_guard_cells_solutions_and_widget_views():
    """book/stage.py on a notebook holding each thing the book must not show."""
    from dlbasics import exercises

    note = exercises.solution("softmax")
    printed = nbformat.v4.new_output("stream", name="stdout", text=str(note))
    shown = nbformat.v4.new_output(
        "display_data", {"text/plain": repr(note), "text/html": note._repr_html_()}
    )
    widget = nbformat.v4.new_output(
        "display_data", {"text/plain": "Slider: a sentence.", stage.WIDGET_MIME: {"model_id": "m"}}
    )
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Title"),
            nbformat.v4.new_code_cell("assert True", metadata={"tags": ["claim-check"]}),
            nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["solution"]}),
            nbformat.v4.new_code_cell('exercises.solution("softmax")', outputs=[printed, shown]),
            nbformat.v4.new_code_cell("slider", outputs=[widget]),
        ],
        metadata={"widgets": {"state": {}}},
    )
    book = stage.book_notebook(nb)
    assert [c.source for c in book.cells] == ["# Title", 'exercises.solution("softmax")', "slider"]
    assert book.cells[1].outputs == []
    assert book.cells[2].outputs[0].data == {"text/plain": "Slider: a sentence."}
    assert "widgets" not in book.metadata
    assert len(nb.cells) == 5, "the notebook itself is left as it was"


def test_a_broken_link_fails_the_build(book, tmp_path):
    """make book's sphinx-build -n -W: a link to a page the book lacks is an error."""
    assert "sphinx-build -b html -n -W" in (ROOT / "Makefile").read_text()
    (tmp_path / "notebooks").mkdir()  # one notebook keeps the build short
    shutil.copy(ROOT / "notebooks" / "01_softmax.ipynb", tmp_path / "notebooks")
    stage.stage(tmp_path / "src", notebooks=tmp_path / "notebooks")
    with (tmp_path / "src" / "index.md").open("a", encoding="utf-8") as index:
        index.write("\nSee [notebook 99](notebooks/99_missing.ipynb).\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-n",
            "-W",
            "-q",
            str(tmp_path / "src"),
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "99_missing" in result.stderr
