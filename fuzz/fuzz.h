/* fuzz.h: what every fuzz target shares (host only, harness code).
 *
 * - FUZZ_CHECK: a failed property aborts, so libFuzzer, AFL++ and the
 *   replay driver all report it as a crash, with the property's text.
 * - fuzz_poison/fuzz_unpoison: ASan poisoning of bytes inside the test's
 *   own buffers that the code under test must not read (an exactly sized
 *   heap block only catches reads past its ends). No-ops without ASan.
 * - fuzz_noalloc_begin/end: counts the allocations made in between
 *   (through the sanitizer allocator's hooks), to check that a parser
 *   allocates nothing, so no input can make it use memory.
 * - model_atoi64/model_atoi32: Go's runtime atoi64/atoi32 written as
 *   plainly as possible, for the knob models. Deliberately not the
 *   structure of runtime/knobs.c. */
#ifndef RT0_FUZZ_H
#define RT0_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: property failed: %s\n", file, line, what);
	abort();
}

#define FUZZ_CHECK(cond)                                                       \
	do {                                                                   \
		if (!(cond))                                                   \
			fuzz_fail(__FILE__, __LINE__, #cond);                  \
	} while (0)

#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_ASAN 1
#endif
#endif

#ifdef FUZZ_ASAN
#include <sanitizer/asan_interface.h>
/* ASan tracks 8-byte granules: a poisoned range must end on a granule
 * boundary (or at the end of the block); it may start anywhere. */
static inline void fuzz_poison(const void *p, size_t n)
{
	__asan_poison_memory_region(p, n);
}
static inline void fuzz_unpoison(const void *p, size_t n)
{
	__asan_unpoison_memory_region(p, n);
}
#else
static inline void fuzz_poison(const void *p, size_t n)
{
	(void)p;
	(void)n;
}
static inline void fuzz_unpoison(const void *p, size_t n)
{
	(void)p;
	(void)n;
}
#endif

/* Weak: present in the ASan runtimes of both gcc and clang, absent from
 * a build without sanitizers, where the count is then not checked. */
int __sanitizer_install_malloc_and_free_hooks(
    void (*malloc_hook)(const volatile void *, size_t),
    void (*free_hook)(const volatile void *)) __attribute__((weak));

static _Thread_local bool fuzz_counting;
static _Thread_local size_t fuzz_allocs;

static inline void fuzz_malloc_hook(const volatile void *p, size_t n)
{
	(void)p;
	(void)n;
	if (fuzz_counting)
		fuzz_allocs++;
}

static inline void fuzz_noalloc_begin(void)
{
	static bool installed;

	if (!installed && __sanitizer_install_malloc_and_free_hooks != NULL)
		__sanitizer_install_malloc_and_free_hooks(fuzz_malloc_hook,
		                                          NULL);
	installed = true;
	fuzz_allocs = 0;
	fuzz_counting = true;
}

/* Returns how many allocations happened since fuzz_noalloc_begin. */
static inline size_t fuzz_noalloc_end(void)
{
	fuzz_counting = false;
	return fuzz_allocs;
}

/* Go's atoi64 (runtime/string.go): "" fails; an optional '-', then only
 * digits ("-" alone is 0); the value must fit an int64. The model checks
 * the range by comparing the digits, leading zeros dropped, with the
 * decimal text of the limit, rather than by overflow arithmetic. */
static inline bool model_atoi64(const char *s, size_t n, int64_t *out)
{
	bool neg = n > 0 && s[0] == '-';
	size_t i = neg ? 1 : 0, nd;
	const char *limit = neg ? "9223372036854775808" : "9223372036854775807";
	unsigned __int128 mag = 0;

	*out = 0;
	if (n == 0)
		return false;
	for (size_t j = i; j < n; j++)
		if (s[j] < '0' || s[j] > '9')
			return false;
	while (i < n && s[i] == '0')
		i++;
	nd = n - i;
	if (nd > 19 || (nd == 19 && memcmp(s + i, limit, 19) > 0))
		return false;
	for (; i < n; i++)
		mag = mag * 10 + (unsigned)(s[i] - '0');
	*out = (int64_t)(neg ? -(__int128)mag : (__int128)mag);
	return true;
}

/* Go's atoi32: atoi64, then the value must fit an int32. */
static inline bool model_atoi32(const char *s, size_t n, int32_t *out)
{
	int64_t v;

	*out = 0;
	if (!model_atoi64(s, n, &v) || v < INT32_MIN || v > INT32_MAX)
		return false;
	*out = (int32_t)v;
	return true;
}

/* s[0..n) equals the C string lit. */
static inline bool model_eq(const char *s, size_t n, const char *lit)
{
	return n == strlen(lit) && memcmp(s, lit, n) == 0;
}

#endif
