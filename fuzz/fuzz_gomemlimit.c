/* fuzz_gomemlimit.c: knob_gomemlimit against Go's rule, for any string.
 *
 * Model (mgcpacer.go readGOMEMLIMIT, string.go parseByteCount), read as a
 * grammar: "" and "off" mean no limit (INT64_MAX); otherwise the string is
 *   sign? digits unit,  unit one of "", "B", "KiB", "MiB", "GiB", "TiB",
 * where sign/digits must pass atoi64 (so "-" alone is 0, and digits may
 * then be empty, but only before a KiB-style unit: Go finds the unit by
 * looking at the last characters, and "" and "B" need a digit before
 * them), the number must not be negative, and number * unit must fit an
 * int64. Anything else is malformed (the runtime's fatal error). */
#include "fuzz.h"
#include "knobs.h"

static bool model_gomemlimit(const char *s, size_t n, int64_t *out)
{
	static const struct {
		const char *suffix;
		unsigned shift;
	} units[] = {{"KiB", 10}, {"MiB", 20}, {"GiB", 30},
	             {"TiB", 40}, {"B", 0},    {"", 0}};
	int64_t v;

	*out = 0;
	if (n == 0 || model_eq(s, n, "off")) {
		*out = INT64_MAX;
		return true;
	}
	/* The first unit that ends the string is the one Go sees: "1KiB"
	 * is Ki-bytes, not "1Ki" plus "B". */
	for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
		size_t sl = strlen(units[u].suffix);
		size_t nn = n - sl;

		if (sl > n || memcmp(s + nn, units[u].suffix, sl) != 0)
			continue;
		/* "" and "B" need a digit just before them. */
		if (sl <= 1 && (nn == 0 || s[nn - 1] < '0' || s[nn - 1] > '9'))
			return false;
		if (!model_atoi64(s, nn, &v) || v < 0)
			return false;
		if ((unsigned __int128)v << units[u].shift > INT64_MAX)
			return false;
		*out = (int64_t)((unsigned __int128)v << units[u].shift);
		return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	int64_t got, want;
	bool ok;

	fuzz_noalloc_begin();
	ok = knob_gomemlimit(s, size, &got);
	FUZZ_CHECK(fuzz_noalloc_end() == 0);
	FUZZ_CHECK(ok == model_gomemlimit(s, size, &want));
	if (ok) {
		FUZZ_CHECK(got == want);
		FUZZ_CHECK(got >= 0);
	}
	if (size == 0) {
		FUZZ_CHECK(knob_gomemlimit(NULL, 0, &got));
		FUZZ_CHECK(got == INT64_MAX);
	}
	return 0;
}
