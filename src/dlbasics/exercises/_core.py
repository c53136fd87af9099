"""The machinery behind every exercise: run learner code safely, and say what went wrong.

An exercise's ``diagnose(answer)`` walks through its cases and raises :class:`Mistake`
with one sentence at the first failure, or :class:`NotAttempted` for an untouched stub;
:func:`evaluate` turns that into a :class:`Feedback`. Learner code runs through
:func:`call`, which catches its exceptions, warnings and numpy floating-point errors.
"""

from __future__ import annotations

import copy
import html
import inspect
import numbers
import textwrap
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


class Mistake(Exception):
    """The first failed case; the message is the feedback sentence the learner reads."""


class NotAttempted(Exception):
    """The answer is still the stub: ``...`` or a function whose body is ``...``/``pass``."""


def _stub_ellipsis(*args): ...


def _stub_pass(*args):
    pass


# A function whose body is only `...`, `pass` or a docstring compiles to the same bytecode.
_STUB_CODES = {_stub_ellipsis.__code__.co_code, _stub_pass.__code__.co_code}


@dataclass(frozen=True)
class Exercise:
    """One exercise: what the learner writes, how it is checked, and its reference solution.

    ``stub`` is the exercise cell as shipped and ``check_cell`` the cell after it;
    ``reference`` is the solution (for a value exercise: a function computing the value);
    ``diagnose(answer)`` raises :class:`Mistake` or :class:`NotAttempted`, else returns.
    """

    name: str
    notebook: str
    stub: str
    answer_name: str
    hint: str
    explanation: str
    passed: str
    reference: Callable
    diagnose: Callable

    @property
    def check_cell(self) -> str:
        return f'exercises.check("{self.name}", {self.answer_name})'


_STYLES = {  # verdict -> (label, border colour, background)
    True: ("Correct", "#2e7d32", "#e8f5e9"),
    False: ("Incorrect", "#c62828", "#fdecea"),
    None: ("Not attempted yet", "#757575", "#f2f2f2"),
}


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: ``correct`` is True, False or None (not attempted yet).

    Prints as plain text starting with "Correct", "Incorrect:" or "Not attempted yet",
    and shows in Jupyter as a short coloured block with the same text.
    """

    name: str
    correct: bool | None
    message: str

    def __str__(self) -> str:
        return f"{_STYLES[self.correct][0]}: {self.message}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        label, border, background = _STYLES[self.correct]
        return (
            f'<div style="border-left: 6px solid {border}; background: {background}; '
            f'color: #1a1a1a; padding: 6px 10px; margin: 4px 0">'
            f"<b>{label}:</b> {html.escape(self.message)}</div>"
        )


@dataclass(frozen=True)
class Note:
    """A hint or a solution: a title, a few sentences and optionally code, shown on request."""

    title: str
    text: str
    code: str = ""

    def __str__(self) -> str:
        return "\n\n".join(part for part in (self.title, self.text, self.code) if part)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        code = f"<pre>{html.escape(self.code)}</pre>" if self.code else ""
        return (
            '<div style="border-left: 6px solid #1565c0; background: #e3f2fd; '
            f'color: #1a1a1a; padding: 6px 10px; margin: 4px 0"><b>{html.escape(self.title)}</b>'
            f"<p>{html.escape(self.text)}</p>{code}</div>"
        )


def source_of(function: Callable) -> str:
    """The source code of a reference solution, without the module's indentation."""
    return textwrap.dedent(inspect.getsource(function)).strip()


def evaluate(exercise: Exercise, answer) -> Feedback:
    """Run ``exercise.diagnose`` on ``answer`` and turn the outcome into a :class:`Feedback`."""
    if answer is Ellipsis:
        return Feedback(exercise.name, None, f"edit the cell that defines {exercise.answer_name}.")
    try:
        exercise.diagnose(answer)
    except NotAttempted:
        return Feedback(exercise.name, None, f"edit the cell that defines {exercise.answer_name}.")
    except Mistake as mistake:
        return Feedback(exercise.name, False, str(mistake))
    return Feedback(exercise.name, True, exercise.passed)


# ------------------------------------------------------------- running learner code


def show(value) -> str:
    """A short printable form of an input or output, for feedback sentences."""
    if isinstance(value, np.ndarray) or isinstance(value, list | tuple):
        try:
            arr = np.asarray(value)
        except ValueError:  # a ragged list: its repr says it best
            return repr(value)
        if arr.dtype.kind in "fiu":
            text = np.array2string(arr, precision=4, separator=", ", threshold=12)
            return " ".join(text.split())
    if isinstance(value, float | np.floating):
        return f"{float(value):.6g}"
    return repr(value)


def function_answer(answer, example: str) -> Callable:
    """Return ``answer`` if it is a function the learner wrote; stubs raise NotAttempted."""
    if not callable(answer):
        raise Mistake(
            f"expected a function like {example}, got {type(answer).__name__}: pass the "
            "function itself, without calling it (no parentheses)."
        )
    code = getattr(answer, "__code__", None)
    if code is not None and code.co_code in _STUB_CODES:
        raise NotAttempted
    return answer


def call(
    fn: Callable,
    label: str,
    *args,
    advice: Callable[[Exception], str] | None = None,
    copy_args: bool = True,
):
    """Call learner code ``fn(*args)`` on copies of ``args``; return ``(result, warned)``.

    ``warned`` is the text of every warning raised (numpy overflow and friends included),
    or "". An exception becomes a :class:`Mistake` naming ``label``, the exception and,
    if ``advice`` gives one, what to look at; NotImplementedError means not attempted.
    ``copy_args=False`` passes ``args`` themselves, for a check that looks at what
    ``fn`` did to them.
    """
    if copy_args:
        args = copy.deepcopy(args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
            try:
                result = fn(*args)
            except NotImplementedError:
                raise NotAttempted from None
            except Exception as err:  # any learner error becomes a sentence
                extra = (advice(err) if advice else "") or "read that error and fix the line"
                raise Mistake(
                    f"{label} raised {type(err).__name__}: {str(err).strip()} - {extra}."
                ) from None
    warned = "; ".join(sorted({str(w.message) for w in caught}))
    return result, warned


def as_array(result, label: str, shape: tuple | None) -> np.ndarray:
    """The learner's result as a float array of ``shape`` (None: any shape), or a Mistake."""
    if result is None:
        raise Mistake(f"{label} returned None: end your function with a return statement.")
    try:
        arr = np.asarray(result)
        if arr.dtype.kind not in "biuf":  # complex, text, objects: cast without a warning
            raise TypeError
        arr = arr.astype(np.float64)
    except (TypeError, ValueError):  # ValueError: a ragged list
        raise Mistake(
            f"{label} returned {type(result).__name__} {show(result)}, not an array of real "
            "numbers."
        ) from None
    if shape == () and arr.shape != ():
        raise Mistake(
            f"{label} returned an array of shape {arr.shape}: return one number (a float), "
            "not an array."
        )
    if shape is None or arr.shape == shape:
        return arr
    if arr.size == np.prod(shape) and arr.squeeze().shape != np.empty(shape).squeeze().shape:
        raise Mistake(
            f"{label} returned shape {arr.shape}, expected {shape}: the right number of "
            f"entries in the wrong shape - build the result with shape {shape} (np.zeros_like "
            "of the input), rather than a flat list or a transpose."
        )
    raise Mistake(
        f"{label} returned shape {arr.shape}, expected {shape}: check which axis you "
        "reduced and whether you kept it."
    )


def as_float(result, label: str) -> float:
    """The learner's result as one float (a size-1 array counts as its entry), or a Mistake."""
    arr = as_array(result, label, None)
    return float(as_array(arr.reshape(()) if arr.size == 1 else arr, label, ()))


def as_number(answer, what: str) -> float:
    """A learner's value answer as a float, or a Mistake naming what was expected."""
    if isinstance(answer, bool) or not (
        isinstance(answer, numbers.Real)
        or (isinstance(answer, np.ndarray) and answer.size == 1 and answer.dtype.kind in "iuf")
    ):
        raise Mistake(f"expected a number ({what}), got {type(answer).__name__} {show(answer)}.")
    value = float(np.asarray(answer).ravel()[0])
    if not np.isfinite(value):
        raise Mistake(f"expected a finite number ({what}), got {value}.")
    return value


def reject_known_wrong(value: float, known, rtol: float = 1e-3, atol: float = 0.0) -> None:
    """Raise a Mistake giving the reason of the first ``(wrong, why)`` that ``value`` matches."""
    for wrong, why in known:
        if np.isclose(value, wrong, rtol=rtol, atol=atol):
            raise Mistake(f"you answered {value:.6g}: {why}.")


def warned_suffix(warned: str) -> str:
    return f" (numpy warned: {warned})" if warned else ""
