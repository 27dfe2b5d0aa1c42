"""Helpers for the mail and send tests: a batch output folder as `formkit batch` writes it, and a real SMTP
server (aiosmtpd on 127.0.0.1) whose handler can misbehave on purpose."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import ipaddress
import json
import re
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from reportlab.pdfgen import canvas

from formkit.pdf import fonts

ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")
FULL_TC = "25876543214"  # looks like a T.C. number; must never come out of mail/send


@dataclass(frozen=True)
class Person:
    row: int
    ref: str
    name: str
    track: str
    e_posta: str


PEOPLE = (
    Person(2, "K7Q2M9", "Şükrü Öztürk", "kurum", "sukru.ozturk@example.com"),
    Person(3, "A4H8P1", "İlknur Iğdır", "aile-hekimi", "ilknur.igdir@example.org"),
    Person(4, "B9C3X5", "Ayşe & <Gül> Çelik", "bireysel", "ayse.celik@example.net"),
)


def write_pdf(path: Path, text: str, *, pages: int = 1) -> bytes:
    """A real small PDF (DejaVu embedded, so Turkish letters are in it) written to path; returns its bytes."""
    fonts.register()
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf = canvas.Canvas(str(path), invariant=True)
    for page in range(pages):
        pdf.setFont(fonts.REGULAR, 14)
        pdf.drawString(72, 760, f"{text} — sayfa {page + 1}")
        pdf.showPage()
    pdf.save()
    return path.read_bytes()


def make_batch(folder: Path, people: tuple[Person, ...] = PEOPLE, *, extra_rows: int = 0) -> dict[str, Any]:
    """A batch output folder: packets/*.pdf and manifest.json with ok, invalid and failed rows."""
    rows: list[dict[str, Any]] = []
    for person in people:
        soyad = person.name.split()[-1]
        rel = f"packets/{person.ref}-{_ascii(soyad).upper()}-{_ascii(person.name.split()[0])}.pdf"
        data = write_pdf(folder / rel, f"Başvuru paketi {person.name}")
        rows.append(
            {
                "row": person.row,
                "status": "ok",
                "ref": person.ref,
                "name": person.name,
                "track": person.track,
                "e_posta": person.e_posta,
                "tc": "258******14",
                "pdf": rel,
                "pages": 1,
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    rows.append(
        {"row": 5, "status": "invalid", "problems": [{"field": "tc_kimlik_no", "message": "geçersiz"}]}
    )
    rows.append({"row": 6, "status": "failed", "reason": "form sığmadı"})
    manifest = {"rows": rows}
    (folder / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return manifest


def _ascii(text: str) -> str:
    table = str.maketrans("çğıöşüÇĞİÖŞÜ", "cgiosuCGIOSU")
    return re.sub(r"[^A-Za-z0-9]+", "_", text.translate(table)).strip("_")


def parse(path: Path) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(message, EmailMessage)
    return message


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- a real SMTP server -------------------------------------------------------------------------------


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        message = BytesParser(policy=policy.default).parsebytes(self.data)
        assert isinstance(message, EmailMessage)
        return message


@dataclass
class Handler:
    """Records every accepted message; the knobs make it answer like real servers sometimes do."""

    received: list[Received] = field(default_factory=list)
    rcpt_answers: dict[str, list[str]] = field(default_factory=dict)  # address -> answers to give, in turn
    drop_on_mail: list[int] = field(default_factory=list)  # close the line at the n-th MAIL (1-based)
    drop_after_data: list[int] = field(
        default_factory=list
    )  # store the n-th message, close without answering
    hang_after_data: list[int] = field(default_factory=list)  # store the n-th message, never answer
    mails: int = 0
    datas: int = 0
    rcpt_seen: list[str] = field(default_factory=list)
    authenticated: list[bool] = field(default_factory=list)

    async def handle_MAIL(
        self, server: SMTPServer, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        self.mails += 1
        if self.mails in self.drop_on_mail:
            assert server.transport is not None
            server.transport.close()
            return "421 4.3.2 kapanıyor"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTPServer, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        self.rcpt_seen.append(address)
        answers = self.rcpt_answers.get(address)
        if answers:
            return answers.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        self.datas += 1
        content = envelope.original_content or b""
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), content))
        self.authenticated.append(bool(session.authenticated))
        if self.datas in self.drop_after_data:
            assert server.transport is not None
            server.transport.close()
        if self.datas in self.hang_after_data:
            await asyncio.sleep(60)
        return "250 2.0.0 Ok: queued"

    def message_ids(self) -> list[str]:
        return [str(r.message["Message-ID"]) for r in self.received]


class Server:
    """aiosmtpd on 127.0.0.1 on a free port; stop() and start() again on the same port."""

    def __init__(self, handler: Handler, port: int | None = None, **kwargs: Any) -> None:
        self.handler = handler
        self.port = port or free_port()
        self.kwargs = kwargs
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **self.kwargs)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@contextmanager
def smtp_server(handler: Handler | None = None, **kwargs: Any) -> Iterator[Server]:
    server = Server(handler or Handler(), **kwargs)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def authenticator(
    server: SMTPServer, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"eimza",
        "gizli-şifre".encode(),
    )
    return AuthResult(success=ok, handled=False)


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 / localhost, made with `cryptography`: (cert.pem, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def server_tls(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context
