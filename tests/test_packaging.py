"""The set-up files agree: the conda learner environment is pyproject's runtime set; CI."""

import os
import re
import subprocess
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


def _conda_packages() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    pip_block = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip_block == ["-e ."], "environment.yml installs the course package, nothing else"
    return {_name(d): d for d in env["dependencies"] if isinstance(d, str)}


def test_environment_yml_is_exactly_the_runtime_dependencies():
    runtime = {_name(r): r for r in _pyproject()["project"]["dependencies"]}
    conda = _conda_packages()
    conda.pop("pip")
    assert conda.pop("python") == "python" + _pyproject()["project"]["requires-python"]
    assert set(conda) == set(runtime), (
        f"only in pyproject's dependencies: {sorted(set(runtime) - set(conda))}; "
        f"only in environment.yml: {sorted(set(conda) - set(runtime))} "
        "(test and browser tools belong in pyproject's extras)"
    )
    for name, requirement in runtime.items():
        assert _specifier(conda[name]) == _specifier(requirement), (conda[name], requirement)


def _specifier(requirement: str) -> str:
    """The version part of a requirement, without spaces or environment marker."""
    return requirement.split(";")[0].replace(" ", "")[len(_name(requirement)) :]


def test_github_workflow_runs_the_same_test_command():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    jobs = workflow["jobs"]
    runs = [step.get("run", "") for step in jobs["make-test"]["steps"]]
    assert "make test" in runs
    assert set(jobs["make-test"]["strategy"]["matrix"]["python-version"]) == {"3.10", "3.13"}
    conda_steps = jobs["conda"]["steps"]
    assert any(s.get("with", {}).get("environment-file") == "environment.yml" for s in conda_steps)
    runs = [s.get("run", "") for s in conda_steps]
    installs = next(i for i, run in enumerate(runs) if '-e ".[test]"' in run)
    assert installs < next(i for i, run in enumerate(runs) if "pytest" in run)


def _pins() -> dict[str, str]:
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    pins = [line.split(";")[0].strip() for line in lines if line and not line.startswith("#")]
    return {_name(pin): pin.split("==")[1] for pin in pins}


def test_constraints_pin_every_dependency_and_make_installs_with_them():
    pins = _pins()
    project = _pyproject()["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    unpinned = {_name(r) for r in wanted if "python_version < '3.11'" not in r} - set(pins)
    assert not unpinned, f"add to constraints.txt: {sorted(unpinned)}"
    makefile = (ROOT / "Makefile").read_text()
    assert "PIP_INSTALL := $(BIN)/python -m pip install --quiet -c constraints.txt" in makefile
    installs = [line for line in makefile.splitlines() if ' -e ".' in line]
    assert installs and all(line.strip().startswith("$(PIP_INSTALL)") for line in installs)


def test_the_installed_numerics_are_the_pinned_versions():
    """A stale .venv (pins changed, not re-installed) would fail strict nbval on last digits."""
    from importlib.metadata import version

    if sys.version_info < (3, 11):
        return  # the pins apply to 3.11+; 3.10 gets the newest versions that support it
    pins = _pins()
    for name in ["numpy", "scipy", "matplotlib", "pillow"]:
        assert version(name) == pins[name], (
            f"{name}: installed {version(name)}, pinned {pins[name]}"
        )


def test_readme_pyproject_and_environment_name_every_topic():
    """Notebook 06's topic (issue 17) is named wherever the course describes itself."""

    readme = (ROOT / "README.md").read_text()
    description = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["description"]
    environment = (ROOT / "environment.yml").read_text()
    for text in (readme, description, environment):
        assert re.search(r"hidden\s+layer", text, re.I), text[:200]
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert f"(notebooks/{path.name})" in readme, f"{path.name} is not in the course table"
    assert "network.py" in readme and "training.py" in readme  # the layout


def test_make_turns_numpys_huge_pages_off_for_everything_it_runs():
    """Jupyter's kernels, pytest and the benchmarks inherit it (see the Makefile's comment)."""
    show = "include Makefile\nshow:\n\t@echo $$NUMPY_MADVISE_HUGEPAGE\n"
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    made = subprocess.run(
        ["make", "-s", "--no-print-directory", "-f", "-", "show"],
        input=show, capture_output=True, text=True, cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    assert made.stdout.strip() == "0"
    # ... and numpy, imported with it, asks for no huge pages (the flag is read at import).
    query = (  # numpy's own switch (numpy 2 moved it to numpy._core), which returns its state
        "import numpy as np\n"
        "core = getattr(np, '_core', None) or np.core\n"
        "print(core.multiarray._set_madvise_hugepage(False))"
    )
    numpy = subprocess.run(
        [sys.executable, "-c", query], capture_output=True, text=True, check=True,
        env=env | {"NUMPY_MADVISE_HUGEPAGE": made.stdout.strip()},
    )  # fmt: skip
    assert numpy.stdout.strip() == "False"
