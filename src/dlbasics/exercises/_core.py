"""The machinery behind every exercise: run learner code safely, and say what went wrong.

An exercise's ``diagnose(answer)`` walks through its cases and raises :class:`Mistake`
with one sentence at the first failure, or :class:`NotAttempted` for an untouched stub;
:func:`evaluate` turns that into a :class:`Feedback`. Learner code runs through
:func:`call`, which catches its exceptions, warnings and numpy floating-point errors;
:func:`evaluate` runs the whole diagnosis inside :func:`._guard.guarded`, so that what the
answer's *result* does (a raising ``__array__`` or ``__repr__``, a hang, prints) ends as
a sentence too.
"""

from __future__ import annotations

import copy
import html
import inspect
import numbers
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._guard import PASS_THROUGH, TimeLimit, error_text, guarded, recorded_warnings, text_of
from ._numpy_errors import common_advice
from ._stubs import is_stub

#: The most entries a result may have before it is converted to float64: far more than
#: any check's inputs need, far less than memory (a broadcast view can claim 10**12).
MAX_RESULT_ENTRIES = 10**6


class Mistake(Exception):
    """The first failed case; the message is the feedback sentence the learner reads."""


class NotAttempted(Exception):
    """The answer is still the stub: ``...`` or a function whose body is only placeholders."""


@dataclass(frozen=True)
class Exercise:
    """One exercise: what the learner writes, how it is checked, and its reference solution.

    ``stub`` is the exercise cell as shipped and ``check_cell`` the cell after it;
    ``reference`` is the solution (for a value exercise: a function computing the value);
    ``diagnose(answer)`` raises :class:`Mistake` or :class:`NotAttempted`, else returns.
    ``hint`` is the first nudge (what to think about) and ``closer_hint`` the second,
    nearer the method; neither gives the solution away. A value exercise whose answer is
    a point of a grid gives ``grid`` (its values) and ``grid_text`` (the grid as the
    exercise text writes it): an answer off the grid is told so before anything else.
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
    closer_hint: str = ""
    grid: tuple[float, ...] = ()
    grid_text: str = ""

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
    """A hint or a solution: a title, a few sentences, optionally code, and what to try next."""

    title: str
    text: str
    code: str = ""
    next: str = ""

    def __str__(self) -> str:
        parts = (self.title, self.text, self.code, self.next)
        return "\n\n".join(part for part in parts if part)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        code = f"<pre>{html.escape(self.code)}</pre>" if self.code else ""
        after = f"<p><i>{html.escape(self.next)}</i></p>" if self.next else ""
        return (
            '<div style="border-left: 6px solid #1565c0; background: #e3f2fd; '
            f'color: #1a1a1a; padding: 6px 10px; margin: 4px 0"><b>{html.escape(self.title)}</b>'
            f"<p>{html.escape(self.text)}</p>{code}{after}</div>"
        )


def source_of(function: Callable) -> str:
    """The source code of a reference solution, without the module's indentation."""
    return textwrap.dedent(inspect.getsource(function)).strip()


def evaluate(exercise: Exercise, answer) -> Feedback:
    """Run ``exercise.diagnose`` on ``answer`` and turn the outcome into a :class:`Feedback`.

    Whatever the answer does becomes the feedback's sentence; only a KeyboardInterrupt
    is raised.
    """
    if answer is Ellipsis:
        return Feedback(exercise.name, None, f"edit the cell that defines {exercise.answer_name}.")
    run = None
    try:
        with guarded() as run:
            correct, message = _diagnosis(exercise, answer)
    except TimeLimit:
        correct, message = (
            False,
            (
                f"the check stopped {exercise.answer_name} after {_seconds()}: it did not "
                "finish - look for a loop that never ends, or one that runs far too long."
            ),
        )
    return Feedback(exercise.name, correct, message + (run.note() if run else ""))


def _seconds() -> str:
    from . import _guard  # read at the time of the check: tests lower the limit

    return f"{_guard.TIME_LIMIT:g} s"


def _diagnosis(exercise: Exercise, answer) -> tuple[bool | None, str]:
    """The verdict and sentence of ``exercise.diagnose(answer)``, whatever it raises."""
    try:
        if exercise.grid:
            on_grid(as_number(answer, "a value from the grid"), exercise.grid, exercise.grid_text)
        exercise.diagnose(answer)
    except NotAttempted:
        return None, f"edit the cell that defines {exercise.answer_name}."
    except Mistake as mistake:
        return False, str(mistake)
    except PASS_THROUGH:
        raise
    except BaseException as err:  # from what the answer returned: its dunders, its type
        return False, (
            f"checking what {exercise.answer_name} gave raised {error_text(err)} - give "
            "plain numbers or numpy arrays, as the exercise asks."
        )
    return True, exercise.passed


# ------------------------------------------------------------- running learner code


def show(value) -> str:
    """A short printable form of an input or output, for feedback sentences; never raises."""
    try:
        if isinstance(value, np.ndarray | list | tuple):
            arr = np.asarray(value)
            if arr.dtype.kind in "fiu":
                text = np.array2string(arr, precision=4, separator=", ", threshold=12)
                return " ".join(text.split())
        if isinstance(value, float | np.floating):
            return f"{float(value):.6g}"
    except PASS_THROUGH:
        raise
    except BaseException:  # a ragged list, raising elements: the short repr says it best
        pass
    return text_of(value)


def function_answer(answer, example: str) -> Callable:
    """Return ``answer`` if it is a function the learner wrote; stubs raise NotAttempted."""
    if not callable(answer):
        raise Mistake(
            f"expected a function like {example}, got {type(answer).__name__}: pass the "
            "function itself, without calling it (no parentheses)."
        )
    if is_stub(answer):  # None, no source to read: run it like any answer
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
    or "". An exception (any, ``SystemExit`` too, but not a KeyboardInterrupt) becomes a
    :class:`Mistake` naming ``label``, the exception and, if ``advice`` gives one, what
    to look at; NotImplementedError means not attempted.
    ``copy_args=False`` passes ``args`` themselves, for a check that looks at what
    ``fn`` did to them.
    """
    if copy_args:
        args = copy.deepcopy(args)
    with recorded_warnings() as caught:
        with np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
            try:
                result = fn(*args)
            except NotImplementedError:
                raise NotAttempted from None
            except PASS_THROUGH:
                raise
            except BaseException as err:  # any learner error becomes a sentence
                raise Mistake(
                    f"{label} raised {error_text(err)} - {_advice(err, advice)}."
                ) from None
    return result, str(caught)


def _advice(err: BaseException, advice: Callable[[Exception], str] | None) -> str:
    if isinstance(err, SystemExit):
        return (
            "sys.exit() and exit() stop the program; a function gives back its result with return"
        )
    try:
        extra = (advice(err) if advice else "") or common_advice(err)
    except PASS_THROUGH:
        raise
    except BaseException:  # the error's own message could not be read
        extra = ""
    return extra or "read that error and fix the line"


def as_array(result, label: str, shape: tuple | None) -> np.ndarray:
    """The learner's result as a float array of ``shape`` (None: any shape), or a Mistake."""
    if result is None:
        raise Mistake(f"{label} returned None: end your function with a return statement.")
    try:
        arr = np.asarray(result)
        real = arr.dtype.kind in "biuf"  # not complex, text or objects
        why = ""
    except PASS_THROUGH:
        raise
    except BaseException as err:  # a ragged list, a raising __array__ or __len__
        real, why = False, f" (numpy's conversion raised {error_text(err)})"
    if not real:
        raise Mistake(
            f"{label} returned {type(result).__name__} {show(result)}, not an array of real "
            f"numbers{why}."
        )
    if shape == () and arr.shape != ():
        raise Mistake(
            f"{label} returned an array of shape {arr.shape}: return one number (a float), "
            "not an array."
        )
    if shape is None and arr.size > MAX_RESULT_ENTRIES:
        raise Mistake(
            f"{label} returned an array of shape {arr.shape}, {arr.size} entries: far more "
            "than its inputs could give - check what you return."
        )
    if shape is None or arr.shape == shape:
        return arr.astype(np.float64)
    if arr.size == np.prod(shape) and arr.squeeze().shape != np.empty(shape).squeeze().shape:
        raise Mistake(
            f"{label} returned shape {arr.shape}, expected {shape}: the right number of "
            f"entries in the wrong shape - build the result with shape {shape} (np.zeros_like "
            "of the input), rather than a flat list or a transpose."
        )
    why = "check which axis you reduced and whether you kept it"
    if arr.size == np.prod(shape):  # the same entries, an axis of length 1 more or less
        why = (
            "an axis of length 1 too many or too few - give back the input's shape "
            "(np.atleast_2d, a reshape or keepdims on the result adds one)"
        )
    raise Mistake(f"{label} returned shape {arr.shape}, expected {shape}: {why}.")


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
    try:
        value = float(np.asarray(answer).ravel()[0])
    except PASS_THROUGH:
        raise
    except BaseException as err:  # a number type whose float() raises or overflows
        raise Mistake(
            f"expected a number ({what}), got {type(answer).__name__} {show(answer)}, and "
            f"float() of it raised {error_text(err)}."
        ) from None
    if not np.isfinite(value):
        raise Mistake(f"expected a finite number ({what}), got {value}.")
    return value


def on_grid(value: float, grid, grid_text: str, rtol: float = 2e-3) -> None:
    """Raise a Mistake if ``value`` is none of the ``grid``'s points (to ``rtol``, so a
    grid value typed to three or four figures still counts)."""
    points = np.asarray(grid, dtype=float)
    nearest = points[np.argmin(np.abs(points - value))]
    if np.isclose(value, nearest, rtol=rtol):
        return
    where = (
        f"{value:.6g} is not on the exercise's grid {grid_text}, which runs from "
        f"{points.min():.4g} to {points.max():.4g}"
    )
    if float(value).is_integer() and points.max() < value < len(points):  # no value: a position
        raise Mistake(
            f"{where}; {value:.0f} looks like a position in it: the answer is the grid's value "
            f"there, grid[{value:.0f}], not its index."
        )
    raise Mistake(
        f"{where}: the answer is one of the grid's values (the nearest to yours is {nearest:.4g})."
    )


def reject_known_wrong(value: float, known, rtol: float = 1e-3, atol: float = 0.0) -> None:
    """Raise a Mistake giving the reason of the first ``(wrong, why)`` that ``value`` matches."""
    for wrong, why in known:
        if np.isclose(value, wrong, rtol=rtol, atol=atol):
            raise Mistake(f"you answered {value:.6g}: {why}.")


def warned_suffix(warned: str) -> str:
    return f" (numpy warned: {warned})" if warned else ""
