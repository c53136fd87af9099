"""`python -m dlbasics.figures` regenerates every figure in imgs/."""

import subprocess
import sys
from pathlib import Path

import matplotlib.image
import pytest

from dlbasics.figures import FIGURES, generate

ROOT = Path(__file__).resolve().parents[1]


def test_figures_regenerate_into_a_folder(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "dlbasics.figures", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FIGURES)
    assert out.stdout.split() == [str(tmp_path / name) for name in FIGURES]
    for name in FIGURES:
        image = matplotlib.image.imread(tmp_path / name)
        assert image.shape[0] > 200 and image.shape[1] > 300, name
        assert image[..., :3].std() > 0.05, f"{name} looks blank"


def test_committed_figures_are_the_generated_set():
    assert sorted(p.name for p in (ROOT / "imgs").glob("*.png")) == sorted(FIGURES)


def test_unknown_figure_name_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="names must be among"):
        generate(tmp_path, names=["nope.png"])
