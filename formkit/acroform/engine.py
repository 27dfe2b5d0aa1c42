"""The form engine for any AcroForm template: list fields, fill, flatten or leave editable, in Turkish.

Why it is shaped like this:
- A `Template` is parsed once (in a worker thread with a time limit) and turned into two ready object
  tables, one per output mode (`flat.FlatOutput`, `editable.EditableOutput`): every object an output needs
  is renumbered and serialised to bytes at load time. Filling a record then costs only what changes: the
  values are checked and laid out (`values`), drawn as one overlay per page (`appearance`), and the output
  is the cached template bytes plus the few objects that differ. No per-page pypdf merge, no re-parsing of
  the template. (Profiled with cProfile: reportlab's per-document font subsetting and a pypdf parse of the
  overlay were ~90% of a fill.)
- The field tree is read by `tree`: from /AcroForm /Fields and from every page's /Annots, joined.
- A fill writes every value that can be used and reports each one that cannot (`FillResult.problems`);
  `strict=True` (packets, `formkit fill --strict`) refuses the whole record instead.
- Templates from outside are untrusted: size and page caps, pypdf's decompression limits, a parse time limit,
  every copied stream decoded once (`streams`), JavaScript and usage-rights stripped from the output with
  a warning. Every pypdf exception becomes a TemplateError here; nothing raw reaches the user.
"""

from __future__ import annotations

import io
import logging
import threading
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError, PyPdfError

from formkit import jsonload
from formkit.acroform import appearance, values
from formkit.acroform.editable import EditableOutput
from formkit.acroform.flat import FlatOutput
from formkit.acroform.formfonts import FormFonts, embedded_truetype
from formkit.acroform.streams import StreamCheck
from formkit.acroform.tree import Field, FieldInfo, PageBox, read_fields
from formkit.errors import InputError, TemplateError, ValidationError
from formkit.fileio import write_atomic
from formkit.model import Problem
from formkit.pdf import limits

__all__ = [
    "MAX_BYTES",
    "MAX_PAGES",
    "FieldInfo",
    "FillResult",
    "Template",
    "apply_map",
    "fill",
    "fill_partial",
    "load_map",
    "load_values",
    "open_template",
    "write_pdf",
]

logging.getLogger("pypdf").addHandler(logging.NullHandler())  # its recovery notes are not the user's business

MAX_BYTES = limits.MAX_BYTES  # one size and page limit for every PDF a user gives (pdf/limits.py)
MAX_PAGES = limits.MAX_PAGES
PARSE_SECONDS = 15.0  # time limit for parsing and preparing one template


@dataclass(frozen=True)
class FillResult:
    """One record's output and every value that was left out (field, why); `changed` counts values used."""

    pdf: bytes
    problems: tuple[Problem, ...]
    changed: int


class Template:
    """An AcroForm template, parsed once and reused for every record."""

    def __init__(self, data: bytes, *, source: str = "şablon", time_limit: float = PARSE_SECONDS) -> None:
        self.source = source
        self._data = data
        self._time_limit = time_limit
        self.warnings: tuple[str, ...] = ()
        self.fields: tuple[FieldInfo, ...] = ()
        self.page_count = 0
        self._fields: dict[str, Field] = {}
        self._pages: tuple[PageBox, ...] = ()
        _with_time_limit(lambda: self._load(data), time_limit, source)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickle as the raw bytes: a worker process (spawn) parses the template once for itself."""
        return (_rebuild_template, (self._data, self.source, self._time_limit))

    @classmethod
    def from_bytes(cls, data: bytes, *, source: str = "şablon") -> Template:
        """Parse a template held in memory."""
        return cls(data, source=source)

    @classmethod
    def from_path(cls, path: Path | str) -> Template:
        """Read and parse a template file (size-capped before reading)."""
        path = Path(path)
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise TemplateError(
                    f"{path}: şablon çok büyük ({size // 1024} KB; en çok {MAX_BYTES // 1024} KB)"
                )
            data = path.read_bytes()
        except OSError as exc:
            raise TemplateError(f"{path}: okunamadı ({exc.strerror or exc})") from exc
        return cls(data, source=str(path))

    def list_fields(self) -> tuple[FieldInfo, ...]:
        """Every fillable field (buttons that only push are left out), in document order."""
        return self.fields

    def _load(self, data: bytes) -> None:
        """Parse (pypdf errors become TemplateError), read the field tree, build both output tables."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = open_template(data, self.source)
            try:
                tree = read_fields(reader, self.source)
                check = StreamCheck(self.source)
                self._flat = FlatOutput(reader, tree.pages, check)
                self._edit = EditableOutput(reader, tree, check)
            except TemplateError:
                raise
            except (RecursionError, MemoryError) as exc:
                raise TemplateError(
                    f"{self.source}: PDF çözümlenemedi (iç içe yapı çok derin veya çok büyük)"
                ) from exc
            except (PdfReadError, PyPdfError) as exc:
                raise TemplateError(
                    f"{self.source}: PDF okunamıyor (bozuk, eksik veya başlıktan sonrası geçersiz)"
                ) from exc
            except Exception as exc:
                raise TemplateError(
                    f"{self.source}: PDF okunamıyor (bozuk veya beklenmeyen yapı: {type(exc).__name__})"
                ) from exc
        notes = list(tree.notes)
        if check.repaired:
            objects = ", ".join(str(n) for n in check.repaired[:5])
            notes.append(f"şablonda bozuk akış onarıldı (nesne {objects}); çıktıyı gözden geçirin")
        self.page_count = len(tree.pages)
        self._pages = tree.pages
        self._fields = tree.fields
        self._form_fonts = FormFonts(embedded_truetype(tree.dr_fonts))
        self.fields = tuple(f.info for f in tree.fields.values())
        self.warnings = tuple(notes)

    def fill(self, values: Mapping[str, str | bool], *, flatten: bool = True) -> bytes:
        """One record, all or nothing: the filled PDF; ValidationError lists every problem."""
        return self.fill_partial(values, flatten=flatten, strict=True).pdf

    def fill_partial(
        self, record: Mapping[str, str | bool], *, flatten: bool = True, strict: bool = False
    ) -> FillResult:
        """One record: every value that can be used is filled; each one that cannot is a Problem.

        With `strict`, any problem raises ValidationError (one Problem per field) and nothing is written.
        """
        entries, problems = values.plan(self._fields, record, self._form_fonts, flatten=flatten)
        if strict and problems:
            raise ValidationError(problems)
        overlay = appearance.draw(
            entries, self._fields, self._pages, with_defaults=flatten, form_fonts=self._form_fonts
        )
        pdf = self._flat.write(overlay) if flatten else self._edit.write(entries, overlay)
        return FillResult(pdf, tuple(problems), len(entries))


def open_template(data: bytes, source: str) -> PdfReader:
    """The one place a template PDF is opened: size cap, PDF header, empty-password decryption, page cap.

    pypdf exceptions become TemplateError (one Turkish line naming `source`).
    """

    def fail(message: str) -> TemplateError:
        return TemplateError(f"{source}: {message}")

    if len(data) > MAX_BYTES:
        raise fail(f"şablon çok büyük ({len(data) // 1024} KB; en çok {MAX_BYTES // 1024} KB)")
    if b"%PDF-" not in data[:1024]:
        raise fail("PDF dosyası değil")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        limits.unlock(reader, fail)  # the one encryption rule: an empty user password only
        count = len(reader.pages)
    except TemplateError:
        raise
    except FileNotDecryptedError as exc:
        raise fail("şifreli; açmak için parola gerekiyor") from exc
    except (RecursionError, MemoryError) as exc:
        raise fail("PDF çözümlenemedi (iç içe yapı çok derin veya çok büyük)") from exc
    except (PdfReadError, PyPdfError) as exc:
        raise fail("PDF okunamıyor (bozuk, eksik veya başlıktan sonrası geçersiz)") from exc
    except Exception as exc:
        raise fail(f"PDF okunamıyor (bozuk veya beklenmeyen yapı: {type(exc).__name__})") from exc
    limits.check_pages(count, fail, MAX_PAGES)
    return reader


# --- helpers --------------------------------------------------------------------------------------------


def _rebuild_template(data: bytes, source: str, time_limit: float) -> Template:
    return Template(data, source=source, time_limit=time_limit)


def _with_time_limit(work: Callable[[], None], seconds: float, source: str) -> None:
    """Run `work` in a worker thread and give up after `seconds`.

    Portable (no signal.alarm, which is POSIX-only and main-thread-only). Python cannot kill a thread: a
    runaway parse keeps a core busy in a daemon thread until it ends or the process exits, but the caller
    gets a clean TemplateError and no output. pypdf's own decompression limits bound memory meanwhile.
    """
    box: dict[str, BaseException] = {}

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # handed back to the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=run, name="formkit-template-parse", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TemplateError(f"{source}: PDF {seconds:g} saniyede çözümlenemedi (bozuk veya kasıtlı karmaşık)")
    if "error" in box:
        raise box["error"]


# --- public functions -------------------------------------------------------------------------------------


def fill(template: Template | bytes, values: Mapping[str, str | bool], *, flatten: bool = True) -> bytes:
    """Fill a template (parsed or raw bytes) with one record's values, all or nothing; flattened by default.

    Values are keyed by fully qualified field names. Unknown names, bad check box/radio values and text that
    cannot fit raise ValidationError with one Problem per field.
    """
    if not isinstance(template, Template):
        template = Template.from_bytes(template)
    return template.fill(values, flatten=flatten)


def fill_partial(
    template: Template | bytes, values: Mapping[str, str | bool], *, flatten: bool = True
) -> FillResult:
    """Fill what can be filled; the result lists each value left out (unknown field, does not fit, ...)."""
    if not isinstance(template, Template):
        template = Template.from_bytes(template)
    return template.fill_partial(values, flatten=flatten)


def load_values(path: Path | str) -> dict[str, str | bool]:
    """A values file: a JSON object of field name → text or true/false (nested objects give dotted names)."""
    path = Path(path)
    data = jsonload.load(path)  # size, depth and number limits; InputError naming the file
    if not isinstance(data, dict):
        raise InputError(f"{path}: alan adlarından değerlere bir JSON nesnesi bekleniyor")
    out: dict[str, str | bool] = {}

    def walk(prefix: str, obj: Mapping[str, Any]) -> None:
        for key, value in obj.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                walk(name, value)
            elif isinstance(value, bool | str):
                out[name] = value
            elif isinstance(value, int | float):
                out[name] = str(value)
            elif value is None:
                out[name] = ""
            else:
                raise InputError(f"{path}, {name}: metin veya true/false bekleniyor")

    walk("", data)
    return out


def write_pdf(path: Path | str, data: bytes) -> Path:
    """Write atomically (temporary file in the same folder, then os.replace): never a half-written PDF."""
    return write_atomic(Path(path), data, error=InputError)


def load_map(path: Path | str) -> dict[str, str]:
    """A map file: `[fields]` table of canonical record field → template field name."""
    import tomllib

    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TemplateError(f"{path}: okunamadı ({exc.strerror or exc})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: geçerli bir TOML dosyası değil ({exc})") from exc
    table = data.get("fields", data)
    bad = [k for k, v in table.items() if not isinstance(v, str)]
    if bad:
        raise TemplateError(f"{path}: [fields] değerleri şablon alan adı olmalı: {', '.join(bad)}")
    return dict(table)


def apply_map(
    template: Template, values: Mapping[str, str | bool], mapping: Mapping[str, str]
) -> dict[str, str | bool]:
    """Rename canonical keys to template field names; report bad targets and unfilled required fields."""
    names = {f.name for f in template.fields}
    problems = [
        Problem(key, f"eşlemedeki {target!r} alanı şablonda yok")
        for key, target in mapping.items()
        if target not in names
    ]
    out: dict[str, str | bool] = {}
    for key, value in values.items():
        out[mapping.get(key, key)] = value
    filled = {k for k, v in out.items() if v not in ("", None)}
    problems.extend(
        Problem(f.name, "zorunlu alan eşlenmedi veya değeri yok")
        for f in template.fields
        if f.required and f.name not in filled and f.type != "signature"
    )
    if problems:
        raise ValidationError(problems)
    return out
