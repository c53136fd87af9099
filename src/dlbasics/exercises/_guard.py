"""Run a learner's answer so that nothing it does reaches them as a traceback.

:func:`guarded` wraps one whole check: it captures what the answer prints (counting it,
keeping none of it), records the warnings that no single call caught, and stops an
answer that runs longer than :data:`TIME_LIMIT`. :func:`text_of` and :func:`error_text`
describe any object or exception in a short line, even one whose ``__repr__`` or
``__str__`` raises. Only a ``KeyboardInterrupt`` (the learner pressing stop) is let
through; every other exception, ``SystemExit`` included, becomes a sentence.

The time limit uses ``SIGALRM``, so it works only in the main thread of a POSIX
process (a Jupyter kernel runs cells there) and only when no other alarm is armed;
elsewhere a check runs without one. It interrupts Python code, and ``time.sleep``,
but not a single long numpy call, which ends first.
"""

from __future__ import annotations

import contextlib
import io
import reprlib
import signal
import threading
import warnings
from dataclasses import dataclass, field

#: Seconds one check may take in all; each reference solution needs less than 0.1 s.
TIME_LIMIT = 10.0
_MAX_TEXT = 160  # characters of any one object or error shown in a sentence
_MAX_WARNINGS = 20  # distinct warning texts kept; an answer may warn without end
_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 80


class TimeLimit(BaseException):
    """The check ran past :data:`TIME_LIMIT`; a BaseException, so ``except Exception``
    in the learner's code does not swallow it."""


#: What the guard lets through untouched.
PASS_THROUGH = (KeyboardInterrupt, TimeLimit)


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 3] + "..."


def text_of(value) -> str:
    """A short one-line repr of ``value`` that never raises."""
    try:
        return _one_line(_REPR.repr(value))
    except PASS_THROUGH:
        raise
    except BaseException as err:
        return f"<{type(value).__name__} object whose repr raised {type(err).__name__}>"


def error_text(err: BaseException) -> str:
    """``"KeyError: 'oops'"``: the exception's type and message, on one line, never raising."""
    try:
        message = _one_line(str(err))
    except PASS_THROUGH:
        raise
    except BaseException:
        message = "(its message could not be printed)"
    return f"{type(err).__name__}: {message}" if message else type(err).__name__


class _Counter(io.TextIOBase):
    """A stream that counts the lines written to it and keeps none of them."""

    def __init__(self):
        self.lines = 0

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        self.lines += str(text).count("\n")
        return len(text)


@dataclass
class WarningLog:
    """The distinct texts of the warnings raised, at most ``_MAX_WARNINGS`` of them."""

    texts: list[str] = field(default_factory=list)

    def add(self, message, *rest) -> None:  # the signature of warnings.showwarning
        try:
            text = _one_line(str(message))
        except PASS_THROUGH:
            raise
        except BaseException:
            text = "(a warning whose text could not be printed)"
        if text not in self.texts and len(self.texts) < _MAX_WARNINGS:
            self.texts.append(text)

    def __str__(self) -> str:
        return "; ".join(sorted(self.texts))


@contextlib.contextmanager
def recorded_warnings():
    """Record every warning raised inside into a :class:`WarningLog`; none escapes."""
    log = WarningLog()
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = log.add
        yield log


@dataclass
class Run:
    """What the guarded code did besides its result: lines printed, warnings left over."""

    printed: int = 0
    warned: WarningLog = field(default_factory=WarningLog)

    def note(self) -> str:
        """A sentence to append to the feedback, or ""."""
        notes = []
        if self.printed:
            notes.append(
                f"your answer printed {self.printed} line{'s' * (self.printed != 1)} while "
                "being checked, not shown here: call it yourself to see them"
            )
        if self.warned.texts:
            notes.append(f"checking its result warned: {self.warned}")
        text = "; ".join(notes)
        return f" ({text[0].upper()}{text[1:]}.)" if notes else ""


@contextlib.contextmanager
def guarded():
    """Capture prints and warnings and apply the time limit; yield a :class:`Run`."""
    run, out = Run(), _Counter()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            with recorded_warnings() as run.warned, _time_limit(TIME_LIMIT):
                yield run
    finally:
        run.printed = out.lines


def _alarm_usable() -> bool:
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0  # no one else's alarm is armed
    )


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Raise :class:`TimeLimit` in the code inside after ``seconds``, where an alarm can."""
    if not _alarm_usable():
        yield
        return

    def expired(signum, frame):
        raise TimeLimit

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            signal.signal(signal.SIGALRM, previous)
