"""Sphinx configuration of the course's static book (``make book``; book/stage.py copies it).

Why Sphinx + MyST-NB + sphinx-book-theme (pyproject's ``book`` extra): MyST-NB renders
notebooks from their stored outputs (``nb_execution_mode = "off"``), the book theme
gives previous/next links, a table of contents and a search that runs in the page, and
Sphinx's nitpicky mode with ``-W`` turns every broken link into a failed build. All of
it is kept up by the Executable Books project, and nothing in it needs the network
(Jupyter Book 1 is this same stack behind a config file; Jupyter Book 2 is a Node app).
"""

from myst_nb.core.render import NbElementRenderer

project = "dlbasics"
author = "the dlbasics authors"
copyright = "the dlbasics authors, MIT licence"  # noqa: A001 (Sphinx's name for it)
language = "en"

extensions = ["myst_nb"]
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
nitpicky = True

# The notebooks are executed and checked by `make notebooks` and `make test`: render
# exactly what they store, never re-run them.
nb_execution_mode = "off"
# No widget manager script: the staged notebooks hold no widget views or state, and the
# default one would be fetched from a CDN.
nb_ipywidgets_js = {}
myst_enable_extensions = ["dollarmath", "amsmath", "html_image"]
myst_heading_anchors = 3

# MathJax from node_modules/ (npm ci), copied into _static/mathjax/ by book/stage.py.
mathjax_path = "mathjax/tex-chtml.js"

html_theme = "sphinx_book_theme"
html_title = "dlbasics: the basics under every deep-learning model"
html_static_path = ["_static"]
templates_path = ["_templates"]
html_css_files = ["book.css"]
# Without an icon of its own the browser asks for /favicon.ico, a 404 on every page.
html_favicon = "_static/favicon.svg"
# The theme's mode before a reader picks one: light (the figures are drawn on white);
# left empty, the theme logs an error on every page.
html_context = {"default_mode": "light"}
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
    "home_page_in_toc": True,
    # The book theme has its search field in the sidebar; without this the theme's
    # header shows a second one above the page.
    "navbar_persistent": [],
}
html_last_updated_fmt = None


# MyST-NB reads only width and height from an output's image metadata; the course stores
# each figure's alt text there too (output.metadata["image/png"]["alt"]), so pass it on:
# without it the <img> alt would be the image's file name.
_render_image = NbElementRenderer.render_image


def _render_image_with_alt(self, data):
    nodes = _render_image(self, data)
    alt = data.output_metadata.get(data.mime_type, {}).get("alt")
    if alt:
        for node in nodes:
            node.setdefault("alt", str(alt))
    return nodes


NbElementRenderer.render_image = _render_image_with_alt
