"""Start-up traces (conformance/TRACE.md, protocol v1): parsing, the stages of
start-up, Chrome trace-event JSON (opens in Perfetto / chrome://tracing) and
an inline SVG timeline."""
from __future__ import annotations

import html
import math
import urllib.parse

# Start-up stages: each begins at the first event of its phase and lasts until
# the next stage that the trace has (DESIGN section 1).
STAGES = [
    ("runtime.rt0_go", "entry: rt0_go, check, args, osinit", "#6c8ebf"),
    ("runtime.schedinit", "schedinit", "#82b366"),
    ("runtime.newproc", "newproc(runtime.main), mstart", "#d6b656"),
    ("runtime.main", "runtime.main: runtime init, gcenable", "#b85450"),
    ("runtime.doInit", "package inits", "#9673a6"),
    ("main.main", "main.main", "#d79b00"),
]
EXIT_COLOR = "#666666"  # runtime.exit: a point, the end of the last stage


def _value(v: str) -> str | int:
    v = urllib.parse.unquote(v)
    try:
        return int(v, 0)
    except ValueError:
        return v


def parse(text: str) -> dict:
    header: dict = {}
    events: list[dict] = []
    facts: dict = {}
    other: list[str] = []
    for line in text.splitlines():
        if not line.startswith("rt0 "):
            other.append(line)
            continue
        parts = line.split(" ")
        kind, fields = parts[1] if len(parts) > 1 else "", {}
        for f in parts[2:]:
            if "=" in f:
                k, v = f.split("=", 1)
                fields[k] = _value(v)
        if kind == "trace":
            header = fields
        elif kind == "ev" and "seq" in fields and "ns" in fields:
            events.append(fields)
        elif kind == "fact":
            facts.update(fields)
    events.sort(key=lambda e: e["seq"])
    return {"header": header, "events": events, "facts": facts, "other": other}


def stages(events: list[dict]) -> list[dict]:
    """[{name, label, color, start, end}] in ns relative to the first event."""
    if not events:
        return []
    t0 = events[0]["ns"]
    end = events[-1]["ns"]
    marks = []
    for phase, label, color in STAGES:
        for i, e in enumerate(events):
            p = e.get("phase")
            # goroutine 1's stack is allocated just before newproc records it
            if p == phase or (phase == "runtime.newproc" and p == "runtime.stackalloc"
                              and _after_schedinit(events, i)):
                marks.append((e["ns"] - t0, phase, label, color))
                break
    marks.sort()
    out = []
    for i, (start, phase, label, color) in enumerate(marks):
        stop = marks[i + 1][0] if i + 1 < len(marks) else end - t0
        out.append({"name": phase, "label": label, "color": color,
                    "start": start, "end": max(stop, start)})
    return out


def _after_schedinit(events: list[dict], i: int) -> bool:
    """Whether events[i] comes after schedinit's last step (procresize)."""
    seen = [j for j, e in enumerate(events) if e.get("phase") == "runtime.procresize"]
    return bool(seen) and i > seen[0]


def slices(events: list[dict]) -> list[dict]:
    """Each event as a slice on its goroutine, lasting until the next event."""
    if not events:
        return []
    t0 = events[0]["ns"]
    out = []
    for i, e in enumerate(events):
        nxt = events[i + 1]["ns"] if i + 1 < len(events) else e["ns"]
        out.append({"phase": str(e.get("phase", "?")), "goid": e.get("goid", 0),
                    "m": e.get("m", 0), "start": e["ns"] - t0,
                    "end": max(nxt, e["ns"]) - t0, "seq": e["seq"], "fields": e})
    return out


def chrome(arch: str, traces: dict[str, dict]) -> dict:
    """Chrome trace-event JSON for one arch: a process per link mode, a thread
    per goroutine, plus a "start-up stages" thread. Times in microseconds."""
    ev: list[dict] = []
    for pid, (mode, t) in enumerate(traces.items(), start=1):
        p = parse(t.get("text", ""))
        ev.append({"ph": "M", "name": "process_name", "pid": pid,
                   "args": {"name": f"hello ({arch}, {mode} link)"}})
        ev.append({"ph": "M", "name": "process_sort_index", "pid": pid, "args": {"sort_index": pid}})
        ev.append({"ph": "M", "name": "thread_name", "pid": pid, "tid": 0,
                   "args": {"name": "start-up stages"}})
        goids = sorted({s["goid"] for s in slices(p["events"])})
        for g in goids:
            ev.append({"ph": "M", "name": "thread_name", "pid": pid, "tid": g + 1,
                       "args": {"name": "g0 (m0)" if g == 0 else f"goroutine {g}"}})
        for s in stages(p["events"]):
            ev.append({"ph": "X", "name": s["label"], "cat": "stage", "pid": pid, "tid": 0,
                       "ts": s["start"] / 1000, "dur": (s["end"] - s["start"]) / 1000})
        for s in slices(p["events"]):
            args = {k: (hex(v) if isinstance(v, int) and k in _ADDRS else v)
                    for k, v in s["fields"].items()}
            if s["end"] > s["start"]:
                ev.append({"ph": "X", "name": s["phase"], "cat": "rt0", "pid": pid,
                           "tid": s["goid"] + 1, "ts": s["start"] / 1000,
                           "dur": (s["end"] - s["start"]) / 1000, "args": args})
            else:
                ev.append({"ph": "i", "s": "t", "name": s["phase"], "cat": "rt0", "pid": pid,
                           "tid": s["goid"] + 1, "ts": s["start"] / 1000, "args": args})
        if p["header"]:
            ev.append({"ph": "M", "name": "process_labels", "pid": pid,
                       "args": {"labels": " ".join(f"{k}={v}" for k, v in p["header"].items()
                                                   if k in ("arch", "link", "ptrsize", "g0stack",
                                                            "pagesize"))}})
    return {"traceEvents": ev, "displayTimeUnit": "ns",
            "otherData": {"arch": arch, "source": "GODEBUG=rt0trace=1 hello"}}


_ADDRS = {"sp", "lo", "hi", "newlo", "newhi", "newsp", "newpc", "newret", "stacklo",
          "stackhi", "guard", "entrysp", "goexit", "goexitret"}


def _nice_step(span: float, ticks: int = 8) -> float:
    """A round tick interval (1, 2 or 5 times a power of ten) for span."""
    raw = span / ticks if span > 0 else 1.0
    mag = 10.0 ** math.floor(math.log10(raw))
    for m in (1, 2, 5):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def legend() -> str:
    """The stage colours, as HTML (one legend for every timeline)."""
    return "".join(f'<span class="key"><i style="background:{c}"></i>{html.escape(label)}</span>'
                   for _, label, c in STAGES)


def fmt_us(ns: float) -> str:
    if ns == 0:
        return "0"
    us = ns / 1000
    if us >= 1000:
        return f"{us / 1000:.2f} ms"
    if us >= 10:
        return f"{us:.0f} µs"
    return f"{us:.1f} µs"


def svg(arch: str, traces: dict[str, dict], width: int = 960) -> str:
    """One arch's start-up: per link mode a stage row and a row per goroutine,
    on a shared time axis (µs since rt0_go's first event)."""
    esc = html.escape
    parsed = {m: parse(t.get("text", "")) for m, t in traces.items()}
    span = max((e["events"][-1]["ns"] - e["events"][0]["ns"]
                for e in parsed.values() if e["events"]), default=0)
    left, right, row, gap = 150, 20, 16, 10
    plot = width - left - right
    scale = plot / span if span else 0
    parts, y = [], 24
    step = _nice_step(span / 1000) * 1000 if span else 0

    def x(ns):
        return left + ns * scale

    body = []
    for mode in parsed:
        p = parsed[mode]
        body.append(f'<text x="4" y="{y + 12}" class="mode">{esc(mode)}</text>')
        if not p["events"]:
            err = traces[mode].get("error") or "no events in the trace"
            body.append(f'<text x="{left}" y="{y + 12}" class="err">{esc(err)}</text>')
            y += row + gap
            continue
        total = p["events"][-1]["ns"] - p["events"][0]["ns"]
        body.append(f'<text x="4" y="{y + 26}" class="small">total {esc(fmt_us(total))}</text>')
        for s in stages(p["events"]):
            w = max((s["end"] - s["start"]) * scale, 1)
            tip = f'{s["label"]}: {fmt_us(s["end"] - s["start"])} (from {fmt_us(s["start"])})'
            body.append(f'<rect x="{x(s["start"]):.1f}" y="{y}" width="{w:.1f}" height="{row - 2}" '
                        f'fill="{s["color"]}"><title>{esc(tip)}</title></rect>')
            if w > 60:
                body.append(f'<text x="{x(s["start"]) + 3:.1f}" y="{y + 11}" class="in">'
                            f'{esc(s["name"].removeprefix("runtime."))}</text>')
        y += row
        sl = slices(p["events"])
        for g in sorted({s["goid"] for s in sl}):
            name = "g0" if g == 0 else f"g{g}"
            body.append(f'<text x="{left - 6}" y="{y + 11}" class="lane">{name}</text>')
            for s in sl:
                if s["goid"] != g:
                    continue
                w = max((s["end"] - s["start"]) * scale, 1)
                color = _stage_color(s["phase"])
                tip = f'{s["phase"]} (seq {s["seq"]}, g{g}): {fmt_us(s["end"] - s["start"])}'
                body.append(f'<rect x="{x(s["start"]):.1f}" y="{y + 1}" width="{w:.1f}" '
                            f'height="{row - 4}" fill="{color}" fill-opacity="0.75">'
                            f'<title>{esc(tip)}</title></rect>')
            y += row - 2
        y += gap
    height = y + 4
    # the time axis
    parts.append(f'<line x1="{left}" y1="18" x2="{left + plot}" y2="18" class="axis"/>')
    if step:
        t = 0.0
        while t <= span + 1:
            parts.append(f'<line x1="{x(t):.1f}" y1="14" x2="{x(t):.1f}" y2="{height - 18}" class="tick"/>'
                         f'<text x="{x(t):.1f}" y="11" class="tl">{esc(fmt_us(t))}</text>')
            t += step
    parts += body
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="start-up timeline, {esc(arch)}">{"".join(parts)}</svg>')


def _stage_color(phase: str) -> str:
    order = [p for p, _, _ in STAGES]
    entry = {"runtime.rt0_go", "runtime.check", "runtime.args", "runtime.osinit"}
    if phase in entry:
        return STAGES[0][2]
    sched = {"runtime.schedinit", "runtime.stackinit", "runtime.mallocinit", "runtime.cpuinit",
             "runtime.alginit", "runtime.fastrandinit", "runtime.mcommoninit", "runtime.goargs",
             "runtime.goenvs", "runtime.parsedebugvars", "runtime.gcinit", "runtime.procresize"}
    if phase in sched:
        return STAGES[1][2]
    if phase in ("runtime.newproc", "runtime.mstart", "runtime.stackalloc"):
        return STAGES[2][2]
    if phase == "runtime.doInit":
        return STAGES[4][2]
    if phase == "main.main" or phase.startswith("user."):
        return STAGES[5][2]
    if phase == "runtime.exit":
        return EXIT_COLOR
    if phase in order:
        return STAGES[order.index(phase)][2]
    return STAGES[3][2]  # runtime.main, init, gcenable, background goroutines
