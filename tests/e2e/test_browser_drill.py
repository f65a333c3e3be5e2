"""追溯 in a real browser (Chromium, WebDriver): counts open onto their records, nothing leaves the page, the index shows what changed."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import WEEK, run_cli, weekly_args

pytestmark = pytest.mark.e2e  # the pages come from weekly runs

PAGE = 20  # rows per page of the record view
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture(scope="module")
def outputs(small_csv, tmp_path_factory) -> Path:
    """Two weeks on one store (so the second tracks measures and has a previous week), and the index."""
    out = tmp_path_factory.mktemp("drill")
    store = f"sqlite:///{out / 'store.db'}"
    for start, end in (("2026-11-09", "2026-11-15"), WEEK):
        args = ("-p", "period_start", start, "-p", "period_end", end, "-p", "followup_store", store, "--output-dir", str(out))
        result = run_cli(*weekly_args(small_csv, *args))
        assert result.returncode == 0, result.stderr
    assert run_cli("index", "--output-dir", str(out)).returncode == 0
    return out


@pytest.fixture(scope="module")
def folder(outputs) -> Path:
    return outputs / "weekly" / f"{WEEK[0]}_{WEEK[1]}"


@pytest.fixture(scope="module")
def metrics(folder) -> dict:
    return json.loads((folder / "metrics.json").read_text(encoding="utf-8"))


def chrome(width: int | None = None):
    """Headless Chromium through Debian's chromedriver, logging every network request; a phone's screen when ``width``."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900", "--disable-background-networking"):
        options.add_argument(flag)
    options.binary_location = shutil.which("chromium") or ""
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    if width:
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": width, "height": 844, "pixelRatio": 1}})
    return webdriver.Chrome(service=Service(shutil.which("chromedriver") or ""), options=options)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    missing = [tool for tool in ("chromium", "chromedriver") if not shutil.which(tool)]
    if missing:
        pytest.skip(f"缺少 {'、'.join(missing)}：请安装 Debian 的 chromium 与 chromium-driver（make test 会自动安装）")
    driver = chrome()
    yield driver
    driver.quit()


def open_drill(driver, key: str) -> tuple[int, int]:
    """Click the count marked ``key``: (records the view says match, rows shown on its first page)."""
    from selenium.webdriver.common.by import By

    element = driver.find_element(By.CSS_SELECTOR, f'[data-drill="{key}"]')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()
    view = driver.find_element(By.ID, "records")
    assert view.is_displayed()
    count = int(view.find_element(By.CSS_SELECTOR, "[data-drill-count]").get_attribute("data-drill-count"))
    return count, len(view.find_elements(By.CSS_SELECTOR, "tbody tr"))


def close_view(driver) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.find_element(By.CSS_SELECTOR, "#records input").send_keys(Keys.ESCAPE)
    assert not driver.find_element(By.ID, "records").is_displayed()


def test_problem_types_and_service_types_open_exactly_their_records(browser, folder, metrics):
    browser.get(folder.joinpath("report.html").as_uri())
    problems = sorted(metrics["problems"], key=lambda p: -p["count"])[:3]
    assert len(problems) == 3
    for problem in problems:
        count, rows = open_drill(browser, f"problem:{problem['type']}")
        assert count == problem["count"] and rows == min(count, PAGE)
        close_view(browser)
    for service in [s for s in metrics["by_service_type"] if s["valid"] >= 10]:  # the table shows segments of 10 or more
        count, rows = open_drill(browser, f"service:{service['service_type']}")
        assert count == service["valid"] and rows == min(count, PAGE)
        close_view(browser)
    count, _ = open_drill(browser, "all:")
    assert count == metrics["sample"]["valid"]
    close_view(browser)


def test_search_narrows_and_sorting_orders_the_records(browser, folder, metrics):
    from selenium.webdriver.common.by import By

    browser.get(folder.joinpath("report.html").as_uri())
    total, _ = open_drill(browser, "all:")
    first = browser.find_element(By.CSS_SELECTOR, "#records tbody tr td").text  # a record id
    browser.find_element(By.CSS_SELECTOR, "#records input").send_keys(first)
    narrowed = int(browser.find_element(By.CSS_SELECTOR, "#records [data-drill-count]").get_attribute("data-drill-count"))
    assert narrowed == 1 < total
    browser.find_element(By.CSS_SELECTOR, "#records input").send_keys("并无此内容")
    assert browser.find_element(By.CSS_SELECTOR, "#records [data-drill-count]").get_attribute("data-drill-count") == "0"
    assert browser.find_elements(By.CSS_SELECTOR, "#records tbody tr") == []  # the empty view holds no row, only its note
    assert browser.find_element(By.CSS_SELECTOR, "#records .records-empty").is_displayed()
    browser.find_element(By.CSS_SELECTOR, "#records input").clear()
    browser.execute_script("document.querySelector('#records input').dispatchEvent(new Event('input'))")
    header = browser.find_element(By.CSS_SELECTOR, '#records th[data-sort="overall_satisfaction"]')
    header.click()
    column = [h.get_attribute("data-sort") for h in browser.find_elements(By.CSS_SELECTOR, "#records th")].index("overall_satisfaction")
    scores = [int(r.find_elements(By.TAG_NAME, "td")[column].text) for r in browser.find_elements(By.CSS_SELECTOR, "#records tbody tr")]
    assert scores == sorted(scores) and scores[0] == 1
    close_view(browser)


def test_nothing_leaves_the_page_and_no_phone_is_in_it(browser, folder):
    browser.get(folder.joinpath("report.html").as_uri())
    open_drill(browser, "all:")
    close_view(browser)
    requests = [
        json.loads(entry["message"])["message"]["params"]["request"]["url"]
        for entry in browser.get_log("performance")
        if '"Network.requestWillBeSent"' in entry["message"]
    ]
    assert requests and all(url.startswith(("file://", "data:")) for url in requests), requests
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not PHONE.search(browser.page_source)
    assert not PHONE.search(folder.joinpath("report.html").read_text(encoding="utf-8"))


def test_the_page_and_the_record_view_fit_a_phone(browser, folder, metrics):  # noqa: ARG001 - `browser` skips without Chromium
    phone = chrome(width=390)
    try:
        phone.get(folder.joinpath("report.html").as_uri())
        assert phone.execute_script("return document.documentElement.scrollWidth") <= 390  # wide tables scroll inside themselves
        problem = metrics["problems"][0]
        count, rows = open_drill(phone, f"problem:{problem['type']}")
        assert count == problem["count"] and rows == min(count, PAGE)
        assert phone.execute_script("return document.querySelector('.records-box').getBoundingClientRect().width") <= 390
        assert phone.execute_script("return document.documentElement.scrollWidth") <= 390
    finally:
        phone.quit()


def test_the_index_shows_each_reports_change_and_sparklines(browser, outputs, metrics):
    from selenium.webdriver.common.by import By

    browser.get(outputs.joinpath("index.html").as_uri())
    card = browser.find_element(By.CSS_SELECTOR, f'section.card[data-report="weekly"][data-slice=""][data-period="{WEEK[0]}_{WEEK[1]}"]')
    for line in card.find_elements(By.CSS_SELECTOR, "[data-kpi]"):
        change = metrics[line.get_attribute("data-kpi")]["change"]
        expected = ("up" if change["delta"] > 0 else "down") if change["decision"] == "significant" else "none"
        assert line.get_attribute("data-change") == expected
    drawn = [svg.get_attribute("data-values") for svg in card.find_elements(By.CSS_SELECTOR, "svg.spark")]
    trend = metrics["trend"][-8:]
    assert drawn == [",".join("" if p[key] is None else str(p[key]) for p in trend) for key in ("satisfaction", "nps")]
    if metrics["measures"]:
        assert "改进措施" in card.text
