"""ci/conformance --merge DIR... [--reports OUT]: several runs' report folders
folded into one report, as if one run had made all their columns.

The matrix runs as independent CI jobs (one per implementation and arch),
each writing its report folder; the last job gathers the folders and merges
them. Nothing is built or run: each folder's run.json (report.run_record)
gives its data set, the data sets are joined, and report.write_all writes
the merged report, the same writer as a normal run's. junit.xml is pytest's
own file in a normal run: the parts' junit.xml are joined into one test
suite. The parts' suites/ files (the Criterion XML and logs the cells link
to) are copied; their build.log stay in their folders.

Rules (usage errors, exit 4, one line naming the folders):
  - each DIR is an rt0 report folder (its .rt0-reports marker) holding a
    run.json of this format, and no run is writing it now;
  - a folder given twice, or the output folder among the inputs;
  - every part was judged by the same catalogue (the sha256 of the
    catalogue files) and built with the same fault, or none;
  - a column (amd64, go1.19/arm64, host) comes from one part only: the same
    column in two folders is refused even when their cells agree, since a
    merge cannot tell a repeated job from two different runs of it, and
    whichever it kept, the report would hide the other.
The merged verdict is PASSED only when every part's was: the parts' errors
are carried over, named by folder. Exit status as a normal run's: 0 PASSED,
1 not PASSED, 2 a part was interrupted, 4 a usage error, 5 no part ran any
test.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from rt0model.catalogue import GOARCHES, HOST

from . import report, reportdir

USAGE_ERROR, INTERRUPTED, FAILED, NO_TESTS = 4, 2, 1, 5
SUITE_FILE = re.compile(r"^[\w.-]+\.(xml|log|json)$")


class MergeError(Exception):
    """The merge cannot be made; the message says why, in one line."""


@dataclasses.dataclass
class Part:
    folder: Path  # as given
    record: dict  # its run.json

    @property
    def data(self) -> dict:
        return self.record["data"]

    @property
    def columns(self) -> list[str]:
        return list(self.record.get("columns") or [])


def read_part(folder: Path) -> Part:
    """A report folder's run record, or MergeError."""
    if not folder.is_dir():
        raise MergeError(f"{folder}: no such folder")
    if not (folder / reportdir.MARKER).is_file():
        raise MergeError(f"{folder}: not an rt0 report folder (no {reportdir.MARKER} marker): "
                         "give --merge the folders ci/conformance --reports wrote")
    holder = reportdir.busy(folder)
    if holder is not None:
        raise MergeError(f"{folder}: a conformance run is writing it"
                         + (f" ({holder})" if holder else "") + ": wait for it to end")
    path = folder / "run.json"
    if not path.is_file():
        raise MergeError(f"{folder}: an rt0 report folder without run.json (written by a driver "
                         "older than --merge, or the run ended before its reports): run it again")
    try:
        rec = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise MergeError(f"{path}: cannot read it: {e}") from None
    if not isinstance(rec, dict) or rec.get("format") != report.RUN_FORMAT \
            or not isinstance(rec.get("data"), dict):
        raise MergeError(f"{path}: not an rt0 run record")
    if rec.get("version") != report.RUN_VERSION:
        raise MergeError(f"{path}: run record version {rec.get('version')}; this driver reads "
                         f"version {report.RUN_VERSION}: merge with the driver that wrote it")
    data = report.new_data()
    data.update(rec["data"])
    rec["data"] = data
    return Part(folder, rec)


def column_order(col: str) -> tuple:
    """rt0's columns by arch, then each Go toolchain's (by version), host last:
    a normal run's order (ctest.CtestInfo.arches), native arch aside."""
    impl, _, arch = col.rpartition("/")
    if col == HOST:
        return (2,)
    ver = tuple(int(x) for x in re.findall(r"\d+", impl))
    rank = GOARCHES.index(arch) if arch in GOARCHES else len(GOARCHES)
    return (1 if impl else 0, ver, impl, rank, arch)


def _one(parts: list[Part], what: str, get) -> None:
    """Raises unless every part has the same value of get(part)."""
    first = parts[0]
    for p in parts[1:]:
        if get(p) != get(first):
            raise MergeError(f"{first.folder} and {p.folder} were run with different {what} "
                             f"({get(first) or 'none'}; {get(p) or 'none'}): "
                             "only runs of the same catalogue and runtime merge")


def check(parts: list[Part], out: Path | None = None):
    """The merge rules (module docstring): MergeError when one is broken."""
    if not parts:
        raise MergeError("--merge: give at least one report folder")
    seen: dict[Path, Part] = {}
    for p in parts:
        r = p.folder.resolve()
        if r in seen:
            raise MergeError(f"{p.folder}: given twice (as {seen[r].folder} too)")
        seen[r] = p
    if out is not None and out.resolve() in seen:
        raise MergeError(f"--reports {out}: the merged report cannot replace one of its parts "
                         "(give --reports a new folder)")

    def cat(p):
        return p.record.get("catalogue_sha256")
    first = parts[0]
    for p in parts[1:]:
        if cat(p) != cat(first):
            raise MergeError(
                f"{first.folder} and {p.folder} were judged by different catalogues "
                f"(sha256 {str(cat(first))[:12]}; {str(cat(p))[:12]}): merge only runs of the same "
                "conformance/invariants*.toml (the same commit)")
    _one(parts, "faults built in", lambda p: p.data["meta"].get("fault"))
    owner: dict[str, Part] = {}
    for p in parts:
        for col in p.columns:
            if col in owner:
                raise MergeError(f"column {col} is in both {owner[col].folder} and {p.folder}: "
                                 "each column must come from one run (give each job its own "
                                 "--arch and --impl)")
            owner[col] = p


def merge(parts: list[Part]) -> dict:
    """The parts' data sets as one (report.new_data); check() first."""
    data = report.new_data()
    order = next((p.data["catalogue_order"] for p in parts if p.data.get("catalogue_order")), [])
    rank = {i: n for n, i in enumerate(order)}
    cols = sorted({c for p in parts for c in p.columns}, key=column_order)
    data["arches"] = cols
    data["catalogue_order"] = list(order)
    invariants, errors, metas = {}, [], []
    for p in parts:
        d = p.data
        for k in ("modes", "notrun", "traces"):
            data[k].update({c: v for c, v in d[k].items() if c in cols})
        data["cells"] += d["cells"]
        invariants.update(d["invariants"])
        m = d["meta"]
        metas.append(m)
        errors += [f"{p.folder}: {e}" for e in m.get("errors") or []]
        if not d["cells"] and not m.get("errors") and not p.record.get("ok"):
            errors.append(f"{p.folder}: {p.record.get('verdict')}")
    data["notrun"] = {c: data["notrun"][c] for c in cols if c in data["notrun"]}
    data["traces"] = {c: data["traces"][c] for c in cols if c in data["traces"]}
    data["invariants"] = dict(sorted(invariants.items(), key=lambda kv: rank.get(kv[0], len(rank))))
    at = {c: i for i, c in enumerate(cols)}
    # a normal run's cell order (plugin._collect): by column and mode, then by
    # catalogue rank, uncatalogued ids last
    data["cells"].sort(key=lambda c: (at.get(c["arch"], len(at)), c["mode"]))
    data["cells"].sort(key=lambda c: (0 if c.get("catalogued") else 1, rank.get(c["id"], 0)))

    def joined(key):
        vals = []
        for m in metas:
            v = m.get(key)
            if v not in (None, "") and v not in vals:
                vals.append(v)
        return ", ".join(str(v) for v in vals) or None

    started = [m["started"] for m in metas if m.get("started")]
    data["meta"] = {
        "started": min(started) if started else None,
        "seconds": max([m.get("seconds") or 0 for m in metas] or [0]),
        "build_dir": joined("build_dir"), "fault": metas[0].get("fault") if metas else None,
        "catalogue": metas[0].get("catalogue") if metas else None,
        "catalogue_exists": all(m.get("catalogue_exists", True) for m in metas),
        "catalogue_sha256": parts[0].record.get("catalogue_sha256"),
        "filters": {}, "argv": ["--merge"] + [str(p.folder) for p in parts],
        "errors": errors,
        "interrupted": any(m.get("interrupted") for m in metas),
        "python": sys.version.split()[0], "pytest": joined("pytest"), "commit": joined("commit"),
        "parts": [{"folder": str(p.folder), "columns": p.columns, "ok": bool(p.record.get("ok")),
                   "verdict": p.record.get("verdict"), "started": p.data["meta"].get("started"),
                   "seconds": p.data["meta"].get("seconds"),
                   "build_dir": p.data["meta"].get("build_dir"),
                   "commit": p.data["meta"].get("commit"), "argv": p.data["meta"].get("argv"),
                   "filters": p.data["meta"].get("filters")} for p in parts],
    }
    # PASSED only if every part passed, whatever the joined cells say
    ok, _ = report.verdict(data)
    if ok:
        data["meta"]["errors"] += [f"{p.folder}: its run said {p.record.get('verdict')}"
                                   for p in parts if not p.record.get("ok")]
    return data


# ------------------------------------------------------------------ files

def _junit_root(p: Part) -> ET.Element | None:
    f = p.folder / "junit.xml"
    if not f.is_file():
        return None  # a run that stopped before pytest wrote it (a failed build)
    try:
        return ET.parse(f).getroot()
    except (OSError, ET.ParseError) as e:
        raise MergeError(f"{f}: cannot read it: {e}") from None


def merge_junit(parts: list[Part]) -> bytes | None:
    """The parts' junit.xml (pytest's) as one <testsuite>, the counts summed;
    None when no part has one."""
    roots = [(p, r) for p in parts if (r := _junit_root(p)) is not None]
    if not roots:
        return None
    out = ET.Element("testsuite", name="pytest")
    counts = {"errors": 0, "failures": 0, "skipped": 0, "tests": 0}
    seconds, stamps, hosts = 0.0, [], []
    for _, root in roots:
        for ts in ([root] if root.tag == "testsuite" else root.findall("testsuite")):
            for k in counts:
                counts[k] += int(ts.get(k) or 0)
            seconds += float(ts.get("time") or 0)
            if ts.get("timestamp"):
                stamps.append(ts.get("timestamp"))
            if ts.get("hostname") and ts.get("hostname") not in hosts:
                hosts.append(ts.get("hostname"))
            out.extend(ts.findall("testcase"))
    for k, v in counts.items():
        out.set(k, str(v))
    out.set("time", f"{seconds:.3f}")
    if stamps:
        out.set("timestamp", min(stamps))
    if hosts:
        out.set("hostname", ",".join(hosts))
    top = ET.Element("testsuites")
    top.append(out)
    return ET.tostring(top, encoding="utf-8", xml_declaration=True)


def suite_files(parts: list[Part]) -> dict[str, Path]:
    """name -> the part's suites/ file to copy (the logs and XML cells link
    to); MergeError when two parts have a file of the same name."""
    files: dict[str, Path] = {}
    for p in parts:
        d = p.folder / "suites"
        if not d.is_dir():
            continue
        for f in sorted(d.iterdir()):
            if not (f.is_file() and SUITE_FILE.match(f.name)):
                continue
            if f.name in files:
                raise MergeError(f"suites/{f.name} is in both {files[f.name].parents[1]} and "
                                 f"{p.folder}: the same suite run in two parts")
            files[f.name] = f
    return files


def write(parts: list[Part], out: Path) -> tuple[dict, list[str]]:
    """The merged report into out (claimed and locked as a run's folder)."""
    check(parts, out)
    data = merge(parts)
    junit = merge_junit(parts)
    copies = suite_files(parts)
    try:
        reportdir.claim(out)
        lock = reportdir.Lock(out)
        lock.acquire()
    except reportdir.ReportDirError as e:
        raise MergeError(str(e)) from None
    try:
        report.clean(out)
        if copies:
            (out / "suites").mkdir(exist_ok=True)
            for name, src in copies.items():
                shutil.copyfile(src, out / "suites" / name)
        written = report.write_all(data, out)
        if junit is not None:
            (out / "junit.xml").write_bytes(junit)
            written.append("junit.xml")
    finally:
        lock.release()
    return data, written


# ------------------------------------------------------------------ command

class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"ci/conformance: {message}", file=sys.stderr)
        sys.exit(USAGE_ERROR)


def exit_status(data: dict) -> int:
    ok, _ = report.verdict(data)
    if ok:
        return 0
    if data["meta"].get("interrupted"):
        return INTERRUPTED
    # nothing ran anywhere, though every part's build was read (a failed
    # build has no columns): a normal run's "no test ran"
    if not data["cells"] and all(p["columns"] for p in data["meta"]["parts"]):
        return NO_TESTS
    return FAILED


def main(argv: list[str] | None = None) -> int:
    ap = _Parser(prog="ci/conformance --merge",
                 description="Merges report folders of separate ci/conformance runs (one per "
                             "implementation and arch, say) into one report. Builds and runs nothing.")
    ap.add_argument("--merge", nargs="+", required=True, metavar="DIR", type=Path,
                    help="the report folders (each one run's --reports)")
    ap.add_argument("--reports", type=Path, metavar="OUT",
                    default=Path(os.environ.get("RT0_REPORTS") or "reports"),
                    help="the merged report's folder (default: $RT0_REPORTS or reports)")
    args = ap.parse_args(argv)
    try:
        parts = [read_part(d) for d in args.merge]
        data, written = write(parts, args.reports)
    except MergeError as e:
        print(f"ci/conformance --merge: {e}", file=sys.stderr)
        return USAGE_ERROR
    for text, _ in report.terminal_lines(data):
        print(text)
    print(f"reports: {args.reports}/ ({', '.join(written)}"
          + (", suites/" if (args.reports / "suites").is_dir() else "") + ")")
    return exit_status(data)


if __name__ == "__main__":
    sys.exit(main())
