"""Is a zip-based workbook (.xlsx, .ods) safe to hand to a reader that unpacks it in memory?

A 2 MB .xlsx can unpack to gigabytes (a zip bomb). The zip directory's sizes are checked first (member count,
total unpacked size, compression ratio), then every member's compressed bytes are inflated here in small
chunks, counting what really comes out: a directory that understates a member's size is caught, since the
count (not the declared size) is what is compared with the limit. Memory stays at one chunk; time is that of
inflating the file once (≈ 0.3 s for 80 MB of sheet XML).
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO
from xml.parsers.expat import ExpatError

from formkit.errors import InputError
from formkit.input import extent
from formkit.limits import MAX_UNPACKED_MB, MAX_ZIP_RATIO

MAX_MEMBERS = 10_000  # parts of a workbook (a real one has a few dozen)
_RATIO_FROM = 1_000_000  # members smaller than this unpacked are not ratio-checked (tiny XML parts)
_CHUNK = 1 << 16
_WORKSHEET = re.compile(r"xl/.+\.xml")  # every part under xl/: a sheet may live at any path the rels name
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zip local file header, 30 bytes


_END_RECORD = struct.Struct("<4s4H2LH")  # end of central directory, 22 bytes
_MAX_DIRECTORY = 10_000_000  # bytes of central directory: ≈ 100,000 entries, far above any workbook


def _check_directory(path: Path) -> None:
    """Refuse a zip whose directory is too large before zipfile parses it (it keeps one object per entry):
    the end record at the file's tail says how many entries and how many bytes the directory holds."""
    with path.open("rb") as stream:
        size = stream.seek(0, 2)
        stream.seek(max(0, size - (_END_RECORD.size + 65_535)))
        tail = stream.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + _END_RECORD.size > len(tail):
        return  # zipfile reports the file as broken
    _sig, _disk, _start, _here, entries, directory, _offset, _comment = _END_RECORD.unpack_from(tail, at)
    if entries > MAX_MEMBERS or directory > _MAX_DIRECTORY:  # 0xFFFF: a zip64 directory, never a workbook's
        raise InputError(f"{path}: ZIP dizini çok büyük ({entries} parça); en çok {MAX_MEMBERS} kabul edilir")


def member_names(path: Path) -> list[str]:
    """The names in a zip file's directory; InputError when it is not a readable zip."""
    try:
        _check_directory(path)
        with zipfile.ZipFile(path) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(f"{path}: bozuk bir ZIP/Excel dosyası, açılamadı ({type(exc).__name__})") from exc


def check(path: Path, kind: str = "") -> extent.Extent:
    """Raise InputError unless every member of the zip unpacks within the limits; return how far the
    sheets reach (their XML is scanned while it is inflated: formkit.input.extent)."""
    limit = MAX_UNPACKED_MB.value * 1_000_000
    ratio_limit = MAX_ZIP_RATIO.value
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise InputError(
                    f"{path}: ZIP içinde {len(members)} parça var; en çok {MAX_MEMBERS} kabul edilir"
                )
            declared = sum(info.file_size for info in members)
            if declared > limit:
                raise InputError(_too_big(path, declared))
            for info in members:
                if info.file_size > _RATIO_FROM and info.file_size > ratio_limit * max(info.compress_size, 1):
                    ratio = info.file_size // max(info.compress_size, 1)
                    told = MAX_ZIP_RATIO.message(f"{info.filename} parçası {ratio} kat sıkıştırılmış")
                    raise InputError(f"{path}: {told}")
        reach = extent.Extent()
        with path.open("rb") as stream:
            total = 0
            for info in members:
                scanner = _scanner(kind, info.filename, reach)
                total += _inflated_size(path, stream, info, limit - total, scanner)
                if scanner is not None:
                    scanner.close()
        return reach
    except (
        zipfile.BadZipFile,
        zlib.error,
        struct.error,
        OSError,
        ValueError,
        LookupError,
        ExpatError,
    ) as exc:
        raise InputError(f"{path}: bozuk bir ZIP/Excel dosyası, açılamadı ({type(exc).__name__})") from exc


def _too_big(path: Path, size: int | None) -> str:
    told = f"{size // 1_000_000} MB tutuyor" if size is not None else "sınırdan büyük"
    return f"{path}: {MAX_UNPACKED_MB.message(f'çalışma kitabı açılınca {told}')}"


def _scanner(kind: str, name: str, reach: extent.Extent) -> extent.XlsxScanner | extent.OdsScanner | None:
    if kind == "xlsx" and _WORKSHEET.fullmatch(name):
        return extent.XlsxScanner(reach)
    if kind == "ods" and name == "content.xml":
        return extent.OdsScanner(reach)
    return None


def _inflated_size(
    path: Path,
    stream: BinaryIO,
    info: zipfile.ZipInfo,
    room: int,
    scanner: extent.XlsxScanner | extent.OdsScanner | None = None,
) -> int:
    """How many bytes the member really unpacks to; InputError past `room` or past its declared size."""
    stream.seek(info.header_offset)
    header = _LOCAL_HEADER.unpack(stream.read(_LOCAL_HEADER.size))
    if header[0] != b"PK\x03\x04":
        raise zipfile.BadZipFile("local header")
    stream.seek(header[-2] + header[-1], 1)  # file name and extra field
    left = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        out = left
        if scanner is not None:
            while left > 0 and (data := stream.read(min(_CHUNK, left))):
                left -= len(data)
                scanner.feed(data)
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        out = 0
        while left > 0 and not inflater.eof:
            data = stream.read(min(_CHUNK, left))
            if not data:
                break
            left -= len(data)
            while data and not inflater.eof:
                piece = inflater.decompress(data, _CHUNK)
                out += len(piece)
                if scanner is not None:
                    scanner.feed(piece)
                data = inflater.unconsumed_tail
                if out > min(room, info.file_size):
                    break
            if out > min(room, info.file_size):
                break
    else:
        raise InputError(
            f"{path}: {info.filename} parçası desteklenmeyen bir yöntemle sıkıştırılmış "
            f"(yöntem {info.compress_type}); dosyayı Excel ya da LibreOffice ile yeniden kaydedin"
        )
    if out > room:
        raise InputError(_too_big(path, None))
    if out > info.file_size:
        raise InputError(
            f"{path}: {info.filename} parçası ZIP dizininde yazandan büyük açılıyor; dosya bozuk ya da "
            "kasıtlı olarak hatalı"
        )
    return out


__all__ = ["MAX_MEMBERS", "check", "member_names"]
