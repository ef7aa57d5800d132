"""Loans as columns, shared by the loan levers (``guaranteed_loans``, ``stable_post_loans``),
and :func:`lookup`, which finds founders among the would-be founders a credit offer was made to
(used by the levers that give start-up credit between ``startup_credit`` and ``started``)."""

from __future__ import annotations

import numpy as np


class LoanBook:
    """Loans as columns, one row per loan: borrower row (worker or firm), the founder's firm row
    (-1 none), persons or firms the agent stands for, principal, outstanding principal, the
    month the loan was made, and ``overdue``: -1 while the business it financed runs, then the
    months in a row its borrower has had no work to repay from. Repaid and defaulted loans are
    dropped by :meth:`compact`."""

    FIELDS = (("borrower", np.int64), ("firm", np.int64), ("weight", np.float64), ("principal", np.float64),
              ("outstanding", np.float64), ("start", np.int64), ("overdue", np.int64))

    def __init__(self):
        for name, dtype in self.FIELDS:
            setattr(self, name, np.empty(0, dtype=dtype))

    def __len__(self) -> int:
        return len(self.borrower)

    def add(self, borrower: np.ndarray, principal: np.ndarray, weight: np.ndarray, month: int) -> None:
        new = dict(borrower=borrower, firm=np.full(len(borrower), -1), weight=weight, principal=principal,
                   outstanding=principal, start=np.full(len(borrower), month), overdue=np.full(len(borrower), -1))
        for name, dtype in self.FIELDS:
            setattr(self, name, np.concatenate([getattr(self, name), np.asarray(new[name], dtype=dtype)]))

    def lend_to_firms(self, firms, rows: np.ndarray, cap, months: float, month: int):
        """Lend each firm row in ``rows`` what covers its cash shortfall plus ``months`` of
        payroll, up to ``cap`` less what it owes on this book; the cash reaches the firm. The
        bank refuses a firm whose shortfall is beyond that room: a loan that leaves it short of
        cash only delays its closure and is lost with it.
        Returns the rows that borrowed, the amounts and the firms they stand for."""
        room = cap - self.owed(len(firms))[rows]
        amount = np.minimum(room, -firms.cash[rows] + months * firms.payroll[rows])
        take = (amount > 0) & (room >= -firms.cash[rows])
        rows, amount = rows[take], amount[take]
        weight = firms.weight[rows].astype(np.float64)
        if len(rows):
            self.add(rows, amount, weight, month)
            firms.cash[rows] += amount
            firms.loans[rows] += amount
        return rows, amount, weight

    def owed(self, n: int) -> np.ndarray:
        """Outstanding principal per borrower row, for ``n`` rows."""
        return np.bincount(self.borrower, weights=self.outstanding, minlength=n)[:n]

    def service(self, month: int, term: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Loans due this month (made before it, not repaid, not in arrears): their index, the
        outstanding principal interest is charged on, and the instalment, which is taken off."""
        due = np.flatnonzero((self.outstanding > 0) & (self.start < month) & (self.overdue <= 0))
        owed = self.outstanding[due].copy()
        step = self.principal[due] / term
        instalment = np.where(owed - step < 1e-6 * self.principal[due], owed, step)  # the last one clears rounding
        self.outstanding[due] = owed - instalment
        return due, owed, instalment

    def compact(self, month: int) -> None:
        keep = (self.outstanding > 0) | (self.start >= month)
        if not keep.all():
            for name, _ in self.FIELDS:
                setattr(self, name, getattr(self, name)[keep])


def lookup(keys: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Positions in ``keys`` (unique) of each element of ``query`` (all present in ``keys``)."""
    order = np.argsort(keys, kind="stable")
    return order[np.searchsorted(keys[order], query)]
