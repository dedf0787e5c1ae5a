/* fuzz_godebug.c: knob_godebug against Go's rule, for any string.
 *
 * Model (runtime1.go, parsedebugvars): every key starts at its default;
 * the string is split at each ','; a field is "key=value" when it holds a
 * '=' (the key ends at the first one); if the key is known, exactly, and
 * atoi32 accepts the value, the key takes it. Fields are taken left to
 * right, so the last valid one wins; everything else is ignored. The key
 * list and the defaults are written out again here (Go's, plus rt0's own
 * rt0trace), so a change to knobs.h's table has to be made here on
 * purpose. */
#include <stddef.h>

#include "fuzz.h"
#include "knobs.h"

#define NKEYS 8

static const struct {
	const char *key;
	size_t len;
	int32_t dflt;
	size_t offset;
} keys[NKEYS] = {
    {"cgocheck", 8, 1, offsetof(struct godebug, cgocheck)},
    {"gctrace", 7, 0, offsetof(struct godebug, gctrace)},
    {"inittrace", 9, 0, offsetof(struct godebug, inittrace)},
    {"invalidptr", 10, 1, offsetof(struct godebug, invalidptr)},
    {"madvdontneed", 12, 1, offsetof(struct godebug, madvdontneed)},
    {"rt0trace", 8, 0, offsetof(struct godebug, rt0trace)},
    {"scheddetail", 11, 0, offsetof(struct godebug, scheddetail)},
    {"schedtrace", 10, 0, offsetof(struct godebug, schedtrace)},
};
_Static_assert(sizeof(struct godebug) == NKEYS * sizeof(int32_t),
               "knobs.h has a GODEBUG key this model does not know");

static void model_godebug(const char *s, size_t n, int32_t *value)
{
	size_t start = 0;

	for (size_t k = 0; k < NKEYS; k++)
		value[k] = keys[k].dflt;
	while (start <= n) {
		size_t end = start, eq;
		int32_t v;

		while (end < n && s[end] != ',')
			end++;
		for (eq = start; eq < end && s[eq] != '='; eq++)
			;
		if (eq < end && model_atoi32(s + eq + 1, end - eq - 1, &v))
			for (size_t k = 0; k < NKEYS; k++)
				if (eq - start == keys[k].len &&
				    memcmp(s + start, keys[k].key,
				           keys[k].len) == 0)
					value[k] = v;
		start = end + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct godebug got;
	int32_t want[NKEYS];

	/* Garbage first, so a field the parser forgets to set shows. */
	memset(&got, 0xa5, sizeof got);
	fuzz_noalloc_begin();
	knob_godebug(s, size, &got);
	FUZZ_CHECK(fuzz_noalloc_end() == 0);
	model_godebug(s, size, want);
	for (size_t k = 0; k < NKEYS; k++) {
		int32_t field;

		memcpy(&field, (const char *)&got + keys[k].offset,
		       sizeof field);
		if (field != want[k]) {
			fprintf(stderr, "GODEBUG key %s: got %d, want %d\n",
			        keys[k].key, field, want[k]);
			FUZZ_CHECK(!"knob_godebug agrees with the model");
		}
	}
	if (size == 0) {
		struct godebug unset;

		memset(&unset, 0xa5, sizeof unset);
		knob_godebug(NULL, 0, &unset);
		FUZZ_CHECK(memcmp(&unset, &got, sizeof got) == 0);
	}
	return 0;
}
