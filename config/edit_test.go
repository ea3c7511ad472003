package config

import (
	"bytes"
	"strings"
	"testing"

	"github.com/antipersona/antipersona/segments"
)

// TestSetDeclared replaces the declared personas of a file and keeps the
// rest of it, comments included.
func TestSetDeclared(t *testing.T) {
	doc := []byte(`# the shop's workspace
currency: PLN # złoty
declared_personas:
  - name: Old
    conditions:
      young: age < 30
segments:
  rules: []
`)
	want := []DeclaredPersona{{Name: "Urban women", Description: "big-city buyers",
		Conditions: NamedConditions{{Name: "city", Expr: `city == "Kraków"`}, {Name: "age", Expr: "age >= 30 && age < 45"}}}}
	out, err := SetDeclared(doc, want)
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, keep := range []string{"# the shop's workspace", "# złoty", "currency: PLN", "segments:"} {
		if !strings.Contains(s, keep) {
			t.Errorf("lost %q:\n%s", keep, s)
		}
	}
	if strings.Contains(s, "Old") {
		t.Errorf("the old persona is still there:\n%s", s)
	}
	c, err := Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Declared) != 1 || c.Declared[0].Name != "Urban women" || c.Declared[0].Description != "big-city buyers" {
		t.Fatalf("declared = %+v", c.Declared)
	}
	got := c.Declared[0].Conditions
	if len(got) != 2 || got[0] != (segments.Rule{Name: "city", Expr: `city == "Kraków"`}) || got[1].Expr != "age >= 30 && age < 45" {
		t.Errorf("conditions = %+v (order and text must survive)", got)
	}

	// Absent: added at the end; empty file: a document of its own.
	for _, in := range [][]byte{[]byte("currency: EUR\n"), nil} {
		out, err := SetDeclared(in, want)
		if err != nil {
			t.Fatal(err)
		}
		if c, err := Parse(bytes.NewReader(out)); err != nil || len(c.Declared) != 1 {
			t.Errorf("SetDeclared(%q): %v, %+v", in, err, c.Declared)
		}
	}

	// A persona without conditions is refused, naming the field.
	if _, err := SetDeclared(doc, []DeclaredPersona{{Name: "Empty"}}); err == nil || !strings.Contains(err.Error(), "declared_personas[0]") {
		t.Errorf("empty persona: err = %v", err)
	}
}
