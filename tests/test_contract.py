"""The installed `accord` as a user runs it: one process per call, standard output a real pipe.

Every command in every format, the solver commands with HiGHS and CBC: standard output must be the
document and nothing else, whatever a solver's C code prints on descriptor 1 (JSON, CSV and HTML are
parsed whole by their own parsers; the text formats must equal, byte for byte, what the command
writes to `sys.stdout` when run in this process). Also: no traceback on stderr, no scratch file left
in the working or temporary folder, the same bytes under another hash seed, and the JSON keys the
README documents are the keys produced.

The processes run once per module, in parallel, in a fixture; the tests read their results."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path

import pulp
import pytest

from cli.app import app
from cli.main import main, register
from conftest import MINI
from scorer import shipped_case

ACCORD = Path(sys.executable).with_name("accord")  # the console script of the venv running the tests
README = Path(__file__).parents[1] / "README.md"
FORMATS = ("terminal", "markdown", "csv", "json", "html", "latex")
TEXT_FORMATS = ("terminal", "markdown", "latex")  # no parser tells a note from noise: compared in full
SOLVERS = ("highs", "cbc")
SEED, OTHER_SEED = "1", "4294967295"  # PYTHONHASHSEED of every call, and of each determinism twin

# Every command that prints a document, with the arguments it needs on the mini study.
DOCUMENTS = {
    "list": ("list", "proposals"),
    "show": ("show", "grand_bargain"),
    "rank": ("rank",),
    "matrix": ("matrix",),
    "coalition": ("coalition", "grand_bargain"),
    "explain": ("explain", "grand_bargain", "mx_president"),
    "whatif": ("whatif", "grand_bargain", "--set", "legalisation=none"),
    "compare": ("compare", "pilot_deal", "grand_bargain"),
    "brief": ("brief",),
    "robust": ("robust", "-n", "200"),
    "sensitivity": ("sensitivity", "grand_bargain"),
    "validate": ("validate",),
    "tables": ("tables",),
    "backtest": ("backtest", "-n", "100"),
}
# Commands that run a MILP solver and take --solver.
SOLVING = {
    "optimize": ("optimize",),
    "unlock": ("unlock", "grand_bargain"),
    "frontier": ("frontier",),
    "optimize --robust": ("optimize", "--robust", "10"),
}
# Commands that print no document in a format of choice, run once each.
OTHERS = {"init": ("init", "new_study"), "schema": ("schema",),
          "diff": ("diff", str(MINI), str(MINI.parent / "ranged"))}  # two studies: no --study
# On the study with non-additive terms and conditional red lines, so their keys are filled.
TERMS = MINI.parent / "terms"
TERMS_CALLS = {"coalition": ("coalition", "no_joint", "--study", str(TERMS), "--format", "json"),
               "explain": ("explain", "grand_bargain", "house_moderates", "--study", str(TERMS), "--format", "json")}
INFEASIBLE = ("optimize", "--fix", "legalisation=earned", "--fix", "guest_workers=large")


@dataclass(frozen=True)
class Call:
    """One run of `accord ARGS`, as a user would type it."""

    args: tuple[str, ...]
    hash_seed: str = SEED
    code: int = 0
    creates: tuple[str, ...] = ()  # what the call may leave in its working folder

    def __str__(self) -> str:
        return " ".join(a if a != str(MINI) else "MINI" for a in self.args) + (
            f" [PYTHONHASHSEED={self.hash_seed}]" if self.hash_seed != SEED else "")


@dataclass(frozen=True)
class Done:
    code: int
    out: bytes
    err: str
    left: list[str]  # files left in the working and temporary folders that the call should not leave
    work: Path
    expected: str | None = None  # the document, rendered in this process


def document_call(name: str, fmt: str, solver: str | None = None, **kw) -> Call:
    args = (DOCUMENTS | SOLVING)[name] + ("--study", str(MINI), "--format", fmt)
    return Call(args + (("--solver", solver) if solver else ()), **kw)


def invoke(call: Call, folder: Path) -> Done:
    """Run the call with its own working folder and TMPDIR; stdout and stderr are pipes."""
    work, tmp = folder / "work", folder / "tmp"
    work.mkdir(parents=True)
    tmp.mkdir()
    env = {**os.environ, "PYTHONHASHSEED": call.hash_seed, "TMPDIR": str(tmp), "COLUMNS": "120"}
    args = [str(ACCORD), *call.args]
    done = subprocess.run(args, cwd=work, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    left = sorted({p.name for p in work.iterdir()} - set(call.creates))
    left += sorted(f"TMPDIR/{p.name}" for p in tmp.iterdir())
    return Done(done.returncode, done.stdout, done.stderr.decode("utf-8", "replace"), left, work)


def in_process(call: Call) -> str:
    """What the call writes to sys.stdout run in this process: the document alone, since whatever
    C code writes to descriptor 1 bypasses sys.stdout."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COLUMNS", "120")
        patch.setattr(sys, "stdout", out)
        patch.setattr(sys, "stderr", err)
        code = main(list(call.args))
    assert code == call.code, err.getvalue()
    return out.getvalue()


def calls_wanted(items: list[pytest.Item], module) -> list[Call]:
    """The calls the selected tests of this module need, as their parameters name them."""
    wanted: set[Call] = set()
    for item in items:
        if getattr(item, "module", None) is module and hasattr(item, "callspec"):
            for value in item.callspec.params.values():
                for call in value if isinstance(value, tuple) else (value,):
                    if isinstance(call, Call):
                        wanted.add(call)
    return sorted(wanted, key=lambda c: ("--solver" not in c.args, str(c)))  # the slow ones first


@pytest.fixture(scope="module")
def results(request, tmp_path_factory) -> dict[Call, Done]:
    """Every call the selected tests need, each its own process, several at a time; meanwhile, the
    text documents of the matrix rendered in this process."""
    assert ACCORD.is_file(), f"no {ACCORD}: install accord (pip install -e .) where the tests run"
    calls = calls_wanted(request.session.items, request.module)
    root = tmp_path_factory.mktemp("contract")
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = {call: pool.submit(invoke, call, root / str(i)) for i, call in enumerate(calls)}
        expected = {call: in_process(call) for call in calls if call in MATRIX and _format_of(call) in TEXT_FORMATS}
        return {call: replace(future.result(), expected=expected.get(call)) for call, future in futures.items()}


def assert_clean(call: Call, done: Done) -> None:
    assert done.code == call.code, f"exit {done.code}, expected {call.code}; stderr:\n{done.err}"
    assert "Traceback" not in done.err and "internal error" not in done.err, done.err
    assert done.left == [], f"left behind: {done.left}"


# --- each format's own parser ----------------------------------------------------------------------


def parse_csv(text: str) -> list[list[list[str]]]:
    """Tables separated by an empty row, each under an optional `# title` row; every row of a table
    has as many cells as its header."""
    tables: list[list[list[str]]] = [[]]
    for row in csv.reader(io.StringIO(text, newline="")):
        if row:
            tables[-1].append(row)
        else:
            tables.append([])
    for table in tables:
        body = table[1:] if table and len(table[0]) == 1 and table[0][0].startswith("# ") else table
        assert body, f"an empty table in\n{text}"
        assert all(len(row) == len(body[0]) for row in body), f"ragged table: {body}"
    return tables


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.text_outside: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass  # <br/>, <path .../>: opens nothing

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:] or 'nothing'}"
        self.open.pop()

    def handle_data(self, data):
        if not self.open and data.strip():
            self.text_outside.append(data.strip())


def parse_html(text: str) -> None:
    assert text.startswith("<!DOCTYPE html>"), text[:200]
    assert text.endswith("</html>\n"), text[-200:]
    parser = _Balance()
    parser.feed(text)
    parser.close()
    assert parser.open == [] and parser.text_outside == [], (parser.open, parser.text_outside)


def assert_document(fmt: str, done: Done) -> None:
    """Standard output is one document of the format, and nothing else: it parses as a whole (JSON,
    CSV, HTML), or it is what the command writes to sys.stdout (the text formats)."""
    text = done.out.decode("utf-8")
    assert text.endswith("\n") and text.strip()
    if fmt == "json":
        json.loads(text)
    elif fmt == "csv":
        parse_csv(text)
    elif fmt == "html":
        parse_html(text)
    else:
        assert text == done.expected, "standard output is not the document alone"


# --- every command, every format, both solvers -------------------------------------------------------

# Every format with HiGHS; with CBC, JSON and the terminal (the other formats render the same tables
# from the same results, and each process costs a third of a second).
MATRIX = [document_call(name, fmt) for name in DOCUMENTS for fmt in FORMATS] + [
    document_call(name, fmt, "highs") for name in SOLVING for fmt in FORMATS] + [
    document_call(name, fmt, "cbc") for name in SOLVING for fmt in ("json", "terminal")]


def _format_of(call: Call) -> str:
    return call.args[call.args.index("--format") + 1]


@pytest.mark.parametrize("call", MATRIX, ids=str)
def test_stdout_is_the_document_and_nothing_else(call, results):
    done = results[call]
    assert_clean(call, done)
    assert_document(_format_of(call), done)


@pytest.mark.parametrize("call", [Call(OTHERS["diff"] + ("--format", fmt)) for fmt in ("json", "csv", "html")], ids=str)
def test_diff_of_two_studies_is_the_document_and_nothing_else(call, results):
    done = results[call]
    assert_clean(call, done)
    assert_document(_format_of(call), done)


BANNER = b"Running HiGHS 1.16.0 (git hash: f3f113d): Copyright (c) 2026 under MIT licence terms\n" \
         b"Includes third-party software components, see THIRD_PARTY_NOTICES.md for full details\n"


@pytest.mark.parametrize("call", [document_call("optimize", fmt, "highs") for fmt in FORMATS], ids=str)
def test_each_format_check_rejects_the_banner_highs_once_printed(call, results):
    done = results[call]
    for noisy in (BANNER + done.out, done.out + BANNER):
        with pytest.raises((AssertionError, ValueError)):
            assert_document(_format_of(call), replace(done, out=noisy))


def test_every_command_is_run_by_these_tests():
    register([])  # every command module, whatever ran before
    commands = {c.name or c.callback.__name__ for c in app.registered_commands}
    covered = {args[0] for args in (*DOCUMENTS.values(), *SOLVING.values(), *OTHERS.values())}
    assert commands == covered, f"add to DOCUMENTS, SOLVING or OTHERS: {sorted(commands - covered)}"


@pytest.mark.parametrize("call", [Call(OTHERS["schema"])], ids=str)
def test_schema_prints_one_json_document(call, results):
    assert_clean(call, results[call])
    assert isinstance(json.loads(results[call].out), dict)


@pytest.mark.parametrize("call", [Call(OTHERS["init"], creates=("new_study",))], ids=str)
def test_init_writes_a_study_and_prints_no_traceback(call, results):
    assert_clean(call, results[call])
    assert (results[call].work / "new_study" / "accord.toml").is_file()


def test_a_json_document_survives_a_real_pipe_into_json_tool(tmp_path):
    """The issue's own reproduction: `accord optimize --format json | python -m json.tool`."""
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    producer = subprocess.Popen([str(ACCORD), "optimize", "--study", str(MINI), "--format", "json"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, env=env)
    consumer = subprocess.run([sys.executable, "-m", "json.tool"], stdin=producer.stdout, capture_output=True,
                              cwd=tmp_path, env=env, timeout=120)
    producer.stdout.close()
    assert producer.wait(timeout=120) == 0, producer.stderr.read()
    assert consumer.returncode == 0, consumer.stderr.decode()
    assert json.loads(consumer.stdout)["status"] == "optimal"


# --- determinism across processes --------------------------------------------------------------------

DETERMINISTIC = [document_call(name, "json") for name in ("rank", "coalition", "robust", "brief")] + [
    document_call(name, "json", solver) for name in ("optimize", "unlock", "optimize --robust") for solver in SOLVERS]


@pytest.mark.parametrize("pair", [(c, Call(c.args, hash_seed=OTHER_SEED)) for c in DETERMINISTIC],
                         ids=[str(c) for c in DETERMINISTIC])
def test_json_is_byte_identical_under_another_hash_seed(pair, results):
    first, second = (results[c] for c in pair)
    assert_clean(pair[1], second)
    assert first.out == second.out


# --- solver scratch files ----------------------------------------------------------------------------


@pytest.mark.parametrize("call", [Call(INFEASIBLE + ("--study", str(MINI), "--solver", solver, "-f", "json"), code=1)
                                  for solver in SOLVERS], ids=str)
def test_no_scratch_file_is_left_when_no_package_exists(call, results):
    """Every call here runs with its own TMPDIR and is checked for leftovers; this adds the
    infeasible path, where CBC's verdict is retried without preprocessing."""
    assert_clean(call, results[call])
    assert json.loads(results[call].out)["status"] == "infeasible"


def test_cbc_retry_that_ends_without_a_solution_file_leaves_nothing(tmp_path, monkeypatch):
    """A study (found by search) where CBC, run without preprocessing, writes no solution:
    PuLP raises, and used to leave its .mps and .sol files in TMPDIR."""
    from scorer.limits import Limits
    from scorer.search import optimize
    from synthetic import synthetic_study

    monkeypatch.setenv("TMPDIR", str(tmp_path))  # where PuLP puts its files unless told otherwise
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # and where the tempfile module does
    failed = []
    solve = pulp.PULP_CBC_CMD.actualSolve

    def watched(self, lp, **kw):
        try:
            return solve(self, lp, **kw)
        except pulp.PulpSolverError:
            failed.append(self.options)
            raise

    monkeypatch.setattr(pulp.PULP_CBC_CMD, "actualSolve", watched)
    study = synthetic_study(3, 3, 10, seed=743249)
    result = optimize(study, study.scenarios["base"], limits=Limits(fix=(("d02", "l1"),)), solver="cbc")
    assert result.status == "infeasible"
    assert failed, "CBC wrote a solution this time: find another study that takes the retry's error path"
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# --- the README's JSON contracts ---------------------------------------------------------------------
# A contract is written `{"key", "key"?: shape, "key": shape|null, var: shape, ...words}`, lists as
# `[shape]`, alternatives with `|`, string literals for the values a key may take; words stand for
# values not spelled out, `...` for keys not listed.


@dataclass
class Shape:
    kind: str  # object | map | list | literal | any | alt
    keys: dict | None = None  # object: key -> (shape, optional)
    open: bool = False  # object: `...` stands for more keys
    of: object = None  # map, list: the shape of values; literal: the string; alt: the options


def _tokens(text: str) -> list[str]:
    return re.findall(r'"[^"]*"\??|\.\.\.|[{}\[\]:,|]|[^\s{}\[\]:,|"]+', text)


def parse_shape(text: str) -> Shape:
    tokens = _tokens(text)
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def words() -> None:
        while peek() not in (None, "{", "}", "[", "]", ":", ",", "|"):
            take()

    def value() -> Shape:
        options = [single()]
        while peek() == "|":
            take()
            options.append(single())
        return options[0] if len(options) == 1 else Shape("alt", of=options)

    def single() -> Shape:
        token = peek()
        if token == "{":
            return obj()
        if token == "[":
            take()
            items = [value()]
            while peek() == ",":
                take()
                items.append(value())
            assert take() == "]"
            return Shape("list", of=items[0] if len(items) == 1 else Shape("any"))
        if token.startswith('"'):
            take()
            return Shape("literal", of=token.strip('"'))
        if token == "null":
            take()
            return Shape("literal", of=None)
        words()
        return Shape("any")

    def obj() -> Shape:
        assert take() == "{"
        keys, open_, var = {}, False, None
        while peek() != "}":
            token = peek()
            if token == "...":
                take()
                words()
                open_ = True
            elif token.startswith('"'):
                take()
                key, optional = token.rstrip("?").strip('"'), token.endswith("?")
                keys[key] = (value() if peek() == ":" and take() else Shape("any"), optional)
            else:
                words()
                var = value() if peek() == ":" and take() else Shape("any")
            if peek() == ",":
                take()
        take()
        return Shape("map", of=var) if var is not None else Shape("object", keys=keys, open=open_)

    shape = value()
    assert pos == len(tokens), f"unparsed: {tokens[pos:]}"
    return shape


def shape_problems(value: object, shape: Shape, path: str = "$") -> list[str]:
    if shape.kind == "any":
        return []
    if shape.kind == "literal":
        return [] if value == shape.of else [f"{path}: {value!r} is not {shape.of!r}"]
    if shape.kind == "alt":
        found = {id(option): shape_problems(value, option, path) for option in shape.of}
        if any(not f for f in found.values()):
            return []
        alike = [found[id(o)] for o in shape.of if (o.kind == "list") == isinstance(value, list)
                 and (o.kind in ("object", "map")) == isinstance(value, dict)]
        return [f"{path}: {value!r} matches none of the documented alternatives"] + min(
            alike or list(found.values()), key=len)
    if shape.kind == "list":
        if not isinstance(value, list):
            return [f"{path}: expected a list, found {type(value).__name__}"]
        return [p for i, item in enumerate(value) for p in shape_problems(item, shape.of, f"{path}[{i}]")]
    if not isinstance(value, dict):
        return [f"{path}: expected an object, found {type(value).__name__}"]
    if shape.kind == "map":
        return [p for k, item in value.items() for p in shape_problems(item, shape.of, f"{path}.{k}")]
    problems = [f"{path}: documented key '{k}' is missing" for k, (_, optional) in shape.keys.items()
                if k not in value and not optional]
    if not shape.open:
        problems += [f"{path}: key '{k}' is produced but not documented" for k in value if k not in shape.keys]
    return problems + [p for k, (inner, _) in shape.keys.items() if k in value
                       for p in shape_problems(value[k], inner, f"{path}.{k}")]


def readme_contracts() -> dict[str, Shape]:
    """Command (`rank`, `optimize --robust`, ...) -> the shape its README bullet documents."""
    section = README.read_text(encoding="utf-8").split("### JSON contracts", 1)[1].split("\n## ", 1)[0]
    contracts = {}
    for bullet in re.split(r"\n- ", section)[1:]:
        spans = re.findall(r"`([^`]*)`", bullet)
        shape = next((s for s in spans[1:] if s.startswith("{")), None)
        if not spans[0].startswith("accord ") or shape is None:
            continue
        words = [w for w in spans[0].split()[1:] if w not in ("--format", "json") and (w.islower() or w[0] == "-")]
        command = " ".join(words)
        before = bullet.split(f"`{shape}`", 1)[0]
        contracts[command] = Shape("list", of=parse_shape(shape)) if "a list" in before else parse_shape(shape)
    return contracts


# On the shipped case, where 2006 has the 1990s mechanisms and the 2002 Border Partnership in place.
NO_DEAL_CALLS = tuple(Call((*args, "-s", "cir_2006", "--study", str(shipped_case()), "--format", "json"))
                      for args in (("coalition", "spp_only"), ("explain", "spp_only", "mx_president")))
# The shipped case after 9/11, where an agenda setter keeps packages off (`not_tabled` filled).
AGENDA = ("--study", str(shipped_case()), "--scenario", "post911_2002", "--format", "json")
CONTRACT_CALLS = {
    "rank": [document_call("rank", "json"), Call(("rank",) + AGENDA)],
    "coalition": [document_call("coalition", "json"), NO_DEAL_CALLS[0], Call(TERMS_CALLS["coalition"]),
                  Call(("coalition", "bush_fox_2001") + AGENDA)],
    "matrix": [document_call("matrix", "json")],
    "explain": [document_call("explain", "json"), NO_DEAL_CALLS[1], Call(TERMS_CALLS["explain"]),
                Call(("explain", "bush_fox_2001", "us_president") + AGENDA)],
    "whatif": [document_call("whatif", "json")],
    "compare": [document_call("compare", "json")],
    "optimize": [document_call("optimize", "json", "highs"),
                 Call(INFEASIBLE + ("--study", str(MINI), "--solver", "highs", "-f", "json"), code=1)],
    "unlock": [document_call("unlock", "json", "highs")],
    "frontier": [document_call("frontier", "json", "highs")],
    "robust": [document_call("robust", "json")],
    "sensitivity": [document_call("sensitivity", "json")],
    "optimize --robust": [document_call("optimize --robust", "json", "highs")],
    "backtest": [document_call("backtest", "json")],
    "brief": [document_call("brief", "json")],
    "rank -s all": [Call(("rank", "-s", "all", "--study", str(MINI), "--format", "json"))],
    "diff": [Call(OTHERS["diff"] + ("--format", "json"))],
}


def test_every_documented_contract_is_checked():
    assert sorted(readme_contracts()) == sorted(CONTRACT_CALLS)


@pytest.mark.parametrize("command, calls", [(k, tuple(v)) for k, v in CONTRACT_CALLS.items()],
                         ids=list(CONTRACT_CALLS))
def test_the_json_keys_are_the_ones_the_readme_documents(command, calls, results):
    shape = readme_contracts()[command]
    for call in calls:
        assert_clean(call, results[call])
        problems = shape_problems(json.loads(results[call].out), shape)
        assert problems == [], f"{call}:\n" + "\n".join(problems)


@pytest.mark.parametrize("call", NO_DEAL_CALLS, ids=["coalition", "explain"])
def test_coalition_and_explain_say_what_gains_are_measured_against(call, results):
    assert_clean(call, results[call])
    data = json.loads(results[call].out)
    assert data["no_deal"][0] == ("border_cooperation at joint_programmes (in place; evidence "
                                  "kunz11_monterrey_border_partnership, ros07_note10_border_partnership_accord, "
                                  "stk_kunz11_mechanisms_weakened_not_gone)")


def test_the_contract_checker_can_fail():
    shape = parse_shape('{"a", "b"?: {k: {"c": "x"|"y"}}, "d": [{"e"}]|null}')
    assert shape_problems({"a": 1, "b": {"k1": {"c": "x"}}, "d": [{"e": 0}]}, shape) == []
    assert shape_problems({"a": 1, "d": None}, shape) == []
    problems = "\n".join(shape_problems({"b": {"k1": {"c": "z"}}, "d": [{"f": 0}], "g": 0}, shape))
    for expected in ("$: documented key 'a' is missing", "$: key 'g' is produced but not documented",
                     "$.b.k1.c: 'z' is not 'x'", "$.d[0]: key 'f' is produced but not documented"):
        assert expected in problems
