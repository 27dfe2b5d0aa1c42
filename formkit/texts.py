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


def batch_forms_summary(*, portal: int, profile_form: int, data_sheet: int, unpaired: int) -> str:
    """With --forms: how many packets carry the applicant's portal printout, how many do not, and how many
    printouts were left unpaired (each a line in errors.csv)."""
    instead = "profildeki formla" if profile_form else "veri sayfasıyla"
    return (
        f"portal çıktısıyla {portal} paket, çıktısı olmadığı için {instead} {profile_form + data_sheet} "
        f"paket; eşlenemeyen dosya: {unpaired}"
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


def disk_full_in_batch(
    cause: str, ok: int, recorded: bool, not_done: int, dropped: int, prints_removed: bool = False
) -> str:
    """A batch stopped on a full disk: what is kept, what is not done, and what to do."""
    kept = (
        f"{ok} paket hazır ve manifest.json'da kayıtlı"
        if recorded
        else "manifest.json yazılamadı; içindeki paketler diskte"
    )
    made_room = (["baskı dosyaları"] if prints_removed else []) + (
        [f"son {dropped} paket"] if dropped else []
    )
    if made_room:
        kept += f" (manifeste yer açmak için {' ve '.join(made_room)} silindi; yeniden üretilir)"
    return (
        f"{cause}\ntoplu iş durdu: {kept}, {not_done} satır yapılmadı. Yer açıp aynı komutu yeniden "
        "çalıştırın: yalnızca kalanlar üretilir"
    )


# --- formkit mail / send ---------------------------------------------------------------------------


def mail_summary(outbox: str, *, written: int, unchanged: int, refused: int, not_ok: int) -> str:
    """`formkit mail`'s summary (a rerun that changed nothing reads `0 yeni/değişen, N aynı`)."""
    return (
        f"{outbox}: {written + unchanged} ileti ({written} yeni/değişen, {unchanged} aynı), "
        f"{refused} reddedilen, {not_ok} paketsiz satır (geçersiz/başarısız)"
    )


def mail_refused(line: str) -> str:
    return f"reddedildi: {line}"


def mail_removed(name: str) -> str:
    return f"silindi: {name} (satırı artık manifestte yok)"


def mail_drafts_hint() -> str:
    """After `formkit mail --draft`: what to do with the drafts."""
    return (
        "taslaklar: Outlook'ta çift tıklayın; gönderilmemiş ileti olarak açılır, "
        "kendi posta kutunuzdan gönderin"
    )


def mail_placeholder_sender(domain: str) -> str:
    """`formkit mail` with a reserved/placeholder sender domain (the shipped profile's)."""
    return (
        f"uyarı: gönderen adresi ayrılmış/örnek bir alan adında ({domain}); `formkit send` göndermez: "
        "profildeki [mail] from ayarını değiştirin ya da --from verin"
    )


def price_change_missing() -> str:
    """`formkit profile check`: the profile records no price change, so only fees over a year old warn."""
    return (
        "uyarı: [fees] price_change (Kamu SM'nin bilinen son fiyat değişikliğinin tarihi) ve "
        "price_change_source yok: ücretler yalnızca bir yıldan eskiyse uyarılır; ekleyin (ör. "
        "yerleşik profildeki gibi price_change = 2026-01-01)"
    )


def send_plan(*, new: int, changed: int, sent: int, uncertain: int) -> str:
    """`formkit send`, before sending: what this run will do."""
    line = f"plan: {new} yeni, {changed} değişmiş paket gönderilecek; {sent} ileti zaten gönderilmiş"
    return line + (f", {uncertain} belirsiz" if uncertain else "")


def send_totals(*, sent: int, skipped: int, failed: int, uncertain: int) -> str:
    """`formkit send`'s closing count."""
    return f"gönderilen: {sent}, zaten gönderilmiş: {skipped}, başarısız: {failed}, belirsiz: {uncertain}"


def send_failed(name: str, reason: str) -> str:
    return f"başarısız: {name}: {reason}"


def send_uncertain(name: str, reason: str) -> str:
    return f"belirsiz: {name}: {reason}"


def send_would_send(name: str, to: str, subject: str) -> str:
    """`formkit send --dry-run`: one message that a real run would send."""
    return f"gönderilecek: {name} → {to} ({subject})"


def send_sent(label: str) -> str:
    return f"gönderildi: {label}"


def send_uncertain_hint() -> str:
    """After a run with messages that may or may not have reached the server."""
    return (
        "belirsiz iletiler sunucuya ulaşmış olabilir; alıcıya sorduktan sonra "
        "--retry-uncertain ile yeniden gönderilebilir"
    )


def send_dry_run(count: int) -> str:
    return f"deneme: {count} ileti gönderilecekti; hiçbir şey gönderilmedi"


# --- fees -------------------------------------------------------------------------------------------


def fee_warning(valid_from: date, price_change: date | None, fees_url: str, source: str = "") -> str:
    """The profile's fees predate a known price change (price_change, from the profile with its source), or
    are just over a year old (None)."""
    why = (
        f"Kamu SM ücretleri {price_change:%d.%m.%Y} tarihinde değişti"
        + (f" (kaynak: {source})" if source else "")
        if price_change is not None
        else "bu tarih bir yıldan eski"
    )
    return (
        f"uyarı: profildeki ücretler {valid_from:%d.%m.%Y} tarihli; {why}. Güncel tutarı "
        f"{fees_url or 'Kamu SM'} adresinden kontrol edip profili güncelleyin."
    )


# --- click's own messages ---------------------------------------------------------------------------
# click wraps every message it prints in gettext but ships no Turkish catalogue: formkit.cli_tr installs
# this one. Keys are click's msgids exactly (a test checks that every msgid of the installed click is here,
# so a click upgrade that adds or rewords one fails loudly); the placeholders are click's own, and a
# translation may leave one out (str.format ignores unused names) when Turkish reads better without it.

CLICK: dict[str, str] = {
    # help pages
    "Usage:": "Kullanım:",
    "Options": "Seçenekler",
    "Commands": "Komutlar",
    "Positional arguments": "Argümanlar",
    "Show this message and exit.": "Bu yardımı göster ve çık.",
    "Show the version and exit.": "Sürümü göster ve çık.",
    "%(prog)s, version %(version)s": "%(prog)s, sürüm %(version)s",
    "default: {default}": "varsayılan: {default}",
    "env var: {var}": "ortam değişkeni: {var}",
    "required": "zorunlu",
    "(dynamic)": "(değişken)",
    "deprecated": "kullanımdan kalkıyor",
    "Do you want to continue?": "Devam edilsin mi?",
    "Confirm the action without prompting.": "İşlemi sormadan onayla.",
    # usage errors
    "Error: {message}": "Hata: {message}",
    "Try '{command} {option}' for help.": "Yardım için: '{command} {option}'",
    "Missing argument": "Eksik argüman",
    "Missing option": "Eksik seçenek",
    "Missing parameter": "Eksik parametre",
    "Missing {param_type}": "Eksik {param_type}",
    "Missing parameter: {param_name}": "Eksik parametre: {param_name}",
    "Missing command.": "Komut eksik.",
    "No such option {name!r}.": "Böyle bir seçenek yok: {name!r}.",
    "No such command {name!r}.": "Böyle bir komut yok: {name!r}.",
    "Did you mean {possibility}?": "Bunu mu demek istediniz: {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Bunlardan biri mi: {possibilities}?)",
    "Invalid value: {message}": "Geçersiz değer: {message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} için geçersiz değer: {message}",
    "Got unexpected extra argument ({args})": "Beklenmeyen fazla argüman ({args})",
    "Got unexpected extra arguments ({args})": "Beklenmeyen fazla argümanlar ({args})",
    "Option {name!r} does not take a value.": "{name!r} seçeneği değer almaz.",
    "Option {name!r} requires an argument.": "{name!r} seçeneği bir değer ister.",
    "Option {name!r} requires {nargs} arguments.": "{name!r} seçeneği {nargs} değer ister.",
    "Argument {name!r} takes {nargs} values.": "{name!r} argümanı {nargs} değer alır.",
    "Invalid start character for option ({option})": "Seçenek geçersiz bir karakterle başlıyor ({option})",
    "Takes {nargs} values but 1 was given.": "{nargs} değer alır ama 1 değer verildi.",
    "Takes {nargs} values but {len} were given.": "{nargs} değer alır ama {len} değer verildi.",
    "Value must be an iterable.": "Değer bir liste olmalı.",
    "Aborted!": "Durduruldu!",
    "unknown error": "bilinmeyen hata",
    "Could not open file {filename!r}: {message}": "{filename!r} dosyası açılamadı: {message}",
    # values (types)
    "file": "dosya",
    "directory": "klasör",
    "path": "yol",
    "{name} {filename!r} does not exist.": "{name} bulunamadı: {filename!r}.",
    "{name} {filename!r} is a file.": "{name} bekleniyordu, {filename!r} bir dosya.",
    "{name} {filename!r} is a directory.": "{name} bekleniyordu, {filename!r} bir klasör.",
    "{name} {filename!r} is not readable.": "{name} okunamıyor: {filename!r}.",
    "{name} {filename!r} is not writable.": "{name} yazılamıyor: {filename!r}.",
    "{name} {filename!r} is not executable.": "{name} çalıştırılamıyor: {filename!r}.",
    "{value!r} is not a valid {number_type}.": "{value!r} geçerli bir sayı değil.",
    "{value} is not in the range {range}.": "{value} izin verilen aralıkta değil ({range}).",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} evet/hayır değeri değil. Tanınan değerler: {states}"
    ),
    "{value!r} is not a valid UUID.": "{value!r} geçerli bir UUID değil.",
    "{value!r} is not {choice}.": "{value!r} geçerli değil; olabilecek: {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} geçerli değil; olabilecekler: {choices}.",
    "Choose from:\n\t{choices}": "Şunlardan biri:\n\t{choices}",
    "Choice({choices})": "Seçim({choices})",
    "{value!r} does not match the format {format}.": "{value!r} şu biçimde değil: {format}.",
    "{value!r} does not match the formats {formats}.": "{value!r} şu biçimlerin hiçbirinde değil: {formats}.",
    "{len_type} values are required, but {len_value} was given.": (
        "{len_type} değer gerekli, ama {len_value} değer verildi."
    ),
    "{len_type} values are required, but {len_value} were given.": (
        "{len_type} değer gerekli, ama {len_value} değer verildi."
    ),
    # prompts and terminal
    "Repeat for confirmation": "Onaylamak için yeniden girin",
    "Error: The two entered values do not match.": "Hata: Girilen iki değer aynı değil.",
    "Error: invalid input": "Hata: geçersiz giriş",
    "Press any key to continue...": "Devam etmek için bir tuşa basın...",
    "Unknown color {colour!r}": "Bilinmeyen renk {colour!r}",
    "{editor}: Editing failed": "{editor}: düzenleme başarısız",
    "{editor}: Editing failed: {e}": "{editor}: düzenleme başarısız: {e}",
    "Windows error: {error}": "Windows hatası: {error}",
    "Unknown standard stream '{name}'": "Bilinmeyen standart akış '{name}'",
    "d": "g",  # progress bar: days
    "Shell completion is not supported for Bash versions older than 4.4.": (
        "Kabuk tamamlama Bash 4.4'ten eski sürümlerde desteklenmez."
    ),
    "Couldn't detect Bash version, shell completion is not supported.": (
        "Bash sürümü anlaşılamadı; kabuk tamamlama desteklenmez."
    ),
    # programming errors in a command's definition (never seen by a user of a correct formkit)
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": (
        "Uyarı: {name!r} komutu kullanımdan kalkıyor.{extra_message}"
    ),
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": (
        "Uyarı: {name!r} kullanımdan kalkıyor.{extra_message}"
    ),
    "Could not determine name for option with declarations {decls!r}": (
        "Seçeneğin adı belirlenemedi: {decls!r}"
    ),
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?": "Seçenek tanımlanmadı ama bir ad verildi ({name}); '--{name}'?",
    "Name '{name}' defined twice": "'{name}' adı iki kez tanımlandı",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.": (
        "Bir argüman tek bir tanım alır; {length} verildi: {decls}."
    ),
    "Boolean option {decl!r} cannot use the same flag for true/false.": (
        "{decl!r} evet/hayır seçeneği iki durum için aynı bayrağı kullanamaz."
    ),
}

# What click shows in place of a value in help and usage lines ("--jobs INTEGER RANGE", "[OPTIONS]").
METAVARS: dict[str, str] = {
    "text": "METİN",
    "integer": "SAYI",
    "integer range": "SAYI",
    "float": "SAYI",
    "float range": "SAYI",
    "boolean": "EVET|HAYIR",
    "uuid": "UUID",
}
OPTIONS_METAVAR = "[SEÇENEKLER]"
SUBCOMMAND_METAVAR = "KOMUT [ARGÜMANLAR]..."
# Argument names (the Python parameter) → what the usage line shows.
ARGUMENT_METAVARS: dict[str, str] = {
    "file": "DOSYA",
    "input_file": "DOSYA",
    "folder": "KLASÖR",
    "template": "ŞABLON",
}


__all__ = [
    "ARGUMENT_METAVARS",
    "CLICK",
    "METAVARS",
    "OPTIONS_METAVAR",
    "SUBCOMMAND_METAVAR",
    "another_input",
    "another_profile",
    "batch_errors_file",
    "batch_forms_summary",
    "batch_print_files",
    "batch_summary",
    "decimal",
    "disk_full_in_batch",
    "fee_warning",
    "folder_without_manifest",
    "mail_drafts_hint",
    "mail_placeholder_sender",
    "mail_refused",
    "mail_removed",
    "mail_summary",
    "manifest_unreadable",
    "price_change_missing",
    "send_dry_run",
    "send_failed",
    "send_plan",
    "send_sent",
    "send_totals",
    "send_uncertain",
    "send_uncertain_hint",
    "send_would_send",
]
