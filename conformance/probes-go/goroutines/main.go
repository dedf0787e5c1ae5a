// goroutines: the twin of conformance/probes/goroutines.c: workers that
// take turns with runtime.Gosched, and the scenarios guard and reuse, with
// the same facts.
//
// spawn.<i>.goid is what rt0_go returns; a Go statement returns nothing,
// so the twin reads the id newproc just handed out from the P's goid cache
// (rt0.LastGoid), right after the go statement, with no scheduling point
// in between.
package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"time"
	"unsafe"

	"rt0probe/internal/rt0"
)

const (
	nworkers = 3
	rounds   = 4
	maxTurns = 100000
)

var (
	interleave  [nworkers * rounds]byte
	ninterleave int32
	nfinished   int32
)

func worker(i int) {
	// Measured before anything is printed: formatting can grow, and so
	// move, the 2 KiB stack newproc gave (on ppc64le it does), and the
	// bounds and the local must be of one stack, the first.
	var here byte
	lo, hi, ok := rt0.StackBounds()
	sp := uintptr(unsafe.Pointer(&here))
	rt0.FactInt(fmt.Sprintf("g.%d.goid", i), rt0.Goid())
	if ok {
		rt0.FactHex(fmt.Sprintf("g.%d.stack.lo", i), lo)
		rt0.FactHex(fmt.Sprintf("g.%d.stack.hi", i), hi)
	}
	rt0.FactHex(fmt.Sprintf("g.%d.sp", i), sp)
	for r := 0; r < rounds; r++ {
		at := atomic.AddInt32(&ninterleave, 1) - 1
		if at < nworkers*rounds {
			interleave[at] = byte('0' + i)
		}
		runtime.Gosched()
	}
	atomic.AddInt32(&nfinished, 1)
}

// guard: the byte just below the goroutine's stack. rt0 has a guard page
// there and writes 1 to die by SIGSEGV. Go's stacks have no guard page (the
// function prologues check stackguard0 instead), so the byte belongs to
// something else: the twin reads it and writes the same value back, which
// faults where the C probe's write would and corrupts nothing where it
// would not.
func guard() {
	lo, hi, ok := rt0.StackBounds()
	if !ok {
		return
	}
	rt0.FactHex("guard.stack.lo", lo)
	rt0.FactHex("guard.stack.hi", hi)
	rt0.FactHex("guard.write", lo-1)
	rt0.Flush() // the facts must be out before the fault
	p := (*byte)(unsafe.Pointer(lo - 1))
	v := *p
	*p = v
	rt0.FactInt("guard.survived", 1)
}

func report(who string) {
	if lo, _, ok := rt0.StackBounds(); ok {
		rt0.FactInt(who+".goid", rt0.Goid())
		rt0.FactHex(who+".stack.lo", lo)
	}
}

func waitUntilAlone() {
	for t := 0; t < maxTurns && runtime.NumGoroutine() > 1; t++ {
		runtime.Gosched()
	}
}

func main() {
	defer rt0.Flush()
	// Read the binary's layout before any goroutine starts, so no
	// goroutine grows its stack reading DWARF (a grown stack is freed,
	// not reused, when its goroutine exits: STACKS-REUSED).
	if _, err := rt0.Self(); err != nil {
		rt0.Unavailable("the running g", err)
	}
	switch rt0.Scenario() {
	case "guard":
		go guard()
		waitUntilAlone()
		return
	case "reuse":
		go report("reuse.a")
		waitUntilAlone() // A has exited: its g and stack are free
		go report("reuse.b")
		waitUntilAlone()
		return
	}
	rt0.FactInt("main.goid", rt0.Goid())
	rt0.FactInt("numgoroutine.before", int64(runtime.NumGoroutine()))
	// Go reschedules a goroutine on its own in two ways the C probe's
	// runtime never does, and either reorders the interleaving: a GC
	// (its stop-the-world and its assists), off from here on, and sysmon's
	// preemption of a goroutine that ran 10 ms without a yield
	// (forcePreemptNS, go1.19 proc.go:5289-5316), which host load alone can
	// cause. That one cannot be turned off, so the twin times the workers
	// from before a yield of its own (every later run of a goroutine starts
	// after t0): under 10 ms in all, no preemption could have come before
	// the last round, and the suite runs the probe again otherwise.
	debug.SetGCPercent(-1)
	t0 := time.Now()
	runtime.Gosched()
	for i := 0; i < nworkers; i++ {
		go worker(i)
		if id, err := rt0.LastGoid(); err != nil {
			rt0.Unavailable("the new goroutine's id", err)
		} else {
			rt0.FactInt(fmt.Sprintf("spawn.%d.goid", i), id)
		}
	}
	rt0.FactInt("numgoroutine.spawned", int64(runtime.NumGoroutine()))
	for t := 0; t < maxTurns && atomic.LoadInt32(&nfinished) < nworkers; t++ {
		runtime.Gosched()
	}
	rt0.FactInt("interleave.elapsed_ns", int64(time.Since(t0)))
	waitUntilAlone()
	rt0.FactInt("finished", int64(atomic.LoadInt32(&nfinished)))
	rt0.FactStr("interleave", string(interleave[:atomic.LoadInt32(&ninterleave)]))
	rt0.FactInt("numgoroutine.after", int64(runtime.NumGoroutine()))
}
