package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"math/big"
	"sort"
	"time"

	"github.com/antipersona/antipersona"
)

var (
	_ antipersona.PrivacyStore = (*Store)(nil)
	_ antipersona.AuditLog     = (*Store)(nil)
)

// linkedByAnonymousID are the tables whose rows may name a contact only
// through an anonymous id that an identity links to it.
var linkedByAnonymousID = map[string]bool{"events": true, "orders": true, "returns": true}

// internalColumns are dedupe keys derived from other columns; exports
// leave them out.
var internalColumns = map[string]bool{"mid": true, "ok": true, "rk": true}

// contactTables lists the base tables of the store that have a contact_id
// column: the ingested ones and every table a build derived.
func contactTables(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.table_name FROM information_schema.columns c
	  JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
	  WHERE c.table_schema = 'main' AND c.column_name = 'contact_id' AND t.table_type = 'BASE TABLE'
	    AND t.table_catalog = current_database()
	  ORDER BY c.table_name`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// contactWhere is the condition selecting a contact's rows of table (the
// contact id is the first parameter, twice when the table is linked by
// anonymous id).
func contactWhere(table string) (string, int) {
	if linkedByAnonymousID[table] {
		return "contact_id = ? OR anonymous_id IN (SELECT anonymous_id FROM identities WHERE contact_id = ?)", 2
	}
	return "contact_id = ?", 1
}

// ForgetContact implements antipersona.PrivacyStore: in one transaction it
// deletes the contact's rows from every table with a contact_id column
// (rows linked by an identity first, the identities last) and records the
// id's hash.
func (s *Store) ForgetContact(ctx context.Context, id string, at time.Time) (antipersona.ForgetResult, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	res := antipersona.ForgetResult{ContactID: id, At: at.UTC(), Deleted: map[string]int64{}}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()
	tables, err := contactTables(ctx, tx)
	if err != nil {
		return res, err
	}
	// identities last: the other tables find anonymous rows through them.
	sort.SliceStable(tables, func(i, j int) bool { return tables[j] == "identities" && tables[i] != "identities" })
	for _, t := range tables {
		where, n := contactWhere(t)
		args := []any{id}
		if n == 2 {
			args = append(args, id)
		}
		r, err := tx.ExecContext(ctx, "DELETE FROM "+quoteIdent(t)+" WHERE "+where, args...)
		if err != nil {
			return res, fmt.Errorf("forget contact: delete from %s: %w", t, err)
		}
		if k, _ := r.RowsAffected(); k > 0 {
			res.Deleted[t] = k
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT OR REPLACE INTO forgotten VALUES (?, ?)",
		antipersona.ForgottenHash(id), res.At); err != nil {
		return res, fmt.Errorf("forget contact: record: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return res, fmt.Errorf("forget contact: commit: %w", err)
	}
	if s.forgotten != nil {
		s.forgotten[antipersona.ForgottenHash(id)] = true
	}
	return res, nil
}

// Reconsent implements antipersona.PrivacyStore.
func (s *Store) Reconsent(ctx context.Context, id string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	h := antipersona.ForgottenHash(id)
	r, err := s.db.ExecContext(ctx, "DELETE FROM forgotten WHERE id_hash = ?", h)
	if err != nil {
		return fmt.Errorf("reconsent: %w", err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return antipersona.Errorf(antipersona.ENOTFOUND, "contact %s was not forgotten", id)
	}
	if s.forgotten != nil {
		delete(s.forgotten, h)
	}
	return nil
}

// Forgotten implements antipersona.PrivacyStore.
func (s *Store) Forgotten(ctx context.Context, id string) (bool, time.Time, error) {
	var at time.Time
	err := s.db.QueryRowContext(ctx, "SELECT forgotten_at FROM forgotten WHERE id_hash = ?", antipersona.ForgottenHash(id)).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return false, time.Time{}, nil
	}
	if err != nil {
		return false, time.Time{}, fmt.Errorf("read forgotten: %w", err)
	}
	return true, at.UTC(), nil
}

// ContactData implements antipersona.PrivacyStore. Values are strings,
// float64, int64, bool or time.Time (UTC); NULL and NaN are nil.
func (s *Store) ContactData(ctx context.Context, id string) (map[string][]map[string]any, error) {
	tables, err := contactTables(ctx, s.db)
	if err != nil {
		return nil, err
	}
	out := map[string][]map[string]any{}
	for _, t := range tables {
		where, n := contactWhere(t)
		args := []any{id}
		if n == 2 {
			args = append(args, id)
		}
		rows, err := s.db.QueryContext(ctx, "SELECT * FROM "+quoteIdent(t)+" WHERE "+where, args...)
		if err != nil {
			return nil, fmt.Errorf("export contact: %s: %w", t, err)
		}
		err = eachRow(rows, func(cols []string, vals []any) error {
			row := make(map[string]any, len(cols))
			for i, c := range cols {
				if internalColumns[c] {
					continue
				}
				row[c] = exportValue(vals[i])
			}
			out[t] = append(out[t], row)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("export contact: %s: %w", t, err)
		}
	}
	return out, nil
}

// exportValue turns a scanned DuckDB value into a plain one.
func exportValue(v any) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
	case float32:
		return exportValue(float64(x))
	case int32:
		return int64(x)
	case int16:
		return int64(x)
	case int8:
		return int64(x)
	case uint64:
		return int64(x)
	case uint32:
		return int64(x)
	case *big.Int:
		return x.String()
	case time.Time:
		return x.UTC()
	case []byte:
		return string(x)
	}
	return v
}

// forgottenSet returns the hashes of the forgotten ids, loading them once.
// The caller holds wmu.
func (s *Store) forgottenSet(ctx context.Context) (map[string]bool, error) {
	if s.forgotten != nil {
		return s.forgotten, nil
	}
	set := map[string]bool{}
	rows, err := s.db.QueryContext(ctx, "SELECT id_hash FROM forgotten")
	if err != nil {
		return nil, fmt.Errorf("read forgotten: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		set[h] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	s.forgotten = set
	return set, nil
}

// withoutForgotten returns b without the rows of forgotten contacts (b
// itself when there are none) and how many rows it left out; identities
// linking to a forgotten contact are left out without being counted.
func withoutForgotten(b *antipersona.Batch, forgotten map[string]bool) (*antipersona.Batch, int64) {
	if len(forgotten) == 0 {
		return b, 0
	}
	// A batch names few contacts many times: each is hashed once.
	seen := map[string]bool{}
	gone := func(id string) bool {
		if id == "" {
			return false
		}
		g, ok := seen[id]
		if !ok {
			g = forgotten[antipersona.ForgottenHash(id)]
			seen[id] = g
		}
		return g
	}
	var refused int64
	c := *b
	c.Contacts = keepRows(b.Contacts, func(x *antipersona.Contact) bool { return gone(x.ID) }, &refused)
	c.Events = keepRows(b.Events, func(x *antipersona.Event) bool { return gone(x.ContactID) }, &refused)
	c.Orders = keepRows(b.Orders, func(x *antipersona.Order) bool { return gone(x.ContactID) }, &refused)
	c.Returns = keepRows(b.Returns, func(x *antipersona.Return) bool { return gone(x.ContactID) }, &refused)
	c.Costs = keepRows(b.Costs, func(x *antipersona.Cost) bool { return gone(x.ContactID) }, &refused)
	c.Touches = keepRows(b.Touches, func(x *antipersona.Touch) bool { return gone(x.ContactID) }, &refused)
	c.SurveyAnswers = keepRows(b.SurveyAnswers, func(x *antipersona.SurveyAnswer) bool { return gone(x.ContactID) }, &refused)
	var ignored int64
	c.Identities = keepRows(b.Identities, func(x *antipersona.Identity) bool { return gone(x.ContactID) }, &ignored)
	if refused == 0 && ignored == 0 {
		return b, 0
	}
	return &c, refused
}

// keepRows returns the rows for which drop is false, counting the others
// in dropped; it returns rows itself when nothing is dropped.
func keepRows[T any](rows []T, drop func(*T) bool, dropped *int64) []T {
	first := -1
	for i := range rows {
		if drop(&rows[i]) {
			first = i
			break
		}
	}
	if first < 0 {
		return rows
	}
	out := append(make([]T, 0, len(rows)-1), rows[:first]...)
	*dropped++
	for i := first + 1; i < len(rows); i++ {
		if drop(&rows[i]) {
			*dropped++
			continue
		}
		out = append(out, rows[i])
	}
	return out
}

// AppendAudit implements antipersona.AuditLog.
func (s *Store) AppendAudit(ctx context.Context, e antipersona.AuditEntry) error {
	s.amu.Lock()
	defer s.amu.Unlock()
	_, err := s.db.ExecContext(ctx, `INSERT INTO audit_log
	  SELECT ?, COALESCE((SELECT max(seq) FROM audit_log), 0) + 1, ?, ?, ?, ?, ?, ?, ?`,
		e.Time.UTC(), e.Workspace, e.KeyID, nullStr(string(e.Role)), e.Action, nullStr(e.Target), e.Status, nullStr(e.Detail))
	if err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	return nil
}

// AuditEntries implements antipersona.AuditLog.
func (s *Store) AuditEntries(ctx context.Context, limit int) ([]antipersona.AuditEntry, error) {
	q := "SELECT ts, workspace, key_id, role, action, target, status, detail FROM audit_log ORDER BY seq DESC"
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read audit: %w", err)
	}
	defer rows.Close()
	var out []antipersona.AuditEntry
	for rows.Next() {
		var e antipersona.AuditEntry
		var role, target, detail sql.NullString
		if err := rows.Scan(&e.Time, &e.Workspace, &e.KeyID, &role, &e.Action, &target, &e.Status, &detail); err != nil {
			return nil, err
		}
		e.Time = e.Time.UTC()
		e.Role, e.Target, e.Detail = antipersona.Role(role.String), target.String, detail.String
		out = append(out, e)
	}
	return out, rows.Err()
}
