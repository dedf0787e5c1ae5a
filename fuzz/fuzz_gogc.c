/* fuzz_gogc.c: knob_gogc against Go's rule, for any string.
 *
 * Model (mgcpacer.go, readGOGC and setGCPercent): "off", exactly, is -1;
 * a string atoi32 accepts is its value, with every negative folded to -1;
 * anything else is the default, 100. */
#include "fuzz.h"
#include "knobs.h"

static int32_t model_gogc(const char *s, size_t n)
{
	int32_t v;

	if (model_eq(s, n, "off"))
		return -1;
	if (!model_atoi32(s, n, &v))
		return 100;
	return v < 0 ? -1 : v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	int32_t got;

	fuzz_noalloc_begin();
	got = knob_gogc(s, size);
	FUZZ_CHECK(fuzz_noalloc_end() == 0);
	FUZZ_CHECK(got == model_gogc(s, size));
	FUZZ_CHECK(got >= -1);
	if (size == 0)
		FUZZ_CHECK(knob_gogc(NULL, 0) == 100);
	return 0;
}
