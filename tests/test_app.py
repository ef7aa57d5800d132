"""``lmsim app`` driven in headless Chromium (Debian's, through Playwright's ``executable_path``;
no browser is downloaded): build a package on the small scenario, run it, read the headline
panel, check it against ``lmsim compare`` on the downloaded package, switch the language, and
check that the page asked nothing of any other host. The form's own logic is tested without a
browser below."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlparse

import pytest
from openpyxl import load_workbook

from lmsim.app import form
from lmsim.cli import main

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


# --- the form, without a browser ---------------------------------------------------------


def test_lever_fields_come_from_the_metadata():
    fields = {f.name: f for f in form.lever_fields("internship_subsidy")}
    assert list(fields)[:5] == ["start", "end", "clause", "budget", "take_up"]
    months = fields["months"]
    assert (months.kind, months.default, months.low, months.high, months.unit) == ("integer", 6, 3, 12, "months")
    assert fields["budget"].optional and fields["budget"].kind == "number"
    sizes = {f.name: f for f in form.lever_fields("hiring_subsidy")}["firm_sizes"]
    assert sizes.kind == "choices" and sizes.choices == ("micro", "small", "medium", "large")


def test_a_form_value_out_of_bounds_gets_the_message_lmsim_check_gives():
    section, unreadable = form.section_from_inputs("internship_subsidy", {"start": "2019-01", "end": "2021-12", "clause": "000 §三(一)2",
                                                                          "months": 13.0, "places": 5.0, "budget": None})
    assert unreadable == [] and section == {"start": "2019-01", "end": "2021-12", "clause": "000 §三(一)2", "months": 13}
    _, targets = form.start_policies("huyi", "none")
    assert all(not t["indicator"].startswith("policies.") for t in targets.values())
    data = form.package_data("huyi", "p", {"internship_subsidy": section}, targets)
    assert form.problems(data) == ["field 'policies.internship_subsidy.months': Input should be less than or equal to 12 (got 13)"]
    section["months"] = 12
    assert form.problems(data) == []


def test_the_package_file_is_a_scenario_lmsim_runs(tmp_path, capsys):
    policies, targets = form.start_policies("huyi", "package")
    scenario, path = form.write_package(form.package_data("huyi", "mine", policies, targets), tmp_path)
    assert scenario.policies.internship_subsidy.places == 5.0 and set(scenario.targets) == set(targets)
    copy = tmp_path / "elsewhere" / "mine.toml"  # downloaded anywhere: its base names the built-in baseline
    copy.parent.mkdir()
    copy.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["check", str(copy)]) == 0
    assert "valid scenario 'mine'" in capsys.readouterr().out


# --- the page, in a browser --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.skip("no Chromium: .ci/run installs Debian's chromium package")
    port, cache = _free_port(), tmp_path_factory.mktemp("app") / "cache"
    proc = subprocess.Popen([sys.executable, "-m", "lmsim.cli", "app", "--port", str(port), "--cache", str(cache), "--workers", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(120):
        try:
            urllib.request.urlopen(url, timeout=1)
            break
        except OSError:
            time.sleep(0.25)
    else:
        proc.kill()
        pytest.fail(f"lmsim app did not serve: {proc.stdout.read() if proc.stdout else ''}")
    yield url
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    finally:
        os.killpg(proc.pid, signal.SIGKILL) if proc.poll() is None else None


@pytest.fixture(scope="module")
def browser_page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page(accept_downloads=True)
        hosts: set[str] = set()
        page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
        page.goto(server)
        yield page, hosts
        browser.close()


def _headline_text(html_text: str) -> str:
    """The headline panel's words and figures, whitespace folded."""
    section = re.search(r'<section class="headline".*?</section>', html_text, re.S)
    assert section, "no headline panel"
    text = re.sub(r"<[^>]+>", " ", section.group(0))
    return re.sub(r"\s+", " ", text).strip()


def test_build_run_read_and_take_away(browser_page, tmp_path, capsys):
    page, hosts = browser_page
    page.select_option("#region", "small")
    page.check("input[name=start][value=none]")
    page.fill("#name", "hiring")
    page.fill("#runs", "2")
    page.locator('[data-for="small/none"]').wait_for(timeout=20_000)  # the form drawn for them
    page.click(".accordion-item[data-value=hiring_subsidy] .accordion-button")  # open the lever's section
    page.locator("#hiring_subsidy__on").check()
    page.fill("#hiring_subsidy__amount", "3000")
    page.fill("#hiring_subsidy__start", "2019-01")
    page.fill("#hiring_subsidy__end", "2020-12")
    page.locator(".text-success").wait_for(timeout=10_000)  # the form says the package is valid
    page.click("#run")
    page.locator("section.headline").wait_for(timeout=240_000)
    shown = _headline_text(page.inner_html("#answer"))

    with page.expect_download() as download:
        page.click("#download_toml")
    package = tmp_path / download.value.suggested_filename
    download.value.save_as(package)
    assert package.name == "hiring.toml"
    assert main(["check", str(package)]) == 0
    command = shlex.split(page.inner_text("#command"))
    assert command[:4] == ["lmsim", "compare", "small", "hiring.toml"]

    # the command the page gives, on the file it gave, prints the same headline
    out = tmp_path / "compare"
    os.chdir(tmp_path)
    assert main([*command[1:], "--out", str(out), "--workers", "1"]) == 0
    assert _headline_text((out / "report.html").read_text(encoding="utf-8")) == shown
    assert "3,000" in package.read_text(encoding="utf-8") or "3000" in package.read_text(encoding="utf-8")

    # the budget workbook the page gives is the one `lmsim budget` writes from the same runs
    with page.expect_download() as download:
        page.click("#download_budget")
    given = tmp_path / "given.xlsx"
    download.value.save_as(given)
    runs, seed = command[command.index("--runs") + 1], command[command.index("--seed") + 1]
    assert main(["budget", "hiring.toml", "--runs", runs, "--seed", seed, "--out", str(tmp_path / "budget"), "--workers", "1"]) == 0
    mine = [row for row in load_workbook(given)["预算主表"].iter_rows(min_row=5, values_only=True)]
    theirs = [row for row in load_workbook(tmp_path / "budget" / "budget.xlsx")["预算主表"].iter_rows(min_row=5, values_only=True)]
    assert mine == theirs
    hiring = next(row for row in mine if row[0] == "  其他支出")  # the one-off post subsidy's line, 就业补助资金 first
    assert max(hiring[2:-1:2]) > 0

    page.check("input[name=lang][value=en]")
    page.get_by_text("Headline", exact=False).first.wait_for(timeout=10_000)
    english = _headline_text(page.inner_html("#answer"))
    assert english != shown and "baseline" in english
    assert hosts == {urlparse(page.url).netloc}, f"the page asked other hosts: {hosts}"


def test_start_from_an_uploaded_file_and_cancel_a_run(browser_page, tmp_path):
    page, hosts = browser_page
    upload = tmp_path / "mine.toml"
    upload.write_text('base = "small"\n[scenario]\nname = "mine"\n[policies.public_welfare_posts]\n'
                      'start = "2019-01"\nend = "2020-12"\nclause = "001 (十六)"\nposts = 40.0\n'
                      'priority = ["zero_employment_household", "poverty_registered"]\n', encoding="utf-8")
    page.click("a[data-value=package]")
    page.set_input_files("#upload", str(upload))
    page.check("input[name=start][value=upload]")
    page.locator('[data-for="small/upload"]').wait_for(timeout=20_000)
    assert page.locator("#public_welfare_posts__on").is_checked()
    assert float(page.input_value("#public_welfare_posts__posts")) == 40
    assert not page.locator("#hiring_subsidy__on").is_checked()
    # a list whose order matters reaches the server in the file's order, not the choices'
    order = page.evaluate("Array.from(document.querySelector('#public_welfare_posts__priority').selectedOptions, o => o.value)")
    assert order == ["zero_employment_household", "poverty_registered"]

    before = page.get_attribute("#progress-text", "data-job")
    page.fill("#runs", "200")  # 400 runs: far more than the few seconds before the cancel
    page.click("#run")
    page.wait_for_function(f"document.querySelector('#progress-text').dataset.job !== '{before}'", timeout=20_000)
    page.click("#cancel")
    page.wait_for_function("document.querySelector('#progress-text').dataset.state === 'cancelled'", timeout=60_000)
    assert "Cancelled" in page.inner_text("#progress-text")  # the page is in English since the test before
    assert hosts == {urlparse(page.url).netloc}


def test_design_tab_finds_the_posts_known_by_construction(browser_page, tmp_path):
    """The design tab on a package whose answer is known: posts open to everyone and a target of at
    least 40 persons in programme posts at the end; the posts vary over 0.5-1.5 times 60, so the
    least costly package meeting the target has 45 posts (30 miss it, and cost rises with posts)."""
    page, hosts = browser_page
    upload = tmp_path / "posts.toml"
    upload.write_text('base = "small"\n[scenario]\nname = "posts"\n[policies.public_welfare_posts]\n'
                      'start = "2019-01"\nend = "2020-12"\nclause = "test"\nposts = 60.0\npriority = ["everyone"]\n'
                      '[targets.posts]\nindicator = "programme_posts"\naggregate = "last"\nop = ">="\nvalue = 40\n'
                      'start = "2020-12"\nend = "2020-12"\nclause = "test"\n', encoding="utf-8")
    page.click("a[data-value=package]")
    page.select_option("#region", "small")
    page.set_input_files("#upload", str(upload))
    page.check("input[name=start][value=upload]")
    page.locator('[data-for="small/upload"]').wait_for(timeout=20_000)
    page.wait_for_function("parseFloat(document.querySelector('#public_welfare_posts__posts').value) === 60", timeout=20_000)
    page.click("a[data-value=design]")
    page.locator("input[name=design_vary][value='public_welfare_posts.posts']").check()
    page.fill("#design_evaluations", "6")
    page.fill("#design_weight", "4")
    page.click("#design_run")
    page.wait_for_function("document.querySelector('#design-state') && document.querySelector('#design-state').dataset.state === 'done'",
                           timeout=240_000)
    summary = page.inner_text("#design-summary")
    assert "public_welfare_posts.posts 60.0 -> 45.0" in summary, summary
    with page.expect_download() as download:
        page.click("#download_recommended")
    recommended = tmp_path / "recommended.toml"
    download.value.save_as(recommended)
    assert main(["check", str(recommended)]) == 0
    assert "posts = 45.0" in recommended.read_text(encoding="utf-8")
    with page.expect_download() as download:
        page.click("#download_design")
    design = tmp_path / "design.toml"
    download.value.save_as(design)
    assert "[levers.public_welfare_posts.posts]" in design.read_text(encoding="utf-8") or "posts = {" in design.read_text(encoding="utf-8")
    assert page.locator("#design-front").is_visible()
    assert hosts == {urlparse(page.url).netloc}
