"""From the build's tests, the suites' test lists and the catalogue to the
cells (invariant x arch x link mode)."""
import pytest

from rt0driver import plan
from rt0model import catalogue
from rt0model import ctest as ctestinfo

from conftest import FakeBuild, catalogue_toml


@pytest.fixture
def info(tmp_path):
    fb = FakeBuild(tmp_path, arches=("amd64", "arm64"), notrun=("riscv64",))
    fb.suite("startup", "startup", {"main_goid_1": {}, "seq_starts_at_0": {}})
    fb.suite("exits", "exits", {"exit_code_0": {}})
    fb.suite("knobs", "knobs", {"gogc_off": {}}, unit=True)
    return ctestinfo.load(tmp_path, fb.write())


LISTS = {"startup": [("startup", "main_goid_1"), ("startup", "seq_starts_at_0")],
         "exits": [("exits", "exit_code_0")],
         "unit.knobs": [("knobs", "gogc_off")]}


def cat(tmp_path, entries):
    p = tmp_path / "inv.toml"
    p.write_text(catalogue_toml(entries))
    return catalogue.load(p)


def keys(cells, inv_id):
    return sorted(f"{c.arch}/{c.mode}" for c in cells if c.id == inv_id)


def test_ctest_info(info):
    assert info.run_arches == ["amd64", "arm64", "host"]
    assert info.arches == ["amd64", "arm64", "riscv64", "host"]
    assert info.modes == ["internal", "external"]
    assert info.notrun["riscv64"].message == \
        "not run: riscv64: no riscv64 sysroot in /empty/riscv64: run ci/setup riscv64"
    r = info.run_for("startup", "arm64", "external")
    assert r.foreign and r.group == "startup" and r.env["RT0_LINK"] == "external"
    assert info.run_for("unit.knobs", "host", "unit").group == "knobs"


def test_names():
    assert catalogue.test_name("MAIN-GOID-1") == "main_goid_1"
    assert catalogue.id_of_test("main_goid_1") == "MAIN-GOID-1"


def test_no_catalogue_everything_uncatalogued(info, tmp_path):
    c = catalogue.load(tmp_path / "missing.toml")
    assert not c.exists
    cells = plan.make_cells(info, LISTS, c)
    assert {x.id for x in cells} == {"MAIN-GOID-1", "SEQ-STARTS-AT-0", "EXIT-CODE-0", "GOGC-OFF"}
    assert not any(x.catalogued for x in cells)
    # every arch x mode, the not-run arch included; unit tests in the host column
    assert keys(cells, "MAIN-GOID-1") == ["amd64/external", "amd64/internal", "arm64/external",
                                          "arm64/internal", "riscv64/external", "riscv64/internal"]
    assert keys(cells, "GOGC-OFF") == ["host/unit"]
    g = {x.id: x.group for x in cells}
    assert g["EXIT-CODE-0"] == "exits" and g["GOGC-OFF"] == "knobs"
    nr = [x for x in cells if x.arch == "riscv64"]
    assert nr and all(x.notrun.startswith("not run: riscv64: ") for x in nr)
    assert all(x.notrun is None for x in cells if x.arch != "riscv64")


def test_catalogue_applies_and_exceptions(info, tmp_path):
    c = cat(tmp_path, [
        {"id": "MAIN-GOID-1", "group": "main", "statement": "main.main runs on goroutine 1.",
         "arches": ["amd64", "riscv64"], "modes": ["internal", "external"], "observed": "trace",
         "evidence": "proc.go:144",
         "exceptions": [{"arch": "amd64", "mode": "external", "reason": "known bug"}]},
        {"id": "EXIT-CODE-0", "group": "exits", "statement": "s.", "arches": ["all"],
         "modes": ["internal"], "observed": "exit", "evidence": "e"},
        {"id": "GOGC-OFF", "group": "knobs", "statement": "s.", "arches": ["all"], "modes": ["internal", "external"],
         "observed": "unit", "evidence": "e"},
        {"id": "NOT-TESTED", "group": "main", "statement": "s.", "arches": ["arm64"],
         "modes": ["internal"], "observed": "trace", "evidence": "e"},
    ])
    cells = plan.make_cells(info, LISTS, c)
    by = {x.key: x for x in cells}
    assert keys(cells, "MAIN-GOID-1") == ["amd64/external", "amd64/internal",
                                          "riscv64/external", "riscv64/internal"]
    assert by["MAIN-GOID-1/amd64/external"].xfail == "known bug"
    assert by["MAIN-GOID-1/amd64/internal"].xfail is None
    assert by["MAIN-GOID-1/amd64/internal"].group == "main"
    assert by["MAIN-GOID-1/amd64/internal"].catalogued
    assert keys(cells, "EXIT-CODE-0") == ["amd64/internal", "arm64/internal", "riscv64/internal"]
    assert keys(cells, "GOGC-OFF") == ["host/unit"]
    # catalogued without a test: its cells exist, with no suite (they fail)
    assert keys(cells, "NOT-TESTED") == ["arm64/internal"]
    assert by["NOT-TESTED/arm64/internal"].suites == []
    # a test the catalogue does not know is still there, flagged
    assert not by["SEQ-STARTS-AT-0/amd64/internal"].catalogued


def test_select(info, tmp_path):
    cells = plan.make_cells(info, LISTS, catalogue.load(tmp_path / "none.toml"))
    keep, drop = plan.select(cells, ["arm64"], [], [])
    assert keep and all(c.arch == "arm64" for c in keep) and len(keep) + len(drop) == len(cells)
    keep, _ = plan.select(cells, [], ["exits"], [])
    assert {c.id for c in keep} == {"EXIT-CODE-0"}
    keep, _ = plan.select(cells, [], [], ["main-*"])
    assert {c.id for c in keep} == {"MAIN-GOID-1"}


def test_bad_catalogue_is_an_error(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text("[[invariant]]\nid = \n")
    with pytest.raises(catalogue.CatalogueError, match="bad.toml"):
        catalogue.load(p)
