/* abi: the target's C type layout, char signedness and byte order (and on
 * ppc64le the TOC pointer its C code runs with) against
 * the host's table from the ABI documents (conformance/lib/arches.c;
 * docs/go-facts.md, per-arch parameters and F). Each test
 * is named after its invariant (conformance/invariants.toml); the header's
 * per-arch constants are checked in startup.c. */
#include <stdio.h>
#include <string.h>

#include "suite.h"

static void type_layout(bool sizes)
{
	const struct arch_expect *x = want_arch_expect();
	struct run run;
	run_probe(&run, "abi", NULL, NULL);
	CHECK_EXIT(&run, 0);
	for (int i = 0; i < ABI_NTYPES; i++) {
		char key[64];
		snprintf(key, sizeof key, "abi.%s.%s", abi_type_names[i],
		         sizes ? "size" : "align");
		uint64_t got = trace_fact_u64(&run.t, key);
		unsigned want = sizes ? x->types[i].size : x->types[i].align;
		CHECK(&run, got == want,
		      "%s: expected %s %s %u, target says %llu", x->goarch,
		      abi_type_names[i], sizes ? "size" : "align", want,
		      (unsigned long long)got);
	}
	run_free(&run);
}

Test(arch, arch_type_sizes)
{
	type_layout(true);
}

Test(arch, arch_type_alignments)
{
	type_layout(false);
}

Test(arch, arch_char_signedness)
{
	const struct arch_expect *x = want_arch_expect();
	struct run run;
	run_probe(&run, "abi", NULL, NULL);
	CHECK_EXIT(&run, 0);
	uint64_t is_signed = trace_fact_u64(&run.t, "abi.char.signed");
	CHECK(&run, is_signed == (x->char_signed ? 1u : 0u),
	      "%s: expected plain char to be %s", x->goarch,
	      x->char_signed ? "signed" : "unsigned");
	run_free(&run);
}

Test(arch, arch_byte_order)
{
	const struct arch_expect *x = want_arch_expect();
	struct run run;
	run_probe(&run, "abi", NULL, NULL);
	CHECK_EXIT(&run, 0);
	const char *endian = trace_fact(&run.t, "abi.endian");
	const char *want = x->big_endian ? "big" : "little";
	CHECK(&run, endian != NULL && strcmp(endian, want) == 0,
	      "%s: expected %s-endian memory, target says %s", x->goarch, want,
	      endian ? endian : "(no abi.endian fact)");
	run_free(&run);
}

/* ppc64le: the C code runs with r2 = the program's .TOC. (plus the load
 * bias, found through goexit as the trace header places it). A runtime
 * whose entry left r2 unset does not get here: rt0_go stops it with a
 * fatal error, quoted by CHECK_EXIT. */
Test(entry, entry_toc_set)
{
	SKIP_IF_EXCEPTION("ENTRY-TOC-SET");
	struct run run;
	run_probe(&run, "abi", NULL, env_trace);
	CHECK_EXIT(&run, 0);
	char path[4096];
	struct elf_info elf;
	probe_path("abi", path, sizeof path);
	cr_assert(elf_open(path, &elf), "%s", elf.error);
	uint64_t toc_sym, goexit_sym;
	cr_assert(elf_symbol(&elf, ".TOC.", &toc_sym),
	          "expected a symbol .TOC. in the abi probe's .symtab");
	cr_assert(elf_symbol(&elf, "goexit", &goexit_sym),
	          "expected a symbol goexit in the abi probe's .symtab");
	elf_close(&elf);
	uint64_t bias = trace_header_u64(&run.t, "goexit") - goexit_sym;
	uint64_t toc = trace_fact_u64(&run.t, "abi.toc");
	CHECK(&run, toc == toc_sym + bias,
	      "expected the C code's r2 to be .TOC. = 0x%llx, it is 0x%llx",
	      (unsigned long long)(toc_sym + bias), (unsigned long long)toc);
	run_free(&run);
}
