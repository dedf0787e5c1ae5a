"""The report folder: the driver's own, and one run's at a time.

A folder becomes the driver's when it makes it (or finds it empty, or
holding only what a run writes): it then holds a marker file, .rt0-reports. The driver only ever deletes, in a folder
with that marker, the files a run writes (report.OWNED, trace-*.json,
suites/, traces/, build.log); a folder that holds anything and no marker is
refused, so --reports pointed at a source folder deletes nothing. A run
holds an exclusive lock on the folder (.rt0-lock) from start to end, so a
second run into the same folder stops at once with a clear message instead
of mixing its suite results with the first one's.
"""
from __future__ import annotations

import fcntl
import os
import re
from pathlib import Path

MARKER = ".rt0-reports"
LOCK = ".rt0-lock"


class ReportDirError(Exception):
    """The folder cannot be used; the message says why, in one line."""


def claim(path: Path) -> Path:
    """Makes path the driver's report folder (creating it), or raises."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ReportDirError(f"cannot create the report folder {path}: {e.strerror}") from e
    if not path.is_dir():
        raise ReportDirError(f"the report folder {path} is not a folder")
    marker = path / MARKER
    if not marker.exists():
        other = [p.name for p in path.iterdir() if not _run_output(p)]
        if other:
            raise ReportDirError(
                f"{path} holds files this driver did not write ({', '.join(sorted(other)[:5])}"
                f"{', ...' if len(other) > 5 else ''}): refusing to use it as a report folder; "
                "give --reports an empty or new folder")
        try:
            marker.write_text("rt0 conformance report folder: the driver may delete what it wrote here\n")
        except OSError as e:
            raise ReportDirError(f"cannot write to the report folder {path}: {e.strerror}") from e
    return path


# What a run writes, for a folder an older driver wrote without the marker.
_TOP = re.compile(r"^(index\.html|summary\.(md|json)|run\.json|junit\.xml|build\.log|trace-[\w.-]+\.json|"
                  + re.escape(LOCK) + ")$")
_IN = {"suites": re.compile(r"^[\w.-]+\.(xml|log|json|lock)$"),
       "traces": re.compile(r"^[\w.-]+\.txt$")}


def _run_output(p: Path) -> bool:
    """Whether p looks exactly like something a run writes."""
    if p.is_dir() and not p.is_symlink() and p.name in _IN:
        return all(q.is_file() and _IN[p.name].match(q.name) for q in p.iterdir())
    return p.is_file() and bool(_TOP.match(p.name))


class Lock:
    """An exclusive lock on the report folder for one run."""

    def __init__(self, path: Path):
        self.path = path / LOCK
        self.fd: int | None = None

    def acquire(self):
        try:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise ReportDirError(f"cannot lock the report folder ({self.path}): {e.strerror}") from e
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(self.fd, 64, 0).decode(errors="replace").strip()
            os.close(self.fd)
            self.fd = None
            raise ReportDirError(
                f"another conformance run is using {self.path.parent}"
                + (f" (pid {holder})" if holder else "")
                + ": wait for it, or give this one --reports DIR") from None
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, str(os.getpid()).encode(), 0)

    def release(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def busy(path: Path) -> str | None:
    """Whether a run holds path's lock now: None if not, else who ("pid N",
    or "" when the holder wrote no pid). Reads only: nothing is created in
    path (a merge reads report folders it does not own)."""
    try:
        fd = os.open(path / LOCK, os.O_RDONLY)
    except OSError:
        return None  # never locked, or not readable: no run of ours is there
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 64, 0).decode(errors="replace").strip()
        return f"pid {holder}" if holder else ""
    finally:
        os.close(fd)
    return None
