"""How much memory a request may take: refused before it is allocated, with a sentence.

A process that asks for more than the machine has is killed by the OS with no message, so
the helpers check first. What is available is Linux's MemAvailable, or a container's own
memory limit where that is lower, then the fallbacks :func:`available_memory` lists.
"""

from __future__ import annotations

import os
from typing import NamedTuple

# Where the OS does not report free memory (macOS, Windows), no single request
# may exceed this.
MEMORY_CAP_BYTES = 2**33  # 8 GiB
MEMINFO = "/proc/meminfo"  # Linux's report of memory, read by available_memory
PROC_CGROUP = "/proc/self/cgroup"  # which cgroup this process is in
CGROUP = "/sys/fs/cgroup"  # where Linux shows each cgroup's memory limit


class CgroupFiles(NamedTuple):
    """Where one cgroup version keeps a cgroup's memory figures."""

    folder: str  # the memory hierarchy, under CGROUP
    limit: str
    usage: str
    # The line of memory.stat that counts page cache the kernel can drop: inactive files.
    # Active ones it keeps, so leaving them out errs towards refusing (as Docker and
    # Kubernetes count a container's memory).
    cache: str


CGROUP_FILES = {
    2: CgroupFiles("", "memory.max", "memory.current", "inactive_file"),
    1: CgroupFiles(
        "memory", "memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file"
    ),
}


def _meminfo_available(path: str) -> int | None:
    """MemAvailable from Linux's ``/proc/meminfo``, in bytes, or None where there is none."""
    try:
        with open(path) as meminfo:
            for line in meminfo:
                key, _, value = line.partition(":")
                if key == "MemAvailable":
                    return int(value.split()[0]) * 1024  # reported in kB
    except (OSError, ValueError, IndexError):
        pass
    return None


def _memory_cgroups() -> list[tuple[str, int]]:
    """This process's memory cgroup folders, its own first, then each one above it, up to
    what CGROUP shows (all of it in a container, which sees its own cgroup as the root)."""
    try:
        with open(PROC_CGROUP) as file:
            lines = file.read().splitlines()
    except OSError:
        return []
    # "4:memory:/path" (v1, a line per controller) or "0::/path" (v2); where a machine has
    # both, v2's hierarchy lacks the memory controller, so v1's line is the one.
    paths = {}
    for line in lines:
        fields = line.split(":", 2)
        if len(fields) != 3:  # not a cgroup line: nothing to read from it
            continue
        _, controllers, path = fields
        if controllers == "":
            paths.setdefault(2, path)
        elif "memory" in controllers.split(","):
            paths[1] = path
    if not paths:
        return []
    version = 1 if 1 in paths else 2
    parts = [part for part in paths[version].split("/") if part]
    if ".." in parts:  # the cgroup lies outside what CGROUP shows: none of it is ours
        return []
    root = os.path.join(CGROUP, CGROUP_FILES[version].folder)
    return [(os.path.join(root, *parts[:k]), version) for k in range(len(parts), -1, -1)]


def _cgroup_left(folder: str, version: int) -> int | None:
    """Bytes the cgroup in ``folder`` may still take under its own limit, or None."""
    files = CGROUP_FILES[version]
    try:
        with open(os.path.join(folder, files.limit)) as file:
            limit = file.read().strip()
        if limit == "max":  # v2 without a limit (v1 reports a huge number instead)
            return None
        limit = int(limit)
        with open(os.path.join(folder, files.usage)) as file:
            used = int(file.read())
    except (OSError, ValueError):
        return None
    try:
        with open(os.path.join(folder, "memory.stat")) as file:
            stat = dict(line.split(maxsplit=1) for line in file if line.strip())
        cache = int(stat.get(files.cache, 0))
    except (OSError, ValueError):
        cache = 0
    return max(limit - used + cache, 0)  # usage can pass the limit while the kernel reclaims


def container_memory_left() -> int | None:
    """The least any of this process's cgroups may still take, or None where none limits it.

    Inside a container (a Binder pod, a CI job) MemAvailable reports the host's memory,
    while the kernel stops the container at the tightest limit of its cgroup or one above
    it. Page cache the cgroup can drop counts as free, as the kernel reclaims it first.
    """
    left = [
        n
        for folder, version in _memory_cgroups()
        if (n := _cgroup_left(folder, version)) is not None
    ]
    return min(left, default=None)


def available_memory() -> tuple[int, str]:
    """Bytes of memory available now, and where that number comes from (for error messages).

    Linux's MemAvailable counts the page cache the kernel can drop; MemFree (what
    ``os.sysconf("SC_AVPHYS_PAGES")`` reports) leaves it out, and on a machine
    with a warm cache would refuse sizes that fit. sysconf is the fallback where
    ``/proc`` is absent, then a fixed cap where neither is reported. A container's
    own limit wins where it is lower.
    """
    left = container_memory_left()
    available = _meminfo_available(MEMINFO)
    if left is not None and (available is None or left < available):
        return left, "left under this container's memory limit"
    if available is not None:
        return available, "of memory available"
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"), "of memory free"
    except (AttributeError, ValueError, OSError):  # not reported (macOS, Windows)
        return MEMORY_CAP_BYTES, "cap allowed where the OS does not report free memory"


def check_memory(nbytes: int, what: str, name: str) -> None:
    """Refuse, before allocating, ``nbytes`` for ``what`` if they exceed the free memory.

    ``name`` is the argument that asked for it, named in the error: a process
    that asks for more than the machine has is killed by the OS, with no message.
    """
    available, source = available_memory()
    if nbytes > available:
        raise ValueError(
            f"{what} need about {_size(nbytes)}, more than the {_size(available)} {source}; "
            f"ask for a smaller {name}"
        )


def _size(nbytes: int) -> str:
    """``1.5 GiB``, or in MiB below 1 GiB (``0.0 GiB`` would say nothing).

    >>> _size(3 * 2**29), _size(80 * 2**20), _size(0)
    ('1.5 GiB', '80 MiB', '0 MiB')
    """
    return f"{nbytes / 2**30:.1f} GiB" if nbytes >= 2**30 else f"{nbytes / 2**20:.0f} MiB"
