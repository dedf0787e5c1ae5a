/* fuzz_initorder.c: initorder_sort and initorder_message over random
 * package graphs, for both rules.
 *
 * Input layout (missing bytes read as 0):
 *   byte 0  number of packages (mod 65); byte 1 bit 0: package 0 is "main"
 *   then, per package, in two passes (paths first, then imports):
 *     path byte p: with bit 7 set (and not package 0), the same path as
 *       package (p & 127) mod i, a duplicate; otherwise prefix p mod 16
 *       from the table below, then the package's index in decimal, so
 *       paths are unique and sort in ways declaration order does not
 *     import count byte c: c mod 8 imports; bit 7 with no imports: a NULL
 *       import list
 *     per import, byte t: (t & 127) mod (n + 1) is the package imported,
 *       n meaning a path no package declares; bit 7 set: the import path
 *       is a separate copy of the string, not the package's own pointer
 *
 * Properties, against naive models written for clarity:
 * - DUPLICATE, MISSING and CYCLE are reported exactly when the models
 *   find them (in that order of precedence), with the same packages;
 * - GO121: the order is exactly the spec's rule, run literally: n times,
 *   scan the packages sorted by path and take the first uninitialised one
 *   whose imports are all initialised (O(n^2) steps);
 * - GO119: the order is exactly a recursive depth-first walk, imports in
 *   declared order, from main first, then every package in declaration
 *   order;
 * - both: every package comes after each of its imports;
 * - CYCLE: the reported cycle is a real one (each member imports the
 *   next, the last imports the first, no member twice), starting at its
 *   smallest path;
 * - the workspace, the order array and the message buffer are exactly
 *   the sizes the API asks for (ASan reports a write past them), and the
 *   sort allocates nothing;
 * - initorder_message gives the expected text, cut to the buffer's size
 *   and always NUL-terminated. */
#include "fuzz.h"
#include "initorder.h"
#include "rt0.h"

#define MAXN   64
#define MAXIMP 7

static const char *const prefixes[16] = {
    "a", "b",  "c", "alpha", "common", "zeta", "a/b",  "a/",
    "A", "Z/", "z", "\x7f",  "\x80",   "\xff", "main", ""};
static const char missing_path[] = "zz-missing"; /* no prefix makes it */

struct graph {
	size_t n, e;
	char path[MAXN][16];
	const char *imp[MAXN][MAXIMP + 1];
	bool imp_null[MAXN];
	char imp_copy[MAXN][MAXIMP][16];
	size_t tgt[MAXN][MAXIMP]; /* imports resolved (n: missing), by find */
	struct rt0_package pkg[MAXN];
	const struct rt0_package *pkgs[MAXN];
};

/* prefix, then i (< 100) in decimal: at most 6 + 2 + 1 bytes. Not
 * snprintf, whose truncation warning gcc cannot rule out at -O0. */
static void make_path(char *out, const char *prefix, size_t i)
{
	size_t k = strlen(prefix);

	memcpy(out, prefix, k);
	if (i >= 10)
		out[k++] = (char)('0' + i / 10 % 10);
	out[k++] = (char)('0' + i % 10);
	out[k] = 0;
}

static uint8_t byte_at(const uint8_t *data, size_t size, size_t *pos)
{
	return *pos < size ? data[(*pos)++] : 0;
}

static void decode(const uint8_t *data, size_t size, struct graph *g)
{
	size_t pos = 0, n;
	uint8_t flags;

	n = g->n = byte_at(data, size, &pos) % (MAXN + 1);
	flags = byte_at(data, size, &pos);
	g->e = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t p = byte_at(data, size, &pos);

		if (i == 0 && (flags & 1))
			memcpy(g->path[i], "main", 5);
		else if ((p & 128) && i > 0)
			memcpy(g->path[i], g->path[(p & 127) % i],
			       sizeof g->path[i]);
		else
			make_path(g->path[i], prefixes[p % 16], i);
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t c = byte_at(data, size, &pos);
		size_t k = c % (MAXIMP + 1);

		g->imp_null[i] = k == 0 && (c & 128);
		for (size_t j = 0; j < k; j++) {
			uint8_t t = byte_at(data, size, &pos);
			size_t q = (t & 127) % (n + 1);
			const char *path = q == n ? missing_path : g->path[q];

			if (t & 128) {
				memcpy(g->imp_copy[i][j], path,
				       strlen(path) + 1);
				path = g->imp_copy[i][j];
			}
			g->imp[i][j] = path;
		}
		g->imp[i][k] = NULL;
		g->e += k;
	}
	for (size_t i = 0; i < n; i++) {
		g->pkg[i] = (struct rt0_package){
		    .path = g->path[i],
		    .imports = g->imp_null[i] ? NULL : g->imp[i],
		    .inits = NULL};
		g->pkgs[i] = &g->pkg[i];
	}
}

static size_t nimports(const struct graph *g, size_t p)
{
	size_t k = 0;

	while (g->pkg[p].imports != NULL && g->pkg[p].imports[k] != NULL)
		k++;
	return k;
}

/* Byte-wise unsigned comparison, as Go compares strings. Written out
 * rather than strcmp: libFuzzer hooks every strcmp call to learn from its
 * operands, which made this harness ten times slower. */
static int path_cmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x != 0 && *x == *y) {
		x++;
		y++;
	}
	return (*x > *y) - (*x < *y);
}

/* The first package whose path is s, or n. */
static size_t find(const struct graph *g, const char *s)
{
	size_t q = 0;

	while (q < g->n && path_cmp(g->path[q], s) != 0)
		q++;
	return q;
}

/* Resolves every import once, so the models stay O(n^2) per input. */
static void resolve(struct graph *g)
{
	for (size_t p = 0; p < g->n; p++)
		for (size_t j = 0; j < nimports(g, p); j++)
			g->tgt[p][j] = find(g, g->pkg[p].imports[j]);
}

/* True when p has an import path naming package q. */
static bool imports(const struct graph *g, size_t p, size_t q)
{
	for (size_t j = 0; j < nimports(g, p); j++)
		if (g->tgt[p][j] == q)
			return true;
	return false;
}

/* Go 1.21's rule, literally. Returns how many packages it ordered: fewer
 * than n means it got stuck, which happens exactly on a cycle. */
static size_t model_go121(const struct graph *g, uint32_t *order)
{
	size_t sorted[MAXN], k = 0;
	bool done[MAXN] = {false};

	/* Insertion sort by path. */
	for (size_t i = 0; i < g->n; i++) {
		size_t j = i;

		while (j > 0 &&
		       path_cmp(g->path[sorted[j - 1]], g->path[i]) > 0) {
			sorted[j] = sorted[j - 1];
			j--;
		}
		sorted[j] = i;
	}
	for (size_t step = 0; step < g->n; step++) {
		size_t pick = g->n;

		for (size_t r = 0; r < g->n && pick == g->n; r++) {
			size_t p = sorted[r];
			bool ready = !done[p];

			for (size_t j = 0; ready && j < nimports(g, p); j++)
				ready = done[g->tgt[p][j]];
			if (ready)
				pick = p;
		}
		if (pick == g->n)
			break;
		done[pick] = true;
		order[k++] = (uint32_t)pick;
	}
	return k;
}

/* Go 1.19's rule: depth-first, recursively. Returns false on a cycle. */
static bool visit119(const struct graph *g, size_t p, int *state,
                     uint32_t *order, size_t *k)
{
	if (state[p] == 2)
		return true;
	if (state[p] == 1)
		return false;
	state[p] = 1;
	for (size_t j = 0; j < nimports(g, p); j++)
		if (!visit119(g, g->tgt[p][j], state, order, k))
			return false;
	state[p] = 2;
	order[(*k)++] = (uint32_t)p;
	return true;
}

static bool model_go119(const struct graph *g, uint32_t *order)
{
	int state[MAXN] = {0};
	size_t k = 0, main_pkg = find(g, "main");

	if (main_pkg < g->n && !visit119(g, main_pkg, state, order, &k))
		return false;
	for (size_t p = 0; p < g->n; p++)
		if (!visit119(g, p, state, order, &k))
			return false;
	return true;
}

/* The message initorder_message must produce, in full. */
static void expected_message(const struct graph *g, const uint32_t *order,
                             const struct initorder_result *res, char *buf,
                             size_t cap)
{
	size_t len = 0;

	buf[0] = 0;
	switch (res->status) {
	case INITORDER_OK:
		break;
	case INITORDER_DUPLICATE:
		snprintf(buf, cap, "duplicate package: \"%s\"",
		         g->path[res->a]);
		break;
	case INITORDER_MISSING:
		snprintf(buf, cap, "missing package: \"%s\" imported by \"%s\"",
		         res->missing, g->path[res->a]);
		break;
	case INITORDER_CYCLE:
		len = (size_t)snprintf(buf, cap, "import cycle not allowed: ");
		for (uint32_t i = 0; i < res->ncycle; i++)
			len += (size_t)snprintf(buf + len, cap - len, "%s -> ",
			                        g->path[order[i]]);
		snprintf(buf + len, cap - len, "%s", g->path[order[0]]);
		break;
	}
}

static void check_message(const struct graph *g, const uint32_t *order,
                          const struct initorder_result *res, size_t cap)
{
	static char want[MAXN * 24 + 128];
	char *buf = malloc(cap);
	size_t len, wlen;

	FUZZ_CHECK(buf != NULL);
	expected_message(g, order, res, want, sizeof want);
	wlen = strlen(want);
	len = initorder_message(g->pkgs, order, res, buf, cap);
	FUZZ_CHECK(len < cap && buf[len] == 0);
	FUZZ_CHECK(len == (wlen < cap - 1 ? wlen : cap - 1));
	FUZZ_CHECK(memcmp(buf, want, len) == 0);
	free(buf);
}

static void check_rule(const struct graph *g, enum initorder_rule rule,
                       uint8_t cap_byte)
{
	size_t n = g->n, words = initorder_workspace(n, g->e);
	uint32_t *work = malloc(words * sizeof *work);
	uint32_t *order = malloc(n * sizeof *order);
	uint32_t want[MAXN];
	struct initorder_result res;
	size_t dup_a = n, dup_b = n, miss_p = n, miss_j = 0, pos[MAXN];
	bool cyclic;

	FUZZ_CHECK(work != NULL && order != NULL);
	fuzz_noalloc_begin();
	initorder_sort(g->pkgs, n, rule, order, work, &res);
	FUZZ_CHECK(fuzz_noalloc_end() == 0);

	/* Duplicates: the earliest-declared second occurrence, with the
	 * first declaration of its path. */
	for (size_t b = 0; b < n && dup_b == n; b++)
		for (size_t a = 0; a < b && dup_b == n; a++)
			if (path_cmp(g->path[a], g->path[b]) == 0) {
				dup_a = a;
				dup_b = b;
			}
	if (dup_b < n) {
		FUZZ_CHECK(res.status == INITORDER_DUPLICATE);
		FUZZ_CHECK(res.a == dup_a && res.b == dup_b);
		goto message;
	}
	/* Missing: the first import, in declaration order, of a path no
	 * package declares. */
	for (size_t p = 0; p < n && miss_p == n; p++)
		for (size_t j = 0; j < nimports(g, p) && miss_p == n; j++)
			if (g->tgt[p][j] == n) {
				miss_p = p;
				miss_j = j;
			}
	if (miss_p < n) {
		FUZZ_CHECK(res.status == INITORDER_MISSING);
		FUZZ_CHECK(res.a == miss_p && res.b == miss_j);
		FUZZ_CHECK(res.missing == g->pkg[miss_p].imports[miss_j]);
		goto message;
	}

	cyclic = model_go121(g, want) < n;
	if (cyclic) {
		uint32_t m = res.ncycle;

		FUZZ_CHECK(res.status == INITORDER_CYCLE);
		FUZZ_CHECK(m >= 1 && m <= n);
		for (uint32_t i = 0; i < m; i++) {
			FUZZ_CHECK(order[i] < n);
			FUZZ_CHECK(imports(g, order[i], order[(i + 1) % m]));
			for (uint32_t j = 0; j < i; j++)
				FUZZ_CHECK(order[j] != order[i]);
			FUZZ_CHECK(path_cmp(g->path[order[0]],
			                    g->path[order[i]]) <= 0);
		}
		goto message;
	}

	FUZZ_CHECK(res.status == INITORDER_OK);
	if (rule == INITORDER_GO119)
		FUZZ_CHECK(model_go119(g, want));
	for (size_t i = 0; i < n; i++)
		pos[i] = n;
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(order[i] < n && pos[order[i]] == n);
		pos[order[i]] = i;
	}
	for (size_t p = 0; p < n; p++)
		for (size_t j = 0; j < nimports(g, p); j++)
			FUZZ_CHECK(pos[g->tgt[p][j]] < pos[p]);
	FUZZ_CHECK(memcmp(order, want, n * sizeof *order) == 0);

message:
	/* A small buffer (cut text) and one of exactly the right size. */
	check_message(g, order, &res, 1 + cap_byte % 48);
	{
		static char full[MAXN * 24 + 128];

		expected_message(g, order, &res, full, sizeof full);
		check_message(g, order, &res, strlen(full) + 1);
	}
	free(work);
	free(order);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct graph g;
	uint8_t cap_byte = size > 0 ? data[size - 1] : 0;

	decode(data, size, &g);
	resolve(&g);
	check_rule(&g, INITORDER_GO121, cap_byte);
	check_rule(&g, INITORDER_GO119, cap_byte);
	return 0;
}
