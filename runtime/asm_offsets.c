/* asm_offsets.c: compiled to assembly text only; cmake/gen_offsets.cmake
 * turns each "->NAME value" marker into a #define for the assembly files. */
#include "runtime.h"

#define DEFINE(sym, val)                                                       \
	__asm__ volatile("\n.ascii \"->" #sym " %0\"" : : "i"(val))
#define OFFSET(sym, type, field) DEFINE(sym, offsetof(type, field))

void asm_offsets(void);
void asm_offsets(void)
{
	OFFSET(G_STACK_LO, struct g, stack.lo);
	OFFSET(G_STACK_HI, struct g, stack.hi);
	OFFSET(G_STACKGUARD0, struct g, stackguard0);
	OFFSET(G_STACKGUARD1, struct g, stackguard1);
	OFFSET(G_SCHED, struct g, sched);
	OFFSET(G_M, struct g, m);
	OFFSET(M_G0, struct m, g0);
	OFFSET(M_TLS, struct m, tls);
	OFFSET(GOBUF_SP, struct gobuf, sp);
	OFFSET(GOBUF_PC, struct gobuf, pc);
	OFFSET(GOBUF_G, struct gobuf, g);
	OFFSET(GOBUF_CTXT, struct gobuf, ctxt);
	OFFSET(GOBUF_LR, struct gobuf, lr);
	OFFSET(GOBUF_REGS, struct gobuf, regs);
	OFFSET(GOBUF_FPCTL, struct gobuf, fpctl);
	DEFINE(G0_STACK_SIZE_, G0_STACK_SIZE);
	DEFINE(STACK_GUARD_, STACK_GUARD);
}
