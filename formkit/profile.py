"""Load and check profiles: the TOML file holding every province- and year-specific fact.

A bad profile is reported as one line per problem, each naming its key, and raised once (exit 2).
"""

from __future__ import annotations

import hashlib
import re
import string
import tomllib
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError

from formkit import desktable, texts, turkish
from formkit.errors import ProfileError
from formkit.model import (
    BankAccount,
    FeeItem,
    Fees,
    PostalAddress,
    Procedure,
    Profile,
    Rule,
    Source,
    Urls,
)
from formkit.resources import asset

DEFAULT_PROFILE = "mersin.toml"
PLACEHOLDERS = frozenset({"AD", "SOYAD", "TC", "ad", "soyad", "AD_SOYAD", "ad_soyad"})
MAX_COPIES = 5  # more signed copies than this is a typo, not a procedure

# Placeholders a sentence of `[texts]` may use (content.text_values fills them per packet).
TEXT_PLACEHOLDERS = frozenset(
    {
        "portal", "online_islemler", "odeme", "fees_url", "fees_date", "officer", "copies", "total", "sum",
        "receipt_email", "extra_document", "kamusm_phone", "form_title", "copy_label", "ref", "bank",
    }
)  # fmt: skip
# Every sentence the code asks for; a profile must give each, with its source.
REQUIRED_TEXTS = (
    "step.system", "step.system.bireysel", "step.security_word",
    "step.print.data-sheet", "step.print.portal", "step.print.profile",
    "step.hand_in.kurum", "step.pay.aile-hekimi", "step.hand_in.aile-hekimi", "step.post.bireysel",
    "step.no_post.bireysel", "step.pay.bireysel", "step.after", "step.after.officer",
    "sign.rule", "sign.data-sheet", "stamp.main", "stamp.second",
    "fee.kurum", "fee.aile-hekimi", "fee.bireysel", "fee.date", "fee.stale",
    "payment.letter", "payment.tc_note",
    "datasheet.head", "datasheet.intro", "datasheet.intro.bireysel", "datasheet.mernis",
    "datasheet.address", "datasheet.security_word",
    "contents.cover", "contents.data-sheet", "contents.portal", "contents.profile", "contents.checklist",
    "contents.payment", "side.kurum", "side.aile-hekimi", "side.envelope", "side.fee.kurum",
    "side.fee.aile-hekimi", "side.ptt", "side.ptt_hint", "side.no_post", "contacts.ref",
    "payment.staple", "payment.staple_hint", "payment.exact",
    "mail.packet",
    "web.lead", "web.kurum", "web.aile-hekimi", "web.bireysel", "web.device", "web.address", "web.printout",
)  # fmt: skip
# required when the profile says; "mail.print" is accepted but no longer used (mails use "step.print.*")
OPTIONAL_TEXTS = ("receipt.paper", "receipt.email", "step.extra_document", "mail.print")
RECEIPT_WAYS = ("paper", "email")
SOURCED_SECTIONS = ("officer", "kamusm", "bank", "fees", "urls", "form", "procedure")


def default_path() -> Path:
    """The built-in profile shipped with the package."""
    return asset("profiles", DEFAULT_PROFILE)


def load(path: Path | str | None = None) -> Profile:
    """Read and check a profile (None: the built-in one); a ProfileError lists every problem."""
    file = Path(path) if path is not None else default_path()
    label = str(path) if path is not None else f"(yerleşik) {DEFAULT_PROFILE}"
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise ProfileError(f"{label}: profil okunamadı ({exc.strerror or exc})") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ProfileError(f"{label}: profil UTF-8 değil") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{label}: geçerli bir TOML dosyası değil ({exc})") from exc
    reader = _Reader(label, data)
    profile = reader.profile(
        path="" if path is None else str(path), fingerprint=hashlib.sha256(raw).hexdigest()
    )
    if reader.problems or profile is None:
        raise ProfileError("\n".join(reader.problems))
    return profile


def placeholder_sender(address: str) -> str | None:
    """The reserved or placeholder domain (RFC 2606, RFC 6761) of a sender address, or None for a real one.

    The shipped profile's `[mail] from` is `…@mersin-ism.example`: fine for making packets and drafts, but no
    mail may go out from it (`formkit send` refuses, `formkit profile check` says so).
    """
    domain = address.strip().rstrip(">").rpartition("@")[2].strip().rstrip(".").lower()
    if not domain or domain.split(".")[-1] in ("example", "test", "invalid", "localhost", "local"):
        return domain or address
    if any(domain == d or domain.endswith("." + d) for d in ("example.com", "example.org", "example.net")):
        return domain
    return None


def fee_warning(profile: Profile, today: date | None = None) -> str | None:
    """A one-line warning when the profile's fees predate Kamu SM's last known price change (`[fees]
    price_change`, printed with its source) or are more than a year old."""
    today = today or date.today()
    fees = profile.fees
    change = fees.price_change
    changed = change is not None and fees.valid_from < change <= today
    if not changed and (today - fees.valid_from).days <= 365:
        return None
    if not changed:
        return texts.fee_warning(fees.valid_from, None, profile.urls.fees)
    source = "; ".join(profile.sources[key].cite() for key in fees.price_change_sources)
    return texts.fee_warning(fees.valid_from, change, profile.urls.fees, source)


def place_line(address: PostalAddress) -> str:
    """The last line of a Turkish address: `41470 Gebze/KOCAELİ` (postcode, district/PROVINCE)."""
    province = turkish.upper(address.province)
    place = f"{address.district}/{province}" if address.district else province
    return turkish.normalise_space(f"{address.postcode} {place}")


def address_lines(address: PostalAddress) -> list[str]:
    """An address as a Turkish label writes it: name, organisation, lines, then `POSTAKODU İlçe/İL`."""
    lines = [address.name, *address.organisation, *address.lines, place_line(address)]
    return [turkish.normalise_space(line) for line in lines if line.strip()]


def describe(profile: Profile) -> str:
    """The profile as readable Turkish text (`formkit profile show`): IBAN grouped, amounts in TL format."""
    fees = profile.fees
    width = max([len(item.name) for item in fees.items] + [len("Toplam")])
    amounts = [turkish.format_amount(item.amount, fees.currency) for item in fees.items]
    total = turkish.format_amount(fees.total, fees.currency)
    money = max(len(text) for text in [*amounts, total])
    lines = [
        f"Profil: {profile.name} ({profile.province})",
        f"Dosya: {profile.path or f'(yerleşik) {DEFAULT_PROFILE}'}",
        f"Kaynak tarihi: {turkish.format_date(profile.source_date)}",
        f"Parmak izi (SHA-256): {profile.fingerprint[:16]}",
        "",
        "E-imza Kurum Yetkilisi (kurum ve aile hekimi başvuruları):",
        *(f"  {line}" for line in address_lines(profile.officer)),
        "",
        "Kamu SM (bireysel başvurularda ıslak imzalı form):",
        *(f"  {line}" for line in address_lines(profile.kamusm)),
        f"  Telefon: {profile.kamusm_phone}",
        "",
        "Banka hesabı (aile hekimleri):",
        f"  IBAN:     {turkish.group_iban(profile.bank.iban)}",
        f"  Banka:    {profile.bank.bank}",
        f"  Alıcı:    {profile.bank.recipient}",
        f"  Açıklama: {profile.bank.description_template}",
        "",
        f"Ücretler ({turkish.format_date(fees.valid_from)} tarihinden itibaren):",
        *(
            f"  {item.name:<{width}}  {amount:>{money}}"
            for item, amount in zip(fees.items, amounts, strict=True)
        ),
        f"  {'Toplam':<{width}}  {total:>{money}}",
        *_describe_price_change(profile),
        "",
        "Web adresleri:",
        f"  Başvuru portalı:  {profile.urls.portal}",
        f"  Online işlemler:  {profile.urls.online_islemler}",
        f"  Online ödeme:     {profile.urls.payment}",
    ]
    if profile.urls.fees:
        lines.append(f"  Güncel ücretler:  {profile.urls.fees}")
    if profile.form_template:
        lines += ["", "İlin kendi formu:", f"  {profile.form_title} ({profile.form_template})"]
    lines += ["", "E-posta:", f"  Gönderen:     {profile.mail_from}"]
    if profile.mail_reply_to:
        lines.append(f"  Yanıt adresi: {profile.mail_reply_to}")
    lines += [
        "",
        *_describe_procedure(profile),
        "",
        "Kurallar ve kaynakları (pakette, e-postada, web sayfasında):",
    ]
    for key, rule in profile.texts.items():
        lines += [f"  [{key}] {rule.text}", f"      Kaynak: {profile.cite(key)}"]
    lines += ["", "Kaynaklar:"]
    lines += [f"  {key}: {source.cite()}" for key, source in profile.sources.items()]
    return "\n".join(lines)


def _describe_price_change(profile: Profile) -> list[str]:
    """Kamu SM's last known price change with its source (`[fees] price_change`), for `profile show`."""
    fees = profile.fees
    if fees.price_change is None:
        return []
    cite = "; ".join(profile.sources[key].cite() for key in fees.price_change_sources)
    return [
        f"  Kamu SM fiyat değişikliği: {turkish.format_date(fees.price_change)}",
        f"      Kaynak: {cite}",
    ]


def _describe_procedure(profile: Profile) -> list[str]:
    """The province's hand-in rules in words, for `profile show`."""
    proc = profile.procedure
    receipt = (
        "başvuru formuyla birlikte kâğıt olarak"
        if proc.receipt == "paper"
        else f"e-postayla: {proc.receipt_email}"
    )
    cite = "; ".join(profile.sources[key].cite() for key in proc.sources if key in profile.sources)
    return [
        "Teslim usulü:",
        f"  Nüsha sayısı (kurum, aile hekimi): {profile.copies}",
        f"  Nüsha sayısı (bireysel):          {proc.bireysel_copies}",
        f"  Ek belge:                         {proc.extra_document or 'yok'}",
        f"  Banka dekontu:                    {receipt}",
        f"  Kaynak: {cite}",
    ]


class _Reader:
    """Pulls typed values out of the TOML tree, collecting one problem per bad key."""

    def __init__(self, label: str, data: Mapping[str, Any]) -> None:
        self.label = label
        self.data = data
        self.problems: list[str] = []

    def fail(self, key: str, message: str) -> None:
        self.problems.append(f"{self.label}: {key}: {message}")

    def get(self, key: str) -> Any:
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return None
            node = node[part]
        return node

    def text(self, key: str, *, required: bool = True) -> str:
        value = self.get(key)
        if value is None:
            if required:
                self.fail(key, "eksik")
            return ""
        if not isinstance(value, str):
            self.fail(key, "metin olmalı")
            return ""
        if required and not value.strip():
            self.fail(key, "boş olamaz")
        return value.strip()

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, "metin listesi olmalı")
            return ()
        return tuple(v.strip() for v in value if v.strip())

    def count(self, key: str, *, default: int, most: int) -> int:
        value = self.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
            self.fail(key, f"1 ile {most} arasında bir tam sayı olmalı")
            return default
        return value

    def form_template(self, profile_path: str) -> str:
        """[form] template: the province form's path, resolved against the profile's folder; it must exist."""
        value = self.text("form.template", required=False)
        if not value:
            return ""
        base = Path(profile_path).parent if profile_path else default_path().parent
        path = (base / value).resolve()
        if not path.is_file():
            self.fail("form.template", f"dosya bulunamadı: {path}")
        return str(path)

    def form_fields(self) -> tuple[tuple[str, str], ...]:
        """[form.fields]: template field name → the applicant value that fills it."""
        value = self.get("form.fields")
        if value is None:
            if self.get("form.template"):
                self.fail("form.fields", "şablonun alan eşlemesi eksik ([form.fields])")
            return ()
        if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
            self.fail("form.fields", '"şablon alanı" = "başvuru alanı" biçiminde olmalı')
            return ()
        return tuple((str(k), str(v)) for k, v in value.items())

    def day(self, key: str) -> date:
        value = self.get(key)
        if isinstance(value, date):
            return value
        self.fail(key, "eksik" if value is None else "tarih olmalı (YYYY-AA-GG)")
        return date(1970, 1, 1)

    def url(self, key: str, *, required: bool = True) -> str:
        value = self.text(key, required=required)
        if value and not re.fullmatch(r"https://[^\s/]+\.[^\s/]+(/\S*)?", value):
            self.fail(key, f"https ile başlayan bir web adresi olmalı: {value!r}")
        return value

    def address(self, key: str) -> PostalAddress:
        postcode = self.text(f"{key}.postcode", required=False)
        if postcode and not re.fullmatch(r"\d{5}", postcode):
            self.fail(f"{key}.postcode", "5 haneli posta kodu olmalı")
        return PostalAddress(
            name=self.text(f"{key}.name"),
            organisation=self.texts(f"{key}.organisation"),
            lines=self.texts(f"{key}.lines"),
            postcode=postcode,
            district=self.text(f"{key}.district", required=False),
            province=self.text(f"{key}.province"),
        )

    def iban(self, key: str) -> str:
        value = self.text(key)
        if not value:
            return ""
        try:
            return str(stdnum_iban.validate(value))
        except StdnumError:
            self.fail(key, f"geçerli bir IBAN değil: {value}")
            return ""

    def template(self, key: str) -> str:
        value = self.text(key)
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError:
            self.fail(key, "süslü parantezler eşleşmiyor")
            return value
        unknown = sorted(names - PLACEHOLDERS)
        if unknown:
            allowed = " ".join("{" + p + "}" for p in sorted(PLACEHOLDERS))
            self.fail(key, f"bilinmeyen yer tutucu {', '.join(unknown)}; kullanılabilenler: {allowed}")
        elif not {"TC"} <= names:
            self.fail(key, "açıklama T.C. kimlik numarasını ({TC}) içermeli")
        return value

    def fees(self) -> Fees:
        items: list[FeeItem] = []
        raw_items = self.get("fees.items")
        if not isinstance(raw_items, list) or not raw_items:
            self.fail("fees.items", "en az bir ücret kalemi olmalı")
            raw_items = []
        for index, raw in enumerate(raw_items, start=1):
            key = f"fees.items[{index}]"
            if not isinstance(raw, Mapping):
                self.fail(key, "{ name = ..., amount = ... } biçiminde olmalı")
                continue
            name = raw.get("name")
            amount = _decimal(raw.get("amount"))
            if not isinstance(name, str) or not name.strip():
                self.fail(f"{key}.name", "boş olamaz")
                name = ""
            if amount is None or amount <= 0:
                self.fail(f"{key}.amount", 'pozitif bir tutar olmalı (ör. "780.00")')
                amount = Decimal("0")
            items.append(FeeItem(name=name.strip(), amount=amount))
        if self.get("fees.total") is not None:
            self.fail("fees.total", "toplam yazılmaz, kalemlerden hesaplanır; bu anahtarı silin")
        change: date | None = None
        change_sources: tuple[str, ...] = ()
        if self.get("fees.price_change") is not None:  # a missing one: `formkit profile check` warns
            change = self.day("fees.price_change")
            change_sources = self.source_keys("fees.price_change_source")
        return Fees(
            valid_from=self.day("fees.valid_from"),
            items=tuple(items),
            currency=self.text("fees.currency", required=False) or "TL",
            price_change=change,
            price_change_sources=change_sources,
        )

    def source_keys(self, key: str, value: Any = None) -> tuple[str, ...]:
        """`source = "seed"` or `source = ["seed", "other"]`, each a key of [sources]; a problem if none.

        value: the raw value when the caller already has it (keys of [texts] contain dots).
        """
        if value is None:
            value = self.get(key)
        if value is None or value == "" or value == []:
            self.fail(
                key, 'kaynak yok: kaynağını yazın (source = "seed" ya da [sources] altındaki bir anahtar)'
            )
            return ()
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            self.fail(key, "kaynak bir metin ya da metin listesi olmalı")
            return ()
        known = self.get("sources")
        unknown = [n for n in names if not isinstance(known, Mapping) or n not in known]
        if unknown:
            self.fail(key, f"bilinmeyen kaynak {', '.join(unknown)}; [sources] altında tanımlayın")
        return tuple(n.strip() for n in names)

    def sources(self) -> dict[str, Source]:
        raw = self.get("sources")
        if not isinstance(raw, Mapping) or not raw:
            self.fail("sources", "eksik: her kuralın kaynağı [sources.<anahtar>] altında olmalı")
            return {}
        out: dict[str, Source] = {}
        for name in raw:
            key = f"sources.{name}"
            title = self.text(f"{key}.title", required=False)
            url = self.url(f"{key}.url", required=False)
            if not title and not url:
                self.fail(key, "başlık (title) ya da web adresi (url) olmalı")
            recorded = self.get(f"{key}.recorded") is not None and self.get(f"{key}.date") is None
            day = self.day(f"{key}.recorded" if recorded else f"{key}.date")
            out[name] = Source(key=name, title=title, url=url, date=day, recorded=recorded)
        return out

    def rules(self, receipt: str, extra_document: str) -> dict[str, Rule]:
        """[texts."key"]: each sentence with its sources; every sentence the code uses must be there."""
        raw = self.get("texts")
        if not isinstance(raw, Mapping) or not raw:  # an older profile: say it once, not once per sentence
            self.fail(
                "texts",
                "eksik: pakette, e-postada ve web sayfasında yazan her cümle kaynağıyla burada olmalı; "
                f"yerleşik profilin ({DEFAULT_PROFILE}) [sources] ve "
                '[texts."..."] tablolarını kopyalayıp uyarlayın',
            )
            return {}
        required = [*REQUIRED_TEXTS, "receipt.email" if receipt == "email" else "receipt.paper"]
        if extra_document:
            required.append("step.extra_document")
        out: dict[str, Rule] = {}
        for name in required:
            if name not in raw:
                self.fail(f'texts."{name}"', "eksik: bu cümle kullanılıyor; kaynağıyla birlikte yazın")
        known = {*REQUIRED_TEXTS, *OPTIONAL_TEXTS}
        for name, node in raw.items():
            key = f'texts."{name}"'
            if name not in known:  # a typo would leave the real sentence missing and this one unused
                self.fail(key, "bilinmeyen cümle anahtarı (yazım hatası mı?); bkz. formkit profile show")
                continue
            if not isinstance(node, Mapping):
                self.fail(key, '{ text = "...", source = "..." } biçiminde olmalı')
                continue
            text = node.get("text")
            if not isinstance(text, str) or not text.strip():
                self.fail(f"{key}.text", "eksik ya da boş")
                text = ""
            sources = self.source_keys(f"{key}.source", node.get("source"))
            self._check_placeholders(key, text)
            out[name] = Rule(key=name, text=text.strip(), sources=sources)
        return out

    def _check_placeholders(self, key: str, value: str) -> None:
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError:
            self.fail(key, "süslü parantezler eşleşmiyor")
            return
        unknown = sorted(names - TEXT_PLACEHOLDERS)
        if unknown:
            allowed = " ".join("{" + p + "}" for p in sorted(TEXT_PLACEHOLDERS))
            self.fail(key, f"bilinmeyen yer tutucu {', '.join(unknown)}; kullanılabilenler: {allowed}")

    def procedure(self) -> Procedure:
        bireysel = self.count("procedure.bireysel_copies", default=2, most=MAX_COPIES)
        receipt = self.text("procedure.receipt", required=False) or "paper"
        if receipt not in RECEIPT_WAYS:
            self.fail("procedure.receipt", f'"paper" ya da "email" olmalı, {receipt!r} verildi')
        email = self.text("procedure.receipt_email", required=False)
        if receipt == "email" and "@" not in email:
            self.fail(
                "procedure.receipt_email",
                'dekont e-postayla alınıyorsa (receipt = "email") bir e-posta adresi olmalı',
            )
        return Procedure(
            bireysel_copies=bireysel,
            extra_document=self.text("procedure.extra_document", required=False),
            receipt=receipt,
            receipt_email=email,
            sources=self.source_keys("procedure.source") if self.get("procedure") is not None else (),
        )

    def profile(self, *, path: str, fingerprint: str) -> Profile | None:
        mail_from = self.text("mail.from")
        if mail_from and "@" not in mail_from:
            self.fail("mail.from", "bir e-posta adresi içermeli")
        sources = self.sources()
        for section in SOURCED_SECTIONS:
            if section != "procedure" and self.get(section) is not None:
                self.source_keys(f"{section}.source")
        procedure = self.procedure()
        for key, message in desktable.check(self.get("desk"), self.get("sources")).problems:
            self.fail(f"desk.{key}" if key else "desk", message)
        profile = Profile(
            name=self.text("profile.name"),
            province=self.text("profile.province"),
            source_date=self.day("profile.source_date"),
            officer=self.address("officer"),
            kamusm=self.address("kamusm"),
            kamusm_phone=self.text("kamusm.phone"),
            bank=BankAccount(
                iban=self.iban("bank.iban"),
                bank=self.text("bank.bank"),
                recipient=self.text("bank.recipient"),
                description_template=self.template("bank.description"),
            ),
            fees=self.fees(),
            urls=Urls(
                portal=self.url("urls.portal"),
                online_islemler=self.url("urls.online_islemler"),
                payment=self.url("urls.payment"),
                fees=self.url("urls.fees", required=False),
            ),
            mail_from=mail_from,
            mail_reply_to=self.text("mail.reply_to", required=False),
            copies=self.count("form.copies", default=2, most=MAX_COPIES),
            procedure=procedure,
            sources=sources,
            texts=self.rules(procedure.receipt, procedure.extra_document),
            form_template=self.form_template(path),
            form_title=self.text("form.title", required=bool(self.get("form.template"))),
            form_fields=self.form_fields(),
            path=path,
            fingerprint=fingerprint,
        )
        return None if self.problems else profile


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


__all__ = [
    "DEFAULT_PROFILE",
    "MAX_COPIES",
    "OPTIONAL_TEXTS",
    "PLACEHOLDERS",
    "RECEIPT_WAYS",
    "REQUIRED_TEXTS",
    "SOURCED_SECTIONS",
    "TEXT_PLACEHOLDERS",
    "address_lines",
    "default_path",
    "describe",
    "fee_warning",
    "load",
    "place_line",
    "placeholder_sender",
]
