"""conformance/tools/judge.py: a suite run judged by the catalogue's
expectations (ok, xfail, XPASS, FAIL), as ctest runs the Go columns."""
import json
import subprocess
import sys

import pytest

from conftest import DRIVER, FAKE_SUITE, _exe, catalogue_toml

JUDGE = DRIVER.parent / "tools" / "judge.py"

ENTRY = {"id": "EXIT-CODE-0", "group": "exits", "statement": "main.main returning exits 0.",
         "arches": ["all"], "modes": ["internal", "external"], "observed": "exit",
         "evidence": "proc.go:283"}


def judge(tmp_path, outcome, expect):
    suite = tmp_path / "suite_exits"
    _exe(suite, FAKE_SUITE)
    (tmp_path / "suite_exits.json").write_text(
        json.dumps({"suite": "exits", "tests": {"exit_code_0": {"*": outcome}}}))
    cat = tmp_path / "invariants.toml"
    cat.write_text(catalogue_toml([dict(ENTRY, expect=expect)] if expect else [ENTRY]))
    env = {"RT0_IMPL": "go1.19", "RT0_ARCH": "amd64", "RT0_LINK": "internal", "PATH": "/usr/bin"}
    return subprocess.run([sys.executable, str(JUDGE), "--catalogue", str(cat), "--",
                           str(suite), "--filter", "exits/*", f"--xml={tmp_path}/r.xml"],
                          capture_output=True, text=True, env=env, timeout=60)


def differs(**more):
    return [dict({"impl": "go1.19", "outcome": "fail", "reason": "Go differs",
                  "evidence": "proc.go:1"}, **more)]


@pytest.mark.parametrize("outcome, expect, rc, says", [
    ("PASSED", None, 0, "1 ok, 0 xfail"),
    ("FAILED:exit status 1", None, 1, "FAIL exit_code_0: fake.c:1: exit status 1"),
    ("FAILED:exit status 1", differs(), 0, "0 ok, 1 xfail"),
    ("PASSED", differs(), 1, "XPASS exit_code_0"),
    ("FAILED:exit status 1", differs(fails_with="status 1"), 0, "0 ok, 1 xfail"),
    ("FAILED:exit status 1", differs(fails_with="status 2"), 1,
     "FAIL exit_code_0: expected to fail with 'status 2' on go1.19, failed otherwise"),
    ("FAILED:exit status 1||and a second assertion", differs(fails_with="status 1"), 1,
     "failed otherwise"),
    ("FAILED:exit status 1", differs(impl="go1.23"), 1, "FAIL exit_code_0"),
])
def test_judged_by_the_expectations(tmp_path, outcome, expect, rc, says):
    r = judge(tmp_path, outcome, expect)
    assert r.returncode == rc, r.stdout + r.stderr
    assert says in r.stdout, r.stdout


def test_unknown_arguments_are_a_usage_error(tmp_path):
    r = subprocess.run([sys.executable, str(JUDGE), "--catalog", "x", "--", "true"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "unknown arguments" in r.stderr
