package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestRuleSegments: rules in antipersona.yaml are evaluated on every
// contact at build time; the counts of `segments --json` equal a count of
// the exported features made here; a rule with a type error stops the build
// with the rule's name and position, before anything is computed.
func TestRuleSegments(t *testing.T) {
	ws := t.TempDir()
	mustRun(t, "init", ws)
	dir := t.TempDir()
	mustRun(t, "generate", "--contacts", "400", "--seed", "3", "--out", dir)
	mustRun(t, "-w", ws, "ingest", "contacts", filepath.Join(dir, "contacts.csv"))
	mustRun(t, "-w", ws, "ingest", "orders", filepath.Join(dir, "orders.csv"))
	cfgPath := filepath.Join(ws, "antipersona.yaml")
	base, _ := os.ReadFile(cfgPath)
	withRules := func(rules string) {
		os.WriteFile(cfgPath, []byte(strings.Replace(string(base), "  rules: []", "  rules:\n"+rules, 1)), 0o644)
	}
	withRules("    - name: repeat big\n      expr: monetary > 500 && frequency >= 2\n    - name: none\n      expr: frequency < 0\n")
	mustRun(t, "-w", ws, "build", "--as-of", "2025-12-31")
	var out struct {
		Segments []struct {
			Group, Name string
			Contacts    int
		}
	}
	if err := json.Unmarshal([]byte(mustRun(t, "-w", ws, "segments", "--json")), &out); err != nil {
		t.Fatal(err)
	}
	got := -1
	for _, s := range out.Segments {
		if s.Group == "rule" && s.Name == "repeat big" {
			got = s.Contacts
		}
		if s.Group == "rule" && s.Name == "none" {
			t.Errorf("empty rule segment listed with %d contacts", s.Contacts)
		}
	}
	feats := filepath.Join(dir, "f.csv")
	mustRun(t, "-w", ws, "features", "--format", "csv", "--out", feats)
	want := 0
	for _, row := range readCSVByID(t, feats) {
		m, _ := strconv.ParseFloat(row["monetary"], 64)
		f, _ := strconv.ParseFloat(row["frequency"], 64)
		if m > 500 && f >= 2 {
			want++
		}
	}
	if got != want || want == 0 {
		t.Errorf("rule segment 'repeat big': %d contacts, features say %d", got, want)
	}

	withRules("    - name: broken\n      expr: monetary > \"high\"\n")
	_, stderr, code := run(t, "-w", ws, "build", "--as-of", "2025-12-31")
	if code != 2 || !strings.Contains(stderr, `rule "broken" (1:10): found no matching overload`) {
		t.Errorf("bad rule: exit %d, stderr %q", code, stderr)
	}
}
