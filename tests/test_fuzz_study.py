"""A property-based fuzzer over study files: hypothesis rewrites one file of the mini study with
values within and just outside the schema (wrong types, NaN, huge numbers, booleans, control
characters, missing and unknown keys) or breaks its text (truncated, BOM, stray lines), then runs
validate, rank and matrix. Whatever it writes, accord answers with exit code 0, 1 or 2, never 3;
prints no traceback; names a file in every problem; and writes nothing when a command fails.

CI replays a fixed set of examples (the 'ci' profile in conftest.py); search afresh with
`pytest tests/test_fuzz_study.py --hypothesis-profile=explore` and keep what it finds as a corpus case."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import math
import re
import shutil
import tempfile
import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from cli.main import main
from conftest import MINI

FILES = sorted(p.relative_to(MINI).as_posix() for p in MINI.rglob("*.toml"))
EXAMPLES = 30  # a few seconds; the explore profile can run many more
IDS = ["us_president", "mx_president", "house_moderates", "border", "joint", "liaison", "status_quo", "us", "mx",
       "us_house", "memo", "memo_president", "calm"]
PROBLEM = re.compile(r"^(?P<file>[^:\s][^:]*?)(?::\d+)?: ")

# --- TOML out of Python values (values tomllib reads back, and a few that are not quite TOML) ---


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, (int, dt.date)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"


def to_toml(data: dict) -> str:
    return "".join(f"{_key(k)} = {_value(v)}\n" for k, v in data.items())


# --- what hypothesis writes ------------------------------------------------------------------------

scalars = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20), st.floats(), st.booleans(), st.sampled_from(IDS),
    st.text(max_size=12), st.dates(), st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324, 1.0, 0.5, 2.0, -1.0]))
hostile_numbers = st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -1e308, 1e300, True, False, 10**30, -1, 0])
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.sampled_from(IDS + ["level", "salience", "x"]), inner, max_size=3),
                      max_leaves=6)


def _numbers(node: dict | list):
    """(container, key) of every number in parsed TOML."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            yield node, key
        elif isinstance(value, (dict, list)):
            yield from _numbers(value)


@st.composite
def rewritten_file(draw) -> tuple[str, bytes]:
    """(file, new content): one file of the mini study with a key changed, removed or added, or its
    text broken."""
    rel = draw(st.sampled_from(FILES))
    text = (MINI / rel).read_text()
    how = draw(st.sampled_from(["set", "set", "number", "number", "remove", "add", "text"]))
    if how == "text":
        cut = draw(st.integers(0, len(text)))
        change = draw(st.sampled_from(["truncate", "bom", "stray", "duplicate"]))
        if change == "truncate":
            return rel, text[:cut].encode()
        if change == "bom":
            return rel, b"\xef\xbb\xbf" + text.encode()
        lines = text.splitlines(keepends=True)
        at = draw(st.integers(0, len(lines)))
        stray = draw(st.sampled_from(["[[", "x = ", "[pillars]\n", "id = 1\n", "\x00\n", "a.b.c = 1\n"])) \
            if change == "stray" else (lines[at - 1] if at else "")
        return rel, "".join(lines[:at] + [stray] + lines[at:]).encode()
    data = tomllib.loads(text)
    numbers = list(_numbers(data))
    if how == "number" and numbers:
        node, key = draw(st.sampled_from(numbers))
        node[key] = draw(hostile_numbers)
        return rel, to_toml(data).encode()
    node = data
    while True:  # walk into the data to the table or list to change
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        key = draw(st.sampled_from(keys)) if keys else None
        if key is None or not isinstance(node[key], (dict, list)) or not node[key] or draw(st.booleans()):
            break
        node = node[key]
    if how == "add" and isinstance(node, dict):
        node[draw(st.sampled_from(IDS + ["extra"]))] = draw(values)
    elif how == "remove" and key is not None:
        del node[key]
    elif key is not None:
        node[key] = draw(values)
    return rel, to_toml(data).encode()


# --- the property ------------------------------------------------------------------------------------


def _accord(*args: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def _names_a_file(line: str, study: Path) -> bool:
    match = PROBLEM.match(line)
    return bool(match) and (study / match.group("file").rstrip("/")).parent.exists()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rewritten_file())
def test_any_study_file_gets_an_answer_never_a_crash(change):
    rel, content = change
    with tempfile.TemporaryDirectory() as tmp:
        study, out = Path(tmp) / "study", Path(tmp) / "out"
        shutil.copytree(MINI, study)
        (study / rel).write_bytes(content)
        code, stdout, stderr = _accord("validate", "--study", study)
        assert code in (0, 1), stderr
        assert "Traceback" not in stdout + stderr
        assert all(_names_a_file(line, study) for line in stdout.splitlines()[: -1 if code == 0 else None]), stdout
        for command in ("rank", "matrix"):
            code, stdout, stderr = _accord(command, "--study", study, "-f", "json", "-o", out / f"{command}.json")
            assert code in (0, 1, 2), stderr
            assert "Traceback" not in stdout + stderr and "internal error" not in stderr
            if code:
                problems = stderr.splitlines()[:-1]  # the last line sums them up
                assert problems and all(_names_a_file(line, study) for line in problems), stderr
                assert not (out / f"{command}.json").exists()
            else:
                json.loads((out / f"{command}.json").read_text())
