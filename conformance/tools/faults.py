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

`breaks_on = [{arch, ids, reason}]` adds ids that break on one arch only.

It prints caught/missed per fault and arch, and the mutation score per arch:
faults caught / faults built. Exit status 0 when every fault built is caught.

  faults.py run --build-dir BUILD [--arch A]... [--fault F]... [--foreign relevant|all]
               [--observe] [--resume | --rejudge]
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

Python 3.11+ standard library only; the catalogue is read through
catalogue.py (load, test_name, applies).
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
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import catalogue  # noqa: E402  (conformance/tools/catalogue.py)

CONFORMANCE = os.path.dirname(HERE)
SOURCE = os.path.dirname(CONFORMANCE)
FAULTS_TOML = os.path.join(CONFORMANCE, "faults.toml")
NAME_RE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")
FIELDS = {"name": str, "statement": str, "breaks": list}
OPTIONAL = {"group": str, "arches": list, "fatal": str, "arch_relevant": bool,
            "breaks_on": list}
# What a fault build depends on, for reusing its probes unchanged.
BUILD_INPUTS = ["CMakeLists.txt", "cmake", "runtime", "arch", "conformance/probes"]
SUITE_TIMEOUT = 900  # seconds, per suite run (x3 under qemu-user)


class FaultError(Exception):
    pass


def ported_arches():
    return sorted(d for d in os.listdir(os.path.join(SOURCE, "arch"))
                  if os.path.exists(os.path.join(SOURCE, "arch", d, "arch.h")))


# ---- the faults --------------------------------------------------------------


def load_faults():
    """Every [[fault]] of faults.toml and of the catalogue files, each a dict
    with '_file' added."""
    faults = []
    files = [FAULTS_TOML] + catalogue.catalogue_files()
    for path in files:
        if not os.path.exists(path):
            continue
        with open(path, "rb") as f:
            try:
                data = tomllib.load(f)
            except tomllib.TOMLDecodeError as e:
                raise FaultError(f"{path}: {e}") from e
        for x in data.get("fault", []):
            x = dict(x)
            x["_file"] = os.path.relpath(path, SOURCE)
            faults.append(x)
    return faults


def fault_errors(faults, ids, arches):
    errors = []
    seen = set()
    for x in faults:
        where = f"{x['_file']}: fault {x.get('name', '?')}"
        for key, typ in FIELDS.items():
            if not isinstance(x.get(key), typ):
                errors.append(f"{where}: {key} missing or not a {typ.__name__}")
        for key, typ in OPTIONAL.items():
            if key in x and not isinstance(x[key], typ):
                errors.append(f"{where}: {key} must be a {typ.__name__}")
        for key in set(x) - set(FIELDS) - set(OPTIONAL) - {"_file"}:
            errors.append(f"{where}: unknown field {key}")
        name = x.get("name")
        if isinstance(name, str):
            if not NAME_RE.match(name):
                errors.append(f"{where}: the name must be lower_snake")
            if name in seen:
                errors.append(f"{where}: defined twice")
            seen.add(name)
            if not os.path.exists(patch_path(name)):
                errors.append(f"{where}: no patch {os.path.relpath(patch_path(name), SOURCE)}")
            elif not fault_sources(name):
                errors.append(f"{where}: {os.path.relpath(patch_path(name), SOURCE)} changes no file")
        for ident in x.get("breaks", []) if isinstance(x.get("breaks"), list) else []:
            if ident not in ids:
                errors.append(f"{where}: breaks unknown id {ident}")
        if isinstance(x.get("breaks"), list) and not x["breaks"]:
            errors.append(f"{where}: breaks nothing")
        for a in x.get("arches", []) if isinstance(x.get("arches"), list) else []:
            if a != "all" and a not in arches:
                errors.append(f"{where}: unknown arch {a}")
        for b in x.get("breaks_on", []) if isinstance(x.get("breaks_on"), list) else []:
            if not (isinstance(b, dict) and set(b) == {"arch", "ids", "reason"}
                    and b["arch"] in arches and isinstance(b["ids"], list)
                    and isinstance(b["reason"], str) and b["reason"].strip()):
                errors.append(f"{where}: breaks_on entries are {{arch, ids, reason}} "
                              f"with a ported arch, got {b}")
                continue
            for ident in b["ids"]:
                if ident not in ids:
                    errors.append(f"{where}: breaks_on {b['arch']}: unknown id {ident}")
        if "group" in x and x["group"] not in catalogue.GROUP_NAMES:
            errors.append(f"{where}: unknown group {x['group']}")
    for name in sorted(set(patch_names()) - seen):
        errors.append(f"conformance/faults/{name}.patch: no [[fault]] describes it "
                      "(conformance/faults.toml)")
    return errors


FAULTS_DIR = os.path.join(CONFORMANCE, "faults")


def patch_path(name):
    return os.path.join(FAULTS_DIR, f"{name}.patch")


def patch_names():
    """Every conformance/faults/<name>.patch, by name."""
    try:
        return sorted(f[:-len(".patch")] for f in os.listdir(FAULTS_DIR) if f.endswith(".patch"))
    except FileNotFoundError:
        return []


_sources_cache = {}


def fault_sources(name):
    """The files of runtime/ and arch/ that the fault's patch changes
    (its '+++ b/<path>' lines); [] when there is no patch."""
    if name not in _sources_cache:
        hits = []
        try:
            with open(patch_path(name), errors="replace") as f:
                for line in f:
                    m = re.match(r"^\+\+\+ b/(\S+)", line)
                    if m and m.group(1) not in hits:
                        hits.append(m.group(1))
        except FileNotFoundError:
            pass
        _sources_cache[name] = hits
    return _sources_cache[name]


def apply_errors(names):
    """[(name, git's complaint)] for each patch that does not apply to the
    work tree's runtime/ and arch/ (git apply --check changes nothing)."""
    out = []
    for name in names:
        r = subprocess.run(["git", "apply", "--check", "--whitespace=nowarn", patch_path(name)],
                           cwd=SOURCE, capture_output=True, text=True)
        if r.returncode != 0:
            out.append((name, (r.stderr or r.stdout).strip()))
        else:
            outside = [f for f in fault_sources(name)
                       if not f.startswith(("runtime/", "arch/"))]
            if outside:
                out.append((name, f"changes files outside runtime/ and arch/: {', '.join(outside)}"))
    return out


def pure_sources():
    """runtime/ files of rt0_pure, the library the unit tests link."""
    with open(os.path.join(SOURCE, "runtime", "CMakeLists.txt")) as f:
        m = re.search(r"add_library\(rt0_pure STATIC ([^)]*)\)", f.read())
    if not m:
        raise FaultError("runtime/CMakeLists.txt: no add_library(rt0_pure STATIC ...)")
    return {f"runtime/{os.path.basename(f)}" for f in m.group(1).split() if f.endswith(".c")}


def touches_units(name):
    """Whether the fault changes what the host unit tests link."""
    src = fault_sources(name)
    return any(f.endswith(".h") for f in src) or bool(set(src) & pure_sources())


def breaks(x, arch):
    """The ids the fault must break on arch: breaks, and breaks_on's for it."""
    extra = [i for b in x.get("breaks_on", []) if b["arch"] == arch for i in b["ids"]]
    return list(x["breaks"]) + extra


def fault_arches(x, arches):
    a = x.get("arches", ["all"])
    return [b for b in arches if "all" in a or b in a]


# Invariants whose tests see the arch's ABI and unwind tables directly.
ARCH_GROUPS = {"arch", "walk"}


def arch_relevant(x, arch, groups):
    """Whether the fault's effect depends on the arch (--foreign relevant):
    it has `arches` or `arch_relevant`, its code lies under arch/, or it
    breaks an invariant of an arch-dependent group (groups: id -> group)."""
    return ("arches" in x or "breaks_on" in x or x.get("arch_relevant", False) or
            any(s.startswith(f"arch/{arch}/") for s in fault_sources(x["name"])) or
            any(groups.get(i) in ARCH_GROUPS for i in breaks(x, arch)))


# ---- the normal build --------------------------------------------------------


class Build:
    """What the normal build directory offers: the suites registered in ctest
    (binary, environment) per arch and mode, the unit tests, the host arch."""

    def __init__(self, build_dir, ctest="ctest"):
        self.dir = os.path.abspath(build_dir)
        out = subprocess.run([ctest, "--show-only=json-v1"], cwd=self.dir,
                             capture_output=True, text=True, check=True).stdout
        cache = self.cache()
        self.host = cache.get("RT0_ARCH", "amd64")
        self.build_type = cache.get("CMAKE_BUILD_TYPE", "")
        self.suites = {}  # (arch, mode) -> [(suite, binary, env)]
        self.units = []   # [(name, binary)] of conformance/unit
        unit_dir = os.path.join(self.dir, "conformance", "unit") + os.sep
        for t in json.loads(out)["tests"]:
            props = {p["name"]: p["value"] for p in t.get("properties", [])}
            labels = props.get("LABELS", [])
            cmd = t.get("command", [])
            if not cmd:
                continue
            env = dict(v.split("=", 1) for v in props.get("ENVIRONMENT", []))
            parts = t["name"].split(".")
            if "unit" in labels and cmd[0].startswith(unit_dir):
                self.units.append((t["name"], cmd[0]))
            elif (len(parts) == 3 and "RT0_PROBE_DIR" in env and
                  parts[1] in labels and parts[2] in labels):
                self.suites.setdefault((parts[1], parts[2]), []).append(
                    (parts[0], cmd[0], env))
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
                return {k: v for k, v in runs[0][2].items()
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
        key = f"{self.inputs_hash} {tree_hash([os.path.relpath(patch_path(fault), SOURCE)])} {' '.join(self.args)}"
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

TAP_TEST = re.compile(r"^(ok|not ok) - ([^:\s]+)::(\S+)(.*)$")


def parse_tap(text):
    """{test: (status, detail)} from Criterion's TAP report. A parameterised
    test appears once per parameter: it failed if any instance did."""
    rank = {"PASSED": 0, "SKIPPED": 1, "FAILED": 2, "CRASHED": 3}
    tests, cur = {}, None
    for line in text.splitlines():
        m = TAP_TEST.match(line)
        if m:
            ok, _, name, rest = m.groups()
            if ok == "ok":
                skip = re.search(r"#\s*SKIP\s*(.*)$", rest)
                st, detail = ("SKIPPED", skip.group(1)) if skip else ("PASSED", "")
            elif "unexpected signal" in rest or "timed out" in rest or "crash" in rest:
                st, detail = "CRASHED", rest.strip()
            else:
                st, detail = "FAILED", ""
            old = tests.get(name)
            if old is None or rank[st] > rank[old[0]]:
                tests[name] = [st, detail]
            cur = name if st in ("FAILED", "CRASHED") and tests[name][0] == st else None
        elif cur is not None and line.startswith(" "):
            # Criterion 2.4's YAML block: keep the assertion messages.
            t = line.strip()
            if not (t in ("---", "...", "failures:") or t.startswith("assertions:")
                    or re.match(r"^- \S+:\d+: \|\+$", t)):
                tests[cur][1] += t.removeprefix("Assertion failed: ") + "\n"
        elif not line.startswith(" "):
            cur = None
    return {k: tuple(v) for k, v in tests.items()}


def read_tap(tap):
    try:
        with open(tap) as f:
            text = f.read()
    except OSError:
        return None
    tests = parse_tap(text)
    if not tests or not re.search(r"^1\.\.(\d+)", text, re.M):
        return None
    return tests


def run_suite(binary, env, tap, jobs, qemu, rejudge=False):
    """Runs one Criterion binary with a TAP report; returns (tests, problem).
    rejudge: only read the report an earlier run left."""
    if rejudge:
        tests = read_tap(tap)
        return (tests, None) if tests else ({}, "has no report from an earlier run")
    os.makedirs(os.path.dirname(tap), exist_ok=True)
    if os.path.exists(tap):
        os.unlink(tap)
    full = dict(os.environ)
    full.update(env)
    timeout = SUITE_TIMEOUT * (3 if qemu else 1)
    try:
        r = subprocess.run([binary, f"--tap={tap}", f"--jobs={jobs}"], env=full,
                           capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {}, f"timed out after {timeout} s"
    except OSError as e:
        return {}, f"could not be started: {e}"
    if r.returncode < 0:
        return {}, f"killed by signal {-r.returncode}"
    try:
        with open(tap) as f:
            text = f.read()
    except OSError:
        return {}, f"wrote no report (exit {r.returncode}): {r.stderr[-500:]}"
    tests = parse_tap(text)
    plan = re.search(r"^1\.\.(\d+)", text, re.M)
    if not tests or not plan:
        return tests, f"an empty or cut report (exit {r.returncode})"
    return tests, None


class Cell:
    """One run: a suite (or unit test) in one link mode, on one arch."""

    def __init__(self, suite, mode, binary, env, qemu):
        self.suite, self.mode, self.binary, self.env, self.qemu = (
            suite, mode, binary, env, qemu)
        self.tests, self.problem = {}, None

    def key(self):
        return f"{self.suite}.{self.mode}"

    def inputs_mtime(self):
        """When the suite binary or its probes last changed."""
        t = os.path.getmtime(self.binary)
        d = self.env.get("RT0_PROBE_DIR")
        if d and os.path.isdir(d):
            t = max([t] + [os.path.getmtime(os.path.join(d, f)) for f in os.listdir(d)])
        return t


def cells_for(build, arch, probes, units):
    """The runs of one arch against the probes in probes/<mode>; on the host
    also the unit tests in units/ (the normal build's when units is None)."""
    cells = []
    base = build.env(arch)
    qemu = bool(base.get("RT0_QEMU"))
    for mode in catalogue.MODES:
        for suite, binary, env in build.suites.get((arch, mode), []):
            env = dict(env)
            env["RT0_PROBE_DIR"] = os.path.join(probes, mode) if probes else env["RT0_PROBE_DIR"]
            cells.append(Cell(suite, mode, binary, env, qemu))
    if arch == build.host:
        for name, binary in build.units:
            if units is not None:
                binary = os.path.join(units, os.path.basename(binary))
            cells.append(Cell(name, "host", binary, {}, False))
    return cells


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
    by_test = {catalogue.test_name(e["id"]): e for e in entries}
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
        for t, (st, detail) in sorted(c.tests.items()):
            bst = b.tests.get(t, ("MISSING", ""))[0]
            if st == "CRASHED":
                v.problems.append(f"{c.key()}: {t} crashed: {detail.strip()[:200]}")
                continue
            if st == "FAILED" and bst != "FAILED":
                v.observed.setdefault(t, []).append(c.mode)
            if t in expected:
                e = by_test.get(t)
                ok, why = (True, None) if c.mode == "host" else catalogue.applies(
                    e, arch, c.mode, c.qemu)
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
            if any(c.mode == "host" for c in cells) or by_test.get(t, {}).get("observed") != "unit":
                v.problems.append(f"no test {t} (of {ident}) ran")
    if not checked and not v.problems:
        v.applicable = False
        v.notes.append("none of the tests it breaks can be observed on this arch")
    v.caught = v.applicable and not v.problems
    return v


def observed_ids(v, entries):
    names = {catalogue.test_name(e["id"]): e["id"] for e in entries}
    return sorted(names.get(t, f"({t})") for t in v.observed)


# ---- the run -----------------------------------------------------------------


def cmd_run(args):
    entries = catalogue.load()
    ids = {e["id"] for e in entries}
    arches_all = ported_arches()
    faults = load_faults()
    errors = fault_errors(faults, ids, arches_all)
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
        sel = [x for x in faults if a in fault_arches(x, arches_all)]
        if a != build.host and args.foreign == "relevant":
            groups = {e["id"]: e["group"] for e in entries}
            sel = [x for x in sel if arch_relevant(x, a, groups)]
        plan[a] = sel
    log(f"faults.py: {sum(len(p) for p in plan.values())} fault builds: "
        + ", ".join(f"{a} {len(p)}" for a, p in plan.items())
        + f"; {args.jobs} jobs; work in {work}")
    t0 = time.monotonic()
    pool = cf.ThreadPoolExecutor(max_workers=args.jobs)
    timings = {}

    def run_cells(cells, tag):
        def one(c):
            s = time.monotonic()
            tap = os.path.join(work, "results", tag, f"{c.key()}.tap")
            if (args.resume and os.path.exists(tap)
                    and os.path.getmtime(tap) > c.inputs_mtime() and read_tap(tap)):
                c.tests, c.problem = read_tap(tap), None
                return c.key(), 0.0
            c.tests, c.problem = run_suite(c.binary, c.env, tap, args.criterion_jobs,
                                           c.qemu, args.rejudge)
            return c.key(), time.monotonic() - s
        return [pool.submit(one, c) for c in cells]

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
            done.put((x, a, (cells, run_cells(cells, f"{x['name']}/{a}"))))

    builders = [threading.Thread(target=builder, args=(a,), daemon=True) for a in arches]
    for t in builders:
        t.start()
    verdicts = []
    for a in arches:
        for f in base_futs.get(a, []):
            f.result()
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
                key, dt = f.result()
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
    arches = ported_arches()
    for x in load_faults():
        a = ",".join(fault_arches(x, arches))
        print(f"{x['name']:32} {a:22} breaks {', '.join(x['breaks'])}")
    return 0


def cmd_apply(args):
    names = args.fault or patch_names()
    bad = apply_errors(names)
    for name, why in bad:
        print(f"faults.apply: {name}: conformance/faults/{name}.patch does not apply:\n  "
              + why.replace("\n", "\n  "))
    print(f"faults.apply: {len(names) - len(bad)} of {len(names)} patches apply")
    return 1 if bad else 0


def cmd_check(args):
    entries = catalogue.load()
    errors = fault_errors(load_faults(), {e["id"] for e in entries}, ported_arches())
    print("\n".join(errors) if errors else f"faults.py: {len(load_faults())} faults, all well-formed")
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
