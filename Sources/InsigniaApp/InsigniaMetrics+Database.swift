import InsigniaHTTP
import Storage

extension InsigniaMetrics {
    /// The same database, reporting pool figures (`insignia_db_*`, labelled with its backend) here.
    public func instrument(_ opened: OpenedDatabase) -> OpenedDatabase {
        opened.instrumented(by: DatabaseMetrics(registry: registry, backend: opened.database.dialect.rawValue, poolSize: opened.poolSize))
    }
}
