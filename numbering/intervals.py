"""Allocation math on inclusive integer runs ``(first, last)``: pure, no database.

Free space is always kept as runs (numbers) or aligned blocks (addresses), never as
single values, so every operation here costs O(runs touched), not O(numbers).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

Run = tuple[int, int]


def size(run: Run) -> int:
    return run[1] - run[0] + 1


def overlaps(a: Run, b: Run) -> bool:
    """
    >>> overlaps((1, 5), (5, 9)), overlaps((1, 4), (5, 9))
    (True, False)
    """
    return a[0] <= b[1] and b[0] <= a[1]


def remainder(run: Run, taken: Run) -> list[Run]:
    """What is left of ``run`` once ``taken`` (inside it) is removed: zero to two runs.

    >>> remainder((10, 20), (12, 15))
    [(10, 11), (16, 20)]
    """
    if not (run[0] <= taken[0] <= taken[1] <= run[1]):
        raise ValueError(f"{taken} is not inside {run}")
    out = []
    if taken[0] > run[0]:
        out.append((run[0], taken[0] - 1))
    if taken[1] < run[1]:
        out.append((taken[1] + 1, run[1]))
    return out


def runs_of(values: Iterable[int]) -> list[Run]:
    """Sorted distinct values grouped into maximal consecutive runs.

    >>> runs_of([7, 3, 4, 5, 9, 8])
    [(3, 5), (7, 9)]
    """
    out: list[Run] = []
    for v in sorted(set(values)):
        if out and v == out[-1][1] + 1:
            out[-1] = (out[-1][0], v)
        else:
            out.append((v, v))
    return out


def best_fit(free: Iterable[Run], count: int) -> Run | None:
    """The smallest run holding ``count`` (lowest first on ties), or None.

    >>> best_fit([(0, 99), (200, 209), (300, 311)], 10)
    (200, 209)
    """
    fitting = [r for r in free if size(r) >= count]
    return min(fitting, key=lambda r: (size(r), r[0])) if fitting else None


def plan_take(free: Sequence[Run], count: int) -> list[Run]:
    """Runs totalling ``count``, in as few runs as possible, each taken from a run's start.

    One run if any run is big enough (best fit); otherwise the largest runs, with the
    last piece taken from the smallest run that completes the count.

    >>> plan_take([(0, 4), (10, 19), (30, 32)], 12)
    [(10, 19), (30, 31)]
    >>> plan_take([(0, 4), (10, 19)], 3)
    [(0, 2)]
    """
    if count <= 0:
        raise ValueError("count must be positive")
    one = best_fit(free, count)
    if one is not None:
        return [(one[0], one[0] + count - 1)]
    ordered = sorted(free, key=lambda r: (-size(r), r[0]))
    if sum(size(r) for r in ordered) < count:
        raise ValueError(f"only {sum(size(r) for r in ordered)} free, {count} wanted")
    taken: list[Run] = []
    left = count
    for i, run in enumerate(ordered):
        if size(run) >= left:
            last = best_fit(ordered[i:], left) or run
            taken.append((last[0], last[0] + left - 1))
            return taken
        taken.append(run)
        left -= size(run)
    raise AssertionError("unreachable: the total was checked")


def cidr_blocks(first: int, last: int, width: int = 128) -> list[tuple[int, int]]:
    """The canonical split of [first, last] into aligned blocks ``(start, prefix_length)``:
    each block is the largest aligned one starting where the previous ended.

    >>> cidr_blocks(1, 6, width=3)
    [(1, 3), (2, 2), (4, 2), (6, 3)]
    """
    out = []
    while first <= last:
        bits = (first & -first).bit_length() - 1 if first else width
        while first + (1 << bits) - 1 > last:
            bits -= 1
        out.append((first, width - bits))
        first += 1 << bits
    return out

