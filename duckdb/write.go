package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	duck "github.com/duckdb/duckdb-go/v2"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/features"
)

// sqlType is the column type of a trait type.
func sqlType(t antipersona.TraitType) string {
	switch t {
	case antipersona.TraitNumber:
		return "DOUBLE"
	case antipersona.TraitMulti:
		return "VARCHAR[]"
	case antipersona.TraitDate:
		return "TIMESTAMP"
	case antipersona.TraitBoolean:
		return "BOOLEAN"
	default:
		return "VARCHAR"
	}
}

// Traits returns the known traits in column order.
func (s *Store) Traits(ctx context.Context) ([]antipersona.Trait, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT name, ident, type, dimension, pii FROM traits ORDER BY ordinal")
	if err != nil {
		return nil, fmt.Errorf("read traits: %w", err)
	}
	defer rows.Close()
	var out []antipersona.Trait
	for rows.Next() {
		var t antipersona.Trait
		var typ, dim string
		if err := rows.Scan(&t.Name, &t.Ident, &typ, &dim, &t.PII); err != nil {
			return nil, fmt.Errorf("read traits: %w", err)
		}
		t.Type, t.Dimension = antipersona.TraitType(typ), antipersona.Dimension(dim)
		out = append(out, t)
	}
	return out, rows.Err()
}

// ensureTraits adds the columns and trait records of traits that the store
// does not know yet. A known trait must keep its type.
func (s *Store) ensureTraits(ctx context.Context, traits []antipersona.Trait) error {
	known, err := s.Traits(ctx)
	if err != nil {
		return err
	}
	byIdent := make(map[string]antipersona.Trait, len(known))
	for _, t := range known {
		byIdent[t.Ident] = t
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	n := len(known)
	for _, t := range traits {
		if k, ok := byIdent[t.Ident]; ok {
			if k.Type != t.Type {
				return antipersona.Errorf(antipersona.EINVALID, "trait %q is %s in the store but %s in this file; set contacts.traits.%s.type in antipersona.yaml", t.Ident, k.Type, t.Type, t.Ident)
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, "ALTER TABLE contacts ADD COLUMN "+quoteIdent(t.Ident)+" "+sqlType(t.Type)); err != nil {
			return fmt.Errorf("add trait column %s: %w", t.Ident, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO traits VALUES (?, ?, ?, ?, ?, ?)",
			t.Ident, t.Name, string(t.Type), string(t.Dimension), t.PII, n); err != nil {
			return fmt.Errorf("record trait %s: %w", t.Ident, err)
		}
		byIdent[t.Ident] = t
		n++
	}
	return tx.Commit()
}

// WriteBatch stores one batch. The rows of the batch are first appended to a
// staging table and then merged into the target in one transaction, so a
// crash leaves either the whole batch or none of it.
//
// Rows of contacts forgotten on request are left out and counted in
// Refused (see ForgetContact). WriteBatch is safe for concurrent use; calls
// are serialised.
func (s *Store) WriteBatch(ctx context.Context, b *antipersona.Batch) (antipersona.WriteResult, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	var res antipersona.WriteResult
	forgotten, err := s.forgottenSet(ctx)
	if err != nil {
		return res, err
	}
	b, res.Refused = withoutForgotten(b, forgotten)
	if len(b.Identities) > 0 {
		if err := s.writeIdentities(ctx, b.Identities); err != nil {
			return res, err
		}
	}
	var r antipersona.WriteResult
	if len(b.Contacts) > 0 {
		r, err = s.writeContacts(ctx, b)
		res.Add(r)
	}
	if err == nil && len(b.Events) > 0 {
		r, err = s.writeEvents(ctx, b.Events)
		res.Add(r)
	}
	if err == nil && len(b.Orders) > 0 {
		r, err = s.writeOrders(ctx, b.Orders)
		res.Add(r)
	}
	if err == nil && len(b.Returns) > 0 {
		r, err = s.writeReturns(ctx, b.Returns)
		res.Add(r)
	}
	if err == nil && len(b.Costs) > 0 {
		r, err = s.writeCosts(ctx, b.Costs)
		res.Add(r)
	}
	if err == nil && len(b.Touches) > 0 {
		r, err = s.writeTouches(ctx, b.Touches)
		res.Add(r)
	}
	if err == nil && len(b.SurveyAnswers) > 0 {
		r, err = s.writeSurveys(ctx, b.SurveyAnswers)
		res.Add(r)
	}
	return res, err
}

// stageAndMerge creates the connection-local temporary table stage with ddl,
// appends rows with fill, and runs the merge statements (which insert from
// the staging table) in one transaction. It returns the rows the last
// statement affected.
func (s *Store) stageAndMerge(ctx context.Context, stage, ddl string, fill func(a *duck.Appender) error, merge ...string) (int64, error) {
	var n int64
	err := s.staged(ctx, stage, ddl, fill, func(tx *sql.Tx) error {
		for _, stmt := range merge {
			r, err := tx.ExecContext(ctx, stmt)
			if err != nil {
				return fmt.Errorf("merge %s: %w", stage, err)
			}
			n, _ = r.RowsAffected()
		}
		return nil
	})
	return n, err
}

// staged creates the connection-local temporary table stage with ddl,
// appends rows with fill, and runs merge in one transaction on the same
// connection. The staging table lives in memory only: nothing of a batch
// reaches the database file before the merge commits.
func (s *Store) staged(ctx context.Context, stage, ddl string, fill func(a *duck.Appender) error, merge func(tx *sql.Tx) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+stage+" ("+ddl+")"); err != nil {
		return fmt.Errorf("create %s: %w", stage, err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS temp."+stage)
	err = conn.Raw(func(dc any) error {
		a, err := duck.NewAppender(dc.(driver.Conn), "temp", "main", stage)
		if err != nil {
			return fmt.Errorf("appender %s: %w", stage, err)
		}
		if err := fill(a); err != nil {
			a.Close()
			return err
		}
		if err := a.Close(); err != nil {
			return fmt.Errorf("append %s: %w", stage, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := merge(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit %s: %w", stage, err)
	}
	return nil
}

func (s *Store) writeIdentities(ctx context.Context, ids []antipersona.Identity) error {
	_, err := s.stageAndMerge(ctx, "_stage_identities",
		"anonymous_id VARCHAR, contact_id VARCHAR, ts TIMESTAMP, line BIGINT",
		func(a *duck.Appender) error {
			for i, id := range ids {
				if err := a.AppendRow(id.AnonymousID, id.ContactID, nullTime(id.Time), int64(i)); err != nil {
					return err
				}
			}
			return nil
		},
		`INSERT INTO identities SELECT anonymous_id, contact_id, ts FROM _stage_identities
		 WHERE anonymous_id IS NOT NULL AND contact_id IS NOT NULL
		 QUALIFY row_number() OVER (PARTITION BY anonymous_id ORDER BY ts, line) = 1
		 ON CONFLICT DO NOTHING`)
	return err
}

// firstOfKey reports whether key is seen for the first time.
type firstOfKey map[string]struct{}

func (f firstOfKey) first(key string) bool {
	if _, ok := f[key]; ok {
		return false
	}
	f[key] = struct{}{}
	return true
}

var (
	eventCols = cols(`message_id VARCHAR, contact_id VARCHAR, anonymous_id VARCHAR, type VARCHAR, event VARCHAR,
		ts TIMESTAMP, session_id VARCHAR, duration DOUBLE, rating DOUBLE, properties VARCHAR`)
	orderCols = cols(`order_id VARCHAR, contact_id VARCHAR, anonymous_id VARCHAR, ts TIMESTAMP, revenue DOUBLE, margin DOUBLE,
		cost_of_goods DOUBLE, discount DOUBLE, status VARCHAR, channel VARCHAR, source VARCHAR`)
	returnCols = cols(`return_id VARCHAR, order_id VARCHAR, contact_id VARCHAR, anonymous_id VARCHAR, ts TIMESTAMP,
		amount DOUBLE, kind VARCHAR, source VARCHAR`)
	costCols   = cols(`row_key VARCHAR, contact_id VARCHAR, campaign VARCHAR, channel VARCHAR, ts TIMESTAMP, amount DOUBLE, kind VARCHAR`)
	touchCols  = cols(`row_key VARCHAR, contact_id VARCHAR, campaign VARCHAR, channel VARCHAR, ts TIMESTAMP`)
	surveyCols = cols(`row_key VARCHAR, contact_id VARCHAR, question_id VARCHAR, question VARCHAR, answer VARCHAR, language VARCHAR, ts TIMESTAMP`)
)

// spoolSize guesses a batch's spool size from its row count.
func spoolSize(rows, perRow int) *spool { return &spool{buf: make([]byte, 0, rows*perRow)} }

func (s *Store) writeEvents(ctx context.Context, evs []antipersona.Event) (antipersona.WriteResult, error) {
	return writeKeyed(ctx, s, evs, "events", "mid", "message_id", eventCols, 200,
		func(e *antipersona.Event) string { return e.MessageID },
		func(w *spool, e *antipersona.Event) {
			w.str(e.MessageID)
			w.nullStr(e.ContactID)
			w.nullStr(e.AnonymousID)
			w.str(string(e.Type))
			w.nullStr(e.Name)
			w.time(e.Time)
			w.nullStr(e.SessionID)
			w.num(e.Duration)
			w.num(e.Rating)
			w.nullStr(e.Properties)
		})
}

// writeKeyed stores items of one kind whose first occurrence of each key
// (the file's first row wins) is not stored yet; enc writes an item's
// columns (cs) to a spool. The table's key set sorts the items into surely
// new ones and ones whose key may be stored (see keySet).
func writeKeyed[T any](ctx context.Context, s *Store, items []T, table, hashCol, keyCol string, cs []column, perRow int,
	key func(*T) string, enc func(w *spool, it *T)) (antipersona.WriteResult, error) {
	ks, err := s.keySetOf(ctx, table)
	if err != nil {
		return antipersona.WriteResult{}, err
	}
	seen := make(firstOfKey, len(items))
	keep := make([]int32, 0, len(items))
	for i := range items {
		if seen.first(key(&items[i])) {
			keep = append(keep, int32(i))
		}
	}
	// fresh and maybe are indexes into items; freshFP are the fresh keys'
	// fingerprints, added to the set once they are stored.
	maybe := keep // without a key set every key may be stored
	var fresh []int32
	var freshFP []uint64
	if ks != nil {
		fps := make([]uint64, len(keep))
		parallelRange(len(keep), func(lo, hi int) {
			for k := lo; k < hi; k++ {
				fps[k] = keyFingerprint(key(&items[keep[k]]))
			}
		})
		maybe = nil
		for k, fp := range fps {
			if ks.has(fp) {
				maybe = append(maybe, keep[k])
			} else {
				fresh, freshFP = append(fresh, keep[k]), append(freshFP, fp)
			}
		}
	}
	encode := func(idx []int32) *spool {
		return encodeParallel(len(idx), perRow, func(w *spool, k int) {
			enc(w, &items[idx[k]])
			w.end()
		})
	}
	n, err := s.insertSpooled(ctx, table, hashCol, keyCol, cs, encode(fresh), encode(maybe))
	if err != nil {
		return antipersona.WriteResult{}, err
	}
	if ks != nil {
		ks.reserve(len(freshFP))
		for _, fp := range freshFP {
			ks.add(fp)
		}
	}
	return antipersona.WriteResult{Inserted: n, Duplicates: int64(len(items)) - n}, nil
}

func (s *Store) writeOrders(ctx context.Context, os []antipersona.Order) (antipersona.WriteResult, error) {
	return writeKeyed(ctx, s, os, "orders", "ok", "order_id", orderCols, 120,
		func(o *antipersona.Order) string { return o.OrderID },
		func(w *spool, o *antipersona.Order) {
			status := o.Status
			if status == "" {
				status = antipersona.OrderCompleted
			}
			src := o.Source
			if src == "" {
				src = string(antipersona.KindOrders)
			}
			w.str(o.OrderID)
			w.nullStr(o.ContactID)
			w.nullStr(o.AnonymousID)
			w.time(o.Time)
			w.num(o.Revenue)
			w.num(o.Margin)
			w.num(o.CostOfGoods)
			w.num(o.Discount)
			w.str(status)
			w.nullStr(o.Channel)
			w.str(src)
		})
}

func (s *Store) writeReturns(ctx context.Context, rs []antipersona.Return) (antipersona.WriteResult, error) {
	return writeKeyed(ctx, s, rs, "returns", "rk", "return_id", returnCols, 100,
		func(r *antipersona.Return) string { return r.ReturnID },
		func(w *spool, r *antipersona.Return) {
			src := r.Source
			if src == "" {
				src = string(antipersona.KindOrders)
			}
			w.str(r.ReturnID)
			w.nullStr(r.OrderID)
			w.nullStr(r.ContactID)
			w.nullStr(r.AnonymousID)
			w.time(r.Time)
			w.num(r.Amount)
			w.str(r.Kind)
			w.str(src)
		})
}

func (s *Store) writeCosts(ctx context.Context, cs []antipersona.Cost) (antipersona.WriteResult, error) {
	return writeKeyed(ctx, s, cs, "costs", "rk", "row_key", costCols, 80,
		func(c *antipersona.Cost) string { return c.RowKey },
		func(w *spool, c *antipersona.Cost) {
			kind := c.Kind
			if kind == "" {
				kind = antipersona.CostAcquisition
			}
			w.str(c.RowKey)
			w.nullStr(c.ContactID)
			w.nullStr(c.Campaign)
			w.nullStr(c.Channel)
			w.time(c.Time)
			w.num(c.Amount)
			w.str(kind)
		})
}

func (s *Store) writeTouches(ctx context.Context, ts []antipersona.Touch) (antipersona.WriteResult, error) {
	return writeKeyed(ctx, s, ts, "touches", "rk", "row_key", touchCols, 60,
		func(t *antipersona.Touch) string { return t.RowKey },
		func(w *spool, t *antipersona.Touch) {
			w.str(t.RowKey)
			w.str(t.ContactID)
			w.nullStr(t.Campaign)
			w.nullStr(t.Channel)
			w.time(t.Time)
		})
}

func (s *Store) writeSurveys(ctx context.Context, as []antipersona.SurveyAnswer) (antipersona.WriteResult, error) {
	return writeKeyed(ctx, s, as, "survey_answers", "rk", "row_key", surveyCols, 120,
		func(x *antipersona.SurveyAnswer) string { return x.RowKey },
		func(w *spool, x *antipersona.SurveyAnswer) {
			w.str(x.RowKey)
			w.str(x.ContactID)
			w.str(x.QuestionID)
			w.nullStr(x.Question)
			w.str(x.Answer)
			w.nullStr(x.Language)
			w.time(x.Time)
		})
}

// traitValue converts a typed value for the appender.
func traitValue(t antipersona.TraitType, v antipersona.Value) driver.Value {
	if v.Missing {
		return nil
	}
	switch t {
	case antipersona.TraitNumber:
		return nullNum(v.Num)
	case antipersona.TraitMulti:
		l := make([]any, len(v.List))
		for i, s := range v.List {
			l[i] = s
		}
		return l
	case antipersona.TraitDate:
		return nullTime(v.Time)
	case antipersona.TraitBoolean:
		return v.Bool
	default:
		return v.Str
	}
}

// writeContacts upserts contacts. Columns the file does not have are left as
// they are; a missing value in the file does not erase a stored one. A
// contact whose stored values already equal the file's counts as a duplicate.
func (s *Store) writeContacts(ctx context.Context, b *antipersona.Batch) (antipersona.WriteResult, error) {
	var res antipersona.WriteResult
	if err := s.ensureTraits(ctx, b.Traits); err != nil {
		return res, err
	}
	cols := []string{"contact_id", "email", "phone", "created_at", "outcome"}
	ddl := []string{"contact_id VARCHAR", "email VARCHAR", "phone VARCHAR", "created_at TIMESTAMP", "outcome BOOLEAN"}
	for _, t := range b.Traits {
		cols = append(cols, t.Ident)
		ddl = append(ddl, quoteIdent(t.Ident)+" "+sqlType(t.Type))
	}
	ddl = append(ddl, "valid_from TIMESTAMP") // the last column of a staged row
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = quoteIdent(c)
	}
	// A row's version: its own ValidFrom, else the batch's, else none.
	validFrom := func(c *antipersona.Contact) time.Time {
		if !c.ValidFrom.IsZero() {
			return c.ValidFrom
		}
		return b.ValidFrom
	}
	// The last row of an id and version within the batch wins.
	type key struct {
		id string
		vf time.Time
	}
	last := make(map[key]int, len(b.Contacts))
	for i := range b.Contacts {
		last[key{b.Contacts[i].ID, validFrom(&b.Contacts[i])}] = i
	}
	// unchanged is true when every value of the file equals the stored one
	// (a missing value in the file leaves the stored one as it is).
	unchanged := func(stored string) string {
		var conds []string
		for _, c := range quoted[1:] {
			conds = append(conds, fmt.Sprintf("(s.%[1]s IS NULL OR s.%[1]s IS NOT DISTINCT FROM %[2]s.%[1]s)", c, stored))
		}
		return strings.Join(conds, " AND ")
	}
	// match finds the stored row of the same contact and version.
	match := func(stored string) string {
		return stored + ".contact_id = s.contact_id AND " + stored + ".valid_from IS NOT DISTINCT FROM s.valid_from"
	}
	var distinct, existing, same int64
	fill := func(a *duck.Appender) error {
		row := make([]driver.Value, len(cols)+1)
		for i := range b.Contacts {
			c := &b.Contacts[i]
			vf := validFrom(c)
			if last[key{c.ID, vf}] != i {
				continue
			}
			row[len(cols)] = nullTime(vf)
			row[0], row[1], row[2], row[3] = c.ID, nullStr(c.Email), nullStr(c.Phone), nullTime(c.CreatedAt)
			if c.Outcome != nil {
				row[4] = *c.Outcome
			} else {
				row[4] = nil
			}
			for i, t := range b.Traits {
				row[5+i] = traitValue(t.Type, c.Values[i])
			}
			if err := a.AppendRow(row...); err != nil {
				return err
			}
		}
		return nil
	}
	// Counted, then new ids inserted, then changed ones updated, in one
	// transaction.
	err := s.staged(ctx, "_stage_contacts", strings.Join(ddl, ", "), fill, func(tx *sql.Tx) error {
		q := `SELECT (SELECT count(*) FROM _stage_contacts), count(*), count(*) FILTER (WHERE ` + unchanged("c") + `)
		      FROM _stage_contacts s JOIN contacts c ON ` + match("c")
		if err := tx.QueryRowContext(ctx, q).Scan(&distinct, &existing, &same); err != nil {
			return fmt.Errorf("compare contacts: %w", err)
		}
		if distinct > existing {
			// A value the file lacks stays NULL in a new version: a build
			// takes, per column, the latest value any version valid on its
			// date has (see features), so versions can arrive in any order.
			if _, err := tx.ExecContext(ctx, "INSERT INTO contacts (contact_id, valid_from, "+strings.Join(quoted[1:], ", ")+") SELECT s.contact_id, "+
				"s.valid_from, "+strings.Join(quoted[1:], ", ")+` FROM _stage_contacts s
				WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE `+match("c")+`)`); err != nil {
				return fmt.Errorf("insert contacts: %w", err)
			}
		}
		if existing > same {
			var sets []string
			for _, c := range quoted[1:] {
				sets = append(sets, fmt.Sprintf("%[1]s = COALESCE(s.%[1]s, contacts.%[1]s)", c))
			}
			if _, err := tx.ExecContext(ctx, "UPDATE contacts SET "+strings.Join(sets, ", ")+
				" FROM _stage_contacts s WHERE "+match("contacts")+" AND NOT ("+unchanged("contacts")+")"); err != nil {
				return fmt.Errorf("update contacts: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	res.Inserted = distinct - existing
	res.Updated = existing - same
	res.Duplicates = int64(len(b.Contacts)) - distinct + same
	return res, nil
}

// RecordIngest records a finished ingest run.
func (s *Store) RecordIngest(ctx context.Context, run antipersona.IngestRun) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO ingests SELECT COALESCE(max(id), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM ingests`,
		string(run.Kind), run.File, run.StartedAt.UTC(), run.FinishedAt.UTC(), run.Read, run.Loaded, run.Rejected, run.Duplicates, nullStr(run.RejectsFile))
	if err != nil {
		return fmt.Errorf("record ingest: %w", err)
	}
	return nil
}

// Status returns the row counts per kind, the number of traits and the last build.
func (s *Store) Status(ctx context.Context) (antipersona.Status, error) {
	st := antipersona.Status{Counts: make(map[antipersona.Kind]int64)}
	for _, k := range antipersona.Kinds {
		var n int64
		q := "SELECT count(*) FROM " + string(k)
		if k == antipersona.KindContacts {
			q = "SELECT count(DISTINCT contact_id) FROM contacts"
		}
		if err := s.db.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return st, fmt.Errorf("count %s: %w", k, err)
		}
		st.Counts[k] = n
	}
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM traits").Scan(&st.Traits); err != nil {
		return st, err
	}
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM ingests").Scan(&st.Ingests); err != nil {
		return st, err
	}
	b, err := s.LastBuild(ctx)
	if err != nil {
		return st, err
	}
	st.LastBuild = b
	return st, nil
}

// LastBuild returns the newest build, or nil when there is none.
func (s *Store) LastBuild(ctx context.Context) (*antipersona.Build, error) {
	bs, err := s.builds(ctx, "ORDER BY id DESC LIMIT 1")
	if err != nil || len(bs) == 0 {
		return nil, err
	}
	return &bs[0], nil
}

// Builds returns every build, oldest first.
func (s *Store) Builds(ctx context.Context) ([]antipersona.Build, error) {
	return s.builds(ctx, "ORDER BY id")
}

func (s *Store) builds(ctx context.Context, order string) ([]antipersona.Build, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, as_of, started_at, finished_at, contacts, config_hash FROM builds "+order)
	if err != nil {
		return nil, fmt.Errorf("read builds: %w", err)
	}
	defer rows.Close()
	var out []antipersona.Build
	for rows.Next() {
		var b antipersona.Build
		if err := rows.Scan(&b.ID, &b.AsOf, &b.StartedAt, &b.FinishedAt, &b.Contacts, &b.ConfigHash); err != nil {
			return nil, fmt.Errorf("read builds: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// TraitStats returns every trait with its missing share over all contacts.
func (s *Store) TraitStats(ctx context.Context) ([]antipersona.TraitStat, error) {
	traits, err := s.Traits(ctx)
	if err != nil || len(traits) == 0 {
		return nil, err
	}
	sel := make([]string, len(traits))
	for i, t := range traits {
		sel[i] = "count(" + quoteIdent(t.Ident) + ")"
	}
	vals := make([]int64, len(traits)+1)
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := s.db.QueryRowContext(ctx, "SELECT count(*), "+strings.Join(sel, ", ")+" FROM ("+features.MergedContacts(traits, "")+")").Scan(ptrs...); err != nil {
		return nil, fmt.Errorf("count traits: %w", err)
	}
	out := make([]antipersona.TraitStat, len(traits))
	for i, t := range traits {
		out[i].Trait = t
		if vals[0] > 0 {
			out[i].MissingShare = 1 - float64(vals[i+1])/float64(vals[0])
		}
	}
	return out, nil
}

// IdentifyTraits calls fn for each day (UTC) on which identify calls carried
// traits, in date order, with each contact's traits of that day: the
// properties of its identify calls merged in time order (a later call's
// value wins), as a JSON object.
func (s *Store) IdentifyTraits(ctx context.Context, fn func(day time.Time, traits map[string]json.RawMessage) error) error {
	rows, err := s.db.QueryContext(ctx, features.IdentifyTraitsSQL)
	if err != nil {
		return fmt.Errorf("read identify traits: %w", err)
	}
	defer rows.Close()
	days := features.NewIdentifyDays(fn)
	for rows.Next() {
		var d time.Time
		var id, props string
		if err := rows.Scan(&d, &id, &props); err != nil {
			return err
		}
		if err := days.Add(d, id, props); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return days.Close()
}

// IdentifyState is a digest of the stored identify calls that carry traits:
// their number. Identify events are only ever added, so an unchanged
// number means no new traits to apply.
func (s *Store) IdentifyState(ctx context.Context) (string, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM events WHERE "+features.IdentifyWhere).Scan(&n)
	return fmt.Sprint(n), err
}

// Meta returns the value stored under key ("" when none).
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", key).Scan(&v)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return v, err
}

// SetMeta stores value under key.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	_, err := s.db.ExecContext(ctx, "INSERT OR REPLACE INTO meta VALUES (?, ?)", key, value)
	return err
}
