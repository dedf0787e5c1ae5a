"""The invariant catalogue (DESIGN.md section 5): conformance/invariants.toml
and the invariants-*.toml beside it, read as one list of [[invariant]] entries
(other tables in them, [[fault]] or a suite's data, belong to their own
tools):

  [[invariant]]
  id = "MAIN-GOID-1"            # UPPER-KEBAB; its Criterion test is main_goid_1
  group = "main"                # one of GROUPS
  statement = "main.main runs on goroutine 1."
  arches = ["all"]              # or GOARCH names
  modes = ["internal", "external"]
  observed = "trace"            # one of OBSERVED
  evidence = "proc.go:144"
  exceptions = [{arch = "qemu-user", mode = "all", reason = "..."}]
  impls = ["rt0"]               # optional: the implementations it applies to
  impl_reason = "..."           # with impls: why the others are left out
  expect = [{impl = "go<1.21", outcome = "fail", reason = "...", evidence = "...",
             arches = ["amd64"], modes = ["internal"], fails_with = "..."}]

An exception's arch is a GOARCH, "all", or "qemu-user" (any arch run under
qemu-user); its mode internal, external or "all". Where an invariant does not
apply (outside its implementations, arches or modes, or in an exception) its
test skips with the reason that applies() gives; the C suites read the same
decisions from a header generated from this module (conformance/tools/
catalogue.py header).

Implementations under test (DESIGN.md 3a): "rt0", the reference runtime,
and Go toolchains named go1.19, go1.23, ... An invariant applies to every
implementation unless `impls` lists the ones it does (IMPL_FAMILIES: "rt0",
"go"). An `expect` entry says where an implementation legitimately differs
(a Go version's behaviour, with evidence): there the test is expected to
fail; a pass is an unexpected pass, the sign of a stale expectation. Its
impl is a selector: "rt0", "go" (any Go), "go1.19" (that version),
"go<1.21", "go>=1.21" (and <=, >). An expected failure may name the text its
failure message must hold (`fails_with`): a cell that fails for another
reason than the catalogue's is a failure, not an expected one.
"""
from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import re
import tomllib
from pathlib import Path

from .schema import field_errors, name_errors

CONFORMANCE = Path(__file__).resolve().parents[1]
MAIN_CATALOGUE = CONFORMANCE / "invariants.toml"

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
    ("threads", "Ms beyond m0"),
    ("sysmon", "sysmon, the system monitor"),
    ("procs", "Ps running goroutines on several Ms"),
    ("atomics", "Atomics under contention"),
    ("lib", "Library mode (C archive)"),
]
GROUP_NAMES = [g for g, _ in GROUPS]
GOARCHES = ["amd64", "arm64", "riscv64", "386", "arm", "ppc64le", "s390x"]
MODES = ["internal", "external"]
# observer: measured by the start-up observer (conformance/observer), not
# asked of the program.
OBSERVED = ["trace", "fact", "unwind", "exit", "unit", "elf", "syscalls", "observer"]
QEMU = "qemu-user"  # exception selector: any arch run under qemu-user
HOST, UNIT = "host", "unit"  # the column and "mode" of the in-process unit tests

REQUIRED = {"id": str, "group": str, "statement": str, "arches": list, "modes": list,
            "observed": str, "evidence": str}
OPTIONAL = {"exceptions": list, "impls": list,
            "impl_reason": str, "expect": list}
IMPL_FAMILIES = ["rt0", "go"]
RT0 = "rt0"
EXPECT_FIELDS = {"impl": str, "outcome": str, "reason": str, "evidence": str}
EXPECT_OPTIONAL = {"arches": list, "modes": list, "fails_with": str}
# What an expectation can say of a cell: "fail", the implementation
# differs there (an expected failure); "skip", the cell cannot be observed
# on it (yet), with the reason: the test does not run. A skip names an
# implementation family (rt0, go), so the suites' generated header can
# carry it.
OUTCOMES = ["fail", "skip"]
SELECTOR_RE = re.compile(r"^(rt0|go|go(<|<=|>|>=)?1\.(\d+))$")
IMPL_RE = re.compile(r"^(rt0|go|go1\.(\d+)(\.\d+)*)$")  # "go": the family
ID_RE = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)*$")


class CatalogueError(Exception):
    """The catalogue cannot be read at all (a missing or malformed file)."""


def test_name(ident: str) -> str:
    """MAIN-GOID-1 -> main_goid_1: the name of the id's one test."""
    return ident.lower().replace("-", "_")


def id_of_test(name: str) -> str:
    return name.upper().replace("_", "-")


def suite_of_group(group: str) -> str:
    """g0-tls -> g0_tls: the Criterion suite name of a group's tests."""
    return group.replace("-", "_")


@dataclasses.dataclass(frozen=True)
class Exception_:
    arch: str  # a GOARCH, "all" or QEMU
    mode: str  # internal, external or "all"
    reason: str

    def matches(self, arch: str, mode: str, qemu: bool = False) -> bool:
        return ((self.arch in ("all", arch) or (self.arch == QEMU and qemu))
                and self.mode in ("all", mode))


def impl_family(impl: str) -> str:
    """rt0 -> rt0; go1.19, go1.23.5 -> go."""
    return "go" if impl.startswith("go") else impl


def impl_matches(selector: str, impl: str) -> bool:
    """Whether selector ("rt0", "go", "go1.19", "go<1.21", ...) names impl
    ("rt0", "go1.19", "go1.23.5")."""
    m = SELECTOR_RE.match(selector)
    i = IMPL_RE.match(impl)
    if not m or not i:
        return False
    if selector in ("rt0", "go"):
        return impl_family(impl) == selector
    if i.group(2) is None:  # rt0 against a Go selector
        return False
    have, want = int(i.group(2)), int(m.group(3))
    return {None: have == want, "<": have < want, "<=": have <= want,
            ">": have > want, ">=": have >= want}[m.group(2)]


def failure_explained(fails_with: str, failures: list[str]) -> bool:
    """Whether failure messages (one per failed assertion) are an expected
    failure's: with fails_with, there is one and each holds the text."""
    return not fails_with or bool(failures) and all(fails_with in m for m in failures)


@dataclasses.dataclass(frozen=True)
class Expectation:
    impl: str  # a selector
    outcome: str
    reason: str
    evidence: str
    arches: tuple[str, ...] = ("all",)
    modes: tuple[str, ...] = tuple(MODES)
    fails_with: str = ""  # text the failure message must hold, when set

    def matches(self, impl: str, arch: str, mode: str) -> bool:
        return (impl_matches(self.impl, impl)
                and ("all" in self.arches or arch in self.arches)
                and mode in self.modes)

    def explains(self, failures: list[str]) -> bool:
        """Whether a cell's failure messages are the difference expected."""
        return self.outcome == "fail" and failure_explained(self.fails_with, failures)


@dataclasses.dataclass
class Invariant:
    id: str
    group: str
    statement: str
    arches: list[str]  # GOARCH names, or ["all"]
    modes: list[str]
    observed: str
    evidence: str
    exceptions: list[Exception_] = dataclasses.field(default_factory=list)
    file: str = ""  # the catalogue file it comes from, relative to the repository
    impls: list[str] = dataclasses.field(default_factory=lambda: list(IMPL_FAMILIES))
    impl_reason: str = ""
    expects: list[Expectation] = dataclasses.field(default_factory=list)

    @property
    def test_name(self) -> str:
        return test_name(self.id)

    @property
    def unit_level(self) -> bool:
        """Tested in-process on the host, once, not per arch and mode."""
        return self.observed == "unit"

    def within(self, arch: str, mode: str) -> bool:
        """arch and mode are among the ones it is stated for."""
        return ("all" in self.arches or arch in self.arches) and mode in self.modes

    def exception(self, arch: str, mode: str, qemu: bool = False) -> Exception_ | None:
        return next((x for x in self.exceptions if x.matches(arch, mode, qemu)), None)

    def applies(self, arch: str, mode: str, qemu: bool = False,
                impl: str = RT0) -> tuple[bool, str | None]:
        """(True, None) where the test runs; else (False, why): outside its
        implementations, arches or modes, the catalogue's exception there,
        or an expected skip for impl."""
        if impl_family(impl) not in self.impls:
            return False, f"{', '.join(self.impls)} only: {self.impl_reason}"
        x = self.expectation(impl, arch, mode)
        if x is not None and x.outcome == "skip":
            return False, f"not observable on {x.impl}: {x.reason}"
        if "all" not in self.arches and arch not in self.arches:
            return False, f"applies to {', '.join(self.arches)} only"
        if mode not in self.modes:
            return False, f"applies to link mode {', '.join(self.modes)} only"
        x = self.exception(arch, mode, qemu)
        if x is not None:
            return False, x.reason
        return True, None

    def expectation(self, impl: str, arch: str, mode: str) -> Expectation | None:
        """Where impl is expected to differ from the statement, the entry
        that says so."""
        return next((x for x in self.expects if x.matches(impl, arch, mode)), None)

    @property
    def everywhere(self) -> bool:
        return self.arches == ["all"] and sorted(self.modes) == sorted(MODES) \
            and not self.exceptions and sorted(self.impls) == sorted(IMPL_FAMILIES)

    def as_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["exceptions"] = [dataclasses.asdict(x) for x in self.exceptions]
        d["expects"] = [dataclasses.asdict(x) for x in self.expects]
        return d


@dataclasses.dataclass
class Catalogue:
    main: Path
    files: list[Path]
    invariants: dict[str, Invariant]  # by id, in file order
    errors: list[str]  # what is malformed (format_errors); entries that are kept anyway

    @property
    def exists(self) -> bool:
        return self.main.exists()

    def by_test_name(self, name: str) -> Invariant | None:
        return self._by_test().get(name)

    def _by_test(self) -> dict[str, Invariant]:
        if not hasattr(self, "_tests"):
            self._tests = {inv.test_name: inv for inv in self.invariants.values()}
        return self._tests

    def __iter__(self):
        return iter(self.invariants.values())

    def __len__(self):
        return len(self.invariants)


def catalogue_files(main: Path = MAIN_CATALOGUE) -> list[Path]:
    """main and, when main is invariants.toml, the invariants-*.toml beside it.
    A missing main is skipped (an empty catalogue)."""
    main = Path(main)
    extra = sorted(main.parent.glob("invariants-*.toml")) if main.name == "invariants.toml" else []
    return ([main] if main.exists() else []) + [p for p in extra if p != main]


def content_hash(main: Path = MAIN_CATALOGUE) -> str:
    """sha256 of the catalogue's files as they are on disk (each file's name
    and bytes, in catalogue_files order): two runs judged by the same
    catalogue have the same hash, whatever the checkout's path. A report
    records it, and merging reports of different catalogues is refused."""
    h = hashlib.sha256()
    for path in catalogue_files(main):
        data = Path(path).read_bytes()
        h.update(f"{Path(path).name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise CatalogueError(f"{path}: {e}") from e


def raw_entries(main: Path = MAIN_CATALOGUE) -> list[dict]:
    """The [[invariant]] tables as read, each with '_file' added."""
    root = CONFORMANCE.parent
    out = []
    for path in catalogue_files(main):
        for e in read_toml(path).get("invariant", []):
            e = dict(e)
            try:
                e["_file"] = str(Path(path).resolve().relative_to(root))
            except ValueError:
                e["_file"] = str(path)
            out.append(e)
    return out


def format_errors(entries: list[dict]) -> list[str]:
    """Everything malformed in raw entries: unknown or missing fields, wrong
    types, ids not UPPER-KEBAB or twice, unknown groups, arches, modes,
    observed kinds and exception selectors, empty texts."""
    errors = []
    seen: dict[str, str] = {}
    for n, e in enumerate(entries):
        where = f"{e.get('_file', '?')}: entry {n + 1} ({e.get('id', 'no id')})"
        errors += field_errors(where, e, REQUIRED, OPTIONAL)
        errors += name_errors(where, e.get("id"), ID_RE, "UPPER-KEBAB", seen)
        if isinstance(e.get("group"), str) and e["group"] not in GROUP_NAMES:
            errors.append(f"{where}: unknown group {e['group']!r} (known: {', '.join(GROUP_NAMES)})")
        if isinstance(e.get("observed"), str) and e["observed"] not in OBSERVED:
            errors.append(f"{where}: unknown observed {e['observed']!r} (known: {', '.join(OBSERVED)})")
        for key in ("statement", "evidence"):
            if isinstance(e.get(key), str) and not e[key].strip():
                errors.append(f"{where}: empty {key}")
        st = e.get("statement")
        if isinstance(st, str) and st.strip() and ("\n" in st or not st.rstrip().endswith(".")):
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
        if isinstance(modes, list) and (not modes or any(m not in MODES for m in modes)
                                        or len(set(modes)) != len(modes)):
            errors.append(f"{where}: modes must be [\"internal\", \"external\"] or one of them")
        impls = e.get("impls")
        if isinstance(impls, list):
            if not impls or any(i not in IMPL_FAMILIES for i in impls) or len(set(impls)) != len(impls):
                errors.append(f"{where}: impls must name some of {', '.join(IMPL_FAMILIES)}")
            if not isinstance(e.get("impl_reason"), str) or not e["impl_reason"].strip():
                errors.append(f"{where}: impls needs impl_reason (why the others are left out)")
        elif "impl_reason" in e:
            errors.append(f"{where}: impl_reason without impls")
        for n_x, x in enumerate(e.get("expect", []) if isinstance(e.get("expect"), list) else []):
            w = f"{where}: expect {n_x + 1}"
            if not isinstance(x, dict):
                errors.append(f"{w}: must be a table")
                continue
            errors += field_errors(w, x, EXPECT_FIELDS, EXPECT_OPTIONAL, frozenset())
            if isinstance(x.get("impl"), str) and not SELECTOR_RE.match(x["impl"]):
                errors.append(f"{w}: impl {x['impl']!r} is not rt0, go, go1.N, go<1.N, go>=1.N, ...")
            if isinstance(x.get("outcome"), str) and x["outcome"] not in OUTCOMES:
                errors.append(f"{w}: outcome {x['outcome']!r} (known: {', '.join(OUTCOMES)})")
            if x.get("outcome") == "skip" and x.get("impl") not in IMPL_FAMILIES:
                errors.append(f"{w}: a skip names an implementation family ({', '.join(IMPL_FAMILIES)})")
            for key in ("reason", "evidence", "fails_with"):
                if isinstance(x.get(key), str) and not x[key].strip():
                    errors.append(f"{w}: empty {key}")
            if "fails_with" in x and x.get("outcome") != "fail":
                errors.append(f"{w}: fails_with belongs to an expected failure")
            for a in x.get("arches", []) if isinstance(x.get("arches"), list) else []:
                if a not in GOARCHES + ["all"]:
                    errors.append(f"{w}: unknown arch {a!r}")
            for m in x.get("modes", []) if isinstance(x.get("modes"), list) else []:
                if m not in MODES:
                    errors.append(f"{w}: unknown mode {m!r}")
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


def _strs(v) -> list[str]:
    return [str(x) for x in v] if isinstance(v, list) else []


def load(main: Path = MAIN_CATALOGUE) -> Catalogue:
    """The catalogue. Raises CatalogueError when a file cannot be read; a
    malformed entry is reported in .errors and kept as far as it can be
    understood (an entry without an id is dropped)."""
    main = Path(main)
    entries = raw_entries(main)
    invs: dict[str, Invariant] = {}
    for e in entries:
        if not isinstance(e.get("id"), str) or e["id"] in invs:
            continue
        exc = [Exception_(str(x.get("arch", "")), str(x.get("mode", "")), str(x.get("reason", "")))
               for x in e.get("exceptions", []) if isinstance(x, dict)] \
            if isinstance(e.get("exceptions"), list) else []
        expects = [Expectation(str(x.get("impl", "")), str(x.get("outcome", "")),
                               str(x.get("reason", "")), str(x.get("evidence", "")),
                               tuple(_strs(x.get("arches")) or ["all"]),
                               tuple(_strs(x.get("modes")) or MODES),
                               str(x.get("fails_with", "")))
                   for x in e.get("expect", []) if isinstance(x, dict)] \
            if isinstance(e.get("expect"), list) else []
        invs[e["id"]] = Invariant(
            id=e["id"], group=str(e.get("group", "")), statement=str(e.get("statement", "")),
            arches=_strs(e.get("arches")), modes=_strs(e.get("modes")),
            observed=str(e.get("observed", "")), evidence=str(e.get("evidence", "")),
            exceptions=exc, file=e["_file"],
            impls=_strs(e.get("impls")) or list(IMPL_FAMILIES),
            impl_reason=str(e.get("impl_reason", "")), expects=expects)
    return Catalogue(main, catalogue_files(main), invs, format_errors(entries))


def id_matches(ident: str, patterns: list[str]) -> bool:
    """--id: exact ids or shell patterns (MAIN-*), case-insensitive."""
    return any(fnmatch.fnmatchcase(ident.upper(), p.upper()) for p in patterns)
