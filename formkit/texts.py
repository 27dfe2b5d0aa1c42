"""The command line's own Turkish texts in one place: run summaries, the output-folder guard, the fee warning,
and the Turkish catalogue for click's built-in messages (usage errors, help headings).

Messages that describe one problem with one input (a row, a field, a file) stay next to the check that finds
it; what a whole run says about itself lives here, so its wording is reviewed and tested in one place.
This module imports nothing from formkit, so every layer may use it.
"""

from __future__ import annotations

from datetime import date


def decimal(value: float, digits: int = 1) -> str:
    """A number the Turkish way: decimal comma (`12,5`)."""
    return f"{value:.{digits}f}".replace(".", ",")


# --- formkit batch ----------------------------------------------------------------------------------


def batch_summary(
    *,
    rows: int,
    ok: int,
    built: int,
    up_to_date: int,
    invalid: int,
    failed: int,
    pages: int,
    seconds: float,
) -> str:
    """The batch's one-line summary; a rerun that had nothing to build says so instead of a rate."""
    counts = f"{invalid} hatalı, {failed} başarısız; {pages} sayfa"
    if built == 0 and up_to_date > 0:
        return (
            f"{rows} satır: her şey güncel, {up_to_date} paket zaten hazırdı, yeniden üretilen yok; "
            f"{counts}; {decimal(seconds)} sn"
        )
    rate = built / seconds if seconds > 0 else 0.0
    return (
        f"{rows} satır: {ok} paket hazır ({built} yeni, {up_to_date} güncel), {counts}; "
        f"{decimal(seconds)} sn ({decimal(rate)} paket/sn)"
    )


def batch_print_files(folder: str, count: int) -> str:
    return f"baskı: {folder} ({count} dosya, toplu yazdırma için)"


def batch_errors_file(path: str) -> str:
    return f"hatalar: {path}"


def folder_without_manifest(out_dir: str) -> str:
    return (
        f"{out_dir}: klasörde manifest.json olmadan paketler var; silinmesinler diye durdu: "
        "başka bir çıktı klasörü seçin (-o) ya da bu paketleri silip yeniden başlamak için --force verin"
    )


def manifest_unreadable(path: str) -> str:
    return f"{path}: okunamadı; klasörü kontrol edin ya da --force ile yeniden başlatın"


def another_input(out_dir: str, old_input: str, old_packets: int, new_input: str, shared: int) -> str:
    """The folder holds the packets of another input (not this file, and few of the same people)."""
    return (
        f"{out_dir}: bu klasörde başka bir girdinin paketleri var ({old_input}: {old_packets} paket; "
        f"{new_input} dosyasında bu kişilerden yalnızca {shared} tanesi var). Paketler silinmesin diye "
        "durdu: başka bir çıktı klasörü seçin (-o) ya da o paketleri silip bu dosyanınkileri yazmak için "
        "--force verin"
    )


def another_profile(out_dir: str, old: str, new: str) -> str:
    """The folder's packets were made with another profile: every packet would be made again."""
    return (
        f"{out_dir}: klasördeki paketler başka bir profille üretildi (parmak izi {old[:12]}, şimdiki "
        f"{new[:12]}); bu profille hepsi yeniden üretilir. Bunu istiyorsanız --force verin; istemiyorsanız "
        "önceki profili (--profile) ya da başka bir çıktı klasörü (-o) kullanın"
    )


def disk_full_in_batch(cause: str, ok: int, recorded: bool, not_done: int, dropped: int) -> str:
    """A batch stopped on a full disk: what is kept, what is not done, and what to do."""
    kept = (
        f"{ok} paket hazır ve manifest.json'da kayıtlı"
        if recorded
        else "manifest.json yazılamadı; içindeki paketler diskte"
    )
    if dropped:
        kept += f" (manifeste yer açmak için son {dropped} paket silindi)"
    return (
        f"{cause}\ntoplu iş durdu: {kept}, {not_done} satır yapılmadı. Yer açıp aynı komutu yeniden "
        "çalıştırın: yalnızca kalanlar üretilir"
    )


# --- fees -------------------------------------------------------------------------------------------


def fee_warning(valid_from: date, price_change: date, fees_url: str) -> str:
    """The profile's fees predate a known price change (or are over a year old)."""
    return (
        f"uyarı: profildeki ücretler {valid_from:%d.%m.%Y} tarihli; Kamu SM ücretleri "
        f"{price_change:%d.%m.%Y} tarihinde değişti. Güncel tutarı {fees_url or 'Kamu SM'} "
        "adresinden kontrol edip profili güncelleyin."
    )
