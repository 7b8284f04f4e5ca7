"""Line numbers for field paths in a TOML text, so errors can say `file:line: path`.

tomllib gives values without positions; this scanner follows table headers, array-of-tables
counters and keys well enough to place every key a study file uses on its line."""

from __future__ import annotations

import re

Path = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*$")
_KEY = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")


def _split_key(key: str) -> list[str]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", key)
    return [p[1:-1] if p[0] in "\"'" else p for p in parts]


def _strip_comment(line: str) -> str:
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return line[:i]
    return line


def _depth_change(text: str) -> int:
    text = re.sub(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'', "", text)
    return text.count("[") + text.count("{") - text.count("]") - text.count("}")


class LineIndex:
    """Maps field paths of one TOML text to the line (1-based) where they are written."""

    def __init__(self, text: str) -> None:
        self.lines: dict[Path, int] = {}
        arrays: dict[Path, int] = {}
        current: Path = ()
        depth = 0
        in_string: str | None = None
        for number, raw in enumerate(text.splitlines(), start=1):
            if in_string:
                if raw.count(in_string) % 2 == 1:
                    in_string = None
                continue
            line = _strip_comment(raw)
            if depth > 0:
                depth += _depth_change(line)
                continue
            header = _HEADER.match(line)
            if header:
                names = _split_key(header.group(2))
                path: Path = ()
                for name in names[:-1]:
                    path += (name,)
                    if path in arrays:
                        path += (arrays[path],)
                path += (names[-1],)
                if header.group(1) == "[[":
                    arrays[path] = arrays.get(path, -1) + 1
                    self._mark(path, number)
                    path += (arrays[path],)
                current = path
                self._mark(current, number)
                continue
            key = _KEY.match(line)
            if key:
                path = current + tuple(_split_key(key.group(1)))
                self._mark(path, number)
                value = line[key.end() :]
                for quote in ('"""', "'''"):
                    if value.count(quote) % 2 == 1:
                        in_string = quote
                depth = max(0, _depth_change(value))

    def _mark(self, path: Path, number: int) -> None:
        for k in range(1, len(path) + 1):
            self.lines.setdefault(path[:k], number)

    def line_of(self, path: Path) -> int | None:
        """Line of the longest prefix of `path` written in the text, or None."""
        for k in range(len(path), 0, -1):
            if path[:k] in self.lines:
                return self.lines[path[:k]]
        return None
