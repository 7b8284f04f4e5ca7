"""Reading a study's files without trusting them: regular files only (never a pipe, device,
folder, dangling or looping link), at most a stated size, UTF-8 with an optional byte-order mark,
TOML nested no deeper than a study needs; a folder that cannot be listed is an error, never empty.

Each refusal is an `Unreadable` carrying a one-line reason, so the loader can list them all."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

MAX_FILE_BYTES = 1024 * 1024  # a study file; the largest shipped one is about 42 KB
MAX_SOURCE_BYTES = 64 * 1024 * 1024  # a source text read by `validate --sources`
MAX_DEPTH = 32  # tables and arrays within each other; study files need about six
BOM = b"\xef\xbb\xbf"

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class Unreadable(Exception):
    """A file or folder accord will not read, with the reason (no path: the caller adds it)."""


def _not_regular(mode: int) -> str | None:
    for test, name in _KINDS:
        if test(mode):
            return f"{name}, not a regular file"
    return None if stat.S_ISREG(mode) else "not a regular file"


def _describe_os_error(err: OSError) -> str:
    if err.errno == errno.ELOOP:
        return "a symbolic link loop"
    if err.errno in (errno.EACCES, errno.EPERM):
        return "cannot be read (permission denied)"
    return f"cannot be read ({err.strerror or err})"


def check_regular(path: Path) -> None:
    """Raise Unreadable unless `path` is (or links to) a regular file; never opens it."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise Unreadable(f"a dangling symbolic link (to '{os.readlink(path)}')") from None
        raise Unreadable("no such file") from None
    except OSError as err:
        raise Unreadable(_describe_os_error(err)) from None
    problem = _not_regular(info.st_mode)
    if problem:
        raise Unreadable(problem)


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes."""
    check_regular(path)
    try:
        # O_NONBLOCK: should the file have become a pipe since the check, opening it cannot hang.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as err:
        raise Unreadable(_describe_os_error(err)) from None
    with os.fdopen(fd, "rb") as handle:
        problem = _not_regular(os.fstat(fd).st_mode)
        if problem:
            raise Unreadable(problem)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise Unreadable(f"larger than the {limit:,} bytes accord reads from one file")
    return data


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """A regular file's UTF-8 text (a leading byte-order mark is dropped)."""
    data = read_bytes(path, limit)
    try:
        return data.removeprefix(BOM).decode("utf-8")
    except UnicodeDecodeError as err:
        raise Unreadable(f"not UTF-8 text ({err.reason} at byte {err.start})") from None


def _depth(value: object) -> int:
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack += [(child, depth + 1) for child in children if isinstance(child, (dict, list))]
    return deepest


def parse_toml(text: str) -> dict:
    """The TOML document; raises tomllib.TOMLDecodeError for bad syntax and Unreadable when it is
    nested deeper than MAX_DEPTH."""
    import tomllib  # noqa: PLC0415  (a cached study parses no TOML: a start-up cost)

    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise Unreadable(f"nested too deeply (a study file needs at most {MAX_DEPTH} levels)") from None
    if _depth(data) > MAX_DEPTH:
        raise Unreadable(f"nested too deeply (a study file needs at most {MAX_DEPTH} levels)")
    return data


def list_folder(folder: Path, suffix: str) -> list[Path]:
    """The entries of `folder` whose names end in `suffix`, sorted (whatever kind of file they are:
    reading each says what is wrong with it); [] when the folder does not exist."""
    if not os.path.lexists(folder):
        return []
    try:
        with os.scandir(folder) as entries:
            names = sorted(e.name for e in entries if e.name.endswith(suffix))
    except NotADirectoryError:
        raise Unreadable("not a folder") from None
    except FileNotFoundError:
        if os.path.islink(folder):
            raise Unreadable(f"a dangling symbolic link (to '{os.readlink(folder)}')") from None
        return []
    except OSError as err:
        raise Unreadable(_describe_os_error(err).replace("be read", "be listed")) from None
    return [folder / name for name in names]
