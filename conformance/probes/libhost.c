/* libhost: a C program (with libc) that links the rt0 program libprog as a
 * C archive, the way a C program links a Go c-archive (conformance/probes-go
 * links the Go twin with this same host). It measures what it can itself:
 * its own thread and process, whether its .init_array holds the runtime's
 * library entry, and what the exported functions report once the inits
 * ran. argv[1], when given, is the status to exit with, and argv[2] how
 * many milliseconds to go on living first (the runtime's threads still
 * there, its M asleep: the process must end when and how the host says).
 * argv[1] "panic" calls the export that panics instead: the process must
 * end in it, and the fact after the call never be printed. */
#define _GNU_SOURCE
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

extern uint32_t rt0lib_host_started;
int32_t rt0lib_inits_run(void);
long rt0lib_init_tid(void);
long rt0lib_init_pid(void);
int64_t rt0lib_init_goid(void);
uint32_t rt0lib_main_ran(void);
void rt0lib_panic(void);

/* The linker's bounds of .init_array. */
typedef void (*init_fn)(int, char **, char **);
extern init_fn __init_array_start[] __attribute__((weak));
extern init_fn __init_array_end[] __attribute__((weak));

#define STR_(x) #x
#define STR(x)  STR_(x)

static int main_bias(struct dl_phdr_info *info, size_t size, void *bias)
{
	(void)size;
	*(uintptr_t *)bias = info->dlpi_addr; /* the first is the program */
	return 1;
}

/* The run-time address of the runtime's entry (RT0_LIB_ENTRY:
 * _rt0_<arch>_linux_lib), from this executable's own .symtab: Go's
 * archive keeps the entry a local symbol, so no name can link to it; 0
 * when it is not there. */
static uintptr_t entry_address(void)
{
	uintptr_t addr = 0, bias = 0;
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
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
	dl_iterate_phdr(main_bias, &bias);
	if (eh->e_shoff &&
	    eh->e_shoff + (size_t)eh->e_shnum * sizeof(ElfW(Shdr)) <= size) {
		const ElfW(Shdr) *sh = (const void *)(f + eh->e_shoff);
		for (size_t i = 0; i < eh->e_shnum && !addr; i++) {
			if (sh[i].sh_type != SHT_SYMTAB ||
			    sh[i].sh_link >= eh->e_shnum ||
			    sh[i].sh_offset + sh[i].sh_size > size)
				continue;
			const ElfW(Shdr) *strs = &sh[sh[i].sh_link];
			if (strs->sh_offset + strs->sh_size > size)
				continue;
			const ElfW(Sym) *sym =
			    (const void *)(f + sh[i].sh_offset);
			const char *names = (const char *)(f + strs->sh_offset);
			for (size_t k = 0; k < sh[i].sh_size / sizeof *sym; k++)
				if (sym[k].st_name < strs->sh_size &&
				    strncmp(names + sym[k].st_name,
				            STR(RT0_LIB_ENTRY),
				            strs->sh_size - sym[k].st_name) ==
				        0 &&
				    ELF64_ST_TYPE(sym[k].st_info) !=
				        STT_SECTION) {
					addr = bias + sym[k].st_value;
					break;
				}
		}
	}
	munmap((void *)f, size);
	return addr;
}

int main(int argc, char **argv)
{
	int in_init_array = 0;
	uintptr_t entry = entry_address();
	for (init_fn *f = __init_array_start; f && f < __init_array_end; f++)
		in_init_array |= entry != 0 && (uintptr_t)*f == entry;
	__atomic_store_n(&rt0lib_host_started, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &rt0lib_host_started, FUTEX_WAKE_PRIVATE, INT_MAX,
	        NULL, NULL, 0);
	int32_t inits = rt0lib_inits_run();
	fprintf(stderr, "rt0 fact host.pid=%ld\n", (long)getpid());
	fprintf(stderr, "rt0 fact host.tid=%ld\n", (long)syscall(SYS_gettid));
	fprintf(stderr, "rt0 fact host.init_array_has_entry=%d\n",
	        in_init_array);
	fprintf(stderr, "rt0 fact lib.inits_run=%d\n", (int)inits);
	fprintf(stderr, "rt0 fact lib.init_tid=%ld\n", rt0lib_init_tid());
	fprintf(stderr, "rt0 fact lib.init_pid=%ld\n", rt0lib_init_pid());
	fprintf(stderr, "rt0 fact lib.init_goid=%lld\n",
	        (long long)rt0lib_init_goid());
	fprintf(stderr, "rt0 fact lib.main_ran=%u\n", rt0lib_main_ran());
	if (argc > 1 && strcmp(argv[1], "panic") == 0) {
		fflush(stderr);
		rt0lib_panic();
		fprintf(stderr, "rt0 fact host.after_panic=1\n");
		return 0;
	}
	if (argc > 2) {
		struct timespec linger = {0, atoi(argv[2]) * 1000000L};
		nanosleep(&linger, NULL);
		/* Again, once the runtime had time to go on past its inits. */
		fprintf(stderr, "rt0 fact lib.main_ran_after_linger=%u\n",
		        rt0lib_main_ran());
	}
	return argc > 1 ? atoi(argv[1]) : 0;
}
