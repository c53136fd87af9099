"""notMNIST-style letters A-J, rendered offline: a look-alike of the real set.

notMNIST (Yaroslav Bulatov, 2011) is 28x28 grey images of the letters A-J
cut from many fonts; a linear classifier reaches roughly 89% on it, which makes it
a better first dataset than MNIST digits for a softmax classifier. The real set is
a large download, so :func:`letters` renders a look-alike offline from the fonts
that ship inside matplotlib, and :func:`dlbasics.notmnist.load_notmnist` reads the real set if you
have it unpacked.
"""

from __future__ import annotations

import functools
from pathlib import Path
from types import MappingProxyType

import numpy as np
from matplotlib import ft2font, get_data_path

from ._validation import check_positive_int

__all__ = ["FONTS_BY_SPLIT", "LETTERS", "letters"]

LETTERS = "ABCDEFGHIJ"
SIZE = 28  # output images are SIZE x SIZE, like notMNIST

# Fonts in matplotlib's mpl-data/fonts/ttf that draw Latin capitals. Left out: the
# "Display" and STIX NonUni/Siz* files (no Latin letters at all), LastResort (draws
# a placeholder box), cmex10 (big delimiters). cmsy10 maps A-J to calligraphic
# capitals and cmmi10 to math italics: both are real letter shapes, like the
# decorative fonts in notMNIST, so they stay (in train only).
_TEST_FONTS = (
    # Held out of train/valid. Each has relatives in train (same family, other
    # style, or a similar design), so the test split measures generalization to
    # unseen fonts rather than to unseen letter shapes.
    "DejaVuSans.ttf",
    "DejaVuSansMono-Bold.ttf",
    "DejaVuSerif-Italic.ttf",
    "STIXGeneralBol.ttf",
    "cmr10.ttf",
    "cmtt10.ttf",
)
_TRAIN_FONTS = (
    "DejaVuSans-Bold.ttf",
    "DejaVuSans-BoldOblique.ttf",
    "DejaVuSans-Oblique.ttf",
    "DejaVuSansMono.ttf",
    "DejaVuSansMono-BoldOblique.ttf",
    "DejaVuSansMono-Oblique.ttf",
    "DejaVuSerif.ttf",
    "DejaVuSerif-Bold.ttf",
    "DejaVuSerif-BoldItalic.ttf",
    "STIXGeneral.ttf",
    "STIXGeneralBolIta.ttf",
    "STIXGeneralItalic.ttf",
    "cmb10.ttf",
    "cmmi10.ttf",
    "cmss10.ttf",
    "cmsy10.ttf",
    "cmti10.ttf",
)
#: Font files each split draws from. ``valid`` shares the train fonts (it measures
#: overfitting to the training *images*); ``test`` uses fonts train never sees.
FONTS_BY_SPLIT = MappingProxyType(
    {"train": _TRAIN_FONTS, "valid": _TRAIN_FONTS, "test": _TEST_FONTS}
)
_SPLITS = ("train", "valid", "test")
_ALL_FONTS = _TRAIN_FONTS + _TEST_FONTS

# Glyph templates are rendered once at 4x the output resolution and pre-blurred by
# one output pixel. Nearest-neighbour sampling of such a template is proper
# anti-aliasing (filter, then sample) with quarter-pixel placement, and costs one
# gather per pixel: that is what makes 20,000 images take well under a second.
_UP = 4  # template pixels per output pixel
_T = _UP * SIZE  # template side (112)
_BOX = 96  # a glyph's longer side in template pixels (24 of the 28 output pixels)
_RENDER_PX = 160  # FreeType em size for measuring a glyph before rendering it to fit
_N_WEIGHTS = 4  # stroke-weight variants per glyph: thin, regular, bold, bolder
_CHUNK = 1024  # images per vectorized step in _draw

# FreeType flag: unhinted outlines scale smoothly (LoadFlags is matplotlib >= 3.10).
_NO_HINTING = (
    ft2font.LoadFlags.NO_HINTING if hasattr(ft2font, "LoadFlags") else ft2font.LOAD_NO_HINTING
)

# Per-image jitter, tuned so a linear classifier lands near notMNIST's ~89%
# (see the Notes of `letters`). Each is drawn uniformly in the range given.
_JITTER = {
    "rotate_deg": 14.0,  # +- degrees
    "scale": (0.77, 1.14),  # overall size factor
    "aspect": 0.18,  # +- log of the width/height stretch
    "shear": 0.26,  # +- horizontal shear
    "shift_px": 2.85,  # +- output pixels, each axis
    "ink": (0.55, 1.0),  # glyph brightness
    "background": 0.12,  # background brightness, drawn as 0.12 * U**3 (mostly black)
    "noise": 0.06,  # +- amplitude of uniform pixel noise (fraction of full scale)
}


def _check_split(split) -> int:
    if not isinstance(split, str) or split not in _SPLITS:
        raise ValueError(f"split must be one of {_SPLITS}, got {split!r}")
    return _SPLITS.index(split)


def _ink(font: ft2font.FT2Font, char: str, size: float) -> np.ndarray:
    """``char`` rendered by FreeType at ``size`` px per em, cropped to its ink."""
    font.set_size(size, 72)  # 72 dpi: points == pixels
    font.set_text(char, 0.0, flags=_NO_HINTING)
    font.draw_glyphs_to_bitmap(antialiased=True)
    img = np.asarray(font.get_image(), dtype=np.float32) / 255
    rows, cols = np.nonzero(img > 0.02)
    return img[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]


def _render_glyph(font: ft2font.FT2Font, char: str) -> np.ndarray:
    """One glyph as float [0, 1] with its longer side ``_BOX`` pixels, centred on a
    ``_T`` x ``_T`` black canvas (notMNIST also scales each glyph to fit its box)."""
    # Measure at a large size, then render again at the size that fits the box:
    # FreeType's own anti-aliasing beats resampling a bitmap.
    big = _ink(font, char, _RENDER_PX)
    img = _ink(font, char, _RENDER_PX * _BOX / max(big.shape))[:_BOX, :_BOX]
    h, w = img.shape
    canvas = np.zeros((_T, _T), np.float32)
    top, left = (_T - h) // 2, (_T - w) // 2
    canvas[top : top + h, left : left + w] = img
    return canvas


def _dilate(img: np.ndarray, steps: int) -> np.ndarray:
    """Grey dilation of the last two axes by a diamond of radius ``steps`` (pixels)."""
    for _ in range(steps):
        p = np.pad(img, [(0, 0)] * (img.ndim - 2) + [(1, 1), (1, 1)])
        img = np.maximum.reduce(
            [img, p[..., :-2, 1:-1], p[..., 2:, 1:-1], p[..., 1:-1, :-2], p[..., 1:-1, 2:]]
        )
    return img


def _blur(img: np.ndarray) -> np.ndarray:
    """Separable [1, 2, 2, 2, 1] / 8 blur of the last two axes: a symmetric box about
    one output pixel (``_UP`` template pixels) wide, i.e. the pixel's footprint."""
    h, w = img.shape[-2:]
    p = np.pad(img, [(0, 0)] * (img.ndim - 2) + [(2, 2), (0, 0)])
    img = sum(k * p[..., i : i + h, :] for i, k in enumerate((1, 2, 2, 2, 1))) / 8
    p = np.pad(img, [(0, 0)] * (img.ndim - 2) + [(0, 0), (2, 2)])
    return sum(k * p[..., i : i + w] for i, k in enumerate((1, 2, 2, 2, 1))) / 8


@functools.cache
def _templates() -> np.ndarray:
    """Every glyph of every font in every stroke weight, flattened for one gather.

    Returns read-only uint8 of shape (fonts * letters * weights * _T * _T,), in that
    nesting order. Cached: rendering ~230 glyphs takes a few tenths of a second.
    """
    folder = Path(get_data_path(), "fonts", "ttf")
    glyphs = np.empty((len(_ALL_FONTS), len(LETTERS), _T, _T), np.float32)
    for f, name in enumerate(_ALL_FONTS):
        path = folder / name
        if not path.is_file():
            raise FileNotFoundError(f"matplotlib font {path} is missing; reinstall matplotlib")
        font = ft2font.FT2Font(str(path))
        for c, char in enumerate(LETTERS):
            glyphs[f, c] = _render_glyph(font, char)
    glyphs = _blur(glyphs)
    # Stroke weight by grey erosion/dilation; one template pixel is a quarter output
    # pixel per side. Thin is a blend with the eroded glyph: a full erosion would
    # erase the hairline serifs of cmr10 and STIX.
    thin = 0.5 * (glyphs + 1 - _dilate(1 - glyphs, 2))
    variants = [thin, glyphs, _dilate(glyphs, 2), _dilate(glyphs, 4)]
    out = np.stack(variants, axis=2)  # (fonts, letters, weights, _T, _T)
    out = np.round(np.clip(out, 0, 1) * 255).astype(np.uint8).ravel()
    out.flags.writeable = False
    return out


def _draw(streams, n: int, font_ids: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Render ``n`` jittered glyphs; all randomness comes from ``streams``.

    Both streams are consumed image by image (row-major), so image i only depends
    on the first i rows: the first k images of ``letters(n)`` are ``letters(k)``.
    """
    rng_params, rng_noise = streams
    j = _JITTER
    u = rng_params.random((n, 11), dtype=np.float32)  # one row of uniforms per image
    font = font_ids[np.minimum((u[:, 0] * len(font_ids)).astype(np.intp), len(font_ids) - 1)]
    weight = np.minimum((u[:, 1] * _N_WEIGHTS).astype(np.intp), _N_WEIGHTS - 1)
    theta = np.deg2rad(j["rotate_deg"]) * (2 * u[:, 2] - 1)
    lo, hi = j["scale"]
    scale = lo + (hi - lo) * u[:, 3]
    aspect = np.exp(j["aspect"] * (2 * u[:, 4] - 1))
    shear = j["shear"] * (2 * u[:, 5] - 1)
    shift_x, shift_y = (j["shift_px"] * (2 * u[:, k] - 1) for k in (6, 7))
    lo, hi = j["ink"]
    ink = lo + (hi - lo) * u[:, 8]
    background = j["background"] * u[:, 9] ** 3  # mostly near black, like notMNIST
    noise = j["noise"] * u[:, 10]

    # Inverse map from output pixel to template pixel (what sampling needs): undo
    # the shift, then M = diag(sx, sy) @ [[1, -shear], [0, 1]] @ R(-theta), times _UP
    # for the template grid. Forward this is rotation . shear . anisotropic scale.
    sx = _UP / (scale * np.sqrt(aspect))
    sy = _UP * np.sqrt(aspect) / scale
    cos, sin = np.cos(theta), np.sin(theta)
    a, b = sx * (cos + shear * sin), sx * (sin - shear * cos)
    c, d = -sy * sin, sy * cos
    # x = a*(gx - shift_x) + b*(gy - shift_y) + centre splits into a column term
    # (depends on gx only) plus a row term (gy and constants), so the full
    # (n, 28, 28) grid is one broadcast add. +0.5 makes floor() round to nearest.
    grid = np.arange(SIZE, dtype=np.float32) - (SIZE - 1) / 2
    centre = (_T - 1) / 2 + 0.5
    x_col, y_col = a[:, None] * grid, c[:, None] * grid
    x_row = b[:, None] * grid + (centre - a * shift_x - b * shift_y)[:, None]
    y_row = d[:, None] * grid + (centre - c * shift_x - d * shift_y)[:, None]
    # Offset of each image's template in the flat table; < 2**24, so exact in float32.
    base = (((font * len(LETTERS) + labels) * _N_WEIGHTS + weight) * _T * _T).astype(np.float32)
    gain = (ink - background) * 255
    offset = background * 255 + 0.5  # +0.5: the final float -> uint8 cast truncates
    noise *= 255 / 128  # the noise bytes below are int8, -128..127
    templates = _templates()

    out = np.empty((n, SIZE, SIZE), np.uint8)
    # Chunks of ~1000 images keep the temporaries in the CPU cache; one pass over
    # all n images at once is memory-bound and about twice as slow.
    for start in range(0, n, _CHUNK):
        s = slice(start, min(start + _CHUNK, n))
        m = s.stop - s.start
        x = x_row[s, :, None] + x_col[s, None, :]
        y = y_row[s, :, None] + y_col[s, None, :]
        # Clamp into the template: everything outside lands on its black border.
        np.floor(np.clip(x, 0, _T - 1, out=x), out=x)
        np.floor(np.clip(y, 0, _T - 1, out=y), out=y)
        y *= _T
        y += x
        y += base[s, None, None]
        img = templates[y.astype(np.intp)].astype(np.float32)
        img *= gain[s, None, None] / 255
        img += offset[s, None, None]
        raw = np.frombuffer(rng_noise.bytes(m * SIZE * SIZE), np.int8).reshape(m, SIZE, SIZE)
        img += noise[s, None, None] * raw
        out[s] = np.clip(img, 0, 255.99, out=img)  # truncation of v + 0.5 == rounding
    return out


def _mark_split(images: np.ndarray, split_id: int) -> None:
    """Nudge each image so that (sum of its pixels) % 3 == split_id, in place.

    The brightest pixel is lowered by at most 2 grey levels (invisible). Images of
    different splits then can never be byte-identical - notMNIST's train and test
    sets famously share thousands of exact copies, which inflates test accuracy.
    """
    flat = images.reshape(len(images), -1)
    rows, brightest = np.arange(len(flat)), flat.argmax(axis=1)
    excess = ((flat.sum(axis=1, dtype=np.int64) - split_id) % 3).astype(np.uint8)
    dark = flat[rows, brightest] < 2  # (never with real jitter) raise instead: no wrap
    flat[rows, brightest] = np.where(
        dark, flat[rows, brightest] + (3 - excess) % 3, flat[rows, brightest] - excess
    )


def letters(n, *, split="train", seed=0):
    """Render ``n`` notMNIST-style 28x28 images of the letters A-J.

    Each image is one letter from one of matplotlib's bundled fonts, white on
    black, with random rotation, scale, stretch, shear, shift, stroke weight,
    contrast and noise.

    Parameters
    ----------
    n : int
        Number of images, >= 1.
    split : {"train", "valid", "test"}, default "train"
        ``"train"`` and ``"valid"`` draw from the same fonts (``FONTS_BY_SPLIT``) with
        different random streams; ``"test"`` uses fonts that train never sees, so
        test accuracy measures generalization to new fonts. No image appears in two
        splits (each image's pixel sum encodes its split modulo 3), and no image
        repeats within a call.
    seed : int, default 0
        Non-negative seed. The same ``(n, split, seed)`` gives the same bytes, and
        ``letters(k)`` is the first ``k`` images of ``letters(n)`` for k <= n.

    Returns
    -------
    images : ndarray of uint8, shape (n, 28, 28)
        Grey levels 0-255, glyph bright on a dark background.
    labels : ndarray of int64, shape (n,)
        Class ids 0-9 for ``LETTERS[label]``. Every block of 10 consecutive images
        holds each letter once (in random order), so classes are balanced to
        within one image.

    Notes
    -----
    Difficulty is tuned to notMNIST's (see ``_JITTER``). Measured with
    scikit-learn ``LogisticRegression()`` (multinomial, lbfgs, C=1.0) on pixels
    scaled as ``(images - 128) / 128``, trained on ``letters(20_000, seed=0)``:
    train 98.0%, valid 91.1% (5,000 images), test 89.4% (10,000 images; 89.7%
    with seed=1). Expect about 88-90% on test from a well-trained linear model,
    more from a network. Train/valid share fonts, so valid is a little easier
    than test. Rendering uses FreeType through matplotlib: another FreeType
    build may change some pixel values, never the difficulty.

    Images are drawn in chunks from precomputed glyph templates, so 20,000 take
    a few tenths of a second; the first call renders the templates (< 1 s).

    Examples
    --------
    >>> images, labels = letters(1000, split="test", seed=0)
    >>> images.shape, images.dtype, labels.dtype
    ((1000, 28, 28), dtype('uint8'), dtype('int64'))
    >>> np.bincount(labels).tolist()
    [100, 100, 100, 100, 100, 100, 100, 100, 100, 100]
    >>> "".join(LETTERS[i] for i in labels[:10])
    'DGJBECFIHA'
    """
    n = check_positive_int(n, "n")
    split_id = _check_split(split)
    seed = check_positive_int(seed, "seed", minimum=0)
    font_ids = np.array([_ALL_FONTS.index(f) for f in FONTS_BY_SPLIT[split]])

    seq = np.random.SeedSequence([seed, split_id])
    rng_labels, rng_params, rng_noise = (np.random.default_rng(s) for s in seq.spawn(3))
    n_blocks = -(-n // len(LETTERS))
    labels = rng_labels.random((n_blocks, len(LETTERS))).argsort(axis=1).ravel()[:n]
    images = _draw((rng_params, rng_noise), n, font_ids, labels)
    _mark_split(images, split_id)

    # Re-draw exact repeats (first occurrence wins) from a stream keyed by the
    # image's position, so the prefix property above still holds. With noise and
    # continuous jitter a repeat is vanishingly rare; this makes it impossible.
    seen: dict[bytes, int] = {}
    for i in range(n):
        attempt = 0
        while (key := images[i].tobytes()) in seen:
            if attempt == 100:  # only reachable if the jitter is switched off
                raise RuntimeError(f"cannot draw {n} distinct images with the current jitter")
            retry = np.random.SeedSequence([seed, split_id, i, attempt]).spawn(2)
            images[i] = _draw(
                [np.random.default_rng(s) for s in retry], 1, font_ids, labels[i : i + 1]
            )[0]
            _mark_split(images[i : i + 1], split_id)
            attempt += 1
        seen[key] = i
    return images, labels.astype(np.int64)
