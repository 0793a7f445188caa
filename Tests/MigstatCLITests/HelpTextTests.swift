import ArgumentParser
import Foundation
import Testing

@testable import migstat

/// Help text: every command shows at least one example, no option says its default twice (ArgumentParser prints
/// `(default: x)` itself), and prose is wrapped by the parser (no line of a paragraph ends early because of a
/// hard line break in the source).
@Suite struct HelpTextTests {
    /// Every command that runs something (no subcommands), with its path.
    static func leaves(_ command: any ParsableCommand.Type, _ path: [String] = []) -> [([String], any ParsableCommand.Type)] {
        let name = command.configuration.commandName ?? command._commandName
        let here = path + [name]
        let subs = command.configuration.subcommands
        return subs.isEmpty ? [(here, command)] : subs.flatMap { leaves($0, here) }
    }

    /// Every command, groups included.
    static func all(_ command: any ParsableCommand.Type, _ path: [String] = []) -> [([String], any ParsableCommand.Type)] {
        let here = path + [command.configuration.commandName ?? command._commandName]
        return [(here, command)] + command.configuration.subcommands.flatMap { all($0, here) }
    }

    @Test func everyCommandHasAnExampleAndNoDoubledDefault() {
        let all = Self.leaves(Migstat.self)
        #expect(all.count > 30)
        for (path, command) in all {
            let help = Migstat.helpMessage(for: command, columns: 100)
            #expect(help.contains("Example:") || help.contains("Examples:"), "\(path.joined(separator: " ")) has no example")
            let options = help.components(separatedBy: "OPTIONS:").last ?? ""
            for block in options.components(separatedBy: "\n  -") {
                let defaults = block.lowercased().components(separatedBy: "default").count - 1
                #expect(defaults < 2, "\(path.joined(separator: " ")): default said twice in -\(block)")
            }
        }
    }

    /// A paragraph of a discussion re-wrapped at 100 columns has no line shorter than half the width followed by
    /// more prose of the same paragraph (what a hard line break in the source leaves).
    @Test func discussionsAreWrappedByTheParser() {
        for (path, command) in Self.all(Migstat.self) {
            let discussion = command.configuration.discussion
            for paragraph in discussion.components(separatedBy: "\n\n") {
                let lines = paragraph.split(separator: "\n").map(String.init)
                guard lines.count > 1, !lines.contains(where: { $0.hasPrefix(" ") || $0.hasPrefix("-") }) else { continue }
                #expect(Bool(false), "\(path.joined(separator: " ")): a hard line break in \"\(lines[0])\"")
            }
        }
    }
}
