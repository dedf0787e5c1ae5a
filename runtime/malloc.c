/* malloc.c: the runtime's heap. Nothing it holds is ever freed (goroutine
 * structs are recycled by the scheduler), so a bump allocator over
 * mmap'd chunks is all start-up needs. Memory comes back zeroed. */
#include "runtime.h"
#include <linux/mman.h>

#define CHUNK (256 * 1024)

static uintptr_t cur, end;
static struct mutex heap_lock;

void mallocinit(void)
{
	cur = end = 0; /* the first allocation maps the first chunk */
	TRACE("runtime.mallocinit");
}

static void *map(uintptr_t size)
{
	void *p = sys_mmap(NULL, size, PROT_READ | PROT_WRITE,
	                   MAP_PRIVATE | MAP_ANONYMOUS);
	if (p == NULL)
		fatal("out of memory");
	return p;
}

void *persistentalloc(uintptr_t size)
{
	size = ALIGN_UP(size, 16);
	if (size > CHUNK / 4)
		return map(ALIGN_UP(size, rt.pagesize));
	mutex_lock(&heap_lock);
	if (end - cur < size) {
		cur = (uintptr_t)map(CHUNK);
		end = cur + CHUNK;
	}
	void *p = (void *)cur;
	cur += size;
	mutex_unlock(&heap_lock);
	return p;
}
