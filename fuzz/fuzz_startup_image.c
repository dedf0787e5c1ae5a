/* fuzz_startup_image.c: parse_startup_image, parse_auxv and the verbatim
 * argv/env copies (copy_strings), over synthetic initial-stack images.
 *
 * Input layout (missing bytes read as 0):
 *   byte 0  number of argv strings (mod 32)
 *   byte 1  number of env strings (mod 32)
 *   byte 2  number of auxv pairs before the final AT_NULL (mod 16)
 *   byte 3  flags: bits 0-1 the argc passed, relative to the strings
 *           (+0, -1, +1, +2); bit 2 drop argv's NULL; bit 3 drop envp's
 *           NULL; bit 4 drop the AT_NULL pair; bit 5 cut the bound short
 *           by byte 4 words; bit 6 put the bound before argv (byte 4 mod 8,
 *           plus 1, words of the block come first, and the bound is
 *           (byte 4 / 8) mod that words into them); bit 7 no bound (NULL,
 *           as the runtime calls it) when the image is well formed
 *   byte 4  see bits 5 and 6
 *   then    9 bytes per auxv pair: type (below 128: one of 8 types the
 *           runtime cares about, AT_NULL included; else type - 128), then
 *           the value, 8 bytes little-endian
 *   rest    the strings, separated by NUL bytes: argv's, then env's
 *           (missing ones are "")
 *
 * The image is built as the kernel lays it out: [pre words] argv pointers,
 * NULL, envp pointers, NULL, auxv pairs, AT_NULL pair, then the strings,
 * all in one exactly sized heap block. While the parser runs, every byte
 * of the block outside [argv, bound) is poisoned, so ASan reports any read
 * outside the image; while the copies run, only the argv or envp pointers
 * and the strings (each up to its NUL) are readable.
 *
 * Properties: the parser's answer (accepted or not, argc, argv, envp,
 * envc, auxv and the auxv values the runtime keeps, the last of each
 * type before AT_NULL) equals an index-based model walking the same
 * words; a bound of NULL gives the same answer as the exact bound on a
 * well-formed image; the copies equal the input strings exactly, packed in
 * order into exactly strings_size bytes; nothing allocates. */
#include <elf.h>

#include "fuzz.h"
#include "runtime.h"

#define MAXS      32
#define ALIGN8(x) (((x) + 7) & ~(size_t)7)

struct decoded {
	size_t nargs, nenv, naux;
	int32_t argc;
	bool drop_argv_null, drop_env_null, drop_at_null;
	size_t cut, pre, before;
	bool unbounded, bound_before;
	uintptr_t aux[16][2];
	const char *str[2 * MAXS];
	size_t len[2 * MAXS];
};

struct model {
	bool ok;
	int32_t envc;
	size_t envp, auxv; /* word indices from argv; auxv == SIZE_MAX: none */
	uintptr_t pagesize, random, hwcap, hwcap2, sysinfo_ehdr;
};

/* Walks words w[0..nb) as the parser must: plain indices, every read
 * checked against nb first. */
static struct model model_parse(const uintptr_t *w, size_t nb, int32_t argc)
{
	struct model m = {.ok = false, .auxv = SIZE_MAX};
	size_t i, envp;

	if (argc < 0 || (size_t)argc >= nb || w[argc] != 0)
		return m;
	i = envp = (size_t)argc + 1;
	while (i < nb && w[i] != 0)
		i++;
	if (i >= nb)
		return m;
	m.envp = envp;
	m.envc = (int32_t)(i - envp);
	i++;
	m.auxv = i;
	for (;; i += 2) {
		if (i + 1 >= nb)
			return m; /* no whole AT_NULL pair: cut short */
		if (w[i] == AT_NULL)
			break;
		if (w[i] == AT_PAGESZ)
			m.pagesize = w[i + 1];
		if (w[i] == AT_RANDOM)
			m.random = w[i + 1];
		if (w[i] == AT_HWCAP)
			m.hwcap = w[i + 1];
		if (w[i] == AT_HWCAP2)
			m.hwcap2 = w[i + 1];
		if (w[i] == AT_SYSINFO_EHDR)
			m.sysinfo_ehdr = w[i + 1];
	}
	if (i == m.auxv)
		m.auxv = SIZE_MAX; /* AT_NULL first: no auxv */
	m.ok = true;
	return m;
}

static void decode(const uint8_t *data, size_t size, struct decoded *d)
{
	static const uintptr_t types[8] = {
	    AT_NULL,   AT_PAGESZ,       AT_RANDOM, AT_HWCAP,
	    AT_HWCAP2, AT_SYSINFO_EHDR, AT_UID,    AT_PLATFORM};
	static const int32_t lie[4] = {0, -1, 1, 2};
	uint8_t h[5] = {0};
	size_t pos;

	memcpy(h, data, size < 5 ? size : 5);
	d->nargs = h[0] % MAXS;
	d->nenv = h[1] % MAXS;
	d->naux = h[2] % 16;
	d->argc = (int32_t)d->nargs + lie[h[3] & 3];
	d->drop_argv_null = h[3] & 4;
	d->drop_env_null = h[3] & 8;
	d->drop_at_null = h[3] & 16;
	d->cut = h[3] & 32 ? h[4] : 0;
	d->bound_before = h[3] & 64;
	d->pre = d->bound_before ? (size_t)h[4] % 8 + 1 : 0;
	d->before = d->bound_before ? (size_t)h[4] / 8 % d->pre : 0;
	d->unbounded = h[3] & 128;
	pos = 5;
	for (size_t i = 0; i < d->naux; i++) {
		uint8_t t = pos < size ? data[pos] : 0;
		uint64_t v = 0;

		for (size_t b = 0; b < 8; b++)
			if (pos + 1 + b < size)
				v |= (uint64_t)data[pos + 1 + b] << (8 * b);
		d->aux[i][0] = t < 128 ? types[t % 8] : (uintptr_t)(t - 128);
		d->aux[i][1] = (uintptr_t)v;
		pos += 9;
	}
	for (size_t i = 0; i < d->nargs + d->nenv; i++) {
		const uint8_t *p = data + pos;
		const uint8_t *q = pos < size ? memchr(p, 0, size - pos) : NULL;

		if (pos >= size) {
			d->str[i] = "";
			d->len[i] = 0;
			continue;
		}
		d->len[i] = q ? (size_t)(q - p) : size - pos;
		d->str[i] = (const char *)p;
		pos += d->len[i] + 1;
	}
}

/* Each string gets a slot with at least one poisoned granule after it. */
static size_t slot_size(size_t len)
{
	return ALIGN8(len + 1) + 8;
}

/* Checks strings_size and copy_strings on src[0..n) against the expected
 * strings; only src's words and the strings are readable meanwhile. */
static void check_copy(char **src, size_t n, const struct decoded *d,
                       size_t first, char *block, size_t blocksize,
                       char *strings, const size_t *slot)
{
	size_t want = 0, size;
	const char **dst;
	char *buf;

	fuzz_poison(block, blocksize);
	fuzz_unpoison(src, n * sizeof *src);
	for (size_t i = 0; i < n; i++) {
		fuzz_unpoison(strings + slot[first + i], d->len[first + i] + 1);
		want += d->len[first + i] + 1;
	}
	fuzz_noalloc_begin();
	size = strings_size(src, n);
	FUZZ_CHECK(fuzz_noalloc_end() == 0);
	FUZZ_CHECK(size == want);
	buf = malloc(size);
	dst = malloc((n + 1) * sizeof *dst);
	FUZZ_CHECK(buf != NULL && dst != NULL);
	fuzz_noalloc_begin();
	copy_strings(src, n, dst, buf);
	FUZZ_CHECK(fuzz_noalloc_end() == 0);
	for (size_t i = 0, off = 0; i < n; i++) {
		const char *s = d->str[first + i];
		size_t len = d->len[first + i];

		FUZZ_CHECK(dst[i] == buf + off);
		FUZZ_CHECK(memcmp(dst[i], s, len) == 0 && dst[i][len] == 0);
		off += len + 1;
	}
	FUZZ_CHECK(dst[n] == NULL);
	free(buf);
	free(dst);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decoded d;
	size_t nstr, nw, nimg, wbytes, sbytes, blocksize, k;
	size_t slot[2 * MAXS];
	uintptr_t *words, *argvw, *end;
	char *block, *strings;
	struct startup_image img;
	struct model m;
	bool ok;

	decode(data, size, &d);
	nstr = d.nargs + d.nenv;
	nimg = d.nargs + !d.drop_argv_null + d.nenv + !d.drop_env_null +
	       2 * d.naux + (d.drop_at_null ? 0 : 2);
	nw = d.pre + nimg;
	wbytes = nw * sizeof(uintptr_t);
	sbytes = 0;
	for (size_t i = 0; i < nstr; i++) {
		slot[i] = sbytes;
		sbytes += slot_size(d.len[i]);
	}
	blocksize = wbytes + sbytes;
	block = malloc(blocksize ? blocksize : 1);
	FUZZ_CHECK(block != NULL);
	words = (uintptr_t *)block;
	strings = block + wbytes;
	for (size_t i = 0; i < nstr; i++) {
		memcpy(strings + slot[i], d.str[i], d.len[i]);
		memset(strings + slot[i] + d.len[i], 0,
		       slot_size(d.len[i]) - d.len[i]);
	}
	for (size_t i = 0; i < d.pre; i++)
		words[i] = ~(uintptr_t)0; /* never read: poisoned */
	argvw = words + d.pre;
	k = 0;
	for (size_t i = 0; i < d.nargs; i++)
		argvw[k++] = (uintptr_t)(strings + slot[i]);
	if (!d.drop_argv_null)
		argvw[k++] = 0;
	for (size_t i = 0; i < d.nenv; i++)
		argvw[k++] = (uintptr_t)(strings + slot[d.nargs + i]);
	if (!d.drop_env_null)
		argvw[k++] = 0;
	for (size_t i = 0; i < d.naux; i++) {
		argvw[k++] = d.aux[i][0];
		argvw[k++] = d.aux[i][1];
	}
	if (!d.drop_at_null) {
		argvw[k++] = AT_NULL;
		argvw[k++] = 0;
	}
	FUZZ_CHECK(k == nimg);

	/* The bound: the image's end, or fewer words, or before argv. */
	if (d.bound_before) {
		end = words + d.before;
		m = model_parse(argvw, 0, d.argc);
	} else {
		size_t nb = d.cut < nimg ? nimg - d.cut : 0;

		end = argvw + nb;
		m = model_parse(argvw, nb, d.argc);
	}
	/* Unbounded only where the exact bound accepts: without a bound the
	 * parser trusts the image, as it trusts the kernel's. */
	if (d.unbounded && !d.bound_before && d.cut == 0 && m.ok)
		end = NULL;

	fuzz_poison(block, blocksize);
	if (end != NULL && end > argvw)
		fuzz_unpoison(argvw, (size_t)(end - argvw) * sizeof *end);
	else if (end == NULL)
		fuzz_unpoison(argvw, nimg * sizeof *argvw);
	memset(&img, 0x5a, sizeof img);
	fuzz_noalloc_begin();
	ok = parse_startup_image(d.argc, (char **)argvw, end, &img);
	FUZZ_CHECK(fuzz_noalloc_end() == 0);

	FUZZ_CHECK(ok == m.ok);
	if (ok) {
		FUZZ_CHECK(img.argc == d.argc);
		FUZZ_CHECK(img.argv == (char **)argvw);
		FUZZ_CHECK(img.envp == (char **)(argvw + m.envp));
		FUZZ_CHECK(img.envc == m.envc);
		FUZZ_CHECK(img.auxv ==
		           (m.auxv == SIZE_MAX ? NULL : argvw + m.auxv));
		FUZZ_CHECK(img.pagesize == m.pagesize);
		FUZZ_CHECK(img.random == m.random);
		FUZZ_CHECK(img.hwcap == m.hwcap);
		FUZZ_CHECK(img.hwcap2 == m.hwcap2);
		FUZZ_CHECK(img.sysinfo_ehdr == m.sysinfo_ehdr);
		/* The strings found are the ones built, when the counts say
		 * the pointers are theirs: copy them and compare. */
		if ((size_t)img.argc == d.nargs && (size_t)img.envc == d.nenv) {
			check_copy(img.argv, d.nargs, &d, 0, block, blocksize,
			           strings, slot);
			check_copy(img.envp, d.nenv, &d, d.nargs, block,
			           blocksize, strings, slot);
		}
	}
	fuzz_unpoison(block, blocksize);
	free(block);
	return 0;
}
