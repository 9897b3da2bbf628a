/* Packet buffers: a bounded free list of equal buffers, large ones apart. */
#include <stdlib.h>

#include <mg/error.h>
#include <mg/pkt.h>

/* see mg/pkt.h */

int mg_pkt_pool_init(mg_pkt_pool *pool, size_t buf_size, size_t max,
                     size_t large_max)
{
	if (buf_size == 0 || max == 0)
		return MG_EINVAL;
	*pool = (mg_pkt_pool){
	    .buf_size = buf_size, .max = max, .large_max = large_max};
	return 0;
}

size_t mg_pkt_pool_fini(mg_pkt_pool *pool)
{
	mg_pkt *p;
	while ((p = pool->free) != NULL) {
		pool->free = p->next;
		pool->count--;
		free(p);
	}
	return pool->in_use + pool->large_alive;
}

/* The header and its storage are one allocation: one free per packet. */
static mg_pkt *new_buffer(mg_pkt_pool *pool, size_t storage, bool large)
{
	mg_pkt *p = malloc(sizeof *p + storage);
	if (!p)
		return NULL;
	p->base = (uint8_t *)(p + 1);
	p->cap = storage;
	p->pool = pool;
	p->large = large;
	return p;
}

mg_pkt *mg_pkt_alloc(mg_pkt_pool *pool, size_t headroom, size_t size)
{
	mg_pkt *p = NULL;
	if (headroom > pool->buf_size || size > pool->buf_size - headroom) {
		if (headroom + size < headroom ||
		    pool->large_bytes > pool->large_max ||
		    headroom + size > pool->large_max - pool->large_bytes) {
			pool->exhausted++;
			return NULL;
		}
		p = new_buffer(pool, headroom + size, true);
		if (!p) {
			pool->exhausted++;
			return NULL;
		}
		pool->large_bytes += p->cap;
		pool->large_alive++;
	} else if (pool->free) {
		p = pool->free;
		pool->free = p->next;
		pool->in_use++;
	} else {
		if (pool->count >= pool->max ||
		    !(p = new_buffer(pool, pool->buf_size, false))) {
			pool->exhausted++;
			return NULL;
		}
		pool->count++;
		pool->in_use++;
	}
	p->next = NULL;
	p->data = p->base + headroom;
	p->len = 0;
	p->user[0] = p->user[1] = 0;
	p->off = (mg_net_offload){0};
	return p;
}

void mg_pkt_free(mg_pkt *p)
{
	if (!p)
		return;
	mg_pkt_pool *pool = p->pool;
	if (p->large) {
		pool->large_bytes -= p->cap;
		pool->large_alive--;
		free(p);
		return;
	}
	pool->in_use--;
	p->next = pool->free;
	pool->free = p;
}

void mg_pkt_free_list(mg_pkt *p)
{
	while (p) {
		mg_pkt *next = p->next;
		mg_pkt_free(p);
		p = next;
	}
}

uint8_t *mg_pkt_push(mg_pkt *p, size_t n)
{
	if (n > mg_pkt_headroom(p))
		return NULL;
	p->data -= n;
	p->len += n;
	return p->data;
}

uint8_t *mg_pkt_pull(mg_pkt *p, size_t n)
{
	if (n > p->len)
		return NULL;
	p->data += n;
	p->len -= n;
	return p->data;
}

uint8_t *mg_pkt_put(mg_pkt *p, size_t n)
{
	if (n > mg_pkt_tailroom(p))
		return NULL;
	uint8_t *at = p->data + p->len;
	p->len += n;
	return at;
}

void mg_pkt_trim(mg_pkt *p, size_t len)
{
	if (len < p->len)
		p->len = len;
}
