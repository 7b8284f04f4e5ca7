"""optimize, unlock and frontier as a user runs them: formats, JSON contracts, exit codes, plain
messages when no package exists, and PuLP kept out of the other commands."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import MINI, assert_well_formed

COMMANDS = [("optimize",), ("optimize", "--top", "3", "--objective", "welfare"), ("unlock", "grand_bargain"),
            ("unlock", "pilot_deal"), ("frontier",), ("optimize", "--fix", "legalisation=earned",
                                                     "--fix", "guest_workers=large")]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: "-".join(a))
@pytest.mark.parametrize("fmt", ["terminal", "markdown", "csv", "json", "html", "latex"])
def test_every_optimiser_command_speaks_every_format(args, fmt, run):
    code, out, err = run(*args, "--study", MINI, "--format", fmt)
    assert code in (0, 1), err
    assert_well_formed(fmt, out)
    assert out == run(*args, "--study", MINI, "--format", fmt)[1], "output must be deterministic"


def test_optimize_json_contract(run):
    code, out, _ = run("optimize", "--study", MINI, "-f", "json", "--solver", "cbc")
    data = json.loads(out)
    assert code == 0
    assert {"status", "package", "ratified", "objective", "countries"} <= set(data)
    assert data["status"] == "optimal" and data["ratified"] is True and data["objective"] == pytest.approx(0.7)
    assert data["package"] == {"guest_workers": "pilot", "border": "joint", "legalisation": "earned"}
    assert data["countries"]["us"]["venue"] == "statute" and data["countries"]["us"]["chambers"]["us_house"]["passed"]
    assert data["pillars"][0] == {"name": "Legal access", "provisions": {"guest_workers": "pilot",
                                                                         "legalisation": "earned"}}


def test_no_package_is_said_plainly_with_exit_code_1(run):
    code, out, err = run("optimize", "--study", MINI, "--fix", "legalisation=earned", "--fix", "guest_workers=large")
    assert code == 1 and err == ""
    assert "No package ratifies" in out and "us_house" in out and "closest package" in out
    data = json.loads(run("optimize", "--study", MINI, "--fix", "legalisation=earned", "--fix", "guest_workers=large",
                          "-f", "json")[1])
    assert data["status"] == "infeasible" and data["package"] is None
    assert [c["id"] for c in data["conflict"]] == ["us_house"]
    assert data["closest"]["missing"] == ["us_house (50.0% of seats for a statute in us)"]


def test_what_can_be_done_without_congress(run):
    code, out, _ = run("optimize", "--study", MINI, "--venue", "us=executive", "-f", "json")
    data = json.loads(out)
    assert code == 0 and data["countries"]["us"]["venue"] in ("none", "executive")


def test_unlock_json_contract(run):
    data = json.loads(run("unlock", "grand_bargain", "--study", MINI, "-f", "json")[1])
    assert data["status"] == "optimal" and data["ratified_before"] is False and data["target"] == "ratification"
    first = data["alternatives"][0]
    assert first["changes"] == {"guest_workers": {"from": "large", "to": "pilot"}}
    assert first["wins"] == ["house_moderates"] and first["ratified"] is True
    assert first["sponsor_gain_after"] == pytest.approx(0.7) and data["sponsor_gain_before"] == pytest.approx(0.85)


def test_unlock_that_nothing_can_do_says_who_and_why(run, mini):
    """With a reservation of 0.99, no package wins the Mexican President: at best 0.6 (earned
    legalisation) + 0.3 (large programme) + 0.05 (liaison) = 0.95."""
    path = mini / "criteria" / "stakeholders" / "mx_president.toml"
    path.write_text(path.read_text().replace("reservation = 0.1\nreservation_range = [0.0, 0.2]", "reservation = 0.99"))
    code, out, _ = run("unlock", "grand_bargain", "--study", mini, "--for", "mx_president")
    assert code == 1
    assert "Nothing unlocks grand_bargain" in out
    assert "its best attainable gain without crossing its red lines is +0.950, below its reservation +0.990" in out


def test_frontier_json_contract(run):
    data = json.loads(run("frontier", "--study", MINI, "-f", "json")[1])
    assert data["countries"] == ["us", "mx"] and data["status"] == "optimal"
    assert [p["gains"] for p in data["points"]] == [{"us": 0.5, "mx": 0.8}, {"us": 0.75, "mx": 0.7},
                                                   {"us": 1.0, "mx": 0.25}]
    assert {p["proposal"]: p["position"] for p in data["proposals"]} == {
        "grand_bargain": "beyond", "pilot_deal": "inside", "status_quo": "inside"}


def test_the_briefing_draws_the_frontier(run):
    code, out, _ = run("brief", "--study", MINI, "-f", "html")
    assert code == 0 and "Frontier between us and mx" in out and "<svg" in out and "pilot_deal" in out


@pytest.mark.parametrize("args, message", [
    (("optimize", "--objective", "nash"), "unknown objective"),
    (("optimize", "--fix", "legalisation"), "expected DIM=LEVEL"),
    (("optimize", "--forbid", "border=wall"), "unknown level 'wall'"),
    (("optimize", "--require", "pope"), "unknown stakeholder 'pope'"),
    (("optimize", "--venue", "referendum"), "unknown venue"),
    (("optimize", "--countries", "us,ca"), "unknown country 'ca'"),
    (("optimize", "--solver", "gurobi"), "unknown solver"),
    (("unlock", "grand_bargain", "--cost", "votes"), "unknown cost"),
    (("unlock", "nothing"), "unknown proposal"),
    (("frontier", "--countries", "us"), "exactly two countries"),
])
def test_bad_requests_exit_2_with_one_line(args, message, run):
    code, out, err = run(*args, "--study", MINI)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_scoring_commands_never_load_pulp():
    script = ("import sys; from cli.main import main; main(['rank', '--study', sys.argv[1]]); "
              "main(['coalition', 'grand_bargain', '--study', sys.argv[1]]); "
              "assert 'pulp' not in sys.modules and 'highspy' not in sys.modules, 'pulp was imported'")
    done = subprocess.run([sys.executable, "-c", script, str(MINI)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
