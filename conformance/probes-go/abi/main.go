// abi: the twin of conformance/probes/abi.c, as far as Go has one.
//
// Left out: abi.<type>.size and .align and abi.char.signed. They describe
// the target's C compiler (short, long, long double, plain char); a pure
// Go program has no C types, and with cgo they would describe gcc, not
// Go. Go's own sizes are runtime.check's (the check.* facts of hello) and
// the DWARF base types (tools/golayout).
package main

import (
	"unsafe"

	"rt0probe/internal/rt0"
)

func main() {
	defer rt0.Flush()
	// The byte order as memory shows it.
	word := uint32(0x01020304)
	if *(*byte)(unsafe.Pointer(&word)) == 0x01 {
		rt0.FactStr("abi.endian", "big")
	} else {
		rt0.FactStr("abi.endian", "little")
	}
}
