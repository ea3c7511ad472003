package postgres

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/parquet-go/parquet-go"

	"github.com/antipersona/antipersona"
)

// Exports write what DuckDB's COPY ... TO writes: CSV with a header
// (values as DuckDB casts them to text: 100.0, 1e+16, nan, true,
// 2024-01-05 10:00:00, [a, b]; NULL empty, the empty string ""), JSON as
// an array of one object per row, one row a line, and Parquet with the
// columns' types.

// ExportFeatures writes the features of the last build, sorted by
// contact_id, to w as csv, json (an array of objects) or parquet.
func (s *Store) ExportFeatures(ctx context.Context, w io.Writer, format string) error {
	if err := s.needTable(ctx, "features"); err != nil {
		return err
	}
	if format != "csv" && format != "json" && format != "parquet" {
		return antipersona.Errorf(antipersona.EINVALID, "unknown format %q (use csv, json or parquet)", format)
	}
	if err := s.export(ctx, "SELECT * FROM features ORDER BY contact_id", w, format); err != nil {
		return fmt.Errorf("export features: %w", err)
	}
	return nil
}

// ExportFeaturesFile writes the features of the last build, sorted by
// contact_id, to the file at path (replaced if it exists).
func (s *Store) ExportFeaturesFile(ctx context.Context, path, format string) error {
	if err := s.needTable(ctx, "features"); err != nil {
		return err
	}
	if format != "csv" && format != "json" && format != "parquet" {
		return antipersona.Errorf(antipersona.EINVALID, "unknown format %q (use csv, json or parquet)", format)
	}
	return s.exportFile(ctx, "SELECT * FROM features ORDER BY contact_id", path, format)
}

// ExportAssignments writes one row per contact of the last build:
// contact_id, segment (lifecycle stage), rfm_segment, cluster, persona_id
// (the first positive persona), negative_persona_ids ('|'-separated, in
// persona order), tags and rule_segments ('|'), to path as csv or json,
// sorted by contact_id. An empty value is empty in CSV and null in JSON.
func (s *Store) ExportAssignments(ctx context.Context, path, format string) error {
	for _, t := range []string{"segments", "personas"} {
		if err := s.needTable(ctx, t); err != nil {
			return err
		}
	}
	if format != "csv" && format != "json" {
		return antipersona.Errorf(antipersona.EINVALID, "unknown format %q (use csv or json)", format)
	}
	clusters, err := s.hasTable(ctx, "clusters")
	if err != nil {
		return err
	}
	rules, err := s.hasTable(ctx, "rule_segments")
	if err != nil {
		return err
	}
	cluster, join := "CAST(NULL AS integer)", ""
	if clusters {
		cluster, join = "c.cluster", " LEFT JOIN clusters c ON c.contact_id = s.contact_id"
	}
	ruleSel := "CAST(NULL AS text)"
	if rules {
		ruleSel = "r.segments"
		join += ` LEFT JOIN (SELECT contact_id, string_agg(segment, '|' ORDER BY segment COLLATE "C") AS segments
		  FROM rule_segments GROUP BY contact_id) r ON r.contact_id = s.contact_id`
	}
	q := `SELECT s.contact_id, CAST(s.lifecycle AS text) AS segment, CAST(s.rfm_segment AS text) AS rfm_segment, ` + cluster + ` AS cluster,
	    pp.persona_id, pn.ids AS negative_persona_ids, NULLIF(array_to_string(s.tags, '|'), '') AS tags, ` + ruleSel + ` AS rule_segments
	  FROM segments s
	  LEFT JOIN (SELECT DISTINCT ON (m.contact_id) m.contact_id, m.persona_id FROM persona_members m JOIN personas p ON p.id = m.persona_id
	    WHERE p.kind = 'positive' ORDER BY m.contact_id, p.ordinal) pp ON pp.contact_id = s.contact_id
	  LEFT JOIN (SELECT m.contact_id, string_agg(m.persona_id, '|' ORDER BY p.ordinal) AS ids FROM persona_members m
	    JOIN personas p ON p.id = m.persona_id WHERE p.kind = 'negative' GROUP BY m.contact_id) pn ON pn.contact_id = s.contact_id` +
		join + ` ORDER BY s.contact_id`
	return s.exportFile(ctx, q, path, format)
}

// exportFile writes the result of q to the file at path.
func (s *Store) exportFile(ctx context.Context, q, path, format string) error {
	f, err := os.Create(path)
	if err != nil {
		return antipersona.Errorf(antipersona.EINVALID, "cannot write %s: %v", path, err)
	}
	err = s.export(ctx, q, f, format)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = antipersona.Errorf(antipersona.EINVALID, "cannot write %s: %v", path, cerr)
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// export runs q (PostgreSQL's dialect) in a read-only transaction and
// writes its rows to w in format.
func (s *Store) export(ctx context.Context, q string, w io.Writer, format string) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		fds := rows.FieldDescriptions()
		var ew exportWriter
		switch format {
		case "csv":
			ew = &csvExport{w: bufio.NewWriterSize(w, 1<<16), fds: fds}
		case "json":
			ew = &jsonExport{w: bufio.NewWriterSize(w, 1<<16), fds: fds}
		case "parquet":
			ew, err = newParquetExport(w, fds)
			if err != nil {
				return err
			}
		}
		if err := ew.begin(); err != nil {
			return err
		}
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				return err
			}
			for i, v := range vals {
				vals[i] = duckValue(v)
			}
			if err := ew.row(vals); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return ew.end()
	})
}

type exportWriter interface {
	begin() error
	row(vals []any) error
	end() error
}

// duckFloat writes f as DuckDB casts a DOUBLE to VARCHAR (and writes it
// to CSV): the shortest representation that round-trips, with ".0" when
// integral, in scientific notation below 1e-4 and from 1e16 on; nan, inf,
// -inf.
func duckFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	e := exp10(f)
	if f != 0 && (e < -4 || e >= 16) {
		return strconv.FormatFloat(f, 'e', -1, 64)
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

// duckJSONFloat writes f as DuckDB's JSON writer does: plain from 1e-6 to
// below 1e21 (".0" when integral), else 1.5e300 or 2.5e-7; NaN, Infinity,
// -Infinity.
func duckJSONFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	e := exp10(f)
	if f != 0 && (e < -6 || e >= 21) {
		return strings.Replace(strconv.FormatFloat(f, 'e', -1, 64), "e+", "e", 1)
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	if strings.Contains(s, "e-0") {
		s = strings.Replace(s, "e-0", "e-", 1)
	}
	return s
}

// exp10 is the decimal exponent of f's shortest representation.
func exp10(f float64) int {
	s := strconv.FormatFloat(f, 'e', -1, 64)
	e, _ := strconv.Atoi(s[strings.IndexByte(s, 'e')+1:])
	return e
}

// duckTime writes a TIMESTAMP as DuckDB does (fractional seconds without
// trailing zeros).
func duckTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.999999") }

// duckList writes a list as DuckDB casts it to VARCHAR: [a, b], with
// elements that need it in single quotes, NULL for NULL.
func duckList(l []any) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, e := range l {
		if i > 0 {
			b.WriteString(", ")
		}
		switch x := e.(type) {
		case nil:
			b.WriteString("NULL")
		case string:
			if x == "" || strings.ContainsAny(x, ",'\"[]{}()\\") || strings.TrimSpace(x) != x || strings.EqualFold(x, "null") {
				b.WriteString("'" + strings.ReplaceAll(x, "'", "\\'") + "'")
			} else {
				b.WriteString(x)
			}
		default:
			b.WriteString(duckText(e))
		}
	}
	b.WriteByte(']')
	return b.String()
}

// cellText is the CSV text of a value of a column of type oid.
func cellText(v any, oid uint32) string {
	switch x := v.(type) {
	case time.Time:
		if oid == pgtype.DateOID {
			return x.Format(time.DateOnly)
		}
		return duckTime(x)
	case float32:
		return duckFloat(float64(x))
	case bool:
		return strconv.FormatBool(x)
	}
	return duckText(v)
}

type csvExport struct {
	w   *bufio.Writer
	fds []pgconn.FieldDescription
}

func csvField(w *bufio.Writer, s string, null bool) {
	switch {
	case null:
	case s == "" || strings.ContainsAny(s, ",\"\n\r"):
		w.WriteByte('"')
		w.WriteString(strings.ReplaceAll(s, `"`, `""`))
		w.WriteByte('"')
	default:
		w.WriteString(s)
	}
}

func (c *csvExport) begin() error {
	for i, f := range c.fds {
		if i > 0 {
			c.w.WriteByte(',')
		}
		csvField(c.w, f.Name, false)
	}
	return c.w.WriteByte('\n')
}

func (c *csvExport) row(vals []any) error {
	for i, v := range vals {
		if i > 0 {
			c.w.WriteByte(',')
		}
		csvField(c.w, cellText(v, c.fds[i].DataTypeOID), v == nil)
	}
	return c.w.WriteByte('\n')
}

func (c *csvExport) end() error { return c.w.Flush() }

type jsonExport struct {
	w    *bufio.Writer
	fds  []pgconn.FieldDescription
	keys []string
	n    int
}

func jsonString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

func jsonValue(v any, oid uint32) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case float64:
		return duckJSONFloat(x)
	case float32:
		return duckJSONFloat(float64(x))
	case string:
		return jsonString(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = jsonValue(e, 0)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case time.Time, bool:
		if _, ok := x.(bool); ok {
			return strconv.FormatBool(x.(bool))
		}
		return jsonString(cellText(x, oid))
	case int64, int32, int16:
		return fmt.Sprint(x)
	}
	return jsonString(fmt.Sprint(v))
}

func (j *jsonExport) begin() error {
	j.keys = make([]string, len(j.fds))
	for i, f := range j.fds {
		j.keys[i] = jsonString(f.Name) + ":"
	}
	_, err := j.w.WriteString("[\n")
	return err
}

func (j *jsonExport) row(vals []any) error {
	if j.n > 0 {
		j.w.WriteString(",\n")
	}
	j.n++
	j.w.WriteString("\t{")
	for i, v := range vals {
		if i > 0 {
			j.w.WriteByte(',')
		}
		j.w.WriteString(j.keys[i])
		j.w.WriteString(jsonValue(v, j.fds[i].DataTypeOID))
	}
	_, err := j.w.WriteString("}")
	return err
}

func (j *jsonExport) end() error {
	if j.n > 0 {
		j.w.WriteByte('\n')
	}
	j.w.WriteString("]\n")
	return j.w.Flush()
}

// parquetExport writes rows through a struct type made for the columns
// (a struct keeps the columns in order, a parquet group would sort them).
type parquetExport struct {
	pw   *parquet.Writer
	typ  reflect.Type
	fds  []pgconn.FieldDescription
	rows []any
}

func newParquetExport(w io.Writer, fds []pgconn.FieldDescription) (*parquetExport, error) {
	fields := make([]reflect.StructField, len(fds))
	for i, f := range fds {
		if strings.ContainsAny(f.Name, ",\"`") {
			return nil, fmt.Errorf("column %q: cannot name a parquet column so", f.Name)
		}
		var t reflect.Type
		tag := f.Name + ",optional"
		switch f.DataTypeOID {
		case pgtype.Float8OID, pgtype.NumericOID:
			t = reflect.TypeFor[*float64]()
		case pgtype.Float4OID:
			t = reflect.TypeFor[*float32]()
		case pgtype.Int8OID:
			t = reflect.TypeFor[*int64]()
		case pgtype.Int4OID, pgtype.Int2OID:
			t = reflect.TypeFor[*int32]()
		case pgtype.BoolOID:
			t = reflect.TypeFor[*bool]()
		case pgtype.TimestampOID, pgtype.TimestamptzOID:
			t, tag = reflect.TypeFor[*time.Time](), f.Name+",timestamp(microsecond:local)"
		case pgtype.DateOID:
			t, tag = reflect.TypeFor[*time.Time](), f.Name+",date"
		case pgtype.TextArrayOID, pgtype.VarcharArrayOID:
			t, tag = reflect.TypeFor[[]string](), f.Name+",optional,list"
		case pgtype.Float8ArrayOID:
			t, tag = reflect.TypeFor[[]float64](), f.Name+",optional,list"
		case pgtype.Int8ArrayOID:
			t, tag = reflect.TypeFor[[]int64](), f.Name+",optional,list"
		default:
			t = reflect.TypeFor[*string]()
		}
		fields[i] = reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: t, Tag: reflect.StructTag(`parquet:"` + tag + `"`)}
	}
	typ := reflect.StructOf(fields)
	var schema *parquet.Schema
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("parquet schema: %v", r)
			}
		}()
		schema = parquet.SchemaOf(reflect.New(typ).Elem().Interface())
		return nil
	}()
	if err != nil {
		return nil, err
	}
	return &parquetExport{pw: parquet.NewWriter(w, schema), typ: typ, fds: fds}, nil
}

func (p *parquetExport) begin() error { return nil }

func (p *parquetExport) row(vals []any) error {
	v := reflect.New(p.typ).Elem()
	for i, x := range vals {
		if x == nil {
			continue
		}
		f := v.Field(i)
		switch f.Type() {
		case reflect.TypeFor[*float64]():
			n := numOrNaN(x)
			f.Set(reflect.ValueOf(&n))
		case reflect.TypeFor[*float32]():
			n, _ := x.(float32)
			f.Set(reflect.ValueOf(&n))
		case reflect.TypeFor[*int64]():
			n, _ := x.(int64)
			f.Set(reflect.ValueOf(&n))
		case reflect.TypeFor[*int32]():
			var n int32
			switch y := x.(type) {
			case int32:
				n = y
			case int16:
				n = int32(y)
			}
			f.Set(reflect.ValueOf(&n))
		case reflect.TypeFor[*bool]():
			b := x == true
			f.Set(reflect.ValueOf(&b))
		case reflect.TypeFor[*time.Time]():
			t, _ := x.(time.Time)
			f.Set(reflect.ValueOf(&t))
		case reflect.TypeFor[[]string]():
			l, _ := x.([]any)
			out := make([]string, len(l))
			for k, e := range l {
				out[k] = duckText(e)
			}
			f.Set(reflect.ValueOf(out))
		case reflect.TypeFor[[]float64]():
			l, _ := x.([]any)
			out := make([]float64, len(l))
			for k, e := range l {
				out[k] = numOrNaN(e)
			}
			f.Set(reflect.ValueOf(out))
		case reflect.TypeFor[[]int64]():
			l, _ := x.([]any)
			out := make([]int64, len(l))
			for k, e := range l {
				out[k], _ = e.(int64)
			}
			f.Set(reflect.ValueOf(out))
		default:
			str := cellText(x, p.fds[i].DataTypeOID)
			f.Set(reflect.ValueOf(&str))
		}
	}
	p.rows = append(p.rows, v.Interface())
	if len(p.rows) >= 4096 {
		return p.flush()
	}
	return nil
}

func (p *parquetExport) flush() error {
	for _, r := range p.rows {
		if err := p.pw.Write(r); err != nil {
			return err
		}
	}
	p.rows = p.rows[:0]
	return nil
}

func (p *parquetExport) end() error {
	if err := p.flush(); err != nil {
		return err
	}
	return p.pw.Close()
}
