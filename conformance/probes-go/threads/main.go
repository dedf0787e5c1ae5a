// threads: the twin of conformance/probes/threads.c. Four goroutines, each
// locked to an M of its own (LockOSThread, with Ps enough for all of them
// to run at once), first say which thread they are on (gettid, getpid, the
// thread's signal mask, and the M's procid, read from the runtime's m
// through this binary's DWARF), then hammer the same words with sync/atomic,
// whose assembly jumps straight to the runtime's own atomics (go1.19
// sync/atomic/asm.s: JMP runtime∕internal∕atomic·Xadd and friends; go1.23:
// internal∕runtime∕atomic), and which the compiler turns into the same
// instructions as the runtime's own calls where it inlines them. main.main
// prints the totals once every M is done.
//
// The main goroutine stays on m0, the process's first thread: runtime.main
// locks it there for the inits, and this package's init locks it again, so
// that it stays for main.main. Before the Ms start it blocks SIGUSR2 on m0:
// Go gives every M the mask the process started with (initSigmask), not its
// creator's. Which Ms Go makes, their ids and their g0 a Go program cannot
// ask (the C probe's rt0_newm and rt0_m_self), nor can it reach Or8 and
// And8: those facts are left out.
// Go has no atomics of its own beside the runtime's, so the witness that
// the Ms' rounds interleaved is another Xadd, on a word of its own, where
// the C probe uses the compiler's. argv[1], when given, is the iterations
// per M.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"rt0probe/internal/rt0"
)

const (
	nMs      = 4
	maxIters = 1000000
	// As the C probe: each M goes on past its iterations until the Ms saw
	// each other's updates land between their own this often, or for at
	// most maxHammer.
	wantOverlap = 2000
	maxHammer   = 3 * time.Second
)

// 64-bit words first: Go aligns a global's first word to 8 bytes on every
// arch, which the 64-bit atomics need on 386 and arm (sync/atomic's bugs
// section).
var (
	xadd64, cas64, xchg64  uint64
	xadd32, cas32, xchg32  uint32
	witness, overlap, gate uint32
)

const sigUSR2 = 12

type report struct {
	tid, pid, procid         int64
	sigmask                  uint64
	iters                    int64
	witnessInterleaved       uint64
	casRetries, xchgForeign  uint64
	in32, out32, in64, out64 uint64
}

var reports [nMs]report

// The first mask, on m0 before main.main changes it.
var initialMask uint64

func init() {
	runtime.LockOSThread()
	initialMask = sigmask()
}

// sigmask is the calling thread's blocked set, as the kernel has it.
func sigmask() uint64 {
	var old uint64
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, 0 /* SIG_BLOCK, no set: a query */, 0,
		uintptr(unsafe.Pointer(&old)), 8, 0, 0)
	return old
}

func block(sig int) {
	set := uint64(1) << (sig - 1)
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, 0, /* SIG_BLOCK */
		uintptr(unsafe.Pointer(&set)), 0, 8, 0, 0)
}

func hammeredEnough(n, iters int64, start time.Time) bool {
	if n < iters || n%1024 != 0 {
		return false
	}
	return atomic.LoadUint32(&overlap) >= wantOverlap || time.Since(start) > maxHammer
}

func hammer(r *report, idx int, iters int64) {
	var prevWitness uint32
	var n int64
	for start := time.Now(); !hammeredEnough(n, iters, start); n++ {
		seen := atomic.AddUint32(&witness, 1)
		atomic.AddUint32(&xadd32, 1)
		if n > 0 && seen != prevWitness+1 {
			r.witnessInterleaved++
			atomic.AddUint32(&overlap, 1)
		}
		prevWitness = seen
		atomic.AddUint64(&xadd64, 1)

		for {
			o := atomic.LoadUint32(&cas32)
			if atomic.CompareAndSwapUint32(&cas32, o, o+1) {
				break
			}
			r.casRetries++
		}
		for {
			o := atomic.LoadUint64(&cas64)
			if atomic.CompareAndSwapUint64(&cas64, o, o+1) {
				break
			}
			r.casRetries++
		}

		// Tokens no other M puts in, the top byte naming the M: what
		// comes out of the word plus what is left in it at the end is
		// exactly what went in.
		t32 := uint32(idx+1)<<24 | uint32(n)&0xffffff
		r.in32 += uint64(t32)
		out := atomic.SwapUint32(&xchg32, t32)
		r.out32 += uint64(out)
		if out>>24 != 0 && out>>24 != uint32(idx+1) {
			r.xchgForeign++
		}
		t64 := uint64(idx+1)<<40 | uint64(n)
		r.in64 += t64
		r.out64 += atomic.SwapUint64(&xchg64, t64)
	}
	r.iters = n
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func main() {
	iters := int64(20000)
	if len(os.Args) > 1 {
		v, err := strconv.ParseInt(os.Args[1], 10, 64)
		if err != nil || v < 1 || v > maxIters {
			rt0.FactStr("error", "iterations: want 1..1000000")
			rt0.Flush()
			return
		}
		iters = v
	}
	if _, err := rt0.Procid(); err != nil { // the DWARF read, once, before the Ms
		rt0.Unavailable("the Ms' procid", err)
	}
	rt0.FactInt("m0.pid", int64(syscall.Getpid()))
	rt0.FactInt("m0.tid", int64(syscall.Gettid()))
	rt0.FactInt("m0.sigmask.initial", int64(initialMask))
	block(sigUSR2)
	rt0.FactInt("m0.sigmask.creating", int64(sigmask()))
	// A P for each M and one for main.main: the suites run it with
	// GOMAXPROCS=1, which would leave the Ms taking turns.
	runtime.GOMAXPROCS(nMs + 1)
	var ready, done sync.WaitGroup
	ready.Add(nMs)
	done.Add(nMs)
	for i := 0; i < nMs; i++ {
		go func(i int) {
			runtime.LockOSThread()
			r := &reports[i]
			r.tid, r.pid = int64(syscall.Gettid()), int64(syscall.Getpid())
			r.sigmask = sigmask()
			r.procid, _ = rt0.Procid()
			ready.Done()
			for atomic.LoadUint32(&gate) == 0 {
			}
			hammer(&reports[i], i, iters)
			done.Done()
		}(i)
	}
	ready.Wait()
	atomic.StoreUint32(&gate, 1)
	done.Wait()

	var total, witnessed, retries, foreign, in32, out32, in64, out64 uint64
	for i := range reports {
		r := &reports[i]
		total += uint64(r.iters)
		witnessed += r.witnessInterleaved
		retries += r.casRetries
		foreign += r.xchgForeign
		in32, out32 = in32+r.in32, out32+r.out32
		in64, out64 = in64+r.in64, out64+r.out64
	}
	rt0.FactInt("ms", nMs)
	for i := range reports {
		r := &reports[i]
		rt0.FactInt(fmt.Sprintf("m.%d.tid", i), r.tid)
		rt0.FactInt(fmt.Sprintf("m.%d.pid", i), r.pid)
		rt0.FactInt(fmt.Sprintf("m.%d.procid", i), r.procid)
		rt0.FactInt(fmt.Sprintf("m.%d.sigmask", i), int64(r.sigmask))
	}
	rt0.FactInt("atomic.iters", int64(total))
	rt0.FactInt("atomic.xadd32", int64(atomic.LoadUint32(&xadd32)))
	rt0.FactInt("atomic.xadd64", int64(atomic.LoadUint64(&xadd64)))
	rt0.FactInt("atomic.cas32", int64(atomic.LoadUint32(&cas32)))
	rt0.FactInt("atomic.cas64", int64(atomic.LoadUint64(&cas64)))
	rt0.FactInt("atomic.cas_retries", int64(retries))
	rt0.FactInt("atomic.witness_interleaved", int64(witnessed))
	rt0.FactInt("atomic.xchg_foreign", int64(foreign))
	// The sums wrap alike on both sides: compared modulo the width.
	rt0.FactStr("atomic.xchg32.balanced",
		yesNo(uint32(out32+uint64(atomic.LoadUint32(&xchg32))) == uint32(in32)))
	rt0.FactStr("atomic.xchg64.balanced", yesNo(out64+atomic.LoadUint64(&xchg64) == in64))
	rt0.Flush()
}
