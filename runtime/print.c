/* print.c: Go's print, without libc: one buffer for stderr, so facts,
 * trace lines and error messages come out in the order they were made. */
#include "runtime.h"

static char buf[8192];
static size_t used;
static struct mutex print_mutex;

/* Go's printlock: whoever writes a line (a fact, a trace event, a fatal
 * error) holds this around it, so lines from several Ms never mix; the
 * buffer itself assumes it is held. Recursive per M (a fatal error inside
 * a trace event); a thread without g (a library host's) holds it once.
 * Until a second thread exists there is nothing to exclude, and g may not
 * be set up yet (fatal_nog). */
void printlock(void)
{
	if (!__atomic_load_n(&rt.threaded, __ATOMIC_ACQUIRE))
		return;
	struct g *gp = getg();
	if (gp == NULL || gp->m->printlock++ == 0)
		mutex_lock(&print_mutex);
}

void printunlock(void)
{
	if (!__atomic_load_n(&rt.threaded, __ATOMIC_ACQUIRE))
		return;
	struct g *gp = getg();
	if (gp == NULL || --gp->m->printlock == 0)
		mutex_unlock(&print_mutex);
}

void print_flush(void)
{
	size_t off = 0;
	while (off < used) {
		long n = sys_write(2, buf + off, used - off);
		if (n == -4) /* EINTR */
			continue;
		if (n <= 0)
			break; /* nowhere to report it: drop the output */
		off += (size_t)n;
	}
	used = 0;
}

void print_bytes(const char *s, size_t n)
{
	while (n > 0) {
		if (used == sizeof buf)
			print_flush();
		size_t k = sizeof buf - used;
		if (k > n)
			k = n;
		for (size_t i = 0; i < k; i++)
			buf[used + i] = s[i];
		used += k;
		s += k;
		n -= k;
	}
}

void print_str(const char *s)
{
	print_bytes(s, rt_strlen(s));
}

void print_int(int64_t v)
{
	char tmp[24];
	size_t i = sizeof tmp;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		tmp[--i] = '-';
	print_bytes(tmp + i, sizeof tmp - i);
}

void print_hex(uintptr_t v)
{
	char tmp[2 + 2 * sizeof v];
	size_t i = sizeof tmp;
	do {
		tmp[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v != 0);
	tmp[--i] = 'x';
	tmp[--i] = '0';
	print_bytes(tmp + i, sizeof tmp - i);
}

/* TRACE.md: bytes <= 0x20, >= 0x7f and '%' are written as %XX. */
void print_encoded(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f || c == '%') {
			char e[3] = {'%', "0123456789ABCDEF"[c >> 4],
			             "0123456789ABCDEF"[c & 15]};
			print_bytes(e, 3);
		} else {
			print_bytes((const char *)&s[i], 1);
		}
	}
}

size_t rt_strlen(const char *s)
{
	size_t n = 0;
	while (s[n] != '\0')
		n++;
	return n;
}

bool rt_streq(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}
