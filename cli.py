"""The `formkit` command line: click commands only (parse → one call into formkit → echo).

Every FormkitError becomes its one-line-per-problem message on stderr and its exit code; nothing else
reaches the user as a traceback (set FORMKIT_DEBUG=1 to see one). Everything the user reads is Turkish,
click's own messages included (formkit.cli_tr); help texts are the commands' docstrings and option help.

Imports: only click, the Turkish texts and the error tree at the top. Each command imports the modules it
uses inside its function, so `formkit fill` does not pay for the profile, spreadsheet or mail code at
start-up (see bench/bench_fill_cli.py). Keep new commands that way.
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
from typing import TYPE_CHECKING, Any, TypeVar

import click

from formkit import __version__, cli_tr, texts
from formkit.errors import FormkitError, InputError, ValidationError

if TYPE_CHECKING:
    from formkit.model import Profile

F = TypeVar("F", bound=Callable[..., Any])

cli_tr.install()  # before the commands are declared: click reads some of its texts then


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
        except BrokenPipeError:  # `formkit status DIR | head`: the reader has gone, nothing to report
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # the interpreter's final flush must not fail again
            sys.exit(1)
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
    from formkit import profile as profiles

    return profiles.load(Path(path) if path else None)


def warn_fees(profile: Profile) -> None:
    """The stale-fees warning, on stderr: once per command, at the end with its summary (issue 13)."""
    from formkit import profile as profiles

    warning = profiles.fee_warning(profile)
    if warning:
        click.echo(warning, err=True)


profile_option = click.option(
    "--profile", "profile_path", type=click.Path(dir_okay=False), default=None,
    help="Profil dosyası (TOML); verilmezse yerleşik Mersin profili.",
)  # fmt: skip


@click.group(cls=cli_tr.TurkishGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="formkit")
def cli() -> None:
    """formkit: e-imza (NES) ilk başvuru paketleri ve e-postaları.

    Sağlık Bakanlığı personelinin başvuru bilgilerinden yazdırılmaya hazır NES başvuru paketleri
    (PDF) ve her kişiye bir e-posta hazırlar. Bir komutun ayrıntıları için: formkit KOMUT --help
    """


# --- profile ---------------------------------------------------------------------------------------


@cli.group("profile")
def profile_group() -> None:
    """Profili göster ya da denetle (il, banka hesabı, ücretler, adresler).

    Profil, ilden ile ve yıldan yıla değişen her şeyi tutan TOML dosyasıdır. DOSYA verilmezse
    yerleşik Mersin profili kullanılır.
    """


profile_file = click.argument("file", required=False, type=click.Path(dir_okay=False))


@profile_group.command("show")
@profile_file
@reports_errors
def profile_show(file: str | None) -> None:
    """Profili okunaklı yazdır: IBAN dörtlü gruplar, tutarlar TL biçiminde, toplam hesaplanmış."""
    from formkit import profile as profiles

    profile = load_profile(file)
    click.echo(profiles.describe(profile))
    warn_fees(profile)


@profile_group.command("check")
@profile_file
@reports_errors
def profile_check(file: str | None) -> None:
    """Profili denetle: IBAN, tutarlar, https adresleri, zorunlu anahtarlar. Hata varsa çıkış kodu 2."""
    from formkit import profile as profiles

    profile = load_profile(file)
    click.echo(f"profil geçerli: {profile.path or f'(yerleşik) {profiles.DEFAULT_PROFILE}'}")
    domain = profiles.placeholder_sender(profile.mail_from)
    if domain is not None:
        click.echo(
            f"uyarı: [mail] from ({profile.mail_from}) ayrılmış/örnek bir alan adında ({domain}); "
            "`formkit send` bu adresten göndermez: kurumunuzun gerçek e-posta adresini yazın",
            err=True,
        )
    if profile.fees.price_change is None:
        click.echo(texts.price_change_missing(), err=True)
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
    """Başvuru listesini (CSV, XLSX, XLS, ODS, JSON) denetle; her sorun için bir satır yaz.

    Her satırı akış hâlinde denetler (bellek sabit kalır); biçim dosyanın içeriğinden anlaşılır. Sorunlar
    dosyanın kendi sütun başlıklarıyla anılır (--json: alanların kısa adları).
    Çıkış kodu 0: bütün satırlar geçerli; 1: bazı satırlar hatalı; 2: dosya (ya da profil) kullanılamıyor.
    Sınırlar: FORMKIT_MAX_ROWS, FORMKIT_MAX_COLUMNS, FORMKIT_MAX_CELL_CHARS, FORMKIT_MAX_UNPACKED_MB (README).
    """
    from formkit.input import validate as validation
    from formkit.input.sources import open_table
    from formkit.input.validate import validate_stream

    if profile_path:
        load_profile(profile_path)
    table = open_table(Path(file), encoding=encoding)
    for warning in table.warnings:
        click.echo(f"uyarı: {warning}", err=True)
    total, results = validate_stream(table.rows)
    if as_json:
        summary = validation.report(results)
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        sys.exit(1 if summary["invalid"] else 0)
    invalid = 0
    for _raw, result in results:
        if isinstance(result, list):
            invalid += 1
            for problem in result:  # named by the user's own header ("T.C. KİMLİK NO"), as in errors.csv
                click.echo(replace(problem, field=table.header_for(problem.field)).line())
    click.echo(validation.count_line(table.source, total, invalid))
    sys.exit(1 if invalid else 0)


# --- fields / fill ---------------------------------------------------------------------------------


@cli.command("fields")
@click.argument("template", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Alan listesini JSON olarak yaz.")
@reports_errors
def fields_command(template: str, as_json: bool) -> None:
    """Bir PDF formunun doldurulabilir alanlarını listeler (ad, tür, sayfa, dikdörtgen, bayraklar).

    Her alan için tam adı, türü, sayfası, dikdörtgeni, bayrakları, en çok uzunluğu ve seçenekleri.
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
@click.option(
    "--strict", is_flag=True,
    help="Bir değer bile kullanılamazsa hiçbir şey yazma (çıkış kodu 2); verilmezse sığanlar doldurulur, "
    "sığmayanlar tek tek bildirilir (çıkış kodu 1).",
)  # fmt: skip
@reports_errors
def fill_command(
    template: str, data_path: str, map_path: str | None, output: str, editable: bool, strict: bool
) -> None:
    """Bir PDF formunu JSON değerleriyle doldurur; varsayılan çıktı baskıya hazır (düzleştirilmiş).

    --editable verilirse alanlar korunur (düzenlenebilir çıktı). Kullanılamayan bir değer (bilinmeyen alan,
    sığmıyor, hiçbir yazı tipinde olmayan karakter) alanıyla bildirilir ve dışarıda bırakılır, gerisi
    doldurulur, çıkış kodu 1 olur; --strict verilirse hiçbir şey yazılmaz. Hiçbir şeyi değiştirmeyen bir
    doldurma da bildirilir (çıkış kodu 1). Çıktı yolu var olan bir aygıt, FIFO, klasör ya da sembolik
    bağlantıysa üzerine yazılmaz.
    """
    from formkit.acroform import engine as forms

    parsed = forms.Template.from_path(template)
    for warning in parsed.warnings:
        click.echo(f"uyarı: {template}: {warning}", err=True)
    values = forms.load_values(data_path)
    try:
        if map_path:
            values = forms.apply_map(parsed, values, forms.load_map(map_path))
        result = parsed.fill_partial(values, flatten=not editable, strict=strict)
    except ValidationError as exc:  # name the values file in every line
        raise ValidationError([replace(p, source=p.source or data_path) for p in exc.problems]) from exc
    path = forms.write_pdf(output, result.pdf)
    for problem in result.problems:
        click.echo(f"hata: {replace(problem, source=problem.source or data_path).line()}", err=True)
    if not result.changed:
        click.echo(
            f"uyarı: {data_path}: hiçbir alan doldurulmadı; çıktı şablonla aynı değerleri taşıyor", err=True
        )
    kind = "düzenlenebilir" if editable else "düzleştirilmiş"
    left = f"; {len(result.problems)} değer kullanılamadı" if result.problems else ""
    click.echo(f"{path} yazıldı ({kind}, {len(result.pdf) // 1024} KB{left})")
    if result.problems or not result.changed:
        sys.exit(1)


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


# The option a user types for each canonical field, for messages ("--tc: ...", not "tc_kimlik_no: ...").
OPTION_FOR_FIELD: dict[str, str] = {
    **{field: option for option, field, _ in _APPLICANT_OPTIONS},
    "baska_marka_cihaz": "--baska-marka-cihaz",
}


def _name_options(exc: ValidationError, from_options: set[str], input_path: str | None) -> ValidationError:
    """The packet command's problems, each naming the option the user typed (or would type) for it.

    A value given as an option, or any field when there is no --input file, is named by its option;
    a problem of the --input file keeps the file's own row and field.
    """
    problems = []
    for problem in exc.problems:
        if problem.field in OPTION_FOR_FIELD and (input_path is None or problem.field in from_options):
            problem = replace(problem, field=OPTION_FOR_FIELD[problem.field], source=None, row=None)
        problems.append(problem)
    return ValidationError(problems)


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
@click.option("--editable", is_flag=True, help="Artık kullanılmıyor: paketteki veri sayfası doldurulmaz.")
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

    Kapak, form nüshaları, kontrol listesi ve (aile hekimi için) ödeme sayfası. PDF'in yolunu yazar.
    Bilgiler hatalıysa her sorun ayrı bir satırda yazılır, çıkış kodu 2 olur, dosya yazılmaz.
    """
    from formkit.packet.builder import build_packet, load_applicant, read_official_form, write_packet

    if form_path and editable:
        raise InputError("--form ile --editable birlikte kullanılamaz: resmi form zaten doldurulmuş bir PDF")

    overrides = {name: value for name, value in fields.items() if value is not None}
    if baska_marka_cihaz is not None:
        overrides["baska_marka_cihaz"] = "evet" if baska_marka_cihaz else "hayır"
    try:
        applicant = load_applicant(Path(input_path) if input_path else None, overrides)
    except ValidationError as exc:
        raise _name_options(exc, set(overrides), input_path) from exc
    profile = load_profile(profile_path)
    official = read_official_form(Path(form_path)) if form_path else None
    packet = build_packet(
        applicant, profile, official_form=official, editable=editable, official_label=str(form_path)
    )
    for warning in packet.warnings:
        click.echo(f"uyarı: {warning}", err=True)
    click.echo(str(write_packet(packet, Path(out_dir))))
    warn_fees(profile)


# --- batch -----------------------------------------------------------------------------------------


class _ProgressLine:
    """A one-line progress display on stderr (count, rate, time left), only when stderr is a terminal."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.started = time.monotonic()
        self.last = 0.0
        self.open = False  # a line was drawn without its newline

    def close(self) -> None:
        """End a half-drawn line, so that a message printed after it (e.g. disk full) starts on its own."""
        if self.open:
            click.echo("", err=True)
            self.open = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.2 and done < total):
            return
        self.last = now
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        left = (total - done) / rate if rate > 0 else 0.0
        click.echo(
            f"\r  {done}/{total} satır  {texts.decimal(rate):>5}/sn  "
            f"kalan {int(left) // 60}:{int(left) % 60:02d} ",
            err=True,
            nl=done >= total,
        )
        self.open = done < total


@cli.command()
@click.argument("input_file", metavar="DOSYA", type=click.Path(dir_okay=False))
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
@click.option(
    "--force",
    is_flag=True,
    help="Klasörde başka bir girdinin ya da profilin paketleri varsa onları silip bu işi yaz.",
)
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
    """Listenin (CSV, XLSX, ...) her geçerli satırı için bir paket üretir.

    Çıktı klasörüne packets/, manifest.json, errors.csv ve print/ yazar. Yeniden çalıştırınca yalnızca
    değişenler yeniden üretilir; disk dolarsa iş temiz biçimde durur ve yer açılınca kaldığı yerden
    sürer. Çıkış kodu 0: her satırın paketi hazır; 1: bazı satırlar hatalı ya da başarısız; 2: girdi
    hatası, disk dolu ya da klasörde başka bir işin paketleri var.
    """
    from formkit.batch import run as batches
    from formkit.packet.builder import read_official_form

    profile = load_profile(profile_path)
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
    progress = _ProgressLine()
    try:
        result = batches.run(Path(input_file), Path(out_dir), options, progress=progress)
    finally:
        progress.close()
    for warning in result.warnings:
        click.echo(f"uyarı: {warning}", err=True)
    click.echo(
        texts.batch_summary(
            rows=result.rows,
            ok=result.ok,
            built=result.built,
            up_to_date=result.up_to_date,
            invalid=result.invalid,
            failed=result.failed,
            pages=result.pages,
            seconds=result.seconds,
        )
    )
    if forms_dir or result.portal:
        click.echo(
            texts.batch_forms_summary(
                portal=result.portal,
                profile_form=result.profile_form,
                data_sheet=result.data_sheet,
                unpaired=result.unpaired_files,
            )
        )
    if result.print_files:
        click.echo(texts.batch_print_files(str(result.print_files[0].parent), len(result.print_files)))
    if result.invalid or result.failed or result.unpaired_files:
        click.echo(texts.batch_errors_file(str(Path(out_dir) / batches.ERRORS)), err=True)
    warn_fees(profile)
    sys.exit(result.exit_code)


# --- mail / send -----------------------------------------------------------------------------------


@cli.command("mail")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--outbox",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Giden kutusu klasörü (varsayılan: KLASÖR/outbox).",
)
@click.option("--from", "sender", default=None, help="Gönderen adresi; verilmezse profildeki mail.from.")
@click.option(
    "--max-size", default="10MB", show_default=True, help="Bir iletinin en büyük boyutu (ör. 10MB)."
)
@click.option(
    "--draft",
    is_flag=True,
    help="Outlook taslağı yaz (X-Unsent: 1; varsayılan klasör DIR/drafts): çift tıklayınca gönderilmemiş "
    "ileti olarak açılır, kendi posta kutunuzdan gönderirsiniz.",
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
    draft: bool,
    texts_dir: Path | None,
    profile_path: str | None,
) -> None:
    """Toplu işin her paketi için giden kutusuna bir e-posta (.eml) yazar.

    `formkit batch` çıktısındaki manifest.json dosyasını okur; paketi hazır her satır için sonraki
    adımları anlatan ve paketi ek olarak taşıyan bir ileti yazar. Hiçbir şey göndermez (bkz. formkit
    send). Çıkış kodu 0: her satırın iletisi hazır; 1: bazıları reddedildi; 2: klasör kullanılamıyor.
    """
    from formkit.mail.compose import parse_size
    from formkit.mail.outbox import write_outbox

    size = parse_size(max_size)
    profile = load_profile(profile_path)
    result = write_outbox(
        folder, profile, outbox=outbox, sender=sender, max_size=size, texts_dir=texts_dir, draft=draft
    )  # no fee warning here: `batch` gave it once for this run's packets
    for refusal in result.refused:
        click.echo(texts.mail_refused(refusal.line()), err=True)
    for path in result.removed:
        click.echo(texts.mail_removed(path.name), err=True)
    click.echo(
        texts.mail_summary(
            str(result.outbox),
            written=len(result.written),
            unchanged=len(result.unchanged),
            refused=len(result.refused),
            not_ok=result.not_ok,
        )
    )
    if draft:
        click.echo(texts.mail_drafts_hint())
    from formkit import profile as profiles

    domain = None if draft else profiles.placeholder_sender(sender or profile.mail_from)
    if domain is not None:
        click.echo(texts.mail_placeholder_sender(domain), err=True)
    sys.exit(result.exit_code)


@cli.command("send")
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--smtp-host", default=None, help="SMTP sunucusu (--dry-run ile gerekmez).")
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
    help="Giden kutusu klasörü (varsayılan: KLASÖR/outbox).",
)
@reports_errors
def send_command(
    folder: Path,
    smtp_host: str | None,
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
    """Giden kutusundaki iletileri SMTP ile gönderir; her iletiyi yalnızca bir kez.

    Her ileti mail-journal.sqlite günlüğüne yazılır; yeniden çalıştırınca yalnızca gönderilmemişler
    gönderilir. Çıkış kodu 0: hepsi gönderildi; 1: bazıları başarısız ya da belirsiz; 2: kullanım ya
    da bağlantı hatası.
    """
    from formkit.mail.send import RetryPolicy, send_outbox
    from formkit.mail.smtp import Security, SmtpSettings

    if starttls and use_ssl:
        raise InputError("--starttls ve --ssl birlikte kullanılamaz; birini seçin")
    if not smtp_host and not dry_run:
        raise InputError("--smtp-host gerekli (yalnızca --dry-run onsuz çalışır)")
    security: Security = "ssl" if use_ssl else "starttls" if starttls else "plain"
    password = None
    if user and not dry_run:
        password = os.environ.get("FORMKIT_SMTP_PASSWORD")
        if password is None:
            password = click.prompt(f"{user} için SMTP parolası", hide_input=True, err=True)
    settings = None
    if smtp_host:
        settings = SmtpSettings(
            host=smtp_host,
            port=smtp_port,
            security=security,
            user=user,
            password=password,
            ca_file=ca_file,
            timeout=timeout,
        )
    summary = send_outbox(
        folder,
        settings,
        outbox=outbox,
        rate=rate,
        dry_run=dry_run,
        retry_uncertain=retry_uncertain,
        retry=RetryPolicy(retries=retries, delay=retry_delay),
        echo=click.echo,
    )
    for line in summary.lines():
        click.echo(line)
    if dry_run:
        click.echo(texts.send_dry_run(len(summary.would_send)))
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

    Tek sayfalık formu sunar; geçerli bir başvuru paketin PDF'ini indirir. Varsayılan olarak yalnızca
    bu bilgisayardan (127.0.0.1) erişilir.
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


# --- the officer's desk ------------------------------------------------------------------------------

desk_folder = click.argument("folder", metavar="KLASÖR", type=click.Path(file_okay=False, path_type=Path))


@cli.command("receive")
@desk_folder
@click.argument("ref", metavar="PAKET_NO")
@click.option("--dekont", is_flag=True, help="Aile hekimi: banka dekontu da teslim edildi.")
@reports_errors
def receive_command(folder: Path, ref: str, dekont: bool) -> None:
    """Bir paketin teslim alındığını kaydet (kapaktaki barkod ya da paket numarası).

    Bilinmeyen ya da yanlış yazılmış paket numarası: çıkış kodu 2. İkinci okutma yeni kayıt eklemez ve
    paketin ilk ne zaman teslim alındığını söyler; sonradan verilen --dekont aile hekimi kaydını tamamlar.
    """
    from formkit.desk.receive import receive
    from formkit.desk.store import Store, os_user

    with Store(folder) as store:
        scan = receive(store, ref, dekont=dekont, who=os_user())
    click.echo(scan.message())


@cli.command("status")
@desk_folder
@click.option("--json", "as_json", is_flag=True, help="Sonucu JSON olarak yaz (betikler için).")
@click.option(
    "--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Excel için CSV dosyası da yaz (; ayraçlı, UTF-8 BOM).",
)  # fmt: skip
@reports_errors
def status_command(folder: Path, as_json: bool, csv_path: Path | None) -> None:
    """Her başvuru sahibinin durumu: hazırlandı → e-postalandı → teslim alındı → Kamu SM'ye gönderildi.

    Her kişi için bir satır (paket numarası, ad, başvuru türü, maskeli T.C. numarası, her adımın tarihi)
    ve sayımlar.
    """
    from formkit.desk import status
    from formkit.desk.store import Store
    from formkit.fileio import write_atomic

    with Store(folder) as store:
        rows = status.lines(store)
    if csv_path is not None:
        write_atomic(csv_path, status.as_csv(rows), error=InputError)
        click.echo(f"{csv_path} yazıldı ({len(rows)} satır)", err=as_json)
    if as_json:
        click.echo(status.as_json(rows))
    else:
        for line in status.text(rows):
            click.echo(line)


@cli.command("remind")
@desk_folder
@click.option(
    "--after", "after_days", type=click.IntRange(0, 3650), required=True, metavar="GÜN",
    help="E-postası en az bu kadar gün önce gönderilmiş ve hâlâ teslim etmemiş olanlara hatırlat.",
)  # fmt: skip
@profile_option
@reports_errors
def remind_command(folder: Path, after_days: int, profile_path: str | None) -> None:
    """Teslim etmeyenlere (kurum, aile hekimi) hatırlatma e-postası yaz; `formkit send` gönderir.

    E-postası en az GÜN gün önce gönderilmiş ve teslim etmemiş (ya da dekontu eksik) her kurum ve aile
    hekimi başvurusu için KLASÖR/outbox içine bir hatırlatma yazar. GÜN dolmadan yeniden çalıştırılırsa
    yeni bir şey yazmaz.
    """
    from formkit.desk import remind
    from formkit.desk.store import Store, os_user

    profile = load_profile(profile_path)
    with Store(folder) as store:
        result = remind.remind(store, profile, after_days=after_days, who=os_user())
    for line in remind.summary(result, after_days, folder):
        click.echo(line)
    sys.exit(result.exit_code)


@cli.command("dispatch")
@desk_folder
@click.option(
    "--again", "again", type=click.IntRange(min=1), default=None, metavar="NO",
    help="Daha önce hazırlanmış bir listeyi yeniden yazdır.",
)  # fmt: skip
@profile_option
@reports_errors
def dispatch_command(folder: Path, again: int | None, profile_path: str | None) -> None:
    """Teslim alınan ve henüz gönderilmemiş paketlerin Kamu SM listesini (PDF) hazırla, gönderildi say.

    Teslim alınmış ve henüz gönderilmemiş her paketi (aile hekimi: dekontuyla) listeler, gönderildi olarak
    işaretler ve PDF'in yolunu yazar; --again NO önceki bir listeyi yeniden yazar.
    """
    from formkit.desk import dispatch
    from formkit.desk.store import Store, os_user

    profile = load_profile(profile_path)
    with Store(folder) as store:
        if again is not None:
            listing = dispatch.recorded(store, again)
        else:
            new = dispatch.dispatch(store, who=os_user())
            if new is None or not new.items:
                click.echo("gönderilecek yeni paket yok")
                if new is not None and new.waiting_receipt:
                    click.echo(f"{new.waiting_receipt} aile hekimi paketi dekont bekliyor", err=True)
                return
            listing = new
        path = dispatch.write(store, profile, listing)
    if again is None:
        click.echo(f"liste {listing.id}: {len(listing.items)} paket Kamu SM'ye gönderildi olarak işaretlendi")
        if listing.waiting_receipt:
            click.echo(
                f"{listing.waiting_receipt} aile hekimi paketi dekont beklediği için listede yok", err=True
            )
    click.echo(str(path))


@cli.command("desk")
@desk_folder
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Dinlenecek adres (ağa açmak için 0.0.0.0)."
)
@click.option(
    "--port", default=8090, show_default=True, type=click.IntRange(0, 65535), help="Port (0: boş bir port)."
)
@click.option(
    "--set-password", "set_password", is_flag=True,
    help="Masa sayfasının parolasını belirle (terminal değilse standart girdiden okunur) ve çık.",
)  # fmt: skip
@profile_option
@reports_errors
def desk_command(folder: Path, host: str, port: int, set_password: bool, profile_path: str | None) -> None:
    """Masa sayfası: barkod okutma, durum listesi, Kamu SM listesi; giriş gerekir.

    Masayı bir web sayfası olarak sunar; --host başka bir şey demedikçe yalnızca 127.0.0.1 dinlenir.
    Önce --set-password ile parolayı belirleyin (yalnızca scrypt özeti saklanır).
    """
    from formkit.desk import auth
    from formkit.desk.store import Store, os_user

    if set_password:
        if sys.stdin.isatty():
            password = click.prompt("Yeni masa parolası", hide_input=True, confirmation_prompt=True, err=True)
        else:
            password = sys.stdin.readline().rstrip("\r\n")
        with Store(folder) as store:
            auth.set_password(store, password, who=os_user())
        click.echo(f"parola kaydedildi (scrypt özeti): {folder / 'desk.sqlite'}")
        return
    from formkit.desk.web import serve as serve_desk

    profile = load_profile(profile_path)
    serve_desk(
        folder,
        profile,
        host=host,
        port=port,
        announce=lambda line: click.echo(line, err=line.startswith("uyarı")),
    )


def main() -> None:
    """Console entry point."""
    cli(prog_name="formkit")


if __name__ == "__main__":
    main()
