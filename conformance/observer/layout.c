/* layout.c: g's layout from the probe's own DWARF (elfutils' libdw).
 *
 * Why DWARF and not the build's asm_offsets.h: that header only holds
 * what the runtime's assembly needs (no goid), exists per arch in each
 * cross build's tree, and is the runtime's word about itself; the DWARF of
 * the very binary being observed is what its compiler laid out, and it is
 * also where a real Go binary's layout comes from (issue 13). */
#define _GNU_SOURCE
#include "rt0obs/targets.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The type a typedef, const or volatile stands for. */
static bool peel(Dwarf_Die *die)
{
	for (int depth = 0; depth < 16; depth++) {
		int tag = dwarf_tag(die);
		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type &&
		    tag != DW_TAG_volatile_type)
			return true;
		Dwarf_Attribute a;
		if (!dwarf_attr_integrate(die, DW_AT_type, &a) ||
		    !dwarf_formref_die(&a, die))
			return false;
	}
	return false;
}

/* A complete struct named name among the top-level DIEs of every CU. */
static bool find_struct(Dwarf *dw, const char *name, Dwarf_Die *out)
{
	Dwarf_Off off = 0, next;
	size_t hsize;
	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, child;
		if (dwarf_offdie(dw, off + hsize, &cu) &&
		    dwarf_child(&cu, &child) == 0) {
			do {
				int tag = dwarf_tag(&child);
				const char *n = dwarf_diename(&child);
				if ((tag == DW_TAG_structure_type ||
				     tag == DW_TAG_typedef) &&
				    n && strcmp(n, name) == 0 &&
				    !dwarf_hasattr(&child, DW_AT_declaration)) {
					*out = child;
					if (peel(out) &&
					    dwarf_tag(out) ==
					        DW_TAG_structure_type &&
					    !dwarf_hasattr(out,
					                   DW_AT_declaration))
						return true;
				}
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		off = next;
	}
	return false;
}

/* A member's offset: a constant, or DWARF 2's DW_OP_plus_uconst. */
static bool member_offset(Dwarf_Die *m, Dwarf_Word *off)
{
	Dwarf_Attribute a;
	if (!dwarf_attr_integrate(m, DW_AT_data_member_location, &a)) {
		*off = 0; /* union members, and the first of some structs */
		return true;
	}
	if (dwarf_formudata(&a, off) == 0)
		return true;
	Dwarf_Op *ops;
	size_t nops;
	if (dwarf_getlocation(&a, &ops, &nops) == 0 && nops == 1 &&
	    ops[0].atom == DW_OP_plus_uconst) {
		*off = ops[0].number;
		return true;
	}
	return false;
}

/* The field at a dotted path ("stack.lo") below the struct st. */
static bool field(Dwarf_Die *st, const char *path, struct obs_field *out)
{
	char first[64];
	const char *dot = strchr(path, '.');
	size_t n = dot ? (size_t)(dot - path) : strlen(path);
	if (n >= sizeof first)
		return false;
	memcpy(first, path, n);
	first[n] = '\0';
	Dwarf_Die m;
	if (dwarf_child(st, &m) != 0)
		return false;
	do {
		const char *name = dwarf_diename(&m);
		if (dwarf_tag(&m) != DW_TAG_member || !name ||
		    strcmp(name, first) != 0)
			continue;
		Dwarf_Word off;
		Dwarf_Attribute a;
		Dwarf_Die type;
		if (!member_offset(&m, &off) ||
		    !dwarf_attr_integrate(&m, DW_AT_type, &a) ||
		    !dwarf_formref_die(&a, &type) || !peel(&type))
			return false;
		if (dot) {
			if (dwarf_tag(&type) != DW_TAG_structure_type ||
			    !field(&type, dot + 1, out))
				return false;
			out->offset += (uint32_t)off;
			return true;
		}
		Dwarf_Word size;
		if (dwarf_aggregate_size(&type, &size) != 0)
			return false;
		*out = (struct obs_field){true, (uint32_t)off, (uint32_t)size};
		return true;
	} while (dwarf_siblingof(&m, &m) == 0);
	return false;
}

/* The struct named type in the probe's DWARF, handed to read() with the
 * probe open; false with a message when the probe, its DWARF or the type
 * is missing, else what read() returns. */
static bool with_struct(const char *probe, const char *type,
                        bool (*read)(Dwarf_Die *st, void *arg), void *arg,
                        char *err, size_t errcap)
{
	int fd = open(probe, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errcap, "%s: %m", probe);
		return false;
	}
	bool ok = false;
	Dwarf *dw = dwarf_begin(fd, DWARF_C_READ);
	Dwarf_Die st;
	if (!dw)
		snprintf(err, errcap, "%s has no DWARF (built without -g?): %s",
		         probe, dwarf_errmsg(-1));
	else if (!find_struct(dw, type, &st))
		snprintf(err, errcap, "no struct %s in the DWARF of %s", type,
		         probe);
	else
		ok = read(&st, arg);
	if (dw)
		dwarf_end(dw);
	close(fd);
	return ok;
}

static bool read_g_layout(Dwarf_Die *st, void *arg)
{
	struct obs_g_layout *out = arg;
	field(st, "goid", &out->goid);
	field(st, "stack.lo", &out->stack_lo);
	field(st, "stack.hi", &out->stack_hi);
	field(st, "m", &out->m);
	field(st, "stackguard0", &out->stackguard0);
	field(st, "stackguard1", &out->stackguard1);
	return out->goid.known || out->stack_lo.known;
}

bool obs_layout_from_dwarf(const char *probe, const char *type,
                           struct obs_g_layout *out, char *err, size_t errcap)
{
	memset(out, 0, sizeof *out);
	*err = '\0';
	bool ok = with_struct(probe, type, read_g_layout, out, err, errcap);
	if (!ok && !*err)
		snprintf(err, errcap,
		         "struct %s in %s has neither goid nor stack.lo", type,
		         probe);
	return ok;
}

/* The first top-level DIE of any CU that keep() accepts. */
static bool find_top_level(Dwarf *dw, bool (*keep)(Dwarf_Die *, const void *),
                           const void *arg, Dwarf_Die *out)
{
	Dwarf_Off off = 0, next;
	size_t hsize;
	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, child;
		if (dwarf_offdie(dw, off + hsize, &cu) &&
		    dwarf_child(&cu, &child) == 0) {
			do {
				if (keep(&child, arg)) {
					*out = child;
					return true;
				}
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		off = next;
	}
	return false;
}

static bool named_type(Dwarf_Die *die, const void *name)
{
	int tag = dwarf_tag(die);
	const char *n = dwarf_diename(die);
	return (tag == DW_TAG_base_type || tag == DW_TAG_typedef ||
	        tag == DW_TAG_structure_type) &&
	       n && strcmp(n, name) == 0 &&
	       !dwarf_hasattr(die, DW_AT_declaration);
}

static bool sized_pointer(Dwarf_Die *die, const void *unused)
{
	(void)unused;
	return dwarf_tag(die) == DW_TAG_pointer_type &&
	       dwarf_hasattr(die, DW_AT_byte_size);
}

/* Opens the probe's DWARF, finds a DIE with keep and gives its size. */
static bool dwarf_size(const char *probe,
                       bool (*keep)(Dwarf_Die *, const void *), const void *arg,
                       const char *what, uint64_t *size, char *err,
                       size_t errcap)
{
	int fd = open(probe, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errcap, "%s: %m", probe);
		return false;
	}
	bool ok = false;
	Dwarf *dw = dwarf_begin(fd, DWARF_C_READ);
	Dwarf_Die die;
	Dwarf_Word w;
	if (!dw)
		snprintf(err, errcap, "%s has no DWARF (built without -g?): %s",
		         probe, dwarf_errmsg(-1));
	else if (!find_top_level(dw, keep, arg, &die))
		snprintf(err, errcap, "no %s in the DWARF of %s", what, probe);
	else if (!peel(&die) || dwarf_aggregate_size(&die, &w) != 0)
		snprintf(err, errcap, "%s in %s has no size", what, probe);
	else {
		*size = w;
		ok = true;
	}
	if (dw)
		dwarf_end(dw);
	close(fd);
	return ok;
}

bool obs_dwarf_type_size(const char *probe, const char *name, uint64_t *size,
                         char *err, size_t errcap)
{
	char what[128];
	snprintf(what, sizeof what, "type '%s'", name);
	return dwarf_size(probe, named_type, name, what, size, err, errcap);
}

bool obs_dwarf_pointer_size(const char *probe, uint64_t *size, char *err,
                            size_t errcap)
{
	return dwarf_size(probe, sized_pointer, NULL, "pointer type", size, err,
	                  errcap);
}

struct member_query {
	const char *path;
	struct obs_field *out;
};

static bool read_member(Dwarf_Die *st, void *arg)
{
	struct member_query *q = arg;
	return field(st, q->path, q->out);
}

bool obs_dwarf_member(const char *probe, const char *type, const char *path,
                      struct obs_field *out, char *err, size_t errcap)
{
	memset(out, 0, sizeof *out);
	*err = '\0';
	struct member_query q = {path, out};
	bool ok = with_struct(probe, type, read_member, &q, err, errcap);
	if (!ok && !*err)
		snprintf(err, errcap, "struct %s in %s has no member %s", type,
		         probe, path);
	return ok;
}

/* ---- inlined calls ---------------------------------------------------- */

struct inlined_search {
	const char *name;
	uint64_t *addrs;
	size_t cap, n;
};

/* Where an inlined call's code starts: DW_AT_entry_pc or DW_AT_low_pc,
 * else the lowest address of its DW_AT_ranges (Go gives a body split
 * into pieces as ranges, the first piece first). */
static bool inlined_start(Dwarf_Die *die, uint64_t *at)
{
	Dwarf_Addr pc;
	if (dwarf_entrypc(die, &pc) == 0) {
		*at = pc;
		return true;
	}
	Dwarf_Addr base, lo, hi;
	ptrdiff_t off = 0;
	bool any = false;
	while ((off = dwarf_ranges(die, off, &base, &lo, &hi)) > 0)
		if (!any || lo < *at) {
			*at = lo;
			any = true;
		}
	return any;
}

static void find_inlined(Dwarf_Die *die, struct inlined_search *q, int depth)
{
	if (depth > 64)
		return;
	Dwarf_Die child;
	if (dwarf_child(die, &child) != 0)
		return;
	do {
		if (dwarf_tag(&child) == DW_TAG_inlined_subroutine) {
			Dwarf_Attribute a;
			Dwarf_Die origin;
			const char *n =
			    dwarf_attr(&child, DW_AT_abstract_origin, &a) &&
			            dwarf_formref_die(&a, &origin)
			        ? dwarf_diename(&origin)
			        : NULL;
			uint64_t at;
			if (n && strcmp(n, q->name) == 0 &&
			    inlined_start(&child, &at) && q->n < q->cap)
				q->addrs[q->n++] = at;
		}
		find_inlined(&child, q, depth + 1);
	} while (dwarf_siblingof(&child, &child) == 0);
}

size_t obs_dwarf_inlined(const char *probe, const char *name, uint64_t *addrs,
                         size_t cap)
{
	int fd = open(probe, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	struct inlined_search q = {name, addrs, cap, 0};
	Dwarf *dw = dwarf_begin(fd, DWARF_C_READ);
	Dwarf_Off off = 0, next;
	size_t hsize;
	while (dw &&
	       dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;
		if (dwarf_offdie(dw, off + hsize, &cu))
			find_inlined(&cu, &q, 0);
		off = next;
	}
	if (dw)
		dwarf_end(dw);
	close(fd);
	return q.n;
}
