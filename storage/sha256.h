/* SHA-256 (FIPS 180-4) for the stores' digests; internal to storage/. */
#ifndef MG_STORAGE_SHA256_H
#define MG_STORAGE_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct mg__sha256 {
	uint32_t h[8];
	uint64_t total; /* bytes hashed */
	uint8_t block[64];
	size_t used; /* bytes of (block) filled */
} mg__sha256;

void mg__sha256_init(mg__sha256 *s);
void mg__sha256_update(mg__sha256 *s, const void *data, size_t len);
void mg__sha256_final(mg__sha256 *s, uint8_t out[static 32]);
/* The digest as 64 lowercase hex characters and a NUL. */
void mg__sha256_final_hex(mg__sha256 *s, char out[static 65]);

#endif
