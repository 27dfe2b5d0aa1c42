"""Raw rows → `Applicant` or the list of all their problems (pure functions, Turkish messages).

Every field is cleaned the same way first (control characters refused, surrounding spaces trimmed, inner
runs folded), then checked by its own rule. All problems of a row are collected before anything is
returned. Messages never contain a full T.C. number (KVKK): at most its masked form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date

from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.tr import tckimlik

from formkit import turkish
from formkit.errors import ValidationError
from formkit.input.sources import FIELDS, MOJIBAKE, RawRow, canonical_field
from formkit.model import Applicant, Problem, Track, mask_digit_runs, mask_tc

DEFAULT_SERTIFIKA_SURESI = "3 Yıl"
DEFAULT_KART_OKUYUCU = "Mini Kart Okuyucu"
EARLIEST_BIRTH = date(1900, 1, 1)

# Words people write in "Başvuru Türü", folded (turkish.fold) → track. Shown to users when nothing matches.
TRACK_WORDS: Mapping[Track, tuple[str, ...]] = {
    Track.KURUM: ("Doktor", "Yönetici", "Kurum"),
    Track.AILE_HEKIMI: ("Aile Hekimi",),
    Track.BIREYSEL: ("Bireysel", "Kişi Ödemeli"),
}
_MORE_TRACK_WORDS: Mapping[Track, tuple[str, ...]] = {  # accepted, but not listed in messages
    Track.KURUM: ("Kurum Ödemeli", "Yönetici / Doktor", "Doktor / Yönetici", "Dr", "Doktorlar"),
    Track.AILE_HEKIMI: ("Aile Hekimleri", "Aile Hekimliği"),
    Track.BIREYSEL: ("Bireysel Başvuru", "Kişi Ödemeli Başvuru", "Bireysel Kişi Ödemeli"),
}
_TRACK_INDEX: dict[str, Track] = {
    turkish.fold(word): track
    for track, words in TRACK_WORDS.items()
    for word in (track.value, *words, *_MORE_TRACK_WORDS.get(track, ()))
}

_YES = frozenset({"evet", "e", "var", "true", "dogru", "1", "x", "yes", "y"})
_NO = frozenset({"hayir", "h", "yok", "false", "yanlis", "0", "no", "n", ""})
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co"})
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+")
_EMAIL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_PHONE_CHARS = re.compile(r"[0-9+()\-./ ]+")
_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_NAME_FIELDS = ("ad", "soyad")
_NAME_MARKS = frozenset(" -'’.")  # besides letters: "Ayşe Nur", "Özgür-Kaya", "D'Souza", "M. Ali"

# The longest text each field may hold, chosen so that every valid record fits every page it is printed on
# (cover, data sheet or form copy, checklist, payment page) with every field at its limit at once, in wide
# capitals (tests/test_validate.py builds such packets for all three tracks). Fields share lines: the
# cover's return address is "Gönderen: AD SOYAD · POSTAKODU İLÇE/İL" in two lines at 5.5 pt at most, its
# organisation line is "kurum, birim" in three. Every limit is above the real values we know (the longest
# il name has 14 letters, the longest ilçe 16).
MAX_LENGTH: Mapping[str, int] = {
    "ad": 24, "soyad": 24, "dogum_yeri": 30, "e_posta": 90, "kurum": 100, "unvan": 60, "adres": 150,
    "il": 15, "ilce": 20, "birim": 60, "basvuru_turu": 40, "sertifika_suresi": 20, "kart_okuyucu": 40,
    "baska_marka_cihaz": 20, "tc_kimlik_no": 20, "dogum_tarihi": 20, "cep_telefonu": 25, "posta_kodu": 10,
}  # fmt: skip


def parse_track(text: str) -> Track | None:
    """The track a "Başvuru Türü" word stands for ("YÖNETİCİ" → kurum, "Kişi Ödemeli" → bireysel), or None."""
    return _TRACK_INDEX.get(turkish.fold(text)) if text.strip() else None


def accepted_track_words() -> str:
    """The accepted words, grouped by track, for the message shown when nothing matches."""
    return "; ".join(f"{', '.join(words)} → {track.value}" for track, words in TRACK_WORDS.items())


def validate_row(raw: RawRow, *, today: date | None = None) -> Applicant | list[Problem]:
    """One raw row → an Applicant, or every problem found in it."""
    applicant, problems, _tc = _check(raw.values, raw.source, raw.row, today or date.today(), raw.extra)
    return applicant if applicant is not None else problems


def validate_all(
    rows: Iterable[RawRow], *, today: date | None = None
) -> list[tuple[RawRow, Applicant | list[Problem]]]:
    """Validate every row, then flag a T.C. number found on more than one row on each such row."""
    day = today or date.today()
    checked: list[tuple[RawRow, Applicant | None, list[Problem], str | None]] = []
    seen: dict[str, list[int]] = {}
    for raw in rows:
        applicant, problems, tc = _check(raw.values, raw.source, raw.row, day, raw.extra)
        if tc is not None:
            seen.setdefault(tc, []).append(raw.row)
        checked.append((raw, applicant, problems, tc))
    return [
        (raw, _with_duplicates(raw, applicant, problems, tc, seen))
        for raw, applicant, problems, tc in checked
    ]


def validate_stream(
    rows: Callable[[], Iterable[RawRow]], *, today: date | None = None
) -> tuple[int, Iterator[tuple[RawRow, Applicant | list[Problem]]]]:
    """validate_all for inputs of any length: (row count, results row by row), memory flat in the rows.

    `rows` is called twice (a Table's `rows`): the first pass, done here, only notes on which rows each T.C.
    number stands; the second validates and yields row by row, with the same results as validate_all.
    """
    day = today or date.today()
    seen: dict[str, list[int]] = {}
    count = 0
    for raw in rows():
        count += 1
        tc = _tc_key(raw)
        if tc is not None:
            seen.setdefault(tc, []).append(raw.row)

    def results() -> Iterator[tuple[RawRow, Applicant | list[Problem]]]:
        for raw in rows():
            applicant, problems, tc = _check(raw.values, raw.source, raw.row, day, raw.extra)
            yield raw, _with_duplicates(raw, applicant, problems, tc, seen)

    return count, results()


def row_tc(raw: RawRow) -> str | None:
    """The row's valid T.C. number as validation reads it (None when invalid): for pairing files with rows."""
    return _tc_key(raw)


def _tc_key(raw: RawRow) -> str | None:
    """The row's T.C. number exactly as _check accepts it (None when invalid), for counting duplicates."""
    return _tc(_Row(raw.values, raw.source, raw.row))


def _with_duplicates(
    raw: RawRow,
    applicant: Applicant | None,
    problems: list[Problem],
    tc: str | None,
    seen: dict[str, list[int]],
) -> Applicant | list[Problem]:
    others = [row for row in seen.get(tc, []) if row != raw.row] if tc is not None else []
    if others:
        listed = ", ".join(str(row) for row in others)
        problems = [
            *problems,
            Problem(
                "tc_kimlik_no",
                f"aynı T.C. kimlik numarası ({mask_tc(tc or '')}) {listed}. satırda da var; "
                "hangisinin doğru olduğu bilinemez",
                raw.row,
                raw.source,
            ),
        ]
        applicant = None
    return applicant if applicant is not None else problems


def applicant_from_values(
    values: Mapping[str, str], *, source: str = "", row: int | None = None
) -> Applicant:
    """Canonical field names (or their header aliases) → Applicant; ValidationError lists every problem."""
    canonical: dict[str, str] = {}
    unknown: list[Problem] = []
    for key, value in values.items():
        name = key if key in FIELDS else canonical_field(key)
        if name is None:
            unknown.append(Problem(key, "bilinmeyen alan", row, source or None))
        elif name not in canonical:
            canonical[name] = "" if value is None else str(value)
    applicant, problems, _tc = _check(canonical, source or None, row, date.today(), ())
    problems = unknown + problems
    if problems or applicant is None:
        raise ValidationError(problems)
    return applicant


# --- the rules -----------------------------------------------------------------------------------------


class _Row:
    """Collects the cleaned values and the problems of one row."""

    def __init__(self, values: Mapping[str, str], source: str | None, row: int | None) -> None:
        self.values = values
        self.source = source
        self.row = row
        self.problems: list[Problem] = []

    def fail(self, name: str, message: str) -> None:
        self.problems.append(Problem(name, message, self.row, self.source))

    def text(self, name: str) -> str | None:
        """The cleaned value ("" when absent); None when it holds control characters or garbled letters."""
        value = (self.values.get(name) or "").strip(" \t\u00a0")
        bad = None
        if not value.isprintable():  # fast path: printable text holds none of the forbidden categories
            bad = next((ch for ch in value if unicodedata.category(ch) in _FORBIDDEN_CATEGORIES), None)
        if bad is not None:
            self.fail(name, f"kontrol karakteri içeremez (U+{ord(bad):04X}: satır sonu, sekme vb.); silin")
            return None
        if MOJIBAKE.search(value):
            self.fail(name, "Türkçe harfler bozuk görünüyor; dosya yanlış kodlamayla kaydedilmiş olabilir")
            return None
        value = turkish.normalise_space(value)
        limit = MAX_LENGTH.get(name)
        if limit is not None and len(value) > limit:
            self.fail(name, f"en çok {limit} karakter olabilir ({len(value)} karakter var); kısaltın")
            return None
        return value

    def required(self, name: str) -> str:
        value = self.text(name)
        if value == "":
            self.fail(name, "boş olamaz")
        return value or ""


def _check(
    values: Mapping[str, str], source: str | None, row: int | None, today: date, extra: tuple[str, ...]
) -> tuple[Applicant | None, list[Problem], str | None]:
    """Run every rule; return the applicant (or None), the problems and the T.C. number when it is valid."""
    r = _Row(values, source, row)
    if extra:
        r.fail("satır", f"başlıktan fazla hücre var ({len(extra)}); bir değerde tırnaksız ayraç olabilir")
    names = {name: r.required(name) for name in _NAME_FIELDS}
    for name, value in names.items():
        if value and (any(ch.isdigit() for ch in value) or not any(ch.isalpha() for ch in value)):
            r.fail(name, "harflerden oluşmalı, rakam içeremez")
        elif value and any(not (ch.isalpha() or ch in _NAME_MARKS) for ch in value):
            r.fail(name, "yalnızca harf, boşluk, kesme işareti (') ve tire (-) içerebilir")
    tc = _tc(r)
    birth = _birth_date(r, today)
    e_posta = _email(r)
    phone = _phone(r)
    posta_kodu = _postcode(r)
    texts = {name: r.required(name) for name in ("dogum_yeri", "kurum", "unvan", "adres", "il", "ilce")}
    track = _basvuru_turu(r)
    birim = r.text("birim") or ""
    sertifika = _sertifika_suresi(r)
    kart = r.text("kart_okuyucu") or DEFAULT_KART_OKUYUCU
    baska = _yes_no(r, "baska_marka_cihaz")
    if r.problems or tc is None or birth is None or track is None or baska is None:
        return None, r.problems, tc
    applicant = Applicant(
        ad=names["ad"], soyad=names["soyad"], tc_kimlik_no=tc, dogum_tarihi=birth,
        dogum_yeri=texts["dogum_yeri"], e_posta=e_posta, cep_telefonu=phone, kurum=texts["kurum"],
        unvan=texts["unvan"], adres=texts["adres"], il=texts["il"], ilce=texts["ilce"],
        posta_kodu=posta_kodu, track=track, birim=birim, sertifika_suresi=sertifika,
        kart_okuyucu=kart, baska_marka_cihaz=baska, row=row,
    )  # fmt: skip
    return applicant, r.problems, tc


def _tc(r: _Row) -> str | None:
    value = r.required("tc_kimlik_no")
    if not value:
        return None
    if _SCIENTIFIC.fullmatch(value):
        r.fail(
            "tc_kimlik_no",
            "Excel sayıyı bilimsel gösterime çevirmiş (ör. 2,58814E+10) ve haneler kayboldu; "
            "sütunu 'Metin' biçimine alıp numaraları yeniden girin ya da dosyayı yeniden dışa aktarın",
        )
        return None
    compact = re.sub(r"\.0+$", "", value.replace(" ", ""))  # a number cell written as 25881399814.0
    try:
        return str(tckimlik.validate(compact))
    except InvalidLength:
        digits = sum(ch.isdigit() for ch in compact)
        r.fail("tc_kimlik_no", f"11 haneli olmalı ({digits} hane var)")
    except InvalidFormat:
        if compact.isdigit() and compact.startswith("0"):
            r.fail("tc_kimlik_no", "0 ile başlayamaz")
        else:
            r.fail("tc_kimlik_no", "yalnızca rakamlardan oluşmalı")
    except InvalidChecksum:
        r.fail("tc_kimlik_no", "geçerli bir T.C. kimlik numarası değil (kontrol haneleri tutmuyor)")
    except StdnumError:
        r.fail("tc_kimlik_no", "geçerli bir T.C. kimlik numarası değil")
    return None


def _birth_date(r: _Row, today: date) -> date | None:
    value = r.required("dogum_tarihi")
    if not value:
        return None
    dmy = _DMY.fullmatch(value)
    ymd = _YMD.fullmatch(value)
    if dmy:
        day, month, year = (int(part) for part in dmy.groups())
    elif ymd:
        year, month, day = (int(part) for part in ymd.groups())
    else:
        r.fail("dogum_tarihi", "gg.aa.yyyy biçiminde olmalı (ör. 12.04.1978)")
        return None
    try:
        born = date(year, month, day)
    except ValueError:
        r.fail("dogum_tarihi", f"gerçek bir tarih değil ({value})")
        return None
    if born >= today:
        r.fail("dogum_tarihi", f"geçmiş bir tarih olmalı ({turkish.format_date(born)})")
        return None
    if born < EARLIEST_BIRTH:
        r.fail("dogum_tarihi", f"{EARLIEST_BIRTH.year} yılından önce olamaz ({turkish.format_date(born)})")
        return None
    return born


def _email(r: _Row) -> str:
    value = r.required("e_posta")
    if not value:
        return ""
    if " " in value:
        r.fail("e_posta", "boşluk içeremez")
    elif value.count("@") != 1:
        r.fail("e_posta", "tek bir @ içeren bir e-posta adresi olmalı")
    elif not value.isascii():
        r.fail("e_posta", "Türkçe harf içeremez (ş→s, ı→i, ğ→g, ü→u, ö→o, ç→c)")
    elif not _EMAIL.fullmatch(value) or ".." in value or value.startswith(".") or ".@" in value:
        r.fail("e_posta", "geçerli bir e-posta adresi değil (ör. ad.soyad@saglik.gov.tr)")
    else:
        local, _, domain = value.partition("@")
        labels = domain.split(".")
        if any(not label or label.startswith("-") or label.endswith("-") for label in labels) or not (
            labels[-1].isalpha() and len(labels[-1]) >= 2
        ):
            r.fail("e_posta", "alan adı geçerli değil (ör. saglik.gov.tr)")
        else:
            return f"{local}@{domain.lower()}"
    return ""


def _phone(r: _Row) -> str:
    value = r.required("cep_telefonu")
    if not value:
        return ""
    if not _PHONE_CHARS.fullmatch(value) or "+" in value[1:]:
        r.fail("cep_telefonu", "yalnızca rakam, boşluk, +, ( ) ve - içerebilir (ör. 0532 412 33 10)")
        return ""
    digits = re.sub(r"\D", "", value)
    if value.startswith("+") and not digits.startswith("90"):
        r.fail("cep_telefonu", "Türkiye'de kayıtlı bir cep telefonu olmalı (+90)")
        return ""
    for prefix in ("0090", "90", "0"):
        if len(digits) == 10 + len(prefix) and digits.startswith(prefix):
            digits = digits[len(prefix) :]
            break
    if len(digits) != 10:
        r.fail("cep_telefonu", "10 haneli bir cep telefonu olmalı (ör. 0532 412 33 10)")
        return ""
    if not digits.startswith("5"):
        r.fail("cep_telefonu", "cep telefonu 5 ile başlamalı (05xx); sabit hat olamaz, SMS kodu buraya gelir")
        return ""
    return digits


def _postcode(r: _Row) -> str:
    value = r.required("posta_kodu").replace(" ", "")
    if not value:
        return ""
    if re.fullmatch(r"\d{4}", value):
        r.fail("posta_kodu", "5 haneli olmalı; Excel baştaki 0'ı silmiş olabilir (ör. 01000)")
    elif not re.fullmatch(r"\d{5}", value):
        r.fail("posta_kodu", "5 haneli olmalı (ör. 33100)")
    elif not 1 <= int(value[:2]) <= 81:
        r.fail("posta_kodu", "ilk iki hane il plaka kodu olmalı (01-81)")
    else:
        return value
    return ""


def _basvuru_turu(r: _Row) -> Track | None:
    value = r.required("basvuru_turu")
    if not value:
        return None
    track = parse_track(value)
    if track is None:
        shown = mask_digit_runs(value if len(value) <= 40 else value[:37] + "...")
        r.fail("basvuru_turu", f"'{shown}' tanınmadı; kabul edilenler: {accepted_track_words()}")
    return track


def _sertifika_suresi(r: _Row) -> str:
    value = r.text("sertifika_suresi")
    if not value:
        return DEFAULT_SERTIFIKA_SURESI
    match = re.fullmatch(r"([123])\s*(?:yıl|yil|yıllık|yillik)?", turkish.lower(value))
    if match is None:
        r.fail("sertifika_suresi", "1, 2 ya da 3 yıl olmalı (ör. 3 Yıl)")
        return ""
    return f"{match.group(1)} Yıl"


def _yes_no(r: _Row, name: str) -> bool | None:
    value = r.text(name)
    if value is None:
        return None
    folded = turkish.fold(value)
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    r.fail(name, "evet ya da hayır olmalı (kabul edilenler: evet, hayır, true, false, 1, 0, x, boş)")
    return None


# --- reports -------------------------------------------------------------------------------------------

Result = tuple[RawRow, Applicant | list[Problem]]


def report(results: Iterable[Result]) -> dict[str, object]:
    """The `formkit validate --json` document: counts, then one entry per row (field = canonical name)."""
    rows: list[dict[str, object]] = []
    valid = invalid = 0
    for raw, result in results:
        problems = result if isinstance(result, list) else []
        valid += not problems
        invalid += bool(problems)
        rows.append(
            {
                "row": raw.row,
                "ok": not problems,
                "problems": [{"field": p.field, "message": p.message} for p in problems],
            }
        )
    return {"valid": valid, "invalid": invalid, "rows": rows}


def summary_line(source: str, results: list[Result]) -> str:
    """One Turkish line after the problems: how many rows, how many valid."""
    return count_line(source, len(results), sum(isinstance(result, list) for _, result in results))


def count_line(source: str, total: int, invalid: int) -> str:
    """summary_line from counts (for a streamed validation)."""
    if not invalid:
        return f"{source}: {total} satır, hepsi geçerli"
    return f"{source}: {total} satır; {total - invalid} geçerli, {invalid} hatalı"


__all__ = [
    "DEFAULT_KART_OKUYUCU",
    "DEFAULT_SERTIFIKA_SURESI",
    "EARLIEST_BIRTH",
    "MAX_LENGTH",
    "TRACK_WORDS",
    "Result",
    "accepted_track_words",
    "applicant_from_values",
    "count_line",
    "parse_track",
    "report",
    "row_tc",
    "summary_line",
    "validate_all",
    "validate_row",
    "validate_stream",
]
