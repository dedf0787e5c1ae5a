/* fuzz_godebug_cpu.c: knob_godebug_cpu against Go's processOptions, for any
 * string and any set of detected features.
 *
 * Input: the first byte is the detected feature mask (low 4 bits), the
 * rest is the GODEBUG value. Model (internal/cpu/cpu.go processOptions,
 * written out again from Go's source): fields split at ','; a field must
 * start with "cpu."; without '=' it is warned about ("no value"); its
 * value must be "on" or "off", else warned about; "all" sets every
 * option, a known name its own (an unknown name is ignored here, where Go
 * would warn: the runtime models fewer features than Go); afterwards every
 * option asked for takes its value, except "on" for a feature the CPU
 * lacks, which is warned about. The warnings must come in the same order,
 * with the same text. */
#include <stdio.h>

#include "fuzz.h"
#include "knobs.h"

#define NNAMES 4
static const char *const names[NNAMES] = {"aes", "ssse3", "sse41", "avx2"};

struct log {
	char text[8192];
	size_t len;
	bool cut;
};

static void log_put(struct log *l, const char *kind, const char *a, size_t alen,
                    const char *b, size_t blen)
{
	/* Lengths with the bytes, so NULs and separators cannot blur two
	 * different warnings into one text. */
	int n = snprintf(l->text + l->len, sizeof l->text - l->len,
	                 "%s %zu %zu|", kind, alen, blen);
	if (n < 0 || (size_t)n >= sizeof l->text - l->len ||
	    alen + blen >= sizeof l->text - l->len - (size_t)n) {
		l->cut = true;
		return;
	}
	l->len += (size_t)n;
	if (alen > 0)
		memcpy(l->text + l->len, a, alen);
	l->len += alen;
	if (blen > 0)
		memcpy(l->text + l->len, b, blen);
	l->len += blen;
}

static void got_warning(void *ctx, enum knob_cpu_warning w, const char *a,
                        size_t alen, const char *b, size_t blen)
{
	static const char *const kind[] = {"novalue", "badvalue", "nosupport"};
	FUZZ_CHECK((unsigned)w < 3);
	FUZZ_CHECK(alen == 0 || a != NULL);
	FUZZ_CHECK(blen == 0 || b != NULL);
	log_put(ctx, kind[w], a, alen, b, blen);
}

static bool bytes_is(const char *s, size_t n, const char *lit)
{
	return n == strlen(lit) && memcmp(s, lit, n) == 0;
}

static uint32_t model(const char *s, size_t n, uint32_t detected, struct log *l)
{
	bool specified[NNAMES] = {false}, enable[NNAMES] = {false};
	size_t start = 0;

	while (start < n) {
		size_t end = start;
		while (end < n && s[end] != ',')
			end++;
		const char *f = s + start;
		size_t flen = end - start;
		start = end + 1;
		if (flen < 4 || memcmp(f, "cpu.", 4) != 0)
			continue;
		const char *eq = memchr(f, '=', flen);
		if (eq == NULL) {
			log_put(l, "novalue", f, flen, "", 0);
			continue;
		}
		const char *key = f + 4, *val = eq + 1;
		size_t keylen = (size_t)(eq - key);
		size_t vallen = flen - (size_t)(val - f);
		bool on;
		if (bytes_is(val, vallen, "on"))
			on = true;
		else if (bytes_is(val, vallen, "off"))
			on = false;
		else {
			log_put(l, "badvalue", val, vallen, key, keylen);
			continue;
		}
		for (size_t k = 0; k < NNAMES; k++)
			if (bytes_is(key, keylen, "all") ||
			    bytes_is(key, keylen, names[k]))
				specified[k] = true, enable[k] = on;
	}
	for (size_t k = 0; k < NNAMES; k++) {
		uint32_t bit = 1u << k;
		if (!specified[k])
			continue;
		if (enable[k] && !(detected & bit)) {
			log_put(l, "nosupport", names[k], strlen(names[k]), "",
			        0);
			continue;
		}
		detected = enable[k] ? detected | bit : detected & ~bit;
	}
	return detected;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	uint32_t detected = data[0] & 0xf;
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	static struct log got, want;

	got.len = want.len = 0;
	got.cut = want.cut = false;
	fuzz_noalloc_begin();
	uint32_t g =
	    knob_godebug_cpu(s, n, names, NNAMES, detected, got_warning, &got);
	FUZZ_CHECK(fuzz_noalloc_end() == 0);
	uint32_t w = model(s, n, detected, &want);
	if (g != w) {
		fprintf(stderr, "features: got 0x%x, want 0x%x\n", g, w);
		FUZZ_CHECK(!"knob_godebug_cpu agrees with the model");
	}
	FUZZ_CHECK(got.cut == want.cut);
	FUZZ_CHECK(got.len == want.len &&
	           memcmp(got.text, want.text, got.len) == 0);
	/* Without a callback the result is the same. */
	FUZZ_CHECK(
	    knob_godebug_cpu(s, n, names, NNAMES, detected, NULL, NULL) == g);
	return 0;
}
