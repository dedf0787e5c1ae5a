// Package p is the exits probe's package exits/p (RT0_PACKAGE(pkg_p,
// "exits/p", ...) in probes/exits.c): its init states the goroutine it
// runs on and panics in scenario panicinit.
package p

import "rt0probe/internal/rt0"

func init() {
	rt0.FactInt("init.goid", rt0.Goid())
	if rt0.Scenario() == "panicinit" {
		rt0.Panic("boom in init")
	}
}
