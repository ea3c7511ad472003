package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/antipersona/antipersona"
)

// linkedByAnonymousID are the tables whose rows may name a contact only
// through an anonymous id that an identity links to it.
var linkedByAnonymousID = map[string]bool{"events": true, "orders": true, "returns": true}

type querier interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}

// contactTables lists the base tables of the workspace's schema that have a
// contact_id column: the ingested ones and every table a build derived,
// identities last (the other tables find anonymous rows through it).
func contactTables(ctx context.Context, q querier) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT c.table_name::text FROM information_schema.columns c
	  JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
	  WHERE c.table_schema = current_schema() AND c.column_name = 'contact_id' AND t.table_type = 'BASE TABLE'
	  ORDER BY c.table_name = 'identities', c.table_name`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	return out, nil
}

// contactWhere is the condition selecting a contact's rows of table; the
// contact id is $1.
func contactWhere(table string) string {
	if linkedByAnonymousID[table] {
		return "contact_id = $1 OR anonymous_id IN (SELECT anonymous_id FROM identities WHERE contact_id = $1)"
	}
	return "contact_id = $1"
}

// ForgetContact implements antipersona.PrivacyStore: in one transaction,
// holding the workspace's write lock exclusively (so that it waits for the
// writes in flight and later writes see it), it deletes the contact's rows
// from every table with a contact_id column (rows linked by an identity
// first, the identities last) and records the id's hash. The result counts
// the deleted rows by table; at is recorded in UTC.
func (s *Store) ForgetContact(ctx context.Context, id string, at time.Time) (antipersona.ForgetResult, error) {
	res := antipersona.ForgetResult{ContactID: id, At: at.UTC(), Deleted: map[string]int64{}}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		clear(res.Deleted)
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", s.lockKey("write")); err != nil {
			return fmt.Errorf("lock workspace: %w", err)
		}
		tables, err := contactTables(ctx, tx)
		if err != nil {
			return err
		}
		for _, t := range tables {
			tag, err := tx.Exec(ctx, "DELETE FROM "+quoteIdent(t)+" WHERE "+contactWhere(t), id)
			if err != nil {
				return fmt.Errorf("delete from %s: %w", t, err)
			}
			if n := tag.RowsAffected(); n > 0 {
				res.Deleted[t] = n
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO forgotten VALUES ($1, $2)
			ON CONFLICT (id_hash) DO UPDATE SET forgotten_at = excluded.forgotten_at`,
			antipersona.ForgottenHash(id), res.At)
		if err != nil {
			return fmt.Errorf("record: %w", err)
		}
		return nil
	})
	if err != nil {
		return antipersona.ForgetResult{}, fmt.Errorf("forget contact: %w", err)
	}
	s.logger.Info("forgot contact", "workspace", s.workspace, "tables", len(res.Deleted))
	return res, nil
}

// Reconsent implements antipersona.PrivacyStore.
func (s *Store) Reconsent(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, "DELETE FROM forgotten WHERE id_hash = $1", antipersona.ForgottenHash(id))
	if err != nil {
		return fmt.Errorf("reconsent: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return antipersona.Errorf(antipersona.ENOTFOUND, "contact %s was not forgotten", id)
	}
	return nil
}

// Forgotten implements antipersona.PrivacyStore; the time is in UTC.
func (s *Store) Forgotten(ctx context.Context, id string) (bool, time.Time, error) {
	var at time.Time
	err := s.pool.QueryRow(ctx, "SELECT forgotten_at FROM forgotten WHERE id_hash = $1", antipersona.ForgottenHash(id)).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, time.Time{}, nil
	}
	if err != nil {
		return false, time.Time{}, fmt.Errorf("read forgotten: %w", err)
	}
	return true, at.UTC(), nil
}

// ContactData implements antipersona.PrivacyStore, reading every table in
// one snapshot. Values are string, float64, int64, bool, time.Time (UTC) or
// []any of those; NULL, NaN and infinities are nil.
func (s *Store) ContactData(ctx context.Context, id string) (map[string][]map[string]any, error) {
	out := map[string][]map[string]any{}
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	err := pgx.BeginTxFunc(ctx, s.pool, opts, func(tx pgx.Tx) error {
		tables, err := contactTables(ctx, tx)
		if err != nil {
			return err
		}
		for _, t := range tables {
			// Describe each time: a table's columns change (traits, builds).
			rows, err := tx.Query(ctx, "SELECT * FROM "+quoteIdent(t)+" WHERE "+contactWhere(t), pgx.QueryExecModeDescribeExec, id)
			if err != nil {
				return fmt.Errorf("%s: %w", t, err)
			}
			fields := rows.FieldDescriptions()
			for rows.Next() {
				vals, err := rows.Values()
				if err != nil {
					rows.Close()
					return fmt.Errorf("%s: %w", t, err)
				}
				row := make(map[string]any, len(vals))
				for i, v := range vals {
					row[fields[i].Name] = exportValue(v)
				}
				out[t] = append(out[t], row)
			}
			if err := rows.Err(); err != nil {
				return fmt.Errorf("%s: %w", t, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("export contact: %w", err)
	}
	return out, nil
}

// exportValue turns a value pgx decoded into a plain one.
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
	case pgtype.Numeric:
		f, err := x.Float64Value()
		if err != nil || !f.Valid {
			return nil
		}
		return exportValue(f.Float64)
	case time.Time:
		return x.UTC()
	case []byte:
		return string(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = exportValue(e)
		}
		return out
	}
	return v
}

// AppendAudit implements antipersona.AuditLog. Entries are ordered by
// when they were appended, not by their Time.
func (s *Store) AppendAudit(ctx context.Context, e antipersona.AuditEntry) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO audit_log (ts, workspace, key_id, role, action, target, status, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		e.Time.UTC(), e.Workspace, e.KeyID, nullStr(string(e.Role)), e.Action, nullStr(e.Target), e.Status, nullStr(e.Detail))
	if err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	return nil
}

// AuditEntries implements antipersona.AuditLog.
func (s *Store) AuditEntries(ctx context.Context, limit int) ([]antipersona.AuditEntry, error) {
	q := "SELECT ts, workspace, key_id, role, action, target, status, detail FROM audit_log ORDER BY seq DESC"
	args := []any{}
	if limit > 0 {
		q += " LIMIT $1"
		args = append(args, limit)
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read audit: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (antipersona.AuditEntry, error) {
		var e antipersona.AuditEntry
		var role, target, detail *string
		err := r.Scan(&e.Time, &e.Workspace, &e.KeyID, &role, &e.Action, &target, &e.Status, &detail)
		e.Time = e.Time.UTC()
		e.Role, e.Target, e.Detail = antipersona.Role(deref(role)), deref(target), deref(detail)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("read audit: %w", err)
	}
	return out, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
