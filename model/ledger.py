"""The ledger: every yuan that moves, with month, fund, line item and recipient.

Amounts are signed from the fund's side: positive flows into the fund (contributions,
allocations), negative flows out (benefits, subsidies, refunds). A transfer between funds is
two entries. Policy payments to a person or firm are kept one entry per recipient; routine
flows (contributions) are posted as one aggregate entry per month and line, so the ledger of
a city-sized run stays small.

Fund balances are derived from the ledger, never kept elsewhere: ``closing = opening +
inflows - outflows``. :meth:`Ledger.close_month` re-derives them from the stored entries and
checks them against the running totals of what was posted, to within 0.01 yuan.
"""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple

import numpy as np
import pandas as pd

from .calendar import format_month

TOLERANCE_YUAN = 0.01


class Fund(IntEnum):
    """Funds whose flows lmsim records (their names: :data:`FUND_NAMES`, :data:`FUND_TERMS`)."""

    PENSION = 0
    MEDICAL = 1
    UI = 2
    EMPLOYMENT_SUBSIDY = 3
    GUARANTEE = 4  # the loan guarantee fund; it also pays the fiscal interest subsidies
    MINIMUM_LIVING = 5  # civil affairs' minimum living guarantee money, from the general budget


FUND_NAMES = {
    Fund.PENSION: "pension_fund",
    Fund.MEDICAL: "medical_fund",
    Fund.UI: "ui_fund",
    Fund.EMPLOYMENT_SUBSIDY: "employment_subsidy_fund",
    Fund.GUARANTEE: "guarantee_fund",
    Fund.MINIMUM_LIVING: "minimum_living_fund",
}


class FundTerm(NamedTuple):
    """What a fund is called in reports."""

    zh: str  # the Chinese name, as budgets and documents use it
    en: str


#: each fund's Chinese and English name
FUND_TERMS: dict[Fund, FundTerm] = {
    Fund.PENSION: FundTerm("基本养老保险基金", "pension fund"),
    Fund.MEDICAL: FundTerm("基本医疗保险基金", "medical insurance fund"),
    Fund.UI: FundTerm("失业保险基金", "unemployment-insurance fund"),
    Fund.EMPLOYMENT_SUBSIDY: FundTerm("就业补助资金", "employment subsidy fund"),
    Fund.GUARANTEE: FundTerm("创业担保贷款担保基金", "guarantee fund"),
    Fund.MINIMUM_LIVING: FundTerm("最低生活保障资金", "minimum living guarantee fund"),
}


class Recipient(IntEnum):
    """Who is on the other side of an entry."""

    AGGREGATE = 0  # many payers or payees, posted as one routine entry
    WORKER = 1
    FIRM = 2
    FUND = 3
    BANK = 4
    AGENCY = 5  # a training provider or HR-service agency paid for a service


class LedgerError(RuntimeError):
    """The ledger identity failed: money was created or lost."""


class Ledger:
    """Append-only store of entries, grouped in per-posting chunks."""

    def __init__(self, opening: dict[Fund, float]):
        self.opening = np.array([float(opening.get(f, 0.0)) for f in Fund])
        self._posted = np.zeros(len(Fund))  # running totals of what callers posted
        self._derived = self.opening.copy()  # re-derived from stored entries at month end
        self._lines: dict[str, int] = {}
        self._chunks: list[tuple[np.ndarray, ...]] = []
        self._checked = 0  # chunks already folded into _derived
        self._monthly: list[np.ndarray] = []  # per closed month: inflows and outflows by fund

    def line_code(self, line: str) -> int:
        return self._lines.setdefault(line, len(self._lines))

    def post(
        self,
        month: int,
        fund: Fund,
        line: str,
        amounts: np.ndarray | float,
        recipient: Recipient = Recipient.AGGREGATE,
        recipient_ids: np.ndarray | None = None,
    ) -> None:
        """Record entries: one per recipient id, or one aggregate entry for a scalar."""
        amounts = np.atleast_1d(np.asarray(amounts, dtype=np.float64))
        if recipient_ids is None:
            recipient_ids = np.full(len(amounts), -1, dtype=np.int64)
        if len(amounts) == 0:
            return
        if len(recipient_ids) != len(amounts) or not np.all(np.isfinite(amounts)):
            raise LedgerError(f"bad posting to {FUND_NAMES[fund]}/{line}: ids and amounts differ or are not finite")
        n = len(amounts)
        self._chunks.append(
            (
                np.full(n, month, dtype=np.int32),
                np.full(n, int(fund), dtype=np.int8),
                np.full(n, self.line_code(line), dtype=np.int16),
                np.full(n, int(recipient), dtype=np.int8),
                np.asarray(recipient_ids, dtype=np.int64),
                amounts,
            )
        )
        self._posted[fund] += amounts.sum()

    def transfer(self, month: int, source: Fund, target: Fund, line: str, amount: float) -> None:
        """Move money between two funds (e.g. UI fund pays recipients' medical premiums)."""
        self.post(month, source, line, -amount, Recipient.FUND, np.array([int(target)]))
        self.post(month, target, line, amount, Recipient.FUND, np.array([int(source)]))

    def close_month(self, month: int) -> None:
        """Derive balances from this month's stored entries; raise if they disagree with postings."""
        inflow = np.zeros(len(Fund))
        outflow = np.zeros(len(Fund))
        for _, fund, _, _, _, amount in self._chunks[self._checked :]:
            inflow += np.bincount(fund, weights=np.where(amount > 0, amount, 0.0), minlength=len(Fund))
            outflow += np.bincount(fund, weights=np.where(amount < 0, -amount, 0.0), minlength=len(Fund))
        self._checked = len(self._chunks)
        self._derived += inflow - outflow
        self._monthly.append(np.stack([inflow, outflow]))
        gap = np.abs(self._derived - (self.opening + self._posted))
        if np.any(gap > TOLERANCE_YUAN):
            bad = {FUND_NAMES[Fund(i)]: float(g) for i, g in enumerate(gap) if g > TOLERANCE_YUAN}
            raise LedgerError(f"ledger identity fails in {format_month(month)}: {bad}")

    def entries(self) -> pd.DataFrame:
        """All entries: date, fund, line, recipient_kind, recipient_id, amount (yuan)."""
        names = {v: k for k, v in self._lines.items()}
        if not self._chunks:
            cols = [np.empty(0, dtype=t) for t in ("int32", "int8", "int16", "int8", "int64", "float64")]
        else:
            cols = [np.concatenate(c) for c in zip(*self._chunks)]
        month, fund, line, kind, rid, amount = cols
        months = {m: format_month(int(m)) for m in np.unique(month)}
        return pd.DataFrame(
            {
                "date": pd.Series(month).map(months).astype("string"),
                "fund": pd.Categorical.from_codes(fund, [FUND_NAMES[f] for f in Fund]),
                "line": pd.Series(line).map(names).astype("string"),
                "recipient_kind": pd.Categorical.from_codes(kind, [r.name.lower() for r in Recipient]),
                "recipient_id": rid,
                "amount": amount,
            }
        )

    def balances(self, first_month: int) -> pd.DataFrame:
        """Per month and fund: opening, inflows, outflows, closing (yuan)."""
        rows = []
        balance = self.opening.copy()
        for i, (inflow, outflow) in enumerate(self._monthly):
            for f in Fund:
                closing = balance[f] + inflow[f] - outflow[f]
                rows.append((format_month(first_month + i), FUND_NAMES[f], balance[f], inflow[f], outflow[f], closing))
            balance = balance + inflow - outflow
        return pd.DataFrame(rows, columns=["date", "fund", "opening", "inflows", "outflows", "closing"])
