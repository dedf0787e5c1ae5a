/* stack.c: goroutine stacks. Sizes are powers of two from STACK_ORDERS
 * classes, page-aligned, each with an inaccessible guard page below it, so
 * running off the end faults instead of corrupting a neighbour. Freed
 * stacks wait in per-class pools: each P's own (Go's stackcache, no lock),
 * and the global ones under stack_lock, which take a P's surplus and serve
 * an M without a P. */
#include "runtime.h"
#include <linux/mman.h>

static struct stack_pool {
	struct free_stack *head;
} pools[STACK_ORDERS];
static struct mutex stack_lock;

/* A free stack stores its link at its own low end. */
struct free_stack {
	struct free_stack *next;
};

/* A P's free stacks per class before it shares them; with one P there is
 * no one to share with, and it keeps them all. */
#define STACK_CACHE_KEEP 32

void stackinit(void)
{
	for (int i = 0; i < STACK_ORDERS; i++)
		pools[i].head = NULL;
	TRACE("runtime.stackinit");
}

static int order_of(uintptr_t size)
{
	for (int order = 0; order < STACK_ORDERS; order++)
		if ((uintptr_t)STACK_MIN << order == size)
			return order;
	return -1;
}

struct stack stackalloc(uintptr_t size)
{
	int order = order_of(size);
	if (order < 0)
		fatal("stackalloc: size is not a stack size class");
	struct p *pp = getg()->m->p;
	struct stack_pool *pool = &pools[order];
	struct stack st = {0, 0};
	if (pp != NULL && pp->stackcache[order].head != NULL) {
		st.lo = (uintptr_t)pp->stackcache[order].head;
		pp->stackcache[order].head = pp->stackcache[order].head->next;
		pp->stackcache[order].n--;
	} else {
		mutex_lock(&stack_lock);
		if (pool->head != NULL) {
			st.lo = (uintptr_t)pool->head;
			pool->head = pool->head->next;
		}
		mutex_unlock(&stack_lock);
	}
	if (st.lo == 0) {
		/* Reserve guard + stack inaccessible, then open the stack. */
		uintptr_t page = rt.pagesize;
		char *base =
		    sys_mmap(NULL, size + page, PROT_NONE,
		             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE);
		if (base == NULL || sys_mprotect(base + page, size,
		                                 PROT_READ | PROT_WRITE) != 0)
			fatal("stackalloc: out of memory");
		st.lo = (uintptr_t)base + page;
	}
	st.hi = st.lo + size;
	struct trace_kv kv[] = {KV_I("size", size), KV_X("stacklo", st.lo),
	                        KV_X("stackhi", st.hi),
	                        KV_X("guard", st.lo - rt.pagesize)};
	trace_event("runtime.stackalloc", kv, 4);
	return st;
}

void stackfree(struct stack st)
{
	int order = order_of(st.hi - st.lo);
	if (order < 0)
		fatal("stackfree: bad stack size");
	struct free_stack *f = (struct free_stack *)st.lo;
	struct p *pp = getg()->m->p;
	if (pp != NULL &&
	    (pp->stackcache[order].n < STACK_CACHE_KEEP || single_p())) {
		f->next = pp->stackcache[order].head;
		pp->stackcache[order].head = f;
		pp->stackcache[order].n++;
		return;
	}
	mutex_lock(&stack_lock);
	f->next = pools[order].head;
	pools[order].head = f;
	mutex_unlock(&stack_lock);
}
