"""conformance/invariants.toml, the catalogue (DESIGN section 5):

  [[invariant]]
  id = "MAIN-GOID-1"            # UPPER-KEBAB; its Criterion test is main_goid_1
  group = "main"
  statement = "main.main runs on goroutine 1."
  arches = ["amd64", "arm64"]   # or "all"
  modes = ["internal", "external"]
  observed = "trace"            # trace, fact, unwind, exit, unit
  evidence = "proc.go:144"
  go119 = "..."                 # optional, where Go 1.19 differs
  newgo = "..."
  exceptions = [{arch = "riscv64", mode = "external", reason = "..."}]

Exceptions: arch is a GOARCH name, "all", or "qemu-user" (any arch the
suites run under qemu-user); mode "internal", "external" or "all". The suites
skip an exception cell with the reason (SKIP_IF_EXCEPTION); the driver makes
it an expected failure, so that a pass there shows as an unexpected pass.

The catalogue is invariants.toml plus the invariants-*.toml next to it
(conformance/tools/catalogue.py reads the same files). A missing
invariants.toml is an empty catalogue: every test is then "uncatalogued".
"""
from __future__ import annotations

import dataclasses
import fnmatch
import tomllib
from pathlib import Path

ALL = {"all", "*", "any", "both"}
QEMU = "qemu-user"  # exception selector: any arch run under qemu-user


def lower_snake(inv_id: str) -> str:
    return inv_id.lower().replace("-", "_")


def upper_kebab(test_name: str) -> str:
    return test_name.upper().replace("_", "-")


def _names(v) -> list[str] | None:
    """A list of arch or mode names; None means all of them."""
    if v is None:
        return None
    if isinstance(v, str):
        v = [v]
    v = [str(x) for x in v]
    return None if any(x.lower() in ALL for x in v) else v


@dataclasses.dataclass
class Exception_:
    arches: list[str] | None
    modes: list[str] | None
    reason: str

    def matches(self, arch: str, mode: str, qemu: bool = False) -> bool:
        return ((self.arches is None or arch in self.arches
                 or (qemu and QEMU in self.arches))
                and (self.modes is None or mode in self.modes))


@dataclasses.dataclass
class Invariant:
    id: str
    group: str
    statement: str = ""
    arches: list[str] | None = None  # None: every arch
    modes: list[str] | None = None  # None: every link mode
    observed: str = ""
    evidence: str = ""
    go119: str = ""
    newgo: str = ""
    exceptions: list[Exception_] = dataclasses.field(default_factory=list)

    @property
    def test_name(self) -> str:
        return lower_snake(self.id)

    def applies(self, arch: str, mode: str) -> bool:
        return ((self.arches is None or arch in self.arches)
                and (self.modes is None or mode in self.modes))

    def exception(self, arch: str, mode: str, qemu: bool = False) -> Exception_ | None:
        for e in self.exceptions:
            if e.matches(arch, mode, qemu):
                return e
        return None

    def as_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["exceptions"] = [dataclasses.asdict(e) for e in self.exceptions]
        return d


@dataclasses.dataclass
class Catalogue:
    path: Path | None
    invariants: dict[str, Invariant]
    exists: bool = True
    files: list[Path] = dataclasses.field(default_factory=list)

    def by_test_name(self, name: str) -> Invariant | None:
        return self._by_name().get(name)

    def _by_name(self) -> dict[str, Invariant]:
        if not hasattr(self, "_cache"):
            self._cache = {inv.test_name: inv for inv in self.invariants.values()}
        return self._cache


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return "; ".join(str(x) for x in v)
    return str(v)


def parse(doc: dict, path: Path | None = None, invs: dict | None = None) -> Catalogue:
    invs = {} if invs is None else invs
    for i, e in enumerate(doc.get("invariant", [])):
        if "id" not in e:
            raise ValueError(f"{path}: invariant #{i + 1} has no id")
        exc = []
        for x in e.get("exceptions", []) or []:
            exc.append(Exception_(_names(x.get("arch", x.get("arches"))),
                                  _names(x.get("mode", x.get("modes"))),
                                  str(x.get("reason", ""))))
        inv = Invariant(
            id=str(e["id"]), group=str(e.get("group", "")),
            statement=_text(e.get("statement")),
            arches=_names(e.get("arches")), modes=_names(e.get("modes")),
            observed=_text(e.get("observed")), evidence=_text(e.get("evidence")),
            go119=_text(e.get("go119")), newgo=_text(e.get("newgo")), exceptions=exc)
        if inv.id in invs:
            raise ValueError(f"{path}: invariant {inv.id} is defined twice")
        invs[inv.id] = inv
    return Catalogue(path, invs, files=[path] if path else [])


def files_of(main: Path) -> list[Path]:
    """main and, when main is invariants.toml, the invariants-*.toml beside it."""
    main = Path(main)
    extra = sorted(main.parent.glob("invariants-*.toml")) if main.name == "invariants.toml" else []
    return ([main] if main.exists() else []) + [p for p in extra if p != main]


def load(path: Path) -> Catalogue:
    path = Path(path)
    files = files_of(path)
    invs: dict[str, Invariant] = {}
    for f in files:
        with open(f, "rb") as fh:
            try:
                doc = tomllib.load(fh)
            except tomllib.TOMLDecodeError as e:
                raise ValueError(f"{f}: {e}") from None
        parse(doc, f, invs)
    return Catalogue(path, invs, exists=path.exists(), files=files)


def id_matches(inv_id: str, patterns: list[str]) -> bool:
    """--id: exact ids or shell patterns (MAIN-*), case-insensitive."""
    return any(fnmatch.fnmatchcase(inv_id.upper(), p.upper()) for p in patterns)
