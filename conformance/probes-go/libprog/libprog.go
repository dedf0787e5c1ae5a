// libprog: the Go twin of probes/libprog.c, built with -buildmode=c-archive
// and linked by the same C host (probes/libhost.c), and with c-shared for the
// same host built to dlopen it (libdlhost). Its first init waits
// until the host's main has started, which only a library entry that
// returned at once lets happen; the second takes 20 ms, then records the
// thread and goroutine the inits ran on; main.main must never run; the
// exported functions wait for the inits, as every Go export does;
// rt0lib_panic panics, unrecovered.
package main

// #include <stdint.h>
// void rt0lib_wait_host(void);
import "C"

import (
	"sync/atomic"
	"syscall"
	"time"

	"rt0probe/internal/rt0"
)

var (
	initsRun int32
	initTid  int
	initPid  int
	initGoid int64
	mainRan  uint32
)

func init() { C.rt0lib_wait_host() }

func init() {
	time.Sleep(20 * time.Millisecond)
	initTid = syscall.Gettid()
	initPid = syscall.Getpid()
	initGoid = rt0.Goid()
	initsRun = 2
}

func main() { atomic.StoreUint32(&mainRan, 1) }

//export rt0lib_inits_run
func rt0lib_inits_run() C.int32_t { return C.int32_t(initsRun) }

//export rt0lib_init_tid
func rt0lib_init_tid() C.long { return C.long(initTid) }

//export rt0lib_init_pid
func rt0lib_init_pid() C.long { return C.long(initPid) }

//export rt0lib_init_goid
func rt0lib_init_goid() C.int64_t { return C.int64_t(initGoid) }

//export rt0lib_panic
func rt0lib_panic() { panic("rt0lib_panic called") }

//export rt0lib_main_ran
func rt0lib_main_ran() C.uint32_t { return C.uint32_t(atomic.LoadUint32(&mainRan)) }
