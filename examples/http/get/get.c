/* get: request each --path of --host:--port, print each response body. */
#include <string.h>

#include <mg/http_client.h>
#include <mg/mg.h>
#include <mg/stackv4.h>

#include "mg_app.h"

/* --body, --body-repeat times, in pieces of at most 1000 bytes: each
 * piece is a chunk on the wire. */
typedef struct body_src {
	size_t left; /* repeats still to send */
	size_t at;   /* offset in the current repeat */
} body_src;

static int next_piece(void *arg, mg_buf room)
{
	body_src *s = arg;
	size_t len = strlen(mg_keys.body), n = 0;
	if (room.len > 1000)
		room.len = 1000;
	while (s->left && n < room.len) {
		size_t k =
		    len - s->at < room.len - n ? len - s->at : room.len - n;
		memcpy(room.p + n, mg_keys.body + s->at, k);
		n += k;
		s->at += k;
		if (s->at == len) {
			s->at = 0;
			s->left--;
		}
	}
	return (int)n;
}

/* Send one request for (target) and print its body; adds to (*total). */
static int get_one(mg_console *out, mg_http_client *c, const char *target,
                   int *status, uint64_t *total)
{
	static uint8_t buf[16384];
	body_src src = {(size_t)mg_keys.body_repeat, 0};
	mg_http_client_req req = {.method = mg_keys.method, .target = target};
	if (mg_keys.body[0]) {
		req.body_fn = next_piece;
		req.body_arg = &src;
		req.chunked = true;
	}
	mg_http_client_resp resp;
	int rc = mg_http_client_send(c, &req, &resp);
	if (rc < 0)
		return rc;
	*status = resp.status;
	for (;;) {
		int n = mg_http_client_read(c, mg_buf_make(buf, sizeof buf));
		if (n <= 0)
			return n;
		mg_console_write(out, (const char *)buf, (size_t)n);
		*total += (uint64_t)n;
	}
}

int get_start(mg_console *out, mg_stackv4 *net)
{
	mg_ipv4_endpoint dst = {mg_keys.host, (uint16_t)mg_keys.port};
	uint64_t limit = (uint64_t)mg_keys.timeout_ms * MG_NS_PER_MS;
	mg_http_client_opts o = {.connect_timeout_ns = limit,
	                         .io_timeout_ns = limit};
	mg_http_client *c = NULL;
	int rc = mg_http_client_new(net, dst, &o, &c);
	uint64_t total = 0;
	int status = 0, done = 0;
	static char target[1024];
	for (int i = 0; rc == 0 && i < mg_keys.repeat; i++) {
		const char *p = mg_keys.path;
		while (rc == 0 && *p) {
			size_t n = strcspn(p, ",");
			size_t k = n < sizeof target ? n : sizeof target - 1;
			memcpy(target, p, k);
			target[k] = 0;
			p += p[n] == ',' ? n + 1 : n;
			rc = get_one(out, c, target, &status, &total);
			done += rc == 0;
		}
	}
	mg_http_client_free(c);
	if (rc < 0) {
		mg_console_printf(out, "\nget: request %d (%s): %s\n", done + 1,
		                  target, mg_strerror(rc));
		return 1;
	}
	mg_console_printf(out, "\nget: %d responses, last %d, %llu bytes\n",
	                  done, status, (unsigned long long)total);
	return 0;
}
