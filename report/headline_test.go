package report

import (
	"bytes"
	"errors"
	"html"
	"strings"
	"testing"

	"github.com/antipersona/antipersona/i18n"
)

// TestHeadline writes conditions in each language; the expected texts are
// the catalogs' patterns filled by hand, numbers in each language's CLDR
// format (decimal comma in pl, vi and ka).
func TestHeadline(t *testing.T) {
	conds := []Condition{
		{Attribute: "age", Op: ">=", Value: 40.0},
		{Attribute: "income", Op: "<", Value: 5220.5},
		{Attribute: "city", Op: "=", Value: "Kraków"},
		{Attribute: "interests", Op: "in", Value: []any{"fashion", "beauty"}},
		{Attribute: "job", Op: "is_missing"},
	}
	want := map[string]string{
		"en": "age 40 or more, income under 5,220.50, city: Kraków, interests: fashion / beauty, no job",
		"pl": "age co najmniej 40, income poniżej 5220,50, city: Kraków, interests: fashion / beauty, brak: job",
		"vi": "age từ 40 trở lên, income dưới 5.220,50, city: Kraków, interests: fashion / beauty, không có job",
		"ka": "age არანაკლებ 40, income 5\u00a0220,50-ზე ნაკლები, city: Kraków, interests: fashion / beauty, job არ არის მითითებული",
	}
	for _, lang := range i18n.Supported() {
		got, err := Headline(lang, conds)
		if err != nil {
			t.Fatal(err)
		}
		if got != want[lang] {
			t.Errorf("%s:\n got %q\nwant %q", lang, got, want[lang])
		}
	}
	if got, _ := Headline("en", []Condition{{Attribute: "share", Op: "<", Value: 0.125}}); got != "share under 0.125" {
		t.Errorf("small number: %q", got)
	}
	var ue *i18n.UnsupportedError
	if _, err := Headline("de", conds); !errors.As(err, &ue) {
		t.Errorf("de: err = %v, want *i18n.UnsupportedError", err)
	}
}

// TestWorksheetGroup: the data's answer to a worksheet question is written
// in the report's language from its group (by hand from the catalogs).
func TestWorksheetGroup(t *testing.T) {
	d := &Data{Worksheet: []WorksheetAnswer{{Question: "effort", Contacts: 90, Share: 0.07,
		Group: &WorksheetGroup{Conditions: []Condition{{Attribute: "lead_source", Op: "=", Value: "marketplace"}}, Size: 38, Rate: 0.89, BaseRate: 0.13}}}}
	want := map[string]string{
		"en": "lead_source: marketplace: 89.0% of them against 13.0% of everyone (38 contacts)",
		"pl": "lead_source: marketplace: 89,0% z nich wobec 13,0% wszystkich (38 kontaktów)",
	}
	for lang, w := range want {
		var buf bytes.Buffer
		if err := Sections(&buf, d, lang, "worksheet"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(html.UnescapeString(buf.String()), w) {
			t.Errorf("%s: no %q in\n%s", lang, w, buf.String())
		}
	}
}
