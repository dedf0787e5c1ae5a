/* startup_image.c: the initial process image the kernel builds (argc,
 * argv..., NULL, envp..., NULL, auxv pairs ending in AT_NULL) read as a
 * pure function, so the fuzzers and unit tests run exactly the code the
 * runtime's args() runs. No libc, no globals. */
#include "runtime.h"
#include <elf.h>

/* Walks argv[argc], NULL, envp..., NULL, auxv... without reading at or
 * beyond end (NULL: no bound, the kernel's image). Returns false when the
 * image is cut short. */
bool parse_startup_image(int32_t argc, char **argv, uintptr_t *end,
                         struct startup_image *out)
{
	uintptr_t *w = (uintptr_t *)argv;
	*out = (struct startup_image){.argc = argc, .argv = argv};
	if (argc < 0)
		return false;
	/* argv[argc] must be the NULL that ends argv. */
	if (end != NULL && (uintptr_t)(end - w) <= (uintptr_t)argc)
		return false;
	w += argc;
	if (*w++ != 0)
		return false;
	out->envp = (char **)w;
	while (end == NULL || w < end) {
		if (*w++ == 0) {
			uintptr_t nwords = end == NULL ? SIZE_MAX / sizeof *w
			                               : (size_t)(end - w);
			out->auxv = w;
			if (parse_auxv(w, nwords, out) == 0)
				out->auxv = NULL;
			return true;
		}
		out->envc++;
	}
	return false;
}

/* Records the auxv entries the runtime uses; returns how many pairs came
 * before AT_NULL (0: no auxv, the caller falls back to /proc/self/auxv). */
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
