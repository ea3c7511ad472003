package i18n

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
)

// pluralForms are the CLDR cardinal plural categories of each language, as
// in the plurals.xml that go-i18n v2.7.0 generates its rules from (CLDR
// 2025). Vietnamese has "one" there (i = 0 or n = 1) although its nouns do
// not inflect: its catalog gives both forms the same text.
var pluralForms = map[string][]string{
	"en": {"one", "other"},
	"pl": {"one", "few", "many", "other"},
	"vi": {"one", "other"},
	"ka": {"one", "other"},
}

// sameAsEnglish lists the texts that may equal the English ones: symbols,
// abbreviations and loanwords that the language uses as they are.
var sameAsEnglish = map[string][]string{
	"*":  {"col.roi", "segment.kind.rfm", "persona.lift_value", "changes.cell", "headline.eq", "headline.in", "audiences.format.json", "audiences.format.parquet", "audiences.format.google", "builds.trigger.api"},
	"pl": {"col.segment", "col.persona", "col.lift", "persona.lift", "lifecycle.lead", "ui.persona.op", "role.admin", "audiences.format"},
}

func forms(m Message) map[string]string {
	out := map[string]string{}
	for k, v := range map[string]string{"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many, "other": m.Other} {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func placeholders(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestCatalogsComplete fails on any id of en.json that another catalog lacks
// or leaves empty, on any id that en.json lacks, on a plural message without
// every CLDR category of its language, on a text identical to English that
// is not in sameAsEnglish, and on placeholders that differ from English.
func TestCatalogsComplete(t *testing.T) {
	en, err := Messages("en")
	if err != nil {
		t.Fatal(err)
	}
	if len(en) < 100 {
		t.Fatalf("en has %d messages, want the whole catalog", len(en))
	}
	enByID := map[string]Message{}
	for _, m := range en {
		enByID[m.ID] = m
	}
	for _, lang := range Supported() {
		t.Run(lang, func(t *testing.T) {
			msgs, err := Messages(lang)
			if err != nil {
				t.Fatal(err)
			}
			byID := map[string]Message{}
			for _, m := range msgs {
				byID[m.ID] = m
				if _, ok := enByID[m.ID]; !ok {
					t.Errorf("%s: extra id %q (not in en.json)", lang, m.ID)
				}
			}
			allowed := append(slices.Clone(sameAsEnglish["*"]), sameAsEnglish[lang]...)
			for _, e := range en {
				m, ok := byID[e.ID]
				if !ok {
					t.Errorf("%s: missing id %q", lang, e.ID)
					continue
				}
				ef, f := forms(e), forms(m)
				if len(f) == 0 {
					t.Errorf("%s: %q is empty", lang, e.ID)
					continue
				}
				if len(ef) > 1 || ef["other"] == "" { // a plural message
					for _, cat := range pluralForms[lang] {
						if strings.TrimSpace(f[cat]) == "" {
							t.Errorf("%s: plural %q has no %q form", lang, e.ID, cat)
						}
					}
				} else if strings.TrimSpace(m.Other) == "" {
					t.Errorf("%s: %q is empty", lang, e.ID)
				}
				if lang != "en" && m.Other == e.Other && !slices.Contains(allowed, e.ID) {
					t.Errorf("%s: %q is the English text %q", lang, e.ID, e.Other)
				}
				want := placeholders(e.Other)
				for cat, s := range f {
					if got := placeholders(s); !slices.Equal(got, want) {
						t.Errorf("%s: %q (%s) has placeholders %v, English has %v", lang, e.ID, cat, got, want)
					}
				}
			}
		})
	}
}

func TestPlural(t *testing.T) {
	tests := []struct {
		lang string
		n    int
		want string
	}{
		// Polish: one for 1; few for 2-4, 22-24, ... but not 12-14; many otherwise.
		{"pl", 0, "0 kontaktów"},
		{"pl", 1, "1 kontakt"},
		{"pl", 2, "2 kontakty"},
		{"pl", 4, "4 kontakty"},
		{"pl", 5, "5 kontaktów"},
		{"pl", 12, "12 kontaktów"},
		{"pl", 22, "22 kontakty"},
		{"pl", 1234, "1234 kontakty"},
		{"pl", 12345, "12\u00a0345 kontaktów"},
		{"en", 1, "1 contact"},
		{"en", 2, "2 contacts"},
		{"en", 0, "0 contacts"},
		{"en", 1240, "1,240 contacts"},
		// Georgian nouns stay singular after a numeral.
		{"ka", 1, "1 კონტაქტი"},
		{"ka", 5, "5 კონტაქტი"},
		// Vietnamese has no plural inflection.
		{"vi", 1, "1 liên hệ"},
		{"vi", 21, "21 liên hệ"},
		{"vi", 1240, "1.240 liên hệ"},
	}
	for _, tt := range tests {
		l := MustNew(tt.lang)
		if got := l.Plural("count.contacts", tt.n, nil); got != tt.want {
			t.Errorf("%s Plural(count.contacts, %d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
		if err := l.Err(); err != nil {
			t.Errorf("%s: %v", tt.lang, err)
		}
	}
	if got := MustNew("pl").Plural("count.personas", 3, nil); got != "3 persony" {
		t.Errorf("pl 3 personas = %q", got)
	}
}

func TestT(t *testing.T) {
	l := MustNew("pl")
	if got, want := l.T("action.organic_only", nil), "Tylko organicznie"; got != want {
		t.Errorf("T = %q, want %q", got, want)
	}
	if got, want := l.T("report.title", map[string]any{"Workspace": "<Sklep>"}), "Raport person zakupowych: <Sklep>"; got != want {
		t.Errorf("T with data = %q, want %q (T does not escape: the caller's template does)", got, want)
	}
	if err := l.Err(); err != nil {
		t.Fatal(err)
	}
	if !l.Has("reason.first_purchase") || l.Has("reason.no_such_code") {
		t.Error("Has is wrong")
	}
	if got := l.T("no.such.id", nil); got != "no.such.id" {
		t.Errorf("missing id gives %q, want the id", got)
	}
	var me *MissingError
	if err := l.Err(); !errors.As(err, &me) || !slices.Equal(me.IDs, []string{"no.such.id"}) || me.Lang != "pl" {
		t.Errorf("Err = %v, want the missing id", err)
	}
}

func TestNewUnsupported(t *testing.T) {
	var ue *UnsupportedError
	if _, err := New("de"); !errors.As(err, &ue) {
		t.Errorf("New(de) = %v, want *UnsupportedError", err)
	}
}

func TestMatch(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "en"},
		{"pl", "pl"},
		{"pl-PL,pl;q=0.9,en-US;q=0.8,en;q=0.7", "pl"},
		{"vi-VN", "vi"},
		{"ka-GE,ka;q=0.9", "ka"},
		{"ru-RU,ka;q=0.5", "ka"},
		{"de-DE", "en"},
		{"en-GB", "en"},
		{"!!not a header", "en"},
	}
	for _, tt := range tests {
		if got := Match(tt.in); got != tt.want {
			t.Errorf("Match(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// The expected strings follow CLDR 46 (decimal and group symbols,
// minimumGroupingDigits, currency patterns and symbols, date patterns).
func TestFormat(t *testing.T) {
	when := time.Date(2026, time.March, 2, 14, 5, 0, 0, time.UTC)
	tests := []struct {
		lang                          string
		number, neg, small, pct, date string
		pln, vnd, gel, usd, dateTime  string
	}{
		{"en", "1,234,567.50", "-1,234.50", "1,234", "12.5%", "March 2, 2026",
			"PLN\u00a01,234.50", "VND\u00a01,234,568", "GEL\u00a01,234.50", "$1,234.50", "March 2, 2026, 2:05 PM UTC"},
		{"pl", "1\u00a0234\u00a0567,50", "-1234,50", "1234", "12,5%", "2 marca 2026",
			"1234,50\u00a0zł", "1\u00a0234\u00a0568\u00a0VND", "1234,50\u00a0GEL", "1234,50\u00a0USD", "2 marca 2026, 14:05 UTC"},
		{"vi", "1.234.567,50", "-1.234,50", "1.234", "12,5%", "2 tháng 3, 2026",
			"1.234,50\u00a0PLN", "1.234.568\u00a0₫", "1.234,50\u00a0GEL", "1.234,50\u00a0US$", "14:05 UTC, 2 tháng 3, 2026"},
		{"ka", "1\u00a0234\u00a0567,50", "-1\u00a0234,50", "1\u00a0234", "12,5%", "2 მარტი, 2026",
			"1\u00a0234,50\u00a0PLN", "1\u00a0234\u00a0568\u00a0VND", "1\u00a0234,50\u00a0₾", "1\u00a0234,50\u00a0US$", "2 მარტი, 2026, 14:05 UTC"},
	}
	for _, tt := range tests {
		l := MustNew(tt.lang)
		check := func(what, got, want string) {
			t.Helper()
			if got != want {
				t.Errorf("%s %s = %q, want %q", tt.lang, what, got, want)
			}
		}
		check("Number", l.Number(1234567.5, 2), tt.number)
		check("Number(neg)", l.Number(-1234.5, 2), tt.neg)
		check("Int", l.Int(1234), tt.small)
		check("Percent", l.Percent(0.125, 1), tt.pct)
		check("Date", l.Date(when), tt.date)
		check("DateTime", l.DateTime(when), tt.dateTime)
		check("Money PLN", l.Money(1234.5, "PLN"), tt.pln)
		check("Money VND", l.Money(1234567.8, "vnd"), tt.vnd)
		check("Money GEL", l.Money(1234.5, "GEL"), tt.gel)
		check("Money USD", l.Money(1234.5, "USD"), tt.usd)
	}
	en := MustNew("en")
	for _, c := range []struct{ got, want string }{
		{en.Number(-0.0004, 2), "0.00"},
		{en.Number(0.5, 0), "0"}, // exact halves to even
		{en.Number(1.5, 0), "2"},
		{en.Number(0.126, 2), "0.13"},
		{en.Number(999.995, 2), "1,000.00"},
		{en.Money(-12, "USD"), "-$12.00"},
		{en.Money(5, ""), "5.00"},
		{en.Money(5, "XYZ"), "XYZ\u00a05.00"},
		{en.Date(time.Time{}), "–"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func ExampleLocalizer() {
	l := MustNew(Match("pl-PL,pl;q=0.9,en;q=0.5"))
	fmt.Println(l.T("action.exclude", nil))
	fmt.Println(l.Plural("count.contacts", 22, nil))
	fmt.Printf("%q\n", l.Money(12345.5, "PLN")) // no-break spaces
	fmt.Println(l.Percent(0.213, 1))
	// Output:
	// Wykluczenie
	// 22 kontakty
	// "12\u00a0345,50\u00a0zł"
	// 21,3%
}

// TestReasonCodes: every reason code a decision or a change can carry has
// its wording in every language, as do the actions.
func TestReasonCodes(t *testing.T) {
	for _, lang := range Supported() {
		l := MustNew(lang)
		for _, c := range antipersona.ReasonCodes {
			if !l.Has("reason." + c) {
				t.Errorf("%s: no reason.%s", lang, c)
			}
		}
		for _, a := range antipersona.Actions {
			if !l.Has("action." + string(a)) {
				t.Errorf("%s: no action.%s", lang, a)
			}
		}
	}
}

// TestValue: measured values with the decimals they need, by hand.
func TestValue(t *testing.T) {
	for _, c := range []struct {
		lang string
		v    float64
		want string
	}{
		{"en", 40, "40"}, {"en", 5220.5, "5,220.50"}, {"en", 0.125, "0.125"}, {"en", 0.5, "0.5"}, {"en", -0.0333333, "-0.0333"},
		{"pl", 5220.5, "5220,50"}, {"pl", 0.25, "0,25"}, {"vi", 1234567, "1.234.567"}, {"ka", 12345.678, "12\u00a0345,68"},
		{"en", math.NaN(), "–"},
	} {
		if got := MustNew(c.lang).Value(c.v); got != c.want {
			t.Errorf("%s Value(%v) = %q, want %q", c.lang, c.v, got, c.want)
		}
	}
}
