// The running g: Go keeps it in thread-local storage at -8(FS) on
// linux/amd64 (R14 holds it only inside ABIInternal code; an assembly
// function is ABI0, so it reads TLS). The assembler turns (TLS) into the
// right access for internal and external linking alike.
#include "textflag.h"

// func getg() uintptr
TEXT ·getg(SB), NOSPLIT, $0-8
	MOVQ (TLS), AX
	MOVQ AX, ret+0(FP)
	RET
