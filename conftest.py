"""pytest for the whole checkout: the image check strict nbval lacks (tests/notebook_images.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tests"))
pytest_plugins = ["notebook_images", "pytester"]  # pytester: the image check run through nbval
