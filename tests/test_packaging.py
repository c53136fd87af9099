"""The set-up files agree with each other: pip and conda lists, CI entry points, README."""

import re
import sys
from pathlib import Path

import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = _pyproject()["project"]
    pip_side = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        pip_side |= {_name(r) for r in extra}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_side = {_name(d) for d in env["dependencies"] if isinstance(d, str)}
    conda_side -= {"python", "pip"}
    assert pip_side == conda_side, (
        f"only in pyproject: {sorted(pip_side - conda_side)}; "
        f"only in environment.yml: {sorted(conda_side - pip_side)}"
    )
    assert "conda-forge" in env["channels"]
    pip_block = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_block


def _specifier(requirement: str) -> str:
    """The version part of a requirement, without spaces or environment marker."""
    return requirement.split(";")[0].replace(" ", "")[len(_name(requirement)) :]


def test_versions_agree_too():
    project = _pyproject()["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += extra
    pins = {_name(r): _specifier(r) for r in requirements}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    for dep in env["dependencies"]:
        if isinstance(dep, str) and _name(dep) in pins:
            assert _specifier(dep) == pins[_name(dep)], dep


def test_runtime_dependencies_are_the_course_packages():
    names = {_name(r) for r in _pyproject()["project"]["dependencies"]}
    course = {"numpy", "matplotlib", "jupyterlab", "ipywidgets", "nbval"}
    assert names == course | {"threadpoolctl"}


def test_ci_entry_calls_the_readme_test_command():
    run = (ROOT / ".ci" / "run").read_text()
    assert "make test" in run
    assert "DLBASICS_REQUIRE_BROWSER=1" in run
    assert "playwright install" not in run
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme


def test_github_workflow_runs_the_same_test_command():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    jobs = workflow["jobs"]
    runs = [step.get("run", "") for step in jobs["make-test"]["steps"]]
    assert "make test" in runs
    assert set(jobs["make-test"]["strategy"]["matrix"]["python-version"]) == {"3.10", "3.13"}
    conda_steps = jobs["conda"]["steps"]
    assert any(s.get("with", {}).get("environment-file") == "environment.yml" for s in conda_steps)
    assert any("pytest" in s.get("run", "") for s in conda_steps)


def test_makefile_has_the_two_commands_and_keeps_token_auth():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("lab:", "test:", "notebooks:", "figures:"):
        assert re.search(rf"^{target}", makefile, re.M), target
    lab_recipe = re.search(r"^lab:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert "token" not in lab_recipe.lower() and "password" not in lab_recipe.lower()
    assert "--nbval" in makefile and "--nbval-lax" not in makefile
