"""Running things: each suite once per arch x mode (however many cells and
xdist workers ask for it), and the hello probe with the start-up trace on.

A suite run writes <out>/suites/<ctest name>.{xml,log,json}; the .json is
written last and marks the run as done for this session (the controller
empties <out>/suites before any worker starts). An flock on <name>.lock
keeps two processes from running the same suite at once.
"""
from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import shutil
from pathlib import Path

from rt0model import criterion
from rt0model.ctest import CtestInfo, SuiteRun

from rt0model import procs


def run_capture(cmd: list[str], env: dict[str, str], cwd: str | None,
                timeout: float) -> procs.Captured:
    """Runs cmd (procs.run): nothing it starts outlives it, its output is
    capped."""
    return procs.run(cmd, env, cwd, timeout)


def missing_emulator(run: SuiteRun) -> str | None:
    """Why run cannot run here now: its qemu-user is gone (ci/setup made the
    build see it, something removed it since), or None."""
    qemu = run.env.get("RT0_QEMU")
    if not qemu:
        return None
    found = shutil.which(qemu) if "/" not in qemu else (qemu if os.access(qemu, os.X_OK) else None)
    if found:
        return None
    return (f"not run: {run.arch}: {qemu} is missing (it was there when the build was configured): "
            f"apt-get install qemu-user (or run ci/setup {run.arch})")


@dataclasses.dataclass
class SuiteOutcome:
    name: str  # ctest name
    rc: int | None
    seconds: float
    synthesis: str | None
    error: str | None  # the run did not report (no XML, timeout, ...)
    results: list[criterion.TestResult]
    skip_reasons: dict
    xml: str  # paths relative to the report folder
    log: str
    notrun: str | None = None  # the run could not start here: why, and the fix
    leftovers: str | None = None  # what it left running (killed): its results do not count

    def find(self, test: str) -> list[criterion.TestResult]:
        return [r for r in self.results if r.name == test]

    def log_tail(self, out_dir: Path, lines: int = 30) -> str:
        try:
            text = (out_dir / self.log).read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


class Suites:
    def __init__(self, out_dir: Path, timeout: float = 600):
        self.out = Path(out_dir)
        self.dir = self.out / "suites"
        self.timeout = timeout
        self.memo: dict[str, SuiteOutcome] = {}

    def get(self, run: SuiteRun) -> SuiteOutcome:
        if run.name in self.memo:
            return self.memo[run.name]
        self.dir.mkdir(parents=True, exist_ok=True)
        meta = self.dir / f"{run.name}.json"
        with open(self.dir / f"{run.name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not meta.exists():
                self._run(run, meta)
        o = self._load(run.name, meta)
        self.memo[run.name] = o
        return o

    def _run(self, run: SuiteRun, meta: Path):
        xml = self.dir / f"{run.name}.xml"
        log = self.dir / f"{run.name}.log"
        xml.unlink(missing_ok=True)
        cmd = [a for a in run.command if not a.startswith(("--xml", "--json", "--tap"))]
        cmd += [f"--xml={xml}", "--verbose"]
        env = dict(os.environ)
        env.update(run.env)
        notrun = missing_emulator(run)
        if notrun:
            log.write_text(f"{notrun}\n")
            meta.write_text(json.dumps({"rc": None, "seconds": 0, "synthesis": None,
                                        "error": notrun, "notrun": notrun}))
            return
        c = run_capture(cmd, env, run.cwd, self.timeout)
        log.write_text(f"$ {' '.join(cmd)}\n{c.out}{c.err}")
        if c.rc is None:
            error = f"{run.name}: killed after {self.timeout:.0f} s"
        elif not xml.exists() or xml.stat().st_size == 0:
            error = f"{run.name}: wrote no report (exit status {c.rc})"
        elif c.rc < 0:
            error = f"{run.name}: killed by signal {-c.rc}"
        else:
            error = None
        left = None
        if c.leftovers:
            left = (f"{run.name}: left {len(c.leftovers)} process(es) running, killed after it "
                    f"ended: {', '.join(c.leftovers[:8])}")
        meta.write_text(json.dumps({"rc": c.rc, "seconds": round(c.seconds, 3),
                                    "synthesis": criterion.synthesis(c.err),
                                    "error": error, "leftovers": left}))

    def _load(self, name: str, meta: Path) -> SuiteOutcome:
        m = json.loads(meta.read_text())
        xml = self.dir / f"{name}.xml"
        log = self.dir / f"{name}.log"
        results = criterion.parse_xml(xml.read_text(errors="replace")) if xml.exists() else []
        reasons = criterion.skip_reasons(log.read_text(errors="replace")) if log.exists() else {}
        return SuiteOutcome(name, m["rc"], m["seconds"], m["synthesis"], m["error"], results,
                            reasons, str(xml.relative_to(self.out)), str(log.relative_to(self.out)),
                            m.get("notrun"), m.get("leftovers"))


@dataclasses.dataclass
class Verdict:
    status: str  # pass, fail, skip, notrun
    message: str
    detail: dict


def evaluate(cell, info: CtestInfo, suites: Suites) -> Verdict:
    """The cell's outcome from its suites' reports: fail when any instance of
    the test failed or crashed (a parameterized test has one per parameter)
    or a suite did not report; skip when every instance skipped; else pass."""
    runs, results, problems, skips = [], [], [], []
    if not cell.suites:
        msg = (f"no test named {cell.test} in any suite: the catalogue says {cell.id} "
               f"applies to {cell.arch}/{cell.mode}")
        return Verdict("fail", msg, {"message": msg, "runs": [], "results": []})
    for s in cell.suites:
        run = info.run_for(s, cell.arch, cell.mode)
        if run is None:
            problems.append(f"suite {s} does not run on {cell.arch}/{cell.mode}")
            continue
        o = suites.get(run)
        if o.notrun:
            return Verdict("notrun", o.notrun, {"message": o.notrun, "runs": [], "results": []})
        runs.append({"name": o.name, "rc": o.rc, "seconds": o.seconds,
                     "synthesis": o.synthesis, "error": o.error, "xml": o.xml, "log": o.log,
                     "command": run.command[0], "env": run.env})
        found = o.find(cell.test)
        if o.leftovers:
            problems.append(o.leftovers)
        if o.error and not found:
            problems.append(f"{o.error}; the test's result is unknown. Log tail:\n"
                            + o.log_tail(suites.out))
            continue
        if not found:
            problems.append(f"{o.name}: {cell.test} is not in the suite's report")
        for r in found:
            entry = {"run": o.name, "suite": r.suite, "status": r.status,
                     "messages": r.messages, "time": r.time}
            if r.status == criterion.SKIPPED:
                reason = o.skip_reasons.get((r.suite, r.name), "")
                entry["messages"] = [reason] if reason else []
                skips.append(f"{o.name}: {r.suite}::{r.name} skipped"
                             + (f": {reason}" if reason else ""))
            results.append(entry)
    bad = [e for e in results if e["status"] in (criterion.FAILED, criterion.ERRORED)]
    lines, probe = [], []
    for e in bad:
        lines.append(f"{e['run']}: {e['suite']}::{cell.test} {e['status']}")
        for m in e["messages"]:
            text, why = criterion.split_probe_output(m)
            lines.append("  " + text.replace("\n", "\n  "))
            if why:
                probe.append(why)
    lines += problems
    detail = {"runs": runs, "results": results, "probe": "\n".join(probe)}
    if bad or problems:
        msg = "\n".join(lines)
        if probe:
            msg += "\n  -- " + "\n  -- ".join(probe)
        detail["message"] = "\n".join(lines)
        return Verdict("fail", msg, detail)
    if results and len(skips) == len(results):
        msg = "; ".join(skips)
        detail["message"] = msg
        return Verdict("skip", msg, detail)
    detail["message"] = ""
    return Verdict("pass", "", detail)


def hello_trace(run: SuiteRun, timeout: float = 60) -> dict:
    """Runs <arch>/<mode>/hello with GODEBUG=rt0trace=1 the way the suites run
    their probes (natively, or under RT0_QEMU with RT0_SYSROOT as -L), with
    the environment the suites give it (suite.c env_trace)."""
    probe = Path(run.env.get("RT0_PROBE_DIR", "")) / "hello"
    cmd = [str(probe)]
    if run.env.get("RT0_QEMU"):
        cmd = [run.env["RT0_QEMU"]] + (["-L", run.env["RT0_SYSROOT"]]
                                       if run.env.get("RT0_SYSROOT") else []) + cmd
    env = {"GODEBUG": "rt0trace=1", "GOMAXPROCS": "1"}
    try:
        c = run_capture(cmd, env, None, timeout)
    except OSError as e:
        return {"command": cmd, "error": f"could not run {cmd[0]}: {e}", "text": ""}
    error = None
    if c.rc is None:
        error = f"timed out after {timeout:.0f} s"
    elif c.rc != 0:
        error = f"exit status {c.rc}"
    return {"command": cmd, "env": env, "rc": c.rc, "seconds": round(c.seconds, 3),
            "text": c.err, "stdout": c.out, "error": error}
