"""`formkit send`: the outbox goes to a real SMTP server (aiosmtpd on 127.0.0.1), each message once."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT
from mail_support import (
    ELEVEN_DIGITS,
    PEOPLE,
    SENDER,
    DroppingServer,
    Handler,
    Server,
    authenticator,
    csv_rows,
    make_batch,
    parse,
    run_batch,
    self_signed,
    server_tls,
    smtp_server,
    write_csv,
)

import cli
from formkit.mail import send as mail
from formkit.mail.smtp import SmtpSettings

SUKRU, ILKNUR, AYSE = PEOPLE

EPOCH = "1767225600"
FAST = ["--retry-delay", "0.01", "--timeout", "5"]


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli.cli, list(args), env={"SOURCE_DATE_EPOCH": EPOCH, **(env or {})})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    """A batch folder with its outbox written (3 messages)."""
    manifest = make_batch(tmp_path)
    assert run("mail", str(tmp_path), "--from", SENDER)[0] == 0
    (tmp_path / "sha.txt").write_text(
        "\n".join(f"{r['ref']} {r['sha256']}" for r in manifest["rows"] if r["status"] == "ok")
    )
    return tmp_path


def send(
    folder: Path, server: Server, *extra: str, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    return run(
        "send",
        str(folder),
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        str(server.port),
        *FAST,
        *extra,
        env=env,
    )


def journal(folder: Path) -> dict[str, tuple[str, str]]:
    with sqlite3.connect(folder / "mail-journal.sqlite") as db:
        return {
            file: (state, answer)
            for file, state, answer in db.execute("SELECT file, state, answer FROM messages")
        }


def test_every_message_arrives_once_to_the_right_person(batch: Path) -> None:
    with smtp_server() as server:
        code, out, err = send(batch, server)
        assert code == 0, out + err
        received = server.handler.received
        assert len(received) == 3
        assert sorted(r.rcpt_tos[0] for r in received) == sorted(p.e_posta for p in PEOPLE)
        assert all(len(r.rcpt_tos) == 1 and r.mail_from == "e-imza@saglik.gov.tr" for r in received)
        sha = dict(line.split() for line in (batch / "sha.txt").read_text().splitlines())
        for item in received:
            message = item.message
            ref = message["X-Formkit-Ref"]
            person = next(p for p in PEOPLE if p.ref == ref)
            assert item.rcpt_tos == [person.e_posta]
            assert [a.addr_spec for a in message["To"].addresses] == [person.e_posta]
            assert message["Subject"].startswith("E-imza başvuru paketiniz — ")
            attachment = next(message.iter_attachments())
            assert hashlib.sha256(attachment.get_content()).hexdigest() == sha[ref]
            packet = next((batch / "packets").glob(f"{ref}-*.pdf"))
            assert attachment.get_content() == packet.read_bytes()  # the packet itself, byte for byte
        subjects = {r.message["Subject"] for r in received}
        assert "E-imza başvuru paketiniz — İlknur IĞDIR" in subjects
        assert "E-imza başvuru paketiniz — Ayşe Gül ÇELİK" in subjects
        assert "gönderilen: 3, zaten gönderilmiş: 0, başarısız: 0, belirsiz: 0" in out
        assert {state for state, _ in journal(batch).values()} == {"sent"}
        assert all(answer.startswith("250") for _, answer in journal(batch).values())

        # A rerun sends nothing.
        code, out, _ = send(batch, server)
        assert code == 0
        assert len(server.handler.received) == 3
        assert "gönderilen: 0, zaten gönderilmiş: 3, başarısız: 0, belirsiz: 0" in out


def test_the_connection_is_reused(batch: Path) -> None:
    connections: list[int] = []

    class Counting(Handler):
        async def handle_EHLO(self, server, session, envelope, hostname, responses):  # type: ignore[no-untyped-def]
            connections.append(1)
            session.host_name = hostname
            return responses

    with smtp_server(Counting()) as server:
        assert send(batch, server)[0] == 0
    assert len(connections) == 1


def test_a_451_is_retried_and_delivered(batch: Path) -> None:
    handler = Handler(rcpt_answers={"ilknur.igdir@example.org": ["451 4.7.1 Lütfen sonra deneyin"]})
    with smtp_server(handler) as server:
        code, out, err = send(batch, server)
    assert code == 0, out + err
    assert len(handler.received) == 3
    assert handler.rcpt_seen.count("ilknur.igdir@example.org") == 2
    assert Counter(handler.message_ids()).most_common(1)[0][1] == 1


def test_a_550_fails_that_message_and_the_others_go_on(batch: Path) -> None:
    handler = Handler(rcpt_answers={"sukru.ozturk@example.com": ["550 5.1.1 Böyle bir kullanıcı yok"]})
    with smtp_server(handler) as server:
        code, out, _ = send(batch, server)
        assert code == 1
        assert sorted(r.rcpt_tos[0] for r in handler.received) == [
            "ayse.celik@example.net",
            "ilknur.igdir@example.org",
        ]
        assert "gönderilen: 2, zaten gönderilmiş: 0, başarısız: 1, belirsiz: 0" in out
        assert f"başarısız: {SUKRU.eml}: RCPT TO sukru.ozturk@example.com: 550 5.1.1" in out
        assert journal(batch)[SUKRU.eml][0] == "failed"
        assert "550" in journal(batch)[SUKRU.eml][1]
        assert handler.rcpt_seen.count("sukru.ozturk@example.com") == 1  # a 5xx is not retried

        # A rerun tries only the failed one again (here the server now takes it).
        code, out, _ = send(batch, server)
        assert code == 0
        assert "gönderilen: 1, zaten gönderilmiş: 2" in out
        assert len(handler.received) == 3


def test_exhausted_4xx_retries_fail_the_message(batch: Path) -> None:
    handler = Handler(rcpt_answers={"ayse.celik@example.net": ["452 4.2.2 Kutu dolu"] * 10})
    with smtp_server(handler) as server:
        code, out, _ = send(batch, server, "--retries", "2")
    assert code == 1
    assert handler.rcpt_seen.count("ayse.celik@example.net") == 3
    assert f"{AYSE.eml}: 3 denemede gönderilemedi; son yanıt: RCPT TO ayse.celik@example.net: 452" in out
    assert len(handler.received) == 2


def test_a_connection_dropped_before_the_message_is_survived(batch: Path) -> None:
    handler = Handler(drop_on_mail=[2])  # the server hangs up when the second message begins
    with smtp_server(handler) as server:
        code, out, err = send(batch, server)
    assert code == 0, out + err
    assert handler.mails == 4
    ids = handler.message_ids()
    assert len(ids) == 3 and len(set(ids)) == 3


def test_a_server_restart_mid_batch_is_survived(batch: Path) -> None:
    handler = Handler()
    server = Server(handler)
    server.start()
    events: list[str] = []

    def echo(line: str) -> None:
        events.append(line)
        if line.startswith("gönderildi") and sum(e.startswith("gönderildi") for e in events) == 1:
            server.stop()  # the server goes away after the first message

    def sleep(seconds: float) -> None:
        events.append(f"bekle {seconds}")
        if server.controller is None and sum(e.startswith("bekle") for e in events) == 2:
            server.start()  # ... and comes back while formkit backs off

    settings = SmtpSettings(host="127.0.0.1", port=server.port, timeout=5)
    try:
        summary = mail.send_outbox(
            batch, settings, retry=mail.RetryPolicy(retries=4, delay=0.01), echo=echo, sleep=sleep
        )
    finally:
        server.stop()
    assert len(summary.sent) == 3 and summary.exit_code == 0
    ids = handler.message_ids()
    assert len(ids) == 3 and len(set(ids)) == 3
    assert sum(e.startswith("bekle") for e in events) >= 2


def test_an_answer_lost_after_the_message_is_uncertain_and_never_resent(batch: Path) -> None:
    handler = Handler(drop_after_data=[2])  # takes the 2nd message, then hangs up without answering
    with smtp_server(handler) as server:
        code, out, _ = send(batch, server)
        assert code == 1
        assert "gönderilen: 2, zaten gönderilmiş: 0, başarısız: 0, belirsiz: 1" in out
        assert len(handler.received) == 3 and len(set(handler.message_ids())) == 3
        uncertain = [f for f, (state, _) in journal(batch).items() if state == "handed"]
        assert len(uncertain) == 1

        code, out, _ = send(batch, server)
        assert code == 1
        assert "gönderilen: 0, zaten gönderilmiş: 2, başarısız: 0, belirsiz: 1" in out
        assert len(handler.received) == 3

        code, out, _ = send(batch, server, "--retry-uncertain")
        assert code == 0
        assert "gönderilen: 1, zaten gönderilmiş: 2" in out
        assert len(handler.received) == 4  # the user chose to risk a second copy
        assert {state for state, _ in journal(batch).values()} == {"sent"}


def test_a_crash_mid_send_leaves_an_uncertain_message_that_is_not_resent(batch: Path) -> None:
    handler = Handler(hang_after_data=[2])  # takes the 2nd message and never answers
    with smtp_server(handler) as server:
        env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
        args = [sys.executable, str(ROOT / "cli.py"), "send", str(batch), "--smtp-host", "127.0.0.1"]
        process = subprocess.Popen(
            [*args, "--smtp-port", str(server.port), "--timeout", "30"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 20
            while len(handler.received) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(handler.received) == 2
        finally:
            process.kill()  # the crash: no chance to record anything more
            process.wait()
        states = Counter(state for state, _ in journal(batch).values())
        assert states == {"sent": 1, "handed": 1, "pending": 1}

        handler.hang_after_data.clear()
        code, out, _ = send(batch, server)
        assert code == 1
        assert "gönderilen: 1, zaten gönderilmiş: 1, başarısız: 0, belirsiz: 1" in out
        assert len(handler.received) == 3 and len(set(handler.message_ids())) == 3

        code, out, _ = send(batch, server, "--retry-uncertain")
        assert code == 0 and "gönderilen: 1, zaten gönderilmiş: 2" in out
        assert len(handler.received) == 4


def test_dry_run_sends_nothing_and_writes_no_journal(batch: Path) -> None:
    with smtp_server() as server:
        code, out, _ = send(batch, server, "--dry-run")
        assert code == 0
        assert out.count("gönderilecek: ") == 3
        assert (
            f"gönderilecek: {ILKNUR.eml} → ilknur.igdir@example.org (E-imza başvuru paketiniz — İlknur IĞDIR)"
            in out
        )
        assert "deneme: 3 ileti gönderilecekti; hiçbir şey gönderilmedi" in out
        assert server.handler.received == []
        assert not (batch / "mail-journal.sqlite").exists()

        assert send(batch, server)[0] == 0
        code, out, _ = send(batch, server, "--dry-run")
        assert code == 0 and "gönderilecek: " not in out and "zaten gönderilmiş: 3" in out


def test_rate_limit_spaces_the_messages(batch: Path) -> None:
    now = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(round(seconds, 3))
        now[0] += seconds

    with smtp_server() as server:
        settings = SmtpSettings(host="127.0.0.1", port=server.port, timeout=5)
        summary = mail.send_outbox(batch, settings, rate=120, sleep=sleep, clock=lambda: now[0])
    assert len(summary.sent) == 3
    assert waits == [0.5, 0.5]


def test_starttls_with_a_self_signed_certificate_and_auth(
    batch: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cert, key = self_signed(tmp_path_factory.mktemp("tls"))
    handler = Handler()
    options = {
        "tls_context": server_tls(cert, key),
        "require_starttls": True,
        "authenticator": authenticator,
        "auth_require_tls": True,
    }
    with smtp_server(handler, **options) as server:
        base = ["--starttls", "--user", "eimza"]
        # Without trusting the certificate: refused, nothing sent, the password never leaves.
        code, _, err = send(batch, server, *base, env={"FORMKIT_SMTP_PASSWORD": "gizli-şifre"})
        assert code == 2 and "sertifikası doğrulanamadı" in err and "--ca-file" in err
        # A wrong password: refused with the server's answer.
        code, _, err = send(
            batch, server, *base, "--ca-file", str(cert), env={"FORMKIT_SMTP_PASSWORD": "yanlış"}
        )
        assert code == 2 and "kullanıcı adı veya parola kabul edilmedi (535" in err
        assert "yanlış" not in err
        assert handler.received == []
        # Trusted and authenticated: delivered.
        code, out, err = send(
            batch, server, *base, "--ca-file", str(cert), env={"FORMKIT_SMTP_PASSWORD": "gizli-şifre"}
        )
        assert code == 0, out + err
        assert len(handler.received) == 3 and all(handler.authenticated)


def test_password_is_prompted_when_not_in_the_environment(
    batch: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cert, key = self_signed(tmp_path_factory.mktemp("tls"))
    handler = Handler()
    with smtp_server(
        handler, tls_context=server_tls(cert, key), authenticator=authenticator, auth_require_tls=True
    ) as server:
        args = ["send", str(batch), "--smtp-host", "127.0.0.1", "--smtp-port", str(server.port), *FAST]
        args += ["--starttls", "--user", "eimza", "--ca-file", str(cert)]
        result = CliRunner().invoke(cli.cli, args, input="gizli-şifre\n", env={"FORMKIT_SMTP_PASSWORD": None})
        assert result.exit_code == 0, result.output
        assert "gizli-şifre" not in result.output
        assert len(handler.received) == 3


def test_smtps(batch: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    cert, key = self_signed(tmp_path_factory.mktemp("tls"))
    handler = Handler()
    # aiosmtpd does not know the socket is already TLS, so it must be told AUTH is fine here.
    tls = server_tls(cert, key)
    with smtp_server(handler, ssl_context=tls, authenticator=authenticator, auth_require_tls=False) as server:
        code, out, err = send(
            batch,
            server,
            "--ssl",
            "--ca-file",
            str(cert),
            "--user",
            "eimza",
            env={"FORMKIT_SMTP_PASSWORD": "gizli-şifre"},
        )
    assert code == 0, out + err
    assert len(handler.received) == 3 and all(handler.authenticated)


def test_a_password_is_never_sent_in_the_clear(batch: Path) -> None:
    with smtp_server() as server:
        code, _, err = send(batch, server, "--user", "eimza", env={"FORMKIT_SMTP_PASSWORD": "x"})
    assert code == 2 and "--starttls veya --ssl" in err


def test_an_unreachable_server_stops_with_one_clear_error(batch: Path) -> None:
    server = Server(Handler())  # never started
    code, _, err = send(batch, server, "--retries", "1")
    assert code == 2
    assert f"127.0.0.1:{server.port}: bağlanılamadı" in err
    assert {state for state, _ in journal(batch).values()} == {"pending"}


def test_no_outbox_is_an_input_error(tmp_path: Path) -> None:
    code, _, err = run("send", str(tmp_path), "--smtp-host", "127.0.0.1")
    assert code == 2 and "giden kutusu yok" in err


def test_no_full_tc_number_in_output_or_journal(batch: Path) -> None:
    handler = Handler(rcpt_answers={"sukru.ozturk@example.com": ["550 5.1.1 kullanıcı 25876543214 yok"]})
    with smtp_server(handler) as server:
        code, out, err = send(batch, server)
    assert code == 1
    assert not ELEVEN_DIGITS.search(out + err)
    assert "258******14" in out
    dump = "\n".join(sqlite3.connect(batch / "mail-journal.sqlite").iterdump())
    assert not ELEVEN_DIGITS.search(dump) and "25876543214" not in dump


def test_a_broken_file_in_the_outbox_fails_alone(batch: Path) -> None:
    (batch / "outbox" / "zz-bozuk.eml").write_bytes(b"Subject: yok\n\nbody\n")
    with smtp_server() as server:
        code, out, _ = send(batch, server)
        assert code == 1
        assert "başarısız: zz-bozuk.eml: Message-ID, From veya To eksik" in out
        assert len(server.handler.received) == 3


def test_ctrl_c_before_the_message_is_complete_leaves_it_pending(
    batch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import smtplib

    calls = []
    real_send = smtplib.SMTP.send

    def interrupted(self: smtplib.SMTP, data: bytes | str) -> None:
        if isinstance(data, bytes) and data != b".\r\n":  # a message body (commands go as str)
            calls.append(1)
            if len(calls) == 2:
                raise KeyboardInterrupt  # Ctrl-C while the second message is on its way
        real_send(self, data)

    with smtp_server() as server:
        monkeypatch.setattr(smtplib.SMTP, "send", interrupted)
        settings = SmtpSettings(host="127.0.0.1", port=server.port, timeout=5)
        with pytest.raises(KeyboardInterrupt):
            mail.send_outbox(batch, settings)
        monkeypatch.undo()
        states = Counter(state for state, _ in journal(batch).values())
        assert states == {"sent": 1, "pending": 2}
        code, out, _ = send(batch, server)
        assert code == 0 and "gönderilen: 2, zaten gönderilmiş: 1" in out
        assert len(set(server.handler.message_ids())) == len(server.handler.received) == 3


def test_starttls_and_ssl_together_is_a_usage_error(batch: Path) -> None:
    code, _, err = run("send", str(batch), "--smtp-host", "127.0.0.1", "--starttls", "--ssl")
    assert code == 2 and err.strip() == "hata: --starttls ve --ssl birlikte kullanılamaz; birini seçin"


def test_a_message_claimed_by_a_concurrent_run_is_not_sent_again(batch: Path) -> None:
    from formkit.mail.journal import Journal

    now = [0.0]
    last = sorted(p.eml for p in PEOPLE)[1]  # the rate limit sleeps before its claim: the other run is first

    def sleep(seconds: float) -> None:  # called by the rate limit, between reading the journal and claiming
        now[0] += seconds
        with Journal(batch / "mail-journal.sqlite") as other:
            entry = other.get(next(e for e in other.entries() if e.file == last).key)
            if entry is not None and entry.state.value == "pending":
                assert other.claim(entry.key, entry.attempts)  # the other run is first

    with smtp_server() as server:
        settings = SmtpSettings(host="127.0.0.1", port=server.port, timeout=5)
        summary = mail.send_outbox(batch, settings, rate=60, sleep=sleep, clock=lambda: now[0])
        assert summary.uncertain == [(last, "başka bir gönderim çalışması bu iletiyi üstlendi")]
        others = sorted(p.e_posta for p in PEOPLE if p.eml != last)
        assert sorted(r.rcpt_tos[0] for r in server.handler.received) == others


def test_a_bcc_added_by_hand_is_delivered_but_not_shown(batch: Path) -> None:
    path = batch / "outbox" / SUKRU.eml
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b"\nSubject:", b"\nBcc: arsiv@il.example\nSubject:", 1))
    with smtp_server() as server:
        assert send(batch, server)[0] == 0
        item = next(r for r in server.handler.received if "sukru.ozturk@example.com" in r.rcpt_tos)
    assert item.rcpt_tos == ["sukru.ozturk@example.com", "arsiv@il.example"]
    assert item.message["Bcc"] is None and b"arsiv@" not in item.data


# --- never twice across reruns, uncertain only when it is, placeholder senders (issues 13 and 16) -----------


def _rebatch(folder: Path, name: str) -> None:
    """The same staff list under a new file name, rebuilt from scratch into the same folder (its manifest
    gone, `batch --force`: a new batch id), then `mail`."""
    (folder / "manifest.json").unlink()
    source = write_csv(folder.parent / name, csv_rows(PEOPLE))
    run_batch(source, folder, force=True)
    assert run("mail", str(folder), "--from", SENDER)[0] == 0


def test_batch_force_under_a_new_name_sends_only_what_changed(batch: Path) -> None:
    with smtp_server() as server:
        assert send(batch, server)[0] == 0
        ids = set(server.handler.message_ids())
        # The same list under a new name: a new batch id, new Message-IDs, the same packets: nothing is sent.
        _rebatch(batch, "personel-yeni.csv")
        assert not set(parse(p)["Message-ID"] for p in (batch / "outbox").glob("*.eml")) & ids
        code, out, _ = send(batch, server)
        assert code == 0, out
        assert "plan: 0 yeni, 0 değişmiş paket gönderilecek; 3 ileti zaten gönderilmiş" in out
        assert len(server.handler.received) == 3
        # İlknur moved: her packet (address block) changed, and only she gets it again.
        rows = csv_rows(PEOPLE)
        rows[1][9] = "Bahçeli Mah. 3. Sok. No: 5"
        run_batch(write_csv(batch.parent / "personel-son.csv", rows), batch, force=True)
        assert run("mail", str(batch), "--from", SENDER)[0] == 0
        code, out, _ = send(batch, server)
        assert code == 0, out
        assert "plan: 0 yeni, 1 değişmiş paket gönderilecek; 2 ileti zaten gönderilmiş" in out
        assert "gönderilen: 1, zaten gönderilmiş: 2" in out
        assert [r.rcpt_tos for r in server.handler.received[3:]] == [[ILKNUR.e_posta]]


def test_a_drop_in_the_middle_of_data_is_retried_and_each_message_arrives_once(batch: Path) -> None:
    # Three drops mid-DATA (the 1st, 2nd and 4th transactions): the server never took those messages.
    with DroppingServer({1, 2, 4}) as server:
        args = ["send", str(batch), "--smtp-host", "127.0.0.1", "--smtp-port", str(server.port)]
        code, out, err = run(*args, "--retry-delay", "0.01", "--timeout", "5", "--retries", "1")
        assert "belirsiz: 0" in out and "belirsiz: " not in out.replace("belirsiz: 0", ""), out + err
        for _ in range(3):  # reruns until everything is delivered; nothing is ever uncertain
            if code == 0:
                break
            code, out, err = run(*args, "--retry-delay", "0.01", "--timeout", "5")
            assert "belirsiz: 0" in out, out + err
        assert code == 0, out + err
        delivered = sorted(r.rcpt_tos[0] for r in server.received)
        assert delivered == sorted(p.e_posta for p in PEOPLE)  # each exactly once
        for item in server.received:
            ref = item.message["X-Formkit-Ref"]
            attachment = next(item.message.iter_attachments()).get_content()
            assert attachment == next((batch / "packets").glob(f"{ref}-*.pdf")).read_bytes()
    assert {state for state, _ in journal(batch).values()} == {"sent"}


def test_a_kill_before_the_final_dot_leaves_the_message_to_be_sent_not_uncertain(batch: Path) -> None:
    handler = Handler(hang_on_rcpt=[2])  # the 2nd message's RCPT is never answered
    with smtp_server(handler) as server:
        args = [sys.executable, str(ROOT / "cli.py"), "send", str(batch), "--smtp-host", "127.0.0.1"]
        process = subprocess.Popen(
            [*args, "--smtp-port", str(server.port), "--timeout", "30"],
            env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 20
            while len(handler.rcpt_seen) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(handler.rcpt_seen) == 2
        finally:
            process.kill()  # SIGKILL while the server holds the 2nd message's RCPT
            process.wait()
        assert Counter(state for state, _ in journal(batch).values()) == {"sent": 1, "pending": 2}
        handler.hang_on_rcpt.clear()
        code, out, _ = send(batch, server)
        assert code == 0, out
        assert "gönderilen: 2, zaten gönderilmiş: 1, başarısız: 0, belirsiz: 0" in out
        assert len(handler.received) == 3 and len(set(handler.message_ids())) == 3


def test_nothing_is_sent_from_a_placeholder_domain(tmp_path: Path) -> None:
    make_batch(tmp_path)
    code, _, err = run("mail", str(tmp_path))  # the shipped profile: …@mersin-ism.example
    assert code == 0 and "uyarı: gönderen adresi ayrılmış/örnek bir alan adında (mersin-ism.example)" in err
    with smtp_server() as server:
        for extra in ([], ["--dry-run"]):
            code, _, err = send(tmp_path, server, *extra)
            assert code == 2
            assert "e-imza@mersin-ism.example ayrılmış/örnek bir alan adında (mersin-ism.example)" in err
            assert "[mail] from" in err
        assert server.handler.received == []
    assert not (tmp_path / "mail-journal.sqlite").exists()
    code, _, err = run("profile", "check")
    assert code == 0 and "uyarı: [mail] from" in err and "mersin-ism.example" in err


def test_dry_run_needs_no_smtp_host(batch: Path) -> None:
    code, out, err = run("send", str(batch), "--dry-run")
    assert code == 0, err
    assert out.count("gönderilecek: ") == 3 and "plan: 3 yeni, 0 değişmiş paket gönderilecek" in out
    code, _, err = run("send", str(batch))
    assert code == 2 and "--smtp-host gerekli" in err


def test_an_address_holding_a_tc_number_is_shown_masked(batch: Path) -> None:
    path = batch / "outbox" / SUKRU.eml
    path.write_bytes(path.read_bytes().replace(b"sukru.ozturk@example.com", b"26897684628@saglik.gov.tr"))
    code, out, err = run("send", str(batch), "--dry-run")
    assert code == 0, err
    assert "→ 268******28@saglik.gov.tr" in out and "26897684628" not in out + err


def test_a_journal_that_cannot_record_the_hand_over_stops_before_the_final_dot(
    batch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from formkit.errors import MailError
    from formkit.mail.journal import Journal

    def broken(self: Journal, key: str, attempts: int) -> bool:
        raise MailError("günlüğe yazılamadı (disk dolu)")

    with smtp_server() as server:
        monkeypatch.setattr(Journal, "claim", broken)
        with pytest.raises(MailError, match="günlüğe yazılamadı"):
            mail.send_outbox(batch, SmtpSettings(host="127.0.0.1", port=server.port, timeout=5))
        assert server.handler.received == []  # the "." never went out: the server kept nothing
        monkeypatch.undo()
        code, out, _ = send(batch, server)
        assert code == 0 and "gönderilen: 3, zaten gönderilmiş: 0" in out
        assert len(server.handler.received) == 3
