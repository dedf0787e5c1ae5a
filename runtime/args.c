/* args.c: the initial process image (argc, argv, envp, auxv), as Go's args
 * and sysargs read it. The parsing is pure so that it can be fuzzed over
 * synthetic images; args() applies it to the real one. */
#include "runtime.h"
#include <elf.h>
#include <linux/fcntl.h>

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

static void read_proc_auxv(struct startup_image *img)
{
	static uintptr_t buf[128];
	long fd = sys_openat("/proc/self/auxv", O_RDONLY);
	if (fd < 0)
		return;
	long n = sys_read((int)fd, buf, sizeof buf - 2 * sizeof buf[0]);
	sys_close((int)fd);
	if (n > 0)
		parse_auxv(buf, (size_t)n / sizeof buf[0], img);
}

void args(int32_t argc, char **argv)
{
	struct startup_image img;
	if (!parse_startup_image(argc, argv, NULL, &img))
		fatal("bad initial process image");
	if (img.auxv == NULL)
		read_proc_auxv(&img);
	rt.argc = argc;
	rt.argv = argv;
	rt.envp = img.envp;
	rt.pagesize = img.pagesize;
	rt.random16 = (const uint8_t *)img.random;
	rt.hwcap = img.hwcap;
	rt.hwcap2 = img.hwcap2;
	rt.vdso = img.sysinfo_ehdr;
	if (rt.pagesize == 0 || (rt.pagesize & (rt.pagesize - 1)) != 0)
		fatal("bad system page size");
	vdso_init(rt.vdso);
	TRACE("runtime.args");
}
