"""Compiled whole-population passes (numba) for the few loops numpy would split into many.

Each kernel does one pass over a population's columns where the numpy equivalent would make
several passes and temporaries: the keyed SplitMix64 hash behind every random draw, the
monthly quit draw among employees, and the status counts behind the indicators; and the
bookkeeping of people moving into and out of jobs (firms' staff and payroll, households'
members in work), where each mover touches many columns at random rows. They compute what
the numpy expressions in their docstrings compute.
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
def census(status, age_months, urban_hukou, weight, young_below_months, n_status, unemployed_code):
    """One pass for the month's indicators: weighted persons per status, the same for those
    younger than the limit and for those with urban hukou, and the rows of the unemployed
    (``flatnonzero(status == code)``). Eight interleaved partial sums keep the additions
    independent, which makes them faster."""
    partial = np.zeros((8, 4 * n_status))
    for i in range(status.size):
        partial[i & 7, status[i] + n_status * (age_months[i] < young_below_months) + 2 * n_status * urban_hukou[i]] += weight[i]
    t = partial.sum(axis=0)
    old, young, urban_old, urban_young = t[:n_status], t[n_status:2 * n_status], t[2 * n_status:3 * n_status], t[3 * n_status:]
    return old + young + urban_old + urban_young, young + urban_young, urban_old + urban_young, rows_with_status(status, unemployed_code)


@njit(cache=True)
def age_residents(status, age_months, female, retired_code, student_code, female_limit, male_limit, student_limit):
    """Add a month to the age of every resident (status below ``retired_code``) in one pass and
    return the rows reaching their limit in months: ``student_limit`` for students, else by sex."""
    hit = np.zeros(status.size, dtype=np.bool_)
    n = 0
    for i in range(status.size):
        if status[i] < retired_code:
            age_months[i] += 1
            if status[i] == student_code:
                limit = student_limit
            elif female[i]:
                limit = female_limit
            else:
                limit = male_limit
            hit[i] = age_months[i] >= limit
            n += hit[i]
    return _rows_of(hit, n)


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


@njit(cache=True)
def book_staff(rows, employer, wage, insured, sign, base_floor, base_cap, employees, payroll, insured_base):
    """Add (``sign`` +1) or remove (-1) the workers in ``rows`` from their employers' staff count,
    payroll and insured contribution base (the wage clipped to floor and cap), in one pass over
    the movers; a firm left without staff has both sums set to exactly 0 (no rounding residue)."""
    for r in rows:
        e = employer[r]
        employees[e] += sign
        payroll[e] += sign * wage[r]
        if insured[r]:
            insured_base[e] += sign * min(max(np.float64(wage[r]), base_floor), base_cap)
    if sign < 0:
        for r in rows:
            e = employer[r]
            if employees[e] == 0:
                payroll[e] = 0.0
                insured_base[e] = 0.0


@njit(cache=True)
def zero_employment_households(household, searching, weight, household_working):
    """Households with an unemployed member and nobody in work, each counted once at its
    unemployed members' mean weight: the sum over those members (rows ``searching``, weights
    ``weight`` aligned with them) of weight / (unemployed members of the household). The members
    are counted in ``household_working`` itself, as negative numbers where it is 0 (no one in
    work), and those entries are put back to 0 before returning."""
    homes = np.empty(searching.size, dtype=np.int64)
    for i in range(searching.size):
        h = household[searching[i]]
        homes[i] = h
        if household_working[h] <= 0:
            household_working[h] -= 1
    total = 0.0
    for i in range(homes.size):
        if household_working[homes[i]] < 0:
            total += weight[i] / -household_working[homes[i]]
    for h in homes:
        if household_working[h] < 0:
            household_working[h] = 0
    return total


@njit(cache=True)
def count_working_moves(households, old_status, is_working, new_working, household_working):
    """Keep each household's count of members in work current as people in ``households``
    (with statuses ``old_status``) move to a status that is (1) or is not (0) work:
    ``np.add.at(household_working, households, new_working - is_working[old_status])``."""
    for i in range(households.size):
        household_working[households[i]] += new_working - is_working[old_status[i]]


@njit(cache=True)
def start_jobs(rows, employer, wage, first_month, employer_col, wage_col, insured, sector, registered, weight,
               unemployed_months, benefit_months_left, separation, job_start, firm_insures, firm_sector, hires_this_year):
    """The columns of people taking a job, in one pass over them: worker ``rows[i]`` joins firm
    ``employer[i]`` at ``wage[i]``, insured if the firm insures and in its sector, leaves the
    register, its unemployment spell and benefit, and counts for contributions from
    ``first_month``; the firm counts a hire. Returns the weight of those hired and of those of
    them who were registered unemployed (失业人员再就业)."""
    hired = 0.0
    from_register = 0.0
    for i in range(rows.size):
        r, e = rows[i], employer[i]
        employer_col[r] = e
        wage_col[r] = wage[i]
        insured[r] = firm_insures[e]
        sector[r] = firm_sector[e]
        hired += weight[r]
        if registered[r]:
            from_register += weight[r]
            registered[r] = False
        unemployed_months[r] = 0
        benefit_months_left[r] = 0
        separation[r] = 0  # Separation.NONE
        job_start[r] = first_month
        hires_this_year[e] += 1
    return hired, from_register
