/* criterion_lazy_git.c: libgit2 started only when Criterion needs it.
 *
 * Criterion 2.4 runs every test in a fresh exec of the suite binary, and
 * each of those processes calls git_libgit2_init(), which Criterion needs
 * only for git_diff_buffers (the diffs of its cr_assert(eq(str, ...))
 * assertions). Debian's libgit2 1.5 loads and parses the system's whole CA
 * bundle at init: about 20 ms of the 21 ms a test process costs here,
 * measured with perf (mbedtls_base64_decode). These definitions in the
 * executable take precedence over libgit2's (the linker exports them:
 * cmake/rt0.cmake, rt0_criterion), count init and shutdown, and start the
 * real library the first time a diff is asked for. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

static int init_calls; /* what the callers believe */
static int real_inits; /* what libgit2 was really given */

static void *next_symbol(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

int git_libgit2_init(void)
{
	return ++init_calls;
}

int git_libgit2_shutdown(void)
{
	if (init_calls == 0)
		return 0;
	if (--init_calls == 0 && real_inits > 0) {
		int (*shutdown)(void) =
		    (int (*)(void))next_symbol("git_libgit2_shutdown");
		for (; real_inits > 0; real_inits--)
			if (shutdown != NULL)
				shutdown();
	}
	return init_calls;
}

/* The real signature's arguments are pointers and sizes; they are passed
 * on unchanged. */
typedef int (*diff_buffers_fn)(const void *, size_t, const char *, const void *,
                               size_t, const char *, const void *, void *,
                               void *, void *, void *, void *);

int git_diff_buffers(const void *old_buf, size_t old_len, const char *old_path,
                     const void *new_buf, size_t new_len, const char *new_path,
                     const void *options, void *file_cb, void *binary_cb,
                     void *hunk_cb, void *line_cb, void *payload)
{
	if (real_inits == 0) {
		int (*init)(void) =
		    (int (*)(void))next_symbol("git_libgit2_init");
		if (init == NULL || init() < 0)
			return -1;
		real_inits = 1;
	}
	diff_buffers_fn diff = (diff_buffers_fn)next_symbol("git_diff_buffers");
	if (diff == NULL)
		return -1;
	return diff(old_buf, old_len, old_path, new_buf, new_len, new_path,
	            options, file_cb, binary_cb, hunk_cb, line_cb, payload);
}
