"""Sentences for the errors that numpy code meets in any exercise.

A learner's exception becomes a sentence (``_core.call``): first the exercise's own
advice, which knows the context, then these, which know numpy's messages. Each names
the cause and the fix, in the words of the lesson.
"""

from __future__ import annotations


def common_advice(err: BaseException) -> str:
    """The sentence for an error that numpy code meets in any exercise, or "".

    >>> err = ValueError("operands could not be broadcast together with shapes (4,3) (4,)")
    >>> common_advice(err)[:32]
    'shapes (4,3) (4,) do not line up'
    """
    text = str(err)
    if "truth value of an array" in text:
        return (
            "Python's if, and, or, and its built-in max and min, want one number and met a "
            "whole array: use numpy's, which work on every entry at once - a comparison "
            "such as z > 0, np.where, np.maximum, or np.max(x, axis=-1, keepdims=True)"
        )
    if "converted to Python scalars" in text:
        return (
            "a math-module function (math.exp, math.log) or float() takes one number: use "
            "np.exp and np.log, which work on whole arrays"
        )
    shapes = text.partition("with shapes ")[2].strip()
    if "could not be broadcast together" in text and shapes:
        return (
            f"shapes {shapes} do not line up: a max or sum over one axis drops that axis, "
            "so keep it with keepdims=True (e.g. x.max(axis=-1, keepdims=True)); if neither "
            "is one, check that you combine the arrays you meant"
        )
    return ""
