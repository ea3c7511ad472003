package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/audit"
	"github.com/antipersona/antipersona/config"
	aphttp "github.com/antipersona/antipersona/http"
	"github.com/antipersona/antipersona/report"
	"github.com/antipersona/antipersona/segments"
)

// The dashboard's views of a served workspace (http.Dashboard): the
// commands' own functions, typed for the pages.

// View returns the report data of the last build in lang, made once per
// build and language and kept until something it shows changes (a build
// made elsewhere, on a shared PostgreSQL database, included). What does
// not depend on the language is computed once for all of them.
func (w *workspaceAPI) View(ctx context.Context, lang string) (*report.Data, error) {
	w.viewMu.Lock()
	defer w.viewMu.Unlock()
	bid, err := w.lastBuild(ctx)
	if err != nil {
		return nil, err
	}
	if d, ok := w.views[lang]; ok && d.BuildID == bid {
		return d, nil
	}
	cfg := w.config()
	switch {
	case w.base == nil || w.base.decisions.Build.ID != bid:
		if w.base, err = w.m.loadViews(ctx, cfg, w.s); err != nil {
			return nil, err
		}
		w.views, w.staleAudits = nil, false
	case w.staleAudits:
		// The declared personas changed: only their audits are made again.
		var audits []audit.Report
		if len(cfg.Declared) > 0 {
			if audits, err = runAudits(ctx, w.s, cfg.Declared, auditOptions(cfg)); err != nil {
				return nil, err
			}
		}
		w.base.audits, w.staleAudits = audits, false
	}
	d, err := w.m.reportData(ctx, cfg, w.s, w.base, lang)
	if err != nil {
		return nil, err
	}
	d.Workspace = workspaceName(cfg, w.dir)
	if w.views == nil {
		w.views = map[string]*report.Data{}
	}
	w.views[lang] = d
	return d, nil
}

// lastBuild returns the id of the last build with decisions; ENOTFOUND
// before the first.
func (w *workspaceAPI) lastBuild(ctx context.Context) (int64, error) {
	bid, err := w.s.LastDecisionBuild(ctx, 0)
	if err == nil && bid == 0 {
		err = antipersona.Errorf(antipersona.ENOTFOUND, "no build yet: run 'antipersona build'")
	}
	return bid, err
}

// forgetViews drops the dashboard's views and contact index: the next
// page computes them again.
func (w *workspaceAPI) forgetViews() {
	w.viewMu.Lock()
	w.views, w.base, w.contacts = nil, nil, nil
	w.viewMu.Unlock()
}

// forgetPages drops the views of each language, keeping what they are made
// from; with audits the audits of the declared personas are made again
// too.
func (w *workspaceAPI) forgetPages(audits bool) {
	w.viewMu.Lock()
	w.views = nil
	w.staleAudits = w.staleAudits || audits
	w.viewMu.Unlock()
}

// PersonaFacts returns the figures behind persona id of the last build.
func (w *workspaceAPI) PersonaFacts(ctx context.Context, id string) (*aphttp.PersonaFacts, error) {
	ps, err := loadPersonas(ctx, w.s)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if p.ID != id {
			continue
		}
		f := &aphttp.PersonaFacts{ID: p.ID, Kind: p.Kind, NegativeKind: p.NegativeKind, Basis: p.Basis, Size: p.Size,
			TargetRate: p.TargetRate, TargetLow: p.TargetLow, TargetHigh: p.TargetHigh, BaseRate: p.BaseRate, Lift: p.Lift,
			Coverage: p.Coverage, PValue: p.PValue, PAdjusted: p.PAdjusted, RevenueShare: math.NaN(), ProfitShare: math.NaN()}
		f.Conditions = reportConditions(p.Conditions)
		if p.Card != nil {
			f.RevenueShare, f.ProfitShare = p.Card.RevenueShare, p.Card.ProfitShare
			for _, t := range p.Card.Traits {
				f.Traits = append(f.Traits, aphttp.TraitFact{Dimension: t.Dimension, Condition: t.Condition, Share: t.Share,
					ShareLow: t.ShareLow, ShareHigh: t.ShareHigh, BaseShare: t.BaseShare, Lift: t.Lift})
			}
		}
		return f, nil
	}
	return nil, antipersona.Errorf(antipersona.ENOTFOUND, "no persona %q in the last build", id)
}

// contactIndex is the last build's contacts, searchable in memory. It
// holds personal data (e-mail, phone, names) in the server's memory only;
// forgetting a contact drops the index.
type contactIndex struct {
	build int64
	rows  []indexedContact
}

type indexedContact struct {
	hit                    aphttp.ContactHit
	id, email, phone, name string // lowercased; phone as its digits
}

// digitsOf keeps the digits of s.
func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// contactsOf returns the index of build bid, made once.
func (w *workspaceAPI) contactsOf(ctx context.Context, bid int64) (*contactIndex, error) {
	w.viewMu.Lock()
	defer w.viewMu.Unlock()
	if w.contacts != nil && w.contacts.build == bid {
		return w.contacts, nil
	}
	ix := &contactIndex{build: bid}
	at := map[string]int{}
	err := w.s.Decisions(ctx, bid, func(r antipersona.ContactSnapshot) error {
		at[r.ContactID] = len(ix.rows)
		ix.rows = append(ix.rows, indexedContact{id: strings.ToLower(r.ContactID),
			hit: aphttp.ContactHit{ContactID: r.ContactID, Action: string(r.Action), ExpectedValue: r.ExpectedValue}})
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = w.s.ContactIdentifiers(ctx, func(id string, ids antipersona.Identifiers) error {
		if i, ok := at[id]; ok {
			c := &ix.rows[i]
			c.email, c.phone = strings.ToLower(ids.Email), digitsOf(ids.Phone)
			c.name = strings.ToLower(strings.TrimSpace(ids.FirstName + " " + ids.LastName))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(ix.rows, func(i, j int) bool { return ix.rows[i].hit.ContactID < ix.rows[j].hit.ContactID })
	w.contacts = ix
	return ix, nil
}

// FindContacts searches the contacts of the last build by id, then by
// e-mail, phone (four digits at least) and name. The first search after a
// build reads every contact's decision and identifiers; later ones scan
// the index in memory.
func (w *workspaceAPI) FindContacts(ctx context.Context, query string, limit int) ([]aphttp.ContactHit, error) {
	bid, err := w.lastBuild(ctx)
	if err != nil {
		return nil, err
	}
	ix, err := w.contactsOf(ctx, bid)
	if err != nil {
		return nil, err
	}
	q := strings.ToLower(strings.TrimSpace(query))
	digits := digitsOf(q)
	var byID, other []aphttp.ContactHit
	for _, c := range ix.rows {
		h := c.hit
		switch {
		case strings.Contains(c.id, q):
			h.Match = "id"
			if len(byID) < limit {
				byID = append(byID, h)
			}
			continue
		case q == "" || len(other) >= limit:
			continue
		case c.email != "" && strings.Contains(c.email, q):
			h.Match = "email"
		case len(digits) >= 4 && c.phone != "" && strings.Contains(c.phone, digits):
			h.Match = "phone"
		case c.name != "" && strings.Contains(c.name, q):
			h.Match = "name"
		default:
			continue
		}
		other = append(other, h)
	}
	hits := append(byID, other...)
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits, nil
}

// Explain returns one contact's decision and what it rests on.
func (w *workspaceAPI) Explain(ctx context.Context, id string) (*aphttp.ContactView, error) {
	cfg := w.config()
	e, err := w.m.explain(ctx, w.s, cfg, id)
	if err != nil {
		return nil, err
	}
	cv := &aphttp.ContactView{ContactID: e.ContactID, Build: e.Build, Currency: e.Currency, Decision: e.Decision, Rules: e.Rules}
	snap, err := w.s.Decision(ctx, e.Build.ID, id)
	if err != nil {
		return nil, err
	}
	cv.Personas, cv.Negatives = snap.Personas, snap.Negatives
	names := make([]string, 0, len(e.Segments))
	for k := range e.Segments {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		cv.Segments = append(cv.Segments, aphttp.NameValue{Name: k, Value: pageValue(e.Segments[k])})
	}
	if e.Cluster != nil {
		cv.Cluster = fmt.Sprint(pageValue(e.Cluster))
	}
	if e.Score != nil {
		p := e.Score.Probability
		cv.Probability = &p
		for _, r := range e.Score.Reasons {
			cv.ScoreReasons = append(cv.ScoreReasons, aphttp.ScoreReason{Feature: r.Feature, Contribution: r.Value})
		}
	}
	for _, f := range e.Features {
		cv.Features = append(cv.Features, aphttp.NameValue{Name: f.Name, Value: pageValue(f.Value)})
	}
	return cv, nil
}

// pageValue turns a store's value into one the dashboard formats: numbers
// as float64 (NaN as missing), dates as time.Time in UTC.
func pageValue(v any) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) {
			return nil
		}
	case float32:
		return float64(x)
	case int:
		return float64(x)
	case int32:
		return float64(x)
	case int64:
		return float64(x)
	case time.Time:
		return x.UTC()
	case string:
		if t, err := time.Parse(time.RFC3339, x); err == nil {
			return t.UTC()
		}
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = pageValue(e)
		}
		return out
	}
	return v
}

// Declared returns the declared personas of the configuration.
func (w *workspaceAPI) Declared(ctx context.Context) ([]aphttp.DeclaredPersona, error) {
	var out []aphttp.DeclaredPersona
	for _, d := range w.config().Declared {
		p := aphttp.DeclaredPersona{Name: d.Name, Description: d.Description}
		for _, c := range d.Conditions {
			p.Conditions = append(p.Conditions, aphttp.NamedCondition{Name: c.Name, Expr: c.Expr})
		}
		out = append(out, p)
	}
	return out, nil
}

// SaveDeclared checks the persona's conditions against the last build's
// features, writes the configuration file and uses it from now on.
func (w *workspaceAPI) SaveDeclared(ctx context.Context, old string, p aphttp.DeclaredPersona) error {
	d := config.DeclaredPersona{Name: strings.TrimSpace(p.Name), Description: strings.TrimSpace(p.Description)}
	for _, c := range p.Conditions {
		d.Conditions = append(d.Conditions, segments.Rule{Name: strings.TrimSpace(c.Name), Expr: strings.TrimSpace(c.Expr)})
	}
	// Type-check the conditions where the audit will run them.
	if cols, _, err := builtTraits(ctx, w.s); err == nil {
		if _, err := segments.CompileRules(d.Conditions, ruleVars(cols)); err != nil {
			return antipersona.Errorf(antipersona.EINVALID, "declared persona %q: %v", d.Name, err)
		}
	} else if antipersona.ErrorCode(err) != antipersona.ENOTFOUND {
		return err
	}
	return w.editDeclared(func(list []config.DeclaredPersona) ([]config.DeclaredPersona, error) {
		at := -1
		for i, x := range list {
			if old != "" && x.Name == old {
				at = i
			} else if x.Name == d.Name {
				return nil, antipersona.Errorf(antipersona.ECONFLICT, "another declared persona is named %q", d.Name)
			}
		}
		if old == "" {
			return append(list, d), nil
		}
		if at < 0 {
			return nil, antipersona.Errorf(antipersona.ENOTFOUND, "no declared persona %q (it may have been removed meanwhile)", old)
		}
		list[at] = d
		return list, nil
	})
}

// DeleteDeclared removes a declared persona from the configuration.
func (w *workspaceAPI) DeleteDeclared(ctx context.Context, name string) error {
	return w.editDeclared(func(list []config.DeclaredPersona) ([]config.DeclaredPersona, error) {
		i := slices.IndexFunc(list, func(d config.DeclaredPersona) bool { return d.Name == name })
		if i < 0 {
			return nil, antipersona.Errorf(antipersona.ENOTFOUND, "no declared persona %q", name)
		}
		return slices.Delete(list, i, i+1), nil
	})
}

// editDeclared changes the declared personas of the configuration file
// (the rest of the file, comments included, stays) and of the served
// configuration, under the configuration's lock; the file is replaced
// atomically.
func (w *workspaceAPI) editDeclared(change func([]config.DeclaredPersona) ([]config.DeclaredPersona, error)) error {
	w.cfgMu.Lock()
	defer w.cfgMu.Unlock()
	path := filepath.Join(w.dir, config.FileName)
	doc, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	cur, err := config.Parse(strings.NewReader(string(doc)))
	if err != nil {
		return err
	}
	list, err := change(slices.Clone(cur.Declared))
	if err != nil {
		return err
	}
	out, err := config.SetDeclared(doc, list)
	if err != nil {
		return antipersona.Errorf(antipersona.EINVALID, "%v", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, out, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	w.cfg.Declared = list
	w.forgetPages(true)
	return nil
}

// SetTeamAnswer stores the team's answer to a worksheet question.
func (w *workspaceAPI) SetTeamAnswer(ctx context.Context, question, text string) error {
	if !slices.ContainsFunc(worksheetQuestions, func(q worksheetQuestion) bool { return q.ID == question }) {
		return antipersona.Errorf(antipersona.EINVALID, "no worksheet question %q", question)
	}
	team, err := loadTeamAnswers(ctx, w.s)
	if err != nil {
		return err
	}
	if text = strings.TrimSpace(text); text == "" {
		delete(team, question)
	} else {
		team[question] = text
	}
	js, err := json.Marshal(team)
	if err != nil {
		return err
	}
	if err := w.s.SetMeta(ctx, teamAnswersKey, string(js)); err != nil {
		return err
	}
	w.forgetPages(false)
	return nil
}

// AudienceList lists the audiences with their last export.
func (w *workspaceAPI) AudienceList(ctx context.Context) ([]aphttp.AudienceInfo, error) {
	es, err := w.s.AudienceExports(ctx)
	if err != nil {
		return nil, err
	}
	last := lastExports(es)
	names := make([]string, 0, len(last))
	for n := range last {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]aphttp.AudienceInfo, 0, len(names))
	for _, n := range names {
		info := aphttp.AudienceInfo{Spec: aphttp.AudienceSpec{Name: n, Format: last[n].Format, Incremental: last[n].Incremental}, LastExport: last[n]}
		if sp, err := w.audienceSpec(ctx, n); err != nil {
			return nil, err
		} else if sp != nil {
			info.Spec = *sp
		}
		_, ferr := w.audienceFile(last[n], n, false)
		info.Downloadable = ferr == nil
		out = append(out, info)
	}
	return out, nil
}

// PreviewAudience counts who the audience would hold in the last build.
func (w *workspaceAPI) PreviewAudience(ctx context.Context, spec aphttp.AudienceSpec) (*aphttp.AudiencePreview, error) {
	name := spec.Name
	if name == "" {
		name = "preview"
	}
	if spec.Format == "" {
		spec.Format = "csv"
	}
	actions, err := checkAudience(audienceFlags{name: name, format: spec.Format, actions: spec.Actions, out: "preview"})
	if err != nil {
		return nil, err
	}
	chosen, build, err := chooseContacts(ctx, w.s, actions, spec.Persona, spec.Where)
	if err != nil {
		return nil, err
	}
	pv := &aphttp.AudiencePreview{Spec: spec, Build: build, Contacts: len(chosen), ByAction: map[string]int{}}
	ids := make([]string, 0, len(chosen))
	for id, r := range chosen {
		pv.ByAction[string(r.Action)]++
		if !math.IsNaN(r.ExpectedValue) {
			pv.ExpectedValue += r.ExpectedValue
		}
		ids = append(ids, id)
	}
	sort.Strings(ids)
	pv.Sample = ids[:min(10, len(ids))]
	return pv, nil
}

// stageReporter reports a build's stages to ctx's progress (the server's
// build jobs), numbered in the order runBuild passes them.
type stageReporter struct {
	ctx  context.Context
	step int
}

// buildStages are the stages of a build, in order.
var buildStages = []string{"clv", "features", "personas", "propensity", "next_purchase", "decisions"}

func (r *stageReporter) enter(stage string) {
	i := slices.Index(buildStages, stage)
	if i < 0 {
		panic("unknown build stage " + strconv.Quote(stage))
	}
	r.step = i
	antipersona.ReportProgress(r.ctx, stage, i, len(buildStages))
}
