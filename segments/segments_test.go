package segments_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"

	"github.com/antipersona/antipersona/duckdb"
	"github.com/antipersona/antipersona/segments"
)

// TestHandComputed builds the segments of ten buyers and one subscriber
// whose scores are worked out by hand (L = 5).
//
// Recency 10, 20, ..., 100: edges are DuckDB's quantile_disc at .2 .4 .6 .8,
// the values at positions floor((n-1)q) of the sorted values: 20, 40, 60,
// 80. R = 5 - #edges below the recency: 5 5 4 4 3 3 2 2 1 1.
// Frequency 1 1 1 1 1 2 2 3 4 10: sorted positions 1, 3, 5, 7 give edges
// 1 1 2 3. F = 1 + #edges below: 1 1 1 1 1 3 3 4 5 5.
// Monetary 10..100: edges 20 40 60 80, M = 1 + #edges below:
// 1 1 2 2 3 3 4 4 5 5.
// Names (R, F): c01 (5,1) New, c02 (5,1) New, c03 (4,1) Promising, c04 (4,1)
// Promising, c05 (3,1) About to sleep, c06 (3,3) Need attention, c07 (2,3)
// At risk, c08 (2,4) At risk, c09 (1,5) Can't lose them, c10 (1,5) Can't
// lose them.
func TestHandComputed(t *testing.T) {
	ctx := context.Background()
	s, err := duckdb.Open(ctx, filepath.Join(t.TempDir(), "s.duckdb"), duckdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := s.DB()
	mustExec(t, db, `CREATE TABLE features (contact_id VARCHAR, outcome BOOLEAN, recency_days DOUBLE, frequency BIGINT, monetary DOUBLE,
		days_since_last_activity DOUBLE, seasonality DOUBLE, decision_cycle_days DOUBLE, sessions_before_first_order BIGINT,
		order_interval_cv DOUBLE, discount_share DOUBLE, returns_count BIGINT, return_rate DOUBLE,
		sessions BIGINT, webinars_registered BIGINT, trials_started BIGINT, cart_adds BIGINT, signups BIGINT, email_opens BIGINT)`)
	//        id     rec  freq mon  since seas  cycle sbf  cv    disc ret rrate  sess
	mustExec(t, db, `INSERT INTO features VALUES
		('c01', NULL, 10, 1, 10, 10, NULL, 0, 1, NULL, 0, 0, 0, 2, 0, 0, 0, 0, 0),
		('c02', NULL, 20, 1, 20, 20, NULL, 5, 2, NULL, 0, 0, 0, 3, 0, 0, 0, 0, 0),
		('c03', NULL, 30, 1, 30, 30, NULL, 20, 2, NULL, 0, 0, 0, 3, 0, 0, 0, 0, 0),
		('c04', NULL, 40, 1, 40, 40, NULL, 3, 1, NULL, 0, 0, 0, 1, 0, 0, 0, 0, 0),
		('c05', NULL, 50, 1, 50, 50, NULL, 3, 1, NULL, 0.9, 0, 0, 1, 0, 0, 0, 0, 0),
		('c06', NULL, 60, 2, 60, 60, 0.5, 3, 1, NULL, 0, 0, 0, 1, 0, 0, 0, 0, 0),
		('c07', NULL, 70, 2, 70, 70, 0.5, 3, 1, NULL, 0, 2, 0.5, 1, 0, 0, 0, 0, 0),
		('c08', NULL, 80, 3, 80, 80, 0.4, 3, 1, 0.2, 0, 0, 0, 1, 0, 0, 0, 0, 0),
		('c09', NULL, 90, 4, 90, 90, 0.8, 3, 1, 0.9, 0, 0, 0, 1, 0, 0, 0, 0, 0),
		('c10', NULL, 100, 10, 100, 100, 0.3, 3, 1, 0.6, 0, 0, 0, 1, 0, 0, 0, 0, 0),
		('c11', NULL, NULL, 0, 0, 5, NULL, NULL, 0, NULL, NULL, 0, NULL, 0, 0, 0, 0, 1, 3)`)
	p := segments.Params{Levels: 5, Names: segments.DefaultRFMNames(), Tags: segments.DefaultTags(), ActiveDays: 90, ChurnDays: 365}
	mustExec(t, db, "CREATE TABLE segments AS "+segments.SQL(p))
	want := map[string]struct {
		r, f, m   int
		name      string
		lifecycle string
		tags      []string
	}{
		// Active: activity within 90 days (c09 at 90 is active, c10 at 100 passive).
		"c01": {5, 1, 1, "New", "customer", []string{"active", "one_time", "impulse"}},
		"c02": {5, 1, 1, "New", "customer", []string{"active", "one_time"}},
		"c03": {4, 1, 2, "Promising", "customer", []string{"active", "one_time", "considered"}},
		"c04": {4, 1, 2, "Promising", "customer", []string{"active", "one_time"}},
		"c05": {3, 1, 3, "About to sleep", "customer", []string{"active", "one_time", "bargain_only"}},
		"c06": {3, 3, 3, "Need attention", "repeat", []string{"active"}},
		"c07": {2, 3, 4, "At risk", "repeat", []string{"active", "returner"}},
		"c08": {2, 4, 4, "At risk", "repeat", []string{"active", "loyal", "regular"}},
		"c09": {1, 5, 5, "Can't lose them", "repeat", []string{"active", "loyal", "seasonal"}},
		"c10": {1, 5, 5, "Can't lose them", "at_risk", []string{"passive", "loyal"}},
		"c11": {0, 0, 0, "", "subscriber", []string{"active"}},
	}
	rows, err := db.QueryContext(ctx, "SELECT contact_id, r_score, f_score, m_score, rfm_segment, lifecycle, tags FROM segments ORDER BY contact_id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id, life string
		var r, f, m sql.NullInt64
		var name sql.NullString
		var tags []any
		if err := rows.Scan(&id, &r, &f, &m, &name, &life, &tags); err != nil {
			t.Fatal(err)
		}
		n++
		w := want[id]
		var got []string
		for _, x := range tags {
			got = append(got, x.(string))
		}
		if int(r.Int64) != w.r || int(f.Int64) != w.f || int(m.Int64) != w.m || name.String != w.name || life != w.lifecycle {
			t.Errorf("%s: got R%d F%d M%d %q %s, want R%d F%d M%d %q %s", id, r.Int64, f.Int64, m.Int64, name.String, life, w.r, w.f, w.m, w.name, w.lifecycle)
		}
		if !slices.Equal(got, w.tags) {
			t.Errorf("%s: tags %v, want %v", id, got, w.tags)
		}
	}
	if n != len(want) {
		t.Errorf("%d rows, want %d", n, len(want))
	}
}

// TestThreeLevels: with 3 levels the named segments read the scores
// rescaled to 1-5 (1 -> 1, 2 -> 3, 3 -> 5).
func TestThreeLevels(t *testing.T) {
	p := segments.Params{Levels: 3, Names: segments.DefaultRFMNames(), Tags: segments.DefaultTags(), ActiveDays: 90, ChurnDays: 365}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	q := segments.SQL(p)
	if !contains(q, "round(1 + (r_score - 1) * 4.0 / 2)") {
		t.Errorf("3-level scores are not rescaled:\n%s", q)
	}
	bad := segments.Params{Levels: 5, Names: []segments.RFMName{{Name: "x", R: segments.Range{0, 6}, F: segments.Range{1, 1}}}}
	if bad.Validate() == nil {
		t.Error("a range outside 1..5 was accepted")
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func mustExec(t *testing.T, db *sql.DB, q string) {
	t.Helper()
	if _, err := db.Exec(q); err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
}
