"""The desk page through Flask's test client: login, CSRF, rate limit, session expiry, scans, dispatch."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from formkit import profile as profiles
from formkit.desk import auth
from formkit.desk.store import DeskError, Store
from formkit.desk.web import IDLE_MINUTES, MAX_HOURS, create_app
from formkit.web.security import RateLimit
from tests.test_desk import _ref_key, built_batch, folder, manifest_rows, ref_of  # noqa: F401 (fixtures)

PASSWORD = "masa-parolası-2026"


@pytest.fixture
def app(folder: Path) -> Flask:  # noqa: F811 (the imported fixture)
    with Store(folder) as store:
        auth.set_password(store, PASSWORD, who="test")
    return create_app(folder, profiles.load(None), login_limit=RateLimit(capacity=3, per_seconds=60))


def token(client: FlaskClient, path: str = "/giris") -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def login(client: FlaskClient, password: str = PASSWORD) -> Any:
    return client.post("/giris", data={"csrf_token": token(client), "ad": "Ayşe Yılmaz", "parola": password})


def test_every_page_is_refused_without_login(app: Flask) -> None:
    client = app.test_client()
    for path in ("/", "/?durum=bekleyen", "/liste/1.pdf"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/giris"), path
    for path in ("/tara", "/gonder"):
        response = client.post(path, data={"ref": "X"})
        assert response.status_code == 401, path
    answer = client.post("/tara", data={"ref": "X"}, headers={"Accept": "application/json"})
    assert answer.status_code == 401 and "giriş" in answer.get_json()["message"]
    login_page = client.get("/giris")
    assert login_page.status_code == 200 and "Masaya giriş" in login_page.get_data(as_text=True)
    csp = login_page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert (
        login_page.headers["X-Frame-Options"] == "DENY" and login_page.headers["Cache-Control"] == "no-store"
    )


def test_wrong_password_csrf_and_rate_limit(app: Flask) -> None:
    client = app.test_client()
    no_token = client.post("/giris", data={"ad": "Ayşe", "parola": PASSWORD})
    assert no_token.status_code == 400
    wrong = login(client, "yanlış-parola")
    assert wrong.status_code == 401 and "Ad ya da parola yanlış" in wrong.get_data(as_text=True)
    limited = login(client)  # third attempt of a bucket of 3: still allowed
    assert limited.status_code == 302
    other = app.test_client()
    assert login(other).status_code == 429  # same address: the bucket is empty
    assert "Retry-After" in login(other).headers


def test_scan_after_login_answers_with_name_track_and_missing(app: Flask, folder: Path) -> None:  # noqa: F811
    client = app.test_client()
    assert login(client).status_code == 302
    csrf = token(client, "/")
    aile = ref_of(folder, "aile-hekimi")
    started = time.perf_counter()
    answer = client.post(
        "/tara", data={"csrf_token": csrf, "ref": aile}, headers={"Accept": "application/json"}
    )
    assert time.perf_counter() - started < 1.0  # generous here; bench/bench_desk.py measures the real figure
    data = answer.get_json()
    assert data["ok"] is False and data["missing"] == ["banka dekontu"] and data["name"] == "Çiğdem IĞDIR"
    data = client.post(
        "/tara", data={"csrf_token": csrf, "ref": aile, "dekont": "1"}, headers={"Accept": "application/json"}
    ).get_json()
    assert data["ok"] is True and data["outcome"] == "receipt-added" and data["missing"] == []
    typo = client.post(
        "/tara", data={"csrf_token": csrf, "ref": "ABCD-EFGH1"}, headers={"Accept": "application/json"}
    )
    assert typo.get_json()["ok"] is False and "geçerli bir paket numarası değil" in typo.get_json()["message"]
    forged = client.post("/tara", data={"ref": aile}, headers={"Accept": "application/json"})
    assert forged.get_json()["ok"] is False
    with Store(folder) as store:
        assert [(e.kind, e.who) for e in store.events() if e.ref] == [
            ("received", "masa:Ayşe Yılmaz"),
            ("receipt", "masa:Ayşe Yılmaz"),
        ]
    page = client.get("/?durum=teslim").get_data(as_text=True)
    assert aile in page and ref_of(folder, "kurum") not in page
    waiting = client.get("/?durum=bekleyen").get_data(as_text=True)
    assert ref_of(folder, "kurum") in waiting and aile not in waiting

    response = client.post("/gonder", data={"csrf_token": csrf})
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Liste 1: 1 paket" in page and "kamusm-liste-001.pdf" in page
    assert client.post("/gonder", data={"csrf_token": csrf}).status_code == 302
    assert "Gönderilecek yeni paket yok" in client.get("/").get_data(as_text=True)
    pdf = client.get("/liste/1.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert (folder / "kamusm" / "kamusm-liste-001.pdf").exists()
    assert client.get("/liste/7.pdf").status_code == 404


def test_sessions_expire_and_logout_needs_csrf(folder: Path) -> None:  # noqa: F811
    with Store(folder) as store:
        auth.set_password(store, PASSWORD, who="test")
    app = create_app(folder, profiles.load(None), login_limit=RateLimit(capacity=10, per_seconds=60))
    client = app.test_client()
    login(client)
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        session["seen"] = time.time() - IDLE_MINUTES * 60 - 1
    assert client.get("/").status_code == 302
    login(client)
    with client.session_transaction() as session:
        session["login"] = time.time() - MAX_HOURS * 3600 - 1  # active all day long: still ends
    assert client.get("/").status_code == 302
    login(client)
    csrf = token(client, "/")
    client.post("/cikis", data={})
    assert client.get("/").status_code == 200  # no token: still signed in
    client.post("/cikis", data={"csrf_token": csrf})
    assert client.get("/").status_code == 302
    login(client)
    assert client.get("/").status_code == 200
    with Store(folder) as store:
        auth.set_password(store, "yeni-parola-2027", who="test")
    assert client.get("/").status_code == 302  # a new password ends every session


def test_the_desk_does_not_start_without_a_password(folder: Path) -> None:  # noqa: F811
    with pytest.raises(DeskError, match="--set-password"):
        create_app(folder, profiles.load(None))
    assert manifest_rows(folder)


def test_the_desk_pages_ship_in_the_package() -> None:
    import tomllib

    from tests.test_desk import ROOT

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    for package in ("formkit.desk", "formkit.desk.templates", "formkit.desk.static"):
        assert package in config["packages"]
    for package in ("formkit.desk.templates", "formkit.desk.static"):
        assert config["package-data"][package] == ["*"]
    assert {p.name for p in (ROOT / "formkit" / "desk" / "templates").iterdir()} >= {
        "desk.html",
        "login.html",
    }


def test_without_script_the_scan_form_still_answers_with_a_page(app: Flask, folder: Path) -> None:  # noqa: F811
    client = app.test_client()
    login(client)
    ref = ref_of(folder, "kurum")
    page = client.post("/tara", data={"csrf_token": token(client, "/"), "ref": ref}).get_data(as_text=True)
    assert 'class="result ok"' in page and "İlknur IĞDIR" in page and "Eksik yok" in page
    assert client.get("/static/desk.js").status_code == 200  # static files need no login; pages do
