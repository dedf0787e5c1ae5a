// initorder: the twin of conformance/probes/initorder.c: packages whose
// init order differs between Go 1.19's rule and Go 1.21's. A diamond (main
// imports zeta and alpha; both import common) and ties (tie/c, tie/a,
// tie/b: independent, imported by main in that order). Their import paths
// share the prefix rt0probe/initorder/, so sorting by path orders them as
// the C probe's bare names. Every init function states init.N=<pkg>.<k>.
//
// The imports below are separated by blank lines so gofmt keeps their
// declared order (zeta, alpha, tie/c, tie/a, tie/b): Go 1.19 initialises a
// package's imports in that order.
package main

import (
	_ "rt0probe/initorder/zeta"

	_ "rt0probe/initorder/alpha"

	_ "rt0probe/initorder/tie/c"

	_ "rt0probe/initorder/tie/a"

	_ "rt0probe/initorder/tie/b"

	"runtime"

	"rt0probe/internal/rt0"
)

func init() { rt0.RecordInit("main.0") }

func init() { rt0.RecordInit("main.1") }

func main() {
	defer rt0.Flush()
	rt0.FactInt("init.count", rt0.InitCount())
	rt0.FactInt("main.goid", rt0.Goid())
	rt0.FactInt("main.numgoroutine", int64(runtime.NumGoroutine()))
}
