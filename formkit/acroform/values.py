"""One record's values checked against a template's fields and laid out: the plan of a fill.

Every problem is collected per field (file, field, why) instead of stopping at the first: a fill writes
what fits and reports the rest, or — strict — refuses the whole record. Small fields are fitted as viewers
fit them (less padding, a smaller minimum size) before a value is reported as not fitting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from formkit import turkish
from formkit.acroform.formfonts import FormFonts
from formkit.acroform.tree import Field, Widget
from formkit.model import Problem
from formkit.pdf import fonts, textfit

__all__ = ["ButtonValue", "Entry", "Laid", "TextValue", "layout", "plan"]

SMALL_MIN_SIZE = 3.5  # viewers go this small (and smaller) before they clip; below this text is unreadable
SMALL_PADDING = 1.0
NARROW = 36.0  # half an inch: boxes narrower than this are "small" too (a day, a month, a check digit)


@dataclass(frozen=True)
class Laid:
    """A text value laid out in one widget (None: nothing to draw, the value is empty)."""

    widget: Widget
    fitted: textfit.Fitted | None


@dataclass(frozen=True)
class TextValue:
    """A text or choice field's new value: `value` goes into /V, `laid` is what each widget shows."""

    field: Field
    value: str
    laid: tuple[Laid, ...]


@dataclass(frozen=True)
class ButtonValue:
    """A check box's or radio group's new state ("" = off)."""

    field: Field
    state: str


Entry = TextValue | ButtonValue


def plan(
    fields: Mapping[str, Field],
    values: Mapping[str, str | bool],
    form_fonts: FormFonts | None = None,
    *,
    flatten: bool = False,
) -> tuple[list[Entry], list[Problem]]:
    """What a record changes, and one Problem per value that cannot be used (its field is left as is).

    When flattening, a value for a field no widget shows (hidden, or on no page) would change nothing that
    is printed: it is reported too.
    """
    problems: list[Problem] = []
    entries: list[Entry] = []
    for name, value in values.items():
        f = fields.get(name)
        if f is None:
            problems.append(Problem(name, "şablonda böyle bir alan yok"))
            continue
        kind = f.info.type
        if flatten and kind != "signature" and not any(w.shown for w in f.widgets):
            problems.append(Problem(name, "alan gizli ya da hiçbir sayfada değil; basılan çıktıda görünmez"))
            continue
        if kind == "signature":
            problems.append(Problem(name, "imza alanı doldurulamaz"))
        elif kind == "checkbox":
            on = turkish.as_bool(value) if isinstance(value, str | bool) else None
            if on is None and isinstance(value, str) and value in f.info.on_states:
                on = True
            if on is None:
                problems.append(Problem(name, f"onay kutusu için evet/hayır bekleniyor, {value!r} verildi"))
            else:
                entries.append(ButtonValue(f, f.info.on_states[0] if on else ""))
        elif kind == "radio":
            state = _radio_state(f, value)
            if state is None:
                options = ", ".join(f.info.on_states)
                problems.append(Problem(name, f"{value!r} seçeneklerden biri değil ({options})"))
            else:
                entries.append(ButtonValue(f, state))
        else:
            if isinstance(value, bool):
                problems.append(Problem(name, "metin alanına evet/hayır verilemez"))
                continue
            text = _choice_value(f, str(value)) if kind == "choice" else str(value)
            shown = f.display(text) if kind == "choice" else text
            try:
                laid = tuple(layout(f, w, shown, form_fonts) for w in f.widgets if w.shown)
            except textfit.NoFit as exc:
                problems.append(Problem(name, exc.message))
                continue
            entries.append(TextValue(f, text, laid))
    return entries, problems


def _radio_state(f: Field, value: str | bool) -> str | None:
    """The on-state a radio value selects: a state name, or an /Opt label (by widget order); "" = off."""
    choice = value if isinstance(value, str) else ""
    if choice in ("", "Off"):
        return ""
    if choice in f.info.on_states:
        return choice
    labels = [display for _, display in f.choices]
    if choice in labels and len(labels) == len(f.widgets):
        state = f.widgets[labels.index(choice)].on_state
        return state or None
    return None


def _choice_value(f: Field, value: str) -> str:
    """A choice value given as the text the user sees becomes its export value (what /V holds)."""
    for export, display in f.choices:
        if value == display and value != export:
            return export
    return value


def layout(f: Field, w: Widget, text: str, form_fonts: FormFonts | None = None) -> Laid:
    """`text` laid out in one widget; small fields get a second, viewer-like try. NoFit when nothing fits.

    A value with characters DejaVu Sans lacks is laid out in the form's own font when it has them all.
    """
    if not text:
        return Laid(w, None)
    fonts.register()  # (once per process) the bundled fonts, before asking them for glyphs
    if form_fonts is not None and textfit.missing_glyphs(text, f.font):
        own = form_fonts.font_for(f.da_font, text)
        if own is not None:
            f = replace(f, font=own)
    (x, y, width, height), _ = w.local()
    info = f.info
    comb = info.max_len if info.comb and info.max_len else 0
    try:
        return Laid(w, _fit(f, text, x, y, width, height, comb))
    except textfit.NoFit:
        if textfit.missing_glyphs(text, f.font) or (info.max_len and len(text) > info.max_len):
            raise
        if (
            not comb
            and height - 2 * textfit.PADDING >= textfit.MIN_SIZE * textfit.LEADING
            and width >= NARROW
        ):
            raise  # a field of ordinary size: the value is simply too long for it
        # real-world forms have fields under 11 pt tall (US tax forms: all of them) and boxes for a day or a
        # year a few characters wide: fit them as viewers do
        padding = min(SMALL_PADDING, max(0.0, height / 10))
        fitted = _fit(f, text, x, y, width, height, comb, size=0.0, min_size=SMALL_MIN_SIZE, padding=padding)
        return Laid(w, fitted)


def _fit(
    f: Field,
    text: str,
    x: float,
    y: float,
    width: float,
    height: float,
    comb: int,
    *,
    size: float | None = None,
    min_size: float = textfit.MIN_SIZE,
    padding: float = textfit.PADDING,
) -> textfit.Fitted:
    return textfit.fit(
        text,
        x,
        y,
        width,
        height,
        font=f.font,
        size=f.size if size is None else size,
        min_size=min_size,
        padding=padding,
        align=f.align,
        multiline=f.info.multiline,
        comb=comb,
        max_len=f.info.max_len,
    )
