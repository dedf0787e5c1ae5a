/* elfinfo.h: the few facts about a probe's ELF file the suites check. Reads
 * ELF32 and ELF64 of either byte order, so it also serves foreign arches. */
#ifndef RT0CONF_ELFINFO_H
#define RT0CONF_ELFINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct elf_info {
	char error[256]; /* why elf_open failed */
	void *map;
	size_t size;
	int elfclass; /* ELFCLASS32 or ELFCLASS64 */
	bool big_endian;
	uint16_t machine; /* e_machine */
	uint16_t type;    /* ET_EXEC, ET_DYN */
	uint64_t entry;   /* e_entry */
	bool has_interp;  /* a PT_INTERP segment */
	char interp[256];
	bool has_dynamic; /* a PT_DYNAMIC segment */
	bool has_tls;     /* a PT_TLS segment: the thread-local template */
	uint64_t tls_vaddr, tls_memsz, tls_align;
	size_t nneeded; /* DT_NEEDED entries */
	char needed[16][64];
};

/* Maps and inspects path; false with info->error set on failure. */
bool elf_open(const char *path, struct elf_info *info);
void elf_close(struct elf_info *info);

/* Static: neither an interpreter nor a dynamic section. */
bool elf_is_static(const struct elf_info *info);
/* Needs a shared library (the C library, in practice): any DT_NEEDED. */
bool elf_needs_shared_libs(const struct elf_info *info);
/* A symbol's value from .symtab; false when absent (or stripped). */
bool elf_symbol(const struct elf_info *info, const char *name, uint64_t *value);
/* The same, with the symbol's st_size (a function's length in bytes). */
bool elf_symbol_sized(const struct elf_info *info, const char *name,
                      uint64_t *value, uint64_t *symsize);

/* One symbol table entry (st_value, st_size, ELF64_ST_TYPE/BIND). In an
 * executable an STT_TLS symbol's value is its offset in the PT_TLS
 * template, not an address. */
struct elf_sym {
	uint64_t value, size;
	unsigned char type, bind;
	unsigned char other; /* st_other: visibility, ppc64's local entry */
};
/* The defined symbols of .symtab named name: writes up to cap of them to
 * out and returns how many there are (0: absent or stripped). */
size_t elf_symbols_named(const struct elf_info *info, const char *name,
                         struct elf_sym *out, size_t cap);

#endif
