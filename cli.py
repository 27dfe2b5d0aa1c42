"""The `formkit` command line: click commands only (parse → one call into formkit → echo).

Every FormkitError becomes its one-line-per-problem message on stderr and its exit code; nothing else
reaches the user as a traceback (set FORMKIT_DEBUG=1 to see one).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from formkit import __version__
from formkit import profile as profiles
from formkit.errors import FormkitError, InputError, ValidationError
from formkit.input import validate as validation
from formkit.input.sources import open_table
from formkit.input.validate import validate_all
from formkit.model import Profile

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(func: F) -> F:
    """Turn FormkitError (and any unexpected error) into one line per problem and an exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except FormkitError as exc:
            for line in exc.lines():
                click.echo(f"hata: {line}", err=True)
            sys.exit(exc.exit_code)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("durduruldu", err=True)
            sys.exit(130)
        except Exception as exc:
            if os.environ.get("FORMKIT_DEBUG"):
                raise
            click.echo(
                f"hata: beklenmeyen bir sorun oluştu ({type(exc).__name__}); ayrıntı için FORMKIT_DEBUG=1",
                err=True,
            )
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def load_profile(path: str | None) -> Profile:
    """Load the --profile file (or the built-in one)."""
    return profiles.load(Path(path) if path else None)


def warn_fees(profile: Profile) -> None:
    """Warn once, on stderr, when the profile's fees are stale."""
    warning = profiles.fee_warning(profile)
    if warning:
        click.echo(warning, err=True)


profile_option = click.option(
    "--profile", "profile_path", type=click.Path(dir_okay=False), default=None,
    help="Profil dosyası (TOML); verilmezse yerleşik Mersin profili.",
)  # fmt: skip


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="formkit")
def cli() -> None:
    """formkit: e-imza (NES) ilk başvuru paketleri ve e-postaları.

    Makes print-ready NES application packets for health-ministry staff from applicant data.
    """


# --- profile ---------------------------------------------------------------------------------------


@cli.group("profile")
def profile_group() -> None:
    """Profili göster ya da denetle (il, banka hesabı, ücretler, adresler).

    Show or check a profile: the TOML file holding everything that changes between provinces and years.
    Without FILE the built-in Mersin profile is used.
    """


profile_file = click.argument("file", required=False, type=click.Path(dir_okay=False))


@profile_group.command("show")
@profile_file
@reports_errors
def profile_show(file: str | None) -> None:
    """Profili okunaklı yazdır: IBAN dörtlü gruplar, tutarlar TL biçiminde, toplam hesaplanmış."""
    profile = load_profile(file)
    click.echo(profiles.describe(profile))
    warn_fees(profile)


@profile_group.command("check")
@profile_file
@reports_errors
def profile_check(file: str | None) -> None:
    """Profili denetle: IBAN, tutarlar, https adresleri, zorunlu anahtarlar. Hata varsa çıkış kodu 2."""
    profile = load_profile(file)
    click.echo(f"profil geçerli: {profile.path or f'(yerleşik) {profiles.DEFAULT_PROFILE}'}")
    warn_fees(profile)


# --- validate --------------------------------------------------------------------------------------


@cli.command("validate")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Sonucu JSON olarak yaz (satır başına sorunlar).")
@click.option(
    "--encoding", default=None, metavar="KODLAMA",
    help="CSV karakter kodlaması (ör. cp1254, utf-8); verilmezse UTF-8, sonra Windows-1254 denenir.",
)  # fmt: skip
@profile_option
@reports_errors
def validate_command(file: str, as_json: bool, encoding: str | None, profile_path: str | None) -> None:
    """Başvuru listesini (CSV, XLSX, JSON) denetle; her sorun için bir satır yaz.

    Checks every row of an applicant table. Exit code 0: all rows valid; 1: some rows invalid;
    2: the file (or the profile) cannot be used.
    """
    if profile_path:
        load_profile(profile_path)
    table = open_table(Path(file), encoding=encoding)
    for warning in table.warnings:
        click.echo(f"uyarı: {warning}", err=True)
    results = validate_all(table.rows())
    summary = validation.report(results)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        for _raw, result in results:
            for problem in result if isinstance(result, list) else []:
                click.echo(problem.line())
        click.echo(validation.summary_line(table.source, results))
    sys.exit(1 if summary["invalid"] else 0)


# --- fields / fill ---------------------------------------------------------------------------------


@cli.command("fields")
@click.argument("template", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Alan listesini JSON olarak yaz.")
@reports_errors
def fields_command(template: str, as_json: bool) -> None:
    """Bir PDF formunun doldurulabilir alanlarını listeler (ad, tür, sayfa, dikdörtgen, bayraklar).

    Lists a template's fillable fields: full name, type, page, rectangle, flags, max length, on-states.
    """
    from formkit.acroform import engine as forms

    parsed = forms.Template.from_path(template)
    for warning in parsed.warnings:
        click.echo(f"uyarı: {template}: {warning}", err=True)
    if as_json:
        click.echo(json.dumps([f.as_dict() for f in parsed.list_fields()], ensure_ascii=False, indent=2))
        return
    for f in parsed.list_fields():
        flags = [
            word
            for word, on in (
                ("çok satırlı", f.multiline),
                ("salt okunur", f.readonly),
                ("zorunlu", f.required),
                ("tarak", f.comb),
            )
            if on
        ]
        extra = []
        if f.max_len:
            extra.append(f"en çok {f.max_len}")
        if f.on_states:
            extra.append("seçenekler: " + "/".join(f.on_states))
        if f.options:
            extra.append("liste: " + "/".join(f.options))
        rect = ",".join(f"{v:.0f}" for v in f.rect)
        line = f"{f.name}\t{f.type}\tsayfa {f.page}\t[{rect}]"
        click.echo("\t".join([line, *flags, *extra]))


@cli.command("fill")
@click.argument("template", type=click.Path(dir_okay=False))
@click.option("--data", "data_path", required=True, type=click.Path(dir_okay=False), help="Değerler (JSON).")
@click.option("--map", "map_path", type=click.Path(dir_okay=False), help="Alan eşlemesi (TOML, [fields]).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Çıktı PDF dosyası.")
@click.option("--editable", is_flag=True, help="Alanları bırak (düzenlenebilir); verilmezse düzleştirilir.")
@reports_errors
def fill_command(template: str, data_path: str, map_path: str | None, output: str, editable: bool) -> None:
    """Bir PDF formunu JSON değerleriyle doldurur; varsayılan çıktı baskıya hazır (düzleştirilmiş).

    Fills an AcroForm template with values from a JSON file; flattened for print unless --editable.
    """
    from formkit.acroform import engine as forms

    parsed = forms.Template.from_path(template)
    for warning in parsed.warnings:
        click.echo(f"uyarı: {template}: {warning}", err=True)
    values = forms.load_values(data_path)
    try:
        if map_path:
            values = forms.apply_map(parsed, values, forms.load_map(map_path))
        pdf = forms.fill(parsed, values, flatten=not editable)
    except ValidationError as exc:  # name the values file in every line
        raise ValidationError([replace(p, source=p.source or data_path) for p in exc.problems]) from exc
    path = forms.write_pdf(output, pdf)
    kind = "düzenlenebilir" if editable else "düzleştirilmiş"
    click.echo(f"{path} yazıldı ({kind}, {len(pdf) // 1024} KB)")


# --- packet ----------------------------------------------------------------------------------------

# Options of `formkit packet` for one applicant: (option, canonical field name, help).
_APPLICANT_OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("--ad", "ad", "Ad (adlar)."),
    ("--soyad", "soyad", "Soyad."),
    ("--tc", "tc_kimlik_no", "T.C. kimlik numarası (11 hane)."),
    ("--dogum-tarihi", "dogum_tarihi", "Doğum tarihi (gg.aa.yyyy)."),
    ("--dogum-yeri", "dogum_yeri", "Doğum yeri."),
    ("--e-posta", "e_posta", "E-posta adresi."),
    ("--cep-telefonu", "cep_telefonu", "Cep telefonu (SMS kodu buraya gelir)."),
    ("--kurum", "kurum", "Kurum adı."),
    ("--unvan", "unvan", "Unvan."),
    ("--adres", "adres", "Teslimat adresi (mahalle, cadde/sokak, no, daire)."),
    ("--il", "il", "İl."),
    ("--ilce", "ilce", "İlçe."),
    ("--posta-kodu", "posta_kodu", "Posta kodu (5 hane)."),
    (
        "--track",
        "basvuru_turu",
        "Başvuru türü: kurum, aile-hekimi ya da bireysel (Doktor, Aile Hekimi, ... da olur).",
    ),
    ("--birim", "birim", "Birim (isteğe bağlı)."),
)


def _applicant_options(func: F) -> F:
    for option, field, help_text in reversed(_APPLICANT_OPTIONS):
        func = click.option(option, field, default=None, help=help_text)(func)
    return func


@cli.command("packet")
@click.option(
    "--input",
    "input_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Başvuru sahibinin bilgileri (JSON, alan adları: ad, soyad, tc_kimlik_no, ...). "
    "Ayrıca verilen seçenekler dosyadakinin yerine geçer.",
)
@_applicant_options
@click.option(
    "--baska-marka-cihaz/--baska-marka-cihaz-yok",
    "baska_marka_cihaz",
    default=None,
    help="bireysel: başka marka bir e-imza cihazı var mı (varsa form postalanmaz).",
)
@profile_option
@click.option(
    "--form",
    "form_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Kamu SM sisteminin bu kişi için ürettiği başvuru formu çıktısı (PDF); profilin dediği kadar "
    "nüsha olarak pakete girer, her sayfa olduğu gibi kalır ve boş bir kenarına nüsha işareti konur.",
)
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False),
    default="output",
    show_default=True,
    help="Paketin yazılacağı klasör.",
)
@click.option("--editable", is_flag=True, help="Form nüshaları doldurulabilir alanlarını korusun.")
@reports_errors
def packet_command(
    input_path: str | None,
    profile_path: str | None,
    form_path: str | None,
    out_dir: str,
    editable: bool,
    baska_marka_cihaz: bool | None,
    **fields: str | None,
) -> None:
    """Bir başvuru sahibi için yazdırılmaya hazır paket (PDF) üretir.

    Makes one applicant's print-ready packet: cover, two form copies, checklist and (aile-hekimi) the
    payment page. Prints the path of the PDF. Invalid data: every problem on stderr, exit 2, no file.
    """
    from formkit.packet.builder import build_packet, load_applicant, read_official_form, write_packet

    if form_path and editable:
        raise InputError("--form ile --editable birlikte kullanılamaz: resmi form zaten doldurulmuş bir PDF")

    overrides = {name: value for name, value in fields.items() if value is not None}
    if baska_marka_cihaz is not None:
        overrides["baska_marka_cihaz"] = "evet" if baska_marka_cihaz else "hayır"
    applicant = load_applicant(Path(input_path) if input_path else None, overrides)
    profile = load_profile(profile_path)
    warn_fees(profile)
    official = read_official_form(Path(form_path)) if form_path else None
    packet = build_packet(
        applicant, profile, official_form=official, editable=editable, official_label=str(form_path)
    )
    for warning in packet.warnings:
        click.echo(f"uyarı: {warning}", err=True)
    click.echo(str(write_packet(packet, Path(out_dir))))


# --- batch -----------------------------------------------------------------------------------------


class _ProgressLine:
    """A one-line progress display on stderr (count, rate, time left), only when stderr is a terminal."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.2 and done < total):
            return
        self.last = now
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        left = (total - done) / rate if rate > 0 else 0.0
        click.echo(
            f"\r  {done}/{total} satır  {rate:5.1f}/sn  kalan {int(left) // 60}:{int(left) % 60:02d} ",
            err=True,
            nl=done >= total,
        )


@cli.command()
@click.argument("input_file", metavar="FILE", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False),
    default="output",
    show_default=True,
    help="Çıktı klasörü.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Paralel işçi sayısı (varsayılan: çekirdek sayısı).",
)
@profile_option
@click.option("--encoding", default=None, help="CSV kodlaması (ör. cp1254, utf-8); verilmezse tahmin edilir.")
@click.option("--duplex", is_flag=True, help="Çift taraflı baskı: her paketi çift sayfaya tamamla.")
@click.option(
    "--form",
    "form_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Yerleşik form yerine kullanılacak PDF formu.",
)
@click.option(
    "--forms",
    "forms_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Başvuru sahiplerinin Kamu SM portal çıktıları (PDF) klasörü: her dosya, metnindeki "
    "(yoksa adındaki) T.C. kimlik numarasıyla satırına eşlenir; çıktısı olmayan satıra veri sayfası konur.",
)
@click.option("--force", is_flag=True, help="Klasörde başka bir toplu iş varsa üzerine yaz.")
@reports_errors
def batch(
    input_file: str,
    out_dir: str,
    jobs: int | None,
    profile_path: str | None,
    encoding: str | None,
    duplex: bool,
    form_path: str | None,
    forms_dir: str | None,
    force: bool,
) -> None:
    """Build a packet for every valid row of a CSV/XLSX export.

    Writes packets/, manifest.json, errors.csv and print/ into the output folder. Rerunning rebuilds
    only what changed. Exit 0: every row made a packet; 1: some rows were invalid or failed; 2: input error.
    """
    from formkit.batch import run as batches
    from formkit.packet.builder import read_official_form

    profile = load_profile(profile_path)
    warn_fees(profile)
    official = read_official_form(Path(form_path)) if form_path else None
    options = batches.BatchOptions(
        profile=profile,
        jobs=jobs or os.cpu_count() or 1,
        encoding=encoding,
        duplex=duplex,
        force=force,
        official_form=official,
        forms_dir=Path(forms_dir) if forms_dir else None,
    )
    result = batches.run(Path(input_file), Path(out_dir), options, progress=_ProgressLine())
    for warning in result.warnings:
        click.echo(f"uyarı: {warning}", err=True)
    rate = result.built / result.seconds if result.seconds > 0 else 0.0
    click.echo(
        f"{result.rows} satır: {result.ok} paket hazır ({result.built} yeni, {result.up_to_date} güncel), "
        f"{result.invalid} hatalı, {result.failed} başarısız; {result.pages} sayfa; "
        f"{result.seconds:.1f} sn ({rate:.1f} paket/sn)"
    )
    if forms_dir or result.portal:
        instead = "profildeki formla" if result.profile_form else "veri sayfasıyla"
        click.echo(
            f"portal çıktısıyla {result.portal} paket, çıktısı olmadığı için {instead} "
            f"{result.data_sheet + result.profile_form} paket; eşlenemeyen dosya: {result.unpaired_files}"
        )
    if result.print_files:
        count = len(result.print_files)
        click.echo(f"baskı: {result.print_files[0].parent} ({count} dosya, toplu yazdırma için)")
    if result.invalid or result.failed or result.unpaired_files:
        click.echo(f"hatalar: {Path(out_dir) / batches.ERRORS}", err=True)
    sys.exit(result.exit_code)


# --- mail / send -----------------------------------------------------------------------------------


@cli.command("mail")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--outbox",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Giden kutusu klasörü (varsayılan: DIR/outbox).",
)
@click.option("--from", "sender", default=None, help="Gönderen adresi; verilmezse profildeki mail.from.")
@click.option(
    "--max-size", default="10MB", show_default=True, help="Bir iletinin en büyük boyutu (ör. 10MB)."
)
@click.option(
    "--templates",
    "texts_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="E-posta metinlerinin klasörü (<tür>.txt ve <tür>.html); varsayılan: yerleşik.",
)
@profile_option
@reports_errors
def mail_command(
    folder: Path,
    outbox: Path | None,
    sender: str | None,
    max_size: str,
    texts_dir: Path | None,
    profile_path: str | None,
) -> None:
    """Write one e-mail (.eml) per packet of a batch folder into its outbox.

    Reads DIR/manifest.json (written by `formkit batch`) and, for every ok row, writes an RFC 5322 message
    with the track's next steps and the packet PDF attached. Nothing is sent; see `formkit send`.
    Exit 0 when every ok row got a message, 1 when some were refused, 2 when the folder cannot be used.
    """
    from formkit.mail import core as mail

    size = mail.parse_size(max_size)
    profile = load_profile(profile_path)
    result = mail.write_outbox(
        folder, profile, outbox=outbox, sender=sender, max_size=size, texts_dir=texts_dir
    )
    warn_fees(profile)  # the messages quote the profile's fees
    for refusal in result.refused:
        click.echo(f"reddedildi: {refusal.line()}", err=True)
    for path in result.removed:
        click.echo(f"silindi: {path.name} (satırı artık manifestte yok)", err=True)
    total = len(result.written) + len(result.unchanged)
    click.echo(
        f"{result.outbox}: {total} ileti ({len(result.written)} yeni/değişen, {len(result.unchanged)} aynı), "
        f"{len(result.refused)} reddedilen, {result.not_ok} paketsiz satır (geçersiz/başarısız)"
    )
    sys.exit(result.exit_code)


@cli.command("send")
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--smtp-host", required=True, help="SMTP sunucusu.")
@click.option(
    "--smtp-port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Port (varsayılan: 25; --starttls ile 587; --ssl ile 465).",
)
@click.option("--starttls", is_flag=True, help="Bağlantıyı STARTTLS ile şifrele.")
@click.option("--ssl", "use_ssl", is_flag=True, help="Baştan TLS ile bağlan (SMTPS).")
@click.option(
    "--user",
    default=None,
    help="Kullanıcı adı; parola FORMKIT_SMTP_PASSWORD ortam değişkeninden ya da sorularak alınır.",
)
@click.option(
    "--rate",
    type=click.FloatRange(min=0),
    default=0,
    show_default=True,
    help="Dakikada en çok kaç ileti (0: sınırsız; ör. Office 365 için 30).",
)
@click.option("--dry-run", is_flag=True, help="Neyin gönderileceğini yaz, hiçbir şey gönderme.")
@click.option(
    "--retry-uncertain",
    is_flag=True,
    help="Önceki çalışmada yarıda kalan (belirsiz) iletileri de yeniden gönder.",
)
@click.option(
    "--ca-file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Sunucu sertifikasını doğrulamak için güvenilen sertifika(lar) (PEM).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Sunucu yanıtı için en çok beklenecek saniye.",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 20),
    default=4,
    show_default=True,
    help="Geçici hata (4xx, kopan bağlantı) başına yeniden deneme sayısı.",
)
@click.option(
    "--retry-delay",
    type=click.FloatRange(min=0),
    default=2.0,
    show_default=True,
    help="İlk yeniden denemeden önce beklenecek saniye (her denemede iki katına çıkar, en çok 60).",
)
@click.option(
    "--outbox",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Giden kutusu klasörü (varsayılan: DIR/outbox).",
)
@reports_errors
def send_command(
    folder: Path,
    smtp_host: str,
    smtp_port: int | None,
    starttls: bool,
    use_ssl: bool,
    user: str | None,
    rate: float,
    dry_run: bool,
    retry_uncertain: bool,
    ca_file: Path | None,
    timeout: float,
    retries: int,
    retry_delay: float,
    outbox: Path | None,
) -> None:
    """Send the outbox of a batch folder over SMTP, each message exactly once.

    A journal (DIR/mail-journal.sqlite) records every message; a rerun sends only what is not yet sent.
    Exit 0 when every message is sent, 1 when some failed or are uncertain, 2 on a usage or connection error.
    """
    from formkit.mail import core as mail

    if starttls and use_ssl:
        raise InputError("--starttls ve --ssl birlikte kullanılamaz; birini seçin")
    security: mail.Security = "ssl" if use_ssl else "starttls" if starttls else "plain"
    password = None
    if user and not dry_run:
        password = os.environ.get("FORMKIT_SMTP_PASSWORD")
        if password is None:
            password = click.prompt(f"{user} için SMTP parolası", hide_input=True, err=True)
    settings = mail.SmtpSettings(
        host=smtp_host,
        port=smtp_port,
        security=security,
        user=user,
        password=password,
        ca_file=ca_file,
        timeout=timeout,
    )
    summary = mail.send_outbox(
        folder,
        settings,
        outbox=outbox,
        rate=rate,
        dry_run=dry_run,
        retry_uncertain=retry_uncertain,
        retry=mail.RetryPolicy(retries=retries, delay=retry_delay),
        echo=click.echo,
    )
    for line in summary.lines():
        click.echo(line)
    if dry_run:
        click.echo(f"deneme: {len(summary.would_send)} ileti gönderilecekti; hiçbir şey gönderilmedi")
        sys.exit(0)
    sys.exit(summary.exit_code)


# --- serve -----------------------------------------------------------------------------------------


@cli.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Dinlenecek adres (ağa açmak için 0.0.0.0)."
)
@click.option(
    "--port",
    default=8080,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port (0: boş bir port seç).",
)
@profile_option
@click.option(
    "--store", "store_dir", type=click.Path(file_okay=False), default=None,
    help="Geçerli başvuruları bu klasördeki basvurular.sqlite dosyasında sakla (formkit batch okuyabilir).",
)  # fmt: skip
@reports_errors
def serve(host: str, port: int, profile_path: str | None, store_dir: str | None) -> None:
    """Web formu: herkes kendi başvuru paketini tarayıcıda hazırlar (waitress ile).

    Serves the one-page form; a valid submission downloads the packet PDF. Binds 127.0.0.1 by default.
    """
    from formkit.web import serve as run_server

    profile = load_profile(profile_path)
    warn_fees(profile)
    run_server(
        profile,
        host=host,
        port=port,
        store_dir=Path(store_dir) if store_dir else None,
        announce=lambda line: click.echo(line, err=line.startswith("uyarı")),
    )


def main() -> None:
    """Console entry point."""
    cli(prog_name="formkit")


if __name__ == "__main__":
    main()
