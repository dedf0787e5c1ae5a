"""Fixtures of the driver's own tests: a fake build (a ctest test list whose
suites are small scripts that answer --list and write Criterion-style XML,
quirks included), a catalogue, and headless Chromium."""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import textwrap
from pathlib import Path

import pytest

DRIVER = Path(__file__).resolve().parents[1]

# A fake Criterion suite. Its behaviour comes from <script>.json:
#   {"suite": "fake", "tests": {"name": {"*": "PASSED", "arm64/internal": "FAILED:msg"}}}
# Outcomes: PASSED, FAILED:<message>[||<message>...], ERRORED, SKIPPED:<reason>.
FAKE_SUITE = r'''#!/usr/bin/python3
import json, os, sys
spec = json.load(open(os.path.abspath(__file__) + ".json"))
suite, tests = spec["suite"], spec["tests"]
if "--list" in sys.argv:
    print(f"{suite}: {len(tests)} tests")
    for i, name in enumerate(tests):
        print(("└── " if i == len(tests) - 1 else "├── ") + name)
    sys.exit(0)
cell = os.environ.get("RT0_ARCH", "host") + "/" + os.environ.get("RT0_LINK", "unit")
xml = next(a.split("=", 1)[1] for a in sys.argv if a.startswith("--xml="))
rows, fails, skipped = [], 0, 0
for name, how in tests.items():
    st = how.get(cell, how.get("*", "PASSED"))
    kind, _, msg = st.partition(":")
    if kind == "FAILED":
        fails += 1
        body = ""
        for part in reversed(msg.split("||")):  # one assertion each, the last first
            first, *rest = part.split("\n")
            body += (f"<![CDATA[fake.c:1: {first}]]>&#10;"
                     + "".join(" " * 8 + r + "&#10;" for r in rest))
        rows.append(f'    <testcase name="{name}" assertions="1" status="FAILED" time="0.001">\n'
                    f'      <failure type="assert" message="1 assertion(s) failed.">{body}</failure>\n'
                    f'    </testcase>')
    elif kind == "ERRORED":
        fails += 1
        rows.append(f'    <testcase name="{name}" assertions="0" status="ERRORED" time="0.000">\n'
                    f'      <error type="crash" message="The test crashed." />    </testcase>')
    elif kind == "SKIPPED":
        skipped += 1
        print(f"[SKIP] {suite}::{name}: {msg}", file=sys.stderr)
        rows.append(f'    <testcase name="{name}" assertions="0" status="SKIPPED" time="0.000">\n'
                    f'      <skipped/>\n    </testcase>')
    else:
        rows.append(f'    <testcase name="{name}" assertions="1" status="PASSED" time="0.001">\n'
                    f'    </testcase>')
with open(xml, "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="Criterion Tests">\n'
            f'  <testsuite name="{suite}">\n' + "\n".join(rows) + "\n  </testsuite>\n</testsuites>\n")
n = len(tests) - skipped
print(f"[====] Synthesis: Tested: {n} | Passing: {n - fails} | Failing: {fails} | Crashing: 0 ",
      file=sys.stderr)
sys.exit(1 if fails else 0)
'''

# A fake hello probe: prints a short start-up trace on stderr.
FAKE_HELLO = r'''#!/bin/sh
cat >&2 <<EOF
rt0 trace v=1 arch=ARCH link=MODE ptrsize=8 g0stack=65536 pagesize=4096
rt0 ev seq=0 phase=runtime.rt0_go goid=0 m=0 g0=1 sp=0x1000 ns=1000
rt0 ev seq=1 phase=runtime.check goid=0 m=0 g0=1 sp=0x1000 ns=3000
rt0 ev seq=2 phase=runtime.schedinit goid=0 m=0 g0=1 sp=0x1000 ns=9000
rt0 ev seq=3 phase=runtime.newproc goid=0 m=0 g0=1 sp=0x1000 ns=20000 newg=1
rt0 ev seq=4 phase=runtime.main goid=1 m=0 g0=0 sp=0x2000 ns=21000
rt0 ev seq=5 phase=main.main goid=1 m=0 g0=0 sp=0x2000 ns=30000
rt0 ev seq=6 phase=runtime.exit goid=1 m=0 g0=0 sp=0x2000 ns=31000 code=0
EOF
echo "hello, world"
'''


def _exe(path: Path, text: str):
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


class FakeBuild:
    """A build with suites on the given arches (foreign ones "under qemu": the
    runner just passes RT0_QEMU, here /usr/bin/env) and not-run arches."""

    def __init__(self, root: Path, arches=("amd64", "arm64"), notrun=("riscv64",),
                 modes=("internal", "external"), qemu="/usr/bin/env"):
        self.root = root
        self.arches, self.notrun, self.modes = list(arches), list(notrun), list(modes)
        self.qemu = qemu
        self.suites: dict[str, dict] = {}
        self.units: dict[str, dict] = {}
        (root / "bin").mkdir(parents=True, exist_ok=True)
        for a in self.arches:
            for m in self.modes:
                d = root / "probes" / a / m
                d.mkdir(parents=True, exist_ok=True)
                _exe(d / "hello", FAKE_HELLO.replace("ARCH", a).replace("MODE", m))

    def suite(self, name: str, group: str, tests: dict, unit: bool = False,
              script: str = FAKE_SUITE):
        """A suite (script: its program, FAKE_SUITE by default)."""
        (self.units if unit else self.suites)[name] = {"group": group, "tests": tests,
                                                        "script": script}
        return self

    def write(self) -> Path:
        tests = []
        for name, s in self.suites.items():
            exe = self.root / "bin" / f"suite_{name}"
            _exe(exe, s["script"])
            Path(str(exe) + ".json").write_text(json.dumps({"suite": name, "tests": s["tests"]}))
            for i, a in enumerate(self.arches):
                for m in self.modes:
                    env = [f"RT0_PROBE_DIR={self.root}/probes/{a}/{m}", f"RT0_ARCH={a}",
                           f"RT0_LINK={m}"]
                    labels = [a, m, s["group"]]
                    if i > 0:
                        env += [f"RT0_QEMU={self.qemu}", "RT0_SYSROOT=", "RT0_TIMEOUT_SCALE=10"]
                        labels.append("qemu")
                    tests.append({"name": f"{name}.{a}.{m}", "command": [str(exe), "--xml=/nowhere.xml"],
                                  "properties": [{"name": "ENVIRONMENT", "value": env},
                                                 {"name": "LABELS", "value": labels}]})
        for name, s in self.units.items():
            exe = self.root / "bin" / f"unit_{name}"
            _exe(exe, s["script"])
            Path(str(exe) + ".json").write_text(json.dumps({"suite": name, "tests": s["tests"]}))
            tests.append({"name": f"unit.{name}", "command": [str(exe)],
                          "properties": [{"name": "LABELS", "value": ["host", "unit", s["group"]]}]})
        for a in self.notrun:
            msg = f"not run: {a}: no {a} sysroot in /empty/{a}: run ci/setup {a}"
            tests.append({"name": f"notrun.{a}", "command": ["/bin/sh", "-c", f"echo '{msg}'; exit 77"],
                          "properties": [{"name": "LABELS", "value": [a, "notrun"]}]})
        out = self.root / "ctest.json"
        out.write_text(json.dumps({"kind": "ctestInfo", "version": {"major": 1, "minor": 0},
                                   "tests": tests}))
        return out


@pytest.fixture
def fake_build(tmp_path) -> FakeBuild:
    return FakeBuild(tmp_path / "build")


def catalogue_toml(entries: list[dict]) -> str:
    def val(v):
        if isinstance(v, list):
            return "[" + ", ".join(val(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{k} = {val(x)}" for k, x in v.items()) + "}"
        return json.dumps(v)
    out = []
    for e in entries:
        out.append("[[invariant]]")
        out += [f"{k} = {val(v)}" for k, v in e.items()]
        out.append("")
    return "\n".join(out)


@pytest.fixture
def run_driver_on(pytester, monkeypatch):
    """Runs the real conformance run (run/) in a pytester directory against
    a fake build: run_driver_on(build, catalogue_entries, *args) ->
    (result, reports). --reports REPORTS_DIR in args replaces the default."""
    shutil.copy(DRIVER / "conftest.py", pytester.path / "conftest.py")
    (pytester.path / "run").mkdir()
    for f in ("conftest.py", "test_invariants.py"):
        shutil.copy(DRIVER / "run" / f, pytester.path / "run" / f)
    monkeypatch.setenv("PYTHONPATH", f"{DRIVER}:{DRIVER.parent}")

    def run(build, entries, *args):
        cat = pytester.path / "invariants.toml"
        cat.write_text(catalogue_toml(entries or []))
        reports = pytester.path / "reports"
        if "--reports" in args:
            reports = Path(args[args.index("--reports") + 1])
        else:
            args = ("--reports", str(reports)) + args
        res = pytester.runpytest_subprocess(
            "run", "-p", "no:cacheprovider", "--ctest-json", str(build.write()),
            "--catalogue", str(cat), "-rfEX", *args)
        return res, reports

    return run


@pytest.fixture
def run_driver(run_driver_on, fake_build):
    """run_driver_on the fake_build fixture's build."""
    return lambda entries, *args: run_driver_on(fake_build, entries, *args)


# ------------------------------------------------------------------ chromium

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]


@pytest.fixture
def chromium(tmp_path):
    """chromium(url, *extra) -> stdout; skips when Debian's chromium is missing."""
    exe = shutil.which("chromium")
    if exe is None:
        pytest.skip("chromium is not installed: run ci/deps chromium")

    def run(url: str, *extra: str, timeout: float = 120) -> str:
        profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
        profile.mkdir()
        env = dict(os.environ, HOME=str(tmp_path))
        p = subprocess.run([exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, url],
                           capture_output=True, text=True, timeout=timeout, env=env,
                           stdin=subprocess.DEVNULL)
        assert p.returncode == 0, textwrap.shorten(p.stderr, 2000)
        return p.stdout

    return run
