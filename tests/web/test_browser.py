"""The web app in a real browser: Playwright driving Debian's headless chromium (never downloaded).

A uvicorn server runs in a thread on 127.0.0.1 and a free port.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi")
sync_api = pytest.importorskip("playwright.sync_api")

import anchorval  # noqa: E402
from anchorval.money import amount_str, format_money  # noqa: E402

HERE = Path(__file__).parent
CHROMIUM = "/usr/bin/chromium"
CASE = "anthropic-2026-06"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

if not Path(CHROMIUM).exists():  # .ci/run installs it with apt
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def context(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})  # one cache: plotly.js loads once
    yield ctx
    ctx.close()


@pytest.fixture()
def page(context):
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    pg.problems = []  # CSP violations, script errors, alert() from injected text
    pg.on("console", lambda m: pg.problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.problems.append(str(e)))

    def dialog(d):
        pg.problems.append(f"dialog: {d.message}")
        d.dismiss()

    pg.on("dialog", dialog)
    yield pg
    pg.close()


def _not_blank(path: Path) -> None:
    from PIL import Image

    img = Image.open(path).convert("RGB").resize((200, 150))
    colors = img.getcolors(maxcolors=200 * 150)
    assert colors is not None and len(colors) > 20, f"{path.name} looks blank"
    top = max(c for c, _ in colors)
    assert top < 0.97 * 200 * 150, f"{path.name} is almost one colour"


def test_what_if_slider_matches_library(page, base_url, tmp_path):
    page.goto(f"{base_url}/cases/{CASE}")
    page.wait_for_selector(".plot .main-svg")  # plotly drew the football field under the CSP
    cell = page.locator('tr[data-anchor="arr_multiple"] td.base')
    filed = anchorval.value(CASE).anchor("arr_multiple").base
    assert cell.get_attribute("data-base") == amount_str(filed)
    slider = page.locator("#f-arr-multiple-share")
    assert slider.input_value() == "59"
    slider.focus()
    for _ in range(18):  # step 0.5: 59% -> 50%
        page.keyboard.press("ArrowLeft")
    assert slider.input_value() == "50"
    want = anchorval.value(CASE, overrides={"arr_multiple.share": "50%"}).anchor("arr_multiple").base
    page.wait_for_function(
        "v => document.querySelector('tr[data-anchor=\"arr_multiple\"] td.base').dataset.base === v",
        arg=amount_str(want),
    )
    assert cell.inner_text() == format_money(want)
    assert "arr_multiple.share" in page.locator(".whatif-note").inner_text()
    page.wait_for_selector(".plot .main-svg")
    page.screenshot(path=tmp_path / "case.png")
    _not_blank(tmp_path / "case.png")

    # a bad input: the CLI's message beside the field, and the page keeps working
    shares = page.locator("#f-perps-0-reference-shares")
    shares.fill("-5")
    err = page.locator("#err-f-perps-0-reference-shares")
    err.wait_for(state="visible")
    assert err.inner_text() == "must be positive, got -5"
    assert cell.get_attribute("data-base") == amount_str(want)  # the slider's what-if still holds
    shares.fill("1e9")
    page.wait_for_function("() => document.querySelector('#err-f-perps-0-reference-shares').textContent === ''")

    # reset: back to the case as filed
    page.click("#reset")
    page.wait_for_function(
        "v => document.querySelector('tr[data-anchor=\"arr_multiple\"] td.base').dataset.base === v",
        arg=amount_str(filed),
    )
    assert slider.input_value() == "59"
    assert page.problems == []


def test_upload_bad_case_shows_line_and_field(page, base_url, tmp_path):
    page.goto(base_url + "/")
    page.set_input_files("#upload-file", str(HERE / "bad-case.yaml"))
    page.click("#upload button[type=submit]")
    err = page.locator(".upload-error")
    err.wait_for()
    assert err.inner_text() == "bad-case.yaml:12: perps[0].reference_shares: must be positive, got -5"
    page.screenshot(path=tmp_path / "cases.png")
    _not_blank(tmp_path / "cases.png")
    assert page.problems == []


def test_simulation_progress_finishes(page, base_url, tmp_path):
    page.goto(f"{base_url}/cases/{CASE}/simulate")
    page.fill("#draws", "200000")
    page.click("#run")
    page.wait_for_selector('#job[data-status="done"]', timeout=60_000)
    bar = page.locator("#progress")
    assert bar.get_attribute("value") == bar.get_attribute("max") == "200000"
    page.wait_for_selector("#job .plot .main-svg")
    page.screenshot(path=tmp_path / "simulate.png")
    _not_blank(tmp_path / "simulate.png")
    assert page.problems == []


def test_other_pages_render_and_injected_text_stays_text(page, base_url, tmp_path):
    for name, url in [
        ("market", "/cases/zhipu-2026-06/market?structural_share=60%25"),
        ("compare", f"/compare?case={CASE}&case=zhipu-2026-06&case=xss-test"),
        ("history", f"/cases/{CASE}/history"),
        ("xss", "/cases/xss-test"),
    ]:
        page.goto(base_url + url)
        if name != "history":
            page.wait_for_selector(".plot .main-svg")
        page.screenshot(path=tmp_path / f"{name}.png")
        _not_blank(tmp_path / f"{name}.png")
    assert page.locator("h1").inner_text() == "<script>alert('name')</script>Evil Corp"
    assert page.locator("img").count() == 0
    assert page.problems == []  # no alert() ran, no CSP violation
