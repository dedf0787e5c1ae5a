/* targets.c: the runtimes the observer knows, as data (targets.h). */
#define _GNU_SOURCE
#include "rt0obs/targets.h"

#include <stdio.h>
#include <string.h>

#include "rt0conf/elfinfo.h"

/* rt0: the C names of Go's start-up steps (arch/<arch>/asm.S,
 * runtime/runtime.h). rt0_go_started is the first C function rt0_go
 * calls once g0 and the g slot are set up: it records the trace's
 * runtime.rt0_go event, so it is the stop to compare that event with; at
 * runtime_rt0_go's own entry there is no g yet, in rt0 as in Go. */
static const char *const rt0_symbols[] = {
    "runtime_rt0_go", "rt0_go_started", "check",   "args",
    "osinit",         "schedinit",      "newproc", "mstart",
    "runtime_main",   "main_main",      NULL};
static const char *const rt0_phases[] = {NULL,
                                         "runtime.rt0_go",
                                         "runtime.check",
                                         "runtime.args",
                                         "runtime.osinit",
                                         "runtime.schedinit",
                                         "runtime.newproc",
                                         "runtime.mstart",
                                         "runtime.main",
                                         "main.main",
                                         NULL};

/* rt0 keeps g behind the thread pointer on every arch (arch/<arch>/arch.h):
 * internal mode in the slot rt0_go points it at (amd64: FS = &m0.tls[1],
 * g at -8; 386: GS's base = &m0.tls[1], g at -4; arm64, riscv64, arm,
 * ppc64le and s390x: g at [tp]); external mode in the C thread-local
 * rt0_tls_g, whose offset comes from the ELF's PT_TLS. */
static const struct obs_impl_g rt0_g[] = {
    {"amd64", "tp-8", "tls:rt0_tls_g"},   {"arm64", "tp+0", "tls:rt0_tls_g"},
    {"riscv64", "tp+0", "tls:rt0_tls_g"}, {"386", "tp-4", "tls:rt0_tls_g"},
    {"arm", "tp+0", "tls:rt0_tls_g"},     {"ppc64le", "tp+0", "tls:rt0_tls_g"},
    {"s390x", "tp+0", "tls:rt0_tls_g"},   {NULL, NULL, NULL}};

/* Go (issue 13): the ELF names of the same steps (assembly functions
 * carry Go's .abi0 suffix), and g where Go's ports keep it: amd64 in TLS
 * at -8 from FS (ELF TLS, internal linking), arm64 in R28, riscv64 in X27
 * (s11). Cgo/external linking would need runtime.tlsg's offset: not known
 * yet. Written from shared/notes/go-as-target.md, then run by hand on a
 * go1.19.8 hello world (Debian's golang-go; amd64 natively, arm64 and
 * riscv64 under qemu-user): all nine stops, goid 0 on g0 and 1 from
 * runtime.main, SP inside g's bounds; g's layout came from its (compressed)
 * DWARF unchanged. No ctest runs it yet: that is issue 13's. */
static const char *const go_symbols[] = {
    "runtime.rt0_go.abi0", "runtime.check",
    "runtime.args",        "runtime.osinit",
    "runtime.schedinit",   "runtime.newproc",
    "runtime.mstart.abi0", "runtime.main",
    "main.main",           NULL};
static const char *const go_phases[] = {"runtime.rt0_go",    "runtime.check",
                                        "runtime.args",      "runtime.osinit",
                                        "runtime.schedinit", "runtime.newproc",
                                        "runtime.mstart",    "runtime.main",
                                        "main.main",         NULL};
static const struct obs_impl_g go_g[] = {{"amd64", "tp-8", NULL},
                                         {"arm64", "reg:x28", NULL},
                                         {"riscv64", "reg:x27", NULL},
                                         {NULL, NULL, NULL}};

static const struct obs_impl impls[] = {
    {"rt0", "g", rt0_symbols, rt0_phases, rt0_g},
    {"go", "runtime.g", go_symbols, go_phases, go_g},
};

const struct obs_impl *obs_impl_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof impls / sizeof impls[0]; i++)
		if (strcmp(impls[i].name, name) == 0)
			return &impls[i];
	return NULL;
}

const char *obs_impl_phase(const struct obs_impl *impl, const char *symbol)
{
	for (size_t i = 0; impl->symbols[i]; i++)
		if (strcmp(impl->symbols[i], symbol) == 0)
			return impl->phases[i];
	return NULL;
}

bool obs_spec_for_impl(const struct obs_impl *impl, const char *probe,
                       const char *goarch, struct obs_spec *spec, char *err,
                       size_t errcap)
{
	struct elf_info elf;
	if (!elf_open(probe, &elf)) {
		snprintf(err, errcap, "cannot read the probe: %s", elf.error);
		elf_close(&elf);
		return false;
	}
	bool external = !elf_is_static(&elf);
	elf_close(&elf);
	const struct obs_impl_g *g = impl->g;
	while (g->goarch && strcmp(g->goarch, goarch) != 0)
		g++;
	const char *where = !g->goarch ? NULL
	                    : external ? g->external
	                               : g->internal;
	if (!where) {
		snprintf(err, errcap,
		         "%s: where g lives on %s in %s mode is "
		         "not known",
		         impl->name, goarch,
		         external ? "external" : "internal");
		return false;
	}
	if (!obs_g_where_parse(where, goarch, probe, &spec->g, err, errcap) ||
	    !obs_layout_from_dwarf(probe, impl->g_type, &spec->layout, err,
	                           errcap))
		return false;
	spec->symbols = impl->symbols;
	spec->read_m = spec->layout.m.known;
	return true;
}
