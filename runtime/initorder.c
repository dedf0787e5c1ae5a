/* initorder.c: package initialisation order (see initorder.h).
 *
 * Freestanding: no libc, no globals, no allocation, no recursion (the
 * runtime calls this on a small stack). Every array lives in the caller's
 * workspace, laid out as follows (n packages, e import entries):
 *
 *   [0, 2n)          merge-sort buffers; afterwards byrank[n] (package
 *                    index by path rank) and rank[n] (the inverse)
 *   [2n, 3n+1)       off[n+1]: package i's imports are tgt[off[i]..off[i+1])
 *   [3n+1, 3n+1+e)   tgt[e]: resolved imports, as package indices
 *   then, first      a hash table of paths, table_size(n) < 4n words, for
 *                    resolving imports (a binary search costs a cache miss
 *                    per step: ten times slower at 50000 packages)
 *   and then, GO121  roff[n+1], rsrc[e] (importers of each package),
 *                    rem[n] (imports not yet initialised), heap[n]
 *   or, GO119        state[n], cursor[n], stack[n]
 *
 * Why a min-heap of path ranks gives exactly Go 1.21's order: the heap
 * always holds exactly the uninitialised packages whose imports are all
 * initialised (a package enters when its last import is initialised and
 * leaves when it is itself initialised), so popping the smallest rank picks
 * the first such package in path order, which is the rule's step. */
#include "initorder.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rt0.h"

#define NONE UINT32_MAX

/* Through a volatile pointer, so compilers cannot turn the loop into a
 * memset call, which internal link mode does not have. */
static void zero(uint32_t *v, size_t n)
{
	volatile uint32_t *p = v;

	for (size_t i = 0; i < n; i++)
		p[i] = 0;
}

enum { WHITE = 0, GREY, BLACK }; /* GO119 walk states; zero() gives WHITE */

/* The hash table's size: a power of two at least 2n, so probes are short. */
static size_t table_size(size_t n)
{
	size_t m = 1;

	while (m < 2 * n)
		m *= 2;
	return m;
}

size_t initorder_workspace(size_t n, size_t e)
{
	size_t base, m;

	/* Indices are uint32_t with NONE reserved; saturate rather than wrap
	 * so an impossible request can never be satisfied by accident. */
	if (n >= NONE || e >= NONE || n > SIZE_MAX / 16 || e > SIZE_MAX / 4)
		return SIZE_MAX;
	base = 3 * n + 1 + e;
	m = table_size(n);
	return base + (m > base ? m : base);
}

/* Byte-wise, unsigned, like Go's string comparison. */
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

/* Stable bottom-up merge sort of package indices by path, ping-ponging
 * between a and b; returns whichever buffer holds the result, so nothing is
 * copied back (a copy loop could also turn into a memcpy call). */
static uint32_t *sort_by_path(const struct rt0_package *const *pkgs, size_t n,
                              uint32_t *a, uint32_t *b)
{
	uint32_t *src = a, *dst = b, *t;

	for (size_t i = 0; i < n; i++)
		a[i] = (uint32_t)i;
	/* 2 * w cannot overflow: w < n <= SIZE_MAX / 16 (the workspace). */
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = n - lo > w ? lo + w : n;
			size_t hi = n - lo > 2 * w ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi) {
				/* <= keeps equal paths in declaration order. */
				if (path_cmp(pkgs[src[i]]->path,
				             pkgs[src[j]]->path) <= 0)
					dst[k++] = src[i++];
				else
					dst[k++] = src[j++];
			}
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		t = src;
		src = dst;
		dst = t;
	}
	return src;
}

/* FNV-1a: simple, and good enough for import paths. */
static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)s; *p != 0; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

/* table[0..m) holds package index + 1, or 0 for an empty slot. */
static void table_fill(const struct rt0_package *const *pkgs, size_t n,
                       uint32_t *table, size_t m)
{
	zero(table, m);
	for (size_t p = 0; p < n; p++) {
		size_t h = hash(pkgs[p]->path) & (m - 1);

		while (table[h] != 0)
			h = (h + 1) & (m - 1);
		table[h] = (uint32_t)p + 1;
	}
}

/* The package declaring path s, or NONE. */
static uint32_t lookup(const struct rt0_package *const *pkgs,
                       const uint32_t *table, size_t m, const char *s)
{
	for (size_t h = hash(s) & (m - 1); table[h] != 0;
	     h = (h + 1) & (m - 1)) {
		const char *path = pkgs[table[h] - 1]->path;

		/* Equal pointers are common: linkers merge string literals. */
		if (path == s || path_cmp(path, s) == 0)
			return table[h] - 1;
	}
	return NONE;
}

static void reverse(uint32_t *v, size_t lo, size_t hi)
{
	while (lo + 1 < hi) {
		uint32_t t = v[lo];

		v[lo++] = v[--hi];
		v[hi] = t;
	}
}

/* Rotates cycle[0..m) to start at its smallest path, so a cycle reads the
 * same whichever member it was found from. */
static void rotate_cycle(uint32_t *cycle, size_t m, const uint32_t *rank)
{
	size_t best = 0;

	for (size_t i = 1; i < m; i++)
		if (rank[cycle[i]] < rank[cycle[best]])
			best = i;
	reverse(cycle, 0, best);
	reverse(cycle, best, m);
	reverse(cycle, 0, m);
}

static void heap_push(uint32_t *heap, size_t *len, uint32_t r)
{
	size_t i = (*len)++;

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (heap[parent] <= r)
			break;
		heap[i] = heap[parent];
		i = parent;
	}
	heap[i] = r;
}

static uint32_t heap_pop(uint32_t *heap, size_t *len)
{
	uint32_t top = heap[0], last = heap[--*len];
	size_t i = 0, n = *len;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && heap[c + 1] < heap[c])
			c++;
		if (last <= heap[c])
			break;
		heap[i] = heap[c];
		i = c;
	}
	if (n > 0)
		heap[i] = last;
	return top;
}

/* Go 1.21: Kahn's algorithm, always taking the smallest ready path rank. */
static void order_go121(size_t n, const uint32_t *byrank, const uint32_t *rank,
                        const uint32_t *off, const uint32_t *tgt,
                        uint32_t *rest, uint32_t *order,
                        struct initorder_result *res)
{
	size_t e = off[n];
	uint32_t *roff = rest, *rsrc = roff + n + 1, *rem = rsrc + e;
	uint32_t *heap = rem + n;
	size_t len = 0, k = 0;

	/* Importer lists: count into roff as block ends, then fill backwards
	 * so roff[q] ends as the start of q's block. Duplicate import entries
	 * appear twice here and are counted twice in rem: consistent. */
	zero(roff, n + 1);
	for (size_t i = 0; i < e; i++)
		roff[tgt[i]]++;
	for (size_t q = 1; q <= n; q++)
		roff[q] += roff[q - 1];
	for (size_t p = n; p-- > 0;) {
		rem[p] = off[p + 1] - off[p];
		for (uint32_t i = off[p + 1]; i-- > off[p];)
			rsrc[--roff[tgt[i]]] = (uint32_t)p;
	}

	/* Ready packages in ascending rank already form a valid heap. */
	for (size_t r = 0; r < n; r++)
		if (rem[byrank[r]] == 0)
			heap[len++] = (uint32_t)r;

	while (len > 0) {
		uint32_t p = byrank[heap_pop(heap, &len)];

		order[k++] = p;
		for (uint32_t i = roff[p]; i < roff[p + 1]; i++)
			if (--rem[rsrc[i]] == 0)
				heap_push(heap, &len, rank[rsrc[i]]);
	}
	if (k == n)
		return;

	/* Stalled: every package left has rem > 0, so at least one import
	 * that is also left. Following the first such import from any of
	 * them must revisit a package, closing a cycle. heap is empty now
	 * and marks the walk (position + 1; 0 = not on the walk). */
	uint32_t *mark = heap, p = NONE;
	size_t pos = 0, from, m;

	zero(mark, n);
	for (size_t r = 0; r < n && p == NONE; r++)
		if (rem[byrank[r]] != 0)
			p = byrank[r];
	while (mark[p] == 0) {
		uint32_t i = off[p];

		mark[p] = (uint32_t)++pos;
		order[pos - 1] = p;
		while (rem[tgt[i]] == 0)
			i++;
		p = tgt[i];
	}
	/* p is the first package met twice: order[mark[p]-1 .. pos) is the
	 * cycle. Move it to the front. */
	from = mark[p] - 1;
	m = pos - from;
	for (size_t j = 0; j < m; j++)
		order[j] = order[from + j];
	rotate_cycle(order, m, rank);
	res->status = INITORDER_CYCLE;
	res->ncycle = (uint32_t)m;
}

/* Go 1.19: depth-first, imports in declared order, from main first. Every
 * declared package takes part (rt0.h), so the remaining roots follow in
 * declaration order. The explicit stack replaces recursion. */
static void order_go119(size_t n, uint32_t main_pkg, const uint32_t *rank,
                        const uint32_t *off, const uint32_t *tgt,
                        uint32_t *rest, uint32_t *order,
                        struct initorder_result *res)
{
	uint32_t *state = rest, *cursor = state + n, *stack = cursor + n;
	size_t k = 0;

	zero(state, n); /* all WHITE */
	for (size_t ri = 0; ri <= n; ri++) {
		/* Root 0 is main, roots 1..n are the packages in order. */
		uint32_t root = ri == 0 ? main_pkg : (uint32_t)(ri - 1);
		size_t sp = 0;

		if (root == NONE || state[root] != WHITE)
			continue;
		state[root] = GREY;
		cursor[root] = off[root];
		stack[sp++] = root;
		while (sp > 0) {
			uint32_t p = stack[sp - 1];

			if (cursor[p] == off[p + 1]) {
				state[p] = BLACK;
				order[k++] = p;
				sp--;
				continue;
			}
			uint32_t q = tgt[cursor[p]++];

			if (state[q] == WHITE) {
				state[q] = GREY;
				cursor[q] = off[q];
				stack[sp++] = q;
			} else if (state[q] == GREY) {
				/* q is on the stack: q .. p is the cycle. */
				size_t from = sp - 1, m;

				while (stack[from] != q)
					from--;
				m = sp - from;
				for (size_t j = 0; j < m; j++)
					order[j] = stack[from + j];
				rotate_cycle(order, m, rank);
				res->status = INITORDER_CYCLE;
				res->ncycle = (uint32_t)m;
				return;
			}
		}
	}
}

void initorder_sort(const struct rt0_package *const *pkgs, size_t n,
                    enum initorder_rule rule, uint32_t *order, uint32_t *work,
                    struct initorder_result *res)
{
	uint32_t *byrank, *rank, *off, *tgt, *table;
	uint32_t dup_a = NONE, dup_b = NONE, first = 0;
	size_t k = 0, m;

	res->status = INITORDER_OK;
	res->a = res->b = 0;
	res->missing = NULL;
	res->ncycle = 0;
	if (n == 0)
		return;

	byrank = sort_by_path(pkgs, n, work, work + n);
	rank = byrank == work ? work + n : work;

	/* Duplicates: the sort is stable, so each run of equal paths is in
	 * declaration order. Report the earliest-declared second occurrence,
	 * paired with the first declaration of that path. */
	for (size_t r = 0; r < n; r++) {
		uint32_t p = byrank[r];

		rank[p] = (uint32_t)r;
		if (r == 0 ||
		    path_cmp(pkgs[byrank[r - 1]]->path, pkgs[p]->path) != 0)
			first = p;
		else if (p < dup_b) {
			dup_a = first;
			dup_b = p;
		}
	}
	if (dup_b != NONE) {
		res->status = INITORDER_DUPLICATE;
		res->a = dup_a;
		res->b = dup_b;
		return;
	}

	/* Resolve imports in declaration order, so the first missing one
	 * found is the one to report. b is its position in the list. */
	off = work + 2 * n;
	tgt = off + n + 1;
	for (size_t p = 0; p < n; p++)
		for (size_t j = 0; pkgs[p]->imports && pkgs[p]->imports[j]; j++)
			k++;
	table = tgt + k;
	m = table_size(n);
	table_fill(pkgs, n, table, m);
	k = 0;
	for (size_t p = 0; p < n; p++) {
		const char *const *imps = pkgs[p]->imports;

		off[p] = (uint32_t)k;
		for (size_t j = 0; imps != NULL && imps[j] != NULL; j++) {
			uint32_t q = lookup(pkgs, table, m, imps[j]);

			if (q == NONE) {
				res->status = INITORDER_MISSING;
				res->a = (uint32_t)p;
				res->b = (uint32_t)j;
				res->missing = imps[j];
				return;
			}
			tgt[k++] = q;
		}
	}
	off[n] = (uint32_t)k;

	/* The table is dead after this: its words are reused below. */
	if (rule == INITORDER_GO119)
		order_go119(n, lookup(pkgs, table, m, "main"), rank, off, tgt,
		            tgt + k, order, res);
	else
		order_go121(n, byrank, rank, off, tgt, tgt + k, order, res);
}

/* Bounded output: keeps room for the NUL, drops what does not fit. */
struct out {
	char *buf;
	size_t cap, len;
};

static void put(struct out *o, const char *s)
{
	for (; *s != 0 && o->len + 1 < o->cap; s++)
		o->buf[o->len++] = *s;
}

static void put_quoted(struct out *o, const char *s)
{
	put(o, "\"");
	put(o, s);
	put(o, "\"");
}

size_t initorder_message(const struct rt0_package *const *pkgs,
                         const uint32_t *order,
                         const struct initorder_result *res, char *buf,
                         size_t cap)
{
	struct out o = {buf, cap, 0};

	if (cap == 0)
		return 0;
	switch (res->status) {
	case INITORDER_OK:
		break;
	case INITORDER_DUPLICATE:
		put(&o, "duplicate package: ");
		put_quoted(&o, pkgs[res->a]->path);
		break;
	case INITORDER_MISSING:
		put(&o, "missing package: ");
		put_quoted(&o, res->missing);
		put(&o, " imported by ");
		put_quoted(&o, pkgs[res->a]->path);
		break;
	case INITORDER_CYCLE:
		put(&o, "import cycle not allowed: ");
		for (uint32_t i = 0; i < res->ncycle; i++) {
			put(&o, pkgs[order[i]]->path);
			put(&o, " -> ");
		}
		if (res->ncycle > 0)
			put(&o, pkgs[order[0]]->path);
		break;
	}
	buf[o.len] = 0;
	return o.len;
}
