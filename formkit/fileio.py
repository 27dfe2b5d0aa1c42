"""Writing files so that a reader, or a run killed half-way, never sees half of one.

Every file formkit writes goes through here: a temporary file in the same folder (hidden, `.NAME.XXXX.tmp`),
flushed to disk, then renamed over the target. A killed run can leave only such temporaries, which
`remove_temporaries` clears on the next run.

The rename replaces whatever has the target's name, so the target is checked first: only a missing path or a
regular file is written. A device (`-o /dev/full`), a FIFO, a socket, a folder or a symbolic link is refused
with a message, never replaced (a symbolic link is not followed either: say the real file's path instead).
A full disk becomes DiskFullError naming the folder and its free space, so a command can stop cleanly.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from formkit.errors import DiskFullError, FormkitError

TEMP_GLOB = ".*.tmp"
_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def check_target(path: Path, *, error: type[FormkitError] = FormkitError) -> None:
    """Raise `error` unless path is missing or a regular file (not a link, device, FIFO, socket or folder)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise error(f"{path}: denetlenemedi ({exc.strerror or exc})") from exc
    if stat.S_ISREG(mode):
        return
    if stat.S_ISLNK(mode):
        target = os.path.realpath(path)
        raise error(
            f"{path}: sembolik bağlantı ({target} dosyasını gösteriyor); bağlantının yerine dosya "
            "yazılmaz: çıktı olarak gerçek dosyanın yolunu verin"
        )
    kind = (
        "bir klasör"
        if stat.S_ISDIR(mode)
        else "bir FIFO (adlandırılmış boru)"
        if stat.S_ISFIFO(mode)
        else "bir aygıt dosyası"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "bir soket"
        if stat.S_ISSOCK(mode)
        else "normal bir dosya değil"
    )
    raise error(f"{path}: {kind}; üzerine yazılmaz: başka bir çıktı dosyası adı verin")


def is_disk_full(exc: BaseException) -> bool:
    """True for 'no space left on device' and 'disk quota exceeded'."""
    return isinstance(exc, OSError) and exc.errno in _DISK_FULL


def disk_full(folder: Path, exc: OSError | None = None) -> DiskFullError:
    """The error for a full disk, naming the folder and what is left free there."""
    try:
        free = f"boş yer: {_size(shutil.disk_usage(folder).free)}"
    except OSError:
        free = "boş yer bilinmiyor"
    reason = "kota doldu" if exc is not None and exc.errno == getattr(errno, "EDQUOT", None) else "disk dolu"
    return DiskFullError(f"{folder}: {reason} ({free}); yer açıp komutu yeniden çalıştırın")


def _size(size: int) -> str:
    if size >= 1024**2:
        return f"{size / 1024**2:.1f} MB".replace(".", ",")
    return f"{size / 1024:.0f} KB"


def write_atomic(
    path: Path,
    data: bytes | Iterable[bytes],
    *,
    error: type[FormkitError] = FormkitError,
    durable: bool = True,
) -> Path:
    """Write data (bytes, or pieces written one after another) to path: afterwards the file is either as
    before or completely new.

    durable=False skips the fsync (≈1.5 ms a file here): the rename still protects against a killed run;
    only a power cut can then leave a short file, which callers that record sizes (batch) detect and redo.
    """
    check_target(path, error=error)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                if isinstance(data, bytes):
                    handle.write(data)
                else:
                    handle.writelines(data)
                handle.flush()
                if durable:
                    os.fsync(handle.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        if is_disk_full(exc):
            raise disk_full(path.parent, exc) from exc
        raise error(f"{path}: yazılamadı ({exc.strerror or exc})") from exc
    return path


def write_if_changed(path: Path, data: bytes, *, error: type[FormkitError] = FormkitError) -> bool:
    """write_atomic, except that an identical file is left untouched (same bytes, same mtime)."""
    check_target(path, error=error)  # never read a FIFO or a device to compare
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomic(path, data, error=error)
    return True


def remove_temporaries(folder: Path) -> None:
    """Delete the temporaries a killed run left in folder; never a finished file."""
    if folder.is_dir():
        for leftover in folder.glob(TEMP_GLOB):
            leftover.unlink(missing_ok=True)


__all__ = [
    "TEMP_GLOB",
    "check_target",
    "disk_full",
    "is_disk_full",
    "remove_temporaries",
    "write_atomic",
    "write_if_changed",
]
