// bench/sched.go: bench/sched.c in Go: goroutine create+exit, Gosched
// between two goroutines and an unbuffered channel round trip (run with
// GOMAXPROCS=1), then spread, the same CPU work in 8 goroutines (also run
// alone, argument "spread", with GOMAXPROCS=2), in nanoseconds per
// operation, printed as "rt0 fact NAME_ns=N" lines on stderr like the C
// program's.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"time"
)

const (
	batch    = 100
	batches  = 1000
	switches = 100000
	trips    = 100000
	nspread  = 8
	work     = 20000000
)

var spreadSink uint64

func spreadWork(done chan<- int) {
	x := uint64(88172645463325252)
	for i := 0; i < work; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	atomic.AddUint64(&spreadSink, x)
	done <- 1
}

func spread() {
	done := make(chan int, nspread)
	t0 := time.Now()
	for i := 0; i < nspread; i++ {
		go spreadWork(done)
	}
	for i := 0; i < nspread; i++ {
		<-done
	}
	fmt.Fprintf(os.Stderr, "rt0 fact spread_ns=%d\n", time.Since(t0).Nanoseconds()/nspread)
}

var exited int

func main() {
	if len(os.Args) > 1 && os.Args[1] == "spread" {
		spread()
		return
	}
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
	spread()
}
