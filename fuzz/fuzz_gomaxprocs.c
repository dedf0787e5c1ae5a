/* fuzz_gomaxprocs.c: knob_gomaxprocs against Go's rule, for any string.
 *
 * Model (proc.go, schedinit): procs = ncpu; if n, ok := atoi32(GOMAXPROCS);
 * ok && n > 0 { procs = n }. No upper clamp: a huge value comes back as
 * the number, and the parser allocates nothing for it (the runtime, not
 * the parser, must cope with many Ps). */
#include "fuzz.h"
#include "knobs.h"

static int32_t model_gomaxprocs(const char *s, size_t n, int32_t ncpu)
{
	int32_t v;

	if (model_atoi32(s, n, &v) && v > 0)
		return v;
	return ncpu;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	/* Two CPU counts, so "returned ncpu" and "returned the value" cannot
	 * be confused when the value happens to equal one of them. */
	static const int32_t ncpus[] = {1, 7, INT32_MAX};

	for (size_t i = 0; i < sizeof ncpus / sizeof ncpus[0]; i++) {
		int32_t got;

		fuzz_noalloc_begin();
		got = knob_gomaxprocs(s, size, ncpus[i]);
		FUZZ_CHECK(fuzz_noalloc_end() == 0);
		FUZZ_CHECK(got == model_gomaxprocs(s, size, ncpus[i]));
		FUZZ_CHECK(got > 0);
	}
	/* Unset (NULL) reads as "", as gogetenv gives. */
	if (size == 0)
		FUZZ_CHECK(knob_gomaxprocs(NULL, 0, 7) == 7);
	return 0;
}
