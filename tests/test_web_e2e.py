"""End to end: `formkit serve` as a real process, driven by a real headless Chromium through Playwright.

Skips (cleanly) only when Chromium or Playwright is missing; `.ci/run` installs both. Set
FORMKIT_UPDATE_SCREENSHOT=1 to copy the screenshot this test takes into docs/images/web-form.png.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from formkit import profile as profiles
from formkit.input.validate import applicant_from_values
from formkit.packet.builder import PacketBuilder
from tests.webutil import ROOT, VALID_TC, VALUES, WRONG_TC, running_server

CHROMIUM = Path(os.environ.get("FORMKIT_CHROMIUM", "/usr/bin/chromium"))
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python) is not installed")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = ROOT / "docs" / "images" / "web-form.png"
# The order a keyboard user meets the text fields in (after the track radios).
TYPED_FIELDS = (
    "ad", "soyad", "tc_kimlik_no", "dogum_tarihi", "dogum_yeri", "e_posta", "cep_telefonu", "kurum", "unvan",
    "adres", "il", "ilce", "posta_kodu",
)  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`formkit serve --port 0` on 127.0.0.1 (the default host) as a subprocess; yields its base URL."""
    log = tmp_path_factory.mktemp("serve") / "stderr.txt"
    with running_server(log=log) as url:
        yield url
    assert VALID_TC not in log.read_text(encoding="utf-8"), "a full T.C. number reached the server log"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        accept_downloads=True, locale="tr-TR", viewport={"width": 900, "height": 900}
    )
    try:
        yield context.new_page()
    finally:
        context.close()


def type_form_with_keyboard(page: Any, values: dict[str, str], tc: str) -> None:
    """Fill the whole form with the keyboard only: Tab between fields, arrows for the radio group."""
    keyboard = page.keyboard
    keyboard.press("Tab")  # skip link
    keyboard.press("Tab")  # the radio group (first choice)
    assert page.evaluate("document.activeElement.id") == "basvuru_turu-kurum"
    keyboard.press("ArrowDown")  # → aile-hekimi, selected by moving onto it
    for name in TYPED_FIELDS:
        keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") == name
        keyboard.type(tc if name == "tc_kimlik_no" else values[name], delay=5)


def test_type_turkish_data_see_live_checks_submit_and_get_the_pdf(
    server: str, page: Any, tmp_path: Path
) -> None:
    page.goto(server)
    assert page.title().startswith("E-imza başvuru paketi")
    type_form_with_keyboard(page, VALUES, WRONG_TC)
    locator = page.locator
    assert locator("#basvuru_turu-aile-hekimi").is_checked()

    # The wrong T.C. number was flagged while typing, before any submit.
    tc_error = locator("#tc_kimlik_no-hata")
    assert tc_error.is_visible()
    assert "kontrol haneleri" in tc_error.inner_text()
    assert locator("#tc_kimlik_no").get_attribute("aria-invalid") == "true"

    # A bad mobile number is flagged live too, and clears when corrected.
    phone = locator("#cep_telefonu")
    phone.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("0432 412")
    assert "5 ile başlamalı" in locator("#cep_telefonu-hata").inner_text()
    page.keyboard.press("Control+A")
    page.keyboard.type(VALUES["cep_telefonu"])
    assert not locator("#cep_telefonu-hata").is_visible()

    shot = _screenshot_target(tmp_path)
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000

    # Correct the T.C. number: the error goes away.
    locator("#tc_kimlik_no").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(VALID_TC)
    assert not tc_error.is_visible()
    assert locator("#tc_kimlik_no").get_attribute("aria-invalid") is None
    assert locator("#ad").input_value() == "İlknur Şükriye" and locator("#soyad").input_value() == "Iğdır"

    # Submit with the keyboard and receive the packet.
    locator("#posta_kodu").focus()
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    expected = PacketBuilder(profiles.load(None)).build(applicant_from_values(VALUES))
    assert download.suggested_filename == expected.filename
    data = Path(download.path()).read_bytes()
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == expected.pages
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Şükriye" in text or "ŞÜKRİYE" in text
    assert "IĞDIR" in text or "Iğdır" in text


def test_bad_email_comes_back_with_the_error_at_its_field(server: str, page: Any) -> None:
    page.goto(server)
    type_form_with_keyboard(page, {**VALUES, "e_posta": "ilknur@@example"}, VALID_TC)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "baska_marka_cihaz"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "portal_pdf"  # the optional printout upload
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    page.wait_for_selector("#hata-ozeti")
    locator = page.locator
    error = locator("#e_posta-hata")
    assert error.is_visible() and error.inner_text().strip()
    assert locator("#e_posta").get_attribute("aria-invalid") == "true"
    assert "e_posta-hata" in (locator("#e_posta").get_attribute("aria-describedby") or "").split()
    assert locator("#e_posta").input_value() == "ilknur@@example"
    assert locator("#ad").input_value() == "İlknur Şükriye"  # everything typed is kept
    assert locator("#adres").input_value() == VALUES["adres"]
    assert locator("#basvuru_turu-aile-hekimi").is_checked()
    assert locator("#baska_marka_cihaz").is_checked()
    assert not locator("#ad-hata").is_visible()
    assert page.evaluate("document.activeElement.id") == "hata-ozeti"


def test_layout_fits_a_phone(server: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(server)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        box = page.locator("#adres").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
        font = page.evaluate("parseFloat(getComputedStyle(document.getElementById('ad')).fontSize)")
        assert font >= 16  # phones zoom into smaller inputs
    finally:
        context.close()


def _screenshot_target(tmp_path: Path) -> Path:
    if os.environ.get("FORMKIT_UPDATE_SCREENSHOT"):
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        return SCREENSHOT
    return tmp_path / "web-form.png"


def test_an_uploaded_printout_comes_back_as_the_copies(server: str, page: Any, tmp_path: Path) -> None:
    from tests import printouts

    printout = tmp_path / "kamusm-cikti.pdf"
    printout.write_bytes(printouts.printout(VALID_TC))
    page.goto(server)
    for name, value in VALUES.items():
        if name == "basvuru_turu":
            page.locator(f"#basvuru_turu-{value}").check()
        else:
            page.locator(f"#{name}").fill(value)
    page.locator("#portal_pdf").set_input_files(str(printout))
    with page.expect_download() as info:
        page.locator("button[type=submit]").click()
    reader = PdfReader(io.BytesIO(Path(info.value.path()).read_bytes()))
    copies = [p.extract_text() for p in reader.pages[1:3]]
    for number, text in enumerate(copies, start=1):
        assert "KAMU SM NES BASVURU FORMU 1/1" in text and f"NÜSHA {number}/2" in text
