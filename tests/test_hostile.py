"""Hostile input and hostile environments (issue 14): payloads in study text, meaningless options,
special files, closed pipes, narrow encodings and interrupts. What depends on the process (files,
devices, pipes, encodings, signals, the umask) runs the installed `accord` as a user does; checks of
the text alone run it in-process (the `run` fixture), which is faster."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import tempfile
import sys
import time
from pathlib import Path

import pytest

from conftest import MINI, SOURCES

ACCORD = Path(sys.executable).with_name("accord")

# A table whose title, note and row label carry what a red team would put there: a LaTeX \input,
# a spreadsheet formula, markdown pipes and line breaks, terminal escape sequences.
HOSTILE_TABLE = r'''id = "hostile"
title = "Harmless\n\\input{SECRET}\n% after"
document = "memo"
line = 2
columns = ["First", "Second"]
weights = [2, 1]
note = "A note \\input{SECRET} | with a pipe"

[[rows]]
label = "=HYPERLINK(\"http://example.invalid\",\"x\") | pipe\nsecond line \u001b]0;owned\u0007 \u001b[31mred"
line = 3
cells = [1, 2]
total = 3
index = 4
'''


def accord(*args: object, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    """Run the installed accord; returns the finished process with its text output."""
    return subprocess.run([str(ACCORD), *map(str, args)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "COLUMNS": "200", **(env or {})}, **kwargs)


def clean(done: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in done.stdout + done.stderr, done.stderr


@pytest.fixture
def inproc(run):
    """`run` with the answer shaped like a finished process, for the text-only checks."""
    def _run(*args: object) -> subprocess.CompletedProcess:
        code, out, err = run(*args)
        return subprocess.CompletedProcess(args, code, out, err)

    return _run


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    study = tmp_path_factory.mktemp("hostile") / "study"
    shutil.copytree(MINI, study)
    (study / "seeds" / "tables").mkdir()
    (study / "seeds" / "tables" / "hostile.toml").write_text(HOSTILE_TABLE)
    return study


@pytest.fixture(scope="module")
def absent_president(tmp_path_factory) -> Path:
    """The mini study with the US president away in the alarm scenario."""
    study = tmp_path_factory.mktemp("absent") / "study"
    shutil.copytree(MINI, study)
    alarm = study / "criteria" / "scenarios" / "alarm.toml"
    alarm.write_text(alarm.read_text().replace('year = 2002\n', 'year = 2002\nabsent = ["us_president"]\n', 1))
    return study


# --- escaping -------------------------------------------------------------------------------------


def test_csv_cells_that_would_run_as_formulas_are_neutralised_unless_raw(hostile, inproc):
    done = inproc("tables", "--study", hostile, "-f", "csv")
    clean(done)
    label = next(cell for row in csv.reader(io.StringIO(done.stdout)) for cell in row if "HYPERLINK" in cell)
    assert label.startswith("'=HYPERLINK(")
    raw = inproc("tables", "--study", hostile, "-f", "csv", "--raw")
    assert any(cell.startswith("=HYPERLINK(") for row in csv.reader(io.StringIO(raw.stdout)) for cell in row)
    numbers = inproc("matrix", "--study", hostile, "-f", "csv").stdout
    assert ",-0.3," in numbers and ",'-0.3," not in numbers, "accord's own signed numbers are no formulas"


def test_terminal_output_never_carries_control_characters(hostile, inproc):
    done = inproc("tables", "--study", hostile)
    clean(done)
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", done.stdout)
    assert "\\x1b]0;owned\\x07" in done.stdout


def test_markdown_rows_keep_their_columns(hostile, inproc):
    out = inproc("tables", "--study", hostile, "-f", "markdown").stdout
    block = out.split("\n\n")[1].splitlines()  # the hostile table: header, rule, one row
    pipes = [len(re.findall(r"(?<!\\)\|", line)) for line in block]
    assert len(block) == 3 and len(set(pipes)) == 1, block
    assert "<br>second line" in out


def test_latex_output_runs_no_command_from_the_study(hostile, tmp_path, inproc):
    out = inproc("tables", "--study", hostile, "-f", "latex").stdout
    commands = set(re.findall(r"\\([A-Za-z]+)", out))
    assert commands <= {"begin", "end", "toprule", "midrule", "bottomrule", "textbackslash", "ensuremath", "times",
                        "textless", "textgreater", "textasciicircum", "textasciitilde", "surd", "textbar", "allowbreak",
                        "ldots", "rightarrow", "pm", "geq", "leq", "varepsilon", "bullet", "cdot"}, commands
    assert "\\input" not in out.replace("\\textbackslash{}input", "")
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed: the escaping is checked, the compilation is not")
    (tmp_path / "SECRET.tex").write_text("LEAKED")
    (tmp_path / "doc.tex").write_text("\\documentclass{article}\\usepackage{booktabs}\\begin{document}\n"
                                      + out + "\\end{document}\n")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-no-shell-escape", "doc.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]
    assert "SECRET.tex" not in (tmp_path / "doc.log").read_text()


def test_json_never_carries_nan_or_infinity(absent_president, inproc):
    done = inproc("rank", "--study", absent_president, "-s", "alarm", "-m", "maximin", "-f", "json")
    clean(done)

    def refuse(token: str) -> None:
        raise AssertionError(f"non-JSON token {token}")

    rows = json.loads(done.stdout, parse_constant=refuse)
    assert all(r["score"] is None for r in rows)


# --- writing with -o ------------------------------------------------------------------------------


def test_output_to_devices_writes_them_directly():
    null = accord("rank", "--study", MINI, "-o", "/dev/null")
    assert null.returncode == 0 and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    full = accord("rank", "--study", MINI, "-o", "/dev/full")
    clean(full)
    assert full.returncode == 2 and "cannot write /dev/full" in full.stderr
    out = accord("rank", "--study", MINI, "-o", "/dev/stdout")
    assert out.returncode == 0 and out.stdout.startswith("Ranking by support")


@pytest.mark.skipif(not os.path.isdir("/dev/shm"), reason="no /dev/shm on this system")
def test_output_to_a_new_file_in_dev_shm_is_written_like_any_file():
    """/dev/shm holds ordinary files: a new one is created (it is not a device to append to)."""
    folder = tempfile.mkdtemp(dir="/dev/shm", prefix="accord-test-")
    try:
        done = accord("rank", "--study", MINI, "-f", "csv", "-o", f"{folder}/ranking.csv")
        assert done.returncode == 0, done.stderr
        assert Path(folder, "ranking.csv").read_text().startswith("rank,proposal")
        assert os.listdir(folder) == ["ranking.csv"]  # no temporary file left behind
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_output_through_a_symlink_writes_its_target_and_keeps_its_mode(tmp_path):
    target = tmp_path / "target.csv"
    target.write_text("old\n")
    target.chmod(0o640)
    (tmp_path / "link.csv").symlink_to("target.csv")
    done = accord("rank", "--study", MINI, "-f", "csv", "-o", tmp_path / "link.csv")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "link.csv").is_symlink() and target.read_text().startswith("rank,proposal")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "target.csv"]


def test_new_output_files_honour_the_umask_and_a_trailing_slash_means_a_folder(tmp_path):
    done = accord("brief", "--study", MINI, "-f", "markdown", "-o", f"{tmp_path}/out/",
                  preexec_fn=lambda: os.umask(0o027))
    assert done.returncode == 0, done.stderr
    written = tmp_path / "out" / "brief.md"
    assert written.read_text().startswith("# accord briefing") and stat.S_IMODE(written.stat().st_mode) == 0o640
    assert f"wrote {written}" in done.stderr


def test_a_failed_write_leaves_nothing_and_names_no_temporary_file(tmp_path):
    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))

    done = accord("rank", "--study", MINI, "-o", tmp_path / "rank.txt", preexec_fn=small_files)
    clean(done)
    assert done.returncode == 2 and f"cannot write {tmp_path / 'rank.txt'}: file too large" in done.stderr
    assert ".tmp" not in done.stderr and list(tmp_path.iterdir()) == []


# --- pipes, encodings, interrupts -------------------------------------------------------------------


def test_a_reader_that_goes_away_ends_accord_quietly_with_141():
    proc = subprocess.Popen([str(ACCORD), "list", "evidence", "-f", "json"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()  # like `| head` after its lines
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141 and err == ""


@pytest.mark.parametrize("command", [("matrix", "--study", MINI), ("tables",), ("brief", "--study", MINI)],
                         ids=lambda c: c[0])
def test_an_output_encoding_without_marks_gets_ascii_ones(command):
    done = accord(*command, env={"PYTHONIOENCODING": "cp1252"}, encoding="cp1252")
    clean(done)
    assert done.returncode == 0, done.stderr
    if command[0] == "matrix":
        assert " v" in done.stdout and " x" in done.stdout


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc to find the solver's process")
def test_interrupting_a_cbc_solve_leaves_no_process_and_no_file(tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen([str(ACCORD), "optimize", "--robust", "400", "--solver", "cbc"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline, children = time.monotonic() + 60, []
    while not children and proc.poll() is None and time.monotonic() < deadline:
        children = _children(proc.pid)
        time.sleep(0.02)
    assert children, "CBC never started"
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 130
    assert "Traceback" not in proc.stderr.read().decode()
    alive = [c for c in children if Path(f"/proc/{c}").exists()]
    assert alive == [] and list(tmp_path.iterdir()) == []


# --- usage and messages -----------------------------------------------------------------------------


@pytest.mark.parametrize("args, message", [
    (("rank", "--scenario", ""), "must not be empty"),
    (("optimize", "--solver", ""), "must not be empty"),
    (("optimize", "--countries", ""), "name at least one country"),
    (("optimize", "--countries", "us,us"), "given more than once: us"),
    (("frontier", "--countries", "us, us"), "given more than once: us"),
    (("robust", "--seed", "-1", "-n", "10"), "--seed"),
    (("whatif", "grand_bargain", "--set", "border=unilateral", "--set", "border=liaison"),
     "given more than once: border (unilateral, liaison)"),
    (("robust", "--samples", "1000000000000"), "would take about"),
    (("optimize", "--robust", "1000000"), "would need about"),
], ids=lambda a: " ".join(a) if isinstance(a, tuple) else "")
def test_meaningless_options_are_usage_errors(args, message, inproc):
    done = inproc(*args, "--study", MINI)
    clean(done)
    assert done.returncode == 2 and message in done.stderr and done.stdout == ""


@pytest.mark.parametrize("forbid", [(), ("--forbid", "border=joint")], ids=["fix-twice", "fix-twice-and-forbid"])
def test_one_dimension_fixed_twice_is_a_settings_clash(forbid, inproc):
    done = inproc("optimize", "--study", MINI, "-f", "json", "--fix", "border=joint", "--fix", "border=liaison", *forbid)
    clean(done)
    assert done.returncode == 1
    assert json.loads(done.stdout)["settings_conflict"]


def test_advice_names_only_options_the_command_has(absent_president, inproc):
    brief = inproc("brief", "--study", absent_president, "-s", "alarm")
    optimize = inproc("optimize", "--study", absent_president, "-s", "alarm")
    assert brief.returncode == optimize.returncode == 2
    assert "us_president absent" in brief.stderr and "--objective" not in brief.stderr
    assert "try --objective welfare or support" in optimize.stderr


def test_validate_sources_reads_nothing_outside_the_sources_folder(tmp_path, inproc):
    sources = tmp_path / "sources"
    sources.mkdir()
    (tmp_path / "outside.txt").write_text((SOURCES / "mini.txt").read_text())
    (sources / "mini.txt").symlink_to(tmp_path / "outside.txt")
    done = inproc("validate", "--study", MINI, "--sources", sources)
    clean(done)
    assert done.returncode == 1
    assert "seeds/documents.toml:3: documents[0].file: 'mini.txt' resolves outside the sources folder" in done.stdout
    assert "SHA-256" not in done.stdout


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder (the in-process test below covers root)")
def test_an_unreadable_folder_is_reported_not_read_as_empty(mini):
    (mini / "proposals").chmod(0)
    try:
        done = accord("validate", "--study", mini)
    finally:
        (mini / "proposals").chmod(0o755)
    clean(done)
    assert done.returncode == 1 and "proposals/: (folder): cannot be listed (permission denied)" in done.stdout


def test_a_folder_that_refuses_listing_is_reported_not_read_as_empty(mini, run, monkeypatch):
    listing = os.scandir

    def refuse(path):
        if Path(path) == mini / "proposals":
            raise PermissionError(13, "Permission denied", str(path))
        return listing(path)

    monkeypatch.setattr(os, "scandir", refuse)
    code, out, _ = run("validate", "--study", mini)
    assert code == 1 and "proposals/: (folder): cannot be listed (permission denied)" in out


def test_init_refuses_a_folder_inside_the_case_it_copies(tmp_path):
    from scorer.loading import shipped_case

    inside = shipped_case() / "criteria" / "copy"
    done = accord("init", inside)
    clean(done)
    assert done.returncode == 2 and "lies inside the shipped case" in done.stderr and len(done.stderr) < 500
    assert not inside.exists()
    fresh = accord("init", tmp_path / "study", preexec_fn=lambda: os.umask(0o022))
    assert fresh.returncode == 0 and stat.S_IMODE((tmp_path / "study").stat().st_mode) == 0o755


def test_a_long_sampling_run_says_how_long_before_it_starts(run, monkeypatch):
    from scorer import cost

    monkeypatch.setattr(cost, "sampling_seconds", lambda *args, **kwargs: 3 * 3600.0)
    code, _, err = run("robust", "--study", MINI, "-n", str(cost.TRIAL_SAMPLES * 10 + 1))
    assert code == 0 and f"sampling {cost.TRIAL_SAMPLES * 10 + 1:,} worlds: about 3 hours" in err
