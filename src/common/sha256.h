/* SHA-256 (FIPS 180-4), streaming. Used to verify dataset files against recorded checksums.
 * mcb_sha256_hex writes 64 lowercase hex digits and a NUL (65 bytes). */
#ifndef MCB_SHA256_H
#define MCB_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t h[8];
    uint64_t bytes; /* total message length so far */
    uint8_t block[64];
    size_t fill; /* bytes pending in block */
} mcb_sha256;

void mcb_sha256_init(mcb_sha256 *s);
void mcb_sha256_update(mcb_sha256 *s, const void *data, size_t n);
void mcb_sha256_final(mcb_sha256 *s, uint8_t digest[32]);

/* One-shot digest of a buffer. */
void mcb_sha256_buf(const void *data, size_t n, uint8_t digest[32]);
void mcb_sha256_hex(const uint8_t digest[32], char hex[65]);

#endif
