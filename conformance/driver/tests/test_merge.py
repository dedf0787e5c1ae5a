"""ci/conformance --merge (rt0driver/merge.py): report folders of separate
runs (one per arch here, against the fake build) folded into one report,
as if one run had made all their columns; and the folders it refuses."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import DRIVER, FakeBuild
from rt0driver import merge, report, reportdir
from rt0model import catalogue

ROOT = DRIVER.parents[1]

CATALOGUE = [
    {"id": "MAIN-GOID-1", "group": "main", "statement": "main.main runs on goroutine 1.",
     "arches": ["all"], "modes": ["internal", "external"], "observed": "trace", "evidence": "proc.go:144"},
    {"id": "EXIT-CODE-0", "group": "exits", "statement": "main.main returning exits 0.",
     "arches": ["all"], "modes": ["internal", "external"], "observed": "exit", "evidence": "proc.go:283",
     "exceptions": [{"arch": "amd64", "mode": "external", "reason": "known: libc exit path"}]},
]


def build(tmp_path, main_goid=None) -> FakeBuild:
    fb = FakeBuild(tmp_path / "build", arches=("amd64", "arm64"), notrun=())
    fb.suite("startup", "startup", {"main_goid_1": main_goid or {}})
    fb.suite("exits", "exits", {"exit_code_0": {"*": "PASSED",
                                                "amd64/external": "FAILED:exit status 1"}})
    return fb


def runs(run_driver_on, fb, tmp_path, *arches, entries=CATALOGUE):
    """One run per --arch value, each into its own folder: the folders."""
    out = []
    for a in arches:
        res, reports = run_driver_on(fb, entries, "--arch", a,
                                     "--reports", str(tmp_path / f"run-{a.replace(',', '-')}"))
        assert res.ret in (0, 1), res.stdout.str()
        out.append(reports)
    return out


def summary(folder: Path) -> dict:
    return json.loads((folder / "summary.json").read_text())


def outcomes(folder: Path) -> dict:
    return {f'{c["id"]}/{c["arch"]}/{c["mode"]}': c["outcome"] for c in summary(folder)["cells"]}


def do_merge(capsys, *args) -> tuple[int, str, str]:
    rc = merge.main([str(a) for a in args])
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def test_run_records_its_cells_and_catalogue(tmp_path, run_driver_on):
    fb = build(tmp_path)
    (a,) = runs(run_driver_on, fb, tmp_path, "amd64")
    rec = json.loads((a / "run.json").read_text())
    assert rec["format"] == report.RUN_FORMAT and rec["version"] == report.RUN_VERSION
    assert rec["columns"] == ["amd64"]
    assert rec["ok"] and rec["verdict"] == "PASSED"
    cat = Path(rec["data"]["meta"]["catalogue"])
    assert rec["catalogue_sha256"] == catalogue.content_hash(cat)
    assert rec["tools"]["python"] and rec["tools"]["pytest"]
    assert rec["data"]["catalogue_order"] == ["MAIN-GOID-1", "EXIT-CODE-0"]
    cell = next(c for c in rec["data"]["cells"] if c["id"] == "EXIT-CODE-0" and c["mode"] == "external")
    assert cell["outcome"] == "xfail" and cell["xfail"] == "known: libc exit path"
    assert cell["runs"][0]["log"] == "suites/exits.amd64.external.log"


def test_merge_two_arches_is_one_run(tmp_path, run_driver_on, capsys):
    fb = build(tmp_path)
    a, b, both = runs(run_driver_on, fb, tmp_path, "amd64", "arm64", "amd64,arm64")
    out = tmp_path / "merged"
    # given in the other order: the columns still come in a run's order
    rc, text, err = do_merge(capsys, "--merge", b, a, "--reports", out)
    assert rc == 0, err
    assert "rt0 conformance: PASSED" in text
    s = summary(out)
    assert s["ok"] and s["verdict"] == "PASSED"
    assert list(s["arches"]) == ["amd64", "arm64"]
    # the same cells, outcomes and matrix as one run of both arches
    assert outcomes(out) == outcomes(both)
    assert [(c["id"], c["arch"], c["mode"]) for c in s["cells"]] == \
        [(c["id"], c["arch"], c["mode"]) for c in summary(both)["cells"]]
    assert s["matrix"] == summary(both)["matrix"]
    assert [p["folder"] for p in s["meta"]["parts"]] == [str(b), str(a)]
    page = (out / "index.html").read_text()
    assert "<th colspan=2>amd64</th>" in page and "<th colspan=2>arm64</th>" in page
    assert "Merged from 2 runs" in page
    md = (out / "summary.md").read_text()
    assert "| main | 2 ok | 2 ok |" in md and f"part `{a}`: amd64: PASSED" in md
    # JUnit: every part's test cases, in one suite
    junit = (out / "junit.xml").read_text()
    n = sum((p / "junit.xml").read_text().count("<testcase") for p in (a, b))
    assert junit.count("<testcase") == n == 8
    assert 'tests="8"' in junit and "MAIN-GOID-1/arm64/internal" in junit
    # what the cells link to, and each column's timeline
    for f in ("suites/startup.amd64.internal.log", "suites/exits.arm64.external.xml",
              "trace-amd64.json", "trace-arm64.json", "traces/arm64-external.txt", "run.json"):
        assert (out / f).is_file(), f
    assert (out / reportdir.MARKER).is_file()
    assert json.loads((out / "run.json").read_text())["columns"] == ["amd64", "arm64"]
    # and a merged folder merges again (it is a report folder like any other)
    rc, _, err = do_merge(capsys, "--merge", out, "--reports", tmp_path / "again")
    assert rc == 0, err
    assert outcomes(tmp_path / "again") == outcomes(both)


def test_merge_through_ci_conformance(tmp_path, run_driver_on):
    fb = build(tmp_path, main_goid={"*": "PASSED", "arm64/internal": "FAILED:saw goroutine 2"})
    a, b = runs(run_driver_on, fb, tmp_path, "amd64", "arm64")
    out = tmp_path / "merged"
    p = subprocess.run([str(ROOT / "ci" / "conformance"), "--merge", str(a), str(b),
                        "--reports", str(out)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 1, p.stdout + p.stderr
    assert "rt0 conformance: FAILED: 1 unexpected failure" in p.stdout
    assert "failed (1): MAIN-GOID-1 arm64/internal" in p.stdout
    s = summary(out)
    assert not s["ok"] and s["verdict"] == "FAILED: 1 unexpected failure"
    assert [p["verdict"] for p in s["meta"]["parts"]] == ["PASSED", "FAILED: 1 unexpected failure"]
    assert "<failure" in (out / "junit.xml").read_text()
    # usage errors exit 4 through the script too
    p = subprocess.run([str(ROOT / "ci" / "conformance"), "--merge", str(a), str(a),
                        "--reports", str(out)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 4 and "given twice" in p.stderr


def test_a_part_that_did_not_pass_fails_the_merge(tmp_path, run_driver_on, capsys):
    fb = build(tmp_path)
    a, b = runs(run_driver_on, fb, tmp_path, "amd64", "arm64")
    rec = json.loads((b / "run.json").read_text())
    rec["data"]["meta"]["errors"] = ["something went wrong"]
    (b / "run.json").write_text(json.dumps(rec))
    rc, text, _ = do_merge(capsys, "--merge", a, b, "--reports", tmp_path / "m1")
    assert rc == 1
    assert f"error: {b}: something went wrong" in text
    assert summary(tmp_path / "m1")["verdict"] == "FAILED: 1 error"
    # a part's own verdict counts even where its cells and errors say nothing
    rec["data"]["meta"]["errors"] = []
    rec["ok"], rec["verdict"] = False, "FAILED: made up"
    (b / "run.json").write_text(json.dumps(rec))
    rc, text, _ = do_merge(capsys, "--merge", a, b, "--reports", tmp_path / "m2")
    assert rc == 1 and f"{b}: its run said FAILED: made up" in text
    # an interrupted part: the merge is not a verdict either
    rec["ok"], rec["verdict"] = False, "INTERRUPTED after 4 cells: not a verdict"
    rec["data"]["meta"]["interrupted"] = True
    (b / "run.json").write_text(json.dumps(rec))
    rc, text, _ = do_merge(capsys, "--merge", a, b, "--reports", tmp_path / "m3")
    assert rc == 2 and "rt0 conformance: INTERRUPTED" in text


def test_the_same_column_twice_is_refused(tmp_path, run_driver_on, capsys):
    fb = build(tmp_path)
    a, b, both = runs(run_driver_on, fb, tmp_path, "amd64", "arm64", "amd64,arm64")
    out = tmp_path / "merged"
    rc, _, err = do_merge(capsys, "--merge", a, a, "--reports", out)
    assert rc == 4 and f"{a}: given twice" in err
    # a copy of a folder: its columns are in two folders, identical or not
    copy = tmp_path / "copy"
    shutil.copytree(a, copy)
    rc, _, err = do_merge(capsys, "--merge", a, copy, "--reports", out)
    assert rc == 4
    assert f"column amd64 is in both {a} and {copy}" in err
    rc, _, err = do_merge(capsys, "--merge", both, b, "--reports", out)
    assert rc == 4 and f"column arm64 is in both {both} and {b}" in err
    assert not out.exists(), "a refused merge wrote nothing"
    # nor does it replace one of its parts
    rc, _, err = do_merge(capsys, "--merge", a, b, "--reports", a)
    assert rc == 4 and "cannot replace one of its parts" in err
    assert summary(a)["meta"].get("parts") is None


def test_runs_of_different_catalogues_are_refused(tmp_path, run_driver_on, capsys):
    fb = build(tmp_path)
    (a,) = runs(run_driver_on, fb, tmp_path, "amd64")
    changed = [dict(CATALOGUE[0], statement="main.main runs on goroutine one."), CATALOGUE[1]]
    (b,) = runs(run_driver_on, fb, tmp_path, "arm64", entries=changed)
    rc, _, err = do_merge(capsys, "--merge", a, b, "--reports", tmp_path / "merged")
    assert rc == 4
    assert f"{a} and {b} were judged by different catalogues" in err
    assert not (tmp_path / "merged").exists()


def test_folders_that_are_not_report_folders(tmp_path, run_driver_on, capsys):
    fb = build(tmp_path)
    (a,) = runs(run_driver_on, fb, tmp_path, "amd64")
    out = tmp_path / "merged"
    src = tmp_path / "src"
    src.mkdir()
    (src / "summary.json").write_text("{}")
    rc, _, err = do_merge(capsys, "--merge", a, src, "--reports", out)
    assert rc == 4 and f"{src}: not an rt0 report folder (no .rt0-reports marker)" in err
    rc, _, err = do_merge(capsys, "--merge", a, tmp_path / "nowhere", "--reports", out)
    assert rc == 4 and "no such folder" in err
    old = tmp_path / "old"
    old.mkdir()
    (old / reportdir.MARKER).write_text("")
    rc, _, err = do_merge(capsys, "--merge", a, old, "--reports", out)
    assert rc == 4 and f"{old}: an rt0 report folder without run.json" in err
    (old / "run.json").write_text('{"format": "something else"}')
    rc, _, err = do_merge(capsys, "--merge", a, old, "--reports", out)
    assert rc == 4 and "not an rt0 run record" in err
    # a folder a run is writing now
    lock = reportdir.Lock(a)
    lock.acquire()
    try:
        rc, _, err = do_merge(capsys, "--merge", a, "--reports", out)
    finally:
        lock.release()
    assert rc == 4 and "a conformance run is writing it" in err
    # an output folder of other files is refused as a run's is
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    rc, _, err = do_merge(capsys, "--merge", a, "--reports", other)
    assert rc == 4 and "holds files this driver did not write (notes.txt)" in err
    assert sorted(p.name for p in other.iterdir()) == ["notes.txt"]
    assert not out.exists()
    # no folder at all, an unknown option
    with pytest.raises(SystemExit) as e:
        merge.main(["--merge"])
    assert e.value.code == 4
    with pytest.raises(SystemExit) as e:
        merge.main(["--merge", str(a), "--arch", "amd64"])
    assert e.value.code == 4


def test_column_order():
    cols = ["host", "go1.23/amd64", "arm64", "go1.19/arm64", "amd64", "go1.19/amd64", "s390x"]
    assert sorted(cols, key=merge.column_order) == \
        ["amd64", "arm64", "s390x", "go1.19/amd64", "go1.19/arm64", "go1.23/amd64", "host"]
