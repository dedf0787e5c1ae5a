// exits: the twin of conformance/probes/exits.c, one scenario per argv[1]
// (mainreturns, panicmain, panicinit, panicgoroutine, goexit, goexitwait,
// deadlock, chan, gonil), with the same facts. rt0_panic is Go's
// panic(string), rt0_goexit runtime.Goexit, rt0_gosched runtime.Gosched,
// rt0's channels of machine words Go's chan uintptr.
package main

import (
	"runtime"
	"sync/atomic"

	_ "rt0probe/exits/p"
	"rt0probe/internal/rt0"
)

const maxTurns = 100000

var spinnerRan int32

func spinner() {
	atomic.StoreInt32(&spinnerRan, 1)
	for {
		runtime.Gosched()
	}
}

func panicker() {
	rt0.FactInt("panicker.goid", rt0.Goid())
	rt0.Panic("boom in goroutine")
}

func slowWorker() {
	for r := 0; r < 5; r++ {
		rt0.FactInt("worker.round", int64(r))
		runtime.Gosched()
	}
	rt0.FactInt("worker.done", 1)
	rt0.Flush() // must be out before the fatal message that follows
}

const pings = 50

func channels() {
	ping, pong := make(chan uintptr), make(chan uintptr)
	go func() {
		for i := 0; i < pings; i++ {
			pong <- (<-ping) + 1
		}
	}()
	ok := 0
	for i := uintptr(0); i < pings; i++ {
		ping <- 2 * i
		if <-pong == 2*i+1 {
			ok++
		}
	}
	rt0.FactInt("chan.unbuffered.rounds", pings)
	rt0.FactInt("chan.unbuffered.ok", int64(ok))

	// Sends up to the capacity complete without a receiver.
	buffered := make(chan uintptr, 4)
	for v := uintptr(100); v < 104; v++ {
		buffered <- v
	}
	rt0.FactInt("chan.buffered.nonblocking", 1)
	got := []byte{}
	for i := 0; i < 4; i++ {
		v := <-buffered
		got = append(got, byte('0'+v/100), byte('0'+v/10%10), byte('0'+v%10))
		if i < 3 {
			got = append(got, ',')
		}
	}
	rt0.FactStr("chan.buffered.fifo", string(got))

	// A producer that runs ahead of the consumer by up to 4 values.
	go func() {
		for v := uintptr(1); v <= 10; v++ {
			buffered <- v
		}
	}()
	order := []byte{}
	for i := 0; i < 10; i++ {
		v := <-buffered
		if v >= 10 {
			order = append(order, byte('0'+v/10))
		}
		order = append(order, byte('0'+v%10), ',')
	}
	rt0.FactStr("chan.buffered.order", string(order[:len(order)-1]))
}

// nilFunc is a variable, so the compiler cannot see the go statement's
// function is nil (rt0_fn volatile nil in the C probe).
var nilFunc func()

func main() {
	defer rt0.Flush()
	s := rt0.Scenario()
	rt0.FactStr("scenario", s)
	switch s {
	case "mainreturns":
		go spinner()
		for t := 0; t < maxTurns && atomic.LoadInt32(&spinnerRan) == 0; t++ {
			runtime.Gosched()
		}
		rt0.FactInt("spinner.ran", int64(atomic.LoadInt32(&spinnerRan)))
		return
	case "panicmain":
		rt0.Panic("boom in main")
	case "panicinit":
		rt0.FactInt("main.ran", 1) // must not get here
		return
	case "panicgoroutine":
		go panicker()
		for t := 0; t < maxTurns; t++ {
			runtime.Gosched()
		}
		rt0.FactInt("main.survived", 1)
		return
	case "goexit":
		rt0.FactInt("main.goexit", 1)
		rt0.Flush()
		runtime.Goexit()
	case "goexitwait":
		go slowWorker()
		rt0.FactInt("main.goexit", 1)
		rt0.Flush()
		runtime.Goexit()
	case "deadlock":
		never := make(chan uintptr)
		rt0.Flush() // the deadlock is a fatal error: nothing after it runs
		<-never
		rt0.FactInt("main.survived", 1)
		return
	case "chan":
		channels()
		return
	case "gonil":
		rt0.Flush()
		go nilFunc()
		rt0.FactInt("main.survived", 1)
		return
	}
	rt0.Panic("exits: unknown scenario")
}
