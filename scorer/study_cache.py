"""A cache of validated studies in the user's cache folder, so that a command reading a study it has
read before parses no TOML and reruns no check.

An entry is keyed by accord's and pydantic's versions, the code that reads and checks a study, and
the path and content of every study file: any change is a miss, and the study is then loaded and
checked afresh. Entries are JSON (pydantic's own round trip, never pickle), one per study folder
for the last MAX_ENTRIES folders, written atomically. The evidence, documents and tables are stored
apart from the rest and built only when a command first reads them, so `rank` never touches them.

An entry was dumped from validated models by this very code (its digest is in the key), so a hit
is not validated again: the models are rebuilt from the JSON by their field types (`_builder`),
which is most of the start-up saving (no validator is built). tests/test_study_cache.py checks,
value by value and type by type, that a hit equals a fresh validated load.

Off with `--no-cache`, or for a whole session with the environment variable ACCORD_NO_CACHE=1."""

from __future__ import annotations

import hashlib
import os
import stat
import datetime as dt
import types
import typing
import zlib
from collections.abc import Callable, Iterator, Mapping
from enum import Enum
from pathlib import Path

from pydantic import BaseModel
from pydantic_core import from_json  # parses an entry in half json.loads's time, and json need not load

from .models import Study

ENV_DISABLE = "ACCORD_NO_CACHE"
MAX_FILE_BYTES = 8 * 2**20  # a study file this large is left to the loader to judge, uncached
MAX_ENTRIES = 32  # studies kept; writing another drops the least recently written
# Study fields validated on every hit, and those read on demand (the bulk of the bytes).
CORE = ("manifest", "dimensions", "stakeholders", "institutions", "scenarios", "proposals")
RECORDS = ("documents", "evidence", "tables", "episodes")
# The modules whose code decides what a loaded study is: a change to them invalidates every entry.
_CODE = ("models.py", "checks.py", "loading.py", "study_cache.py")

_enabled = True


def use(enabled: bool) -> None:
    """Turn the cache on or off for this process (the CLI's --no-cache)."""
    global _enabled
    _enabled = enabled


def enabled() -> bool:
    """Whether load_study reads and writes the cache: on unless turned off here or by ACCORD_NO_CACHE."""
    return _enabled and os.environ.get(ENV_DISABLE, "") in ("", "0")


def folder() -> Path:
    """$XDG_CACHE_HOME/accord, else ~/.cache/accord; OSError when there is no home folder either."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(base):
        return Path(base) / "accord"
    try:
        return Path.home() / ".cache" / "accord"
    except RuntimeError as err:
        raise OSError(f"no folder for the study cache: {err}") from None


def study_key(root: Path, files: list[Path]) -> str | None:
    """Digest of the code, the versions and every file's path and content; None when a file is not
    a regular file of a sensible size (the loader reports it; such a study is never cached)."""
    digest = hashlib.sha256(_code_stamp().encode())
    for path in files:
        try:
            info = os.stat(path)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
                return None
            data = path.read_bytes()
        except OSError:
            return None
        rel = path.relative_to(root).as_posix().encode()
        digest.update(b"%d:%s%d:" % (len(rel), rel, len(data)))
        digest.update(data)
    return digest.hexdigest()


def read(root: Path, key: str) -> Study | None:
    """The cached study for `root` if its entry carries `key`, else None (a miss, never an error)."""
    try:
        header, core, records = _entry(root).read_bytes().split(b"\n", 2)
        meta = from_json(header)
        if meta.get("key") != key or meta.get("payload") != _payload_digest(core, records):
            return None
        fields = _fields(from_json(core), CORE)
        for name in RECORDS:  # their builders made now: a type without one is a miss here, not an error later
            _builder(Study.model_fields[name].annotation)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # missing, unreadable, truncated or
        return None  # foreign: load afresh
    deferred = _Deferred(records)
    return Study.model_construct(**fields, **{f: deferred.field(f) for f in RECORDS})


def write(root: Path, key: str, study: Study) -> None:
    """Store `study` (validated, loaded from `root`) under `key`; a cache that cannot be written is
    skipped silently, as the study loads without it."""
    import json  # noqa: PLC0415  (only when writing: start-up costs)
    import tempfile  # noqa: PLC0415

    core = study.model_dump_json(include=set(CORE)).encode()
    records = study.model_dump_json(include=set(RECORDS)).encode()
    header = json.dumps({"key": key, "root": str(root.resolve()), "payload": _payload_digest(core, records)}).encode()
    try:
        target = _entry(root)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(b"\n".join((header, core, records)))
            os.replace(tmp, target)
        except BaseException:
            os.unlink(tmp)
            raise
        entries = sorted(target.parent.glob("study-*.json"), key=lambda p: p.stat().st_mtime_ns)
        for old in entries[:-MAX_ENTRIES]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def _entry(root: Path) -> Path:
    name = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:32]
    return folder() / f"study-{name}.json"


def _payload_digest(core: bytes, records: bytes) -> str:
    """A checksum of the entry's payload, against a damaged file (CRC-32, as zip and PNG use: a
    tenth of SHA-256's time; the key, not this, says whose study it is)."""
    return "crc32:%08x" % zlib.crc32(records, zlib.crc32(b"\n", zlib.crc32(core)))


_stamp: str | None = None


def _code_stamp() -> str:
    """accord's and pydantic's versions and a digest of the code that reads a study."""
    global _stamp
    if _stamp is None:
        import pydantic  # noqa: PLC0415

        from . import __version__ as accord  # noqa: PLC0415  (read when the stamp is made)

        code = hashlib.sha256()
        for name in _CODE:
            code.update((Path(__file__).parent / name).read_bytes())
        _stamp = f"accord {accord}; pydantic {pydantic.VERSION}; code {code.hexdigest()}"
    return _stamp


class _Deferred:
    """The evidence, documents and tables of a cached study, validated together on first read."""

    def __init__(self, raw: bytes) -> None:
        self._raw = raw
        self._fields: dict[str, dict] | None = None

    def get(self, name: str) -> dict:
        if self._fields is None:
            self._fields = _fields(from_json(self._raw), RECORDS)
            self._raw = b""
        return self._fields[name]

    def field(self, name: str) -> _DeferredMapping:
        return _DeferredMapping(self, name)


class _DeferredMapping(Mapping):
    """One of those collections: a read-only mapping that loads on first use."""

    def __init__(self, source: _Deferred, name: str) -> None:
        self._source, self._name = source, name

    def __getitem__(self, key: str):
        return self._source.get(self._name)[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._source.get(self._name))

    def __len__(self) -> int:
        return len(self._source.get(self._name))

    def __repr__(self) -> str:
        return repr(self._source.get(self._name))


# --- rebuilding validated models from their own JSON dump ------------------------------------------


def _fields(data: dict, names: tuple[str, ...]) -> dict[str, object]:
    """Study fields `names`, rebuilt from their JSON (a dict holding exactly those keys)."""
    if set(data) != set(names):
        raise ValueError("not an entry of this cache")
    return {name: _builder(Study.model_fields[name].annotation)(data[name]) for name in names}


_builders: dict[object, Callable[[object], object]] = {}


def _builder(tp: object) -> Callable[[object], object]:
    """A function from the JSON pydantic dumps for a value of type `tp` back to that value, built
    once per type. Only the types the models use are known; any other is an error (TypeError)."""
    try:
        return _builders[tp]
    except KeyError:
        pass
    except TypeError:  # an unhashable annotation
        return _make_builder(tp)
    _builders[tp] = built = _make_builder(tp)
    return built


def _same(value: object) -> object:
    return value


def _make_builder(tp: object) -> Callable[[object], object]:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Annotated:
        return _builder(args[0])
    if origin is typing.Literal or tp in (str, int, float, bool, type(None)):
        return _same
    if origin in (typing.Union, types.UnionType):
        arms = [a for a in args if a is not type(None)]
        if len(arms) != 1:
            raise TypeError(f"no cache builder for {tp}")
        arm = _builder(arms[0])
        return lambda value: None if value is None else arm(value)
    if origin is list:
        item = _builder(args[0])
        return lambda value: [item(v) for v in value]
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = _builder(args[0])
            return lambda value: tuple(item(v) for v in value)
        items = [_builder(a) for a in args]
        return lambda value: tuple(b(v) for b, v in zip(items, value, strict=True))
    if origin is dict:
        key, item = _builder(args[0]), _builder(args[1])
        return lambda value: {key(k): item(v) for k, v in value.items()}
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp
    if tp is dt.date:
        return dt.date.fromisoformat
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return _model_builder(tp)
    raise TypeError(f"no cache builder for {tp}")


def _made(cls: type[BaseModel], values: dict[str, object]) -> BaseModel:
    """What `cls.model_construct(**values)` makes when `values` holds every field (as a cache entry
    does), without its search of each field for aliases and defaults: a third of reading an entry."""
    made = cls.__new__(cls)
    object.__setattr__(made, "__dict__", values)
    object.__setattr__(made, "__pydantic_fields_set__", set(values))
    object.__setattr__(made, "__pydantic_extra__", None)
    object.__setattr__(made, "__pydantic_private__", None)
    return made


def _model_builder(cls: type[BaseModel]) -> Callable[[object], object]:
    fields: dict[str, Callable[[object], object]] = {}

    def build(value: dict) -> BaseModel:
        if value.keys() != fields.keys():
            raise ValueError(f"a {cls.__name__} entry without all its fields")
        return _made(cls, {name: fields[name](v) for name, v in value.items()})

    _builders[cls] = build  # before its fields, for a model that holds itself
    fields.update((name, _builder(info.annotation)) for name, info in cls.model_fields.items())
    return build
