"""The cache of validated studies: the same study as a fresh load, missed on any change to a file,
to the code or to accord's version, off on request, and never trusted when damaged. Also the
memoised lookups of the models, the other start-up saving."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from pydantic import BaseModel

from scorer import loading, study_cache
from scorer.errors import StudyError
from scorer.loading import load_study
from scorer.models import Dimension, Venue

from conftest import MINI


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch) -> Path:
    """An empty cache folder for one test, with the cache on; counts fresh loads in `loads`."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(study_cache.ENV_DISABLE, raising=False)
    monkeypatch.setattr(study_cache, "_enabled", True)
    return tmp_path / "xdg" / "accord"


@pytest.fixture
def fresh_loads(monkeypatch) -> list[Path]:
    """The study folders loaded from their files (not from the cache), in order."""
    calls: list[Path] = []
    real = loading.load_located

    def counting(path=None):
        calls.append(Path(path))
        return real(path)

    monkeypatch.setattr(loading, "load_located", counting)
    return calls


def differences(cached: object, fresh: object, path: str = "study") -> list[str]:
    """Where two loaded values differ, value by value and type by type (`==` alone takes 1 for 1.0,
    a list for a tuple's equal and a Venue for its string)."""
    if type(cached) is not type(fresh):
        return [f"{path}: {type(cached).__name__} where a fresh load has {type(fresh).__name__}"]
    if isinstance(fresh, BaseModel):
        return [d for name in type(fresh).model_fields
                for d in differences(getattr(cached, name), getattr(fresh, name), f"{path}.{name}")]
    if isinstance(fresh, dict):
        if list(cached) != list(fresh):
            return [f"{path}: keys {list(cached)} where a fresh load has {list(fresh)}"]
        return [d for (k, a), (j, b) in zip(cached.items(), fresh.items())
                for d in differences(k, j, f"{path} key {k!r}") + differences(a, b, f"{path}[{k!r}]")]
    if isinstance(fresh, (list, tuple)):
        if len(cached) != len(fresh):
            return [f"{path}: {len(cached)} items where a fresh load has {len(fresh)}"]
        return [d for i, (a, b) in enumerate(zip(cached, fresh)) for d in differences(a, b, f"{path}[{i}]")]
    return [] if cached == fresh else [f"{path}: {cached!r} where a fresh load has {fresh!r}"]


@pytest.mark.parametrize("root", [*sorted(p.parent for p in (MINI.parent).glob("*/accord.toml")),
                                  loading.shipped_case()], ids=lambda p: p.name)
def test_a_cached_study_equals_the_fresh_one(root, cache_dir, fresh_loads):
    """A hit is rebuilt from the entry's JSON without validating it again: it must be the fresh
    load, value by value and type by type, the records read on demand included."""
    fresh = load_study(root, cache=False)
    load_study(root)  # miss: loads and stores
    cached = load_study(root)
    assert len(fresh_loads) == 2
    assert not isinstance(cached.evidence, dict), "evidence is read on demand"
    records = {name: dict(getattr(cached, name)) for name in study_cache.RECORDS}
    assert differences(cached.model_copy(update=records), fresh) == []
    assert cached == fresh
    assert cached.model_dump_json() == fresh.model_dump_json()



def test_a_type_the_cache_cannot_rebuild_is_a_miss_not_an_error(cache_dir, fresh_loads, monkeypatch):
    """Even in the evidence, read on demand: every builder is made when the entry is read."""
    from scorer.models import Evidence  # noqa: PLC0415

    fresh = load_study(MINI)
    make = study_cache._make_builder

    def without_evidence(tp):
        if tp is Evidence:
            raise TypeError("no cache builder")
        return make(tp)

    monkeypatch.setattr(study_cache, "_builders", {})
    monkeypatch.setattr(study_cache, "_make_builder", without_evidence)
    again = load_study(MINI)
    assert len(fresh_loads) == 2 and again == fresh and isinstance(again.evidence, dict)


def test_the_comparison_of_loads_can_fail():
    assert differences({"executive": 1.0}, {Venue.executive: 1.0}), "a string key is not a Venue"
    assert differences({"k": "statute"}, {"k": Venue.statute}), "a string is not a Venue"
    assert differences([1, 2.0], [1.0, 2.0]), "an int is not a float"
    assert differences([(0.1, 0.2)], [[0.1, 0.2]]), "a list is not a tuple"
    stake = load_study(MINI, cache=False).stakeholders["house_moderates"]
    assert differences(stake.model_copy(update={"note": "x"}), stake) == ["study.note: 'x' where a fresh load has "
                                                                           f"{stake.note!r}"]


def test_the_entry_is_json_written_atomically(cache_dir):
    load_study(MINI)
    entries = list(cache_dir.iterdir())
    assert [e.name for e in entries if e.name.startswith(".")] == [], "no temporary file left behind"
    (entry,) = entries
    header, core, records = entry.read_bytes().split(b"\n")
    assert json.loads(header)["root"] == str(MINI.resolve())
    assert set(json.loads(core)) == set(study_cache.CORE)
    assert set(json.loads(records)) == set(study_cache.RECORDS)


def test_a_changed_file_is_a_miss_even_with_its_size_and_time_kept(mini, cache_dir, fresh_loads):
    assert load_study(mini).stakeholders["house_moderates"].concerns["guest_workers"].salience == 0.7
    path = mini / "criteria" / "stakeholders" / "house_moderates.toml"
    before = path.stat()
    path.write_text(path.read_text().replace("salience = 0.7", "salience = 0.8"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert load_study(mini).stakeholders["house_moderates"].concerns["guest_workers"].salience == 0.8
    assert len(fresh_loads) == 2


def test_a_new_or_removed_file_is_a_miss(mini, cache_dir):
    load_study(mini)
    extra = mini / "proposals" / "pilot_copy.toml"
    extra.write_text((mini / "proposals" / "pilot_deal.toml").read_text().replace('"pilot_deal"', '"pilot_copy"'))
    assert "pilot_copy" in load_study(mini).proposals
    extra.unlink()
    assert "pilot_copy" not in load_study(mini).proposals


def test_another_accord_version_is_a_miss(cache_dir, fresh_loads, monkeypatch):
    load_study(MINI)
    load_study(MINI)
    assert len(fresh_loads) == 1
    monkeypatch.setattr(study_cache, "_stamp", None)
    monkeypatch.setattr("scorer.__version__", "999.0")
    load_study(MINI)
    assert len(fresh_loads) == 2


def test_a_study_with_problems_is_never_cached(mini, cache_dir):
    path = mini / "proposals" / "pilot_deal.toml"
    path.write_text(path.read_text().replace('sponsor = "', 'sponsor = "nobody_'))
    for _ in range(2):
        with pytest.raises(StudyError):
            load_study(mini)
    assert not cache_dir.exists() or not list(cache_dir.iterdir())


@pytest.mark.parametrize("damage", ["truncate", "garbage", "tamper"])
def test_a_damaged_entry_is_ignored_and_replaced(damage, cache_dir, fresh_loads):
    fresh = load_study(MINI)
    (entry,) = cache_dir.iterdir()
    data = entry.read_bytes()
    entry.write_bytes({"truncate": data[: len(data) // 2], "garbage": b"\x00not json",
                       "tamper": data.replace(b'"pilot_deal"', b'"pilot_deel"')}[damage])
    assert load_study(MINI) == fresh
    assert len(fresh_loads) == 2
    assert load_study(MINI) == fresh and len(fresh_loads) == 2, "the entry was rewritten"


def test_off_by_environment_variable(cache_dir, fresh_loads, monkeypatch):
    monkeypatch.setenv(study_cache.ENV_DISABLE, "1")
    load_study(MINI)
    load_study(MINI)
    assert len(fresh_loads) == 2
    assert not cache_dir.exists()


def test_off_by_the_no_cache_option(cache_dir, fresh_loads, run):
    assert run("--no-cache", "rank", "--study", MINI, "-f", "json")[0] == 0
    assert not cache_dir.exists()
    assert run("rank", "--study", MINI, "-f", "json")[0] == 0
    assert run("rank", "--study", MINI, "-f", "json")[0] == 0
    assert len(fresh_loads) == 2 and cache_dir.exists()


def test_an_unwritable_cache_folder_is_skipped(tmp_path, monkeypatch, fresh_loads):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setattr(study_cache, "_enabled", True)
    monkeypatch.delenv(study_cache.ENV_DISABLE, raising=False)
    assert load_study(MINI) == load_study(MINI, cache=False)


def test_memoised_level_lookups_follow_a_copy_with_new_levels():
    dim = load_study(MINI, cache=False).dimensions["legalisation"]
    assert dim.level(dim.level_ids[-1]) is dim.levels[-1]
    reversed_dim = dim.model_copy(update={"levels": dim.levels[::-1]})
    assert reversed_dim.level_ids == dim.level_ids[::-1]
    assert reversed_dim == Dimension.model_validate(reversed_dim.model_dump())
    with pytest.raises(ValueError):
        dim.level("no_such_level")
    assert [v.rank for v in Venue] == [0, 1, 2]


def test_only_the_last_studies_written_are_kept(tmp_path, cache_dir, monkeypatch):
    monkeypatch.setattr(study_cache, "MAX_ENTRIES", 2)
    copies = []
    for i in range(3):
        copies.append(tmp_path / f"study{i}")
        copies[-1].mkdir()
        for part in ("accord.toml", "criteria", "proposals", "seeds"):
            src = MINI / part
            (shutil.copytree if src.is_dir() else shutil.copy)(src, copies[-1] / part)
        load_study(copies[-1])
        os.utime(next(p for p in cache_dir.iterdir() if json.loads(p.read_bytes().split(b"\n")[0])["root"]
                      == str(copies[-1].resolve())), ns=(i * 10**9, i * 10**9))
    kept = {json.loads(p.read_bytes().split(b"\n")[0])["root"] for p in cache_dir.iterdir()}
    assert kept == {str(c.resolve()) for c in copies[1:]}


def test_without_a_cache_folder_the_study_still_loads(monkeypatch, fresh_loads):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv(study_cache.ENV_DISABLE, raising=False)
    monkeypatch.setattr(study_cache, "_enabled", True)

    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert load_study(MINI) == load_study(MINI, cache=False)
    assert len(fresh_loads) == 2
