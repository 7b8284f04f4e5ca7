"""Working like the tools analysts use (issue 13), tested as a user runs it: the installed
`accord` in a subprocess, the terminal width set through COLUMNS, real stdout parsed. Independent
runs go in parallel to keep the suite fast."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import MINI

ACCORD = Path(sys.executable).with_name("accord")


def accord(*args: object, columns: int = 100, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {"COLUMNS": str(columns), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "SHELL": "/bin/bash",
           "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}  # the session's study cache (conftest), not the user's
    return subprocess.run([str(ACCORD), *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=120)


def many(*calls: tuple) -> list[subprocess.CompletedProcess]:
    """Run several `accord` calls at once; each call is (args...) or (args..., {"columns": n})."""
    def one(call: tuple) -> subprocess.CompletedProcess:
        options = call[-1] if isinstance(call[-1], dict) else {}
        return accord(*(call[:-1] if options else call), **options)

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(one, calls))


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


# --- tables that fit -------------------------------------------------------------------------------


def test_wide_tables_fit_the_terminal_and_keep_every_cell():
    matrix80, matrix_wide, matrix_json, rank40, rank_json = many(
        ("matrix", "-s", "cir_2006", {"columns": 80}), ("matrix", "-s", "cir_2006", "--wide", {"columns": 80}),
        ("matrix", "-s", "cir_2006", "-f", "json"), ("rank", "--study", MINI, {"columns": 40}),
        ("rank", "--study", MINI, "-f", "json"))
    text = ok(matrix80)
    assert widest(text) <= 80 and widest(ok(matrix_wide)) > 80
    records = json.loads(ok(matrix_json))
    # Every gain of the JSON is on screen (below the title), with its mark, once per stakeholder and proposal.
    body = text.split("\n\n", 1)[1]
    assert body.count("✓") + body.count("✗") == len(records)
    assert sum(1 for r in records if r["accepts"]) == body.count("✓")
    for r in records:  # the JSON rounds to 6 places: a gain such as 0.0775 may show as +0.077 or +0.078
        shown = {f"{r['gain'] + d:+.3f} {'✓' if r['accepts'] else '✗'}" for d in (-1e-6, 0, 1e-6)}
        assert any(s in body for s in shown), shown
    for r in records:
        assert r["stakeholder"] in text
    assert "[columns 2-" in text  # split into blocks of columns, each led by the stakeholder column
    narrow = ok(rank40)
    assert widest(narrow) <= 40
    for r in json.loads(ok(rank_json)):
        assert r["proposal"] in narrow.replace("\n", "") or r["proposal"][:10] in narrow


def test_filters_and_columns_narrow_every_format_alike():
    args = ("matrix", "-s", "cir_2006", "--proposals", "three_pillar,spp_only", "--country", "mx")
    shown, as_json, as_csv, bad, bad_column, bad_table = many(
        (*args,), (*args, "-f", "json"), (*args, "-f", "csv"), ("matrix", "--proposals", "nope"),
        ("rank", "--study", MINI, "--columns", "proposal,nope"), ("rank", "--study", MINI, "--table", "nope"))
    assert bad_column.returncode == 2 and "--columns: no column 'nope'" in bad_column.stderr
    assert bad_table.returncode == 2 and "--table: no table 'nope' here (expected one of: ranking)" in bad_table.stderr
    records = json.loads(ok(as_json))
    assert {r["proposal"] for r in records} == {"three_pillar", "spp_only"}
    mexicans = {r["stakeholder"] for r in records}
    assert mexicans and all(s.startswith("mx_") for s in mexicans)
    rows = list(csv.DictReader(io.StringIO(ok(as_csv))))
    assert [(r["proposal"], r["stakeholder"]) for r in rows] == [(r["proposal"], r["stakeholder"]) for r in records]
    text = ok(shown)
    assert "us_president" not in text and "whole_enchilada" not in text and "three_pillar" in text
    assert bad.returncode == 2 and "--proposals: unknown id 'nope'" in bad.stderr


# --- formats tools read ----------------------------------------------------------------------------


def test_csv_holds_one_table_with_snake_case_keys_matching_jsonl(tmp_path):
    first, table_csv, table_jsonl, rank_csv, rank_screen, into_dir = many(
        ("coalition", "grand_bargain", "--study", MINI, "-f", "csv"),
        ("coalition", "grand_bargain", "--study", MINI, "-f", "csv", "--table", "stakeholders"),
        ("coalition", "grand_bargain", "--study", MINI, "-f", "jsonl", "--table", "stakeholders"),
        ("rank", "--study", MINI, "-f", "csv", "--columns", "proposal,ratified,blocking"),
        ("rank", "--study", MINI, "--columns", "proposal,ratified,blocking"),
        ("coalition", "grand_bargain", "--study", MINI, "-f", "csv", "-o", tmp_path / "tables"))
    lines = ok(first).splitlines()
    assert not any(line.startswith("#") for line in lines) and lines[0] == "country,venue,ratified,required_actors,blocking"
    rows = list(csv.DictReader(io.StringIO(ok(table_csv))))
    records = [json.loads(line) for line in ok(table_jsonl).splitlines()]
    assert list(rows[0]) == list(records[0]) == ["stakeholder", "country", "gain", "margin", "accepts", "pivotal",
                                                 "red_lines_touched"]
    for row, rec in zip(rows, records, strict=True):
        assert row["accepts"] == ("true" if rec["accepts"] else "false")
        assert float(row["gain"]) == rec["gain"]
        assert (row["red_lines_touched"] == "") == (rec["red_lines_touched"] is None)
    ranked = list(csv.DictReader(io.StringIO(ok(rank_csv))))
    assert list(ranked[0]) == ["proposal", "ratified", "blocking"]
    assert {r["ratified"] for r in ranked} <= {"true", "false"}
    assert "true" in ok(rank_screen) and "yes" not in ok(rank_screen)
    ok(into_dir)
    assert sorted(p.name for p in (tmp_path / "tables").iterdir()) == ["chambers.csv", "closest.csv", "countries.csv",
                                                                       "stakeholders.csv"]


def test_output_format_follows_the_extension_unless_given(tmp_path):
    results = many(("rank", "--study", MINI, "-o", tmp_path / "r.json"),
                   ("rank", "--study", MINI, "-o", tmp_path / "r.html"),
                   ("rank", "--study", MINI, "-o", tmp_path / "r.csv", "-f", "json"),
                   ("rank", "--study", MINI, "-o", tmp_path / "r.jsonl"))
    for r in results:
        ok(r)
    assert isinstance(json.loads((tmp_path / "r.json").read_text()), list)
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")
    assert isinstance(json.loads((tmp_path / "r.csv").read_text()), list)
    assert len((tmp_path / "r.jsonl").read_text().splitlines()) == 3


# --- conventions ------------------------------------------------------------------------------------


def test_version_help_and_completion():
    version, short_help, whatif_help = many(("--version",), ("-h",), ("whatif", "-h"))
    # Typer finds the user's shell among the process's parents: run it from bash, as a user would.
    completion = subprocess.run(["/bin/bash", "-c", f"'{ACCORD}' --show-completion; exit $?"], capture_output=True,
                                text=True, env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}, timeout=120)
    assert re.fullmatch(r"accord \d+\.\d+\.\d+\n", ok(version))
    assert "--install-completion" in ok(short_help) and "Commands:" in ok(short_help)
    assert "--judge KIND:ID=VALUE" in ok(whatif_help) and "{PROPOSAL}" in ok(whatif_help)
    assert "_ACCORD_COMPLETE" in ok(completion)


def test_help_names_values_not_python_types(run):
    from cli.app import app

    for command in sorted(c.name or c.callback.__name__ for c in app.registered_commands):
        code, out, _ = run(command, "-h")
        assert code == 0 and not re.search(r"<(str|path|list|int|float|bool)", out), out


def test_titles_name_the_study_and_scenario():
    matrix, listing = many(("matrix", "--study", MINI, "-s", "alarm"), ("list", "proposals", "--study", MINI,
                                                                         "-f", "markdown"))
    name = tomllib.loads((MINI / "accord.toml").read_text())["name"]
    title = ok(matrix).split("\n\n")[0].replace("\n", " ")
    assert f"study {name} ({MINI})" in title and "scenario alarm" in title
    assert f"### Proposals [study {name} ({MINI})]" in ok(listing)


# --- sweeps -------------------------------------------------------------------------------------------


def test_scenario_sweeps_equal_one_run_per_scenario():
    twice, rank_all, calm, alarm, sweep, coal_alarm, screen = many(
        ("matrix", "--study", MINI, "-s", "calm", "-s", "alarm"),
        ("rank", "--study", MINI, "-s", "all", "-f", "json"),
        ("rank", "--study", MINI, "-s", "calm", "-f", "json"), ("rank", "--study", MINI, "-s", "alarm", "-f", "json"),
        ("coalition", "grand_bargain", "--study", MINI, "-s", "calm,alarm", "-f", "json"),
        ("coalition", "grand_bargain", "--study", MINI, "-s", "alarm", "-f", "json"),
        ("coalition", "grand_bargain", "--study", MINI, "-s", "calm", "-s", "alarm"))
    assert twice.returncode == 2 and "given 2 times" in twice.stderr
    data = json.loads(ok(rank_all))
    assert data["scenarios"] == {"alarm": json.loads(ok(alarm)), "calm": json.loads(ok(calm))}
    assert json.loads(ok(sweep))["scenarios"]["alarm"] == json.loads(ok(coal_alarm))
    header = next(line for line in ok(screen).splitlines() if line.startswith("stakeholder"))
    assert header.split()[-2:] == ["calm", "alarm"]


def test_rank_all_shows_every_period_verdict_side_by_side_in_time_order():
    """`rank --scenario all` on the shipped case: one column per period, earliest first, and in every
    cell the proposal's rank and its ratified verdict, the same verdicts as the JSON; a note counts
    the ratified proposals of each period."""
    from scorer import load_study, shipped_case  # noqa: PLC0415

    case = shipped_case()
    years = {sid: sc.year for sid, sc in load_study(case).scenarios.items()}
    screen, js = many(("rank", "--study", case, "-s", "all", {"columns": 200}),
                      ("rank", "--study", case, "-s", "all", "-f", "json"))
    lines = ok(screen).splitlines()
    header = next(line for line in lines if line.startswith("proposal")).split()
    periods = header[1:]
    assert sorted(periods) == sorted(years) and periods == sorted(periods, key=lambda p: (years[p], p))
    verdicts = {p: {r["proposal"]: r["ratified"] for r in rows} for p, rows in json.loads(ok(js))["scenarios"].items()}
    body = [line for line in lines if re.match(r"^[a-z0-9_]+ +\d", line)]
    assert len(body) == len(verdicts[periods[0]])
    for line in body:
        proposal, *cells = re.split(r" {2,}", line.strip())
        assert len(cells) == len(periods)
        for period, cell in zip(periods, cells, strict=True):
            assert re.fullmatch(r"\d+ [✓✗]", cell), cell
            assert (cell[-1] == "✓") == verdicts[period][proposal], (proposal, period)
    counts = ", ".join(f"{p} {sum(verdicts[p].values())}" for p in periods)
    assert f"Ratified, of the {len(body)} proposals ranked: {counts}." in ok(screen)


# --- what-ifs on judgments, sources, diffs ----------------------------------------------------------------


def _edit(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text()
    new, n = re.subn(pattern, replacement, text, count=1, flags=re.M)
    assert n == 1, pattern
    path.write_text(new)


def test_judging_equals_editing_the_study_and_explain_names_the_lines(tmp_path):
    edited = tmp_path / "edited"
    shutil.copytree(MINI, edited)
    _edit(edited / "criteria/stakeholders/house_moderates.toml", r"^salience = 0.7$", "salience = 0.1")
    _edit(edited / "criteria/institutions.toml", r"^seats = \{ house_restrictionists = 0.45, house_moderates = 0.55 \}",
          "seats = { house_restrictionists = 0.3, house_moderates = 0.7 }")
    judged, by_file, sources, bad = many(
        ("whatif", "grand_bargain", "--study", MINI, "--judge", "salience:house_moderates.guest_workers=0.1",
         "--judge", "seat:us_house.house_restrictionists=0.3", "-f", "json"),
        ("coalition", "grand_bargain", "--study", edited, "-f", "json"),
        ("explain", "grand_bargain", "house_restrictionists", "--study", MINI, "-s", "alarm", "-f", "json"),
        ("whatif", "grand_bargain", "--study", MINI, "--judge", "salience:nobody.border=1"))
    data = json.loads(ok(judged))
    assert data["after"] == json.loads(ok(by_file))
    assert data["judgments"]["salience:house_moderates.guest_workers"] == {"from": 0.7, "to": 0.1}
    assert bad.returncode == 2 and "no judgment 'salience:nobody.border'" in bad.stderr
    for s in json.loads(ok(sources))["sources"]:
        if s["line"] is not None:
            line = (MINI / s["file"]).read_text().splitlines()[s["line"] - 1]
            key = {"salience": "salience", "multiplier": "multiplier", "reservation": "reservation",
                   "value": "preferred"}[s["number"].split()[0]]
            assert line.startswith(key), (s, line)
    kinds = {s["source"] for s in json.loads(ok(sources))["sources"]}
    assert kinds == {"stakeholder file", "scenario override", "mechanism"}


def test_diff_names_the_judgment_that_changes_a_verdict(tmp_path):
    b = tmp_path / "b"
    shutil.copytree(MINI, b)
    _edit(b / "criteria/institutions.toml", r"^seats = \{ house_restrictionists = 0.45, house_moderates = 0.55 \}",
          "seats = { house_restrictionists = 0.3, house_moderates = 0.7 }")
    _edit(b / "criteria/stakeholders/house_moderates.toml", r"^reservation = 0.0$", "reservation = 0.8")
    studies, a_rank, b_rank = many(("diff", MINI, b, "-f", "json"), ("rank", "--study", MINI, "-f", "json"),
                                   ("rank", "--study", b, "-f", "json"))
    data = json.loads(ok(studies))
    ids = {j["id"] for j in data["judgments"]}
    assert ids == {"seat:us_house.house_restrictionists", "seat:us_house.house_moderates",
                   "reservation:house_moderates"}
    a_rows, b_rows = json.loads(ok(a_rank)), json.loads(ok(b_rank))
    changed = {(r["proposal"]) for r, s in zip(sorted(a_rows, key=lambda r: r["proposal"]),
                                               sorted(b_rows, key=lambda r: r["proposal"])) if r["ratified"] != s["ratified"]}
    calm = {v["proposal"] for v in data["verdicts"] if v["scenario"] == "calm" and v["ratified"]["a"] != v["ratified"]["b"]}
    assert calm == changed == {"pilot_deal"}
    pilot = next(v for v in data["verdicts"] if v["scenario"] == "calm" and v["proposal"] == "pilot_deal")
    assert pilot["decisive"] == ["reservation:house_moderates"] and "house_moderates" in pilot["flips"]
    (tmp_path / "a.json").write_text(ok(a_rank))
    (tmp_path / "b.json").write_text(ok(b_rank))
    results = json.loads(ok(accord("diff", tmp_path / "a.json", tmp_path / "b.json", "-f", "json")))
    flipped = {c["path"] for c in results["changes"] if c["verdict"] and c["path"].endswith("].ratified")}
    assert flipped == {f"[proposal={p}].ratified" for p in changed}


# --- concessions by country -----------------------------------------------------------------------------


def test_unlock_by_country_reports_each_coalitions_gain():
    by_mx, sweep = many(("unlock", "grand_bargain", "--study", MINI, "--by", "mx", "-f", "json"),
                        ("unlock", "grand_bargain", "--study", MINI, "-s", "all", "-f", "json"))
    data = json.loads(ok(by_mx))
    assert data["sponsor"] == "mx_president" and data["sponsor_by"] == "mx" and data["cost"] == "sponsor"
    whatifs = many(*[("whatif", "grand_bargain", "--study", MINI, "-f", "json",
                      *[x for d, c in alt["changes"].items() for x in ("--set", f"{d}={c['to']}")])
                     for alt in data["alternatives"]])
    assert data["alternatives"]
    for alt, result in zip(data["alternatives"], whatifs, strict=True):
        after = json.loads(ok(result))
        gains = {s["id"]: s["gain"] for s in after["after"]["stakeholders"]}
        before = {s["id"]: s["gain"] for s in after["before"]["stakeholders"]}
        # In the mini study each president is its country's whole ratifying coalition at every venue.
        for country, president in (("us", "us_president"), ("mx", "mx_president")):
            g = alt["country_gains"][country]
            assert g["before"] == pytest.approx(before[president]) and g["after"] == pytest.approx(gains[president])
            assert g["change"] == pytest.approx(g["after"] - g["before"])
    assert set(json.loads(ok(sweep))["scenarios"]) == {"calm", "alarm"}


# --- notebooks ----------------------------------------------------------------------------------------


def test_results_show_as_tables_and_records_in_a_notebook(monkeypatch):
    import types

    from scorer.errors import AccordError
    from scorer.loading import load_study
    from scorer.ranking import assess, rank

    study = load_study(MINI)
    rows = rank(study, study.scenario("calm"))
    records = rows.to_records()
    assert [r["proposal"] for r in records] == [r.proposal for r in rows]
    assert records[0].keys() == {"rank", "proposal", "score", "ratified", "blocking"}
    html_table = rows._repr_html_()
    assert html_table.startswith("<table>") and html_table.count("<tr>") == len(rows) + 1
    assert "| proposal" in rows._repr_markdown_()
    coalition = assess(study, study.scenario("calm"), "grand_bargain").coalition
    assert {r["stakeholder"] for r in coalition.to_records()} == set(coalition.stances)
    monkeypatch.setitem(sys.modules, "pandas", None)  # pandas absent: a clear error, not an ImportError
    with pytest.raises(AccordError, match="needs pandas"):
        rows.to_frame()
    fake = types.SimpleNamespace(DataFrame=types.SimpleNamespace(from_records=lambda recs: ("frame", recs)))
    monkeypatch.setitem(sys.modules, "pandas", fake)
    assert rows.to_frame() == ("frame", records)


def test_rank_shows_a_column_per_country_and_country_keeps_only_that_one():
    both, mexico = many(("rank", "--study", MINI, "-f", "csv"), ("rank", "--study", MINI, "-f", "csv", "--country", "mx"))
    head_both = next(csv.reader(io.StringIO(ok(both))))
    head_mx = next(csv.reader(io.StringIO(ok(mexico))))
    assert {"us", "mx"} <= set(head_both)
    assert "mx" in head_mx and "us" not in head_mx
    rows = list(csv.DictReader(io.StringIO(ok(both))))
    assert {r["us"].split()[-1] for r in rows} <= {"ok", "fails"}
