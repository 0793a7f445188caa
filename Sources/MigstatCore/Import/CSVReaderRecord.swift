/// One record read by `CSVReader`.
///
/// The fields point into the reader's buffer and stay valid only until the next call to
/// `CSVReader.next(into:)` on the reader that filled this record. Reuse one record for a whole file: its storage
/// is kept between calls, so steady-state reading allocates nothing per record. Copies share the field table, so
/// a copy, like the field bytes, describes the current record only until the next call; copy out what you keep
/// (e.g. with `string(_:)`).
package struct CSVRecord {
    /// The physical line (1-based; the header is line 1) where this record starts.
    package var line: Int = 0
    /// Field bounds, shared by copies of this record (copies go stale on the next read anyway).
    let fields = Fields()
    /// Start of the record in the reader's buffer.
    var base: UnsafePointer<UInt8>?

    /// Creates an empty record to read into.
    package init() {}

    /// The number of fields.
    package var count: Int {
        fields.count
    }

    /// Calls `body` with the bytes of field `index` (0-based): unquoted, doubled quotes collapsed, valid UTF-8.
    /// The buffer is valid only inside `body`.
    @inline(__always)
    package func withField<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        precondition(index >= 0 && index < fields.count, "CSV field index out of range")
        let start = fields.bounds[2 &* index]
        let end = fields.bounds[2 &* index &+ 1]
        return try body(UnsafeBufferPointer(start: base.map { $0 + start }, count: end &- start))
    }

    /// Field `index` (0-based) as a `String`.
    package func string(_ index: Int) -> String {
        withField(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether field `index` (0-based) is empty. An empty quoted field (`""`) is empty too.
    package func isEmpty(_ index: Int) -> Bool {
        precondition(index >= 0 && index < fields.count, "CSV field index out of range")
        return fields.bounds[2 &* index] == fields.bounds[2 &* index &+ 1]
    }

    /// All fields as strings; convenient for tests and diagnostics, not for the import hot path.
    package var strings: [String] {
        (0..<count).map { string($0) }
    }

    /// Forgets the previous record's fields, keeping their storage.
    mutating func reset() {
        fields.count = 0
        base = nil
    }

    /// Growable storage for field bounds: two offsets (start, end) per field, relative to the record's start.
    final class Fields {
        /// `2 * capacity` offsets.
        private(set) var bounds: UnsafeMutablePointer<Int>
        /// Room for this many fields.
        private(set) var capacity: Int
        /// The number of fields stored.
        var count = 0

        init() {
            capacity = 32
            bounds = .allocate(capacity: 2 * capacity)
        }

        deinit {
            bounds.deallocate()
        }

        /// Appends a field spanning `start..<end`.
        @inline(__always)
        func append(_ start: Int, _ end: Int) {
            if count == capacity {
                grow()
            }
            bounds[2 &* count] = start
            bounds[2 &* count &+ 1] = end
            count &+= 1
        }

        private func grow() {
            let newBounds = UnsafeMutablePointer<Int>.allocate(capacity: 4 * capacity)
            newBounds.update(from: bounds, count: 2 * count)
            bounds.deallocate()
            bounds = newBounds
            capacity *= 2
        }
    }
}
