"""Notebook 04's exercises: predict the size of the first logits; choose sigma from the data."""

from __future__ import annotations

import numpy as np

from ._core import Exercise, Mistake, as_float, as_number, call, function_answer, reject_known_wrong
from ._core import warned_suffix as _w


def logit_std(norm_x=20.0, sigma=0.01):
    # z_k = sum_i x_i W_ik is a sum of independent N(0, sigma^2 x_i^2) terms:
    # its variance is sigma^2 ||x||^2, so its std is sigma ||x||.
    return sigma * norm_x


def _diagnose_logit_std(answer) -> None:
    value = as_number(answer, "the standard deviation of the logits")
    if np.isclose(value, logit_std(), rtol=1e-3):
        return
    known = [
        (0.01**2 * 20.0**2, "that is the variance sigma^2 ||x||^2; the std is its square root"),
        (0.01 * 20.0**2, "sigma times ||x||^2 mixes a std with a variance; the std is sigma ||x||"),
        (
            0.01 * np.sqrt(784),
            "that assumes every pixel is 1; the size of x that matters is ||x|| = 20",
        ),
        (0.01, "that is the std of one weight; each logit adds up many of them, weighted by x"),
    ]
    reject_known_wrong(value, known)
    raise Mistake(
        f"{value:.4g} is not it: z_k = sum_i x_i W_ik adds independent terms of "
        "variance sigma^2 x_i^2 - what is the std of the sum?"
    )


def sigma_for_unit_logits(X):
    X = np.asarray(X, dtype=float)
    mean_square_norm = np.mean(np.sum(X**2, axis=1))  # E ||x||^2 over the rows
    return float(1 / np.sqrt(mean_square_norm))  # then std(x W) = sigma * rms ||x|| = 1


def _diagnose_sigma(answer) -> None:
    f = function_answer(answer, "my_sigma(X)")
    rng = np.random.default_rng(0)
    cases = [
        rng.normal(0.0, 3.0, size=(40, 25)),  # features far from unit variance
        rng.uniform(-1.0, 1.0, size=(30, 64)) + 0.5,  # pixel-like, not centred
    ]
    for X in cases:
        label = f"my_sigma(X of shape {X.shape})"
        out, warned = call(f, label, X)
        sigma = as_float(out, label)
        rms = np.sqrt(np.mean(np.sum(X**2, axis=1)))
        got = f"{label} returned {sigma:.4g}{_w(warned)}"
        # 1 / mean ||x|| is as good as 1 / rms ||x||: accept both, and anything within 10 %.
        if 0.9 < sigma * rms < 1.1 and not warned:
            continue
        if np.isclose(sigma, 1 / np.sqrt(X.shape[1]), rtol=1e-3):
            raise Mistake(
                f"{got}: 1/sqrt(n_features) assumes every feature has variance 1, and "
                "these don't - use the size of the rows, ||x||."
            )
        if np.isclose(sigma, 1 / (X.std() * np.sqrt(X.shape[1])), rtol=0.05):
            raise Mistake(
                f"{got}: X.std() measures the spread around the features' mean, but these "
                "inputs are not centred and the logits see the mean too - use the size of "
                "the rows, ||x||."
            )
        if np.isclose(sigma, 1 / np.linalg.norm(X), rtol=1e-3):
            raise Mistake(
                f"{got}: that is 1/||X|| of the whole matrix, which shrinks as rows are added - "
                "a logit sees one row, so use the size of a row, ||x||, averaged over the rows."
            )
        if np.isclose(sigma, 1 / rms**2, rtol=0.1):
            raise Mistake(
                f"{got}: that is 1/||x||^2 - std(x W) = sigma ||x||, so sigma is "
                "1/||x||, no square."
            )
        raise Mistake(
            f"{got}: with it the logits X @ W have std about {sigma * rms:.3g}, not 1 "
            "- std(x W) = sigma ||x||, averaged over the rows."
        )


EXERCISES = [
    Exercise(
        name="logit_std",
        notebook="04_initialization",
        stub="logit_std = ...",
        answer_name="logit_std",
        hint="Each logit is a sum of independent terms x_i W_ik; variances add.",
        closer_hint="The variance of one term x_i W_ik is x_i^2 sigma^2. Add them over i: the "
        "sum is an expression in ||x||, and the standard deviation is its square root.",
        explanation="Var(z_k) = sum_i x_i^2 sigma^2 = sigma^2 ||x||^2, so std = sigma ||x|| "
        "= 0.01 * 20 = 0.2: small logits, nearly uniform first predictions.",
        passed="sigma ||x|| = 0.01 * 20 = 0.2.",
        reference=logit_std,
        diagnose=_diagnose_logit_std,
    ),
    Exercise(
        name="sigma_for_unit_logits",
        notebook="04_initialization",
        stub="def my_sigma(X):\n    ...",
        answer_name="my_sigma",
        hint="From the previous exercise, std(x W) = sigma ||x||. Which sigma makes that 1?",
        closer_hint="The rows differ in size, so use a typical row norm: the root mean square "
        "of ||x|| over the rows (each row's norm along axis=1, squared, averaged).",
        explanation="With sigma = 1 / rms ||x|| the logits have variance sigma^2 E||x||^2 = 1, "
        "whatever the scale of the features.",
        passed="with your sigma the logits come out with standard deviation about 1.",
        reference=sigma_for_unit_logits,
        diagnose=_diagnose_sigma,
    ),
]
