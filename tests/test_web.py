"""The web form through Flask's test client: page, validation at the server, PDF download, defences."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from formkit import profile as profiles
from formkit.input.store import STORE_FILENAME, read_store
from formkit.input.validate import applicant_from_values, validate_row
from formkit.packet.builder import PacketBuilder
from formkit.web import create_app
from formkit.web.fields import FIELD_NAMES
from formkit.web.security import RateLimit
from tests import printouts
from tests.webutil import VALID_TC, VALUES, WRONG_TC, Elements, csrf_from

CANONICAL = (
    "ad", "soyad", "tc_kimlik_no", "dogum_tarihi", "dogum_yeri", "e_posta", "cep_telefonu", "kurum", "unvan",
    "adres", "il", "ilce", "posta_kodu", "basvuru_turu", "baska_marka_cihaz",
)  # fmt: skip


@pytest.fixture(scope="module")
def app() -> Flask:
    # Shared by many tests: the default rate limit is tested on an app of its own.
    return create_app(secret_key=b"test" * 8, rate_limit=RateLimit(capacity=1000, per_seconds=1))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def token(client: FlaskClient) -> str:
    return csrf_from(client.get("/").get_data(as_text=True))


def post(client: FlaskClient, values: dict[str, str], **extra: str):  # type: ignore[no-untyped-def]
    data = {**values, "csrf_token": token(client), **extra}
    return client.post("/", data=data)


def pdf_texts(data: bytes) -> list[str]:
    document = pdfium.PdfDocument(data)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


# --- the page -------------------------------------------------------------------------------------------


def test_page_has_every_canonical_field_with_label_hint_and_error_slot(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = Elements(html)
    assert set(FIELD_NAMES) == set(CANONICAL)
    names = {attrs.get("name") for tag, attrs in page.tags if tag in {"input", "textarea"}}
    assert names >= set(CANONICAL)
    labels = {attrs.get("for") for tag, attrs in page.tags if tag == "label"}
    for name in CANONICAL:
        if name == "basvuru_turu":
            continue
        assert name in labels, f"{name} has no label"
        described = page.attrs[name]["aria-describedby"].split()
        assert f"{name}-hata" in described
        assert all(ident in page.attrs for ident in described), f"{name}: aria-describedby points nowhere"
    tracks = [a["value"] for t, a in page.tags if t == "input" and a.get("name") == "basvuru_turu"]
    assert tracks == ["kurum", "aile-hekimi", "bireysel"]
    assert '<html lang="tr">' in html
    # The three tracks explained from the seed: who pays, where the form goes.
    assert "ücreti kurum karşılar" in html.lower()
    assert "1.080,00 TL" in html and "HALK BANKASI" in html
    assert "ıslak imzalı 1 nüshayı" in html
    assert "saklanmaz" in html  # nothing is stored by default, and the page says so


def test_page_loads_nothing_from_elsewhere_and_has_no_inline_script(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    page = Elements(html)
    scripts = [attrs for tag, attrs in page.tags if tag == "script"]
    assert scripts and all(attrs.get("src", "").startswith("/static/") for attrs in scripts)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html and " style=" not in html and " on" + "click=" not in html
    for tag, attrs in page.tags:
        for key in ("src", "href"):
            assert not attrs.get(key, "").startswith(("http:", "https:", "//")), (tag, attrs)
    for name in ("form.js", "form.css"):
        static = client.get(f"/static/{name}")
        assert static.status_code == 200
        assert static.headers["X-Content-Type-Options"] == "nosniff"
        assert "http://" not in static.get_data(as_text=True) and "https://" not in static.get_data(
            as_text=True
        )


def test_security_headers_on_every_response(client: FlaskClient) -> None:
    for response in (client.get("/"), client.get("/static/form.js"), client.get("/yok"), client.post("/")):
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Frame-Options"] == "DENY"
    assert client.get("/").headers["Cache-Control"] == "no-store"
    cookie = client.application.test_client().get("/").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


# --- submissions ----------------------------------------------------------------------------------------


def test_valid_submission_downloads_the_packet_named_like_the_cli(client: FlaskClient) -> None:
    response = post(client, VALUES)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    expected = PacketBuilder(profiles.load(None)).build(applicant_from_values(VALUES))
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and f"filename={expected.filename}" in disposition
    assert response.headers["Cache-Control"] == "no-store"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == expected.pages
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "İlknur Şükriye" in text or "İLKNUR ŞÜKRİYE" in text
    assert VALID_TC in text  # the full number belongs inside the form


def test_invalid_submission_keeps_values_and_shows_each_problem_at_its_field(client: FlaskClient) -> None:
    bad = {**VALUES, "e_posta": "ilknur@@example", "tc_kimlik_no": WRONG_TC, "soyad": ""}
    response = post(client, bad)
    assert response.status_code == 422
    page = Elements(response.get_data(as_text=True))
    for name in ("e_posta", "tc_kimlik_no", "soyad"):
        assert page.text[f"{name}-hata"].strip(), f"no error shown at {name}"
        assert "hidden" not in page.attrs[f"{name}-hata"]
        assert page.attrs[name].get("aria-invalid") == "true"
    for name in ("ad", "dogum_yeri", "kurum", "il"):
        assert page.attrs[name]["value"] == VALUES[name]
        assert "hidden" in page.attrs[f"{name}-hata"]
    assert page.attrs["e_posta"]["value"] == "ilknur@@example"
    assert page.text["adres"] == VALUES["adres"]
    assert "checked" in page.attrs["basvuru_turu-aile-hekimi"]
    assert "hata-ozeti" in page.attrs  # the summary at the top links to the fields, named by their labels
    summary = page.text["hata-ozeti"]
    assert "E-posta:" in summary and "T.C. Kimlik No:" in summary and "Soyad:" in summary
    links = [a["href"] for t, a in page.tags if t == "a" and a.get("href", "").startswith("#")]
    assert {"#e_posta", "#tc_kimlik_no", "#soyad"} <= set(links)


def test_missing_track_is_shown_at_the_track_choice(client: FlaskClient) -> None:
    values = {k: v for k, v in VALUES.items() if k != "basvuru_turu"}
    response = post(client, values)
    assert response.status_code == 422
    page = Elements(response.get_data(as_text=True))
    assert page.text["basvuru_turu-hata"].strip()


@pytest.mark.parametrize("csrf", [None, "", "yanlış-belirteç"])
def test_csrf_missing_or_wrong_is_refused(client: FlaskClient, csrf: str | None) -> None:
    token(client)  # the session has a token; the request does not carry it
    data = dict(VALUES)
    if csrf is not None:
        data["csrf_token"] = csrf
    response = client.post("/", data=data)
    assert response.status_code == 400
    assert response.mimetype == "text/html"  # no packet
    page = Elements(response.get_data(as_text=True))
    assert "hiçbir şey hazırlanmadı" in page.text["hata-ozeti"]
    assert page.attrs["ad"]["value"] == VALUES["ad"]  # what was typed is kept, with a fresh token to retry
    assert csrf_ok_after_retry(client, response.get_data(as_text=True))


def csrf_ok_after_retry(client: FlaskClient, html: str) -> bool:
    return client.post("/", data={**VALUES, "csrf_token": csrf_from(html)}).status_code == 200


def test_csrf_token_of_another_session_is_refused(app: Flask) -> None:
    stolen = token(app.test_client())
    response = app.test_client().post("/", data={**VALUES, "csrf_token": stolen})
    assert response.status_code == 400


def test_body_over_64_kb_is_refused(client: FlaskClient) -> None:
    response = post(client, {**VALUES, "adres": "x" * (65 * 1024)})
    assert response.status_code == 413
    assert "64 KB" in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_rate_limit_per_address_on_packet_generation() -> None:
    app = create_app(rate_limit=RateLimit(capacity=2, per_seconds=3600))
    client = app.test_client()
    other = app.test_client()
    assert post(client, VALUES).status_code == 200
    assert post(client, {**VALUES, "e_posta": "yanlış"}).status_code == 422  # invalid ones build nothing
    assert post(client, VALUES).status_code == 200
    limited = post(client, VALUES)
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert "Çok fazla istek" in limited.get_data(as_text=True)
    # Another address still gets its packet.
    data = {**VALUES, "csrf_token": token(other)}
    assert other.post("/", data=data, environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200


# --- privacy ----------------------------------------------------------------------------------------------


def test_no_tc_number_in_any_log_line(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    post(client, VALUES)
    post(client, {**VALUES, "e_posta": "bozuk"})
    logging.getLogger("formkit.web").info("deneme %s", VALID_TC)
    messages = [record.getMessage() for record in caplog.records]
    assert any("paket hazırlandı" in m for m in messages)
    assert any("244******16" in m for m in messages)
    assert not any(VALID_TC in m for m in messages)


def test_unexpected_error_is_a_turkish_500_and_the_traceback_is_masked(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app()
    app.testing = False  # real error handling, as under waitress

    def broken(applicant: object, printout: object = None) -> None:
        raise RuntimeError(f"çizim hatası {VALID_TC}")

    monkeypatch.setattr(app.extensions["formkit"].builder, "build", broken)
    client = app.test_client()
    with caplog.at_level(logging.ERROR):
        response = post(client, VALUES)
    assert response.status_code == 500
    assert "Sunucu hatası" in response.get_data(as_text=True) and VALID_TC not in response.get_data(
        as_text=True
    )
    logged = "\n".join(f"{r.getMessage()}\n{r.exc_text or ''}" for r in caplog.records)
    assert "RuntimeError" in logged and "244******16" in logged
    assert VALID_TC not in logged


def test_nothing_is_stored_by_default(
    client: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app: Flask
) -> None:
    monkeypatch.chdir(tmp_path)
    assert post(client, VALUES).status_code == 200
    assert list(tmp_path.iterdir()) == []
    assert app.extensions["formkit"].store is None


def test_store_keeps_valid_submissions_and_reads_them_back(tmp_path: Path) -> None:
    app = create_app(store_dir=tmp_path / "depo")
    client = app.test_client()
    html = client.get("/").get_data(as_text=True)
    assert "KVKK" in html and "T.C. kimlik numaranız dahil" in html
    assert post(client, VALUES).status_code == 200
    assert post(client, {**VALUES, "e_posta": "bozuk"}).status_code == 422  # invalid: not kept
    second = {
        **VALUES,
        "ad": "Ömer",
        "soyad": "Çağlayan",
        "tc_kimlik_no": "71117800296",
        "basvuru_turu": "kurum",
    }
    assert post(client, {**second, "baska_marka_cihaz": "evet"}).status_code == 200
    moved = {**VALUES, "adres": "Güvenevler Mah. 1. Cad. No: 3"}
    assert post(client, moved).status_code == 200  # the same T.C. number replaces its row
    path = tmp_path / "depo" / STORE_FILENAME
    assert path.stat().st_mode & 0o077 == 0
    rows = list(read_store(path))  # RawRows, as formkit batch gets them through open_table
    assert [(row.source, row.row) for row in rows] == [(STORE_FILENAME, 2), (STORE_FILENAME, 3)]
    first, other = rows[0].values, rows[1].values
    assert set(first) == set(CANONICAL)
    assert (
        first["adres"] == moved["adres"] and first["soyad"] == "Iğdır" and first["tc_kimlik_no"] == VALID_TC
    )
    assert other["ad"] == "Ömer" and other["baska_marka_cihaz"] == "evet" and other["basvuru_turu"] == "kurum"
    applicants = [validate_row(row) for row in rows]  # what was kept passes the same validation again
    assert [(a.ad, a.track.value, a.baska_marka_cihaz) for a in applicants] == [  # type: ignore[union-attr]
        ("İlknur Şükriye", "aile-hekimi", False),
        ("Ömer", "kurum", True),
    ]


# --- the portal printout upload ---------------------------------------------------------------------------


def upload(client: FlaskClient, data: bytes, values: dict[str, str] | None = None, name: str = "cikti.pdf"):  # type: ignore[no-untyped-def]
    body: dict[str, object] = {**(values or VALUES), "csrf_token": token(client)}
    body["portal_pdf"] = (io.BytesIO(data), name)
    return client.post("/", data=body, content_type="multipart/form-data")


def test_page_offers_the_upload_and_says_how_to_get_the_printout(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    page = Elements(html)
    assert (
        page.attrs["portal_pdf"]["type"] == "file"
        and page.attrs["portal_pdf"]["accept"] == "application/pdf,.pdf"
    )
    assert 'enctype="multipart/form-data"' in html
    from formkit.web.fields import web_texts

    hint = web_texts(profiles.load(None))["printout"]
    assert hint and hint in html.replace("&#39;", "'")
    assert Elements(html).text["portal_pdf-ipucu"].strip() == hint
    assert "portal.kamusm.gov.tr/bp/ws.go" in hint


def test_an_uploaded_printout_becomes_the_copies(client: FlaskClient) -> None:
    printout = printouts.printout(VALID_TC)
    response = upload(client, printout)
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    assert response.mimetype == "application/pdf"
    texts = pdf_texts(response.data)
    original = pdf_texts(printout)[0]
    assert texts[1] == original + "\r\n" + "NÜSHA 1/2 — Kurum Yetkilisine teslim edilecek"
    assert texts[2] == original + "\r\n" + "NÜSHA 2/2 — Kurum Yetkilisine teslim edilecek"


def test_an_empty_password_printout_is_accepted(client: FlaskClient) -> None:
    response = upload(client, printouts.encrypted(printouts.printout(VALID_TC), user=""))
    assert response.status_code == 200 and response.mimetype == "application/pdf"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a not a pdf", "yalnızca PDF dosyası yüklenebilir"),
        (b"%PDF-1.4 bozuk", "PDF okunamıyor"),
        (None, "sizinki değil"),
        ("locked", "şifreli; açmak için parola gerekiyor"),
        ("many", "çok fazla sayfa (150; en çok 100)"),
    ],
)
def test_a_bad_upload_is_shown_at_its_field_with_the_values_kept(
    client: FlaskClient, data: bytes | str | None, message: str
) -> None:
    if data is None:
        data = printouts.printout("10000000146")  # a valid number, someone else's
    elif data == "locked":
        data = printouts.encrypted(printouts.printout(VALID_TC), user="gizli")
    elif data == "many":
        data = printouts.many_pages(150)
    assert isinstance(data, bytes)
    response = upload(client, data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    page = Elements(html)
    assert message in page.text["portal_pdf-hata"] and "yeniden seçin" in page.text["portal_pdf-hata"]
    assert page.attrs["portal_pdf"].get("aria-invalid") == "true"
    assert page.attrs["ad"]["value"] == VALUES["ad"]
    assert VALID_TC not in html.replace(f'value="{VALID_TC}"', "")


def test_an_upload_over_the_limit_is_refused(client: FlaskClient) -> None:
    response = upload(client, b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024 + 10))
    assert response.status_code == 422
    assert (
        "dosya çok büyük (en çok 5 MB)" in Elements(response.get_data(as_text=True)).text["portal_pdf-hata"]
    )
    response = upload(client, b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024))  # the body itself is over the limit
    assert response.status_code == 413
    assert "5 MB" in response.get_data(as_text=True)


def test_text_fields_stay_within_64_kb_in_a_multipart_body(client: FlaskClient) -> None:
    response = upload(client, printouts.printout(VALID_TC), {**VALUES, "adres": "x" * (65 * 1024)})
    assert response.status_code == 413
