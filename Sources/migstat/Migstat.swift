import ArgumentParser

@main
struct Migstat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migstat",
        abstract: "Migration-flow statistics with privacy enforced by PostgreSQL."
    )
}
