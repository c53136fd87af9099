"""How fast does dlbasics.letters.letters generate images? Prints a small table.

Run with ``python benchmarks/bench_letters.py``. "cold" clears the cached glyph
templates before every repeat, so it includes rendering ~230 glyphs with Pillow;
"warm" is every later call in the same process. Target: 20,000 images in <= 1 s warm.
Measured here (2 shared cores): 20,000 warm in 0.13-0.16 s (125,000-150,000 images/s), from
0.21 s (95,000 images/s) with the FT2Font renderer and one-pass jitter it replaced.
"""

from __future__ import annotations

import statistics
import time

from dlbasics import letters as data

REPEATS = 5
TARGET_SECONDS = 1.0  # for 20,000 warm images


def median_seconds(n: int, *, cold: bool) -> float:
    times = []
    for repeat in range(REPEATS):
        if cold:
            data._templates.cache_clear()
        else:
            data.letters(1)  # make sure the templates are cached
        start = time.perf_counter()
        data.letters(n, seed=repeat)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    print(f"letters(n): median of {REPEATS} repeats")
    print(f"{'n':>8} {'cache':>6} {'seconds':>9} {'images/s':>10}")
    warm_20k = None
    for n in (1_000, 20_000):
        for cold in (True, False):
            seconds = median_seconds(n, cold=cold)
            if n == 20_000 and not cold:
                warm_20k = seconds
            print(f"{n:>8,} {'cold' if cold else 'warm':>6} {seconds:>9.3f} {n / seconds:>10,.0f}")
    verdict = "OK" if warm_20k <= TARGET_SECONDS else "SLOWER THAN TARGET"
    print(f"20,000 warm: {warm_20k:.3f} s (target <= {TARGET_SECONDS:.1f} s): {verdict}")


if __name__ == "__main__":
    main()
