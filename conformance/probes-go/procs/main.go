// procs: the twin of conformance/probes/procs.c. Two goroutines, each
// locked to its thread, spin until each has seen the other arrive (for at
// most 2 s), a goroutine locked to
// its thread and a package init each block 50 times on a channel another
// goroutine feeds, and every thread is the probe's own gettid. The M a
// spinner runs on is the runtime's m.procid (read through the binary's
// DWARF), where the C probe asks rt0_m_self for the M's id. With argv[1]
// "counts" it measures Ms as the kernel counts them instead (counts.go).
package main

import (
	"os"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"

	"rt0probe/internal/rt0"
)

const (
	spin      = 2 * time.Second
	rounds    = 50
	feedWait  = 50 * time.Millisecond
	feedDelay = 200 * time.Microsecond
)

// blockRounds blocks rounds times, each time woken by a new goroutine that
// sends a moment after it starts; before blocking it waits (50 ms at
// most, with more than one P) for that goroutine to run, so that the waker
// runs on the other M. It returns how many times it woke on another thread.
func blockRounds() (tid int, moved int) {
	c := make(chan int)
	tid = syscall.Gettid()
	wait := feedWait
	if runtime.GOMAXPROCS(0) == 1 {
		wait = 0 // the feeder cannot run before this blocks
	}
	for i := 0; i < rounds; i++ {
		var running int32
		go func() {
			atomic.StoreInt32(&running, 1)
			for until := time.Now().Add(feedDelay); time.Now().Before(until); {
			}
			c <- 1
		}()
		for giveUp := time.Now().Add(wait); atomic.LoadInt32(&running) == 0 && time.Now().Before(giveUp); {
		}
		<-c
		if syscall.Gettid() != tid {
			moved++
		}
	}
	return tid, moved
}

var initTid, initMoved int

func init() { initTid, initMoved = blockRounds() }

type spinner struct {
	tid      int
	m        int64
	sawOther bool
}

var arrived int32

// spinOnce holds its thread: Go preempts a goroutine after 10 ms, and two
// unlocked spinners could take turns on one thread and still see each
// other arrive.
func spinOnce(s *spinner, done chan<- int) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	s.m, _ = rt0.Procid()
	s.tid = syscall.Gettid()
	atomic.AddInt32(&arrived, 1)
	deadline := time.Now().Add(spin)
	for atomic.LoadInt32(&arrived) < 2 && time.Now().Before(deadline) {
	}
	s.sawOther = atomic.LoadInt32(&arrived) >= 2
	done <- 1
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "counts" {
		mainCounts()
		rt0.Flush()
		return
	}
	rt0.FactInt("procs.pid", int64(syscall.Getpid()))
	rt0.FactInt("procs.init.tid", int64(initTid))
	rt0.FactInt("procs.init.moved", int64(initMoved))
	rt0.FactInt("procs.rounds", rounds)

	done := make(chan int, 2)
	var spinners [2]spinner
	for i := range spinners {
		go spinOnce(&spinners[i], done)
	}
	<-done
	<-done
	for i, s := range spinners {
		p := "procs.spinner." + string(rune('0'+i)) + "."
		rt0.FactInt(p+"tid", int64(s.tid))
		rt0.FactInt(p+"m", s.m)
		rt0.FactInt(p+"saw_other", b2i(s.sawOther))
	}

	var lockedTid, lockedMoved int
	go func() {
		runtime.LockOSThread()
		lockedTid, lockedMoved = blockRounds()
		runtime.UnlockOSThread()
		done <- 1
	}()
	<-done
	rt0.FactInt("procs.locked.tid", int64(lockedTid))
	rt0.FactInt("procs.locked.moved", int64(lockedMoved))
	rt0.Flush()
}
