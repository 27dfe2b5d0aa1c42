"""The web form's fields: canonical names (the same as CSV columns and `Applicant`), Turkish labels and hints.

The template renders these in order; the server reads exactly these names back from a submission.
"""

from __future__ import annotations

from dataclasses import dataclass

from formkit.model import Profile, Track
from formkit.packet.content import profile_values


@dataclass(frozen=True)
class WebField:
    """One text input of the page."""

    name: str  # canonical field name, also the HTML name and id
    label: str
    hint: str = ""
    type: str = "text"  # HTML input type, or "textarea"
    autocomplete: str = "off"
    inputmode: str = ""
    maxlength: int = 120
    spellcheck: bool = False


TEXT_FIELDS: tuple[WebField, ...] = (
    WebField(
        "ad",
        "Ad",
        "Nüfus kaydınızdaki gibi; birden çok adınız varsa hepsini yazın.",
        autocomplete="given-name",
    ),
    WebField("soyad", "Soyad", autocomplete="family-name"),
    WebField(
        "tc_kimlik_no",
        "T.C. Kimlik No",
        "11 hane. Yalnızca başvuru formuna (ve aile hekiminin havale açıklamasına) yazılır.",
        inputmode="numeric",
        maxlength=11,
    ),
    WebField(
        "dogum_tarihi", "Doğum tarihi", "gg.aa.yyyy, örneğin 07.03.1985", inputmode="numeric", maxlength=10
    ),
    WebField("dogum_yeri", "Doğum yeri"),
    WebField(
        "e_posta",
        "E-posta",
        "Paketiniz ve Kamu SM bildirimleri için.",
        type="email",
        autocomplete="email",
        maxlength=254,
    ),
    WebField(
        "cep_telefonu",
        "Cep telefonu",
        "05XX XXX XX XX. E-imza kurulumunda SMS ile kod bu numaraya gelir.",
        type="tel",
        autocomplete="tel-national",
        inputmode="tel",
        maxlength=20,
    ),
    WebField(
        "kurum",
        "Kurum",
        "Çalıştığınız kurum, örneğin Mersin Şehir Eğitim ve Araştırma Hastanesi.",
        autocomplete="organization",
        maxlength=200,
    ),
    WebField(
        "unvan", "Unvan", "Örneğin Uzman Doktor, Aile Hekimi, Hemşire.", autocomplete="organization-title"
    ),
    WebField(
        "adres",
        "Teslimat adresi",
        "Mahalle, cadde/sokak, bina no, daire.",  # the page shows the profile's web.address sentence
        type="textarea",
        autocomplete="street-address",
        maxlength=300,
    ),
    WebField("il", "İl", autocomplete="address-level1", maxlength=40),
    WebField("ilce", "İlçe", autocomplete="address-level2", maxlength=40),
    WebField(
        "posta_kodu",
        "Posta kodu",
        "5 hane, örneğin 33010.",
        autocomplete="postal-code",
        inputmode="numeric",
        maxlength=5,
    ),
)

TRACK_FIELD = "basvuru_turu"
DEVICE_FIELD = "baska_marka_cihaz"
DEVICE_CHECKED = "evet"
FIELD_NAMES: tuple[str, ...] = (*(f.name for f in TEXT_FIELDS), TRACK_FIELD, DEVICE_FIELD)
LABELS: dict[str, str] = {
    **{f.name: f.label for f in TEXT_FIELDS},
    TRACK_FIELD: "Başvuru türü",
    DEVICE_FIELD: "Başka marka e-imza cihazı",
}


@dataclass(frozen=True)
class TrackChoice:
    """One radio button of `basvuru_turu`, with the one-sentence explanation from the seed."""

    value: str
    title: str
    explanation: str


def track_choices(profile: Profile) -> tuple[TrackChoice, ...]:
    """The three tracks in a sentence each (who pays, where the form goes): the profile's sentences."""
    titles = {
        Track.KURUM: "Yönetici veya doktor (kurum öder)",
        Track.AILE_HEKIMI: "Aile hekimi (ücreti kendiniz havaleyle ödersiniz)",
        Track.BIREYSEL: "Bireysel başvuru (kişi ödemeli)",
    }
    return tuple(
        TrackChoice(
            track.value,
            titles[track],
            profile.say(f"web.{track.value}", **profile_values(profile, profile.copies_for(track))),
        )
        for track in Track
    )


def web_texts(profile: Profile) -> dict[str, str]:
    """The page's instruction sentences, from the profile: lead, device and address hints, and `printout`
    (how to get the Kamu SM printout and what uploading it changes; for the upload field)."""
    values = profile_values(profile, profile.copies)
    return {key: profile.say(f"web.{key}", **values) for key in ("lead", "device", "address", "printout")}


__all__ = [
    "DEVICE_CHECKED",
    "DEVICE_FIELD",
    "FIELD_NAMES",
    "LABELS",
    "TEXT_FIELDS",
    "TRACK_FIELD",
    "TrackChoice",
    "WebField",
    "track_choices",
    "web_texts",
]
