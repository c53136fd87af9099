"""dlbasics._threads: one BLAS thread inside, the previous count after, one library scan."""

from threadpoolctl import threadpool_info

from dlbasics import _threads


def blas_threads() -> dict[str, int]:
    """The thread count of each BLAS library the kept controller limits (numpy's among them:
    numpy loads its BLAS before dlbasics is imported)."""
    kept = {lib.filepath for lib in _threads._controller().select(user_api="blas").lib_controllers}
    return {p["filepath"]: p["num_threads"] for p in threadpool_info() if p["filepath"] in kept}


def test_one_thread_inside_and_the_previous_count_after():
    assert blas_threads(), "no BLAS library found"
    # Two threads first, so that "one inside" can fail on a one-core machine too.
    with _threads._controller().limit(limits=2, user_api="blas"):
        before = blas_threads()
        assert set(before.values()) == {2}
        with _threads.one_blas_thread():
            assert set(blas_threads().values()) == {1}
        assert blas_threads() == before


def test_the_libraries_are_scanned_once(monkeypatch):
    made = []

    class Counting(_threads.ThreadpoolController):
        def __init__(self):
            made.append(self)
            super().__init__()

    monkeypatch.setattr(_threads, "ThreadpoolController", Counting)
    _threads._controller.cache_clear()
    try:
        for _ in range(3):
            with _threads.one_blas_thread():
                pass
    finally:
        _threads._controller.cache_clear()  # the next call scans with the real class
    assert len(made) == 1
