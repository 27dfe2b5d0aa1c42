"""The officer's desk on a real batch folder: `formkit batch` on a small CSV, then `formkit mail`, then
receive / status / remind / dispatch as an officer would run them, read back from the files they write."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

import cli
from formkit import profile as profiles
from formkit.desk import auth, remind
from formkit.desk.store import Store
from formkit.packet.reference import make_ref
from tests import batchdata

REF_KEY = "test-key-desk"
ROOT = Path(__file__).resolve().parent.parent
MAILED_DAYS_AGO = 10
# Rows (spreadsheet numbering) by track in batchdata: index % 4 → Doktor, YÖNETİCİ, Aile Hekimi, BİREYSEL.
ROWS = 8


@pytest.fixture(autouse=True)
def _ref_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMKIT_REF_KEY", REF_KEY)


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(cli.cli, list(args), input=input, env=env, catch_exceptions=False)


@pytest.fixture(scope="session")
def built_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real batch (8 applicants, all tracks) whose e-mails were written 10 days ago."""
    base = tmp_path_factory.mktemp("desk-batch")
    source = batchdata.write_csv(base / "personel.csv", list(batchdata.rows(ROWS)))
    out = base / "out"
    env = {"FORMKIT_REF_KEY": REF_KEY}
    made = CliRunner().invoke(cli.cli, ["batch", str(source), "-o", str(out), "-j", "1"], env=env)
    assert made.exit_code == 0, made.output
    epoch = int((datetime.now(UTC) - timedelta(days=MAILED_DAYS_AGO)).timestamp())
    sender = ["--from", "Mersin İl Sağlık Müdürlüğü E-imza <e-imza@saglik.gov.tr>"]  # `send` refuses .example
    mailed = CliRunner().invoke(
        cli.cli, ["mail", str(out), *sender], env={**env, "SOURCE_DATE_EPOCH": str(epoch)}
    )
    assert mailed.exit_code == 0, mailed.output
    return out


@pytest.fixture
def folder(built_batch: Path, tmp_path: Path) -> Path:
    """A private copy of the batch folder for one test."""
    return Path(shutil.copytree(built_batch, tmp_path / "out"))


def manifest_rows(folder: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["rows"]
    return rows


def ref_of(folder: Path, track: str, nth: int = 0) -> str:
    return str([r for r in manifest_rows(folder) if r["track"] == track][nth]["ref"])


def full_tcs() -> list[str]:
    return [batchdata.tc_number(i + 1) for i in range(ROWS)]


def events(folder: Path) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(folder / "desk.sqlite") as db:
        return db.execute("SELECT ref, kind, who, detail FROM events WHERE ref != '' ORDER BY id").fetchall()


def pdf_text(path: Path) -> list[str]:
    doc = pdfium.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in doc]
    finally:
        doc.close()


# --- receive ----------------------------------------------------------------------------------------


def test_receive_then_rescan_records_once_and_says_when(folder: Path) -> None:
    ref = ref_of(folder, "kurum")
    first = run("receive", str(folder), ref)
    assert first.exit_code == 0
    assert first.output.startswith(f"teslim alındı: {ref}")
    again = run("receive", str(folder), ref.lower().replace("-", " "))  # as read out on the phone
    assert again.exit_code == 0
    again = run("receive", str(folder), ref.replace("-", "*"))  # a US-layout scanner on a Turkish-Q PC
    assert again.exit_code == 0
    assert "zaten teslim alınmış" in again.output and "ilk teslim" in again.output
    assert "yeni kayıt eklenmedi" in again.output
    recorded = events(folder)
    assert [(r, k) for r, k, _, _ in recorded] == [(ref, "received")]
    assert recorded[0][2]  # who: the OS user


def test_typo_unknown_and_bireysel_refs_are_exit_2_and_record_nothing(folder: Path) -> None:
    ref = ref_of(folder, "kurum")
    body, check = ref[:-1], ref[-1]
    typo = body[:2] + ("Z" if body[2] != "Z" else "Y") + body[3:] + check  # one wrong symbol
    result = run("receive", str(folder), typo)
    assert result.exit_code == 2
    assert "geçerli bir paket numarası değil" in result.output and "kontrol karakteri" in result.output
    stranger = make_ref("10000000146", REF_KEY.encode())  # valid check symbol, not in this batch
    result = run("receive", str(folder), stranger)
    assert result.exit_code == 2 and "böyle bir paket yok" in result.output
    result = run("receive", str(folder), ref_of(folder, "bireysel"))
    assert result.exit_code == 2 and "bireysel" in result.output
    tc = full_tcs()[0]
    result = run("receive", str(folder), tc)  # someone types a T.C. number into the field
    assert result.exit_code == 2 and tc not in result.output
    assert "Traceback" not in result.output
    assert events(folder) == []


def test_missing_receipt_then_dekont_completes(folder: Path) -> None:
    ref = ref_of(folder, "aile-hekimi")
    result = run("receive", str(folder), ref)
    assert result.exit_code == 0 and "eksik: banka dekontu" in result.output
    result = run("receive", str(folder), ref, "--dekont")
    assert result.exit_code == 0 and "dekont kaydedildi" in result.output
    assert "eksik" not in result.output
    result = run("receive", str(folder), ref, "--dekont")
    assert result.exit_code == 0 and "zaten teslim alınmış" in result.output
    assert sorted(k for _, k, _, _ in events(folder)) == ["receipt", "received"]
    kurum = ref_of(folder, "kurum")
    result = run("receive", str(folder), kurum, "--dekont")
    assert result.exit_code == 0 and "dekont istenmez" in result.output
    assert [k for r, k, _, _ in events(folder) if r == kurum] == ["received"]


# --- status ------------------------------------------------------------------------------------------


def test_status_in_three_formats(folder: Path, tmp_path: Path) -> None:
    kurum, aile = ref_of(folder, "kurum"), ref_of(folder, "aile-hekimi")
    run("receive", str(folder), kurum)
    run("receive", str(folder), aile)
    text = run("status", str(folder))
    assert text.exit_code == 0
    lines = text.output.strip().splitlines()
    assert len(lines) == ROWS + 1
    kurum_line = next(line for line in lines if line.startswith(kurum))
    assert "kurum" in kurum_line and "teslim " in kurum_line and "Kamu SM -" in kurum_line
    assert "toplam 8 kişi: 8 e-postalandı, 2 teslim alındı (1 dekontu eksik)" in lines[-1]

    result = run("status", str(folder), "--json", "--csv", str(tmp_path / "durum.csv"))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["summary"]["received"] == 2 and data["summary"]["receipt_missing"] == 1
    by_ref = {a["ref"]: a for a in data["applicants"]}
    assert by_ref[aile]["missing"] == ["banka dekontu"] and by_ref[aile]["stage"] == "received"
    assert by_ref[kurum]["received"] and not by_ref[kurum]["dispatched"]
    (event,) = by_ref[kurum]["history"]
    assert event["kind"] == "received" and event["who"] and event["at"] == by_ref[kurum]["received"]
    assert all(a["mailed"] and not a["mail_sent"] for a in data["applicants"])  # outbox, not sent yet
    assert {a["name"] for a in data["applicants"]} >= {"İlknur Iğdır", "Çiğdem Iğdır"}

    raw = (tmp_path / "durum.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert table[0][:3] == ["paket no", "satır", "ad soyad"] and len(table) == ROWS + 1
    row = next(r for r in table if r[0] == aile)
    assert row[5] == "teslim alındı" and row[6] == "banka dekontu"
    for output in (text.output, result.output, raw.decode("utf-8-sig")):
        assert not any(tc in output for tc in full_tcs())


def test_csv_cells_that_look_like_formulas_are_neutralised(folder: Path, tmp_path: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["rows"][0]["name"] = '=HYPERLINK("http://x")'
    manifest["rows"][0]["ad"], manifest["rows"][0]["soyad"] = "=HYPERLINK(1)", "@SUM(A1)"
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert run("status", str(folder), "--csv", str(tmp_path / "d.csv")).exit_code == 0
    table = list(csv.reader(io.StringIO((tmp_path / "d.csv").read_text("utf-8-sig")), delimiter=";"))
    assert table[1][2] == '\'=HYPERLINK("http://x")'
    assert table[2][2] == "Şükrü Iğdır"


# --- remind ------------------------------------------------------------------------------------------


def parse(path: Path) -> Any:
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


def test_remind_writes_due_reminders_once(folder: Path) -> None:
    kurum_done, kurum_waiting = ref_of(folder, "kurum", 0), ref_of(folder, "kurum", 1)
    aile = ref_of(folder, "aile-hekimi")
    run("receive", str(folder), kurum_done)
    run("receive", str(folder), aile)  # received without the receipt
    before = {p.name for p in (folder / "outbox").glob("*.eml")}

    result = run("remind", str(folder), "--after", "7")
    assert result.exit_code == 0, result.output
    written = sorted({p.name for p in (folder / "outbox").glob("*.eml")} - before)
    waiting = [r["ref"] for r in manifest_rows(folder) if r["track"] != "bireysel" and r["ref"] != kurum_done]
    assert written == sorted(f"{ref}-hatirlatma-1.eml" for ref in waiting)
    assert (
        kurum_waiting in waiting and aile in waiting and "hatırlatma giden kutusuna yazıldı" in result.output
    )

    message = parse(folder / "outbox" / f"{aile}-hatirlatma-1.eml")
    original = parse(folder / "outbox" / f"{aile}.eml")
    assert message["Subject"].startswith("Hatırlatma: e-imza başvurunuz — Çiğdem IĞDIR")
    assert message["To"].addresses[0].addr_spec == original["To"].addresses[0].addr_spec
    assert message["Message-ID"] != original["Message-ID"]
    body = message.get_body(("plain",)).get_content()
    assert "e-imza ücretinin ödendiğini gösteren banka dekontu" in body
    assert "Kamu SM başvuru formunun 2 nüsha çıktısı" not in body  # the form is already here
    assert "E-imza Kurum Yetkilisi" in body and "Sağlık Müdürlüğü Eski Devlet Hastanesi Yerleşkesi" in body
    html = message.get_body(("html",)).get_content()
    assert "banka dekontu" in html and "<br>" in html
    attachment = next(message.iter_attachments())
    assert attachment.get_content().startswith(b"%PDF")
    kurum_body = parse(folder / "outbox" / f"{kurum_waiting}-hatirlatma-1.eml").get_body(("plain",))
    assert "Kamu SM başvuru formunun 2 nüsha çıktısı" in kurum_body.get_content()
    for path in (folder / "outbox").glob("*-hatirlatma-*.eml"):
        assert not any(tc in path.read_text(encoding="ascii") for tc in full_tcs())

    again = run("remind", str(folder), "--after", "7")
    assert again.exit_code == 0 and "0 hatırlatma" in again.output
    assert {p.name for p in (folder / "outbox").glob("*.eml")} - before == set(written)

    later = datetime.now(UTC) + timedelta(days=8)
    with Store(folder) as store:
        second = remind.remind(store, profiles.load(None), after_days=7, who="test", now=later)
    assert sorted(p.name for _, p, _ in second.written) == sorted(n.replace("-1.", "-2.") for n in written)


def test_remind_skips_recent_mail_and_bireysel(folder: Path) -> None:
    result = run("remind", str(folder), "--after", str(MAILED_DAYS_AGO + 5))
    assert result.exit_code == 0 and "0 hatırlatma" in result.output
    run("remind", str(folder), "--after", "1")
    reminded = {p.name.split("-hatirlatma")[0] for p in (folder / "outbox").glob("*-hatirlatma-*.eml")}
    assert not reminded & {r["ref"] for r in manifest_rows(folder) if r["track"] == "bireysel"}


def test_a_bad_desk_table_is_one_line_per_key_and_exit_2(folder: Path, tmp_path: Path) -> None:
    text = profiles.default_path().read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace("$posta_tarihi tarihinde", "$gonderim_tarihi tarihinde"), encoding="utf-8")
    result = run("remind", str(folder), "--after", "1", "--profile", str(bad))
    assert result.exit_code == 2
    assert "desk.reminder_text: bilinmeyen yer tutucu $gonderim_tarihi" in result.output
    assert not list((folder / "outbox").glob("*-hatirlatma-*.eml"))


# --- dispatch ----------------------------------------------------------------------------------------


def test_dispatch_lists_received_marks_them_sent_and_reprints(folder: Path) -> None:
    kurum, aile, aile_paid = (
        ref_of(folder, "kurum"),
        ref_of(folder, "aile-hekimi", 0),
        ref_of(folder, "aile-hekimi", 1),
    )
    run("receive", str(folder), kurum)
    run("receive", str(folder), aile)  # no receipt: waits
    run("receive", str(folder), aile_paid, "--dekont")
    result = run("dispatch", str(folder))
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip().splitlines()[-1])
    assert path == folder / "kamusm" / "kamusm-liste-001.pdf" and path.exists()
    assert "2 paket" in result.stdout and "1 aile hekimi paketi dekont" in result.output
    (page,) = pdf_text(path)
    assert "Kamu SM'ye gönderilen başvuru formları" in page and "Adet: 2" in page
    assert "Liste no: 1" in page and datetime.now(UTC).strftime("%Y") in page
    rows = {r["ref"]: r for r in manifest_rows(folder)}
    for ref in (kurum, aile_paid):
        assert ref in page and rows[ref]["name"] in page and rows[ref]["tc"] in page
    assert aile not in page and "aile hekimi" in page and "kurum" in page
    assert not any(tc in page for tc in full_tcs())

    status_data = json.loads(run("status", str(folder), "--json").stdout)
    stages = {a["ref"]: a["stage"] for a in status_data["applicants"]}
    assert stages[kurum] == "dispatched" and stages[aile] == "received"

    nothing = run("dispatch", str(folder))
    assert nothing.exit_code == 0 and "gönderilecek yeni paket yok" in nothing.output
    original = path.read_bytes()
    path.unlink()
    reprint = run("dispatch", str(folder), "--again", "1")
    assert reprint.exit_code == 0 and Path(reprint.stdout.strip()) == path
    assert path.read_bytes() == original
    assert run("dispatch", str(folder), "--again", "9").exit_code == 2

    run("receive", str(folder), aile, "--dekont")
    second = run("dispatch", str(folder))
    assert second.stdout.strip().endswith("kamusm-liste-002.pdf")
    (page2,) = pdf_text(folder / "kamusm" / "kamusm-liste-002.pdf")
    assert aile in page2 and kurum not in page2 and "Adet: 1" in page2
    rescan = run("receive", str(folder), kurum)
    assert "Kamu SM'ye gönderildi" in rescan.output


def test_dispatch_with_a_cover_letter_from_the_profile(folder: Path, tmp_path: Path) -> None:
    text = profiles.default_path().read_text(encoding="utf-8")
    custom = tmp_path / "ustyazi.toml"
    custom.write_text(
        text.replace(
            'cover_letter_subject = ""', 'cover_letter_subject = "E-imza başvuru formları ($adet adet)"'
        ).replace(
            'cover_letter = ""', 'cover_letter = "$liste_no numaralı listede $adet başvuru formu ektedir."'
        ),
        encoding="utf-8",
    )
    run("receive", str(folder), ref_of(folder, "kurum"))
    result = run("dispatch", str(folder), "--profile", str(custom))
    assert result.exit_code == 0, result.output
    pages = pdf_text(Path(result.stdout.strip().splitlines()[-1]))
    assert len(pages) == 2
    assert "Konu: E-imza başvuru formları (1 adet)" in pages[0]
    assert "1 numaralı listede 1 başvuru formu ektedir." in pages[0]
    assert "41470 Gebze/KOCAELİ" in pages[0] and "MERSİN İL SAĞLIK MÜDÜRLÜĞÜ" in pages[0]
    assert "Kamu SM'ye gönderilen başvuru formları" in pages[1]


# --- many at once --------------------------------------------------------------------------------------

_RECEIVER = """
import sys
from pathlib import Path
from formkit.desk.receive import receive
from formkit.desk.store import Store
folder, who, refs = Path(sys.argv[1]), sys.argv[2], sys.argv[3].split(",")
print("ready", flush=True)
sys.stdin.readline()
with Store(folder) as store:
    for ref in refs:
        receive(store, ref, who=who, dekont=True)
"""


def synthetic_batch(folder: Path, count: int) -> list[str]:
    """A manifest of `count` ok rows (no PDFs: the desk never reads them)."""
    folder.mkdir(parents=True)
    rows, refs = [], []
    for index in range(count):
        tc = batchdata.tc_number(index + 1)
        ref = make_ref(tc, REF_KEY.encode())
        refs.append(ref)
        rows.append(
            {"row": index + 2, "status": "ok", "ref": ref, "name": f"Kişi Öztürk {index}", "ad": "Kişi",
             "soyad": f"Öztürk{index}", "track": "aile-hekimi" if index % 2 else "kurum",
             "e_posta": f"p{index}@example.org", "tc": tc[:3] + "******" + tc[-2:],
             "pdf": f"packets/{ref}.pdf"}
        )  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps({"batch": {"id": "synthetic"}, "rows": rows}), "utf-8")
    return refs


def test_two_processes_receiving_500_references_at_once_lose_and_double_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "big"
    refs = synthetic_batch(folder, 500)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    orders = [refs, list(reversed(refs))]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _RECEIVER, str(folder), f"tarayıcı-{n}", ",".join(order)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        for n, order in enumerate(orders, start=1)
    ]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    for proc in procs:  # both start together
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc in procs:
        assert proc.wait(timeout=120) == 0
    recorded = events(folder)
    received = [r for r, k, _, _ in recorded if k == "received"]
    receipts = [r for r, k, _, _ in recorded if k == "receipt"]
    assert sorted(received) == sorted(refs)
    assert sorted(receipts) == sorted(refs[1::2])
    assert {w for _, _, w, _ in recorded} <= {"tarayıcı-1", "tarayıcı-2"}


# --- password and help -------------------------------------------------------------------------------


def test_set_password_from_stdin_stores_only_a_scrypt_hash(folder: Path) -> None:
    result = run("desk", str(folder), "--set-password", input="kısa\n")
    assert result.exit_code == 2 and "en az 8" in result.output
    secret = "Gizli-Parola-Şğİ-2026"
    result = run("desk", str(folder), "--set-password", input=secret + "\n")
    assert result.exit_code == 0, result.output
    raw = (folder / "desk.sqlite").read_bytes()
    assert secret.encode() not in raw
    with Store(folder) as store:
        stored = auth.stored_hash(store)
        assert stored is not None and stored.startswith("scrypt$")
        assert auth.verify(secret, stored) and not auth.verify(secret + "x", stored)
        assert [e.kind for e in store.events()] == ["password"]


@pytest.mark.parametrize("command", ["receive", "status", "remind", "dispatch", "desk"])
def test_desk_commands_have_turkish_help(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0 and "KLASÖR" in result.output and "Seçenekler:" in result.output


def test_reminders_go_out_through_send_once_and_survive_a_mail_rerun(folder: Path, tmp_path: Path) -> None:
    from tests.mail_support import smtp_server

    # `send` refuses the shipped profile's placeholder sender (…@mersin-ism.example): a real one here.
    real = tmp_path / "il.toml"
    text = profiles.default_path().read_text(encoding="utf-8")
    real.write_text(text.replace("e-imza@mersin-ism.example", "e-imza@saglik.gov.tr"), encoding="utf-8")
    aile = ref_of(folder, "aile-hekimi")
    run("receive", str(folder), aile)
    assert run("remind", str(folder), "--after", "7", "--profile", str(real)).exit_code == 0
    reminder = folder / "outbox" / f"{aile}-hatirlatma-1.eml"
    written = reminder.read_bytes()

    # `formkit mail` run again leaves the unsent reminder alone: only its own `<REF>.eml` are its to remove.
    assert run("mail", str(folder), "--profile", str(real)).exit_code == 0
    assert reminder.read_bytes() == written
    again = run("remind", str(folder), "--after", "7", "--profile", str(real))
    assert "yeniden yazıldı" not in again.output and "0 hatırlatma giden kutusuna yazıldı" in again.output
    # One deleted by hand before it was sent is written back, the same message.
    reminder.unlink()
    again = run("remind", str(folder), "--after", "7", "--profile", str(real))
    assert "yeniden yazıldı" in again.output and "0 hatırlatma giden kutusuna yazıldı" in again.output
    assert reminder.read_bytes() == written

    with smtp_server() as server:
        args = ["send", str(folder), "--smtp-host", "127.0.0.1", "--smtp-port", str(server.port)]
        result = run(*args, "--retry-delay", "0.01", "--timeout", "5")
        assert result.exit_code == 0, result.output
        received = server.handler.received
        reminders = [r.message for r in received if r.message["Subject"].startswith("Hatırlatma")]
        assert (
            len(reminders) == ROWS // 4 * 3 - 1 + 1
        )  # kurum ×4 and aile-hekimi ×2 (one received, no receipt)
        assert len(received) == ROWS + len(reminders)
        count = len(received)
        assert run(*args, "--timeout", "5").exit_code == 0
        assert len(server.handler.received) == count  # the journal: never twice
    data = json.loads(run("status", str(folder), "--json").stdout)
    assert all(a["mail_sent"] for a in data["applicants"])
    assert {a["reminders"] for a in data["applicants"] if a["track"] != "bireysel"} == {1}


def test_a_folder_without_a_batch_is_one_line_and_exit_2(tmp_path: Path) -> None:
    for args in (["status", str(tmp_path / "yok")], ["receive", str(tmp_path), "ABCD-EFGH1"]):
        result = run(*args)
        assert result.exit_code == 2
        assert result.output.startswith("hata: ") and "formkit batch" in result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "desk.sqlite").exists()
    (tmp_path / "manifest.json").write_text("{bozuk", encoding="utf-8")
    result = run("status", str(tmp_path))
    assert result.exit_code == 2 and "geçerli bir JSON değil" in result.output


def test_the_store_is_private_to_its_user(folder: Path) -> None:
    run("status", str(folder))
    assert (folder / "desk.sqlite").stat().st_mode & 0o077 == 0


def test_a_profile_without_a_desk_table_dispatches_but_cannot_remind(folder: Path, tmp_path: Path) -> None:
    text = profiles.default_path().read_text(encoding="utf-8")
    plain = tmp_path / "masasiz.toml"
    plain.write_text(text[: text.index("[desk]")], encoding="utf-8")
    result = run("remind", str(folder), "--after", "1", "--profile", str(plain))
    assert result.exit_code == 2 and "desk.reminder_text: eksik" in result.output
    run("receive", str(folder), ref_of(folder, "kurum"))
    result = run("dispatch", str(folder), "--profile", str(plain))
    assert result.exit_code == 0 and len(pdf_text(Path(result.stdout.strip().splitlines()[-1]))) == 1


def test_a_long_name_is_set_smaller_not_cut(tmp_path: Path) -> None:
    from formkit.desk import dispatch, texts

    long_name = "Ayşegül Şükriye Gülşen İlknur Çiğdem Karaağaçlıoğlu Öztürkmenoğulları"
    item = dispatch.Item("ABCD-EFGH1", long_name, "100******52", "kurum")
    listing = dispatch.Dispatch(3, "2026-12-02T09:00:00+00:00", "test", (item,))
    profile = profiles.load(None)
    path = tmp_path / "liste.pdf"
    path.write_bytes(dispatch.render(listing, profile, texts.load(profile)))
    (page,) = pdf_text(path)
    assert long_name in page and "Liste no: 3" in page and "02.12.2026" in page
