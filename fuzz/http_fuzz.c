/* Requests into the HTTP/1.1 parser: any split gives the same events. */
// fuzz-link: http/*.c
#include <mg/http.h>

#include <stdlib.h>
#include <string.h>

#include "../tests/unit/http_driver.h"

static http_log whole, bytes, split;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > 4096)
		return 0;
	/* First byte: small limits (so that every bound is reached) or the
	 * defaults; second: where to split in two. */
	mg_http_limits small = {.max_request_line = 40, .max_header_bytes = 96,
	                        .max_headers = 4, .max_body = 64,
	                        .max_chunk_line = 12};
	const mg_http_limits *lim = data[0] & 1 ? &small : NULL;
	size_t cut = data[1];
	data += 2;
	size -= 2;
	/* An exact-size copy, so that ASan sees any read past the end. */
	uint8_t *in = malloc(size ? size : 1);
	if (!in)
		abort();
	memcpy(in, data, size);
	if (!http_drive(in, size, 0, 0, lim, &whole) ||
	    !http_drive(in, size, 1, 1, lim, &bytes) ||
	    !http_drive(in, size, cut, 0, lim, &split))
		abort();
	if (strcmp(whole.s, bytes.s) != 0 || strcmp(whole.s, split.s) != 0)
		abort();
	free(in);
	return 0;
}
