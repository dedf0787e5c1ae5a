#!/usr/bin/env python3
"""go_results.py: the catalogue judged against real Go toolchains, id by id.

Reads the Criterion XML reports of the Go registrations (cmake/go.cmake:
<group>.<impl>.<arch>.<mode>, written to BUILD/criterion/ by
`ctest --preset go`), maps every test to its catalogue id, and joins the
hand-made classification of each failure (conformance/go-classification.toml:
why it fails, with evidence) into conformance/go-results.tsv:

  id  group  impl  arch  mode  result  class  detail

result: pass, fail, skip (the catalogue's exception), or norun (the suite
produced no report for that cell: its probe has no Go twin, or it crashed).
class: pass | version (a Go-version difference, evidence: Go source
file:line) | rt0-mistake (the catalogue or rt0 is wrong) | cannot-observe
(the suites observe it through rt0's own trace, an rt0-only probe or
symbol, or a fact Go cannot give) | skip | unclassified (a failure nobody
has judged yet: the tool exits 1 while any is left).

Usage: go_results.py [--build-dir build/default] [--out conformance/go-results.tsv]
Prints the counts per impl x arch. Python 3.11 standard library only.
"""
import argparse
import fnmatch
import glob
import os
import re
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
CONFORMANCE = os.path.dirname(HERE)
sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, CONFORMANCE)
from rt0model import catalogue  # noqa: E402
TESTCASE = re.compile(r'<testcase name="(?P<name>[^"]+)"[^>]*status="(?P<status>[A-Z]+)"[^>]*>(?P<body>.*?)</testcase>', re.S)
REPORT = re.compile(r"^(?P<suite>[a-z0-9_-]+)\.(?P<impl>go[0-9.]+)\.(?P<arch>[a-z0-9]+)\.(?P<mode>internal|external)\.xml$")


def load_classes(path):
    with open(path, "rb") as f:
        data = tomllib.load(f)
    rules = data.get("class", [])
    for r in rules:
        for k in ("ids", "class", "evidence"):
            if k not in r:
                raise SystemExit(f"{path}: a [[class]] without {k}: {r}")
        if r["class"] not in ("version", "rt0-mistake", "cannot-observe"):
            raise SystemExit(f"{path}: unknown class {r['class']}")
    return rules


def classify(rules, entry, impl, arch, mode, detail):
    """The first rule whose patterns match (ids, impls, arches, modes: shell
    patterns; observed: the catalogue's observed field; seen: a regular
    expression the failure message must contain), or None."""
    ident = entry.id
    for r in rules:
        if "seen" in r and not re.search(r["seen"], detail):
            continue
        if not any(fnmatch.fnmatchcase(ident, p) for p in r["ids"]):
            continue
        if "observed" in r and entry.observed not in r["observed"]:
            continue
        if not any(fnmatch.fnmatchcase(impl, p) for p in r.get("impls", ["*"])):
            continue
        if not any(fnmatch.fnmatchcase(arch, p) for p in r.get("arches", ["*"])):
            continue
        if not any(fnmatch.fnmatchcase(mode, p) for p in r.get("modes", ["*"])):
            continue
        return r
    return None


def first_line(s):
    s = (s or "").strip()
    s = re.sub(r"^/\S+?\.c:\d+: ", "", s)
    return re.sub(r"\s+", " ", s.split("\n")[0])[:200]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", default="build/default")
    ap.add_argument("--out", default=os.path.join(CONFORMANCE, "go-results.tsv"))
    ap.add_argument("--classes", default=os.path.join(CONFORMANCE, "go-classification.toml"))
    args = ap.parse_args()

    entries = {e.test_name: e for e in catalogue.load()}
    rules = load_classes(args.classes)
    results = {}  # (id, impl, arch, mode) -> (result, detail)
    cells = set()
    for path in sorted(glob.glob(os.path.join(args.build_dir, "criterion", "*.xml"))):
        m = REPORT.match(os.path.basename(path))
        if not m:
            continue
        cell = (m["impl"], m["arch"], m["mode"])
        cells.add(cell)
        # Criterion copies the probes' stderr into the XML as it is
        # (control bytes, non-UTF-8 bytes, strace's "<unfinished ...>"):
        # not always XML, so the test cases are read with a pattern.
        with open(path, "rb") as f:
            raw = f.read().decode("utf-8", errors="replace")
        for tc in TESTCASE.finditer(raw):
            e = entries.get(tc["name"])
            # One binary holds every group's tests; a run of one group
            # (--filter) reports the others as skipped.
            if e is None or e.group != m["suite"]:
                continue
            status, body = tc["status"], tc["body"]
            if status == "PASSED":
                res, detail = "pass", ""
            elif status == "SKIPPED" or "<skipped" in body:
                res, detail = "skip", first_line(re.sub(r"<[^>]*skipped[^>]*>", "", body))
            else:
                res = "fail"
                m2 = re.search(r"<failure[^>]*>(?:<!\[CDATA\[)?(.*?)(?:\]\]>|&#10;|</failure>)", body, re.S)
                detail = first_line(m2.group(1) if m2 else status)
            results[(e.id, *cell)] = (res, detail)

    rows, unclassified = [], 0
    counts = {}
    for cell in sorted(cells):
        impl, arch, mode = cell
        for e in entries.values():
            if e.unit_level:
                continue
            ok, _ = e.applies(arch, mode)
            if not ok and (e.id, *cell) not in results:
                continue  # not this cell's, by the catalogue
            res, detail = results.get((e.id, *cell), ("norun", "no report for this test"))
            if res == "pass":
                cls, ev = "pass", ""
            elif res == "skip":
                cls, ev = "skip", detail
            else:
                r = classify(rules, e, impl, arch, mode, detail)
                if r is None:
                    cls, ev = "unclassified", detail
                    unclassified += 1
                else:
                    cls, ev = r["class"], f"{r['evidence']} | seen: {detail}"
            rows.append((e.id, e.group, impl, arch, mode, res, cls, ev))
            counts.setdefault((impl, arch, mode), {}).setdefault(cls, 0)
            counts[(impl, arch, mode)][cls] += 1
    rows.sort(key=lambda r: (r[1], r[0], r[2], r[3], r[4]))
    with open(args.out, "w") as f:
        f.write("# conformance/tools/go_results.py output: the catalogue against real Go toolchains;\n")
        f.write("# classes and evidence from conformance/go-classification.toml.\n")
        f.write("id\tgroup\timpl\tarch\tmode\tresult\tclass\tdetail\n")
        for r in rows:
            f.write("\t".join(x.replace("\t", " ") for x in r) + "\n")
    classes = ["pass", "version", "rt0-mistake", "cannot-observe", "skip", "unclassified"]
    print("impl    arch     mode      " + " ".join(f"{c:>14}" for c in classes))
    for k in sorted(counts):
        print(f"{k[0]:<7} {k[1]:<8} {k[2]:<9} " + " ".join(f"{counts[k].get(c, 0):>14}" for c in classes))
    print(f"{len(rows)} rows in {os.path.relpath(args.out)}; {unclassified} unclassified")
    return 1 if unclassified else 0


if __name__ == "__main__":
    sys.exit(main())
