// hello: the twin of conformance/probes/hello.c. Facts main.goid (the
// running g's goid, through the getg stub and the binary's DWARF),
// main.numgoroutine (runtime.NumGoroutine) and main.stack.lo/hi (g.stack
// at this moment: Go's stacks move as they grow). It also states the
// check.<key> facts the check suite reads (checks.go).
//
// Left out: rt0_mark("main") (an "rt0 ev phase=user.main" line). rt0's
// events come from its runtime; a Go program's runtime prints none, and an
// event made up by the probe would make the trace-protocol ids
// (ENTRY-TRACE-SEQ-FROM-0, ...) pass with nothing of Go's behind them.
// Go's own start-up events need an outside observer (DESIGN.md 3a).
package main

import (
	"runtime"

	"rt0probe/internal/rt0"
)

func main() {
	defer rt0.Flush()
	rt0.Print("hello, world\n")
	rt0.FactInt("main.goid", rt0.Goid())
	rt0.FactInt("main.numgoroutine", int64(runtime.NumGoroutine()))
	if lo, hi, ok := rt0.StackBounds(); ok {
		rt0.FactHex("main.stack.lo", lo)
		rt0.FactHex("main.stack.hi", hi)
	}
	checks()
}
