package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/antipersona/antipersona"
)

// column is a column of a staging table.
type column struct{ name, typ string }

// keyed describes a kind whose rows are stored once per key: its table, the
// columns a batch fills (the key first) and the staging table they are
// copied into before the merge.
type keyed struct {
	table string
	cols  []column
}

func (k *keyed) stage() string { return "_stage_" + k.table }

func (k *keyed) names() []string {
	out := make([]string, len(k.cols))
	for i, c := range k.cols {
		out[i] = c.name
	}
	return out
}

// insert merges the staging table into the table; rows whose key is
// stored already are left out (ON CONFLICT DO NOTHING).
func (k *keyed) insert() string {
	cols := strings.Join(k.names(), ", ")
	return "INSERT INTO " + k.table + " (" + cols + ") SELECT " + cols + " FROM " + k.stage() + " ON CONFLICT DO NOTHING"
}

const text = `text COLLATE "C"`

var (
	eventsKind = &keyed{"events", []column{{"message_id", text}, {"contact_id", text}, {"anonymous_id", text},
		{"type", text}, {"event", text}, {"ts", "timestamp"}, {"session_id", text}, {"duration", "double precision"},
		{"rating", "double precision"}, {"properties", "text"}}}
	ordersKind = &keyed{"orders", []column{{"order_id", text}, {"contact_id", text}, {"anonymous_id", text},
		{"ts", "timestamp"}, {"revenue", "double precision"}, {"margin", "double precision"},
		{"cost_of_goods", "double precision"}, {"discount", "double precision"}, {"status", text}, {"channel", text},
		{"source", text}}}
	returnsKind = &keyed{"returns", []column{{"return_id", text}, {"order_id", text}, {"contact_id", text},
		{"anonymous_id", text}, {"ts", "timestamp"}, {"amount", "double precision"}, {"kind", text}, {"source", text}}}
	costsKind = &keyed{"costs", []column{{"row_key", text}, {"contact_id", text}, {"campaign", text},
		{"channel", text}, {"ts", "timestamp"}, {"amount", "double precision"}, {"kind", text}}}
	touchesKind = &keyed{"touches", []column{{"row_key", text}, {"contact_id", text}, {"campaign", text},
		{"channel", text}, {"ts", "timestamp"}}}
	surveysKind = &keyed{"survey_answers", []column{{"row_key", text}, {"contact_id", text}, {"question_id", text},
		{"question", "text"}, {"answer", "text"}, {"language", text}, {"ts", "timestamp"}}}
	identitiesStage = &keyed{"identities", []column{{"anonymous_id", text}, {"contact_id", text}, {"ts", "timestamp"},
		{"line", "bigint"}}}
)

// createStage creates the connection's staging table of k when missing: a
// temporary table, private to the connection and emptied at every commit,
// that a batch is copied into before it is merged into k's table. Every
// commit that touched a temporary table empties all such tables, so a
// connection makes only those it uses.
func (k *keyed) createStage() string {
	defs := make([]string, len(k.cols))
	for i, c := range k.cols {
		defs[i] = c.name + " " + c.typ
	}
	return "CREATE TEMP TABLE IF NOT EXISTS " + k.stage() + " (" + strings.Join(defs, ", ") + ") ON COMMIT DELETE ROWS"
}

// sqlType is the column type of a trait type.
func sqlType(t antipersona.TraitType) string {
	switch t {
	case antipersona.TraitNumber:
		return "double precision"
	case antipersona.TraitMulti:
		return `text[] COLLATE "C"`
	case antipersona.TraitDate:
		return "timestamp"
	case antipersona.TraitBoolean:
		return "boolean"
	default:
		return text
	}
}

// Traits returns the known traits in column order.
func (s *Store) Traits(ctx context.Context) ([]antipersona.Trait, error) {
	return s.traits(ctx, s.pool)
}

func (s *Store) traits(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}) ([]antipersona.Trait, error) {
	rows, err := q.Query(ctx, "SELECT name, ident, type, dimension, pii FROM traits ORDER BY ordinal")
	if err != nil {
		return nil, fmt.Errorf("read traits: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (antipersona.Trait, error) {
		var t antipersona.Trait
		var typ, dim string
		err := r.Scan(&t.Name, &t.Ident, &typ, &dim, &t.PII)
		t.Type, t.Dimension = antipersona.TraitType(typ), antipersona.Dimension(dim)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("read traits: %w", err)
	}
	return out, nil
}

// ensureTraits adds the columns and trait records of traits that the
// workspace does not know yet, under the contacts lock. A known trait must
// keep its type (else EINVALID).
func (s *Store) ensureTraits(ctx context.Context, traits []antipersona.Trait) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", s.lockKey("contacts")); err != nil {
			return fmt.Errorf("lock contacts: %w", err)
		}
		known, err := s.traits(ctx, tx)
		if err != nil {
			return err
		}
		byIdent := make(map[string]antipersona.Trait, len(known))
		for _, t := range known {
			byIdent[t.Ident] = t
		}
		n := len(known)
		for _, t := range traits {
			if k, ok := byIdent[t.Ident]; ok {
				if k.Type != t.Type {
					return antipersona.Errorf(antipersona.EINVALID, "trait %q is %s in the store but %s in this file; set contacts.traits.%s.type in antipersona.yaml", t.Ident, k.Type, t.Type, t.Ident)
				}
				continue
			}
			if _, err := tx.Exec(ctx, "ALTER TABLE contacts ADD COLUMN "+quoteIdent(t.Ident)+" "+sqlType(t.Type)); err != nil {
				return fmt.Errorf("add trait column %s: %w", t.Ident, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO traits VALUES ($1, $2, $3, $4, $5, $6)",
				t.Ident, t.Name, string(t.Type), string(t.Dimension), t.PII, n); err != nil {
				return fmt.Errorf("record trait %s: %w", t.Ident, err)
			}
			byIdent[t.Ident] = t
			n++
		}
		return nil
	})
}

// WriteBatch stores one batch, with the semantics of the DuckDB store:
// keyed rows (events by message id, orders by order id, returns by return
// id, costs, touches and survey answers by row key, identities by
// anonymous id) are inserted once, the first row of a key in the batch
// winning and later copies counting as Duplicates; contacts are versioned
// by (contact id, valid from) and upserted (see writeContacts).
//
// Rows of forgotten contacts are not stored and count in Refused;
// identities that link to a forgotten contact are dropped without being
// counted. The identities and the rows of the batch's kind are each
// written in one transaction: rows are copied (COPY) into a staging table
// and merged from there. WriteBatch is safe for concurrent use, also across
// processes.
func (s *Store) WriteBatch(ctx context.Context, b *antipersona.Batch) (antipersona.WriteResult, error) {
	var res antipersona.WriteResult
	if len(b.Identities) > 0 {
		if err := s.writeIdentities(ctx, b.Identities); err != nil {
			return res, fmt.Errorf("write identities: %w", err)
		}
	}
	steps := []struct {
		kind antipersona.Kind
		n    int
		fn   func() (antipersona.WriteResult, error)
	}{
		{antipersona.KindContacts, len(b.Contacts), func() (antipersona.WriteResult, error) { return s.writeContacts(ctx, b) }},
		{antipersona.KindEvents, len(b.Events), func() (antipersona.WriteResult, error) { return s.writeEvents(ctx, b.Events) }},
		{antipersona.KindOrders, len(b.Orders), func() (antipersona.WriteResult, error) { return s.writeOrders(ctx, b.Orders) }},
		{antipersona.KindReturns, len(b.Returns), func() (antipersona.WriteResult, error) { return s.writeReturns(ctx, b.Returns) }},
		{antipersona.KindCosts, len(b.Costs), func() (antipersona.WriteResult, error) { return s.writeCosts(ctx, b.Costs) }},
		{antipersona.KindTouches, len(b.Touches), func() (antipersona.WriteResult, error) { return s.writeTouches(ctx, b.Touches) }},
		{antipersona.KindSurveyAnswers, len(b.SurveyAnswers), func() (antipersona.WriteResult, error) { return s.writeSurveys(ctx, b.SurveyAnswers) }},
	}
	for _, st := range steps {
		if st.n == 0 {
			continue
		}
		t0 := time.Now()
		r, err := st.fn()
		if err != nil {
			return res, fmt.Errorf("write %s: %w", st.kind, err)
		}
		res.Add(r)
		s.logger.Debug("wrote batch", "workspace", s.workspace, "kind", st.kind, "inserted", r.Inserted,
			"updated", r.Updated, "duplicates", r.Duplicates, "refused", r.Refused, "took", time.Since(t0))
	}
	return res, nil
}

func (s *Store) writeEvents(ctx context.Context, evs []antipersona.Event) (antipersona.WriteResult, error) {
	return writeKeyed(ctx, s, evs, eventsKind,
		func(e *antipersona.Event) string { return e.MessageID },
		func(e *antipersona.Event) string { return e.ContactID },
		func(e *antipersona.Event, row []any) {
			row[0], row[1], row[2], row[3], row[4] = e.MessageID, nullStr(e.ContactID), nullStr(e.AnonymousID), string(e.Type), nullStr(e.Name)
			row[5], row[6], row[7], row[8], row[9] = nullTime(e.Time), nullStr(e.SessionID), nullNum(e.Duration), nullNum(e.Rating), nullStr(e.Properties)
		})
}

func (s *Store) writeOrders(ctx context.Context, os []antipersona.Order) (antipersona.WriteResult, error) {
	return writeKeyed(ctx, s, os, ordersKind,
		func(o *antipersona.Order) string { return o.OrderID },
		func(o *antipersona.Order) string { return o.ContactID },
		func(o *antipersona.Order, row []any) {
			status := o.Status
			if status == "" {
				status = antipersona.OrderCompleted
			}
			src := o.Source
			if src == "" {
				src = string(antipersona.KindOrders)
			}
			row[0], row[1], row[2], row[3], row[4], row[5] = o.OrderID, nullStr(o.ContactID), nullStr(o.AnonymousID), nullTime(o.Time), nullNum(o.Revenue), nullNum(o.Margin)
			row[6], row[7], row[8], row[9], row[10] = nullNum(o.CostOfGoods), nullNum(o.Discount), status, nullStr(o.Channel), src
		})
}

func (s *Store) writeReturns(ctx context.Context, rs []antipersona.Return) (antipersona.WriteResult, error) {
	return writeKeyed(ctx, s, rs, returnsKind,
		func(x *antipersona.Return) string { return x.ReturnID },
		func(x *antipersona.Return) string { return x.ContactID },
		func(x *antipersona.Return, row []any) {
			src := x.Source
			if src == "" {
				src = string(antipersona.KindOrders)
			}
			row[0], row[1], row[2], row[3] = x.ReturnID, nullStr(x.OrderID), nullStr(x.ContactID), nullStr(x.AnonymousID)
			row[4], row[5], row[6], row[7] = nullTime(x.Time), nullNum(x.Amount), x.Kind, src
		})
}

func (s *Store) writeCosts(ctx context.Context, cs []antipersona.Cost) (antipersona.WriteResult, error) {
	return writeKeyed(ctx, s, cs, costsKind,
		func(c *antipersona.Cost) string { return c.RowKey },
		func(c *antipersona.Cost) string { return c.ContactID },
		func(c *antipersona.Cost, row []any) {
			k := c.Kind
			if k == "" {
				k = antipersona.CostAcquisition
			}
			row[0], row[1], row[2], row[3] = c.RowKey, nullStr(c.ContactID), nullStr(c.Campaign), nullStr(c.Channel)
			row[4], row[5], row[6] = nullTime(c.Time), nullNum(c.Amount), k
		})
}

func (s *Store) writeTouches(ctx context.Context, ts []antipersona.Touch) (antipersona.WriteResult, error) {
	return writeKeyed(ctx, s, ts, touchesKind,
		func(t *antipersona.Touch) string { return t.RowKey },
		func(t *antipersona.Touch) string { return t.ContactID },
		func(t *antipersona.Touch, row []any) {
			row[0], row[1], row[2], row[3], row[4] = t.RowKey, t.ContactID, nullStr(t.Campaign), nullStr(t.Channel), nullTime(t.Time)
		})
}

func (s *Store) writeSurveys(ctx context.Context, as []antipersona.SurveyAnswer) (antipersona.WriteResult, error) {
	return writeKeyed(ctx, s, as, surveysKind,
		func(a *antipersona.SurveyAnswer) string { return a.RowKey },
		func(a *antipersona.SurveyAnswer) string { return a.ContactID },
		func(a *antipersona.SurveyAnswer, row []any) {
			row[0], row[1], row[2], row[3] = a.RowKey, a.ContactID, a.QuestionID, nullStr(a.Question)
			row[4], row[5], row[6] = a.Answer, nullStr(a.Language), nullTime(a.Time)
		})
}

// contactHashes maps contact ids to their ForgottenHash.
type contactHashes map[string]string

func (h contactHashes) add(id string) {
	if id == "" {
		return
	}
	if _, ok := h[id]; !ok {
		h[id] = antipersona.ForgottenHash(id)
	}
}

// writeTx runs fn in a transaction that holds the workspace's write lock
// (shared; ForgetContact takes it exclusively) and, when contacts is set,
// its contacts lock, after creating the staging table of stage (unless
// nil). gone holds those of ids that are forgotten, read under the lock: a
// contact forgotten while a batch is written is refused by the batch's
// next transaction.
func (s *Store) writeTx(ctx context.Context, stage *keyed, ids contactHashes, contacts bool, fn func(tx pgx.Tx, gone map[string]bool) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		hashes := make([]string, 0, len(ids))
		for _, h := range ids {
			hashes = append(hashes, h)
		}
		b := &pgx.Batch{}
		if stage != nil {
			b.Queue(stage.createStage())
		}
		b.Queue("SELECT pg_advisory_xact_lock_shared($1)", s.lockKey("write"))
		if contacts {
			b.Queue("SELECT pg_advisory_xact_lock($1)", s.lockKey("contacts"))
		}
		b.Queue("SELECT id_hash FROM forgotten WHERE id_hash = ANY($1)", hashes)
		br := tx.SendBatch(ctx, b)
		for range b.Len() - 1 {
			if _, err := br.Exec(); err != nil {
				br.Close()
				return fmt.Errorf("stage and lock: %w", err)
			}
		}
		rows, _ := br.Query()
		forgotten, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			br.Close()
			return fmt.Errorf("read forgotten: %w", err)
		}
		if err := br.Close(); err != nil {
			return fmt.Errorf("read forgotten: %w", err)
		}
		gone := map[string]bool{}
		if len(forgotten) > 0 {
			set := make(map[string]bool, len(forgotten))
			for _, h := range forgotten {
				set[h] = true
			}
			for id, h := range ids {
				if set[h] {
					gone[id] = true
				}
			}
		}
		return fn(tx, gone)
	})
}

// writeKeyed stores the items of one keyed kind: items of forgotten
// contacts are refused, the first item of each key is kept, and the kept
// items whose key is not stored yet are inserted. fill writes an item's
// columns (k.cols) into row.
func writeKeyed[T any](ctx context.Context, s *Store, items []T, k *keyed,
	key, contact func(*T) string, fill func(it *T, row []any)) (antipersona.WriteResult, error) {
	var res antipersona.WriteResult
	ids := contactHashes{}
	for i := range items {
		ids.add(contact(&items[i]))
	}
	err := s.writeTx(ctx, k, ids, false, func(tx pgx.Tx, gone map[string]bool) error {
		res = antipersona.WriteResult{}
		seen := make(map[string]struct{}, len(items))
		keep := make([]int32, 0, len(items))
		for i := range items {
			if len(gone) > 0 && gone[contact(&items[i])] {
				res.Refused++
				continue
			}
			kk := key(&items[i])
			if _, dup := seen[kk]; dup {
				continue
			}
			seen[kk] = struct{}{}
			keep = append(keep, int32(i))
		}
		if len(keep) > 0 {
			row := make([]any, len(k.cols))
			src := pgx.CopyFromSlice(len(keep), func(j int) ([]any, error) {
				fill(&items[keep[j]], row)
				return row, nil
			})
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{k.stage()}, k.names(), src); err != nil {
				return fmt.Errorf("copy: %w", err)
			}
			tag, err := tx.Exec(ctx, k.insert())
			if err != nil {
				return fmt.Errorf("merge: %w", err)
			}
			res.Inserted = tag.RowsAffected()
		}
		res.Duplicates = int64(len(items)) - res.Refused - res.Inserted
		return nil
	})
	if err != nil {
		return antipersona.WriteResult{}, err
	}
	return res, nil
}

// writeIdentities stores the identities of anonymous ids not linked yet:
// per anonymous id the earliest identity of the batch (the first on equal
// times) wins. Identities linking to a forgotten contact, or with an empty
// id, are dropped.
func (s *Store) writeIdentities(ctx context.Context, idents []antipersona.Identity) error {
	ids := contactHashes{}
	for _, id := range idents {
		ids.add(id.ContactID)
	}
	return s.writeTx(ctx, identitiesStage, ids, false, func(tx pgx.Tx, gone map[string]bool) error {
		keep := make([]int, 0, len(idents))
		for i, id := range idents {
			if id.AnonymousID != "" && id.ContactID != "" && !gone[id.ContactID] {
				keep = append(keep, i)
			}
		}
		if len(keep) == 0 {
			return nil
		}
		src := pgx.CopyFromSlice(len(keep), func(j int) ([]any, error) {
			id := idents[keep[j]]
			return []any{id.AnonymousID, id.ContactID, nullTime(id.Time), int64(j)}, nil
		})
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{identitiesStage.stage()}, identitiesStage.names(), src); err != nil {
			return fmt.Errorf("copy: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO identities (anonymous_id, contact_id, ts)
			SELECT DISTINCT ON (anonymous_id) anonymous_id, contact_id, ts FROM _stage_identities
			ORDER BY anonymous_id, ts, line
			ON CONFLICT DO NOTHING`); err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		return nil
	})
}

// traitValue converts a typed value for COPY.
func traitValue(t antipersona.TraitType, v antipersona.Value) any {
	if v.Missing {
		return nil
	}
	switch t {
	case antipersona.TraitNumber:
		return nullNum(v.Num)
	case antipersona.TraitMulti:
		return append([]string{}, v.List...)
	case antipersona.TraitDate:
		return nullTime(v.Time)
	case antipersona.TraitBoolean:
		return v.Bool
	default:
		return v.Str
	}
}

// writeContacts upserts contacts as the DuckDB store does. A contact's
// version is its ValidFrom, else the batch's, else none; within the batch
// the last row of an id and version wins. A version not stored yet is
// inserted (Inserted). A stored version is updated when a value of the
// file differs from the stored one (Updated): columns the file lacks, and
// values missing in the file, leave the stored values as they are; a
// version whose stored values already equal the file's is a duplicate.
func (s *Store) writeContacts(ctx context.Context, b *antipersona.Batch) (antipersona.WriteResult, error) {
	var res antipersona.WriteResult
	if err := s.ensureTraits(ctx, b.Traits); err != nil {
		return res, err
	}
	cols := []string{"contact_id", "email", "phone", "created_at", "outcome"}
	ddl := []string{"contact_id " + text, "email " + text, "phone " + text, "created_at timestamp", "outcome boolean"}
	for _, t := range b.Traits {
		cols = append(cols, t.Ident)
		ddl = append(ddl, quoteIdent(t.Ident)+" "+sqlType(t.Type))
	}
	cols = append(cols, "valid_from") // the last column of a staged row
	ddl = append(ddl, "valid_from timestamp")
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = quoteIdent(c)
	}
	values := quoted[1 : len(quoted)-1] // every column but the id and the version
	validFrom := func(c *antipersona.Contact) time.Time {
		if !c.ValidFrom.IsZero() {
			return c.ValidFrom
		}
		return b.ValidFrom
	}
	// unchanged holds when every value of the file equals the stored one
	// (a missing value in the file leaves the stored one as it is).
	unchanged := func(stored string) string {
		conds := make([]string, len(values))
		for i, c := range values {
			conds[i] = fmt.Sprintf("(s.%[1]s IS NULL OR s.%[1]s IS NOT DISTINCT FROM %[2]s.%[1]s)", c, stored)
		}
		return strings.Join(conds, " AND ")
	}
	match := func(stored string) string {
		return stored + ".contact_id = s.contact_id AND " + stored + ".valid_from IS NOT DISTINCT FROM s.valid_from"
	}
	ids := contactHashes{}
	for i := range b.Contacts {
		ids.add(b.Contacts[i].ID)
	}
	err := s.writeTx(ctx, nil, ids, true, func(tx pgx.Tx, gone map[string]bool) error {
		res = antipersona.WriteResult{}
		type key struct {
			id string
			vf time.Time
		}
		last := make(map[key]int, len(b.Contacts))
		var kept int64
		for i := range b.Contacts {
			c := &b.Contacts[i]
			if gone[c.ID] {
				res.Refused++
				continue
			}
			kept++
			last[key{c.ID, validFrom(c)}] = i
		}
		if len(last) == 0 {
			return nil
		}
		rows := make([]int, 0, len(last))
		for i := range b.Contacts {
			c := &b.Contacts[i]
			if j, ok := last[key{c.ID, validFrom(c)}]; ok && j == i && !gone[c.ID] {
				rows = append(rows, i)
			}
		}
		if _, err := tx.Exec(ctx, "CREATE TEMP TABLE _stage_contacts ("+strings.Join(ddl, ", ")+") ON COMMIT DROP"); err != nil {
			return fmt.Errorf("stage: %w", err)
		}
		row := make([]any, len(cols))
		src := pgx.CopyFromSlice(len(rows), func(j int) ([]any, error) {
			c := &b.Contacts[rows[j]]
			row[0], row[1], row[2], row[3] = c.ID, nullStr(c.Email), nullStr(c.Phone), nullTime(c.CreatedAt)
			row[4] = nil
			if c.Outcome != nil {
				row[4] = *c.Outcome
			}
			if len(c.Values) != len(b.Traits) {
				return nil, fmt.Errorf("contact on line %d has %d values for %d traits", c.Line, len(c.Values), len(b.Traits))
			}
			for i, t := range b.Traits {
				row[5+i] = traitValue(t.Type, c.Values[i])
			}
			row[len(row)-1] = nullTime(validFrom(c))
			return row, nil
		})
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"_stage_contacts"}, cols, src); err != nil {
			return fmt.Errorf("copy: %w", err)
		}
		var distinct, existing, same int64
		q := `SELECT (SELECT count(*) FROM _stage_contacts), count(*), count(*) FILTER (WHERE ` + unchanged("c") + `)
		      FROM _stage_contacts s JOIN contacts c ON ` + match("c")
		if err := tx.QueryRow(ctx, q, pgx.QueryExecModeDescribeExec).Scan(&distinct, &existing, &same); err != nil {
			return fmt.Errorf("compare: %w", err)
		}
		if distinct > existing {
			// A value the file lacks stays NULL in a new version: a build
			// takes, per column, the latest value any version valid on its
			// date has (see features).
			if _, err := tx.Exec(ctx, "INSERT INTO contacts (contact_id, valid_from, "+strings.Join(values, ", ")+
				") SELECT s.contact_id, s.valid_from, "+strings.Join(values, ", ")+
				" FROM _stage_contacts s WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE "+match("c")+")",
				pgx.QueryExecModeDescribeExec); err != nil {
				return fmt.Errorf("insert: %w", err)
			}
		}
		if existing > same {
			sets := make([]string, len(values))
			for i, c := range values {
				sets[i] = fmt.Sprintf("%[1]s = COALESCE(s.%[1]s, contacts.%[1]s)", c)
			}
			if _, err := tx.Exec(ctx, "UPDATE contacts SET "+strings.Join(sets, ", ")+
				" FROM _stage_contacts s WHERE "+match("contacts")+" AND NOT ("+unchanged("contacts")+")",
				pgx.QueryExecModeDescribeExec); err != nil {
				return fmt.Errorf("update: %w", err)
			}
		}
		res.Inserted = distinct - existing
		res.Updated = existing - same
		res.Duplicates = kept - distinct + same
		return nil
	})
	if err != nil {
		return antipersona.WriteResult{}, err
	}
	return res, nil
}

// RecordIngest records a finished ingest run.
func (s *Store) RecordIngest(ctx context.Context, run antipersona.IngestRun) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO ingests (kind, file, started_at, finished_at, read_rows, loaded, rejected, duplicates, rejects_file)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		string(run.Kind), run.File, run.StartedAt.UTC(), run.FinishedAt.UTC(), run.Read, run.Loaded, run.Rejected,
		run.Duplicates, nullStr(run.RejectsFile))
	if err != nil {
		return fmt.Errorf("record ingest: %w", err)
	}
	return nil
}

// Status returns the row counts per kind (contacts: distinct contact ids,
// not versions), the number of traits, the number of recorded ingests and
// the last build (nil when there is none), read in one snapshot.
func (s *Store) Status(ctx context.Context) (antipersona.Status, error) {
	st := antipersona.Status{Counts: make(map[antipersona.Kind]int64)}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		sel := make([]string, len(antipersona.Kinds))
		for i, k := range antipersona.Kinds {
			sel[i] = "(SELECT count(*) FROM " + string(k) + ")"
			if k == antipersona.KindContacts {
				sel[i] = "(SELECT count(DISTINCT contact_id) FROM contacts)"
			}
		}
		counts := make([]int64, len(sel))
		ptrs := make([]any, 0, len(sel)+2)
		for i := range counts {
			ptrs = append(ptrs, &counts[i])
		}
		ptrs = append(ptrs, &st.Traits, &st.Ingests)
		q := "SELECT " + strings.Join(sel, ", ") + ", (SELECT count(*) FROM traits), (SELECT count(*) FROM ingests)"
		if err := tx.QueryRow(ctx, q).Scan(ptrs...); err != nil {
			return fmt.Errorf("count rows: %w", err)
		}
		for i, k := range antipersona.Kinds {
			st.Counts[k] = counts[i]
		}
		b, err := lastBuild(ctx, tx)
		st.LastBuild = b
		return err
	})
	if err != nil {
		return antipersona.Status{}, fmt.Errorf("status: %w", err)
	}
	return st, nil
}

// LastBuild returns the newest build, or nil when there is none.
func (s *Store) LastBuild(ctx context.Context) (*antipersona.Build, error) {
	return lastBuild(ctx, s.pool)
}

func lastBuild(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) (*antipersona.Build, error) {
	var b antipersona.Build
	err := q.QueryRow(ctx, "SELECT id, as_of, started_at, finished_at, contacts, config_hash FROM builds ORDER BY id DESC LIMIT 1").
		Scan(&b.ID, &b.AsOf, &b.StartedAt, &b.FinishedAt, &b.Contacts, &b.ConfigHash)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read last build: %w", err)
	}
	b.AsOf, b.StartedAt, b.FinishedAt = b.AsOf.UTC(), b.StartedAt.UTC(), b.FinishedAt.UTC()
	return &b, nil
}
