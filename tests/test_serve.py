"""`tools/serve.py`'s arguments: the user's own server options win over the course's defaults
(issue 19.3), checked by Jupyter's own command-line parser, without starting a server."""

import pytest
from serve import REPO, server_argv  # tools/, on the path via tests/conftest.py

LANDING = "/lab/tree/notebooks/01_softmax.ipynb"


def _parsed(app: str, options: list[str]) -> dict[str, dict]:
    """The config Jupyter reads from ``serve.py``'s arguments; it exits on a clash."""
    from jupyter_server.serverapp import ServerApp

    if app == "lab":
        from jupyterlab.labapp import LabApp as App
    else:
        from notebook.app import JupyterNotebookApp as App
    instance = ServerApp()  # as App.launch_instance does: the server, with the app's aliases
    instance.aliases.update(App.aliases)
    instance.parse_command_line(server_argv(app, options))
    return {section: dict(values) for section, values in instance.config.items()}


@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_the_readme_example_keeps_every_course_default(app):
    config = _parsed(app, ["--port", "9999", "--no-browser"])  # README and Makefile
    server = config["ServerApp"]
    assert server["port"] == 9999 and server["open_browser"] is False
    assert server["root_dir"] == str(REPO) and server["port_retries"] == 0
    assert server["identity_provider_class"].endswith("CourseIdentityProvider")
    section = "LabApp" if app == "lab" else "JupyterNotebookApp"
    assert config[section]["default_url"].endswith("notebooks/01_softmax.ipynb")


@pytest.mark.parametrize(
    ("options", "section", "trait", "value"),
    [
        (["--ServerApp.port_retries=0"], "ServerApp", "port_retries", 0),  # the case
        (["--ServerApp.port_retries=5"], "ServerApp", "port_retries", 5),
        (["--port-retries", "7"], "ServerApp", "port_retries", 7),
        (["--port-retries=7"], "ServerApp", "port_retries", 7),
        (["--ServerApp.root_dir", "/tmp"], "ServerApp", "root_dir", "/tmp"),
        (["--notebook-dir=/tmp"], "ServerApp", "root_dir", "/tmp"),
        (["--LabApp.default_url=/lab"], "LabApp", "default_url", "/lab"),
    ],
    ids=lambda v: str(v) if isinstance(v, list) else None,
)
def test_a_course_default_the_user_sets_too_is_theirs_and_given_once(
    options, section, trait, value
):
    argv = server_argv("lab", options)
    assert sum(f"{trait}" in a or a.startswith(options[0]) for a in argv) == len(
        [o for o in options if o.startswith("--")]
    ), argv
    assert _parsed("lab", options)[section][trait] == value
    others = _parsed("lab", options)["ServerApp"]
    assert others["identity_provider_class"].endswith("CourseIdentityProvider")


def test_notebook_7_takes_its_own_default_url():
    config = _parsed("notebook", ["--JupyterNotebookApp.default_url=/tree"])
    assert config["JupyterNotebookApp"]["default_url"] == "/tree"
    assert config["ServerApp"]["port_retries"] == 0 and LANDING not in str(config)


@pytest.mark.parametrize(
    ("option", "phrase"),
    [
        ("--ServerApp.identity_provider_class=jupyter_server.auth.IdentityProvider", "stays on"),
        ("--IdentityProvider.token=abc", "JUPYTER_TOKEN"),
        ("--ServerApp.token=abc", "JUPYTER_TOKEN"),
    ],
)
def test_taken_over_options_get_a_sentence(option, phrase):
    with pytest.raises(ValueError, match=phrase):
        server_argv("lab", [option])


def test_an_unknown_app_is_refused():
    with pytest.raises(ValueError, match="app must be one of"):
        server_argv("voila", [])
