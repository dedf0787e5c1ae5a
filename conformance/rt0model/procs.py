"""Processes the run starts, and none left behind.

A suite runs in a session of its own (so a timeout can kill its process
group), its probes run in process groups of their own, and a probe may start
a daemon in yet another session. Killing the suite's group alone leaves those
running, re-parented to init. So every pytest process of the run (the
controller and each xdist worker) is a child subreaper (PR_SET_CHILD_SUBREAPER):
orphans below it are re-parented to it, and after each run of a command
(finished, timed out or interrupted) every process that appeared below it
during the run is stopped, killed and reaped.

Output is captured with a cap: the first and the last CAPTURE_CAP / 2 bytes of
each stream are kept, and what was cut is said in the text itself.
"""
from __future__ import annotations

import ctypes
import dataclasses
import os
import resource
import signal
import subprocess
import threading
import time

PR_SET_CHILD_SUBREAPER = 36
CAPTURE_CAP = 16 << 20  # bytes kept of each stream


def become_subreaper() -> bool:
    """Makes this process the reaper of its orphaned descendants."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _stat(pid: int) -> tuple[int, str] | None:
    """(ppid, comm) of a process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            s = f.read().decode("utf-8", "replace")
    except OSError:
        return None
    # comm is in parentheses and may hold anything, ')' included.
    close = s.rfind(")")
    fields = s[close + 2:].split()
    try:
        return int(fields[1]), s[s.find("(") + 1:close]
    except (IndexError, ValueError):
        return None


def descendants(root: int | None = None) -> dict[int, str]:
    """{pid: comm} of every process below root (default: this process)."""
    root = os.getpid() if root is None else root
    parent: dict[int, tuple[int, str]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = _stat(int(name))
            if st is not None:
                parent[int(name)] = st
    out: dict[int, str] = {}
    frontier = [root]
    while frontier:
        p = frontier.pop()
        for pid, (ppid, comm) in parent.items():
            if ppid == p and pid not in out:
                out[pid] = comm
                frontier.append(pid)
    return out


def _forget_arena(pid: int):
    """Criterion's process sandbox (BoxFort) keeps an arena in
    /dev/shm/bxfi_<pid> that only a runner that ends normally removes: a
    killed suite's must go too, or the run leaves files outside its folders."""
    try:
        os.unlink(f"/dev/shm/bxfi_{pid}")
    except OSError:
        pass


def kill_new(before: set[int]) -> list[str]:
    """Kills every descendant of this process that is not in before (and
    everything below those): stopped first, so none can fork meanwhile, then
    killed and reaped. Returns "comm (pid)" of each one killed."""
    killed: list[str] = []
    for _ in range(50):  # each round catches what the last one raced with
        victims = {p: c for p, c in descendants().items() if p not in before}
        if not victims:
            break
        for sig in (signal.SIGSTOP, signal.SIGKILL):
            for pid in victims:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
        for pid, comm in victims.items():
            killed.append(f"{comm} ({pid})")
            try:
                os.waitpid(pid, 0)  # ours after re-parenting; else not ours to reap
            except ChildProcessError:
                pass
            _forget_arena(pid)
        time.sleep(0.01)
    return killed


@dataclasses.dataclass
class Captured:
    rc: int | None  # exit status; negative: the signal; None: timed out
    out: str
    err: str
    seconds: float
    leftovers: list[str]  # processes it left behind, killed afterwards


PR_SET_PDEATHSIG = 1


def _child_setup():
    # qemu-user writes host core files for crashing guests (DESIGN.md 10).
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # Killed if we die first (SIGKILL from a harness, say): a suite in a
    # session of its own is out of reach of its parent's process group.
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _reader(stream, keep: list, cap: int):
    """Reads stream to its end, keeping its first and last cap // 2 bytes;
    keep becomes [head, tail, bytes cut]."""
    half = cap // 2
    head, tail, cut = bytearray(), bytearray(), 0
    while True:
        chunk = stream.read1(1 << 16) if hasattr(stream, "read1") else stream.read(1 << 16)
        if not chunk:
            break
        room = half - len(head)
        if room > 0:
            head += chunk[:room]
            chunk = chunk[room:]
        tail += chunk
        if len(tail) > half:
            cut += len(tail) - half
            del tail[:len(tail) - half]
    keep[:] = [bytes(head), bytes(tail), cut]


def _text(keep: list) -> str:
    head, tail, cut = keep if keep else (b"", b"", 0)
    mid = f"\n[... {cut} bytes cut: the output was longer than the capture's cap ...]\n" \
        if cut else ""
    return head.decode("utf-8", "replace") + mid + tail.decode("utf-8", "replace")


def run(cmd: list[str], env: dict[str, str], cwd: str | None, timeout: float,
        cap: int = CAPTURE_CAP) -> Captured:
    """Runs cmd in a session of its own with stdin from /dev/null, its
    output captured (capped). On a timeout or an interrupt its group and
    everything it started are killed (an interrupt is then raised again);
    whatever it leaves behind after a normal end is killed too, and named."""
    before = set(descendants())
    start = time.monotonic()
    p = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                         start_new_session=True, preexec_fn=_child_setup)
    out_keep: list = []
    err_keep: list = []
    readers = [threading.Thread(target=_reader, args=(p.stdout, out_keep, cap), daemon=True),
               threading.Thread(target=_reader, args=(p.stderr, err_keep, cap), daemon=True)]
    for t in readers:
        t.start()
    rc: int | None
    try:
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            rc = None
    except BaseException:  # KeyboardInterrupt: nothing may outlive the run
        _kill_group(p)
        p.wait()
        _forget_arena(p.pid)
        kill_new(before)
        raise
    if rc is None:
        _kill_group(p)
        p.wait()
        _forget_arena(p.pid)
    leftovers = kill_new(before)
    for t in readers:
        t.join()
    p.stdout.close()
    p.stderr.close()
    return Captured(rc, _text(out_keep), _text(err_keep), time.monotonic() - start, leftovers)


def _kill_group(p: subprocess.Popen):
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
