"""Hostile answers to every exercise (issue 19.2): whatever an answer or its result does, the
learner reads one sentence, never a traceback; only a KeyboardInterrupt goes through.

One row per (exercise, answer kind). Function kinds are tried on every function exercise,
value kinds on every value exercise, so a new exercise is covered as soon as it is registered.
Each row must give a Feedback that is not "Correct" (unless the kind is a right answer that
also prints), prints nothing, leaks no warning, shows no traceback; an answer
that hangs is stopped by the time limit, and the sentence says so.
"""

from __future__ import annotations

import fractions
import numbers
import sys
import time
import warnings

import numpy as np
import pytest

from dlbasics import exercises
from dlbasics.exercises import EXERCISES, NAMES, _guard

FUNCTIONS = [name for name in NAMES if EXERCISES[name].stub.startswith("def ")]
VALUES = [name for name in NAMES if name not in FUNCTIONS]
HANG_LIMIT = 0.5  # seconds: the check's time limit, lowered for the table
HANG_FOR = 4.0  # how long a "hanging" answer would run if nothing stopped it
HANGS = ("hangs in a loop", "sleeps")  # the answers only the time limit can stop


class _Boom(Exception):
    pass


class _Quit(BaseException):
    """Not an Exception: an answer's own BaseException subclass."""


class _UnprintableError(Exception):
    def __str__(self):
        raise RuntimeError("str of the error raised")


def _hostile(*raising, sequence=False, real=False):
    """An object whose dunders named in ``raising`` raise; a ``sequence`` also has a length
    and items, a ``real`` one is registered as a real number (so ``float`` is tried)."""

    def raises(name):
        def method(self, *args, **kwargs):
            raise _Boom(f"{name} raised")

        return method

    namespace = {"__float__": lambda self: 0.5}
    if sequence:
        namespace |= {"__len__": lambda self: 3, "__getitem__": lambda self, i: 0.1}
    namespace |= {name: raises(name) for name in raising}
    cls = type("Hostile", (), namespace)
    if real:
        numbers.Real.register(cls)
    return cls()


_ALL = ("__array__", "__float__", "__len__", "__getitem__", "__repr__", "__str__")


class _HostileCallable:
    """An answer that is callable but whose attribute lookups raise."""

    def __call__(self, *args):
        return np.zeros(3)

    def __getattr__(self, name):
        raise _Boom(f"no {name} here")


def _stuck(*args):
    end = time.monotonic() + HANG_FOR
    while time.monotonic() < end:
        pass
    return None


def _sleeps(*args):
    time.sleep(HANG_FOR)


def _recurse(*args):
    return _recurse(*args)


def _raising(error):
    def answer(*args):
        raise error

    return answer


def _returning(value):
    def answer(*args):
        return value() if callable(value) else value

    return answer


def _printing_reference(name):
    def answer(*args):
        for i in range(100):
            print("debugging line", i)
        print("to stderr", file=sys.stderr)
        return EXERCISES[name].reference(*args)

    return answer


def _warning(category):
    def answer(*args):
        warnings.warn("the answer warns", category, stacklevel=1)
        return np.zeros(3)

    return answer


def _broadcast_huge():
    return np.broadcast_to(np.uint8(0), (10**6, 10**6))  # 10**12 entries, no memory


FUNCTION_KINDS = {
    "raises ValueError": _raising(ValueError("bad")),
    "calls sys.exit": lambda *a: sys.exit(3),
    "raises SystemExit()": _raising(SystemExit()),
    "raises a BaseException subclass": _raising(_Quit("quit")),
    "raises GeneratorExit": _raising(GeneratorExit()),
    "raises StopIteration": _raising(StopIteration()),
    "raises MemoryError": _raising(MemoryError()),
    "raises an unprintable error": _raising(_UnprintableError()),
    "recurses forever": _recurse,
    "hangs in a loop": _stuck,
    "sleeps": _sleeps,
    "warns UserWarning": _warning(UserWarning),
    "warns DeprecationWarning": _warning(DeprecationWarning),
    "warns RuntimeWarning": _warning(RuntimeWarning),
    "returns None": _returning(None),
    "returns raising __array__": _returning(lambda: _hostile("__array__")),
    "returns raising __float__": _returning(lambda: _hostile("__float__")),
    "returns raising __len__": _returning(lambda: _hostile("__len__", sequence=True)),
    "returns raising __getitem__": _returning(lambda: _hostile("__getitem__", sequence=True)),
    "returns raising __repr__/__str__": _returning(lambda: _hostile("__repr__", "__str__")),
    "returns all raising": _returning(lambda: _hostile(*_ALL, sequence=True)),
    "returns a pair of raising objects": _returning(
        lambda: (_hostile("__array__", "__repr__"), _hostile("__array__", "__repr__"))
    ),
    "returns a list of unprintables": _returning(lambda: [_hostile("__repr__", "__float__")] * 3),
    "returns a generator": _returning(lambda: (i for i in range(3))),
    "returns a string": _returning("0.1 0.2 0.7"),
    "returns a dict": _returning({"p": 1}),
    "returns a set": _returning({1, 2}),
    "returns a huge int": _returning(10**5000),
    "returns a complex array": _returning(np.array([0.5j, 0.5, 0.0])),
    "returns an object array": _returning(np.array([None, 1, "x"], dtype=object)),
    "returns a 10**12-entry view": _returning(_broadcast_huge),
    "returns NaNs": _returning(lambda: np.full(3, np.nan)),
    "returns itself": lambda *a: _recurse,
}

# Answers that are themselves odd, not odd functions.
ODD_ANSWERS = {
    "a callable whose attributes raise": _HostileCallable(),
    "a builtin (no source)": np.exp,
    "a class": dict,
    "a function of no arguments": lambda: 1.0,
    "an unprintable non-callable": _hostile(*_ALL, sequence=True),
}

VALUE_KINDS = {
    "None": None,
    "a string": "0.2",
    "a list": [0.2],
    "a bool": True,
    "a complex": 0.2 + 1j,
    "nan": float("nan"),
    "-inf": -np.inf,
    "a huge int": 10**5000,
    "a Real whose float raises": _hostile("__float__", real=True),
    "a Real whose repr and float raise": _hostile("__float__", "__repr__", "__str__", real=True),
    "an object whose __array__ raises": _hostile("__array__"),
    "a sequence whose __len__ raises": _hostile("__len__", sequence=True),
    "an unprintable object": _hostile(*_ALL, sequence=True),
    "a 10**12-entry view": _broadcast_huge(),
    "an object array": np.array([None], dtype=object),
    "a function": lambda: 0.2,
    "a Fraction": fractions.Fraction(1, 7),
}

ROWS = (
    [(name, kind) for name in FUNCTIONS for kind in FUNCTION_KINDS]
    + [(name, kind) for name in FUNCTIONS for kind in ODD_ANSWERS]
    + [(name, kind) for name in VALUES for kind in VALUE_KINDS]
)


def _answer(name, kind):
    if name in FUNCTIONS:
        return FUNCTION_KINDS.get(kind) or ODD_ANSWERS[kind]
    return VALUE_KINDS[kind]


@pytest.mark.parametrize(("name", "kind"), ROWS, ids=[f"{n}-{k}" for n, k in ROWS])
def test_a_hostile_answer_gets_one_sentence(name, kind, capfd, monkeypatch):
    monkeypatch.setattr(_guard, "TIME_LIMIT", HANG_LIMIT)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning that escapes the check fails the row
        feedback = exercises.check(name, _answer(name, kind))
    text = str(feedback)
    assert isinstance(feedback, exercises.Feedback)
    assert feedback.correct is not True, text
    assert "Traceback" not in text and "\n" not in text and len(text) < 800, text
    assert text.startswith(("Incorrect: ", "Not attempted yet: ")), text
    assert capfd.readouterr() == ("", ""), "the answer printed past the check"
    if kind in HANGS:  # stopped by the limit, not left to finish: it would return None
        stopped = f"the check stopped {EXERCISES[name].answer_name} after {HANG_LIMIT:g} s"
        assert stopped in text, text


@pytest.mark.parametrize("name", FUNCTIONS)
def test_a_right_answer_that_prints_is_correct_and_its_prints_are_counted(name, capfd):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        feedback = exercises.check(name, _printing_reference(name))
    assert feedback.correct is True, str(feedback)
    assert "printed" in feedback.message and "\n" not in str(feedback)
    assert capfd.readouterr() == ("", "")


@pytest.mark.parametrize("name", FUNCTIONS)
def test_keyboard_interrupt_goes_through(name):
    with pytest.raises(KeyboardInterrupt):
        exercises.check(name, _raising(KeyboardInterrupt()))


def test_the_table_covers_every_exercise_and_counts_its_rows():
    assert {name for name, _ in ROWS} == set(NAMES)
    assert len(ROWS) == len(FUNCTIONS) * (len(FUNCTION_KINDS) + len(ODD_ANSWERS)) + len(
        VALUES
    ) * len(VALUE_KINDS)


@pytest.mark.slow
def test_in_a_kernel_a_docstring_stub_a_hang_prints_and_an_exit_each_get_a_sentence():
    """In ipykernel the cell's source comes from linecache and the alarm from the main thread."""
    import nbclient
    import nbformat

    v4 = nbformat.v4
    setup = "from dlbasics import exercises\nfrom dlbasics.exercises import _guard\n"
    answers = [
        'def my_softmax(x):\n    """Write softmax here."""',
        "def my_softmax(x):\n    while True:\n        pass",
        "import scipy.special\ndef my_softmax(x):\n    print('debug')\n"
        "    return scipy.special.softmax(x, axis=-1)",
        "import sys\ndef my_softmax(x):\n    sys.exit(1)",
    ]
    check = 'print(exercises.check("softmax", my_softmax))'
    nb = v4.new_notebook(cells=[v4.new_code_cell(f"{setup}_guard.TIME_LIMIT = {HANG_LIMIT}")])
    for answer in answers:
        nb.cells += [v4.new_code_cell(answer), v4.new_code_cell(check)]
    nbclient.NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    checks = nb.cells[2::2]
    assert [len(c.outputs) for c in checks] == [1, 1, 1, 1]  # nothing else printed
    said = [c.outputs[0].text.strip() for c in checks]
    assert said[0].startswith("Not attempted yet")
    assert said[1].startswith("Incorrect: the check stopped my_softmax after 0.5 s")
    assert said[2].startswith("Correct") and "printed 8 lines" in said[2]
    assert said[3].startswith("Incorrect") and "raised SystemExit: 1" in said[3]
