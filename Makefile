# The README's two commands: `make lab` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ARGS   ?=
# Jupyter refuses to run as root unless told; containers and CI often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# NumPy asks Linux for transparent huge pages for every array of 4 MB or more (numpy.org,
# "madvise hugepage on Linux"). On the VMs the course is tested on, a huge page touched
# for the first time costs about 7 ms per MB against 0.6 ms for ordinary pages (measured),
# which made notebook 05 pay over a second of Run All for its 20,000 letters; the training
# epochs run as fast either way (benchmarks/bench_training.py). Exported, so Jupyter's
# kernels, pytest and the benchmarks all get it; a value you set yourself wins.
export NUMPY_MADVISE_HUGEPAGE ?= 0

.PHONY: lab notebook test git-filter lint notebooks figures bench student book book-serve clean

# Re-install only when pyproject.toml or the pinned versions change (the stamp is older).
# constraints.txt pins every package to the versions the stored outputs were made with.
PIP_INSTALL := $(BIN)/python -m pip install --quiet -c constraints.txt
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(PIP_INSTALL) -e ".[test]"
	touch $(STAMP)

# The course's JupyterLab settings (no news pop-up) as system defaults of this .venv only:
# the user's own settings still win, and nothing outside the checkout is written.
SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
$(SETTINGS): jupyter_config/lab/settings/overrides.json $(STAMP)
	install -D -m 644 $< $@

# git stores the notebooks through tools/normalize_notebooks.py (.gitattributes), so that a
# save without edits leaves `git status` clean and `git pull` conflict-free. Only in a git
# checkout of this directory (not in a tarball, nor in a repository around it); not `required`,
# so a checkout without the filter still works. The path is relative: git runs filters from
# the top of the working tree, and every worktree has its own .venv.
git-filter:
	@if [ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$$(pwd -P)" ]; then \
	  git config filter.dlbasics-notebook.clean '$(BIN)/python tools/normalize_notebooks.py --stdin'; \
	fi

## make lab: set up, then open JupyterLab on the course: the repository is the root, the
##   first notebook opens, token auth is pinned on, a taken port is an error (tools/serve.py).
##   Extra server options: make lab ARGS="--port 9999 --no-browser"
lab: $(SETTINGS) git-filter
	$(BIN)/python tools/serve.py lab $(ROOT_FLAG) $(ARGS)

## make notebook: the same with Notebook 7 (the `jupyter notebook` interface).
notebook: $(SETTINGS) git-filter
	$(BIN)/python tools/serve.py notebook $(ROOT_FLAG) $(ARGS)

## make test: set up, lint, then every test including strict nbval on the notebooks.
test: $(STAMP) git-filter lint
	$(BIN)/python -m pytest --nbval $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check conftest.py src tests benchmarks tools notebooks
	$(BIN)/ruff format --check conftest.py src tests benchmarks tools

## make notebooks: re-execute every notebook in place in a fresh kernel and normalize it:
## nbclient's `jupyter execute` (one fresh kernel per notebook), then
## tools/normalize_notebooks.py (nbstripout's metadata list, and widget views dropped so
## readers without a kernel see each widget's one-sentence text; outputs and counts stay;
## the matplotlib and FreeType that drew the images, and the numpy and BLAS kernel that
## computed the outputs, recorded for the image check).
NB ?= notebooks/*.ipynb
notebooks: $(STAMP)
	$(BIN)/jupyter execute --inplace --timeout=600 --kernel_name=python3 $(NB)
	$(BIN)/python tools/normalize_notebooks.py --stamp-renderer $(NB)

## make figures: regenerate imgs/ from the plotting code.
figures: $(STAMP)
	$(BIN)/python -m dlbasics.figures imgs

## make bench: run every benchmark (prints tables; they are not tests).
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP)
	$(PIP_INSTALL) -e ".[test,bench]"
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

## make student: the student edition in build/student/ (solution cells removed, outputs cleared).
student: $(STAMP)
	$(BIN)/python -m dlbasics.student build/student

## make book: the course as a static website in build/book/ (open build/book/index.html):
##   book/stage.py stages the README's learner part and every notebook, less what the
##   notebooks hide, then Sphinx renders the stored outputs (nothing re-executes). -n -W:
##   a broken link or any other warning fails the build. MathJax comes from npm (npm ci).
BOOK_STAMP := $(VENV)/.book-installed
$(BOOK_STAMP): $(STAMP)
	$(PIP_INSTALL) -e ".[test,book]"
	touch $(BOOK_STAMP)

# npm ci installs exactly package-lock.json; npm writes node_modules/.package-lock.json.
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

book: $(BOOK_STAMP) node_modules/.package-lock.json
	$(BIN)/python book/stage.py build/book-src
	rm -rf build/book build/book-doctrees
	$(BIN)/sphinx-build -b html -n -W --keep-going -q -d build/book-doctrees build/book-src build/book

## make book-serve: serve build/book/ on http://127.0.0.1:8000 (another port: PORT=9000).
PORT ?= 8000
book-serve:
	test -f build/book/index.html || $(MAKE) book
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory build/book

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis test-artifacts
