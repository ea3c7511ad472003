package config

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/antipersona/antipersona/segments"
)

func TestTemplateIsDefault(t *testing.T) {
	got, err := Parse(strings.NewReader(Template))
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	// yaml decodes an empty flow mapping as an empty, non-nil map.
	if len(got.Ingest.Columns) != 0 || len(got.Contacts.Traits) != 0 {
		t.Fatalf("template has mappings: %+v %+v", got.Ingest.Columns, got.Contacts.Traits)
	}
	got.Ingest.Columns, got.Contacts.Traits = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("template differs from Default():\n got %+v\nwant %+v", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown key", "curency: PLN\n", "field curency not found"},
		{"currency", "currency: zloty\n", "currency"},
		{"date", "reference_date: 2024-13-01\n", "reference_date"},
		{"locale", "locale: de\n", "locale"},
		{"trait type", "contacts:\n  traits:\n    age: {type: integer}\n", "contacts.traits.age.type"},
		{"dimension", "contacts:\n  traits:\n    age: {dimension: cosmic}\n", "contacts.traits.age.dimension"},
		{"margin", "features:\n  default_margin_rate: 1.5\n", "features.default_margin_rate"},
		{"rfm", "thresholds:\n  rfm_levels: 7\n", "thresholds.rfm_levels"},
		{"columns kind", "ingest:\n  columns:\n    sales: {order: x}\n", "ingest.columns.sales"},
		{"weight", "features:\n  engagement_weights:\n    likes: 1\n", "engagement_weights.likes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestParseOverrides(t *testing.T) {
	c, err := Parse(strings.NewReader("currency: VND\nthresholds:\n  rfm_levels: 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Currency != "VND" || c.Thresholds.RFMLevels != 3 || c.Thresholds.ActiveDays != 90 {
		t.Errorf("got %+v", c)
	}
}

func TestAsOf(t *testing.T) {
	c := Default()
	now := time.Date(2026, 11, 23, 15, 4, 5, 0, time.UTC)
	got, _ := c.AsOf("", now)
	if want := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("today: got %v want %v", got, want)
	}
	c.ReferenceDate = "2025-06-30"
	got, _ = c.AsOf("", now)
	if want := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("reference: got %v", got)
	}
	got, _ = c.AsOf("2011-12-10", now)
	if want := time.Date(2011, 12, 10, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("override: got %v", got)
	}
	if _, err := c.AsOf("10/12/2011", now); err == nil {
		t.Error("bad date accepted")
	}
}

// TestSegmentDefaults: the default configuration's segment parameters are
// the ones docs/segments.md is generated from.
func TestSegmentDefaults(t *testing.T) {
	c := Default()
	if got, want := c.SegmentParams(), segments.DefaultParams(); !reflect.DeepEqual(got, want) {
		t.Errorf("config defaults %+v differ from segments.DefaultParams %+v", got, want)
	}
}

func TestStoreSettings(t *testing.T) {
	c, err := Parse(strings.NewReader("store:\n  memory_limit: 8GB\n  threads: 1\n"))
	if err != nil || c.Store.MemoryLimit != "8GB" || c.Store.Threads != 1 {
		t.Fatalf("got %+v, %v", c.Store, err)
	}
	for _, bad := range []string{"store:\n  memory_limit: lots\n", "store:\n  threads: -1\n"} {
		if _, err := Parse(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "store.") {
			t.Errorf("%q: got %v, want an error naming the store setting", bad, err)
		}
	}
}

// TestDeclaredPersonas reads both forms of conditions (a mapping keeps its
// order) and rejects declared personas without a name or a condition.
func TestDeclaredPersonas(t *testing.T) {
	c, err := Parse(strings.NewReader(`declared_personas:
  - name: Urban wellness women
    description: Big city, 30-40.
    conditions:
      women: gender == "female"
      thirties: age >= 30 && age <= 40
      wellness: '"yoga" in interests'
  - name: Listed
    conditions:
      - {name: pro, expr: 'occupation == "Working Professional"'}
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Declared) != 2 || len(c.Declared[0].Conditions) != 3 || c.Declared[0].Conditions[2].Name != "wellness" ||
		c.Declared[0].Conditions[2].Expr != `"yoga" in interests` || c.Declared[1].Conditions[0].Name != "pro" {
		t.Fatalf("declared personas %+v", c.Declared)
	}
	for _, bad := range []string{
		"declared_personas:\n  - name: x\n",
		"declared_personas:\n  - conditions: {a: 'age > 3'}\n",
		"declared_personas:\n  - name: x\n    conditions: {a: 'age > 3'}\n  - name: x\n    conditions: {a: 'age > 3'}\n",
		"declared_personas:\n  - name: x\n    conditions: 'age > 3'\n",
		"audit:\n  min_lift: 0.9\n",
	} {
		if _, err := Parse(strings.NewReader(bad)); err == nil {
			t.Errorf("accepted:\n%s", bad)
		}
	}
}

// FuzzParse: any antipersona.yaml either fails with an error naming the
// file, or gives a configuration that validates; it never panics.
func FuzzParse(f *testing.F) {
	f.Add(Template)
	f.Add("declared_personas:\n  - name: x\n    conditions: {a: 'age > 3'}\n")
	f.Add("declared_personas:\n  - name: x\n    conditions:\n      - {name: a, expr: b}\n")
	f.Add("declared_personas: [{name: x, conditions: 3}]\n")
	f.Add("audit: {min_lift: 1}\n")
	f.Fuzz(func(t *testing.T, text string) {
		c, err := Parse(strings.NewReader(text))
		if err != nil {
			if !strings.Contains(err.Error(), FileName) {
				t.Fatalf("error %q does not name %s", err, FileName)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("parsed, then invalid: %v", err)
		}
	})
}
