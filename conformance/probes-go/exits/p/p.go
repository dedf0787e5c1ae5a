// Package p is the exits probe's package exits/p (RT0_PACKAGE(pkg_p,
// "exits/p", ...) in probes/exits.c): its init states the goroutine it
// runs on and panics in scenario panicinit.
package p

import (
	"runtime"

	"rt0probe/internal/rt0"
)

// headerFact states the running goroutine's traceback header: the first
// line of runtime.Stack (rt0: rt0_goroutine_header).
func headerFact(key string) {
	buf := make([]byte, 1024)
	n := runtime.Stack(buf, false)
	line := string(buf[:n])
	for i := 0; i < len(line); i++ {
		if line[i] == '\n' {
			line = line[:i]
			break
		}
	}
	rt0.FactStr(key, line)
}

// HeaderFact is headerFact for package main.
func HeaderFact(key string) { headerFact(key) }

func init() {
	rt0.FactInt("init.goid", rt0.Goid())
	headerFact("init.header")
	if rt0.Scenario() == "panicinit" {
		rt0.Panic("boom in init")
	}
}
