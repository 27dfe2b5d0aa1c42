"""The desk as a web page (`formkit desk DIR`): scan field, status list, the dispatch button; login required.

Same stack and defences as the applicants' web form (formkit.web): Flask served by waitress, CSRF token on
every form, a Content-Security-Policy without inline script, the same security headers, a token-bucket rate
limit (here on login attempts), T.C.-free logs. The password is checked against the scrypt hash that
`formkit desk DIR --set-password` stored; a session ends after `IDLE_MINUTES` without a request or
`MAX_HOURS` after login, and every session ends when the server restarts (per-process key).

A scan is one indexed lookup and one short write transaction in the status store, so the answer (name, track,
what is missing) comes back well within 100 ms; the page shows it in large green or red letters and is ready
for the next scan at once (the scanner types the reference and Enter into the focused field).
"""

from __future__ import annotations

import logging
import math
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify, redirect, render_template, request, session, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from formkit.desk import auth, dispatch, mailer, status
from formkit.desk.receive import receive, shown
from formkit.desk.store import DeskError, Store, local_time
from formkit.model import Profile, mask_digit_runs
from formkit.web.security import (
    CSRF_FIELD,
    SECURITY_HEADERS,
    RateLimit,
    RateLimiter,
    RedactTcFilter,
    csrf_ok,
    csrf_token,
)
from formkit.web.server import run_waitress

IDLE_MINUTES = 30
MAX_HOURS = 10
MAX_BODY_BYTES = 8 * 1024
LOGIN_LIMIT = RateLimit(capacity=5, per_seconds=60)
LIST_LIMIT = 300  # rows shown at once; the filters narrow the rest down
FILTERS = {
    "hepsi": "Hepsi",
    "bekleyen": "Teslim bekleyen",
    "dekont": "Dekontu eksik",
    "teslim": "Teslim alınan (gönderilmedi)",
    "gonderildi": "Kamu SM'ye gönderilen",
    "bireysel": "Bireysel",
}
log = logging.getLogger("formkit.desk")
log.addFilter(RedactTcFilter())

_ERRORS = {
    400: ("İstek geçersiz", "Oturum süresi dolmuş ya da form başka bir sayfadan gönderilmiş olabilir. "
          "Sayfayı yenileyip yeniden deneyin."),
    404: ("Sayfa bulunamadı", "Aradığınız sayfa burada yok."),
    405: ("İzin verilmeyen istek", "Bu adres bu tür isteği kabul etmiyor."),
    413: ("Gönderilen veri çok büyük", "Bu sayfa bu kadar büyük bir istek kabul etmez."),
    429: ("Çok fazla deneme", "Kısa sürede çok sayıda giriş denemesi yapıldı. "
          "Bir dakika bekleyip yeniden deneyin."),
    500: ("Sunucu hatası", "Beklenmeyen bir sorun oluştu; ayrıntı sunucunun kaydında."),
}  # fmt: skip


def _matches(line: status.Line, key: str) -> bool:
    p, track = line.progress, line.applicant.track.value
    if key == "bireysel":
        return track == "bireysel"
    if key == "bekleyen":
        return track != "bireysel" and p.received is None
    if key == "dekont":
        return track == "aile-hekimi" and p.received is not None and p.receipt is None
    if key == "teslim":
        return p.received is not None and p.dispatched is None
    if key == "gonderildi":
        return p.dispatched is not None
    return True


def create_app(
    folder: Path, profile: Profile, *, secret_key: bytes | None = None, login_limit: RateLimit = LOGIN_LIMIT
) -> Flask:
    """The desk application for one batch folder."""
    app = Flask(__name__)
    app.logger.addFilter(RedactTcFilter())
    app.config.update(
        SECRET_KEY=secret_key or secrets.token_bytes(32),
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        SESSION_COOKIE_NAME="formkit_masa",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        PERMANENT_SESSION_LIFETIME=MAX_HOURS * 3600,
        TEMPLATES_AUTO_RELOAD=False,
    )
    store = Store(folder)
    if auth.stored_hash(store) is None:
        store.close()
        raise DeskError(f"masa parolası belirlenmemiş; önce: formkit desk {folder} --set-password")
    lock = threading.Lock()  # one SQLite connection shared by waitress threads
    limiter = RateLimiter(login_limit)
    app.extensions["formkit_desk"] = store

    def signed_in() -> str | None:
        user, start, seen = session.get("user"), session.get("login"), session.get("seen")
        now = time.time()
        if not isinstance(user, str) or not isinstance(start, float) or not isinstance(seen, float):
            return None
        with lock:
            stored = auth.stored_hash(store) or ""
        if (
            now - seen > IDLE_MINUTES * 60
            or now - start > MAX_HOURS * 3600
            or session.get("pw") != stored[-16:]  # a new password ends every session
        ):
            session.clear()
            return None
        session["seen"] = now
        return user

    @app.before_request
    def require_login() -> BaseResponse | None:
        if request.endpoint in ("login", "login_post", "static"):
            return None
        if signed_in() is None:
            message = "Oturumunuz yok ya da süresi doldu; sayfayı yenileyip yeniden giriş yapın."
            if request.accept_mimetypes.best == "application/json":
                response = jsonify({"ok": False, "message": message, "missing": []})
                response.status_code = 401
                return response
            if request.method != "GET":
                return error_page(401, "Giriş gerekli", message)
            return redirect(url_for("login"))
        return None

    def render(template: str, status_code: int = 200, **values: Any) -> Response:
        html = render_template(
            template, profile=profile, csrf_field=CSRF_FIELD, csrf_token=csrf_token(session),
            user=session.get("user"), **values,
        )  # fmt: skip
        return Response(html, status=status_code, mimetype="text/html")

    def error_page(code: int, title: str | None = None, text: str | None = None) -> Response:
        default = _ERRORS.get(code, _ERRORS[500])
        return render("error.html", code, code=code, title=title or default[0], text=text or default[1])

    @app.get("/giris")
    def login() -> Response:
        return render("login.html")

    @app.post("/giris")
    def login_post() -> BaseResponse:
        wait = limiter.take(request.remote_addr or "-")
        if wait:
            log.warning("giriş hız sınırı: %s", request.remote_addr)
            response = error_page(429)
            response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
            return response
        if not csrf_ok(session, request.form.get(CSRF_FIELD)):
            return render("login.html", 400, problem="Sayfa yenilendi; yeniden deneyin.")
        name = mask_digit_runs(" ".join(request.form.get("ad", "").split()))[:40]
        password = request.form.get("parola", "")
        with lock:
            stored = auth.stored_hash(store)
        if not name or stored is None or not auth.verify(password, stored):
            log.warning("başarısız giriş: %s", request.remote_addr)
            return render("login.html", 401, problem="Ad ya da parola yanlış.", name=name)
        session.clear()
        now = time.time()
        session.update(user=name, login=now, seen=now, pw=stored[-16:])
        session.permanent = True
        log.info("giriş: %s (%s)", name, request.remote_addr)
        return redirect(url_for("index"))

    @app.post("/cikis")
    def logout() -> BaseResponse:
        if csrf_ok(session, request.form.get(CSRF_FIELD)):
            session.clear()
        return redirect(url_for("login"))

    def page(result: dict[str, Any] | None = None, code: int = 200) -> Response:
        key = request.args.get("durum", "hepsi")
        key = key if key in FILTERS else "hepsi"
        with lock:  # only the store's reads hold the lock: a scan never waits for the outbox to be read
            store.sync()
            applicants, progress = store.applicants(), store.all_progress()
            lists = store.query_all("SELECT id, at, count FROM dispatches ORDER BY id DESC LIMIT 20")
        mailed = mailer.mailed(folder, [a.ref for a in applicants])
        rows = status.combine(applicants, progress, mailed)
        shown_rows = [r for r in rows if _matches(r, key)]
        return render(
            "desk.html", code, result=result, rows=shown_rows[:LIST_LIMIT], matching=len(shown_rows),
            total=len(rows), summary=status.summary(rows),
            filters=FILTERS, current=key, local_time=local_time,
            lists=[(int(i), local_time(str(at)), int(n)) for i, at, n in lists],
            notice=session.pop("notice", None),
        )  # fmt: skip

    @app.get("/")
    def index() -> Response:
        return page()

    @app.post("/tara")
    def scan() -> Response:
        wants_json = request.accept_mimetypes.best == "application/json"
        if not csrf_ok(session, request.form.get(CSRF_FIELD)):
            result = {"ok": False, "message": "Sayfa yenilendi; okutmayı yineleyin.", "missing": []}
            return jsonify(result) if wants_json else page(result, 400)
        typed = request.form.get("ref", "")
        dekont = bool(request.form.get("dekont"))
        try:
            with lock:
                store.sync()
                answer = receive(store, typed, dekont=dekont, who=f"masa:{session['user']}")
        except DeskError as exc:
            log.info("okutma reddedildi: %s", shown(typed))
            result = {"ok": False, "message": exc.message, "missing": []}
        else:
            a = answer.applicant
            p = answer.progress
            result = {
                "ok": not answer.missing, "ref": a.ref, "name": a.display_name, "track": a.track.label,
                "missing": answer.missing, "message": answer.message(), "outcome": answer.outcome.value,
                "received": local_time(p.received.at) if p.received else "",
                "receipt": local_time(p.receipt.at) if p.receipt else "",
            }  # fmt: skip
            log.info("okutma: %s %s", a.ref, answer.outcome.value)
        return jsonify(result) if wants_json else page(result)

    @app.post("/gonder")
    def send_on() -> BaseResponse:
        if not csrf_ok(session, request.form.get(CSRF_FIELD)):
            return error_page(400)
        with lock:
            listing = dispatch.dispatch(store, who=f"masa:{session['user']}")
        waiting = (
            f" {listing.waiting_receipt} aile hekimi paketi dekont bekliyor."
            if listing and listing.waiting_receipt
            else ""
        )
        if listing is None or not listing.items:
            session["notice"] = "Gönderilecek yeni paket yok." + waiting
            return redirect(url_for("index"))
        path = dispatch.write(store, profile, listing)  # drawing the PDF needs no lock: scans go on
        session["notice"] = f"Liste {listing.id}: {len(listing.items)} paket; dosya: {path}." + waiting
        return redirect(url_for("index"))

    @app.get("/liste/<int:number>.pdf")
    def list_pdf(number: int) -> Response:
        from formkit.desk import texts

        try:
            with lock:
                listing = dispatch.recorded(store, number)
        except DeskError:
            return error_page(404)
        pdf = dispatch.render(listing, profile, texts.load(profile))
        response = Response(pdf, mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'inline; filename="{listing.file_name}"'
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        return error_page(exc.code or 500)

    @app.errorhandler(DeskError)
    def desk_error(exc: DeskError) -> Response:
        log.error("masa: %s", "; ".join(exc.lines()))
        return error_page(500, text="; ".join(exc.lines()))

    @app.after_request
    def headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    return app


def serve(
    folder: Path,
    profile: Profile,
    *,
    host: str = "127.0.0.1",
    port: int = 8090,
    threads: int = 4,
    announce: Callable[[str], None] = print,
) -> None:
    """Run the desk page until interrupted; `announce` gets the address once the socket is listening."""
    app = create_app(folder, profile)
    try:
        run_waitress(
            app,
            title="formkit masa",
            host=host,
            port=port,
            threads=threads,
            body_limit=MAX_BODY_BYTES * 4,
            announce=announce,
            error=DeskError,
        )
    finally:
        app.extensions["formkit_desk"].close()


__all__ = [
    "FILTERS",
    "IDLE_MINUTES",
    "LIST_LIMIT",
    "LOGIN_LIMIT",
    "MAX_BODY_BYTES",
    "MAX_HOURS",
    "create_app",
    "log",
    "serve",
]
