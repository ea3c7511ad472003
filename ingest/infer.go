package ingest

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/antipersona/antipersona"
)

// DefaultMissingValues are the placeholders that mean "no value" when
// Options.MissingValues is nil. They are compared with the trimmed value;
// NA, N/A, null, None and nan also match in any case.
var DefaultMissingValues = []string{"", "NA", "N/A", "n/a", "null", "NULL", "None", "nan", "NaN", "Select", "-", "?"}

// missingFunc returns the predicate "v is a missing value" for the given
// placeholders (nil means DefaultMissingValues). The empty string is always
// missing.
func missingFunc(placeholders []string) func(string) bool {
	if placeholders == nil {
		placeholders = DefaultMissingValues
	}
	exact := map[string]bool{"": true}
	fold := map[string]bool{}
	for _, p := range placeholders {
		p = strings.TrimSpace(p)
		exact[p] = true
		switch l := strings.ToLower(p); l {
		case "na", "n/a", "null", "none", "nan":
			fold[l] = true
		}
	}
	return func(v string) bool {
		v = strings.TrimSpace(v)
		if exact[v] {
			return true
		}
		if len(fold) > 0 && len(v) <= 4 {
			return fold[strings.ToLower(v)]
		}
		return false
	}
}

// boolValue parses the boolean spellings antipersona accepts: true/false,
// yes/no, y/n, t/f, 1/0, tak/nie, có/không, in any case.
func boolValue(s string) (v, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "y", "t", "1", "tak", "có", "co":
		return true, true
	case "false", "no", "n", "f", "0", "nie", "không", "khong":
		return false, true
	}
	return false, false
}

// numberParser parses the numbers of one column.
type numberParser struct {
	// comma accepts a decimal comma ("12,50"); set when no sampled value of
	// the column has a '.'.
	comma bool
}

// parse parses s after trimming. Spaces between digit groups ("1 234,56",
// also no-break and thin spaces) are dropped. NaN and infinities are not
// numbers.
func (p numberParser) parse(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	// Fast path: plain ASCII number.
	plain := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			plain = false
			break
		}
	}
	if !plain {
		var b strings.Builder
		b.Grow(len(s))
		commas := 0
		for _, r := range s {
			switch {
			case r >= '0' && r <= '9', r == '.', r == '-', r == '+', r == 'e', r == 'E':
				b.WriteRune(r)
			case r == ',' && p.comma:
				commas++
				b.WriteByte('.')
			case r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009':
				// thousands separator: only between digits
			default:
				return 0, false
			}
		}
		if commas > 1 || !spacesBetweenDigits(s) {
			return 0, false
		}
		s = b.String()
	}
	// Require at least one digit and no stray exponent letters alone.
	if !strings.ContainsAny(s, "0123456789") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// spacesBetweenDigits reports whether every space in s sits between two
// digits (a thousands separator) rather than splitting words or signs.
func spacesBetweenDigits(s string) bool {
	var prev rune
	pendingSpace := false
	for _, r := range s {
		isSpace := r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009'
		if isSpace {
			if pendingSpace || !(prev >= '0' && prev <= '9') {
				return false
			}
			pendingSpace = true
			continue
		}
		if pendingSpace && !(r >= '0' && r <= '9') {
			return false
		}
		pendingSpace = false
		prev = r
	}
	return !pendingSpace
}

// newNumberParser picks the decimal separator of a column from sampled
// values: a decimal comma is accepted when no sampled value has a '.'.
func newNumberParser(values []string, missing func(string) bool) numberParser {
	comma := false
	for _, v := range values {
		if missing(v) {
			continue
		}
		if strings.Contains(v, ".") {
			return numberParser{}
		}
		if strings.Contains(v, ",") {
			comma = true
		}
	}
	return numberParser{comma: comma}
}

// dateFamily is a family of date layouts (see the package documentation).
type dateFamily int

const (
	dateNone dateFamily = iota
	dateISO
	dateDMY
	dateMDY
	dateUnix
	dateAny // no sampled value to choose from: ISO, then day-first, month-first, unix
)

// String describes the family for messages.
func (f dateFamily) String() string {
	switch f {
	case dateISO:
		return "expected ISO dates like 2006-01-02 or 2006-01-02T15:04:05Z"
	case dateDMY:
		return "expected day-first dates like 02.01.2006 or 02/01/2006"
	case dateMDY:
		return "expected month-first dates like 01/02/2006"
	case dateUnix:
		return "expected unix seconds"
	case dateAny:
		return "expected a date like 2006-01-02"
	}
	return "no date format fits"
}

var isoLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05.999999999 -0700",
	"2006-01-02 15:04:05.999999999 -0700 MST",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02",
	"2006/01/02 15:04:05",
	"2006/01/02 15:04",
}

var dmyLayouts = dateLayouts("2", "1")
var mdyLayouts = dateLayouts("1", "2")

func dateLayouts(first, second string) []string {
	var out []string
	for _, sep := range []string{".", "/", "-"} {
		d := first + sep + second + sep + "2006"
		out = append(out, d, d+" 15:04:05", d+" 15:04", d+" 15:04:05.999999999")
	}
	return out
}

// dateParser parses the dates of one column.
type dateParser struct {
	family dateFamily
	last   int // index of the layout that parsed the previous value
}

func (p *dateParser) parse(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	switch p.family {
	case dateISO:
		return p.parseLayouts(s, isoLayouts)
	case dateDMY:
		return p.parseLayouts(s, dmyLayouts)
	case dateMDY:
		return p.parseLayouts(s, mdyLayouts)
	case dateUnix:
		return parseUnix(s)
	case dateAny:
		for _, f := range []dateFamily{dateISO, dateDMY, dateMDY, dateUnix} {
			q := dateParser{family: f}
			if t, ok := q.parse(s); ok {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

func (p *dateParser) parseLayouts(s string, layouts []string) (time.Time, bool) {
	if len(s) < 8 || len(s) > 64 || s[0] < '0' || s[0] > '9' {
		return time.Time{}, false
	}
	if p.last < len(layouts) {
		if t, err := time.Parse(layouts[p.last], s); err == nil {
			return t.UTC(), true
		}
	}
	for i, l := range layouts {
		if i == p.last {
			continue
		}
		if t, err := time.Parse(l, s); err == nil {
			p.last = i
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// parseUnix parses seconds since the epoch (optionally with a fraction), or
// milliseconds for a 13-digit integer.
func parseUnix(s string) (time.Time, bool) {
	if s == "" || len(s) > 20 {
		return time.Time{}, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' && i == 0) {
			return time.Time{}, false
		}
	}
	if len(s) == 13 && !strings.ContainsAny(s, ".-") {
		ms, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		return time.UnixMilli(ms).UTC(), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.Abs(f) > 1e11 {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e9))).UTC(), true
}

// newDateParser chooses the date family of a column from its sampled
// values. With unix set, integer values may be epoch seconds (for time
// columns such as an event's timestamp; never for traits, where an integer
// is a number). It returns the parser and the number of non-missing sampled
// values it could not parse; the parser's family is dateNone when no family
// parses any value.
func newDateParser(values []string, missing func(string) bool, unix bool) (*dateParser, int) {
	families := []dateFamily{dateISO, dateDMY, dateMDY}
	if unix {
		families = append(families, dateUnix)
	}
	fails := make([]int, len(families))
	ok := make([]int, len(families))
	n := 0
	var sep byte
	for _, v := range values {
		if missing(v) {
			continue
		}
		n++
		if sep == 0 {
			sep = dateSeparator(v)
		}
		for i, f := range families {
			p := dateParser{family: f}
			if _, good := p.parse(v); good {
				ok[i]++
			} else {
				fails[i]++
			}
		}
	}
	best := -1
	for i, f := range families {
		if ok[i] == 0 {
			continue
		}
		if best < 0 || fails[i] < fails[best] {
			best = i
			continue
		}
		// Tie between day-first and month-first: the separator decides.
		if fails[i] == fails[best] && families[best] == dateDMY && f == dateMDY && sep == '/' {
			best = i
		}
	}
	if best < 0 {
		return &dateParser{family: dateNone}, n
	}
	return &dateParser{family: families[best]}, fails[best]
}

// allDates reports whether one date family parses every non-missing value
// (and there is at least one). It stops at the first value no family parses.
func allDates(values []string, missing func(string) bool) bool {
	alive := []dateFamily{dateISO, dateDMY, dateMDY}
	n := 0
	for _, v := range values {
		if missing(v) {
			continue
		}
		n++
		kept := alive[:0]
		for _, f := range alive {
			p := dateParser{family: f}
			if _, ok := p.parse(v); ok {
				kept = append(kept, f)
			}
		}
		alive = kept
		if len(alive) == 0 {
			return false
		}
	}
	return n > 0
}

// dateSeparator returns the first of '.', '/', '-' in s, or 0.
func dateSeparator(s string) byte {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '.', '/', '-':
			return s[i]
		}
	}
	return 0
}

// InferType infers the type of a trait from sampled values. Values for which
// missing reports true are ignored (nil missing means DefaultMissingValues).
// The first rule that holds for every non-missing value wins:
//
//   - boolean: true/false, yes/no, y/n, t/f, 1/0, tak/nie, có/không (any case;
//     so a 0/1 column is boolean);
//   - number: a decimal number (a decimal comma is accepted when no value
//     has a '.'; thousands may be separated by spaces);
//   - date: one family of date layouts parses them all (see the package
//     documentation);
//   - multi: some value contains '|';
//   - text: free text, i.e. mostly distinct (at least half of the values
//     distinct), long (mean length at least 20 characters) and with spaces
//     (at least half of the values contain one);
//   - category otherwise, also when every value is missing.
//
// Personal names (TraitIdentifier) are recognised by the column name, not
// here.
func InferType(values []string, missing func(string) bool) antipersona.TraitType {
	if missing == nil {
		missing = missingFunc(nil)
	}
	n := 0
	isBool, isNum, hasPipe := true, true, false
	np := newNumberParser(values, missing)
	distinct := map[string]struct{}{}
	withSpace, totalLen := 0, 0
	for _, v := range values {
		if missing(v) {
			continue
		}
		n++
		v = strings.TrimSpace(v)
		if isBool {
			_, isBool = boolValue(v)
		}
		if isNum {
			_, isNum = np.parse(v)
		}
		if strings.Contains(v, "|") {
			hasPipe = true
		}
		distinct[v] = struct{}{}
		if strings.ContainsRune(v, ' ') {
			withSpace++
		}
		totalLen += utf8.RuneCountInString(v)
	}
	switch {
	case n == 0:
		return antipersona.TraitCategory
	case isBool:
		return antipersona.TraitBoolean
	case isNum:
		return antipersona.TraitNumber
	}
	if allDates(values, missing) {
		return antipersona.TraitDate
	}
	switch {
	case hasPipe:
		return antipersona.TraitMulti
	case 2*len(distinct) >= n && totalLen >= 20*n && 2*withSpace >= n:
		return antipersona.TraitText
	}
	return antipersona.TraitCategory
}
