// sysmon: the twin of conformance/probes/sysmon.c. The package init lists
// the process's threads (/proc/self/task); main.main, when argv[1] is not 0,
// keeps the P busy without any system call for 500 ms (or argv[2] ms when
// longer), so the nanosleeps a tracer sees meanwhile are sysmon's. What the
// C probe asks the runtime
// (sysmon.id, sysmon.procid, sysmon.has_p: rt0_sysmon_m) a Go program
// cannot ask, and is left out.
package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"

	"rt0probe/internal/rt0"
)

// goBusy: sysmon's schedule up to its 10 ms cap is about 31 ms of sleep;
// the rest is room for a loaded machine, or qemu.
const goBusy = 500 * time.Millisecond

var tasks []int

func init() {
	entries, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return
	}
	for _, e := range entries {
		if tid, err := strconv.Atoi(e.Name()); err == nil {
			tasks = append(tasks, tid)
		}
	}
}

// intArg: os.Args[i] as a number in 0..max, or def when it is not given.
func intArg(i, max, def int) (int, bool) {
	if len(os.Args) <= i {
		return def, true
	}
	n, err := strconv.Atoi(os.Args[i])
	return n, err == nil && n >= 0 && n <= max
}

func main() {
	want, ok1 := intArg(1, 100000, 0)
	ms, ok2 := intArg(2, 20000, 0)
	if !ok1 || !ok2 {
		rt0.FactStr("error", "want: switches 0..100000 [ms 0..20000]")
		rt0.Flush()
		return
	}
	busy := goBusy
	if d := time.Duration(ms) * time.Millisecond; d > busy {
		busy = d
	}
	mainTid := syscall.Gettid()
	rt0.FactInt("pid", int64(syscall.Getpid()))
	rt0.FactInt("main.tid", int64(mainTid))
	rt0.FactInt("init.tasks", int64(len(tasks)))
	for i, tid := range tasks {
		rt0.FactInt(fmt.Sprintf("init.task.%d", i), int64(tid))
	}
	// Busy on the CPU alone: time.Now reads the vDSO's clock, with no
	// system call. A system call would put the P in _Psyscall, where
	// sysmon takes it back (retake's handoffp) and starts its schedule
	// over at 20 us (go1.19 proc.go:5254-5258, 5353-5390): that is why
	// the C probe's way of waiting, reading /proc, is not the twin's.
	start := time.Now()
	spin := uint64(0)
	for want > 0 && time.Since(start) < busy {
		for i := 0; i < 100000; i++ {
			spin += uint64(i)
		}
	}
	rt0.FactInt("busy.ms", time.Since(start).Milliseconds())
	rt0.FactInt("busy.spin", int64(spin&1))
	rt0.Flush()
}
