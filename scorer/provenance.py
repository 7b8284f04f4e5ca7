"""Which accord, study, scenario and seed produced a document, so a reader can reproduce it. The
date is the build date of reproducible-builds practice: SOURCE_DATE_EPOCH when set, else today
(UTC), so two runs on the same day (or with the variable set) give byte-identical output."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path
from typing import NamedTuple

from . import __version__
from .loading import LAYOUT


class Provenance(NamedTuple):
    version: str
    study: str  # the study folder as the user named it
    digest: str  # SHA-256 over the study's files (relative path and bytes, in path order)
    scenario: str
    seed: int
    date: str

    def line(self) -> str:
        return (f"accord {self.version} · study {self.study} (sha256 {self.digest[:12]}) · scenario {self.scenario} · "
                f"seed {self.seed} · {self.date}")

    def json(self) -> dict:
        return {"accord": self.version, "study": self.study, "sha256": self.digest, "scenario": self.scenario,
                "seed": self.seed, "date": self.date}


def study_digest(root: Path) -> str:
    """SHA-256 of every file the loader reads, each as its relative path then its bytes."""
    h = hashlib.sha256()
    files = sorted({p for _, pattern, _ in LAYOUT for p in root.glob(pattern) if p.is_file()})
    for p in files:
        h.update(p.relative_to(root).as_posix().encode() + b"\0")
        h.update(p.read_bytes() + b"\0")
    return h.hexdigest()


def build_date(environ: dict | None = None) -> str:
    """SOURCE_DATE_EPOCH as a UTC date when set (and valid), else today's UTC date."""
    epoch = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "")
    when = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch.isdigit() else dt.datetime.now(dt.timezone.utc)
    return when.date().isoformat()


def provenance(root: Path, shown_as: str, scenario: str, seed: int, date: str) -> Provenance:
    """The version is `scorer.__version__`, the one the package is built with: reading the installed
    package's metadata instead cost about 30 ms of CPU a brief (its imports, a search of sys.path)."""
    return Provenance(__version__, shown_as, study_digest(root), scenario, seed, date)


def study_label(given: str | os.PathLike | None) -> str:
    """The study as the user named it; else the folder found, relative to the working directory
    when inside it, or 'the shipped case'."""
    from .loading import find_study, shipped_case  # noqa: PLC0415

    if given is not None:
        return Path(given).as_posix()
    root = find_study(None).resolve()
    try:
        return root.relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return "the shipped case" if root == shipped_case().resolve() else root.as_posix()
