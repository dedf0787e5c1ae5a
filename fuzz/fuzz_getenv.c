/* fuzz_getenv.c: knob_env_lookup, getenv's first-match rule, against a
 * linear scan, for any environment and key.
 *
 * Input: byte 0 gives the key's length (0..15), the key's bytes follow
 * (they may hold NUL bytes, which no entry can match), and the rest is
 * the environment, entries separated by NUL bytes.
 *
 * Model (env_posix.go, gogetenv): the first entry, in order, that is
 * longer than the key, starts with the key and has '=' right after it;
 * the value is what follows the '='. So "KEY" alone never matches and the
 * key "" finds "=value".
 *
 * Every entry sits in its own 8-byte-aligned slot of one exactly sized
 * block, with the bytes after its NUL poisoned, and the key is poisoned
 * after its last byte: ASan reports any read past an entry or the key. */
#include "fuzz.h"
#include "knobs.h"

#define ALIGN8(x) (((x) + 7) & ~(size_t)7)

/* A slot holds len + 1 bytes, then at least one poisoned granule. */
static size_t slot_size(size_t len)
{
	return ALIGN8(len + 1) + 8;
}

static const char *model_lookup(const char *const *env, size_t n,
                                const char *key, size_t keylen)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(env[i]);

		if (len > keylen && memcmp(env[i], key, keylen) == 0 &&
		    env[i][keylen] == '=')
			return env[i] + keylen + 1;
	}
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t keylen, n = 0, bytes, pos;
	const uint8_t *rest, *end = data + size;
	const char **env;
	const char *got, *want;
	char *block, *key;

	if (size == 0)
		return 0;
	keylen = data[0] % 16;
	if (keylen > size - 1)
		keylen = size - 1;
	rest = data + 1 + keylen;

	/* Count the entries: a trailing NUL ends the last entry, it does
	 * not start an empty one (an empty input is no entry at all). */
	bytes = slot_size(keylen);
	for (const uint8_t *p = rest; p < end; n++) {
		const uint8_t *q = memchr(p, 0, (size_t)(end - p));
		size_t len = q ? (size_t)(q - p) : (size_t)(end - p);

		bytes += slot_size(len);
		p += len + 1;
	}
	/* The pointer array ends the block, so env[n] is past its end. */
	block = malloc(bytes + n * sizeof *env);
	FUZZ_CHECK(block != NULL);
	env = (const char **)(block + bytes);
	key = block;
	memcpy(key, data + 1, keylen);
	fuzz_poison(key + keylen, slot_size(keylen) - keylen);
	pos = slot_size(keylen);
	n = 0;
	for (const uint8_t *p = rest; p < end; n++) {
		const uint8_t *q = memchr(p, 0, (size_t)(end - p));
		size_t len = q ? (size_t)(q - p) : (size_t)(end - p);

		memcpy(block + pos, p, len);
		block[pos + len] = '\0';
		fuzz_poison(block + pos + len + 1, slot_size(len) - len - 1);
		env[n] = block + pos;
		pos += slot_size(len);
		p += len + 1;
	}

	fuzz_noalloc_begin();
	got = knob_env_lookup(env, n, key, keylen);
	FUZZ_CHECK(fuzz_noalloc_end() == 0);
	want = model_lookup(env, n, key, keylen);
	FUZZ_CHECK(got == want);
	/* The first match, not merely some match: no earlier prefix of the
	 * environment may hold one. */
	if (got != NULL)
		for (size_t i = 0; i < n; i++)
			if (got >= env[i] && got <= env[i] + strlen(env[i])) {
				FUZZ_CHECK(model_lookup(env, i, key, keylen) ==
				           NULL);
				break;
			}
	/* A NUL-free key also works as a C string key, as the runtime
	 * calls it (strlen). */
	if (memchr(key, 0, keylen) == NULL) {
		char cstr[16];

		memcpy(cstr, key, keylen);
		cstr[keylen] = '\0';
		FUZZ_CHECK(knob_env_lookup(env, n, cstr, strlen(cstr)) == want);
	}
	fuzz_unpoison(block, bytes);
	free(block);
	return 0;
}
