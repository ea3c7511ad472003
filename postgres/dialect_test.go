package postgres

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/antipersona/antipersona/features"
)

// TestTokenizeRoundTrips checks that tokens concatenate to their input,
// on the feature SQL and on the tricky corners of the lexer.
func TestTokenizeRoundTrips(t *testing.T) {
	inputs := []string{
		features.SQL(features.Params{AsOf: time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC), Weights: map[string]float64{"sessions": 1e-05}}),
		"SELECT 'it''s', E'a\\'b', $$x$$, $t$ y $t$, \"q\"\"uote\", 1.5e-3, .5, a::DOUBLE -- c\n/* a /* nested */ comment */",
		"'unterminated",
		"",
	}
	for _, in := range inputs {
		if got := join(tokenize(in)); got != in {
			t.Errorf("round trip of %q gave %q", in, got)
		}
	}
}

func TestRewriteDuckDB(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"double after AS", "CAST(x AS DOUBLE)", "CAST(x AS DOUBLE PRECISION)"},
		{"double after ::", "x::double", "x::double PRECISION"},
		{"double precision kept", "CAST(x AS DOUBLE PRECISION)", "CAST(x AS DOUBLE PRECISION)"},
		{"double as a name", `SELECT double, "double" AS d`, `SELECT double, "double" AS d`},
		{"interval", "ts - INTERVAL 30 MINUTE", "ts - INTERVAL '30 MINUTE'"},
		{"interval plural", "INTERVAL 2 days", "INTERVAL '2 days'"},
		{"interval expression", "INTERVAL (n + 1) DAY", "((n + 1) * INTERVAL '1 DAY')"},
		{"interval quoted kept", "INTERVAL '30 minutes'", "INTERVAL '30 minutes'"},
		{"strings and comments untouched", "SELECT 'AS DOUBLE', \"INTERVAL 3 DAY\" -- INTERVAL 3 DAY\n", "SELECT 'AS DOUBLE', \"INTERVAL 3 DAY\" -- INTERVAL 3 DAY\n"},
	}
	for _, tt := range tests {
		got, err := rewriteDuckDB(context.Background(), tt.in, nil)
		if err != nil || got != tt.want {
			t.Errorf("%s: rewrite(%q) = %q, %v; want %q", tt.name, tt.in, got, err, tt.want)
		}
	}
}

// TestRewriteExclude checks the expansion of a star with EXCLUDE inside a
// CTE: the describe query is the CTEs up to that one, with the star
// between markers.
func TestRewriteExclude(t *testing.T) {
	in := `WITH a AS (SELECT 1 AS id, 2 AS x, 3 AS "Y"),
b (id, z) AS MATERIALIZED (SELECT id, x FROM a),
c AS (SELECT b.id, a.*  EXCLUDE (id, "Y") FROM b JOIN a USING (id)),
d AS (SELECT * FROM c)
SELECT * EXCLUDE (x) FROM d`
	var asked []string
	describe := func(_ context.Context, q string) ([]string, error) {
		asked = append(asked, q)
		if strings.HasSuffix(q, "SELECT * FROM c") {
			return []string{"id", starBegin, "id", "x", "Y", starEnd}, nil
		}
		return []string{starBegin, "id", "x", starEnd}, nil
	}
	got, err := rewriteDuckDB(context.Background(), in, describe)
	if err != nil {
		t.Fatal(err)
	}
	want := `WITH a AS (SELECT 1 AS id, 2 AS x, 3 AS "Y"),
b (id, z) AS MATERIALIZED (SELECT id, x FROM a),
c AS (SELECT b.id, a."x" FROM b JOIN a USING (id)),
d AS (SELECT * FROM c)
SELECT "id" FROM d`
	if got != want {
		t.Errorf("rewrite:\n got %s\nwant %s", got, want)
	}
	if len(asked) != 2 {
		t.Fatalf("asked %d descriptions, want 2", len(asked))
	}
	wantFirst := `WITH a AS (SELECT 1 AS id, 2 AS x, 3 AS "Y"),
b (id, z) AS MATERIALIZED (SELECT id, x FROM a),
c AS (SELECT b.id, NULL AS "` + starBegin + `", a.*, NULL AS "` + starEnd + `" FROM b JOIN a USING (id)) SELECT * FROM c`
	if asked[0] != wantFirst {
		t.Errorf("first description of\n%s\nwant\n%s", asked[0], wantFirst)
	}

	for name, describe := range map[string]describeFunc{
		"unknown column": func(context.Context, string) ([]string, error) { return []string{starBegin, "a", starEnd}, nil },
		"no markers":     func(context.Context, string) ([]string, error) { return []string{"a"}, nil },
		"nothing left":   func(context.Context, string) ([]string, error) { return []string{starBegin, "x", starEnd}, nil },
		"server error":   func(context.Context, string) ([]string, error) { return nil, errors.New("boom") },
	} {
		if _, err := rewriteDuckDB(context.Background(), "SELECT t.* EXCLUDE (x) FROM t", describe); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
