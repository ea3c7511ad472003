package postgres_test

import (
	"context"
	"math"
	"testing"
)

// TestCompatMatchesDuckDB evaluates DuckDB expressions that compat.sql
// emulates on both engines; the results must have the same Go type and
// value. The expected values are DuckDB's (the first store of stores).
func TestCompatMatchesDuckDB(t *testing.T) {
	ctx := context.Background()
	d, p := stores(t)
	pairs := [][2]string{
		{"2024-01-01 23:00:00", "2024-01-02 01:00:00"},
		{"2024-01-02 01:00:00", "2024-01-01 23:00:00"},
		{"2023-12-31 23:59:59", "2024-01-01 00:00:00"},
		{"2024-02-28 10:30:45", "2025-03-01 09:15:30"},
		{"2024-03-31 12:00:00", "2024-01-01 12:00:00"},
		{"2024-01-07 12:00:00", "2024-01-08 00:00:00"}, // Sunday to Monday
		{"2024-01-08 00:00:00", "2024-01-14 23:00:00"}, // Monday to Sunday
	}
	var exprs []string
	for _, part := range []string{"year", "quarter", "month", "week", "day", "hour", "minute", "second"} {
		for _, p := range pairs {
			exprs = append(exprs, "date_diff('"+part+"', TIMESTAMP '"+p[0]+"', TIMESTAMP '"+p[1]+"')")
		}
	}
	for _, p := range pairs {
		exprs = append(exprs, "date_diff('day', DATE '"+p[0][:10]+"', DATE '"+p[1][:10]+"')")
		for _, f := range []string{"year", "quarter", "month", "day", "hour", "dayofweek"} {
			exprs = append(exprs, f+"(TIMESTAMP '"+p[0]+"')")
		}
		for _, f := range []string{"year", "month", "day", "dayofweek"} {
			exprs = append(exprs, f+"(DATE '"+p[0][:10]+"')")
		}
	}
	exprs = append(exprs,
		"7 / 2", "-7 / 2", "CAST(7 AS BIGINT) / 2", "CAST(7 AS SMALLINT) / CAST(2 AS BIGINT)", "7.5 / 2", "CAST(3 AS BIGINT) / 1.5", "1.5 / 0",
		"1 / 0", "-1 / 0", "0 / 0", "CAST(1 AS DOUBLE) / 0", "CAST(-2.5 AS DOUBLE) / CAST(0 AS DOUBLE)",
		"CAST(5 AS INTEGER) * 2 / 4",
		"CAST(7 / 2 AS INTEGER)",
		"CAST(2.5 AS DOUBLE)",
		"TIMESTAMP '2024-01-01 10:00:00' + INTERVAL 90 MINUTE",
		"TIMESTAMP '2024-01-01 10:00:00' - INTERVAL (1 + 1) DAY",
		"TIMESTAMP '2024-01-01 10:00:00' - INTERVAL '3 hours'",
	)
	aggs := []string{
		"SELECT arg_max(a, b), arg_min(a, b) FROM (VALUES ('x', 1), (NULL, 3), ('y', 2), ('z', NULL), ('w', 0)) t(a, b)",
		"SELECT arg_max(a, b), arg_min(a, b) FROM (VALUES (CAST(1.5 AS DOUBLE), TIMESTAMP '2024-01-01'), (2.5, TIMESTAMP '2023-01-01'), (NULL, TIMESTAMP '2025-01-01')) t(a, b)",
		"SELECT arg_max(a, b), arg_min(a, b) FROM (VALUES (true, DATE '2024-01-01'), (false, DATE '2023-01-01')) t(a, b)",
		"SELECT arg_max(a, b), arg_min(a, b) FROM (VALUES (CAST(NULL AS VARCHAR), 1)) t(a, b)",
		"SELECT arg_max(a, b) FILTER (WHERE b < 3), arg_min(a, b) FILTER (WHERE b > 0) FROM (VALUES (10, 1), (20, 2), (30, 3), (40, 0)) t(a, b)",
		"SELECT arg_max(a, b * 100 - a) FROM (VALUES (CAST(3 AS BIGINT), CAST(2 AS BIGINT)), (CAST(1 AS BIGINT), CAST(2 AS BIGINT))) t(a, b)",
		"SELECT avg(a), stddev_pop(a), stddev_samp(a), var_pop(a), var_samp(a) FROM (VALUES (CAST(1 AS BIGINT)), (CAST(4 AS BIGINT)), (CAST(10 AS BIGINT))) t(a)",
		"SELECT avg(a), stddev_pop(a) FROM (VALUES (1), (2)) t(a)",
		"SELECT avg(a) FROM (VALUES (CAST(NULL AS INTEGER))) t(a)",
		"SELECT count(*) FILTER (WHERE a > 1) / count(*) FROM (VALUES (1), (2), (3)) t(a)",
	}
	var queries []string
	for _, e := range exprs {
		queries = append(queries, "SELECT "+e)
	}
	queries = append(queries, aggs...)
	for _, q := range queries {
		want := scanAll(t, func(fn func([]any) error) error { return d.Scan(ctx, q, fn) })
		var got [][]any
		if err := p.Scan(ctx, q, func(v []any) error { got = append(got, v); return nil }); err != nil {
			t.Errorf("%s: %v", q, err)
			continue
		}
		if len(got) != 1 || len(want) != 1 || len(got[0]) != len(want[0]) {
			t.Errorf("%s: got %v, want %v", q, got, want)
			continue
		}
		for j := range want[0] {
			g, w := got[0][j], want[0][j]
			if gf, ok := g.(float64); ok && math.IsNaN(gf) {
				if wf, ok := w.(float64); ok && math.IsNaN(wf) {
					continue
				}
			}
			if msg := differ(g, w); msg != "" {
				t.Errorf("%s [%d]: %s", q, j, msg)
			}
		}
	}
}
