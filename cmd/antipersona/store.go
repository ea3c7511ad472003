package main

import (
	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/duckdb"
	"github.com/antipersona/antipersona/postgres"
)

// store is a workspace's store (antipersona.WorkspaceStore).
type store = antipersona.WorkspaceStore

var (
	_ store = (*duckdb.Store)(nil)
	_ store = (*postgres.Store)(nil)
)
