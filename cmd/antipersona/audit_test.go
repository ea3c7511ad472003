package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/antipersona/antipersona/audit"
	"github.com/antipersona/antipersona/textmine"
)

// TestAuditLeads audits the persona on Leads.csv (occupation
// "Working Professional" and city "Mumbai") and compares every figure with
// the independent pandas/scipy computation in testdata/audit
// (leads_reference.py -> leads_golden.json): the city is flagged as
// pseudo-profiling (significant, but buyers only 1.09× as likely), the
// occupation discriminates (2.68×).
func TestAuditLeads(t *testing.T) {
	leads := needDataset(t, "leads/Leads.csv")
	ws := t.TempDir()
	mustRun(t, "init", ws)
	mustRun(t, "-w", ws, "ingest", "contacts", leads, "--id-col", "Prospect ID", "--outcome-col", "Converted")
	mustRun(t, "-w", ws, "build")
	file := filepath.Join(t.TempDir(), "personas.yaml")
	os.WriteFile(file, []byte(`declared_personas:
  - name: Mumbai professionals
    conditions:
      professional: what_is_your_current_occupation == "Working Professional"
      mumbai: city == "Mumbai"
`), 0o644)
	var got audit.Report
	if err := json.Unmarshal([]byte(mustRun(t, "-w", ws, "audit", "Mumbai professionals", "--file", file, "--json")), &got); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../../testdata/audit/leads_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		Contacts       int     `json:"contacts"`
		Base           float64 `json:"base_conversion_rate"`
		Matched        int     `json:"matched"`
		ConversionRate float64 `json:"conversion_rate"`
		CustomerShare  float64 `json:"customer_share"`
		Conditions     []audit.ConditionReport
	}
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	near := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Errorf("%s = %.12g, pandas %.12g", name, got, want)
		}
	}
	if got.Contacts != want.Contacts || got.Matched != want.Matched {
		t.Errorf("matched %d of %d, pandas %d of %d", got.Matched, got.Contacts, want.Matched, want.Contacts)
	}
	near("base_conversion_rate", got.BaseConversionRate, want.Base)
	near("conversion_rate", got.ConversionRate, want.ConversionRate)
	near("customer_share", got.CustomerShare, want.CustomerShare)
	if len(got.Conditions) != 2 {
		t.Fatalf("conditions %+v", got.Conditions)
	}
	for i, w := range want.Conditions {
		g := got.Conditions[i]
		if g.Name != w.Name || g.Matched != w.Matched {
			t.Errorf("condition %d: %s matching %d, pandas %s matching %d", i, g.Name, g.Matched, w.Name, w.Matched)
		}
		near(w.Name+" rate_in", g.RateIn, w.RateIn)
		near(w.Name+" rate_out", g.RateOut, w.RateOut)
		near(w.Name+" lift", g.Lift, w.Lift)
		near(w.Name+" information_gain", g.InformationGain, w.InformationGain)
		near(w.Name+" chi_square", g.ChiSquare, w.ChiSquare)
		if math.Abs(g.PValue-w.PValue) > 1e-6*w.PValue {
			t.Errorf("%s p_value = %.6g, scipy %.6g", w.Name, g.PValue, w.PValue)
		}
	}
	if got.Conditions[0].Pseudo || !got.Conditions[1].Pseudo {
		t.Errorf("pseudo: professional %v, mumbai %v; want false, true", got.Conditions[0].Pseudo, got.Conditions[1].Pseudo)
	}
	// The suggestion keeps the occupation and drops the city.
	if len(got.SuggestedConditions) == 0 || got.SuggestedConditions[0] != `what_is_your_current_occupation == "Working Professional"` ||
		got.Suggested == nil || !slices.Equal(got.Suggested.Dropped, []string{"mumbai"}) {
		t.Errorf("suggested %v (%+v)", got.SuggestedConditions, got.Suggested)
	}
	if !strings.Contains(got.Verdict, `"mumbai"`) {
		t.Errorf("verdict %q does not name the pseudo-profiling condition", got.Verdict)
	}
	// Errors: an unknown persona, a type error naming the condition.
	if _, stderr, code := run(t, "-w", ws, "audit", "Nobody", "--file", file); code != 3 || !strings.Contains(stderr, "Nobody") {
		t.Errorf("unknown persona: exit %d, %q", code, stderr)
	}
	os.WriteFile(file, []byte("declared_personas:\n  - name: bad\n    conditions:\n      old: city > 3\n"), 0o644)
	if _, stderr, code := run(t, "-w", ws, "audit", "--file", file); code != 2 || !strings.Contains(stderr, `"old"`) {
		t.Errorf("type error: exit %d, %q", code, stderr)
	}
}

// TestPersonaVoice: on the demo shop, the fans who cannot afford it (the
// giveaway leads) answer budget = low far more often than everyone, and
// their open answers have distinctive words; every persona carries a voice
// in --json.
func TestPersonaVoice(t *testing.T) {
	out := t.TempDir()
	var res demoResult
	if err := json.Unmarshal([]byte(mustRun(t, "demo", "--out", out, "--contacts", "3000", "--seed", "3", "--json")), &res); err != nil {
		t.Fatal(err)
	}
	var all struct {
		Personas []personaOut `json:"personas"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, "-w", res.Workspace, "personas", "--json")), &all); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range all.Personas {
		if p.Voice.Words == nil || p.Voice.Answers == nil {
			t.Errorf("%s: no voice in --json", p.ID)
		}
		if p.NegativeKind != "cant_afford" || found {
			continue
		}
		found = true
		low := false
		for _, a := range p.Voice.Answers {
			if a.Question == "budget" && a.Answer == "low" && a.Lift > 1.5 && a.Low > a.Base {
				low = true
			}
		}
		t.Logf("%s %s: answers %+v; words %d from %d open answers", p.ID, p.Name, p.Voice.Answers, len(p.Voice.Words), p.Voice.Open)
		if !low || len(p.Voice.Words) == 0 {
			t.Errorf("%s: budget = low not over-represented, or no words", p.ID)
		}
	}
	if !found {
		t.Fatal("no persona of the cant_afford kind")
	}
	// The worksheet: the complainers give low satisfaction scores more
	// often than everyone.
	var ws struct {
		Questions []worksheetAnswer `json:"questions"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, "-w", res.Workspace, "worksheet", "--json")), &ws); err != nil {
		t.Fatal(err)
	}
	low := false
	for _, q := range ws.Questions {
		if q.ID != "complaints" {
			continue
		}
		for _, a := range q.Voice.Answers {
			if n, err := strconv.Atoi(a.Answer); a.Question == "satisfaction" && err == nil && n <= 3 {
				low = true
			}
		}
		t.Logf("complaints: they say %+v", q.Voice.Answers)
	}
	if !low {
		t.Error("the complainers' low satisfaction scores are not in the worksheet")
	}
}

// TestLeavingWords: of a group's open answers, those of the members who
// left say "delivery late", those who stayed "great quality"; the words of
// the leavers come out, nobody else's.
func TestLeavingWords(t *testing.T) {
	sv := &surveys{}
	group, left := map[string]bool{}, map[string]bool{}
	add := func(id, text string, gone bool) {
		group[id], left[id] = true, gone
		sv.answers = append(sv.answers, surveyAnswer{contact: id, question: "why", answer: text, open: true, terms: textmine.Terms(text, "en")})
	}
	for i := range 6 {
		add(fmt.Sprint("L", i), "Delivery late again.", true)
		add(fmt.Sprint("S", i), "Great quality, I come back.", false)
	}
	sv.answers = append(sv.answers, surveyAnswer{contact: "X", question: "why", answer: "Delivery late", open: true, terms: textmine.Terms("Delivery late", "en")})
	got := sv.leaving(group, left)
	if len(got) == 0 || got[0].Text != "delivery late" {
		t.Fatalf("leaving words %+v, want \"delivery late\" first", got)
	}
	for _, w := range got {
		if strings.Contains(w.Text, "quality") {
			t.Errorf("%q, a word of those who stayed", w.Text)
		}
	}
}

// TestSurveyTraits: the structured survey answers become contact traits
// (survey_budget a category, survey_satisfaction a number) valid from the
// day of the answer; the open "why" answers do not. A contact's feature is
// its latest answer as of the build, checked against surveys.csv; a
// declared persona can use them.
func TestSurveyTraits(t *testing.T) {
	out := t.TempDir()
	var res demoResult
	if err := json.Unmarshal([]byte(mustRun(t, "demo", "--out", out, "--contacts", "1500", "--seed", "8", "--json")), &res); err != nil {
		t.Fatal(err)
	}
	traits := mustRun(t, "-w", res.Workspace, "traits")
	for _, want := range []string{"survey_budget", "survey_main_goal", "survey_satisfaction"} {
		if !strings.Contains(traits, want) {
			t.Errorf("traits lack %s:\n%s", want, traits)
		}
	}
	if strings.Contains(traits, "survey_why") {
		t.Error("the open question became a trait")
	}
	// The latest budget answer of each contact, from the file.
	rows := readCSVFile(t, filepath.Join(res.Data, "surveys.csv"))
	latest, when := map[string]string{}, map[string]string{}
	for _, r := range rows[1:] { // contact_id,question_id,question_text,answer,language,answered_at
		if r[1] == "budget" && r[5] >= when[r[0]] {
			latest[r[0]], when[r[0]] = r[3], r[5]
		}
	}
	feats := filepath.Join(t.TempDir(), "f.csv")
	mustRun(t, "-w", res.Workspace, "features", "--format", "csv", "--out", feats)
	checked := 0
	for id, row := range readCSVByID(t, feats) {
		if want, ok := latest[id]; ok {
			checked++
			if row["survey_budget"] != want {
				t.Fatalf("%s: survey_budget %q, the file's latest answer %q", id, row["survey_budget"], want)
			}
		} else if row["survey_budget"] != "" {
			t.Fatalf("%s: survey_budget %q without an answer", id, row["survey_budget"])
		}
	}
	if checked < 100 {
		t.Fatalf("only %d contacts answered", checked)
	}
	file := filepath.Join(t.TempDir(), "p.yaml")
	os.WriteFile(file, []byte("declared_personas:\n  - name: low budget\n    conditions:\n      low: survey_budget == \"low\"\n      unhappy: survey_satisfaction <= 5\n"), 0o644)
	var rep audit.Report
	if err := json.Unmarshal([]byte(mustRun(t, "-w", res.Workspace, "audit", "low budget", "--file", file, "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Matched == 0 {
		t.Error("no contact with a low budget and satisfaction <= 5")
	}
	// Ingesting the same answers again stores nothing new.
	_, stderr, code := run(t, "-w", res.Workspace, "ingest", "surveys", filepath.Join(res.Data, "surveys.csv"))
	if code != 0 || strings.Contains(stderr, "survey traits") && !strings.Contains(stderr, "0 stored") {
		t.Errorf("re-ingest: exit %d, %s", code, stderr)
	}
}
