/* knobs.c: Go's start-up knob parsers (see knobs.h), written from Go 1.19's
 * runtime: string.go (atoi64, atoi32, parseByteCount), runtime1.go
 * (parsedebugvars, setTraceback), mgcpacer.go (readGOGC, readGOMEMLIMIT),
 * proc.go (schedinit's GOMAXPROCS), env_posix.go (gogetenv) and
 * internal/cpu/cpu.go (processOptions: GODEBUG's cpu.* options).
 *
 * No libc: this file is linked into the freestanding runtime, so every
 * helper is written out here. Nothing is read outside [s, s + n).
 *
 * Newer Go: Go 1.25 moved atoi64/atoi32 to internal/runtime/strconv
 * unchanged. The tree after 1.25 parses GOGC, GODEBUG values, GOMAXPROCS,
 * GOTRACEBACK and the digits of GOMEMLIMIT with internal/strconv.ParseInt,
 * which accepts a leading '+' and rejects "-" alone; everything else here
 * is the same. Go 1.25 also derives the default GOMAXPROCS from the cgroup
 * CPU limit, which is the caller's ncpu, not this file's business. */
#include "knobs.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* (s, n) equals the NUL-terminated literal lit, byte for byte. */
static bool str_eq(const char *s, size_t n, const char *lit)
{
	size_t i;

	for (i = 0; lit[i] != '\0'; i++) {
		if (i >= n || s[i] != lit[i])
			return false;
	}
	return i == n;
}

/* Index of the first c in (s, n), or n. */
static size_t index_byte(const char *s, size_t n, char c)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == c)
			return i;
	}
	return n;
}

bool knob_atoi64(const char *s, size_t n, int64_t *out)
{
	uint64_t un = 0;
	bool neg = false;
	size_t i = 0;

	*out = 0; /* Go returns 0 with ok == false */
	if (s == NULL || n == 0)
		return false;
	/* Only '-' is a sign: "+2" fails. "-" alone has no digits and so
	 * parses as 0, a quirk Go 1.19 keeps (GOGC=- means 0). */
	if (s[0] == '-') {
		neg = true;
		i = 1;
	}
	for (; i < n; i++) {
		uint64_t d;

		if (!is_digit(s[i]))
			return false;
		d = (uint64_t)(s[i] - '0');
		if (un > UINT64_MAX / 10)
			return false;
		un *= 10;
		if (un + d < un)
			return false;
		un += d;
	}
	/* The magnitude of INT64_MIN is one more than INT64_MAX. */
	if (!neg && un > (uint64_t)INT64_MAX)
		return false;
	if (neg && un > (uint64_t)INT64_MAX + 1)
		return false;
	/* Negate without converting 2^63 to int64 (implementation-defined). */
	if (!neg)
		*out = (int64_t)un;
	else if (un != 0)
		*out = -(int64_t)(un - 1) - 1;
	return true;
}

bool knob_atoi32(const char *s, size_t n, int32_t *out)
{
	int64_t v;

	*out = 0;
	if (!knob_atoi64(s, n, &v) || v < INT32_MIN || v > INT32_MAX)
		return false;
	*out = (int32_t)v;
	return true;
}

int32_t knob_gomaxprocs(const char *s, size_t n, int32_t ncpu)
{
	int32_t v;

	/* No upper clamp, as in Go: a huge value is the caller's (procresize)
	 * problem, not the parser's. */
	if (knob_atoi32(s, n, &v) && v > 0) {
		return v;
	}
	return ncpu;
}

int32_t knob_gogc(const char *s, size_t n)
{
	int32_t v;

	if (s == NULL)
		n = 0;
	/* Exact and case-sensitive: "OFF" is a parse failure, so 100. */
	if (str_eq(s, n, "off"))
		return -1;
	if (knob_atoi32(s, n, &v))
		return v < 0 ? -1 : v; /* setGCPercent folds negatives to -1 */
	return 100;
}

/* Non-negative int64 digits, via atoi64 as Go does. */
static bool parse_count(const char *s, size_t n, int64_t *out)
{
	int64_t v;

	if (!knob_atoi64(s, n, &v) || v < 0)
		return false;
	*out = v;
	return true;
}

/* Go's parseByteCount: ^[0-9]+(([KMGT]i)?B)?$ as checked from the end. The
 * digits go through atoi64, so a leading '-' gets past it and only a
 * negative result is refused: "-0" and even "-KiB" (atoi64("-") * 1024)
 * are 0. */
static bool parse_byte_count(const char *s, size_t n, int64_t *out)
{
	unsigned shift;
	int64_t v;
	uint64_t un;
	char c;

	*out = 0;
	if (n == 0)
		return false;
	if (is_digit(s[n - 1]))
		return parse_count(s, n, out);
	/* Not a digit: it must end in 'B', with something before it. */
	if (s[n - 1] != 'B' || n < 2)
		return false;
	c = s[n - 2];
	if (is_digit(c))
		return parse_count(s, n - 1, out);
	/* "KiB" and friends need a digit before the unit (n >= 4). */
	if (c != 'i' || n < 4)
		return false;
	switch (s[n - 3]) {
	case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	case 'T':
		shift = 40;
		break;
	default:
		return false;
	}
	if (!parse_count(s, n - 3, &v))
		return false;
	un = (uint64_t)v;
	/* Two checks, as in Go: the product must fit uint64, then int64. */
	if (un > UINT64_MAX >> shift)
		return false;
	un <<= shift;
	if (un > (uint64_t)INT64_MAX)
		return false;
	*out = (int64_t)un;
	return true;
}

bool knob_gomemlimit(const char *s, size_t n, int64_t *out)
{
	if (s == NULL)
		n = 0;
	if (n == 0 || str_eq(s, n, "off")) {
		*out = INT64_MAX;
		return true;
	}
	return parse_byte_count(s, n, out);
}

struct knob_traceback knob_gotraceback(const char *s, size_t n,
                                       unsigned int_bits)
{
	struct knob_traceback t = {0, false, false};
	int64_t v;

	if (s == NULL)
		n = 0;
	if (str_eq(s, n, "none"))
		return t;
	if (n == 0 || str_eq(s, n, "single")) {
		t.level = 1;
		return t;
	}
	t.all = true;
	if (str_eq(s, n, "all")) {
		t.level = 1;
	} else if (str_eq(s, n, "system")) {
		t.level = 2;
	} else if (str_eq(s, n, "crash")) {
		t.level = 2;
		t.crash = true;
	} else if (knob_atoi64(s, n, &v) &&
	           (int_bits == 64 ? v >= 0 && v <= (int64_t)UINT32_MAX
	                           : v >= INT32_MIN && v <= INT32_MAX)) {
		/* A number n gives level n with all set; anything else, level 0
		 * with all set. Go's atoi fails outside int, and setTraceback
		 * then tests n == int(uint32(n)): with a 64-bit int that keeps
		 * 0..2^32-1, with a 32-bit int every int (a negative one as its
		 * uint32). The level is stored above two flag bits of a uint32,
		 * so only its low 30 bits survive (2^30 reads back as 0, -1 as
		 * 2^30-1). */
		t.level = (uint32_t)v & (UINT32_MAX >> 2);
	}
	/* Go also ORs in tracebackCrash for c-shared/c-archive builds and the
	 * value GOTRACEBACK had at start-up; neither is a property of the
	 * string, so callers do that. */
	return t;
}

void knob_godebug(const char *s, size_t n, struct godebug *out)
{
	size_t i = 0;

#define GODEBUG_DEFAULT(name, dflt) out->name = (dflt);
	GODEBUG_KEYS(GODEBUG_DEFAULT)
#undef GODEBUG_DEFAULT

	if (s == NULL)
		n = 0;
	/* Left to right, so the last valid setting of a key wins. Go's
	 * incremental re-parse after os.Setenv (newer Go) goes right to left
	 * instead; start-up, which is what this models, does not. */
	while (i < n) {
		size_t flen = index_byte(s + i, n - i, ',');
		const char *f = s + i;
		size_t eq = index_byte(f, flen, '=');
		int32_t v;

		i += flen + 1;
		/* A field without '=' is skipped. The key ends at the first
		 * '=', so "gctrace=1=2" has the value "1=2", which fails. */
		if (eq == flen)
			continue;
		/* A malformed value leaves the key as it was; an unknown key
		 * (memprofilerate included: Go keeps it outside this table) is
		 * ignored. */
		if (!knob_atoi32(f + eq + 1, flen - eq - 1, &v))
			continue;
#define GODEBUG_APPLY(name, dflt)                                              \
	if (str_eq(f, eq, #name))                                              \
		out->name = v;
		GODEBUG_KEYS(GODEBUG_APPLY)
#undef GODEBUG_APPLY
	}
}

uint32_t knob_godebug_cpu(const char *s, size_t n, const char *const *names,
                          size_t nnames, uint32_t detected,
                          knob_cpu_warn_fn warn, void *ctx)
{
	uint32_t specified = 0, enable = 0;
	size_t i = 0;

	if (s == NULL)
		n = 0;
	if (nnames > 32)
		nnames = 32;
	while (i < n) {
		const char *f = s + i;
		size_t flen = index_byte(f, n - i, ',');
		size_t eq;

		i += flen + 1;
		if (flen < 4 || !str_eq(f, 4, "cpu."))
			continue;
		eq = index_byte(f, flen, '=');
		if (eq == flen) {
			if (warn)
				warn(ctx, KNOB_CPU_NO_VALUE, f, flen, NULL, 0);
			continue;
		}
		const char *key = f + 4, *val = f + eq + 1;
		size_t keylen = eq - 4, vallen = flen - eq - 1;
		bool on;
		if (str_eq(val, vallen, "on")) {
			on = true;
		} else if (str_eq(val, vallen, "off")) {
			on = false;
		} else {
			if (warn)
				warn(ctx, KNOB_CPU_BAD_VALUE, val, vallen, key,
				     keylen);
			continue;
		}
		for (size_t k = 0; k < nnames; k++) {
			uint32_t bit = (uint32_t)1 << k;
			if (str_eq(key, keylen, "all") ||
			    str_eq(key, keylen, names[k])) {
				specified |= bit;
				enable = on ? enable | bit : enable & ~bit;
			}
		}
	}
	for (size_t k = 0; k < nnames; k++) {
		uint32_t bit = (uint32_t)1 << k;
		if (!(specified & bit))
			continue;
		if ((enable & bit) && !(detected & bit)) {
			if (warn) {
				size_t len = 0;
				while (names[k][len] != '\0')
					len++;
				warn(ctx, KNOB_CPU_NO_SUPPORT, names[k], len,
				     NULL, 0);
			}
			continue;
		}
		detected = (detected & ~bit) | (enable & bit);
	}
	return detected;
}

const char *knob_env_lookup(const char *const *env, size_t n, const char *key,
                            size_t keylen)
{
	size_t i, j;

	if (env == NULL || (key == NULL && keylen != 0))
		return NULL;
	/* Go's gogetenv: the first entry longer than the key whose byte at
	 * len(key) is '=' and whose prefix equals the key. So "KEY" alone
	 * never matches, "KEY=" gives "", and the key "" finds "=v". */
	for (i = 0; i < n; i++) {
		const char *e = env[i];

		if (e == NULL)
			continue;
		/* Stop at the entry's NUL before comparing, so a key holding
		 * a NUL byte cannot walk past the end of the entry. */
		for (j = 0; j < keylen; j++) {
			if (e[j] == '\0' || e[j] != key[j])
				break;
		}
		if (j == keylen && e[keylen] == '=')
			return e + keylen + 1;
	}
	return NULL;
}
