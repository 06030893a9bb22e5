/// One versioned schema change. Versions only ever grow; an applied migration is never edited.
struct Migration: Sendable {
    let version: Int
    let name: String
    /// Statements in the dialect both databases share.
    let statements: [String]
    /// Statements for one dialect, run after the shared ones: for the few features (a substring
    /// index) that the two databases spell differently.
    var only: [SQLDialect: [String]] = [:]

    /// Everything this migration runs on `dialect`, in order.
    func statements(for dialect: SQLDialect) -> [String] { statements + (only[dialect] ?? []) }
}

extension Migration {
    /// Every migration, in order.
    static let all: [Migration] = [
        Migration(version: 1, name: "organisations, api keys, agents", statements: [
            """
            CREATE TABLE organizations (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                created_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                org_id TEXT NOT NULL REFERENCES organizations(id),
                name TEXT NOT NULL,
                prefix TEXT NOT NULL,
                key_hash TEXT NOT NULL UNIQUE,
                scopes TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                last_used_at BIGINT,
                expires_at BIGINT,
                revoked_at BIGINT
            )
            """,
            "CREATE INDEX api_keys_org ON api_keys (org_id, created_at)",
            """
            CREATE TABLE agents (
                id TEXT PRIMARY KEY,
                org_id TEXT NOT NULL REFERENCES organizations(id),
                user_id TEXT,
                name TEXT NOT NULL,
                description TEXT,
                domain TEXT,
                did TEXT UNIQUE,
                public_key_jwk TEXT,
                status TEXT NOT NULL,
                protocol TEXT,
                agent_card TEXT,
                trust_level TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                disabled_at BIGINT,
                disable_reason TEXT
            )
            """,
            "CREATE INDEX agents_org ON agents (org_id, created_at, id)",
        ]),
        Migration(version: 2, name: "badge CA: org verification, CA keys, badge ledger, rate counters, audit", statements: [
            // One column per statement: SQLite's ALTER TABLE adds only one at a time.
            "ALTER TABLE organizations ADD COLUMN verified_level INTEGER",
            "ALTER TABLE organizations ADD COLUMN verified_at BIGINT",
            "ALTER TABLE organizations ADD COLUMN verified_by TEXT",
            "ALTER TABLE organizations ADD COLUMN verification_note TEXT",
            """
            CREATE TABLE ca_keys (
                kid TEXT PRIMARY KEY,
                public_jwk TEXT NOT NULL,
                state TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                activated_at BIGINT,
                retired_at BIGINT
            )
            """,
            // The database itself refuses a second active key, whatever the code does.
            "CREATE UNIQUE INDEX ca_keys_one_active ON ca_keys (state) WHERE state = 'active'",
            // No foreign key to agents: an agent may be deleted, its badges stay in the ledger.
            """
            CREATE TABLE badges (
                jti TEXT PRIMARY KEY,
                org_id TEXT NOT NULL,
                agent_id TEXT,
                subject TEXT NOT NULL,
                level TEXT NOT NULL,
                ial TEXT NOT NULL,
                kid TEXT NOT NULL,
                issued_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                audience TEXT NOT NULL,
                revoked_at BIGINT,
                revocation_reason TEXT
            )
            """,
            "CREATE INDEX badges_kid_expiry ON badges (kid, expires_at)",
            "CREATE INDEX badges_revoked ON badges (revoked_at, jti) WHERE revoked_at IS NOT NULL",
            "CREATE INDEX badges_org ON badges (org_id)",
            """
            CREATE TABLE rate_counters (
                bucket TEXT NOT NULL,
                window_start BIGINT NOT NULL,
                count INTEGER NOT NULL,
                PRIMARY KEY (bucket, window_start)
            )
            """,
            """
            CREATE TABLE audit_events (
                id TEXT PRIMARY KEY,
                org_id TEXT,
                type TEXT NOT NULL,
                actor TEXT NOT NULL,
                subject TEXT,
                details TEXT,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX audit_events_org ON audit_events (org_id, created_at)",
        ]),
        Migration(version: 3, name: "proof of possession: challenges and proof replay cache", statements: [
            """
            CREATE TABLE pop_challenges (
                challenge_id TEXT PRIMARY KEY,
                nonce TEXT NOT NULL,
                did TEXT NOT NULL,
                agent_id TEXT NOT NULL,
                org_id TEXT NOT NULL,
                badge_aud TEXT NOT NULL,
                badge_ttl BIGINT NOT NULL,
                proof_aud TEXT NOT NULL,
                htu TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                used INTEGER NOT NULL,
                used_at BIGINT,
                issued_badge_jti TEXT,
                client_ip TEXT
            )
            """,
            "CREATE INDEX pop_challenges_expiry ON pop_challenges (expires_at)",
            """
            CREATE TABLE proof_jtis (
                jti TEXT PRIMARY KEY,
                expires_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX proof_jtis_expiry ON proof_jtis (expires_at)",
        ]),
        Migration(version: 4, name: "audit events by agent", statements: [
            "ALTER TABLE audit_events ADD COLUMN agent_id TEXT",
            "CREATE INDEX audit_events_org_agent ON audit_events (org_id, agent_id, created_at)",
        ]),
        Migration(version: 5, name: "dashboard identities: users, memberships, mirrored organisations, webhook deliveries", statements: [
            "ALTER TABLE organizations ADD COLUMN external_id TEXT",
            "ALTER TABLE organizations ADD COLUMN deleted_at BIGINT",
            // NULLs never collide in a unique index, on either database.
            "CREATE UNIQUE INDEX organizations_external_id ON organizations (external_id)",
            """
            CREATE TABLE users (
                id TEXT PRIMARY KEY,
                external_id TEXT NOT NULL UNIQUE,
                email TEXT,
                name TEXT,
                personal_org_id TEXT REFERENCES organizations(id),
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                deleted_at BIGINT
            )
            """,
            """
            CREATE TABLE memberships (
                org_id TEXT NOT NULL REFERENCES organizations(id),
                user_id TEXT NOT NULL,
                role TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (org_id, user_id)
            )
            """,
            "CREATE INDEX memberships_user ON memberships (user_id, created_at)",
            """
            CREATE TABLE webhook_deliveries (
                id TEXT PRIMARY KEY,
                event_type TEXT NOT NULL,
                received_at BIGINT NOT NULL
            )
            """,
        ]),
        Migration(version: 6, name: "domain validation: orders and DV grants", statements: [
            """
            CREATE TABLE dv_orders (
                order_id TEXT PRIMARY KEY,
                domain TEXT NOT NULL,
                challenge_type TEXT NOT NULL,
                token TEXT NOT NULL UNIQUE,
                jkt TEXT NOT NULL,
                org_id TEXT,
                client_ip TEXT,
                status TEXT NOT NULL,
                failed_attempts INTEGER NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                finalized_at BIGINT,
                grant_jti TEXT,
                validated_via TEXT,
                validated_target TEXT,
                validated_at BIGINT
            )
            """,
            "CREATE INDEX dv_orders_domain ON dv_orders (domain, status, expires_at)",
            "CREATE INDEX dv_orders_client ON dv_orders (client_ip, status, expires_at)",
            """
            CREATE TABLE dv_grants (
                jti TEXT PRIMARY KEY,
                domain TEXT NOT NULL,
                jkt TEXT NOT NULL,
                org_id TEXT,
                order_id TEXT NOT NULL,
                token TEXT NOT NULL,
                issued_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                revoked_at BIGINT
            )
            """,
            "CREATE INDEX dv_grants_domain ON dv_grants (domain, expires_at)",
        ]),
        // Badges minted from DV grants (CONTRACT.md §4.8.6): which subject, which grant, and the
        // segment after `agents` in the subject, so agent status can find live minted subjects.
        Migration(version: 7, name: "domain validation: minted badges", statements: [
            """
            CREATE TABLE dv_minted_badges (
                jti TEXT PRIMARY KEY,
                subject TEXT NOT NULL,
                agent_segment TEXT,
                grant_jti TEXT NOT NULL,
                expires_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX dv_minted_subject ON dv_minted_badges (subject, expires_at)",
            "CREATE INDEX dv_minted_segment ON dv_minted_badges (agent_segment, expires_at)",
        ]),
        // Events reported by agents and SDKs (`POST /v1/events`, issue #12): apart from the audit
        // log, idempotent per organisation by the client's event id, purged after the retention.
        Migration(version: 8, name: "ingested agent events", statements: [
            """
            CREATE TABLE agent_events (
                org_id TEXT NOT NULL,
                id TEXT NOT NULL,
                type TEXT NOT NULL,
                agent_id TEXT,
                server_id TEXT,
                severity TEXT,
                actor TEXT NOT NULL,
                body TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (org_id, id)
            )
            """,
            "CREATE INDEX agent_events_org_time ON agent_events (org_id, created_at, id)",
            "CREATE INDEX agent_events_received ON agent_events (created_at)",
        ]),
        // MCP servers (issue #12, RFC-007) share the agents table: one DID namespace, one ledger
        // join for verification, one status rule. `kind` keeps their routes and lists apart.
        Migration(version: 9, name: "MCP servers in the registry", statements: [
            "ALTER TABLE agents ADD COLUMN kind TEXT NOT NULL DEFAULT 'agent'",
            "ALTER TABLE agents ADD COLUMN url TEXT",
            "CREATE INDEX agents_org_kind ON agents (org_id, kind, created_at, id)",
            // Every list now filters by kind: the new index replaces this one.
            "DROP INDEX agents_org",
        ]),
        // The badge transparency log (issue #13): entries sequenced in the ledger transaction (one
        // counter row, so concurrent ledger transactions on every replica take indices in commit
        // order without gaps), the tiles of the integrated tree, and the signed checkpoints.
        Migration(version: 10, name: "badge transparency log", statements: [
            "CREATE TABLE tlog_sequence (id INTEGER PRIMARY KEY, next_index BIGINT NOT NULL)",
            "INSERT INTO tlog_sequence (id, next_index) VALUES (1, 0)",
            """
            CREATE TABLE tlog_entries (
                idx BIGINT PRIMARY KEY,
                jti TEXT NOT NULL,
                subject TEXT NOT NULL,
                type TEXT NOT NULL,
                data TEXT NOT NULL
            )
            """,
            "CREATE INDEX tlog_entries_jti ON tlog_entries (jti)",
            "CREATE INDEX tlog_entries_subject ON tlog_entries (subject, idx)",
            """
            CREATE TABLE tlog_tiles (
                level INTEGER NOT NULL,
                idx BIGINT NOT NULL,
                hashes TEXT NOT NULL,
                PRIMARY KEY (level, idx)
            )
            """,
            """
            CREATE TABLE tlog_checkpoints (
                size BIGINT PRIMARY KEY,
                note TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
        ]),
        // The admin console (issue #15): server-side sessions, stored by the SHA-256 of their id
        // (the cookie alone holds the id) with the hash of the API key that signed in, so revoking
        // the key ends its sessions; and the index the console's newest-first badge list reads.
        Migration(version: 11, name: "console sessions; badges by organisation and issue time", statements: [
            """
            CREATE TABLE console_sessions (
                id_hash TEXT PRIMARY KEY,
                org_id TEXT NOT NULL REFERENCES organizations(id),
                key_hash TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                last_seen_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX console_sessions_seen ON console_sessions (last_seen_at)",
            "CREATE INDEX badges_org_issued ON badges (org_id, issued_at, jti)",
        ]),
        // Policy distribution (issue #16): every policy change is a new row (a proposal), approval
        // activates it and supersedes the previous one, so history is kept; the database itself
        // refuses a second active document per scope and two rows with one version. Memberships
        // are inserted only for a group of the same organisation (INSERT … SELECT), so they need no
        // foreign key (groups are never deleted).
        Migration(version: 12, name: "policy documents, agent groups, bundle versions", statements: [
            """
            CREATE TABLE policy_documents (
                id TEXT PRIMARY KEY,
                org_id TEXT NOT NULL REFERENCES organizations(id),
                scope_type TEXT NOT NULL,
                scope_id TEXT NOT NULL,
                state TEXT NOT NULL,
                version INTEGER NOT NULL,
                yaml_content TEXT NOT NULL,
                content_hash TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                decided_by TEXT,
                reject_reason TEXT,
                UNIQUE (org_id, scope_type, scope_id, version)
            )
            """,
            """
            CREATE UNIQUE INDEX policy_documents_one_active ON policy_documents (org_id, scope_type, scope_id)
            WHERE state = 'active'
            """,
            "CREATE INDEX policy_documents_state ON policy_documents (org_id, state)",
            """
            CREATE TABLE policy_groups (
                id TEXT PRIMARY KEY,
                org_id TEXT NOT NULL REFERENCES organizations(id),
                name TEXT NOT NULL,
                precedence INTEGER NOT NULL,
                created_at BIGINT NOT NULL,
                UNIQUE (org_id, name)
            )
            """,
            """
            CREATE TABLE policy_group_members (
                org_id TEXT NOT NULL,
                group_id TEXT NOT NULL,
                agent_id TEXT NOT NULL,
                PRIMARY KEY (group_id, agent_id)
            )
            """,
            "CREATE INDEX policy_group_members_org ON policy_group_members (org_id, group_id, agent_id)",
            """
            CREATE TABLE policy_bundle_versions (
                org_id TEXT NOT NULL,
                version INTEGER NOT NULL,
                revision TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (org_id, version)
            )
            """,
        ]),
        // The trust-state sequence (issue #14): one counter row, raised in the transaction of every
        // change of trust state (so concurrent changes on every replica take consecutive numbers in
        // commit order), with the journal of what each number changed and the cutoff time its
        // snapshot lists unexpired badges at; the journal makes the state at any journaled sequence
        // rebuildable, for deltas. Badges by agent: the subjects of a disabled agent's live badges.
        Migration(version: 13, name: "trust-state sequence and journal", statements: [
            "CREATE TABLE trust_sequence (id INTEGER PRIMARY KEY, sequence BIGINT NOT NULL, cutoff BIGINT NOT NULL)",
            "INSERT INTO trust_sequence (id, sequence, cutoff) VALUES (1, 0, 0)",
            """
            CREATE TABLE trust_changes (
                sequence BIGINT NOT NULL,
                kind TEXT NOT NULL,
                ref TEXT NOT NULL,
                status TEXT NOT NULL,
                at BIGINT NOT NULL,
                cutoff BIGINT NOT NULL,
                PRIMARY KEY (sequence, kind, ref)
            )
            """,
            "CREATE INDEX trust_changes_ref ON trust_changes (kind, ref, sequence)",
            "CREATE INDEX badges_agent_expiry ON badges (agent_id, expires_at)",
        ]),
        // Console sign-in with a Clerk session (issue #15): a session belongs to an API key or to a
        // user, never both. Sessions are short-lived, so the table is rebuilt rather than altered
        // (SQLite cannot drop NOT NULL): an upgrade signs console users out once. And the indexes
        // behind the console at a million badges (EXPLAINed on both databases):
        // - an organisation's DV orders and grants, newest first;
        // - its revoked badges: the overview's count reads a thousandth of the ledger, not all of it
        //   (two columns, so SQLite's planner, which keeps no statistics, prefers it);
        // - an agent's badges, newest first: its page and the agent filter scanned the whole ledger.
        //   It replaces the plain (org) index, whose queries badges_org_issued's prefix serves, so
        //   issuance maintains as many full indexes as before;
        // - audit events in (time, id) order, as the timeline pages them, replacing (org, time).
        Migration(version: 14, name: "console sessions of users; console list indexes", statements: [
            "DROP TABLE console_sessions",
            """
            CREATE TABLE console_sessions (
                id_hash TEXT PRIMARY KEY,
                org_id TEXT NOT NULL REFERENCES organizations(id),
                key_hash TEXT,
                user_id TEXT,
                created_at BIGINT NOT NULL,
                last_seen_at BIGINT NOT NULL,
                CHECK ((key_hash IS NULL) <> (user_id IS NULL))
            )
            """,
            "CREATE INDEX console_sessions_seen ON console_sessions (last_seen_at)",
            "CREATE INDEX dv_orders_org ON dv_orders (org_id, created_at, order_id)",
            "CREATE INDEX dv_grants_org ON dv_grants (org_id, issued_at, jti)",
            "CREATE INDEX badges_org_revoked ON badges (org_id, revoked_at) WHERE revoked_at IS NOT NULL",
            "CREATE INDEX badges_org_agent ON badges (org_id, agent_id, issued_at, jti)",
            "DROP INDEX badges_org",
            "CREATE INDEX audit_events_org_time ON audit_events (org_id, created_at, id)",
            "DROP INDEX audit_events_org",
        ]),
        // The console's agent search (issue #15) is a substring match on the name, which no B-tree
        // index serves: at 100 k agents it scanned them all. Each database gets a trigram index:
        // - PostgreSQL: pg_trgm's GIN index on LOWER(name), which the planner uses for the search's
        //   own `LOWER(name) LIKE '%…%'` (pg_trgm is a trusted extension: the database's owner may
        //   create it; it ships with Debian's postgresql package, and as postgresql-contrib elsewhere);
        // - SQLite: an FTS5 trigram table of names, kept by triggers. Its rows are keyed by
        //   `agent_name_rows.seq`, an INTEGER PRIMARY KEY, because the agents table's own rowid is
        //   not stable (VACUUM may renumber it).
        // The search also matches `domain` exactly: an index, so the OR of the three conditions is
        // answered from three indexes instead of a scan.
        Migration(version: 15, name: "agent name search index", statements: [
            "CREATE INDEX agents_domain ON agents (domain)",
        ], only: [
            .postgres: [
                // The operator class is named with the extension's schema: an existing pg_trgm may
                // live in a schema (public, extensions) that the search path does not list.
                """
                DO $$
                DECLARE trgm name;
                BEGIN
                    CREATE EXTENSION IF NOT EXISTS pg_trgm;
                    SELECT extnamespace::regnamespace::name INTO trgm FROM pg_extension WHERE extname = 'pg_trgm';
                    EXECUTE format('CREATE INDEX agents_name_trgm ON agents USING gin (LOWER(name) %I.gin_trgm_ops)', trgm);
                END
                $$
                """,
            ],
            .sqlite: [
                "CREATE TABLE agent_name_rows (seq INTEGER PRIMARY KEY, agent_id TEXT NOT NULL UNIQUE)",
                "CREATE VIRTUAL TABLE agent_names USING fts5(name, tokenize = 'trigram')",
                "INSERT INTO agent_name_rows (agent_id) SELECT id FROM agents ORDER BY created_at, id",
                "INSERT INTO agent_names (rowid, name) SELECT r.seq, a.name FROM agent_name_rows r JOIN agents a ON a.id = r.agent_id",
                """
                CREATE TRIGGER agent_names_insert AFTER INSERT ON agents BEGIN
                    INSERT INTO agent_name_rows (agent_id) VALUES (new.id);
                    INSERT INTO agent_names (rowid, name) VALUES (last_insert_rowid(), new.name);
                END
                """,
                """
                CREATE TRIGGER agent_names_update AFTER UPDATE OF name ON agents WHEN old.name IS NOT new.name BEGIN
                    UPDATE agent_names SET name = new.name WHERE rowid = (SELECT seq FROM agent_name_rows WHERE agent_id = new.id);
                END
                """,
                """
                CREATE TRIGGER agent_names_delete AFTER DELETE ON agents BEGIN
                    DELETE FROM agent_names WHERE rowid = (SELECT seq FROM agent_name_rows WHERE agent_id = old.id);
                    DELETE FROM agent_name_rows WHERE agent_id = old.id;
                END
                """,
            ],
        ]),
        // The transparency log (issue #13) cost issuance four B-tree inserts a badge (SQLite), one of
        // them a random-order index on jti that only proof lookups used. The credential rows now keep
        // their log index instead (written in the same insert), and lookups by jti go through the
        // primary keys of badges and dv_grants.
        Migration(version: 16, name: "log index on credential rows", statements: [
            "ALTER TABLE badges ADD COLUMN log_index BIGINT",
            "ALTER TABLE dv_grants ADD COLUMN log_index BIGINT",
            """
            UPDATE badges SET log_index = (SELECT MIN(t.idx) FROM tlog_entries t WHERE t.jti = badges.jti AND t.type = 'badge')
            WHERE jti IN (SELECT jti FROM tlog_entries WHERE type = 'badge')
            """,
            """
            UPDATE dv_grants SET log_index = (SELECT MIN(t.idx) FROM tlog_entries t WHERE t.jti = dv_grants.jti AND t.type = 'dv_grant')
            WHERE jti IN (SELECT jti FROM tlog_entries WHERE type = 'dv_grant')
            """,
            "DROP INDEX tlog_entries_jti",
        ], only: [
            // SQLite makes only `INTEGER PRIMARY KEY` an alias of the rowid: `idx BIGINT PRIMARY KEY`
            // kept a second B-tree beside the table. Rebuilt so the table itself is ordered by index.
            .sqlite: [
                "CREATE TABLE tlog_entries_by_index (idx INTEGER PRIMARY KEY, jti TEXT NOT NULL, subject TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL)",
                "INSERT INTO tlog_entries_by_index (idx, jti, subject, type, data) SELECT idx, jti, subject, type, data FROM tlog_entries",
                "DROP TABLE tlog_entries",
                "ALTER TABLE tlog_entries_by_index RENAME TO tlog_entries",
                "CREATE INDEX tlog_entries_subject ON tlog_entries (subject, idx)",
            ],
        ]),
        // Agents are updated by read-modify-write (a merge PUT, disable, enable, identity, domain):
        // a revision number lets a store refuse a write made from a read that is no longer current.
        Migration(version: 17, name: "agent revisions", statements: [
            "ALTER TABLE agents ADD COLUMN revision BIGINT NOT NULL DEFAULT 0",
        ]),
        // The log's entries in rows of a transaction's entries (`LogBatch`): a row per entry cost
        // PostgreSQL a tuple and two index entries for every badge. Lookups by subject go through
        // the credential rows, as lookups by jti already did (a grant's subject is its domain,
        // which `dv_grants_domain` indexes); the index on badges covers logged rows only, so it
        // costs nothing with the log off. Entries logged so far move over as rows of one.
        Migration(version: 18, name: "log entries in rows of a transaction's entries", statements: [
            "CREATE INDEX badges_log_subject ON badges (subject, log_index) WHERE log_index IS NOT NULL",
        ], only: [
            .sqlite: ["CREATE TABLE tlog_batches (first_idx INTEGER PRIMARY KEY, entries TEXT NOT NULL)"] + movedLogEntries,
            .postgres: [
                "CREATE TABLE tlog_batches (first_idx BIGINT PRIMARY KEY, entries TEXT NOT NULL)",
                // Compressed and kept in the row: entries repeat their keys, issuer and key id, so
                // a row compresses to about a third, and the WAL written for every badge shrinks
                // with it; in the row, it costs no TOAST tuples and their index entries. With lz4
                // where the server has it (its compression is several times faster than pglz).
                "ALTER TABLE tlog_batches ALTER COLUMN entries SET STORAGE MAIN",
                """
                DO $$ BEGIN
                    IF 'lz4' = ANY (SELECT unnest(enumvals) FROM pg_settings WHERE name = 'default_toast_compression') THEN
                        ALTER TABLE tlog_batches ALTER COLUMN entries SET COMPRESSION lz4;
                    END IF;
                END $$
                """,
            ] + movedLogEntries,
        ]),
        // SQLite has one writer, so the next log index is where the last row of entries ends: a
        // count on each row replaces the counter row, which cost every commit a statement and a
        // page written. PostgreSQL keeps its counter: the row's lock orders ledger transactions
        // across replicas.
        Migration(version: 19, name: "log rows count their entries (SQLite)", statements: [], only: [
            .sqlite: [
                "ALTER TABLE tlog_batches ADD COLUMN entry_count INTEGER NOT NULL DEFAULT 0",
                "UPDATE tlog_batches SET entry_count = length(entries) - length(replace(entries, char(10), '')) + 1",
                "DROP TABLE tlog_sequence",
            ],
        ]),
        // PostgreSQL: the log's lookups by subject through the subject's hash (`hashtext`, an
        // int4) instead of its text. Every logged badge inserts into this index in the ledger
        // transaction; the text key (a DID, ~70 bytes) made it the largest part of the WAL the log
        // adds to a badge (about 220 of 350 bytes; about 80 with the hash, measured with
        // `pg_stat_statements`) and compared whole DIDs under the database's collation at every
        // step down the tree. The lookup checks the subject itself too, so two subjects with one
        // hash never mix. SQLite compares bytes and keeps the text index. At a million logged badges
        // the index is 30 MB against the text index's 101 MB, and builds in about half a second.
        Migration(version: 20, name: "log subject index by hash (PostgreSQL)", statements: [], only: [
            .postgres: [
                "CREATE INDEX badges_log_subject_hash ON badges (hashtext(subject), log_index) WHERE log_index IS NOT NULL",
                "DROP INDEX badges_log_subject",
            ],
        ]),
        // SQLite: lookups by subject through a table that integration fills (`indexLogSubjects`),
        // in the transaction that stores the checkpoint covering the entries, instead of an index
        // on badges. Every ledger transaction (which each badge waits for) inserted into that
        // index, and each B-tree a commit touches costs it three to five pages written (its leaf,
        // the pages above it, new pages): about half of the pages the log added to a commit.
        // Integration writes a second's subjects at once. Entries logged so far move over from the
        // credential rows; integration skips those it finds recorded. PostgreSQL keeps its index
        // by hash (migration 20): there the ledger statement adds an index entry to a row it writes
        // anyway, which costs less in all than a row of another table (with that table, one bench
        // run put PostgreSQL's log ratio at 89 %, 12 of 14 pairs lower, against 92–95 % before).
        Migration(version: 21, name: "log subjects recorded by integration (SQLite)", statements: [], only: [
            // The key is the table (no rowid B-tree beside it).
            .sqlite: [
                "CREATE TABLE tlog_subjects (subject TEXT NOT NULL, idx INTEGER NOT NULL, jti TEXT NOT NULL, type TEXT NOT NULL, PRIMARY KEY (subject, idx)) WITHOUT ROWID",
                """
                INSERT INTO tlog_subjects (subject, idx, jti, type)
                SELECT subject, log_index, jti, 'badge' FROM badges WHERE log_index IS NOT NULL
                UNION ALL
                SELECT domain, log_index, jti, 'dv_grant' FROM dv_grants WHERE log_index IS NOT NULL
                """,
                "DROP INDEX badges_log_subject",
            ],
        ]),
    ]

    /// Migration 18's move of the entries logged so far into `tlog_batches`, a row each.
    private static let movedLogEntries = [
        "INSERT INTO tlog_batches (first_idx, entries) SELECT idx, data FROM tlog_entries",
        "DROP TABLE tlog_entries",
    ]
}
