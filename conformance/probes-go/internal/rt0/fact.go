// Package rt0 is what the Go probe twins share: rt0 fact lines in
// conformance/TRACE.md's grammar, the running g through a per-arch
// assembly stub, and the runtime's internals through the offsets and
// symbols of the probe's own binary (package layout). It plays the part
// of runtime/rt0.h for the C probes.
package rt0

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"syscall"
)

// Facts are buffered, as rt0's runtime buffers its trace lines, and written
// out by Flush: at the end of main.main and before anything that ends the
// program (a panic, Goexit, a deadlock, a fault). Not to save time: a
// write system call by one goroutine lets Go's sysmon hand the P to the
// others (retake, proc.go), so a probe writing each fact at once would
// reorder the very goroutines it observes. Past 64 KiB the buffer is
// flushed anyway (the knobs probe's 10000 arguments).
var (
	mu  sync.Mutex
	buf []byte
)

func write(s string) {
	mu.Lock()
	buf = append(buf, s...)
	full := len(buf) >= 64<<10
	mu.Unlock()
	if full {
		Flush()
	}
}

// Flush writes the buffered lines to fd 2 now (rt0_flush).
func Flush() {
	mu.Lock()
	b := buf
	buf = nil
	mu.Unlock()
	for len(b) > 0 {
		n, err := syscall.Write(2, b)
		if err == syscall.EINTR {
			continue
		}
		if err != nil || n <= 0 {
			return
		}
		b = b[n:]
	}
}

// encode percent-encodes a value as TRACE.md says: bytes <= 0x20, >= 0x7f
// and '%' itself, with upper-case hex digits as the C runtime prints them.
func encode(v string) string {
	const hex = "0123456789ABCDEF"
	out := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c <= 0x20 || c >= 0x7f || c == '%' {
			out = append(out, '%', hex[c>>4], hex[c&15])
		} else {
			out = append(out, c)
		}
	}
	return string(out)
}

// FactStr states "rt0 fact key=value", the value percent-encoded.
func FactStr(key, value string) { write("rt0 fact " + key + "=" + encode(value) + "\n") }

// FactInt states a decimal fact.
func FactInt(key string, v int64) { write("rt0 fact " + key + "=" + strconv.FormatInt(v, 10) + "\n") }

// FactHex states a 0x-prefixed lower-case hex fact, as rt0_fact_hex.
func FactHex(key string, v uintptr) {
	write("rt0 fact " + key + "=0x" + strconv.FormatUint(uint64(v), 16) + "\n")
}

// Unavailable says loudly, on stderr, that a fact cannot be observed on
// this toolchain and why; the fact is left out, so the test that needs it
// fails naming it, never passes by default. The line is not a protocol
// line: parsers keep it among the program's own output.
func Unavailable(what string, err error) {
	write(fmt.Sprintf("rt0probe: cannot observe %s: %v\n", what, err))
}

// Print writes s to stdout, as rt0_print (unbuffered, like rt0's).
func Print(s string) { os.Stdout.WriteString(s) }

// Panic flushes the facts, then panics with msg (rt0_panic).
func Panic(msg string) {
	Flush()
	panic(msg)
}

// Scenario is argv[1], or "" (PU_SCENARIO).
func Scenario() string {
	if len(os.Args) > 1 {
		return os.Args[1]
	}
	return ""
}
