/* abi: reports the C type layout the target was built with, as facts
 * abi.<type>.size and abi.<type>.align (alignment as a struct member),
 * abi.char.signed and abi.endian (and abi.toc, r2, on ppc64le). The host
 * compares them with its table
 * from the ABI documents (conformance/lib/arches.c): the target's compiler
 * is checked, not trusted. */
#include "rt0.h"
#include <stddef.h>

#define LAYOUT(name, type)                                                     \
	do {                                                                   \
		struct probe {                                                 \
			char c;                                                \
			type x;                                                \
		};                                                             \
		rt0_fact_int("abi." name ".size", (int64_t)sizeof(type));      \
		rt0_fact_int("abi." name ".align",                             \
		             (int64_t)offsetof(struct probe, x));              \
	} while (0)

void main_main(void)
{
	LAYOUT("short", short);
	LAYOUT("int", int);
	LAYOUT("long", long);
	LAYOUT("llong", long long);
	LAYOUT("ptr", void *);
	LAYOUT("size_t", size_t);
	LAYOUT("float", float);
	LAYOUT("double", double);
	LAYOUT("ldouble", long double);
	rt0_fact_int("abi.char.signed", (char)-1 < 0);
	/* The byte order as memory shows it, not as the compiler says. */
	volatile uint32_t word = 0x01020304;
	volatile const uint8_t *first = (volatile const uint8_t *)&word;
	rt0_fact_str("abi.endian", *first == 0x01 ? "big" : "little");
#if defined(__powerpc64__)
	/* The TOC pointer this C code reaches its data through, for the host
	 * to compare with the ELF's .TOC. (ENTRY-TOC-SET). */
	uintptr_t toc;
	__asm__ volatile("mr %0, 2" : "=r"(toc));
	rt0_fact_hex("abi.toc", toc);
#endif
}
