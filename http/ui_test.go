package http

import (
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/apikey"
	"github.com/antipersona/antipersona/i18n"
	"github.com/antipersona/antipersona/report"
)

// dashRecorder is a recorder with the dashboard's views: a small build
// and declared personas kept in memory.
type dashRecorder struct {
	*recorder
	noBuild  bool
	declared []DeclaredPersona
	answers  map[string]string
}

func uiFixture() *report.Data {
	prev := int64(1)
	return &report.Data{
		Workspace: "shop", Currency: "PLN", BuildID: 2,
		AsOf:        time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC),
		GeneratedAt: time.Date(2026, 4, 1, 9, 30, 0, 0, time.UTC),
		Overview: report.Overview{Contacts: 1240, Buyers: 310, Revenue: 98765.4, Spend: 12000, Profit: 20400,
			NegativeSpendShare: 0.31, PreviousBuild: &prev},
		Personas: []report.Persona{{ID: "pos-1", Name: "Anna", Label: "age 40 or more", Kind: "positive", Size: 200, Share: 0.16,
			TargetRate: 0.5, BaseRate: 0.25, Lift: 2, PAdjusted: 0.0001, Traits: []report.Trait{{Label: "city = Kraków", Lift: 1.8}}}},
		Negatives: []report.Persona{{ID: "neg-mimic-1", Name: "newsletter: true", Kind: "negative", NegativeKind: "mimic",
			Handling: "exclude_from_paid", Size: 90, Share: 0.07, TargetRate: 0.6, BaseRate: 0.2, Lift: 3, PAdjusted: 0.001}},
		RFM:       []report.RFMCell{{Recency: 5, Frequency: 5, Contacts: 40, Revenue: 30000, Segment: "Champions"}},
		Segments:  []report.SegmentCount{{Name: "Champions", Kind: "rfm", Contacts: 40, Share: 0.03}},
		Decisions: []report.DecisionCount{{Action: "activate", Contacts: 300, ExpectedValue: 5000, Spend: 4000}, {Action: "exclude", Contacts: 100, ExpectedValue: -200, Spend: 3000}},
		Budget: &report.Budget{TotalSpend: 12000, AllocatedSpend: 11000, UnallocatedSpend: 1000,
			Groups: []report.BudgetGroup{{Name: "Anna: age 40 or more", Kind: "persona", Contacts: 200, Spend: 3000, Revenue: 40000, ROI: 12}},
			WhatIf: &report.WhatIf{Contacts: 90, Saved: 3000, LostRevenue: 500, LostRevenueLow: 200, LostRevenueHigh: 900, ROIBefore: 7, ROIAfter: 9}},
		Changes: &report.Changes{FromBuild: 1, ToBuild: 2, FromAsOf: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC), ToAsOf: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC),
			Matrix:     report.Matrix{Rows: []string{"exclude", "activate"}, Cols: []string{"exclude", "activate"}, Counts: [][]int{{80, 12}, {3, 290}}},
			Reinstated: 12, ReinstatedReasons: []report.ReasonCount{{Reason: "first_purchase", Contacts: 12}}},
		Audit: []report.AuditResult{{Persona: "Urban women", Verdict: "same", Matched: 64, Conversion: 0.3, BaseConversion: 0.25, ConversionLow: 0.2, ConversionHigh: 0.42,
			Conditions: []report.AuditCondition{{Name: "young", Expr: "age < 35", Lift: 1.1, PValue: 0.4, Verdict: "pseudo_profiling"}}}},
		Worksheet: []report.WorksheetAnswer{{Question: "effort", DataAnswer: "lead_source = webinar", Contacts: 90, Share: 0.07}},
	}
}

func (d *dashRecorder) View(ctx context.Context, lang string) (*report.Data, error) {
	if d.noBuild {
		return nil, antipersona.Errorf(antipersona.ENOTFOUND, "no build yet")
	}
	v := uiFixture()
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := range v.Worksheet {
		v.Worksheet[i].TeamAnswer = d.answers[v.Worksheet[i].Question]
	}
	return v, nil
}
func (d *dashRecorder) PersonaFacts(ctx context.Context, id string) (*PersonaFacts, error) {
	return &PersonaFacts{ID: id, Kind: "positive", Basis: "lead_time", Conditions: []report.Condition{{Attribute: "age", Op: ">=", Value: 40.0}},
		Size: 200, TargetRate: 0.5, TargetLow: 0.43, TargetHigh: 0.57, BaseRate: 0.25, Lift: 2, Coverage: 0.4, RevenueShare: 0.3, ProfitShare: 0.35}, nil
}
func (d *dashRecorder) FindContacts(ctx context.Context, q string, limit int) ([]ContactHit, error) {
	return []ContactHit{{ContactID: "C1", Action: "activate", ExpectedValue: 12.5, Match: "id"}}, nil
}
func (d *dashRecorder) Explain(ctx context.Context, id string) (*ContactView, error) {
	p := 0.4
	return &ContactView{ContactID: id, Currency: "PLN", Build: antipersona.Build{ID: 2, AsOf: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)},
		Decision: antipersona.Decision{ContactID: id, Action: "activate", Probability: 0.4, Value: 100, Cost: 5, ExpectedValue: 35,
			Reasons: []antipersona.Reason{{Code: "ev_positive"}, {Code: "trait_changed", Trait: "income", From: "3000", To: "5000"}}},
		Personas: []string{"pos-1"}, Probability: &p, ScoreReasons: []ScoreReason{{Feature: "age", Contribution: 0.3}},
		Segments: []NameValue{{"rfm_segment", "Champions"}}, Features: []NameValue{{"orders", "3"}}}, nil
}
func (d *dashRecorder) Declared(ctx context.Context) ([]DeclaredPersona, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]DeclaredPersona(nil), d.declared...), nil
}
func (d *dashRecorder) SaveDeclared(ctx context.Context, old string, p DeclaredPersona) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range p.Conditions {
		if strings.Contains(c.Expr, "!!") {
			return antipersona.Errorf(antipersona.EINVALID, "declared persona %q: condition %q: syntax error at 1:1", p.Name, c.Name)
		}
	}
	for i, x := range d.declared {
		if x.Name == old {
			d.declared[i] = p
			return nil
		}
	}
	d.declared = append(d.declared, p)
	return nil
}
func (d *dashRecorder) DeleteDeclared(ctx context.Context, name string) error { return nil }
func (d *dashRecorder) SetTeamAnswer(ctx context.Context, q, text string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.answers[q] = text
	return nil
}
func (d *dashRecorder) AudienceList(ctx context.Context) ([]AudienceInfo, error) {
	return []AudienceInfo{{Spec: AudienceSpec{Name: "vip", Actions: []string{"activate"}, Format: "csv"},
		LastExport: &antipersona.AudienceExport{Name: "vip", Members: 300, ExportedAt: time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)}}}, nil
}
func (d *dashRecorder) PreviewAudience(ctx context.Context, spec AudienceSpec) (*AudiencePreview, error) {
	return &AudiencePreview{Spec: spec, Build: 2, Contacts: 300, ByAction: map[string]int{"activate": 300}, ExpectedValue: 5000, Sample: []string{"C1", "C2"}}, nil
}

// uiServer serves a dashRecorder as workspace "shop", with strict
// translations, and returns keys of every role.
func uiServer(t *testing.T) (*Server, *dashRecorder, map[antipersona.Role]string) {
	t.Helper()
	ks, keys := testKeys(t)
	d := &dashRecorder{recorder: newRecorder(), answers: map[string]string{},
		declared: []DeclaredPersona{{Name: "Urban women", Conditions: []NamedCondition{{Name: "young", Expr: "age < 35"}}}}}
	s := NewServer(Options{Keys: ks, Workspaces: map[string]Workspace{"shop": d}, StrictI18n: true})
	t.Cleanup(func() { s.Close(context.Background()) })
	return s, d, keys
}

// browserLike sends requests with the session cookie, as a browser does.
type browserLike struct {
	t      *testing.T
	h      http.Handler
	cookie string
	csrf   string
	lang   string
}

func (b *browserLike) do(method, path string, form url.Values) *httptest.ResponseRecorder {
	b.t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	if b.cookie != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: b.cookie})
	}
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	w := httptest.NewRecorder()
	b.h.ServeHTTP(w, req)
	return w
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login logs in with key and keeps the session.
func (b *browserLike) login(key string) {
	b.t.Helper()
	w := b.do("POST", "/ui/login", url.Values{"key": {key}, "next": {"/ui/"}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/ui/" {
		b.t.Fatalf("login: %d %s", w.Code, w.Header().Get("Location"))
	}
	for _, c := range w.Result().Cookies() {
		if c.Name == sessionCookie {
			if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
				b.t.Errorf("session cookie: HttpOnly %v SameSite %v", c.HttpOnly, c.SameSite)
			}
			if strings.Contains(c.Value, key) || c.Value == "" {
				b.t.Errorf("the session cookie holds the key or nothing: %q", c.Value)
			}
			b.cookie = c.Value
		}
	}
	page := b.do("GET", "/ui/", nil)
	if m := csrfRE.FindStringSubmatch(page.Body.String()); m != nil {
		b.csrf = m[1]
	}
}

// uiPages are the dashboard's pages.
var uiPages = []string{"/ui/", "/ui/personas", "/ui/personas/pos-1", "/ui/segments", "/ui/decisions", "/ui/budget", "/ui/changes",
	"/ui/audit", "/ui/worksheet", "/ui/contacts", "/ui/contacts?q=C", "/ui/contacts/C1", "/ui/audiences", "/ui/builds", "/ui/access"}

// TestDashboardPages renders every page in every language with strict
// translations (a missing one fails the page with 500) and checks the
// headers that keep the page to the server.
func TestDashboardPages(t *testing.T) {
	s, _, keys := uiServer(t)
	b := &browserLike{t: t, h: s.Handler()}
	b.login(keys[antipersona.RoleAdmin])
	for _, lang := range i18n.Supported() {
		b.lang = lang
		for _, p := range uiPages {
			w := b.do("GET", p, nil)
			if w.Code != 200 {
				t.Errorf("%s %s: %d %s", lang, p, w.Code, w.Body.String())
				continue
			}
			if got := w.Header().Get("Content-Language"); got != lang {
				t.Errorf("%s %s: Content-Language %q", lang, p, got)
			}
			if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
				t.Errorf("%s %s: CSP %q", lang, p, csp)
			}
			body := w.Body.String()
			if !strings.Contains(body, `<html lang="`+lang+`">`) {
				t.Errorf("%s %s: no <html lang=%q>", lang, p, lang)
			}
			for _, m := range regexp.MustCompile(`(?i)(src|href|action)="(https?:)?//`).FindAllString(body, -1) {
				t.Errorf("%s %s: a link off the server: %s", lang, p, m)
			}
		}
	}
	// No build yet: the pages say so.
	s2, d2, keys2 := uiServer(t)
	d2.noBuild = true
	b2 := &browserLike{t: t, h: s2.Handler()}
	b2.login(keys2[antipersona.RoleReader])
	if w := b2.do("GET", "/ui/personas", nil); w.Code != 200 || !strings.Contains(w.Body.String(), "There is no build yet") {
		t.Errorf("no build: %d", w.Code)
	}
}

// TestDashboardTemplateIDs fails on a message id that a template or a
// handler asks for and the English catalog lacks, including the ids the
// dashboard makes from codes.
func TestDashboardTemplateIDs(t *testing.T) {
	msgs, err := i18n.Messages("en")
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, m := range msgs {
		have[m.ID] = true
	}
	need := map[string]bool{}
	idRE := regexp.MustCompile(`\b(?:t|tf|plural) \(?"([a-z_.]+)"`)
	goRE := regexp.MustCompile(`loc\.(?:T|Plural)\("([a-z_.]+)"`)
	err = fs.WalkDir(webFiles, "web", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := webFiles.ReadFile(p)
		for _, m := range idRE.FindAllStringSubmatch(string(data), -1) {
			need[m[1]] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"ui.go", "ui_pages.go"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goRE.FindAllStringSubmatch(string(data), -1) {
			if !strings.HasSuffix(m[1], ".") {
				need[m[1]] = true
			}
		}
	}
	for _, n := range append(navPages, adminPages...) {
		need["nav."+n.id] = true
	}
	for _, r := range antipersona.Roles {
		need["role."+string(r)] = true
	}
	for _, x := range []string{"done.forgotten", "done.declared", "done.undeclared", "done.answered", "done.exported", "done.build_started",
		"builds.state.running", "builds.state.succeeded", "builds.state.failed", "builds.trigger.api", "builds.trigger.schedule",
		"builds.trigger.dashboard", "ui.persona.basis.lead_time", "ui.persona.basis.behaviour", "contacts.match.id",
		"contacts.match.email", "contacts.match.phone", "contacts.match.name"} {
		need[x] = true
	}
	for _, f := range audienceFormats {
		need["audiences.format."+f] = true
	}
	for _, a := range allActions {
		need["action."+a] = true
	}
	if len(need) < 150 {
		t.Fatalf("found only %d ids: the patterns no longer match the templates", len(need))
	}
	for id := range need {
		if !have[id] {
			t.Errorf("the dashboard uses %q, which en.json lacks", id)
		}
	}
}

// TestDashboardSession covers the login: no session leads to the login
// page; unknown and ingest keys are refused; a session ends with a
// revoked key and at logout; forms need the session's CSRF token;
// redirects stay on the server.
func TestDashboardSession(t *testing.T) {
	s, d, keys := uiServer(t)
	h := s.Handler()
	anon := &browserLike{t: t, h: h}
	if w := anon.do("GET", "/ui/budget", nil); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/ui/login?next=%2Fui%2Fbudget" {
		t.Errorf("no session: %d %s", w.Code, w.Header().Get("Location"))
	}
	if w := anon.do("GET", "/", nil); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/ui/" {
		t.Errorf("/: %d %s", w.Code, w.Header().Get("Location"))
	}
	for name, key := range map[string]string{"unknown": "ap_aaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "ingest": keys[antipersona.RoleIngest]} {
		w := anon.do("POST", "/ui/login", url.Values{"key": {key}})
		if w.Code != http.StatusUnauthorized || len(w.Result().Cookies()) != 0 {
			t.Errorf("%s key: %d, cookies %v", name, w.Code, w.Result().Cookies())
		}
	}
	if w := anon.do("GET", "/ui/lang/pl?back=//evil.example/x", nil); w.Header().Get("Location") != "/ui/" {
		t.Errorf("language switch redirects to %q", w.Header().Get("Location"))
	}
	if w := anon.do("POST", "/ui/login", url.Values{"key": {keys[antipersona.RoleReader]}, "next": {"https://evil.example/"}}); w.Header().Get("Location") != "/ui/" {
		t.Errorf("login redirects to %q", w.Header().Get("Location"))
	}

	an := &browserLike{t: t, h: h}
	an.login(keys[antipersona.RoleAnalyst])
	if an.csrf == "" {
		t.Fatal("no CSRF token in the page")
	}
	form := url.Values{"question": {"effort"}, "answer": {"webinar sign-ups"}}
	if w := an.do("POST", "/ui/worksheet", form); w.Code != http.StatusForbidden {
		t.Errorf("a form without the CSRF token: %d", w.Code)
	}
	form.Set("csrf", an.csrf)
	if w := an.do("POST", "/ui/worksheet", form); w.Code != http.StatusSeeOther {
		t.Errorf("answer: %d %s", w.Code, w.Body.String())
	}
	if d.answers["effort"] != "webinar sign-ups" {
		t.Errorf("answer not stored: %v", d.answers)
	}
	if w := an.do("GET", "/ui/worksheet?done=answered", nil); !strings.Contains(w.Body.String(), "webinar sign-ups") || !strings.Contains(w.Body.String(), `class="flash"`) {
		t.Error("the worksheet does not show the stored answer and the confirmation")
	}

	// A declared persona: a bad condition is refused with the form kept.
	edit := url.Values{"csrf": {an.csrf}, "old": {"Urban women"}, "name": {"Urban women"},
		"cond_name": {"young", ""}, "cond_expr": {"age < !!", ""}}
	w := an.do("POST", "/ui/audit", edit)
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "syntax error") || !strings.Contains(w.Body.String(), `value="age &lt; !!"`) {
		t.Errorf("bad condition: %d", w.Code)
	}
	edit["cond_expr"] = []string{"age < 45", "city == \"Kraków\""}
	edit["cond_name"] = []string{"young", ""}
	if w := an.do("POST", "/ui/audit", edit); w.Code != http.StatusSeeOther {
		t.Errorf("save: %d %s", w.Code, w.Body.String())
	}
	if got := d.declared[0].Conditions; len(got) != 2 || got[0].Expr != "age < 45" || got[1].Name != "condition 2" {
		t.Errorf("saved conditions %+v", got)
	}

	// The audit log has the dashboard's changes, by key.
	var actions []string
	for _, e := range d.audit {
		actions = append(actions, e.Action)
	}
	if strings.Join(actions, ",") != "worksheet.answer,persona.declare" {
		t.Errorf("audit log: %v", actions)
	}

	// A preview is not logged as an export; an export is.
	if w := an.do("POST", "/ui/audiences", url.Values{"csrf": {an.csrf}, "op": {"preview"}, "action": {"activate"}}); w.Code != 200 || !strings.Contains(w.Body.String(), `id="preview"`) {
		t.Errorf("preview: %d", w.Code)
	}
	if w := an.do("POST", "/ui/audiences", url.Values{"csrf": {an.csrf}, "op": {"export"}, "name": {"vip"}, "action": {"activate"}}); w.Code != http.StatusSeeOther {
		t.Errorf("export: %d", w.Code)
	}
	if n := len(d.audit); n != 3 || d.audit[2].Action != "audience.export" || d.audit[2].Target != "vip" {
		t.Errorf("audit log after preview and export: %+v", d.audit)
	}

	// A persona's page leads to the audience form with that persona chosen.
	if body := an.do("GET", "/ui/personas/pos-1", nil).Body.String(); !strings.Contains(body, `href="/ui/audiences?persona=pos-1"`) {
		t.Error("the persona page has no link to an audience of it")
	}
	if body := an.do("GET", "/ui/audiences?persona=pos-1", nil).Body.String(); !strings.Contains(body, `<option value="pos-1" selected>`) {
		t.Error("the audience form does not start with the persona of the link")
	}

	// A reader sees no form and may not post one.
	rd := &browserLike{t: t, h: h}
	rd.login(keys[antipersona.RoleReader])
	for _, p := range []string{"/ui/audit", "/ui/audiences", "/ui/builds", "/ui/worksheet"} {
		body := rd.do("GET", p, nil).Body.String()
		if strings.Contains(body, `method="post" action="/ui/audit"`) || strings.Contains(body, `class="audience"`) || strings.Contains(body, `action="/ui/builds"`) || strings.Contains(body, `action="/ui/worksheet"`) {
			t.Errorf("reader sees a form on %s", p)
		}
	}
	if w := rd.do("POST", "/ui/builds", url.Values{"csrf": {rd.csrf}}); w.Code != http.StatusForbidden {
		t.Errorf("reader starts a build: %d", w.Code)
	}

	// Logout ends the session.
	if w := rd.do("POST", "/ui/logout", url.Values{"csrf": {rd.csrf}}); w.Code != http.StatusSeeOther {
		t.Errorf("logout: %d", w.Code)
	}
	if w := rd.do("GET", "/ui/", nil); w.Code != http.StatusSeeOther {
		t.Errorf("after logout: %d", w.Code)
	}

	// A revoked key ends its sessions (the key cache holds it a second).
	id, _ := apikey.ID(keys[antipersona.RoleAnalyst])
	if err := s.keys.RevokeKey(context.Background(), id, time.Now()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(keyCacheTTL + 100*time.Millisecond)
	if w := an.do("GET", "/ui/", nil); w.Code != http.StatusSeeOther {
		t.Errorf("revoked key: %d", w.Code)
	}
}

// TestDashboardBuildProgress starts a build from the dashboard and sees
// its progress and its end on the builds page.
func TestDashboardBuildProgress(t *testing.T) {
	s, _, keys := uiServer(t)
	b := &browserLike{t: t, h: s.Handler()}
	b.login(keys[antipersona.RoleAnalyst])
	if w := b.do("POST", "/ui/builds", url.Values{"csrf": {b.csrf}}); w.Code != http.StatusSeeOther {
		t.Fatalf("start: %d %s", w.Code, w.Body.String())
	}
	w := b.do("GET", "/ui/builds", nil)
	if body := w.Body.String(); !strings.Contains(body, "<progress") || !strings.Contains(body, `http-equiv="refresh"`) {
		t.Errorf("a running build shows no progress or does not refresh")
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(b.do("GET", "/ui/builds", nil).Body.String(), "state-succeeded") {
		if time.Now().After(deadline) {
			t.Fatal("the build did not end")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestDashboardAdmin: only an admin sees the access page and may forget a
// contact, after ticking the confirmation; the forgetting is audited.
func TestDashboardAdmin(t *testing.T) {
	s, d, keys := uiServer(t)
	an := &browserLike{t: t, h: s.Handler()}
	an.login(keys[antipersona.RoleAnalyst])
	if w := an.do("GET", "/ui/access", nil); w.Code != http.StatusForbidden {
		t.Errorf("analyst on the access page: %d", w.Code)
	}
	if body := an.do("GET", "/ui/contacts/C1", nil).Body.String(); strings.Contains(body, "/forget") || strings.Contains(body, `href="/ui/access"`) {
		t.Error("an analyst is offered the admin's forms or menu")
	}
	if w := an.do("POST", "/ui/contacts/C1/forget", url.Values{"csrf": {an.csrf}, "confirm": {"1"}}); w.Code != http.StatusForbidden {
		t.Errorf("analyst forgets a contact: %d", w.Code)
	}

	ad := &browserLike{t: t, h: s.Handler()}
	ad.login(keys[antipersona.RoleAdmin])
	body := ad.do("GET", "/ui/access", nil).Body.String()
	for _, role := range antipersona.Roles {
		id, _ := apikey.ID(keys[role])
		if !strings.Contains(body, "<code>"+id+"</code>") {
			t.Errorf("the access page does not list key %s", id)
		}
		if strings.Contains(body, keys[role]) {
			t.Errorf("the access page shows the key itself")
		}
	}
	if w := ad.do("POST", "/ui/contacts/C1/forget", url.Values{"csrf": {ad.csrf}}); w.Code != http.StatusBadRequest {
		t.Errorf("forget without the confirmation: %d", w.Code)
	}
	if w := ad.do("POST", "/ui/contacts/C1/forget", url.Values{"csrf": {ad.csrf}, "confirm": {"1"}}); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/ui/contacts?done=forgotten" {
		t.Errorf("forget: %d %s", w.Code, w.Header().Get("Location"))
	}
	last := d.audit[len(d.audit)-1]
	if last.Action != "contact.delete" || last.Target != "C1" || last.Role != antipersona.RoleAdmin {
		t.Errorf("audit entry %+v", last)
	}
}
