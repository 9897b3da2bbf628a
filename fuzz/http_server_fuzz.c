/* Byte streams into the HTTP server over a scripted flow: whatever comes in,
 * what goes out is status lines the server may send, and nothing leaks. */
// fuzz-link: http/*.c
#include <mg/http_server.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "../tests/unit/http_server_fake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void mgt_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s:%d: ", file, line);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}

/* The body read in small pieces; its length back (the bytes themselves
 * could look like a status line). */
static int echo(mg_http_request *req, mg_http_response *res, void *arg)
{
	(void)arg;
	static uint8_t body[4096];
	size_t n = 0;
	int r;
	while (n < sizeof body &&
	       (r = mg_http_body_read(req, mg_buf_make(body + n, 5),
	                              MG_FOREVER)) != 0) {
		if (r < 0)
			return r;
		n += (size_t)r;
	}
	char len[24];
	snprintf(len, sizeof len, "%zu", n);
	return mg_http_reply(res, 200, "a/b", mg_cbuf_str(len));
}

static int stream(mg_http_request *req, mg_http_response *res, void *arg)
{
	(void)arg;
	int rc = mg_http_response_start(res, MG_HTTP_LENGTH_UNKNOWN);
	if (rc == 0)
		rc = mg_http_response_write(res, req->rest);
	if (rc == 0)
		rc = mg_http_response_write(res, req->query);
	return rc; /* ended by the server */
}

static int fails(mg_http_request *req, mg_http_response *res, void *arg)
{
	(void)res;
	(void)arg;
	uint8_t b[3];
	mg_http_body_read(req, mg_buf_make(b, sizeof b), MG_FOREVER);
	return MG_EIO;
}

static int free_fiber(void *arg)
{
	mg_http_server_free(arg);
	return 0;
}

static bool status_ok(int st)
{
	static const int ok[] = {100, 200, 400, 404, 405, 408, 413,
	                         414, 417, 431, 500, 501, 505};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (st == ok[i])
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	/* First byte: how the rest arrives (piece size, pauses between). */
	static const size_t pieces[] = {1, 7, 64, 100000};
	uint8_t how = data[0];
	size_t piece = pieces[how & 3];
	uint64_t pause = (how >> 2 & 3) * 4 * MG_NS_PER_S;
	data++;
	size--;
	if (piece < size / 100 + 1)
		piece = size / 100 + 1;
	fake_flow f;
	ff_init(&f);
	for (size_t off = 0; off < size; off += piece) {
		size_t n = size - off < piece ? size - off : piece;
		ff_bytes(&f, (const char *)data + off, n);
		if (pause)
			ff_wait(&f, pause);
	}
	mg_http_limits lim = {.max_request_line = 512,
	                      .max_header_bytes = 1024,
	                      .max_headers = 16,
	                      .max_body = 8192};
	mg_http_server_opts o = {.limits = lim,
	                         .buffer_size = 256,
	                         .max_drain = (how & 16) ? 10 : 0};
	mg_http_server *s = ff_server(&o);
	mg_http_route(s, NULL, "/e", echo, NULL);
	mg_http_route(s, "GET", "/s/*", stream, NULL);
	mg_http_route(s, "POST", "/x", fails, NULL);
	ff_serve(s, &f);
	mg__run(mg_spawn(free_fiber, s, NULL));

	/* Every response starts with a status line the server may send. */
	const char *p = f.out;
	for (int i = 0; p && (p = strstr(p, "HTTP/1.1 ")) != NULL; i++) {
		if (i == 0 && p != f.out)
			abort();
		if (!status_ok(atoi(p + 9)))
			abort();
		p += 9;
	}
	free(f.out);
	return 0;
}
