"""Notebook 03: predict a round-off exactly; normalize pixels without uint8 wrap-around."""

from __future__ import annotations

import numpy as np

from ..numerics import add_repeatedly
from ._core import (
    Exercise,
    Mistake,
    as_array,
    as_number,
    call,
    function_answer,
    reject_known_wrong,
    show,
)
from ._core import warned_suffix as _w


def round_off_prediction():
    gap = np.spacing(1e9)  # 2**-23: the distance between neighbouring floats near 1e9
    steps = round(2e-7 / gap)  # 2e-7 is 1.68 gaps: each addition rounds to 2 gaps
    prediction = 1000 * steps * gap
    assert prediction == add_repeatedly(1e9, 2e-7, 1000) - 1e9
    return prediction


def _diagnose_round_off(answer) -> None:
    value = as_number(answer, "the exact value of add_repeatedly(1e9, 2e-7, 1000) - 1e9")
    gap = np.spacing(1e9)
    if value == round_off_prediction():
        return
    known = [
        (
            2e-4,
            "that is the exact-arithmetic answer, but each addition rounds to the nearest "
            "float, and near 1e9 floats are np.spacing(1e9) = 2**-23 apart",
        ),
        (
            1000 * gap,
            "that is one gap per addition, but 2e-7 is 1.68 gaps and rounds to the "
            "nearest float, 2 gaps up",
        ),
        (0.0, "2e-7 is more than half a gap (2**-23), so every addition moves the sum"),
    ]
    reject_known_wrong(value, known, rtol=1e-9, atol=1e-300)
    if np.isclose(value, round_off_prediction(), rtol=1e-3):
        raise Mistake(
            f"{value!r} is close but not exact: it is a whole number of gaps, "
            "write it as 1000 * k * 2**-23."
        )
    raise Mistake(
        f"{value!r} is not it: how many gaps 2**-23 is 2e-7, rounded to the nearest "
        "whole number, and how many additions are there?"
    )


def normalize_pixels(images):
    return (np.asarray(images).astype(np.float32) - 128) / 128  # float first: no uint8 wrap


def _diagnose_pixels(answer) -> None:
    f = function_answer(answer, "my_normalize(images)")
    cases = [
        np.array([0, 128, 255], dtype=np.uint8),
        np.array([[0, 64], [192, 255]], dtype=np.uint8),
        np.array([10.0, 128.0, 250.0], dtype=np.float32),
    ]
    for images in cases:
        label = f"my_normalize({show(images)}, dtype {images.dtype})"
        given = images.copy()  # passed as is, to see whether the function changes it
        out, warned = call(f, label, given, copy_args=False)
        if not np.array_equal(given, images):
            raise Mistake(
                f"{label} changed its input in place: the caller's images would be lost - "
                "compute into a new array (x = images.astype(np.float32), then work on x)."
            )
        out = as_array(out, label, images.shape)
        expected = normalize_pixels(images)
        got = f"{label} returned {show(out)}{_w(warned)}"
        if np.allclose(out, expected, atol=1e-6) and not warned:
            continue
        wrapped = ((images.astype(np.int64) - 128) % 256) / 128
        if np.allclose(out, wrapped):
            raise Mistake(
                f"{got}: in uint8 arithmetic 0 - 128 wraps around to 128 - convert to float "
                "first (images.astype(np.float32)), then subtract 128."
            )
        if np.allclose(out, np.floor((images.astype(float) - 128) / 128)):
            raise Mistake(f"{got}: only whole numbers - that is floor division //, use /.")
        if np.allclose(out, (images.astype(float) - 128) / 255):
            raise Mistake(f"{got}: values only reach about +-0.5 - divide by 128, not 255.")
        if np.allclose(out, images.astype(float) / 255):
            raise Mistake(
                f"{got}: that maps to [0, 1]; the course centres on 0 with (C - 128) / 128."
            )
        raise Mistake(f"{got}, expected {show(expected)}: (C - 128) / 128 in floating point.")


EXERCISES = [
    Exercise(
        name="round_off_prediction",
        notebook="03_numerical_stability",
        stub="round_off = ...",
        answer_name="round_off",
        hint="Floats near 1e9 are not 2e-7 apart: what is the gap between neighbouring floats "
        "there? np.spacing tells you.",
        closer_hint="Each addition lands the sum on the nearest float. Express 2e-7 in gaps of "
        "np.spacing(1e9), round it to a whole number of gaps, and count the additions.",
        explanation="2e-7 is 1.68 gaps of 2**-23, so each of the 1000 additions moves the sum by "
        "exactly 2 gaps: 1000 * 2 * 2**-23 = 2.384185791015625e-04, not 2e-4.",
        passed="exactly 1000 * 2 * 2**-23: each addition rounds up to 2 gaps.",
        reference=round_off_prediction,
        diagnose=_diagnose_round_off,
    ),
    Exercise(
        name="normalize_pixels",
        notebook="03_numerical_stability",
        stub="def my_normalize(images):\n    ...",
        answer_name="my_normalize",
        hint="What is 0 - 128 in uint8, the images' dtype? Try np.uint8(0) - np.uint8(128).",
        closer_hint="Change the dtype to a floating-point type before any arithmetic, then "
        "centre on 128 and scale so the values lie in [-1, 1). Work on a new array: the one "
        "you are given must not change.",
        explanation="In uint8, 0 - 128 wraps around to 128; converting first keeps -128.",
        passed="no wrap-around, floats out, input left untouched.",
        reference=normalize_pixels,
        diagnose=_diagnose_pixels,
    ),
]
