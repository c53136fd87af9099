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
from typing import NamedTuple

import numpy as np
from matplotlib import get_data_path
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ._memory import check_memory
from ._validation import check_positive_int

__all__ = ["FONTS_BY_SPLIT", "LETTERS", "letters"]

LETTERS = "ABCDEFGHIJ"
SIZE = 28  # output images are SIZE x SIZE, like notMNIST

# Fonts in matplotlib's mpl-data/fonts/ttf that draw Latin capitals. Left out: the
# "Display" and STIX NonUni/Siz* files (no Latin letters at all), LastResort (draws
# a placeholder box), cmex10 (big delimiters). cmsy10 maps A-J to calligraphic
# capitals and cmmi10 to math italics: both are real letter shapes, like the
# decorative fonts in notMNIST, so they stay (in train only). Only files that
# matplotlib 3.7 already ships are used (cmti10 arrived in 3.11; Python 3.10 gets
# no matplotlib newer than 3.10), so every supported install renders the same set.
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
# gather per pixel: that is what makes 20,000 images take well under a second
# (one Pillow affine transform per image would take several seconds).
_UP = 4  # template pixels per output pixel
_T = _UP * SIZE  # template side (112)
_BOX = 96  # a glyph's longer side in template pixels (24 of the 28 output pixels)
_RENDER_PX = 160  # font size for measuring a glyph before rendering it to fit _BOX
_N_WEIGHTS = 4  # stroke-weight variants per glyph: thin, regular, bold, bolder
_CHUNK = 1000  # images per step: a multiple of 10 (label blocks), small enough for the cache

# Memory: the output (pixels and an int64 label per image), plus what one chunk and
# the cached templates need; refused by check_memory before anything is allocated.
_BYTES_PER_IMAGE = SIZE * SIZE + 8
_FIXED_BYTES = _CHUNK * SIZE * SIZE * 32 + len(_ALL_FONTS) * len(LETTERS) * _N_WEIGHTS * _T * _T

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


class _Jitter(NamedTuple):
    """One chunk's random draws, each an array with one entry per image."""

    font: np.ndarray  # index into the split's fonts
    weight: np.ndarray  # stroke-weight variant, 0 (thin) to _N_WEIGHTS - 1
    rotation: np.ndarray  # radians
    scale: np.ndarray  # overall size factor
    aspect: np.ndarray  # width / height stretch
    shear: np.ndarray  # horizontal shear
    shift_x: np.ndarray  # output pixels
    shift_y: np.ndarray
    ink: np.ndarray  # glyph brightness, fraction of full scale
    background: np.ndarray  # background brightness, fraction of full scale
    noise: np.ndarray  # amplitude of uniform pixel noise, fraction of full scale


def _draw_jitter(rng: np.random.Generator, m: int, n_fonts: int) -> _Jitter:
    """Draw the jitter of ``m`` images, one row of uniforms per image (in order, so
    that the draws of image i never depend on how many images follow it)."""
    u = dict(zip(_Jitter._fields, rng.random((m, len(_Jitter._fields)), np.float32).T, strict=True))
    j = _JITTER

    def between(x, bounds):
        return bounds[0] + (bounds[1] - bounds[0]) * x

    def plus_minus(x, half_width):
        return half_width * (2 * x - 1)

    return _Jitter(
        font=np.minimum((u["font"] * n_fonts).astype(np.intp), n_fonts - 1),
        weight=np.minimum((u["weight"] * _N_WEIGHTS).astype(np.intp), _N_WEIGHTS - 1),
        rotation=np.deg2rad(plus_minus(u["rotation"], j["rotate_deg"])),
        scale=between(u["scale"], j["scale"]),
        aspect=np.exp(plus_minus(u["aspect"], j["aspect"])),
        shear=plus_minus(u["shear"], j["shear"]),
        shift_x=plus_minus(u["shift_x"], j["shift_px"]),
        shift_y=plus_minus(u["shift_y"], j["shift_px"]),
        ink=between(u["ink"], j["ink"]),
        background=j["background"] * u["background"] ** 3,  # mostly near black, like notMNIST
        noise=j["noise"] * u["noise"],
    )


def _ink(path: Path, char: str, size: int) -> Image.Image:
    """``char`` drawn white on black by Pillow at ``size`` px per em, cropped to its ink."""
    font = ImageFont.truetype(str(path), size)
    canvas = Image.new("L", (2 * size, 2 * size))
    ImageDraw.Draw(canvas).text((size, size), char, fill=255, font=font, anchor="mm")
    return canvas.crop(canvas.getbbox())


def _render_glyph(path: Path, char: str) -> Image.Image:
    """One glyph with its longer side about ``_BOX`` pixels, centred on a ``_T`` x ``_T``
    black canvas (notMNIST also scales each glyph to fit its box)."""
    # Measure at a large size, then render again at the size that fits the box:
    # FreeType's own anti-aliasing beats resampling a bitmap.
    glyph = _ink(path, char, int(_RENDER_PX * _BOX / max(_ink(path, char, _RENDER_PX).size)))
    canvas = Image.new("L", (_T, _T))
    canvas.paste(glyph, ((_T - glyph.width) // 2, (_T - glyph.height) // 2))
    return canvas


def _extreme_filter(pixels: np.ndarray, size: int, extreme) -> np.ndarray:
    """Pillow's ``MinFilter(size)`` (``extreme=np.minimum``) or ``MaxFilter(size)``
    (``np.maximum``) of a 2-D uint8 array, for an odd ``size`` (as Pillow requires), edge
    pixels repeated, equal byte for byte.

    A square window's extreme is the extreme over a row window of the column
    windows' extremes: 2 (size - 1) array operations, where Pillow ranks every
    window (most of the time to render the templates, measured).
    """
    r = size // 2
    height, width = pixels.shape
    padded = np.pad(pixels, r, mode="edge")
    rows = padded[:, :width]
    for k in range(1, size):
        rows = extreme(rows, padded[:, k : k + width])
    out = rows[:height]
    for k in range(1, size):
        out = extreme(out, rows[k : k + height])
    return out


def _stroke_weights(glyph: np.ndarray) -> list[np.ndarray]:
    """Thin, regular, bold and bolder versions of ``glyph``, by grey erosion/dilation.

    One template pixel is a quarter output pixel. Thin is a blend with the eroded
    glyph: a full erosion would erase the hairline serifs of cmr10 and STIX.
    """
    eroded = Image.fromarray(_extreme_filter(glyph, 3, np.minimum))
    thin = np.asarray(Image.blend(Image.fromarray(glyph), eroded, 0.5))
    bold = _extreme_filter(glyph, 3, np.maximum)
    bolder = _extreme_filter(bold, 5, np.maximum)  # 3x3 then 5x5: 7x7, at less cost
    return [thin, glyph, bold, bolder]


@functools.cache
def _templates() -> np.ndarray:
    """Every glyph of every font in every stroke weight.

    Returns read-only uint8 of shape (fonts, letters, weights, _T, _T). Cached:
    rendering and filtering ~230 glyphs takes a few tenths of a second.
    """
    folder = Path(get_data_path(), "fonts", "ttf")
    out = np.empty((len(_ALL_FONTS), len(LETTERS), _N_WEIGHTS, _T, _T), np.uint8)
    for f, name in enumerate(_ALL_FONTS):
        path = folder / name
        if not path.is_file():
            raise FileNotFoundError(f"matplotlib font {path} is missing; reinstall matplotlib")
        for c, char in enumerate(LETTERS):
            # A box blur one output pixel (_UP template pixels) wide: the pixel's
            # footprint. Radius 1.5 weighs the five pixels 1/8, 1/4, 1/4, 1/4, 1/8.
            glyph = _render_glyph(path, char).filter(ImageFilter.BoxBlur(_UP * 3 / 8))
            out[f, c] = _stroke_weights(np.asarray(glyph))
    out.flags.writeable = False
    return out


def _sample_points(jitter: _Jitter) -> tuple[np.ndarray, np.ndarray]:
    """Where each output pixel of each image falls in its template: (rows, cols),
    float32 arrays of shape (m, SIZE, SIZE), rounded down by the caller.

    Sampling needs the inverse map, output pixel -> template pixel: undo the shift,
    then M = diag(sx, sy) @ [[1, -shear], [0, 1]] @ R(-rotation), times _UP for the
    template grid. Forward this is rotation . shear . anisotropic scale.
    """
    sx = _UP / (jitter.scale * np.sqrt(jitter.aspect))
    sy = _UP * np.sqrt(jitter.aspect) / jitter.scale
    cos, sin = np.cos(jitter.rotation), np.sin(jitter.rotation)
    a, b = sx * (cos + jitter.shear * sin), sx * (sin - jitter.shear * cos)  # M = [[a, b],
    c, d = -sy * sin, sy * cos  #                                                 [c, d]]
    a, b, c, d = (entry[:, None, None] for entry in (a, b, c, d))
    # Output pixel centres relative to the image centre, as a row (x) and a column
    # (y) per image: the (m, SIZE, SIZE) grid only appears in the final broadcast add.
    grid = np.arange(SIZE, dtype=np.float32) - (SIZE - 1) / 2
    x = grid[None, None, :] - jitter.shift_x[:, None, None]
    y = grid[None, :, None] - jitter.shift_y[:, None, None]
    centre = (_T - 1) / 2 + 0.5  # +0.5: rounding down then picks the nearest pixel
    cols = (a * x + centre) + b * y
    rows = (c * x + centre) + d * y
    return rows, cols


def _draw(
    rng_params: np.random.Generator,
    rng_noise: np.random.Generator,
    font_ids: np.ndarray,
    labels: np.ndarray,
) -> np.ndarray:
    """Render one jittered glyph per label, as uint8 of shape (len(labels), SIZE, SIZE)."""
    m = len(labels)
    jitter = _draw_jitter(rng_params, m, len(font_ids))
    rows, cols = _sample_points(jitter)
    # Nearest template pixel; clamping sends everything outside to the black border.
    rows = np.clip(rows, 0, _T - 1, out=rows).astype(np.intp)
    cols = np.clip(cols, 0, _T - 1, out=cols).astype(np.intp)
    templates = _templates()
    which = np.ravel_multi_index(
        (font_ids[jitter.font], labels, jitter.weight), templates.shape[:3]
    )
    img = templates.reshape(-1, _T, _T)[which[:, None, None], rows, cols].astype(np.float32)

    # Shade: glyph ink over the background, plus uniform noise; all in grey levels.
    img *= (jitter.ink - jitter.background)[:, None, None]
    img += (jitter.background * 255 + 0.5)[:, None, None]  # +0.5: the uint8 cast truncates
    noise = np.frombuffer(rng_noise.bytes(m * SIZE * SIZE), np.int8).reshape(m, SIZE, SIZE)
    img += (jitter.noise * 255 / 128)[:, None, None] * noise  # int8 noise is -128..127
    return np.clip(img, 0, 255.99, out=img).astype(np.uint8)


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
        test accuracy measures generalization to new fonts. With continuous jitter
        and pixel noise, an image repeating within or across splits is not
        something to expect (the tests check realistic sizes for it); notMNIST
        itself has thousands of exact train/test copies.
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

    Raises
    ------
    ValueError
        If ``n`` images (``n * 792`` bytes, plus a few MB of work space) would not
        fit in the memory the OS reports as available, or, where it reports none,
        in 8 GiB (about 10.8 million images). Checked before anything is allocated.

    Notes
    -----
    Difficulty is tuned to notMNIST's (see ``_JITTER``). Measured with
    scikit-learn ``LogisticRegression(max_iter=1000)`` (multinomial, lbfgs,
    C=1.0) on pixels scaled as ``(images - 128) / 128``, trained on
    ``letters(20_000, seed=0)``: train 98.5%, valid 90.9% (5,000 images), test 89.3%
    (10,000 images; 89.3% with seed=1). Expect about 88-90% on test from a
    well-trained linear model, more from a network. Train/valid share fonts, so
    valid is a little easier than test. Glyphs are drawn by Pillow's FreeType
    from matplotlib's bundled fonts: another FreeType build may change some pixel
    values, never the difficulty.

    Images are sampled in chunks of 1,000 from glyph templates rendered once
    (about 0.2 s on the first call), so 20,000 take about 0.3 s and the memory
    peak stays close to the size of the output.

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
    check_memory(n * _BYTES_PER_IMAGE + _FIXED_BYTES, f"n={n} images", "n")
    return _render(n, split_id, seed)


def _render(n: int, split_id: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The images and labels of :func:`letters`, for arguments it has checked."""
    font_ids = np.array([_ALL_FONTS.index(f) for f in FONTS_BY_SPLIT[_SPLITS[split_id]]])

    seq = np.random.SeedSequence([seed, split_id])
    rng_labels, rng_params, rng_noise = (np.random.default_rng(s) for s in seq.spawn(3))
    images = np.empty((n, SIZE, SIZE), np.uint8)
    labels = np.empty(n, np.int64)
    # Every stream is consumed image by image, in order, so image i depends only on
    # the draws before it: the prefix property, whatever the chunking.
    for start in range(0, n, _CHUNK):
        chunk = slice(start, min(start + _CHUNK, n))
        m = chunk.stop - chunk.start
        blocks = rng_labels.random((-(-m // len(LETTERS)), len(LETTERS)))
        labels[chunk] = blocks.argsort(axis=1).ravel()[:m]  # each block: A-J shuffled
        images[chunk] = _draw(rng_params, rng_noise, font_ids, labels[chunk])
    return images, labels
