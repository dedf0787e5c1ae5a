"""Reading Criterion 2.4's --list output and its (not quite well-formed) XML."""
from rt0model import criterion

LIST = """startup: 3 tests
├── seq_starts_at_0
├── main_goid_1
└── phases_in_go_order
startup_elf: 1 test
└── internal_hello_is_static
"""

# Criterion's own output for: a passing test, a failing one whose message
# carries a probe's stderr with '<' and '&' (written raw, outside CDATA), a
# crash, a timeout, a skip, and a parameterized test with one failing case.
XML = """<?xml version="1.0" encoding="UTF-8"?>
<!-- Tests compiled with Criterion v2.4.1 -->
<testsuites name="Criterion Tests" tests="8" failures="4" errors="1" disabled="1">
  <testsuite name="c" tests="3" failures="1" errors="0" disabled="0" skipped="0" time="0.004">
    <testcase name="param" assertions="1" status="PASSED" time="0.000">
    </testcase>
    <testcase name="param" assertions="1" status="FAILED" time="0.001">
      <failure type="assert" message="1 assertion(s) failed."><![CDATA[t.c:10: param 2]]>&#10;</failure>
    </testcase>
  </testsuite>
  <testsuite name="b" tests="3" failures="2" errors="1" disabled="1" skipped="1" time="1.081">
    <testcase name="slow" assertions="0" status="ERRORED" time="1.081">
      <error type="timeout" message="The test timed out." />    </testcase>
    <testcase name="skipped" assertions="0" status="SKIPPED" time="0.000">
      <skipped/>
    </testcase>
    <testcase name="crashes" assertions="0" status="ERRORED" time="0.000">
      <error type="crash" message="The test crashed." />    </testcase>
  </testsuite>
  <testsuite name="a" tests="2" failures="1" errors="0" disabled="0" skipped="0" time="0.004">
    <testcase name="passes" assertions="1" status="PASSED" time="0.003">
    </testcase>
    <testcase name="fails" assertions="1" status="FAILED" time="0.001">
      <failure type="assert" message="1 assertion(s) failed."><![CDATA[t.c:5: expected x to be 3]]>&#10;          -- probe hello exited with status 2; stderr (tail):&#10;        fatal error: <boom> & "q"&#10;</failure>
    </testcase>
    <testcase name="multi" assertions="3" status="FAILED" time="0.001">
      <failure type="assert" message="2 assertion(s) failed."><![CDATA[t2.c:3: other ]]> end]]>&#10;<![CDATA[t2.c:2: first & <one>]]>&#10;</failure>
    </testcase>
  </testsuite>
</testsuites>
"""


def test_list():
    assert criterion.parse_list(LIST) == [
        ("startup", "seq_starts_at_0"), ("startup", "main_goid_1"),
        ("startup", "phases_in_go_order"), ("startup_elf", "internal_hello_is_static")]


def test_xml_statuses_and_messages():
    rs = criterion.parse_xml(XML)
    by = {}
    for r in rs:
        by.setdefault(r.name, []).append(r)
    assert [r.status for r in by["param"]] == ["PASSED", "FAILED"]
    assert by["param"][1].messages == ["t.c:10: param 2"]
    assert by["slow"][0].status == "ERRORED" and by["slow"][0].messages == ["The test timed out."]
    assert by["crashes"][0].messages == ["The test crashed."]
    assert by["skipped"][0].status == "SKIPPED"
    assert by["passes"][0].status == "PASSED" and by["passes"][0].messages == []
    assert by["fails"][0].suite == "a"
    assert by["fails"][0].messages == [
        't.c:5: expected x to be 3\n  -- probe hello exited with status 2; stderr (tail):\n'
        'fatal error: <boom> & "q"']
    # several assertions: Criterion writes the last one first; ']]>' inside one
    assert by["multi"][0].messages == ["t2.c:2: first & <one>", "t2.c:3: other ]]> end"]


def test_probe_account_split():
    msg, probe = criterion.split_probe_output(
        't.c:5: expected x to be 3\n  -- probe hello exited with status 2; stderr (tail):\nfatal')
    assert msg == "t.c:5: expected x to be 3"
    assert probe == "probe hello exited with status 2; stderr (tail):\nfatal"
    assert criterion.split_probe_output("plain") == ("plain", "")


def test_console_skip_reasons_and_synthesis():
    log = ("[RUN ] startup_elf::external_hello_uses_libc\n"
           "[SKIP] startup_elf::external_hello_uses_libc: applies to link mode external only\n"
           "\x1b[0;1m[====] Synthesis: Tested: 35 | Passing: 35 | Failing: 0 | Crashing: 0 \x1b[0m\n")
    assert criterion.skip_reasons(log) == {
        ("startup_elf", "external_hello_uses_libc"): "applies to link mode external only"}
    assert criterion.synthesis(log) == "[====] Synthesis: Tested: 35 | Passing: 35 | Failing: 0 | Crashing: 0"
