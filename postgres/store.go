// Package postgres is the PostgreSQL store of antipersona: the same
// contracts as the embedded DuckDB store (package duckdb), on a server that
// many processes share. It is the only package that imports pgx.
//
// One workspace (tenant) is one PostgreSQL schema, "ws_" followed by the
// workspace's name, holding the workspace's tables (schema.sql) and the
// functions that let the DuckDB dialect of the feature SQL run on
// PostgreSQL (compat.sql, dialect.go). API keys, which name their
// workspace, live in the shared schema "antipersona" (see OpenKeys).
//
// Writers in several processes may share a workspace: keyed rows are
// deduplicated by unique keys, contact writes and builds are serialised by
// advisory locks, and forgetting a contact waits for the writes in flight.
// CITUS.md explains how to run the same schema on Citus.
package postgres

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/antipersona/antipersona"
)

var (
	//go:embed schema.sql
	schemaSQL string
	//go:embed compat.sql
	compatSQL string
)

// migrations are the schema's versions: migrations[i] takes a workspace
// from version i to i+1. A new version appends a migration; a released one
// never changes.
var migrations = []string{schemaSQL + "\n" + compatSQL}

// SchemaVersion is the version Open migrates a workspace to, stored in its
// meta table under schema_version.
const SchemaVersion = "1"

// Store is one workspace's data in a PostgreSQL database. All its methods
// are safe for concurrent use, also by several processes sharing the
// workspace.
type Store struct {
	pool      *pgxpool.Pool
	workspace string
	schema    string
	logger    *slog.Logger
	now       func() time.Time
}

var (
	_ antipersona.IngestStore  = (*Store)(nil)
	_ antipersona.PrivacyStore = (*Store)(nil)
	_ antipersona.AuditLog     = (*Store)(nil)

	_ antipersona.WorkspaceStore = (*Store)(nil)
)

// Options tune Open. The zero value is valid.
type Options struct {
	Logger *slog.Logger     // nil: silent
	Now    func() time.Time // nil: time.Now
}

// ValidateWorkspace returns an EINVALID error unless name is a valid
// workspace name: 1 to 40 lower-case ASCII letters, digits and
// underscores.
func ValidateWorkspace(name string) error {
	if !antipersona.ValidWorkspaceName(name) {
		return antipersona.Errorf(antipersona.EINVALID,
			"invalid workspace name %q: use 1 to 40 lower-case letters, digits and underscores", name)
	}
	return nil
}

// SchemaName is the PostgreSQL schema of a (valid) workspace.
func SchemaName(workspace string) string { return "ws_" + workspace }

// Open connects to the database at dsn (a PostgreSQL URL or key=value
// string, see pgx) and opens the workspace, creating its schema and tables
// when missing and migrating them to SchemaVersion. It returns an EINVALID
// error for a bad workspace name or a workspace of a newer schema version.
// The pool's connections have search_path set to the workspace's schema.
func Open(ctx context.Context, dsn, workspace string, opt Options) (*Store, error) {
	if err := ValidateWorkspace(workspace); err != nil {
		return nil, err
	}
	s := &Store{workspace: workspace, schema: SchemaName(workspace), logger: opt.Logger, now: opt.Now}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, antipersona.Errorf(antipersona.EINVALID, "bad PostgreSQL connection string: %v", err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = quoteIdent(s.schema)
	s.pool, err = pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	if err := s.migrate(ctx); err != nil {
		s.pool.Close()
		return nil, fmt.Errorf("open workspace %s: %w", workspace, err)
	}
	return s, nil
}

// Close closes the store's connections, waiting for the ones in use. It
// always returns nil.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Workspace returns the workspace's name.
func (s *Store) Workspace() string { return s.workspace }

// Schema returns the workspace's PostgreSQL schema.
func (s *Store) Schema() string { return s.schema }

// Pool exposes the connection pool for tests in this module.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// migrate creates the schema when missing and applies the migrations the
// workspace lacks, in one transaction under the workspace's migration
// lock (two processes opening a new workspace at once do it once).
func (s *Store) migrate(ctx context.Context) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", s.lockKey("migrate")); err != nil {
			return fmt.Errorf("migrate %s: lock: %w", s.schema, err)
		}
		if _, err := tx.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+quoteIdent(s.schema)); err != nil {
			return fmt.Errorf("migrate %s: create schema: %w", s.schema, err)
		}
		if _, err := tx.Exec(ctx, "SET LOCAL search_path TO "+quoteIdent(s.schema)); err != nil {
			return fmt.Errorf("migrate %s: %w", s.schema, err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS meta (key text COLLATE "C" PRIMARY KEY, value text)`); err != nil {
			return fmt.Errorf("migrate %s: create meta: %w", s.schema, err)
		}
		var v string
		err := tx.QueryRow(ctx, "SELECT value FROM meta WHERE key = 'schema_version'").Scan(&v)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("migrate %s: read schema version: %w", s.schema, err)
		}
		have := 0
		if v != "" {
			if _, err := fmt.Sscan(v, &have); err != nil || have < 0 {
				return fmt.Errorf("migrate %s: bad schema version %q", s.schema, v)
			}
		}
		if have > len(migrations) {
			return antipersona.Errorf(antipersona.EINVALID,
				"workspace %s has schema version %d; this antipersona reads version %s", s.workspace, have, SchemaVersion)
		}
		for i := have; i < len(migrations); i++ {
			// Simple protocol: a migration is many statements.
			if _, err := tx.Exec(ctx, migrations[i], pgx.QueryExecModeSimpleProtocol); err != nil {
				return fmt.Errorf("migrate %s to version %d: %w", s.schema, i+1, err)
			}
			s.logger.Info("migrated workspace schema", "schema", s.schema, "version", i+1)
		}
		if have < len(migrations) {
			if _, err := tx.Exec(ctx, `INSERT INTO meta VALUES ('schema_version', $1)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, fmt.Sprint(len(migrations))); err != nil {
				return fmt.Errorf("migrate %s: write schema version: %w", s.schema, err)
			}
		}
		return nil
	})
}

// lockKey is the key of the workspace's advisory lock for purpose:
//
//	migrate   Open's migration
//	write     held shared by every write transaction, exclusively by
//	          ForgetContact: a contact is forgotten between writes
//	contacts  contact writes and trait columns (exclusive)
//	build     Build (exclusive; a second build is a conflict)
func (s *Store) lockKey(purpose string) int64 {
	h := fnv.New64a()
	h.Write([]byte("antipersona\x00" + purpose + "\x00" + s.schema))
	return int64(h.Sum64())
}

// Meta returns the value stored under key ("" when none).
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v *string
	err := s.pool.QueryRow(ctx, "SELECT value FROM meta WHERE key = $1", key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && v == nil {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read meta %s: %w", key, err)
	}
	return *v, nil
}

// SetMeta stores value under key, replacing any previous value.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO meta VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("write meta %s: %w", key, err)
	}
	return nil
}

// quoteLit quotes an SQL string literal (standard_conforming_strings on).
func quoteLit(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

// quoteIdent quotes an SQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// isUniqueViolation reports whether err is PostgreSQL's unique_violation.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// nullStr maps "" to NULL.
func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullTime maps the zero time to NULL; other times are given in UTC (a
// timestamp column keeps the wall clock it is given).
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// nullNum maps NaN to NULL.
func nullNum(f float64) any {
	if f != f {
		return nil
	}
	return f
}
