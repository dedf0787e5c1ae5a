"""What the build registered with ctest, read from `ctest --show-only=json-v1`
(the one source of truth for each suite run's command and environment; see
rt0_add_suite and rt0_foreign_arches in cmake/rt0.cmake):

  <group>.<arch>.<mode>  a Criterion suite binary run with --filter '<group>/*'
                         (the tests of one catalogue group), environment
                         RT0_PROBE_DIR, RT0_ARCH, RT0_LINK (+ RT0_QEMU,
                         RT0_SYSROOT, RT0_TIMEOUT_SCALE)
  unit.<name>            an in-process Criterion test of host code: arch "host"
  notrun.<arch>          prints "not run: <arch>: <install step>", exits 77

Tests labelled "harness" (the tests of the harness's own C library) judge
no invariant and are not suite runs.
"""
from __future__ import annotations

import dataclasses
import json
import re
import subprocess
from pathlib import Path

from .catalogue import HOST, UNIT  # the column and "mode" of the in-process unit tests

HARNESS = "harness"


@dataclasses.dataclass
class SuiteRun:
    name: str  # the ctest name: startup.amd64.internal, unit.knobs
    suite: str  # startup, unit.knobs: one executable
    arch: str
    mode: str
    command: list[str]
    env: dict[str, str]
    cwd: str | None
    labels: list[str]
    group: str  # the suite's group label (rt0_add_suite GROUP)

    @property
    def executable(self) -> str:
        return self.command[0]

    @property
    def criterion_suite(self) -> str | None:
        """The Criterion suite its --filter '<suite>/*' selects; None: all."""
        for i, a in enumerate(self.command):
            f = a[len("--filter="):] if a.startswith("--filter=") else \
                (self.command[i + 1] if a == "--filter" and i + 1 < len(self.command) else None)
            if f is not None:
                return f[:-2] if f.endswith("/*") else f
        return None

    def selects(self, criterion_suite: str) -> bool:
        """Whether this run runs the tests of that Criterion suite."""
        return self.criterion_suite in (None, criterion_suite)

    @property
    def foreign(self) -> bool:
        """Run under qemu-user (RT0_QEMU)."""
        return bool(self.env.get("RT0_QEMU"))


@dataclasses.dataclass
class NotRun:
    arch: str
    command: list[str]
    cwd: str | None = None
    _message: str | None = None

    @property
    def message(self) -> str:
        """The test's own words: 'not run: <arch>: <install step>'."""
        if self._message is None:
            try:
                p = subprocess.run(self.command, cwd=self.cwd, capture_output=True,
                                   text=True, timeout=30)
                self._message = p.stdout.strip()
            except (OSError, subprocess.SubprocessError):
                self._message = ""
            if not self._message:
                m = re.search(r"echo '([^']*)'", " ".join(self.command))
                self._message = m.group(1) if m else f"not run: {self.arch}"
        return self._message


@dataclasses.dataclass
class CtestInfo:
    runs: list[SuiteRun]
    notrun: dict[str, NotRun]

    @property
    def run_arches(self) -> list[str]:
        """Arches whose suites run, in ctest's order (native first), host last."""
        seen = list(dict.fromkeys(r.arch for r in self.runs if r.arch != HOST))
        if any(r.arch == HOST for r in self.runs):
            seen.append(HOST)
        return seen

    @property
    def arches(self) -> list[str]:
        """Every column of the matrix: run arches, then not-run ones, host last."""
        run = [a for a in self.run_arches if a != HOST]
        out = run + [a for a in self.notrun if a not in run]
        if HOST in self.run_arches:
            out.append(HOST)
        return out

    @property
    def modes(self) -> list[str]:
        """The link modes the suites run in (internal, external)."""
        return list(dict.fromkeys(r.mode for r in self.runs if r.arch != HOST))

    def modes_of(self, arch: str) -> list[str]:
        return [UNIT] if arch == HOST else self.modes

    def suites(self) -> dict[str, SuiteRun]:
        """suite name -> its first run (they share the executable and filter)."""
        out: dict[str, SuiteRun] = {}
        for r in self.runs:
            out.setdefault(r.suite, r)
        return out

    def run_for(self, suite: str, arch: str, mode: str) -> SuiteRun | None:
        for r in self.runs:
            if r.suite == suite and r.arch == arch and r.mode == mode:
                return r
        return None

    def is_qemu(self, arch: str) -> bool:
        """Whether arch runs (or would run) under qemu-user: its suite runs
        have RT0_QEMU; a not-run arch is always a foreign one."""
        return arch in self.notrun or any(r.arch == arch and r.foreign for r in self.runs)

    def is_unit_suite(self, suite: str) -> bool:
        return any(r.suite == suite and r.arch == HOST for r in self.runs)

    @property
    def native_arch(self) -> str | None:
        """The arch whose suites run without qemu-user (the build's RT0_ARCH)."""
        return next((r.arch for r in self.runs if r.arch != HOST and not r.foreign), None)

    def runs_of(self, arch: str, mode: str) -> list[SuiteRun]:
        return [r for r in self.runs if r.arch == arch and r.mode == mode]


def _props(test: dict) -> dict:
    return {p["name"]: p["value"] for p in test.get("properties", [])}


def parse(doc: dict) -> CtestInfo:
    runs: list[SuiteRun] = []
    notrun: dict[str, NotRun] = {}
    for t in doc.get("tests", []):
        name, cmd = t.get("name", ""), t.get("command") or []
        props = _props(t)
        env = dict(e.split("=", 1) for e in props.get("ENVIRONMENT", []) if "=" in e)
        labels = list(props.get("LABELS", []))
        cwd = props.get("WORKING_DIRECTORY")
        if HARNESS in labels:
            continue
        if name.startswith("notrun."):
            arch = name.split(".", 1)[1]
            notrun[arch] = NotRun(arch, cmd, cwd)
        elif "RT0_ARCH" in env and "RT0_LINK" in env and cmd:
            arch, mode = env["RT0_ARCH"], env["RT0_LINK"]
            suite = name[: -len(f".{arch}.{mode}")] if name.endswith(f".{arch}.{mode}") else name.split(".")[0]
            rest = [l for l in labels if l not in (arch, mode, "qemu")]
            runs.append(SuiteRun(name, suite, arch, mode, cmd, env, cwd, labels,
                                 rest[0] if rest else suite))
        elif name.startswith("unit.") and cmd:
            rest = [l for l in labels if l not in (HOST, UNIT)]
            runs.append(SuiteRun(name, name, HOST, UNIT, cmd, env, cwd, labels,
                                 rest[0] if rest else name.split(".", 1)[1]))
    return CtestInfo(runs, notrun)


def load(build_dir: Path, json_file: Path | None = None, ctest: str = "ctest") -> CtestInfo:
    """The build's registrations (or those in json_file, for tests)."""
    if json_file is not None:
        return parse(json.loads(Path(json_file).read_text()))
    if not (Path(build_dir) / "CTestTestfile.cmake").exists():
        raise RuntimeError(f"{build_dir} is not a configured build (no CTestTestfile.cmake): "
                           "configure and build it first")
    try:
        p = subprocess.run([ctest, "--test-dir", str(build_dir), "--show-only=json-v1"],
                           capture_output=True, text=True)
    except OSError as e:
        raise RuntimeError(f"cannot run {ctest}: {e} (apt-get install cmake)") from e
    if p.returncode != 0:
        raise RuntimeError(f"ctest --show-only=json-v1 in {build_dir} failed:\n{p.stderr}")
    return parse(json.loads(p.stdout))
