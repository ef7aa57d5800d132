"""``labour_export_bonus``: organised labour export of poverty-registered workers, with a
one-off job-seeking bonus (有组织劳务输出, 一次性求职创业补贴), catalogue §2.4.

Clauses: 001 (十九) (Xiangtan, 2019-01-01 to 2020-12-31: poverty-registered labour moved by
organised labour export to work outside the home county who stay in work 6 months or more
get 300 yuan once), 004 §8 (Tacheng rewards the units that
organise transfers of rural surplus labour (组织实施单位奖励); no amount given, so
``organiser_reward`` defaults to 0).

- eligibility: unemployed residents who are poverty-registered (and, with
  ``include_rural_surplus``, rural surplus labour; groups of :mod:`lmsim.groups`), in no other
  programme, willing to go (``take_up``, a fixed propensity per person);
- behavioural channel: enrolment in the transfer programme, which changes status: each month
  inside the window a share ``monthly_share`` (default 5 %; the seeds give no number) of the
  willing eligible job seekers (a keyed draw) leave with the programme
  (:meth:`lmsim.market.Market.end_participation` to ``DEPARTED``, counted as out-migrants)
  and carry the lever's programme code; those who do not last (a keyed draw against
  ``stay_probability``, default 0.8: no source) come back unemployed after 1 to
  ``retention_months`` - 1 months, spread evenly; the rest stay away and leave the programme
  when paid. With both amounts zero nobody organises anything and nothing changes;
- payment: ``bonus`` (300 yuan) to each worker still away after ``retention_months`` (6),
  and ``organiser_reward`` to the organising unit (``Recipient.AGENCY``; the recipient id is the
  worker's id, as organisers are not agents) at the same time, from the employment subsidy fund;
- indicators: claims (workers completing 6 months away, plus organiser claims), recipients,
  yuan paid, refused for want of budget; entrants: workers moved (with their rows, for
  deadweight). The persons moved are also counted in the ``exported`` flow, which the official
  ``transferred_employment`` counts as transfer employment, as the documents do.

The model does not follow people once they are away: a stayer's work elsewhere is not counted
in the region's employment.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .. import groups
from ..ledger import Fund, Recipient
from ..population import Status
from ..units import Share, Yuan, param
from .base import AppliedLeverParams, Lever

_MOVE, _STAY, _RETURN = 0, 1, 2  # sub-streams of the lever's draws
_MOVER = ("rows", "left", "stays", "back")


class Params(AppliedLeverParams):
    take_up: Share = param(1.0, unit="share", ref="outreach and application: a choice of the scenario", description="share of eligible job seekers willing to be moved (fixed per person)")
    monthly_share: Share = param(0.05, unit="share", ref="documented default: no source, 5 %", description="share of willing eligible job seekers moved each month")
    include_rural_surplus: bool = param(False, unit="yes/no", ref="004 §8", description="also move rural surplus labour that is not poverty-registered (004 §8)")
    bonus: Yuan = param(300.0, unit="yuan", ref="001 (十九)", neutral=0.0, description="yuan once to each mover who stays away retention_months (001 (十九))")
    organiser_reward: Yuan = param(0.0, unit="yuan", ref="004 §8 gives no amount: 0", neutral=0.0, description="yuan to the organiser per mover who stays")
    retention_months: int = param(6, unit="months", ref="001 (十九)", ge=2, le=60, description="months away before the bonus is paid (001 (十九))")
    stay_probability: Share = param(0.8, unit="share", ref="documented default: no source, 0.8", description="chance a mover stays away retention_months")


class LabourExportBonus(Lever):
    name = "labour_export_bonus"
    Params: ClassVar = Params
    title: ClassVar = (
        "organised labour export of poverty-registered workers, with a one-off job-seeking bonus (有组织劳务输出, 一次性求职创业补贴)"
    )
    catalogue: ClassVar = "2.4"
    clauses: ClassVar = ("001 (十九)", "004 §8")
    lines: ClassVar = {
        "labour_export_bonus": ("劳务输出一次性求职补贴", "labour-export bonus"),
        "labour_export_organiser": ("组织实施单位奖励", "reward to the organising unit"),
    }
    fund = Fund.EMPLOYMENT_SUBSIDY
    # deadweight horizon: 0, the month of departure: the lever pays for a move into work
    # elsewhere, so the question is whether the person would have been in work that month anyway
    outcome_months = 0

    def __init__(self, model, params):
        super().__init__(model, params)
        self._movers = {k: np.empty(0, dtype=np.int64) for k in _MOVER}  # rows, month left, stays, month back

    # --- eligibility ------------------------------------------------------------------

    def eligible(self, rows: np.ndarray) -> np.ndarray:
        w = self.model.workers
        group = groups.members(self.model, "poverty_registered", rows)
        if self.p.include_rural_surplus:
            group = group | groups.members(self.model, "rural_surplus", rows)
        return group & (w.programme[rows] == 0) & self.takes_up(w.id[rows])

    # --- behavioural channel: the programme ----------------------------------------------

    def move(self) -> None:
        m, w = self.model, self.model.workers
        seekers = m.rows_in(Status.UNEMPLOYED)
        seekers = seekers[self.eligible(seekers)]
        movers = seekers[self.draw(w.id[seekers], _MOVE) < self.p.monthly_share]
        if len(movers) == 0:
            return
        m.end_participation(movers, Status.DEPARTED, "out_migrants")
        # organised labour export is transfer employment, not lost work: the official
        # transferred_employment indicator reads this flow
        m.count("exported", w.weight[movers].sum())
        self.admit(w.weight[movers], workers=movers)
        w.programme[movers] = self.code
        w.programme_left[movers] = self.p.retention_months
        ids = w.id[movers]
        stays = self.draw(ids, _STAY) < self.p.stay_probability
        back = m.month + 1 + np.floor(self.draw(ids, _RETURN) * (self.p.retention_months - 1)).astype(np.int64)
        new = (movers, np.full(len(movers), m.month), stays.astype(np.int64), np.where(stays, -1, back))
        self._movers = {k: np.concatenate([self._movers[k], v]) for k, v in zip(_MOVER, new)}

    def monthly(self) -> None:
        if self.active() and (self.p.bonus > 0 or self.p.organiser_reward > 0):
            self.move()
        s = self._movers
        if len(s["rows"]) == 0:
            return
        m, w = self.model, self.model.workers
        rows = s["rows"]
        ours = w.programme[rows] == self.code
        away = (w.status[rows] == Status.DEPARTED) & ours
        lost = rows[ours & ~away]  # back by some other way: out of the programme
        w.programme[lost] = 0
        w.programme_left[lost] = 0
        returning = away & (s["stays"] == 0) & (m.month >= s["back"])
        back = rows[returning]
        m.set_status(back, Status.UNEMPLOYED)
        w.unemployed_months[back] = 0
        done = away & (s["stays"] == 1) & (m.month - s["left"] >= self.p.retention_months)
        stayed = rows[done]
        weight = w.weight[stayed].astype(np.float64)
        self.pay("labour_export_bonus", self.p.bonus, Recipient.WORKER, stayed, weight)
        self.pay("labour_export_organiser", self.p.organiser_reward, Recipient.AGENCY, w.id[stayed], weight)
        ended = np.concatenate([back, stayed])
        w.programme[ended] = 0
        w.programme_left[ended] = 0
        keep = away & ~returning & ~done
        self._movers = {k: v[keep] for k, v in s.items()}
        left = self._movers
        w.programme_left[left["rows"]] = np.maximum(left["left"] + self.p.retention_months - m.month, 0)
