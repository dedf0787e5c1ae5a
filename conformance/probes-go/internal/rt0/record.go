package rt0

import (
	"fmt"
	"runtime"
)

var ninit int64

// RecordInit states init.N=who, with the goroutine and NumGoroutine at
// that moment, N counting from 0 in call order (probes/initorder.c's
// record). The probes' packages all import this one, so it is initialised
// before any of them.
func RecordInit(who string) {
	n := ninit
	ninit++
	FactStr(fmt.Sprintf("init.%d", n), who)
	FactInt(fmt.Sprintf("init.%d.goid", n), Goid())
	FactInt(fmt.Sprintf("init.%d.numgoroutine", n), int64(runtime.NumGoroutine()))
}

// InitCount is the number of RecordInit calls so far.
func InitCount() int64 { return ninit }
