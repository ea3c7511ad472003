package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/antipersona/antipersona"
)

// newHandler returns the handler of opts.Kind (already validated).
func newHandler(file string, opts Options) handler {
	base := rowCtx{file: file, opts: opts, missing: missingFunc(opts.MissingValues)}
	switch opts.Kind {
	case antipersona.KindContacts:
		return &contactsHandler{rowCtx: base}
	case antipersona.KindEvents:
		return &eventsHandler{rowCtx: base}
	case antipersona.KindOrders:
		return &ordersHandler{rowCtx: base}
	case antipersona.KindCosts:
		return &costsHandler{rowCtx: base}
	case antipersona.KindTouches:
		return &touchesHandler{rowCtx: base}
	case antipersona.KindSurveyAnswers:
		return &surveysHandler{rowCtx: base}
	}
	panic("ingest: unknown kind " + string(opts.Kind))
}

// rowCtx holds what every handler needs to read fields and report problems.
type rowCtx struct {
	file    string
	opts    Options
	missing func(string) bool
	header  []string
	sampled int // good rows in the inference sample
}

// perr returns a row problem located at column i (or the row, for i < 0).
func (c *rowCtx) perr(r *row, i int, format string, args ...any) *antipersona.ParseError {
	e := &antipersona.ParseError{File: c.file, Line: r.line, Err: fmt.Errorf(format, args...)}
	if i >= 0 {
		e.Line, e.Column = r.pos(i)
		e.ColumnName = c.header[i]
	}
	return e
}

// value returns field i trimmed, or "" when i < 0 or the value is missing.
func (c *rowCtx) value(r *row, i int) string {
	if i < 0 || i >= len(r.fields) {
		return ""
	}
	v := strings.TrimSpace(r.fields[i])
	if c.missing(v) {
		return ""
	}
	return v
}

// sampleValues returns column i of the sampled rows.
func sampleValues(sample []*row, i int) []string {
	if i < 0 {
		return nil
	}
	out := make([]string, 0, len(sample))
	for _, r := range sample {
		if i < len(r.fields) {
			out = append(out, r.fields[i])
		}
	}
	return out
}

// timeCol parses a time column with the layout family chosen from the sample.
type timeCol struct {
	i int
	p *dateParser
}

func (c *rowCtx) newTimeCol(i int, sample []*row) timeCol {
	if i < 0 {
		return timeCol{i: -1}
	}
	p, _ := newDateParser(sampleValues(sample, i), c.missing, true)
	if p.family == dateNone {
		p.family = dateAny
	}
	return timeCol{i: i, p: p}
}

// get returns the time of r, zero when the column is absent or the value
// missing, or a row problem when the value is not a date.
func (c *rowCtx) getTime(r *row, tc timeCol) (time.Time, *antipersona.ParseError) {
	v := c.value(r, tc.i)
	if v == "" {
		return time.Time{}, nil
	}
	t, ok := tc.p.parse(v)
	if !ok {
		return time.Time{}, c.perr(r, tc.i, "column %q: %q is not a date (%s, chosen from the first %d rows)",
			c.header[tc.i], truncate(v, 40), tc.p.family, c.sampled)
	}
	return t, nil
}

// numCol parses a number column with the decimal separator chosen from the
// sample.
type numCol struct {
	i int
	p numberParser
}

func (c *rowCtx) newNumCol(i int, sample []*row) numCol {
	if i < 0 {
		return numCol{i: -1}
	}
	return numCol{i: i, p: newNumberParser(sampleValues(sample, i), c.missing)}
}

// getNum returns the number of r and whether it is present, or a row problem
// when the value is not a number.
func (c *rowCtx) getNum(r *row, nc numCol) (float64, bool, *antipersona.ParseError) {
	v := c.value(r, nc.i)
	if v == "" {
		return 0, false, nil
	}
	f, ok := nc.p.parse(v)
	if !ok {
		return 0, false, c.perr(r, nc.i, "column %q: %q is not a number", c.header[nc.i], truncate(v, 40))
	}
	return f, true, nil
}

// rowKeys derives the content keys of rows without a natural id: the hex
// SHA-256 (first 16 bytes) of the normalised fields, plus "#n" where n counts
// the earlier identical rows of the same file (from 0), so that ingesting
// the same file again gives the same keys.
type rowKeys struct {
	seen map[[16]byte]int
}

func (k *rowKeys) key(fields ...string) string {
	if k.seen == nil {
		k.seen = map[[16]byte]int{}
	}
	h := sha256.New()
	for _, f := range fields {
		h.Write([]byte(f))
		h.Write([]byte{0x1f})
	}
	var sum [16]byte
	copy(sum[:], h.Sum(nil))
	n := k.seen[sum]
	k.seen[sum] = n + 1
	return hex.EncodeToString(sum[:]) + "#" + strconv.Itoa(n)
}

// timeKey is the normalised form of a time in content keys.
func timeKey(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// numKey is the normalised form of a number in content keys.
func numKey(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// foldSet is a set of strings compared case-insensitively after trimming.
type foldSet map[string]bool

func newFoldSet(vals []string) foldSet {
	s := foldSet{}
	for _, v := range vals {
		s[strings.ToLower(strings.TrimSpace(v))] = true
	}
	return s
}

func (s foldSet) has(v string) bool { return s[strings.ToLower(strings.TrimSpace(v))] }
