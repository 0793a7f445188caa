// swift-tools-version: 6.3
import PackageDescription

let package = Package(
    name: "migstat",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "migstat", targets: ["migstat"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // YAML for mapping profiles (Frictionless Data descriptors).
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // libpq, the PostgreSQL C client. Only MigstatPQ imports it.
        .systemLibrary(
            name: "CLibPQ",
            path: "Sources/CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        // libxlsxwriter (Debian libxlsxwriter-dev), the C library that writes `report --format xlsx`.
        .systemLibrary(
            name: "CXLSXWriter",
            path: "Sources/CXLSXWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"]), .brew(["libxlsxwriter"])]
        ),
        // A small, blocking, non-Sendable wrapper over libpq: connections, parameterised queries,
        // transactions, COPY FROM STDIN, errors with SQLSTATE and without bound values.
        .target(
            name: "MigstatPQ",
            dependencies: ["CLibPQ"]
        ),
        // SHA-256 compression on the CPU's SHA extensions (x86-64), for the import's per-row HMAC.
        .target(name: "CSHA256"),
        // Domain logic: import, code lists, purposes, reports, access, audit.
        .target(
            name: "MigstatCore",
            dependencies: [
                "MigstatPQ",
                "CSHA256",
                "CXLSXWriter",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The command-line tool; the only target that knows about ArgumentParser.
        .executableTarget(
            name: "migstat",
            dependencies: [
                "MigstatCore",
                "MigstatPQ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "MigstatPQTests", dependencies: ["MigstatPQ"]),
        .testTarget(name: "MigstatCoreTests", dependencies: ["MigstatCore", "MigstatPQ"]),
        .testTarget(name: "MigstatCLITests", dependencies: ["migstat", "MigstatCore"]),
        // Real PostgreSQL (started by Scripts/pg.sh), the real migstat binary and psql.
        .testTarget(name: "IntegrationTests", dependencies: ["MigstatCore", "MigstatPQ"]),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.type != .system && target.name != "CSHA256" {
    var settings = target.swiftSettings ?? []
    settings.append(contentsOf: [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ])
    target.swiftSettings = settings
}
