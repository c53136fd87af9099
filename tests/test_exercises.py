"""The exercises: references pass, stubs are not attempted, each mistake gets its own sentence."""

from __future__ import annotations

import glob
import linecache
import shutil
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.special

from dlbasics import exercises
from dlbasics.exercises import EXERCISES, NAMES

FUNCTIONS = [name for name in NAMES if EXERCISES[name].stub.startswith("def ")]
SCALE_GRID = np.geomspace(0.01, 100, 401)
VALUES = [name for name in NAMES if name not in FUNCTIONS]


def reference_answer(name):
    ref = EXERCISES[name].reference
    return ref if name in FUNCTIONS else ref()


def checked(name, answer):
    """check() with every warning turned into an error: none may escape from learner code."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return exercises.check(name, answer)


def test_names_in_course_order_include_the_three_mandated_functions():
    notebooks = [EXERCISES[name].notebook for name in NAMES]
    assert notebooks == sorted(notebooks)
    for nb in set(notebooks):
        assert 2 <= notebooks.count(nb) <= 4, nb
    assert {"softmax", "cross_entropy_from_logits", "gradients"} <= set(FUNCTIONS)


@pytest.mark.parametrize("name", NAMES)
def test_reference_solution_passes(name):
    feedback = checked(name, reference_answer(name))
    assert feedback.correct is True, str(feedback)
    assert str(feedback).startswith("Correct")


def run_cell(source: str) -> dict:
    """Run ``source`` as a notebook cell does: IPython keeps each cell's code in linecache."""
    filename = f"<cell-{len(linecache.cache)}-{hash(source)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {"np": np}
    exec(compile(source, filename, "exec"), namespace)
    return namespace


@pytest.mark.parametrize("name", NAMES)
def test_the_stub_is_not_attempted(name):
    exercise = EXERCISES[name]
    namespace = run_cell(exercise.stub)  # the exercise cell exactly as shipped
    feedback = checked(name, namespace[exercise.answer_name])
    assert feedback.correct is None
    assert str(feedback).startswith("Not attempted yet")


STUB_BODIES = [
    "...",
    "pass",
    '"""Write it here."""',
    '"""Write it here."""\n    ...',
    "# your code here\n    pass",
    "raise NotImplementedError",
    'raise NotImplementedError("write me")',
    '"""Doc."""\n    raise NotImplementedError()',
]
NOT_STUB_BODIES = ["return None", '"""Doc."""\n    return x', "print(x)\n    ...", "x = 1"]


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("body", STUB_BODIES)
def test_every_stub_form_is_not_attempted(name, body):
    cell = f"def my_answer(*args):\n    {body}\n"
    assert checked(name, run_cell(cell)["my_answer"]).correct is None, body
    assert checked(name, run_cell("my_answer = lambda *args: ...")["my_answer"]).correct is None
    assert checked(name, ...).correct is None


@pytest.mark.parametrize("body", STUB_BODIES)
def test_stubs_are_read_from_the_syntax_tree_not_from_running_them(body):
    from dlbasics.exercises._stubs import is_stub

    assert is_stub(run_cell(f"def f(x):\n    {body}\n")["f"]) is True
    for other in NOT_STUB_BODIES:
        assert is_stub(run_cell(f"def f(x):\n    {other}\n")["f"]) is False, other
    assert is_stub(run_cell("f = lambda x: ...")["f"]) is True
    assert is_stub(run_cell('f = lambda x: "text"')["f"]) is False  # a result, not a docstring
    assert is_stub(run_cell("f, g = lambda x: ..., lambda x: x")["f"]) is None  # which one?


def test_without_source_an_answer_is_run_like_any_other():
    namespace = {}
    exec("def my_softmax(x):\n    ...", namespace)  # no linecache entry: no source to read
    feedback = checked("softmax", namespace["my_softmax"])
    assert feedback.correct is False and "returned None" in feedback.message
    assert checked("softmax", np.exp).correct is False  # a builtin: run, and wrong


def _pythons() -> list[str]:
    """The project's Pythons (3.10 and later) found on this machine, this one first."""
    found = [sys.executable]
    for minor in range(10, 16):
        which = shutil.which(f"python3.{minor}")
        pyenv = glob.glob(str(Path.home() / f".pyenv/versions/3.{minor}.*/bin/python3.{minor}"))
        found += [p for p in [which, *pyenv] if p and "/shims/" not in p][:1]  # shims may refuse
    return list(dict.fromkeys(found))


def test_stub_detection_is_the_same_on_every_python_found():
    from dlbasics.exercises import _stubs

    script = textwrap.dedent(
        f"""
        import importlib.util, linecache, sys
        spec = importlib.util.spec_from_file_location("_stubs", {_stubs.__file__!r})
        stubs = importlib.util.module_from_spec(spec); spec.loader.exec_module(stubs)
        def verdict(body):
            source = "def f(x):\\n    " + body + "\\n"
            linecache.cache["<c>"] = (len(source), None, source.splitlines(True), "<c>")
            namespace = {{}}
            exec(compile(source, "<c>", "exec"), namespace)
            return stubs.is_stub(namespace["f"])
        assert all(verdict(b) is True for b in {STUB_BODIES!r}), sys.version
        assert all(verdict(b) is False for b in {NOT_STUB_BODIES!r}), sys.version
        print(sys.version_info[:2])
        """
    )
    versions = []
    for python in _pythons():
        done = subprocess.run([python, "-c", script], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (python, done.stderr)
        versions.append(done.stdout.strip())
    print("stub detection checked on", versions)


def _softmax_no_shift(x):
    e = np.exp(x)
    return e / np.sum(e, axis=-1, keepdims=True)


def _softmax_axis0(x):
    e = np.exp(x - np.max(x, axis=0))
    return e / np.sum(e, axis=0)


def _softmax_no_keepdims(x):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1)


def _softmax_all_entries(x):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e)


def _softmax_global_max(x):
    e = np.exp(x - np.max(x))
    return e / np.sum(e, axis=-1, keepdims=True)


def _log_p(logits):
    return scipy.special.log_softmax(logits, axis=-1)


def _pick(logits, labels):
    return _log_p(logits)[np.arange(len(labels)), labels]


def _grad_ref(W, b, X, y):
    return EXERCISES["gradients"].reference(W, b, X, y)


def _softmax_column_max(x):
    e = np.exp(x - np.max(x, axis=0))
    return e / np.sum(e, axis=-1, keepdims=True)


def _softmax_min_shift(x):
    e = np.exp(x - np.min(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def _softmax_hides_overflow(x):
    return np.nan_to_num(_softmax_no_shift(x))


def _one_hot(logits, labels):
    L = np.zeros_like(logits)
    L[np.arange(len(labels)), labels] = 1
    return L


def _numgrad_not_restored(loss, w, h=1e-5):
    grad = _numgrad(loss, w, h)
    w.flat[-1] -= h  # as if the last nudge were never undone
    return grad


def _normalize_in_place(c):
    if c.dtype.kind == "f":
        c -= 128
        c /= 128
        return c
    return (c.astype(np.float32) - 128) / 128


def _numgrad(loss, w, h=1e-5, forward=False, denominator=2):
    grad = np.zeros_like(w)
    for i in np.ndindex(w.shape):
        up, down = w.copy(), w.copy()
        up[i] += h
        down[i] -= 0 if forward else h
        grad[i] = (loss(up) - loss(down)) / (h if forward else denominator * h)
    return grad


def _sigmoid_where(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


def _hidden(W1, b1, W2, b2, X, y, mask="z", labels=True, dW2_from="h", factor=1.0, shift=True):
    """The hidden-layer gradients with one chosen mistake (the defaults are right)."""
    z = X @ W1 + b1
    h = np.maximum(z, 0)
    S = scipy.special.softmax(h @ W2 + b2, axis=-1) if shift else _softmax_no_shift(h @ W2 + b2)
    G = (S - _one_hot(S, y) if labels else S) / len(y) * factor
    dh = G @ W2.T
    dz = dh * {"z": z > 0, "dh": dh > 0, "none": 1.0}[mask]
    dW2 = (h if dW2_from == "h" else z).T @ G
    return X.T @ dz, dz.sum(axis=0), dW2, G.sum(axis=0)


def _hidden_transposed_product(W1, b1, W2, b2, X, y):
    dW1, db1, dW2, db2 = _hidden(W1, b1, W2, b2, X, y)
    return dW1.T, db1, dW2, db2


def _hidden_shape_error(W1, b1, W2, b2, X, y):
    z = X @ W1 + b1
    G = scipy.special.softmax(np.maximum(z, 0) @ W2 + b2, axis=-1)
    dh = G @ W2  # (N, K) @ (H, K): W2 not transposed
    return X.T @ dh, dh.sum(axis=0), G, G


def _hidden_per_sample_bias(W1, b1, W2, b2, X, y):
    dW1, db1, dW2, _ = _hidden(W1, b1, W2, b2, X, y)
    G = scipy.special.softmax(np.maximum(X @ W1 + b1, 0) @ W2 + b2, axis=-1)
    return dW1, db1, dW2, (G - _one_hot(G, y)) / len(y)


def _relu_backward_in_place(dout, z):
    dout[z <= 0] = 0
    return dout


WRONG = {
    "softmax": [
        (_softmax_no_shift, "subtract the max score first"),
        (_softmax_axis0, "each column sums to 1"),
        (_softmax_no_keepdims, "keepdims=True"),
        (_softmax_all_entries, "entries together sum to 1"),
        (_softmax_global_max, "each row's own max"),
        (lambda x: np.exp(x), "softmax is exp(x) divided by the sum"),
        (_softmax_column_max, "each column's max"),
        (_softmax_min_shift, "not by the min or the mean"),
        (_softmax_hides_overflow, "overflows to inf"),
        (lambda x: scipy.special.softmax(x, axis=1), "axis=-1, the last axis"),
    ],
    "sigmoid": [
        (lambda z: 1 / (1 + np.exp(-z)), "overflows for |z| = 1000"),
        (lambda z: 1 / (1 + np.exp(z)), "probability of class 1"),
        (lambda z: 2 / (1 + np.exp(-np.clip(z, -50, 50))), "e^z / (e^z + e^0)"),
        (_sigmoid_where, "np.where computes both branches"),
        (lambda z: 1 / (1 + np.exp(-np.clip(z, -10, 10))), "clipped at +-10"),
        (lambda z: np.array([scipy.special.expit(v) for v in z]), "0-d array such as"),
    ],
    "cross_entropy_from_logits": [
        (lambda z, y: float(-np.sum(_pick(z, y))), "summed over the"),
        (lambda z, y: float(np.mean(_pick(z, y))), "mind the minus sign"),
        (lambda z, y: float(-np.mean(_pick(z, y))) / np.log(10), "not np.log10"),
        (lambda z, y: -_pick(z, y), "one loss per sample"),
        (
            lambda z, y: float(
                -np.mean(np.log(scipy.special.softmax(z, -1))[np.arange(len(y)), y])
            ),
            "log 0 = -inf",
        ),
        (lambda z, y: float(-np.mean(_log_p(z)[:, y])), "log_p[np.arange(N), labels]"),
        (lambda z, y: float(-np.mean(_one_hot(z, y) * _log_p(z))), "divided by the 3 classes"),
        (lambda z, y: float(-np.mean(np.sum(_one_hot(z, y) * _log_p(z), -1))), "0 * -inf"),
        (
            lambda z, y: float(
                -np.mean(np.log(scipy.special.softmax(z, -1) + 1e-12)[np.arange(len(y)), y])
            ),
            "the loss is capped",
        ),
    ],
    "normalize_pixels": [
        (lambda c: (c - 128) / 128, "wraps around"),
        (lambda c: (c.astype(float) - 128) // 128, "floor division"),
        (lambda c: (c.astype(float) - 128) / 255, "divide by 128, not 255"),
        (lambda c: c.astype(float) / 255, "maps to [0, 1]"),
        (_normalize_in_place, "changed its input in place"),
    ],
    "sigma_for_unit_logits": [
        (lambda X: 1 / np.sqrt(X.shape[1]), "1/sqrt(n_features)"),
        (lambda X: 1 / np.mean(np.sum(X**2, axis=1)), "no square"),
        (lambda X: 1.0, "have std about"),
        (lambda X: 1 / (X.std() * np.sqrt(X.shape[1])), "not centred"),
        (lambda X: 1 / np.linalg.norm(X), "of the whole matrix"),
        (lambda X: 1 / np.linalg.norm(X, axis=1), "return one number (a float)"),
    ],
    "gradients": [
        (lambda W, b, X, y: tuple(-g for g in _grad_ref(W, b, X, y)), "sign is flipped"),
        (lambda W, b, X, y: tuple(len(y) * g for g in _grad_ref(W, b, X, y)), "divide by N"),
        (lambda W, b, X, y: (_grad_ref(W, b, X, y)[0].T, _grad_ref(W, b, X, y)[1]), "transpose"),
        (lambda W, b, X, y: (_grad_ref(W, b, X, y)[0], 0 * b), "dW is right but db"),
        (lambda W, b, X, y: (X.T @ (X @ W + b) / len(y), b), "central differences"),
        (lambda W, b, X, y: _grad_ref(W, b, X, y)[0], "expected a pair"),
        (
            lambda W, b, X, y: (
                X.T @ scipy.special.softmax(X @ W + b, -1) / len(y),
                scipy.special.softmax(X @ W + b, -1).mean(axis=0),
            ),
            "without the labels",
        ),
        (lambda W, b, X, y: ([[1.0, 2.0], [3.0]], b), "not an array of real numbers"),
    ],
    "numerical_gradient": [
        (lambda loss, w, h=1e-5: _numgrad(loss, w, h, forward=True), "forward difference"),
        (lambda loss, w, h=1e-5: _numgrad(loss, w, h, denominator=1), "divide by 2h"),
        (lambda loss, w, h=1e-5: np.zeros_like(w), "np.ndindex"),
        (_numgrad_not_restored, "left w changed"),
        (lambda loss, w, h=1e-5: _numgrad(loss, w, 1e-3), "nudge by the h you are given"),
        (lambda loss, w, h=1e-5: _numgrad(loss, w, h).ravel(), "the right number of entries"),
    ],
    "relu_backward": [
        (lambda dout, z: dout * (z >= 0), "lets the gradient through where z = 0"),
        (lambda dout, z: dout * (dout > 0), "takes the mask from dout"),
        (lambda dout, z: dout, "the ReLU mask is missing"),
        (lambda dout, z: (z > 0) * 1.0, "multiplies it by the upstream gradient dout"),
        (lambda dout, z: dout * np.maximum(z, 0), "multiplies dout by relu(z)"),
        (lambda dout, z: dout * z, "multiplies dout by z"),
        (_relu_backward_in_place, "changed its input in place"),
        (lambda dout, z: (dout * (z > 0)).ravel()[:3], "expected (5,)"),
    ],
    "hidden_layer_gradients": [
        (lambda *p: _hidden(*p, mask="none"), "the ReLU mask is missing"),
        (lambda *p: _hidden(*p, mask="dh"), "the ReLU mask is taken from dh"),
        (lambda *p: _hidden(*p, factor=7.0), "that is the gradient of the sum"),
        (lambda *p: _hidden(*p, factor=-1.0), "the sign is flipped"),
        (lambda *p: _hidden(*p, dW2_from="z"), "dW2 = z.T @ G uses z"),
        (lambda *p: _hidden(*p, labels=False), "the labels are left out"),
        (_hidden_transposed_product, "a transposed product"),
        (_hidden_shape_error, "a product's shapes don't line up"),
        (_hidden_per_sample_bias, "one row per sample"),
        (lambda *p: _hidden(*p)[:2], "expected four arrays"),
        (lambda *p: _hidden(*p, shift=False), "subtract each row's max logit"),
        (lambda *p: tuple(g + 1e-3 for g in _hidden(*p)), "so G, the gradient at the logits"),
        (lambda *p: _hidden(*p, factor=1 / 7), "already holds the 1/N of the mean"),
        (lambda *p: (lambda g: (g[0], g[1] / 7, g[2], g[3] / 7))(_hidden(*p)), "sum the rows"),
        (lambda *p: (lambda g: (g[2], g[3], g[0], g[1]))(_hidden(*p)), "in another order"),
        (lambda *p: (lambda g: (g[0] + 1e-3, *g[1:]))(_hidden(*p)), "go backward one step"),
        (lambda *p: (*_hidden(*p)[:3], _hidden(*p)[3] / 7), "while dW2 is right"),
    ],
    "he_sigma": [
        (lambda n: np.sqrt(1 / n), "LeCun's sqrt(1 / fan_in)"),
        (lambda n: 2 / n, "that is a variance"),
        (lambda n: 1 / n, "LeCun's variance 1 / fan_in"),
        (lambda n: np.sqrt(2) / n, "covers the 2 but not fan_in"),
        (lambda n: np.sqrt(2 * n), "upside down"),
        (lambda n: np.sqrt(2 // n), "solve that equation for sigma"),
        (lambda n: np.random.default_rng().normal(0, np.sqrt(2 / n)), "draws a random weight"),
        (lambda n: np.full(3, np.sqrt(2 / n)), "return one number"),
    ],
}


def test_every_function_exercise_has_a_table_of_mistakes():
    assert set(WRONG) == set(FUNCTIONS)
    assert all(len(rows) >= 3 for rows in WRONG.values())


@pytest.mark.parametrize("name", FUNCTIONS)
def test_each_typical_mistake_gets_its_own_sentence(name):
    messages = []
    for answer, phrase in WRONG[name]:
        feedback = checked(name, answer)
        assert feedback.correct is False, (phrase, str(feedback))
        assert phrase in feedback.message, (phrase, feedback.message)
        assert str(feedback).startswith("Incorrect:")
        assert "Traceback" not in feedback.message
        messages.append(feedback.message)
    assert len(set(messages)) == len(messages)


@pytest.mark.parametrize(
    ("name", "wrong", "phrase"),
    [
        ("scale_for_certainty", np.nan, "expected a finite number"),
        ("untrained_loss", np.inf, "expected a finite number"),
        ("untrained_loss", np.array([1j]), "expected a number"),
        ("scale_for_certainty", SCALE_GRID[237], "below 0.99"),  # the grid point before
        ("scale_for_certainty", SCALE_GRID[243], "smaller factor"),
        ("scale_for_certainty", 250, "not on the exercise's grid"),  # the case
        ("scale_for_certainty", 2.3, "not on the exercise's grid"),  # inside, between points
        ("scale_for_certainty", 238, "looks like a position in it"),  # np.argmax's index
        ("untrained_loss", np.log(3), "ln 3, the loss of a uniform guess over 3 classes"),
        ("untrained_loss", np.log2(10), "log base 2"),
        ("scale_for_certainty", 0.001, "not on the exercise's grid"),
        ("untrained_loss", 0.1, "probability each"),
        ("untrained_loss", 1.0, "log base 10"),
        ("untrained_loss", 5 * np.log(10), "sum over the 5 samples"),
        ("round_off_prediction", 2e-4, "exact-arithmetic"),
        ("round_off_prediction", 1000 * 2.0**-23, "1.68 gaps"),
        ("logit_std", 0.04, "variance"),
        ("logit_std", "0.2", "expected a number"),
    ],
)
def test_wrong_values_get_targeted_sentences(name, wrong, phrase):
    feedback = checked(name, wrong)
    assert feedback.correct is False
    assert phrase in feedback.message


def test_any_correct_answer_is_accepted():
    assert checked("softmax", lambda x: scipy.special.softmax(x, axis=-1)).correct
    assert checked("softmax", lambda x: scipy.special.softmax(x, axis=-1).tolist()).correct
    assert checked("softmax", lambda x: scipy.special.softmax(np.float32(x), axis=-1)).correct
    ce = EXERCISES["cross_entropy_from_logits"].reference
    assert checked("cross_entropy_from_logits", lambda z, y: np.float32(ce(z, y))).correct
    assert checked("cross_entropy_from_logits", lambda z, y: np.float64(ce(z, y))).correct
    assert checked("sigma_for_unit_logits", lambda X: 1 / np.linalg.norm(X, axis=1).mean()).correct
    assert checked("sigmoid", lambda z: scipy.special.expit(z).astype(np.float32)).correct
    assert checked("sigmoid", lambda z: 0.5 * (1 + np.tanh(z / 2))).correct
    assert checked("cross_entropy_from_logits", lambda z, y: np.array([ce(z, y)])).correct


def test_learner_exceptions_become_one_sentence():
    def broken(x):
        raise KeyError("oops")

    feedback = checked("softmax", broken)
    assert feedback.correct is False
    assert "raised KeyError: 'oops'" in feedback.message
    assert "my_softmax([3. , 1. , 0.2])" in feedback.message

    def forgot_return(x):
        np.exp(x)

    assert "returned None" in checked("softmax", forgot_return).message
    assert "without calling it" in checked("softmax", np.zeros(3)).message


@pytest.mark.parametrize(
    "result",
    [[[1, 2], [3]], np.array([0.8, 0.1, 0.1], dtype=complex), "abc", {"p": 1}],
    ids=["ragged", "complex", "text", "dict"],
)
def test_results_that_are_not_real_arrays_get_a_sentence(result):
    feedback = checked("softmax", lambda x: result)
    assert feedback.correct is False and "not an array of real numbers" in feedback.message


def test_a_warning_unrelated_to_overflow_is_not_blamed_on_the_max_shift():
    def logs_zero(x):
        np.log(np.zeros(1))
        return scipy.special.softmax(x, axis=-1)

    feedback = checked("softmax", logs_zero)
    assert feedback.correct is False and "divide by zero encountered in log" in feedback.message
    assert "subtract the max" not in feedback.message


def test_the_notebooks_ship_the_registered_stubs_and_checks():
    import nbformat

    notebooks = Path(__file__).resolve().parent.parent / "notebooks"
    shipped = {}
    for path in sorted(notebooks.glob("*.ipynb")):
        code = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        for cell, after in zip(code, code[1:], strict=False):
            if "exercise" in cell.metadata.get("tags", []):
                shipped[after.source.strip()] = cell.source.strip()
    for name in NAMES:
        exercise = EXERCISES[name]
        assert shipped.get(exercise.check_cell) == exercise.stub, name


def test_warnings_are_reported_not_leaked():
    def warns(x):
        warnings.warn("learner warning", UserWarning, stacklevel=1)
        return scipy.special.softmax(x, axis=-1)

    feedback = checked("softmax", warns)  # warnings are errors in `checked`
    assert feedback.correct is False and "learner warning" in feedback.message


def test_unknown_names_list_the_exercises():
    with pytest.raises(ValueError, match="softmax, sigmoid"):
        exercises.check("sofmax", None)
    with pytest.raises(TypeError, match="name must be"):
        exercises.hint(3)


def test_a_grid_value_typed_to_four_figures_is_on_the_grid():
    best = EXERCISES["scale_for_certainty"].reference()
    assert checked("scale_for_certainty", float(f"{best:.4g}")).correct is True
    assert checked("scale_for_certainty", float(f"{SCALE_GRID[237]:.4g}")).correct is False
    assert "below 0.99" in checked("scale_for_certainty", float(f"{SCALE_GRID[237]:.4g}")).message


@pytest.mark.parametrize("name", [n for n in NAMES if EXERCISES[n].grid])
def test_every_grid_is_the_one_the_exercise_text_and_the_solution_write(name):
    exercise = EXERCISES[name]
    assert np.array_equal(eval(exercise.grid_text, {"np": np}), exercise.grid)
    assert exercise.grid_text in exercises.solution(name).code
    markdown = _exercise_markdown(exercise)
    assert f"`{exercise.grid_text}`" in markdown, markdown
    off = 1.5 * max(exercise.grid)
    assert "not on the exercise's grid" in checked(name, off).message


def _exercise_markdown(exercise) -> str:
    """The markdown cell just above the exercise's stub in its notebook."""
    import nbformat

    path = Path(__file__).resolve().parent.parent / "notebooks" / f"{exercise.notebook}.ipynb"
    cells = nbformat.read(path, as_version=4).cells
    k = next(i for i, c in enumerate(cells) if c.source.strip() == exercise.stub)
    return next(c.source for c in reversed(cells[:k]) if c.cell_type == "markdown")


@pytest.mark.parametrize("name", NAMES)
def test_hints_are_graded_a_nudge_then_a_closer_one_then_the_solution(name):
    exercise = EXERCISES[name]
    first, closer = exercises.hint(name), exercises.hint(name, level=2)
    assert str(first) == str(exercises.hint(name, level=1))
    assert exercise.closer_hint and exercise.closer_hint != exercise.hint
    assert exercise.hint in str(first) and exercise.closer_hint in str(closer)
    assert f'exercises.hint("{name}", level=2)' in str(first)
    assert f'exercises.solution("{name}")' in str(closer)
    assert "<i>" in closer._repr_html_() and not first.code and not closer.code


@pytest.mark.parametrize("name", NAMES)
def test_each_exercise_text_tells_how_the_graded_hints_work(name):
    markdown = _exercise_markdown(EXERCISES[name])
    for call in (f'exercises.hint("{name}")', f'exercises.hint("{name}", level=2)'):
        assert f"`{call}`" in markdown, (name, call)
    assert f'`exercises.solution("{name}")`' in markdown


@pytest.mark.parametrize("level", [0, 3, "2", True, 1.0])
def test_a_hint_level_other_than_1_or_2_is_refused(level):
    with pytest.raises(ValueError, match="level must be 1"):
        exercises.hint("softmax", level=level)


def _code_lines(function) -> list[str]:
    """The reference's statements, without comments or spaces, ignoring the short ones."""
    body = exercises.solution(function).code.splitlines()[1:]
    lines = ["".join(line.split("#")[0].split()) for line in body]
    return [line for line in lines if len(line) >= 12 and not line.startswith("return")]


@pytest.mark.parametrize("name", NAMES)
def test_no_hint_gives_the_solution_away(name):
    exercise = EXERCISES[name]
    for text in (exercise.hint, exercise.closer_hint):
        squeezed = "".join(text.split())
        for line in _code_lines(name):
            assert line not in squeezed, (name, line)
        assert "np.arange(" not in text and "keepdims=True" not in text, text
        if name in VALUES:
            value = exercise.reference()
            for written in (f"{value:.2g}", f"{value:.3g}", f"{value:.4g}"):
                assert written not in text.replace(",", " ").split(), (name, written)


@pytest.mark.parametrize("name", NAMES)
def test_hint_and_solution_display(name):
    hint, solution = exercises.hint(name), exercises.solution(name)
    assert name in str(hint) and EXERCISES[name].hint in str(hint)
    assert f"def {EXERCISES[name].reference.__name__}(" in str(solution)
    assert "<pre>" in solution._repr_html_() and "<b>" in hint._repr_html_()


def test_feedback_text_and_html():
    right = checked("softmax", EXERCISES["softmax"].reference)
    wrong = checked("softmax", _softmax_axis0)
    stub = checked("softmax", ...)
    for feedback, start, colour in (
        (right, "Correct", "#2e7d32"),
        (wrong, "Incorrect:", "#c62828"),
        (stub, "Not attempted yet", "#757575"),
    ):
        assert str(feedback).startswith(start) and repr(feedback) == str(feedback)
        html = feedback._repr_html_()
        assert colour in html and f"<b>{start.rstrip(':')}:</b>" in html
    assert "&lt;" in checked("softmax", lambda x: "<oops>")._repr_html_()


def test_sigmoid_with_np_where_is_told_that_both_branches_run():
    feedback = checked("sigmoid", _sigmoid_where)
    assert feedback.correct is False
    assert "np.where computes both branches" in feedback.message
    assert "np.exp(-np.abs(z))" in feedback.message and "boolean mask" in feedback.message
    naive = checked("sigmoid", lambda z: 1 / (1 + np.exp(-z))).message
    assert "np.where computes" not in naive  # no np.where there: not blamed on it


def test_sigmoid_clipped_far_out_is_accepted_and_a_tight_clip_is_named():
    assert checked("sigmoid", lambda z: 1 / (1 + np.exp(-np.clip(z, -500, 500)))).correct
    tight = checked("sigmoid", lambda z: 1 / (1 + np.exp(-np.clip(z, -10, 10))))
    assert tight.correct is False and "clip" in tight.message


@pytest.mark.parametrize("value", [2.3, 2.302, 2.3026, np.log(10)])
def test_untrained_loss_worked_out_on_paper_to_two_figures_is_correct(value):
    feedback = checked("untrained_loss", value)
    assert feedback.correct is True and "2.3026" in feedback.message


@pytest.mark.parametrize("value", [2.2, 2.31, 2.4])
def test_untrained_loss_off_by_more_than_rounding_is_incorrect(value):
    assert checked("untrained_loss", value).correct is False


def test_sigma_as_a_size_one_array_is_accepted_and_a_longer_one_is_told_to_be_one_number():
    def rms_kept(X):
        return 1 / np.sqrt(np.mean(np.sum(X**2, axis=1, keepdims=True), axis=0))

    assert checked("sigma_for_unit_logits", rms_kept).correct
    feedback = checked("sigma_for_unit_logits", lambda X: 1 / np.linalg.norm(X, axis=1))
    assert feedback.correct is False and "return one number (a float)" in feedback.message
    assert "axis you reduced" not in feedback.message


def _sigmoid_with_if(z):
    return 1 / (1 + np.exp(-z)) if z >= 0 else np.exp(z) / (1 + np.exp(z))


def _softmax_with_math_exp(x):
    import math

    e = math.exp(x - np.max(x))
    return e / e.sum()


def _cross_entropy_without_keepdims(logits, labels):
    log_sum = np.log(np.exp(logits - logits.max(axis=1, keepdims=True)).sum(axis=1))
    log_p = logits - logits.max(axis=1, keepdims=True) - log_sum
    return -log_p[np.arange(len(labels)), labels].mean()


def _relu_backward_with_if(dout, z):
    return dout * (1.0 if z > 0 else 0.0)


def _gradients_with_a_softmax_without_keepdims(W1, b1, W2, b2, X, y):
    z = X @ W1 + b1
    h = np.maximum(z, 0)
    logits = h @ W2 + b2
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    S = e / e.sum(axis=1)
    G = (S - np.eye(W2.shape[1])[y]) / len(y)
    dz = (G @ W2.T) * (z > 0)
    return X.T @ dz, dz.sum(axis=0), h.T @ G, G.sum(axis=0)


@pytest.mark.parametrize(
    ("name", "answer", "phrase"),
    [
        ("sigmoid", _sigmoid_with_if, "Python's if, and, or"),
        ("relu_backward", _relu_backward_with_if, "Python's if, and, or"),
        ("relu_backward", lambda dout, z: dout * max(z, 0), "its built-in max and min"),
        ("softmax", lambda x: np.exp(x - max(x)) / np.exp(x - max(x)).sum(-1), "built-in max"),
        ("softmax", _softmax_with_math_exp, "use np.exp and np.log"),
        ("cross_entropy_from_logits", _cross_entropy_without_keepdims, "keepdims=True"),
        ("hidden_layer_gradients", _gradients_with_a_softmax_without_keepdims, "keepdims=True"),
    ],
)
def test_numpy_errors_in_any_exercise_get_the_numpy_sentence(name, answer, phrase):
    """Not "read that error and fix the line": the error's cause and fix, one sentence."""
    feedback = checked(name, answer)
    assert feedback.correct is False
    assert phrase in feedback.message and "read that error" not in feedback.message
    assert "transpose" not in feedback.message  # a broadcast is not a product's shapes


def test_a_log_softmax_shifted_by_the_batch_max_is_told_to_use_each_rows_max():
    def batch_max(logits, labels):
        shifted = logits - logits.max()  # one max for the whole batch
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return -log_p[np.arange(len(labels)), labels].mean()

    feedback = checked("cross_entropy_from_logits", batch_max)
    assert feedback.correct is False
    assert "each row's own max, logits.max(axis=1, keepdims=True)" in feedback.message


def test_a_softmax_that_clips_the_scores_is_told_the_gaps_change():
    def clipped(x):
        e = np.exp(np.clip(x, -500, 500))
        return e / e.sum(axis=-1, keepdims=True)

    feedback = checked("softmax", clipped)
    assert feedback.correct is False and "clipping the scores changes the gaps" in feedback.message


def test_a_softmax_that_always_returns_2d_is_told_to_keep_the_inputs_shape():
    def always_2d(x):
        x = np.atleast_2d(x)
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    feedback = checked("softmax", always_2d)
    assert feedback.correct is False
    assert "an axis of length 1 too many or too few" in feedback.message


def test_a_log_softmax_over_the_whole_batch_is_told_to_pass_axis_1():
    import scipy.special

    def whole_batch(logits, labels):  # scipy's default axis=None: all entries at once
        return -scipy.special.log_softmax(logits)[np.arange(len(labels)), labels].mean()

    feedback = checked("cross_entropy_from_logits", whole_batch)
    assert feedback.correct is False and "pass axis=1, one row each" in feedback.message


def test_np_dot_with_a_missing_transpose_is_told_to_transpose():
    def dot_without_transpose(W1, b1, W2, b2, X, y):
        z = X @ W1 + b1
        h = np.maximum(z, 0)
        logits = h @ W2 + b2
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        G = (e / e.sum(axis=1, keepdims=True) - np.eye(W2.shape[1])[y]) / len(y)
        dz = np.dot(G, W2) * (z > 0)  # W2, not W2.T
        return X.T @ dz, dz.sum(axis=0), h.T @ G, G.sum(axis=0)

    feedback = checked("hidden_layer_gradients", dot_without_transpose)
    assert "one factor needs a transpose" in feedback.message


def test_a_nan_sigma_is_not_taken_for_a_random_draw():
    feedback = checked("he_sigma", lambda n: np.sqrt(2 / n - 1))
    assert feedback.correct is False and "random" not in feedback.message
