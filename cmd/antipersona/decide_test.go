package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/decide"
	"github.com/antipersona/antipersona/i18n"
	"github.com/antipersona/antipersona/internal/browser"
)

// TestChangesReinstated builds a generated shop as of the end of period 1
// and of period 2 (the demo) and checks that `changes` finds the contacts
// the generator planted as reinstated — negatives in period 1 who improve
// in period 2 (truth.csv: is_negative true, period2_is_negative false) —
// with F1 ≥ 0.8, each with a reason that matches what changed in the files:
// a first order in period 2 (orders.csv), a trait whose new value is the
// one in contacts_period2.csv, or a negative persona left.
func TestChangesReinstated(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and builds a shop twice")
	}
	out := t.TempDir()
	var res demoResult
	if err := json.Unmarshal([]byte(mustRun(t, "demo", "--out", out, "--contacts", "10000", "--seed", "1", "--json")), &res); err != nil {
		t.Fatal(err)
	}
	var ch decide.Changes
	if err := json.Unmarshal([]byte(mustRun(t, "-w", res.Workspace, "changes", "--json")), &ch); err != nil {
		t.Fatal(err)
	}
	if ch.From.ID != 1 || ch.To.ID != 2 {
		t.Fatalf("changes compares #%d with #%d, want #1 with #2", ch.From.ID, ch.To.ID)
	}
	truth := readCSVByID(t, filepath.Join(res.Data, "truth.csv"))
	planted := map[string]bool{}
	for id, r := range truth {
		if r["is_negative"] == "true" && r["period2_is_negative"] == "false" {
			planted[id] = true
		}
	}
	tp := 0
	for _, c := range ch.Reinstated {
		if planted[c.ContactID] {
			tp++
		}
	}
	precision, recall := float64(tp)/float64(len(ch.Reinstated)), float64(tp)/float64(len(planted))
	f1 := 2 * precision * recall / (precision + recall)
	t.Logf("reinstated %d, planted %d, found %d: precision %.3f, recall %.3f, F1 %.3f", len(ch.Reinstated), len(planted), tp, precision, recall, f1)
	if f1 < 0.8 {
		t.Errorf("F1 %.3f, want at least 0.8", f1)
	}

	// Each reason must match the files.
	p1, _ := time.Parse(time.DateOnly, "2025-06-30")
	firstOrder := map[string]time.Time{}
	for _, r := range readCSVFile(t, filepath.Join(res.Data, "orders.csv"))[1:] {
		ts, err := time.Parse(time.RFC3339, r[2])
		if err != nil || r[6] != "completed" || strings.Contains(r[0], "-R") {
			continue
		}
		if f, ok := firstOrder[r[1]]; !ok || ts.Before(f) {
			firstOrder[r[1]] = ts
		}
	}
	// Structured survey answers become traits survey_<question>, valid
	// from the day of the answer: the answers of period 2.
	answered := map[string]map[string]string{}
	for _, r := range readCSVFile(t, filepath.Join(res.Data, "surveys.csv"))[1:] {
		ts, err := time.Parse(time.RFC3339, r[5])
		if err != nil || !ts.After(p1.AddDate(0, 0, 1)) {
			continue
		}
		if answered[r[0]] == nil {
			answered[r[0]] = map[string]string{}
		}
		answered[r[0]]["survey_"+r[1]] = r[3]
	}
	oldTraits := readCSVByID(t, filepath.Join(res.Data, "contacts.csv"))
	newTraits := readCSVByID(t, filepath.Join(res.Data, "contacts_period2.csv"))
	sameValue := func(got, want string) bool {
		if got == want || (got == "true" && want == "yes") || (got == "false" && want == "no") {
			return true
		}
		g, err1 := strconv.ParseFloat(got, 64)
		w, err2 := strconv.ParseFloat(want, 64)
		return err1 == nil && err2 == nil && math.Abs(g-w) < 1e-9
	}
	codes := map[string]int{}
	for _, c := range ch.Reinstated {
		if c.ExcludedSince != "2025-06-30" {
			t.Errorf("%s: excluded since %q, want the first build's as-of date", c.ContactID, c.ExcludedSince)
		}
		explained := false
		for _, r := range c.Reasons {
			codes[r.Code]++
			switch r.Code {
			case antipersona.ReasonFirstPurchase:
				explained = true
				if f, ok := firstOrder[c.ContactID]; !ok || !f.After(p1.AddDate(0, 0, 1)) {
					t.Errorf("%s: first purchase, but its first order is %v", c.ContactID, f)
				}
			case antipersona.ReasonTraitChanged:
				explained = true
				if strings.HasPrefix(r.Trait, "survey_") {
					if a, ok := answered[c.ContactID][r.Trait]; !ok || !sameValue(r.To, a) {
						t.Errorf("%s: %s changed to %q; the answers of period 2 say %q", c.ContactID, r.Trait, r.To, a)
					}
					break
				}
				nv, ok := newTraits[c.ContactID]
				if !ok || !sameValue(r.To, nv[r.Trait]) || !sameValue(r.From, oldTraits[c.ContactID][r.Trait]) {
					t.Errorf("%s: %s changed %q → %q; the files say %q → %q", c.ContactID, r.Trait, r.From, r.To, oldTraits[c.ContactID][r.Trait], nv[r.Trait])
				}
			case antipersona.ReasonLeftNegative:
				explained = true
			}
		}
		if !explained {
			t.Errorf("%s reinstated without a change of its own: %+v", c.ContactID, c.Reasons)
		}
	}
	t.Logf("reasons of the reinstated: %v", codes)
	if codes[antipersona.ReasonFirstPurchase] == 0 || codes[antipersona.ReasonTraitChanged] == 0 {
		t.Errorf("reasons %v: want first purchases and trait changes among them", codes)
	}

	// decide: the counts add up to the contacts; explain agrees with it.
	var dr decisionReport
	if err := json.Unmarshal([]byte(mustRun(t, "-w", res.Workspace, "decide", "--json")), &dr); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, a := range dr.Actions {
		total += a.Contacts
	}
	if total != dr.Contacts || int64(total) != res.Builds[1].Contacts {
		t.Errorf("decide: %d contacts by action, %d in all, %d in the build", total, dr.Contacts, res.Builds[1].Contacts)
	}
	id := ch.Reinstated[0].ContactID
	var e explanation
	if err := json.Unmarshal([]byte(mustRun(t, "-w", res.Workspace, "explain", id, "--json")), &e); err != nil {
		t.Fatal(err)
	}
	if e.Decision.Action != ch.Reinstated[0].To || e.Decision.Sentence == "" || len(e.Features) == 0 || e.Segments["lifecycle"] == nil {
		t.Errorf("explain %s: %+v", id, e.Decision)
	}
	if d := e.Decision; math.Abs(d.Probability*d.Value-d.Cost-d.ExpectedValue) > 1e-6*math.Max(1, math.Abs(d.ExpectedValue)) {
		t.Errorf("explain %s: %.4f × %.4f − %.4f ≠ %.4f", id, d.Probability, d.Value, d.Cost, d.ExpectedValue)
	}
	for _, f := range e.Features {
		if f.Name == "email" || f.Name == "phone" || f.Name == "first_name" || f.Name == "last_name" {
			t.Errorf("explain shows personal data %s", f.Name)
		}
	}
	if _, _, code := run(t, "-w", res.Workspace, "explain", "NOPE"); code == 0 {
		t.Error("explain of an unknown contact succeeded")
	}
	checkReports(t, res.Workspace)
}

// checkReports writes the report of the workspace in every language
// (rendering fails on any untranslated label) and loads each in headless
// Chromium: no request may leave the page, and every persona card,
// negative card and section must be visible with charts.
func checkReports(t *testing.T, ws string) {
	var listing struct {
		Personas []struct {
			Kind string `json:"kind"`
		} `json:"personas"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, "-w", ws, "personas", "--json")), &listing); err != nil {
		t.Fatal(err)
	}
	pos, neg := 0, 0
	for _, p := range listing.Personas {
		if p.Kind == "negative" {
			neg++
		} else {
			pos++
		}
	}
	dir := t.TempDir()
	pages := map[string][]byte{}
	for _, lang := range i18n.Supported() {
		path := filepath.Join(dir, "report."+lang+".html")
		mustRun(t, "-w", ws, "report", "--lang", lang, "--out", path)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(`src="http`)) || bytes.Contains(b, []byte(`href="http`)) {
			t.Errorf("%s: the report refers to an outside resource", lang)
		}
		pages["/shop-report."+lang+".html"] = b
	}
	if !browser.Available() {
		t.Logf("Chromium not installed (%s): the reports were not loaded in a browser", browser.Chromium)
		return
	}
	doms := browser.Load(t, pages, browser.Artifacts(t))
	for _, lang := range i18n.Supported() {
		dom := doms["/shop-report."+lang+".html"]
		if dom.Lang != lang || dom.Personas != pos || dom.Negatives != neg || dom.Sections != 10 || dom.Charts < pos+neg+8 {
			t.Errorf("%s report: %+v; want %d persona cards, %d negative cards, 10 sections, charts", lang, dom, pos, neg)
		}
	}
}
