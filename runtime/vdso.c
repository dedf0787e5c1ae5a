/* vdso.c: nanotime through the kernel's vDSO when there is one (as Go's
 * vdso_linux.go does), else through the system call. Start-up records a
 * timestamp per trace event; a system call each would double its cost. */
#include "runtime.h"
#include <elf.h>
#include <linux/time.h>

#if ARCH_PTRSIZE == 8
typedef Elf64_Ehdr Ehdr;
typedef Elf64_Phdr Phdr;
typedef Elf64_Dyn Dyn;
typedef Elf64_Sym Sym;
#define ST_TYPE(i) ELF64_ST_TYPE(i)
#define ST_BIND(i) ELF64_ST_BIND(i)
#else
typedef Elf32_Ehdr Ehdr;
typedef Elf32_Phdr Phdr;
typedef Elf32_Dyn Dyn;
typedef Elf32_Sym Sym;
#define ST_TYPE(i) ELF32_ST_TYPE(i)
#define ST_BIND(i) ELF32_ST_BIND(i)
#endif

struct timespec64 {
	int64_t sec;
	int64_t nsec;
};

#if ARCH_PTRSIZE == 8
typedef struct timespec64 vdso_timespec;
#else
struct timespec32 {
	int32_t sec, nsec;
};
typedef struct timespec32 vdso_timespec; /* the 32-bit vDSO call's layout */
#endif

static int (*vdso_clock_gettime)(int, vdso_timespec *);

/* Number of symbols: DT_HASH says it directly; DT_GNU_HASH only through
 * its last chain. */
static uint32_t count_symbols(const uint32_t *hash, const uint32_t *gnu)
{
	if (hash != NULL)
		return hash[1];
	if (gnu == NULL)
		return 0;
	uint32_t nbuckets = gnu[0], symoffset = gnu[1], bloom = gnu[2];
	const uint32_t *buckets = gnu + 4 + bloom * (ARCH_PTRSIZE / 4);
	const uint32_t *chain = buckets + nbuckets;
	uint32_t last = 0;
	for (uint32_t i = 0; i < nbuckets; i++)
		if (buckets[i] > last)
			last = buckets[i];
	if (last < symoffset)
		return symoffset;
	while ((chain[last - symoffset] & 1) == 0)
		last++;
	return last + 1;
}

void vdso_init(uintptr_t base)
{
	if (base == 0)
		return; /* qemu-user has no vDSO */
	const Ehdr *eh = (const Ehdr *)base;
	if (eh->e_ident[EI_MAG0] != ELFMAG0 || eh->e_ident[EI_MAG1] != ELFMAG1)
		return;
	const Phdr *ph = (const Phdr *)(base + eh->e_phoff);
	uintptr_t load = 0;
	const Dyn *dyn = NULL;
	bool have_load = false;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !have_load) {
			load = base + ph[i].p_offset - ph[i].p_vaddr;
			have_load = true;
		} else if (ph[i].p_type == PT_DYNAMIC) {
			dyn = (const Dyn *)(base + ph[i].p_offset);
		}
	}
	if (!have_load || dyn == NULL)
		return;
	const Sym *symtab = NULL;
	const char *strtab = NULL;
	const uint32_t *hash = NULL, *gnu = NULL;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		uintptr_t p = load + dyn->d_un.d_ptr;
		if (dyn->d_tag == DT_SYMTAB)
			symtab = (const Sym *)p;
		else if (dyn->d_tag == DT_STRTAB)
			strtab = (const char *)p;
		else if (dyn->d_tag == DT_HASH)
			hash = (const uint32_t *)p;
		else if (dyn->d_tag == DT_GNU_HASH)
			gnu = (const uint32_t *)p;
	}
	if (symtab == NULL || strtab == NULL)
		return;
	uint32_t n = count_symbols(hash, gnu);
	for (uint32_t i = 0; i < n; i++) {
		const Sym *s = &symtab[i];
		if (ST_TYPE(s->st_info) != STT_FUNC ||
		    (ST_BIND(s->st_info) != STB_GLOBAL &&
		     ST_BIND(s->st_info) != STB_WEAK) ||
		    s->st_shndx == SHN_UNDEF)
			continue;
		if (rt_streq(strtab + s->st_name, ARCH_VDSO_CLOCK_GETTIME)) {
			vdso_clock_gettime =
			    (int (*)(int, vdso_timespec *))(load + s->st_value);
			return;
		}
	}
}

int64_t nanotime(void)
{
	if (vdso_clock_gettime != NULL) {
		vdso_timespec ts;
		if (vdso_clock_gettime(CLOCK_MONOTONIC, &ts) == 0)
			return (int64_t)ts.sec * 1000000000 + ts.nsec;
	}
	struct timespec64 ts = {0, 0};
	sys_clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.sec * 1000000000 + ts.nsec;
}
