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

from lmsim.design import Design, candidate_data  # noqa: E402
from lmsim.results_folder import atomic_write  # noqa: E402
from lmsim.scenario import BUILTIN_DIR, read_toml_file  # noqa: E402
from lmsim.search import Candidate, SearchResult, candidates_table, front, recommended, requirement_table  # noqa: E402


def package_text(design: Design, values: dict[str, Any], name: str) -> str:
    """A candidate as a scenario file ``lmsim compare`` accepts: the document's package file with
    the candidate's values, on the same base (named by its full path unless it is a built-in)."""
    path = Path(design.package.path)
    data = candidate_data(read_toml_file(path), values)
    base = data.get("base")
    if base and not (Path(base).name == base and (BUILTIN_DIR / (base if base.endswith(".toml") else f"{base}.toml")).exists()
                     and path.parent.resolve() == BUILTIN_DIR.resolve()):
        data["base"] = str((path.parent / base).resolve())
    data["scenario"] = {**copy.deepcopy(data.get("scenario", {})), "name": name}
    return f"# {name}\n# written by lmsim design from {design.path}; the package of {path.name} with the values found\n" + tomli_w.dumps(data)


def write_packages(result: SearchResult, folder: Path) -> dict[int, Path]:
    """The front's packages (and the recommended one) as ``packages/candidate-NNN.toml``."""
    need, info = result.requirement, result.design.info
    chosen = {c.number: c for c in front(result.candidates, need)}
    best = recommended(result.candidates, need, info)
    if best is not None:
        chosen[best.number] = best
    (folder / "packages").mkdir(exist_ok=True)
    files = {}
    for number, c in sorted(chosen.items()):
        name = f"{result.design.info.name}: candidate {number}" + (" (the document's package)" if number == 0 else "")
        text = package_text(result.design, c.values, name)
        files[number] = atomic_write(folder / "packages" / f"candidate-{number:03d}.toml", lambda p, t=text: p.write_text(t, encoding="utf-8"))
    return files


def front_chart(table: pd.DataFrame, path: Path) -> Path:
    """Extra outlay against the probability of meeting all required targets, and against net
    regular jobs: every candidate in grey, the front joined, the document's
    package and the recommended one marked."""
    full = table
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, column, title in ((axes[0], "p_all_required", "probability of meeting all required targets"),
                              (axes[1], "net_regular_jobs", "net regular jobs at the end of the horizon")):
        ax.scatter(full["extra_outlay"] / 1e4, full[column], s=14, color="#bbbbbb", label="candidates")
        on = full[full["on_front"]].sort_values("extra_outlay")
        ax.plot(on["extra_outlay"] / 1e4, on[column], "o-", color="#1f77b4", ms=5, label="front")
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


def write_design(result: SearchResult, folder: Path, importance: pd.DataFrame, settings: dict[str, Any]) -> list[Path]:
    """Every file of the answer but the confirmation; returns them."""
    table = candidates_table(result)
    packages = write_packages(result, folder)
    table["file"] = [str(packages[n].relative_to(folder)) if n in packages else "" for n in table["candidate"]]
    written = [atomic_write(folder / "candidates.csv", lambda p: table.to_csv(p, index=False))]
    on_front = table[table["on_front"]].sort_values("extra_outlay")
    written.append(atomic_write(folder / "front.csv", lambda p: on_front.to_csv(p, index=False)))
    written.append(front_chart(table, folder / "front.png"))
    written.append(atomic_write(folder / "importance.csv", lambda p: importance.to_csv(p, index=False)))
    written.append(atomic_write(folder / "requirement.csv", lambda p: requirement_table(result).to_csv(p, index=False)))
    best = recommended(result.candidates, result.requirement, result.design.info)
    if best is not None:
        text = packages[best.number].read_text(encoding="utf-8")
        written.append(atomic_write(folder / "recommended.toml", lambda p: p.write_text(text, encoding="utf-8")))
    written.append(atomic_write(folder / "search.json", lambda p: p.write_text(json.dumps(settings, indent=2))))
    return written + list(packages.values())


def summary(result: SearchResult, confirmation: pd.DataFrame | None, settings: dict[str, Any]) -> list[str]:
    """The answer in a few lines for the terminal."""
    info, need = result.design.info, result.requirement
    best = recommended(result.candidates, need, info)
    doc = result.candidates[0]
    lines = [f"{info.name}: {settings['candidates']} candidates, {settings['candidate_replications']} candidate replications "
             f"({settings['runs']} runs with the baseline's), objective {info.objective}"]
    lines.append("required: " + (", ".join(f"{t} at {100 * p:.0f} %" for t, p in need.probability.items()) or "none"))
    for t, why in need.not_required.items():
        lines.append(f"not required: {t} ({why})")
    lines.append(_describe("document's package", doc, need))
    if best is None:
        lines.append("no candidate in the space meets every required target with its probability: " + _closest(result))
    else:
        lines.append(_describe(f"recommended: candidate {best.number}", best, need))
        changed = {k: v for k, v in best.values.items() if doc.values.get(k) != v}
        lines.append("  changes from the document's package: " + (", ".join(f"{k} {doc.values.get(k)!r} -> {v!r}" for k, v in changed.items()) or "none"))
    on = front(result.candidates, need)
    lines.append(f"front: {len(on)} packages (front.csv, front.png, packages/)")
    for c in on[:12]:
        lines.append(f"  candidate {c.number:>3}: extra outlay {c.mean_outlay() / 1e4:>10,.0f} 万元, all required targets "
                     f"{100 * c.all_met(need.targets):5.1f} %, net regular jobs {sum(c.net_jobs) / c.n:>+8,.0f} ({c.n} replications)")
    if confirmation is not None and len(confirmation):
        lines.append(f"confirmation on fresh seeds ({settings['confirmation_runs']} replications each, full population):")
        for package, group in confirmation.groupby("package", sort=False):
            parts = []
            for _, r in group.iterrows():
                if r["measure"].startswith("p_"):
                    parts.append(f"{r['measure'][2:]} {100 * r['value']:.0f} % [{100 * r['low']:.0f}, {100 * r['high']:.0f}]")
                elif r["measure"] == "extra_outlay":
                    parts.append(f"extra outlay {r['value'] / 1e4:,.0f} 万元 [{r['low'] / 1e4:,.0f}, {r['high'] / 1e4:,.0f}]")
                else:
                    parts.append(f"net regular jobs {r['value']:+,.0f} [{r['low']:+,.0f}, {r['high']:+,.0f}]")
            lines.append(f"  {package}: " + "; ".join(parts))
    return lines


def _describe(name: str, c: Candidate, need: Any) -> str:
    probs = ", ".join(f"{t} {100 * c.probability(t):.0f} %" for t in need.probability)
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
