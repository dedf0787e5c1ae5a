/* chan.c: channels of machine words (Go: chan.go, without select and
 * close): a ring buffer plus queues of parked senders and receivers, under
 * the channel's lock, which a parking goroutine holds until it is off its
 * M (gopark) and a waker drops before making it runnable. */
#include "runtime.h"

struct waitq {
	struct g *first, *last;
};

struct rt0_chan {
	struct mutex lock;
	uint32_t cap, count, head;
	uintptr_t *buf;
	struct waitq recvq, sendq;
};

/* The channel's lock, where another M could hold it (single_p). */
static void chan_lock(struct rt0_chan *c)
{
	if (!single_p())
		mutex_lock(&c->lock);
}

static void chan_unlock(struct rt0_chan *c)
{
	if (!single_p())
		mutex_unlock(&c->lock);
}

/* Parks the running goroutine, the lock released once it is off its M. */
static void chan_park(struct rt0_chan *c, enum waitreason reason)
{
	gopark(reason, single_p() ? NULL : &c->lock);
}

static void enqueue(struct waitq *q, struct g *gp)
{
	gp->schedlink = NULL;
	if (q->last != NULL)
		q->last->schedlink = gp;
	else
		q->first = gp;
	q->last = gp;
}

static struct g *dequeue(struct waitq *q)
{
	struct g *gp = q->first;
	if (gp != NULL) {
		q->first = gp->schedlink;
		if (q->first == NULL)
			q->last = NULL;
	}
	return gp;
}

struct rt0_chan *rt0_chan_make(uint32_t cap)
{
	struct rt0_chan *c = persistentalloc(sizeof *c);
	c->cap = cap;
	c->buf = cap > 0 ? persistentalloc(cap * sizeof *c->buf) : NULL;
	return c;
}

void rt0_chan_send(struct rt0_chan *c, uintptr_t v)
{
	chan_lock(c);
	struct g *receiver = dequeue(&c->recvq);
	if (receiver != NULL) { /* hand the value straight over */
		receiver->param = v;
		chan_unlock(c);
		goready(receiver);
		return;
	}
	if (c->count < c->cap) {
		c->buf[(c->head + c->count++) % c->cap] = v;
		chan_unlock(c);
		return;
	}
	struct g *gp = getg();
	gp->param = v;
	enqueue(&c->sendq, gp);
	chan_park(c, WAIT_CHAN_SEND); /* a receiver took the value */
}

uintptr_t rt0_chan_recv(struct rt0_chan *c)
{
	chan_lock(c);
	if (c->count > 0) {
		uintptr_t v = c->buf[c->head];
		c->head = (c->head + 1) % c->cap;
		c->count--;
		struct g *sender = dequeue(&c->sendq);
		if (sender != NULL) /* its value takes the freed slot */
			c->buf[(c->head + c->count++) % c->cap] = sender->param;
		chan_unlock(c);
		if (sender != NULL)
			goready(sender);
		return v;
	}
	struct g *sender = dequeue(&c->sendq);
	if (sender != NULL) { /* unbuffered: take it from the sender */
		uintptr_t v = sender->param;
		chan_unlock(c);
		goready(sender);
		return v;
	}
	struct g *gp = getg();
	enqueue(&c->recvq, gp);
	chan_park(c, WAIT_CHAN_RECEIVE);
	return gp->param;
}
