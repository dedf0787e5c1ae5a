// knobs: the twin of conformance/probes/knobs.c. The parsed knobs as the
// runtime holds them, then argv, the runtime's copy of the environment and
// --getenv=KEY lookups, with rt0_print_knobs' keys and order:
//
//	knob.ncpu            runtime.NumCPU (osinit's ncpu)
//	knob.gomaxprocs      runtime.GOMAXPROCS(0)
//	knob.gogc            debug.SetGCPercent, set back at once
//	knob.gomemlimit      debug.SetMemoryLimit(-1) (reads without setting)
//	knob.traceback.*     runtime.traceback_cache (runtime1.go: crash bit 0,
//	                     all bit 1, level above tracebackShift = 2)
//	knob.godebug.KEY     the member KEY of runtime.debug (DWARF layout)
//	knob.cpu.NAME        internal/cpu.X86 (amd64, 386) / ARM64's HasNAME
//	knob.aeshash         runtime.useAeshash
//
// Left out: knob.godebug.rt0trace (rt0's own trace switch; Go has no such
// key), and knob.cpu.* on riscv64 (Go's internal/cpu detects no riscv64
// feature in 1.19 or 1.23). Each absence is said on stderr.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"unsafe"

	"rt0probe/internal/rt0"
)

// rt0's GODEBUG_KEYS, in its order, less rt0trace.
var godebugKeys = []string{"cgocheck", "gctrace", "inittrace", "invalidptr", "madvdontneed", "scheddetail", "schedtrace"}

// rt0's ARCH_CPU_FEATURES per arch and Go's internal/cpu member for each.
var cpuFeatures = map[string]struct {
	variable string
	names    [][2]string
}{
	"amd64": {"internal/cpu.X86", [][2]string{{"aes", "HasAES"}, {"ssse3", "HasSSSE3"}, {"sse41", "HasSSE41"}, {"avx2", "HasAVX2"}}},
	"386":   {"internal/cpu.X86", [][2]string{{"aes", "HasAES"}, {"ssse3", "HasSSSE3"}, {"sse41", "HasSSE41"}, {"avx2", "HasAVX2"}}},
	"arm64": {"internal/cpu.ARM64", [][2]string{{"aes", "HasAES"}, {"pmull", "HasPMULL"}, {"sha1", "HasSHA1"}, {"sha2", "HasSHA2"}, {"crc32", "HasCRC32"}, {"atomics", "HasATOMICS"}}},
}

func intVar(name string) (int64, bool) {
	v, err := rt0.LookupVar(name)
	if err == nil {
		var n int64
		if n, err = v.Int(); err == nil {
			return n, true
		}
	}
	rt0.Unavailable(name, err)
	return 0, false
}

func printKnobs() {
	rt0.FactInt("knob.ncpu", int64(runtime.NumCPU()))
	rt0.FactInt("knob.gomaxprocs", int64(runtime.GOMAXPROCS(0)))
	gogc := debug.SetGCPercent(100)
	debug.SetGCPercent(gogc)
	rt0.FactInt("knob.gogc", int64(gogc))
	rt0.FactInt("knob.gomemlimit", debug.SetMemoryLimit(-1))
	if t, ok := intVar("runtime.traceback_cache"); ok {
		t = int64(uint32(t)) // a uint32, whatever the reader sign-extends
		rt0.FactInt("knob.traceback.level", t>>2)
		rt0.FactInt("knob.traceback.all", (t>>1)&1)
		rt0.FactInt("knob.traceback.crash", t&1)
	}
	if dbg, err := rt0.LookupVar("runtime.debug"); err != nil {
		rt0.Unavailable("runtime.debug", err)
	} else {
		for _, k := range godebugKeys {
			if n, err := dbg.Member(k); err != nil {
				rt0.Unavailable("knob.godebug."+k, err)
			} else {
				rt0.FactInt("knob.godebug."+k, n)
			}
		}
	}
	rt0.Unavailable("knob.godebug.rt0trace", fmt.Errorf("rt0's own key; Go's GODEBUG has none"))
	if cf, ok := cpuFeatures[runtime.GOARCH]; !ok {
		rt0.Unavailable("knob.cpu.*", fmt.Errorf("Go's internal/cpu detects no %s feature rt0 reports", runtime.GOARCH))
	} else if v, err := rt0.LookupVar(cf.variable); err != nil {
		rt0.Unavailable(cf.variable, err)
	} else {
		for _, f := range cf.names {
			if n, err := v.Member(f[1]); err != nil {
				rt0.Unavailable("knob.cpu."+f[0], err)
			} else {
				rt0.FactInt("knob.cpu."+f[0], n)
			}
		}
	}
	if n, ok := intVar("runtime.useAeshash"); ok {
		rt0.FactInt("knob.aeshash", n)
	}
}

// runtimeEnvs is the runtime's own copy of the environment (runtime.envs,
// goenvs_unix.go), read through its symbol: os.Environ leaves out empty
// entries (syscall.Environ), rt0_envv does not, and the invariants are
// about what the runtime copied.
func runtimeEnvs() ([]string, error) {
	v, err := rt0.LookupVar("runtime.envs")
	if err != nil {
		return nil, err
	}
	return *(*[]string)(unsafe.Pointer(v.Addr)), nil
}

func main() {
	defer rt0.Flush()
	printKnobs()
	rt0.FactInt("argc", int64(len(os.Args)))
	for i, a := range os.Args {
		rt0.FactStr(fmt.Sprintf("argv.%d", i), a)
	}
	envs, err := runtimeEnvs()
	if err != nil {
		rt0.Unavailable("runtime.envs", err)
	} else {
		rt0.FactInt("envc", int64(len(envs)))
		for i, e := range envs {
			rt0.FactStr(fmt.Sprintf("env.%d", i), e)
		}
	}
	// getenv: os.LookupEnv, Go's getenv (syscall.Getenv: the first entry
	// with the key; entries without '=' are no key's).
	for i := 1; i < len(os.Args); i++ {
		if !strings.HasPrefix(os.Args[i], "--getenv=") {
			continue
		}
		key := os.Args[i][len("--getenv="):]
		if v, found := os.LookupEnv(key); found {
			rt0.FactStr(fmt.Sprintf("getenv.%d", i), v)
		} else {
			rt0.FactInt(fmt.Sprintf("getenv.%d.missing", i), 1)
		}
	}
}
