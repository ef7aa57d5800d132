"""lmsim design: the design file's checks, candidates built from a point of the space, the
search on a scenario whose answer is known by construction, and a search interrupted and
resumed giving the same front as one left alone."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lmsim.cli import main
from lmsim.design import candidate_data, load_design, scaled
from lmsim.scenario import BUILTIN_DIR, ScenarioError
from lmsim.search import (Candidate, Evaluations, Requirement, candidates_table, dominates, front, probability_interval, search,
                          verdict)

SMALL = BUILTIN_DIR / "small.toml"


def write_posts_design(folder: Path, **design: object) -> Path:
    """A one-year market of 4,000 workers; the package opens public-welfare posts to everyone,
    and its one target asks for at least 40 persons in programme posts in the last month.

    By construction the answer is 40 posts: a post is filled the month it opens (the pool of
    unemployed people is far larger), so the last month's count equals the posts open, and every
    post costs its wage, so the outlay rises with the posts."""
    (folder / "baseline.toml").write_text(textwrap.dedent(f"""\
        base = "{SMALL.as_posix()}"
        [scenario]
        name = "small, one year"
        months = 12
        [population]
        workers = 4000
        firms = 200
        """))
    (folder / "package.toml").write_text(textwrap.dedent("""\
        base = "baseline.toml"
        [scenario]
        name = "posts"
        [policies.public_welfare_posts]
        start = "2019-01"
        end = "2019-12"
        clause = "test"
        posts = 60.0
        priority = ["everyone"]
        [targets.posts]
        indicator = "programme_posts"
        aggregate = "last"
        op = ">="
        value = 40
        start = "2019-12"
        end = "2019-12"
        clause = "test"
        """))
    settings = {"name": '"known answer"', "baseline": '"baseline.toml"', "package": '"package.toml"',
                "as_good_as_document": "false", "evaluations": 24, "batch": 6, "replications": 2, "max_replications": 4,
                "confirmation_runs": 2, **{k: v for k, v in design.items()}}
    lines = "\n".join(f"{k} = {v}" for k, v in settings.items())
    path = folder / "design.toml"
    path.write_text(f"[design]\n{lines}\n\n[levers.public_welfare_posts]\nposts = {{low = 0, high = 100, step = 5}}\n")
    return path


@pytest.fixture(scope="module")
def known(tmp_path_factory):
    folder = tmp_path_factory.mktemp("known")
    design = load_design(write_posts_design(folder))
    return design, search(design, folder / "out", workers=2, log=lambda text: None)


# --- the design file ---------------------------------------------------------------------------


def test_every_shipped_design_holds_its_documents_package_and_varies_six_parameters_or_more():
    for region in ("huyi", "xiangtan", "chengyang", "anshan", "tacheng"):
        design = load_design(region)
        assert len(design.dimensions) >= 6, region
        assert Path(design.package.path).name == f"{region}-package.toml"
        # the document's own package is the first candidate and the same scenario as the file
        values = design.document_values()
        assert design.candidate(values, weight=1.0).policies == design.package.policies


def test_a_bad_design_names_the_file_the_field_and_what_is_allowed(tmp_path):
    path = write_posts_design(tmp_path)
    text = path.read_text()
    cases = {
        "posts = {low = 0, high = 100, step = 5}": ("posts = {low = 0, high = 50, step = 5}", "the space must hold the document's own value 60.0"),
        "[levers.public_welfare_posts]": ("[levers.ui_refund]", "not in the package; levers in force: public_welfare_posts"),
    }
    for old, (new, expected) in cases.items():
        path.write_text(text.replace(old, new))
        with pytest.raises(ScenarioError) as err:
            load_design(path)
        assert any(str(path) in p and expected in p for p in err.value.problems), err.value.problems
    path.write_text(text.replace("posts = {low", "wage_share = {low"))
    with pytest.raises(ScenarioError) as err:
        load_design(path)
    assert "field 'levers.public_welfare_posts.wage_share': not a parameter the search may vary; allowed:" in err.value.problems[0]
    path.write_text(text.replace("step = 5", "step = 7"))
    with pytest.raises(ScenarioError) as err:
        load_design(path)
    assert "step = 7.0 does not divide high - low = 100.0" in err.value.problems[0]
    path.write_text(text.replace('name = "known answer"', 'name = "known answer"\nobjective = "most_targets"'))
    with pytest.raises(ScenarioError) as err:
        load_design(path)
    assert err.value.problems == [f"{path}: field 'design.budget': objective 'most_targets' needs a budget (yuan of extra outlay "
                                  "over the horizon), in the file or as --budget"]
    assert load_design(path, {"budget": 800_000.0}).info.budget == 800_000.0


def test_command_line_values_are_checked_and_named_as_the_command_line(tmp_path, capsys):
    path = write_posts_design(tmp_path)
    assert main(["design", str(path), "--evaluations", "0", "--out", str(tmp_path / "out")]) == 2
    assert "command line: field '--evaluations': Input should be greater than or equal to 1" in capsys.readouterr().err
    assert main(["design", str(path), "--budget", "-5", "--out", str(tmp_path / "out")]) == 2
    assert "command line (--budget): field 'budget': Input should be greater than 0" in capsys.readouterr().err
    assert not (tmp_path / "out" / "evaluations").exists()  # nothing ran


def test_a_candidate_moves_a_window_end_drops_a_lever_switched_off_and_its_targets():
    data = {"policies": {"a": {"start": "2019-01", "end": "2021-12", "x": 1.0}, "b": {"start": "2019-01", "end": "2019-12"}},
            "targets": {"t": {"indicator": "policies.b.entrants"}, "u": {"indicator": "new_urban_jobs"}}}
    out = candidate_data(data, {"a.x": 2.5, "a.window_months": 12, "b.on": False})
    assert out["policies"] == {"a": {"start": "2019-01", "end": "2019-12", "x": 2.5}}
    assert list(out["targets"]) == ["u"]
    assert data["policies"]["a"]["x"] == 1.0  # the package itself is untouched
    assert scaled({"population": {"workers": 414_000, "firms": 20_700}}, 2.0)["population"] == {"workers": 207_000, "firms": 10_350, "weight": 2.0}


# --- the arithmetic of the decision --------------------------------------------------------------


def test_clopper_pearson_intervals_at_the_ends_are_closed_forms():
    # 0 of n: upper = 1 - (alpha/2)^(1/n); n of n: lower = (alpha/2)^(1/n)
    assert probability_interval(0, 4) == (0.0, pytest.approx(1 - 0.05 ** 0.25))
    assert probability_interval(4, 4) == (pytest.approx(0.05 ** 0.25), 1.0)
    assert probability_interval(16, 16)[0] == pytest.approx(0.05 ** (1 / 16))


def test_the_front_keeps_what_no_other_candidate_beats():
    need = Requirement({"t": 0.8}, {})

    def cand(number, outlay, met, jobs):
        return Candidate(number, {}, str(number), [outlay] * 4, [jobs] * 4, [{"t": m} for m in met])

    cheap = cand(1, 10.0, [0, 0, 0, 0], 0.0)
    mid = cand(2, 20.0, [1, 1, 1, 0], 5.0)
    dear = cand(3, 30.0, [1, 1, 1, 1], 5.0)
    beaten = cand(4, 25.0, [1, 1, 0, 0], 4.0)
    assert dominates((20.0, 0.75, 5.0), (25.0, 0.5, 4.0)) and not dominates((10.0, 0.0, 0.0), (20.0, 0.75, 5.0))
    assert [c.number for c in front([cheap, mid, dear, beaten], need)] == [1, 2, 3]
    assert not need.meets(mid) and need.meets(dear)


# --- the search ----------------------------------------------------------------------------------


def test_the_search_finds_the_amount_known_by_construction(known):
    design, result = known
    table = candidates_table(result)
    best = table[table["recommended"]].iloc[0]
    # the least number of posts that meets the target is 40; on a grid of 5 the search finds it
    assert best["public_welfare_posts.posts"] == 40.0
    assert best["p_posts"] == 1.0 and best["replications"] == 4
    # every candidate below 40 posts misses the target in every replication, every one at or above meets it
    below = table[table["public_welfare_posts.posts"] < 40]
    above = table[table["public_welfare_posts.posts"] >= 40]
    assert len(below) and (below["p_posts"] == 0).all() and (above["p_posts"] == 1).all()
    # cost rises with the posts: the cheaper packages all have fewer posts
    ordered = table.drop_duplicates("public_welfare_posts.posts").sort_values("public_welfare_posts.posts")
    assert np.all(np.diff(ordered["extra_outlay"]) > 0)
    # a candidate clearly missing the target is not replicated further
    assert (below["replications"] == 2).all()


def test_an_interrupted_search_resumes_to_the_same_front(known, tmp_path, monkeypatch):
    design, uninterrupted = known
    folder = tmp_path / "out"
    put = Evaluations.put
    calls = {"n": 0}

    def put_then_stop(self, key, k, metrics):
        calls["n"] += 1
        if calls["n"] == 23:  # killed half-way, after 22 runs were kept
            raise KeyboardInterrupt
        put(self, key, k, metrics)

    monkeypatch.setattr(Evaluations, "put", put_then_stop)
    with pytest.raises(KeyboardInterrupt):
        search(design, folder, workers=2, log=lambda text: None)
    monkeypatch.setattr(Evaluations, "put", put)
    assert len(list((folder / "evaluations").glob("*.json"))) == 22
    resumed = search(design, folder, workers=1, log=lambda text: None)
    expected = candidates_table(uninterrupted)
    pd.testing.assert_frame_equal(candidates_table(resumed), expected)
    assert [c.number for c in front(resumed.candidates, resumed.requirement)] == [c.number for c in front(uninterrupted.candidates, uninterrupted.requirement)]


@pytest.mark.long  # a local Dask cluster of two workers: about a minute
def test_on_a_dask_cluster_the_search_gives_the_same_candidates(known, tmp_path):
    distributed = pytest.importorskip("distributed")
    design, local = known
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = search(design, tmp_path, scheduler=cluster.scheduler_address, log=lambda text: None)
    pd.testing.assert_frame_equal(candidates_table(result), candidates_table(local))


def test_lmsim_design_writes_the_answer_and_confirms_it(tmp_path, capsys):
    path = write_posts_design(tmp_path, evaluations=8, batch=4)
    out = tmp_path / "out"
    assert main(["design", str(path), "--out", str(out), "--workers", "2", "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    assert "recommended: candidate" in printed and "on fresh seeds (2 replications, full population)" in printed
    assert "  confirmed: every required target met as required" in printed
    for name in ("recommended.toml", "front.csv", "front.png", "candidates.csv", "importance.csv", "requirement.csv",
                 "search.json", "confirmation.csv", "confirmation/report.html"):
        assert (out / name).is_file(), name
    # the recommended package is a scenario lmsim compare accepts, and every front point opens
    assert main(["check", str(out / "recommended.toml")]) == 0
    front_table = pd.read_csv(out / "front.csv")
    assert all((out / f).is_file() for f in front_table["file"])
    confirmation = pd.read_csv(out / "confirmation.csv")
    assert set(confirmation["measure"]) == {"p_posts", "extra_outlay", "net_regular_jobs"}
    assert not list(out.rglob("*.pkl")) and not (out / "confirmation" / "runs").exists()


def test_the_verdict_needs_each_target_as_often_as_the_document_and_a_lower_outlay(tmp_path):
    design = load_design(write_posts_design(tmp_path, as_good_as_document="true"))
    need = Requirement({"posts": 0.9}, {})
    searched = Candidate(3, {}, "3", [1e6] * 4, [0.0] * 4, [{"posts": True}] * 4)

    def table(p_candidate, p_document, outlay_candidate, outlay_document):
        rows = []
        for package, p, outlay in (("candidate 3", p_candidate, outlay_candidate), ("document's package", p_document, outlay_document)):
            rows += [{"package": package, "measure": "p_posts", "value": p, "low": 0.0, "high": 1.0},
                     {"package": package, "measure": "extra_outlay", "value": outlay, "low": 0.0, "high": 0.0},
                     {"package": package, "measure": "net_regular_jobs", "value": 0.0, "low": 0.0, "high": 0.0}]
        return pd.DataFrame(rows)

    assert verdict(table(0.95, 0.95, 1e6, 2e6), need, design, searched) == (True, "confirmed: every required target met as required, "
                                                                        "for 100 万元 less extra outlay than the document's package")
    ok, text = verdict(table(0.9, 0.95, 1e6, 2e6), need, design, searched)
    assert not ok and text == "not confirmed: posts met in 90 % against the document's 95 %"
    ok, text = verdict(table(0.75, 0.7, 3e6, 2e6), need, design, searched)
    assert not ok and text == ("not confirmed: posts met in 75 % of replications, below 80 %; "
                               "extra outlay 300 万元, not below the document's 200 万元")

    # most targets within a budget: the count the search found, confirmed within the budget
    most = load_design(write_posts_design(tmp_path, objective='"most_targets"', budget=1_500_000))
    assert verdict(table(0.95, 0.95, 1e6, 2e6), need, most, searched) == (True, "confirmed: 1 of 1 required targets met as required, within the budget")
    assert verdict(table(0.5, 0.95, 1.6e6, 2e6), need, most, searched) == (
        False, "not confirmed: 0 required targets met as required, against 1 in the search; extra outlay 160 万元 over the budget 150 万元")


def test_lmsim_design_killed_and_run_again_writes_what_an_uninterrupted_run_writes(tmp_path):
    """SIGKILL at a random point of the search (after 6 to 30 of its runs are kept), then the same
    command: the candidates, the front and the recommended package are those of a run left alone."""
    import os
    import random
    import signal
    import subprocess
    import sys
    import time

    path = write_posts_design(tmp_path)
    command = [sys.executable, "-m", "lmsim.cli", "design", str(path), "--workers", "2", "--lang", "en"]
    alone, killed = tmp_path / "alone", tmp_path / "killed"
    subprocess.run([*command, "--out", str(alone)], check=True, capture_output=True)
    proc = subprocess.Popen([*command, "--out", str(killed)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    kept = random.Random(os.getpid()).randint(6, 30)
    while proc.poll() is None and len(list((killed / "evaluations").glob("*.json"))) < kept:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (killed / "recommended.toml").exists()  # it was stopped before the answer
    subprocess.run([*command, "--out", str(killed)], check=True, capture_output=True)
    for name in ("candidates.csv", "front.csv", "recommended.toml", "confirmation.csv"):
        assert (killed / name).read_bytes() == (alone / name).read_bytes(), name
