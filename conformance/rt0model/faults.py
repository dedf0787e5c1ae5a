"""The deliberate faults (DESIGN.md section 6): the [[fault]] tables of
conformance/faults.toml and of the catalogue files, and their patches,
conformance/faults/<name>.patch (unified diffs against runtime/ and arch/).
conformance/tools/faults.py builds and judges them; `--fault` of the driver
and -DRT0_FAULT name them.

  [[fault]]
  name = "main_goid_2"           # lower_snake, the patch's name
  group = "goid"                 # optional, a catalogue group
  statement = "..."              # one sentence: what is wrong
  breaks = ["MAIN-GOID-1", ...]  # the ids whose tests must fail
  breaks_on = [{arch, ids, reason}]  # optional, more ids on one arch
                                 # (with mode = "internal"/"external": in that
                                 # link mode only; gcc allocates registers
                                 # differently for the external mode's PIE;
                                 # with racy = true: in some runs only, a
                                 # race the fault starts, said in reason)
  arches = ["arm64"]             # optional, where it is built (default all)
  fatal = "cas3"                 # optional, the runtime stops with "fatal error: <fatal>"
  arch_relevant = true           # optional, run on foreign arches too
"""
from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

from . import catalogue
from .schema import field_errors, name_errors

CONFORMANCE = catalogue.CONFORMANCE
SOURCE = CONFORMANCE.parent
FAULTS_TOML = CONFORMANCE / "faults.toml"
PATCHES = CONFORMANCE / "faults"
NAME_RE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")
REQUIRED = {"name": str, "statement": str, "breaks": list}
OPTIONAL = {"group": str, "arches": list, "fatal": str, "arch_relevant": bool,
            "breaks_on": list, "wrecks": list}


class FaultError(Exception):
    pass


def ported_arches() -> list[str]:
    """The arches with a port: arch/<goarch>/arch.h."""
    return sorted(d.name for d in (SOURCE / "arch").iterdir() if (d / "arch.h").exists())


def load() -> list[dict]:
    """Every [[fault]] of faults.toml and of the catalogue files, each a dict
    with '_file' added."""
    faults = []
    for path in [FAULTS_TOML, *catalogue.catalogue_files()]:
        if not path.exists():
            continue
        try:
            with open(path, "rb") as f:
                data = tomllib.load(f)
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise FaultError(f"{path}: {e}") from e
        for x in data.get("fault", []):
            x = dict(x)
            x["_file"] = str(path.relative_to(SOURCE))
            faults.append(x)
    return faults


def patch_path(name: str) -> Path:
    return PATCHES / f"{name}.patch"


def patch_names() -> list[str]:
    """Every conformance/faults/<name>.patch, by name."""
    return sorted(p.stem for p in PATCHES.glob("*.patch")) if PATCHES.is_dir() else []


_sources: dict[str, list[str]] = {}


def sources(name: str) -> list[str]:
    """The files the fault's patch changes (its '+++ b/<path>' lines),
    relative to the repository; [] when there is no patch."""
    if name not in _sources:
        hits: list[str] = []
        try:
            for line in patch_path(name).read_text(errors="replace").splitlines():
                m = re.match(r"^\+\+\+ b/(\S+)", line)
                if m and m.group(1) not in hits:
                    hits.append(m.group(1))
        except FileNotFoundError:
            pass
        _sources[name] = hits
    return _sources[name]


def errors(faults: list[dict], ids: set[str], arches: list[str]) -> list[str]:
    """What is wrong with the faults: fields, names, patches (missing, or
    undescribed), unknown ids, arches and groups."""
    out = []
    seen: dict[str, str] = {}
    for x in faults:
        where = f"{x['_file']}: fault {x.get('name', '?')}"
        out += field_errors(where, x, REQUIRED, OPTIONAL)
        out += name_errors(where, x.get("name"), NAME_RE, "lower_snake", seen)
        name = x.get("name")
        if isinstance(name, str):
            rel = patch_path(name).relative_to(SOURCE)
            if not patch_path(name).exists():
                out.append(f"{where}: no patch {rel}")
            elif not sources(name):
                out.append(f"{where}: {rel} changes no file")
        brk = x.get("breaks")
        for ident in brk if isinstance(brk, list) else []:
            if ident not in ids:
                out.append(f"{where}: breaks unknown id {ident}")
        if isinstance(brk, list) and not brk and not x.get("breaks_on"):
            out.append(f"{where}: breaks nothing")
        for a in x.get("arches", []) if isinstance(x.get("arches"), list) else []:
            if a != "all" and a not in arches:
                out.append(f"{where}: unknown arch {a}")
        for b in x.get("breaks_on", []) if isinstance(x.get("breaks_on"), list) else []:
            if not (isinstance(b, dict) and {"arch", "ids", "reason"} <= set(b)
                    and set(b) <= {"arch", "ids", "reason", "mode", "racy"}
                    and isinstance(b.get("racy", False), bool)
                    and b.get("mode", "internal") in catalogue.MODES
                    and (b["arch"] in arches or b["arch"] == "all")
                    and isinstance(b["ids"], list)
                    and isinstance(b["reason"], str) and b["reason"].strip()):
                out.append(f"{where}: breaks_on entries are {{arch, ids, reason}} "
                           f"with a ported arch (and optionally a link mode), got {b}")
                continue
            out += [f"{where}: breaks_on {b['arch']}: unknown id {i}" for i in b["ids"] if i not in ids]
        for m in x.get("wrecks", []) if isinstance(x.get("wrecks"), list) else []:
            if m not in catalogue.MODES:
                out.append(f"{where}: wrecks names an unknown link mode {m}")
        if "group" in x and x["group"] not in catalogue.GROUP_NAMES:
            out.append(f"{where}: unknown group {x['group']}")
    for name in sorted(set(patch_names()) - set(seen)):
        out.append(f"conformance/faults/{name}.patch: no [[fault]] describes it "
                   "(conformance/faults.toml)")
    return out


def apply_errors(names: list[str]) -> list[tuple[str, str]]:
    """[(name, why)] for each patch that does not apply to the work tree's
    runtime/ and arch/ (git apply --check changes nothing), or that changes
    anything else."""
    out = []
    for name in names:
        try:
            r = subprocess.run(["git", "apply", "--check", "--whitespace=nowarn",
                                str(patch_path(name))],
                               cwd=SOURCE, capture_output=True, text=True)
        except OSError as e:
            raise FaultError(f"cannot run git: {e} (apt-get install git)") from e
        if r.returncode != 0:
            out.append((name, (r.stderr or r.stdout).strip()))
            continue
        outside = [f for f in sources(name) if not f.startswith(("runtime/", "arch/"))]
        if outside:
            out.append((name, f"changes files outside runtime/ and arch/: {', '.join(outside)}"))
    return out


def breaks(x: dict, arch: str, mode: str | None = None) -> list[str]:
    """The ids the fault must break on arch: breaks, and breaks_on's for it;
    given a link mode, only the breaks_on entries for every mode or that one
    (without, all of them)."""
    extra = [i for b in x.get("breaks_on", []) if b["arch"] in (arch, "all")
             and (mode is None or b.get("mode", mode) == mode)
             and not b.get("racy") for i in b["ids"]]
    return list(x["breaks"]) + [i for i in extra if i not in x["breaks"]]


def may_break(x: dict, arch: str, mode: str | None = None) -> list[str]:
    """The ids the fault breaks on arch in some runs only (breaks_on with
    racy = true: the fault starts a race, whose outcome the reason says):
    their tests may fail or pass."""
    return [i for b in x.get("breaks_on", []) if b["arch"] in (arch, "all")
            and (mode is None or b.get("mode", mode) == mode)
            and b.get("racy") for i in b["ids"]]


def arches_of(x: dict, arches: list[str]) -> list[str]:
    """Of arches, those the fault is built for."""
    a = x.get("arches", ["all"])
    return [b for b in arches if "all" in a or b in a]
