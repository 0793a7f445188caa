import Testing
@testable import MigstatCore

@Suite struct CodeBookTests {
    /// Codes of every length 1...32, some sharing their first 16 bytes, found case-insensitively with
    /// surrounding spaces; near misses are not.
    @Test func everyCodeIsFoundAndNearMissesAreNot() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-".utf8)
        var codes: Set<String> = []
        let shared = String(decoding: (0..<16).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self)
        for length in 1...32 {
            for _ in 0..<20 {
                codes.insert(String(decoding: (0..<length).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self))
            }
            if length > 16 {
                codes.insert(shared + String(decoding: (16..<length).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self))
            }
        }
        codes.insert("KG-GB")
        codes.insert(String(repeating: "Q", count: 70))           // no length limit of its own
        codes.insert("Кыргыз")
        let pairs = codes.sorted().enumerated().map { ($0.element, Int16($0.offset + 1)) }
        let list = CodeBook.List(pairs)
        #expect(list.count == pairs.count)
        for (code, id) in pairs {
            #expect(list.id(code) == id, "\(code)")
            #expect(list.id(" " + code.lowercased() + "  ") == id, "\(code)")
            let changed = String(code.dropLast()) + (code.last == "A" ? "B" : "A")
            if !codes.contains(changed) { #expect(list.id(changed) == nil, "\(changed)") }
            if code.count > 1, !codes.contains(String(code.dropLast())) { #expect(list.id(String(code.dropLast())) == nil) }
            if !codes.contains(code + "X") { #expect(list.id(code + "X") == nil) }
        }
        #expect(list.id("") == nil)
        #expect(list.id("   ") == nil)
        #expect(list.id(String(repeating: "A", count: 33)) == nil)
        // A national list in Cyrillic: stored upper-cased (as the database stores it), found in any case.
        #expect(list.id("Кыргыз") != nil)
        #expect(list.id("кыргыз") == list.id("Кыргыз") && list.id(" КЫРГЫЗ ") == list.id("Кыргыз"))
        #expect(list.id("кыргызы") == nil)
    }
}
