/* arch.c: the observer's per-arch table, the one place that knows
 * register names, breakpoint sizes and TLS layouts (see obs_internal.h).
 *
 * Register names are those of gdb's target descriptions, which qemu's
 * gdbstub sends (qXfer:features:read): gdb's own names, so a human can
 * check them with gdb. Sources: gdb's features/i386/64bit-core.xml and
 * 64bit-segments.xml, features/aarch64-core.xml (TPIDR_EL0 comes from
 * qemu's generated system-registers.xml), features/riscv/64bit-cpu.xml,
 * qemu's i386-32bit.xml (fs_base, gs_base), arm-core.xml (TPIDRURO from the
 * generated cp-register description), power64-core.xml, s390x-core64.xml
 * and s390-acr.xml; the TLS variants and TCB sizes from the psABIs
 * (x86-64 and i386: variant II, the block ends at the thread pointer;
 * AArch64: variant I, a 16-byte TCB; arm: variant I, an 8-byte TCB;
 * RISC-V: variant I, tp points just past the TCB, at the first block;
 * ppc64: variant I, tp 0x7000 past the block's start; s390x: variant II). */
#define _GNU_SOURCE
#include "obs_internal.h"

#include <elf.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "rt0conf/elfinfo.h"
#if defined(__x86_64__)
#include <sys/user.h>
#endif

#if defined(__x86_64__)
#define NREG(n, f)                                                             \
	{                                                                      \
		n, offsetof(struct user_regs_struct, f)                        \
	}
static const struct obs_native_reg amd64_native[] = {
    NREG("rip", rip),         NREG("rsp", rsp), NREG("fs_base", fs_base),
    NREG("gs_base", gs_base), NREG("rax", rax), NREG("rbx", rbx),
    NREG("rcx", rcx),         NREG("rdx", rdx), NREG("rsi", rsi),
    NREG("rdi", rdi),         NREG("rbp", rbp), NREG("r8", r8),
    NREG("r9", r9),           NREG("r10", r10), NREG("r11", r11),
    NREG("r12", r12),         NREG("r13", r13), NREG("r14", r14),
    NREG("r15", r15),         {NULL, 0}};
#define AMD64_NATIVE amd64_native
#else
#define AMD64_NATIVE NULL /* ptrace is only written for x86-64 hosts */
#endif

static const char *const arm64_aliases[][2] = {
    {"fp", "x29"}, {"lr", "x30"}, {NULL, NULL}};

/* Go and the psABI call riscv64 registers x0..x31; gdb uses ABI names. */
static const char *const riscv64_aliases[][2] = {
    {"x0", "zero"}, {"x1", "ra"},  {"x2", "sp"},  {"x3", "gp"},
    {"x4", "tp"},   {"x5", "t0"},  {"x6", "t1"},  {"x7", "t2"},
    {"x8", "fp"},   {"s0", "fp"},  {"x9", "s1"},  {"x10", "a0"},
    {"x11", "a1"},  {"x12", "a2"}, {"x13", "a3"}, {"x14", "a4"},
    {"x15", "a5"},  {"x16", "a6"}, {"x17", "a7"}, {"x18", "s2"},
    {"x19", "s3"},  {"x20", "s4"}, {"x21", "s5"}, {"x22", "s6"},
    {"x23", "s7"},  {"x24", "s8"}, {"x25", "s9"}, {"x26", "s10"},
    {"x27", "s11"}, {"x28", "t3"}, {"x29", "t4"}, {"x30", "t5"},
    {"x31", "t6"},  {NULL, NULL}};

/* gdb's arm-core.xml has r13-r15 as sp, lr and pc. */
static const char *const arm_aliases[][2] = {
    {"fp", "r11"}, {"r13", "sp"}, {"r14", "lr"}, {"r15", "pc"}, {NULL, NULL}};

/* gdb's power64-core.xml calls the stack pointer r1. */
static const char *const ppc64le_aliases[][2] = {{"sp", "r1"}, {NULL, NULL}};

/* gdb's s390x-core64.xml: the PSW's address is the PC; a0/a1 are acr0/1. */
static const char *const s390x_aliases[][2] = {{"pc", "pswa"},
                                               {"sp", "r15"},
                                               {"a0", "acr0"},
                                               {"a1", "acr1"},
                                               {NULL, NULL}};

/* Callee-saved registers of each psABI, SP aside (the observer matches a
 * call's return by SP already). Vector registers wider than 64 bits (arm64
 * v8-v15, whose low halves are callee-saved) are not read by the backends,
 * nor amd64's MXCSR and x87 control word. */
static const char *const amd64_callee_saved[] = {"rbx", "rbp", "r12", "r13",
                                                 "r14", "r15", NULL};
static const char *const arm64_callee_saved[] = {"x19", "x20", "x21", "x22",
                                                 "x23", "x24", "x25", "x26",
                                                 "x27", "x28", "x29", NULL};
/* s0-s11 and fs0-fs11 (RISC-V psABI, integer and hard-float conventions). */
static const char *const riscv64_callee_saved[] = {
    "s0",  "s1",  "s2",  "s3",  "s4",   "s5",   "s6",  "s7",  "s8",
    "s9",  "s10", "s11", "fs0", "fs1",  "fs2",  "fs3", "fs4", "fs5",
    "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", NULL};
static const char *const i386_callee_saved[] = {"ebx", "esi", "edi", "ebp",
                                                NULL};
static const char *const arm_callee_saved[] = {"r4", "r5",  "r6",  "r7", "r8",
                                               "r9", "r10", "r11", NULL};
static const char *const ppc64le_callee_saved[] = {
    "r14", "r15", "r16", "r17", "r18", "r19", "r20", "r21", "r22", "r23",
    "r24", "r25", "r26", "r27", "r28", "r29", "r30", "r31", "f14", "f15",
    "f16", "f17", "f18", "f19", "f20", "f21", "f22", "f23", "f24", "f25",
    "f26", "f27", "f28", "f29", "f30", "f31", NULL};
static const char *const s390x_callee_saved[] = {
    "r6", "r7",  "r8",  "r9",  "r10", "r11", "r12", "r13", "f8",
    "f9", "f10", "f11", "f12", "f13", "f14", "f15", NULL};

static const struct obs_arch arches[] = {
    {
        .goarch = "amd64",
        .elf_machine = EM_X86_64,
        .ptrsize = 8,
        .qemu = "qemu-x86_64",
        .pc_reg = "rip",
        .sp_reg = "rsp",
        .tp_reg = "fs_base",
        .ret_reg = NULL, /* call pushes it: the word at SP */
        .bp_kind = 1,    /* int3 */
        .tls_variant = 2,
        .tcb_size = 0,
        .reg_aliases = NULL,
        .native_regs = AMD64_NATIVE,
        .callee_saved = amd64_callee_saved,
    },
    {
        .goarch = "arm64",
        .elf_machine = EM_AARCH64,
        .ptrsize = 8,
        .qemu = "qemu-aarch64",
        .pc_reg = "pc",
        .sp_reg = "sp",
        .tp_reg = "TPIDR_EL0",
        .ret_reg = "x30",
        .bp_kind = 4, /* brk */
        .tls_variant = 1,
        .tcb_size = 16,
        .reg_aliases = arm64_aliases,
        .native_regs = NULL,
        .callee_saved = arm64_callee_saved,
    },
    {
        .goarch = "riscv64",
        .elf_machine = EM_RISCV,
        .ptrsize = 8,
        .qemu = "qemu-riscv64",
        .pc_reg = "pc",
        .sp_reg = "sp",
        .tp_reg = "tp",
        .ret_reg = "ra",
        .bp_kind = 4, /* ebreak (c.ebreak would be 2) */
        .tls_variant = 1,
        .tcb_size = 0,
        .reg_aliases = riscv64_aliases,
        .native_regs = NULL,
        .callee_saved = riscv64_callee_saved,
    },
    {
        .goarch = "386",
        .elf_machine = EM_386,
        .ptrsize = 4,
        .qemu = "qemu-i386",
        .pc_reg = "eip",
        .sp_reg = "esp",
        .tp_reg = "gs_base",
        .ret_reg = NULL, /* call pushes it: the word at SP */
        .bp_kind = 1,    /* int3 */
        .tls_variant = 2,
        .tcb_size = 0,
        .reg_aliases = NULL,
        .native_regs = NULL, /* this kernel runs no i386 program itself */
        .callee_saved = i386_callee_saved,
    },
    {
        .goarch = "arm",
        .elf_machine = EM_ARM,
        .ptrsize = 4,
        .qemu = "qemu-arm",
        .pc_reg = "pc",
        .sp_reg = "sp",
        .tp_reg = "TPIDRURO",
        .ret_reg = "lr",
        .bp_kind = 4, /* an ARM-state breakpoint */
        .thumb_bit = true,
        .tls_variant = 1,
        .tcb_size = 8,
        .reg_aliases = arm_aliases,
        .native_regs = NULL,
        .callee_saved = arm_callee_saved,
    },
    {
        .goarch = "ppc64le",
        .elf_machine = EM_PPC64,
        .ptrsize = 8,
        .qemu = "qemu-ppc64le",
        .pc_reg = "pc",
        .sp_reg = "r1",
        .tp_reg = "r13",
        .ret_reg = "lr",
        .bp_kind = 4, /* trap */
        .tls_variant = 1,
        .tcb_size = 0, /* the TCB lies below the block, which tp is past */
        .tp_bias = 0x7000,
        .elfv2_local_entry = true,
        .reg_aliases = ppc64le_aliases,
        .native_regs = NULL,
        .callee_saved = ppc64le_callee_saved,
    },
    {
        .goarch = "s390x",
        .elf_machine = EM_S390,
        .ptrsize = 8,
        .qemu = "qemu-s390x",
        .pc_reg = "pswa",
        .sp_reg = "r15",
        .tp_reg = "acr0",
        .tp_reg_low = "acr1",
        .ret_reg = "r14",
        .big_endian = true,
        .bp_kind = 2, /* the 2-byte breakpoint gdb uses there */
        .tls_variant = 2,
        .tcb_size = 0,
        .reg_aliases = s390x_aliases,
        .native_regs = NULL,
        .callee_saved = s390x_callee_saved,
    },
};

#define NARCHES (sizeof arches / sizeof arches[0])

uint64_t obs_arch_word(const struct obs_arch *a, const unsigned char *p,
                       size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[a->big_endian ? n - 1 - i : i] << (8 * i);
	return v;
}

uint64_t obs_arch_entry_offset(const struct obs_arch *a, unsigned st_other)
{
	if (!a->elfv2_local_entry)
		return 0;
	/* ELFv2 3.4.1 (Symbol Values): st_other's top three bits v give the
	 * local entry's offset, 0 for v < 2, else 1 << v bytes (v = 3: the
	 * two-instruction TOC set-up). */
	unsigned v = (st_other >> 5) & 7;
	return v < 2 ? 0 : (uint64_t)1 << v;
}

const struct obs_arch *obs_arch_find(const char *goarch)
{
	for (size_t i = 0; goarch && i < NARCHES; i++)
		if (strcmp(arches[i].goarch, goarch) == 0)
			return &arches[i];
	return NULL;
}

const struct obs_arch *obs_arch_by_machine(uint16_t m)
{
	for (size_t i = 0; i < NARCHES; i++)
		if (arches[i].elf_machine == m)
			return &arches[i];
	return NULL;
}

const char *obs_arch_names(void)
{
	static char names[128];
	if (!names[0])
		for (size_t i = 0; i < NARCHES; i++) {
			if (i)
				strncat(names, ", ",
				        sizeof names - strlen(names) - 1);
			strncat(names, arches[i].goarch,
			        sizeof names - strlen(names) - 1);
		}
	return names;
}

const char *obs_arch_reg_name(const struct obs_arch *a, const char *name)
{
	for (size_t i = 0; a->reg_aliases && a->reg_aliases[i][0]; i++)
		if (strcmp(a->reg_aliases[i][0], name) == 0)
			return a->reg_aliases[i][1];
	return name;
}

const char *obs_arch_of_elf(const char *probe, char *err, size_t errcap)
{
	struct elf_info elf;
	const struct obs_arch *a = NULL;
	if (!elf_open(probe, &elf))
		snprintf(err, errcap, "%s", elf.error);
	else if (!(a = obs_arch_by_machine(elf.machine)))
		snprintf(err, errcap, "%s: ELF machine %u is none of %s", probe,
		         elf.machine, obs_arch_names());
	elf_close(&elf);
	return a ? a->goarch : NULL;
}

const char *obs_arch_qemu(const char *goarch)
{
	const struct obs_arch *a = obs_arch_find(goarch);
	return a ? a->qemu : NULL;
}

const char *const *obs_arch_callee_saved(const char *goarch)
{
	const struct obs_arch *a = obs_arch_find(goarch);
	return a ? a->callee_saved : NULL;
}

bool obs_arch_native(const char *goarch)
{
	const struct obs_arch *a = obs_arch_find(goarch);
	return a && a->native_regs;
}
