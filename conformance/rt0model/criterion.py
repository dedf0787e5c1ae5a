"""What a Criterion 2.4 suite says: its --list output and its --xml report.

Criterion's reports are not quite well-formed: --json writes assertion
messages without escaping quotes, and --xml puts only each assertion's first
line in CDATA and writes the rest raw (a probe's stderr may hold '<' or '&').
So the XML is read with a tolerant scanner that knows Criterion's layout:

  <testsuite name="S" ...>
    <testcase name="T" assertions="N" status="PASSED|FAILED|ERRORED|SKIPPED" time="s">
      <failure type="assert" message="k assertion(s) failed."><![CDATA[file:line: first]]>&#10;
               continuation lines, indented by 8 spaces, raw&#10;...</failure>
      <error type="crash|timeout" message="The test crashed." />
      <skipped/>
    </testcase>

A parameterized test appears once per parameter, under the same name.
"""
from __future__ import annotations

import dataclasses
import html
import re
import subprocess

PASSED, FAILED, ERRORED, SKIPPED = "PASSED", "FAILED", "ERRORED", "SKIPPED"


@dataclasses.dataclass
class TestResult:
    suite: str  # Criterion's suite name (the first argument of Test())
    name: str
    status: str
    messages: list[str]
    time: float = 0.0

    @property
    def bad(self) -> bool:
        return self.status in (FAILED, ERRORED)

    @property
    def crashed(self) -> bool:
        """ERRORED: the test died (a signal, a timeout), as opposed to failing
        an assertion."""
        return self.status == ERRORED


def parse_list(text: str) -> list[tuple[str, str]]:
    """`suite --list` -> [(criterion suite, test name)]:

    startup: 31 tests
    ├── seq_strictly_increasing
    └── phases_in_go_order
    """
    out, suite = [], None
    for line in text.splitlines():
        m = re.match(r"^(\S+): \d+ tests?$", line)
        if m:
            suite = m.group(1)
            continue
        m = re.match(r"^\s*(?:├──|└──|\|--|`--)\s+(\S+)\s*$", line)
        if m and suite is not None:
            out.append((suite, m.group(1)))
    return out


def list_tests(binary: str, timeout: float = 120) -> list[tuple[str, str]]:
    """Runs `binary --list`: [(criterion suite, test name)]."""
    try:
        p = subprocess.run([binary, "--list"], capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError) as e:
        raise RuntimeError(f"{binary} --list could not run: {e}") from e
    if p.returncode != 0:
        raise RuntimeError(f"{binary} --list failed (exit {p.returncode}): {p.stderr.strip()}")
    return parse_list(p.stdout)


_ATTR = re.compile(r'(\w+)="([^"]*)"')
_TOKEN = re.compile(r"<testsuite\s[^>]*>|<testcase\s[^>]*>|</testcase>")


def _attrs(tag: str) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in _ATTR.findall(tag)}


def _failure_messages(body: str) -> list[str]:
    """The assertion messages of one <failure> body, in source order."""
    msgs = []
    for chunk in body.split("<![CDATA[")[1:]:
        end = chunk.find("]]>&#10;")
        if end < 0:
            end = chunk.find("]]>")
            first, rest = chunk[:end] if end >= 0 else chunk, ""
        else:
            first, rest = chunk[:end], chunk[end + len("]]>&#10;"):]
        lines = [first]
        for cont in rest.split("&#10;"):
            if cont.strip() == "":
                continue
            lines.append(cont[8:] if cont.startswith(" " * 8) else cont.lstrip(" "))
        msgs.append("\n".join(lines))
    msgs.reverse()  # Criterion writes the last assertion first
    return msgs


def parse_xml(text: str) -> list[TestResult]:
    results: list[TestResult] = []
    suite = ""
    pos = 0
    while True:
        m = _TOKEN.search(text, pos)
        if not m:
            break
        tag = m.group(0)
        pos = m.end()
        if tag.startswith("<testsuite"):
            suite = _attrs(tag).get("name", "")
            continue
        if tag == "</testcase>":
            continue
        a = _attrs(tag)
        end = text.find("</testcase>", pos)
        body = text[pos:end if end >= 0 else len(text)]
        pos = end if end >= 0 else len(text)
        messages: list[str] = []
        fm = re.search(r"<failure\b[^>]*>(.*)</failure>", body, re.S)
        if fm:
            messages = _failure_messages(fm.group(1))
            if not messages:
                messages = [_attrs(body[fm.start():fm.start(1)]).get("message", "")]
        em = re.search(r"<error\b[^>]*/?>", body)
        if em:
            ea = _attrs(em.group(0))
            messages.append(ea.get("message") or ea.get("type", "error"))
        try:
            t = float(a.get("time", "0"))
        except ValueError:
            t = 0.0
        results.append(TestResult(suite, a.get("name", ""), a.get("status", ""), messages, t))
    return results


def synthesis(log: str) -> str | None:
    """Criterion's closing line, '[====] Synthesis: Tested: N | Passing: ...'."""
    line = None
    for ln in log.splitlines():
        ln = re.sub(r"\x1b\[[0-9;]*m", "", ln)
        if "Synthesis:" in ln:
            line = ln.strip()
    return line


def skip_reasons(log: str) -> dict[tuple[str, str], str]:
    """Criterion's XML drops a skipped test's reason; its console output has it:
    '[SKIP] suite::name: reason' (with --verbose). Returns {(suite, name): reason}."""
    out = {}
    for ln in log.splitlines():
        ln = re.sub(r"\x1b\[[0-9;]*m", "", ln)
        m = re.match(r"^\[SKIP\] ([^:\s]+)::(\S+?): (.*)$", ln.strip())
        if m:
            out[(m.group(1), m.group(2))] = m.group(3)
    return out


def split_probe_output(message: str) -> tuple[str, str]:
    """A suite's CHECK() appends '\\n  -- probe NAME exited ...; stderr:\\n...'
    (suite.h): split that account of the probe off the assertion itself."""
    i = message.find("\n  -- ")
    if i < 0:
        return message, ""
    return message[:i], message[i + len("\n  -- "):]
