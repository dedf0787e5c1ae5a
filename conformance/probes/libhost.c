/* libhost: a C program (with libc) that links the rt0 program libprog as a
 * C archive, the way a C program links a Go c-archive (conformance/probes-go
 * links the Go twin with this same host); built with RT0_LIB_DLOPEN (the
 * file name of libprog built as a shared object, Go's c-shared, beside this
 * program) it is libdlhost, which dlopens that object instead. It measures
 * what it can itself: its own thread and process, whether the .init_array
 * of the object holding the runtime (this executable, or the shared
 * object) holds the runtime's library entry, and what the exported
 * functions report once the inits ran. argv[1], when given, is the status
 * to exit with, and argv[2] how many milliseconds to go on living first
 * (the runtime's threads still there, its M asleep: the process must end
 * when and how the host says). argv[1] "panic" calls the export that
 * panics instead: the process must end in it, and the fact after the call
 * never be printed. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define STR_(x) #x
#define STR(x)  STR_(x)

/* The program's exports: linked in, or looked up in the shared object. */
struct exports {
	uint32_t *host_started;
	int32_t (*inits_run)(void);
	long (*init_tid)(void);
	long (*init_pid)(void);
	int64_t (*init_goid)(void);
	uint32_t (*main_ran)(void);
	void (*panic)(void);
};

/* The object that holds the runtime, as loaded: its file and load bias. */
struct object {
	char path[PATH_MAX];
	uintptr_t bias;
};

#ifndef RT0_LIB_DLOPEN
extern uint32_t rt0lib_host_started;
int32_t rt0lib_inits_run(void);
long rt0lib_init_tid(void);
long rt0lib_init_pid(void);
int64_t rt0lib_init_goid(void);
uint32_t rt0lib_main_ran(void);
void rt0lib_panic(void);

static int first_bias(struct dl_phdr_info *info, size_t size, void *bias)
{
	(void)size;
	*(uintptr_t *)bias = info->dlpi_addr; /* the first is the program */
	return 1;
}

static void load_program(struct exports *x, struct object *o)
{
	*x = (struct exports){&rt0lib_host_started, rt0lib_inits_run,
	                      rt0lib_init_tid,      rt0lib_init_pid,
	                      rt0lib_init_goid,     rt0lib_main_ran,
	                      rt0lib_panic};
	strcpy(o->path, "/proc/self/exe");
	dl_iterate_phdr(first_bias, &o->bias);
}
#else
static void *need_symbol(void *handle, const char *name)
{
	void *p = dlsym(handle, name);
	if (p == NULL) {
		fprintf(stderr, "libdlhost: %s\n", dlerror());
		exit(3);
	}
	return p;
}

static int find_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	struct object *o = arg;
	const char *base = strrchr(info->dlpi_name, '/');
	if (base == NULL || strcmp(base + 1, RT0_LIB_DLOPEN) != 0)
		return 0;
	snprintf(o->path, sizeof o->path, "%s", info->dlpi_name);
	o->bias = info->dlpi_addr;
	return 1;
}

/* dlopen returns once the object's .init_array entries returned: the
 * runtime's entry among them. */
static void load_program(struct exports *x, struct object *o)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
	char *slash = n > 0 ? memrchr(path, '/', (size_t)n) : NULL;
	if (slash == NULL ||
	    (size_t)(slash + 1 - path) + sizeof RT0_LIB_DLOPEN > sizeof path) {
		fprintf(stderr, "libdlhost: cannot find its own directory\n");
		exit(3);
	}
	memcpy(slash + 1, RT0_LIB_DLOPEN, sizeof RT0_LIB_DLOPEN);
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		fprintf(stderr, "libdlhost: %s\n", dlerror());
		exit(3);
	}
	x->host_started = need_symbol(h, "rt0lib_host_started");
	x->inits_run = (int32_t(*)(void))need_symbol(h, "rt0lib_inits_run");
	x->init_tid = (long (*)(void))need_symbol(h, "rt0lib_init_tid");
	x->init_pid = (long (*)(void))need_symbol(h, "rt0lib_init_pid");
	x->init_goid = (int64_t(*)(void))need_symbol(h, "rt0lib_init_goid");
	x->main_ran = (uint32_t(*)(void))need_symbol(h, "rt0lib_main_ran");
	x->panic = (void (*)(void))need_symbol(h, "rt0lib_panic");
	*o = (struct object){.bias = 0};
	if (!dl_iterate_phdr(find_object, o)) {
		fprintf(stderr,
		        "libdlhost: %s is not among the loaded objects\n",
		        RT0_LIB_DLOPEN);
		exit(3);
	}
}
#endif

/* Whether the loaded object's .init_array holds the runtime's entry
 * (RT0_LIB_ENTRY: _rt0_<arch>_linux_lib). Both come from the object's own
 * file: the entry's address from its .symtab (Go keeps the entry a local
 * symbol, so no name can link to it), the array's place from its section
 * header; the array's contents are read in memory, as the loader
 * relocated them. */
static int init_array_has_entry(const struct object *o)
{
	int found = 0;
	int fd = open(o->path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 ||
	    st.st_size < (off_t)sizeof(ElfW(Ehdr))) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	const unsigned char *f =
	    mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (f == MAP_FAILED)
		return 0;
	size_t size = (size_t)st.st_size;
	const ElfW(Ehdr) *eh = (const void *)f;
	if (eh->e_shoff == 0 || eh->e_shstrndx >= eh->e_shnum ||
	    eh->e_shoff + (size_t)eh->e_shnum * sizeof(ElfW(Shdr)) > size) {
		munmap((void *)f, size);
		return 0;
	}
	const ElfW(Shdr) *sh = (const void *)(f + eh->e_shoff);
	const ElfW(Shdr) *names_sh = &sh[eh->e_shstrndx];
	uintptr_t entry = 0, array = 0;
	size_t array_len = 0;
	for (size_t i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type == SHT_INIT_ARRAY &&
		    names_sh->sh_offset + names_sh->sh_size <= size &&
		    sh[i].sh_name < names_sh->sh_size &&
		    strcmp((const char *)f + names_sh->sh_offset +
		               sh[i].sh_name,
		           ".init_array") == 0) {
			array = o->bias + sh[i].sh_addr;
			array_len = sh[i].sh_size / sizeof(void *);
		}
		if (sh[i].sh_type != SHT_SYMTAB ||
		    sh[i].sh_link >= eh->e_shnum ||
		    sh[i].sh_offset + sh[i].sh_size > size)
			continue;
		const ElfW(Shdr) *strs = &sh[sh[i].sh_link];
		if (strs->sh_offset + strs->sh_size > size)
			continue;
		const ElfW(Sym) *sym = (const void *)(f + sh[i].sh_offset);
		const char *names = (const char *)(f + strs->sh_offset);
		for (size_t k = 0; k < sh[i].sh_size / sizeof *sym && !entry;
		     k++)
			if (sym[k].st_name < strs->sh_size &&
			    strncmp(names + sym[k].st_name, STR(RT0_LIB_ENTRY),
			            strs->sh_size - sym[k].st_name) == 0 &&
			    ELF64_ST_TYPE(sym[k].st_info) != STT_SECTION)
				entry = o->bias + sym[k].st_value;
	}
	munmap((void *)f, size);
	for (size_t i = 0; entry != 0 && i < array_len; i++)
		found |= ((const uintptr_t *)array)[i] == entry;
	return found;
}

int main(int argc, char **argv)
{
	struct exports x;
	struct object o;
	load_program(&x, &o);
	int in_init_array = init_array_has_entry(&o);
	__atomic_store_n(x.host_started, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, x.host_started, FUTEX_WAKE_PRIVATE, INT_MAX, NULL,
	        NULL, 0);
	int32_t inits = x.inits_run();
	fprintf(stderr, "rt0 fact host.pid=%ld\n", (long)getpid());
	fprintf(stderr, "rt0 fact host.tid=%ld\n", (long)syscall(SYS_gettid));
	fprintf(stderr, "rt0 fact host.init_array_has_entry=%d\n",
	        in_init_array);
	fprintf(stderr, "rt0 fact lib.inits_run=%d\n", (int)inits);
	fprintf(stderr, "rt0 fact lib.init_tid=%ld\n", x.init_tid());
	fprintf(stderr, "rt0 fact lib.init_pid=%ld\n", x.init_pid());
	fprintf(stderr, "rt0 fact lib.init_goid=%lld\n",
	        (long long)x.init_goid());
	fprintf(stderr, "rt0 fact lib.main_ran=%u\n", x.main_ran());
	if (argc > 1 && strcmp(argv[1], "panic") == 0) {
		fflush(stderr);
		x.panic();
		fprintf(stderr, "rt0 fact host.after_panic=1\n");
		return 0;
	}
	if (argc > 2) {
		struct timespec linger = {0, atoi(argv[2]) * 1000000L};
		nanosleep(&linger, NULL);
		/* Again, once the runtime had time to go on past its inits. */
		fprintf(stderr, "rt0 fact lib.main_ran_after_linger=%u\n",
		        x.main_ran());
	}
	return argc > 1 ? atoi(argv[1]) : 0;
}
