"""Start JupyterLab or Notebook 7 on the course: ``make lab`` and ``make notebook`` call this.

    python tools/serve.py lab|notebook [server options...]

The server's root is the repository (``src/`` one click away) and it opens on the
first notebook. Token authentication is pinned on: the token is not configurable
(a user config that sets it empty cannot turn authentication off); it is
``JUPYTER_TOKEN`` (or the content of ``JUPYTER_TOKEN_FILE``) if not empty, else a fresh
random one that the server prints, and it never appears on a command line that other
users of the machine can read.
A taken port is an error (``port_retries=0``), never a silent move to the next.
Every notebook is saved normalized (``normalize_notebooks.pre_save_hook``), so a save
without edits writes the committed bytes and ``git status`` stays clean.

Options given after the app name are the user's, and they win: a course default that
the user sets too (``--ServerApp.port_retries=3``, ``--port-retries 3``,
``--notebook-dir ~/x``, ``--LabApp.default_url=/lab``) is left out rather than given
twice, which Jupyter refuses ("only accepts one value, got 2"). Two options are taken
over, each with a sentence: the identity provider (authentication stays on) and a
token on the command line (it would be readable by other users: use ``JUPYTER_TOKEN``).
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

from jupyter_server.auth.identity import PasswordIdentityProvider
from traitlets import Unicode, default

REPO = Path(__file__).resolve().parents[1]
FIRST_NOTEBOOK = "notebooks/01_softmax.ipynb"
# The page that opens on `/`, per app.
LANDING = {"lab": f"/lab/tree/{FIRST_NOTEBOOK}", "notebook": f"/notebooks/{FIRST_NOTEBOOK}"}


class CourseIdentityProvider(PasswordIdentityProvider):
    """Jupyter's token (or password) authentication with a token no config can set."""

    token = Unicode(help="JUPYTER_TOKEN, or generated; deliberately not configurable.")

    @default("token")
    def _course_token_default(self) -> str:
        token = self._token_default()
        # An empty JUPYTER_TOKEN_FILE would turn authentication off; a password (which
        # makes need_token False) keeps it on without a token.
        if not token and self.need_token:
            self.token_generated = True
            token = secrets.token_hex(24)
        return token


IDENTITY = "ServerApp.identity_provider_class"


def _app_class(app: str):
    if app == "lab":
        from jupyterlab.labapp import LabApp

        return LabApp
    from notebook.app import JupyterNotebookApp

    return JupyterNotebookApp


def _alias_targets(app: str) -> dict[str, str]:
    """The app's short options and the settings they stand for: port-retries -> ServerApp..."""
    from jupyter_server.serverapp import aliases as server_aliases

    targets = {}  # the server parses the command line, with the app's aliases added
    for names, target in {**server_aliases, **_app_class(app).aliases}.items():
        for name in (names,) if isinstance(names, str) else names:
            targets[name] = target[0] if isinstance(target, tuple) else target
    return targets


def _setting(option: str, aliases: dict[str, str]) -> str | None:
    """The ``Class.trait`` that a command-line ``option`` sets, or None (a flag, a value)."""
    if not option.startswith("--"):
        return None
    name = option[2:].split("=", 1)[0]
    return name if "." in name else aliases.get(name)


def server_argv(app: str, options: list[str]) -> list[str]:
    """The server's arguments: the course's defaults the user does not set, then ``options``."""
    if app not in LANDING:
        raise ValueError(f"app must be one of {sorted(LANDING)}, got {app!r}")
    aliases = _alias_targets(app)
    given = {_setting(option, aliases) for option in options} - {None}
    if IDENTITY in given:
        raise ValueError(
            f"--{IDENTITY} is set by the course (token authentication stays on); "
            "leave it out of ARGS"
        )
    if any(setting.rsplit(".", 1)[-1] == "token" for setting in given):
        raise ValueError(
            "a token given on the command line is visible to every user of the machine: "
            "set JUPYTER_TOKEN (or JUPYTER_TOKEN_FILE) instead"
        )
    section = _app_class(app).__name__
    defaults = {
        "ServerApp.root_dir": str(REPO),
        f"{section}.default_url": LANDING[app],
        "ServerApp.port_retries": "0",
        IDENTITY: f"{__name__}.CourseIdentityProvider",
        # A save without edits writes the committed bytes: `git status` stays clean.
        "ContentsManager.pre_save_hook": "normalize_notebooks.pre_save_hook",
    }
    kept = [f"--{key}={value}" for key, value in defaults.items() if key not in given]
    return [*kept, *options]


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in LANDING:
        sys.exit(f"usage: python tools/serve.py {{{'|'.join(LANDING)}}} [server options...]")
    try:
        argv_of_server = server_argv(argv[0], argv[1:])
    except ValueError as err:
        sys.exit(f"tools/serve.py: {err}.")
    _app_class(argv[0]).launch_instance(argv=argv_of_server)


if __name__ == "__main__":
    main(sys.argv[1:])
