"""``si_subsidy``: social-insurance subsidy for hiring target groups (社会保险补贴), catalogue §2.3.

Clauses: 001 (九) (Xiangtan: for each hard-to-employ person (就业困难人员) hired with insurance,
pension 12 %, medical 5 % and UI 0.7 % of a base of 60 % of the year's pension contribution
base value (缴费基准值); for poverty-registered labour (建档立卡贫困劳动力) with a contract of a
year or more and 12 months at work, the contributions the firm actually paid for them), 002 §7
(Chengyang: the full employer contribution for hard-to-employ hires by any employer and for
graduates of the graduation year or within 2 years of leaving school hired by small and micro
firms), 002 §3 (flexible employment (灵活就业) of hard-to-employ people and recent graduates),
004 §8 (firms taking in organised transfers of rural surplus labour (有组织转移城乡富余劳动力)).

Target groups, chosen by ``groups`` from the vocabulary of :mod:`lmsim.groups` (default the
two of 001 (九): ``hard_to_employ`` and ``poverty_registered``), with this lever's own extra
conditions; a hire in several groups is subsidised once, under the first of hard_to_employ,
poverty_registered, recent_graduates, rural_surplus:

- ``hard_to_employ``: a person hard to employ when hired (:func:`lmsim.groups.hard_to_employ`,
  judged on the job seekers of the month before matching, so long-term unemployment and a
  workless household still count), by any insuring firm;
- ``poverty_registered``: a poverty-registered person, by any insuring firm; paid once they
  have ``poverty_qualifying_months`` (12) at work (the one-year contract is not modelled);
- ``recent_graduates``: a graduate of the year or of the ``graduate_within_years`` (2) before
  (:func:`lmsim.groups.recent_graduates`), by a micro or small firm (under 100 staff) only;
- ``rural_surplus``: rural surplus labour (:func:`lmsim.groups.members`) who came by organised
  transfer; the model does not record who did, so a share ``rural_transfer_organised_share``
  of such hires (a keyed draw) is taken to have (default 1: all);
- ``flexibly_employed``: a hard-to-employ person or recent graduate who starts in
  self-employment; the subsidy goes to the person.

The four parts:

- eligibility: a hire (or start-up, for ``flexibly_employed``) inside the window, in an enabled group,
  insured by an insuring employer that applies (``take_up``, the firm's, or the person's for
  flexible employment); the subsidy runs from the first contribution month for
  ``hard_to_employ_months`` (36; ``near_retirement_months`` (60) for those within
  ``near_retirement_years`` (5) of retirement age), ``graduate_months`` (12),
  ``poverty_months`` (12) or ``rural_transfer_months`` (12) (the seeds give no duration: these
  defaults are national practice, catalogue §2.3), for as long as the worker stays in that job
  (or self-employment); a month in which the employer is in arrears is not subsidised;
- behavioural channel: :meth:`cost_relief` takes off a firm's cost of a marginal hire the
  monthly subsidy times the chance the hire is eligible: the weighted share of this month's job
  seekers in each enabled group (graduates only for micro and small firms), for insuring firms
  that apply, while the lever admits new claims; labour demand rises through
  ``behaviour.labour_demand_elasticity``;
- payment: each month, from the employment subsidy fund, ``formula``
  ``share_of_base`` = (``pension_share`` + ``medical_share`` + ``ui_share``) x ``base_share`` x
  ``base_value`` (default the region's average wage), i.e. 17.7 % of 60 % of the base value
  (001 (九)); or ``employer_actual`` = the employer contribution rates in force x the worker's
  contribution base (002 §7; flexible workers at the base of their zero wage, the floor).
  ``poverty_formula`` (default ``employer_actual``, 001 (九)) applies to poverty-registered
  hires. Paid to the firm (into its cash), or to the person for flexible employment;
- indicators: claims (subsidised persons a month), recipients, yuan paid, refused for want of
  budget; entrants: hires (and founders) admitted to the subsidy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np

from .. import groups
from ..groups import group_list
from ..ledger import Fund, Recipient
from ..population import BAND_PREMIUM, Status
from ..social_insurance import employer_rate
from ..units import Share, Yuan, param
from .base import AppliedLeverParams, Lever

if TYPE_CHECKING:
    from ..market import Market

Formula = Literal["share_of_base", "employer_actual"]
#: the target groups this lever accepts (:mod:`lmsim.groups`)
Groups = group_list("hard_to_employ", "poverty_registered", "recent_graduates", "rural_surplus", "flexibly_employed")

#: group codes; hires in several groups take the first of this order
HARD, POVERTY, GRADUATE, RURAL, FLEXIBLE = range(5)
FIRM_GROUPS = {"hard_to_employ": HARD, "poverty_registered": POVERTY, "recent_graduates": GRADUATE, "rural_surplus": RURAL}
#: size classes (micro 0, small 1) whose graduate hires qualify (002 §7: 小微企业)
GRADUATE_MAX_SIZE = 1
_ORGANISED_DRAW = 1  # sub-stream of the draw that says whether a rural hire came by organised transfer
_SPELL = ("rows", "employer", "start", "end", "group", "accrued")


class Params(AppliedLeverParams):
    groups: Groups = param(unit="list of hard_to_employ, poverty_registered, recent_graduates, rural_surplus, flexibly_employed", ref="001 (九); 002 §7; 002 §3; 004 §8", default_factory=lambda: ["hard_to_employ", "poverty_registered"], description="target groups subsidised (hard_to_employ, poverty_registered, recent_graduates, rural_surplus, flexibly_employed); default the two of 001 (九)")
    formula: Formula = param("share_of_base", unit="one of share_of_base, employer_actual", neutral="share_of_base", ref="001 (九): shares of 60 % of the base value; 002 §7: the employer contribution at the rates in force", description="share_of_base (001 (九): shares of 60 % of the base value) or employer_actual (002 §7: the employer contribution at the rates in force)")
    poverty_formula: Formula = param("employer_actual", unit="one of share_of_base, employer_actual", ref="001 (九)", neutral="share_of_base", description="formula for poverty-registered hires")
    pension_share: Share = param(0.12, unit="share", ref="001 (九)", neutral=0.0, description="pension subsidy, share of the subsidy base")
    medical_share: Share = param(0.05, unit="share", ref="001 (九)", neutral=0.0, description="medical subsidy, share of the subsidy base")
    ui_share: Share = param(0.007, unit="share", ref="001 (九)", neutral=0.0, description="UI subsidy, share of the subsidy base")
    base_share: Share = param(0.6, unit="share", ref="001 (九)", description="subsidy base, share of the pension contribution base value")
    base_value: Yuan | None = param(None, unit="yuan", ref="001 (九): 缴费基准值; documented default: the region's average wage", description="pension contribution base value (缴费基准值), yuan a month; default the region's average wage")
    hard_to_employ_months: int = param(36, unit="months", ref="catalogue §2.3: national practice", ge=0, le=120, description="months subsidised for a hard-to-employ person")
    near_retirement_years: int = param(5, unit="years", ref="catalogue §2.3: national practice", ge=0, le=30, description="years before retirement age within which near_retirement_months applies")
    near_retirement_months: int = param(60, unit="months", ref="catalogue §2.3: national practice", ge=0, le=120, description="months subsidised for a hard-to-employ person near retirement")
    graduate_months: int = param(12, unit="months", ref="catalogue §2.3: national practice", ge=0, le=120, description="months subsidised for a graduate")
    graduate_within_years: int = param(2, unit="years", ref="002 §7: the graduation year or within 2 years of leaving school", ge=0, le=10, description="graduates of the year or of this many years before qualify")
    poverty_months: int = param(12, unit="months", ref="001 (九): the 12 months at work", ge=0, le=120, description="months subsidised for a poverty-registered hire")
    poverty_qualifying_months: int = param(12, unit="months", ref="001 (九)", ge=0, le=120, description="months at work before a poverty-registered hire's subsidy is paid; accrued till then")
    rural_transfer_months: int = param(12, unit="months", ref="documented default: no source, 12", ge=0, le=120, description="months subsidised for rural surplus labour")
    rural_transfer_organised_share: Share = param(1.0, unit="share", ref="documented default: no record in the model, all", description="share of rural-surplus hires taken to come by organised transfer (default all)")


class SiSubsidy(Lever):
    name, fund, Params = "si_subsidy", Fund.EMPLOYMENT_SUBSIDY, Params
    title, catalogue, clauses = "social-insurance subsidy for hiring target groups (社会保险补贴)", "2.3", ("001 (九)", "002 §7", "002 §3", "004 §8")
    lines: ClassVar = {"si_subsidy": ("社会保险补贴", "social-insurance subsidy")}
    enters_work = True

    def __init__(self, model: Market, params: Params):
        super().__init__(model, params)
        self.firm_groups = [FIRM_GROUPS[g] for g in FIRM_GROUPS if g in params.groups]  # in priority order
        self.flexible = "flexibly_employed" in params.groups
        self._spells = _empty_spells()  # subsidised jobs and self-employment spells
        self._hard_seekers = (None, np.empty(0, dtype=np.int64))  # (month, seekers hard to employ before matching)

    # --- eligibility ------------------------------------------------------------------

    def hard_to_employ(self, rows: np.ndarray) -> np.ndarray:
        """Hard to employ now, or when this month's matching began (a hire resets the unemployment
        spell and makes the household a working one)."""
        month, before = self._hard_seekers
        now = groups.hard_to_employ(self.model, rows)
        if month != self.model.month:
            return now
        return now | np.isin(rows, before)

    def group_of(self, rows: np.ndarray, small_firm: np.ndarray, hard: np.ndarray) -> np.ndarray:
        """Group code of each worker as a hire (-1 none), given whether the employer is micro or small."""
        m, w = self.model, self.model.workers
        member = {  # the vocabulary's groups, with this lever's extra conditions
            HARD: lambda: hard,
            POVERTY: lambda: groups.members(m, "poverty_registered", rows),
            GRADUATE: lambda: groups.recent_graduates(m, rows, self.p.graduate_within_years) & small_firm,
            RURAL: lambda: groups.members(m, "rural_surplus", rows)
            & (self.draw(w.id[rows], _ORGANISED_DRAW) < self.p.rural_transfer_organised_share),
        }
        code = np.full(len(rows), -1, dtype=np.int8)
        for g in reversed(self.firm_groups):  # the first group in priority order wins
            code = np.where(member[g](), g, code).astype(np.int8)
        return code

    def duration(self, rows: np.ndarray, group: np.ndarray) -> np.ndarray:
        w, demo = self.model.workers, self.model.scenario.demography
        retirement = np.where(w.female[rows], demo.retirement_age_female, demo.retirement_age_male)
        near = w.age_months[rows] >= 12 * (retirement - self.p.near_retirement_years)
        hard = np.where(near, self.p.near_retirement_months, self.p.hard_to_employ_months)
        months = np.select(
            [group == HARD, group == POVERTY, group == GRADUATE, group == RURAL],
            [hard, self.p.poverty_months, self.p.graduate_months, self.p.rural_transfer_months],
            0,
        )
        return months.astype(np.int32)

    # --- payment amounts ----------------------------------------------------------------

    def monthly_amount(self, formula: str, wage: np.ndarray) -> np.ndarray:
        """Subsidy a month for a worker paid ``wage``, yuan."""
        m = self.model
        if formula == "share_of_base":
            value = m.scenario.region.average_wage if self.p.base_value is None else self.p.base_value
            per_month = (self.p.pension_share + self.p.medical_share + self.p.ui_share) * self.p.base_share * value
            return np.full(len(wage), per_month)
        rate = employer_rate(m.si_agency.rates(m.month))
        return rate * m.si_agency.contribution_base(np.asarray(wage, dtype=np.float64))

    def amount_by_group(self, group: np.ndarray, wage: np.ndarray) -> np.ndarray:
        amount = self.monthly_amount(self.p.formula, wage)
        poverty = group == POVERTY
        if poverty.any():
            amount[poverty] = self.monthly_amount(self.p.poverty_formula, wage[poverty])
        return amount

    # --- behavioural channel ------------------------------------------------------------

    def before_matching(self, seekers: np.ndarray) -> None:
        """Notes who among the month's seekers is hard to employ before matching."""
        if self.active() and (HARD in self.firm_groups or self.flexible):
            self._hard_seekers = (self.model.month, seekers[groups.hard_to_employ(self.model, seekers)])

    def cost_relief(self) -> np.ndarray | float:
        m, w, f = self.model, self.model.workers, self.model.firms
        if not self.active() or not self.firm_groups:
            return 0.0
        seekers = m.rows_in(Status.UNEMPLOYED)
        if len(seekers) == 0:
            return 0.0
        weight = w.weight[seekers].astype(np.float64)
        hard = groups.hard_to_employ(m, seekers)
        shares = []  # per group: share of seekers for a micro/small firm, and for a larger one
        for small in (True, False):
            code = self.group_of(seekers, np.full(len(seekers), small), hard)
            shares.append(np.bincount(code[code >= 0], weights=weight[code >= 0], minlength=5) / weight.sum())
        wage = f.wage * BAND_PREMIUM[f.skill_band]  # the wage of a marginal hire
        small_firm = f.size_class() <= GRADUATE_MAX_SIZE
        relief = np.zeros(len(f))
        for g in self.firm_groups:
            share = np.where(small_firm, shares[0][g], shares[1][g])
            if share.any():
                formula = self.p.poverty_formula if g == POVERTY else self.p.formula
                relief += share * self.monthly_amount(formula, wage)
        return relief * (f.insures & self.takes_up(f.id))

    # --- claims -------------------------------------------------------------------------

    def hired(self, rows: np.ndarray, employer: np.ndarray) -> None:
        if not self.active() or not self.firm_groups or len(rows) == 0:
            return
        w, f = self.model.workers, self.model.firms
        small_firm = f.size_class()[employer] <= GRADUATE_MAX_SIZE
        group = self.group_of(rows, small_firm, self.hard_to_employ(rows))
        ok = (group >= 0) & f.insures[employer] & w.insured[rows] & self.takes_up(f.id[employer])
        rows, employer, group = rows[ok], employer[ok], group[ok]
        start = w.job_start[rows].astype(np.int32)  # the first month contributions are paid
        self._add(rows, employer, start, start + self.duration(rows, group), group)

    def started(self, founders: np.ndarray, need: np.ndarray, credit: np.ndarray) -> None:
        """Flexible employment: hard-to-employ founders and recent graduates (002 §3)."""
        if not self.active() or not self.flexible or len(founders) == 0:
            return
        w = self.model.workers
        hard = self.hard_to_employ(founders)
        graduate = groups.recent_graduates(self.model, founders, self.p.graduate_within_years)
        ok = (hard | graduate) & self.takes_up(w.id[founders])
        rows, hard = founders[ok], hard[ok]
        months = self.duration(rows, np.where(hard, HARD, GRADUATE).astype(np.int8))
        start = np.full(len(rows), self.model.month + 1, dtype=np.int32)
        self._add(rows, np.full(len(rows), -1), start, start + months, np.full(len(rows), FLEXIBLE, dtype=np.int8))

    def separated(self, rows: np.ndarray, reason: int) -> None:
        """A subsidy stops when the worker leaves the job (or gives up self-employment)."""
        if len(self._spells["rows"]):
            self._keep(~np.isin(self._spells["rows"], rows))

    # --- payment ------------------------------------------------------------------------

    def monthly(self) -> None:
        s = self._spells
        if len(s["rows"]) == 0:
            return
        m, w, f = self.model, self.model.workers, self.model.firms
        rows, employer, group = s["rows"], s["employer"], s["group"]
        flexible = group == FLEXIBLE
        firm = np.maximum(employer, 0)
        # still in the job or the business (retirement and moving away end it without a separation)
        still = np.where(flexible, w.status[rows] == Status.SELF_EMPLOYED,
                         (w.status[rows] == Status.EMPLOYED) & (w.employer[rows] == employer) & w.insured[rows])
        clear = flexible | (f.arrears[firm] == 0)  # a month in arrears is neither subsidised nor paid
        covered = still & clear & (s["start"] <= m.month) & (m.month < s["end"])
        s["accrued"][covered] += self.amount_by_group(group[covered], w.wage[rows[covered]])
        qualifying = np.where(group == POVERTY, self.p.poverty_qualifying_months, 0)
        due = still & clear & (s["accrued"] > 0) & (m.month - s["start"] + 1 >= qualifying)
        weight = w.weight[rows].astype(np.float64)
        to_firms, to_people = np.flatnonzero(due & ~flexible), np.flatnonzero(due & flexible)
        if len(to_firms):
            self.pay("si_subsidy", s["accrued"][to_firms], Recipient.FIRM, employer[to_firms], weight[to_firms])
        if len(to_people):
            self.pay("si_subsidy", s["accrued"][to_people], Recipient.WORKER, rows[to_people], weight[to_people])
        s["accrued"][due] = 0.0  # paid, or refused for want of budget
        self._keep(still & ((m.month + 1 < s["end"]) | (s["accrued"] > 0)))

    # --- the lever's own state -----------------------------------------------------------

    def _add(self, rows, employer, start, end, group) -> None:
        self.admit(self.model.workers.weight[rows], workers=rows)
        new = dict(zip(_SPELL, (rows, employer, start, end, group, np.zeros(len(rows)))))
        self._spells = {k: np.concatenate([self._spells[k], np.asarray(new[k], dtype=self._spells[k].dtype)]) for k in _SPELL}

    def _keep(self, mask: np.ndarray) -> None:
        self._spells = {k: v[mask] for k, v in self._spells.items()}


def _empty_spells() -> dict[str, np.ndarray]:
    dtypes = ("int64", "int64", "int32", "int32", "int8", "float64")
    return {k: np.empty(0, dtype=t) for k, t in zip(_SPELL, dtypes)}
