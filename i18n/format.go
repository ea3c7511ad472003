package i18n

import (
	"math"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/currency"
)

// format holds the CLDR (v46) number and date conventions of a language.
type format struct {
	decimal, group string
	// minGroup is CLDR's minimumGroupingDigits: pl writes 1234 but 12 345.
	minGroup int
	// moneyPrefix puts the currency before the amount ("$1.50", en) instead
	// of after it with a no-break space ("1,50 zł").
	moneyPrefix bool
	symbols     map[string]string // ISO 4217 code -> symbol; others print the code
	date        func(t time.Time) string
	dateTime    func(date string, t time.Time) string // date is the formatted date of t
}

const nbsp = "\u00a0"

var (
	enMonths = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	// Polish dates use the genitive month: "2 marca 2026".
	plMonths = []string{"stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września", "października", "listopada", "grudnia"}
	kaMonths = []string{"იანვარი", "თებერვალი", "მარტი", "აპრილი", "მაისი", "ივნისი", "ივლისი", "აგვისტო", "სექტემბერი", "ოქტომბერი", "ნოემბერი", "დეკემბერი"}
)

func hm(t time.Time) string { return t.Format("15:04") + " " + t.Format("MST") }

var formats = map[string]*format{
	"en": {decimal: ".", group: ",", minGroup: 1, moneyPrefix: true,
		symbols: map[string]string{"USD": "$", "EUR": "€", "GBP": "£"},
		date: func(t time.Time) string {
			return enMonths[t.Month()-1] + " " + strconv.Itoa(t.Day()) + ", " + strconv.Itoa(t.Year())
		},
		dateTime: func(date string, t time.Time) string { return date + ", " + t.Format("3:04 PM MST") }},
	"pl": {decimal: ",", group: nbsp, minGroup: 2,
		symbols: map[string]string{"PLN": "zł", "EUR": "€"},
		date: func(t time.Time) string {
			return strconv.Itoa(t.Day()) + " " + plMonths[t.Month()-1] + " " + strconv.Itoa(t.Year())
		},
		dateTime: func(date string, t time.Time) string { return date + ", " + hm(t) }},
	"vi": {decimal: ",", group: ".", minGroup: 1,
		symbols: map[string]string{"VND": "₫", "EUR": "€", "USD": "US$"},
		date: func(t time.Time) string {
			return strconv.Itoa(t.Day()) + " tháng " + strconv.Itoa(int(t.Month())) + ", " + strconv.Itoa(t.Year())
		},
		// CLDR vi puts the time first: "14:05, 2 tháng 3, 2026".
		dateTime: func(date string, t time.Time) string { return hm(t) + ", " + date }},
	"ka": {decimal: ",", group: nbsp, minGroup: 1,
		symbols: map[string]string{"GEL": "₾", "EUR": "€", "USD": "US$"},
		date: func(t time.Time) string {
			return strconv.Itoa(t.Day()) + " " + kaMonths[t.Month()-1] + ", " + strconv.Itoa(t.Year())
		},
		dateTime: func(date string, t time.Time) string { return date + ", " + hm(t) }},
}

// Number formats v with exactly decimals digits after the decimal separator
// (rounded to the nearest, an exact binary half to even as strconv does;
// decimals < 0 counts as 0), with the
// language's separators: 1234567.5 is "1,234,567.50" in en, "1 234 567,50"
// in pl and ka (no-break spaces), "1.234.567,50" in vi. Polish leaves
// four-digit integers ungrouped ("1234,50"), as CLDR prescribes. NaN and
// infinities print as "–". A result that rounds to zero has no minus sign.
func (l *Localizer) Number(v float64, decimals int) string {
	return l.f.number(v, decimals)
}

// Int formats an integer with the language's grouping ("12 345" in pl).
func (l *Localizer) Int(n int) string { return l.f.number(float64(n), 0) }

// Value formats a measured value with as many decimals as people need:
// none for whole numbers, two from 1 in magnitude up, three significant
// digits (trailing zeros dropped) below 1: 40, 5 220.50, 0.125, 0.5. NaN
// prints "–".
func (l *Localizer) Value(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return l.Number(v, 0)
	case math.Abs(v) >= 1:
		return l.Number(v, 2)
	}
	d := 2 - int(math.Floor(math.Log10(math.Abs(v))))
	r := func(d int) float64 { p := math.Pow(10, float64(d)); return math.Round(v*p) / p }
	for d > 0 && r(d-1) == r(d) {
		d--
	}
	return l.Number(v, d)
}

func (f *format) number(v float64, decimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	if decimals < 0 {
		decimals = 0
	}
	neg := v < 0
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	if neg && strings.Trim(intPart+frac, "0") == "" {
		neg = false
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	if len(intPart) >= 3+f.minGroup {
		first := len(intPart) % 3
		if first == 0 {
			first = 3
		}
		b.WriteString(intPart[:first])
		for i := first; i < len(intPart); i += 3 {
			b.WriteString(f.group)
			b.WriteString(intPart[i : i+3])
		}
	} else {
		b.WriteString(intPart)
	}
	if frac != "" {
		b.WriteString(f.decimal)
		b.WriteString(frac)
	}
	return b.String()
}

// Percent formats a ratio (0.125 means 12.5 %) as a percentage with
// decimals digits: "12.5%" in en, "12,5%" in pl, vi and ka (CLDR writes no
// space before the sign in any of the four).
func (l *Localizer) Percent(ratio float64, decimals int) string {
	if math.IsNaN(ratio) || math.IsInf(ratio, 0) {
		return "–"
	}
	return l.f.number(ratio*100, decimals) + "%"
}

// Money formats amount in the currency with ISO 4217 code (case-insensitive)
// using the currency's standard number of decimals (2 for PLN, 0 for VND):
// "PLN 1,234.50" and "$1,234.50" in en, "1234,50 zł" in pl, "1.234.500 ₫"
// in vi, "1 234,50 ₾" in ka. The local currency of each language and a few
// common ones print as symbols, the rest as their code. An empty or unknown
// code prints the amount with 2 decimals followed by the code as given.
func (l *Localizer) Money(amount float64, code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	decimals := 2
	if u, err := currency.ParseISO(code); err == nil {
		decimals, _ = currency.Standard.Rounding(u)
	}
	n := l.f.number(amount, decimals)
	if code == "" {
		return n
	}
	sym, ok := l.f.symbols[code]
	if !ok {
		sym = code
	}
	if l.f.moneyPrefix {
		neg := strings.HasPrefix(n, "-")
		n = strings.TrimPrefix(n, "-")
		sep := ""
		if !ok {
			sep = nbsp
		}
		s := sym + sep + n
		if neg {
			s = "-" + s
		}
		return s
	}
	return n + nbsp + sym
}

// Date formats the calendar date of t (in t's location) in the language's
// long form: "March 2, 2026", "2 marca 2026", "2 tháng 3, 2026",
// "2 მარტი, 2026". The zero time formats as "–".
func (l *Localizer) Date(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return l.f.date(t)
}

// DateTime formats t (in t's location) as its long date with the time of
// day and the zone abbreviation: "March 2, 2026, 2:05 PM UTC" in en, a
// 24-hour clock in pl, vi and ka. The zero time formats as "–".
func (l *Localizer) DateTime(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return l.f.dateTime(l.f.date(t), t)
}
