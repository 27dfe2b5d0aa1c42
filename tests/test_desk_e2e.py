"""End to end: `formkit desk` as a real process, a real headless Chromium typing a reference like a USB
barcode scanner (keystrokes, then Enter) and reading the large green or red answer."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.test_desk import ROOT, _ref_key, built_batch, folder, full_tcs, ref_of  # noqa: F401 (fixtures)

CHROMIUM = Path(os.environ.get("FORMKIT_CHROMIUM", "/usr/bin/chromium"))
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python) is not installed")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
PASSWORD = "tarayıcı-parolası-9"
SCREENSHOT = ROOT / "docs" / "images" / "desk.png"  # FORMKIT_UPDATE_SCREENSHOT=1 refreshes it


@pytest.fixture
def desk(folder: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:  # noqa: F811
    """`formkit desk DIR --port 0` with a password set through stdin; yields its URL and the folder."""
    env = {**os.environ, "FORMKIT_REF_KEY": "test-key-desk"}
    cli = [sys.executable, str(ROOT / "cli.py"), "desk", str(folder)]
    subprocess.run([*cli, "--set-password"], input=PASSWORD + "\n", text=True, env=env, check=True)
    log = tmp_path / "desk.log"
    with log.open("w", encoding="utf-8") as errors:
        process = subprocess.Popen(
            [*cli, "--port", "0"], stdout=subprocess.PIPE, stderr=errors, text=True, env=env, cwd=ROOT
        )
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            assert match, f"no address announced: {line!r}"
            yield f"http://127.0.0.1:{match.group(1)}/", folder
        finally:
            process.terminate()
            process.wait(timeout=10)
            if process.stdout:
                process.stdout.close()
    text = log.read_text(encoding="utf-8")
    assert not any(tc in text for tc in full_tcs()), "a full T.C. number reached the desk log"


@pytest.fixture
def page() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser.new_context(locale="tr-TR", viewport={"width": 1100, "height": 760}).new_page()
        finally:
            browser.close()


def test_scanner_keystrokes_and_enter_show_the_answer_in_green_or_red(
    desk: tuple[str, Path], page: Any, tmp_path: Path
) -> None:
    url, batch_folder = desk
    page.goto(url)
    assert page.url.endswith("/giris")  # not signed in: sent to the login page
    page.fill("#ad", "Ayşe")
    page.fill("#parola", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(url)
    page.locator("#ref:focus").wait_for()  # ready for the scanner at once (autofocus)

    kurum = ref_of(batch_folder, "kurum")
    page.keyboard.type(kurum, delay=8)  # a USB scanner is a keyboard: the reference, then Enter
    page.keyboard.press("Enter")
    result = page.locator("#sonuc.ok")
    result.wait_for()
    assert "İlknur IĞDIR" in result.locator(".who").inner_text()
    assert "Kurum ödemeli" in result.inner_text() and "Eksik yok" in result.inner_text()
    assert page.input_value("#ref") == ""  # cleared for the next scan
    assert page.locator(f"#r-{kurum} .received").inner_text() != "-"  # the list follows without a reload
    assert page.evaluate("document.activeElement.id") == "ref"
    color = page.evaluate("getComputedStyle(document.getElementById('sonuc')).backgroundColor")
    assert color == "rgb(10, 107, 45)"  # green
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#sonuc .who')).fontSize)")
    assert size >= 36

    shot = SCREENSHOT if os.environ.get("FORMKIT_UPDATE_SCREENSHOT") else tmp_path / "desk.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000

    aile = ref_of(batch_folder, "aile-hekimi")
    page.keyboard.type(aile, delay=8)
    page.keyboard.press("Enter")
    page.locator("#sonuc.bad .missing").wait_for()
    assert "banka dekontu" in page.locator("#sonuc").inner_text()

    page.keyboard.type(kurum[:-1] + ("0" if kurum[-1] != "0" else "1"), delay=8)  # a misread check symbol
    page.keyboard.press("Enter")
    page.locator("#sonuc .message", has_text="geçerli bir paket numarası değil").wait_for()
    assert page.locator("#sonuc.bad").count() == 1
    color = page.evaluate("getComputedStyle(document.getElementById('sonuc')).backgroundColor")
    assert color == "rgb(176, 0, 32)"  # red

    page.goto(url + "?durum=teslim")
    rows = page.locator("#liste tbody tr")
    assert rows.count() == 2 and kurum in page.locator("#liste").inner_text()
