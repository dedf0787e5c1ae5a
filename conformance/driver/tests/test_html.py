"""The HTML report in headless Chromium: the matrix is there, and a failing
cell opens on its statement, its assertion message and the probe's output.
The page is made from a small synthetic result set with one failure."""
from html.parser import HTMLParser

from rt0driver import report

TRACE = """rt0 trace v=1 arch=amd64 link=internal ptrsize=8
rt0 ev seq=0 phase=runtime.rt0_go goid=0 m=0 g0=1 ns=1000
rt0 ev seq=1 phase=runtime.schedinit goid=0 m=0 g0=1 ns=5000
rt0 ev seq=2 phase=runtime.newproc goid=0 m=0 g0=1 ns=9000 newg=1
rt0 ev seq=3 phase=runtime.main goid=1 m=0 g0=0 ns=9500
rt0 ev seq=4 phase=main.main goid=1 m=0 g0=0 ns=12000
rt0 ev seq=5 phase=runtime.exit goid=1 m=0 g0=0 ns=12500 code=0
"""

FAIL_KEY = "MAIN-GOID-1/arm64/internal"


def synthetic() -> dict:
    d = report.new_data()
    d["meta"] = {"started": "2025-01-01T00:00:00", "seconds": 12.0, "build_dir": "build/default",
                 "catalogue": "conformance/invariants.toml", "catalogue_exists": True}
    d["arches"] = ["amd64", "arm64", "riscv64"]
    d["modes"] = {a: ["internal", "external"] for a in d["arches"]}
    d["notrun"] = {"riscv64": "not run: riscv64: no riscv64 sysroot in /x: run ci/setup riscv64"}
    d["invariants"] = {
        "MAIN-GOID-1": {"statement": "main.main runs on goroutine 1.", "evidence": "proc.go:144",
                        "observed": "trace"},
        "EXIT-CODE-0": {"statement": "Returning from main.main exits with status 0.",
                        "evidence": "proc.go:283", "observed": "exit"}}
    for inv, group in (("MAIN-GOID-1", "main"), ("EXIT-CODE-0", "exits")):
        for a in d["arches"]:
            for m in ("internal", "external"):
                c = {"id": inv, "group": group, "arch": a, "mode": m, "catalogued": True,
                     "test": inv.lower().replace("-", "_"), "suites": ["startup"],
                     "outcome": "notrun" if a == "riscv64" else "pass", "message": "",
                     "notrun": d["notrun"].get(a)}
                d["cells"].append(c)
    fail = next(c for c in d["cells"] if f'{c["id"]}/{c["arch"]}/{c["mode"]}' == FAIL_KEY)
    fail.update(outcome="fail",
                message="startup.arm64.internal: startup::main_goid_1 FAILED\n"
                        "  startup.c:210: expected main.main on goroutine 1, saw goroutine 2",
                probe="probe hello exited with status 0; stderr (tail):\n"
                      "rt0 ev seq=32 phase=main.main goid=2 <tail & end>",
                runs=[{"name": "startup.arm64.internal", "synthesis": "Tested: 37 | Failing: 1",
                       "log": "suites/startup.arm64.internal.log",
                       "xml": "suites/startup.arm64.internal.xml"}])
    d["cells"].append({"id": "SEQ-STARTS-AT-0", "group": "startup", "arch": "amd64",
                       "mode": "internal", "catalogued": False, "outcome": "pass", "message": ""})
    d["traces"] = {"amd64": {"internal": {"text": TRACE}, "external": {"text": TRACE}}}
    return d


class Cells(HTMLParser):
    """Collects the matrix's cells: data-key -> {class, open, text}."""

    def __init__(self):
        super().__init__()
        self.cells, self.rows, self.cur, self.depth, self.tables = {}, 0, None, 0, set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.tables.add(a.get("class"))
        if tag == "tr" and "inv" in (a.get("class") or "").split():
            self.rows += 1
        if tag == "td" and "data-key" in a:
            self.cur = {"class": a.get("class", ""), "open": False, "text": "", "focus": False}
            self.cells[a["data-key"]] = self.cur
            self.depth = 0
        if self.cur is not None:
            if tag == "td":
                self.depth += 1
            if tag == "details" and "open" in a:
                self.cur["open"] = True

    def handle_endtag(self, tag):
        if self.cur is not None and tag == "td":
            self.depth -= 1
            if self.depth == 0:
                self.cur = None

    def handle_data(self, data):
        if self.cur is not None:
            self.cur["text"] += data


def test_page_in_chromium(tmp_path, chromium):
    page = tmp_path / "index.html"
    page.write_text(report.html_page(synthetic()))
    # no external assets: nothing is fetched
    text = page.read_text()
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in text and "<link" not in text and "src=" not in text

    dom = chromium(f"file://{page}#cell={FAIL_KEY}", "--dump-dom")
    p = Cells()
    p.feed(dom)
    assert "matrix" in p.tables and "summary" in p.tables
    assert p.rows == 3  # MAIN-GOID-1, EXIT-CODE-0, SEQ-STARTS-AT-0
    assert len(p.cells) == 13
    fail = p.cells[FAIL_KEY]
    assert "fail" in fail["class"].split()
    assert fail["open"], "the page's script opens the cell named in #cell="
    assert "focus" in fail["class"].split()
    assert "main.main runs on goroutine 1." in fail["text"]
    assert "proc.go:144" in fail["text"]
    assert "expected main.main on goroutine 1, saw goroutine 2" in fail["text"]
    assert "rt0 ev seq=32 phase=main.main goid=2 <tail & end>" in fail["text"]
    others = [k for k, c in p.cells.items() if c["open"]]
    assert others == [FAIL_KEY]
    assert "not run: riscv64:" in p.cells["MAIN-GOID-1/riscv64/internal"]["text"]
    assert "notrun" in p.cells["MAIN-GOID-1/riscv64/internal"]["class"].split()
    assert 'id="verdict">FAILED: 1 unexpected failure, 4 cells not run (riscv64)<' in dom
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="timeline"' in dom

    shot = tmp_path / "page.png"
    chromium(f"file://{page}#cell={FAIL_KEY}", f"--screenshot={shot}", "--window-size=1200,900")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10000
