"""Read the real notMNIST set from a folder of letter subfolders A ... J."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np

from .letters import LETTERS, SIZE

__all__ = ["load_notmnist"]


def load_notmnist(folder):
    """Read the real notMNIST set from ``folder``/A ... ``folder``/J of 28x28 PNGs.

    Files are read in sorted order, letter by letter, so the result is
    deterministic. Unreadable or wrongly sized files (the real set has a few) are
    skipped and reported in one warning.

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
        If a letter subfolder is missing, or no image could be read.

    Examples
    --------
    With ``notMNIST_small`` unpacked, ``load_notmnist("notMNIST_small")`` gives
    its ~18,700 images (and one warning naming the few unreadable files). The
    same layout in miniature, one letter image per class:

    >>> import pathlib, tempfile, matplotlib.image
    >>> from dlbasics.letters import letters
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for k, letter in enumerate(LETTERS):
    ...     (root / letter).mkdir()
    ...     img = letters(1, seed=k)[0][0]
    ...     matplotlib.image.imsave(root / letter / "a.png", img, cmap="gray", vmin=0, vmax=255)
    >>> images, labels = load_notmnist(root)
    >>> images.shape, labels.tolist()
    ((10, 28, 28), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    """
    import matplotlib.image  # only needed here; keeps `import dlbasics.data` light

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

    images, labels, skipped = [], [], []
    for label, char in enumerate(LETTERS):
        for path in sorted(p for p in (root / char).iterdir() if p.suffix.lower() == ".png"):
            try:
                img = matplotlib.image.imread(path)
            except Exception as err:  # Pillow raises many types for corrupt files
                skipped.append(f"{char}/{path.name} ({type(err).__name__})")
                continue
            if img.ndim == 3:  # grey+alpha: take grey; RGB(A): average the colours
                img = img[..., 0] if img.shape[-1] <= 2 else img[..., :3].mean(axis=-1)
            if img.shape != (SIZE, SIZE):
                skipped.append(f"{char}/{path.name} (shape {img.shape})")
                continue
            if np.issubdtype(img.dtype, np.floating):  # PNGs load as float in [0, 1]
                img = np.round(np.clip(img, 0, 1) * 255)
            images.append(img.astype(np.uint8))
            labels.append(label)
    if skipped:
        examples = ", ".join(skipped[:3]) + (", ..." if len(skipped) > 3 else "")
        warnings.warn(
            f"load_notmnist skipped {len(skipped)} unreadable or non-{SIZE}x{SIZE} "
            f"file(s) in {str(root)!r}: {examples}",
            stacklevel=2,
        )
    if not images:
        raise ValueError(f"folder {str(root)!r} holds no readable {SIZE}x{SIZE} PNG images")
    return np.stack(images), np.array(labels, dtype=np.int64)
