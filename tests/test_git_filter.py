"""Issue 19.7: a save without edits is no change to git; a real edit still is.

Two parts. The course's server (``make lab``, ``make notebook``) saves every notebook
through ``normalize_notebooks.pre_save_hook``: a save without edits writes the committed
bytes, so ``git status`` and ``git pull`` see nothing. ``.gitattributes`` also sends
``notebooks/*.ipynb`` through the clean filter ``normalize_notebooks.py --stdin`` (``make
lab``, ``make notebook``, ``make test`` set it up), so a save from another front end never
reaches a commit or ``git diff``; ``git status`` still lists such a file until ``git add``
(git calls a file whose size changed modified before any filter runs; measured below).
Each test builds a throw-away repository in ``tmp_path`` holding a committed notebook, this
checkout's ``.gitattributes`` and the filter, with the user's own git settings shut out.
"""

from __future__ import annotations

import io
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from normalize_notebooks import clean_filter, pre_save_hook
from test_save_safe import NOTEBOOK, saved_by_jupyter

ROOT = Path(__file__).resolve().parents[1]
FILTER = "filter.dlbasics-notebook.clean"
# The user's ~/.gitconfig (autocrlf, hooks, a default branch name) must not change the outcome.
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Learner",
    "GIT_AUTHOR_EMAIL": "learner@example.invalid",
    "GIT_COMMITTER_NAME": "Learner",
    "GIT_COMMITTER_EMAIL": "learner@example.invalid",
}

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")} | GIT_ENV
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=check
    )


def set_filter(repo: Path) -> None:
    """The filter as ``make lab`` sets it, but with this test's Python and this checkout's tool."""
    tool = ROOT / "tools" / "normalize_notebooks.py"
    git(repo, "config", FILTER, f"{shlex.quote(sys.executable)} {shlex.quote(str(tool))} --stdin")


def course_repo(repo: Path, notebook: Path = NOTEBOOK, with_filter: bool = True) -> Path:
    """A new repository at ``repo`` with ``notebook`` committed as ``notebooks/<name>``."""
    (repo / "notebooks").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    if with_filter:
        set_filter(repo)
    shutil.copy(ROOT / ".gitattributes", repo / ".gitattributes")
    shutil.copy(notebook, repo / "notebooks" / notebook.name)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "the course")
    return repo / "notebooks" / notebook.name


def status(repo: Path) -> str:
    return git(repo, "status", "--porcelain").stdout


def save_without_edits(path: Path, hook: bool = True) -> None:
    """What Jupyter writes for ``path`` after Run All: through the course's hook, or raw."""
    model = {"type": "notebook", "content": saved_by_jupyter(nbformat.read(path, as_version=4))}
    if hook:
        pre_save_hook(model, path=path.name, contents_manager=None)
    nbformat.write(model["content"], path)  # as jupyter_server's FileContentsManager writes


def test_every_committed_notebook_passes_the_filter_byte_for_byte():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        out, err = io.BytesIO(), io.StringIO()
        assert clean_filter(io.BytesIO(path.read_bytes()), out, err) == 0
        assert out.getvalue() == path.read_bytes(), f"the filter changes {path.name}"
        assert err.getvalue() == ""


def test_what_is_not_a_notebook_passes_through_with_a_warning():
    broken = b'{\n<<<<<<< HEAD\n "cells": []\n=======\n'
    out, err = io.BytesIO(), io.StringIO()
    assert clean_filter(io.BytesIO(broken), out, err) == 0
    assert out.getvalue() == broken
    assert "not normalized, passed through" in err.getvalue()


def test_the_simulated_save_really_differs_from_the_committed_bytes(tmp_path):
    path = course_repo(tmp_path)
    save_without_edits(path, hook=False)
    assert path.read_bytes() != NOTEBOOK.read_bytes()
    changed = {"display_name", "widget-state+json", "widget-view+json", '"version"', "execution"}
    diff = git(tmp_path, "-c", f"{FILTER}=cat", "diff").stdout  # the filter off: the save shows
    assert all(key in diff for key in changed), diff


def test_the_course_server_saves_an_unedited_notebook_byte_for_byte(tmp_path):
    path = tmp_path / NOTEBOOK.name
    shutil.copy(NOTEBOOK, path)
    save_without_edits(path)
    assert path.read_bytes() == NOTEBOOK.read_bytes()


def test_the_course_server_sets_the_hook():
    from serve import server_argv
    from traitlets.utils.importstring import import_item

    hook = "--ContentsManager.pre_save_hook=normalize_notebooks.pre_save_hook"
    assert hook in server_argv("lab", []) and hook in server_argv("notebook", [])
    assert import_item(hook.split("=")[1]) is pre_save_hook


def test_a_raw_save_stays_out_of_diffs_and_commits(tmp_path):
    """A save not through the course's server (plain ``jupyter lab``, an editor): the filter
    keeps it out of ``git diff`` and commits, but ``git status`` lists it until ``git add``."""
    path = course_repo(tmp_path)
    save_without_edits(path, hook=False)
    git(tmp_path, "diff", "--exit-code")
    assert status(tmp_path) == " M notebooks/01_softmax.ipynb\n"  # size changed: no filter run
    git(tmp_path, "add", "notebooks")
    assert status(tmp_path) == ""
    git(tmp_path, "diff", "--cached", "--exit-code")


def test_a_save_without_edits_leaves_git_status_clean(tmp_path):
    path = course_repo(tmp_path)
    save_without_edits(path)
    assert status(tmp_path) == ""
    git(tmp_path, "diff", "--exit-code")
    # git runs the filter from the top of the working tree, wherever the learner is.
    assert git(tmp_path / "notebooks", "status", "--porcelain").stdout == ""


@pytest.mark.parametrize("edit", ["source", "output"])
def test_a_real_edit_after_the_save_still_shows(tmp_path, edit):
    path = course_repo(tmp_path)
    nb = saved_by_jupyter(nbformat.read(path, as_version=4))
    cell = next(c for c in nb.cells if c.cell_type == "code" and c.get("outputs"))
    if edit == "source":
        cell.source += "\n# my note"
    else:
        cell.outputs = []
    nbformat.write(nb, path)
    assert status(tmp_path) == " M notebooks/01_softmax.ipynb\n"
    assert git(tmp_path, "diff", "--exit-code", check=False).returncode == 1


@pytest.mark.parametrize("course_server", [True, False], ids=["course-server", "raw-save"])
def test_git_pull_after_a_save_without_edits(tmp_path, course_server):
    """Upstream changes a notebook the learner opened and saved: saved by the course's
    server, the pull takes upstream's file; saved raw, git refuses even with the filter,
    as learners met before (issue 19.7)."""
    upstream = tmp_path / "upstream"
    course_repo(upstream)
    git(tmp_path, "clone", "-q", str(upstream), "learner")
    learner = tmp_path / "learner"
    set_filter(learner)
    name = f"notebooks/{NOTEBOOK.name}"
    nb = nbformat.read(upstream / name, as_version=4)
    nb.cells[0].source += "\n\nA sentence added upstream."
    nbformat.write(nb, upstream / name)
    git(upstream, "commit", "-q", "-am", "a clearer opening")

    save_without_edits(learner / name, hook=course_server)
    pull = git(learner, "pull", "-q", check=False)
    if course_server:
        assert pull.returncode == 0, pull.stderr
        assert (learner / name).read_bytes() == (upstream / name).read_bytes()
        assert status(learner) == ""
    else:
        assert pull.returncode != 0 and "would be overwritten" in pull.stderr, pull.stderr


def copy_makefile(directory: Path) -> Path:
    directory.mkdir()
    shutil.copy(ROOT / "Makefile", directory / "Makefile")
    return directory


def make_git_filter(directory: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")} | GIT_ENV
    return subprocess.run(
        ["make", "--no-print-directory", "git-filter"],
        cwd=directory, env=env, capture_output=True, text=True,
    )  # fmt: skip


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_sets_the_filter_in_a_checkout_and_nothing_elsewhere(tmp_path):
    makefile = (ROOT / "Makefile").read_text()
    for target in ("lab", "notebook", "test"):
        assert f"\n{target}: " in makefile and "git-filter" in makefile.split(f"\n{target}: ")[1]
    checkout = copy_makefile(tmp_path / "checkout")
    git(checkout, "init", "-q")
    ran = make_git_filter(checkout)
    assert ran.returncode == 0, ran.stderr
    value = git(checkout, "config", "--get", FILTER).stdout.strip()
    assert value == ".venv/bin/python tools/normalize_notebooks.py --stdin"
    assert (
        git(checkout, "config", "--get", "filter.dlbasics-notebook.required", check=False).stdout
        == ""
    )

    # An unpacked tarball: no git, no error. A folder inside someone's repository: left alone.
    tarball = copy_makefile(tmp_path / "tarball")
    assert make_git_filter(tarball).returncode == 0 and not (tarball / ".git").exists()
    outer = tmp_path / "outer"
    git(tmp_path, "init", "-q", "outer")
    inner = copy_makefile(outer / "course")
    assert make_git_filter(inner).returncode == 0
    assert git(outer, "config", "--get", FILTER, check=False).stdout == ""
