"""Checks of a study's citations against the source texts: each document's SHA-256 and each
anchor phrase on exactly its cited line. A source text is read only when
it resolves inside the sources folder and is a regular file of at most MAX_SOURCE_BYTES."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from .errors import Problem
from .loading import Locator
from .models import Study
from .reading import MAX_SOURCE_BYTES, Unreadable, read_bytes


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def check_sources(study: Study, locator: Locator, sources: Path) -> list[Problem]:
    """Problems with the registry's hashes and the evidence anchors, read from `sources`."""
    problems: list[Problem] = []
    texts: dict[str, list[str]] = {}
    folder = sources.resolve()
    for doc in study.documents.values():
        path = sources / doc.file
        if not path.resolve().is_relative_to(folder):
            problems.append(locator.problem("document", doc.id, ("file",),
                                            f"{doc.file!r} resolves outside the sources folder {sources}"))
            continue
        if not os.path.lexists(path):
            problems.append(locator.problem("document", doc.id, ("file",), f"source text not found at {path}"))
            continue
        try:
            data = read_bytes(path, MAX_SOURCE_BYTES)
        except Unreadable as err:
            problems.append(locator.problem("document", doc.id, ("file",), f"source text at {path}: {err}"))
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != doc.sha256:
            problems.append(locator.problem("document", doc.id, ("sha256",),
                                            f"SHA-256 of {path} is {digest}, expected {doc.sha256}"))
        texts[doc.id] = data.decode("utf-8", errors="replace").splitlines()
    for ev in study.evidence.values():
        lines = texts.get(ev.document) if ev.document else None
        if lines is None:
            continue
        anchor = _fold(ev.anchor)
        if ev.line <= len(lines) and anchor in _fold(lines[ev.line - 1]):
            continue
        found = _fold(lines[ev.line - 1])[:70] if ev.line <= len(lines) else f"the text has {len(lines)} lines"
        at = [str(n) for n, line in enumerate(lines, 1) if anchor in _fold(line)]
        where = f"; the anchor is at line {', '.join(at[:5])}" if at else "; the anchor is nowhere in the text"
        problems.append(locator.problem("evidence", ev.id, ("anchor",),
                                        f"anchor {ev.anchor!r} not found at line {ev.line} of {ev.document} "
                                        f"(line {ev.line} reads: {found!r}{where})"))
    return problems
