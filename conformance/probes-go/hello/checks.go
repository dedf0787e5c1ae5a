package main

import (
	"fmt"
	"runtime"
	"strings"

	"rt0probe/internal/rt0"
)

// rt0's runtime states check.<key>=ok for every check of its runtime.check
// that passed. Go's runtime.check (runtime1.go) states nothing, but throws
// on the first failure, before any user code: a Go program that reached
// main.main has passed every check its runtime.check makes. So the twin
// states ok for exactly the checks Go's runtime.check makes, each with
// its throw in Go 1.19.8 and 1.23.5 (the same lines in both:
// src/runtime/runtime1.go). A key that Go does not check is left out, so
// its test fails and the difference is seen, not hidden.
var goChecks = []struct{ key, where string }{
	{"sizeof_int8", `runtime1.go:168-170 "bad a"`},
	{"sizeof_uint8", `runtime1.go:171-173 "bad b"`},
	{"sizeof_int16", `runtime1.go:174-176 "bad c"`},
	{"sizeof_uint16", `runtime1.go:177-179 "bad d"`},
	{"sizeof_int32", `runtime1.go:180-182 "bad e"`},
	{"sizeof_uint32", `runtime1.go:183-185 "bad f"`},
	{"sizeof_int64", `runtime1.go:186-188 "bad g"`},
	{"sizeof_uint64", `runtime1.go:189-191 "bad h"`},
	{"sizeof_float32", `runtime1.go:192-194 "bad i"`},
	{"sizeof_float64", `runtime1.go:195-197 "bad j"`},
	{"sizeof_pointer", `runtime1.go:198-200 "bad k"`},
	{"sizeof_typed_pointer", `runtime1.go:201-203 "bad l"`},
	// sizeof_uintptr: Go's check has no uintptr size check.
	{"sizeof_x1", `runtime1.go:204-206 "bad unsafe.Sizeof x1"`},
	{"offsetof_y1_y", `runtime1.go:207-209 "bad offsetof y1.y"`},
	{"sizeof_y1", `runtime1.go:210-212 "bad unsafe.Sizeof y1"`},
	{"timediv", `runtime1.go:214-216 "bad timediv"`},
	{"cas32_succeeds", `runtime1.go:218-222 "cas1"`},
	{"cas32_stores", `runtime1.go:223-225 "cas2"`},
	{"cas32_mismatch_fails", `runtime1.go:227-230 "cas3"`},
	{"cas32_mismatch_keeps", `runtime1.go:231-233 "cas4"`},
	{"cas32_all_ones_succeeds", `runtime1.go:235-238 "cas5"`},
	{"cas32_all_ones_stores", `runtime1.go:239-241 "cas6"`},
	{"or8_keeps_neighbours", `runtime1.go:243-247 "atomicor8"`},
	{"and8_keeps_neighbours", `runtime1.go:249-253 "atomicand8"`},
	{"float64_nan_not_eq_self", `runtime1.go:255-258 "float64nan"`},
	{"float64_nan_ne_self", `runtime1.go:259-261 "float64nan1"`},
	{"float64_nans_not_eq", `runtime1.go:263-266 "float64nan2"`},
	{"float64_nans_ne", `runtime1.go:267-269 "float64nan3"`},
	{"float32_nan_not_eq_self", `runtime1.go:271-274 "float32nan"`},
	// float32_nan_ne_self and float32_nans_ne: Go's "float32nan1" and
	// "float32nan3" (runtime1.go:275-276, 283-284) test i == i and i == i1 again,
	// not !(i != i): the != property is not checked, so they are left out.
	{"float32_nans_not_eq", `runtime1.go:279-282 "float32nan2"`},
	{"cas64_mismatch_fails", `runtime1.go:105-120 testAtomic64 "cas64 failed"`},
	{"cas64_mismatch_keeps_old", `runtime1.go:105-120 testAtomic64 "cas64 failed"`},
	{"cas64_succeeds", `runtime1.go:105-120 testAtomic64 "cas64 failed"`},
	{"cas64_stores", `runtime1.go:105-120 testAtomic64 "cas64 failed"`},
	{"load64", `runtime1.go:121-123 testAtomic64 "load64 failed"`},
	{"store64", `runtime1.go:124-127 testAtomic64 "store64 failed"`},
	{"xadd64_returns_new", `runtime1.go:128-133 testAtomic64 "xadd64 failed"`},
	{"xadd64_stores", `runtime1.go:128-133 testAtomic64 "xadd64 failed"`},
	{"xchg64_returns_old", `runtime1.go:134-139 testAtomic64 "xchg64 failed"`},
	{"xchg64_stores", `runtime1.go:134-139 testAtomic64 "xchg64 failed"`},
	// Go checks _FixedStack is a power of two (runtime1.go:289-291); its
	// stack classes are _FixedStack << order, so all of them are.
	{"stack_classes_pow2", `runtime1.go:289-291 "FixedStack is not power-of-2"`},
}

// The versions whose runtime1.go the table was read against.
func checkTableApplies(v string) bool {
	return strings.HasPrefix(v, "go1.19") || strings.HasPrefix(v, "go1.23")
}

func checks() {
	if !checkTableApplies(runtime.Version()) {
		rt0.Unavailable("check.* facts", fmt.Errorf("runtime.check of %s was not read: extend hello/checks.go", runtime.Version()))
	} else {
		for _, c := range goChecks {
			rt0.FactStr("check."+c.key, "ok")
		}
	}
	// g0_stack_pow2 is not among Go's checks: the probe measures m0's g0
	// stack itself and says what it found.
	lo, hi, err := rt0.G0Stack()
	if err != nil {
		rt0.Unavailable("g0's stack", err)
		return
	}
	if n := hi - lo; n != 0 && n&(n-1) == 0 {
		rt0.FactStr("check.g0_stack_pow2", "ok")
	} else {
		rt0.FactStr("check.g0_stack_pow2", fmt.Sprintf("g0-stack-%d-bytes-not-a-power-of-two", n))
	}
}
