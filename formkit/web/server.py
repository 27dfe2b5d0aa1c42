"""Serve the web form with waitress (pure Python: runs the same on Linux and Windows; no development server).

waitress errors (the port is taken, the address is wrong) are translated to InputError here.
"""

from __future__ import annotations

import ipaddress
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from waitress import create_server

from formkit.errors import FormkitError, InputError
from formkit.model import Profile
from formkit.web.app import MAX_BODY_BYTES, create_app
from formkit.web.security import RedactTcFilter

# waitress refuses bodies above this itself; between 64 KB and this, Flask answers 413 with a Turkish page.
_WAITRESS_BODY_LIMIT = 16 * MAX_BODY_BYTES


def is_loopback(host: str) -> bool:
    """True when only this computer can reach `host` (127.0.0.1, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    profile: Profile,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    store_dir: Path | None = None,
    threads: int = 4,
    announce: Callable[[str], None] = print,
) -> None:
    """Run the web form until interrupted; `announce` gets the address once the socket is listening."""
    notes = [f"geçerli başvurular saklanıyor: {Path(store_dir) / 'basvurular.sqlite'}"] if store_dir else []
    run_waitress(
        create_app(profile, store_dir=store_dir),
        title="formkit web formu",
        host=host,
        port=port,
        threads=threads,
        body_limit=_WAITRESS_BODY_LIMIT,
        announce=announce,
        notes=notes,
    )


def run_waitress(
    app: Any,
    *,
    title: str,
    host: str,
    port: int,
    threads: int,
    body_limit: int,
    announce: Callable[[str], None],
    notes: Sequence[str] = (),
    error: type[FormkitError] = InputError,
) -> None:
    """Serve a WSGI app with waitress until interrupted (the web form and the desk page alike): T.C.-masking
    logs on stderr, a port or address problem as one `error` line, the address announced once listening."""
    _setup_logging()
    try:
        server = create_server(
            app,
            host=host,
            port=port,
            threads=threads,
            max_request_body_size=body_limit,
            expose_tracebacks=False,
            ident="formkit",
        )
    except OSError as exc:
        raise error(f"{host}:{port} dinlenemiyor ({exc.strerror or exc})") from exc
    except ValueError as exc:
        raise error(f"--host {host}: geçerli bir adres değil ({exc})") from exc
    bound_port = getattr(server, "effective_port", port)
    shown = f"[{host}]" if ":" in host else host
    announce(f"{title}: http://{shown}:{bound_port}/  (durdurmak için Ctrl+C)")
    for note in notes:
        announce(note)
    if not is_loopback(host):
        announce(f"uyarı: {host} adresinde dinleniyor; ağdaki başka bilgisayarlar da bu sayfaya erişebilir")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


_logging_ready = False


def _setup_logging() -> None:
    """One line per event on stderr, with every full T.C. number masked (once per process)."""
    global _logging_ready
    if _logging_ready:
        return
    _logging_ready = True
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    handler.addFilter(RedactTcFilter())
    for name in ("formkit", "waitress"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


__all__ = ["is_loopback", "run_waitress", "serve"]
