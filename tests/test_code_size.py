"""Sizes a reader can hold on one screen: no module of the package over 250 lines of code,
no function over 50 (issue 16). Lines of code leave out blank lines, comments and docstrings."""

import ast
import io
import pathlib
import tokenize

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "src" / "dlbasics"
MAX_MODULE_LINES = 250
MAX_FUNCTION_LINES = 50
_NOT_CODE = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
             tokenize.ENDMARKER}  # fmt: skip


def _docstring_lines(tree):
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                lines.update(range(first.lineno, first.end_lineno + 1))
    return lines


def code_lines(source):
    """The line numbers of `source` that hold code (not blank, comment or docstring)."""
    docstrings = _docstring_lines(ast.parse(source))
    lines = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in _NOT_CODE:
            lines.update(range(token.start[0], token.end[0] + 1))
    return lines - docstrings


def test_code_lines_counts_code_only():
    source = (
        '"""Doc."""\n\n# a comment\ndef f(x):\n'
        '    """Doc\n    more."""\n    return (x +\n            1)\n'
    )
    assert sorted(code_lines(source)) == [4, 7, 8]


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_and_function_sizes(path):
    source = path.read_text()
    lines = code_lines(source)
    assert len(lines) <= MAX_MODULE_LINES, f"{path.name}: {len(lines)} lines of code"
    too_long = {
        node.name: n
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and (n := sum(node.lineno <= k <= node.end_lineno for k in lines)) > MAX_FUNCTION_LINES
    }
    assert not too_long, f"{path.name}: functions over {MAX_FUNCTION_LINES} lines: {too_long}"
