// The system SQLite (Debian: libsqlite3-dev), which the Storage target's SQLite driver calls
// directly. Ours, so the driver depends on the published SQLite C API only.
#ifndef INSIGNIA_CSQLITE_SHIM_H
#define INSIGNIA_CSQLITE_SHIM_H

#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast of -1 to a function pointer, which Swift does not import: it tells
// SQLite to copy bound text before the call returns.
static inline sqlite3_destructor_type insignia_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

#endif
