/* abi: the target's C type layout and the shape of a new goroutine's frame
 * against the host's table from the ABI documents (conformance/lib/arches.c;
 * shared/notes/go-startup-facts.md, per-arch parameters and F). */
#include <stdio.h>
#include <string.h>

#include "suite.h"

static const struct arch_expect *expect(void)
{
	const struct arch_expect *x = arch_expect_find(want_arch());
	cr_assert_not_null(x,
	                   "no host-side expectations for arch %s in "
	                   "conformance/lib/arches.c",
	                   want_arch());
	return x;
}

Test(abi, type_sizes_and_alignments_match_abi)
{
	const struct arch_expect *x = expect();
	struct run run;
	run_probe(&run, "abi", NULL, NULL);
	CHECK_EXIT(&run, 0);
	for (int i = 0; i < ABI_NTYPES; i++) {
		char key[64];
		snprintf(key, sizeof key, "abi.%s.size", abi_type_names[i]);
		uint64_t size = trace_fact_u64(&run.t, key);
		snprintf(key, sizeof key, "abi.%s.align", abi_type_names[i]);
		uint64_t align = trace_fact_u64(&run.t, key);
		CHECK(&run,
		      size == x->types[i].size && align == x->types[i].align,
		      "%s: expected %s size %u align %u, target says size %llu "
		      "align %llu",
		      x->goarch, abi_type_names[i], x->types[i].size,
		      x->types[i].align, (unsigned long long)size,
		      (unsigned long long)align);
	}
	run_free(&run);
}

Test(abi, char_signedness_matches_abi)
{
	const struct arch_expect *x = expect();
	struct run run;
	run_probe(&run, "abi", NULL, NULL);
	CHECK_EXIT(&run, 0);
	uint64_t is_signed = trace_fact_u64(&run.t, "abi.char.signed");
	CHECK(&run, is_signed == (x->char_signed ? 1u : 0u),
	      "%s: expected plain char to be %s", x->goarch,
	      x->char_signed ? "signed" : "unsigned");
	run_free(&run);
}

Test(abi, byte_order_matches_abi)
{
	const struct arch_expect *x = expect();
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

/* Go's gostartcall: the entry function of every new goroutine returns to
 * goexit + PCQuantum, found where the ABI keeps return addresses: at SP on
 * amd64/386, in the link register elsewhere. */
Test(abi, new_goroutine_return_address_is_goexit_plus_pcquantum_in_abi_place)
{
	const struct arch_expect *x = expect();
	struct run run;
	run_probe(&run, "hello", NULL, env_trace);
	CHECK_EXIT(&run, 0);
	uint64_t goexitret = trace_header_u64(&run.t, "goexitret");
	const struct trace_line *ev;
	size_t n = 0;
	while ((ev = trace_find_event(&run.t, "runtime.newproc", n)) != NULL) {
		const char *loc = trace_field(ev, "newretloc");
		uint64_t ret = trace_u64(ev, "newret");
		CHECK(&run, loc != NULL && strcmp(loc, x->retloc) == 0,
		      "%s: expected goroutine %lld's return address in %s, "
		      "the trace says %s",
		      x->goarch, (long long)trace_i64(ev, "newg"), x->retloc,
		      loc ? loc : "(no newretloc)");
		CHECK(&run, ret == goexitret,
		      "%s: goroutine %lld returns to %#llx, expected goexit + "
		      "PCQuantum = %#llx",
		      x->goarch, (long long)trace_i64(ev, "newg"),
		      (unsigned long long)ret, (unsigned long long)goexitret);
		n++;
	}
	CHECK(&run, n >= 4,
	      "expected newproc events for goroutines 1-4, saw %zu", n);
	run_free(&run);
}
