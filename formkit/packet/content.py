"""What the packet says, per track and per kind of copies: names, address blocks, steps, copy marks.

Kept apart from the drawing code so the wording can be read (and tested) in one place. Every instruction
sentence is the profile's (`[texts]`, each with its source: `formkit profile show` lists them); this module
only chooses which sentences apply and fills in their placeholders. Facts that change between provinces or
years (addresses, URLs, fees, copies, the bank description) come from the profile too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from formkit.model import Applicant, PostalAddress, Profile, Track
from formkit.turkish import format_amount, format_date, normalise_space, upper


@dataclass(frozen=True)
class PageContext:
    """Everything a page of one packet needs.

    form_source: where the packet's copies come from: "portal" (the applicant's Kamu SM printout),
    "profile" (the province's own form named in the profile) or "data-sheet" (no copies: formkit's data
    sheet, printed once). copies: how many copies the applicant signs (None: the profile's number).
    """

    applicant: Applicant
    profile: Profile
    ref: str
    today: date
    form_source: str = "data-sheet"
    copies: int | None = None
    form_title: str = ""

    @property
    def track(self) -> Track:
        return self.applicant.track

    @property
    def posts_to_kamusm(self) -> bool:
        """bireysel without another brand's device: one signed copy goes to Kamu SM by post."""
        return self.track is Track.BIREYSEL and not self.applicant.baska_marka_cihaz

    @property
    def copy_count(self) -> int:
        return self.copies if self.copies is not None else self.profile.copies_for(self.track)


def person_name(ad: str, soyad: str) -> str:
    """Name as Turkish address practice writes it: given names as written, SURNAME in Turkish capitals."""
    return normalise_space(f"{ad} {upper(soyad)}")


def applicant_address(applicant: Applicant) -> PostalAddress:
    """The applicant as sender."""
    return PostalAddress(
        name=person_name(applicant.ad, applicant.soyad),
        lines=(applicant.adres,),
        postcode=applicant.posta_kodu,
        district=applicant.ilce,
        province=applicant.il,
    )


def recipient(ctx: PageContext) -> PostalAddress | None:
    """Where the packet goes: Kamu SM (bireysel, posting), the province's officer, or nobody."""
    if ctx.track is Track.BIREYSEL:
        return ctx.profile.kamusm if ctx.posts_to_kamusm else None
    return ctx.profile.officer


def track_url_label(track: Track) -> str:
    """What the QR code opens."""
    if track is Track.BIREYSEL:
        return "Kamu SM Online İşlemler (başvuru ve ödeme)"
    return "Kamu SM başvuru portalı"


def copy_labels(ctx: PageContext) -> tuple[str, ...]:
    """The marks on the copies: which copy it is and where it goes (as many as the copies)."""
    return _labels(ctx.copy_count, ctx.track, ctx.posts_to_kamusm)


def all_copy_labels(profile: Profile) -> tuple[str, ...]:
    """Every copy mark this profile can print (to size one mark box that fits them all)."""
    return tuple(
        label
        for track in Track
        for posts in (True, False)
        for label in _labels(profile.copies_for(track), track, posts and track is Track.BIREYSEL)
    )


def _labels(count: int, track: Track, posts_to_kamusm: bool) -> tuple[str, ...]:
    labels = []
    for number in range(1, count + 1):
        if track is not Track.BIREYSEL:
            where = "Kurum Yetkilisine teslim edilecek"
        elif posts_to_kamusm and number == 1:
            where = "Kamu SM'ye gönderilecek"
        else:
            where = "sizde kalacak"
        labels.append(f"NÜSHA {number}/{count} — {where}")
    return tuple(labels)


def officer_place(profile: Profile) -> str:
    """The officer in one phrase, e.g. `Mersin İl Sağlık Müdürlüğü Sağlık Bilgi Sistemleri Birimi (…)`."""
    officer = profile.officer
    parts = [*officer.organisation]
    where = ", ".join(officer.lines)
    text = " ".join(parts) if parts else officer.name
    return f"{text} ({where})" if where else text


def total_text(profile: Profile) -> str:
    """`1.080,00 TL`."""
    return format_amount(profile.fees.total, profile.fees.currency)


def sum_text(profile: Profile) -> str:
    """`780,00 TL + 300,00 TL = 1.080,00 TL`."""
    currency = profile.fees.currency
    parts = " + ".join(format_amount(item.amount, currency) for item in profile.fees.items)
    if len(profile.fees.items) < 2:
        return total_text(profile)
    return f"{parts} = {total_text(profile)}"


def profile_values(profile: Profile, copies: int) -> dict[str, str]:
    """The values the profile's sentences may use ({portal}, {copies}, ...) apart from the applicant's."""
    fees = profile.fees
    return {
        "portal": profile.urls.portal,
        "online_islemler": profile.urls.online_islemler,
        "odeme": profile.urls.payment,
        "fees_url": profile.urls.fees or profile.urls.online_islemler,
        "fees_date": format_date(fees.valid_from),
        "officer": officer_place(profile),
        "copies": str(copies),
        "total": total_text(profile),
        "sum": sum_text(profile),
        "bank": profile.bank.bank,
        "receipt_email": profile.procedure.receipt_email,
        "extra_document": profile.procedure.extra_document,
        "kamusm_phone": profile.kamusm_phone,
        "form_title": "il formu",
        "copy_label": "",
        "ref": "",
    }


def text_values(ctx: PageContext) -> dict[str, str]:
    """What the profile's sentences may use, for this packet."""
    values = profile_values(ctx.profile, ctx.copy_count)
    values["ref"] = ctx.ref
    if ctx.form_title:
        values["form_title"] = ctx.form_title
    return values


def say(ctx: PageContext, key: str, **extra: str) -> str:
    """The profile's sentence `key`, filled in for this packet."""
    return ctx.profile.say(key, **{**text_values(ctx), **extra})


def _join(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def receipt_text(ctx: PageContext) -> str:
    """How the bank receipt reaches the officer (paper with the forms, or by e-mail)."""
    way = ctx.profile.procedure.receipt
    return say(ctx, "receipt.email" if way == "email" else "receipt.paper")


def next_steps(ctx: PageContext) -> tuple[str, ...]:
    """The track's steps in the order the applicant does them: the Kamu SM system is always step 1."""
    first = say(ctx, "step.system.bireysel" if ctx.track is Track.BIREYSEL else "step.system")
    steps = [
        _join(first, say(ctx, "step.security_word")),
        say(ctx, f"step.print.{ctx.form_source}"),
    ]
    extra = say(ctx, "step.extra_document") if ctx.profile.procedure.extra_document else ""
    after = say(ctx, "step.after")
    if ctx.track is Track.KURUM:
        steps.append(_join(say(ctx, "step.hand_in.kurum"), extra))
        after = _join(say(ctx, "step.after.officer"), after)
    elif ctx.track is Track.AILE_HEKIMI:
        steps.append(say(ctx, "step.pay.aile-hekimi"))
        steps.append(_join(say(ctx, "step.hand_in.aile-hekimi"), extra, receipt_text(ctx)))
        after = _join(say(ctx, "step.after.officer"), after)
    else:
        steps.append(say(ctx, "step.post.bireysel" if ctx.posts_to_kamusm else "step.no_post.bireysel"))
        steps.append(say(ctx, "step.pay.bireysel"))
    steps.append(after)
    return tuple(steps)


def checklist_items(ctx: PageContext) -> tuple[str, ...]:
    """The checklist page's tick boxes: the same steps as the cover."""
    return next_steps(ctx)


def packet_contents(ctx: PageContext) -> tuple[str, ...]:
    """The cover's list of what is in the packet, in page order."""
    items = [say(ctx, "contents.cover")]
    if ctx.form_source == "data-sheet":
        items.append(say(ctx, "contents.data-sheet"))
    else:
        key = f"contents.{ctx.form_source}"
        items += [say(ctx, key, copy_label=label.replace(" — ", ": ")) for label in copy_labels(ctx)]
    items.append(say(ctx, "contents.checklist"))
    if ctx.track is Track.AILE_HEKIMI:
        items.append(say(ctx, "contents.payment"))
    return tuple(items)


def contacts(ctx: PageContext) -> tuple[str, ...]:
    """Who to ask, for the cover."""
    profile = ctx.profile
    lines = []
    if ctx.track is not Track.BIREYSEL:
        lines.append(f"E-imza Kurum Yetkilisi: {officer_place(profile)}")
    lines.append(f"Kamu SM çağrı merkezi: {profile.kamusm_phone}")
    if ctx.track is not Track.BIREYSEL:
        lines.append(say(ctx, "contacts.ref"))
    return tuple(lines)


def side_box(ctx: PageContext) -> tuple[str, str]:
    """The cover's hand-in box (kurum, aile-hekimi): what is handed in, and who pays."""
    if ctx.track is Track.AILE_HEKIMI:  # the receipt: with the forms, or by e-mail (profile)
        return _join(say(ctx, "side.aile-hekimi"), receipt_text(ctx)), say(ctx, "side.fee.aile-hekimi")
    return _join(say(ctx, "side.kurum"), say(ctx, "side.envelope")), say(ctx, "side.fee.kurum")


def record_fields(ctx: PageContext) -> tuple[str, ...]:
    """Blank lines at the foot of the checklist to note what was done and when."""
    if ctx.track is Track.BIREYSEL:
        if ctx.posts_to_kamusm:
            return ("Postaya verildiği tarih", "Posta gönderi numarası", "Ödeme tarihi")
        return ("Online başvuru tarihi", "Ödeme tarihi")
    fields = ["Teslim tarihi", "Teslim alan (ad, imza)"]
    if ctx.track is Track.AILE_HEKIMI:
        fields.insert(0, "Ödeme (dekont) tarihi")
    return tuple(fields)


def signing_lines(ctx: PageContext) -> tuple[str, ...]:
    """The checklist's signing instructions."""
    lines = [say(ctx, "sign.rule")]
    if ctx.form_source == "data-sheet":
        lines.append(say(ctx, "sign.data-sheet"))
    return tuple(lines)


def stamp_lines(ctx: PageContext) -> tuple[str, str]:
    """The rubber stamp on the checklist page: main line and a smaller second line."""
    return (say(ctx, "stamp.main"), say(ctx, "stamp.second"))


def fee_lines(ctx: PageContext, *, stale: bool) -> tuple[str, ...]:
    """Who pays, and for aile-hekimi the amount with its date (bireysel pages carry no amount)."""
    lines = [say(ctx, f"fee.{ctx.track.value}")]
    if ctx.track is Track.AILE_HEKIMI:
        lines.append(say(ctx, "fee.date"))
        if stale:
            lines.append(say(ctx, "fee.stale"))
    return tuple(lines)


def transfer_description(applicant: Applicant, profile: Profile) -> str:
    """The bank transfer description from the profile's template, with this applicant's name and T.C."""
    values = {
        "AD": upper(applicant.ad),
        "SOYAD": upper(applicant.soyad),
        "TC": applicant.tc_kimlik_no,
        "ad": applicant.ad,
        "soyad": applicant.soyad,
        "AD_SOYAD": upper(f"{applicant.ad} {applicant.soyad}"),
        "ad_soyad": f"{applicant.ad} {applicant.soyad}",
    }
    return normalise_space(profile.bank.description_template.format_map(values))


def mail_values(
    profile: Profile, track: Track, form_source: str, *, copies: int | None = None, form_title: str = ""
) -> dict[str, str]:
    """E-mail template values that depend on the packet's kind of copies (the manifest's form_source).

    `form_adimi`: the profile's print-and-sign sentence for this case; `nusha_sayisi`: how many copies are
    signed. formkit.mail.compose fills `$form_adimi` and `$nusha_sayisi` of the mail texts with them, so the
    e-mails follow the three cases the way the packet's pages do.
    """
    count = copies if copies is not None else profile.copies_for(track)
    values = profile_values(profile, count)
    if form_title:
        values["form_title"] = form_title
    return {"form_adimi": profile.say(f"step.print.{form_source}", **values), "nusha_sayisi": str(count)}


__all__ = [
    "PageContext",
    "all_copy_labels",
    "applicant_address",
    "checklist_items",
    "contacts",
    "copy_labels",
    "fee_lines",
    "mail_values",
    "next_steps",
    "officer_place",
    "packet_contents",
    "person_name",
    "profile_values",
    "receipt_text",
    "recipient",
    "record_fields",
    "say",
    "side_box",
    "signing_lines",
    "stamp_lines",
    "sum_text",
    "text_values",
    "total_text",
    "track_url_label",
    "transfer_description",
]
