package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/features"
)

// The rest of antipersona.WorkspaceStore, with the DuckDB store's
// semantics (package duckdb states each contract). Queries in DuckDB's
// dialect run through Scan (dialect.go, compat.sql); the others are
// PostgreSQL's own. The tables a build makes (features, derived tables,
// rule_segments, clusters, personas, persona_members, persona_signals)
// live in the workspace's schema and are replaced whole, each with an
// index on contact_id when it has one.

// hasTable reports whether the workspace has table name.
func (s *Store) hasTable(ctx context.Context, name string) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", quoteIdent(s.schema)+"."+quoteIdent(name)).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("look up table %s: %w", name, err)
	}
	return ok, nil
}

// needTable returns ENOTFOUND when a build has not made table name yet.
func (s *Store) needTable(ctx context.Context, name string) error {
	ok, err := s.hasTable(ctx, name)
	if err == nil && !ok {
		err = antipersona.Errorf(antipersona.ENOTFOUND, "no %s yet: run 'antipersona build' first", name)
	}
	return err
}

// NeedFeatures returns ENOTFOUND when no build has made the features yet.
func (s *Store) NeedFeatures(ctx context.Context) error { return s.needTable(ctx, "features") }

// replaceTable replaces table name (columns ddl, PostgreSQL types) with n
// rows copied from row, in one transaction, and indexes its contact_id.
func (s *Store) replaceTable(ctx context.Context, name, ddl string, cols []string, n int, row func(i int) ([]any, error)) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return replaceTableTx(ctx, tx, name, ddl, cols, n, row)
	})
	if err != nil {
		return fmt.Errorf("store %s: %w", name, err)
	}
	return nil
}

func replaceTableTx(ctx context.Context, tx pgx.Tx, name, ddl string, cols []string, n int, row func(i int) ([]any, error)) error {
	q := quoteIdent(name)
	if _, err := tx.Exec(ctx, "DROP TABLE IF EXISTS "+q); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "CREATE TABLE "+q+" ("+ddl+")"); err != nil {
		return err
	}
	if n > 0 {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{name}, cols, pgx.CopyFromSlice(n, row)); err != nil {
			return err
		}
	}
	if slices.Contains(cols, "contact_id") {
		if _, err := tx.Exec(ctx, "CREATE INDEX ON "+q+" (contact_id)"); err != nil {
			return err
		}
	}
	return nil
}

// Builds returns every build, oldest first.
func (s *Store) Builds(ctx context.Context) ([]antipersona.Build, error) {
	rows, err := s.pool.Query(ctx, "SELECT id, as_of, started_at, finished_at, contacts, config_hash FROM builds ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("read builds: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanBuild)
	if err != nil {
		return nil, fmt.Errorf("read builds: %w", err)
	}
	return out, nil
}

func scanBuild(r pgx.CollectableRow) (antipersona.Build, error) {
	var b antipersona.Build
	err := r.Scan(&b.ID, &b.AsOf, &b.StartedAt, &b.FinishedAt, &b.Contacts, &b.ConfigHash)
	b.AsOf, b.StartedAt, b.FinishedAt = b.AsOf.UTC(), b.StartedAt.UTC(), b.FinishedAt.UTC()
	return b, err
}

// BuildByID returns one build; ENOTFOUND when there is none.
func (s *Store) BuildByID(ctx context.Context, id int64) (*antipersona.Build, error) {
	rows, err := s.pool.Query(ctx, "SELECT id, as_of, started_at, finished_at, contacts, config_hash FROM builds WHERE id = $1", id)
	if err != nil {
		return nil, fmt.Errorf("read build: %w", err)
	}
	b, err := pgx.CollectExactlyOneRow(rows, scanBuild)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, antipersona.Errorf(antipersona.ENOTFOUND, "no build #%d", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read build: %w", err)
	}
	return &b, nil
}

// Summary sums the features table of build b.
func (s *Store) Summary(ctx context.Context, b antipersona.Build) (antipersona.BuildSummary, error) {
	sum := antipersona.BuildSummary{Build: b}
	err := s.pool.QueryRow(ctx, features.SummarySQL).Scan(&sum.Contacts, &sum.Buyers, &sum.Converted, &sum.Orders, &sum.Revenue, &sum.Returns,
		&sum.Costs, &sum.Profit, &sum.Unprofitable, &sum.UnprofitableLoss)
	if err != nil {
		return sum, fmt.Errorf("summarise build: %w", err)
	}
	return sum, nil
}

// SegmentCounts returns the size, revenue and profit of every RFM segment,
// tag, lifecycle stage, cluster and rule segment of the last build,
// largest first within each group (names in byte order on ties).
func (s *Store) SegmentCounts(ctx context.Context) ([]antipersona.SegmentCount, error) {
	if err := s.needTable(ctx, "segments"); err != nil {
		return nil, err
	}
	rules, err := s.hasTable(ctx, "rule_segments")
	if err != nil {
		return nil, err
	}
	clusters, err := s.hasTable(ctx, "clusters")
	if err != nil {
		return nil, err
	}
	q := `WITH j AS (SELECT s.*, f.monetary, f.profit FROM segments s JOIN features f USING (contact_id)),
	tot AS (SELECT count(*) AS n, sum(monetary) AS rev FROM j),
	g AS (
	  SELECT 'rfm' AS grp, CAST(rfm_segment AS text) AS name, monetary, profit FROM j WHERE rfm_segment IS NOT NULL
	  UNION ALL SELECT 'tag', CAST(unnest(tags) AS text), monetary, profit FROM j
	  UNION ALL SELECT 'lifecycle', CAST(lifecycle AS text), monetary, profit FROM j`
	if rules {
		q += `
	  UNION ALL SELECT 'rule', CAST(r.segment AS text), f.monetary, f.profit FROM rule_segments r JOIN features f USING (contact_id)`
	}
	if clusters {
		q += `
	  UNION ALL SELECT 'cluster', 'cluster ' || c.cluster, f.monetary, f.profit FROM clusters c JOIN features f USING (contact_id)`
	}
	q += `)
	SELECT grp, name, count(*), CAST(count(*) AS double precision) / any_value(tot.n), CAST(COALESCE(sum(monetary), 0) AS double precision),
	       CAST(COALESCE(sum(monetary) / NULLIF(any_value(tot.rev), 0), 0) AS double precision), CAST(COALESCE(sum(profit), 0) AS double precision)
	FROM g, tot GROUP BY grp, name
	ORDER BY CASE grp WHEN 'rfm' THEN 1 WHEN 'lifecycle' THEN 2 WHEN 'tag' THEN 3 WHEN 'cluster' THEN 4 ELSE 5 END, count(*) DESC, name COLLATE "C"`
	var out []antipersona.SegmentCount
	err = s.Scan(ctx, q, func(v []any) error {
		out = append(out, antipersona.SegmentCount{Group: v[0].(string), Name: v[1].(string), Contacts: v[2].(int64),
			Share: numOrNaN(v[3]), Revenue: numOrNaN(v[4]), RevenueShare: numOrNaN(v[5]), Profit: numOrNaN(v[6])})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count segments: %w", err)
	}
	return out, nil
}

// FeatureRows runs fn for each row of the features table as a map from
// column name to value (nil for NULL), in contact_id order.
func (s *Store) FeatureRows(ctx context.Context, fn func(row map[string]any) error) error {
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		return s.scanTx(ctx, tx, "SELECT * FROM features ORDER BY contact_id", func(cols []string, vals []any) error {
			m := make(map[string]any, len(cols))
			for i, c := range cols {
				m[c] = vals[i]
			}
			return fn(m)
		})
	})
	if err != nil {
		return fmt.Errorf("read features: %w", err)
	}
	return nil
}

// ScanFeatures calls fn for every row of the features table, in contact_id
// order, with the contact id and the values of cols (see Scan for their
// types).
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

// ContactRow returns one contact's row of a table of the last build
// (features, segments, clusters) as column name → value (nil for NULL),
// with the column names in order; a nil map when the contact has no row.
// ENOTFOUND when the table does not exist yet.
func (s *Store) ContactRow(ctx context.Context, table, contactID string) (map[string]any, []string, error) {
	if err := s.needTable(ctx, table); err != nil {
		return nil, nil, err
	}
	var row map[string]any
	var names []string
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		q := "SELECT * FROM " + quoteIdent(table) + " WHERE contact_id = " + quoteLit(contactID)
		return s.scanTx(ctx, tx, q, func(cols []string, vals []any) error {
			row, names = make(map[string]any, len(cols)), cols
			for i, c := range cols {
				row[c] = vals[i]
			}
			return nil
		})
	})
	if err != nil {
		return nil, nil, fmt.Errorf("read %s of a contact: %w", table, err)
	}
	return row, names, nil
}

// ReplaceRuleSegments stores the rule segment memberships of the last
// build (pairs of contact id and segment name), replacing the previous
// ones.
func (s *Store) ReplaceRuleSegments(ctx context.Context, members [][2]string) error {
	return s.replaceTable(ctx, "rule_segments", "contact_id "+text+", segment "+text,
		[]string{"contact_id", "segment"}, len(members), func(i int) ([]any, error) {
			return []any{members[i][0], members[i][1]}, nil
		})
}

// RuleSegmentsOf returns the rule segments of one contact in the last
// build, sorted.
func (s *Store) RuleSegmentsOf(ctx context.Context, contactID string) ([]string, error) {
	ok, err := s.hasTable(ctx, "rule_segments")
	if err != nil || !ok {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT segment FROM rule_segments WHERE contact_id = $1 ORDER BY segment COLLATE "C"`, contactID)
	if err != nil {
		return nil, fmt.Errorf("read rule segments: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("read rule segments: %w", err)
	}
	return out, nil
}

// ReplaceClusters stores each contact's cluster (ids[i] is in labels[i]),
// replacing the previous clustering; nil ids store none.
func (s *Store) ReplaceClusters(ctx context.Context, ids []string, labels []int) error {
	return s.replaceTable(ctx, "clusters", "contact_id "+text+", cluster integer",
		[]string{"contact_id", "cluster"}, len(ids), func(i int) ([]any, error) {
			return []any{ids[i], int32(labels[i])}, nil
		})
}

// ReplaceCLVPredictions replaces the CLV predictions that the next
// features computation joins (see features.SQL). NaN is stored as NULL.
func (s *Store) ReplaceCLVPredictions(ctx context.Context, ps []antipersona.CLVPrediction) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "TRUNCATE clv_predictions"); err != nil {
			return err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"clv_predictions"},
			[]string{"contact_id", "predicted_purchases", "p_alive", "predicted_revenue"},
			pgx.CopyFromSlice(len(ps), func(i int) ([]any, error) {
				p := &ps[i]
				return []any{p.ContactID, nullNum(p.PredictedPurchases), nullNum(p.PAlive), nullNum(p.PredictedRevenue)}, nil
			}))
		return err
	})
	if err != nil {
		return fmt.Errorf("store clv predictions: %w", err)
	}
	return nil
}

// ReplacePersonas stores the personas of the last build with their
// members, replacing the previous ones.
func (s *Store) ReplacePersonas(ctx context.Context, ps []antipersona.PersonaRow) error {
	type member struct{ p, c string }
	var ms []member
	for _, p := range ps {
		for _, m := range p.Members {
			ms = append(ms, member{p.ID, m})
		}
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		err := replaceTableTx(ctx, tx, "personas",
			"ordinal integer, id "+text+", kind "+text+", negative_kind "+text+", basis "+text+", doc text",
			[]string{"ordinal", "id", "kind", "negative_kind", "basis", "doc"}, len(ps), func(i int) ([]any, error) {
				p := &ps[i]
				return []any{int32(i), p.ID, p.Kind, nullStr(p.NegativeKind), p.Basis, string(p.Doc)}, nil
			})
		if err != nil {
			return err
		}
		return replaceTableTx(ctx, tx, "persona_members", "persona_id "+text+", contact_id "+text,
			[]string{"persona_id", "contact_id"}, len(ms), func(i int) ([]any, error) {
				return []any{ms[i].p, ms[i].c}, nil
			})
	})
	if err != nil {
		return fmt.Errorf("store personas: %w", err)
	}
	return nil
}

// Personas returns the stored personas' JSON documents in order.
func (s *Store) Personas(ctx context.Context) ([][]byte, error) {
	if err := s.needTable(ctx, "personas"); err != nil {
		return nil, err
	}
	return s.docs(ctx, "SELECT doc FROM personas ORDER BY ordinal")
}

func (s *Store) docs(ctx context.Context, q string, args ...any) ([][]byte, error) {
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read personas: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([]byte, error) {
		var d string
		err := r.Scan(&d)
		return []byte(d), err
	})
	if err != nil {
		return nil, fmt.Errorf("read personas: %w", err)
	}
	return out, nil
}

// PersonaMembers calls fn with each member of the last build's personas of
// the kinds given (positive, negative): the persona's id and the
// contact's, by persona id and contact id.
func (s *Store) PersonaMembers(ctx context.Context, fn func(personaID, contactID string) error, kinds ...string) error {
	if err := s.needTable(ctx, "persona_members"); err != nil {
		return err
	}
	if kinds == nil {
		kinds = []string{}
	}
	rows, err := s.pool.Query(ctx, `SELECT m.persona_id, m.contact_id FROM persona_members m JOIN personas p ON p.id = m.persona_id
		WHERE p.kind = ANY($1) ORDER BY m.persona_id COLLATE "C", m.contact_id COLLATE "C"`, kinds)
	if err != nil {
		return fmt.Errorf("read persona members: %w", err)
	}
	defer rows.Close()
	var p, c string
	_, err = pgx.ForEachRow(rows, []any{&p, &c}, func() error { return fn(p, c) })
	if err != nil {
		return fmt.Errorf("read persona members: %w", err)
	}
	return nil
}

// signalEventsSQL selects the events that signals count, as of the day
// before cutoff (an SQL date literal): contact, name (pages as "page:
// name") and time, orders left out (they are the outcome, not a signal).
func signalEventsSQL(cutoff string) string {
	return `SELECT contact_id, CASE WHEN type = 'page' THEN 'page: ' || event ELSE event END AS name, ts FROM events
      WHERE contact_id IS NOT NULL AND event IS NOT NULL AND type IN ('track', 'page') AND ts < TIMESTAMP ` + cutoff + `
        AND event NOT IN ('Order Completed', 'Order Refunded', 'Order Cancelled')`
}

// ComputePersonaSignals stores, for every persona of the last build, the
// touch channels that reached its members, the events in the window days
// before their first order, and the events in the window days before their
// last activity for members passive for more than activeDays, each
// compared with all contacts (all buyers, all passive contacts); only
// signals held by at least 10 % of the members with a lift of 1.2 or more,
// the five strongest of each kind (ties by name, in byte order).
func (s *Store) ComputePersonaSignals(ctx context.Context, asOf time.Time, activeDays, window int) error {
	cutoff := quoteLit(asOf.AddDate(0, 0, 1).Format(time.DateOnly))
	q := fmt.Sprintf(`CREATE TABLE persona_signals AS
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
    WHERE f.first_order_at IS NOT NULL AND e.ts < f.first_order_at AND e.ts >= f.first_order_at - %[3]d * INTERVAL '1 day'
  UNION ALL SELECT DISTINCT 'before_departure', e.contact_id, e.name FROM e JOIN f USING (contact_id)
    WHERE f.days_since_last_activity > %[2]d AND e.ts <= f.last_event_at AND e.ts > f.last_event_at - %[3]d * INTERVAL '1 day'),
base AS (SELECT h.kind, h.name, CAST(count(*) AS double precision) / min(p.n) AS base
         FROM has h JOIN (SELECT kind, count(*) AS n FROM pop GROUP BY kind) p USING (kind) GROUP BY h.kind, h.name),
mp AS (SELECT m.persona_id, pop.kind, count(*) AS n FROM m JOIN pop USING (contact_id) GROUP BY m.persona_id, pop.kind),
mh AS (SELECT m.persona_id, h.kind, h.name, count(*) AS k FROM m JOIN has h USING (contact_id) GROUP BY m.persona_id, h.kind, h.name),
j AS (SELECT mh.persona_id, mh.kind, mh.name, CAST(mh.k AS double precision) / mp.n AS share, base.base,
        (CAST(mh.k AS double precision) / mp.n) / base.base AS lift, mp.n AS members
      FROM mh JOIN mp USING (persona_id, kind) JOIN base USING (kind, name)),
r AS (SELECT j.*, row_number() OVER (PARTITION BY persona_id, kind ORDER BY lift DESC, name COLLATE "C") AS rank
      FROM j WHERE share >= 0.1 AND lift >= 1.2)
SELECT persona_id, CAST(kind AS text) COLLATE "C" AS kind, CAST(name AS text) COLLATE "C" AS name, share, base, lift, members
FROM r WHERE rank <= 5`, cutoff, activeDays, window)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "DROP TABLE IF EXISTS persona_signals"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, q)
		return err
	})
	if err != nil {
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
	rows, err := s.pool.Query(ctx, `SELECT persona_id, kind, name, share, base, lift, members FROM persona_signals
		ORDER BY persona_id COLLATE "C", kind COLLATE "C", lift DESC, name COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("read persona signals: %w", err)
	}
	defer rows.Close()
	out := map[string][]antipersona.PersonaSignal{}
	var p antipersona.PersonaSignal
	_, err = pgx.ForEachRow(rows, []any{&p.Persona, &p.Kind, &p.Name, &p.Share, &p.Base, &p.Lift, &p.Members}, func() error {
		out[p.Persona] = append(out[p.Persona], p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read persona signals: %w", err)
	}
	return out, nil
}

// Departed returns the contacts of the last build with no activity for
// more than activeDays (days_since_last_activity).
func (s *Store) Departed(ctx context.Context, activeDays int) (map[string]bool, error) {
	rows, err := s.pool.Query(ctx, "SELECT contact_id FROM features WHERE days_since_last_activity > $1", activeDays)
	if err != nil {
		return nil, fmt.Errorf("read departed: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	var id string
	if _, err := pgx.ForEachRow(rows, []any{&id}, func() error { out[id] = true; return nil }); err != nil {
		return nil, fmt.Errorf("read departed: %w", err)
	}
	return out, nil
}

// DepartureSignals compares, for each of targets (SQL conditions over the
// features, in DuckDB's dialect), what its contacts who left did in the
// window days before their last activity with what every contact who left
// did in the same days before theirs: the events that at least a tenth of
// them had, at least 1.2 times as often, most over-represented first (at
// most five). A contact left when days_since_last_activity > activeDays.
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
	q := fmt.Sprintf(`WITH f AS (SELECT contact_id, last_event_at, days_since_last_activity, %[4]s FROM features),
gone AS (SELECT * FROM f WHERE days_since_last_activity > %[2]d AND last_event_at IS NOT NULL),
ev AS (%[1]s),
e AS (SELECT DISTINCT ev.contact_id, ev.name FROM ev JOIN gone g USING (contact_id)
  WHERE ev.ts <= g.last_event_at AND ev.ts > g.last_event_at - INTERVAL %[3]d DAY)
SELECT e.name, count(*), (SELECT count(*) FROM gone), %[5]s, %[6]s
FROM e JOIN gone g USING (contact_id) GROUP BY e.name ORDER BY e.name COLLATE "C"`,
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

// SurveyAnswers calls fn with every stored survey answer (contact,
// question id, question, answer, language and time; Time is zero when the
// answer has none), by contact, question and time.
func (s *Store) SurveyAnswers(ctx context.Context, fn func(a antipersona.SurveyAnswer) error) error {
	rows, err := s.pool.Query(ctx, `SELECT contact_id, question_id, COALESCE(question, ''), answer, COALESCE(language, ''), ts
		FROM survey_answers ORDER BY contact_id, question_id, ts`)
	if err != nil {
		return fmt.Errorf("read survey answers: %w", err)
	}
	defer rows.Close()
	var a antipersona.SurveyAnswer
	var ts *time.Time
	_, err = pgx.ForEachRow(rows, []any{&a.ContactID, &a.QuestionID, &a.Question, &a.Answer, &a.Language, &ts}, func() error {
		x := antipersona.SurveyAnswer{ContactID: a.ContactID, QuestionID: a.QuestionID, Question: a.Question, Answer: a.Answer, Language: a.Language}
		if ts != nil {
			x.Time = ts.UTC()
		}
		return fn(x)
	})
	if err != nil {
		return fmt.Errorf("read survey answers: %w", err)
	}
	return nil
}

// SurveyState changes whenever survey answers are added.
func (s *Store) SurveyState(ctx context.Context) (string, error) {
	var n int64
	if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM survey_answers").Scan(&n); err != nil {
		return "", fmt.Errorf("count survey answers: %w", err)
	}
	return fmt.Sprint(n), nil
}

// IdentifyState is a digest of the stored identify calls that carry
// traits: their number.
func (s *Store) IdentifyState(ctx context.Context) (string, error) {
	var n int64
	if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM events WHERE "+features.IdentifyWhere).Scan(&n); err != nil {
		return "", fmt.Errorf("count identify calls: %w", err)
	}
	return fmt.Sprint(n), nil
}

// IdentifyTraits calls fn for each day (UTC) on which identify calls
// carried traits, in date order, with each contact's traits of that day:
// the properties of its identify calls merged in time order (a later
// call's value wins), as a JSON object.
func (s *Store) IdentifyTraits(ctx context.Context, fn func(day time.Time, traits map[string]json.RawMessage) error) error {
	rows, err := s.pool.Query(ctx, features.IdentifyTraitsSQL)
	if err != nil {
		return fmt.Errorf("read identify traits: %w", err)
	}
	defer rows.Close()
	days := features.NewIdentifyDays(fn)
	var d time.Time
	var id, props string
	_, err = pgx.ForEachRow(rows, []any{&d, &id, &props}, func() error { return days.Add(d, id, props) })
	if err != nil {
		return fmt.Errorf("read identify traits: %w", err)
	}
	return days.Close()
}

// CostsAsOf calls fn with every cost row dated up to the end of asOf (or
// undated), by row key.
func (s *Store) CostsAsOf(ctx context.Context, asOf time.Time, fn func(c antipersona.Cost) error) error {
	cut := asOf.UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	rows, err := s.pool.Query(ctx, `SELECT COALESCE(contact_id, ''), COALESCE(campaign, ''), COALESCE(channel, ''), amount, kind FROM costs
		WHERE ts IS NULL OR ts < CAST($1 AS timestamp) ORDER BY row_key`, cut)
	if err != nil {
		return fmt.Errorf("read costs: %w", err)
	}
	defer rows.Close()
	var c antipersona.Cost
	_, err = pgx.ForEachRow(rows, []any{&c.ContactID, &c.Campaign, &c.Channel, &c.Amount, &c.Kind}, func() error { return fn(c) })
	if err != nil {
		return fmt.Errorf("read costs: %w", err)
	}
	return nil
}

// TouchesAsOf calls fn with every touch dated up to the end of asOf (or
// undated), by row key.
func (s *Store) TouchesAsOf(ctx context.Context, asOf time.Time, fn func(t antipersona.Touch) error) error {
	cut := asOf.UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	rows, err := s.pool.Query(ctx, `SELECT contact_id, COALESCE(campaign, ''), COALESCE(channel, '') FROM touches
		WHERE ts IS NULL OR ts < CAST($1 AS timestamp) ORDER BY row_key`, cut)
	if err != nil {
		return fmt.Errorf("read touches: %w", err)
	}
	defer rows.Close()
	var t antipersona.Touch
	_, err = pgx.ForEachRow(rows, []any{&t.ContactID, &t.Campaign, &t.Channel}, func() error { return fn(t) })
	if err != nil {
		return fmt.Errorf("read touches: %w", err)
	}
	return nil
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
	var vals []any
	err = s.Scan(ctx, "SELECT count(*), "+strings.Join(sel, ", ")+" FROM ("+features.MergedContacts(traits, "")+") m", func(v []any) error {
		vals = slices.Clone(v)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count traits: %w", err)
	}
	out := make([]antipersona.TraitStat, len(traits))
	n := vals[0].(int64)
	for i, t := range traits {
		out[i].Trait = t
		if n > 0 {
			out[i].MissingShare = 1 - float64(vals[i+1].(int64))/float64(n)
		}
	}
	return out, nil
}

// TraitChanges returns the changes of the traits given between the values
// valid on as-of date from and those valid on as-of date to (see the
// DuckDB store's), by contact and trait (in byte order). Values are text
// as DuckDB casts them: numbers as DuckDB prints a DOUBLE (34.0), lists
// joined by '|', dates as YYYY-MM-DD.
func (s *Store) TraitChanges(ctx context.Context, traits []antipersona.Trait, from, to time.Time) ([]antipersona.TraitChange, error) {
	if len(traits) == 0 {
		return nil, nil
	}
	cutA := quoteLit(from.UTC().AddDate(0, 0, 1).Format(time.DateOnly))
	cutB := quoteLit(to.UTC().AddDate(0, 0, 1).Format(time.DateOnly))
	merged := func(cut string) string {
		return features.MergedContacts(traits, "contact_id IN (SELECT contact_id FROM changed) AND (valid_from IS NULL OR valid_from < TIMESTAMP "+cut+")")
	}
	number := map[string]bool{}
	parts := make([]string, len(traits))
	for i, t := range traits {
		q := quoteIdent(t.Ident)
		txt := func(side string) string {
			switch t.Type {
			case antipersona.TraitMulti:
				return "array_to_string(" + side + "." + q + ", '|')"
			case antipersona.TraitDate:
				return "to_char(" + side + "." + q + ", 'YYYY-MM-DD')"
			}
			return "CAST(" + side + "." + q + " AS text)"
		}
		if t.Type == antipersona.TraitNumber {
			number[t.Ident] = true
		}
		parts[i] = fmt.Sprintf("SELECT b.contact_id, CAST(%s AS text) AS trait, %s AS old, %s AS new FROM b LEFT JOIN a USING (contact_id) WHERE a.%s IS DISTINCT FROM b.%s",
			quoteLit(t.Ident), txt("a"), txt("b"), q, q)
	}
	q := "WITH changed AS (SELECT DISTINCT contact_id FROM contacts WHERE valid_from >= TIMESTAMP " + cutA + " AND valid_from < TIMESTAMP " + cutB + "), " +
		"a AS (" + merged(cutA) + "), b AS (" + merged(cutB) + ") " + strings.Join(parts, " UNION ALL ")
	var out []antipersona.TraitChange
	err := s.Scan(ctx, q, func(v []any) error {
		c := antipersona.TraitChange{ContactID: v[0].(string), Trait: v[1].(string)}
		c.From, _ = v[2].(string)
		c.To, _ = v[3].(string)
		if number[c.Trait] {
			c.From, c.To = duckNumberText(c.From), duckNumberText(c.To)
		}
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("trait changes: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].ContactID != out[j].ContactID {
			return out[i].ContactID < out[j].ContactID
		}
		return out[i].Trait < out[j].Trait
	})
	return out, nil
}

// duckNumberText rewrites PostgreSQL's text of a double precision as
// DuckDB's CAST to VARCHAR writes it ("" stays "").
func duckNumberText(s string) string {
	if s == "" {
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return duckFloat(f)
}

// TraitsBefore returns, for every contact with a version of its traits
// that became valid after the as-of date prior and on or before the as-of
// date asOf, the start of its latest version and the values of traits
// valid on prior (see the DuckDB store's), by contact id.
func (s *Store) TraitsBefore(ctx context.Context, traits []string, asOf, prior time.Time, fn func(contactID string, since time.Time, vals []any) error) error {
	err := s.Scan(ctx, features.TraitsBeforeSQL(traits, asOf, prior), func(v []any) error {
		t, _ := v[1].(time.Time)
		return fn(v[0].(string), t.UTC(), v[2:])
	})
	if err != nil {
		return fmt.Errorf("trait versions: %w", err)
	}
	return nil
}

// ContactIdentifiers calls fn with the identifiers of every contact (their
// latest values), by contact id. Personal data: callers hash it before it
// leaves the process and never log it.
func (s *Store) ContactIdentifiers(ctx context.Context, fn func(id string, ids antipersona.Identifiers) error) error {
	traits, err := s.Traits(ctx)
	if err != nil {
		return err
	}
	// The values as text the way DuckDB's CAST writes them (duckText), so
	// that both stores hash the same identifiers.
	cols := features.IdentifierColumns(traits)
	return s.Scan(ctx, features.IdentifiersSQL(cols, false), func(v []any) error {
		return fn(features.ScanIdentifiers(cols, duckText, v))
	})
}

// duckText is DuckDB's CAST(v AS VARCHAR) of a scanned value ("" for NULL).
func duckText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return duckFloat(x)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format(time.DateTime)
		}
		return duckTime(x)
	case []any:
		return duckList(x)
	}
	return fmt.Sprint(v)
}

// ScanSample runs query as Scan does, on a sample of the contacts: every
// table of contacts' data (contacts, events, orders, returns, touches,
// survey answers, per-contact costs) is seen through a temporary view that
// keeps the rows of the contacts whose id hashes to 0 modulo mod (about
// 1/mod of them); campaign and channel spend stays whole. The hash is
// PostgreSQL's (hashtext), so the sample is not the DuckDB store's.
func (s *Store) ScanSample(ctx context.Context, mod int, query string, fn func(vals []any) error) error {
	if mod <= 1 {
		return s.Scan(ctx, query, fn)
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("scan sample: %w", err)
	}
	// The views are temporary and made in this transaction: rolling it
	// back drops them.
	defer tx.Rollback(context.WithoutCancel(ctx))
	sch := quoteIdent(s.schema)
	keep := fmt.Sprintf("(hashtext(contact_id) & 2147483647) %% %d = 0", mod)
	for _, t := range []struct {
		name      string
		anonymous bool
	}{
		{"contacts", false}, {"events", true}, {"orders", true}, {"returns", true},
		{"costs", false}, {"touches", false}, {"survey_answers", false},
	} {
		where := keep
		switch {
		case t.anonymous:
			where += " OR (contact_id IS NULL AND anonymous_id IN (SELECT anonymous_id FROM " + sch + ".identities WHERE " + keep + "))"
		case t.name == "costs":
			where = "contact_id IS NULL OR " + where
		}
		q := "CREATE TEMP VIEW " + t.name + " AS SELECT * FROM " + sch + "." + t.name + " t WHERE " + where
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("sample %s: %w", t.name, err)
		}
	}
	if err := s.scanTx(ctx, tx, query, func(_ []string, vals []any) error { return fn(vals) }); err != nil {
		return fmt.Errorf("scan sample: %w", err)
	}
	return nil
}

// numOrNaN is v as a float64, NaN when NULL or not a number.
func numOrNaN(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case int32:
		return float64(x)
	}
	return math.NaN()
}

// AudienceMembers returns the members (contact ids, sorted) of the last
// export of the audience name, and whether it was exported before.
func (s *Store) AudienceMembers(ctx context.Context, name string) ([]string, bool, error) {
	var n int64
	if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM audience_exports WHERE name = $1", name).Scan(&n); err != nil {
		return nil, false, fmt.Errorf("read audience %q: %w", name, err)
	}
	rows, err := s.pool.Query(ctx, "SELECT contact_id FROM audience_members WHERE name = $1 ORDER BY contact_id", name)
	if err != nil {
		return nil, false, fmt.Errorf("read audience %q: %w", name, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, false, fmt.Errorf("read audience %q: %w", name, err)
	}
	return out, n > 0, nil
}

// RecordAudience records an export of audience e.Name whose members are
// now members (a member given twice is stored once), in one transaction.
func (s *Store) RecordAudience(ctx context.Context, e antipersona.AudienceExport, members []string) error {
	members = slices.Compact(slices.Sorted(slices.Values(members)))
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM audience_members WHERE name = $1", e.Name); err != nil {
			return err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"audience_members"}, []string{"name", "contact_id"},
			pgx.CopyFromSlice(len(members), func(i int) ([]any, error) { return []any{e.Name, members[i]}, nil }))
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "INSERT INTO audience_exports VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", e.Name,
			e.ExportedAt.UTC(), e.Build, e.Format, e.Filter, e.Members, e.Added, e.Removed, e.Incremental, nullStr(e.File))
		return err
	})
	if err != nil {
		return fmt.Errorf("record audience: %w", err)
	}
	return nil
}

// AudienceExports returns every recorded export, oldest first.
func (s *Store) AudienceExports(ctx context.Context) ([]antipersona.AudienceExport, error) {
	rows, err := s.pool.Query(ctx, `SELECT name, exported_at, build_id, format, filter, members, added, removed, incremental, COALESCE(file, '')
		FROM audience_exports ORDER BY exported_at, name COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("read audience exports: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (antipersona.AudienceExport, error) {
		var e antipersona.AudienceExport
		err := r.Scan(&e.Name, &e.ExportedAt, &e.Build, &e.Format, &e.Filter, &e.Members, &e.Added, &e.Removed, &e.Incremental, &e.File)
		e.ExportedAt = e.ExportedAt.UTC()
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("read audience exports: %w", err)
	}
	return out, nil
}
