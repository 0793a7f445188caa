// SHA-256 compression with Intel's SHA extensions (sha256rnds2, sha256msg1, sha256msg2), after
// the layout of Intel's white paper "Intel SHA Extensions" (2013): the state is kept as ABEF and
// CDGH, four rounds per step, the message schedule computed four words at a time.
#include "csha256.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <cpuid.h>
#include <immintrin.h>

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

int migstat_sha256_hw_available(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    int ssse3 = (ecx >> 9) & 1, sse41 = (ecx >> 19) & 1;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    int sha = (ebx >> 29) & 1;
    return ssse3 && sse41 && sha;
}

__attribute__((target("sha,sse4.1,ssse3")))
void migstat_sha256_compress_hw(uint32_t state[8], const uint32_t block[16]) {
    // state = a b c d e f g h (host order); the instructions want ABEF and CDGH, high word first.
    __m128i tmp = _mm_loadu_si128((const __m128i *)&state[0]);   // d c b a (lanes 3..0)
    __m128i s1 = _mm_loadu_si128((const __m128i *)&state[4]);    // h g f e
    tmp = _mm_shuffle_epi32(tmp, 0xB1);                          // c d a b
    s1 = _mm_shuffle_epi32(s1, 0x1B);                            // e f g h
    __m128i s0 = _mm_alignr_epi8(tmp, s1, 8);                    // a b e f
    s1 = _mm_blend_epi16(s1, tmp, 0xF0);                         // c d g h
    const __m128i abef = s0, cdgh = s1;

    // The block is already 16 host-order words: the message words W0..W15 as they are.
    __m128i w[4];
    w[0] = _mm_loadu_si128((const __m128i *)&block[0]);
    w[1] = _mm_loadu_si128((const __m128i *)&block[4]);
    w[2] = _mm_loadu_si128((const __m128i *)&block[8]);
    w[3] = _mm_loadu_si128((const __m128i *)&block[12]);

    for (int i = 0; i < 16; i++) {
        __m128i msg = _mm_add_epi32(w[i & 3], _mm_loadu_si128((const __m128i *)&K[4 * i]));
        s1 = _mm_sha256rnds2_epu32(s1, s0, msg);
        msg = _mm_shuffle_epi32(msg, 0x0E);
        s0 = _mm_sha256rnds2_epu32(s0, s1, msg);
        if (i < 12) {
            // W[4(i+4) .. 4(i+4)+3] from W[4i..], W[4i+4..], W[4i+8..], W[4i+12..].
            __m128i next = _mm_sha256msg1_epu32(w[i & 3], w[(i + 1) & 3]);
            next = _mm_add_epi32(next, _mm_alignr_epi8(w[(i + 3) & 3], w[(i + 2) & 3], 4));
            w[i & 3] = _mm_sha256msg2_epu32(next, w[(i + 3) & 3]);
        }
    }
    s0 = _mm_add_epi32(s0, abef);
    s1 = _mm_add_epi32(s1, cdgh);

    // Back from ABEF/CDGH to a b c d e f g h.
    tmp = _mm_shuffle_epi32(s0, 0x1B);                           // f e b a
    s1 = _mm_shuffle_epi32(s1, 0xB1);                            // d c h g
    s0 = _mm_blend_epi16(tmp, s1, 0xF0);                         // d c b a
    s1 = _mm_alignr_epi8(s1, tmp, 8);                            // h g f e
    _mm_storeu_si128((__m128i *)&state[0], s0);
    _mm_storeu_si128((__m128i *)&state[4], s1);
}

#else

int migstat_sha256_hw_available(void) { return 0; }

void migstat_sha256_compress_hw(uint32_t state[8], const uint32_t block[16]) {
    (void)state;
    (void)block;
}

#endif
