"""The cells of the matrix: one per invariant x arch x link mode.

An invariant's test is the Criterion test named lower_snake(id), in any suite.
Every test name a suite lists is an invariant: a catalogued one when the
catalogue has its id, else "uncatalogued" (id UPPER-KEBAB of the name,
group of its suite), reported like the others and flagged.

Cells of a catalogued invariant: the arches and modes it applies to (host
unit tests: the host column); of an uncatalogued one: every arch and mode
its suites run in. A catalogued invariant whose test no suite lists still
gets its cells: they fail ("no test"), as the coverage check would.
"""
from __future__ import annotations

import dataclasses

from rt0model.catalogue import (HOST, UNIT, Catalogue, id_matches, id_of_test,
                                impl_family, test_name)
from rt0model.ctest import CtestInfo, split_column


@dataclasses.dataclass
class Cell:
    id: str
    arch: str  # the column: rt0's arch (amd64, host) or impl/arch (go1.19/amd64)
    mode: str
    group: str
    test: str  # the Criterion test name
    suites: list[str]  # suites (executables) that list the test
    catalogued: bool
    notrun: str | None = None  # "not run: <arch>: <install step>"
    xfail: str | None = None  # the catalogue's exception, or the implementation's expected difference
    skip: str | None = None  # the catalogue leaves this implementation out here: why
    fails_with: str = ""  # with xfail: the text the expected failure holds
    detail: dict = dataclasses.field(default_factory=dict)  # filled when it runs

    @property
    def key(self) -> str:
        return f"{self.id}/{self.arch}/{self.mode}"

    @property
    def impl(self) -> str:
        return split_column(self.arch)[0]

    def as_dict(self) -> dict:
        return {"id": self.id, "arch": self.arch, "mode": self.mode, "group": self.group,
                "impl": self.impl, "test": self.test, "suites": list(self.suites),
                "catalogued": self.catalogued, "notrun": self.notrun, "xfail": self.xfail,
                "skip": self.skip, "fails_with": self.fails_with}


def make_cells(info: CtestInfo, lists: dict[str, list[tuple[str, str]]],
               cat: Catalogue) -> list[Cell]:
    """lists: suite -> its `--list` [(criterion suite, test name)]. A column
    is an implementation on an arch (ctest.column_of): an invariant's cells
    there are skipped with the catalogue's reason where it leaves the
    implementation out, expected failures where it says the implementation
    differs, and expected failures too where an exception says the cell
    cannot be observed (the suite skips it)."""
    holders: dict[str, list[str]] = {}  # test name -> suites, in suite order
    for suite, tests in lists.items():
        for _, name in tests:
            h = holders.setdefault(name, [])
            if suite not in h:
                h.append(suite)
    suite_group, suite_impl = {}, {}
    for r in info.runs:
        suite_group.setdefault(r.suite, r.group)
        suite_impl.setdefault(r.suite, r.impl)

    columns = [a for a in info.arches if a != HOST]
    cells: list[Cell] = []

    def add(inv_id, col, mode, group, test, suites, catalogued, xfail=None, skip=None,
            fails_with=""):
        nr = info.notrun[col].message if col in info.notrun else None
        impl = split_column(col)[0]
        if nr is None and impl in info.notrun:  # a toolchain that has no column at all
            nr = info.notrun[impl].message
        ss = [x for x in suites if suite_impl.get(x, "rt0") == impl]
        cells.append(Cell(inv_id, col, mode, group, test, ss, catalogued, nr, xfail, skip,
                          fails_with))

    for inv in cat:
        name = test_name(inv.id)
        hs = holders.get(name, [])
        unit = [s for s in hs if info.is_unit_suite(s)]
        onarch = [s for s in hs if not info.is_unit_suite(s)]
        if unit or (not hs and inv.observed == "unit"):
            e = inv.exception(HOST, UNIT, False)
            add(inv.id, HOST, UNIT, inv.group, name, unit, True, e.reason if e else None)
        if onarch or (not hs and inv.observed != "unit"):
            for col in columns:
                impl, arch = split_column(col)
                for mode in info.modes_of(col):
                    if not inv.within(arch, mode):
                        continue
                    ok, why = inv.applies(arch, mode, info.is_qemu(col), impl)
                    x = inv.expectation(impl, arch, mode)
                    if not ok and (impl_family(impl) not in inv.impls
                                   or (x is not None and x.outcome == "skip")):
                        add(inv.id, col, mode, inv.group, name, onarch, True, skip=why)
                    elif not ok:
                        add(inv.id, col, mode, inv.group, name, onarch, True, xfail=why)
                    elif x is not None and x.outcome == "fail":
                        add(inv.id, col, mode, inv.group, name, onarch, True,
                            xfail=f"{x.impl} differs: {x.reason}", fails_with=x.fails_with)
                    else:
                        add(inv.id, col, mode, inv.group, name, onarch, True)

    for name, hs in holders.items():
        if cat.by_test_name(name) is not None:
            continue
        inv_id = id_of_test(name)
        group = suite_group.get(hs[0], hs[0])
        unit = [s for s in hs if info.is_unit_suite(s)]
        onarch = [s for s in hs if not info.is_unit_suite(s)]
        if unit:
            add(inv_id, HOST, UNIT, group, name, unit, False)
        if onarch:
            for col in columns:
                for mode in info.modes_of(col):
                    add(inv_id, col, mode, group, name, onarch, False)
    return cells


def impl_selected(impl: str, selectors: list[str], arch: str | None = None) -> bool:
    """--impl: rt0, go (every Go toolchain), all, or a toolchain's name, each
    optionally limited to one arch as NAME@ARCH (go@amd64). arch None: any."""
    for sel in selectors:
        name, _, at = sel.partition("@")
        if at and arch is not None and at != arch:
            continue
        if name in ("all", impl) or (name == "go" and impl.startswith("go")):
            return True
    return False


def select(cells: list[Cell], arches: list[str], groups: list[str],
           ids: list[str], impls: list[str] | None = None) -> tuple[list[Cell], list[Cell]]:
    """--arch, --group, --id, --impl: (kept, dropped). --arch names arches
    ("host": the unit tests), whatever the implementation."""
    keep, drop = [], []
    for c in cells:
        impl, arch = split_column(c.arch)
        ok = ((not arches or arch in arches)
              and (not groups or c.group in groups)
              and (not ids or id_matches(c.id, ids))
              and impl_selected(impl, impls or ["rt0"], arch))
        (keep if ok else drop).append(c)
    return keep, drop
