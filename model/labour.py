"""Worker decisions and the matching of job seekers with vacancies.

- Quits: each employee quits into search with ``quit_rate`` a month.
- Participation: unemployed people drop out (discouragement) and inactive people return.
- Start-ups: an unemployed person tries with ``startup_rate``; the attempt goes ahead only
  if the capital it needs is within the person's own funds plus the credit they can get.
  Some start-ups plan to hire and open a firm; the rest are sole traders.
- Matching: seekers and vacancies meet within segments (sector x skill band); a share of
  seekers search in another segment, chosen where the vacancies are. In each segment
  ``M = A * S ** a * V ** (1 - a)`` (capped by S and V), where S counts seekers by search
  effectiveness (registered seekers count ``1 + pes_matching_boost``). A seeker meets a
  vacancy with probability ``effectiveness * M / S``; met pairs are formed in keyed random
  order; the seeker accepts if the offered wage reaches the reservation wage, which falls
  with the months unemployed and rises with unemployment benefit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import firms as firm_rules
from . import rng
from .population import BAND_PREMIUM, N_BANDS, Separation, Status
from .rng import Purpose

if TYPE_CHECKING:
    from .simulation import LabourMarket


def quits(model: LabourMarket) -> None:
    w, rate = model.workers, model.scenario.behaviour.quit_rate
    # drawing for everyone and masking is cheaper than gathering the employees' ids first
    draws = rng.bernoulli(model.seed, w.id, model.month, Purpose.QUIT, rate)
    leaving = np.flatnonzero(draws & (w.status == Status.EMPLOYED) & (w.job_start <= model.month))
    model.leave_jobs(leaving, Separation.QUIT, "quits")


def participation(model: LabourMarket) -> None:
    w, beh = model.workers, model.scenario.behaviour
    if beh.discouragement_rate == 0 and beh.reentry_rate == 0:
        return
    unemployed = np.flatnonzero((w.status == Status.UNEMPLOYED) & (w.benefit_months_left == 0))
    drop = unemployed[rng.bernoulli(model.seed, w.id[unemployed], model.month, Purpose.PARTICIPATION, beh.discouragement_rate)]
    inactive = np.flatnonzero(w.status == Status.INACTIVE)
    back = inactive[rng.bernoulli(model.seed, w.id[inactive], model.month, Purpose.PARTICIPATION, beh.reentry_rate, sub=1)]
    w.status[drop] = Status.INACTIVE
    w.registered[drop] = False
    w.status[back] = Status.UNEMPLOYED
    w.unemployed_months[back] = 0


def sole_trader_exits(model: LabourMarket) -> None:
    """Self-employed people without a firm of their own give up at their exit hazard."""
    w = model.workers
    rate = model.scenario.behaviour.self_employment_exit_rate
    if rate == 0:
        return
    solo = np.flatnonzero((w.status == Status.SELF_EMPLOYED) & (w.employer < 0))
    failing = solo[rng.bernoulli(model.seed, w.id[solo], model.month, Purpose.STARTUP_FAILURE, rate)]
    model.leave_jobs(failing, Separation.BUSINESS_FAILURE, "business_failures")


def credit_available(model: LabourMarket, rows: np.ndarray) -> np.ndarray:
    """Credit a would-be founder can get. Without a loan programme banks lend nothing unsecured."""
    return np.zeros(len(rows))


def startups(model: LabourMarket) -> None:
    w, beh = model.workers, model.scenario.behaviour
    if beh.startup_rate == 0:
        return
    unemployed = np.flatnonzero(w.status == Status.UNEMPLOYED)
    trying = unemployed[rng.bernoulli(model.seed, w.id[unemployed], model.month, Purpose.STARTUP, beh.startup_rate)]
    z = rng.normal(model.seed, w.id[trying], model.month, Purpose.STARTUP_CAPITAL)
    need = beh.startup_capital_median * np.exp(beh.startup_capital_dispersion * z)
    able = need <= w.savings[trying] + credit_available(model, trying)
    founders, need = trying[able], need[able]
    w.savings[founders] -= np.minimum(w.savings[founders], need)
    w.status[founders] = Status.SELF_EMPLOYED
    w.registered[founders] = False
    w.benefit_months_left[founders] = 0
    w.unemployed_months[founders] = 0
    model.count("startups", w.weight[founders].sum())
    model.count("new_jobs_gross", w.weight[founders].sum())

    plans = rng.bernoulli(model.seed, w.id[founders], model.month, Purpose.STARTUP_HIRING, beh.startup_employer_share)
    hiring = founders[plans]
    if len(hiring):
        u = rng.uniform(model.seed, w.id[hiring], model.month, Purpose.STARTUP_HIRING, 1)
        team = 1 + np.floor(-np.log1p(-u) * (beh.startup_team_size - 1))
        w.employer[hiring] = firm_rules.open_firms(model, len(hiring), w.sector[hiring], team, hiring, need[plans])


def reservation_wage(model: LabourMarket, rows: np.ndarray) -> np.ndarray:
    w, beh = model.workers, model.scenario.behaviour
    decay = (1 - beh.reservation_wage_decay) ** w.unemployed_months[rows]
    benefit = np.where(w.benefit_months_left[rows] > 0, model.ui_fund.benefit_amount(), 0.0)
    return beh.reservation_wage_share * w.last_wage[rows] * decay + beh.benefit_reservation_weight * benefit


def _segments(model: LabourMarket, sector: np.ndarray, band: np.ndarray) -> np.ndarray:
    if model.scenario.behaviour.segment_by_skill:
        return sector.astype(np.int64) * N_BANDS + band
    return sector.astype(np.int64) * N_BANDS


def match(model: LabourMarket, open_posts: np.ndarray) -> np.ndarray:
    """Form matches this month; returns the posts still open afterwards."""
    w, f, beh = model.workers, model.firms, model.scenario.behaviour
    seekers = np.flatnonzero(w.status == Status.UNEMPLOYED)
    n_segments = len(model.scenario.region.sectors) * N_BANDS
    firm_seg = _segments(model, f.sector, f.skill_band)
    v_seg = np.bincount(firm_seg, weights=open_posts, minlength=n_segments)
    if len(seekers) == 0 or v_seg.sum() == 0:
        return open_posts
    ids, month = w.id[seekers], model.month
    seg = _segments(model, w.sector[seekers], w.skill_band(seekers))
    across = rng.bernoulli(model.seed, ids, month, Purpose.CROSS_SEGMENT, beh.cross_segment_search)
    seg = np.where(across, rng.choice(model.seed, ids, month, Purpose.SEGMENT_CHOICE, v_seg), seg)

    effort = 1.0 + beh.pes_matching_boost * w.registered[seekers]
    s_seg = np.bincount(seg, weights=effort, minlength=n_segments)
    a = beh.matching_elasticity
    with np.errstate(divide="ignore", invalid="ignore"):
        meetings = np.minimum.reduce([beh.matching_efficiency * s_seg**a * v_seg ** (1 - a), v_seg, s_seg])
        rate = np.where(s_seg > 0, meetings / s_seg, 0.0)
    met = rng.uniform(model.seed, ids, month, Purpose.JOB_SEARCH) < np.minimum(effort * rate[seg], 1.0)
    seekers, seg = seekers[met], seg[met]

    # pair met seekers with posts of their segment, both in keyed random order
    post_firm = np.repeat(np.arange(len(f)), open_posts)
    post_order = _keyed_order(firm_seg[post_firm], rng.bits(model.seed, f.id[post_firm], month, Purpose.VACANCY_ORDER))
    post_firm = post_firm[post_order]
    post_start = np.concatenate([[0], np.cumsum(np.bincount(firm_seg[post_firm], minlength=n_segments))])
    seeker_order = _keyed_order(seg, rng.bits(model.seed, w.id[seekers], month, Purpose.JOB_SEARCH, 1))
    seekers, seg = seekers[seeker_order], seg[seeker_order]
    rank = np.arange(len(seekers)) - np.searchsorted(seg, seg, side="left")
    placed = rank < (post_start[seg + 1] - post_start[seg])
    seekers, employer = seekers[placed], post_firm[post_start[seg[placed]] + rank[placed]]

    z = rng.normal(model.seed, w.id[seekers], month, Purpose.OFFER_WAGE)
    offer = f.wage[employer] * BAND_PREMIUM[w.skill_band(seekers)] * np.exp(beh.offer_wage_dispersion * z)
    offer = np.maximum(offer, model.scenario.region.minimum_wage)
    accept = offer >= reservation_wage(model, seekers)
    hire(model, seekers[accept], employer[accept], offer[accept])
    return open_posts - np.bincount(employer[accept], minlength=len(f))


def _keyed_order(segment: np.ndarray, bits: np.ndarray) -> np.ndarray:
    """Order by segment, then by keyed random bits: one sort on a packed 64-bit key."""
    key = (segment.astype(np.uint64) << np.uint64(40)) | (bits >> np.uint64(24))
    return np.argsort(key, kind="stable")


def hire(model: LabourMarket, rows: np.ndarray, employer: np.ndarray, wage: np.ndarray) -> None:
    w, f = model.workers, model.firms
    w.status[rows] = Status.EMPLOYED
    w.employer[rows] = employer
    w.wage[rows] = wage
    w.insured[rows] = f.insures[employer]
    w.sector[rows] = f.sector[employer]
    w.registered[rows] = False
    w.unemployed_months[rows] = 0
    w.benefit_months_left[rows] = 0
    w.separation[rows] = Separation.NONE
    w.job_start[rows] = model.month + 1
    model.book_staff(rows, +1)
    model.count("hires", w.weight[rows].sum())
    model.count("new_jobs_gross", w.weight[rows].sum())
