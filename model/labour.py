"""Worker decisions and the matching of job seekers with vacancies.

- Quits: each employee quits into search with ``quit_rate`` a month (16-24 year-olds at a
  multiple of it).
- Participation: unemployed people drop out (discouragement) and inactive people return.
- Start-ups: an unemployed person tries with ``startup_rate``; the attempt goes ahead only
  if the capital it needs is within the person's own funds plus the credit they can get.
  Some start-ups plan to hire and open a firm; the rest are sole traders.
- Matching: seekers and vacancies meet within segments (sector x skill band); a share of
  seekers search in another segment, chosen where the vacancies are. In each segment
  ``M = A * S ** a * V ** (1 - a)`` (capped by S and V), where S counts seekers by search
  effectiveness (registered seekers count ``1 + pes_matching_boost``; 16-24 year-olds, with
  little experience and often waiting for a better first job (慢就业), count
  ``youth_search_effectiveness``). A seeker meets a
  vacancy with probability ``effectiveness * M / S``; met pairs are formed in keyed random
  order; the seeker accepts if the offered wage reaches the reservation wage, which falls
  with the months unemployed and rises with unemployment benefit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from . import firms as firm_rules
from . import kernels, rng
from .population import BAND_PREMIUM, N_BANDS, YOUTH_BELOW_MONTHS, Separation, Status
from .rng import Purpose

if TYPE_CHECKING:
    from .market import Market

_POSTS_PER_FIRM = 1_000_003  # key stride: more posts than any firm opens in a month


def quits(model: Market) -> None:
    """Employees (not those hired this month) quit into search with ``quit_rate``; those aged
    16-24 with ``quit_rate * youth_quit_multiplier`` (young people change jobs more often,
    which is most of why their unemployment rate is a multiple of the adults')."""
    w, beh = model.workers, model.scenario.behaviour
    rate, young_rate = beh.quit_rate, min(1.0, beh.quit_rate * beh.youth_quit_multiplier)
    if rate == 0 and young_rate == 0:
        return
    key = rng.key(model.seed, model.month, Purpose.QUIT)
    leaving = kernels.employees_drawn(
        w.status, w.job_start, model.month, w.id, key, rng.threshold(rate), int(Status.EMPLOYED),
        w.age_months, YOUTH_BELOW_MONTHS, rng.threshold(young_rate),
    )
    risk = model.policies.separation_risk(leaving)
    if not np.isscalar(risk):  # levers lower some people's quit hazard: a second draw keeps them
        leaving = leaving[rng.uniform(model.seed, w.id[leaving], model.month, Purpose.QUIT, 1) < risk]
    model.leave_jobs(leaving, Separation.QUIT, "quits")


def participation(model: Market) -> None:
    w, beh = model.workers, model.scenario.behaviour
    if beh.discouragement_rate == 0 and beh.reentry_rate == 0:
        return
    unemployed = model.rows_in(Status.UNEMPLOYED)
    unemployed = unemployed[w.benefit_months_left[unemployed] == 0]
    drop = unemployed[rng.bernoulli(model.seed, w.id[unemployed], model.month, Purpose.PARTICIPATION, beh.discouragement_rate)]
    inactive = model.rows_in(Status.INACTIVE)
    back = inactive[rng.bernoulli(model.seed, w.id[inactive], model.month, Purpose.PARTICIPATION, beh.reentry_rate, sub=1)]
    model.set_status(drop, Status.INACTIVE)  # they stay on the register until the rules take them off
    model.set_status(back, Status.UNEMPLOYED)
    w.unemployed_months[back] = 0


def sole_trader_exits(model: Market) -> None:
    """Self-employed people without a firm of their own give up at their exit hazard."""
    w = model.workers
    rate = model.scenario.behaviour.self_employment_exit_rate
    if rate == 0:
        return
    solo = model.rows_in(Status.SELF_EMPLOYED)
    solo = solo[w.employer[solo] < 0]
    hazard = rate * model.policies.self_employment_exit(solo)
    failing = solo[rng.bernoulli(model.seed, w.id[solo], model.month, Purpose.STARTUP_FAILURE, hazard)]
    model.leave_jobs(failing, Separation.BUSINESS_FAILURE, "business_failures")


def startups(model: Market) -> None:
    w, beh = model.workers, model.scenario.behaviour
    if beh.startup_rate == 0:
        return
    unemployed = model.rows_in(Status.UNEMPLOYED)
    trying = unemployed[rng.bernoulli(model.seed, w.id[unemployed], model.month, Purpose.STARTUP, beh.startup_rate)]
    z = rng.normal(model.seed, w.id[trying], model.month, Purpose.STARTUP_CAPITAL)
    need = beh.startup_capital_median * np.exp(beh.startup_capital_dispersion * z)
    # without a loan programme banks lend nothing unsecured to an unemployed founder
    credit = np.broadcast_to(model.policies.startup_credit(trying, need), need.shape)
    able = need <= w.savings[trying] + credit
    founders, need, credit = trying[able], need[able], credit[able]
    w.savings[founders] -= np.minimum(w.savings[founders], need)
    model.set_status(founders, Status.SELF_EMPLOYED)
    model.count("registered_into_work", w.weight[founders][w.registered[founders]].sum())
    w.registered[founders] = False
    w.benefit_months_left[founders] = 0
    w.unemployed_months[founders] = 0
    model.policies.started(founders, need, credit)
    model.count("startups", w.weight[founders].sum())
    model.count("new_jobs_gross", w.weight[founders].sum())

    plans = rng.bernoulli(model.seed, w.id[founders], model.month, Purpose.STARTUP_HIRING, beh.startup_employer_share)
    hiring = founders[plans]
    if len(hiring):
        u = rng.uniform(model.seed, w.id[hiring], model.month, Purpose.STARTUP_HIRING, 1)
        team = planned_team(u, beh.startup_team_size)
        w.employer[hiring] = firm_rules.open_firms(model, len(hiring), w.sector[hiring], team, hiring, need[plans])


def planned_team(u: np.ndarray, mean: float) -> np.ndarray:
    """Employees a hiring start-up plans, from uniform draws ``u``: geometric on 1, 2, ... with
    the given mean (most plan a few, some many)."""
    if mean == 1:
        return np.ones(len(u))
    return 1 + np.floor(np.log1p(-u) / np.log1p(-1 / mean))


def reservation_wage(model: Market, rows: np.ndarray) -> np.ndarray:
    w, beh = model.workers, model.scenario.behaviour
    months = w.unemployed_months[rows]
    # a table of (1 - decay) ** k for each duration: one lookup per seeker instead of a power
    decay = (1 - beh.reservation_wage_decay) ** np.arange(int(months.max(initial=0)) + 1)
    decay = decay[months]
    benefit = np.where(w.benefit_months_left[rows] > 0, model.ui_fund.benefit_amount(), 0.0)
    shift = model.policies.reservation_shift(rows)
    return beh.reservation_wage_share * w.last_wage[rows] * decay + beh.benefit_reservation_weight * benefit + shift


def _segments(model: Market, sector: np.ndarray, band: Callable[[], np.ndarray]) -> np.ndarray:
    """Segment = sector x skill band (or the sector alone when skills do not segment the market)."""
    if model.scenario.behaviour.segment_by_skill:
        return sector.astype(np.int64) * N_BANDS + band()
    return sector.astype(np.int64) * N_BANDS


def match(model: Market, open_posts: np.ndarray) -> np.ndarray:
    """Form matches this month; returns the posts still open afterwards."""
    w, f, beh = model.workers, model.firms, model.scenario.behaviour
    seekers = model.rows_in(Status.UNEMPLOYED)
    n_segments = len(model.scenario.region.sectors) * N_BANDS
    firm_seg = _segments(model, f.sector, lambda: f.skill_band)
    v_seg = np.bincount(firm_seg, weights=open_posts, minlength=n_segments)
    if len(seekers) == 0 or v_seg.sum() == 0:
        return open_posts
    ids, month = w.id[seekers], model.month
    seg = _segments(model, w.sector[seekers], lambda: w.skill_band(seekers))
    across = np.flatnonzero(rng.bernoulli(model.seed, ids, month, Purpose.CROSS_SEGMENT, beh.cross_segment_search))
    seg[across] = rng.choice(model.seed, ids[across], month, Purpose.SEGMENT_CHOICE, v_seg)

    effort = 1.0 + beh.pes_matching_boost * w.registered[seekers] if beh.pes_matching_boost else np.ones(len(seekers))
    model.policies.before_matching(seekers)
    effort = effort * model.policies.search_effort(seekers)
    if beh.youth_search_effectiveness != 1.0:
        effort = effort * np.where(w.age_months[seekers] < YOUTH_BELOW_MONTHS, beh.youth_search_effectiveness, 1.0)
    s_seg = np.bincount(seg, weights=effort, minlength=n_segments)
    a = beh.matching_elasticity
    with np.errstate(divide="ignore", invalid="ignore"):
        meetings = np.minimum.reduce([beh.matching_efficiency * s_seg**a * v_seg ** (1 - a), v_seg, s_seg])
        rate = np.where(s_seg > 0, meetings / s_seg, 0.0)
    met = rng.uniform(model.seed, ids, month, Purpose.JOB_SEARCH) < np.minimum(effort * rate[seg], 1.0)
    seekers, seg = seekers[met], seg[met]

    post_firm = np.repeat(np.arange(len(f)), open_posts)
    post_number = np.arange(len(post_firm)) - np.repeat(np.cumsum(open_posts) - open_posts, open_posts)
    post_key = f.id[post_firm] * _POSTS_PER_FIRM + post_number  # each post draws on its own
    post_bits = rng.bits(model.seed, post_key, month, Purpose.VACANCY_ORDER)
    seeker_bits = rng.bits(model.seed, w.id[seekers], month, Purpose.JOB_SEARCH, 1)
    chosen_seekers, chosen_posts = _pair(seg, seeker_bits, firm_seg[post_firm], post_bits, n_segments)
    seekers, employer = seekers[chosen_seekers], post_firm[chosen_posts]

    z = rng.normal(model.seed, w.id[seekers], month, Purpose.OFFER_WAGE)
    offer = f.wage[employer] * BAND_PREMIUM[f.skill_band[employer]] * np.exp(beh.offer_wage_dispersion * z)
    offer = np.maximum(offer, model.scenario.region.minimum_wage)
    accept = offer + model.policies.offer_top_up(seekers, employer) >= reservation_wage(model, seekers)
    model.registers.refused(seekers[~accept])
    hire(model, seekers[accept], employer[accept], offer[accept])
    return open_posts - np.bincount(employer[accept], minlength=len(f))


def _smallest(bits: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` smallest keyed draws: a uniform random choice of ``k`` without sorting all."""
    return np.argpartition(bits, k - 1)[:k] if k < len(bits) else np.arange(len(bits))


def _pair(seeker_seg, seeker_bits, post_seg, post_bits, n_segments):
    """Within each segment, pair ``min(seekers, posts)`` of each side, chosen at random by
    their keyed draws; chosen seekers are ordered by their draws, so the pairing is random too."""
    seeker_by_seg = np.argsort(seeker_seg, kind="stable")
    post_by_seg = np.argsort(post_seg, kind="stable")
    s_bounds = np.searchsorted(seeker_seg[seeker_by_seg], np.arange(n_segments + 1))
    p_bounds = np.searchsorted(post_seg[post_by_seg], np.arange(n_segments + 1))
    seekers_out, posts_out = [], []
    for g in range(n_segments):  # a loop over market segments, not agents
        s = seeker_by_seg[s_bounds[g] : s_bounds[g + 1]]
        p = post_by_seg[p_bounds[g] : p_bounds[g + 1]]
        k = min(len(s), len(p))
        if k == 0:
            continue
        s = s[_smallest(seeker_bits[s], k)]
        seekers_out.append(s[np.argsort(seeker_bits[s])])
        posts_out.append(p[_smallest(post_bits[p], k)])
    if not seekers_out:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate(seekers_out), np.concatenate(posts_out)


def hire(model: Market, rows: np.ndarray, employer: np.ndarray, wage: np.ndarray) -> None:
    """Workers ``rows`` take jobs at firms ``employer`` (rows of the firms) paying ``wage``."""
    w, f = model.workers, model.firms
    model.set_status(rows, Status.EMPLOYED)
    hired, from_register = kernels.start_jobs(
        rows, np.asarray(employer, dtype=np.int64), wage, model.month + 1, w.employer, w.wage, w.insured, w.sector, w.registered,
        w.weight, w.unemployed_months, w.benefit_months_left, w.separation, w.job_start, f.insures, f.sector, f.hires_this_year,
    )
    model.book_staff(rows, +1)
    model.policies.hired(rows, employer)
    model.count("registered_into_work", from_register)
    model.count("hires", hired)
    model.count("new_jobs_gross", hired)
