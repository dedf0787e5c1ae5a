// The counts scenario, the twin of probes/procs.c's main_counts: Ms as
// the kernel counts them (/proc/self/task, each thread's schedstat and
// stat). The files are read with raw system calls on paths made before
// the window, so that main.main neither allocates (no GC's workers wake)
// nor enters a system call Go's way (no P is handed off) while it
// computes.
package main

import (
	"os"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"rt0probe/internal/rt0"
)

const (
	countsWarmup = 30
	countsRounds = 300
	countsPings  = 20
	countsWakes  = 5
	countsCPU    = 200 * time.Millisecond // main.main's own CPU time
	countsWall   = 20 * time.Second       // to give up under any load
	countsChunk  = 100000
)

// countTasks is how many threads /proc/self/task lists.
func countTasks() int64 {
	ents, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return -1
	}
	return int64(len(ents))
}

var fileBuf [512]byte

// readFile reads a file into fileBuf by raw system calls; -1 when it
// cannot be opened (the thread is gone).
func readFile(path *byte) int {
	atFdcwd := -100 // the path is absolute anyway
	fd, _, e := syscall.RawSyscall6(syscall.SYS_OPENAT, uintptr(atFdcwd), uintptr(unsafe.Pointer(path)), 0, 0, 0, 0)
	if e != 0 {
		return -1
	}
	n, _, e := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&fileBuf[0])), uintptr(len(fileBuf)))
	syscall.RawSyscall(syscall.SYS_CLOSE, fd, 0, 0)
	if e != 0 || n == 0 {
		return -1
	}
	return int(n)
}

type taskFiles struct{ schedstat, stat *byte }

func filesOf(tid int) taskFiles {
	dir := "/proc/self/task/" + itoa(tid)
	a, _ := syscall.BytePtrFromString(dir + "/schedstat")
	b, _ := syscall.BytePtrFromString(dir + "/stat")
	return taskFiles{a, b}
}

func itoa(v int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		if v /= 10; v == 0 {
			return string(b[i:])
		}
	}
}

// cpuNs is the thread's CPU time, schedstat's first field.
func (f taskFiles) cpuNs() int64 {
	n := readFile(f.schedstat)
	if n < 0 {
		return -1
	}
	var v int64
	for _, c := range fileBuf[:n] {
		if c < '0' || c > '9' {
			break
		}
		v = v*10 + int64(c-'0')
	}
	return v
}

// state is the thread's state letter in stat, after the ") " that ends
// its name.
func (f taskFiles) state() byte {
	n := readFile(f.stat)
	for n--; n > 0 && fileBuf[n] != ')'; n-- {
	}
	if n > 0 && n+2 < len(fileBuf) && fileBuf[n+1] == ' ' {
		return fileBuf[n+2]
	}
	return '?'
}

var workerTids []int

func noteTid(tid int) {
	for _, t := range workerTids {
		if t == tid {
			return
		}
	}
	workerTids = append(workerTids, tid)
}

// countsRound: two goroutines hand a value back and forth, and one locked
// to its thread blocks and is woken by new goroutines; main.main waits for
// all three, so the other Ms go idle again. Each sends its gettid.
func countsRound() {
	ping, pong := make(chan int), make(chan int)
	done := make(chan int, 3)
	go func() {
		for i := 0; i < countsPings; i++ {
			ping <- i
			<-pong
		}
		done <- syscall.Gettid()
	}()
	go func() {
		for i := 0; i < countsPings; i++ {
			pong <- <-ping
		}
		done <- syscall.Gettid()
	}()
	go func() {
		runtime.LockOSThread()
		c := make(chan int)
		for i := 0; i < countsWakes; i++ {
			go func() { c <- 1 }()
			<-c
		}
		tid := syscall.Gettid()
		runtime.UnlockOSThread()
		done <- tid
	}()
	for i := 0; i < 3; i++ {
		noteTid(<-done)
	}
}

var countsArrived int32

// countsSpinner: two of them, each locked to its thread, spin until both
// have arrived, so at least two threads have run the probe's goroutines.
func countsSpinner(done chan<- int) {
	runtime.LockOSThread()
	tid := syscall.Gettid()
	atomic.AddInt32(&countsArrived, 1)
	for deadline := time.Now().Add(spin); atomic.LoadInt32(&countsArrived) < 2 && time.Now().Before(deadline); {
	}
	runtime.UnlockOSThread()
	done <- tid
}

var countsSink uint32

func mainCounts() {
	done := make(chan int, 2)
	go countsSpinner(done)
	go countsSpinner(done)
	noteTid(<-done)
	noteTid(<-done)
	for i := 0; i < countsWarmup; i++ {
		countsRound()
	}
	before := countTasks()
	for i := 0; i < countsRounds; i++ {
		countsRound()
	}
	after := countTasks()
	rt0.FactInt("procs.counts.rounds", countsRounds)
	rt0.FactInt("procs.counts.threads.before", before)
	rt0.FactInt("procs.counts.threads.after", after)

	// Alone, locked to its thread; its CPU time, not the clock, measures
	// the window.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	me := syscall.Gettid()
	self := filesOf(me)
	n := len(workerTids)
	files := make([]taskFiles, n)
	cpuBefore := make([]int64, n)
	asleep := make([]int64, n)
	for i, t := range workerTids {
		files[i] = filesOf(t)
		cpuBefore[i] = files[i].cpuNs()
	}
	start := self.cpuNs()
	now := start
	giveUp := time.Now().Add(countsWall)
	var samples int64
	x := uint32(1)
	for now-start < int64(countsCPU) && time.Now().Before(giveUp) {
		for j := 0; j < countsChunk; j++ {
			x = x*1103515245 + 12345
		}
		samples++
		for i := range files {
			if files[i].state() == 'S' {
				asleep[i]++
			}
		}
		now = self.cpuNs()
	}
	countsSink = x
	cpuAfter := make([]int64, n)
	for i := range files {
		cpuAfter[i] = files[i].cpuNs()
	}
	rt0.FactInt("procs.counts.tid", int64(me))
	rt0.FactInt("procs.counts.cpu_ns", now-start)
	rt0.FactInt("procs.counts.samples", samples)
	rt0.FactInt("procs.counts.workers", int64(n))
	for i, t := range workerTids {
		p := "procs.counts.worker." + itoa(i) + "."
		used := int64(-1)
		if cpuAfter[i] >= 0 && cpuBefore[i] >= 0 {
			used = cpuAfter[i] - cpuBefore[i]
		}
		rt0.FactInt(p+"tid", int64(t))
		rt0.FactInt(p+"cpu_ns", used)
		rt0.FactInt(p+"asleep", asleep[i])
	}
}
