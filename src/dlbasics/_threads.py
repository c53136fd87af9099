"""One BLAS thread, for the small matrix products of a training step or a slider's redraw.

Why one thread is faster there: see the notes of :mod:`dlbasics.training` and the
comment in :meth:`dlbasics.widgets.SliderPlot.redraw`.

Why a :class:`~threadpoolctl.ThreadpoolController` kept for the process: threadpoolctl
finds the BLAS libraries by scanning every library the process has loaded, and
``threadpool_limits`` scans again at each call. A slider would pay that on every move:
1.4 ms, against 0.02 ms for the kept controller's ``limit`` (measured in this process,
with numpy and matplotlib loaded). The controller is made at the first call, when numpy
has loaded its BLAS. A BLAS library loaded after that (scipy's own copy, say) is not
limited; the course's fits and redraws multiply with numpy's.
"""

from __future__ import annotations

from functools import cache

from threadpoolctl import ThreadpoolController


@cache
def _controller() -> ThreadpoolController:
    return ThreadpoolController()


def one_blas_thread():
    """A context manager: BLAS uses one thread inside it, and as many as before after it.

    >>> import numpy as np
    >>> with one_blas_thread():
    ...     product = np.ones((2, 3)) @ np.ones((3, 2))
    >>> product.tolist()
    [[3.0, 3.0], [3.0, 3.0]]
    """
    return _controller().limit(limits=1, user_api="blas")
