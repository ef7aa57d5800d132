"""Keyed random numbers: every draw is a pure function of (seed, agent id, month, purpose).

A simulation never takes numbers from a shared stream. Each draw hashes its four keys with
SplitMix64 (Steele, Lea & Flood 2014): (seed, month, purpose, sub-draw) are mixed into one
64-bit key, and agent ``id`` gets output number ``id`` of the SplitMix64 stream starting at that
key, computed for a whole population in one compiled pass (:mod:`lmsim.kernels`).
Consequences the rest of lmsim relies on:

- common random numbers hold agent by agent: a policy that changes one worker's path (or
  removes the worker) leaves every other worker's draws for the same month and purpose as
  they were, so scenario differences are policy, not noise;
- results do not depend on how agents are ordered or split across processes.

Each purpose has a fixed number in :class:`Purpose`; adding one never changes the others.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
from scipy.special import ndtri, pdtr, pdtrik

from . import kernels

_MASK = 0xFFFFFFFFFFFFFFFF
_TWO_POW_53 = 2.0**-53
_S11 = np.uint64(11)


class Purpose(IntEnum):
    """What a draw is for. Numbers are part of the reproducibility contract: never renumber."""

    QUIT = 1
    LAYOFF_CHOICE = 2
    JOB_SEARCH = 3
    CROSS_SEGMENT = 4
    SEGMENT_CHOICE = 5
    VACANCY_ORDER = 6
    OFFER_WAGE = 7
    REGISTRATION = 8
    PARTICIPATION = 9
    STARTUP = 10
    STARTUP_CAPITAL = 11
    STARTUP_FAILURE = 12
    FIRM_DEMAND = 13
    SECTOR_DEMAND = 14
    FIRM_ENTRY = 15
    MIGRATION_OUT = 16
    MIGRATION_IN = 17
    GRADUATES = 18
    COHORT = 19
    SYNTH_WORKER = 20
    SYNTH_FIRM = 21
    FIRM_EXIT = 22
    STARTUP_HIRING = 23
    VACANCY_ROUNDING = 24
    UI_CLAIM = 25
    TAKE_UP = 26
    BUDGET_QUEUE = 27
    POLICY = 28  # a lever's own draws: sub = the lever's key plus an offset
    RECORDING = 29  # whether employment registration records an entry into work
    CONTACT = 30  # whether a registered unemployed person is in contact with the service
    SURVEY = 31  # whether a person is in the labour force survey's sample
    SHOCK_EXPOSURE = 32  # a firm's fixed rank in who a shock hitting part of a sector hits
    PARAMETER_DRAW = 33  # a replication's draw of the fitted parameters (id: parameter, month: replication)


def key(seed: int, month: int, purpose: int, sub: int = 0) -> np.uint64:
    """The 64-bit key of one (seed, month, purpose, sub) call; ids are hashed under it."""
    return np.uint64(kernels.mix_key(*(np.uint64(k & _MASK) for k in (seed, month, int(purpose), sub))))


def _ids(ids: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(ids, dtype=np.int64)


def bits(seed: int, ids: np.ndarray, month: int, purpose: int, sub: int = 0) -> np.ndarray:
    """64 random bits per id, keyed by (seed, id, month, purpose, sub): output number ``id`` of
    the SplitMix64 stream that starts at the mixed key."""
    return kernels.keyed_bits(_ids(ids), key(seed, month, purpose, sub))


def uniform(seed: int, ids: np.ndarray, month: int, purpose: int, sub: int = 0) -> np.ndarray:
    """Uniform draws on [0, 1), one per id."""
    return (bits(seed, ids, month, purpose, sub) >> _S11) * _TWO_POW_53


def bernoulli(
    seed: int, ids: np.ndarray, month: int, purpose: int, p: np.ndarray | float, sub: int = 0
) -> np.ndarray:
    """True with probability ``p`` (scalar or one per id)."""
    if np.isscalar(p):
        if p <= 0:  # a switched-off behaviour costs nothing
            return np.zeros(len(ids), dtype=bool)
        if p >= 1:
            return np.ones(len(ids), dtype=bool)
        # compare the 53 high bits with p * 2**53: the same event as uniform() < p, in one pass
        return kernels.keyed_below(_ids(ids), key(seed, month, purpose, sub), threshold(p))
    return uniform(seed, ids, month, purpose, sub) < p


def normal(seed: int, ids: np.ndarray, month: int, purpose: int, sub: int = 0) -> np.ndarray:
    """Standard normal draws by inversion, so one uniform gives one normal."""
    u = uniform(seed, ids, month, purpose, sub)
    return ndtri(np.clip(u, 1e-12, 1 - 1e-12))


def choice(
    seed: int, ids: np.ndarray, month: int, purpose: int, shares: np.ndarray, sub: int = 0
) -> np.ndarray:
    """Category index per id, drawn from ``shares`` (which need not sum exactly to one)."""
    cum = np.cumsum(np.asarray(shares, dtype=float))
    u = uniform(seed, ids, month, purpose, sub) * cum[-1]
    return np.searchsorted(cum, u, side="right").astype(np.int16)


def poisson_count(seed: int, key: int, month: int, purpose: int, mean: float) -> int:
    """One Poisson count for an aggregate event (e.g. firm entries), keyed like any draw."""
    u = uniform(seed, np.array([key]), month, purpose)[0]
    if mean <= 0:
        return 0
    # the inverse CDF as scipy.stats.poisson.ppf computes it, without importing scipy.stats
    k = float(np.ceil(pdtrik(u, mean)))
    below = max(k - 1.0, 0.0)
    return int(below if pdtr(below, mean) >= u else k)


def threshold(p: float) -> np.uint64:
    """The integer a draw's 53 high bits must stay below for an event of probability ``p``."""
    return np.uint64(int(p * 2.0**53))


def replication_seed(seed: int, replication: int) -> int:
    """Seed of replication ``k`` of a run: the seed itself for k = 0, a spawned key otherwise."""
    if replication == 0:
        return seed
    return int(np.random.SeedSequence(seed, spawn_key=(replication,)).generate_state(1, np.uint64)[0] >> np.uint64(1))
