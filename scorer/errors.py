"""Problems found in a study, and the one exception the library raises for bad input."""

from __future__ import annotations

from dataclasses import dataclass

FieldPath = tuple[str | int, ...]
WHOLE_FILE = "(whole file)"  # the field of a problem with a file as a whole (unreadable, bad TOML, missing)


def format_path(path: FieldPath) -> str:
    """('pillars', 1, 'provisions') -> 'pillars[1].provisions'"""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a study: where (file, line, field path) and what."""

    file: str
    line: int | None
    path: str
    message: str

    def __post_init__(self) -> None:
        if not self.path:
            object.__setattr__(self, "path", WHOLE_FILE)

    def sort_key(self) -> tuple:
        return (self.file, self.line or 0, self.path, self.message)

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return f"{where}: {self.path}: {self.message}"


class AccordError(Exception):
    """Bad input or a request the study cannot answer; the CLI prints it and exits 2."""


class StudyError(AccordError):
    """A study that failed to load, with every problem found in one pass."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))


class UndefinedObjective(AccordError):
    """An objective that cannot be computed in the scenario (the worst gain of a coalition whose
    required actor is absent); an objective that does not need it may still be asked for."""
