package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/features"
)

const decisionCols = "contact_id, action, buyer, probability, value, cost, expected_value, reasons, sentence, excluded_since, rfm_segment, lifecycle, personas, negatives, kinds, frequency, monetary"

// ReplaceDecisions stores the decisions of build, replacing any it had, in
// one transaction. The decisions of other builds are kept.
func (s *Store) ReplaceDecisions(ctx context.Context, build int64, rows []antipersona.ContactSnapshot) error {
	// Rows are encoded on both cores; the reasons as JSON (antipersona.SnapshotReasons).
	w := encodeParallel(len(rows), 320, func(w *spool, i int) {
		r := &rows[i]
		js, err := json.Marshal(antipersona.SnapshotReasons(r.Reasons))
		if err != nil {
			js = []byte("[]") // Reason has only strings and finite numbers: cannot happen
		}
		w.num(float64(build))
		w.str(r.ContactID)
		w.str(string(r.Action))
		w.str(strconv.FormatBool(r.Buyer))
		w.num(r.Probability)
		w.num(r.Value)
		w.num(r.Cost)
		w.num(r.ExpectedValue)
		w.str(string(js))
		w.nullStr(r.Sentence)
		if r.ExcludedSince.IsZero() {
			w.null()
		} else {
			w.str(r.ExcludedSince.UTC().Format(time.DateOnly))
		}
		w.nullStr(r.Segment)
		w.nullStr(r.Lifecycle)
		w.nullStr(strings.Join(r.Personas, "|"))
		w.nullStr(strings.Join(r.Negatives, "|"))
		w.nullStr(strings.Join(r.Kinds, "|"))
		w.num(r.Frequency)
		w.num(r.Monetary)
		w.end()
	})
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "DELETE FROM decisions WHERE build_id = ?", build); err != nil {
		return fmt.Errorf("store decisions: %w", err)
	}
	ddl := "build_id BIGINT, contact_id VARCHAR, action VARCHAR, buyer BOOLEAN, probability DOUBLE, value DOUBLE, cost DOUBLE, expected_value DOUBLE, " +
		"reasons VARCHAR, sentence VARCHAR, excluded_since DATE, rfm_segment VARCHAR, lifecycle VARCHAR, personas VARCHAR, negatives VARCHAR, kinds VARCHAR, frequency DOUBLE, monetary DOUBLE"
	if err := s.insertSpool(ctx, tx, "decisions", ddl, w); err != nil {
		return err
	}
	return tx.Commit()
}

// Decisions calls fn with every decision of build, by contact id. It
// returns ENOTFOUND when the build has none.
func (s *Store) Decisions(ctx context.Context, build int64, fn func(r antipersona.ContactSnapshot) error) error {
	return s.decisions(ctx, "build_id = "+fmt.Sprint(build), build, fn)
}

// Decision returns one contact's decision in build; ENOTFOUND when there
// is none.
func (s *Store) Decision(ctx context.Context, build int64, contactID string) (*antipersona.ContactSnapshot, error) {
	var out *antipersona.ContactSnapshot
	err := s.decisions(ctx, "build_id = "+fmt.Sprint(build)+" AND contact_id = "+quoteLit(contactID), build, func(r antipersona.ContactSnapshot) error {
		out = &r
		return nil
	})
	if antipersona.ErrorCode(err) == antipersona.ENOTFOUND {
		return nil, antipersona.Errorf(antipersona.ENOTFOUND, "no contact %q in build #%d", contactID, build)
	}
	return out, err
}

func (s *Store) decisions(ctx context.Context, where string, build int64, fn func(r antipersona.ContactSnapshot) error) error {
	names := map[string]string{}
	err := s.Scan(ctx, fmt.Sprintf("SELECT id, json_extract_string(doc, '$.name') FROM persona_snapshots WHERE build_id = %d", build), func(v []any) error {
		names[v[0].(string)], _ = v[1].(string)
		return nil
	})
	if err != nil {
		return err
	}
	n := 0
	err = s.Scan(ctx, "SELECT "+decisionCols+" FROM decisions WHERE "+where+" ORDER BY contact_id", func(v []any) error {
		n++
		r := antipersona.ContactSnapshot{Build: build}
		r.ContactID = v[0].(string)
		r.Action = antipersona.Action(v[1].(string))
		r.Buyer = v[2] == true
		r.Probability, r.Value, r.Cost, r.ExpectedValue = numOrNaN(v[3]), numOrNaN(v[4]), numOrNaN(v[5]), numOrNaN(v[6])
		if js, ok := v[7].(string); ok {
			if err := json.Unmarshal([]byte(js), &r.Reasons); err != nil {
				return fmt.Errorf("decision of %s: %w", r.ContactID, err)
			}
			antipersona.NameReasons(r.Reasons, names)
		}
		r.Sentence, _ = v[8].(string)
		if t, ok := v[9].(time.Time); ok {
			r.ExcludedSince = t.UTC()
		}
		r.Segment, _ = v[10].(string)
		r.Lifecycle, _ = v[11].(string)
		r.Personas = splitList(v[12])
		r.Negatives = splitList(v[13])
		r.Kinds = splitList(v[14])
		r.Frequency, r.Monetary = numOrNaN(v[15]), numOrNaN(v[16])
		return fn(r)
	})
	if err != nil {
		return err
	}
	if n == 0 {
		return antipersona.Errorf(antipersona.ENOTFOUND, "build #%d has no decisions: run 'antipersona build'", build)
	}
	return nil
}

func splitList(v any) []string {
	s, ok := v.(string)
	if !ok || s == "" {
		return nil
	}
	return strings.Split(s, "|")
}

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

// SnapshotPersonas keeps a copy of the last build's personas as the
// personas of build (replacing any it had).
func (s *Store) SnapshotPersonas(ctx context.Context, build int64) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "DELETE FROM persona_snapshots WHERE build_id = ?", build); err != nil {
		return fmt.Errorf("snapshot personas: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO persona_snapshots SELECT ?, ordinal, id, kind, doc FROM personas", build); err != nil {
		return fmt.Errorf("snapshot personas: %w", err)
	}
	return tx.Commit()
}

// PersonaSnapshot returns the JSON documents of build's personas in order.
func (s *Store) PersonaSnapshot(ctx context.Context, build int64) ([][]byte, error) {
	var out [][]byte
	err := s.Scan(ctx, fmt.Sprintf("SELECT doc FROM persona_snapshots WHERE build_id = %d ORDER BY ordinal", build), func(v []any) error {
		out = append(out, []byte(v[0].(string)))
		return nil
	})
	return out, err
}

// BuildByID returns one build; ENOTFOUND when there is none.
func (s *Store) BuildByID(ctx context.Context, id int64) (*antipersona.Build, error) {
	var b antipersona.Build
	err := s.db.QueryRowContext(ctx, "SELECT id, as_of, started_at, finished_at, contacts, config_hash FROM builds WHERE id = ?", id).
		Scan(&b.ID, &b.AsOf, &b.StartedAt, &b.FinishedAt, &b.Contacts, &b.ConfigHash)
	if err == sql.ErrNoRows {
		return nil, antipersona.Errorf(antipersona.ENOTFOUND, "no build #%d", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read build: %w", err)
	}
	return &b, nil
}

// TraitChanges returns the changes of the traits given between the values
// valid on as-of date from and those valid on as-of date to (whole days: a
// version valid from any time of a day counts on that day), by contact and
// trait. Only contacts with a version that became valid after from are
// compared. Values are text: lists joined by '|', dates as YYYY-MM-DD.
func (s *Store) TraitChanges(ctx context.Context, traits []antipersona.Trait, from, to time.Time) ([]antipersona.TraitChange, error) {
	if len(traits) == 0 {
		return nil, nil
	}
	cutA := quoteLit(from.UTC().AddDate(0, 0, 1).Format(time.DateOnly))
	cutB := quoteLit(to.UTC().AddDate(0, 0, 1).Format(time.DateOnly))
	merged := func(cut string) string {
		return features.MergedContacts(traits, "contact_id IN (SELECT contact_id FROM changed) AND (valid_from IS NULL OR valid_from < TIMESTAMP "+cut+")")
	}
	parts := make([]string, len(traits))
	for i, t := range traits {
		q := quoteIdent(t.Ident)
		text := func(side string) string {
			switch t.Type {
			case antipersona.TraitMulti:
				return "array_to_string(" + side + "." + q + ", '|')"
			case antipersona.TraitDate:
				return "strftime(" + side + "." + q + ", '%Y-%m-%d')"
			}
			return "CAST(" + side + "." + q + " AS VARCHAR)"
		}
		parts[i] = fmt.Sprintf("SELECT b.contact_id, %s AS trait, %s AS old, %s AS new FROM b LEFT JOIN a USING (contact_id) WHERE a.%s IS DISTINCT FROM b.%s",
			quoteLit(t.Ident), text("a"), text("b"), q, q)
	}
	q := "WITH changed AS (SELECT DISTINCT contact_id FROM contacts WHERE valid_from >= TIMESTAMP " + cutA + " AND valid_from < TIMESTAMP " + cutB + "), " +
		"a AS (" + merged(cutA) + "), b AS (" + merged(cutB) + ") " + strings.Join(parts, " UNION ALL ") + " ORDER BY 1, 2"
	var out []antipersona.TraitChange
	err := s.Scan(ctx, q, func(v []any) error {
		c := antipersona.TraitChange{ContactID: v[0].(string), Trait: v[1].(string)}
		c.From, _ = v[2].(string)
		c.To, _ = v[3].(string)
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("trait changes: %w", err)
	}
	return out, nil
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
	err := s.scan(ctx, "SELECT * FROM "+quoteIdent(table)+" WHERE contact_id = "+quoteLit(contactID), func(cols []string, vals []any) error {
		row, names = make(map[string]any, len(cols)), cols
		for i, c := range cols {
			row[c] = vals[i]
		}
		return nil
	})
	return row, names, err
}

// RuleSegmentsOf returns the rule segments of one contact in the last
// build, sorted.
func (s *Store) RuleSegmentsOf(ctx context.Context, contactID string) ([]string, error) {
	ok, err := s.hasTable(ctx, "rule_segments")
	if err != nil || !ok {
		return nil, err
	}
	var out []string
	err = s.Scan(ctx, "SELECT segment FROM rule_segments WHERE contact_id = "+quoteLit(contactID)+" ORDER BY segment", func(v []any) error {
		out = append(out, v[0].(string))
		return nil
	})
	return out, err
}

// LastDecisionBuild returns the latest build before before (0: any) that
// has decisions; 0 when there is none.
func (s *Store) LastDecisionBuild(ctx context.Context, before int64) (int64, error) {
	q := "SELECT COALESCE(max(build_id), 0) FROM decisions"
	if before > 0 {
		q += fmt.Sprintf(" WHERE build_id < %d", before)
	}
	var id int64
	if err := s.db.QueryRowContext(ctx, q).Scan(&id); err != nil {
		return 0, fmt.Errorf("read decisions: %w", err)
	}
	return id, nil
}

// TraitsBefore returns, for every contact with a version of its traits
// (ingested with --valid-from) that became valid after the as-of date
// prior and on or before the as-of date asOf, the start of its latest
// version and the values of traits (identifiers, in order) valid on prior
// (nil for a missing value), by contact id. A zero prior means the
// values as first known, before any such version.
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

// Priors calls fn with the decision of every contact of build, without
// the reasons (faster than Decisions).
func (s *Store) Priors(ctx context.Context, build int64, fn func(p antipersona.Prior) error) error {
	return s.Scan(ctx, fmt.Sprintf("SELECT contact_id, action, excluded_since, frequency, negatives FROM decisions WHERE build_id = %d", build), func(v []any) error {
		p := antipersona.Prior{ContactID: v[0].(string), Action: antipersona.Action(v[1].(string)), Frequency: numOrNaN(v[3]), Negatives: splitList(v[4])}
		if t, ok := v[2].(time.Time); ok {
			p.ExcludedSince = t.UTC()
		}
		return fn(p)
	})
}
