"""Where check_memory's figure comes from (dlbasics._memory), on faked /proc and /sys files:
MemAvailable, a container's cgroup limit (v2 and v1, nested), sysconf, a fixed cap."""

from __future__ import annotations

import pytest

from dlbasics import _memory
from dlbasics.letters import letters

GiB = 2**30


@pytest.fixture
def machine(monkeypatch, tmp_path):
    """A faked machine: no /proc/meminfo, no cgroup, no sysconf report until a test adds them."""
    monkeypatch.setattr(_memory, "MEMINFO", str(tmp_path / "meminfo"))
    monkeypatch.setattr(_memory, "PROC_CGROUP", str(tmp_path / "self-cgroup"))
    monkeypatch.setattr(_memory, "CGROUP", str(tmp_path / "cgroup"))

    def no_sysconf(name):
        raise ValueError(f"unrecognized configuration name {name}")

    monkeypatch.setattr(_memory.os, "sysconf", no_sysconf, raising=False)  # none on Windows
    return tmp_path


def meminfo(machine, available_kb):
    """/proc/meminfo with MemFree 1 GiB and MemAvailable as given."""
    (machine / "meminfo").write_text(
        f"MemTotal:       16777216 kB\nMemFree:         1048576 kB\n"
        f"MemAvailable:   {available_kb:>8} kB\nBuffers:           12345 kB\n"
    )


def sysconf_free(monkeypatch, free_bytes):
    pages = {"SC_AVPHYS_PAGES": free_bytes // 4096, "SC_PAGE_SIZE": 4096}
    monkeypatch.setattr(_memory.os, "sysconf", pages.__getitem__, raising=False)


# Linux's own names (Documentation/admin-guide/cgroup-v2.rst, cgroup-v1/memory.rst), written
# out here rather than taken from _memory, so that a misspelt one there fails.
LINUX_FILES = {
    2: ("", "memory.max", "memory.current", "inactive_file"),
    1: ("memory", "memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file"),
}


def cgroup(machine, version, path, levels):
    """This process in cgroup ``path``; ``levels`` maps a folder (relative to the hierarchy's
    root, "" for the root) to its (limit, used, droppable cache), each in bytes."""
    folder, limit_file, usage_file, cache_key = LINUX_FILES[version]
    line = f"0::{path}" if version == 2 else f"4:memory:{path}\n0::/"
    (machine / "self-cgroup").write_text(f"9:pids:/\n{line}\n")
    for level, (limit, used, cache) in levels.items():
        where = machine / "cgroup" / folder / level
        where.mkdir(parents=True, exist_ok=True)
        (where / limit_file).write_text(f"{limit}\n")
        (where / usage_file).write_text(f"{used}\n")
        (where / "memory.stat").write_text(f"anon 1\n{cache_key} {cache}\nfile 9\n")


def test_memavailable_counts_the_page_cache_memfree_leaves_out(machine, monkeypatch):
    meminfo(machine, 6 * 2**20)
    sysconf_free(monkeypatch, 1 * GiB)  # MemFree: what the check once read
    assert _memory.available_memory() == (6 * GiB, "of memory available")
    _memory.check_memory(2 * GiB, "2 GiB of weights", "shape")
    with pytest.raises(ValueError, match=r"need about 7.0 GiB, more than the 6.0 GiB of memory av"):
        _memory.check_memory(7 * GiB, "weights", "shape")


@pytest.mark.parametrize("version", [2, 1])
def test_a_container_limit_below_memavailable_wins(machine, version):
    # The host has 6 GiB available; the container may use 2 GiB, has 1.5 GiB charged of which
    # 0.25 GiB is page cache it can drop: 0.75 GiB left.
    meminfo(machine, 6 * 2**20)
    cgroup(machine, version, "/", {"": (2 * GiB, 3 * GiB // 2, GiB // 4)})
    assert _memory.available_memory() == (3 * GiB // 4, "left under this container's memory limit")
    with pytest.raises(ValueError, match=r"more than the 768 MiB left under this container's memo"):
        _memory.check_memory(GiB, "weights", "shape")


@pytest.mark.parametrize("version", [2, 1])
def test_the_tightest_limit_of_the_cgroup_and_those_above_it_counts(machine, version):
    # A pod limited to 3 GiB holds this process's cgroup, itself unlimited: 3 - 1 = 2 GiB left.
    meminfo(machine, 6 * 2**20)
    unlimited = "max" if version == 2 else 9223372036854771712
    levels = {"": (unlimited, 5 * GiB, 0), "pod": (3 * GiB, GiB, 0), "pod/app": (unlimited, GiB, 0)}
    cgroup(machine, version, "/pod/app", levels)
    assert _memory.available_memory() == (2 * GiB, "left under this container's memory limit")


@pytest.mark.parametrize(
    ("version", "limit"), [(2, "max"), (1, 9223372036854771712)], ids=["v2 max", "v1 huge"]
)
def test_a_container_without_a_limit_leaves_memavailable(machine, version, limit):
    meminfo(machine, 6 * 2**20)
    cgroup(machine, version, "/", {"": (limit, GiB, 0)})
    assert _memory.available_memory() == (6 * GiB, "of memory available")


def test_an_unreadable_usage_is_no_limit_and_a_missing_stat_no_cache(machine):
    meminfo(machine, 6 * 2**20)
    cgroup(machine, 2, "/a/b", {"a": (GiB, 0, 0), "a/b": (GiB // 2, GiB // 4, GiB // 8)})
    (machine / "cgroup" / "a" / "b" / "memory.current").write_text("not a number\n")
    assert _memory.available_memory()[0] == GiB  # a/b unreadable: a's limit counts
    (machine / "cgroup" / "a" / "b" / "memory.current").write_text(f"{GiB // 4}\n")
    (machine / "cgroup" / "a" / "b" / "memory.stat").unlink()
    assert _memory.available_memory()[0] == GiB // 4  # a/b's limit, counted without its cache


def test_usage_past_the_limit_leaves_nothing_and_says_so_in_mib(machine):
    # The kernel lets usage pass the limit for a moment while it reclaims.
    meminfo(machine, 6 * 2**20)
    cgroup(machine, 2, "/", {"": (GiB, GiB + 2**20, 0)})
    assert _memory.available_memory()[0] == 0
    with pytest.raises(ValueError, match=r"need about 1 MiB, more than the 0 MiB left under this"):
        _memory.check_memory(2**20, "a request", "n")


def test_a_cgroup_outside_what_sys_fs_cgroup_shows_is_not_read(machine):
    # "/../sib" is a cgroup beside this namespace's root: its folders here are someone else's.
    meminfo(machine, 6 * 2**20)
    cgroup(machine, 2, "/../sib", {"": (GiB, 0, 0), "sib": (GiB // 2, 0, 0)})
    assert _memory.available_memory() == (6 * GiB, "of memory available")


def test_a_garbled_proc_cgroup_is_no_limit(machine):
    meminfo(machine, 6 * 2**20)
    cgroup(machine, 2, "/", {"": (GiB, 0, 0)})
    (machine / "self-cgroup").write_text("garbled\n\n")
    assert _memory.available_memory() == (6 * GiB, "of memory available")


def test_without_proc_meminfo_sysconf_is_the_fallback(machine, monkeypatch):
    sysconf_free(monkeypatch, GiB)
    assert _memory.available_memory() == (GiB, "of memory free")
    with pytest.raises(ValueError, match=r"more than the 1.0 GiB of memory free; ask for a smal"):
        letters(2_000_000)


def test_a_meminfo_without_memavailable_falls_back_too(machine, monkeypatch):
    sysconf_free(monkeypatch, GiB)
    (machine / "meminfo").write_text("MemTotal: 100 kB\nMemFree: 50 kB\n")
    assert _memory.available_memory() == (GiB, "of memory free")


def test_without_a_report_of_free_memory_a_fixed_cap_applies(machine):
    assert _memory.available_memory()[0] == _memory.MEMORY_CAP_BYTES == 8 * GiB
    with pytest.raises(ValueError, match=r"more than the 8.0 GiB cap"):
        letters(11_000_000)
