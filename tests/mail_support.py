"""Helpers for the mail and send tests: a batch output folder as `formkit batch` writes it, and a real SMTP
server (aiosmtpd on 127.0.0.1) whose handler can misbehave on purpose."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import ipaddress
import json
import os
import re
import shutil
import socket
import ssl
import struct
import tempfile
import threading
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
from batchdata import applicant_row, tc_number, write_csv
from reportlab.pdfgen import canvas

from formkit import profile as profiles
from formkit.batch.run import BatchOptions, run
from formkit.packet.reference import make_ref
from formkit.pdf import fonts

ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")
FULL_TC = "25876543214"  # looks like a T.C. number; must never come out of mail/send


REF_KEY = "formkit-mail-tests"  # FORMKIT_REF_KEY while the test batch is built: known references
SENDER = "Mersin İl Sağlık Müdürlüğü E-imza <e-imza@saglik.gov.tr>"  # a real domain: `send` accepts it
_WORDS = {"kurum": "Doktor", "aile-hekimi": "Aile Hekimi", "bireysel": "BİREYSEL"}


@dataclass(frozen=True)
class Person:
    row: int
    ad: str
    soyad: str
    track: str
    e_posta: str
    seed: int

    @property
    def name(self) -> str:
        return f"{self.ad} {self.soyad}"

    @property
    def tc(self) -> str:
        return tc_number(self.seed)

    @property
    def ref(self) -> str:
        return make_ref(self.tc, REF_KEY.encode())

    @property
    def eml(self) -> str:
        return f"{self.ref}.eml"


PEOPLE = (
    Person(2, "Şükrü", "Öztürk", "kurum", "sukru.ozturk@example.com", 1),
    Person(3, "İlknur", "Iğdır", "aile-hekimi", "ilknur.igdir@example.org", 2),
    Person(4, "Ayşe Gül", "Çelik", "bireysel", "ayse.celik@example.net", 3),
)
INVALID_ROW = 5  # make_batch adds one row with a wrong T.C. number after the people


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


_BUILT: dict[tuple[object, ...], Path] = {}


def csv_rows(people: tuple[Person, ...], extra_rows: int = 0) -> list[list[str]]:
    """The HR export of these people (plus one invalid row and `extra_rows` generated ones)."""
    body = []
    for person in people:
        row = applicant_row(person.seed)
        row[0], row[1], row[2] = person.ad, person.soyad, person.tc
        row[5], row[13] = person.e_posta, _WORDS[person.track]
        body.append(row)
    bad = applicant_row(99)
    bad[2] = "12345678901"  # wrong check digits: an invalid row, no packet
    body.append(bad)
    body.extend(applicant_row(1000 + i) for i in range(extra_rows))
    return body


def run_batch(source: Path, folder: Path, *, force: bool = False) -> None:
    """`formkit batch SOURCE -o FOLDER` in this process, with the test reference key and a fixed date."""
    saved = {k: os.environ.get(k) for k in ("FORMKIT_REF_KEY", "SOURCE_DATE_EPOCH")}
    os.environ.update(FORMKIT_REF_KEY=REF_KEY, SOURCE_DATE_EPOCH="1767225600")
    try:
        result = run(source, folder, BatchOptions(profile=profiles.load(), force=force))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    assert result.failed == 0, result


def make_batch(folder: Path, people: tuple[Person, ...] = PEOPLE, *, extra_rows: int = 0) -> dict[str, Any]:
    """A batch output folder made by `formkit batch` from a CSV of these people; returns its manifest.

    The batch is built once per process and set of people, then copied (with its files' times, so a rerun
    finds every packet up to date).
    """
    key = (people, extra_rows)
    if key not in _BUILT:
        template = Path(tempfile.mkdtemp(prefix="formkit-mail-batch-"))
        write_csv(template / "personel.csv", csv_rows(people, extra_rows))
        run_batch(template / "personel.csv", template / "cikti")
        _BUILT[key] = template / "cikti"
    shutil.copytree(_BUILT[key], folder, dirs_exist_ok=True)
    manifest: dict[str, Any] = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return manifest


def save_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """Write a (changed) manifest back, as a hand edit would."""
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


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
    hang_on_rcpt: list[int] = field(default_factory=list)  # never answer the n-th RCPT
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
        if len(self.rcpt_seen) in self.hang_on_rcpt:
            await asyncio.sleep(60)
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


# --- a raw-socket SMTP server that breaks the line in the middle of DATA ---------------------------------


class DroppingServer:
    """A minimal SMTP server on a raw socket (127.0.0.1): it takes messages like any server, except that for
    the DATA transactions numbered in `drop_in_data` (1-based, counted over its whole life) it reads part of
    the message and then resets the connection (SO_LINGER 0) before the final "." arrives: the server never
    took that message. aiosmtpd cannot do this (it only sees whole messages)."""

    def __init__(self, drop_in_data: set[int], *, after_bytes: int = 4096) -> None:
        self.drop_in_data = drop_in_data
        self.after_bytes = after_bytes
        self.received: list[Received] = []
        self.datas = 0
        self.connections = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.running = True

    def __enter__(self) -> DroppingServer:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.running = False
        self.listener.close()
        self.thread.join(timeout=5)

    def _serve(self) -> None:
        while self.running:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.settimeout(10)
                with contextlib.suppress(OSError):
                    self._session(conn)

    def _session(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        conn.sendall(b"220 127.0.0.1 ESMTP test\r\n")
        sender, rcpts = "", []
        while True:
            line = reader.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                conn.sendall(b"250 127.0.0.1\r\n")
            elif verb == b"MAIL":
                sender, rcpts = line.split(b":", 1)[1].strip(b" <>\r\n").decode(), []
                conn.sendall(b"250 OK\r\n")
            elif verb == b"RCPT":
                rcpts.append(line.split(b":", 1)[1].strip(b" <>\r\n").decode())
                conn.sendall(b"250 OK\r\n")
            elif verb == b"DATA":
                self.datas += 1
                conn.sendall(b"354 go on\r\n")
                if self.datas in self.drop_in_data:
                    reader.read(self.after_bytes)
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return  # closing with unread data and linger 0: a reset, mid-DATA
                lines = []
                while (data := reader.readline()) not in (b".\r\n", b""):
                    lines.append(data[1:] if data.startswith(b"..") else data)
                self.received.append(Received(sender, rcpts, b"".join(lines)))
                conn.sendall(b"250 2.0.0 queued\r\n")
            elif verb == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            else:  # RSET, NOOP
                conn.sendall(b"250 OK\r\n")
