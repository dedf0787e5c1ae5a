/* initorder.h: package initialisation order as a pure function, shared by
 * the runtime, the unit tests and the fuzzers. No libc, no allocation: the
 * caller provides the workspace. */
#ifndef RT0_INITORDER_H
#define RT0_INITORDER_H

#include <stddef.h>
#include <stdint.h>

struct rt0_package;

/* Which Go release's rule to apply. GO121 is the current specification:
 * "Given the list of all packages, sorted by import path, in each step the
 * first uninitialized package in the list for which all imports (if any)
 * are already initialized is initialized." GO119 is the older depth-first
 * walk: starting from package "main" (or, when there is none, from each
 * package in declaration order), each import in the order it is declared
 * is initialised before the importing package. */
enum initorder_rule { INITORDER_GO121, INITORDER_GO119 };

enum initorder_status {
	INITORDER_OK,
	INITORDER_DUPLICATE, /* two packages share a path: a = b = that path */
	INITORDER_MISSING,   /* a imports b, and no package b is declared */
	INITORDER_CYCLE,     /* cycle[0..ncycle) is an import cycle */
};

struct initorder_result {
	enum initorder_status status;
	uint32_t a, b; /* package indices for DUPLICATE; importer for MISSING */
	const char *missing; /* the missing import path, for MISSING */
	uint32_t ncycle;     /* CYCLE: cycle[i] imports cycle[(i+1) % ncycle] */
};

/* Words of workspace initorder_sort needs for n packages with e imports in
 * all (each word a uint32_t). */
size_t initorder_workspace(size_t n, size_t e);

/* Orders pkgs[0..n). On success order[0..n) holds package indices in init
 * order. On CYCLE, order[0..ncycle) holds the cycle instead. Never reads
 * outside pkgs, the strings they point to, and work[0..initorder_workspace). */
void initorder_sort(const struct rt0_package *const *pkgs, size_t n,
                    enum initorder_rule rule, uint32_t *order, uint32_t *work,
                    struct initorder_result *res);

/* Writes the error as Go-style text ("import cycle not allowed: a -> b -> a",
 * ...) into buf (always NUL-terminated); returns the length written. */
size_t initorder_message(const struct rt0_package *const *pkgs,
                         const uint32_t *order,
                         const struct initorder_result *res, char *buf,
                         size_t cap);

#endif
