"""Compiled whole-population passes (numba) for the few loops numpy would split into many.

Each kernel does one pass over a population's columns where the numpy equivalent would make
several passes and temporaries: the keyed SplitMix64 hash behind every random draw, the
monthly quit draw among employees, and the status counts behind the indicators. They compute
exactly what the numpy expressions in their docstrings compute.
"""

from __future__ import annotations

import numpy as np
from numba import njit

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
M1 = np.uint64(0xBF58476D1CE4E5B9)
M2 = np.uint64(0x94D049BB133111EB)
S30, S27, S31, S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)


@njit(cache=True, inline="always")
def _splitmix(z):
    z = (z ^ (z >> S30)) * M1
    z = (z ^ (z >> S27)) * M2
    return z ^ (z >> S31)


@njit(cache=True)
def mix_key(seed, month, purpose, sub):
    """The per-call key: SplitMix64 chained over (seed, month, purpose, sub)."""
    z = seed
    z = _splitmix(z + GOLDEN) ^ month
    z = _splitmix(z + GOLDEN) ^ purpose
    z = _splitmix(z + GOLDEN) ^ sub
    return _splitmix(z)


@njit(cache=True)
def keyed_bits(ids, key):
    """``splitmix(uint64(id) * GOLDEN + key)`` for each id."""
    out = np.empty(ids.size, dtype=np.uint64)
    for i in range(ids.size):
        out[i] = _splitmix(np.uint64(ids[i]) * GOLDEN + key)
    return out


@njit(cache=True)
def keyed_below(ids, key, threshold):
    """``keyed_bits(ids, key) >> 11 < threshold``: a Bernoulli draw with p = threshold / 2**53."""
    out = np.empty(ids.size, dtype=np.bool_)
    for i in range(ids.size):
        out[i] = (_splitmix(np.uint64(ids[i]) * GOLDEN + key) >> S11) < threshold
    return out


@njit(cache=True)
def _rows_of(mask, n):
    """``flatnonzero(mask)`` when ``mask`` has ``n`` true entries; the fill is branchless."""
    rows = np.empty(n + 1, dtype=np.int64)
    k = 0
    for i in range(mask.size):
        rows[k] = i
        k += mask[i]
    return rows[:n]


@njit(cache=True)
def employees_drawn(status, job_start, month, ids, key, threshold, employed_code, age_months, young_below_months, young_threshold):
    """Rows where ``(status == employed_code) & (job_start <= month) & (keyed_bits(ids, key) >> 11
    < threshold)``, hashing only the rows that qualify; rows younger than the age limit compare
    with ``young_threshold`` instead (the same draw, so a young person's event is a superset or
    subset of what it would be at the adult rate)."""
    hit = np.zeros(ids.size, dtype=np.bool_)
    n = 0
    for i in range(ids.size):
        if status[i] == employed_code and job_start[i] <= month:
            limit = young_threshold if age_months[i] < young_below_months else threshold
            hit[i] = (_splitmix(np.uint64(ids[i]) * GOLDEN + key) >> S11) < limit
            n += hit[i]
    return _rows_of(hit, n)


@njit(cache=True)
def census(status, age_months, weight, young_below_months, n_status, unemployed_code):
    """One pass for the month's indicators: weighted persons per status, the same for those
    younger than the limit, and the rows of the unemployed (``flatnonzero(status == code)``).
    Eight interleaved partial sums keep the additions independent, which makes them faster."""
    partial = np.zeros((8, 2 * n_status))
    for i in range(status.size):
        partial[i & 7, status[i] + n_status * (age_months[i] < young_below_months)] += weight[i]
    totals = partial.sum(axis=0)
    return totals[:n_status] + totals[n_status:], totals[n_status:], rows_with_status(status, unemployed_code)


@njit(cache=True)
def rows_with_status(status, code):
    """``np.flatnonzero(status == code)``: a counting pass, then a branchless fill."""
    n = 0
    for i in range(status.size):
        n += status[i] == code
    rows = np.empty(n + 1, dtype=np.int64)
    k = 0
    for i in range(status.size):
        rows[k] = i
        k += status[i] == code
    return rows[:n]
