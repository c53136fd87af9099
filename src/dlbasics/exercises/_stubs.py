"""Is a learner's function still the exercise's stub? Read from its source's syntax tree.

A stub is a function whose body holds only placeholders: ``...``, ``pass``, a docstring
or ``raise NotImplementedError``. The source comes from :func:`inspect.getsource`, which
finds a notebook cell's code too (IPython keeps every cell in :mod:`linecache`). This
module uses the standard library only, so the tests can run it on every Python the
course supports.
"""

from __future__ import annotations

import ast
import inspect
import textwrap


def is_stub(function) -> bool | None:
    """True if ``function``'s body is only placeholders, False if it holds code.

    None when its source cannot be read (a builtin, a callable object, code given to
    ``exec`` as a string): the caller then runs the answer like any other.

    Examples
    --------
    >>> def untouched(x):
    ...     '''Write softmax here.'''
    >>> def started(x):
    ...     return x
    >>> is_stub(untouched), is_stub(started), is_stub(len)
    (True, False, None)
    """
    definition = _definition(function)
    if definition is None:
        return None
    if isinstance(definition, ast.Lambda):  # its body is what it returns: only ... is a stub
        return isinstance(definition.body, ast.Constant) and definition.body.value is Ellipsis
    return all(_is_placeholder(statement) for statement in definition.body)


def _definition(function) -> ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | None:
    """The syntax tree of ``function``'s definition, or None if it cannot be told."""
    try:
        source = textwrap.dedent(inspect.getsource(function))
        name = function.__name__
        tree = ast.parse(source)
    except KeyboardInterrupt:
        raise
    except BaseException:  # no source, a fragment that does not parse, an odd object
        return None
    if name == "<lambda>":  # a lambda has no name to find it by: it must be alone
        lambdas = [node for node in ast.walk(tree) if isinstance(node, ast.Lambda)]
        return lambdas[0] if len(lambdas) == 1 else None
    for node in ast.walk(tree):  # breadth first: the outer definition before nested ones
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            return node
    return None


def _is_placeholder(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Pass):
        return True
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
        return statement.value.value is Ellipsis or isinstance(statement.value.value, str)
    if isinstance(statement, ast.Raise) and statement.exc is not None:
        raised = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
        return isinstance(raised, ast.Name) and raised.id == "NotImplementedError"
    return False
