/* unit_initorder.c: in-process tests of runtime/initorder.c, the package
 * initialisation order (docs/go-facts.md, section H).
 *
 * Each test is named after its invariant, INITORDER-SORT-* in
 * conformance/invariants.toml; an invariant with several cases runs them
 * one after another in its one test.
 *
 * Every sort goes through sort_ptrs(), which surrounds the workspace and
 * the order array with canaries and poisons the workspace, so each test
 * also checks that initorder_sort stays inside what it asked for. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "initorder.h"
#include "rt0.h"

#define CANARY 0xC0FFEE11u
#define POISON 0xA5A5A5A5u

#define LEAF(p)                                                                \
	{                                                                      \
		p, RT0_NO_IMPORTS, RT0_NO_INITS                                \
	}
#define PKG(p, ...)                                                            \
	{                                                                      \
		p, RT0_IMPORTS(__VA_ARGS__), RT0_NO_INITS                      \
	}
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static size_t count_imports(const struct rt0_package *const *pp, size_t n)
{
	size_t e = 0;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; pp[i]->imports && pp[i]->imports[j]; j++)
			e++;
	return e;
}

/* order must have room for n + 1 words; the last is a canary. */
static struct initorder_result sort_ptrs(const struct rt0_package *const *pp,
                                         size_t n, enum initorder_rule rule,
                                         uint32_t *order)
{
	struct initorder_result res;
	size_t w = initorder_workspace(n, count_imports(pp, n));
	uint32_t *work;

	cr_assert_neq(w, SIZE_MAX);
	work = malloc((w + 1) * sizeof *work);
	cr_assert_not_null(work);
	for (size_t i = 0; i < w; i++)
		work[i] = POISON;
	work[w] = CANARY;
	order[n] = CANARY;
	memset(&res, 0x5a, sizeof res);
	initorder_sort(pp, n, rule, order, work, &res);
	cr_assert_eq(work[w], CANARY, "workspace overrun");
	cr_assert_eq(order[n], CANARY, "order overrun");
	free(work);
	return res;
}

/* Same, for packages in an array; builds the array of pointers. */
static struct initorder_result sort_pkgs(const struct rt0_package *p, size_t n,
                                         enum initorder_rule rule,
                                         uint32_t *order)
{
	const struct rt0_package **pp = malloc((n + 1) * sizeof *pp);
	struct initorder_result res;

	for (size_t i = 0; i < n; i++)
		pp[i] = &p[i];
	res = sort_ptrs(pp, n, rule, order);
	free(pp);
	return res;
}

static const char *paths(const struct rt0_package *p, const uint32_t *order,
                         size_t n)
{
	static char buf[4096];
	size_t len = 0;

	buf[0] = 0;
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s",
		                        i ? " " : "", p[order[i]].path);
	return buf;
}

/* Index of the package called path, by linear search (test side). */
static size_t index_of(const struct rt0_package *p, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(p[i].path, path) == 0)
			return i;
	cr_assert_fail("no package %s", path);
	return 0;
}

/* order is a permutation and every package comes after all its imports. */
static void check_valid(const struct rt0_package *p, size_t n,
                        const uint32_t *order)
{
	size_t *pos = malloc((n + 1) * sizeof *pos);

	for (size_t i = 0; i < n; i++)
		pos[i] = SIZE_MAX;
	for (size_t i = 0; i < n; i++) {
		cr_assert_lt(order[i], n);
		cr_assert_eq(pos[order[i]], SIZE_MAX, "%s twice",
		             p[order[i]].path);
		pos[order[i]] = i;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; p[i].imports[j]; j++) {
			size_t q = index_of(p, n, p[i].imports[j]);

			cr_assert_lt(pos[q], pos[i], "%s before its import %s",
			             p[i].path, p[q].path);
		}
	free(pos);
}

static bool imports(const struct rt0_package *a, const char *path)
{
	for (size_t j = 0; a->imports[j]; j++)
		if (strcmp(a->imports[j], path) == 0)
			return true;
	return false;
}

/* cycle[0..nc) are distinct and each imports the next, the last the first. */
static void check_cycle(const struct rt0_package *p, const uint32_t *cycle,
                        size_t nc)
{
	cr_assert_gt(nc, 0);
	for (size_t i = 0; i < nc; i++) {
		for (size_t j = 0; j < i; j++)
			cr_assert_neq(cycle[i], cycle[j]);
		cr_assert(imports(&p[cycle[i]], p[cycle[(i + 1) % nc]].path),
		          "%s does not import %s", p[cycle[i]].path,
		          p[cycle[(i + 1) % nc]].path);
	}
}

static void expect_order(const struct rt0_package *p, size_t n,
                         enum initorder_rule rule, const char *want)
{
	uint32_t *order = malloc((n + 1) * sizeof *order);
	struct initorder_result res = sort_pkgs(p, n, rule, order);

	cr_assert_eq(res.status, INITORDER_OK);
	check_valid(p, n, order);
	cr_assert_str_eq(paths(p, order, n), want, "rule %d", (int)rule);
	free(order);
}

static const char *message(const struct rt0_package *p, size_t n,
                           enum initorder_rule rule, enum initorder_status want)
{
	static char buf[1024];
	const struct rt0_package **pp = malloc((n + 1) * sizeof *pp);
	uint32_t *order = malloc((n + 1) * sizeof *order);
	struct initorder_result res;
	size_t len;

	for (size_t i = 0; i < n; i++)
		pp[i] = &p[i];
	res = sort_ptrs(pp, n, rule, order);
	cr_assert_eq(res.status, want);
	if (want == INITORDER_CYCLE)
		check_cycle(p, order, res.ncycle);
	len = initorder_message(pp, order, &res, buf, sizeof buf);
	cr_assert_eq(len, strlen(buf));
	free(order);
	free(pp);
	return buf;
}

/* The example in the facts file, measured on Go 1.19. */
#define DIAMOND                                                                \
	{                                                                      \
		PKG("main", "zeta", "alpha"), PKG("alpha", "common"),          \
		    PKG("zeta", "common"), LEAF("common"),                     \
	}

Test(initorder, initorder_sort_go121_diamond)
{
	const struct rt0_package p[] = DIAMOND;
	size_t n = COUNT(p);

	expect_order(p, n, INITORDER_GO121, "common alpha zeta main");
}

static void diamond_go119(void)
{
	const struct rt0_package p[] = DIAMOND;
	size_t n = COUNT(p);

	expect_order(p, n, INITORDER_GO119, "common zeta alpha main");
}

static void diamond_rules_differ(void)
{
	const struct rt0_package p[] = DIAMOND;
	size_t n = COUNT(p);
	uint32_t a[5], b[5];

	cr_assert_eq(sort_pkgs(p, n, INITORDER_GO121, a).status, INITORDER_OK);
	cr_assert_eq(sort_pkgs(p, n, INITORDER_GO119, b).status, INITORDER_OK);
	cr_assert_neq(memcmp(a, b, n * sizeof a[0]), 0);
}

Test(initorder, initorder_sort_go121_ties)
{
	const struct rt0_package p[] = {
	    PKG("main", "m", "c", "x", "a"),
	    LEAF("x"),
	    LEAF("m"),
	    LEAF("a"),
	    LEAF("c"),
	};

	/* "main" sorts before "x", but waits for it. */
	expect_order(p, COUNT(p), INITORDER_GO121, "a c m x main");
}

Test(initorder, initorder_sort_go119_ties)
{
	const struct rt0_package p[] = {
	    PKG("main", "m", "c", "x", "a"),
	    LEAF("x"),
	    LEAF("m"),
	    LEAF("a"),
	    LEAF("c"),
	};

	expect_order(p, COUNT(p), INITORDER_GO119, "m c x a main");
}

static void go119_without_main_uses_declaration_order(void)
{
	const struct rt0_package p[] = {
	    PKG("q", "b"),
	    LEAF("z"),
	    LEAF("b"),
	    PKG("a", "z"),
	};

	expect_order(p, COUNT(p), INITORDER_GO119, "b q z a");
	expect_order(p, COUNT(p), INITORDER_GO121, "b q z a");
}

static void go119_main_first_then_unreachable_in_declaration_order(void)
{
	const struct rt0_package p[] = {
	    LEAF("u1"),  PKG("u2", "u1"),    PKG("lib", "dep"),
	    LEAF("dep"), PKG("main", "lib"),
	};

	expect_order(p, COUNT(p), INITORDER_GO119, "dep lib main u1 u2");
	expect_order(p, COUNT(p), INITORDER_GO121, "dep lib main u1 u2");
}

Test(initorder, initorder_sort_bytewise_paths)
{
	/* Unsigned bytes: "\xc3\xa9" (é) after "z"; '.' < '/' < letters;
	 * a prefix sorts first. */
	const struct rt0_package p[] = {
	    LEAF("z"),   LEAF("\xc3\xa9"), LEAF("ab"), LEAF("a/b"),
	    LEAF("a.b"), LEAF("a"),        LEAF("B"),
	};

	expect_order(p, COUNT(p), INITORDER_GO121, "B a a.b a/b ab z \xc3\xa9");
}

static void chain(void)
{
	const struct rt0_package p[] = {
	    PKG("a", "b"), PKG("b", "c"),    PKG("c", "d"),
	    LEAF("d"),     PKG("main", "a"),
	};

	expect_order(p, COUNT(p), INITORDER_GO121, "d c b a main");
	expect_order(p, COUNT(p), INITORDER_GO119, "d c b a main");
}

static void single_package_without_imports(void)
{
	const struct rt0_package p[] = {LEAF("main")};

	expect_order(p, 1, INITORDER_GO121, "main");
	expect_order(p, 1, INITORDER_GO119, "main");
}

static void null_import_list_means_none(void)
{
	const struct rt0_package p[] = {
	    {"main", RT0_IMPORTS("b"), RT0_NO_INITS},
	    {"b", NULL, NULL},
	};
	const struct rt0_package *pp[] = {&p[0], &p[1]};
	uint32_t order[3];

	cr_assert_eq(sort_ptrs(pp, 2, INITORDER_GO121, order).status,
	             INITORDER_OK);
	cr_assert_eq(order[0], 1);
	cr_assert_eq(order[1], 0);
}

static void duplicate_import_entries(void)
{
	const struct rt0_package p[] = {
	    PKG("main", "b", "a", "b", "a"),
	    PKG("b", "a", "a"),
	    LEAF("a"),
	};

	expect_order(p, COUNT(p), INITORDER_GO121, "a b main");
	expect_order(p, COUNT(p), INITORDER_GO119, "a b main");
}

static void empty_input(void)
{
	uint32_t order[1];
	struct initorder_result res;
	char buf[8] = "junk";

	res = sort_ptrs(NULL, 0, INITORDER_GO121, order);
	cr_assert_eq(res.status, INITORDER_OK);
	res = sort_ptrs(NULL, 0, INITORDER_GO119, order);
	cr_assert_eq(res.status, INITORDER_OK);
	cr_assert_eq(initorder_message(NULL, order, &res, buf, sizeof buf), 0);
	cr_assert_str_eq(buf, "");
}

static void self_import_is_cycle_of_one(void)
{
	const struct rt0_package p[] = {PKG("main", "a"), PKG("a", "a")};

	cr_assert_str_eq(message(p, 2, INITORDER_GO121, INITORDER_CYCLE),
	                 "import cycle not allowed: a -> a");
	cr_assert_str_eq(message(p, 2, INITORDER_GO119, INITORDER_CYCLE),
	                 "import cycle not allowed: a -> a");
}

static void three_cycle_message(void)
{
	const struct rt0_package p[] = {
	    PKG("main", "x"), PKG("c", "a"), PKG("x", "b"),
	    PKG("a", "b"),    PKG("b", "c"),
	};

	cr_assert_str_eq(message(p, COUNT(p), INITORDER_GO121, INITORDER_CYCLE),
	                 "import cycle not allowed: a -> b -> c -> a");
	cr_assert_str_eq(message(p, COUNT(p), INITORDER_GO119, INITORDER_CYCLE),
	                 "import cycle not allowed: a -> b -> c -> a");
}

static void cycle_reached_through_a_tail(void)
{
	/* GO121's walk starts at "a", which is stuck but not on the cycle. */
	const struct rt0_package p[] = {
	    PKG("a", "k", "m"), LEAF("k"),     PKG("m", "n"),
	    PKG("n", "o"),      PKG("o", "m"), PKG("main", "a"),
	};

	cr_assert_str_eq(message(p, COUNT(p), INITORDER_GO121, INITORDER_CYCLE),
	                 "import cycle not allowed: m -> n -> o -> m");
	cr_assert_str_eq(message(p, COUNT(p), INITORDER_GO119, INITORDER_CYCLE),
	                 "import cycle not allowed: m -> n -> o -> m");
}

Test(initorder, initorder_sort_missing)
{
	const struct rt0_package p[] = {
	    PKG("lib", "fmt", "os", "net"), /* first importer, first miss */
	    LEAF("fmt"), PKG("main", "lib", "zzz"),
	    PKG("cyc", "cyc"), /* a cycle too, reported only after this */
	};
	const struct rt0_package *pp[] = {&p[0], &p[1], &p[2], &p[3]};
	uint32_t order[5];
	struct initorder_result res;

	cr_assert_str_eq(
	    message(p, COUNT(p), INITORDER_GO121, INITORDER_MISSING),
	    "missing package: \"os\" imported by \"lib\"");
	res = sort_ptrs(pp, 4, INITORDER_GO119, order);
	cr_assert_eq(res.status, INITORDER_MISSING);
	cr_assert_eq(res.a, 0);
	cr_assert_str_eq(res.missing, "os");
}

Test(initorder, initorder_sort_duplicate)
{
	const struct rt0_package p[] = {
	    LEAF("os"),  LEAF("fmt"), PKG("main", "nowhere"),
	    LEAF("fmt"), LEAF("os"),  LEAF("fmt"),
	};
	const struct rt0_package *pp[COUNT(p)];
	uint32_t order[COUNT(p) + 1];
	struct initorder_result res;

	for (size_t i = 0; i < COUNT(p); i++)
		pp[i] = &p[i];
	/* Duplicates are reported before the missing import. */
	cr_assert_str_eq(
	    message(p, COUNT(p), INITORDER_GO121, INITORDER_DUPLICATE),
	    "duplicate package: \"fmt\"");
	res = sort_ptrs(pp, COUNT(p), INITORDER_GO119, order);
	cr_assert_eq(res.status, INITORDER_DUPLICATE);
	cr_assert_eq(res.a, 1); /* first "fmt" */
	cr_assert_eq(res.b, 3); /* the earliest repeat of any path */
}

Test(initorder, initorder_sort_message_bounded)
{
	const struct rt0_package p[] = {PKG("main", "a"), PKG("a", "main")};
	const struct rt0_package *pp[] = {&p[0], &p[1]};
	const char *full = "import cycle not allowed: a -> main -> a";
	uint32_t order[3];
	struct initorder_result res = sort_ptrs(pp, 2, INITORDER_GO121, order);
	char buf[64];

	cr_assert_eq(res.status, INITORDER_CYCLE);
	cr_assert_eq(res.ncycle, 2);
	for (size_t cap = 1; cap < sizeof buf; cap++) {
		size_t want = strlen(full) < cap - 1 ? strlen(full) : cap - 1;

		memset(buf, 'X', sizeof buf);
		cr_assert_eq(initorder_message(pp, order, &res, buf, cap),
		             want);
		cr_assert_eq(buf[want], 0);
		cr_assert_eq(strncmp(buf, full, want), 0);
		for (size_t i = cap; i < sizeof buf; i++)
			cr_assert_eq(buf[i], 'X', "wrote past cap %zu", cap);
	}
	buf[0] = 'X';
	cr_assert_eq(initorder_message(pp, order, &res, buf, 0), 0);
	cr_assert_eq(buf[0], 'X');
}

static void workspace_guard(void)
{
	const struct rt0_package p[] = {
	    PKG("main", "b", "c"), PKG("b", "d"), PKG("c", "d", "d"), LEAF("d"),
	    PKG("e", "e"),
	};
	const struct rt0_package *pp[COUNT(p)];
	size_t e, w;

	for (size_t i = 0; i < COUNT(p); i++)
		pp[i] = &p[i];
	e = count_imports(pp, COUNT(p));
	w = initorder_workspace(COUNT(p), e);
	cr_assert_lt(w, 1000);
	cr_assert_geq(initorder_workspace(COUNT(p) + 1, e), w);
	cr_assert_geq(initorder_workspace(COUNT(p), e + 1), w);
	cr_assert_eq(initorder_workspace(SIZE_MAX / 2, 0), SIZE_MAX);
	cr_assert_eq(initorder_workspace(0, SIZE_MAX / 2), SIZE_MAX);
	for (int rule = 0; rule < 2; rule++)
		for (size_t n = 1; n <= COUNT(p); n++) {
			/* Cut the list so OK, MISSING and CYCLE all run. */
			size_t en = count_imports(pp, n);
			size_t wn = initorder_workspace(n, en);
			uint32_t *work = malloc((wn + 2) * sizeof *work);
			uint32_t order[COUNT(p) + 2];
			struct initorder_result res;

			work[0] = CANARY;
			for (size_t i = 1; i <= wn; i++)
				work[i] = POISON;
			work[wn + 1] = CANARY;
			order[0] = order[n + 1] = CANARY;
			initorder_sort(pp, n, (enum initorder_rule)rule,
			               order + 1, work + 1, &res);
			cr_assert_eq(work[0], CANARY);
			cr_assert_eq(work[wn + 1], CANARY);
			cr_assert_eq(order[0], CANARY);
			cr_assert_eq(order[n + 1], CANARY);
			free(work);
		}
}

static void workspace_guard_sparse(void)
{
	/* Few imports: here the path hash table, not the graph, is the
	 * biggest part of the workspace. */
	static char names[70][8];
	static const char *const none[] = {NULL};
	struct rt0_package p[70];
	uint32_t order[71];

	for (size_t i = 0; i < 70; i++) {
		snprintf(names[i], sizeof names[i], "p%02zu", 69 - i);
		p[i] = (struct rt0_package){names[i], none, NULL};
	}
	for (size_t n = 1; n <= 70; n++) {
		cr_assert_eq(sort_pkgs(p, n, INITORDER_GO121, order).status,
		             INITORDER_OK);
		for (size_t i = 0; i < n; i++)
			cr_assert_eq(order[i], n - 1 - i);
		cr_assert_eq(sort_pkgs(p, n, INITORDER_GO119, order).status,
		             INITORDER_OK);
		for (size_t i = 0; i < n; i++)
			cr_assert_eq(order[i], i);
	}
}

/* ---- Random graphs against reference implementations written here. ---- */

static uint64_t rng_state;

static uint64_t rng(void) /* splitmix64 */
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static size_t below(size_t n)
{
	return (size_t)(rng() % n);
}

struct rgraph {
	size_t n;
	struct rt0_package *p;
	const struct rt0_package **pp;
	uint32_t **adj; /* adj[i][0..deg[i]) are package indices */
	size_t *deg;
	char *names;
	char *copies; /* the same names at other addresses */
};

/* n packages; a random topological order decides who may import whom, and
 * names are random, so path order and dependency order are unrelated. With
 * main, the last package in topological order is called "main". */
static void rgraph_make(struct rgraph *g, uint64_t seed, size_t n,
                        size_t maxdeg, bool with_main)
{
	static const char *const prefix[] = {
	    "a", "a/b", "ab", "net", "net/http", "\xc3\xa9t\xc3\xa9"};
	size_t *topo = malloc(n * sizeof *topo);

	rng_state = seed;
	g->n = n;
	g->p = calloc(n, sizeof *g->p);
	g->pp = calloc(n, sizeof *g->pp);
	g->adj = calloc(n, sizeof *g->adj);
	g->deg = calloc(n, sizeof *g->deg);
	g->names = calloc(n, 32);
	g->copies = calloc(n, 32);
	for (size_t i = 0; i < n; i++)
		topo[i] = i;
	for (size_t i = n; i > 1; i--) {
		size_t j = below(i), t = topo[i - 1];

		topo[i - 1] = topo[j];
		topo[j] = t;
	}
	for (size_t i = 0; i < n; i++) {
		char *name = g->names + 32 * i;
		char mid[5] = {0};

		for (size_t k = 0, len = 1 + below(3); k < len; k++)
			mid[k] = (char)('a' + below(26));
		snprintf(name, 32, "%s/%s/%zu", prefix[below(6)], mid, i);
		memcpy(g->copies + 32 * i, name, 32);
		g->p[i].path = name;
		g->pp[i] = &g->p[i];
	}
	if (with_main) {
		g->p[topo[n - 1]].path = "main";
		strcpy(g->copies + 32 * topo[n - 1], "main");
	}
	for (size_t k = 0; k < n; k++) {
		size_t i = topo[k], d = k ? below(maxdeg + 1) : 0;
		const char **imps;

		if (with_main && k == n - 1)
			d = k < 20 ? k : 20;
		/* + 2: room for the terminator and one rgraph_add. */
		imps = malloc((d + 2) * sizeof *imps);
		g->adj[i] = malloc((d + 2) * sizeof *g->adj[i]);
		for (size_t j = 0; j < d; j++) {
			size_t q = topo[below(k)]; /* duplicates allowed */

			g->adj[i][j] = (uint32_t)q;
			/* Equal strings at other addresses as well. */
			imps[j] = below(2) ? g->p[q].path : g->copies + 32 * q;
		}
		imps[d] = NULL;
		g->deg[i] = d;
		g->p[i].imports = imps;
		g->p[i].inits = NULL;
	}
	free(topo);
}

/* Adds the import from -> to (making a cycle when to reaches from). */
static void rgraph_add(struct rgraph *g, size_t from, size_t to)
{
	size_t d = g->deg[from];
	const char **imps = (const char **)g->p[from].imports;

	imps[d] = g->p[to].path;
	imps[d + 1] = NULL;
	g->adj[from][d] = (uint32_t)to;
	g->deg[from] = d + 1;
}

static void rgraph_free(struct rgraph *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free((void *)g->p[i].imports);
		free(g->adj[i]);
	}
	free(g->p);
	free(g->pp);
	free(g->adj);
	free(g->deg);
	free(g->names);
	free(g->copies);
}

static const struct rt0_package *cmp_pkgs;

static int cmp_path(const void *a, const void *b)
{
	/* strcmp compares as unsigned char, like Go. */
	return strcmp(cmp_pkgs[*(const uint32_t *)a].path,
	              cmp_pkgs[*(const uint32_t *)b].path);
}

/* The Go 1.21 rule, word for word: each step scans the sorted list for
 * the first uninitialised package whose imports are all initialised. */
static bool ref_go121(const struct rgraph *g, uint32_t *out)
{
	uint32_t *sorted = malloc(g->n * sizeof *sorted);
	bool *done = calloc(g->n, sizeof *done), ok = true;

	for (size_t i = 0; i < g->n; i++)
		sorted[i] = (uint32_t)i;
	cmp_pkgs = g->p;
	qsort(sorted, g->n, sizeof *sorted, cmp_path);
	for (size_t step = 0; step < g->n && ok; step++) {
		ok = false;
		for (size_t r = 0; r < g->n && !ok; r++) {
			uint32_t p = sorted[r];
			bool ready = !done[p];

			for (size_t j = 0; ready && j < g->deg[p]; j++)
				ready = done[g->adj[p][j]];
			if (ready) {
				done[p] = true;
				out[step] = p;
				ok = true;
			}
		}
	}
	free(sorted);
	free(done);
	return ok;
}

static void ref_visit(const struct rgraph *g, uint32_t p, bool *done,
                      uint32_t *out, size_t *k)
{
	if (done[p])
		return;
	done[p] = true; /* acyclic input: no grey state needed */
	for (size_t j = 0; j < g->deg[p]; j++)
		ref_visit(g, g->adj[p][j], done, out, k);
	out[(*k)++] = p;
}

/* Go 1.19, recursively: from main, then every package in declared order. */
static void ref_go119(const struct rgraph *g, uint32_t *out)
{
	bool *done = calloc(g->n, sizeof *done);
	size_t k = 0;

	for (size_t i = 0; i < g->n; i++)
		if (strcmp(g->p[i].path, "main") == 0)
			ref_visit(g, (uint32_t)i, done, out, &k);
	for (size_t i = 0; i < g->n; i++)
		ref_visit(g, (uint32_t)i, done, out, &k);
	free(done);
}

/* As check_valid, using the adjacency lists (fast for big graphs). */
static void check_valid_g(const struct rgraph *g, const uint32_t *order)
{
	size_t *pos = malloc((g->n + 1) * sizeof *pos);

	for (size_t i = 0; i < g->n; i++)
		pos[i] = SIZE_MAX;
	for (size_t i = 0; i < g->n; i++) {
		cr_assert_lt(order[i], g->n);
		cr_assert_eq(pos[order[i]], SIZE_MAX);
		pos[order[i]] = i;
	}
	for (size_t i = 0; i < g->n; i++)
		for (size_t j = 0; j < g->deg[i]; j++)
			cr_assert_lt(pos[g->adj[i][j]], pos[i]);
	free(pos);
}

static void check_random(uint64_t seed, size_t n, size_t maxdeg, bool with_main)
{
	struct rgraph g;
	uint32_t *got = malloc((n + 1) * sizeof *got);
	uint32_t *want = malloc(n * sizeof *want);

	rgraph_make(&g, seed, n, maxdeg, with_main);
	cr_assert_eq(sort_ptrs(g.pp, n, INITORDER_GO121, got).status,
	             INITORDER_OK);
	check_valid_g(&g, got);
	cr_assert(ref_go121(&g, want));
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(got[i], want[i], "seed %llu step %zu: %s, want %s",
		             (unsigned long long)seed, i, g.p[got[i]].path,
		             g.p[want[i]].path);

	cr_assert_eq(sort_ptrs(g.pp, n, INITORDER_GO119, got).status,
	             INITORDER_OK);
	check_valid_g(&g, got);
	ref_go119(&g, want);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(got[i], want[i], "seed %llu step %zu (1.19)",
		             (unsigned long long)seed, i);
	rgraph_free(&g);
	free(got);
	free(want);
}

static void random_small_dags_match_reference(void)
{
	for (uint64_t seed = 1; seed <= 300; seed++)
		check_random(seed, 1 + seed % 40, seed % 5, seed % 2);
}

static void random_dag_5000_matches_reference(void)
{
	check_random(0x5eed, 5000, 6, true);
}

static void random_dag_5000_without_main_matches_reference(void)
{
	check_random(0xfeed, 5000, 3, false);
}

Test(initorder, initorder_sort_imports_first_50000)
{
	struct rgraph g;
	size_t n = 50000;
	uint32_t *order = malloc((n + 1) * sizeof *order);

	rgraph_make(&g, 42, n, 8, true);
	for (int rule = 0; rule < 2; rule++) {
		cr_assert_eq(
		    sort_ptrs(g.pp, n, (enum initorder_rule)rule, order).status,
		    INITORDER_OK);
		check_valid_g(&g, order);
	}
	rgraph_free(&g);
	free(order);
}

static void random_cycles_are_real_cycles(void)
{
	for (uint64_t seed = 1; seed <= 200; seed++) {
		struct rgraph g;
		size_t n = 2 + seed % 300;
		uint32_t *order = malloc((n + 1) * sizeof *order);

		/* a -> b and b -> a, or a self-import when a == b; each
		 * package gets at most the one import it has room for. */
		rgraph_make(&g, seed, n, 4, false);
		size_t a = below(n), b = below(n);

		rgraph_add(&g, a, b);
		if (!imports(&g.p[b], g.p[a].path))
			rgraph_add(&g, b, a);
		for (int rule = 0; rule < 2; rule++) {
			struct initorder_result res = sort_ptrs(
			    g.pp, n, (enum initorder_rule)rule, order);

			cr_assert_eq(res.status, INITORDER_CYCLE, "seed %llu",
			             (unsigned long long)seed);
			check_cycle(g.p, order, res.ncycle);
		}
		rgraph_free(&g);
		free(order);
	}
}

Test(initorder, initorder_sort_go119_diamond)
{
	diamond_go119();
	diamond_rules_differ();
}

Test(initorder, initorder_sort_go119_roots)
{
	go119_without_main_uses_declaration_order();
	go119_main_first_then_unreachable_in_declaration_order();
}

Test(initorder, initorder_sort_degenerate)
{
	chain();
	single_package_without_imports();
	null_import_list_means_none();
	duplicate_import_entries();
	empty_input();
}

Test(initorder, initorder_sort_cycles)
{
	self_import_is_cycle_of_one();
	three_cycle_message();
	cycle_reached_through_a_tail();
	random_cycles_are_real_cycles();
}

Test(initorder, initorder_sort_workspace_bounded)
{
	workspace_guard();
	workspace_guard_sparse();
}

Test(initorder, initorder_sort_matches_reference)
{
	random_small_dags_match_reference();
	random_dag_5000_matches_reference();
	random_dag_5000_without_main_matches_reference();
}
