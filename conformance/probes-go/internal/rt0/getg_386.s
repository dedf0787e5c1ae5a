// The running g: Go keeps it in thread-local storage at 0(GS) on
// linux/386; TLS, then 0(reg)(TLS*1), is the assembler's spelling of that
// access (runtime/go_tls.h's get_tls and g), for internal and external
// linking alike.
#include "textflag.h"

// func getg() uintptr
TEXT ·getg(SB), NOSPLIT, $0-4
	MOVL TLS, CX
	MOVL 0(CX)(TLS*1), AX
	MOVL AX, ret+0(FP)
	RET
