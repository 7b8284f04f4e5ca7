"""The command line as a user runs it: help, formats, output files, exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from cli.app import app
from cli.main import COMMANDS as MODULE_OF, register
from conftest import MINI, assert_well_formed

register([])  # every command module, as for --help
COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)
TABLE_COMMANDS = [
    ("list", "proposals"), ("show", "grand_bargain"), ("rank",), ("matrix",), ("coalition", "grand_bargain"),
    ("explain", "grand_bargain", "mx_president"), ("whatif", "grand_bargain", "--set", "legalisation=none"),
    ("compare", "pilot_deal", "grand_bargain"), ("brief",),
]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself(command, run):
    code, out, _ = run(command, "--help")
    assert code == 0
    assert len(out.split("Usage:")[1].strip()) > 40


def test_bare_accord_shows_help(run):
    code, out, err = run()
    assert "Usage" in out + err


@pytest.mark.parametrize("args", TABLE_COMMANDS, ids=lambda a: a[0])
@pytest.mark.parametrize("fmt", ["terminal", "markdown", "csv", "json", "html", "latex"])
def test_every_table_command_speaks_every_format(args, fmt, run):
    code, out, err = run(*args, "--study", MINI, "--format", fmt)
    assert code == 0, err
    assert_well_formed(fmt, out)
    assert out == run(*args, "--study", MINI, "--format", fmt)[1], "output must be deterministic"


def test_rank_json_contract(run):
    rows = json.loads(run("rank", "--study", MINI, "-f", "json")[1])
    assert [r["rank"] for r in rows] == [1, 2, 3]
    assert {"proposal", "rank", "score", "ratified"} <= set(rows[0])


def test_coalition_json_contract(run):
    data = json.loads(run("coalition", "grand_bargain", "--study", MINI, "-f", "json")[1])
    assert data["proposal"] == "grand_bargain" and data["scenario"] == "calm" and data["ratified"] is False
    us = data["countries"]["us"]
    assert us["venue"] == "statute" and us["ratified"] is False
    assert set(us["blocking"]) == {"house_restrictionists", "house_moderates"}
    assert us["chambers"]["us_house"] == {"share": 0.0, "threshold": 0.5, "passed": False}
    people = {p["id"]: p for p in data["stakeholders"]}
    assert people["house_moderates"]["pivotal"] is True
    assert {"id", "gain", "accepts", "pivotal"} <= set(people["us_president"])


def test_output_file_is_written_whole_and_nothing_else_is_left(tmp_path, run):
    target = tmp_path / "out" / "brief.html"
    code, out, err = run("brief", "--study", MINI, "-f", "html", "-o", target)
    assert code == 0 and out == ""
    assert target.read_text().startswith("<!DOCTYPE html>")
    assert [p.name for p in target.parent.iterdir()] == ["brief.html"]


def test_html_matrix_is_colour_scaled(run):
    out = run("matrix", "--study", MINI, "-f", "html")[1]
    assert 'style="background:#' in out


@pytest.mark.parametrize("args, message", [
    (("coalition", "nope"), "unknown proposal 'nope'"),
    (("rank", "--scenario", "nope"), "unknown scenario 'nope'"),
    (("rank", "--method", "borda"), "unknown method 'borda'"),
    (("explain", "grand_bargain", "nobody"), "unknown stakeholder 'nobody'"),
    (("whatif", "grand_bargain", "--set", "border"), "expected DIM=LEVEL"),
    (("list", "things"), "unknown kind 'things'"),
    (("show", "nothing_here"), "no proposal, stakeholder"),
])
def test_bad_arguments_exit_2_with_a_message(args, message, run):
    code, out, err = run(*args, "--study", MINI)
    assert code == 2 and message in err and "Traceback" not in err


def test_usage_errors_exit_2(run):
    code, out, err = run("rank", "--format", "pdf", "--study", MINI)
    assert code == 2


def test_validate_ok_exit_0(run):
    code, out, err = run("validate", "--study", MINI)
    assert code == 0 and out.startswith("ok:")


def test_everyday_commands_do_not_load_the_solver_or_numpy():
    """`rank` must start fast: pulp and numpy are imported only by the commands that need them."""
    import subprocess

    code = ("import sys, io, contextlib; from cli.main import main\n"
            "with contextlib.redirect_stdout(io.StringIO()): main(['rank', '--study', sys.argv[1]])\n"
            "print(sorted(m for m in ('pulp', 'numpy', 'highspy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(MINI)], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_brief_reports_its_slow_stages_on_a_terminal_only(monkeypatch):
    from cli.common import stages
    from scorer.briefing import STAGES, brief
    from scorer.loading import load_study

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    study = load_study(MINI)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with stages(STAGES, "briefing") as stage:
        assert stage is None
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with stages(STAGES, "briefing") as stage:
        brief(study, study.scenario("calm"), stage=stage)
    assert "frontier" in screen.getvalue() and "robustness" in screen.getvalue()


def test_each_command_is_imported_from_the_module_that_defines_it():
    """A run imports only its command's module (cli.main.COMMANDS): the table must stay true."""
    defined = {c.name or c.callback.__name__: c.callback.__module__ for c in app.registered_commands}
    assert {name: f"cli.{module}" for name, module in MODULE_OF.items()} == defined


def test_a_command_builds_without_the_other_modules():
    """`accord rank` in a fresh process imports neither the optimiser nor the study browser, nor the
    ranged judgments (sampling and sensitivity read them), nor for JSON the html module."""
    probe = ("import sys; from cli.main import main; code = main(['rank', '--study', sys.argv[1], '-f', 'json']); "
             "print(sorted(m for m in sys.modules if m.startswith(('cli.', 'pulp', 'scorer.optimize', "
             "'scorer.judgments', 'tabulate', 'html'))))")
    done = subprocess.run([sys.executable, "-c", probe, str(MINI)], capture_output=True, text=True, check=True)
    loaded = done.stdout.strip().splitlines()[-1]
    assert "cli.score_commands" in loaded
    for absent in ("cli.optimize_commands", "cli.study_commands", "pulp", "scorer.optimize", "tabulate",
                   "scorer.judgments", "html"):
        assert absent not in loaded, loaded
