#!/usr/bin/python3
"""judge.py [--catalogue FILE] -- SUITE-COMMAND...: one suite run, judged by the catalogue's
expectations for the implementation under test (DESIGN.md 3a).

Criterion knows pass and fail; the catalogue also knows where an
implementation legitimately differs (an `expect` entry with outcome "fail":
a Go version's behaviour, with evidence). ctest runs a Go column's suites
through this: it runs the command (a Criterion suite with --xml=FILE and
--filter GROUP/*), reads the report, and looks each test's invariant up for
RT0_IMPL (rt0 when unset), RT0_ARCH and RT0_LINK:

  pass                     ok
  fail, expected to fail   xfail (ok): the difference is the catalogue's
                           (FAIL when the failure lacks its fails_with text)
  pass, expected to fail   XPASS: the expectation is stale, a failure
  fail, not expected       FAIL
  skip                     skip (the catalogue's gate in the suite)

Exit status 0 when there is no FAIL, no XPASS and the suite ran to its end;
1 otherwise; 2 on a usage error. Python 3.11+ standard library only.
"""
import os
import sys

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from rt0model import catalogue as cat  # noqa: E402
from rt0model import criterion, procs  # noqa: E402

SUITE_TIMEOUT = 3600  # seconds; ctest's own timeout is the one that bites


def main(argv):
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        print("usage: judge.py [--catalogue FILE] -- SUITE --filter GROUP/* --xml=FILE",
              file=sys.stderr)
        return 2
    own = argv[:argv.index("--")]
    if own and (len(own) != 2 or own[0] != "--catalogue"):
        print(f"judge.py: unknown arguments {' '.join(own)}", file=sys.stderr)
        return 2
    cmd = argv[argv.index("--") + 1:]
    xml = next((a[len("--xml="):] for a in cmd if a.startswith("--xml=")), None)
    if xml is None:
        print("judge.py: the suite command needs --xml=FILE", file=sys.stderr)
        return 2
    impl = os.environ.get("RT0_IMPL") or cat.RT0
    arch, mode = os.environ.get("RT0_ARCH", ""), os.environ.get("RT0_LINK", "")
    c = cat.load(own[1]) if own else cat.load()
    if c.errors:
        print("judge.py: the catalogue is malformed (catalogue.py format)", file=sys.stderr)
        return 1
    run = procs.run(cmd + ["--verbose"], dict(os.environ), None, SUITE_TIMEOUT)
    sys.stderr.write(run.err)
    sys.stdout.write(run.out)
    problems = []
    if run.rc is None:
        problems.append("the suite timed out")
    elif run.rc < 0:
        problems.append(f"the suite was killed by signal {-run.rc}")
    if run.leftovers:
        problems.append(f"the suite left processes running: {', '.join(run.leftovers)}")
    try:
        with open(xml, errors="replace") as f:
            results = criterion.parse_xml(f.read())
    except OSError as e:
        results = []
        problems.append(f"no report ({xml}: {e.strerror})")
    only = next((a.split("=", 1)[1] if "=" in a else cmd[i + 1]
                 for i, a in enumerate(cmd) if a.startswith("--filter")), "*/*")
    only = only.split("/")[0]
    counts = {"ok": 0, "xfail": 0, "skip": 0}
    for r in results:
        if only != "*" and r.suite != only:
            continue  # left out by --filter: Criterion reports it as skipped
        inv = c.by_test_name(r.name)
        x = inv.expectation(impl, arch, mode) if inv else None
        expected_fail = x is not None and x.outcome == "fail"
        if r.status == criterion.SKIPPED:
            counts["skip"] += 1
        elif r.status == criterion.PASSED and not expected_fail:
            counts["ok"] += 1
        elif r.status == criterion.PASSED:
            problems.append(f"XPASS {r.name}: expected to fail on {x.impl} ({x.reason}), "
                            "but it passes: the catalogue's expectation is stale")
        elif expected_fail and not x.explains(r.messages):
            first = (r.messages[0].splitlines() or [""])[0] if r.messages else r.status
            problems.append(f"FAIL {r.name}: expected to fail with {x.fails_with!r} on {x.impl}, "
                            f"failed otherwise: {first}")
        elif expected_fail:
            counts["xfail"] += 1
            print(f"xfail {r.name}: {x.impl}: {x.reason}")
        else:
            first = (r.messages[0].splitlines() or [""])[0] if r.messages else r.status
            problems.append(f"FAIL {r.name}: {first}")
    print(f"judge: {impl} {arch}/{mode}: {counts['ok']} ok, {counts['xfail']} xfail, "
          f"{counts['skip']} skip, {len(problems)} problem(s)")
    for p in problems:
        print(f"judge: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
