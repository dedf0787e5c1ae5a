/* args.c: Go's args and sysargs: record argc, argv, envp and what the
 * runtime needs from auxv (startup_image.c reads the image). */
#include "runtime.h"
#include <linux/fcntl.h>

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
