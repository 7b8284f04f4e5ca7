"""Finding a study folder and loading it into a validated `Study`, or a `StudyError` that lists
every problem (file, line, field path, expected and found) in one pass."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ValidationError

from . import reading, study_cache
from .errors import FieldPath, Problem, StudyError, format_path
from .models import FILE_KINDS, Study

if TYPE_CHECKING:
    from .toml_lines import LineIndex

MARKER = "accord.toml"

# (file kind, glob relative to the study root, required)
LAYOUT: list[tuple[str, str, bool]] = [
    ("manifest", MARKER, True),
    ("documents", "seeds/documents.toml", True),
    ("evidence", "seeds/evidence/*.toml", False),
    ("table", "seeds/tables/*.toml", False),
    ("dimensions", "criteria/dimensions.toml", True),
    ("institutions", "criteria/institutions.toml", True),
    ("stakeholder", "criteria/stakeholders/*.toml", False),
    ("scenario", "criteria/scenarios/*.toml", False),
    ("proposal", "proposals/*.toml", False),
    ("episodes", "seeds/episodes.toml", False),
]

# File kinds holding one item named by the file, and list files: kind -> (item kind, list key).
ONE_PER_FILE = {"stakeholder", "scenario", "proposal", "table"}
LIST_FILES = {"documents": ("document", "documents"), "evidence": ("evidence", "evidence"),
              "dimensions": ("dimension", "dimensions"), "episodes": ("episode", "episodes")}


def shipped_case() -> Path:
    """The case that ships with accord: inside the wheel, or the checkout holding this package."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "case", package.parent):
        if (candidate / MARKER).is_file():
            return candidate
    raise FileNotFoundError("the shipped case is missing from this installation")


def find_study(path: str | os.PathLike | None = None, start: Path | None = None) -> Path:
    """`path` if given; else the nearest folder upward from `start` (the working directory) that
    holds an accord.toml; else the shipped case."""
    if path is not None:
        return Path(path)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MARKER).is_file():
            return folder
    return shipped_case()


@dataclass
class SourceFile:
    """A study file's path and text; its line index is built only when a problem needs a line."""

    rel: str
    text: str = ""

    @cached_property
    def index(self) -> LineIndex:
        from .toml_lines import LineIndex  # noqa: PLC0415  (only for a problem's line: a start-up cost)

        return LineIndex(self.text)


@dataclass
class Locator:
    """Where each loaded item came from, to turn (item, field path) into file:line."""

    files: dict[tuple[str, str], tuple[SourceFile, FieldPath]] = field(default_factory=dict)

    def problem(self, kind: str, item: str, path: FieldPath, message: str) -> Problem:
        source, base = self.files[(kind, item)]
        full = base + path
        return Problem(source.rel, source.index.line_of(full), format_path(full), message)


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(error: dict) -> str:
    kind, loc = error["type"], error["loc"]
    if kind == "missing":
        return "missing required field"
    if kind == "extra_forbidden":
        return f"unknown field '{loc[-1]}'" if loc else "unknown field"
    message = error["msg"].removeprefix("Value error, ")
    if isinstance(error.get("input"), (dict, list)):
        return message
    return f"{message} (found {_short(error.get('input'))})"


def _validation_problems(err: ValidationError, source: SourceFile) -> list[Problem]:
    problems = []
    for error in err.errors():
        loc = tuple(p for p in error["loc"] if p != "[key]")
        problems.append(Problem(source.rel, source.index.line_of(loc), format_path(loc), _message(error)))
    return problems


def _parse(path: Path, rel: str) -> tuple[dict | None, SourceFile, list[Problem]]:
    import tomllib  # noqa: PLC0415  (a cached study parses no TOML: a start-up cost)

    try:
        text = reading.read_text(path)
    except reading.Unreadable as err:
        return None, SourceFile(rel), [Problem(rel, None, "", str(err))]
    source = SourceFile(rel, text)
    try:
        return reading.parse_toml(text), source, []
    except reading.Unreadable as err:
        return None, source, [Problem(rel, None, "", str(err))]
    except tomllib.TOMLDecodeError as err:
        match = re.search(r"\(at line (\d+), column \d+\)", str(err))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(err))
        line = int(match.group(1)) if match else None
        return None, source, [Problem(rel, line, "", f"invalid TOML: {message}")]


def _files(root: Path, pattern: str) -> tuple[list[Path], list[Problem]]:
    """The files a LAYOUT pattern names (each checked when read), or the problem with its folder."""
    folder, _, name = pattern.rpartition("/")
    if "*" not in name:
        return ([root / pattern] if os.path.lexists(root / pattern) else []), []
    try:
        return reading.list_folder(root / folder, name.removeprefix("*")), []
    except reading.Unreadable as err:
        return [], [Problem(folder + "/", None, "(folder)", f"{err}, so its {name} files cannot be read")]


def load_located(path: str | os.PathLike | None = None) -> tuple[Study, Locator, list[Problem]]:
    """Load a study with the locations of its items and every problem found; the study is
    assembled from whatever loaded, so callers must not use it when problems are reported."""
    root = find_study(path)
    if not root.is_dir():
        raise StudyError([Problem(str(root), None, "", "no such study folder")])
    problems: list[Problem] = []
    locator = Locator()
    broken: set[str] = set()
    parts: dict[str, object] = {"documents": {}, "evidence": {}, "dimensions": {}, "stakeholders": {},
                                "scenarios": {}, "proposals": {}, "tables": {}, "episodes": {}}
    seen: dict[tuple[str, str], str] = {}

    def register(kind: str, item_id: str, source: SourceFile, base: FieldPath, obj: BaseModel) -> None:
        key = (kind, item_id)
        if key in seen:
            problems.append(Problem(source.rel, source.index.line_of(base + ("id",)), format_path(base + ("id",)),
                                    f"duplicate {kind} id '{item_id}' (first defined in {seen[key]})"))
            return
        seen[key] = source.rel
        locator.files[key] = (source, base)
        parts[_collection(kind)][item_id] = obj

    for kind, pattern, required, files, unlisted in layout_files(root):
        problems += unlisted
        if unlisted:
            broken.add(kind)
            continue
        if required and not files:
            problems.append(Problem(pattern, None, "", f"missing {kind} file"))
            broken.add(kind)
            continue
        for file in files:
            rel = file.relative_to(root).as_posix()
            data, source, found = _parse(file, rel)
            problems += found
            if data is None:
                broken.add(kind)
                continue
            try:
                obj = FILE_KINDS[kind].model_validate(data)
            except ValidationError as err:
                problems += _validation_problems(err, source)
                broken.add(kind)
                continue
            if kind in ONE_PER_FILE:
                if obj.id != file.stem:
                    problems.append(Problem(rel, source.index.line_of(("id",)), "id",
                                            f"id must match the file name '{file.stem}' (found '{obj.id}')"))
                register(kind, obj.id, source, (), obj)
            elif kind in LIST_FILES:
                item_kind, key = LIST_FILES[kind]
                for i, item in enumerate(getattr(obj, key)):
                    register(item_kind, item.id, source, (key, i), item)
            else:
                locator.files[(kind, kind)] = (source, ())
                parts[kind] = obj

    if "manifest" in broken or "institutions" in broken:
        raise StudyError(problems)
    study = Study.model_construct(manifest=parts["manifest"], institutions=parts["institutions"],
                                  **{k: v for k, v in parts.items() if k not in ("manifest", "institutions")})
    from .checks import check_study  # noqa: PLC0415  (a cached study is not checked again: a start-up cost)

    for finding in check_study(study, broken):
        problems.append(locator.problem(*finding))
    return study, locator, sorted(set(problems), key=Problem.sort_key)


def _collection(kind: str) -> str:
    return {"document": "documents", "evidence": "evidence", "dimension": "dimensions",
            "stakeholder": "stakeholders", "scenario": "scenarios", "proposal": "proposals",
            "table": "tables", "episode": "episodes"}[kind]


def layout_files(root: Path) -> list[tuple[str, str, bool, list[Path], list[Problem]]]:
    """(file kind, glob, required, its files in order, problems listing its folder) for each
    entry of LAYOUT."""
    return [(kind, pattern, required, *_files(root, pattern)) for kind, pattern, required in LAYOUT]


def _cache_key(root: Path) -> str | None:
    """The study cache's key for the files at `root` (None: a required file is missing or a
    folder cannot be listed)."""
    layout = layout_files(root)
    if not all((files or not required) and not unlisted for _, _, required, files, unlisted in layout):
        return None
    return study_cache.study_key(root, [f for _, _, _, files, _ in layout for f in files])


def load_study(path: str | os.PathLike | None = None, cache: bool | None = None) -> Study:
    """The validated study at `path` (see `find_study`); raises StudyError listing every problem.

    With the cache (default: on unless turned off, see `study_cache.enabled`) a study whose files
    are unchanged since it was last loaded comes from the user's cache folder, its evidence,
    documents and tables read only when used; a study that loads is stored there."""
    root = find_study(path)
    key = _cache_key(root) if (study_cache.enabled() if cache is None else cache) else None
    if key is not None and (cached := study_cache.read(root, key)) is not None:
        return cached
    study, _, problems = load_located(root)
    if problems:
        raise StudyError(problems)
    if key is not None and _cache_key(root) == key:  # unchanged while it loaded
        study_cache.write(root, key, study)
    return study
