package duckdb

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A spool carries a batch's rows to DuckDB as a CSV file that DuckDB reads
// back with read_csv, in parallel and without a cgo call per value (the
// appender's cost). Every string is quoted, so an unquoted empty field is
// NULL and "" is the empty string; quotes are doubled, and newlines and NUL
// bytes travel inside quotes (DuckDB keeps them, see TestSpoolRoundTrip).
type spool struct {
	buf      []byte
	rows     int64
	rowStart int // offset of the current row in buf
	longest  int // bytes of the longest row, newline included
}

// column is a spooled column: its name and DuckDB type.
type column struct{ name, typ string }

// cols parses "name TYPE, name TYPE" (the staging DDL of a table).
func cols(ddl string) []column {
	var out []column
	for _, part := range strings.Split(ddl, ",") {
		f := strings.Fields(part)
		out = append(out, column{f[0], strings.Join(f[1:], " ")})
	}
	return out
}

// str writes a string value (never NULL).
func (w *spool) str(s string) {
	w.buf = append(w.buf, '"')
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		w.buf = append(w.buf, s[:i+1]...)
		w.buf = append(w.buf, '"')
		s = s[i+1:]
	}
	w.buf = append(w.buf, s...)
	w.buf = append(w.buf, '"', ',')
}

// nullStr writes s, or NULL when s is empty.
func (w *spool) nullStr(s string) {
	if s == "" {
		w.null()
		return
	}
	w.str(s)
}

func (w *spool) null() { w.buf = append(w.buf, ',') }

// num writes f, or NULL when f is NaN. Go's shortest representation
// round-trips exactly through DuckDB's correctly rounded parser.
func (w *spool) num(f float64) {
	switch {
	case math.IsNaN(f):
		w.null()
		return
	case math.IsInf(f, 1):
		w.buf = append(w.buf, "Infinity"...)
	case math.IsInf(f, -1):
		w.buf = append(w.buf, "-Infinity"...)
	default:
		w.buf = strconv.AppendFloat(w.buf, f, 'g', -1, 64)
	}
	w.buf = append(w.buf, ',')
}

// time writes t as microseconds since the epoch (truncated, as the
// appender does; DuckDB's TIMESTAMP precision), or NULL for the zero time.
// Integers parse faster than dates and cover every year.
func (w *spool) time(t time.Time) {
	if t.IsZero() {
		w.null()
		return
	}
	w.buf = strconv.AppendInt(w.buf, t.UnixMicro(), 10)
	w.buf = append(w.buf, ',')
}

// encodeParallel encodes rows 0..n-1 with enc on spoolWorkers goroutines,
// each into its own part, and joins the parts in row order.
func encodeParallel(n, perRow int, enc func(w *spool, row int)) *spool {
	parts := min(spoolWorkers, max(1, n/10000))
	ws := make([]*spool, parts)
	for p := range parts {
		ws[p] = spoolSize(n*(p+1)/parts-n*p/parts, perRow)
	}
	parallelParts(n, parts, func(p, lo, hi int) {
		for i := lo; i < hi; i++ {
			enc(ws[p], i)
		}
	})
	out := ws[0]
	for _, w := range ws[1:] {
		out.buf = append(out.buf, w.buf...)
		out.rows += w.rows
		out.longest = max(out.longest, w.longest)
	}
	out.rowStart = len(out.buf)
	return out
}

// parallelRange calls fn on spoolWorkers contiguous parts of 0..n-1 at
// once (one part when n is small).
func parallelRange(n int, fn func(lo, hi int)) {
	parallelParts(n, min(spoolWorkers, max(1, n/10000)), func(_, lo, hi int) { fn(lo, hi) })
}

func parallelParts(n, parts int, fn func(p, lo, hi int)) {
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := n*p/parts, n*(p+1)/parts
		wg.Go(func() { fn(p, lo, hi) })
	}
	wg.Wait()
}

// spoolWorkers is the number of goroutines encoding a large batch.
const spoolWorkers = 2

// end ends a row.
func (w *spool) end() {
	w.buf[len(w.buf)-1] = '\n'
	w.rows++
	w.longest = max(w.longest, len(w.buf)-w.rowStart)
	w.rowStart = len(w.buf)
}

// spoolPrefix names the spool files beside the database file, so that Open
// can remove those a killed process left behind.
func (s *Store) spoolPrefix() string { return s.path + ".spool-" }

// removeStaleSpools deletes spool files of earlier, killed processes. Only
// the holder of the workspace lock calls it.
func (s *Store) removeStaleSpools() {
	old, _ := filepath.Glob(s.spoolPrefix() + "*")
	for _, f := range old {
		os.Remove(f)
	}
}

// writeSpool writes w to a new spool file and returns its path and a
// function that removes it.
func (s *Store) writeSpool(w *spool) (string, func(), error) {
	f, err := os.CreateTemp(filepath.Dir(s.path), filepath.Base(s.spoolPrefix())+"*.csv")
	if err != nil {
		return "", nil, fmt.Errorf("spool: %w", err)
	}
	name := f.Name()
	remove := func() { os.Remove(name) }
	if _, err := f.Write(w.buf); err != nil {
		f.Close()
		remove()
		return "", nil, fmt.Errorf("spool: %w", err)
	}
	if err := f.Close(); err != nil {
		remove()
		return "", nil, fmt.Errorf("spool: %w", err)
	}
	return name, remove, nil
}

// readSpool is the read_csv call that reads a spool file with columns cs.
//
// The longest row sets max_line_size: DuckDB's read buffers are sixteen
// times that size, so it stays at DuckDB's default (2 MB) unless a row is
// longer (a 16 MB line of JSON properties, say).
func readSpool(path string, cs []column, longest int) string {
	var b strings.Builder
	b.WriteString("read_csv(" + quoteLit(path) + ", header = false, auto_detect = false, delim = ',', quote = '\"', escape = '\"', new_line = '\\n', " +
		"allow_quoted_nulls = false, max_line_size = " + strconv.Itoa(max(2<<20, longest+1024)) + ", columns = {")
	for i, c := range cs {
		if i > 0 {
			b.WriteString(", ")
		}
		typ := c.typ
		if typ == "TIMESTAMP" {
			typ = "BIGINT" // see spool.time
		}
		b.WriteString(quoteLit(c.name) + ": " + quoteLit(typ))
	}
	b.WriteString("})")
	return b.String()
}

// insertSpooled inserts, in one transaction, the spooled rows of table
// (its columns after the key hash): all of fresh, whose keys the caller knows
// are not stored, and those of maybe whose key is not stored yet. It returns
// how many rows were inserted. key names the column whose md5_number is
// table's first column, hashCol. Rows must be unique by key across both
// spools (the callers keep the first of each key).
func (s *Store) insertSpooled(ctx context.Context, table, hashCol, key string, cs []column, fresh, maybe *spool) (int64, error) {
	if fresh.rows == 0 && maybe.rows == 0 {
		return 0, nil
	}
	t0 := time.Now()
	sel := make([]string, len(cs))
	for i, c := range cs {
		sel[i] = quoteIdent(c.name)
		if c.typ == "TIMESTAMP" {
			sel[i] = "make_timestamp(" + sel[i] + ")"
		}
	}
	source := func(path string, w *spool) string {
		return `SELECT md5_number(` + key + `) AS ` + hashCol + `, ` + strings.Join(sel, ", ") + ` FROM ` + readSpool(path, cs, w.longest)
	}
	var stmts []string
	for _, w := range []*spool{fresh, maybe} {
		if w.rows == 0 {
			continue
		}
		path, remove, err := s.writeSpool(w)
		if err != nil {
			return 0, err
		}
		defer remove()
		if w == fresh {
			stmts = append(stmts, `INSERT INTO `+table+` `+source(path, w))
		} else {
			stmts = append(stmts, `INSERT INTO `+table+` SELECT n.* FROM (`+source(path, w)+`) n
		ANTI JOIN `+table+` t ON t.`+hashCol+` = n.`+hashCol)
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var n int64
	for _, stmt := range stmts {
		r, err := tx.ExecContext(ctx, stmt)
		if err != nil {
			return 0, fmt.Errorf("insert %s: %w", table, err)
		}
		k, _ := r.RowsAffected()
		n += k
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit %s: %w", table, err)
	}
	s.logger.Debug("spooled insert", "table", table, "new", fresh.rows, "maybe_stored", maybe.rows, "inserted", n,
		"bytes", len(fresh.buf)+len(maybe.buf), "took", time.Since(t0))
	return n, nil
}
