#!/usr/bin/python3
"""faults.py: fault injection's meta-test (DESIGN.md section 6).

Each fault of conformance/faults.toml (and the [[fault]] entries of the
catalogue files, e.g. invariants-walk.toml) is a deliberate bug in the
runtime, compiled in with -DRT0_FAULT=<name>. For every requested arch this
tool builds the runtime and the probes with each fault (one target-only build
directory per arch, switched from fault to fault: only the files that mention
the fault recompile, then the probes relink), runs every suite of the normal
build in both link modes against those probes, and on the host's own arch the
unit tests of the pure parsers built with the fault (only for faults in those
parsers: otherwise the unit tests link exactly the baseline's code). A fault
is caught on an arch when

  - the test of every id in its `breaks` fails, in every link mode where the
    catalogue says the id applies (skipped there only with the catalogue's
    exception; a test that passes, or is skipped where it should run, is a
    miss),
  - no other test fails (tests that fail without any fault too are only
    reported); for a fault with `fatal` the tests of `breaks` must fail
    quoting the runtime's "fatal error: <fatal>", and any other test may fail
    too: the runtime stops at start-up (runtime.check does so by design), so
    nothing else can be observed,
  - no suite crashes (a test that dies of a signal -- Criterion 2.4 also
    reports a failed assertion in a suite's .init that way --, a suite that
    dies, times out or writes no report).

`breaks_on = [{arch, ids, reason}]` adds ids that break on one arch only (with
`mode`, in one link mode only).

It prints caught/missed per fault and arch, and the mutation score per arch:
faults caught / faults built. Exit status 0 when every fault built is caught.

  faults.py run --build-dir BUILD [--arch A]... [--fault F]... [--foreign relevant|all]
               [--scope all|breaks] [--observe] [--resume | --rejudge]
  faults.py list     the faults, their arches and what they break
  faults.py check    faults.toml against the catalogue (names, ids, arches)

--foreign relevant runs every fault on the host's arch, and on a foreign arch
only the faults whose effect depends on the arch: those with `arches` or
`breaks_on`, those marked `arch_relevant`, those whose code lies under arch/
and those that break an invariant of the arch or walk groups. --observe
prints the ids each fault really breaks (to write `breaks`); --resume keeps
the reports of an earlier run that are newer than their probes; --rejudge
only judges the last reports again. Reports, probes and the per-arch build
directories live in BUILD/faults.

Python 3.11+ standard library only; the catalogue, the suites' reports and
the build's registrations are read through conformance/rt0model.
"""

import argparse
import concurrent.futures as cf
import fcntl
import hashlib
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CONFORMANCE = os.path.dirname(HERE)
sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, CONFORMANCE)
from rt0model import catalogue, criterion, ctest, procs  # noqa: E402
from rt0model import faults as fmodel  # noqa: E402
from rt0model.faults import FaultError, breaks, may_break  # noqa: E402

SOURCE = os.path.dirname(CONFORMANCE)
# What a fault build depends on, for reusing its probes unchanged.
BUILD_INPUTS = ["CMakeLists.txt", "cmake", "runtime", "arch", "conformance/probes"]
SUITE_TIMEOUT = 900  # seconds, per suite run (x3 under qemu-user)


def pure_sources():
    """runtime/ files of rt0_pure, the library the unit tests link."""
    with open(os.path.join(SOURCE, "runtime", "CMakeLists.txt")) as f:
        m = re.search(r"add_library\(rt0_pure STATIC ([^)]*)\)", f.read())
    if not m:
        raise FaultError("runtime/CMakeLists.txt: no add_library(rt0_pure STATIC ...)")
    return {f"runtime/{os.path.basename(f)}" for f in m.group(1).split() if f.endswith(".c")}


def touches_units(name):
    """Whether the fault changes what the host unit tests link."""
    src = fmodel.sources(name)
    return any(f.endswith(".h") for f in src) or bool(set(src) & pure_sources())


# Invariants whose tests see the arch's ABI and unwind tables directly.
ARCH_GROUPS = {"arch", "walk"}


def arch_relevant(x, arch, groups):
    """Whether the fault's effect depends on the arch (--foreign relevant):
    it has `arches` or `arch_relevant`, its code lies under arch/, or it
    breaks an invariant of an arch-dependent group (groups: id -> group)."""
    return ("arches" in x or "breaks_on" in x or x.get("arch_relevant", False) or
            any(s.startswith(f"arch/{arch}/") for s in fmodel.sources(x["name"])) or
            any(groups.get(i) in ARCH_GROUPS for i in breaks(x, arch)))


# ---- the normal build --------------------------------------------------------


class Build:
    """What the normal build directory offers (rt0model.ctest): the suite runs
    registered per arch and link mode, the unit tests, the native arch."""

    def __init__(self, build_dir, ctest_cmd="ctest"):
        self.dir = os.path.abspath(build_dir)
        try:
            info = ctest.load(self.dir, ctest=ctest_cmd)
        except RuntimeError as e:
            raise FaultError(str(e)) from e
        self.host = info.native_arch
        if self.host is None:
            raise FaultError(f"{self.dir} registers no native suite run (is it configured?)")
        self.build_type = self.cache().get("CMAKE_BUILD_TYPE", "")
        self.suites = {}  # (arch, mode) -> [SuiteRun]
        self.units = []   # [SuiteRun] of conformance/unit (they link the pure parsers)
        unit_dir = os.path.join(self.dir, "conformance", "unit") + os.sep
        for r in info.runs:
            if r.arch == catalogue.HOST:
                if r.executable.startswith(unit_dir):
                    self.units.append(r)
            else:
                self.suites.setdefault((r.arch, r.mode), []).append(r)
        self.arches = sorted({a for a, _ in self.suites},
                             key=lambda a: (a != self.host, a))

    def cache(self):
        vals = {}
        with open(os.path.join(self.dir, "CMakeCache.txt")) as f:
            for line in f:
                m = re.match(r"^([A-Za-z0-9_]+):[A-Z]+=(.*)$", line.rstrip("\n"))
                if m:
                    vals[m.group(1)] = m.group(2)
        return vals

    def env(self, arch):
        """The run environment of arch's suites, less the probe directory and
        link mode (the same for every suite)."""
        for (a, _), runs in self.suites.items():
            if a == arch:
                return {k: v for k, v in runs[0].env.items()
                        if k not in ("RT0_PROBE_DIR", "RT0_LINK")}
        raise FaultError(f"no suite registered for arch {arch} in {self.dir}")


# ---- building a fault --------------------------------------------------------


def tree_hash(paths):
    h = hashlib.sha256()
    for top in paths:
        p = os.path.join(SOURCE, top)
        walk = [(p, [], [""])] if os.path.isfile(p) else os.walk(p)
        for d, dirs, files in walk:
            dirs.sort()
            for f in sorted(files):
                q = os.path.join(d, f) if f else d
                h.update(os.path.relpath(q, SOURCE).encode() + b"\0")
                with open(q, "rb") as fh:
                    h.update(fh.read())
    return h.hexdigest()


class Builder:
    """One target-only build directory per arch, switched from fault to
    fault; each fault's probes (and, on the host, unit tests) are copied out
    so its suites can run while the next fault builds."""

    def __init__(self, build, work, arch, jobs, log):
        self.build, self.arch, self.jobs, self.log = build, arch, jobs, log
        self.native = arch == build.host
        self.dir = os.path.join(work, f"build-{arch}")
        self.work = work
        env = build.env(arch)
        self.args = ["-G", "Ninja", f"-DRT0_ARCH={arch}", "-DRT0_TARGET_ONLY=ON",
                     f"-DRT0_PROBE_ROOT={self.dir}/probes/{arch}"]
        if self.native:
            # The normal build's probes use its build type; foreign ones
            # (ExternalProject) get none.
            if build.build_type:
                self.args.append(f"-DCMAKE_BUILD_TYPE={build.build_type}")
        else:
            self.args += [f"-DCMAKE_TOOLCHAIN_FILE={SOURCE}/arch/{arch}/toolchain.cmake",
                          f"-DRT0_SYSROOT={env.get('RT0_SYSROOT', '')}"]
        inputs = list(BUILD_INPUTS)
        if self.native:
            inputs.append("conformance/unit")
        self.inputs_hash = tree_hash(inputs)

    def out(self, fault):
        return os.path.join(self.work, "probes", fault, self.arch)

    def build_fault(self, fault):
        """Returns the fault's output directory (probes/<mode>/, units/),
        building only when its inputs changed since the last time."""
        out = self.out(fault)
        stamp = os.path.join(out, ".stamp")
        key = f"{self.inputs_hash} {tree_hash([os.path.relpath(fmodel.patch_path(fault), SOURCE)])} {' '.join(self.args)}"
        if os.path.exists(stamp) and open(stamp).read() == key:
            self.log(f"  {fault}/{self.arch}: probes up to date")
            return out
        os.makedirs(self.dir, exist_ok=True)
        with open(os.path.join(self.dir, ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            run = lambda cmd: subprocess.run(  # noqa: E731
                cmd, capture_output=True, text=True)
            r = run(["cmake", "-S", SOURCE, "-B", self.dir, *self.args,
                     f"-DRT0_FAULT={fault}"])
            if r.returncode == 0:
                r = run(["cmake", "--build", self.dir, "-j", str(self.jobs)])
            if r.returncode != 0:
                raise FaultError(f"building {fault} for {self.arch} failed:\n"
                                 + (r.stdout + r.stderr)[-3000:])
            shutil.rmtree(out, ignore_errors=True)
            shutil.copytree(os.path.join(self.dir, "probes", self.arch), out)
            if self.native:
                units = os.path.join(self.dir, "conformance", "unit")
                os.makedirs(os.path.join(out, "units"))
                for f in os.listdir(units):
                    if f.startswith("unit_"):
                        shutil.copy2(os.path.join(units, f), os.path.join(out, "units"))
        with open(stamp, "w") as f:
            f.write(key)
        return out


# ---- running the suites ------------------------------------------------------

# A test's outcome: PASSED, SKIPPED, FAILED or CRASHED (Criterion's ERRORED: a
# signal or a timeout); a test reported more than once (a parameterized one)
# counts as its worst instance.
RANK = {"PASSED": 0, "SKIPPED": 1, "FAILED": 2, "CRASHED": 3}


def read_report(xml, log, criterion_suite=None):
    """{test: (status, detail)} from a suite run's Criterion XML and its
    console log (which has the skip reasons); None when there is no report.
    criterion_suite: the run's --filter, whose left-out tests Criterion
    still reports, as skipped."""
    try:
        with open(xml, errors="replace") as f:
            results = criterion.parse_xml(f.read())
    except OSError:
        return None
    try:
        with open(log, errors="replace") as f:
            reasons = criterion.skip_reasons(f.read())
    except OSError:
        reasons = {}
    tests = {}
    for r in results:
        if criterion_suite is not None and r.suite != criterion_suite:
            continue
        st = {"ERRORED": "CRASHED"}.get(r.status, r.status)
        if st not in RANK:
            continue
        detail = reasons.get((r.suite, r.name), "") if st == "SKIPPED" else "\n".join(r.messages)
        old = tests.get(r.name)
        if old is None or RANK[st] > RANK[old[0]]:
            tests[r.name] = (st, detail)
    return tests or None


def run_suite(cmd, env, xml, jobs, qemu, criterion_suite, rejudge=False):
    """Runs one Criterion suite command with an XML report beside its console
    log; returns (tests, problem). rejudge: only read the report an earlier
    run left."""
    log = xml[:-len(".xml")] + ".log"
    if rejudge:
        tests = read_report(xml, log, criterion_suite)
        return (tests, None) if tests else ({}, "has no report from an earlier run")
    os.makedirs(os.path.dirname(xml), exist_ok=True)
    for f in (xml, log):
        if os.path.exists(f):
            os.unlink(f)
    full = dict(os.environ)
    full.update(env)
    timeout = SUITE_TIMEOUT * (3 if qemu else 1)
    try:
        c = procs.run(cmd + [f"--xml={xml}", f"--jobs={jobs}", "--verbose"], full, None, timeout)
    except OSError as e:
        return {}, f"could not be started: {e}"
    with open(log, "w") as out:
        out.write(c.out + c.err)
    if c.rc is None:
        return {}, f"timed out after {timeout} s"
    if c.rc < 0:
        return {}, f"killed by signal {-c.rc}"
    tests = read_report(xml, log, criterion_suite)
    if tests is None:
        return {}, f"wrote no report (exit {c.rc}; log {log})"
    if "Synthesis:" not in c.err:
        return tests, f"a cut report (exit {c.rc}; log {log})"
    if c.leftovers:
        return tests, f"left {len(c.leftovers)} process(es) running: {', '.join(c.leftovers[:5])}"
    return tests, None


class Cell:
    """One run: a suite (or unit test) in one link mode, on one arch."""

    def __init__(self, run, mode, cmd, env, qemu):
        self.suite, self.mode, self.cmd, self.env, self.qemu = (
            run.suite, mode, cmd, env, qemu)
        self.criterion_suite = run.criterion_suite
        self.tests, self.problem = {}, None

    def key(self):
        return f"{self.suite}.{self.mode}"

    def inputs_mtime(self):
        """When the suite binary or its probes last changed."""
        t = os.path.getmtime(self.cmd[0])
        d = self.env.get("RT0_PROBE_DIR")
        if d and os.path.isdir(d):
            t = max([t] + [os.path.getmtime(os.path.join(d, f)) for f in os.listdir(d)])
        return t


def run_cell(cmd, env, xml, jobs, qemu, criterion_suite, inputs_mtime, resume, rejudge):
    """One suite run, in a pool worker: (tests, problem, seconds)."""
    s = time.monotonic()
    if resume and os.path.exists(xml) and os.path.getmtime(xml) > inputs_mtime:
        tests = read_report(xml, xml[:-len(".xml")] + ".log", criterion_suite)
        if tests:
            return tests, None, 0.0
    tests, problem = run_suite(cmd, env, xml, jobs, qemu, criterion_suite, rejudge)
    return tests, problem, time.monotonic() - s


class CellFuture:
    """A cell and the future of its run."""

    def __init__(self, cell, future):
        self.cell, self.future = cell, future

    def take(self):
        """Waits for the run, records its outcome in the cell: (key, seconds)."""
        tests, problem, seconds = self.future.result()
        self.cell.tests, self.cell.problem = tests, problem
        return self.cell.key(), seconds


def suite_command(run):
    """The run's command without the report option ctest gives it."""
    return [a for a in run.command if not a.startswith(("--xml", "--json", "--tap"))]


def cells_for(build, arch, probes, units):
    """The runs of one arch against the probes in probes/<mode>; on the host
    also the unit tests in units/ (the normal build's when units is None)."""
    cells = []
    qemu = bool(build.env(arch).get("RT0_QEMU"))
    for mode in catalogue.MODES:
        for run in build.suites.get((arch, mode), []):
            env = dict(run.env)
            if probes:
                env["RT0_PROBE_DIR"] = os.path.join(probes, mode)
            cells.append(Cell(run, mode, suite_command(run), env, qemu))
    if arch == build.host:
        for run in build.units:
            cmd = suite_command(run)
            if units is not None:
                cmd[0] = os.path.join(units, os.path.basename(cmd[0]))
            cells.append(Cell(run, "host", cmd, dict(run.env), False))
    return cells


def breaking_cells(cells, x, arch, entries):
    """--scope breaks: only the suites holding a test the fault must (or may)
    break on arch, and the unit tests; what the others would show is not
    looked at."""
    group = {inv.id: inv.group for inv in entries}
    ids = set(breaks(x, arch))
    for mode in catalogue.MODES:
        ids |= set(may_break(x, arch, mode))
    suites = {group.get(i) for i in ids}
    return [c for c in cells if c.mode == "host" or c.suite in suites]


# ---- judging -----------------------------------------------------------------


class Verdict:
    def __init__(self, fault, arch):
        self.fault, self.arch = fault, arch
        self.caught = False
        self.applicable = True
        self.problems = []     # why it is not caught
        self.notes = []        # what is reported but does not count
        self.observed = {}     # test -> [modes] failing with the fault only

    def line(self):
        if not self.applicable:
            return "n/a"
        return "caught" if self.caught else "MISSED"


def judge(x, arch, cells, baseline, entries):
    """Compares the fault's runs on arch with the baseline's."""
    v = Verdict(x["name"], arch)
    by_test = {inv.test_name: inv for inv in entries}
    expected = {catalogue.test_name(i): i for i in breaks(x, arch)}
    fatal = x.get("fatal")
    base = {c.key(): c for c in baseline}
    checked = set()
    for c in cells:
        b = base.get(c.key())
        if c.problem:
            v.problems.append(f"{c.key()}: the suite {c.problem}")
            continue
        if b is None or b.problem:
            v.problems.append(f"{c.key()}: no baseline run to compare with")
            continue
        in_mode = {catalogue.test_name(i) for i in breaks(x, arch, c.mode)}
        racy = {catalogue.test_name(i) for i in may_break(x, arch, c.mode)}
        for t, (st, detail) in sorted(c.tests.items()):
            bst = b.tests.get(t, ("MISSING", ""))[0]
            if st == "CRASHED":
                v.problems.append(f"{c.key()}: {t} crashed: {detail.strip()[:200]}")
                continue
            if st == "FAILED" and bst != "FAILED":
                v.observed.setdefault(t, []).append(c.mode)
            if t in expected and t in in_mode:
                inv = by_test.get(t)
                ok, why = (True, None) if c.mode == "host" else inv.applies(
                    arch, c.mode, c.qemu)
                if not ok:
                    if st == "FAILED":
                        v.problems.append(f"{c.key()}: {t} fails where the catalogue says it cannot be observed ({why})")
                    continue
                checked.add(t)
                if bst == "FAILED":
                    v.problems.append(f"{c.key()}: {t} fails without the fault too")
                elif st == "PASSED":
                    v.problems.append(f"{c.key()}: {t} passes")
                elif st == "SKIPPED":
                    v.problems.append(f"{c.key()}: {t} is skipped ({detail}) where the catalogue says it runs")
                elif fatal and f"fatal error: {fatal}" not in detail:
                    v.problems.append(f"{c.key()}: {t} fails, but not with \"fatal error: {fatal}\"")
            elif st == "FAILED":
                if bst == "FAILED":
                    v.notes.append(f"{c.key()}: {t} fails without the fault too")
                elif t in racy:
                    v.notes.append(f"{c.key()}: {t} fails in this run (racy)")
                elif c.mode in x.get("wrecks", []):
                    pass  # start-up itself goes wrong in this mode
                elif fatal:
                    pass  # every probe stops at start-up: nothing else is observable
                else:
                    first = detail.strip().splitlines()[:1]
                    v.problems.append(f"{c.key()}: {t} fails unexpectedly: {' / '.join(first)[:300]}")
        for t in b.tests:
            if t not in c.tests:
                v.problems.append(f"{c.key()}: {t} did not run")
    present = {t for c in cells for t in c.tests}
    for t, ident in expected.items():
        if t not in present and not any(c.problem for c in cells):
            inv = by_test.get(t)
            if any(c.mode == "host" for c in cells) or inv is None or not inv.unit_level:
                v.problems.append(f"no test {t} (of {ident}) ran")
    if not checked and not v.problems:
        v.applicable = False
        v.notes.append("none of the tests it breaks can be observed on this arch")
    v.caught = v.applicable and not v.problems
    return v


def observed_ids(v, entries):
    names = {inv.test_name: inv.id for inv in entries}
    return sorted(names.get(t, f"({t})") for t in v.observed)


# ---- the run -----------------------------------------------------------------


def load_catalogue():
    c = catalogue.load()
    if c.errors:
        raise FaultError("the catalogue is malformed (catalogue.py format):\n  "
                         + "\n  ".join(c.errors))
    return list(c)


def cmd_run(args):
    entries = load_catalogue()
    ids = {inv.id for inv in entries}
    arches_all = fmodel.ported_arches()
    faults = fmodel.load()
    errors = fmodel.errors(faults, ids, arches_all)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 2
    if args.fault:
        unknown = set(args.fault) - {x["name"] for x in faults}
        if unknown:
            print(f"faults.py: unknown fault(s): {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        faults = [x for x in faults if x["name"] in args.fault]
    build = Build(args.build_dir, args.ctest)
    arches = args.arch or build.arches
    for a in arches:
        if a not in build.arches:
            print(f"faults.py: arch {a} has no suites registered in {build.dir} "
                  f"(runnable: {', '.join(build.arches)})", file=sys.stderr)
            return 2
    work = os.path.abspath(args.work or os.path.join(build.dir, "faults"))
    os.makedirs(work, exist_ok=True)
    lock = threading.Lock()

    def log(msg):
        with lock:
            print(msg, flush=True)

    plan = {}  # arch -> [fault]
    for a in arches:
        sel = [x for x in faults if a in fmodel.arches_of(x, arches_all)]
        if a != build.host and args.foreign == "relevant":
            groups = {inv.id: inv.group for inv in entries}
            sel = [x for x in sel if arch_relevant(x, a, groups)]
        plan[a] = sel
    log(f"faults.py: {sum(len(p) for p in plan.values())} fault builds: "
        + ", ".join(f"{a} {len(p)}" for a, p in plan.items())
        + f"; {args.jobs} jobs; work in {work}")
    t0 = time.monotonic()
    # Suites run in worker processes, each a child subreaper running one
    # suite at a time, so that whatever a suite leaves behind (a probe of a
    # suite killed on its timeout) is killed with it (rt0model/procs.py).
    pool = cf.ProcessPoolExecutor(max_workers=args.jobs, initializer=procs.become_subreaper)
    timings = {}

    def run_cells(cells, tag):
        """Futures of (cell, seconds); each sets its cell's tests and problem
        when its result is taken (the runs happen in worker processes)."""
        def submit(c):
            xml = os.path.join(work, "results", tag, f"{c.key()}.xml")
            f = pool.submit(run_cell, c.cmd, c.env, xml, args.criterion_jobs, c.qemu,
                            c.criterion_suite, c.inputs_mtime(), args.resume, args.rejudge)
            return CellFuture(c, f)
        return [submit(c) for c in cells]

    # The baseline: the normal build's own probes and unit tests.
    baselines, base_futs = {}, {}
    for a in arches:
        if plan[a]:
            baselines[a] = cells_for(build, a, None, None)
            base_futs[a] = run_cells(baselines[a], f"baseline/{a}")

    # Builders (one thread per arch) hand each built fault's runs to the
    # pool and queue it; verdicts follow in the order faults finish building.
    done = queue.Queue()

    def builder(a):
        try:
            b = Builder(build, work, a, args.build_jobs, log)
        except FaultError as e:
            for x in plan[a]:
                done.put((x, a, e))
            return
        for x in plan[a]:
            s = time.monotonic()
            try:
                out = b.out(x["name"]) if args.rejudge else b.build_fault(x["name"])
            except (FaultError, OSError) as e:
                done.put((x, a, FaultError(str(e))))
                continue
            t = timings.setdefault(a, {})
            t["build"] = t.get("build", 0.0) + time.monotonic() - s
            cells = cells_for(build, a, out, os.path.join(out, "units"))
            if not touches_units(x["name"]):
                cells = [c for c in cells if c.mode != "host"]
            if args.scope == "breaks":
                cells = breaking_cells(cells, x, a, entries)
            done.put((x, a, (cells, run_cells(cells, f"{x['name']}/{a}"))))

    builders = [threading.Thread(target=builder, args=(a,), daemon=True) for a in arches]
    for t in builders:
        t.start()
    verdicts = []
    for a in arches:
        for f in base_futs.get(a, []):
            f.take()
        broken = [f"{c.key()}: {c.problem}" for c in baselines.get(a, []) if c.problem]
        if broken:
            log(f"faults.py: the baseline on {a} is broken: " + "; ".join(broken))
    for _ in range(sum(len(p) for p in plan.values())):
        x, a, r = done.get()
        if isinstance(r, FaultError):
            v = Verdict(x["name"], a)
            v.problems.append(str(r))
        else:
            cells, futs = r
            for f in futs:
                key, dt = f.take()
                t = timings.setdefault(a, {})
                t["test"] = t.get("test", 0.0) + dt
                su = t.setdefault("suites", {})
                su[key] = su.get(key, 0.0) + dt
            v = judge(x, a, cells, baselines[a], entries)
        verdicts.append(v)
        seen = observed_ids(v, entries)
        if x.get("fatal") and len(seen) > 10:
            seen = [f"({len(seen)} ids: every probe stops at start-up)"]
        log(f"{v.line():7} {x['name']:32} {a:8}"
            + (f"  observed: {' '.join(seen)}" if args.observe else ""))
        for p in v.problems:
            log(f"          - {p}")
        if args.verbose:
            for n in v.notes:
                log(f"          . {n}")
    pool.shutdown()
    baseline_fails = sorted({f"{c.key()}: {t}" for cs in baselines.values() for c in cs
                             for t, (st, _) in c.tests.items() if st == "FAILED"})
    if baseline_fails:
        log(f"faults.py: {len(baseline_fails)} test(s) fail without any fault "
            "(left out of the comparison):\n  " + "\n  ".join(baseline_fails))
    log("")
    log("mutation score (faults caught / faults built):")
    ok = True
    for a in arches:
        vs = [v for v in verdicts if v.arch == a]
        caught = sum(v.caught for v in vs)
        na = sum(not v.applicable for v in vs)
        built = len(vs) - na
        ok = ok and caught == built
        log(f"  {a:8} {caught}/{built}" + (f" ({na} not observable here)" if na else "")
            + (f"; {len(faults) - len(vs)} not run here" if len(faults) != len(vs) else ""))
    log(f"time: {time.monotonic() - t0:.0f} s on {args.jobs} jobs; per arch, summed: "
        + ", ".join(f"{a} build {t.get('build', 0):.0f} s, suites {t.get('test', 0):.0f} s"
                    for a, t in timings.items()))
    if args.verbose:
        for a, t in timings.items():
            log(f"  {a} suites: " + ", ".join(
                f"{k} {d:.0f} s" for k, d in sorted(t.get("suites", {}).items(),
                                                   key=lambda kv: -kv[1])))
    report = os.path.join(work, f"report-{'-'.join(arches)}.json")
    with open(report, "w") as f:
        json.dump([{"fault": v.fault, "arch": v.arch, "verdict": v.line(),
                    "problems": v.problems, "notes": v.notes,
                    "observed": observed_ids(v, entries)} for v in verdicts], f, indent=1)
    log(f"report: {report}")
    return 0 if ok else 1


def cmd_list(args):
    arches = fmodel.ported_arches()
    for x in fmodel.load():
        a = ",".join(fmodel.arches_of(x, arches))
        print(f"{x['name']:32} {a:22} breaks {', '.join(x['breaks'])}")
    return 0


def cmd_apply(args):
    names = args.fault or fmodel.patch_names()
    bad = fmodel.apply_errors(names)
    for name, why in bad:
        print(f"faults.apply: {name}: conformance/faults/{name}.patch does not apply:\n  "
              + why.replace("\n", "\n  "))
    print(f"faults.apply: {len(names) - len(bad)} of {len(names)} patches apply")
    return 1 if bad else 0


def cmd_check(args):
    entries = load_catalogue()
    faults = fmodel.load()
    errors = fmodel.errors(faults, {inv.id for inv in entries}, fmodel.ported_arches())
    print("\n".join(errors) if errors else f"faults.py: {len(faults)} faults, all well-formed")
    return 1 if errors else 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="build every fault and run the suites against it")
    r.add_argument("--build-dir", required=True, help="the normal build (suites, ctest)")
    r.add_argument("--work", help="where fault builds go (default BUILD/faults)")
    r.add_argument("--arch", action="append", help="only this arch (repeatable)")
    r.add_argument("--fault", action="append", help="only this fault (repeatable)")
    r.add_argument("--foreign", choices=["all", "relevant"], default="all",
                   help="on foreign arches run every fault, or only the arch-relevant ones")
    r.add_argument("--jobs", type=int, default=os.cpu_count() or 2,
                   help="suite runs at a time")
    r.add_argument("--criterion-jobs", type=int, default=2, help="tests at a time in one suite")
    r.add_argument("--build-jobs", type=int, default=os.cpu_count() or 2)
    r.add_argument("--ctest", default="ctest")
    r.add_argument("--observe", action="store_true",
                   help="print the ids whose tests each fault makes fail")
    r.add_argument("--scope", choices=["all", "breaks"], default="all",
                   help="all: every suite runs against each fault, and any other test "
                        "failing is a miss; breaks: only the suites holding the tests it "
                        "must break (each fault is still caught or missed, in a fraction "
                        "of the time, but a fault breaking more than it says goes unseen)")
    r.add_argument("--verbose", action="store_true")
    r.add_argument("--resume", action="store_true",
                   help="keep the reports of an earlier run that are newer than their probes")
    r.add_argument("--rejudge", action="store_true",
                   help="build and run nothing: judge the reports of the last run again")
    sub.add_parser("list", help="the faults, their arches and what they break")
    sub.add_parser("check", help="faults.toml against the catalogue and the patches")
    ap_ = sub.add_parser("apply", help="git apply --check of every patch (or --fault F)")
    ap_.add_argument("--fault", action="append", help="only this fault (repeatable)")
    args = ap.parse_args(argv)
    try:
        return {"run": cmd_run, "list": cmd_list, "check": cmd_check,
                "apply": cmd_apply}[args.cmd](args)
    except (FaultError, catalogue.CatalogueError) as e:
        print(f"faults.py: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
