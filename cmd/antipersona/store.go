package main

import (
	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/duckdb"
)

// store is a workspace's store (antipersona.WorkspaceStore).
type store = antipersona.WorkspaceStore

var _ store = (*duckdb.Store)(nil)
