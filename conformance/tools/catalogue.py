#!/usr/bin/python3
"""catalogue.py: the invariant catalogue's tools (DESIGN.md section 5).

The catalogue is conformance/invariants.toml, plus the
conformance/invariants-*.toml beside it (invariants-walk.toml while it is
apart), read as one list of [[invariant]] entries; other tables in them
([[fault]], a suite's data) are left to their own tools. Subcommands:

  format     check the entries: ids unique and UPPER-KEBAB, required fields
             present and well-typed, groups, arches, modes, observed kinds
             and exception selectors known, evidence non-empty
  header     write the C header the suites use for SKIP_IF_EXCEPTION
             (conformance/suites/suite.c): every id with its arches, modes
             and exceptions
  coverage   check that every id has exactly one test, named lower_snake(id),
             that no test names an unknown id, that each id's test is
             registered in ctest for every arch x mode it applies to, and that
             no suite calls cr_skip_test outside SKIP_IF_EXCEPTION; print
             counts of invariants, tests and arch x mode cells
  markdown   write (or, with --check, compare with) conformance/INVARIANTS.md
  json       dump the catalogue as JSON, with the file each entry came from

Python 3.11+ standard library only. Other tools may import this file and use
load(), test_name() and applies().
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
CONFORMANCE = os.path.dirname(HERE)
MAIN_CATALOGUE = os.path.join(CONFORMANCE, "invariants.toml")

GROUPS = [
    ("entry", "Entry and hand-off"),
    ("g0-tls", "g0 and TLS set-up"),
    ("check", "runtime.check"),
    ("args", "args, argv, envp, auxv"),
    ("osinit", "osinit"),
    ("schedinit", "schedinit: order and dependencies"),
    ("knobs", "Knobs: GOMAXPROCS, GOGC, GOMEMLIMIT, GODEBUG, GOTRACEBACK"),
    ("stacks", "Goroutine stacks"),
    ("newproc", "newproc and goexit framing"),
    ("goid", "Goroutine ids"),
    ("mstart", "mstart and the scheduler"),
    ("main", "runtime.main"),
    ("initorder", "Package init order"),
    ("exits", "Exit paths"),
    ("arch", "Per-arch constants"),
    ("walk", "Stack walks"),
]
GROUP_NAMES = [g for g, _ in GROUPS]
GOARCHES = ["amd64", "arm64", "riscv64", "386", "arm", "ppc64le", "s390x"]
MODES = ["internal", "external"]
OBSERVED = ["trace", "fact", "unwind", "exit", "unit", "elf", "syscalls"]
QEMU = "qemu-user"  # exception selector: any arch run under qemu-user
REQUIRED = {
    "id": str,
    "group": str,
    "statement": str,
    "arches": list,
    "modes": list,
    "observed": str,
    "evidence": str,
}
OPTIONAL = {"go119": str, "newgo": str, "exceptions": list}
ID_RE = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)*$")
TEST_RE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")
SKIP_MACRO = "SKIP_IF_EXCEPTION"


class CatalogueError(Exception):
    pass


def catalogue_files(main=MAIN_CATALOGUE):
    """The catalogue's files: main and, when main is invariants.toml, the
    invariants-*.toml beside it (invariants-walk.toml until it is merged),
    as conformance/driver reads them."""
    files = [main]
    if os.path.basename(main) == "invariants.toml":
        here = os.path.dirname(os.path.abspath(main))
        files += sorted(os.path.join(here, f) for f in os.listdir(here)
                        if f.startswith("invariants-") and f.endswith(".toml"))
    return files


def load(main=MAIN_CATALOGUE):
    """Every entry of the catalogue, each a dict with '_file' added."""
    entries = []
    for path in catalogue_files(main):
        try:
            with open(path, "rb") as f:
                data = tomllib.load(f)
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise CatalogueError(f"{path}: {e}") from e
        # Other top-level tables ([[fault]], data for a suite) belong to
        # other tools; only [[invariant]] is the catalogue's.
        for e in data.get("invariant", []):
            e = dict(e)
            e["_file"] = os.path.relpath(path, os.path.dirname(CONFORMANCE))
            entries.append(e)
    return entries


def test_name(ident):
    """MAIN-GOID-1 -> main_goid_1: the name of the id's one test."""
    return ident.lower().replace("-", "_")


def unit_level(entry):
    return entry.get("observed") == "unit"


def applies(entry, arch, mode, qemu=False):
    """(True, None) when entry's test runs for arch and mode (qemu: the arch
    runs under qemu-user), else (False, reason). A cell outside the entry's
    arches or modes is not applicable; an exception cell is skipped with the
    catalogue's reason."""
    arches, modes = entry["arches"], entry["modes"]
    if "all" not in arches and arch not in arches:
        return False, f"applies to {', '.join(arches)} only"
    if mode not in modes:
        return False, f"applies to link mode {', '.join(modes)} only"
    for x in entry.get("exceptions", []):
        if x["arch"] in ("all", arch) or (x["arch"] == QEMU and qemu):
            if x["mode"] in ("all", mode):
                return False, x["reason"]
    return True, None


# ---- format ----------------------------------------------------------------


def format_errors(entries):
    errors = []
    seen = {}
    for n, e in enumerate(entries):
        where = f"{e.get('_file', '?')}: entry {n + 1} ({e.get('id', 'no id')})"
        for key, typ in REQUIRED.items():
            if key not in e:
                errors.append(f"{where}: missing {key}")
            elif not isinstance(e[key], typ):
                errors.append(f"{where}: {key} must be a {typ.__name__}")
        for key in set(e) - set(REQUIRED) - set(OPTIONAL) - {"_file"}:
            errors.append(f"{where}: unknown field {key}")
        for key, typ in OPTIONAL.items():
            if key in e and not isinstance(e[key], typ):
                errors.append(f"{where}: {key} must be a {typ.__name__}")
        ident = e.get("id")
        if isinstance(ident, str):
            if not ID_RE.match(ident):
                errors.append(f"{where}: id {ident!r} is not UPPER-KEBAB")
            if ident in seen:
                errors.append(f"{where}: id {ident} also at entry {seen[ident]}")
            seen.setdefault(ident, n + 1)
        if isinstance(e.get("group"), str) and e["group"] not in GROUP_NAMES:
            errors.append(f"{where}: unknown group {e['group']!r} (known: {', '.join(GROUP_NAMES)})")
        if isinstance(e.get("observed"), str) and e["observed"] not in OBSERVED:
            errors.append(f"{where}: unknown observed {e['observed']!r} (known: {', '.join(OBSERVED)})")
        for key in ("statement", "evidence", "go119", "newgo"):
            if isinstance(e.get(key), str) and not e[key].strip():
                errors.append(f"{where}: empty {key}")
        st = e.get("statement")
        if isinstance(st, str) and st.strip():
            if "\n" in st or not st.rstrip().endswith("."):
                errors.append(f"{where}: the statement must be one sentence ending in '.'")
        arches = e.get("arches")
        if isinstance(arches, list):
            if not arches:
                errors.append(f"{where}: arches is empty")
            elif arches != ["all"]:
                for a in arches:
                    if a not in GOARCHES:
                        errors.append(f"{where}: unknown arch {a!r} (\"all\" or one of {', '.join(GOARCHES)})")
                if len(set(arches)) != len(arches):
                    errors.append(f"{where}: an arch is listed twice")
        modes = e.get("modes")
        if isinstance(modes, list):
            if not modes or any(m not in MODES for m in modes) or len(set(modes)) != len(modes):
                errors.append(f"{where}: modes must be [\"internal\", \"external\"] or one of them")
        if ("go119" in e) != ("newgo" in e):
            errors.append(f"{where}: go119 and newgo go together (record both where Go 1.19 and current Go differ)")
        for x in e.get("exceptions", []) if isinstance(e.get("exceptions"), list) else []:
            if not isinstance(x, dict) or set(x) != {"arch", "mode", "reason"}:
                errors.append(f"{where}: an exception is {{arch, mode, reason}}")
                continue
            if x["arch"] not in GOARCHES + ["all", QEMU]:
                errors.append(f"{where}: exception arch {x['arch']!r} (a GOARCH, \"all\" or \"{QEMU}\")")
            if x["mode"] not in MODES + ["all"]:
                errors.append(f"{where}: exception mode {x['mode']!r} (internal, external or all)")
            if not isinstance(x["reason"], str) or not x["reason"].strip():
                errors.append(f"{where}: an exception needs a reason")
    return errors


def cmd_format(args):
    entries = load(args.catalogue)
    errors = format_errors(entries)
    for msg in errors:
        print(f"catalogue.format: {msg}")
    groups = {}
    for e in entries:
        groups[e.get("group")] = groups.get(e.get("group"), 0) + 1
    files = ", ".join(os.path.relpath(p, os.getcwd()) for p in catalogue_files(args.catalogue))
    print(f"catalogue.format: {len(entries)} invariants in {files}; "
          + ", ".join(f"{g} {groups[g]}" for g in GROUP_NAMES if g in groups))
    return 1 if errors else 0


# ---- header ----------------------------------------------------------------


def c_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def header_text(entries):
    lines = [
        "/* catalogue_exceptions.h: generated by conformance/tools/catalogue.py",
        " * from the invariant catalogue. Do not edit: edit the catalogue. */",
        "#ifndef RT0_CATALOGUE_EXCEPTIONS_H",
        "#define RT0_CATALOGUE_EXCEPTIONS_H",
        "",
        "/* arches and modes: space-separated, with a space at each end. */",
        "struct catalogue_rule {",
        "\tconst char *id, *test, *arches, *modes;",
        "};",
        "",
        "/* arch: a GOARCH, \"all\" or \"" + QEMU + "\"; mode: internal, external or all. */",
        "struct catalogue_exception {",
        "\tconst char *id, *arch, *mode, *reason;",
        "};",
        "",
        "static const struct catalogue_rule catalogue_rules[] = {",
    ]
    for e in sorted(entries, key=lambda e: e["id"]):
        lines.append("    {%s, %s, %s, %s}," % (
            c_string(e["id"]), c_string(test_name(e["id"])),
            c_string(" " + " ".join(e["arches"]) + " "),
            c_string(" " + " ".join(e["modes"]) + " ")))
    lines += ["};", "", "static const struct catalogue_exception catalogue_exceptions[] = {"]
    n = 0
    for e in sorted(entries, key=lambda e: e["id"]):
        for x in e.get("exceptions", []):
            lines.append("    {%s, %s, %s, %s}," % (
                c_string(e["id"]), c_string(x["arch"]), c_string(x["mode"]), c_string(x["reason"])))
            n += 1
    if n == 0:
        lines.append("    {0, 0, 0, 0},")
    lines += ["};", f"#define CATALOGUE_NEXCEPTIONS {n}", "", "#endif", ""]
    return "\n".join(lines)


def write_if_changed(path, text):
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except OSError:
        pass
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def cmd_header(args):
    entries = load(args.catalogue)
    errors = format_errors(entries)
    if errors:
        for msg in errors:
            print(f"catalogue header: {msg}", file=sys.stderr)
        return 1
    write_if_changed(args.out, header_text(entries))
    return 0


# ---- markdown --------------------------------------------------------------


def md_cell(s):
    return s.replace("|", "\\|").replace("\n", " ")


def cells_text(e):
    arches = "all" if e["arches"] == ["all"] else ", ".join(e["arches"])
    modes = "both" if sorted(e["modes"]) == sorted(MODES) else e["modes"][0] + " only"
    if unit_level(e):
        return f"{arches}; {modes} (tested on the host)"
    return f"{arches}; {modes}"


def markdown_text(entries):
    by_group = {}
    for e in entries:
        by_group.setdefault(e["group"], []).append(e)
    files = ", ".join(sorted({e["_file"] for e in entries}))
    out = [
        "# The rt0 start-up invariants",
        "",
        "<!-- Generated by conformance/tools/catalogue.py markdown from the catalogue; do not edit. -->",
        "",
        f"Generated from {files} (the catalogue, DESIGN.md section 5). Each invariant is",
        "checked by exactly one Criterion test, named after the id in lower_snake case",
        "(`MAIN-GOID-1` is `main_goid_1`), on every arch and link mode it applies to; \"both\" means",
        "internal and external linking. Observed: `trace` (the start-up trace, conformance/TRACE.md),",
        "`fact` (a probe's or the runtime's stated values), `exit` (exit status and output), `elf`",
        "(the program file), `syscalls` (strace), `unwind` (stack walks), `unit` (in-process on the",
        "host). Evidence is Go 1.19.8's `src/runtime` file:line unless another path is given;",
        "`rt0:` names this runtime's own source. Exceptions are cells where the invariant cannot be",
        "observed: the test skips there with the reason given.",
        "",
        f"{len(entries)} invariants:",
        "",
        "| group | invariants |",
        "|---|---|",
    ]
    for g, title in GROUPS:
        if g in by_group:
            out.append(f"| [{title}](#{g}) | {len(by_group[g])} |")
    for g, title in GROUPS:
        if g not in by_group:
            continue
        out += ["", f'<a id="{g}"></a>', f"## {title} (`{g}`)", "",
                "| id | statement | arches; modes | observed | evidence | exceptions | Go 1.19 / current Go |",
                "|---|---|---|---|---|---|---|"]
        for e in by_group[g]:
            exc = "; ".join(f"{x['arch']}/{x['mode']}: {x['reason']}" for x in e.get("exceptions", []))
            diff = ""
            if "go119" in e:
                diff = f"Go 1.19: {e['go119']}. Current Go: {e['newgo']}."
            out.append("| " + " | ".join(md_cell(c) for c in [
                f"`{e['id']}`", e["statement"], cells_text(e), e["observed"], e["evidence"], exc, diff]) + " |")
    return "\n".join(out) + "\n"


def walk_frames_text(main):
    """The walk suite's frame lists (data in the catalogue) as Markdown."""
    import walk_frames  # imports this module in turn: import it late
    frames, _ = walk_frames.load_frames(main)
    return walk_frames.markdown_text(frames)


def cmd_markdown(args):
    entries = load(args.catalogue)
    errors = format_errors(entries)
    if errors:
        for msg in errors:
            print(f"catalogue markdown: {msg}", file=sys.stderr)
        return 1
    text = markdown_text(entries) + "\n" + walk_frames_text(args.catalogue)
    if args.check:
        try:
            with open(args.check, encoding="utf-8") as f:
                old = f.read()
        except OSError as e:
            print(f"catalogue.generated: cannot read {args.check}: {e}")
            return 1
        if old != text:
            print(f"catalogue.generated: {args.check} is stale: regenerate it with\n"
                  f"  /usr/bin/python3 conformance/tools/catalogue.py markdown --out conformance/INVARIANTS.md")
            return 1
        print(f"catalogue.generated: {args.check} matches the catalogue ({len(entries)} invariants)")
        return 0
    if args.out:
        write_if_changed(args.out, text)
    else:
        sys.stdout.write(text)
    return 0


# ---- coverage --------------------------------------------------------------


def list_tests(binary):
    """[(criterion suite, test)] of a Criterion binary, from --list."""
    r = subprocess.run([binary, "--list"], capture_output=True, text=True)
    if r.returncode != 0:
        raise CatalogueError(f"{binary} --list failed ({r.returncode}): {r.stderr.strip()}")
    tests, suite = [], None
    for line in r.stdout.splitlines():
        m = re.match(r"^(\S+): \d+ tests?$", line)
        if m:
            suite = m.group(1)
            continue
        m = re.match(r"^[├└]── (\S+)$", line)
        if m and suite is not None:
            tests.append((suite, m.group(1)))
    return tests


def ctest_registrations(ctest, build_dir):
    """{binary realpath: [(ctest name, arch, mode, qemu)]} for every test."""
    r = subprocess.run([ctest, "--show-only=json-v1", "--test-dir", build_dir],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise CatalogueError(f"ctest --show-only failed: {r.stderr.strip()}")
    regs = {}
    for t in json.loads(r.stdout).get("tests", []):
        cmd = t.get("command") or []
        if not cmd:
            continue
        env = {}
        for p in t.get("properties", []):
            if p.get("name") == "ENVIRONMENT":
                for kv in p.get("value", []):
                    k, _, v = kv.partition("=")
                    env[k] = v
        regs.setdefault(os.path.realpath(cmd[0]), []).append(
            (t["name"], env.get("RT0_ARCH"), env.get("RT0_LINK"), bool(env.get("RT0_QEMU"))))
    return regs


def source_files(dirs):
    for d in dirs:
        for root, _, files in os.walk(d):
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    yield os.path.join(root, f)


def skip_audit(dirs, ids):
    """Errors for cr_skip_test outside SKIP_IF_EXCEPTION's definition, and
    for SKIP_IF_EXCEPTION naming unknown ids; the set of ids it names."""
    errors, named = [], set()
    for path in source_files(dirs):
        with open(path, encoding="utf-8", errors="replace") as f:
            # Comments blanked out, line breaks kept for the line numbers.
            text = re.sub(r"/\*.*?\*/|//[^\n]*",
                          lambda m: re.sub(r"[^\n]", " ", m.group(0)),
                          f.read(), flags=re.S)
        in_macro = False
        for n, code in enumerate(text.split("\n"), 1):
            line = code
            if re.match(r"\s*#\s*define\s+" + SKIP_MACRO + r"\b", line):
                in_macro = True
            if "cr_skip_test" in code or "cr_skip(" in code or "criterion_skip_test" in code:
                if not in_macro:
                    errors.append(f"{path}:{n}: cr_skip_test outside {SKIP_MACRO}: skips come from the catalogue")
            if in_macro and not line.rstrip().endswith("\\"):
                in_macro = False
            for m in re.finditer(SKIP_MACRO + r'\s*\(\s*"([^"]*)"\s*\)', code):
                if m.group(1) not in ids:
                    errors.append(f"{path}:{n}: {SKIP_MACRO}(\"{m.group(1)}\") names no id of the catalogue")
                named.add(m.group(1))
    return errors, named


def cmd_coverage(args):
    entries = load(args.catalogue)
    errors = [f"format: {m}" for m in format_errors(entries)]
    by_test = {test_name(e["id"]): e for e in entries}
    ids = {e["id"] for e in entries}

    binaries = []  # (kind, path)
    for spec in args.binary:
        kind, _, path = spec.partition(":")
        if kind not in ("suite", "unit") or not path:
            raise CatalogueError(f"--binary {spec}: expected suite:PATH or unit:PATH")
        binaries.append((kind, os.path.realpath(path)))

    found = {}  # test name -> [(kind, binary, criterion suite)]
    ntests = 0
    for kind, path in binaries:
        for suite, test in list_tests(path):
            ntests += 1
            found.setdefault(test, []).append((kind, path, suite))
            if test not in by_test:
                errors.append(f"{os.path.basename(path)}: test {suite}/{test} names no id of the catalogue "
                              f"(tests are named lower_snake(id))")
    for e in entries:
        t = test_name(e["id"])
        where = found.get(t, [])
        if not where:
            errors.append(f"{e['id']}: no test {t} in any suite or unit binary")
        elif len(where) > 1:
            errors.append(f"{e['id']}: {len(where)} tests named {t} (exactly one per id): "
                          + ", ".join(f"{os.path.basename(b)}:{s}/{t}" for _, b, s in where))
        for kind, b, s in where:
            if unit_level(e) and kind != "unit":
                errors.append(f"{e['id']}: observed = \"unit\", but its test is in suite binary {os.path.basename(b)}")
            if not unit_level(e) and kind != "suite":
                errors.append(f"{e['id']}: its test is in unit binary {os.path.basename(b)}; "
                              f"unit tests are for observed = \"unit\"")

    regs = ctest_registrations(args.ctest, args.build_dir)
    run_arches = sorted({a for rs in regs.values() for _, a, _, _ in rs if a})
    qemu_arches = sorted({a for rs in regs.values() for _, a, _, q in rs if a and q})
    cells = {"covered": 0, "excepted": 0, "n/a": 0}
    per_arch = {}
    for e in entries:
        where = found.get(test_name(e["id"]), [])
        if len(where) != 1:
            continue
        kind, b, _ = where[0]
        reg = regs.get(b, [])
        if not reg:
            errors.append(f"{e['id']}: {os.path.basename(b)} is not registered with ctest")
            continue
        if unit_level(e):
            cells["covered"] += 1
            per_arch["host"] = per_arch.get("host", 0) + 1
            continue
        for arch in run_arches:
            for mode in MODES:
                qemu = arch in qemu_arches
                ok, _ = applies(e, arch, mode, qemu)
                if not ok:
                    inside, _ = applies({"arches": e["arches"], "modes": e["modes"]}, arch, mode, qemu)
                    cells["excepted" if inside else "n/a"] += 1
                    continue
                if not any(a == arch and m == mode for _, a, m, _ in reg):
                    errors.append(f"{e['id']}: applies to {arch}/{mode}, but {os.path.basename(b)} is not "
                                  f"registered with ctest for it")
                    continue
                cells["covered"] += 1
                per_arch[f"{arch}/{mode}"] = per_arch.get(f"{arch}/{mode}", 0) + 1

    skip_errors, named = skip_audit(args.sources, ids)
    errors += skip_errors
    for e in entries:
        restricted = (e["arches"] != ["all"] or sorted(e["modes"]) != sorted(MODES)
                      or e.get("exceptions"))
        if restricted and not unit_level(e) and e["id"] not in named:
            errors.append(f"{e['id']}: does not apply everywhere, but no test calls "
                          f"{SKIP_MACRO}(\"{e['id']}\")")

    for msg in errors:
        print(f"catalogue.coverage: {msg}")
    groups = {}
    for e in entries:
        groups[e["group"]] = groups.get(e["group"], 0) + 1
    tested = sum(1 for e in entries if len(found.get(test_name(e["id"]), [])) == 1)
    print(f"catalogue.coverage: {len(entries)} invariants ("
          + ", ".join(f"{g} {groups[g]}" for g in GROUP_NAMES if g in groups) + ")")
    print(f"catalogue.coverage: {tested} of them with their test; {ntests} tests in "
          f"{len(binaries)} binaries")
    print(f"catalogue.coverage: runnable arches {', '.join(run_arches) or 'none'}"
          + (f" ({', '.join(qemu_arches)} under qemu-user)" if qemu_arches else ""))
    print(f"catalogue.coverage: arch x mode cells covered {cells['covered']} ("
          + ", ".join(f"{k} {v}" for k, v in sorted(per_arch.items())) + f"), excepted with a reason "
          f"{cells['excepted']}, not applicable {cells['n/a']}")
    if errors:
        print(f"catalogue.coverage: FAILED, {len(errors)} problems")
        return 1
    return 0


def cmd_json(args):
    json.dump(load(args.catalogue), sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--catalogue", default=MAIN_CATALOGUE, help="the main catalogue file")
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("format", help="check the catalogue's entries")
    h = sub.add_parser("header", help="write the suites' C header")
    h.add_argument("--out", required=True)
    m = sub.add_parser("markdown", help="write or check INVARIANTS.md")
    m.add_argument("--out")
    m.add_argument("--check", metavar="FILE")
    c = sub.add_parser("coverage", help="check that every id is tested everywhere it applies")
    c.add_argument("--binary", action="append", default=[], metavar="suite:PATH|unit:PATH")
    c.add_argument("--ctest", default="ctest")
    c.add_argument("--build-dir", required=True)
    c.add_argument("--sources", nargs="+", default=[], help="directories whose .c/.h are audited for skips")
    sub.add_parser("json", help="dump the catalogue as JSON")
    args = p.parse_args(argv)
    try:
        return {"format": cmd_format, "header": cmd_header, "markdown": cmd_markdown,
                "coverage": cmd_coverage, "json": cmd_json}[args.cmd](args)
    except CatalogueError as e:
        print(f"catalogue {args.cmd}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
