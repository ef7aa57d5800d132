"""The compare report's headline panel (reports/headline.py): the declared targets' probabilities
coloured by how likely they are, then the net effects and costs with their 90 % intervals,
in the reader's words and numbers (万 and 亿 in Chinese), on a Comparison built by hand."""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest

from lmsim.compare import Comparison
from lmsim.reports.headline import HEADLINE_CSS, format_number, headline, headline_html
from lmsim.scenario import load_scenario

NAMES = {"base": "Baseline 2019", "plan": "Plan A", "lean": "Plan B"}
#: field and column names a reader must never see
RAW = ("surveyed_unemployment_rate", "regular_employment", "new_urban_jobs", "net_outlays", "p_met", "cost_per_job",
       "programme_posts", "policies.", "horizon")


def comparison(*, with_uncertainty: bool = False) -> Comparison:
    """Two packages against a baseline, with the columns :func:`lmsim.compare.compare` writes."""
    c = Comparison("base", ["plan", "lean"], runs=8, seed=1)
    target = ["target", "period", "label", "op", "value", "p_met_baseline", "p_met_scenario", "achieved", "achieved_low", "achieved_high"]
    c.tables["targets"] = pd.DataFrame([
        ("plan", "jobs", "2019-01..2019-12", "城镇新增就业 ≥ 1.2万人", ">=", 12000.0, 0.25, 0.875, 13000.0, 11000.0, 15000.0),
        ("plan", "unemployment", "2019", "城镇调查失业率 ≤ 5% (annual mean)", "<=", 0.05, 0.5, 0.625, 0.049, 0.047, 0.052),
        ("plan", "loans", "2019", "年新增创业担保贷款 ≥ 500万元", ">=", 5_000_000.0, 0.0, 0.125, 4e6, 3e6, 6e6),
        ("lean", "jobs", "2019-01..2019-12", "城镇新增就业 ≥ 1.2万人", ">=", 12000.0, 0.25, 0.5, 12000.0, 10000.0, 14000.0),
    ], columns=["scenario", *target])
    rows = []
    for s, jobs, rate in (("plan", (12_345.0, 9_800.0, 15_000.0), (-0.0012, -0.0020, -0.0005)),
                          ("lean", (850.0, -120.0, 1_900.0), (-0.0001, -0.0004, 0.0002))):
        for period in ("2019", "horizon"):
            rows.append((s, "regular_employment", period, 400_000.0, 0, 0, 400_000.0 + jobs[0], 0, 0, *jobs))
            rows.append((s, "surveyed_unemployment_rate", period, 0.05, 0, 0, 0.05 + rate[0], 0, 0, *rate))
            rows.append((s, "programme_posts", period, 1000.0, 0, 0, 1000.0, 0, 0, 0.0, 0.0, 0.0))
    c.tables["net_effects"] = pd.DataFrame(rows, columns=["scenario", "indicator", "period", "baseline", "baseline_low", "baseline_high",
                                                          "value", "value_low", "value_high", "net", "net_low", "net_high"])
    c.tables["cost_per_job"] = pd.DataFrame([
        {"scenario": "plan", "net_outlays": 123_456_789.0, "net_outlays_low": 98_000_000.0, "net_outlays_high": 150_000_000.0,
         "net_regular_jobs": 12_345.0, "net_regular_jobs_low": 9_800.0, "net_regular_jobs_high": 15_000.0,
         "net_programme_posts": 0.0, "net_programme_posts_low": 0.0, "net_programme_posts_high": 0.0,
         "cost_per_job": 10_000.0, "cost_per_job_low": 8_200.0, "cost_per_job_high": 12_600.0, "cost_per_job_of_means": 10_000.6,
         "replications_without_net_regular_jobs": 0},
        {"scenario": "lean", "net_outlays": 45_600_000.0, "net_outlays_low": 40_000_000.0, "net_outlays_high": 51_000_000.0,
         "net_regular_jobs": 0.0, "net_regular_jobs_low": -120.0, "net_regular_jobs_high": 1_900.0,
         "net_programme_posts": 0.0, "net_programme_posts_low": 0.0, "net_programme_posts_high": 0.0,
         "cost_per_job": np.nan, "cost_per_job_low": np.nan, "cost_per_job_high": np.nan, "cost_per_job_of_means": np.nan,
         "replications_without_net_regular_jobs": 5},
    ])
    c.tables["outlays"] = pd.DataFrame(columns=["scenario", "fund", "line", "period", "baseline", "value", "change", "change_low", "change_high"])
    dates = [f"2019-{m:02d}" for m in range(1, 13)]
    c.tables["paths"] = pd.DataFrame([(s, "surveyed_unemployment_rate", d, 0.05, 0.04, 0.06) for s in ("base", "plan", "lean") for d in dates],
                                     columns=["scenario", "indicator", "date", "median", "low", "high"])
    if with_uncertainty:
        c.tables["parameter_uncertainty"] = pd.DataFrame([
            ("plan", "regular_employment", "net", 12_345.0, 9_800.0, 15_000.0, 12_300.0, 11_000.0, 13_600.0, 5200.0, 2600.0, 0.5),
        ], columns=["scenario", "indicator", "measure", "value", "low", "high", "value_fixed", "low_fixed", "high_fixed", "width",
                    "width_fixed", "share_from_parameters"])
    return c


def text_of(fragment: str) -> str:
    """What a reader sees: the fragment without its tags, attributes and style."""
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def rows_of(fragment: str, table: str) -> list[str]:
    body = fragment.split(f'class="{table}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1])


def cells(row: str) -> list[tuple[str, str]]:
    """(class, text) of each data cell of a row."""
    return [(cls, text_of(inner).strip()) for cls, inner in re.findall(r'<td(?: class="([^"]*)")?>(.*?)</td>', row)]


@pytest.mark.parametrize(("value", "kind", "zh", "en"), [
    (12_345, "persons", "1.23万人", "12,345"),
    (12_000, "persons", "1.2万人", "12,000"),
    (850, "persons", "850人", "850"),
    (9_999.6, "persons", "1万人", "10,000"),  # rounding moves it to the next scale
    (123_456_789, "yuan", "1.23亿元", "123 million yuan"),
    (45_600_000, "yuan", "4,560万元", "45.6 million yuan"),
    (5_000, "yuan", "5,000元", "5,000 yuan"),
    (-0.0012, "pp", "-0.12个百分点", "-0.12 pp"),
    (0.0512, "rate", "5.12%", "5.12%"),
    (0.875, "probability", "88%", "88%"),
    (0.625, "probability", "63%", "63%"),
    (np.nan, "yuan", "–", "–"),
    (None, "persons", "–", "–"),
])
def test_numbers_are_written_the_way_each_language_writes_them(value, kind, zh, en):
    assert format_number(value, kind, "zh") == zh
    assert format_number(value, kind, "en") == en


def test_signs_and_units():
    assert format_number(12_345, "persons", "zh", signed=True) == "+1.23万人"
    assert format_number(-12_345, "persons", "zh", signed=True, unit=False) == "-1.23万"
    assert format_number(0.0, "persons", "en", signed=True) == "0"


def test_the_figures_as_data_have_numbers_and_the_readers_names():
    h = headline(comparison(), NAMES, "en")
    assert (h.first_month, h.last_month, h.runs, h.baseline, h.packages) == ("2019-01", "2019-12", 8, "base", ["plan", "lean"])
    jobs = h.targets[h.targets["target"] == "jobs"].set_index("scenario")
    assert jobs["probability"].to_dict() == {"base": 0.25, "plan": 0.875, "lean": 0.5}
    assert jobs["grade"].to_dict() == {"base": "unlikely", "plan": "likely", "lean": "even"}
    loans = h.targets[h.targets["target"] == "loans"].set_index("scenario")
    assert np.isnan(loans.loc["lean", "probability"]) and loans.loc["lean", "grade"] == "none"  # Plan B declares no such target
    effects = h.effects.set_index(["scenario", "effect"])
    assert effects.loc[("plan", "regular_employment"), ["value", "low", "high"]].tolist() == [12_345.0, 9_800.0, 15_000.0]
    assert effects.loc[("plan", "net_outlays"), "value"] == 123_456_789.0
    assert effects.loc[("plan", "cost_per_job"), "value"] == pytest.approx(10_000.6)
    assert np.isnan(effects.loc[("lean", "cost_per_job"), "value"])
    assert list(h.effects["effect"].unique()) == ["regular_employment", "surveyed_unemployment_rate", "net_outlays", "cost_per_job"]


def test_the_chinese_panel_shows_probabilities_colours_and_intervals():
    fragment = headline_html(comparison(), NAMES, "zh")
    assert fragment.startswith('<section class="headline">') and fragment.endswith("</section>")
    targets = rows_of(fragment, "headline-targets")
    assert len(targets) == 3
    # baseline, Plan A, Plan B
    assert cells(targets[0]) == [("p-unlikely", "25%"), ("p-likely", "88%"), ("p-even", "50%")]
    assert cells(targets[1]) == [("p-even", "50%"), ("p-even", "63%"), ("p-none", "–")]
    assert cells(targets[2]) == [("p-unlikely", "0%"), ("p-unlikely", "13%"), ("p-none", "–")]
    assert "2019-01至2019-12" in targets[0] and "城镇新增就业 ≥ 1.2万人" in targets[0]  # the document's words without declarations
    effects = [cells(r) for r in rows_of(fragment, "headline-effects")]
    jobs, rate, outlays, cost = ([text for _, text in row] for row in effects)
    assert jobs[0].startswith("+1.23万人") and "90%区间: [+9,800, +1.5万]" in jobs[0]
    assert jobs[1].startswith("+850人") and "[-120, +1,900]" in jobs[1]
    assert rate[0].startswith("-0.12个百分点") and "[-0.20, -0.05]" in rate[0]
    assert outlays[0].startswith("+1.23亿元") and "[+9,800万, +1.5亿]" in outlays[0]
    assert outlays[1].startswith("+4,560万元")
    assert cost[0].startswith("1万元") and "[8,200, 1.26万]" in cost[0]
    assert cost[1].startswith("–") and "无净新增常规就业" in cost[1]  # no cost per job without jobs
    assert "基准情景: Baseline 2019" in fragment and "期间: 2019-01至2019-12" in fragment and "8次模拟" in fragment
    assert "绿色 ≥ 80%" in text_of(fragment) and "红色 < 50%" in text_of(fragment)


def test_the_english_panel_uses_thousands_separators_and_millions():
    fragment = headline_html(comparison(), NAMES, "en")
    effects = [[text for _, text in cells(r)] for r in rows_of(fragment, "headline-effects")]
    jobs, rate, outlays, cost = effects
    assert jobs[0].startswith("+12,345") and "[+9,800, +15,000]" in jobs[0]
    assert rate[0].startswith("-0.12 pp") and "[-0.20, -0.05]" in rate[0]
    assert outlays[0].startswith("+123 million yuan") and "[+98 million, +150 million]" in outlays[0]
    assert cost[0].startswith("10,001 yuan") and "[8,200, 12,600]" in cost[0]
    assert cost[1].startswith("–")
    assert "net change in regular employment at the end of the period (persons)" in fragment
    assert "baseline: Baseline 2019" in fragment and "period: 2019-01 to 2019-12" in fragment
    assert [c for c, _ in cells(rows_of(fragment, "headline-targets")[0])] == ["p-unlikely", "p-likely", "p-even"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_column_or_field_name_reaches_the_reader(lang):
    c = comparison(with_uncertainty=True)
    package = load_scenario("huyi-package")
    declared = {k: package.targets[k] for k in ("new_jobs", "surveyed_unemployment", "loans")}
    # the hand-built targets under the huyi package's declarations (same ids, values and periods)
    ids = {"jobs": "new_jobs", "unemployment": "surveyed_unemployment", "loans": "loans"}
    c.tables["targets"]["target"] = c.tables["targets"]["target"].map(ids)
    package.targets = declared
    fragment = headline_html(c, NAMES, lang, {"plan": package, "lean": package})
    for raw in RAW:
        assert raw not in fragment, raw
    assert not re.search(r"\bnan\b", fragment, re.IGNORECASE)
    words = text_of(fragment)
    if lang == "en":
        assert "new urban jobs (total) ≥" in words and "surveyed unemployment rate (monthly mean) ≤ 5%, 2019" in words
        assert "entrepreneurship guaranteed loans: new loans (total) ≥ 5 million yuan" in words
        assert "fixed: [+11,000, +13,600]; 50% of the band" in words  # the band with the parameters fixed
    else:
        assert "(月均) ≤ 5%, 2019年" in words and "创业担保贷款: 新增贷款额(累计) ≥ 500万元" in words
        assert "参数固定时: [+1.1万, +1.36万]; 50% 区间宽度来自参数" in words


def test_the_css_styles_each_colour_class():
    for grade in ("likely", "even", "unlikely", "none"):
        assert f".p-{grade}" in HEADLINE_CSS
    assert "url(" not in HEADLINE_CSS and "@import" not in HEADLINE_CSS  # nothing fetched


def test_a_target_two_packages_bound_differently_is_two_rows():
    c = comparison()
    lean = c.tables["targets"]["scenario"] == "lean"
    c.tables["targets"].loc[lean, "value"] = 10_000.0
    h = headline(c, NAMES, "zh")
    assert h.targets["row"].nunique() == 4
    assert len(rows_of(headline_html(c, NAMES, "zh"), "headline-targets")) == 4


@pytest.mark.filterwarnings("ignore:no CJK font installed")
def test_the_compare_report_opens_with_the_panel(tmp_path):
    """On a small run (the compare tests' scenario, fewer replications): the panel comes right
    after the title, before every other section, and names the target in the reader's words."""
    from lmsim.compare import compare
    from lmsim.replications import Replications
    from lmsim.reports.report import Provenance, write_compare

    from test_compare import POSTS, TARGET, scenario

    scenarios = {"baseline": scenario(), "posts": scenario(POSTS, TARGET)}
    reps = Replications(tmp_path / "runs", scenarios, runs=2, seed=3)
    assert reps.run(workers=2, progress=False) == []
    c = compare(reps, "baseline", ["posts"])
    for lang, words in (("zh", "(月均) ≤ 5%, 2019-01至2019-12"), ("en", "surveyed unemployment rate (monthly mean) ≤ 5%, 2019-01 to 2019-12")):
        write_compare(c, Provenance("lmsim compare (test)", scenarios, reps.runs, reps.seed), tmp_path / lang, lang)
        page = (tmp_path / lang / "report.html").read_text(encoding="utf-8")
        panel = page.index('<section class="headline">')
        assert page.index("</h1>") < panel < page.index("<section><h2>") < page.index("<svg")
        assert panel < page.index("<table>")  # before the other tables (theirs have no class)
        assert ".headline .p-likely" in page  # its style is on the page
        fragment = page[panel:page.index("</section>", panel)]
        assert words in text_of(fragment)
        assert "surveyed_unemployment_rate" not in fragment and "regular_employment" not in fragment
        assert "<li>" not in page  # no list of sentences any more
        # every table speaks the reader's words: no column, lever or line names as the code spells them
        heads = re.findall(r"<th>(.*?)</th>", page)
        assert heads and not [h for h in heads if re.search(r"[a-z]_[a-z]", h)], heads
        cells = set(re.findall(r"<td>(.*?)</td>", page))
        assert not {"public_welfare_posts", "employment_subsidy_fund", "surveyed_unemployment_rate", "*"} & cells
        assert ("公益性岗位" if lang == "zh" else "public-welfare posts") in " ".join(cells)
