"""``guaranteed_loans``: entrepreneurship guaranteed loans (创业担保贷款), catalogue §2.5.

Clauses: 001 (六) (cap per founder raised from 100,000 to 150,000 yuan; partnerships 150,000
per partner and at most 750,000; interest fully subsidised for 2 years (全额贴息2年); small and
micro firms 2 M -> 3 M yuan when their new hires in the year reach 25 % of staff, 15 % for firms
over 100 staff; the subsidy at most 3 times per borrower; 1 % of the year's new loans to the
lending banks and the guarantee-fund operator; rural self-employed farmers eligible),
000 §三(一)3 (the guarantee fund replenished; T-loans: new loans a year), 003 (七) (loans up to
100,000 yuan need no counter-guarantee, 反担保), 004 §15 (defaults paid by the fund, 代偿).

- eligibility: a would-be founder (an unemployed person trying to start a business) in one of
  ``groups`` (default: registered unemployed, graduates of the year and the 2 years before,
  veterans, rural-hukou workers (农村自主创业农民, ``rural_surplus``), poverty-registered
  labour; ``hard_to_employ`` may be added), who applies (``take_up``), has had fewer than
  ``max_loans`` subsidised loans, has repaid the last and never defaulted. A loan above
  ``counter_guarantee_threshold`` needs a counter-guarantee that only ``counter_guarantee_share``
  of applicants can give (a fixed trait per person): the others can borrow up to the threshold.
  A share ``partnership_share`` of founders start in partnerships of ``partnership_size``
  partners; each agent's capital need is then its share of the partnership's and its cap is
  ``min(per_partner_cap, partnership_cap / partnership_size)``.
  Firms: alive, fewer than ``small_firm_staff`` staff (small and micro, 小微企业), whose hires this
  year (``Firms.hires_this_year``; the engine does not record which hires meet the loan's group
  conditions, so every hire counts) reach ``firm_hire_share`` of current staff
  (``firm_hire_share_large`` over ``large_firm_staff``), that apply, with fewer than
  ``max_loans`` loans and no default; the same counter-guarantee rule holds for firms.
- behavioural channel: THE CAP BINDS. A founder who needs ``gap = need - savings > 0`` is
  offered ``min(cap, gap)``; the engine lets them start only if ``need <= savings + credit``,
  so a founder whose gap exceeds the cap cannot start on this loan alone (other levers' credit,
  e.g. grants, may fill the rest). Founders borrow only what they need after their savings and
  the other levers' credit (grants are spent first). Firms: a qualifying firm short of cash
  (negative cash after the month's accounts) borrows what brings its cash back to zero plus
  ``firm_loan_months`` months of payroll, up to its cap less what it owes on earlier loans;
  the loan goes into ``Firms.cash`` and ``Firms.loans``, which keeps the firm from the exit that
  ``exit_after_months`` months of negative cash would bring (and restores its hoarding band).
- payment (guarantee fund, which the catalogue groups with fiscal interest subsidies):
  loans are repaid in ``term_months`` equal monthly instalments from the month after they are
  made; each month the interest ``outstanding x interest_rate / 12`` of a founder's loan is
  paid to the bank (Recipient.BANK, id = the borrower's) for the first ``subsidy_years``
  years (line ``loan_interest_subsidy``), for firms a share ``firm_subsidy_share`` of it
  (``firm_loan_interest_subsidy``); the rest of the interest and the instalments come from the
  firm's cash (a founder's own firm for a founder's loan; a sole trader's are not modelled;
  a borrower who retires or moves away keeps repaying on schedule).
  A founder whose business fails (``separated`` with BUSINESS_FAILURE) still owes the loan and
  repays it on schedule while in work (an instalment missed out of work leaves the principal
  where it was); one who misses ``overdue_months`` instalments in a row, counting the month the
  business failed, defaults, as does a borrowing firm that closes, on what the cash it has left
  cannot repay (``settle_closed_firms``; the bank is paid first in a closure): the fund pays the
  bank the outstanding principal (代偿, ``loan_default`` / ``firm_loan_default``) and, ``recovery_months`` later,
  recovers ``recovery_share`` of it from the borrower (an inflow, ``loan_recovery`` /
  ``firm_loan_recovery``). Each December the fund pays ``reward_share`` of the year's new loans
  to the banks and the fund operator (``bank_reward``, one aggregate entry). Payments beyond
  ``budget`` are refused: the borrower then pays the interest; a refused default compensation
  is the bank's loss and nothing is recovered.
- indicators: claims, recipients and yuan of every payment (kept by ``pay``); entrants: founders
  and firms granted a loan in the month; ``lent``: yuan of new loans in the month (the T-loans
  indicator, ``policies.guaranteed_loans.lent``); ``jobs``: persons in work at the businesses
  founders' loans financed at month end, the founders running them and their staff (带动就业, the
  count programme reports give per supported founder); the lever also keeps ``defaults`` (yuan
  compensated by year), which the ``policies`` output has no column for.

New loans are made only inside the window; loans made inside it are serviced, subsidised,
compensated and recovered afterwards.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .. import rng
from ..calendar import month_of, year_of
from ..columns import grown
from ..groups import group_list, in_any
from ..ledger import Fund, Recipient
from ..population import WORKING_STATUSES, Separation, Status
from ..rng import Purpose
from ..units import Share, Yuan, param
from .base import AppliedLeverParams, Lever
from .loan_book import LoanBook, lookup

GROUPS = ("registered_unemployed", "recent_graduates", "veterans", "rural_surplus", "poverty_registered", "hard_to_employ")


class Params(AppliedLeverParams):
    groups: group_list(*GROUPS) = param(default_factory=lambda: ["registered_unemployed", "recent_graduates", "veterans", "rural_surplus", "poverty_registered"], unit="list of " + ", ".join(GROUPS), ref="001 (六) (rural self-employed farmers); 财金〔2016〕85号 (the national list)", description="eligible founders: registered_unemployed, recent_graduates (left school this year or the 2 before), veterans, rural_surplus (rural hukou), poverty_registered, hard_to_employ; default the first five (the national list of 财金〔2016〕85号 as the model's groups cover it)")
    individual_cap: Yuan = param(150_000.0, unit="yuan", ref="001 (六): 100,000 raised to 150,000", neutral=0.0, description="cap of a founder's loan, yuan")
    per_partner_cap: Yuan = param(150_000.0, unit="yuan", ref="001 (六)", neutral=0.0, description="cap per partner of a partnership, yuan")
    partnership_cap: Yuan = param(750_000.0, unit="yuan", ref="001 (六)", neutral=0.0, description="cap of a partnership's loan, yuan")
    partnership_share: Share = param(0.1, unit="share", ref="documented default 0.1: no document gives it", description="share of founders starting in a partnership")
    partnership_size: int = param(3, unit="number", ref="documented default 3", ge=2, le=50, description="partners in a partnership")
    counter_guarantee_threshold: Yuan = param(100_000.0, unit="yuan", ref="003 (七)", description="largest loan needing no counter-guarantee, yuan")
    counter_guarantee_share: Share = param(0.5, unit="share", ref="documented default 0.5: no document gives it", description="share of applicants (persons or firms) able to give a counter-guarantee for a larger loan")
    interest_rate: Share = param(0.0435, unit="share", ref="the 1-year benchmark lending rate of 2015-2019 (4.35 %), the base guaranteed loans are priced on", description="annual market rate of the loans; default the 1-year benchmark lending rate of 2015-2019 (4.35 %)")
    subsidy_years: int = param(2, unit="years", ref="001 (六): 全额贴息2年", ge=0, le=10, description="years a founder's interest is fully subsidised")
    firm_subsidy_share: Share = param(0.5, unit="share", ref="001 (六) gives no number: the national 50 % for small and micro firms (财金〔2018〕22号)", description="share of a firm loan's interest subsidised during subsidy_years")
    term_months: int = param(24, unit="months", ref="documented default 24 (the subsidy period)", ge=1, le=120, description="months of equal repayments")
    max_loans: int = param(3, unit="number", ref="001 (六): 3", ge=0, le=20, description="subsidised loans a person or firm may have at most")
    reward_share: Share = param(0.01, unit="share", ref="001 (六)", description="share of the year's new loans paid to banks and fund operators in December")
    recovery_share: Share = param(0.3, unit="share", ref="documented default 0.3: no document gives it", description="share of a compensated default the fund recovers")
    recovery_months: int = param(12, unit="months", ref="documented default 12", ge=0, le=120, description="months from a default to its recovery")
    firm_cap: Yuan = param(3_000_000.0, unit="yuan", ref="001 (六): 2 M raised to 3 M", neutral=0.0, description="cap of a small or micro firm's loans, yuan")
    firm_hire_share: Share = param(0.25, unit="share", ref="001 (六)", description="hires this year as a share of current staff a firm needs")
    firm_hire_share_large: Share = param(0.15, unit="share", ref="001 (六)", description="the same for firms over large_firm_staff")
    large_firm_staff: int = param(100, unit="persons", ref="001 (六)", ge=0, description="staff above which firm_hire_share_large applies")
    small_firm_staff: int = param(300, unit="persons", ref="工信部联企业〔2011〕300号 (industry)", ge=0, description="small and micro firms have fewer staff than this; default 300")
    overdue_months: int = param(3, unit="months", ref="the banks' rule: a loan overdue more than 90 days is non-performing (次级, 《商业银行金融资产风险分类办法》 2023, art. 10; 《贷款风险分类指引》 2007 before it), when the guarantee fund compensates", ge=1, le=60, description="months in a row a founder whose business failed may go without work before the loan defaults")
    firm_loan_months: float = param(3.0, unit="months", ref="documented default 3", ge=0.0, description="months of payroll a firm short of cash borrows beyond its shortfall")


class GuaranteedLoans(Lever):
    name, fund, Params = "guaranteed_loans", Fund.GUARANTEE, Params
    title, catalogue, clauses = "entrepreneurship guaranteed loans (创业担保贷款)", "2.5", ("001 (六)", "000 §三(一)3", "003 (七)", "004 §15")
    counts = "loans"
    lines: ClassVar = {
        "loan_interest_subsidy": ("创业担保贷款贴息", "interest subsidy on founders' guaranteed loans"),
        "firm_loan_interest_subsidy": ("小微企业创业担保贷款贴息", "interest subsidy on small and micro firms' guaranteed loans"),
        "loan_default": ("创业担保贷款代偿", "compensation of founders' defaulted loans"),
        "firm_loan_default": ("小微企业创业担保贷款代偿", "compensation of small and micro firms' defaulted loans"),
        "loan_recovery": ("创业担保贷款代偿追偿", "recovery of founders' compensated defaults"),
        "firm_loan_recovery": ("小微企业创业担保贷款代偿追偿", "recovery of small and micro firms' compensated defaults"),
        "bank_reward": ("创业担保贷款奖补", "reward to lending banks and the guarantee-fund operator"),
    }
    enters_work = True

    def __init__(self, model, params):
        super().__init__(model, params)
        self.people = LoanBook()  # founders' loans: borrower = worker row
        self.firm_loans = LoanBook()  # firms' loans: borrower = firm row
        self._taken = np.zeros(0, dtype=np.int16)  # subsidised loans per worker row
        self._barred = np.zeros(0, dtype=bool)  # worker rows that defaulted
        self._firm_taken = np.zeros(0, dtype=np.int16)
        self._firm_barred = np.zeros(0, dtype=bool)
        self._offers: tuple | None = None  # (month, rows, offer, savings) between startup_credit and started
        self._recoveries: dict[int, list[tuple[str, Recipient, np.ndarray, np.ndarray]]] = {}
        self.defaults: dict[int, float] = {}  # yuan compensated by year

    # --- eligibility ---------------------------------------------------------------------

    def in_groups(self, rows: np.ndarray) -> np.ndarray:
        """Founders in one of ``groups`` (founders are residents, so ``rural_surplus`` is rural hukou)."""
        return in_any(self.model, self.p.groups, rows)

    def can_counter_guarantee(self, ids: np.ndarray, sub: int) -> np.ndarray:
        """A fixed trait per person (sub 1) or firm (sub 2): can give a counter-guarantee."""
        u = rng.uniform(self.model.seed, ids, 0, Purpose.POLICY, sub=self.key * 1000 + sub)
        return u < self.p.counter_guarantee_share

    def founder_cap(self, rows: np.ndarray) -> np.ndarray:
        p, ids = self.p, self.model.workers.id[rows]
        partner = self.draw(ids, 3) < p.partnership_share
        cap = np.where(partner, min(p.per_partner_cap, p.partnership_cap / p.partnership_size), p.individual_cap)
        guaranteed = self.can_counter_guarantee(ids, 1)
        return np.where(guaranteed, cap, np.minimum(cap, p.counter_guarantee_threshold))

    def founders_eligible(self, rows: np.ndarray) -> np.ndarray:
        w = self.model.workers
        self._taken, self._barred = grown(self._taken, len(w)), grown(self._barred, len(w))
        # a new loan only once the last is repaid (财金〔2020〕21号: renewed support for borrowers who repay)
        fresh = (self._taken[rows] < self.p.max_loans) & ~self._barred[rows] & (self.people.owed(len(w))[rows] == 0)
        return fresh & self.in_groups(rows) & self.takes_up(w.id[rows])

    def firms_eligible(self) -> np.ndarray:
        p, f = self.p, self.model.firms
        self._firm_taken, self._firm_barred = grown(self._firm_taken, len(f)), grown(self._firm_barred, len(f))
        staff = f.employees
        share = np.where(staff > p.large_firm_staff, p.firm_hire_share_large, p.firm_hire_share)
        hiring = (staff > 0) & (f.hires_this_year >= share * staff - 1e-9)
        fresh = (self._firm_taken[: len(f)] < p.max_loans) & ~self._firm_barred[: len(f)]
        rows = np.flatnonzero(f.alive & (staff < p.small_firm_staff) & hiring & fresh & (f.cash < 0))
        return rows[self.takes_up(f.id[rows])]

    # --- behavioural channel -------------------------------------------------------------

    def startup_credit(self, rows: np.ndarray, need: np.ndarray) -> np.ndarray | float:
        self._offers = None
        if not self.active() or len(rows) == 0:
            return 0.0
        savings = self.model.workers.savings[rows].astype(np.float64)
        gap = np.maximum(need - savings, 0.0)
        offer = np.where(self.founders_eligible(rows), np.minimum(self.founder_cap(rows), gap), 0.0)
        self._offers = (self.model.month, rows.copy(), offer, savings)
        return offer

    def started(self, founders: np.ndarray, need: np.ndarray, credit: np.ndarray) -> None:
        m, w = self.model, self.model.workers
        if self._offers is None or self._offers[0] != m.month or len(founders) == 0:
            return
        _, rows, offer, savings = self._offers
        self._offers = None
        at = lookup(rows, founders)
        offer = offer[at]
        other = credit - offer  # the other levers' credit (grants) is spent before borrowing
        loan = np.clip(need - savings[at] - other, 0.0, offer)
        take = loan > 0
        borrowers, loan = founders[take], loan[take]
        if len(borrowers) == 0:
            return
        weight = w.weight[borrowers].astype(np.float64)
        self.people.add(borrowers, loan, weight, m.month)
        self._taken[borrowers] += 1
        self.admit(weight, workers=borrowers)
        self.count_loans(float((loan * weight).sum()))

    def lend_to_firms(self) -> None:
        p, m, f = self.p, self.model, self.model.firms
        rows = self.firms_eligible()
        if len(rows) == 0:
            return
        cap = np.where(self.can_counter_guarantee(f.id[rows], 2), p.firm_cap, min(p.firm_cap, p.counter_guarantee_threshold))
        rows, amount, weight = self.firm_loans.lend_to_firms(f, rows, cap, p.firm_loan_months, m.month)
        if len(rows) == 0:
            return
        self._firm_taken[rows] += 1
        self.admit(weight)
        self.count_loans(float((amount * weight).sum()))

    # --- payments ------------------------------------------------------------------------

    def separated(self, rows: np.ndarray, reason: int) -> None:
        """A founder whose business fails still owes the loan, personally: it leaves the firm's
        books and the founder repays it from whatever work they find (:meth:`overdue_defaults`)."""
        book = self.people
        if reason != Separation.BUSINESS_FAILURE or len(book) == 0:
            return
        failing = np.flatnonzero((book.outstanding > 0) & (book.overdue < 0) & np.isin(book.borrower, rows))
        if len(failing) == 0:
            return
        firm = book.firm[failing]
        linked = firm >= 0
        loans = self.model.firms.loans
        np.subtract.at(loans, firm[linked], book.outstanding[failing[linked]])
        loans[firm[linked]] = np.maximum(loans[firm[linked]], 0.0)
        book.firm[failing] = -1
        book.overdue[failing] = 0

    def settle_closed_firms(self) -> None:
        """A borrowing firm that closed repays its loans from the cash it has left (the bank
        is paid first in a closure); what its cash cannot cover it defaults on."""
        book, f = self.firm_loans, self.model.firms
        closed = np.flatnonzero((book.outstanding > 0) & ~f.alive[book.borrower])
        if len(closed) == 0:
            return
        closed = closed[np.argsort(book.borrower[closed], kind="stable")]  # each firm's loans together
        firm, owed = book.borrower[closed], book.outstanding[closed]
        earlier = np.cumsum(owed) - owed  # owed on the loans before each, over all firms
        before = earlier - earlier[np.searchsorted(firm, firm)]  # ... on the same firm's earlier loans
        repaid = np.clip(np.maximum(f.cash[firm], 0.0) - before, 0.0, owed)
        np.subtract.at(f.cash, firm, repaid)
        np.subtract.at(f.loans, firm, owed)
        f.loans[firm] = np.maximum(f.loans[firm], 0.0)
        book.outstanding[closed] = owed - repaid
        lost = closed[book.outstanding[closed] > 1e-6]
        book.outstanding[closed[book.outstanding[closed] <= 1e-6]] = 0.0
        self._firm_barred[book.borrower[lost]] = True
        self._default(book, lost, "firm_loan_default", "firm_loan_recovery", Recipient.FIRM, f.id)

    def overdue_defaults(self) -> None:
        """Founders whose business failed repay while in work; one out of work for
        ``overdue_months`` months in a row defaults, and the fund compensates the bank."""
        book, w = self.people, self.model.workers
        failed = np.flatnonzero((book.overdue >= 0) & (book.outstanding > 0))
        if len(failed) == 0:
            return
        working = np.isin(w.status[book.borrower[failed]], WORKING_STATUSES)
        book.overdue[failed] = np.where(working, 0, book.overdue[failed] + 1)
        defaulting = failed[book.overdue[failed] >= self.p.overdue_months]
        if len(defaulting):
            self._barred[book.borrower[defaulting]] = True
            self._default(book, defaulting, "loan_default", "loan_recovery", Recipient.WORKER, w.id)

    def _default(self, book: LoanBook, idx: np.ndarray, line: str, recovery_line: str, kind: Recipient, ids_of) -> None:
        """The fund pays the bank the outstanding principal and recovers a share later."""
        m = self.model
        owed, weight = book.outstanding[idx].copy(), book.weight[idx]
        book.outstanding[idx] = 0.0
        ids = ids_of[book.borrower[idx]]
        paid = self.pay(line, owed, Recipient.BANK, ids, weight)
        year = year_of(m.month)
        self.defaults[year] = self.defaults.get(year, 0.0) + float((owed * weight)[paid].sum())
        recovered = self.p.recovery_share * owed[paid] * weight[paid]
        if recovered.sum() > 0:
            due = m.month + self.p.recovery_months
            self._recoveries.setdefault(due, []).append((recovery_line, kind, ids[paid], recovered))

    def _subsidise(self, book: LoanBook, line: str, share: float, ids_of) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Charge the month's interest and instalments; the fund pays the subsidised interest to the
        bank. Returns the loans served and what their borrowers pay themselves."""
        m, p = self.model, self.p
        due, owed, instalment = book.service(m.month, p.term_months)
        interest = owed * p.interest_rate / 12
        subsidised = (m.month - book.start[due]) <= 12 * p.subsidy_years
        subsidy = np.where(subsidised, share * interest, 0.0)
        paid = self.pay(line, subsidy, Recipient.BANK, ids_of[book.borrower[due]], book.weight[due])
        own = interest - np.where(paid, subsidy, 0.0) + instalment
        return due, own, instalment

    def jobs_at_financed_businesses(self) -> float:
        """Persons in work at the businesses founders' loans financed: the founders still running
        one (self-employed) and the staff of the firms they own."""
        w, f = self.model.workers, self.model.firms
        financed = np.zeros(len(w), dtype=bool)
        financed[: len(self._taken)] = self._taken[: len(w)] > 0
        running = financed & (w.status == Status.SELF_EMPLOYED)
        owned = f.alive & (f.owner >= 0)
        owned[owned] = financed[f.owner[owned]]
        return float(w.weight[running].sum(dtype=np.float64) + (f.employees[owned] * f.weight[owned]).sum(dtype=np.float64))

    def monthly(self) -> None:
        m, w, f = self.model, self.model.workers, self.model.firms
        self.settle_closed_firms()
        self.overdue_defaults()
        for line, kind, ids, amount in self._recoveries.pop(m.month, []):  # a few chunks, not agents
            m.ledger.post(m.month, self.fund, line, amount, kind, ids)

        # founders' own firms carry their loans from the month they open
        people = self.people
        new = np.flatnonzero((people.start == m.month) & (people.firm < 0))
        if len(new):
            b = people.borrower[new]
            employer = w.employer[b]
            owns = (w.status[b] == Status.SELF_EMPLOYED) & (employer >= 0)
            owns[owns] = f.owner[employer[owns]] == b[owns]
            people.firm[new[owns]] = employer[owns]
            np.add.at(f.loans, employer[owns], people.outstanding[new[owns]])

        due, own, instalment = self._subsidise(people, "loan_interest_subsidy", 1.0, w.id)
        firm = people.firm[due]
        linked = (firm >= 0) & f.alive[np.maximum(firm, 0)]
        np.subtract.at(f.cash, firm[linked], own[linked])
        np.subtract.at(f.loans, firm[linked], instalment[linked])
        f.loans[firm[linked]] = np.maximum(f.loans[firm[linked]], 0.0)  # no rounding residue below zero

        book = self.firm_loans
        due, own, instalment = self._subsidise(book, "firm_loan_interest_subsidy", self.p.firm_subsidy_share, f.id)
        np.subtract.at(f.cash, book.borrower[due], own)
        np.subtract.at(f.loans, book.borrower[due], instalment)
        f.loans[book.borrower[due]] = np.maximum(f.loans[book.borrower[due]], 0.0)

        if self.active():
            self.lend_to_firms()
        if month_of(m.month) == 12:
            volume = self.lent_in_year.get(year_of(m.month), 0.0)
            self.pay("bank_reward", self.p.reward_share * volume, Recipient.BANK, np.array([-1]), np.array([1.0]))
        people.compact(m.month)
        book.compact(m.month)
        if self._taken.any():
            self.stats["jobs"] = self.jobs_at_financed_businesses()
