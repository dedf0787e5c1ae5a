"""Start-up traces: parsing (TRACE.md v1), stages, Chrome trace events, SVG."""
import json

from rt0driver import trace

TEXT = """hello, world
rt0 trace v=1 arch=amd64 link=internal ptrsize=8 pagesize=4096
rt0 ev seq=0 phase=runtime.rt0_go goid=0 m=0 g0=1 sp=0x7ffc0010 ns=1000
rt0 ev seq=1 phase=runtime.schedinit goid=0 m=0 g0=1 sp=0x7ffc0010 ns=2000
rt0 ev seq=2 phase=runtime.stackalloc goid=0 m=0 g0=1 ns=2500 size=65536
rt0 ev seq=3 phase=runtime.procresize goid=0 m=0 g0=1 ns=3000 nprocs=1
rt0 ev seq=4 phase=runtime.stackalloc goid=0 m=0 g0=1 ns=4000 size=65536
rt0 ev seq=5 phase=runtime.newproc goid=0 m=0 g0=1 ns=5000 newg=1
rt0 ev seq=6 phase=runtime.main goid=1 m=0 g0=0 ns=6000
rt0 fact argv.1=hello%20world
rt0 ev seq=8 phase=runtime.exit goid=1 m=0 g0=0 ns=9000 code=0
rt0 ev seq=7 phase=main.main goid=1 m=0 g0=0 ns=8000
"""


def test_parse():
    p = trace.parse(TEXT)
    assert p["header"]["arch"] == "amd64" and p["header"]["pagesize"] == 4096
    assert [e["seq"] for e in p["events"]] == list(range(9))
    assert p["events"][0]["sp"] == 0x7ffc0010
    assert p["facts"]["argv.1"] == "hello world"
    assert p["other"] == ["hello, world"]


def test_stages():
    st = {s["name"]: (s["start"], s["end"]) for s in trace.stages(trace.parse(TEXT)["events"])}
    assert st["runtime.rt0_go"] == (0, 1000)
    # schedinit's own stackalloc stays in schedinit; goroutine 1's starts newproc
    assert st["runtime.schedinit"] == (1000, 3000)
    assert st["runtime.newproc"] == (3000, 5000)
    assert st["main.main"] == (7000, 8000)


def test_chrome_and_svg():
    t = trace.chrome("amd64", {"internal": {"text": TEXT}})
    json.dumps(t)
    x = [e for e in t["traceEvents"] if e["ph"] == "X"]
    main = next(e for e in x if e["name"] == "runtime.main")
    assert main["tid"] == 2 and main["ts"] == 5.0 and main["dur"] == 2.0
    assert next(e for e in x if e["name"] == "runtime.rt0_go")["args"]["sp"] == "0x7ffc0010"
    assert any(e["ph"] == "i" and e["name"] == "runtime.exit" for e in t["traceEvents"])
    svg = trace.svg("amd64", {"internal": {"text": TEXT}, "external": {"text": "", "error": "exit status 2"}})
    assert svg.startswith("<svg") and "exit status 2" in svg and "runtime.main" in svg
