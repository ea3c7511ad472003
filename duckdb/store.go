// Package duckdb is the embedded analytics store of antipersona. It is the
// only package that imports the DuckDB driver.
//
// A store is one DuckDB file. Only one process may open it at a time: Open
// takes an exclusive lock on a lock file beside it and reports the PID of the
// holder when the workspace is in use.
package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	duck "github.com/duckdb/duckdb-go/v2"

	"github.com/antipersona/antipersona"
)

//go:embed schema.sql
var schemaSQL string

// SchemaVersion is stored in meta and checked on Open.
const SchemaVersion = "1"

// Store is a workspace's DuckDB database. WriteBatch, ForgetContact,
// Reconsent, AppendAudit and the readers are safe for concurrent use; the
// build's writers (Build, Replace*) are called by one goroutine at a time.
type Store struct {
	path      string
	connector *duck.Connector
	db        *sql.DB
	lock      *os.File
	logger    *slog.Logger
	now       func() time.Time
	keys      map[string]*keySet // by keyed table, see keySetOf

	// wmu serialises WriteBatch, ForgetContact and Reconsent, so that a
	// server may ingest while it builds; forgotten caches the hashes of
	// forgotten ids (nil until first needed).
	wmu       sync.Mutex
	forgotten map[string]bool
	amu       sync.Mutex // serialises AppendAudit
}

var (
	_ antipersona.IngestStore    = (*Store)(nil)
	_ antipersona.WorkspaceStore = (*Store)(nil)
)

// Options tune Open. The zero value is valid.
type Options struct {
	Logger *slog.Logger     // nil: silent
	Now    func() time.Time // nil: time.Now
	// Threads caps DuckDB's worker threads; 0 leaves DuckDB's default.
	Threads int
	// MemoryLimit is DuckDB's memory_limit setting (e.g. "8GB"); "" keeps the default.
	MemoryLimit string
}

// Open opens (creating when missing) the store at path. It returns a
// *antipersona.Error with code ECONFLICT when another process holds the
// workspace.
func Open(ctx context.Context, path string, opt Options) (*Store, error) {
	lock, err := acquireLock(path + ".lock")
	if err != nil {
		return nil, err
	}
	s := &Store{path: path, lock: lock, logger: opt.Logger, now: opt.Now}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.removeStaleSpools()
	connector, err := duck.NewConnector(path, nil)
	if err != nil {
		releaseLock(lock)
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s.connector = connector
	s.db = sql.OpenDB(connector)
	// Inserts need not keep the order of their source (every reader
	// orders what it shows), which lets DuckDB write in parallel with less
	// memory.
	if _, err := s.db.ExecContext(ctx, "SET GLOBAL preserve_insertion_order = false"); err != nil {
		s.Close()
		return nil, fmt.Errorf("set preserve_insertion_order: %w", err)
	}
	if opt.Threads > 0 {
		if _, err := s.db.ExecContext(ctx, "SET threads = "+strconv.Itoa(opt.Threads)); err != nil {
			s.Close()
			return nil, fmt.Errorf("set threads: %w", err)
		}
	}
	if opt.MemoryLimit != "" {
		if _, err := s.db.ExecContext(ctx, "SET memory_limit = "+quoteLit(opt.MemoryLimit)); err != nil {
			s.Close()
			return nil, fmt.Errorf("set memory_limit: %w", err)
		}
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database and releases the lock.
func (s *Store) Close() error {
	var err error
	if s.db != nil {
		err = s.db.Close()
		s.db = nil
	}
	if s.connector != nil {
		if cerr := s.connector.Close(); err == nil {
			err = cerr
		}
		s.connector = nil
	}
	if s.lock != nil {
		releaseLock(s.lock)
		s.lock = nil
	}
	return err
}

// DB exposes the database handle for packages' tests in this module.
func (s *Store) DB() *sql.DB { return s.db }

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, schemaSQL); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	var v string
	err := s.db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'schema_version'").Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = s.db.ExecContext(ctx, "INSERT INTO meta VALUES ('schema_version', ?)", SchemaVersion)
		if err != nil {
			return fmt.Errorf("write schema version: %w", err)
		}
	case err != nil:
		return fmt.Errorf("read schema version: %w", err)
	case v != SchemaVersion:
		return antipersona.Errorf(antipersona.EINVALID, "store %s has schema version %s; this antipersona reads version %s", s.path, v, SchemaVersion)
	}
	return nil
}

// acquireLock takes an exclusive, non-blocking flock on path and writes our
// PID into it. The kernel drops the lock when the process dies, so a killed
// ingest never leaves the workspace locked.
func acquireLock(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		data, _ := os.ReadFile(path)
		f.Close()
		pid := strings.TrimSpace(string(data))
		if pid == "" {
			pid = "unknown"
		}
		return nil, antipersona.Errorf(antipersona.ECONFLICT, "workspace is in use by PID %s; wait for it to finish (lock: %s)", pid, path)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return f, nil
}

func releaseLock(f *os.File) {
	f.Truncate(0)
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	f.Close()
}

// quoteIdent quotes an SQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// QuoteIdent quotes an SQL identifier for queries built outside the
// package (Scan).
func QuoteIdent(s string) string { return quoteIdent(s) }

// quoteLit quotes an SQL string literal.
func quoteLit(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

// nullStr maps "" to NULL.
func nullStr(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}

// nullTime maps the zero time to NULL.
func nullTime(t time.Time) driver.Value {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// nullNum maps NaN to NULL.
func nullNum(f float64) driver.Value {
	if f != f {
		return nil
	}
	return f
}
