"""The conformance run's pytest hooks (loaded by run/conftest.py).

Controller (or the only process without xdist): configures and builds from
the presets in pytest_sessionstart, before xdist starts its workers; at the
end gathers every cell's result from the test reports, runs each arch's hello
probe with the start-up trace on and writes the report folder.

Collection (every worker): the build's ctest tests, each suite's --list and
the catalogue make the cells; each cell is one parametrization of
run/test_invariants.py::test_invariant, marked xdist_group(<arch>) so one
arch's suite runs stay on one worker (--dist loadgroup), xfail where the
catalogue declares an exception, skip where the arch is not run.

A cell's test runs its suites (each once per session, cached in
<reports>/suites) and looks up its Criterion test there.
"""
from __future__ import annotations

import datetime
import fcntl
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rt0model import catalogue as catmod
from rt0model import criterion
from rt0model import ctest as ctestinfo
from rt0model import faults as faultmodel

from rt0model import procs

from . import plan, report, reportdir, runner

ROOT = Path(__file__).resolve().parents[3]  # the repository
STATE = pytest.StashKey["State"]()


def _split(values) -> list[str]:
    out = []
    for v in values or []:
        out += [x.strip() for x in v.split(",") if x.strip()]
    return out


def _native_arch() -> str:
    """This machine's GOARCH (ci/host-arch: the port whose arch.cmake names
    `uname -m`); "none" where no port runs natively."""
    p = subprocess.run([str(ROOT / "ci" / "host-arch")], capture_output=True, text=True)
    return p.stdout.strip() if p.returncode == 0 else "none"


def _column_selected(column: str, impls: list[str]) -> bool:
    impl, arch = ctestinfo.split_column(column)
    return plan.impl_selected(impl, impls, arch)


def add_options(parser):
    g = parser.getgroup("rt0", "rt0 conformance run")
    g.addoption("--arch", action="append", default=[], metavar="ARCH",
                help="only these arches (repeat or comma-separate; 'host' is the in-process unit tests)")
    g.addoption("--impl", action="append", default=[], metavar="IMPL",
                help="implementations under test: rt0, go1.19, go1.23, ... (a Go toolchain "
                     "of the build), go (every one), all; NAME@ARCH limits one to an arch. "
                     "Default: rt0 on every arch and the build's Go toolchains on this "
                     "machine's own arch (rt0,go@<native>)")
    g.addoption("--group", action="append", default=[], metavar="GROUP",
                help="only these invariant groups")
    g.addoption("--id", action="append", default=[], metavar="ID",
                help="only these invariant ids (shell patterns allowed: 'MAIN-*')")
    g.addoption("--reports", default=None, metavar="DIR",
                help="report folder (default: <repo>/reports)")
    g.addoption("--fault", default=None, metavar="NAME",
                help="build the runtime with this fault (-DRT0_FAULT=NAME) in build/fault-NAME")
    g.addoption("--build-dir", default=None, metavar="DIR",
                help="build directory (default: the preset's, build/default)")
    g.addoption("--preset", default="default", help="CMake configure/build preset (default: default)")
    g.addoption("--define", action="append", default=[], metavar="NAME=VALUE",
                help="extra CMake cache entry for the configure step, e.g. RT0_SYSROOTS=/x")
    g.addoption("--no-build", action="store_true", help="use the build directory as it is")
    g.addoption("--catalogue", default=None, metavar="FILE",
                help="the catalogue (default: conformance/invariants.toml)")
    g.addoption("--ctest-json", default=None, metavar="FILE",
                help="read the test list from this file instead of ctest (driver self-tests)")
    g.addoption("--suite-timeout", type=float, default=600, metavar="SECONDS",
                help="kill a suite run after this long (default 600)")


class UnexpectedFailure(Exception):
    """A cell expected to fail failed, but not with the catalogue's text
    (fails_with): a failure, which the cell's xfail mark does not take."""


class State:
    def __init__(self, config):
        opt = config.option
        self.config = config
        self.root = ROOT
        self.fault = opt.fault
        if opt.build_dir:
            self.build_dir = Path(opt.build_dir).resolve()
        elif opt.fault:
            self.build_dir = ROOT / "build" / f"fault-{opt.fault}"
        else:
            self.build_dir = ROOT / "build" / opt.preset
        self.reports = Path(opt.reports).resolve() if opt.reports else ROOT / "reports"
        self.catalogue_path = Path(opt.catalogue).resolve() if opt.catalogue else \
            ROOT / "conformance" / "invariants.toml"
        self.arches = _split(opt.arch)
        self.impls = _split(opt.impl) or ["rt0", f"go@{_native_arch()}"]
        self.groups = _split(opt.group)
        self.ids = _split(opt.id)
        self.controller = not hasattr(config, "workerinput")
        self.started = time.time()
        self.build_failed = False
        self.results: dict[str, dict] = {}
        self.errors: list[str] = []
        self._info = None
        self._cat = None
        self.suites = runner.Suites(self.reports, opt.suite_timeout)

    # what the build registered, and the catalogue
    def info(self) -> ctestinfo.CtestInfo:
        if self._info is None:
            j = self.config.option.ctest_json
            go = any(i != "rt0" for i in self.impls)  # ctest's configuration go
            self._info = ctestinfo.load(self.build_dir, Path(j) if j else None,
                                        configuration="go" if go else None)
        return self._info

    def catalogue(self) -> catmod.Catalogue:
        if self._cat is None:
            self._cat = catmod.load(self.catalogue_path)
            self.errors += [f"catalogue: {e}" for e in self._cat.errors]
        return self._cat

    def check(self, cell: plan.Cell):
        """The body of every conformance item."""
        v = runner.evaluate(cell, self.info(), self.suites)
        cell.detail = v.detail
        if v.status == "notrun":  # the arch turned out not runnable (qemu gone)
            cell.detail["notrun"] = v.message
            pytest.skip(v.message)
        failures = [m for e in v.detail.get("results", [])
                    if e["status"] in (criterion.FAILED, criterion.ERRORED) for m in e["messages"]]
        if v.status == "fail" and not catmod.failure_explained(cell.fails_with, failures):
            raise UnexpectedFailure(f"expected to fail with {cell.fails_with!r} "
                                    f"({cell.xfail}), failed otherwise:\n{v.message}")
        if v.status == "fail":
            pytest.fail(v.message, pytrace=False)
        if v.status == "skip":
            if cell.xfail:
                # the suite skipped a cell the catalogue excepts (SKIP_IF_EXCEPTION):
                # the expected outcome there
                pytest.xfail(f"{cell.xfail} ({v.message})")
            pytest.skip(v.message)


# ------------------------------------------------------------------ build

def _build(state: State, tr) -> str | None:
    """Configure and build from the preset; returns an error or None."""
    cfg = state.config.option
    say = (lambda s: tr.write_line(s)) if tr else (lambda s: print(s, file=sys.stderr))
    state.build_dir.parent.mkdir(parents=True, exist_ok=True)
    log = state.reports / "build.log"
    configure = ["cmake", "--preset", cfg.preset, "-B", str(state.build_dir),
                 f"-DRT0_FAULT={state.fault or ''}"] + [f"-D{d}" for d in cfg.define]
    build = ["cmake", "--build", str(state.build_dir)]
    steps = [("configuring", configure), ("building", build)]
    if any(i != "rt0" for i in state.impls):
        # The Go probe twins: ctest's go.build.<impl>.<arch>.<mode> tests
        # (cmake/go.cmake), one at a time, of the toolchains and arches asked for.
        go = [i.partition("@") for i in state.impls if i != "rt0"]
        impls = ".*" if {"go", "all"} & {n for n, _, _ in go} else \
            "|".join(n.replace(".", "\\.") for n, _, _ in go)
        wanted = set(state.arches)
        if not wanted and all(at for _, _, at in go):
            wanted = {at for _, _, at in go}
        arches = "|".join(sorted(wanted)) if wanted else "[^.]+"
        steps.append(("building the Go probes",
                      ["ctest", "--test-dir", str(state.build_dir), "-C", "go",
                       "--output-on-failure", "-R", rf"^go\.build\.({impls})\.({arches})\."]))
    with open(state.build_dir.parent / f".{state.build_dir.name}.rt0-driver.lock", "w") as lock, \
            open(log, "w") as out:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for what, cmd in steps:
            start = time.monotonic()
            say(f"rt0: {what}: {shlex.join(cmd)}")
            out.write(f"$ {shlex.join(cmd)}\n")
            out.flush()
            p = subprocess.run(cmd, cwd=state.root, stdout=out, stderr=subprocess.STDOUT)
            if p.returncode != 0:
                out.flush()
                tail = "\n".join(log.read_text(errors="replace").splitlines()[-40:])
                return f"{what} failed (exit {p.returncode}; log {log}):\n{tail}"
            say(f"rt0: {what} took {time.monotonic() - start:.0f} s")
        for ln in log.read_text(errors="replace").splitlines():
            if "rt0:" in ln and "not run" in ln:
                say(ln.removeprefix("-- ").strip())
    return None


# ------------------------------------------------------------------ hooks

@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    fault = config.option.fault
    if fault is not None and fault not in faultmodel.patch_names():
        raise pytest.UsageError(
            f"--fault {fault}: no conformance/faults/{fault}.patch "
            f"(known: {', '.join(faultmodel.patch_names())})")
    state = State(config)
    config.stash[STATE] = state
    _CONFIG[:] = [config]
    config.addinivalue_line("markers", "xdist_group(name): keep these tests on one xdist worker")
    # Whatever a suite starts dies with it, here or in a worker (procs.py).
    procs.become_subreaper()
    if not state.controller:
        return
    _check_filters(state)
    if config.option.collectonly:
        return
    try:
        reportdir.claim(state.reports)
        state.lock = reportdir.Lock(state.reports)
        state.lock.acquire()
    except reportdir.ReportDirError as e:
        raise pytest.UsageError(f"rt0: {e}") from None
    if not config.option.xmlpath:
        config.option.xmlpath = str(state.reports / "junit.xml")


def _check_filters(state: State):
    """--arch and --group name things that exist (a typo must not run
    nothing and pass); --id patterns are free."""
    bad = [a for a in state.arches if a not in catmod.GOARCHES + [catmod.HOST]]
    if bad:
        raise pytest.UsageError(
            f"rt0: --arch {', '.join(bad)}: not an arch (GOARCH names: "
            f"{', '.join(catmod.GOARCHES)}; 'host' for the unit tests)")
    if not state.config.option.suite_timeout > 0:
        raise pytest.UsageError(f"rt0: --suite-timeout {state.config.option.suite_timeout}: "
                                "give a positive number of seconds")
    bad = [i for i in state.impls
           if i.partition("@")[0] not in ("rt0", "go", "all")
           and not catmod.IMPL_RE.match(i.partition("@")[0])
           or (i.partition("@")[1] and i.partition("@")[2] not in catmod.GOARCHES)]
    if bad:
        raise pytest.UsageError(f"rt0: --impl {', '.join(bad)}: not an implementation "
                                "(rt0, go, all, or a Go toolchain's name: go1.19, go1.23, ...)")
    bad = [g for g in state.groups if g not in catmod.GROUP_NAMES]
    if bad:
        raise pytest.UsageError(
            f"rt0: --group {', '.join(bad)}: not a catalogue group "
            f"({', '.join(catmod.GROUP_NAMES)})")


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    state: State = session.config.stash[STATE]
    if not state.controller:
        return
    if not session.config.option.collectonly:
        report.clean(state.reports)
    tr = session.config.pluginmanager.get_plugin("terminalreporter")
    err = None
    if not (session.config.option.no_build or session.config.option.ctest_json):
        try:
            err = _build(state, tr)
        except KeyboardInterrupt:  # cmake got the SIGINT too and stopped
            state.interrupted = True
            state.build_failed = True
            _finish(state, session)
            if tr:
                pytest_terminal_summary(tr, 2, session.config)
            pytest.exit("rt0: interrupted while building", returncode=pytest.ExitCode.INTERRUPTED)
    if err is None:
        try:
            state.info()
        except (RuntimeError, OSError, ValueError) as e:
            err = f"cannot read what the build registered: {e}"
    if err:
        # pytest skips pytest_sessionfinish when sessionstart fails: report here
        head, _, tail = err.partition("\n")
        head = head.rstrip(":")
        state.errors.append(head if head.startswith("cannot read") else f"the build failed: {head}")
        state.build_failed = True
        _finish(state, session)
        if tr:
            if tail:
                tr.write_line(tail)
            pytest_terminal_summary(tr, 1, session.config)
        pytest.exit(f"rt0: {state.errors[-1]}", returncode=1)


def _suite_lists(state: State) -> dict[str, list[tuple[str, str]]]:
    """suite -> the (criterion suite, test) it runs: its executable's --list
    (asked once per executable), less what its --filter leaves out."""
    listed: dict[str, list[tuple[str, str]]] = {}
    out = {}
    for suite, run in state.info().suites().items():
        if run.executable not in listed:
            listed[run.executable] = criterion.list_tests(run.executable)
        out[suite] = [(cs, t) for cs, t in listed[run.executable] if run.selects(cs)]
    return out


def pytest_generate_tests(metafunc):
    if "rt0_cell" not in metafunc.fixturenames:
        return
    state: State = metafunc.config.stash[STATE]
    cells = plan.make_cells(state.info(), _suite_lists(state), state.catalogue())
    params = []
    for c in cells:
        marks = [pytest.mark.xdist_group(c.arch)]
        if c.notrun:
            marks.append(pytest.mark.skip(reason=c.notrun))
        elif c.skip:
            marks.append(pytest.mark.skip(reason=c.skip))
        elif c.xfail:
            # only pytest.fail is the expected difference (check: UnexpectedFailure)
            marks.append(pytest.mark.xfail(reason=c.xfail, strict=False,
                                           raises=pytest.fail.Exception))
        params.append(pytest.param(c, id=c.key, marks=marks))
    metafunc.parametrize("rt0_cell", params)


def pytest_collection_modifyitems(session, config, items):
    state: State = config.stash[STATE]
    if not (state.arches or state.groups or state.ids) and state.impls == ["rt0"] \
            and not any(r.impl != "rt0" for r in state.info().runs):
        return
    keep, drop = [], []
    for it in items:
        cs = getattr(it, "callspec", None)
        cell = cs.params.get("rt0_cell") if cs else None
        if cell is None:
            keep.append(it)
            continue
        k, _ = plan.select([cell], state.arches, state.groups, state.ids, state.impls)
        (keep if k else drop).append(it)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_itemcollected(item):
    cs = getattr(item, "callspec", None)
    cell = cs.params.get("rt0_cell") if cs else None
    if cell is not None:
        # -k matches the group too (the id, arch and mode are in the name)
        item.extra_keyword_matches.update({cell.group, cell.arch, cell.mode})


@pytest.fixture(scope="session")
def rt0(request) -> State:
    return request.config.stash[STATE]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    cs = getattr(item, "callspec", None)
    cell = cs.params.get("rt0_cell") if cs else None
    if cell is None:
        return
    d = cell.as_dict()
    d.update(cell.detail)
    rep.rt0 = d


def _outcome(rep, cell: dict) -> str:
    if rep.failed:
        return "fail" if rep.when == "call" else "error"
    if hasattr(rep, "wasxfail"):
        return "xpass" if rep.passed else "xfail"
    if rep.skipped:
        return "notrun" if cell.get("notrun") else "skip"
    return "pass"


def pytest_runtest_logreport(report):
    d = getattr(report, "rt0", None)
    if d is None:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed) or \
            (report.when == "teardown" and report.failed):
        state = _state_of(report)
        if state is None or not state.controller:
            return
        cell = dict(d)
        cell["outcome"] = _outcome(report, cell)
        cell["seconds"] = round(report.duration, 3)
        cell["nodeid"] = report.nodeid
        if cell["outcome"] == "skip" and not cell.get("message"):
            lr = report.longrepr
            cell["message"] = lr[2] if isinstance(lr, tuple) and len(lr) == 3 else str(lr or "")
        if cell["outcome"] == "error":
            cell["message"] = str(report.longrepr)
        key = f'{cell["id"]}/{cell["arch"]}/{cell["mode"]}'
        if key in state.results and state.results[key]["outcome"] in report_bad:
            return  # keep a call failure over a later teardown error
        state.results[key] = cell


report_bad = {"fail", "error"}
_CONFIG: list = []  # pytest_runtest_logreport is not given the config


def _state_of(_report):
    return _CONFIG[0].stash[STATE] if _CONFIG else None


def pytest_sessionfinish(session, exitstatus):
    state: State = session.config.stash[STATE]
    if not state.controller or state.build_failed or session.config.option.collectonly:
        return
    state.interrupted = exitstatus == pytest.ExitCode.INTERRUPTED
    _finish(state, session)
    # The exit status says what the reports say: never 0 for a run that is
    # not PASSED (not run arches, errors, an interrupt).
    ok, _ = report.verdict(state.data)
    if not ok and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_unconfigure(config):
    state = config.stash.get(STATE, None)
    lock = getattr(state, "lock", None)
    if lock is not None:
        lock.release()


def _finish(state: State, session):
    for p in (state.reports / "suites").glob("*.lock"):
        p.unlink(missing_ok=True)
    data = _collect(state, session)
    try:
        state.written = report.write_all(data, state.reports)
    except OSError as e:
        state.errors.append(f"could not write the reports: {e}")
    state.data = data


def _collect(state: State, session) -> dict:
    data = report.new_data()
    info = None
    try:
        if not state.build_failed:
            info = state.info()
    except Exception as e:  # the build may have failed before ctest knew anything
        if not state.errors:
            state.errors.append(str(e).splitlines()[0])
    cat = None
    try:
        cat = state.catalogue()
    except Exception as e:
        state.errors.append(str(e))
    cells = list(state.results.values())
    order = {}
    if info is not None:
        arches = [a for a in info.arches
                  if (not state.arches or ctestinfo.split_column(a)[1] in state.arches)
                  and _column_selected(a, state.impls)]
        data["arches"] = arches
        data["modes"] = {a: info.modes_of(a) for a in arches}
        data["notrun"] = {a: info.notrun[a].message for a in arches if a in info.notrun}
        order = {a: i for i, a in enumerate(arches)}
        for arch in arches:
            if arch == ctestinfo.HOST or arch in info.notrun or "/" in arch \
                    or getattr(state, "interrupted", False):
                continue  # only rt0 prints the trace the timelines are made of
            modes = {}
            for mode in info.modes_of(arch):
                run = next((r for r in info.runs if r.arch == arch and r.mode == mode), None)
                if run is not None:
                    modes[mode] = runner.hello_trace(run)
            if modes:
                data["traces"][arch] = modes
    cells.sort(key=lambda c: (order.get(c["arch"], 99), c["mode"]))
    data["cells"] = cells
    for c in cells:  # arches found not runnable while running (qemu gone)
        if c["outcome"] == "notrun" and c.get("notrun"):
            data["notrun"].setdefault(c["arch"], c["notrun"])
    if cat is not None:
        data["invariants"] = {i: inv.as_dict() for i, inv in cat.invariants.items()
                              if i in {c["id"] for c in cells}}
        data["catalogue_order"] = list(cat.invariants)
        # catalogue order for rows
        rank = {i: n for n, i in enumerate(cat.invariants)}
        data["cells"].sort(key=lambda c: (0 if c.get("catalogued") else 1,
                                          rank.get(c["id"], 0)))
    if not getattr(session, "testscollected", 0) and not state.errors and info is not None:
        state.errors.append("no conformance test ran (none collected, or none selected by --arch/--group/--id/-k)")
    if info is not None:
        have = {ctestinfo.split_column(x)[1] for x in info.arches}
        for a in state.arches:
            if a not in have:
                state.errors.append(f"--arch {a}: this build has no port of it (ported: "
                                    f"{', '.join(sorted(have - {ctestinfo.HOST}))})")
        impls = {ctestinfo.split_column(x)[0] for x in info.arches}
        for i in (s.partition("@")[0] for s in _split(state.config.option.impl)):
            if i not in ("go", "all") and i not in impls:
                state.errors.append(f"--impl {i}: this build has no such implementation "
                                    f"(it has {', '.join(sorted(impls))}; a Go toolchain: "
                                    "ci/setup-go, or -DRT0_GO_ROOTS=name=GOROOT)")
    unc = sorted({c["id"] for c in cells if not c.get("catalogued")})
    if unc:
        state.errors.append(f"{len(unc)} test(s) judge no invariant of the catalogue (a test is named "
                            f"lower_snake(id)): {', '.join(unc[:20])}{' ...' if len(unc) > 20 else ''}")
    data["meta"] = {
        "started": datetime.datetime.fromtimestamp(state.started).isoformat(timespec="seconds"),
        "seconds": round(time.time() - state.started, 1),
        "build_dir": str(state.build_dir), "fault": state.fault,
        "catalogue": str(state.catalogue_path),
        "catalogue_exists": state.catalogue_path.exists(),
        "catalogue_sha256": _catalogue_hash(state),
        "filters": {"arch": state.arches, "group": state.groups, "id": state.ids,
                    "impl": state.impls},
        "argv": sys.argv[1:], "errors": list(state.errors),
        "interrupted": getattr(state, "interrupted", False),
        "python": sys.version.split()[0], "pytest": pytest.__version__,
        "commit": _commit(state.root),
    }
    return data


def _catalogue_hash(state: State) -> str | None:
    try:
        return catmod.content_hash(state.catalogue_path)
    except OSError as e:
        state.errors.append(f"cannot read the catalogue to hash it: {e}")
        return None


def _commit(root: Path) -> str | None:
    """The checkout's commit, "-dirty" when tracked files differ from it, for
    the run record; None outside a git checkout. Nothing is written into the
    checkout (GIT_OPTIONAL_LOCKS=0: git status leaves the index alone)."""
    env = dict(os.environ, GIT_OPTIONAL_LOCKS="0")
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
                              capture_output=True, text=True, timeout=30, env=env)
        if head.returncode != 0 or not head.stdout.strip():
            return None
        st = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                            capture_output=True, text=True, timeout=60, env=env)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return head.stdout.strip() + ("-dirty" if st.returncode == 0 and st.stdout.strip() else "")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    state: State = config.stash[STATE]
    if not state.controller or not hasattr(state, "data"):
        return
    tr = terminalreporter
    tr.section("rt0 conformance matrix", sep="=", bold=True)
    for text, mark in report.terminal_lines(state.data):
        tr.write_line(text, **mark)
    files = [f for f in getattr(state, "written", []) + ["junit.xml"]
             if (state.reports / f).exists()]
    if files:
        rel = os.path.relpath(state.reports)
        rel = str(state.reports) if rel.startswith("..") else rel
        traces = [f for f in files if f.startswith("trace-")]
        other = [f for f in files if f not in traces]
        tr.write_line(f"reports: {rel}/ ({', '.join(other)}"
                      + (f", {len(traces)} Chrome trace{'s' if len(traces) != 1 else ''}"
                         if traces else "")
                      + (", suites/" if (state.reports / "suites").is_dir() else "") + ")")
