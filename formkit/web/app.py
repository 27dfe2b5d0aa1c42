"""The Flask application: one page with the form; a valid submission comes back as the packet PDF.

The server is the authority: every submission goes through `applicant_from_values`, the same validation the
CLI uses; the browser's checks only help while typing. One PacketBuilder per process (fonts and static page
parts are prepared once); a lock lets waitress threads share it safely.
"""

from __future__ import annotations

import io
import logging
import math
import secrets
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from flask import Flask, Response, abort, render_template, request, send_file, session
from werkzeug.exceptions import HTTPException

from formkit import profile as profiles
from formkit.batch.printouts import numbers_in
from formkit.errors import FormkitError, ValidationError
from formkit.input.store import Store
from formkit.input.validate import applicant_from_values
from formkit.model import Applicant, Problem, Profile
from formkit.packet.builder import Packet, PacketBuilder
from formkit.packet.copies import Printout
from formkit.web.fields import (
    DEVICE_CHECKED,
    DEVICE_FIELD,
    FIELD_NAMES,
    LABELS,
    TEXT_FIELDS,
    TRACK_FIELD,
    track_choices,
    web_texts,
)
from formkit.web.security import (
    CSRF_FIELD,
    SECURITY_HEADERS,
    RateLimit,
    RateLimiter,
    RedactTcFilter,
    csrf_ok,
    csrf_token,
)

MAX_BODY_BYTES = 64 * 1024  # the form's text fields
MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # the portal printout (a real one is a few hundred KB at most)
UPLOAD_FIELD = "portal_pdf"
UPLOAD_LABEL = "Kamu SM form çıktınız (PDF)"
log = logging.getLogger("formkit.web")
log.addFilter(RedactTcFilter())

_STATUS_TEXT = {
    400: ("İstek geçersiz", "Form süresi dolmuş veya sayfa başka bir yerden gönderilmiş olabilir. "
          "Sayfayı yenileyip yeniden deneyin."),
    404: ("Sayfa bulunamadı", "Aradığınız sayfa burada yok."),
    405: ("İzin verilmeyen istek", "Bu adres bu tür isteği kabul etmiyor."),
    413: ("Gönderilen veri çok büyük", "Form en çok 64 KB veri ve en çok 5 MB'lık bir PDF kabul eder."),
    429: ("Çok fazla istek", "Kısa sürede çok sayıda paket istendi. Biraz bekleyip yeniden deneyin."),
    500: ("Sunucu hatası", "Paket hazırlanırken beklenmeyen bir sorun oluştu. "
          "E-imza kurum yetkilisine bildirin."),
}  # fmt: skip


_CSRF_MESSAGE = (
    "Oturumunuz yenilendi ya da form başka bir sayfadan gönderildi; hiçbir şey hazırlanmadı. "
    "Bilgilerinizi kontrol edip düğmeye yeniden basın."
)


class _Service:
    """The per-process state behind the routes: profile, the one PacketBuilder, store, rate limiter."""

    def __init__(self, profile: Profile, store: Store | None, limiter: RateLimiter) -> None:
        self.profile = profile
        self.builder = PacketBuilder(profile)
        self.store = store
        self.limiter = limiter
        self.tracks = track_choices(profile)
        self._build_lock = threading.Lock()

    def build(self, applicant: Applicant, printout: Printout | None = None) -> Packet:
        with self._build_lock:
            return self.builder.build(applicant, printout)


def submitted_values(form: Mapping[str, str]) -> dict[str, str]:
    """The canonical fields of a submission, trimmed; anything else in the body is ignored."""
    values = {name: form.get(name, "").strip() for name in FIELD_NAMES if name != DEVICE_FIELD}
    values[DEVICE_FIELD] = DEVICE_CHECKED if form.get(DEVICE_FIELD) else ""
    return values


def create_app(
    profile: Profile | None = None,
    *,
    store_dir: Path | None = None,
    rate_limit: RateLimit | None = None,
    secret_key: bytes | None = None,
) -> Flask:
    """The web application for one profile; with `store_dir`, valid submissions are kept there (SQLite)."""
    app = Flask(__name__)
    app.logger.addFilter(RedactTcFilter())  # Flask logs unhandled exceptions here, traceback included
    app.config.update(
        SECRET_KEY=secret_key or secrets.token_bytes(32),  # per process: a restart asks for a page reload
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES + MAX_UPLOAD_BYTES,
        MAX_FORM_MEMORY_SIZE=MAX_BODY_BYTES,  # text fields (and a url-encoded body) stay within 64 KB
        SESSION_COOKIE_NAME="formkit_oturum",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        TEMPLATES_AUTO_RELOAD=False,
    )
    service = _Service(
        profile or profiles.load(None),
        Store(store_dir) if store_dir is not None else None,
        RateLimiter(rate_limit or RateLimit()),
    )
    app.extensions["formkit"] = service

    def page(values: Mapping[str, str], errors: Mapping[str, list[str]], status: int) -> Response:
        html = render_template(
            "index.html",
            profile=service.profile,
            fields=TEXT_FIELDS,
            labels={**LABELS, UPLOAD_FIELD: UPLOAD_LABEL},
            upload_field=UPLOAD_FIELD,
            upload_label=UPLOAD_LABEL,
            upload_limit_mb=MAX_UPLOAD_BYTES // (1024 * 1024),
            tracks=service.tracks,
            texts=web_texts(service.profile),
            track_field=TRACK_FIELD,
            device_field=DEVICE_FIELD,
            device_checked=DEVICE_CHECKED,
            values=values,
            errors=errors,
            stored=service.store is not None,
            csrf_field=CSRF_FIELD,
            csrf_token=csrf_token(session),
        )
        return Response(html, status=status, mimetype="text/html")

    @app.before_request
    def text_within_limit() -> None:
        """The text fields stay within MAX_BODY_BYTES whatever the encoding; only the PDF may be larger."""
        if request.method != "POST":
            return
        if request.mimetype != "multipart/form-data":
            if (request.content_length or 0) > MAX_BODY_BYTES:
                abort(413)
            return
        if sum(len(k) + len(v) for k, v in request.form.items(multi=True)) > MAX_BODY_BYTES:
            abort(413)

    @app.get("/")
    def index() -> Response:
        return page({}, {}, 200)

    @app.post("/")
    def submit() -> Response:
        values = submitted_values(request.form)
        if not csrf_ok(session, request.form.get(CSRF_FIELD)):
            # Nothing is built or stored. The page comes back with the values (escaped) and a fresh token,
            # so a person whose session ended (e.g. the server restarted) does not lose what they typed.
            log.warning("CSRF belirteci eksik veya yanlış: %s", request.remote_addr)
            return page(values, {"_": [_CSRF_MESSAGE]}, 400)
        try:
            applicant = applicant_from_values(values, source="web")
            wait = service.limiter.take(request.remote_addr or "-")
            if wait:
                log.warning("hız sınırı: %s, %.0f sn beklemeli", request.remote_addr, wait)
                response = error_page(429)
                response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
                return response
            printout = uploaded_printout(applicant)
            packet = service.build(applicant, printout)
        except ValidationError as exc:
            log.info(
                "geçersiz başvuru: %d sorun (%s)", len(exc.problems), ", ".join(p.field for p in exc.problems)
            )
            return page(values, problems_by_field(exc.problems), 422)
        if service.store is not None:
            service.store.save(values)
        log.info(
            "paket hazırlandı: %s, %s, T.C. %s, %d sayfa, form: %s%s",
            packet.ref, applicant.track.value, applicant.masked_tc, packet.pages, packet.form_source,
            ", kaydedildi" if service.store is not None else "",
        )  # fmt: skip
        response = send_file(
            io.BytesIO(packet.data),
            mimetype="application/pdf",
            as_attachment=True,
            download_name=packet.filename,
        )
        return response

    def uploaded_printout(applicant: Applicant) -> Printout | None:
        """The uploaded portal printout, checked: PDF, size, the one PDF rule, and whose it is.

        ValidationError at the upload field for anything wrong (the page comes back with the values).
        """
        upload = request.files.get(UPLOAD_FIELD)
        if upload is None or not upload.filename:
            return None

        def refuse(message: str) -> ValidationError:
            return ValidationError([Problem(UPLOAD_FIELD, f"{message}; dosyayı yeniden seçin")])

        data = upload.stream.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise refuse(f"dosya çok büyük (en çok {MAX_UPLOAD_BYTES // (1024 * 1024)} MB)")
        if not data.lstrip()[:5] == b"%PDF-":
            raise refuse("yalnızca PDF dosyası yüklenebilir")
        try:
            printout = Printout.load(data, "yüklenen dosya")
            numbers = numbers_in(printout.text())
        except FormkitError as exc:
            raise refuse(exc.message.removeprefix("yüklenen dosya: ")) from exc
        if numbers and applicant.tc_kimlik_no not in numbers:
            raise refuse("yüklenen çıktıdaki T.C. kimlik numarası sizinki değil; kendi çıktınızı yükleyin")
        return printout

    def error_page(status: int) -> Response:
        title, text = _STATUS_TEXT.get(status, _STATUS_TEXT[500])
        html = render_template("error.html", status=status, title=title, text=text, profile=service.profile)
        return Response(html, status=status, mimetype="text/html")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        return error_page(exc.code or 500)

    @app.errorhandler(FormkitError)
    def formkit_error(exc: FormkitError) -> Response:
        log.error("paket hazırlanamadı: %s", "; ".join(exc.lines()))
        return error_page(500)

    @app.after_request
    def headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"  # pages and PDFs hold personal data
        return response

    return app


def problems_by_field(problems: Sequence[Problem]) -> dict[str, list[str]]:
    """Problem messages grouped by their field; fields not on the page are shown at the top ("_")."""
    grouped: dict[str, list[str]] = {}
    for problem in problems:
        key = problem.field if problem.field in FIELD_NAMES or problem.field == UPLOAD_FIELD else "_"
        grouped.setdefault(key, []).append(problem.message)
    return grouped


__all__ = [
    "MAX_BODY_BYTES",
    "MAX_UPLOAD_BYTES",
    "UPLOAD_FIELD",
    "UPLOAD_LABEL",
    "create_app",
    "log",
    "problems_by_field",
    "submitted_values",
]
