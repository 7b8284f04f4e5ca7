"""Writing a result to the file a user names (`-o`): through a special file (a device, a pipe,
/dev/stdout) directly; into a regular file, or the file a symbolic link points to, atomically
(readers see the old file or the whole new one); keeping an existing file's mode, else honouring
the umask. Errors name the path the user gave, never a temporary file."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .errors import AccordError

# Paths of the kernel's own files: written as they are, never replaced by a regular file. /dev/shm
# is the exception: a folder of ordinary files (in memory), written atomically like any other.
SPECIAL_PREFIXES = ("/dev/", "/proc/")
ORDINARY_FOLDERS = ("/dev/shm/",)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fail(given: str | os.PathLike, err: OSError) -> AccordError:
    reason = "a symbolic link loop" if err.errno == errno.ELOOP else (err.strerror or str(err)).lower()
    return AccordError(f"cannot write {given}: {reason}")


def output_path(given: str | os.PathLike, name: str) -> Path:
    """The file `-o GIVEN` means: GIVEN itself, or GIVEN/name when GIVEN ends with a slash or is an
    existing folder."""
    text = os.fspath(given)
    if text.endswith(("/", os.sep)) or os.path.isdir(text):
        return Path(text) / name
    return Path(text)


def _special(path: Path) -> bool:
    where = os.path.abspath(path)
    if where.startswith(SPECIAL_PREFIXES) and not where.startswith(ORDINARY_FOLDERS):
        return True
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:  # missing, or a link loop the atomic writer reports
        return False


def _write_directly(path: Path, given: str | os.PathLike, text: str) -> None:
    # Append, never create or truncate: a device stays a device, and /dev/stdout sent to a file
    # with >> keeps what the file held.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as err:
        raise _fail(given, err) from None


def _write_atomically(path: Path, given: str | os.PathLike, text: str) -> None:
    import tempfile  # noqa: PLC0415  (only when writing a file: a start-up cost)

    target = Path(os.path.realpath(path))
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    except OSError as err:
        raise _fail(given, err) from None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as err:
        raise _fail(given, err) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
        os.replace(tmp, target)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise _fail(given, err) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write `text` (UTF-8) to `path` as the module docstring says; raises AccordError naming `path`."""
    target = Path(path)
    if _special(target):
        _write_directly(target, path, text)
    else:
        _write_atomically(target, path, text)
