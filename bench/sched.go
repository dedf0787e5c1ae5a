// bench/sched.go: bench/sched.c in Go, run with GOMAXPROCS=1 (rt0 has one
// P): goroutine create+exit, Gosched between two goroutines and an
// unbuffered channel round trip, in nanoseconds per operation, printed as
// "rt0 fact NAME_ns=N" lines on stderr like the C program's.
package main

import (
	"fmt"
	"os"
	"runtime"
	"time"
)

const (
	batch    = 100
	batches  = 1000
	switches = 100000
	trips    = 100000
)

var exited int

func main() {
	t0 := time.Now()
	for b := 0; b < batches; b++ {
		exited = 0
		for i := 0; i < batch; i++ {
			go func() { exited++ }()
		}
		for exited < batch {
			runtime.Gosched()
		}
	}
	fmt.Fprintf(os.Stderr, "rt0 fact create_exit_ns=%d\n", time.Since(t0).Nanoseconds()/(batch*batches))

	exited = 0
	t0 = time.Now()
	for k := 0; k < 2; k++ {
		go func() {
			for i := 0; i < switches/2; i++ {
				runtime.Gosched()
			}
			exited++
		}()
	}
	for exited < 2 {
		runtime.Gosched()
	}
	fmt.Fprintf(os.Stderr, "rt0 fact gosched_ns=%d\n", time.Since(t0).Nanoseconds()/switches)

	ping, pong := make(chan uintptr), make(chan uintptr)
	go func() {
		for i := 0; i < trips; i++ {
			pong <- (<-ping) + 1
		}
	}()
	t0 = time.Now()
	for i := uintptr(0); i < trips; i++ {
		ping <- i
		if <-pong != i+1 {
			panic("bench: the round trip lost a value")
		}
	}
	fmt.Fprintf(os.Stderr, "rt0 fact chan_roundtrip_ns=%d\n", time.Since(t0).Nanoseconds()/trips)
}
