package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/features"
)

// Build replaces the features table with the result of featureSQL (one row
// per contact) and records the build, in one transaction: a crash leaves the
// previous build in place.
// Derived tables (segments, ...) are computed from it after the features,
// in the same transaction, in order.
func (s *Store) Build(ctx context.Context, featureSQL string, asOf time.Time, configHash string, derived ...antipersona.Derived) (*antipersona.Build, error) {
	started := s.now().UTC()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "CREATE OR REPLACE TABLE features AS "+featureSQL); err != nil {
		return nil, fmt.Errorf("compute features: %w", err)
	}
	for _, d := range derived {
		if _, err := tx.ExecContext(ctx, "CREATE OR REPLACE TABLE "+quoteIdent(d.Name)+" AS "+d.SQL); err != nil {
			return nil, fmt.Errorf("compute %s: %w", d.Name, err)
		}
	}
	b := &antipersona.Build{AsOf: asOf.UTC(), StartedAt: started, ConfigHash: configHash}
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM features").Scan(&b.Contacts); err != nil {
		return nil, fmt.Errorf("count features: %w", err)
	}
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(max(id), 0) + 1 FROM builds").Scan(&b.ID); err != nil {
		return nil, err
	}
	b.FinishedAt = s.now().UTC()
	if _, err := tx.ExecContext(ctx, "INSERT INTO builds VALUES (?, ?, ?, ?, ?, ?)",
		b.ID, b.AsOf.Format(time.DateOnly), b.StartedAt, b.FinishedAt, b.Contacts, b.ConfigHash); err != nil {
		return nil, fmt.Errorf("record build: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit build: %w", err)
	}
	return b, nil
}

// ExportFeatures writes the features of the last build to w as csv, json
// (an array of objects) or parquet.
func (s *Store) ExportFeatures(ctx context.Context, w io.Writer, format string) error {
	dir, err := os.MkdirTemp("", "antipersona-export-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "features."+format)
	if err := s.ExportFeaturesFile(ctx, tmp, format); err != nil {
		return err
	}
	f, err := os.Open(tmp)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// ExportFeaturesFile writes the features of the last build, sorted by
// contact_id, to the file at path (replaced if it exists).
func (s *Store) ExportFeaturesFile(ctx context.Context, path, format string) error {
	if err := s.needTable(ctx, "features"); err != nil {
		return err
	}
	var opts string
	switch format {
	case "csv":
		opts = "FORMAT csv, HEADER true"
	case "json":
		opts = "FORMAT json, ARRAY true"
	case "parquet":
		opts = "FORMAT parquet"
	default:
		return antipersona.Errorf(antipersona.EINVALID, "unknown format %q (use csv, json or parquet)", format)
	}
	q := "COPY (SELECT * FROM features ORDER BY contact_id) TO " + quoteLit(path) + " (" + opts + ")"
	if _, err := s.db.ExecContext(ctx, q); err != nil {
		return antipersona.Errorf(antipersona.EINVALID, "cannot write %s: %v", path, err)
	}
	return nil
}

// FeatureRows runs fn for each row of the features table as a map from
// column name to value (nil for NULL), in contact_id order. It is meant for
// tests and small reports.
func (s *Store) FeatureRows(ctx context.Context, fn func(row map[string]any) error) error {
	err := s.scan(ctx, "SELECT * FROM features ORDER BY contact_id", func(cols []string, vals []any) error {
		m := make(map[string]any, len(cols))
		for i, c := range cols {
			m[c] = vals[i]
		}
		return fn(m)
	})
	if err != nil {
		return fmt.Errorf("read features: %w", err)
	}
	return nil
}

// FeatureColumns returns the column names of the features table.
func (s *Store) FeatureColumns(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT column_name FROM information_schema.columns WHERE table_name = 'features' ORDER BY ordinal_position")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, antipersona.Errorf(antipersona.ENOTFOUND, "no features yet: run 'antipersona build' first")
	}
	return out, rows.Err()
}

// Summary sums the features table of build b.
func (s *Store) Summary(ctx context.Context, b antipersona.Build) (antipersona.BuildSummary, error) {
	sum := antipersona.BuildSummary{Build: b}
	err := s.db.QueryRowContext(ctx, features.SummarySQL).Scan(&sum.Contacts, &sum.Buyers, &sum.Converted, &sum.Orders, &sum.Revenue, &sum.Returns,
		&sum.Costs, &sum.Profit, &sum.Unprofitable, &sum.UnprofitableLoss)
	if err != nil {
		return sum, fmt.Errorf("summarise build: %w", err)
	}
	return sum, nil
}

// SegmentCounts returns the size, revenue and profit of every RFM segment,
// tag, lifecycle stage and rule segment of the last build, largest first
// within each group.
func (s *Store) SegmentCounts(ctx context.Context) ([]antipersona.SegmentCount, error) {
	if err := s.needTable(ctx, "segments"); err != nil {
		return nil, err
	}
	rules, err := s.hasTable(ctx, "rule_segments")
	if err != nil {
		return nil, err
	}
	q := `WITH j AS (SELECT s.*, f.monetary, f.profit FROM segments s JOIN features f USING (contact_id)),
	tot AS (SELECT count(*) AS n, sum(monetary) AS rev FROM j),
	g AS (
	  SELECT 'rfm' AS grp, rfm_segment AS name, monetary, profit FROM j WHERE rfm_segment IS NOT NULL
	  UNION ALL SELECT 'tag', unnest(tags), monetary, profit FROM j
	  UNION ALL SELECT 'lifecycle', lifecycle, monetary, profit FROM j`
	if rules {
		q += `
	  UNION ALL SELECT 'rule', r.segment, f.monetary, f.profit FROM rule_segments r JOIN features f USING (contact_id)`
	}
	clusters, err := s.hasTable(ctx, "clusters")
	if err != nil {
		return nil, err
	}
	if clusters {
		q += `
	  UNION ALL SELECT 'cluster', 'cluster ' || c.cluster, f.monetary, f.profit FROM clusters c JOIN features f USING (contact_id)`
	}
	q += `)
	SELECT grp, name, count(*), count(*) / any_value(tot.n), COALESCE(sum(monetary), 0),
	       COALESCE(sum(monetary) / NULLIF(any_value(tot.rev), 0), 0), COALESCE(sum(profit), 0)
	FROM g, tot GROUP BY grp, name
	ORDER BY CASE grp WHEN 'rfm' THEN 1 WHEN 'lifecycle' THEN 2 WHEN 'tag' THEN 3 WHEN 'cluster' THEN 4 ELSE 5 END, count(*) DESC, name`
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("count segments: %w", err)
	}
	defer rows.Close()
	var out []antipersona.SegmentCount
	for rows.Next() {
		var c antipersona.SegmentCount
		if err := rows.Scan(&c.Group, &c.Name, &c.Contacts, &c.Share, &c.Revenue, &c.RevenueShare, &c.Profit); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// needTable returns ENOTFOUND when a build has not made table name yet.
func (s *Store) needTable(ctx context.Context, name string) error {
	ok, err := s.hasTable(ctx, name)
	if err == nil && !ok {
		err = antipersona.Errorf(antipersona.ENOTFOUND, "no %s yet: run 'antipersona build' first", name)
	}
	return err
}

func (s *Store) hasTable(ctx context.Context, name string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", name).Scan(&n)
	return n > 0, err
}

// Describe returns the columns of query without running it.
func (s *Store) Describe(ctx context.Context, query string) ([]antipersona.ColumnType, error) {
	var out []antipersona.ColumnType
	err := s.Scan(ctx, "DESCRIBE "+query, func(v []any) error {
		out = append(out, antipersona.ColumnType{Name: fmt.Sprint(v[0]), Type: fmt.Sprint(v[1])})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("describe: %w", err)
	}
	return out, nil
}

// ScanFeatures calls fn for every row of the features table, in contact_id
// order, with the contact id and the values of cols (nil for NULL; float64,
// int64, string, bool, time.Time or []any as DuckDB gives them).
func (s *Store) ScanFeatures(ctx context.Context, cols []string, fn func(id string, vals []any) error) error {
	sel := "contact_id"
	for _, c := range cols {
		sel += ", " + quoteIdent(c)
	}
	err := s.Scan(ctx, "SELECT "+sel+" FROM features ORDER BY contact_id", func(v []any) error {
		return fn(v[0].(string), v[1:])
	})
	if err != nil {
		return fmt.Errorf("read features: %w", err)
	}
	return nil
}

// ReplaceRuleSegments stores the rule segment memberships of the last build
// (pairs of contact id and segment name), replacing the previous ones.
func (s *Store) ReplaceRuleSegments(ctx context.Context, members [][2]string) error {
	w := spoolSize(len(members), 40)
	for _, m := range members {
		w.str(m[0])
		w.str(m[1])
		w.end()
	}
	return s.replaceTable(ctx, "rule_segments", "contact_id VARCHAR, segment VARCHAR", w)
}

// replaceTable replaces table name (columns ddl) with the rows of w, in
// one transaction.
func (s *Store) replaceTable(ctx context.Context, name, ddl string, w *spool) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "CREATE OR REPLACE TABLE "+name+" ("+ddl+")"); err != nil {
		return fmt.Errorf("store %s: %w", name, err)
	}
	if err := s.insertSpool(ctx, tx, name, ddl, w); err != nil {
		return err
	}
	return tx.Commit()
}

// insertSpool inserts the rows of w (columns ddl) into table within tx.
func (s *Store) insertSpool(ctx context.Context, tx *sql.Tx, table, ddl string, w *spool) error {
	if w.rows == 0 {
		return nil
	}
	path, remove, err := s.writeSpool(w)
	if err != nil {
		return err
	}
	defer remove()
	if _, err := tx.ExecContext(ctx, "INSERT INTO "+table+" SELECT * FROM "+readSpool(path, cols(ddl), w.longest)); err != nil {
		return fmt.Errorf("store %s: %w", table, err)
	}
	return nil
}

// Scan runs query and calls fn with each row's values (nil for NULL).
func (s *Store) Scan(ctx context.Context, query string, fn func(vals []any) error) error {
	return s.scan(ctx, query, func(_ []string, vals []any) error { return fn(vals) })
}

// scan runs query and calls fn with the column names and each row's
// values; vals is reused between rows.
func (s *Store) scan(ctx context.Context, query string, fn func(cols []string, vals []any) error) error {
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	return eachRow(rows, fn)
}

// eachRow calls fn with each row's values (nil for NULL) and closes rows.
func eachRow(rows *sql.Rows, fn func(cols []string, vals []any) error) error {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		if err := fn(cols, vals); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ReplacePersonas stores the personas of the last build with their
// members, replacing the previous ones.
func (s *Store) ReplacePersonas(ctx context.Context, ps []antipersona.PersonaRow) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range []string{
		"CREATE OR REPLACE TABLE personas (ordinal INTEGER, id VARCHAR, kind VARCHAR, negative_kind VARCHAR, basis VARCHAR, doc VARCHAR)",
		"CREATE OR REPLACE TABLE persona_members (persona_id VARCHAR, contact_id VARCHAR)",
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("store personas: %w", err)
		}
	}
	w := &spool{}
	for i, p := range ps {
		if _, err := tx.ExecContext(ctx, "INSERT INTO personas VALUES (?, ?, ?, ?, ?, ?)", i, p.ID, p.Kind, nullStr(p.NegativeKind), p.Basis, string(p.Doc)); err != nil {
			return fmt.Errorf("store personas: %w", err)
		}
		for _, m := range p.Members {
			w.str(p.ID)
			w.str(m)
			w.end()
		}
	}
	if err := s.insertSpool(ctx, tx, "persona_members", "persona_id VARCHAR, contact_id VARCHAR", w); err != nil {
		return err
	}
	return tx.Commit()
}

// Personas returns the stored personas' JSON documents in order.
func (s *Store) Personas(ctx context.Context) ([][]byte, error) {
	if err := s.needTable(ctx, "personas"); err != nil {
		return nil, err
	}
	var out [][]byte
	err := s.Scan(ctx, "SELECT doc FROM personas ORDER BY ordinal", func(v []any) error {
		out = append(out, []byte(v[0].(string)))
		return nil
	})
	return out, err
}

// ExportAssignments writes one row per contact of the last build:
// contact_id, segment (lifecycle stage), rfm_segment, cluster, persona_id,
// negative_persona_ids ('|'-separated), tags and rule_segments ('|'), to
// path as csv or json, sorted by contact_id. An empty value is empty in CSV
// and null in JSON.
func (s *Store) ExportAssignments(ctx context.Context, path, format string) error {
	for _, t := range []string{"segments", "personas"} {
		if err := s.needTable(ctx, t); err != nil {
			return err
		}
	}
	clusters, err := s.hasTable(ctx, "clusters")
	if err != nil {
		return err
	}
	cluster := "NULL::INTEGER"
	join := ""
	if clusters {
		cluster, join = "c.cluster", " LEFT JOIN clusters c USING (contact_id)"
	}
	rules, err := s.hasTable(ctx, "rule_segments")
	if err != nil {
		return err
	}
	ruleSel := "NULL::VARCHAR"
	if rules {
		ruleSel = "(SELECT string_agg(segment, '|' ORDER BY segment) FROM rule_segments r WHERE r.contact_id = s.contact_id)"
	}
	opts := "FORMAT csv, HEADER true"
	if format == "json" {
		opts = "FORMAT json, ARRAY true"
	} else if format != "csv" {
		return antipersona.Errorf(antipersona.EINVALID, "unknown format %q (use csv or json)", format)
	}
	q := `COPY (
	  WITH pm AS (SELECT m.contact_id, p.kind, p.ordinal, m.persona_id FROM persona_members m JOIN personas p ON p.id = m.persona_id)
	  SELECT s.contact_id, s.lifecycle AS segment, s.rfm_segment, ` + cluster + ` AS cluster,
	    (SELECT arg_min(persona_id, ordinal) FROM pm WHERE pm.contact_id = s.contact_id AND pm.kind = 'positive') AS persona_id,
	    (SELECT string_agg(persona_id, '|' ORDER BY ordinal) FROM pm WHERE pm.contact_id = s.contact_id AND pm.kind = 'negative') AS negative_persona_ids,
	    NULLIF(array_to_string(s.tags, '|'), '') AS tags, ` + ruleSel + ` AS rule_segments
	  FROM segments s` + join + ` ORDER BY s.contact_id) TO ` + quoteLit(path) + " (" + opts + ")"
	if _, err := s.db.ExecContext(ctx, q); err != nil {
		return antipersona.Errorf(antipersona.EINVALID, "cannot write %s: %v", path, err)
	}
	return nil
}

// ReplaceClusters stores each contact's cluster (ids[i] is in labels[i]),
// replacing the previous clustering; nil ids store none.
func (s *Store) ReplaceClusters(ctx context.Context, ids []string, labels []int) error {
	w := spoolSize(len(ids), 16)
	for i, id := range ids {
		w.str(id)
		w.num(float64(labels[i]))
		w.end()
	}
	return s.replaceTable(ctx, "clusters", "contact_id VARCHAR, cluster INTEGER", w)
}

// ComputePersonaSignals stores, for every persona of the last build, the
// touch channels that reached its members, the events in the window days
// before their first order, and the events in the window days before their
// last activity for members passive for more than activeDays, each
// compared with all contacts (all buyers, all passive contacts); only
// signals held by at least 10 % of the members with a lift of 1.2 or more,
// the five strongest of each kind.
func (s *Store) ComputePersonaSignals(ctx context.Context, asOf time.Time, activeDays, window int) error {
	cutoff := quoteLit(asOf.AddDate(0, 0, 1).Format(time.DateOnly))
	q := fmt.Sprintf(`CREATE OR REPLACE TABLE persona_signals AS
WITH f AS (SELECT contact_id, first_order_at, last_event_at, days_since_last_activity FROM features),
m AS (SELECT persona_id, contact_id FROM persona_members),
e AS (`+signalEventsSQL(cutoff)+`),
pop AS (
  SELECT 'channel' AS kind, contact_id FROM f
  UNION ALL SELECT 'before_first_order', contact_id FROM f WHERE first_order_at IS NOT NULL
  UNION ALL SELECT 'before_departure', contact_id FROM f WHERE days_since_last_activity > %[2]d AND last_event_at IS NOT NULL),
has AS (
  SELECT DISTINCT 'channel' AS kind, contact_id, channel AS name FROM touches
    WHERE contact_id IS NOT NULL AND channel IS NOT NULL AND (ts IS NULL OR ts < TIMESTAMP %[1]s)
  UNION ALL SELECT DISTINCT 'before_first_order', e.contact_id, e.name FROM e JOIN f USING (contact_id)
    WHERE f.first_order_at IS NOT NULL AND e.ts < f.first_order_at AND e.ts >= f.first_order_at - INTERVAL %[3]d DAY
  UNION ALL SELECT DISTINCT 'before_departure', e.contact_id, e.name FROM e JOIN f USING (contact_id)
    WHERE f.days_since_last_activity > %[2]d AND e.ts <= f.last_event_at AND e.ts > f.last_event_at - INTERVAL %[3]d DAY),
base AS (SELECT h.kind, h.name, count(*) / any_value(p.n) AS base
         FROM has h JOIN (SELECT kind, count(*) AS n FROM pop GROUP BY kind) p USING (kind) GROUP BY h.kind, h.name),
mp AS (SELECT m.persona_id, pop.kind, count(*) AS n FROM m JOIN pop USING (contact_id) GROUP BY ALL),
mh AS (SELECT m.persona_id, h.kind, h.name, count(*) AS k FROM m JOIN has h USING (contact_id) GROUP BY ALL),
j AS (SELECT mh.persona_id, mh.kind, mh.name, mh.k / mp.n AS share, base.base, (mh.k / mp.n) / base.base AS lift, mp.n AS members
      FROM mh JOIN mp USING (persona_id, kind) JOIN base USING (kind, name))
SELECT * FROM j WHERE share >= 0.1 AND lift >= 1.2
QUALIFY row_number() OVER (PARTITION BY persona_id, kind ORDER BY lift DESC, name) <= 5`, cutoff, activeDays, window)
	if _, err := s.db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("persona signals: %w", err)
	}
	return nil
}

// PersonaSignals returns the stored signals by persona id.
func (s *Store) PersonaSignals(ctx context.Context) (map[string][]antipersona.PersonaSignal, error) {
	ok, err := s.hasTable(ctx, "persona_signals")
	if err != nil || !ok {
		return nil, err
	}
	out := map[string][]antipersona.PersonaSignal{}
	err = s.Scan(ctx, "SELECT persona_id, kind, name, share, base, lift, members FROM persona_signals ORDER BY persona_id, kind, lift DESC, name", func(v []any) error {
		p := antipersona.PersonaSignal{Persona: v[0].(string), Kind: v[1].(string), Name: v[2].(string), Share: v[3].(float64), Base: v[4].(float64), Lift: v[5].(float64), Members: v[6].(int64)}
		out[p.Persona] = append(out[p.Persona], p)
		return nil
	})
	return out, err
}

// ReplaceCLVPredictions replaces the CLV predictions that the next
// features computation joins (see features.SQL).
func (s *Store) ReplaceCLVPredictions(ctx context.Context, ps []antipersona.CLVPrediction) error {
	w := spoolSize(len(ps), 48)
	for _, p := range ps {
		w.str(p.ContactID)
		w.num(p.PredictedPurchases)
		w.num(p.PAlive)
		w.num(p.PredictedRevenue)
		w.end()
	}
	return s.replaceTable(ctx, "clv_predictions",
		"contact_id VARCHAR, predicted_purchases DOUBLE, p_alive DOUBLE, predicted_revenue DOUBLE", w)
}

// PersonaMembers calls fn with each member of the last build's personas of
// the kinds given (positive, negative): the persona's id and the contact's.
func (s *Store) PersonaMembers(ctx context.Context, fn func(personaID, contactID string) error, kinds ...string) error {
	if err := s.needTable(ctx, "persona_members"); err != nil {
		return err
	}
	lits := make([]string, len(kinds))
	for i, k := range kinds {
		lits[i] = quoteLit(k)
	}
	return s.Scan(ctx, "SELECT m.persona_id, m.contact_id FROM persona_members m JOIN personas p ON p.id = m.persona_id WHERE p.kind IN ("+
		strings.Join(lits, ", ")+") ORDER BY m.persona_id, m.contact_id", func(v []any) error {
		return fn(v[0].(string), v[1].(string))
	})
}

// NeedFeatures returns ENOTFOUND when no build has made the features yet.
func (s *Store) NeedFeatures(ctx context.Context) error { return s.needTable(ctx, "features") }

// SurveyAnswers calls fn with every stored survey answer (contact,
// question id, question, answer, language and time; Time is zero when the
// answer has none), by contact, question and time.
func (s *Store) SurveyAnswers(ctx context.Context, fn func(a antipersona.SurveyAnswer) error) error {
	return s.Scan(ctx, "SELECT contact_id, question_id, COALESCE(question, ''), answer, COALESCE(language, ''), ts FROM survey_answers ORDER BY contact_id, question_id, ts", func(v []any) error {
		a := antipersona.SurveyAnswer{ContactID: v[0].(string), QuestionID: v[1].(string), Question: v[2].(string), Answer: v[3].(string), Language: v[4].(string)}
		if t, ok := v[5].(time.Time); ok {
			a.Time = t.UTC()
		}
		return fn(a)
	})
}

// Departed returns the contacts of the last build with no activity for
// more than activeDays (days_since_last_activity).
func (s *Store) Departed(ctx context.Context, activeDays int) (map[string]bool, error) {
	out := map[string]bool{}
	err := s.Scan(ctx, fmt.Sprintf("SELECT contact_id FROM features WHERE days_since_last_activity > %d", activeDays), func(v []any) error {
		out[v[0].(string)] = true
		return nil
	})
	return out, err
}

// SurveyState changes whenever survey answers are added.
func (s *Store) SurveyState(ctx context.Context) (string, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM survey_answers").Scan(&n)
	return fmt.Sprint(n), err
}

// signalEventsSQL selects the events that signals count, as of the day
// before cutoff (an SQL date literal): contact, name (pages as "page:
// name") and time, orders left out (they are the outcome, not a signal).
func signalEventsSQL(cutoff string) string {
	return `SELECT contact_id, CASE WHEN type = 'page' THEN 'page: ' || event ELSE event END AS name, ts FROM events
      WHERE contact_id IS NOT NULL AND event IS NOT NULL AND type IN ('track', 'page') AND ts < TIMESTAMP ` + cutoff + `
        AND event NOT IN ('Order Completed', 'Order Refunded', 'Order Cancelled')`
}

// DepartureSignals compares, for each of targets (SQL conditions over the
// features), what its contacts who left did in the window days before
// their last activity with what every contact who left did in the same
// days before theirs: the events that at least a tenth of them had, at
// least 1.2 times as often, most over-represented first (at most five). A
// contact left when days_since_last_activity > activeDays. One pass over
// the events serves every target.
func (s *Store) DepartureSignals(ctx context.Context, asOf time.Time, targets []string, activeDays, window int) ([][]antipersona.PersonaSignal, error) {
	out := make([][]antipersona.PersonaSignal, len(targets))
	if len(targets) == 0 {
		return out, nil
	}
	cutoff := quoteLit(asOf.AddDate(0, 0, 1).Format(time.DateOnly))
	var cols, counts, sizes []string
	for k, t := range targets {
		cols = append(cols, fmt.Sprintf("COALESCE((%s), false) AS t%d", t, k))
		counts = append(counts, fmt.Sprintf("count(*) FILTER (WHERE g.t%d)", k))
		sizes = append(sizes, fmt.Sprintf("(SELECT count(*) FILTER (WHERE t%d) FROM gone)", k))
	}
	// The targets are computed over every contact (their quantiles are of
	// all contacts), then restricted to those who left.
	q := fmt.Sprintf(`WITH f AS (SELECT contact_id, last_event_at, days_since_last_activity, %[4]s FROM features),
gone AS (SELECT * FROM f WHERE days_since_last_activity > %[2]d AND last_event_at IS NOT NULL),
ev AS (%[1]s),
e AS (SELECT DISTINCT ev.contact_id, ev.name FROM ev JOIN gone g USING (contact_id)
  WHERE ev.ts <= g.last_event_at AND ev.ts > g.last_event_at - INTERVAL %[3]d DAY)
SELECT e.name, count(*), (SELECT count(*) FROM gone), %[5]s, %[6]s
FROM e JOIN gone g USING (contact_id) GROUP BY e.name ORDER BY e.name`,
		signalEventsSQL(cutoff), activeDays, window, strings.Join(cols, ", "), strings.Join(counts, ", "), strings.Join(sizes, ", "))
	err := s.Scan(ctx, q, func(v []any) error {
		name := v[0].(string)
		base := float64(v[1].(int64)) / float64(v[2].(int64))
		for k := range targets {
			kt, nt := v[3+k].(int64), v[3+len(targets)+k].(int64)
			if nt == 0 {
				continue
			}
			share := float64(kt) / float64(nt)
			if share >= 0.1 && share/base >= 1.2 {
				out[k] = append(out[k], antipersona.PersonaSignal{Kind: "before_departure", Name: name, Share: share, Base: base, Lift: share / base, Members: nt})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("departure signals: %w", err)
	}
	for k := range out {
		sort.SliceStable(out[k], func(i, j int) bool { return out[k][i].Lift > out[k][j].Lift })
		out[k] = out[k][:min(5, len(out[k]))]
	}
	return out, nil
}

// sampledTables are the tables ScanSample narrows to a sample of contacts;
// anonymous says the table's rows may name their contact only through an
// identity (events, orders, returns).
var sampledTables = []struct {
	name      string
	anonymous bool
}{
	{"contacts", false}, {"events", true}, {"orders", true}, {"returns", true},
	{"costs", false}, {"touches", false}, {"survey_answers", false},
}

// ScanSample runs query as Scan does, on a sample of the contacts: every
// table of contacts' data (contacts, events, orders, returns, touches,
// survey answers, per-contact costs) is seen through a temporary view that
// keeps the rows of the contacts whose id hashes to 0 modulo mod (about
// 1/mod of them); campaign and channel spend stays whole. A query over
// the features SQL then computes the features of the sample only, in
// about 1/mod of the time; features that divide campaign spend over the
// contacts touched (contact_cost) are not those of the whole data.
func (s *Store) ScanSample(ctx context.Context, mod int, query string, fn func(vals []any) error) error {
	if mod <= 1 {
		return s.Scan(ctx, query, fn)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// The views live in the temp catalog, whose schema is also "main": the
	// tables are named with the database's own catalog.
	var db string
	if err := conn.QueryRowContext(ctx, "SELECT current_database()").Scan(&db); err != nil {
		return err
	}
	db = quoteIdent(db)
	keep := fmt.Sprintf("hash(contact_id) %% %d = 0", mod)
	for _, t := range sampledTables {
		where := keep
		switch {
		case t.anonymous:
			where += " OR (contact_id IS NULL AND anonymous_id IN (SELECT anonymous_id FROM " + db + ".main.identities WHERE " + keep + "))"
		case t.name == "costs":
			where = "contact_id IS NULL OR " + where
		}
		q := "CREATE OR REPLACE TEMP VIEW " + t.name + " AS SELECT * FROM " + db + ".main." + t.name + " t WHERE " + where
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("sample %s: %w", t.name, err)
		}
	}
	defer func() {
		for _, t := range sampledTables {
			conn.ExecContext(context.Background(), "DROP VIEW IF EXISTS temp."+t.name)
		}
	}()
	rows, err := conn.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	return eachRow(rows, func(_ []string, vals []any) error { return fn(vals) })
}
