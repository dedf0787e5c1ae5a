"""The run's reports, from one plain data set (see `new_data`):

  terminal    groups x arches, counts per outcome (pytest_terminal_summary)
  index.html  self-contained: summary, the invariant x arch x mode matrix
              (each cell opens its statement, evidence, message and probe
              output), the failures, the start-up timeline per arch
  summary.md  the same in Markdown;  summary.json  for CI systems
  run.json    the whole data set and where it came from (`run_record`): what
              `ci/conformance --merge` reads to fold several runs' folders
              into one report, written by this same module
  trace-<arch>.json   Chrome trace-event JSON of each arch's start-up
  traces/<arch>-<mode>.txt   the raw traces
"""
from __future__ import annotations

import html
import json
import re
from collections import Counter, OrderedDict
from pathlib import Path

from . import trace as tr

# Outcomes, in the order they are counted and shown.
OUTCOMES = ["pass", "fail", "error", "xfail", "xpass", "skip", "notrun"]
WORDS = {"pass": "ok", "fail": "FAIL", "error": "ERROR", "xfail": "xfail", "xpass": "XPASS",
         "skip": "skip", "notrun": "not run"}
BAD = {"fail", "error"}


def new_data() -> dict:
    """meta: the run (started, seconds, build_dir, errors, interrupted, the
    catalogue's path and sha256, tool versions; a merged report's parts);
    arches: the columns, in order (rt0's arches, impl/arch for a Go
    toolchain, host); modes and notrun: per column; cells: one dict per
    invariant x column x mode (id, group, arch = the column, mode, outcome,
    message, xfail, notrun, probe, runs, ...); invariants: id -> the
    catalogue entry of each id with a cell; catalogue_order: every id of the
    catalogue, in its order; traces: column -> mode -> the hello probe's run."""
    return {"meta": {}, "arches": [], "modes": {}, "notrun": {}, "cells": [],
            "invariants": {}, "catalogue_order": [], "traces": {}}


def groups(data: dict) -> list[str]:
    seen: "OrderedDict[str, None]" = OrderedDict()
    for c in data["cells"]:
        if c.get("catalogued"):
            seen.setdefault(c["group"])
    for c in data["cells"]:
        seen.setdefault(c["group"])
    return list(seen)


def counts(data: dict) -> dict[tuple[str, str], Counter]:
    out: dict[tuple[str, str], Counter] = {}
    for c in data["cells"]:
        out.setdefault((c["group"], c["arch"]), Counter())[c["outcome"]] += 1
    return out


def totals(data: dict) -> Counter:
    return Counter(c["outcome"] for c in data["cells"])


def column_ids(data: dict) -> dict[str, dict[str, int]]:
    """Per column, in invariants rather than cells: judged (an id with at least
    one cell that ran: ok, FAIL, ERROR, xfail or XPASS), held (judged, and
    every ran cell ok or xfail), skipped (every cell skipped) and not run.
    How much of the catalogue an implementation is measured against."""
    ids: dict[str, dict[str, set]] = {}
    for c in data["cells"]:
        ids.setdefault(c["arch"], {}).setdefault(c["id"], set()).add(c["outcome"])
    out = {}
    for col in data["arches"]:
        per = ids.get(col, {})
        ran = {i for i, o in per.items() if o - {"skip", "notrun"}}
        out[col] = {"judged": len(ran),
                    "held": sum(1 for i in ran if not per[i] & (BAD | {"xpass"})),
                    "skipped": sum(1 for o in per.values() if o == {"skip"}),
                    "notrun": sum(1 for o in per.values() if "notrun" in o)}
    return out


def cell_text(cnt: Counter | None) -> str:
    if not cnt:
        return "-"
    return " ".join(f"{cnt[o]} {WORDS[o]}" for o in OUTCOMES if cnt.get(o))


def unexpected(data: dict) -> list[dict]:
    return [c for c in data["cells"] if c["outcome"] in BAD]


def _n(k: int, what: str) -> str:
    return f"{k} {what}{'s' if k != 1 else ''}"


def verdict(data: dict) -> tuple[bool, str]:
    """PASSED only when every selected cell ran and held (expected failures
    aside), nothing went wrong and the run was not interrupted."""
    bad = unexpected(data)
    errs = data["meta"].get("errors") or []
    notrun = [c for c in data["cells"] if c["outcome"] == "notrun"]
    if data["meta"].get("interrupted"):
        return False, f"INTERRUPTED after {_n(len(data['cells']), 'cell')}: not a verdict"
    if not data["cells"] and not errs:
        return False, "FAILED: no invariant was run"
    if bad or errs or notrun:
        parts = []
        if bad:
            parts.append(_n(len(bad), "unexpected failure"))
        if notrun:
            arches = sorted({c["arch"] for c in notrun})
            parts.append(f"{_n(len(notrun), 'cell')} not run ({', '.join(arches)})")
        if errs:
            parts.append(_n(len(errs), "error"))
        return False, "FAILED: " + ", ".join(parts)
    return True, "PASSED"


def uncatalogued_ids(data: dict) -> list[str]:
    return sorted({c["id"] for c in data["cells"] if not c.get("catalogued")})


# ---------------------------------------------------------------- terminal

def terminal_lines(data: dict) -> list[tuple[str, dict]]:
    """(text, markup) lines for pytest's terminal writer."""
    cnt = counts(data)
    arches = [a for a in data["arches"] if any(k[1] == a for k in cnt)]
    gs = groups(data)
    rows = [["group"] + arches]
    for g in gs:
        rows.append([g] + [cell_text(cnt.get((g, a))) for a in arches])
    tot = ["total"]
    for a in arches:
        c = Counter()
        for g in gs:
            c.update(cnt.get((g, a), Counter()))
        tot.append(cell_text(c))
    rows.append(tot)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = [("cells are invariant x link mode: ok, FAIL, ERROR, xfail (expected failure), "
            "XPASS (unexpected pass), skip, not run", {})]
    if not data["cells"]:
        rows = []
    for i, r in enumerate(rows):
        text = "  ".join(v.ljust(widths[j]) for j, v in enumerate(r)).rstrip()
        mark: dict = {}
        if i == 0 or i == len(rows) - 1:
            mark = {"bold": True}
        elif any("FAIL" in v or "ERROR" in v for v in r[1:]):
            mark = {"red": True}
        elif any("XPASS" in v for v in r[1:]):
            mark = {"yellow": True}
        out.append((text, mark))
    for arch, msg in data["notrun"].items():
        if arch in arches:
            out.append((msg, {"yellow": True}))
    xp = [c for c in data["cells"] if c["outcome"] == "xpass"]
    if xp:
        out.append((f"unexpected passes ({len(xp)}), the catalogue's exception may be stale: "
                    + ", ".join(f"{c['id']} {c['arch']}/{c['mode']}" for c in xp[:10])
                    + (" ..." if len(xp) > 10 else ""), {"yellow": True}))
    bad = unexpected(data)
    if bad:
        out.append((f"failed ({len(bad)}): "
                    + ", ".join(f"{c['id']} {c['arch']}/{c['mode']}" for c in bad[:12])
                    + (" ..." if len(bad) > 12 else ""), {"red": True}))
    unc = uncatalogued_ids(data)
    if unc:
        why = ("" if data["meta"].get("catalogue_exists", True)
               else f" ({data['meta'].get('catalogue', 'the catalogue')} does not exist yet)")
        out.append((f"uncatalogued: {len(unc)} tested id{'s' if len(unc) != 1 else ''} "
                    f"without a catalogue entry{why}", {"yellow": True}))
    for e in data["meta"].get("errors") or []:
        out.append((f"error: {e}", {"red": True}))
    ok, word = verdict(data)
    out.append((f"rt0 conformance: {word}", {"green": ok, "red": not ok, "bold": True}))
    return out


# ---------------------------------------------------------------- markdown

MD_FAILURES = 20  # failures shown in full in summary.md (a CI job summary)
MD_PROBE_LINES = 12


def _tail(text: str, n: int) -> str:
    lines = text.strip().splitlines()
    return "\n".join(["..."] + lines[-n:] if len(lines) > n else lines)

def markdown(data: dict) -> str:
    cnt = counts(data)
    arches = [a for a in data["arches"] if any(k[1] == a for k in cnt)]
    gs = groups(data)
    ok, word = verdict(data)
    m = data["meta"]
    L = [f"# rt0 conformance run: {word}", ""]
    L.append(f"- started {m.get('started', '?')}, took {m.get('seconds', 0):.0f} s; "
             f"build `{m.get('build_dir', '?')}`"
             + (f"; **fault built in: `{m['fault']}`**" if m.get("fault") else ""))
    for p in m.get("parts") or []:
        L.append(f"- part `{p['folder']}`: {', '.join(p['columns']) or 'no column'}: "
                 f"{p['verdict']} (started {p.get('started', '?')}, took {p.get('seconds', 0):.0f} s"
                 + (f", commit {p['commit']}" if p.get("commit") else "") + ")")
    t = totals(data)
    L.append("- cells (invariant x arch x link mode): "
             + (", ".join(f"{t[o]} {WORDS[o]}" for o in OUTCOMES if t.get(o)) or "none"))
    unc = uncatalogued_ids(data)
    if unc:
        L.append(f"- {len(unc)} uncatalogued ids (tests without a catalogue entry)")
    if data["cells"]:
        L += ["", "| group | " + " | ".join(arches) + " |", "|---" * (len(arches) + 1) + "|"]
        for g in gs:
            L.append(f"| {g} | " + " | ".join(cell_text(cnt.get((g, a))) for a in arches) + " |")
        ids = column_ids(data)
        L += ["", "Invariants per column: judged (ran in at least one link mode), held (every "
              "cell that ran was ok or an expected difference), skipped (where they do not "
              "apply or cannot be observed), not run.", "",
              "| column | judged | held | skipped | not run |", "|---|---|---|---|---|"]
        L += [f"| {a} | {ids[a]['judged']} | {ids[a]['held']} | {ids[a]['skipped']} | "
              f"{ids[a]['notrun']} |" for a in arches if a in ids]
    L.append("")
    nr = [(a, msg) for a, msg in data["notrun"].items() if a in arches]
    if nr:
        L += ["## Not run", ""] + [f"- {msg}" for _, msg in nr] + [""]
    bad = unexpected(data)
    if bad:
        L += [f"## Failures ({len(bad)})", ""]
        for c in bad[:MD_FAILURES]:
            L.append(f"### {c['id']} on {c['arch']}/{c['mode']}")
            st = data["invariants"].get(c["id"], {}).get("statement")
            if st:
                L.append(f"_{st}_")
            L += ["", "```", (c.get("message") or "").strip(), "```"]
            if c.get("probe"):
                L += ["probe (tail):", "```", _tail(c["probe"], MD_PROBE_LINES), "```"]
            L.append("")
        if len(bad) > MD_FAILURES:
            L.append(f"and {len(bad) - MD_FAILURES} more (messages in index.html and summary.json): "
                     + ", ".join(f"{c['id']} {c['arch']}/{c['mode']}" for c in bad[MD_FAILURES:]))
            L.append("")
    xp = [c for c in data["cells"] if c["outcome"] == "xpass"]
    if xp:
        L += ["## Unexpected passes", ""]
        L += [f"- {c['id']} on {c['arch']}/{c['mode']} (exception: {c.get('xfail')})" for c in xp]
        L.append("")
    errs = m.get("errors") or []
    if errs:
        L += ["## Errors", ""] + [f"- {e}" for e in errs] + [""]
    L += ["Reports: `index.html` (matrix, timelines), `summary.json`, `junit.xml`, "
          "`trace-<arch>.json` (Perfetto), `suites/` (each suite run's Criterion XML and log).", ""]
    return "\n".join(L)


# ---------------------------------------------------------------- json

def summary_json(data: dict) -> dict:
    ok, word = verdict(data)
    cnt = counts(data)
    return {
        "ok": ok, "verdict": word, "meta": data["meta"],
        "totals": dict(totals(data)),
        "arches": {a: {"run": a not in data["notrun"], "notrun": data["notrun"].get(a),
                       "modes": data["modes"].get(a, [])} for a in data["arches"]},
        "matrix": {g: {a: dict(cnt.get((g, a), {})) for a in data["arches"]}
                   for g in groups(data)},
        "uncatalogued": uncatalogued_ids(data),
        "ids": column_ids(data),
        "cells": [{k: c.get(k) for k in ("id", "group", "arch", "mode", "outcome", "catalogued",
                                         "test", "xfail", "notrun", "message", "probe",
                                         "seconds")} for c in data["cells"]],
    }


# ---------------------------------------------------------------- html

CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.2em 2em;color:#222}
h1{margin:.2em 0}h2{margin-top:1.6em;border-bottom:1px solid #ccc}
.verdict{font-size:1.3em;font-weight:bold;padding:.3em .6em;display:inline-block;border-radius:4px}
.verdict.ok{background:#d9f2d9;color:#135e13}.verdict.bad{background:#f8d4d4;color:#8a1010}
table{border-collapse:collapse}
.summary td,.summary th{border:1px solid #ccc;padding:2px 8px;text-align:left}
.matrix{font-size:12.5px}
.matrix th,.matrix td{border:1px solid #ddd;padding:0}
.matrix thead th{background:#f3f3f3;padding:2px 6px;position:sticky;top:0;z-index:3}
.matrix thead tr:nth-child(2) th{top:1.5em}
.matrix th.id{text-align:left;padding:1px 6px;font-weight:normal;white-space:nowrap;font-family:monospace}
.matrix tr.grouprow th{background:#e8eef7;text-align:left;padding:3px 6px}
.badge{font:10px sans-serif;background:#eee;border:1px solid #ccc;border-radius:3px;padding:0 3px;color:#666}
td.cell{position:relative;min-width:4.2em;text-align:center}
td.cell summary{cursor:pointer;list-style:none;padding:1px 4px;font-weight:bold}
td.cell summary::-webkit-details-marker{display:none}
td.pass{background:#c9efc9}td.fail,td.error{background:#f39c9c}td.xfail{background:#f7dd9b}
td.xpass{background:#d7b8f3}td.skip{background:#dfe6ee}td.notrun{background:#d0d0d0;color:#555}
td.na{background:repeating-linear-gradient(45deg,#fafafa,#fafafa 4px,#f0f0f0 4px,#f0f0f0 8px)}
td.focus{outline:3px solid #1a5fb4}
.pop{position:absolute;z-index:10;left:0;top:100%;width:46em;max-width:80vw;text-align:left;
 background:#fff;border:1px solid #888;box-shadow:0 3px 12px rgba(0,0,0,.25);padding:.6em .8em;
 font-weight:normal;white-space:normal}
td.r .pop{left:auto;right:0}
.pop h3{margin:.1em 0 .4em}.pop dt{font-weight:bold;margin-top:.3em}.pop dd{margin:0 0 0 1em}
pre{background:#f6f6f6;border:1px solid #ddd;padding:.4em;overflow:auto;max-height:24em;
 white-space:pre-wrap;font-size:12px;margin:.2em 0}
pre.msg{background:#fff0f0;border-color:#e0a0a0}
.failures details{margin:.4em 0}.failures summary{cursor:pointer;font-family:monospace}
svg.timeline{border:1px solid #ddd;background:#fff;font:11px sans-serif}
svg .axis{stroke:#444}svg .tick{stroke:#eee}svg .tl{text-anchor:middle;fill:#444}
svg .mode{font-weight:bold}svg .lane{text-anchor:end;fill:#555}svg .in{fill:#fff;font-size:10px}
svg .small{fill:#555;font-size:10px}svg .err{fill:#b00}
.stages td,.stages th{border:1px solid #ddd;padding:1px 8px;text-align:right}
.stages td:first-child,.stages th:first-child{text-align:left}
.hidden{display:none}
.legend .key{margin-right:1.2em;white-space:nowrap}.legend i{display:inline-block;width:.9em;height:.9em;
 margin-right:.3em;vertical-align:-1px}
"""

JS = """
function openCell(key){
  var td=document.querySelector('td.cell[data-key="'+key+'"]');
  if(!td)return false;
  var d=td.querySelector('details'); if(d){d.open=true;}
  td.classList.add('focus'); td.scrollIntoView({block:'center'}); return true;
}
document.addEventListener('toggle',function(e){
  var d=e.target; if(!d.open||!d.closest||!d.closest('td.cell'))return;
  document.querySelectorAll('td.cell details[open]').forEach(function(o){if(o!==d)o.open=false;});
},true);
function onlyProblems(on){
  document.querySelectorAll('table.matrix tbody tr.inv').forEach(function(tr){
    var bad=tr.querySelector('td.fail,td.error,td.xpass');
    tr.classList.toggle('hidden', on && !bad);
  });
}
window.addEventListener('DOMContentLoaded',function(){
  var m=/^#cell=(.+)$/.exec(location.hash);
  if(m)openCell(decodeURIComponent(m[1]));
  var cb=document.getElementById('only-problems');
  if(cb)cb.addEventListener('change',function(){onlyProblems(cb.checked);});
});
"""


def _e(s) -> str:
    return html.escape(str(s if s is not None else ""))


def _cell_html(c: dict, inv: dict, right: bool = False) -> str:
    o = c["outcome"]
    word = {"pass": "ok", "fail": "FAIL", "error": "ERROR", "xfail": "xfail", "xpass": "XPASS",
            "skip": "skip", "notrun": "n/r"}[o]
    d = ['<dl>']
    d.append(f'<dt>statement</dt><dd class="statement">{_e(inv.get("statement") or "(not in the catalogue)")}</dd>')
    for k, label in (("evidence", "evidence"), ("observed", "observed"),
                     ("go119", "Go 1.19"), ("newgo", "current Go")):
        if inv.get(k):
            d.append(f"<dt>{label}</dt><dd>{_e(inv[k])}</dd>")
    d.append(f'<dt>test</dt><dd><code>{_e(c.get("test"))}</code> in '
             f'{_e(", ".join(c.get("suites") or []) or "no suite")}</dd>')
    if c.get("xfail"):
        d.append(f'<dt>catalogue exception (expected to fail or be skipped here)</dt>'
                 f'<dd>{_e(c["xfail"])}</dd>')
    if c.get("notrun"):
        d.append(f'<dt>not run</dt><dd><code>{_e(c["notrun"])}</code></dd>')
    d.append("</dl>")
    if c.get("message"):
        cls = "msg" if o in BAD or o == "xpass" else "note"
        d.append(f'<div class="label">message</div><pre class="{cls}">{_e(c["message"])}</pre>')
    if c.get("probe"):
        d.append(f'<div class="label">probe output</div><pre class="probe">{_e(c["probe"])}</pre>')
    runs = c.get("runs") or []
    if runs:
        items = []
        for r in runs:
            items.append(f'{_e(r["name"])} ({_e(r.get("synthesis") or r.get("error") or "")}) '
                         f'<a href="{_e(r["log"])}">log</a> <a href="{_e(r["xml"])}">xml</a>')
        d.append('<div class="label">suite runs</div><div>' + "<br>".join(items) + "</div>")
    title = f'{c["id"]} on {c["arch"]}/{c["mode"]}: {WORDS[o]}'
    return (f'<td class="cell {o}{" r" if right else ""}" data-key="{_e(c["id"] + "/" + c["arch"] + "/" + c["mode"])}" '
            f'title="{_e(title)}"><details><summary>{word}</summary><div class="pop">'
            f'<h3>{_e(title)}</h3>{"".join(d)}</div></details></td>')


def html_page(data: dict) -> str:
    ok, word = verdict(data)
    m = data["meta"]
    cnt = counts(data)
    arches = [a for a in data["arches"] if any(k[1] == a for k in cnt)]
    cols = [(a, mode) for a in arches for mode in data["modes"].get(a, [])]
    gs = groups(data)
    by_id: "OrderedDict[str, dict]" = OrderedDict()
    for c in data["cells"]:
        by_id.setdefault(c["id"], {})[(c["arch"], c["mode"])] = c
    P = ["<!doctype html><html lang=en><head><meta charset=utf-8>",
         "<meta name=viewport content='width=device-width'>",
         f"<title>rt0 conformance: {_e(word)}</title><style>{CSS}</style>",
         f"<script>{JS}</script></head><body>"]
    P.append("<h1>rt0 conformance run</h1>")
    P.append(f'<p><span class="verdict {"ok" if ok else "bad"}" id="verdict">{_e(word)}</span></p>')
    t = totals(data)
    P.append("<p>" + _e(f"started {m.get('started', '?')}, took {m.get('seconds', 0):.0f} s, "
                        f"build {m.get('build_dir', '?')}") +
             (f", <b>fault built in: {_e(m['fault'])}</b>" if m.get("fault") else "") + ". "
             + _e(", ".join(f"{t[o]} {WORDS[o]}" for o in OUTCOMES if t.get(o)))
             + " (cells: invariant x arch x link mode).</p>")
    if m.get("parts"):
        P.append(f'<p id="parts">Merged from {len(m["parts"])} runs (ci/conformance --merge):</p><ul>'
                 + "".join(f"<li><code>{_e(p['folder'])}</code>: {_e(', '.join(p['columns']) or 'no column')}: "
                           f"<b>{_e(p['verdict'])}</b> "
                           + _e(f"(started {p.get('started', '?')}, took {p.get('seconds', 0):.0f} s"
                                + (f", commit {p['commit']}" if p.get("commit") else "") + ")")
                           + "</li>" for p in m["parts"]) + "</ul>")
    if not m.get("catalogue_exists", True):
        P.append(f"<p>The catalogue {_e(m.get('catalogue'))} does not exist yet: every test "
                 "is shown as an uncatalogued invariant, named after its test.</p>")
    for e in m.get("errors") or []:
        P.append(f'<p class="verdict bad">error: {_e(e)}</p>')
    # summary: groups x arches
    P.append('<h2 id="summary">Groups x arches</h2><table class="summary"><tr><th>group</th>'
             + "".join(f"<th>{_e(a)}</th>" for a in arches) + "</tr>")
    for g in gs:
        P.append(f"<tr><td>{_e(g)}</td>")
        for a in arches:
            c = cnt.get((g, a))
            cls = ("fail" if c and (c.get("fail") or c.get("error")) else
                   "xpass" if c and c.get("xpass") else
                   "notrun" if c and c.get("notrun") and len(c) == 1 else
                   "pass" if c else "na")
            P.append(f'<td class="{cls}">{_e(cell_text(c))}</td>')
        P.append("</tr>")
    P.append("</table>")
    nr = [(a, msg) for a, msg in data["notrun"].items() if a in arches]
    if nr:
        P.append('<h2 id="notrun">Not run</h2><ul>'
                 + "".join(f"<li><code>{_e(msg)}</code></li>" for _, msg in nr) + "</ul>")
    # the matrix
    P.append('<h2 id="matrix">Invariants</h2><p><label><input type=checkbox id="only-problems"> '
             'only rows with a failure or an unexpected pass</label> &middot; click a cell for '
             'its statement, evidence and, on failure, the message and the probe output.</p>')
    P.append('<table class="matrix"><thead><tr><th rowspan=2>invariant</th>'
             + "".join(f'<th colspan={len(data["modes"].get(a, []))}>{_e(a)}</th>' for a in arches)
             + "</tr><tr>" + "".join(f"<th>{_e(mo)}</th>" for _, mo in cols) + "</tr></thead><tbody>")
    for g in gs:
        ids = [i for i, cs in by_id.items() if next(iter(cs.values()))["group"] == g]
        P.append(f'<tr class="grouprow"><th colspan={len(cols) + 1}>{_e(g)} '
                 f'<span class="badge">{len(ids)}</span></th></tr>')
        for i in ids:
            cs = by_id[i]
            inv = data["invariants"].get(i, {})
            cat = next(iter(cs.values())).get("catalogued")
            P.append(f'<tr class="inv" data-id="{_e(i)}"><th class="id" title="{_e(inv.get("statement", ""))}">'
                     f'{_e(i)}' + ("" if cat else ' <span class="badge">uncatalogued</span>') + "</th>")
            for n, (a, mo) in enumerate(cols):
                c = cs.get((a, mo))
                P.append(_cell_html(c, inv, n >= len(cols) / 2) if c else '<td class="na"></td>')
            P.append("</tr>")
    P.append("</tbody></table>")
    # failures, open
    bad = [c for c in data["cells"] if c["outcome"] in BAD]
    if bad:
        P.append(f'<h2 id="failures">Failures ({len(bad)})</h2><div class="failures">')
        for c in bad:
            inv = data["invariants"].get(c["id"], {})
            P.append(f'<details open><summary>{_e(c["id"])} on {_e(c["arch"])}/{_e(c["mode"])}'
                     f'</summary><div>{_e(inv.get("statement", ""))}</div>'
                     f'<pre class="msg">{_e(c.get("message", ""))}</pre>'
                     + (f'<pre class="probe">{_e(c["probe"])}</pre>' if c.get("probe") else "")
                     + "</details>")
        P.append("</div>")
    # timelines
    if data["traces"]:
        P.append('<h2 id="timeline">Start-up timeline</h2><p>The hello probe with '
                 '<code>GODEBUG=rt0trace=1 GOMAXPROCS=1</code>, run the way the suites run it '
                 '(under qemu-user for foreign arches); time from rt0_go\'s first event. '
                 'Hover a bar for its phase and duration. Each arch\'s trace also opens in '
                 'Perfetto (ui.perfetto.dev) or chrome://tracing: <code>trace-&lt;arch&gt;.json</code>.</p>')
        P.append(f'<p class="legend">{tr.legend()}</p>')
        for arch, modes in data["traces"].items():
            P.append(f'<h3>{_e(arch)}</h3>')
            P.append(tr.svg(arch, modes))
            P.append(_stage_table(modes))
            links = [f'<a href="trace-{_e(arch)}.json">trace-{_e(arch)}.json</a>']
            links += [f'<a href="traces/{_e(arch)}-{_e(mo)}.txt">{_e(mo)} trace</a>' for mo in modes]
            P.append("<p>" + " &middot; ".join(links) + "</p>")
    P.append("</body></html>")
    return "\n".join(P)


def _stage_table(modes: dict) -> str:
    parsed = {mo: tr.parse(t.get("text", "")) for mo, t in modes.items()}
    st = {mo: tr.stages(p["events"]) for mo, p in parsed.items()}
    labels = []
    for s in st.values():
        for x in s:
            if x["label"] not in labels:
                labels.append(x["label"])
    rows = ['<table class="stages"><tr><th>stage</th>'
            + "".join(f"<th>{_e(mo)}</th>" for mo in st) + "</tr>"]
    for lab in labels:
        cells = []
        for mo in st:
            v = next((x for x in st[mo] if x["label"] == lab), None)
            cells.append(f"<td>{_e(tr.fmt_us(v['end'] - v['start'])) if v else '-'}</td>")
        rows.append(f"<tr><td>{_e(lab)}</td>{''.join(cells)}</tr>")
    tot = []
    for mo, p in parsed.items():
        ev = p["events"]
        tot.append(f"<td>{_e(tr.fmt_us(ev[-1]['ns'] - ev[0]['ns'])) if ev else '-'}</td>")
    rows.append(f"<tr><th>total</th>{''.join(tot)}</tr></table>")
    return "".join(rows)


# ---------------------------------------------------------------- files

OWNED = ["index.html", "summary.md", "summary.json", "junit.xml", "run.json"]


def clean(out: Path):
    """Removes what an earlier run wrote here (only the files this driver owns)."""
    for n in OWNED:
        (out / n).unlink(missing_ok=True)
    for p in out.glob("trace-*.json"):
        p.unlink()
    for d in ("suites", "traces"):
        if (out / d).is_dir():
            for p in (out / d).iterdir():
                if p.is_file():
                    p.unlink()


# run.json: what a report folder says about its run, for ci/conformance --merge.
RUN_FORMAT = "rt0-conformance-run"
RUN_VERSION = 1


def run_record(data: dict) -> dict:
    """run.json: the report's whole data set (`new_data`; its cells carry
    everything the pages show), with the facts a merge checks on top: the
    columns, the catalogue's sha256, the tools, the verdict."""
    ok, word = verdict(data)
    m = data["meta"]
    return {"format": RUN_FORMAT, "version": RUN_VERSION, "ok": ok, "verdict": word,
            "columns": list(data["arches"]),
            "catalogue_sha256": m.get("catalogue_sha256"),
            "tools": {k: m.get(k) for k in ("commit", "python", "pytest")},
            "data": data}


def write_all(data: dict, out: Path) -> list[str]:
    """Every report file of data into out (the normal run's and a merge's):
    run.json, summary.json, summary.md, index.html, the traces."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for arch, modes in data["traces"].items():
        (out / "traces").mkdir(exist_ok=True)
        for mo, t in modes.items():
            (out / "traces" / f"{arch}-{mo}.txt").write_text(t.get("text", ""))
        (out / f"trace-{arch}.json").write_text(json.dumps(tr.chrome(arch, modes)))
        written.append(f"trace-{arch}.json")
    (out / "run.json").write_text(json.dumps(run_record(data)))
    (out / "summary.json").write_text(json.dumps(summary_json(data), indent=1))
    (out / "summary.md").write_text(markdown(data))
    (out / "index.html").write_text(html_page(data))
    return ["index.html", "summary.md", "summary.json", "run.json"] + written


def safe_name(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", s)
