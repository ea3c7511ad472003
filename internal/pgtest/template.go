package pgtest

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Available reports whether a cluster runs or can be started, starting
// it if needed. A test binary uses it to decide whether to run its
// PostgreSQL variants (RequireEnv then makes a missing server a failure).
func Available() bool {
	startOnce.Do(func() { running, startErr = startCluster() })
	return unavailErr == nil && startErr == nil
}

// Run is Main without the exit: it runs the tests, stops the cluster and
// returns the tests' status, for a TestMain with work of its own.
func Run(m *testing.M) int {
	mainCalled.Store(true)
	code := m.Run()
	if running != nil {
		if err := running.stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
	}
	return code
}

// NewTemplate creates an empty database named name (letters, digits, _)
// that lives as long as the cluster, for data that tests copy with
// NewDatabaseFrom, and returns its connection string.
func NewTemplate(t testing.TB, name string) string {
	t.Helper()
	c := start(t)
	if err := c.exec(context.Background(), "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	return c.dsn(name)
}

// NewDatabaseFrom creates a database for the test as a copy of the
// database of src (which no connection may be using), dropped when the
// test ends, and returns its connection string.
func NewDatabaseFrom(t testing.TB, src string) string {
	t.Helper()
	c := start(t)
	cfg, err := pgx.ParseConfig(src)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	name := fmt.Sprintf("%s_%d", database, counter.Add(1))
	ctx := context.Background()
	if err := c.exec(ctx, "CREATE DATABASE "+name+" TEMPLATE "+pgx.Identifier{cfg.Database}.Sanitize()); err != nil {
		t.Fatalf("pgtest: copy database %s: %v", cfg.Database, err)
	}
	t.Cleanup(func() {
		if err := c.exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database: %v", err)
		}
	})
	return c.dsn(name)
}
