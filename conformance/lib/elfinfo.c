/* elfinfo.c: see elfinfo.h. */
#define _GNU_SOURCE
#include "rt0conf/elfinfo.h"

#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Readers that honour the file's class and byte order. */
static uint64_t rd(const struct elf_info *e, const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)b[e->big_endian ? n - 1 - i : i] << (8 * i);
	return v;
}

#define FIELD(e, base, T32, T64, f)                                            \
	((e)->elfclass == ELFCLASS64                                           \
	     ? rd((e), (const char *)(base) + offsetof(T64, f),                \
	          sizeof(((T64 *)0)->f))                                       \
	     : rd((e), (const char *)(base) + offsetof(T32, f),                \
	          sizeof(((T32 *)0)->f)))
#define EH(e, f)     FIELD(e, (e)->map, Elf32_Ehdr, Elf64_Ehdr, f)
#define PH(e, p, f)  FIELD(e, p, Elf32_Phdr, Elf64_Phdr, f)
#define SH(e, p, f)  FIELD(e, p, Elf32_Shdr, Elf64_Shdr, f)
#define SYM(e, p, f) FIELD(e, p, Elf32_Sym, Elf64_Sym, f)
#define DYN(e, p, f) FIELD(e, p, Elf32_Dyn, Elf64_Dyn, f)

static bool in_file(const struct elf_info *e, uint64_t off, uint64_t len)
{
	return off <= e->size && len <= e->size - off;
}

/* Maps a virtual address to a file offset through the PT_LOAD segments. */
static bool vaddr_to_off(const struct elf_info *e, uint64_t va, uint64_t *off)
{
	uint64_t phoff = EH(e, e_phoff), phentsize = EH(e, e_phentsize);
	for (uint64_t i = 0; i < EH(e, e_phnum); i++) {
		const char *ph = (const char *)e->map + phoff + i * phentsize;
		if (PH(e, ph, p_type) != PT_LOAD)
			continue;
		uint64_t v = PH(e, ph, p_vaddr), fsz = PH(e, ph, p_filesz);
		if (va >= v && va < v + fsz) {
			*off = PH(e, ph, p_offset) + (va - v);
			return true;
		}
	}
	return false;
}

bool elf_open(const char *path, struct elf_info *e)
{
	memset(e, 0, sizeof *e);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(e->error, sizeof e->error, "%s: %m", path);
		if (fd >= 0)
			close(fd);
		return false;
	}
	e->size = (size_t)st.st_size;
	e->map = e->size ? mmap(NULL, e->size, PROT_READ, MAP_PRIVATE, fd, 0)
	                 : MAP_FAILED;
	close(fd);
	if (e->map == MAP_FAILED) {
		e->map = NULL;
		snprintf(e->error, sizeof e->error, "%s: cannot map", path);
		return false;
	}
	const unsigned char *id = e->map;
	if (e->size < EI_NIDENT || memcmp(id, ELFMAG, SELFMAG) != 0 ||
	    (id[EI_CLASS] != ELFCLASS32 && id[EI_CLASS] != ELFCLASS64) ||
	    (id[EI_DATA] != ELFDATA2LSB && id[EI_DATA] != ELFDATA2MSB)) {
		snprintf(e->error, sizeof e->error, "%s: not an ELF file",
		         path);
		return false;
	}
	e->elfclass = id[EI_CLASS];
	e->big_endian = id[EI_DATA] == ELFDATA2MSB;
	if (!in_file(e, 0,
	             e->elfclass == ELFCLASS64 ? sizeof(Elf64_Ehdr)
	                                       : sizeof(Elf32_Ehdr))) {
		snprintf(e->error, sizeof e->error, "%s: truncated header",
		         path);
		return false;
	}
	e->machine = (uint16_t)EH(e, e_machine);
	e->type = (uint16_t)EH(e, e_type);
	e->entry = EH(e, e_entry);
	uint64_t phoff = EH(e, e_phoff), phentsize = EH(e, e_phentsize),
	         phnum = EH(e, e_phnum);
	if (!in_file(e, phoff, phnum * phentsize)) {
		snprintf(e->error, sizeof e->error,
		         "%s: program headers outside the file", path);
		return false;
	}
	for (uint64_t i = 0; i < phnum; i++) {
		const char *ph = (const char *)e->map + phoff + i * phentsize;
		uint64_t type = PH(e, ph, p_type);
		uint64_t off = PH(e, ph, p_offset), fsz = PH(e, ph, p_filesz);
		if (type == PT_INTERP) {
			e->has_interp = true;
			if (in_file(e, off, fsz))
				snprintf(e->interp, sizeof e->interp, "%.*s",
				         (int)(fsz ? fsz - 1 : 0),
				         (const char *)e->map + off);
		} else if (type == PT_DYNAMIC) {
			e->has_dynamic = true;
		} else if (type == PT_TLS) {
			e->has_tls = true;
			e->tls_vaddr = PH(e, ph, p_vaddr);
			e->tls_memsz = PH(e, ph, p_memsz);
			e->tls_align = PH(e, ph, p_align);
		}
	}
	/* DT_NEEDED names live in the string table DT_STRTAB points to. */
	for (uint64_t i = 0; i < phnum; i++) {
		const char *ph = (const char *)e->map + phoff + i * phentsize;
		if (PH(e, ph, p_type) != PT_DYNAMIC)
			continue;
		uint64_t off = PH(e, ph, p_offset), fsz = PH(e, ph, p_filesz);
		size_t dsz = e->elfclass == ELFCLASS64 ? sizeof(Elf64_Dyn)
		                                       : sizeof(Elf32_Dyn);
		if (!in_file(e, off, fsz))
			break;
		uint64_t strtab_va = 0, strtab_off = 0;
		for (uint64_t d = 0; d + dsz <= fsz; d += dsz) {
			const char *dyn = (const char *)e->map + off + d;
			if (DYN(e, dyn, d_tag) == DT_STRTAB)
				strtab_va = DYN(e, dyn, d_un);
		}
		bool have_strtab =
		    strtab_va && vaddr_to_off(e, strtab_va, &strtab_off);
		for (uint64_t d = 0; d + dsz <= fsz; d += dsz) {
			const char *dyn = (const char *)e->map + off + d;
			uint64_t tag = DYN(e, dyn, d_tag);
			if (tag == DT_NULL)
				break;
			if (tag != DT_NEEDED)
				continue;
			if (e->nneeded <
			    sizeof e->needed / sizeof e->needed[0]) {
				uint64_t so = strtab_off + DYN(e, dyn, d_un);
				const char *name =
				    have_strtab && in_file(e, so, 1)
				        ? (const char *)e->map + so
				        : "?";
				snprintf(e->needed[e->nneeded],
				         sizeof e->needed[0], "%.*s",
				         (int)strnlen(name, e->size - so),
				         name);
			}
			e->nneeded++;
		}
	}
	return true;
}

void elf_close(struct elf_info *e)
{
	if (e->map)
		munmap(e->map, e->size);
	e->map = NULL;
}

bool elf_is_static(const struct elf_info *e)
{
	return !e->has_interp && !e->has_dynamic;
}

bool elf_needs_shared_libs(const struct elf_info *e)
{
	return e->nneeded > 0;
}

bool elf_symbol(const struct elf_info *e, const char *name, uint64_t *value)
{
	uint64_t size;
	return elf_symbol_sized(e, name, value, &size);
}

bool elf_symbol_sized(const struct elf_info *e, const char *name,
                      uint64_t *value, uint64_t *symsize)
{
	struct elf_sym first;
	if (elf_symbols_named(e, name, &first, 1) == 0)
		return false;
	*value = first.value;
	*symsize = first.size;
	return true;
}

size_t elf_symbols_named(const struct elf_info *e, const char *name,
                         struct elf_sym *out, size_t cap)
{
	if (!e->map)
		return 0;
	uint64_t shoff = EH(e, e_shoff), shentsize = EH(e, e_shentsize),
	         shnum = EH(e, e_shnum);
	if (!shoff || !in_file(e, shoff, shnum * shentsize))
		return 0;
	size_t found = 0;
	for (uint64_t i = 0; i < shnum; i++) {
		const char *sh = (const char *)e->map + shoff + i * shentsize;
		if (SH(e, sh, sh_type) != SHT_SYMTAB)
			continue;
		uint64_t link = SH(e, sh, sh_link);
		if (link >= shnum)
			return found;
		const char *strsh =
		    (const char *)e->map + shoff + link * shentsize;
		uint64_t stroff = SH(e, strsh, sh_offset),
		         strsz = SH(e, strsh, sh_size);
		uint64_t off = SH(e, sh, sh_offset), size = SH(e, sh, sh_size),
		         entsize = SH(e, sh, sh_entsize);
		if (!entsize || !in_file(e, off, size) ||
		    !in_file(e, stroff, strsz))
			return found;
		for (uint64_t s = 0; s + entsize <= size; s += entsize) {
			const char *sym = (const char *)e->map + off + s;
			uint64_t nameoff = SYM(e, sym, st_name);
			if (nameoff >= strsz)
				continue;
			const char *n = (const char *)e->map + stroff + nameoff;
			if (strncmp(n, name, strsz - nameoff) != 0 ||
			    strnlen(n, strsz - nameoff) != strlen(name) ||
			    SYM(e, sym, st_shndx) == SHN_UNDEF)
				continue;
			if (found < cap) {
				/* st_info is one byte in both classes. */
				uint64_t info = SYM(e, sym, st_info);
				out[found] = (struct elf_sym){
				    .value = SYM(e, sym, st_value),
				    .size = SYM(e, sym, st_size),
				    .type = (unsigned char)(info & 0xf),
				    .bind = (unsigned char)(info >> 4),
				    .other =
				        (unsigned char)SYM(e, sym, st_other),
				};
			}
			found++;
		}
	}
	return found;
}
