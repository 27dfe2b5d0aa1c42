"""What the packet says, per track: names, address blocks, next steps, checklist items, copy marks.

Kept apart from the drawing code so the wording can be read (and tested) in one place. Every fact that
changes between provinces or years (addresses, URLs, fees, the bank description) comes from the profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from formkit.model import Applicant, PostalAddress, Profile, Track
from formkit.turkish import format_amount, format_date, normalise_space, upper


@dataclass(frozen=True)
class PageContext:
    """Everything a page of one packet needs."""

    applicant: Applicant
    profile: Profile
    ref: str
    today: date

    @property
    def track(self) -> Track:
        return self.applicant.track

    @property
    def posts_to_kamusm(self) -> bool:
        """bireysel without another brand's device: one signed copy goes to Kamu SM by post."""
        return self.track is Track.BIREYSEL and not self.applicant.baska_marka_cihaz


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
    """The mark on each form copy (as many as the profile's [form] copies): which copy and where it goes.

    bireysel: the seed's "1 Nüshası sizde kalacak şekilde 1 Nüshasını" Kamu SM'ye (unless another brand's
    device); kurum and aile-hekimi hand every copy to the Kurum Yetkilisi.
    """
    return _labels(ctx.profile.copies, ctx.track, ctx.posts_to_kamusm)


def all_copy_labels(profile: Profile) -> tuple[str, ...]:
    """Every copy mark this profile can print (to size one mark box that fits them all)."""
    return tuple(
        label
        for track in Track
        for posts in (True, False)
        for label in _labels(profile.copies, track, posts and track is Track.BIREYSEL)
    )


def _labels(count: int, track: Track, posts_to_kamusm: bool) -> tuple[str, ...]:
    if track is Track.BIREYSEL:
        places = ["sizde kalacak"] * count
        if posts_to_kamusm:
            places[0] = "Kamu SM'ye gönderilecek"
    else:
        places = ["Kurum Yetkilisine teslim edilecek"] * count
    return tuple(f"NÜSHA {index}/{count} — {place}" for index, place in enumerate(places, start=1))


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


BIREYSEL_MENU = "NES İşlemleri → Bireysel İşlemler → Başvuru İşlemleri → Kişi Ödemeli Başvurular"
OTHER_DEVICE_NOTE = (
    "Başka marka bir e-imza cihazınız olduğunu belirttiniz. Rehber, formun Kamu SM'ye postalanmasını "
    "yalnızca başka marka e-imza cihazı olmayanlardan istiyor; bu nedenle bu pakette Kamu SM adres "
    "bloğu yoktur. Emin değilseniz Kamu SM'yi ({phone}) arayın."
)


def next_steps(ctx: PageContext) -> tuple[str, ...]:
    """3-5 numbered steps for the cover, in the order the applicant does them."""
    profile = ctx.profile
    urls = profile.urls
    officer = officer_place(profile)
    if ctx.track is Track.KURUM:
        return (
            f"Başvuru formunu {urls.portal} adresinde çevrim içi doldurun (karekod bu sayfayı açar).",
            "Bu paketteki formun iki nüshasını kontrol edin: bilgiler portala girdiklerinizle aynı olmalı.",
            "İki nüshayı da mavi tükenmez kalemle ıslak imzalayın.",
            f"İki nüshayı E-imza Kurum Yetkilisine elden teslim edin: {officer}.",
            "Ücret kurumunuzca karşılanır. Kartınız kargoyla formdaki adrese gelir; "
            "cep telefonunuza gelecek SMS kodunu saklayın.",
        )
    if ctx.track is Track.AILE_HEKIMI:
        return (
            f"Başvuru formunu {urls.portal} adresinde çevrim içi doldurun (karekod bu sayfayı açar).",
            "Bu paketteki formun iki nüshasını kontrol edin ve ikisini de mavi tükenmez kalemle "
            "ıslak imzalayın.",
            f"{total_text(profile)} tutarını ödeme sayfasındaki IBAN'a gönderin; açıklamaya ödeme "
            "sayfasındaki metni harfi harfine yazın.",
            f"İki nüshayı banka dekontuyla birlikte E-imza Kurum Yetkilisine teslim edin: {officer}.",
        )
    steps = [
        f"{urls.online_islemler} adresinde {BIREYSEL_MENU} menüsünden başvurun; "
        "BAŞVURU NEDENİ olarak İLK BAŞVURU'yu seçin.",
        "Bu paketteki formun iki nüshasını kontrol edin ve ikisini de mavi tükenmez kalemle ıslak imzalayın.",
    ]
    if ctx.posts_to_kamusm:
        steps.append(
            "Bu kapak sayfasını üç katlayıp NÜSHA 1 ile birlikte pencereli (DL) zarfa koyun ve Kamu SM'ye "
            "taahhütlü gönderin. NÜSHA 2 sizde kalır."
        )
    else:
        steps.append(
            "Başka marka e-imza cihazınız olduğu için formu Kamu SM'ye postalamanız gerekmeyebilir "
            "(yukarıdaki nota bakın). İki nüshayı da saklayın."
        )
    steps.append(
        "Ücret, form Kamu SM'ye ulaştıktan sonra Online İşlemler ekranına yansır. Ödemeyi yalnızca "
        "ekranda gördükten sonra aynı menüden yapın (karekod bu sayfayı açar)."
    )
    return tuple(steps)


def checklist_items(ctx: PageContext) -> tuple[str, ...]:
    """The checklist page's tick boxes for this track."""
    profile = ctx.profile
    first = (
        f"Başvuru formunu {profile.urls.portal} adresinde çevrim içi doldurdum."
        if ctx.track is not Track.BIREYSEL
        else f"{profile.urls.online_islemler} adresinde başvurdum (BAŞVURU NEDENİ: İLK BAŞVURU)."
    )
    items = [
        first,
        "Paketi A4 kâğıda, %100 ölçekle (sayfaya sığdırmadan) yazdırdım.",
        "Formdaki ad, soyad, T.C. kimlik no, cep telefonu ve teslimat adresini kontrol ettim.",
        "İki nüshayı da mavi tükenmez kalemle ıslak imzaladım.",
    ]
    if ctx.track is Track.KURUM:
        items.append("İki nüshayı E-imza Kurum Yetkilisine elden teslim ettim.")
    elif ctx.track is Track.AILE_HEKIMI:
        items += [
            f"{total_text(profile)} tutarını, açıklamayı ödeme sayfasındaki gibi yazarak "
            "havale/EFT ile ödedim.",
            "Banka dekontunu başvuru formuna iliştirdim.",
            "İki nüshayı dekontla birlikte E-imza Kurum Yetkilisine teslim ettim.",
        ]
    elif ctx.posts_to_kamusm:
        items += [
            "NÜSHA 1'i kapak sayfasıyla pencereli zarfa koyup Kamu SM'ye taahhütlü gönderdim.",
            "NÜSHA 2'yi ve PTT alındısını sakladım.",
            "Ücreti, Online İşlemler ekranında göründükten sonra ödedim (önce değil).",
        ]
    else:
        items += [
            "Rehber, formun postalanmasını yalnızca başka marka e-imza cihazı olmayanlardan istiyor: "
            "başka marka cihazım olduğu için formu postalamadım, iki nüshayı sakladım.",
            "Ücreti, Online İşlemler ekranında göründükten sonra ödedim (önce değil).",
        ]
    return tuple(items)


def packet_contents(ctx: PageContext) -> tuple[str, ...]:
    """The cover's list of what is in the packet, in page order."""
    items = [
        "Kapak ve adres sayfası (bu sayfa)",
        *("Başvuru formu, " + label.replace(" — ", ": ") for label in copy_labels(ctx)),
        "Kontrol listesi ve imza talimatı",
    ]
    if ctx.track is Track.AILE_HEKIMI:
        items.append("Ödeme bilgileri: IBAN ve havale açıklaması")
    return tuple(items)


def contacts(ctx: PageContext) -> tuple[str, ...]:
    """Who to ask, for the cover."""
    profile = ctx.profile
    lines = []
    if ctx.track is not Track.BIREYSEL:
        lines.append(f"E-imza Kurum Yetkilisi: {officer_place(profile)}")
    lines.append(f"Kamu SM çağrı merkezi: {profile.kamusm_phone}")
    if ctx.track is not Track.BIREYSEL:
        lines.append(f"Yetkiliyle görüşürken paket numaranızı verin: {ctx.ref}")
    return tuple(lines)


def record_fields(ctx: PageContext) -> tuple[str, ...]:
    """Blank lines at the foot of the checklist to note what was done and when."""
    if ctx.track is Track.BIREYSEL:
        if ctx.posts_to_kamusm:
            return ("Postaya verildiği tarih", "PTT gönderi (barkod) numarası", "Ödeme tarihi")
        return ("Online başvuru tarihi", "Ödeme tarihi")
    fields = ["Teslim tarihi", "Teslim alan (ad, imza)"]
    if ctx.track is Track.AILE_HEKIMI:
        fields.insert(0, "Ödeme (dekont) tarihi")
    return tuple(fields)


def stamp_lines(ctx: PageContext) -> tuple[str, str]:
    """The rubber stamp on the checklist page: main line and a smaller second line."""
    return ("ISLAK İMZA — 2 NÜSHA", "MAVİ TÜKENMEZ KALEMLE İMZALAYIN")


def fee_lines(ctx: PageContext, *, stale: bool) -> tuple[str, ...]:
    """Fee date and the reminder to check the current price."""
    profile = ctx.profile
    fees = profile.fees
    where = profile.urls.fees or "Kamu SM'nin web sitesi"
    if ctx.track is Track.KURUM:
        lead = "Ücret kurumunuzca karşılanır; sizin ödeme yapmanız gerekmez."
    elif ctx.track is Track.AILE_HEKIMI:
        lead = f"Ödenecek tutar: {sum_text(profile)}."
    else:
        lead = (
            "Tutarı Kamu SM, Online İşlemler ekranında gösterir; ödemeyi orada yaparsınız. "
            f"Rehberdeki tutar: {sum_text(profile)}."
        )
    lines = [
        lead,
        f"Ücret bilgileri {format_date(fees.valid_from)} tarihlidir ({profile.name}). "
        f"Ödemeden önce güncel tutarı {where} adresinden kontrol edin.",
    ]
    if stale:
        lines.append(
            "DİKKAT: Bu tarihten sonra Kamu SM ücretleri değişti; buradaki tutar güncel olmayabilir."
        )
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
