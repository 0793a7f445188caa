// SHA-256 compression with the x86 SHA extensions (SHA-NI), for the HMAC of the import's hot loop.
// The portable compression stays in Swift (SHA256Midstate.compress); this one is used only where
// the CPU has the instructions (migstat_sha256_hw_available), and both are checked against the
// FIPS 180-4 vectors and against each other in PseudonymTests.
#ifndef MIGSTAT_CSHA256_H
#define MIGSTAT_CSHA256_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when this CPU has the SHA extensions (and SSE4.1/SSSE3) and the hardware path is compiled in.
int migstat_sha256_hw_available(void);

/// One SHA-256 compression: `state` (8 words, host order) absorbs `block` (16 message words, host
/// order, i.e. already converted from the big-endian message bytes). Only call it when
/// migstat_sha256_hw_available() returns 1.
void migstat_sha256_compress_hw(uint32_t state[8], const uint32_t block[16]);

#ifdef __cplusplus
}
#endif

#endif
