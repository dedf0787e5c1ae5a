/* arches.h: what the host expects of each arch, written from the ABI
 * documents and Go's ports (docs/go-facts.md), so a
 * target's compiler and runtime are checked rather than trusted. */
#ifndef RT0CONF_ARCHES_H
#define RT0CONF_ARCHES_H

#include <stdbool.h>
#include <stdint.h>

/* C types whose layout the target reports (probe abi): size, and alignment
 * as a struct member (offset after a char), which is what breaks 64-bit
 * atomics on 386. */
enum abi_type {
	ABI_SHORT,
	ABI_INT,
	ABI_LONG,
	ABI_LLONG,
	ABI_PTR,
	ABI_SIZE_T,
	ABI_FLOAT,
	ABI_DOUBLE,
	ABI_LDOUBLE,
	ABI_NTYPES
};
extern const char *const abi_type_names[ABI_NTYPES]; /* fact key parts */

struct abi_layout {
	unsigned size, align;
};

struct arch_expect {
	const char *goarch;
	unsigned ptrsize;
	unsigned pcquantum;  /* goexitret - goexit */
	unsigned minframe;   /* fixed frame area below a callee's frame */
	unsigned stackalign; /* the C ABI's SP alignment at a call */
	unsigned g0stack;    /* g0's stack, hi - lo (newer Go: 64 KiB) */
	uint16_t elf_machine;
	const char *entry_symbol; /* the internal-mode ELF entry */
	const char *retloc; /* where a new goroutine's entry finds goexitret:
	                       "stack" (at SP) or "lr" (link register) */
	struct abi_layout types[ABI_NTYPES];
	bool char_signed;
	bool big_endian;
	/* The CPU features alginit needs for the AES hash (Go's alg.go
	 * 311-340); none: the arch has no AES hash. */
	const char *aeshash_cpu[3];
	/* The system call rt0_go makes to install TLS in internal mode (a
	 * suite makes it fail to drive the bad-TLS path); 0: none, the thread
	 * pointer is a register user space writes itself. */
	long tls_setup_syscall;
	/* The arch's sequentially consistent read-modify-writes as a
	 * disassembly shows them (the psABI's C11 mapping, and Go's own
	 * runtime/internal/atomic): the objdump that reads the target (its
	 * Debian package is binutils-<triple>), an ERE that one instruction
	 * of each atomic must match, one that none may match (an unordered
	 * or half-ordered form), and the fences that must come before and
	 * after it (NULL: none). */
	const char *objdump;
	const char *rmw_insn, *rmw_forbidden, *rmw_fence_before, *rmw_fence_after;
	/* false: the row is the best reading of the documents but has not
	 * been run against a target yet (its port confirms it). */
	bool confirmed;
	const char *source;
};

/* The row for a GOARCH name, or NULL. */
const struct arch_expect *arch_expect_find(const char *goarch);

#endif
