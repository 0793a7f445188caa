/// One record read by `CSVReader`.
///
/// The fields point into the reader's buffer and stay valid only until the next call to
/// `CSVReader.next(into:)` on the reader that filled this record. Reuse one record for a whole file: its storage
/// is kept between calls, so steady-state reading allocates nothing per record. A copy of a record keeps its
/// field table but not the bytes: like the original, it is usable only until the reader's next call, so copy out
/// what you keep (e.g. with `string(_:)`).
package struct CSVRecord {
    /// The physical line (1-based; the header is line 1) where this record starts.
    package var line: Int = 0
    /// Field bounds, two offsets (start, end) per field, relative to `base`; memory owned by `storage`.
    @usableFromInline var bounds: UnsafeMutablePointer<Int>
    /// The number of fields.
    @usableFromInline var fieldCount = 0
    /// Room in `bounds`, in fields.
    var fieldCapacity: Int
    /// Owns `bounds`. Made unique before each read, so copies of a record never share the field table.
    var storage: Storage
    /// Start of the record in the reader's buffer.
    @usableFromInline var base: UnsafePointer<UInt8>?

    /// Creates an empty record to read into.
    package init() {
        fieldCapacity = 32
        storage = Storage(capacity: fieldCapacity)
        bounds = storage.bounds
    }

    /// The number of fields.
    @inlinable
    package var count: Int {
        fieldCount
    }

    /// Calls `body` with the bytes of field `index` (0-based): unquoted, doubled quotes collapsed, valid UTF-8.
    /// The buffer is valid only inside `body`.
    @inlinable
    package func withField<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        precondition(index >= 0 && index < fieldCount, "CSV field index out of range")
        let start = bounds[2 &* index]
        let end = bounds[2 &* index &+ 1]
        return try body(UnsafeBufferPointer(start: base.map { $0 + start }, count: end &- start))
    }

    /// Field `index` (0-based) as a `String`.
    package func string(_ index: Int) -> String {
        withField(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether field `index` (0-based) is empty. An empty quoted field (`""`) is empty too.
    @inlinable
    package func isEmpty(_ index: Int) -> Bool {
        precondition(index >= 0 && index < fieldCount, "CSV field index out of range")
        return bounds[2 &* index] == bounds[2 &* index &+ 1]
    }

    /// All fields as strings; convenient for tests and diagnostics, not for the import hot path.
    package var strings: [String] {
        (0..<count).map { string($0) }
    }

    /// Forgets the previous record's fields, keeping their storage (copying it first if a copy shares it).
    mutating func reset() {
        if !isKnownUniquelyReferenced(&storage) {
            storage = Storage(capacity: fieldCapacity)
            bounds = storage.bounds
        }
        fieldCount = 0
        base = nil
    }

    /// Appends fields to a record from local variables, so the parser's hot loop keeps the field table in
    /// registers instead of reloading it from the record after every store through the table pointer.
    struct Writer {
        var bounds: UnsafeMutablePointer<Int>
        var count = 0
        var capacity: Int

        /// Starts writing fields into `record`, which must have been reset.
        init(_ record: CSVRecord) {
            bounds = record.bounds
            capacity = record.fieldCapacity
        }

        /// Appends a field spanning `start..<end` (offsets from the record's start in the reader's buffer).
        @inline(__always)
        mutating func append(_ start: Int, _ end: Int, to record: inout CSVRecord) {
            if count == capacity {
                record.fieldCount = count
                record.growFields()
                bounds = record.bounds
                capacity = record.fieldCapacity
            }
            bounds[2 &* count] = start
            bounds[2 &* count &+ 1] = end
            count &+= 1
        }
    }

    private mutating func growFields() {
        let grown = Storage(capacity: 2 * fieldCapacity)
        grown.bounds.update(from: bounds, count: 2 * fieldCount)
        storage = grown
        bounds = grown.bounds
        fieldCapacity *= 2
    }

    /// Owns the memory of a field table.
    final class Storage {
        let bounds: UnsafeMutablePointer<Int>

        init(capacity: Int) {
            bounds = .allocate(capacity: 2 * capacity)
        }

        deinit {
            bounds.deallocate()
        }
    }
}
