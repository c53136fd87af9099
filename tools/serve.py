"""Start JupyterLab or Notebook 7 on the course: ``make lab`` and ``make notebook`` call this.

    python tools/serve.py lab|notebook [server options...]

The server's root is the repository (``src/`` one click away) and it opens on the
first notebook. Token authentication is pinned on: the token is not configurable
(a user config that sets it empty cannot turn authentication off); it is
``JUPYTER_TOKEN`` (or the content of ``JUPYTER_TOKEN_FILE``) if not empty, else a fresh
random one that the server prints, and it never appears on a command line that other
users of the machine can read.
A taken port is an error (``port_retries=0``), never a silent move to the next.
Options given after the app name come last, so they win: ``--port 9999``.
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


def server_argv(app: str, options: list[str]) -> list[str]:
    """The server's arguments: the course's settings, then ``options``."""
    if app not in LANDING:
        raise ValueError(f"app must be one of {sorted(LANDING)}, got {app!r}")
    section = "LabApp" if app == "lab" else "JupyterNotebookApp"
    return [
        f"--ServerApp.root_dir={REPO}",
        f"--{section}.default_url={LANDING[app]}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.identity_provider_class={__name__}.CourseIdentityProvider",
        *options,
    ]


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in LANDING:
        sys.exit(f"usage: python tools/serve.py {{{'|'.join(LANDING)}}} [server options...]")
    if argv[0] == "lab":
        from jupyterlab.labapp import LabApp as App
    else:
        from notebook.app import JupyterNotebookApp as App
    App.launch_instance(argv=server_argv(argv[0], argv[1:]))


if __name__ == "__main__":
    main(sys.argv[1:])
