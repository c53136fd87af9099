"""Read the real notMNIST set from a folder of letter subfolders A ... J."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
from PIL import Image

from .letters import LETTERS, SIZE

__all__ = ["load_notmnist"]

# Pillow modes with 8 bits per channel (plus 1-bit); 16-bit grey would be clipped
# by convert("L"), so it is skipped and reported instead.
_EIGHT_BIT_MODES = frozenset({"1", "L", "LA", "P", "PA", "RGB", "RGBA", "RGBX", "CMYK"})


def load_notmnist(folder):
    """Read the real notMNIST set from ``folder``/A ... ``folder``/J of 28x28 PNGs.

    Files are read in sorted order, letter by letter, so the result is
    deterministic. Anything that is not a readable 8-bit 28x28 PNG file (the
    real set has a few broken files; a folder may hold other files, links or
    pipes) is skipped without being opened where its name or type already rules
    it out, and every skip is counted, with its reason, in one warning. Colour
    images are converted to grey by Pillow (ITU-R 601-2 luma).

    Parameters
    ----------
    folder : str or os.PathLike
        Directory holding the subfolders ``A`` ... ``J`` (e.g. the unpacked
        ``notMNIST_small``).

    Returns
    -------
    images : ndarray of uint8, shape (n, 28, 28)
    labels : ndarray of int64, shape (n,)
        Class ids 0-9 for ``LETTERS[label]``.

    Raises
    ------
    FileNotFoundError
        If ``folder`` does not exist or is not a directory.
    ValueError
        If a letter subfolder is missing, or holds no readable image (the
        dataset would silently lose a class).

    Examples
    --------
    With ``notMNIST_small`` unpacked, ``load_notmnist("notMNIST_small")`` gives
    its ~18,700 images (and one warning naming the few unreadable files). The
    same layout in miniature, one letter image per class:

    >>> import pathlib, tempfile
    >>> from PIL import Image
    >>> from dlbasics.letters import letters
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for k, letter in enumerate(LETTERS):
    ...     (root / letter).mkdir()
    ...     Image.fromarray(letters(1, seed=k)[0][0]).save(root / letter / "a.png")
    >>> images, labels = load_notmnist(root)
    >>> images.shape, labels.tolist()
    ((10, 28, 28), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    """
    root = _check_folder(folder)
    images, labels, empty = [], [], []
    skipped: dict[str, list[str]] = {}  # reason -> files
    for label, char in enumerate(LETTERS):
        count = len(images)
        for path in sorted((root / char).iterdir()):
            image, reason = _read_image(path)
            if reason:
                skipped.setdefault(reason, []).append(f"{char}/{path.name}")
            else:
                images.append(image)
                labels.append(label)
        if len(images) == count:
            empty.append(char)
    if skipped:
        warnings.warn(_skip_report(root, skipped), stacklevel=2)
    if empty:
        raise ValueError(
            f"letter folder(s) {', '.join(empty)} of {str(root)!r} hold no readable "
            f"{SIZE}x{SIZE} PNG image; every letter needs at least one"
        )
    return np.stack(images), np.array(labels, dtype=np.int64)


def _check_folder(folder) -> Path:
    """``folder`` as a Path to a directory with the subfolders A ... J, or raise."""
    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be a str or os.PathLike, got {type(folder).__name__}")
    root = Path(folder)
    if not root.is_dir():
        raise FileNotFoundError(
            f"folder {str(root)!r} does not exist or is not a directory; expected a "
            f"notMNIST folder with subfolders {', '.join(LETTERS)}"
        )
    missing = [c for c in LETTERS if not (root / c).is_dir()]
    if missing:
        raise ValueError(
            f"folder {str(root)!r} lacks the letter subfolder(s) {', '.join(missing)}; "
            f"expected subfolders {', '.join(LETTERS)} of 28x28 PNG images"
        )
    return root


def _read_image(path: Path) -> tuple[np.ndarray | None, str | None]:
    """The image at ``path`` as uint8 (SIZE, SIZE), or None and why it was skipped."""
    # Checked before opening: opening a FIFO (named pipe) would wait forever.
    if not path.is_file():
        return None, "not a regular file"
    if path.suffix.lower() != ".png":
        return None, "not a .png file"
    try:
        with Image.open(path) as img:  # reads the header only, so the size check is cheap
            if img.size != (SIZE, SIZE):
                return None, f"not {SIZE}x{SIZE}"
            if img.mode not in _EIGHT_BIT_MODES:
                return None, "not 8-bit"
            return np.asarray(img.convert("L")), None
    except Exception:  # Pillow raises many types for corrupt files; each is reported
        return None, "unreadable"


def _skip_report(root: Path, skipped: dict[str, list[str]]) -> str:
    """One line per reason: how many files, and the first few of them."""
    total = sum(len(files) for files in skipped.values())
    parts = [
        f"{len(files)} {reason} ({', '.join(files[:3])}{', ...' if len(files) > 3 else ''})"
        for reason, files in skipped.items()
    ]
    return f"load_notmnist skipped {total} file(s) in {str(root)!r}: " + "; ".join(parts)
