"""The harness under misuse: nothing left running, nothing deleted that the
driver did not write, no two runs mixed, no PASSED for what did not run,
one clear line for a folder it cannot use, INTERRUPTED when interrupted."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DRIVER, FakeBuild, catalogue_toml
from rt0driver import reportdir
from rt0model import procs

CATALOGUE = [
    {"id": "EXIT-CODE-0", "group": "exits", "statement": "main.main returning exits 0.",
     "arches": ["all"], "modes": ["internal", "external"], "observed": "exit",
     "evidence": "proc.go:283"},
]

# A suite that starts a daemon (its own session, like `setsid`) and then
# either hangs ("hang") or reports its one test as passed ("pass"). The
# daemon's pid goes to <script>.pids, for the test to look for afterwards.
DAEMON_SUITE = r'''#!/usr/bin/python3
import json, os, subprocess, sys, time
spec = json.load(open(os.path.abspath(__file__) + ".json"))
if "--list" in sys.argv:
    print("exits: 1 test")
    print("└── exit_code_0")
    sys.exit(0)
d = subprocess.Popen(["sleep", "300"], start_new_session=True)
with open(os.path.abspath(__file__) + ".pids", "a") as f:
    f.write(f"{d.pid}\n")
if spec["tests"]["exit_code_0"].get("*") == "hang":
    time.sleep(300)
xml = next(a.split("=", 1)[1] for a in sys.argv if a.startswith("--xml="))
open(xml, "w").write('<testsuites><testsuite name="exits">'
                     '<testcase name="exit_code_0" status="PASSED" time="0"></testcase>'
                     '</testsuite></testsuites>')
print("[====] Synthesis: Tested: 1 | Passing: 1 | Failing: 0 | Crashing: 0", file=sys.stderr)
'''


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


def daemon_pids(build: FakeBuild) -> list[int]:
    p = build.root / "bin" / "suite_exits.pids"
    return [int(x) for x in p.read_text().split()] if p.exists() else []


def summary(reports: Path) -> dict:
    return json.loads((reports / "summary.json").read_text())


@pytest.fixture
def one_arch(tmp_path) -> FakeBuild:
    return FakeBuild(tmp_path / "build", arches=("amd64",), notrun=(), modes=("internal",))


def test_suite_timeout_kills_what_the_suite_started(one_arch, run_driver_on):
    one_arch.suite("exits", "exits", {"exit_code_0": {"*": "hang"}}, script=DAEMON_SUITE)
    res, reports = run_driver_on(one_arch, CATALOGUE, "--suite-timeout", "2")
    assert res.ret == 1, res.stdout.str()
    pids = daemon_pids(one_arch)
    assert pids and not any(alive(p) for p in pids), "the suite's daemon outlived the run"
    msg = summary(reports)["cells"][0]["message"]
    assert "killed after 2 s" in msg


def test_a_daemon_left_behind_is_killed_and_named(one_arch, run_driver_on):
    one_arch.suite("exits", "exits", {"exit_code_0": {"*": "pass"}}, script=DAEMON_SUITE)
    res, reports = run_driver_on(one_arch, CATALOGUE)
    assert res.ret == 1, res.stdout.str()
    pids = daemon_pids(one_arch)
    assert pids and not any(alive(p) for p in pids)
    msg = summary(reports)["cells"][0]["message"]
    assert "left 1 process(es) running, killed after it ended: sleep" in msg


def test_reports_never_replace_a_folder_of_other_files(one_arch, run_driver_on, tmp_path):
    src = tmp_path / "conformance"
    (src / "suites").mkdir(parents=True)
    (src / "suites" / "startup.c").write_text("int main;\n")
    one_arch.suite("exits", "exits", {"exit_code_0": {}})
    res, _ = run_driver_on(one_arch, CATALOGUE, "--reports", str(src))
    assert res.ret == pytest.ExitCode.USAGE_ERROR
    res.stderr.fnmatch_lines(["*holds files this driver did not write (suites)*refusing*"])
    assert (src / "suites" / "startup.c").read_text() == "int main;\n"
    assert sorted(p.name for p in src.iterdir()) == ["suites"]


def test_a_folder_in_use_by_another_run_is_refused(one_arch, run_driver_on, tmp_path):
    reports = tmp_path / "shared-reports"
    one_arch.suite("exits", "exits", {"exit_code_0": {}})
    res, _ = run_driver_on(one_arch, CATALOGUE, "--reports", str(reports))
    assert res.ret == 0, res.stdout.str()
    lock = reportdir.Lock(reports)
    lock.acquire()  # another run, in the middle of its work
    try:
        res, _ = run_driver_on(one_arch, CATALOGUE, "--reports", str(reports))
    finally:
        lock.release()
    assert res.ret == pytest.ExitCode.USAGE_ERROR
    res.stderr.fnmatch_lines([f"*another conformance run is using {reports} (pid {os.getpid()})*"])
    assert summary(reports)["ok"], "the first run's reports were touched"


def test_a_report_folder_that_cannot_be_made_is_one_line(one_arch, run_driver_on, tmp_path):
    (tmp_path / "file").write_text("x")
    one_arch.suite("exits", "exits", {"exit_code_0": {}})
    res, _ = run_driver_on(one_arch, CATALOGUE, "--reports", str(tmp_path / "file" / "reports"))
    assert res.ret == pytest.ExitCode.USAGE_ERROR
    err = res.stderr.str()
    assert "cannot create the report folder" in err and "Traceback" not in err
    assert len([ln for ln in err.splitlines() if ln.strip()]) <= 2


@pytest.mark.parametrize("args, word", [(("--group", "nosuchgroup"), "--group nosuchgroup"),
                                        (("--arch", "amd65"), "--arch amd65")])
def test_unknown_filters_are_usage_errors(one_arch, run_driver_on, args, word):
    one_arch.suite("exits", "exits", {"exit_code_0": {}})
    res, _ = run_driver_on(one_arch, CATALOGUE, "--no-build", *args)
    assert res.ret == pytest.ExitCode.USAGE_ERROR
    res.stderr.fnmatch_lines([f"*{word}: not a*"])


def test_a_missing_emulator_is_not_run_not_a_probe_failure(tmp_path, run_driver_on):
    fb = FakeBuild(tmp_path / "build", arches=("amd64", "arm64"), notrun=(),
                   modes=("internal",), qemu="/nonexistent/qemu-aarch64")
    fb.suite("exits", "exits", {"exit_code_0": {}})
    res, reports = run_driver_on(fb, CATALOGUE)
    assert res.ret == 1, res.stdout.str()
    s = summary(reports)
    got = {c["arch"]: c for c in s["cells"]}
    assert got["amd64"]["outcome"] == "pass"
    assert got["arm64"]["outcome"] == "notrun"
    assert "/nonexistent/qemu-aarch64 is missing" in got["arm64"]["notrun"]
    assert "apt-get install qemu-user" in got["arm64"]["notrun"]
    assert s["verdict"] == "FAILED: 1 cell not run (arm64)"


def test_interrupted_run_says_so_and_leaves_nothing_running(one_arch, tmp_path, pytester):
    """Ctrl-C reaches the whole foreground process group: the suites run in
    sessions of their own, so the driver must stop them itself."""
    one_arch.suite("exits", "exits", {"exit_code_0": {"*": "hang"}}, script=DAEMON_SUITE)
    cat = tmp_path / "inv.toml"
    cat.write_text(catalogue_toml(CATALOGUE))
    reports = tmp_path / "reports"
    env = dict(os.environ, PYTHONPATH=f"{DRIVER}:{DRIVER.parent}", PYTHONDONTWRITEBYTECODE="1")
    p = subprocess.Popen(
        [sys.executable, "-m", "pytest", str(DRIVER / "run"), "-p", "no:cacheprovider",
         "--ctest-json", str(one_arch.write()), "--catalogue", str(cat),
         "--reports", str(reports)], cwd=DRIVER, env=env, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while not daemon_pids(one_arch) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert daemon_pids(one_arch), "the suite never started"
    os.killpg(p.pid, signal.SIGINT)
    out, _ = p.communicate(timeout=60)
    assert p.returncode == pytest.ExitCode.INTERRUPTED, out.decode()
    assert not any(alive(x) for x in daemon_pids(one_arch))
    assert summary(reports)["verdict"].startswith("INTERRUPTED")
    assert "INTERRUPTED" in (reports / "summary.md").read_text()
    assert b"rt0 conformance: INTERRUPTED" in out


def test_output_is_capped_head_and_tail(tmp_path):
    script = tmp_path / "flood.sh"
    script.write_text("printf 'HEAD'; head -c 50000000 /dev/zero | tr '\\0' x; printf 'TAIL'\n")
    c = procs.run(["sh", str(script)], dict(os.environ), None, 60, cap=1 << 20)
    assert c.rc == 0
    assert c.out.startswith("HEAD") and c.out.endswith("TAIL")
    assert len(c.out) < (1 << 20) + 200
    assert "bytes cut: the output was longer than the capture's cap" in c.out
