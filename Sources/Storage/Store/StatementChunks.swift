extension Array {
    /// The array in consecutive slices of at most 500 elements: the rows one multi-row statement
    /// writes (or names in an `IN` list). The widest row binds 13 values (a badge on SQLite's
    /// ledger), so a statement stays far below both databases' bind limits (PostgreSQL 65 535,
    /// SQLite 32 766). PostgreSQL's ledger statement binds columns as arrays and needs no slices.
    var statementChunks: [ArraySlice<Element>] {
        stride(from: 0, to: count, by: 500).map { self[$0..<Swift.min($0 + 500, count)] }
    }
}
