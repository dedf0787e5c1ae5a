/* arches.h: what the host expects of each arch, written from the ABI
 * documents and Go's ports (shared/notes/go-startup-facts.md), so a
 * target's compiler and runtime are checked rather than trusted. */
#ifndef RT0CONF_ARCHES_H
#define RT0CONF_ARCHES_H

#include <stdbool.h>
#include <stdint.h>

struct arch_expect {
	const char *goarch;
	unsigned ptrsize;
	unsigned pcquantum;  /* goexitret - goexit */
	unsigned minframe;   /* fixed frame area below a callee's frame */
	unsigned stackalign; /* the C ABI's SP alignment at a call */
	unsigned g0stack;    /* g0's stack, hi - lo (newer Go: 64 KiB) */
	uint16_t elf_machine;
	const char *entry_symbol; /* the internal-mode ELF entry */
	/* false: the row is the best reading of the documents but has not
	 * been run against a target yet (the next issue confirms it). */
	bool confirmed;
	const char *source;
};

/* The row for a GOARCH name, or NULL. */
const struct arch_expect *arch_expect_find(const char *goarch);

#endif
