/* SHA-256 against the FIPS 180-4 / NIST example vectors, and incremental == one-shot. */
#include "sha256.h"
#include "../test.h"

#include <stdlib.h>
#include <string.h>

static int hex_of(const void *data, size_t n, const char *want)
{
    uint8_t d[32];
    char hex[65];
    mcb_sha256_buf(data, n, d);
    mcb_sha256_hex(d, hex);
    if (strcmp(hex, want)) {
        fprintf(stderr, "sha256 of %zu bytes: %s, expected %s\n", n, hex, want);
        return 0;
    }
    return 1;
}

int main(void)
{
    CHECK(hex_of("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    CHECK(hex_of("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    CHECK(hex_of(m448, strlen(m448),
                 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
    const char *m896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                       "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    CHECK(hex_of(m896, strlen(m896),
                 "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"));

    /* One million 'a', fed in uneven pieces to exercise the partial-block path. */
    char *a = malloc(1000000);
    CHECK(a != NULL);
    if (!a)
        return TEST_END();
    memset(a, 'a', 1000000);
    CHECK(hex_of(a, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
    mcb_sha256 s;
    mcb_sha256_init(&s);
    size_t done = 0, step = 1;
    while (done < 1000000) {
        size_t n = 1000000 - done < step ? 1000000 - done : step;
        mcb_sha256_update(&s, a + done, n);
        done += n;
        step = step * 3 % 997 + 1;
    }
    uint8_t d[32];
    char hex[65];
    mcb_sha256_final(&s, d);
    mcb_sha256_hex(d, hex);
    CHECK(!strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));

    /* Every length around the padding boundaries: byte-by-byte equals one-shot. */
    for (size_t len = 0; len <= 200; len++) {
        uint8_t one[32], inc[32];
        mcb_sha256_buf(a, len, one);
        mcb_sha256_init(&s);
        for (size_t i = 0; i < len; i++)
            mcb_sha256_update(&s, a + i, 1);
        mcb_sha256_final(&s, inc);
        CHECK(!memcmp(one, inc, 32));
    }
    free(a);
    return TEST_END();
}
