"""The course's exercises: write or predict, then ``check``; ``hint`` and ``solution`` on request.

Each exercise cell holds a stub the learner edits, and the cell after it checks it::

    def my_softmax(x):
        ...

    exercises.check("softmax", my_softmax)

The stub convention: a value answer is ``...`` (Ellipsis) until the learner writes a
number; a function answer is a function whose body, read from its source's syntax
tree, is only ``...``, ``pass``, a docstring or ``raise NotImplementedError``. A stub
gets "Not attempted yet" (``correct is None``), never an error, so the notebook as
shipped runs clean. Any other answer is run on cases chosen to expose the typical
mistakes (huge and -inf scores, batches, shapes, finite differences), and the first
failure comes back as one sentence. Whatever the answer does (raise anything, exit,
print, warn, return an object that cannot be converted or printed, run for longer
than ``_guard.TIME_LIMIT`` seconds) ends in that sentence; only a KeyboardInterrupt
goes through.

Hints are graded: ``hint(name)`` is a first nudge, ``hint(name, level=2)`` a closer
one, and ``solution(name)`` the reference solution.

Examples
--------
>>> from dlbasics import exercises
>>> exercises.NAMES[:3]
('softmax', 'sigmoid', 'scale_for_certainty')
>>> def my_softmax(x): ...
>>> print(exercises.check("softmax", my_softmax))
Not attempted yet: edit the cell that defines my_softmax.
>>> import numpy as np
>>> def my_softmax(x):
...     return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)
>>> exercises.check("softmax", my_softmax).correct
False
"""

from __future__ import annotations

from ._core import Exercise, Feedback, Note, evaluate, source_of
from .nb01_softmax import EXERCISES as _NB01
from .nb02_cross_entropy import EXERCISES as _NB02
from .nb03_numerics import EXERCISES as _NB03
from .nb04_initialization import EXERCISES as _NB04
from .nb05_training import EXERCISES as _NB05
from .nb06_network import EXERCISES as _NB06

#: Every exercise by name, in course order.
EXERCISES: dict[str, Exercise] = {
    ex.name: ex for ex in _NB01 + _NB02 + _NB03 + _NB04 + _NB05 + _NB06
}
#: Every exercise name, in course order.
NAMES: tuple[str, ...] = tuple(EXERCISES)

__all__ = ["EXERCISES", "NAMES", "Exercise", "Feedback", "Note", "check", "hint", "solution"]


def _exercise(name) -> Exercise:
    if not isinstance(name, str):
        raise TypeError(f"name must be an exercise name (a str), got {type(name).__name__}")
    if name not in EXERCISES:
        raise ValueError(f"unknown exercise {name!r}; the exercises are: {', '.join(NAMES)}")
    return EXERCISES[name]


def check(name: str, answer) -> Feedback:
    """Check ``answer`` for exercise ``name``: a verdict and one sentence.

    Parameters
    ----------
    name : str
        One of :data:`NAMES`.
    answer : function or number
        The learner's function (e.g. ``my_softmax``, not ``my_softmax(x)``) or value.
        The untouched stub (``...`` or a function whose body is ``...``) is "not
        attempted yet".

    Returns
    -------
    Feedback
        ``.correct`` is True, False or None (not attempted); ``.message`` says what
        input failed, what came out and what to look at. Exceptions (SystemExit
        too), warnings and prints of ``answer`` are reported there, never raised or
        shown; an answer still running after ``_guard.TIME_LIMIT`` seconds is stopped
        (where a SIGALRM can be armed: the main thread on Linux and macOS). Only a
        KeyboardInterrupt is raised.

    Examples
    --------
    >>> print(check("untrained_loss", 1.0))
    Incorrect: you answered 1: that is log base 10 of 10; the loss uses the natural log, ln.
    """
    return evaluate(_exercise(name), answer)


def hint(name: str, level: int = 1) -> Note:
    """A hint towards exercise ``name``'s answer, without giving it away.

    ``level=1`` (the default) is a first nudge: what to think about. ``level=2`` is a
    closer hint, nearer the method; after it, :func:`solution` shows the solution.

    Examples
    --------
    >>> print(hint("untrained_loss"))  # doctest: +NORMALIZE_WHITESPACE
    Hint for untrained_loss
    <BLANKLINE>
    Equal logits give equal probabilities. How much does each of the 10 classes get?
    <BLANKLINE>
    Still stuck? exercises.hint("untrained_loss", level=2) gives a closer hint.
    """
    exercise = _exercise(name)
    if isinstance(level, bool) or not isinstance(level, int) or level not in (1, 2):
        raise ValueError(f"level must be 1 (a first nudge) or 2 (a closer hint), got {level!r}")
    if level == 1:
        follow = f'Still stuck? exercises.hint("{name}", level=2) gives a closer hint.'
        return Note(f"Hint for {name}", exercise.hint, next=follow)
    follow = f'Still stuck? exercises.solution("{name}") shows a reference solution.'
    return Note(f"Closer hint for {name}", exercise.closer_hint or exercise.hint, next=follow)


def solution(name: str) -> Note:
    """The reference solution of exercise ``name``: why it works, and its code.

    Examples
    --------
    >>> print(solution("logit_std"))  # doctest: +ELLIPSIS
    Solution for logit_std
    ...
    def logit_std(norm_x=20.0, sigma=0.01):
    ...
    """
    exercise = _exercise(name)
    return Note(f"Solution for {name}", exercise.explanation, source_of(exercise.reference))
