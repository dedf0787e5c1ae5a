"""The conformance run end to end (run/ and rt0driver/plugin.py) against a
fake build: result mapping, xfail and unexpected passes from the catalogue,
not-run arches, filters, the exit status and the report folder."""
import json

import pytest

from conftest import FakeBuild

PROBE = ("expected main.main on goroutine 1, saw 2\n"
         "  -- probe hello exited with status 0; stderr (tail):\n"
         "rt0 ev seq=19 phase=main.main goid=2 <&>")

CATALOGUE = [
    {"id": "MAIN-GOID-1", "group": "main", "statement": "main.main runs on goroutine 1.",
     "arches": ["all"], "modes": ["internal", "external"], "observed": "trace", "evidence": "proc.go:144"},
    {"id": "EXIT-CODE-0", "group": "exits", "statement": "main.main returning exits 0.",
     "arches": ["all"], "modes": ["internal", "external"], "observed": "exit", "evidence": "proc.go:283",
     "exceptions": [{"arch": "amd64", "mode": "external", "reason": "known: libc exit path"},
                    {"arch": "arm64", "mode": "external", "reason": "stale exception"}]},
    {"id": "ENVP-VERBATIM", "group": "args", "statement": "envp reaches the program verbatim.",
     "arches": ["all"], "modes": ["internal", "external"], "observed": "fact", "evidence": "os_linux.go",
     "exceptions": [{"arch": "qemu-user", "mode": "all", "reason": "qemu-user rebuilds envp"}]},
]


@pytest.fixture
def build(fake_build):
    fake_build.suite("startup", "startup", {
        "main_goid_1": {"*": "PASSED", "arm64/internal": "FAILED:" + PROBE},
        "seq_starts_at_0": {},
        "ext_only": {"*": "PASSED", "amd64/internal": "SKIPPED:applies to link mode external only",
                     "arm64/internal": "SKIPPED:applies to link mode external only"}})
    fake_build.suite("exits", "exits", {"exit_code_0": {"*": "PASSED",
                                                        "amd64/external": "FAILED:exit status 1"}})
    fake_build.suite("knobs", "knobs", {"gogc_off": {}}, unit=True)
    # the suites skip a catalogue exception themselves (SKIP_IF_EXCEPTION)
    skip = "SKIPPED:ENVP-VERBATIM: qemu-user rebuilds envp"
    fake_build.suite("args", "args", {"envp_verbatim": {"*": "PASSED", "arm64/internal": skip,
                                                        "arm64/external": skip}})
    return fake_build


def outcomes(reports):
    s = json.loads((reports / "summary.json").read_text())
    return {f'{c["id"]}/{c["arch"]}/{c["mode"]}': c["outcome"] for c in s["cells"]}, s


# The cells the fake build's outcomes must map to, with or without xdist.
EXPECTED = {
    "MAIN-GOID-1/amd64/internal": "pass",
    "MAIN-GOID-1/arm64/internal": "fail",
    "MAIN-GOID-1/riscv64/internal": "notrun",
    "MAIN-GOID-1/riscv64/external": "notrun",
    "EXIT-CODE-0/amd64/external": "xfail",
    "EXIT-CODE-0/arm64/external": "xpass",
    "EXIT-CODE-0/amd64/internal": "pass",
}


def assert_expected(got):
    assert {k: got.get(k) for k in EXPECTED} == EXPECTED


def test_mapping_xfail_xpass_notrun(build, run_driver):
    res, reports = run_driver(CATALOGUE)
    assert res.ret == 1, res.stdout.str()
    got, s = outcomes(reports)
    assert_expected(got)
    assert got["EXT-ONLY/amd64/internal"] == "skip"
    assert got["EXT-ONLY/amd64/external"] == "pass"
    assert got["GOGC-OFF/host/unit"] == "pass"
    # an exception for "qemu-user": the foreign arch's cells, skipped by the suite
    assert got["ENVP-VERBATIM/arm64/internal"] == "xfail"
    assert got["ENVP-VERBATIM/amd64/internal"] == "pass"
    assert got["ENVP-VERBATIM/riscv64/internal"] == "notrun"
    assert sorted(s["uncatalogued"]) == ["EXT-ONLY", "GOGC-OFF", "SEQ-STARTS-AT-0"]
    assert not s["ok"]
    assert s["verdict"] == "FAILED: 1 unexpected failure, 10 cells not run (riscv64), 1 error"
    assert any("3 test(s) judge no invariant of the catalogue" in e and "EXT-ONLY" in e
               for e in s["meta"]["errors"])
    fail = next(c for c in s["cells"] if c["outcome"] == "fail")
    assert "expected main.main on goroutine 1, saw 2" in fail["message"]
    assert fail["probe"].startswith("probe hello exited with status 0")
    assert "<&>" in fail["probe"]
    skip = next(c for c in s["cells"] if c["id"] == "EXT-ONLY" and c["outcome"] == "skip")
    assert "applies to link mode external only" in skip["message"]
    # pytest's own account and the matrix
    out = res.stdout.str()
    res.stdout.fnmatch_lines([
        "*rt0 conformance matrix*",
        "group *amd64 *arm64 *riscv64 *host",
        "main *2 ok *1 ok 1 FAIL *2 not run*",
        "exits *1 ok 1 xfail *1 ok 1 XPASS *2 not run*",
        "not run: riscv64: no riscv64 sysroot in /empty/riscv64: run ci/setup riscv64",
        "rt0 conformance: FAILED: 1 unexpected failure, 10 cells not run (riscv64), 1 error",
        "FAILED run/test_invariants.py::test_invariant?MAIN-GOID-1/arm64/internal?",
        "XPASS run/test_invariants.py::test_invariant?EXIT-CODE-0/arm64/external? stale exception",
    ])
    assert "uncatalogued: 3 tested ids" in out
    for f in ("index.html", "summary.md", "summary.json", "junit.xml", "trace-amd64.json",
              "trace-arm64.json", "traces/amd64-internal.txt", "suites/startup.arm64.internal.xml",
              "suites/startup.arm64.internal.log"):
        assert (reports / f).is_file(), f
    assert not (reports / "trace-riscv64.json").exists()
    md = (reports / "summary.md").read_text()
    assert "| main | 2 ok | 1 ok 1 FAIL | 2 not run |" in md
    assert "not run: riscv64:" in md
    junit = (reports / "junit.xml").read_text()
    assert 'MAIN-GOID-1/arm64/internal' in junit and "<failure" in junit
    # each suite ran once per arch x mode, not once per cell
    log = (reports / "suites" / "startup.amd64.internal.log").read_text()
    assert log.count("$ ") == 1


def test_distributed_same_results(build, run_driver):
    res, reports = run_driver(CATALOGUE, "-n", "2", "--dist", "loadgroup")
    assert res.ret == 1, res.stdout.str()
    got, _ = outcomes(reports)
    assert_expected(got)
    assert "rt0 conformance matrix" in res.stdout.str()


def test_xfail_does_not_fail_the_run(tmp_path, run_driver_on):
    fb = FakeBuild(tmp_path / "build", notrun=())
    fb.suite("exits", "exits", {"exit_code_0": {"*": "PASSED",
                                                "amd64/external": "FAILED:exit status 1"}})
    res, reports = run_driver_on(fb, CATALOGUE[1:2])
    assert res.ret == 0, res.stdout.str()
    got, s = outcomes(reports)
    assert got["EXIT-CODE-0/amd64/external"] == "xfail"
    assert s["ok"] and s["verdict"] == "PASSED"
    res.stdout.fnmatch_lines(["rt0 conformance: PASSED"])


def test_an_arch_that_cannot_run_fails_the_run(fake_build, run_driver):
    """An arch that cannot run (no sysroot, say) is not a pass: asked for
    alone it ran nothing, and the run says so with the install step."""
    fake_build.suite("exits", "exits", {"exit_code_0": {}})
    res, reports = run_driver(CATALOGUE[1:2], "--arch", "riscv64")
    assert res.ret == 1, res.stdout.str()
    got, s = outcomes(reports)
    assert set(got.values()) == {"notrun"}
    assert not s["ok"] and s["verdict"] == "FAILED: 2 cells not run (riscv64)"
    res.stdout.fnmatch_lines(["not run: riscv64: * run ci/setup riscv64",
                              "rt0 conformance: FAILED: 2 cells not run (riscv64)"])


def test_catalogued_id_without_a_test_fails(fake_build, run_driver):
    fake_build.suite("exits", "exits", {"exit_code_0": {}})
    res, reports = run_driver(CATALOGUE)  # MAIN-GOID-1 has no test
    assert res.ret == 1
    got, s = outcomes(reports)
    assert got["MAIN-GOID-1/amd64/internal"] == "fail"
    msg = next(c["message"] for c in s["cells"] if c["id"] == "MAIN-GOID-1" and c["arch"] == "amd64")
    assert "no test named main_goid_1 in any suite" in msg


def test_filters(build, run_driver):
    res, reports = run_driver(CATALOGUE, "--arch", "arm64", "--group", "main,args")
    got, s = outcomes(reports)
    assert got and all(k.split("/")[1] == "arm64" for k in got)
    assert {k.split("/")[0] for k in got} == {"MAIN-GOID-1", "ENVP-VERBATIM"}
    assert list(s["arches"]) == ["arm64"]
    res, reports = run_driver(CATALOGUE, "--id", "EXIT-*", "-k", "amd64")
    got, _ = outcomes(reports)
    assert sorted(got) == ["EXIT-CODE-0/amd64/external", "EXIT-CODE-0/amd64/internal"]
    assert res.ret == 0


def test_nothing_selected_is_a_failure(build, run_driver):
    res, reports = run_driver(CATALOGUE, "--id", "NO-SUCH-ID")
    assert res.ret == 5  # pytest: no tests ran; ci/conformance passes it on
    _, s = outcomes(reports)
    assert not s["ok"]
    res.stdout.fnmatch_lines(["rt0 conformance: FAILED*"])


def test_timeline_and_chrome_trace(build, run_driver):
    res, reports = run_driver(CATALOGUE, "--arch", "amd64")
    t = json.loads((reports / "trace-amd64.json").read_text())
    names = {e["name"] for e in t["traceEvents"] if e["ph"] == "X"}
    assert {"runtime.rt0_go", "runtime.schedinit", "main.main", "schedinit"} <= names
    procs = [e["args"]["name"] for e in t["traceEvents"] if e["name"] == "process_name"]
    assert procs == ["hello (amd64, internal link)", "hello (amd64, external link)"]
    page = (reports / "index.html").read_text()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="timeline"' in page


@pytest.mark.parametrize("fails_with, outcome", [("exit status 1", "xfail"),
                                                 ("exit status 2", "fail")])
def test_an_expected_failure_must_fail_for_its_reason(tmp_path, run_driver_on, fails_with,
                                                      outcome):
    fb = FakeBuild(tmp_path / "build", notrun=())
    fb.suite("exits", "exits", {"exit_code_0": {"*": "PASSED",
                                                "amd64/external": "FAILED:exit status 1"}})
    entry = dict(CATALOGUE[1], exceptions=[])
    entry["expect"] = [{"impl": "rt0", "outcome": "fail", "reason": "differs", "evidence": "x",
                        "arches": ["amd64"], "modes": ["external"], "fails_with": fails_with}]
    res, reports = run_driver_on(fb, [entry])
    got, s = outcomes(reports)
    assert got["EXIT-CODE-0/amd64/external"] == outcome, res.stdout.str()
    assert (res.ret == 0) == (outcome == "xfail")
    if outcome == "fail":
        res.stdout.fnmatch_lines(["*expected to fail with 'exit status 2'*failed otherwise*"])
