"""What ``lmsim design`` writes: the recommended package as a scenario file, every candidate and
the front as tables, the front as a chart, the packages of the front as scenario files, which
parameters matter, and the confirmation on fresh seeds."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import tomli_w  # noqa: E402

from lmsim.design import Design, candidate_data, effective  # noqa: E402
from lmsim.results_folder import atomic_write  # noqa: E402
from lmsim.scenario import BUILTIN_DIR, read_toml_file  # noqa: E402
from lmsim.search import (Candidate, SearchResult, candidates_table, front, probability_interval, recommended,  # noqa: E402
                          requirement_table)


def package_text(design: Design, values: dict[str, Any], name: str) -> str:
    """A candidate as a scenario file ``lmsim compare`` accepts: the document's package file with
    the candidate's values, on the same base (named by its full path unless it is a built-in)."""
    path = Path(design.package.path)
    data = candidate_data(read_toml_file(path), values)
    base = data.get("base")
    if base:
        beside = path.parent / base
        builtin = Path(base).name == base and (BUILTIN_DIR / (base if base.endswith(".toml") else f"{base}.toml")).exists()
        # a built-in's bare name reads anywhere; any other base is named by its full path
        if not (builtin and (not beside.exists() or beside.resolve().parent == BUILTIN_DIR.resolve())):
            data["base"] = str(beside.resolve())
    data["scenario"] = {**copy.deepcopy(data.get("scenario", {})), "name": name}
    return f"# {name}\n# written by lmsim design from {design.path}; the package of {path.name} with the values found\n" + tomli_w.dumps(data)


def write_package(result: SearchResult, c: Candidate, folder: Path) -> Path:
    """A candidate as ``packages/candidate-NNN.toml``."""
    name = f"{result.design.info.name}: candidate {c.number}" + (" (the document's package)" if c.number == 0 else "")
    text = package_text(result.design, c.values, name)
    (folder / "packages").mkdir(exist_ok=True)
    return atomic_write(folder / "packages" / f"candidate-{c.number:03d}.toml", lambda p: p.write_text(text, encoding="utf-8"))


def front_chart(table: pd.DataFrame, path: Path) -> Path:
    """Extra outlay against the probability of meeting all required targets, and against net
    regular jobs: every candidate in grey, the front (on all three measures) in blue with, on each
    panel, the step line of the most that panel's measure reaches for an outlay, and the
    document's package and the recommended one marked."""
    full = table
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, column, title in ((axes[0], "p_all_required", "probability of meeting all required targets"),
                              (axes[1], "net_regular_jobs", "net regular jobs at the end of the horizon")):
        ax.scatter(full["extra_outlay"] / 1e4, full[column], s=14, color="#bbbbbb", label="candidates")
        on = full[full["on_front"]]
        ax.scatter(on["extra_outlay"] / 1e4, on[column], s=22, color="#1f77b4", label="front", zorder=3)
        frontier = _frontier(full, column)
        ax.step(frontier["extra_outlay"] / 1e4, frontier[column], where="post", color="#1f77b4", lw=1,
                label="the most for the outlay")
        for flag, colour, text in (("document", "#d62728", "document's package"), ("recommended", "#2ca02c", "recommended")):
            row = full[full[flag]]
            if len(row):
                ax.scatter(row["extra_outlay"] / 1e4, row[column], s=80, facecolors="none", edgecolors=colour, linewidths=2, label=text)
        ax.set_xlabel("extra outlay over the horizon, 10,000 yuan")
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    atomic_write(path, lambda p: fig.savefig(p, format="png", dpi=110))
    plt.close(fig)
    return path


def _frontier(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """The candidates no cheaper one matches on ``column``: what more outlay buys on that axis."""
    ordered = table.sort_values(["extra_outlay", column], ascending=[True, False])
    return ordered[ordered[column] > ordered[column].cummax().shift(fill_value=-float("inf"))]


def write_design(result: SearchResult, folder: Path, importance: pd.DataFrame, settings: dict[str, Any],
                 best: Candidate | None, extra: list[Candidate] = ()) -> list[Path]:
    """Every file of the answer but the confirmation's report: the tables, the chart, each
    package of the front (and ``best`` and the ``extra`` candidates confirmed) as a scenario file,
    and ``best`` as ``recommended.toml``; returns them."""
    table = candidates_table(result, best)
    chosen = {c.number: c for c in [*front(result.candidates, result.requirement), *extra, *([best] if best else [])]}
    packages = {n: write_package(result, c, folder) for n, c in sorted(chosen.items())}
    table["file"] = [str(packages[n].relative_to(folder)) if n in packages else "" for n in table["candidate"]]
    written = [atomic_write(folder / "candidates.csv", lambda p: table.to_csv(p, index=False))]
    on_front = table[table["on_front"]].sort_values("extra_outlay")
    written.append(atomic_write(folder / "front.csv", lambda p: on_front.to_csv(p, index=False)))
    written.append(front_chart(table, folder / "front.png"))
    written.append(atomic_write(folder / "importance.csv", lambda p: importance.to_csv(p, index=False)))
    written.append(atomic_write(folder / "requirement.csv", lambda p: requirement_table(result).to_csv(p, index=False)))
    (folder / "recommended.toml").unlink(missing_ok=True)  # an earlier answer's, with other candidates
    if best is not None:
        text = packages[best.number].read_text(encoding="utf-8")
        written.append(atomic_write(folder / "recommended.toml", lambda p: p.write_text(text, encoding="utf-8")))
    written.append(atomic_write(folder / "search.json", lambda p: p.write_text(json.dumps(settings, indent=2, ensure_ascii=False))))
    return written + list(packages.values())


def summary(result: SearchResult, settings: dict[str, Any], confirmed: list[tuple[Candidate, pd.DataFrame, bool, str]] | None = None) -> list[str]:
    """The answer in a few lines for the terminal: the requirement, the document's package, the
    recommended one, the front, and each confirmation on fresh seeds with its verdict
    (``confirmed``: None when there was no confirmation, as in the dashboard)."""
    info, need = result.design.info, result.requirement
    doc = result.candidates[0]
    lines = [f"{info.name}: {settings['candidates']} candidates, {settings['candidate_replications']} candidate replications "
             f"({settings['runs']} runs with the baseline's), objective {info.objective}"]
    lines.append("required: " + (", ".join(f"{t} at {100 * p:.0f} %" for t, p in need.probability.items()) or "none"))
    for t, why in need.not_required.items():
        lines.append(f"not required: {t} ({why})")
    lines.append(_describe("document's package", doc, need))
    best = recommended(result.candidates, need, info)
    if best is None:
        lines.append("no candidate in the space meets every required target with its probability: " + _closest(result))
    for c, table, _, text in confirmed or []:
        lines += [_describe(f"candidate {c.number}", c, need), _changes(c, doc)]
        lines.append(f"  on fresh seeds ({settings['confirmation_runs']} replications, full population):")
        for package, group in table.groupby("package", sort=False):
            lines.append(f"    {package}: " + "; ".join(_measure(r) for _, r in group.iterrows()))
        lines.append(f"  {text}")
    if confirmed is None and best is not None:
        lines += [_describe(f"the search's best: candidate {best.number} (not yet confirmed on fresh seeds)", best, need), _changes(best, doc)]
    elif confirmed is not None and best is not None:
        winner = next((c for c, _, ok, _ in confirmed if ok), None)
        lines.append(f"recommended: candidate {winner.number} (recommended.toml)" if winner else
                     f"no candidate confirmed on fresh seeds among the {len(confirmed)} cheapest that qualified: none is recommended")
    on = front(result.candidates, need)
    lines.append(f"front: {len(on)} packages (front.csv, front.png, packages/)")
    for c in on[:12]:
        lines.append(f"  candidate {c.number:>3}: extra outlay {c.mean_outlay() / 1e4:>10,.0f} 万元, all required targets "
                     f"{100 * c.all_met(need.targets):5.1f} %, net regular jobs {sum(c.net_jobs) / c.n:>+8,.0f} ({c.n} replications)")
    return lines


def _changes(c: Candidate, doc: Candidate) -> str:
    """What a candidate changes of the document's package (not the values of a lever it drops)."""
    changed = {k: v for k, v in effective(c.values).items() if doc.values.get(k) != v}
    return "  changes from the document's package: " + (", ".join(f"{k} {doc.values.get(k)!r} -> {v!r}" for k, v in changed.items()) or "none")


def _measure(r: pd.Series) -> str:
    if r["measure"].startswith("p_"):
        return f"{r['measure'][2:]} {100 * r['value']:.0f} % [{100 * r['low']:.0f}, {100 * r['high']:.0f}]"
    if r["measure"] == "extra_outlay":
        return f"extra outlay {r['value'] / 1e4:,.0f} 万元 [{r['low'] / 1e4:,.0f}, {r['high'] / 1e4:,.0f}]"
    return f"net regular jobs {r['value']:+,.0f} [{r['low']:+,.0f}, {r['high']:+,.0f}]"


def _describe(name: str, c: Candidate, need: Any) -> str:
    probs = ", ".join(f"{t} {100 * c.probability(t):.0f} % [{100 * probability_interval(c.successes(t), c.n)[0]:.0f}, "
                      f"{100 * probability_interval(c.successes(t), c.n)[1]:.0f}]" for t in need.probability)
    return (f"{name}: extra outlay {c.mean_outlay() / 1e4:,.0f} 万元 (± {c.outlay_se() / 1e4:,.0f}), "
            f"net regular jobs {sum(c.net_jobs) / c.n:+,.0f}, {c.n} replications; {probs}")


def _closest(result: SearchResult) -> str:
    need, info = result.requirement, result.design.info
    full = [c for c in result.candidates if c.n >= info.max_replications]
    if not full or not need.probability:
        return "no fully replicated candidate"
    c = max(full, key=lambda c: (min(c.probability(t) - p for t, p in need.probability.items()), -c.mean_outlay()))
    worst = min(need.probability, key=lambda t: c.probability(t) - need.probability[t])
    return (f"the closest, candidate {c.number}, meets {worst} in {100 * c.probability(worst):.0f} % of replications "
            f"against {100 * need.probability[worst]:.0f} % required")
