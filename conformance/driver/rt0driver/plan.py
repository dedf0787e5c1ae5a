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

from rt0model.catalogue import HOST, UNIT, Catalogue, id_matches, id_of_test, test_name
from rt0model.ctest import CtestInfo


@dataclasses.dataclass
class Cell:
    id: str
    arch: str
    mode: str
    group: str
    test: str  # the Criterion test name
    suites: list[str]  # suites (executables) that list the test
    catalogued: bool
    notrun: str | None = None  # "not run: <arch>: <install step>"
    xfail: str | None = None  # the catalogue's exception reason
    detail: dict = dataclasses.field(default_factory=dict)  # filled when it runs

    @property
    def key(self) -> str:
        return f"{self.id}/{self.arch}/{self.mode}"

    def as_dict(self) -> dict:
        return {"id": self.id, "arch": self.arch, "mode": self.mode, "group": self.group,
                "test": self.test, "suites": list(self.suites),
                "catalogued": self.catalogued, "notrun": self.notrun, "xfail": self.xfail}


def make_cells(info: CtestInfo, lists: dict[str, list[tuple[str, str]]],
               cat: Catalogue) -> list[Cell]:
    """lists: suite -> its `--list` [(criterion suite, test name)]."""
    holders: dict[str, list[str]] = {}  # test name -> suites, in suite order
    for suite, tests in lists.items():
        for _, name in tests:
            h = holders.setdefault(name, [])
            if suite not in h:
                h.append(suite)
    suite_group = {}
    for r in info.runs:
        suite_group.setdefault(r.suite, r.group)

    arch_cols = [a for a in info.arches if a != HOST]
    cells: list[Cell] = []

    def add(inv_id, arch, mode, group, test, suites, catalogued, xfail=None):
        nr = info.notrun[arch].message if arch in info.notrun else None
        cells.append(Cell(inv_id, arch, mode, group, test, suites, catalogued, nr, xfail))

    for inv in cat:
        name = test_name(inv.id)
        hs = holders.get(name, [])
        unit = [s for s in hs if info.is_unit_suite(s)]
        onarch = [s for s in hs if not info.is_unit_suite(s)]
        if unit or (not hs and inv.observed == "unit"):
            e = inv.exception(HOST, UNIT, False)
            add(inv.id, HOST, UNIT, inv.group, name, unit, True, e.reason if e else None)
        if onarch or (not hs and inv.observed != "unit"):
            for arch in arch_cols:
                for mode in info.modes_of(arch):
                    if inv.within(arch, mode):
                        e = inv.exception(arch, mode, info.is_qemu(arch))
                        add(inv.id, arch, mode, inv.group, name, onarch, True,
                            e.reason if e else None)

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
            for arch in arch_cols:
                for mode in info.modes_of(arch):
                    add(inv_id, arch, mode, group, name, onarch, False)
    return cells


def select(cells: list[Cell], arches: list[str], groups: list[str],
           ids: list[str]) -> tuple[list[Cell], list[Cell]]:
    """--arch, --group, --id: (kept, dropped)."""
    keep, drop = [], []
    for c in cells:
        ok = ((not arches or c.arch in arches)
              and (not groups or c.group in groups)
              and (not ids or id_matches(c.id, ids)))
        (keep if ok else drop).append(c)
    return keep, drop
