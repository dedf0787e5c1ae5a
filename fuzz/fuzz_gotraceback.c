/* fuzz_gotraceback.c: knob_gotraceback against Go's rule, for any string.
 *
 * Model: Go 1.19's setTraceback (runtime1.go) computed as Go does, into
 * one uint32 t = level << 2 | all << 1 | crash, then decoded. The keywords
 * "none", "single" or "", "all", "system", "crash"; otherwise all is set
 * and, when atoi (64-bit int) gives n with n == int(uint32(n)), the level
 * is uint32(n) shifted into t, so only its low 30 bits survive. The
 * runtime of a 64-bit Go, as the one the corpus was checked against. */
#include "fuzz.h"
#include "knobs.h"

enum { CRASH = 1, ALL = 2, SHIFT = 2 };

static struct knob_traceback model_gotraceback(const char *s, size_t n)
{
	uint32_t t;
	int64_t v;

	if (model_eq(s, n, "none"))
		t = 0;
	else if (model_eq(s, n, "single") || n == 0)
		t = 1u << SHIFT;
	else if (model_eq(s, n, "all"))
		t = 1u << SHIFT | ALL;
	else if (model_eq(s, n, "system"))
		t = 2u << SHIFT | ALL;
	else if (model_eq(s, n, "crash"))
		t = 2u << SHIFT | ALL | CRASH;
	else {
		t = ALL;
		if (model_atoi64(s, n, &v) && v == (int64_t)(uint32_t)v)
			t |= (uint32_t)v << SHIFT;
	}
	return (struct knob_traceback){
	    .level = t >> SHIFT, .all = (t & ALL) != 0, .crash = (t & CRASH)};
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct knob_traceback got, want;

	fuzz_noalloc_begin();
	got = knob_gotraceback(s, size, 64);
	FUZZ_CHECK(fuzz_noalloc_end() == 0);
	want = model_gotraceback(s, size);
	FUZZ_CHECK(got.level == want.level);
	FUZZ_CHECK(got.all == want.all);
	FUZZ_CHECK(got.crash == want.crash);
	if (size == 0) {
		got = knob_gotraceback(NULL, 0, 64);
		FUZZ_CHECK(got.level == 1 && !got.all && !got.crash);
	}
	return 0;
}
