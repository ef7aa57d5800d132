"""Firm decisions: demand, the staff a firm wants, layoffs, finances, exit and entry.

A firm's target staff is ``scale * exp(log demand) * (labour cost / reference cost) ** -elasticity``:
demand moves it, and so does the full labour cost (wage plus employer contributions, minus
whatever subsidies apply). Below target a firm posts vacancies; above target it holds labour
within a hoarding band and lays off part of the excess beyond it; a firm short of cash cannot
hoard, nor keep its staff through a temporary shock (a shutdown) as a firm with cash does.
Revenue is earned on staff up to demand; a firm pays out the cash beyond its buffer, and one whose
cash stays negative for ``exit_after_months`` exits and its staff lose their jobs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from . import rng
from .calendar import parse_month
from .population import BAND_PREMIUM, N_BANDS, Separation, Status, normal_wage_bill, set_firm_economics
from .social_insurance import employer_rate
from .rng import Purpose

if TYPE_CHECKING:
    from .market import Market


def update_demand(model: Market) -> None:
    """Firm-specific AR(1) demand plus sector and whole-market AR(1) components; the trend
    grows every firm's normal staff."""
    f, beh, month = model.firms, model.scenario.behaviour, model.month
    rho = beh.demand_persistence
    alive = np.flatnonzero(f.alive)
    if beh.firm_demand_volatility or f.demand.any():
        eps = rng.normal(model.seed, f.id[alive], month, Purpose.FIRM_DEMAND)
        f.demand[alive] = rho * f.demand[alive] + beh.firm_demand_volatility * eps
    if beh.demand_trend:
        f.scale[alive] *= np.float32(np.exp(beh.demand_trend / 12))
    n_sectors = len(model.sector_demand)
    sector_sd = np.array([s.demand_volatility for s in model.scenario.region.sectors])
    z = rng.normal(model.seed, np.arange(n_sectors + 1), month, Purpose.SECTOR_DEMAND)
    model.sector_demand = rho * model.sector_demand + sector_sd * z[:n_sectors]
    model.market_demand = rho * model.market_demand + beh.market_demand_volatility * z[n_sectors]


def scripted_shock(model: Market, temporary_only: bool = False) -> np.ndarray:
    """Log demand change per firm from the scenario's [[shocks]] active this month (only the
    temporary ones, with ``temporary_only``). A shock hitting ``firm_share`` of its sectors'
    firms hits those whose fixed rank (a draw per firm id) is below the share."""
    f, names = model.firms, model.scenario.sector_names
    out = np.zeros(len(f))
    rank = None
    for shock in model.scenario.shocks:
        if (shock.temporary or not temporary_only) and parse_month(shock.start) <= model.month <= parse_month(shock.end):
            hit = np.isin(f.sector, [names.index(s) for s in shock.sectors]) if shock.sectors else np.ones(len(f), dtype=bool)
            if shock.firm_share < 1:
                rank = rng.uniform(model.seed, f.id, 0, Purpose.SHOCK_EXPOSURE) if rank is None else rank
                hit &= rank < shock.firm_share
            out[hit] += shock.demand
    return out


def log_demand(model: Market) -> np.ndarray:
    f = model.firms
    return f.demand + (model.sector_demand + model.market_demand)[f.sector] + scripted_shock(model)


def labour_cost(model: Market) -> np.ndarray:
    """Monthly cost of a marginal hire a firm expects: wage level plus employer contributions,
    less what subsidy levers in force take off it."""
    f = model.firms
    rate = employer_rate(model.si_agency.rates(model.month))
    return f.wage * BAND_PREMIUM[f.skill_band] * (1 + rate * f.insures) - model.policies.cost_relief()


def staff_demanded(model: Market) -> np.ndarray:
    """Staff whose output this month's demand buys: ``scale * exp(log demand)``."""
    return model.firms.scale * np.exp(log_demand(model))


def target_staff(model: Market, demanded: np.ndarray) -> np.ndarray:
    """Staff a firm wants: what demand buys, less as labour costs more than at the start."""
    f, beh = model.firms, model.scenario.behaviour
    target = demanded
    if beh.labour_demand_elasticity:
        cost_ratio = np.maximum(labour_cost(model), 1.0) / np.maximum(f.unit_cost, 1.0)
        target = demanded * cost_ratio ** (-beh.labour_demand_elasticity)
    return np.where(f.alive, target, 0.0)


def staff_kept(model: Market, target: np.ndarray) -> np.ndarray:
    """The target a firm lays off down to. A temporary shock (a shutdown) does not move it for a
    firm with cash: expecting demand back, it keeps its staff and pays them from its cash (it
    hires only to ``target``); a firm short of cash (negative cash now) cannot, and cuts to what
    demand buys now."""
    f = model.firms
    return target * np.exp(np.where(f.cash < 0, 0.0, -scripted_shock(model, temporary_only=True)))


def choose_layoffs(model: Market, target: np.ndarray) -> np.ndarray:
    """Staff each firm lays off this month (0 for firms within their hoarding band)."""
    f, beh = model.firms, model.scenario.behaviour
    band = np.where(f.cash < 0, 0.0, beh.hoarding_band)  # a firm short of cash cannot hoard
    excess = f.employees - target
    over = np.flatnonzero(f.alive & (f.employees > target * (1 + band)) & (excess > 0))
    u = rng.uniform(model.seed, f.id[over], model.month, Purpose.LAYOFF_CHOICE, 1)
    layoffs = np.zeros(len(f), dtype=np.int64)
    layoffs[over] = np.clip(np.floor(beh.layoff_speed * excess[over] + u), 0, f.employees[over])
    return layoffs


def pick_within_firms(model: Market, candidates: np.ndarray, count: np.ndarray, purpose: Purpose,
                      risk: Callable[[np.ndarray], np.ndarray | float] | None = None) -> np.ndarray:
    """Of ``candidates`` (worker rows), pick ``count[firm]`` per employer by keyed random rank;
    with ``risk`` (a multiplier per candidate), each is picked as the next with probability in
    proportion to it (exponential clocks: equal risks keep the plain random rank)."""
    w = model.workers
    candidates = candidates[count[w.employer[candidates]] > 0]
    if len(candidates) == 0:
        return candidates
    u = rng.uniform(model.seed, w.id[candidates], model.month, purpose)
    weights = 1.0 if risk is None else risk(candidates)
    if not np.isscalar(weights):
        u = -np.log1p(-u) / np.maximum(weights, 1e-12)
    employer = w.employer[candidates]
    order = np.lexsort((u, employer))
    sorted_emp = employer[order]
    rank = np.arange(len(order)) - np.searchsorted(sorted_emp, sorted_emp, side="left")
    return candidates[order[rank < count[sorted_emp]]]


def vacancies(model: Market, target: np.ndarray) -> np.ndarray:
    """Open posts per firm: the gap to target, rounded at random so small gaps still post."""
    f = model.firms
    gap = np.where(f.alive, np.maximum(target - f.employees, 0), 0.0)
    posts = np.floor(gap)
    fractional = np.flatnonzero(gap > posts)  # only these need a draw
    posts[fractional] += rng.uniform(model.seed, f.id[fractional], model.month, Purpose.VACANCY_ROUNDING) < gap[fractional] - posts[fractional]
    return posts.astype(np.int64)


def settle_accounts(model: Market, demanded: np.ndarray, employer_paid: np.ndarray) -> None:
    """Revenue on staff up to demand, minus wages, contributions paid and fixed costs; a firm
    with no debts pays out the cash beyond its buffer (profit to its owners)."""
    f, beh = model.firms, model.scenario.behaviour
    revenue = f.productivity * np.minimum(f.employees, demanded)
    fixed = beh.fixed_cost_share * f.productivity * f.scale
    f.cash += np.where(f.alive, revenue - f.payroll - employer_paid - fixed, 0.0)
    # a firm repaying loans or owing contributions keeps its cash (lenders and the agency come first)
    # an unlimited buffer (inf) on no wage bill is no amount (nan): such a firm pays nothing out
    with np.errstate(invalid="ignore"):
        keep = f.cash_buffer * normal_wage_bill(f, slice(None))
    paying_out = f.alive & (f.loans == 0) & (f.arrears == 0) & (f.cash > keep)
    f.cash[paying_out] = keep[paying_out]
    f.difficulty_months[:] = np.where(f.alive & (f.cash < 0), f.difficulty_months + 1, 0)
    f.age_months[f.alive] += 1


def startup_hazard(annual_by_year: list[float], age_months: np.ndarray) -> np.ndarray:
    """Monthly closure hazard of founders' firms of these ages: the annual rate of their year of
    age (the last year's rate for all later years), spread evenly over its twelve months."""
    annual = np.asarray(annual_by_year, dtype=np.float64)
    year = np.minimum(age_months // 12, len(annual) - 1)
    return -np.expm1(np.log1p(-annual[year]) / 12)


def exits(model: Market) -> np.ndarray:
    """Firms that close: cash negative too long, or the closure hazard (by age for start-ups)."""
    f, beh = model.firms, model.scenario.behaviour
    broke = f.alive & (f.difficulty_months >= beh.exit_after_months)
    if not any(beh.startup_failure_by_year) and beh.firm_exit_rate == 0:
        return np.flatnonzero(broke)
    hazard = np.where(f.owner >= 0, startup_hazard(beh.startup_failure_by_year, f.age_months), beh.firm_exit_rate)
    fail = f.alive & rng.bernoulli(model.seed, f.id, model.month, Purpose.FIRM_EXIT, hazard)
    return np.flatnonzero(broke | fail)


def close_firms(model: Market, rows: np.ndarray) -> None:
    """Close firms: staff lose their jobs, founders return to search."""
    if len(rows) == 0:
        return
    f, w = model.firms, model.workers
    f.alive[rows] = False
    model.count("firm_exits", f.weight[rows].sum())
    closing = np.zeros(len(f), dtype=bool)
    closing[rows] = True
    if f.employees[rows].any():
        employed = model.employee_rows()
        staff = employed[closing[w.employer[employed]]]
        model.leave_jobs(staff, Separation.FIRM_EXIT, "exit_separations")
    owners = f.owner[rows]
    owners = owners[owners >= 0]  # owners are worker rows
    owner_rows = owners[w.status[owners] == Status.SELF_EMPLOYED]
    model.leave_jobs(owner_rows, Separation.BUSINESS_FAILURE, "business_failures")


def open_firms(model: Market, k: int, sector: np.ndarray, scale: np.ndarray, owner: np.ndarray, cash: np.ndarray) -> np.ndarray:
    """Add ``k`` firms (new entrants or start-ups) and set their economics."""
    f, sc = model.firms, model.scenario
    rows = f.allocate(k)
    if k == 0:
        return rows
    f.id[rows] = rows
    f.weight[rows] = sc.population.weight
    f.sector[rows] = sector
    f.scale[rows] = scale
    f.owner[rows] = owner
    f.cash[rows] = cash
    u = rng.uniform(model.seed, f.id[rows], model.month, Purpose.FIRM_ENTRY, 2)
    f.insures[rows] = u < sc.region.insured_firm_share["micro"]
    u2 = rng.uniform(model.seed, f.id[rows], model.month, Purpose.FIRM_ENTRY, 6)
    f.labour_intensive[rows] = u2 < np.array([s.labour_intensive_share for s in sc.region.sectors])[sector]
    bands = rng.choice(model.seed, f.id[rows], model.month, Purpose.FIRM_ENTRY, np.ones(N_BANDS), sub=3)
    f.skill_band[rows] = bands
    set_firm_economics(f, rows, sc, model.seed, model.month, Purpose.FIRM_ENTRY, model.month)
    model.count("firm_entries", f.weight[rows].sum())
    return rows


def enter(model: Market) -> None:
    """New firms (not founded by local job seekers) enter at a rate per incumbent firm."""
    f, sc = model.firms, model.scenario
    mean = sc.behaviour.firm_entry_rate * np.count_nonzero(f.alive & (f.owner < 0))
    k = rng.poisson_count(model.seed, 0, model.month, Purpose.FIRM_ENTRY, mean)
    if k == 0:
        return
    keys = np.arange(f.size, f.size + k)  # the ids these firms will get
    # an entrant takes the sector and normal size of a random incumbent: entry at the exit
    # rate then replaces the jobs that exits destroy
    incumbents = np.flatnonzero(f.alive & (f.owner < 0))
    if len(incumbents) == 0:
        return
    pick = incumbents[rng.choice(model.seed, keys, model.month, Purpose.FIRM_ENTRY, np.ones(len(incumbents)), sub=4)]
    rows = open_firms(model, k, f.sector[pick], f.scale[pick], np.full(k, -1), np.zeros(k))
    f.cash[rows] = f.cash_buffer[rows] * normal_wage_bill(f, rows)  # an entrant opens with its buffer
