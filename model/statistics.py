"""Official statistics as the agencies compile them, apart from the simulated economy.

The economy is the people and firms of :mod:`lmsim.market`; the plans' targets are written in
statistics that agencies compile from registers and a survey, each with its own rule. This
module keeps those registers and compiles, at each month's end, the figures an agency would
publish. The true quantities stay as outputs under their own names (``entries_into_work``,
``unemployment_rate``); reports and targets use the official ones.

- (``new_urban_jobs``): persons newly employed in the period as recorded
  through employment registration, less natural attrition (retirement from work) among the
  registered employed. A person employed more than once in a calendar year counts once; a
  move between units (a quit followed by a hire the month after) and the end of a
  programme's internship are not new employment (劳社部发〔2004〕9号: 不包括从其他单位调入的人员;
  a local implementing rule, 长春市就业局 2020: 新就业人数减去自然减员人数, 一年内重复就业只计算一次).
  Which entries the register records: a public-welfare post always (the government runs
  it); a registered job seeker placed or a start-up with propensity ``record_registered``; any
  other hire with ``record_other`` (both fitted to the published figures: most hires of people
  who never registered go unrecorded).
- (``registered_unemployed``, ``registered_unemployment_rate``): registration
  by the public employment service (:class:`lmsim.agencies.PublicEmploymentService`) and
  deregistration by the rules of 《就业服务与就业管理规定》: entering work, no contact with
  the service for ``no_contact_months`` (6) months in a row, refusing suitable offers
  ``refusals_allowed`` times (local rules: 2-3), reaching retirement age, moving away, leaving
  the labour force. The rate counts the registrants with urban hukou over the urban workforce:
  persons in work with urban hukou plus those registrants. NBS's 城镇登记失业人员 are those
  "有非农业户口…在当地就业服务机构进行求职登记的人员" (NBS indicator explanation, as quoted in
  http://m.jianshe99.com/jianzao/ziliao/zh2014041611080770564746.shtml): registrants of rural
  hukou (insured migrants claiming benefit, say) are on the register and in
  ``registered_unemployed`` but not in the rate.
- (``surveyed_unemployment_rate``): the labour force survey's estimate
  from a sample of ``survey_sample`` persons of the labour force a month (0: the whole
  population, no sampling error); each person is in the sample with a keyed draw, so the
  estimate has binomial sampling error around the true ``unemployment_rate``.
- (``zero_employment_households``, ``zero_employment_cleared_share``): a
  household all of whose members able and willing to work are unemployed, identified once one
  of them is registered; it is cleared when a member enters work. ``zero_employment_households``
  counts households identified and not yet cleared at month end; the cleared share is, of the
  households whose clearance window (``zero_employment_window_months``, 1: 30 days in the local
  rules that set one) ended or that were cleared this month, the share cleared within it
  (1 when there are none): 动态清零 is a share of 1.
- (``graduate_employment_rate``): of the year's college and university
  graduates registered as 离校未就业 (registered unemployed after leaving school), the share
  in work; the plans judge it at year end. The share of all the year's school leavers in work
  stays as ``school_leavers_in_work_share``.
- (``registered_into_work``: registered unemployed people whose entry into
  work is recorded, a part of new urban jobs as the 2020 rule says), (``hard_to_employ_into_work``: those of them who are hard to employ) and
  (``transferred_employment``: rural-hukou residents entering non-farm
  work, plus those organised labour export takes out of the region).
- **Regular work apart from programme posts**: ``regular_employment`` (employees and the
  self-employed) and ``programme_posts`` (public-welfare posts, work relief, subsidised
  internships).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import rng
from .groups import hard_to_employ
from .calendar import year_of
from .columns import grown
from .population import EDUCATION, Separation, Status, Workers
from .rng import Purpose
from .units import Section, Share, param

if TYPE_CHECKING:
    from .market import Market

#: each official indicator: the source of the rule it is compiled by
SOURCES: dict[str, str] = {
    "new_urban_jobs": "劳社部发〔2004〕9号《城镇就业人员变动数据测算暂行办法》; 长春市就业局 2020 (新就业人数减去自然减员人数, 一年内只计算一次)",
    "new_urban_jobs_cumulative": "as new_urban_jobs",
    "registered_unemployed": "《就业服务与就业管理规定》(劳动和社会保障部令第28号, as amended): 失业登记 art. 63, 注销 (连续6个月未联系, 拒绝服务)",
    "registered_unemployment_rate": "登记失业人数 / (城镇从业人员 + 登记失业人数) (NBS indicator explanation)",
    "surveyed_unemployment_rate": "NBS labour force survey (劳动力调查): ILO definition, monthly sample; NBS Q&A 2018-04-17",
    "zero_employment_households": "劳动和社会保障部《关于全面推进零就业家庭就业援助工作的通知》(2007); 《就业促进法》 art. 56",
    "zero_employment_cleared_share": "as zero_employment_households; window from local rules (30 days, 唐山)",
    "graduate_employment_rate": "离校未就业高校毕业生实名登记 (人社部); local 年末就业率 targets are of the registered (e.g. 江苏 95 %)",
    "registered_into_work": "a part of new employment (长春市就业局 2020: 城镇新就业人员统计范围包括…失业人员再就业)",
    "hard_to_employ_into_work": "《就业促进法》 art. 52 (who is hard to employ); provincial lists (陕西省就业援助办法 2013)",
    "transferred_employment": "rural labour in non-farm work, incl. organised labour export (劳务输出) as the documents count it",
}

#: statuses the employment register counts as a job (an internship is not one)
REGISTERED_WORK = np.isin(np.arange(len(Status)), (Status.EMPLOYED, Status.SELF_EMPLOYED, Status.PUBLIC_WELFARE))
#: statuses in work outside programme posts
REGULAR_WORK = (Status.EMPLOYED, Status.SELF_EMPLOYED)
#: programme posts: public-welfare posts and work relief (PUBLIC_WELFARE), subsidised internships
PROGRAMME_POSTS = (Status.PUBLIC_WELFARE, Status.INTERN)
_COLLEGE = EDUCATION.index("college")


class Statistics(Section):
    """[statistics]: how the agencies compile the official figures (recording, registration,
    the survey)."""

    record_registered: Share = param(0.1, unit="share", ref="set so that registered re-employment is about 37 % of new urban jobs, as nationally (5.0M of 13.52M, 2019)", description="share of placements of registered job seekers and of start-ups that employment registration records")
    record_other: Share = param(0.1, unit="share", ref="fitted per region to its published new urban jobs: the shipped baselines' [statistics]", description="share of hires of people not registered as unemployed that employment registration records")
    record_attrition: Share = param(0.59, unit="share", ref="registered unemployed 945万 / 3.62 % = 2.61亿 registered workforce against 4.42亿 urban employed (2019, MOHRSS and NBS bulletins)", description="share of retirements from work the register sees (natural attrition it nets out)")
    transfer_months: int = param(1, unit="months", ref="劳社部发〔2004〕9号: transfers between units are not new employment", ge=0, le=12, description="a hire at most this many months after a quit is a move between units, not new employment")
    contact_rate: Share = param(0.8, unit="share a month", ref="a choice: registered seekers look for work and see the service most months; the fitted behaviour.registration_rate sets the register's level", description="monthly probability a registered unemployed person is in contact with the service")
    contact_rate_inactive: Share = param(0.6, unit="share a month", ref="a choice: one registered rate cannot tell it from behaviour.registration_rate, which is fitted", description="the same for registered people who have stopped looking for work")
    no_contact_months: int = param(6, unit="months", ref="《就业服务与就业管理规定》 (劳动和社会保障部令第28号): 连续6个月未与公共就业服务机构联系", ge=1, le=24, description="months in a row without contact after which a person is taken off the register")
    refusals_allowed: int = param(3, unit="refusals", ref="local rules under 《就业服务与就业管理规定》: 无正当理由3次拒绝 (2 in some)", ge=1, le=10, description="offers a registered person may refuse before being taken off the register")
    survey_sample: int = param(0, unit="persons", ref="NBS labour force survey: about 340,000 households a month nationally; 0 means no sampling error", ge=0, le=10_000_000, description="persons of the labour force the monthly survey samples in the region")
    zero_employment_window_months: int = param(1, unit="months", ref="local rules: 自确认之日起30日内推荐上岗 (唐山; 10 working days to a quarter elsewhere)", ge=1, le=12, description="months within which an identified zero-employment household should have a member in work")


class Registers:
    """What the agencies keep on people and households: when a person was last counted into
    new urban jobs, whether their current job is on the employment register, months without
    contact and refusals while registered unemployed, the year a graduate registered as
    unemployed after school; per household, the month it was identified as a zero-employment
    household. Plus the month's recorded events, compiled at month end."""

    def __init__(self, model: Market):
        self.model = model
        w = model.workers
        n = len(w)
        self.counted_year = np.zeros(n, dtype=np.int16)
        self.silent_months = np.zeros(n, dtype=np.int16)
        self.refusals = np.zeros(n, dtype=np.int16)
        self.graduate_registered_year = np.zeros(n, dtype=np.int16)
        self.identified = np.full(model.next_household, -1, dtype=np.int32)
        self.identified_weight = np.zeros(model.next_household)  # persons the household stands for
        self.waiting = np.empty(0, dtype=np.int64)  # households identified and not yet cleared
        self.month_events: dict[str, float] = {}
        self.reset_month()

    def reset_month(self) -> None:
        self.month_events = dict.fromkeys(
            ("entries_into_work", "recorded_entries", "recorded_attrition", "registered_into_work", "hard_to_employ_into_work",
             "rural_into_work"), 0.0
        )

    def _size(self) -> None:
        n, h = len(self.model.workers), self.model.next_household
        # room for the newcomers of the months to come: one copy in a while, not every month
        n += n // 8 if len(self.counted_year) < n else 0
        h += h // 8 if len(self.identified) < h else 0
        self.counted_year = grown(self.counted_year, n)
        self.silent_months = grown(self.silent_months, n)
        self.refusals = grown(self.refusals, n)
        self.graduate_registered_year = grown(self.graduate_registered_year, n)
        self.identified = grown(self.identified, h, -1)
        self.identified_weight = grown(self.identified_weight, h, 0.0)

    # --- events, as they happen --------------------------------------------------------

    def entered_work(self, rows: np.ndarray, old: np.ndarray, new: int) -> None:
        """Workers ``rows`` move from statuses ``old`` to ``new`` (a status of registered work);
        called by :meth:`Market.set_status` before the job's columns are written."""
        m, w, st = self.model, self.model.workers, self.model.scenario.statistics
        entering = ~REGISTERED_WORK[old]
        rows, old = rows[entering], old[entering]
        if len(rows) == 0:
            return
        self._size()
        weight = w.weight[rows].astype(np.float64)
        registered = w.registered[rows]
        self.month_events["entries_into_work"] += float(weight.sum())
        self.month_events["rural_into_work"] += float(weight[~w.urban_hukou[rows]].sum())
        moved = (w.separation[rows] == Separation.QUIT) & (old == Status.UNEMPLOYED) & (w.unemployed_months[rows] <= st.transfer_months)
        seen = registered | (new == Status.SELF_EMPLOYED)  # placed by the service, or a business registered
        propensity = 1.0 if new == Status.PUBLIC_WELFARE else np.where(seen, st.record_registered, st.record_other)
        recorded = rng.bernoulli(m.seed, w.id[rows], m.month, Purpose.RECORDING, propensity)
        year = year_of(m.month)
        counted = recorded & ~moved & (self.counted_year[rows] != year)
        self.counted_year[rows[counted]] = year
        self.month_events["recorded_entries"] += float(weight[counted].sum())
        back = np.flatnonzero(counted & registered)  # recorded re-employment: few, so the test of hardship is cheap
        self.month_events["registered_into_work"] += float(weight[back].sum())
        self.month_events["hard_to_employ_into_work"] += float(weight[back[hard_to_employ(m, rows[back])]].sum())

    def retired_from_work(self, rows: np.ndarray) -> None:
        """Natural attrition: people in work reaching retirement age, as far as the register sees them."""
        m, w = self.model, self.model.workers
        seen = rng.bernoulli(m.seed, w.id[rows], m.month, Purpose.RECORDING, m.scenario.statistics.record_attrition, sub=1)
        self.month_events["recorded_attrition"] += float(w.weight[rows[seen]].sum())

    def refused(self, rows: np.ndarray) -> None:
        """Registered seekers ``rows`` refused an offer this month."""
        self._size()
        registered = rows[self.model.workers.registered[rows]]
        self.refusals[registered] += 1

    # --- the month's end -----------------------------------------------------------------

    def deregister(self) -> None:
        """Take off the register those out of work (unemployed or inactive) who lost contact or
        refused too often; count contact months; note graduates registering after school (离校未就业)."""
        m, w, st = self.model, self.model.workers, self.model.scenario.statistics
        self._size()
        registered = registered_out_of_work(w)
        searching = w.status[registered] == Status.UNEMPLOYED
        rate = np.where(searching, st.contact_rate, st.contact_rate_inactive)
        contact = rng.bernoulli(m.seed, w.id[registered], m.month, Purpose.CONTACT, rate)
        contact |= w.benefit_months_left[registered] > 0  # benefit recipients sign on every month
        self.silent_months[registered] = np.where(contact, 0, self.silent_months[registered] + 1)
        off = registered[(self.silent_months[registered] >= st.no_contact_months) | (self.refusals[registered] >= st.refusals_allowed)]
        w.registered[off] = False
        self.silent_months[off] = 0
        self.refusals[off] = 0
        year = year_of(m.month)
        still = registered[w.registered[registered]]
        graduates = still[(w.graduation_year[still] == year) & (w.education[still] >= _COLLEGE)]
        self.graduate_registered_year[graduates] = year

    def zero_employment(self) -> tuple[float, float, float]:
        """Identify and clear zero-employment households; returns (identified and not cleared
        at month end, cleared within the window this month, due this month)."""
        m, w, st = self.model, self.model.workers, self.model.scenario.statistics
        self._size()
        seekers = m.rows_in(Status.UNEMPLOYED)
        registered = seekers[w.registered[seekers]]
        # the households of registered seekers: the only ones that can be identified this month
        households, first = np.unique(w.household[registered], return_index=True)
        weight = w.weight[registered[first]].astype(np.float64)
        new = (self._working(households) == 0) & (self.identified[households] < 0)
        self.identified[households[new]] = m.month
        self.identified_weight[households[new]] = weight[new]
        waiting = np.union1d(self.waiting, households[new])
        age = m.month - self.identified[waiting]
        cleared = self._working(waiting) > 0
        in_time = cleared & (age <= st.zero_employment_window_months)
        late = ~cleared & (age == st.zero_employment_window_months + 1)
        weight = self.identified_weight[waiting]
        self.identified[waiting[cleared]] = -1
        self.waiting = waiting[~cleared]
        return float(weight[~cleared].sum()), float(weight[in_time].sum()), float(weight[in_time | late].sum())

    def _working(self, households: np.ndarray) -> np.ndarray:
        """Members in work of each of ``households`` (households the count has not seen have none)."""
        counts = self.model.household_working
        known = households < len(counts)
        return np.where(known, counts[np.minimum(households, len(counts) - 1)], 0)


def registered_out_of_work(w: Workers) -> np.ndarray:
    """Rows of the people on the unemployment register: registered and out of work."""
    rows = np.flatnonzero(w.registered)  # a few percent of the population
    return rows[np.isin(w.status[rows], (Status.UNEMPLOYED, Status.INACTIVE))]


def survey_rate(model: Market, labour_force: np.ndarray, unemployed: np.ndarray, sample: int) -> tuple[float, float]:
    """The labour force survey's estimate of the unemployment rate, and the true rate.

    ``labour_force`` are the rows of the labour force; ``unemployed`` which of them are
    unemployed. Each agent is in the month's sample with probability ``sample x weight /
    persons in the labour force`` (capped at 1), drawn with keyed draws, and the estimate
    weights each sampled agent by the persons it stands for over its inclusion probability.
    """
    w = model.workers
    weight = w.weight[labour_force].astype(np.float64)
    persons = weight.sum()
    true = float(weight[unemployed].sum() / persons) if persons else 0.0
    if sample == 0 or persons == 0:
        return true, true
    inclusion = np.minimum(sample * weight / persons, 1.0)
    drawn = rng.uniform(model.seed, w.id[labour_force], model.month, Purpose.SURVEY) < inclusion
    expansion = weight[drawn] / inclusion[drawn]
    if expansion.sum() == 0:
        return true, true
    return float(expansion[unemployed[drawn]].sum() / expansion.sum()), true
