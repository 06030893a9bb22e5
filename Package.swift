// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "insignia",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "insignia", targets: ["insignia"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // The domain: JOSE, DIDs, badge claims, verification. No HTTP, no SQL.
        .target(
            name: "BadgeCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // Policy documents (a strict YAML subset), resolution, the bundle's Rego and a native
        // evaluator of the same semantics. Pure: no HTTP, no SQL.
        .target(
            name: "PolicyCore",
            dependencies: ["BadgeCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // CA private keys in files or the environment (never the database).
        .target(
            name: "CAKeys",
            dependencies: ["BadgeCore", "Registry"]
        ),
        // Use cases over ports (storage, signer, clock).
        .target(
            name: "Registry",
            dependencies: [
                "BadgeCore", "PolicyCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The system SQLite library (Debian: libsqlite3-dev), for the SQLite driver.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        // SQLite and PostgreSQL implementations of the Registry storage port.
        .target(
            name: "Storage",
            dependencies: [
                "BadgeCore", "Registry", "CSQLite",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The storage port in memory, for fast unit tests of the use cases (no I/O).
        .target(
            name: "MemoryStore",
            dependencies: ["BadgeCore", "Registry"]
        ),
        // One storage conformance suite, run by the tests against every backend.
        .target(
            name: "StoreConformance",
            dependencies: ["BadgeCore", "Registry", "Storage", .product(name: "Logging", package: "swift-log")]
        ),
        // Thin Hummingbird controllers, auth, error mapping; the OpenAPI document as a resource.
        .target(
            name: "InsigniaHTTP",
            dependencies: [
                "BadgeCore", "Registry", "PolicyCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The OpenAPI document, edited by hand and served byte for byte (DocsController); the
            // pinned Swagger UI build and our own browser files (StaticAssets).
            resources: [.copy("Resources/openapi.json"), .copy("Resources/swagger"), .copy("Resources/web")]
        ),
        // The only code that makes outbound requests (did:web, HTTP-01, DNS-01), SSRF-hardened.
        .target(
            name: "Outbound",
            dependencies: [
                "BadgeCore", "Registry",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // The composition root: configuration, logging, store, CA keys, outbound clients, use cases
        // and the HTTP application, for `insignia serve` and every operator command.
        .target(
            name: "InsigniaApp",
            dependencies: [
                "BadgeCore", "Registry", "Storage", "CAKeys", "Outbound", "InsigniaHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "insignia",
            dependencies: [
                "BadgeCore", "InsigniaApp", "InsigniaHTTP", "Registry", "Storage", "CAKeys", "Outbound",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "BadgeCoreTests", dependencies: ["BadgeCore"]),
        .testTarget(name: "PolicyCoreTests", dependencies: ["PolicyCore", "BadgeCore"]),
        .testTarget(name: "CAKeysTests", dependencies: ["CAKeys", "BadgeCore"]),
        .testTarget(name: "RegistryTests", dependencies: ["Registry", "BadgeCore", "MemoryStore"]),
        .testTarget(
            name: "StorageTests",
            dependencies: ["Storage", "StoreConformance", "Registry", "MemoryStore"]
        ),
        .testTarget(
            name: "OutboundTests",
            dependencies: [
                "Outbound", "Registry",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "InsigniaHTTPTests",
            dependencies: [
                "InsigniaHTTP", "InsigniaApp", "Storage", "Registry", "BadgeCore", "CAKeys", "StoreConformance", "Outbound",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
