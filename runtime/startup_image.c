/* startup_image.c: the initial process image the kernel builds (argc,
 * argv..., NULL, envp..., NULL, auxv pairs ending in AT_NULL) read as a
 * pure function, so the fuzzers and unit tests run exactly the code the
 * runtime's args() runs; and the verbatim argv/env copies goargs and
 * goenvs make. No libc, no globals. */
#include "runtime.h"
#include <elf.h>

/* Words from w up to end, or 0 when end is at or before w: a bound below
 * argv must not wrap into a huge count. Computed on addresses, so a bound
 * from another object is no undefined pointer subtraction. */
static size_t words_left(const uintptr_t *w, const uintptr_t *end)
{
	uintptr_t a = (uintptr_t)w, b = (uintptr_t)end;

	return b > a ? (size_t)(b - a) / sizeof *w : 0;
}

/* Walks argv[argc], NULL, envp..., NULL, auxv... without reading at or
 * beyond end (NULL: no bound, the kernel's image). Returns false when the
 * image is malformed or cut short: argc < 0, argv[argc] not NULL, or a
 * terminator (the envp NULL, the whole AT_NULL pair) not before end. */
bool parse_startup_image(int32_t argc, char **argv, uintptr_t *end,
                         struct startup_image *out)
{
	uintptr_t *w = (uintptr_t *)argv;
	size_t left = end == NULL ? SIZE_MAX / sizeof *w : words_left(w, end);
	size_t npairs;

	*out = (struct startup_image){.argc = argc, .argv = argv};
	if (argc < 0 || left <= (size_t)argc)
		return false;
	/* argv[argc] must be the NULL that ends argv. */
	if (w[argc] != 0)
		return false;
	w += (size_t)argc + 1;
	left -= (size_t)argc + 1;
	out->envp = (char **)w;
	for (;;) {
		if (left == 0)
			return false;
		left--;
		if (*w++ == 0)
			break;
		if (out->envc == INT32_MAX)
			return false;
		out->envc++;
	}
	/* parse_auxv stops at AT_NULL or where no whole pair is left; only
	 * the first means the image is complete. */
	npairs = parse_auxv(w, left, out);
	if (2 * npairs + 1 >= left)
		return false;
	out->auxv = npairs > 0 ? w : NULL;
	return true;
}

/* Records the auxv entries the runtime uses (the last of each type wins,
 * as in Go); returns how many pairs came before AT_NULL (0: no auxv, the
 * caller falls back to /proc/self/auxv). */
size_t parse_auxv(const uintptr_t *auxv, size_t nwords,
                  struct startup_image *out)
{
	size_t i = 0;
	for (; i + 1 < nwords && auxv[i] != AT_NULL; i += 2) {
		uintptr_t v = auxv[i + 1];
		switch (auxv[i]) {
		case AT_PAGESZ:
			out->pagesize = v;
			break;
		case AT_RANDOM:
			out->random = v;
			break;
		case AT_HWCAP:
			out->hwcap = v;
			break;
		case AT_HWCAP2:
			out->hwcap2 = v;
			break;
		case AT_SYSINFO_EHDR:
			out->sysinfo_ehdr = v;
			break;
		}
	}
	return i / 2;
}

size_t strings_size(char *const *src, size_t n)
{
	size_t total = 0;

	for (size_t i = 0; i < n; i++) {
		size_t len = 0;

		while (src[i][len] != '\0')
			len++;
		/* Saturate: the caller must not allocate a wrapped size. */
		if (len >= SIZE_MAX - total)
			return SIZE_MAX;
		total += len + 1;
	}
	return total;
}

void copy_strings(char *const *src, size_t n, const char **dst, char *buf)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = src[i];

		dst[i] = buf;
		while ((*buf++ = *s++) != '\0')
			;
	}
	dst[n] = NULL;
}
