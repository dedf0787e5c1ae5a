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
	mutex_lock(&c->lock);
	struct g *receiver = dequeue(&c->recvq);
	if (receiver != NULL) { /* hand the value straight over */
		receiver->param = v;
		mutex_unlock(&c->lock);
		goready(receiver);
		return;
	}
	if (c->count < c->cap) {
		c->buf[(c->head + c->count++) % c->cap] = v;
		mutex_unlock(&c->lock);
		return;
	}
	struct g *gp = getg();
	gp->param = v;
	enqueue(&c->sendq, gp);
	gopark(WAIT_CHAN_SEND, &c->lock); /* a receiver took the value */
}

uintptr_t rt0_chan_recv(struct rt0_chan *c)
{
	mutex_lock(&c->lock);
	if (c->count > 0) {
		uintptr_t v = c->buf[c->head];
		c->head = (c->head + 1) % c->cap;
		c->count--;
		struct g *sender = dequeue(&c->sendq);
		if (sender != NULL) /* its value takes the freed slot */
			c->buf[(c->head + c->count++) % c->cap] = sender->param;
		mutex_unlock(&c->lock);
		if (sender != NULL)
			goready(sender);
		return v;
	}
	struct g *sender = dequeue(&c->sendq);
	if (sender != NULL) { /* unbuffered: take it from the sender */
		uintptr_t v = sender->param;
		mutex_unlock(&c->lock);
		goready(sender);
		return v;
	}
	struct g *gp = getg();
	enqueue(&c->recvq, gp);
	gopark(WAIT_CHAN_RECEIVE, &c->lock);
	return gp->param;
}
