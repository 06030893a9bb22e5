// The system SQLite (Debian: libsqlite3-dev), which the Storage target's SQLite driver calls
// directly. Ours, so the driver depends on the published SQLite C API only.
#ifndef INSIGNIA_CSQLITE_SHIM_H
#define INSIGNIA_CSQLITE_SHIM_H

#include <pthread.h>
#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast of -1 to a function pointer, which Swift does not import: it tells
// SQLite to copy bound text before the call returns.
static inline sqlite3_destructor_type insignia_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

// Names the calling thread (a connection's, as `top -H` shows it). Glibc declares
// pthread_setname_np only with _GNU_SOURCE, so Swift does not see it.
static inline void insignia_name_this_thread(const char *name) {
#if defined(__APPLE__)
    pthread_setname_np(name);
#else
    extern int pthread_setname_np(pthread_t thread, const char *name);
    pthread_setname_np(pthread_self(), name);
#endif
}

#endif
