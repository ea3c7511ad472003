package duckdb

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/features"
)

// ContactIdentifiers calls fn with the identifiers of every contact, by
// contact id. Personal data: callers hash it before it leaves the
// process and never log it.
func (s *Store) ContactIdentifiers(ctx context.Context, fn func(id string, ids antipersona.Identifiers) error) error {
	traits, err := s.Traits(ctx)
	if err != nil {
		return err
	}
	cols := features.IdentifierColumns(traits)
	text := func(v any) string { x, _ := v.(string); return x }
	return s.Scan(ctx, features.IdentifiersSQL(cols, true), func(v []any) error {
		return fn(features.ScanIdentifiers(cols, text, v))
	})
}

// AudienceMembers returns the members (contact ids, sorted) of the last
// export of the audience name, and whether it was exported before.
func (s *Store) AudienceMembers(ctx context.Context, name string) ([]string, bool, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM audience_exports WHERE name = ?", name).Scan(&n); err != nil {
		return nil, false, fmt.Errorf("read audience %q: %w", name, err)
	}
	var out []string
	err := s.Scan(ctx, "SELECT contact_id FROM audience_members WHERE name = "+quoteLit(name)+" ORDER BY contact_id", func(v []any) error {
		out = append(out, v[0].(string))
		return nil
	})
	return out, n > 0, err
}

// RecordAudience records an export of audience e.Name whose members are
// now members, in one transaction.
func (s *Store) RecordAudience(ctx context.Context, e antipersona.AudienceExport, members []string) error {
	members = append([]string(nil), members...)
	sort.Strings(members)
	w := spoolSize(len(members), 24)
	for _, m := range members {
		w.str(e.Name)
		w.str(m)
		w.end()
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "DELETE FROM audience_members WHERE name = ?", e.Name); err != nil {
		return fmt.Errorf("record audience: %w", err)
	}
	if err := s.insertSpool(ctx, tx, "audience_members", "name VARCHAR, contact_id VARCHAR", w); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO audience_exports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", e.Name, e.ExportedAt.UTC(), e.Build,
		e.Format, e.Filter, e.Members, e.Added, e.Removed, e.Incremental, nullStr(e.File)); err != nil {
		return fmt.Errorf("record audience: %w", err)
	}
	return tx.Commit()
}

// AudienceExports returns every recorded export, oldest first.
func (s *Store) AudienceExports(ctx context.Context) ([]antipersona.AudienceExport, error) {
	var out []antipersona.AudienceExport
	err := s.Scan(ctx, "SELECT name, exported_at, build_id, format, filter, members, added, removed, incremental, file FROM audience_exports ORDER BY exported_at, name", func(v []any) error {
		e := antipersona.AudienceExport{Name: v[0].(string), Format: v[3].(string), Filter: v[4].(string), Incremental: v[8] == true}
		e.ExportedAt, _ = v[1].(time.Time)
		e.Build, _ = v[2].(int64)
		e.Members, _ = v[5].(int64)
		e.Added, _ = v[6].(int64)
		e.Removed, _ = v[7].(int64)
		e.File, _ = v[9].(string)
		out = append(out, e)
		return nil
	})
	return out, err
}
