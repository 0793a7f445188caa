import CSHA256

/// SHA-256 (FIPS 180-4) over a fixed 8×UInt32 state, without heap allocation, and HMAC-SHA256
/// (RFC 2104) on top of precomputed inner and outer midstates.
///
/// swift-crypto's `HMAC<SHA256>` allocates when it is copied and finalised, which is once per
/// imported row; this type keeps everything in registers and on the stack. The compression runs on
/// the CPU's SHA extensions where it has them (`CSHA256`, about ten times faster than the portable
/// Swift rounds below, which every other CPU uses). Both are checked against the FIPS and RFC 4231
/// vectors, against swift-crypto and against each other in `PseudonymTests`.
package struct SHA256Midstate: Equatable, Sendable {
    var h0: UInt32, h1: UInt32, h2: UInt32, h3: UInt32, h4: UInt32, h5: UInt32, h6: UInt32, h7: UInt32

    /// The initial hash value H(0).
    package static let initial = SHA256Midstate(
        h0: 0x6a09e667, h1: 0xbb67ae85, h2: 0x3c6ef372, h3: 0xa54ff53a,
        h4: 0x510e527f, h5: 0x9b05688c, h6: 0x1f83d9ab, h7: 0x5be0cd19)

    /// One block of 16 message words, host order.
    typealias Block = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32,
                       UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)

    static let zeroBlock: Block = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    /// The SHA-256 digest of `message`.
    package static func hash(_ message: UnsafeRawBufferPointer) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        let state = SHA256Midstate.initial.finishing(message, after: 0)
        digest.withUnsafeMutableBytes { state.store(into: $0.baseAddress!) }
        return digest
    }

    /// Hashes `message` on from this state, which has already absorbed `prefix` bytes (a multiple of
    /// 64), and pads: the result is the final state of SHA-256 over prefix + message.
    @inline(__always)
    func finishing(_ message: UnsafeRawBufferPointer, after prefix: Int) -> SHA256Midstate {
        var state = self
        var block = Self.zeroBlock
        let count = message.count
        var offset = 0
        withUnsafeMutableBytes(of: &block) { raw in
            let words = raw.baseAddress!.assumingMemoryBound(to: UInt32.self)
            if let base = message.baseAddress {
                while count - offset >= 64 {
                    for i in 0..<16 {
                        words[i] = UInt32(bigEndian: base.loadUnaligned(fromByteOffset: offset + 4 * i, as: UInt32.self))
                    }
                    state.compress(words)
                    offset += 64
                }
            }
            let rest = count - offset
            raw.initializeMemory(as: UInt8.self, repeating: 0)
            if rest > 0 { raw.baseAddress!.copyMemory(from: message.baseAddress! + offset, byteCount: rest) }
            raw[rest] = 0x80
            for i in 0..<16 { words[i] = UInt32(bigEndian: words[i]) }
            if rest >= 56 {
                state.compress(words)
                raw.initializeMemory(as: UInt8.self, repeating: 0)
            }
            let bits = UInt64(prefix + count) &* 8
            words[14] = UInt32(truncatingIfNeeded: bits >> 32)
            words[15] = UInt32(truncatingIfNeeded: bits)
            state.compress(words)
        }
        return state
    }

    /// Absorbs whole 64-byte blocks (`blocks.count` a multiple of 64), without padding: a streamed
    /// hash absorbs its chunks and ends with `finishing(rest, after: absorbed)`.
    mutating func absorb(_ blocks: UnsafeRawBufferPointer) {
        precondition(blocks.count % 64 == 0)
        guard let base = blocks.baseAddress else { return }
        var block = Self.zeroBlock
        withUnsafeMutableBytes(of: &block) { raw in
            let words = raw.baseAddress!.assumingMemoryBound(to: UInt32.self)
            var offset = 0
            while offset < blocks.count {
                for i in 0..<16 {
                    words[i] = UInt32(bigEndian: base.loadUnaligned(fromByteOffset: offset + 4 * i, as: UInt32.self))
                }
                compress(words)
                offset += 64
            }
        }
    }

    /// Writes the state as 32 big-endian bytes (the digest once finished).
    @inline(__always)
    func store(into output: UnsafeMutableRawPointer) {
        output.storeBytes(of: h0.bigEndian, toByteOffset: 0, as: UInt32.self)
        output.storeBytes(of: h1.bigEndian, toByteOffset: 4, as: UInt32.self)
        output.storeBytes(of: h2.bigEndian, toByteOffset: 8, as: UInt32.self)
        output.storeBytes(of: h3.bigEndian, toByteOffset: 12, as: UInt32.self)
        output.storeBytes(of: h4.bigEndian, toByteOffset: 16, as: UInt32.self)
        output.storeBytes(of: h5.bigEndian, toByteOffset: 20, as: UInt32.self)
        output.storeBytes(of: h6.bigEndian, toByteOffset: 24, as: UInt32.self)
        output.storeBytes(of: h7.bigEndian, toByteOffset: 28, as: UInt32.self)
    }

    /// True when the compression runs on the CPU's SHA extensions.
    package static let usesHardware = migstat_sha256_hw_available() != 0

    /// The SHA-256 compression function over one block of 16 host-order words.
    @inline(__always)
    mutating func compress(_ block: UnsafePointer<UInt32>) {
        if Self.usesHardware { compressHardware(block) } else { compressSoftware(block) }
    }

    /// The compression on the SHA extensions (only when `usesHardware`).
    mutating func compressHardware(_ block: UnsafePointer<UInt32>) {
        var words = (h0, h1, h2, h3, h4, h5, h6, h7)
        withUnsafeMutablePointer(to: &words) { pointer in
            pointer.withMemoryRebound(to: UInt32.self, capacity: 8) { migstat_sha256_compress_hw($0, block) }
        }
        (h0, h1, h2, h3, h4, h5, h6, h7) = words
    }

    /// The portable compression, in Swift.
    mutating func compressSoftware(_ block: UnsafePointer<UInt32>) {
        var w0 = block[0], w1 = block[1], w2 = block[2], w3 = block[3]
        var w4 = block[4], w5 = block[5], w6 = block[6], w7 = block[7]
        var w8 = block[8], w9 = block[9], w10 = block[10], w11 = block[11]
        var w12 = block[12], w13 = block[13], w14 = block[14], w15 = block[15]
        var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7
        round(a, b, c, &d, e, f, g, &h, 0x428a2f98 &+ w0)
        round(h, a, b, &c, d, e, f, &g, 0x71374491 &+ w1)
        round(g, h, a, &b, c, d, e, &f, 0xb5c0fbcf &+ w2)
        round(f, g, h, &a, b, c, d, &e, 0xe9b5dba5 &+ w3)
        round(e, f, g, &h, a, b, c, &d, 0x3956c25b &+ w4)
        round(d, e, f, &g, h, a, b, &c, 0x59f111f1 &+ w5)
        round(c, d, e, &f, g, h, a, &b, 0x923f82a4 &+ w6)
        round(b, c, d, &e, f, g, h, &a, 0xab1c5ed5 &+ w7)
        round(a, b, c, &d, e, f, g, &h, 0xd807aa98 &+ w8)
        round(h, a, b, &c, d, e, f, &g, 0x12835b01 &+ w9)
        round(g, h, a, &b, c, d, e, &f, 0x243185be &+ w10)
        round(f, g, h, &a, b, c, d, &e, 0x550c7dc3 &+ w11)
        round(e, f, g, &h, a, b, c, &d, 0x72be5d74 &+ w12)
        round(d, e, f, &g, h, a, b, &c, 0x80deb1fe &+ w13)
        round(c, d, e, &f, g, h, a, &b, 0x9bdc06a7 &+ w14)
        round(b, c, d, &e, f, g, h, &a, 0xc19bf174 &+ w15)
        w0 = w0 &+ smallSigma1(w14) &+ w9 &+ smallSigma0(w1)
        round(a, b, c, &d, e, f, g, &h, 0xe49b69c1 &+ w0)
        w1 = w1 &+ smallSigma1(w15) &+ w10 &+ smallSigma0(w2)
        round(h, a, b, &c, d, e, f, &g, 0xefbe4786 &+ w1)
        w2 = w2 &+ smallSigma1(w0) &+ w11 &+ smallSigma0(w3)
        round(g, h, a, &b, c, d, e, &f, 0x0fc19dc6 &+ w2)
        w3 = w3 &+ smallSigma1(w1) &+ w12 &+ smallSigma0(w4)
        round(f, g, h, &a, b, c, d, &e, 0x240ca1cc &+ w3)
        w4 = w4 &+ smallSigma1(w2) &+ w13 &+ smallSigma0(w5)
        round(e, f, g, &h, a, b, c, &d, 0x2de92c6f &+ w4)
        w5 = w5 &+ smallSigma1(w3) &+ w14 &+ smallSigma0(w6)
        round(d, e, f, &g, h, a, b, &c, 0x4a7484aa &+ w5)
        w6 = w6 &+ smallSigma1(w4) &+ w15 &+ smallSigma0(w7)
        round(c, d, e, &f, g, h, a, &b, 0x5cb0a9dc &+ w6)
        w7 = w7 &+ smallSigma1(w5) &+ w0 &+ smallSigma0(w8)
        round(b, c, d, &e, f, g, h, &a, 0x76f988da &+ w7)
        w8 = w8 &+ smallSigma1(w6) &+ w1 &+ smallSigma0(w9)
        round(a, b, c, &d, e, f, g, &h, 0x983e5152 &+ w8)
        w9 = w9 &+ smallSigma1(w7) &+ w2 &+ smallSigma0(w10)
        round(h, a, b, &c, d, e, f, &g, 0xa831c66d &+ w9)
        w10 = w10 &+ smallSigma1(w8) &+ w3 &+ smallSigma0(w11)
        round(g, h, a, &b, c, d, e, &f, 0xb00327c8 &+ w10)
        w11 = w11 &+ smallSigma1(w9) &+ w4 &+ smallSigma0(w12)
        round(f, g, h, &a, b, c, d, &e, 0xbf597fc7 &+ w11)
        w12 = w12 &+ smallSigma1(w10) &+ w5 &+ smallSigma0(w13)
        round(e, f, g, &h, a, b, c, &d, 0xc6e00bf3 &+ w12)
        w13 = w13 &+ smallSigma1(w11) &+ w6 &+ smallSigma0(w14)
        round(d, e, f, &g, h, a, b, &c, 0xd5a79147 &+ w13)
        w14 = w14 &+ smallSigma1(w12) &+ w7 &+ smallSigma0(w15)
        round(c, d, e, &f, g, h, a, &b, 0x06ca6351 &+ w14)
        w15 = w15 &+ smallSigma1(w13) &+ w8 &+ smallSigma0(w0)
        round(b, c, d, &e, f, g, h, &a, 0x14292967 &+ w15)
        w0 = w0 &+ smallSigma1(w14) &+ w9 &+ smallSigma0(w1)
        round(a, b, c, &d, e, f, g, &h, 0x27b70a85 &+ w0)
        w1 = w1 &+ smallSigma1(w15) &+ w10 &+ smallSigma0(w2)
        round(h, a, b, &c, d, e, f, &g, 0x2e1b2138 &+ w1)
        w2 = w2 &+ smallSigma1(w0) &+ w11 &+ smallSigma0(w3)
        round(g, h, a, &b, c, d, e, &f, 0x4d2c6dfc &+ w2)
        w3 = w3 &+ smallSigma1(w1) &+ w12 &+ smallSigma0(w4)
        round(f, g, h, &a, b, c, d, &e, 0x53380d13 &+ w3)
        w4 = w4 &+ smallSigma1(w2) &+ w13 &+ smallSigma0(w5)
        round(e, f, g, &h, a, b, c, &d, 0x650a7354 &+ w4)
        w5 = w5 &+ smallSigma1(w3) &+ w14 &+ smallSigma0(w6)
        round(d, e, f, &g, h, a, b, &c, 0x766a0abb &+ w5)
        w6 = w6 &+ smallSigma1(w4) &+ w15 &+ smallSigma0(w7)
        round(c, d, e, &f, g, h, a, &b, 0x81c2c92e &+ w6)
        w7 = w7 &+ smallSigma1(w5) &+ w0 &+ smallSigma0(w8)
        round(b, c, d, &e, f, g, h, &a, 0x92722c85 &+ w7)
        w8 = w8 &+ smallSigma1(w6) &+ w1 &+ smallSigma0(w9)
        round(a, b, c, &d, e, f, g, &h, 0xa2bfe8a1 &+ w8)
        w9 = w9 &+ smallSigma1(w7) &+ w2 &+ smallSigma0(w10)
        round(h, a, b, &c, d, e, f, &g, 0xa81a664b &+ w9)
        w10 = w10 &+ smallSigma1(w8) &+ w3 &+ smallSigma0(w11)
        round(g, h, a, &b, c, d, e, &f, 0xc24b8b70 &+ w10)
        w11 = w11 &+ smallSigma1(w9) &+ w4 &+ smallSigma0(w12)
        round(f, g, h, &a, b, c, d, &e, 0xc76c51a3 &+ w11)
        w12 = w12 &+ smallSigma1(w10) &+ w5 &+ smallSigma0(w13)
        round(e, f, g, &h, a, b, c, &d, 0xd192e819 &+ w12)
        w13 = w13 &+ smallSigma1(w11) &+ w6 &+ smallSigma0(w14)
        round(d, e, f, &g, h, a, b, &c, 0xd6990624 &+ w13)
        w14 = w14 &+ smallSigma1(w12) &+ w7 &+ smallSigma0(w15)
        round(c, d, e, &f, g, h, a, &b, 0xf40e3585 &+ w14)
        w15 = w15 &+ smallSigma1(w13) &+ w8 &+ smallSigma0(w0)
        round(b, c, d, &e, f, g, h, &a, 0x106aa070 &+ w15)
        w0 = w0 &+ smallSigma1(w14) &+ w9 &+ smallSigma0(w1)
        round(a, b, c, &d, e, f, g, &h, 0x19a4c116 &+ w0)
        w1 = w1 &+ smallSigma1(w15) &+ w10 &+ smallSigma0(w2)
        round(h, a, b, &c, d, e, f, &g, 0x1e376c08 &+ w1)
        w2 = w2 &+ smallSigma1(w0) &+ w11 &+ smallSigma0(w3)
        round(g, h, a, &b, c, d, e, &f, 0x2748774c &+ w2)
        w3 = w3 &+ smallSigma1(w1) &+ w12 &+ smallSigma0(w4)
        round(f, g, h, &a, b, c, d, &e, 0x34b0bcb5 &+ w3)
        w4 = w4 &+ smallSigma1(w2) &+ w13 &+ smallSigma0(w5)
        round(e, f, g, &h, a, b, c, &d, 0x391c0cb3 &+ w4)
        w5 = w5 &+ smallSigma1(w3) &+ w14 &+ smallSigma0(w6)
        round(d, e, f, &g, h, a, b, &c, 0x4ed8aa4a &+ w5)
        w6 = w6 &+ smallSigma1(w4) &+ w15 &+ smallSigma0(w7)
        round(c, d, e, &f, g, h, a, &b, 0x5b9cca4f &+ w6)
        w7 = w7 &+ smallSigma1(w5) &+ w0 &+ smallSigma0(w8)
        round(b, c, d, &e, f, g, h, &a, 0x682e6ff3 &+ w7)
        w8 = w8 &+ smallSigma1(w6) &+ w1 &+ smallSigma0(w9)
        round(a, b, c, &d, e, f, g, &h, 0x748f82ee &+ w8)
        w9 = w9 &+ smallSigma1(w7) &+ w2 &+ smallSigma0(w10)
        round(h, a, b, &c, d, e, f, &g, 0x78a5636f &+ w9)
        w10 = w10 &+ smallSigma1(w8) &+ w3 &+ smallSigma0(w11)
        round(g, h, a, &b, c, d, e, &f, 0x84c87814 &+ w10)
        w11 = w11 &+ smallSigma1(w9) &+ w4 &+ smallSigma0(w12)
        round(f, g, h, &a, b, c, d, &e, 0x8cc70208 &+ w11)
        w12 = w12 &+ smallSigma1(w10) &+ w5 &+ smallSigma0(w13)
        round(e, f, g, &h, a, b, c, &d, 0x90befffa &+ w12)
        w13 = w13 &+ smallSigma1(w11) &+ w6 &+ smallSigma0(w14)
        round(d, e, f, &g, h, a, b, &c, 0xa4506ceb &+ w13)
        w14 = w14 &+ smallSigma1(w12) &+ w7 &+ smallSigma0(w15)
        round(c, d, e, &f, g, h, a, &b, 0xbef9a3f7 &+ w14)
        w15 = w15 &+ smallSigma1(w13) &+ w8 &+ smallSigma0(w0)
        round(b, c, d, &e, f, g, h, &a, 0xc67178f2 &+ w15)
        h0 &+= a
        h1 &+= b
        h2 &+= c
        h3 &+= d
        h4 &+= e
        h5 &+= f
        h6 &+= g
        h7 &+= h
    }
}

@inline(__always) private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x &>> n) | (x &<< (32 &- n)) }
@inline(__always) private func smallSigma0(_ x: UInt32) -> UInt32 { rotr(x, 7) ^ rotr(x, 18) ^ (x &>> 3) }
@inline(__always) private func smallSigma1(_ x: UInt32) -> UInt32 { rotr(x, 17) ^ rotr(x, 19) ^ (x &>> 10) }

/// One SHA-256 round; the caller rotates the roles of the eight working variables.
@inline(__always)
private func round(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
                   _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ kw: UInt32) {
    let sigma1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
    let choose = (e & f) ^ (~e & g)
    h = h &+ sigma1 &+ choose &+ kw
    d = d &+ h
    let sigma0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
    let majority = (a & b) ^ (a & c) ^ (b & c)
    h = h &+ sigma0 &+ majority
}

/// HMAC-SHA256 with the key's inner and outer pads hashed once: each message then costs one
/// compression per 64 bytes of message (plus padding) and one for the outer hash.
package struct HMACSHA256Midstates: Sendable {
    private let inner: SHA256Midstate
    private let outer: SHA256Midstate

    /// Keys the HMAC (keys longer than the 64-byte block are hashed first, as RFC 2104 says).
    package init(key: [UInt8]) {
        var padded = [UInt8](repeating: 0, count: 64)
        if key.count > 64 {
            let digest = key.withUnsafeBytes { SHA256Midstate.hash($0) }
            padded.replaceSubrange(0..<32, with: digest)
        } else {
            padded.replaceSubrange(0..<key.count, with: key)
        }
        var inner = SHA256Midstate.initial
        var outer = SHA256Midstate.initial
        var block = SHA256Midstate.zeroBlock
        withUnsafeMutableBytes(of: &block) { raw in
            let words = raw.baseAddress!.assumingMemoryBound(to: UInt32.self)
            for pad: UInt8 in [0x36, 0x5c] {
                for i in 0..<64 { raw[i] = padded[i] ^ pad }
                for i in 0..<16 { words[i] = UInt32(bigEndian: words[i]) }
                if pad == 0x36 { inner.compress(words) } else { outer.compress(words) }
            }
        }
        self.inner = inner
        self.outer = outer
    }

    /// Writes HMAC-SHA256(key, message), 32 bytes, to `output`.
    @inline(__always)
    package func authenticationCode(of message: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer) {
        let innerDigest = inner.finishing(message, after: 64)
        var state = outer
        var block: SHA256Midstate.Block = (
            innerDigest.h0, innerDigest.h1, innerDigest.h2, innerDigest.h3,
            innerDigest.h4, innerDigest.h5, innerDigest.h6, innerDigest.h7,
            0x8000_0000, 0, 0, 0, 0, 0, 0, (64 + 32) * 8)
        withUnsafePointer(to: &block) { pointer in
            pointer.withMemoryRebound(to: UInt32.self, capacity: 16) { state.compress($0) }
        }
        state.store(into: output)
    }

    /// HMAC-SHA256(key, message) as 32 bytes.
    package func authenticationCode(of message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        message.withUnsafeBytes { bytes in
            output.withUnsafeMutableBytes { authenticationCode(of: bytes, into: $0.baseAddress!) }
        }
        return output
    }
}
