package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/audit"
	"github.com/antipersona/antipersona/config"
	"github.com/antipersona/antipersona/decide"
	"github.com/antipersona/antipersona/i18n"
	"github.com/antipersona/antipersona/persona"
	"github.com/antipersona/antipersona/report"
	"github.com/antipersona/antipersona/subgroup"
)

func (m *Main) reportCommand() *cobra.Command {
	var lang, out string
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Write the whole picture of the last build as one self-contained HTML file",
		Long: `report writes one HTML file that needs nothing else (no request leaves it: styles and
charts are inline, avatars embedded) and reads well printed to PDF. It holds, for the last
build: the overview (contacts, buyers, revenue, spend, the share of spend on negative
personas), buyer persona and negative persona cards with their avatars, the RFM grid,
segment sizes, the decisions with their counts and value, the budget report with charts
and the what-if, the changes since the previous build (migrations, reinstated contacts by
reason, persona drift), the audit of the declared personas and the worksheet answered from
the data beside the team's answers.

Languages: en, pl, vi, ka (default: locale in antipersona.yaml).`,
		Example: `  antipersona report --out report.html
  antipersona report --lang pl --out raport.html`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, s, err := m.openWorkspace(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			if lang == "" {
				lang = cfg.Locale
			}
			if out == "" {
				return antipersona.Errorf(antipersona.EINVALID, "--out is required (the HTML file to write)")
			}
			path, err := m.writeReport(cmd.Context(), cfg, s, nil, lang, out)
			if err != nil {
				return err
			}
			m.info("Report written to %s", path)
			return nil
		},
	}
	cmd.Flags().StringVar(&lang, "lang", "", "language: "+strings.Join(i18n.Supported(), ", "))
	cmd.Flags().StringVarP(&out, "out", "o", "", "the HTML file to write")
	return cmd
}

// buildViews are the last build's decisions, budget, changes since the
// build before (nil without one), audits of the declared personas and
// worksheet answers: what the report shows and the demo prints, computed
// once.
type buildViews struct {
	decisions *decisionReport
	budget    *budgetReport
	changes   *decide.Changes
	audits    []audit.Report
	worksheet []worksheetAnswer
}

func (m *Main) loadViews(ctx context.Context, cfg config.Config, s store) (*buildViews, error) {
	v := &buildViews{}
	var err error
	if v.decisions, err = decisionReportOf(ctx, s, cfg); err != nil {
		return nil, err
	}
	if v.budget, err = budgetReportOf(ctx, cfg, s); err != nil {
		return nil, err
	}
	if prev, err := s.LastDecisionBuild(ctx, v.decisions.Build.ID); err != nil {
		return nil, err
	} else if prev > 0 {
		if v.changes, err = compareBuilds(ctx, s, prev, v.decisions.Build.ID); err != nil {
			return nil, err
		}
	}
	if len(cfg.Declared) > 0 {
		if v.audits, err = runAudits(ctx, s, cfg.Declared, auditOptions(cfg)); err != nil {
			return nil, err
		}
	}
	if v.worksheet, err = answerWorksheet(ctx, cfg, s); err != nil {
		return nil, err
	}
	return v, nil
}

// writeReport renders the report of the last build in lang to out and
// returns its absolute path. v holds what it shows (nil: computed here).
func (m *Main) writeReport(ctx context.Context, cfg config.Config, s store, v *buildViews, lang, out string) (string, error) {
	if !slices.Contains(i18n.Supported(), lang) {
		return "", antipersona.Errorf(antipersona.EINVALID, "unknown language %q (use %s)", lang, strings.Join(i18n.Supported(), ", "))
	}
	if v == nil {
		var err error
		if v, err = m.loadViews(ctx, cfg, s); err != nil {
			return "", err
		}
	}
	d, err := m.reportData(ctx, cfg, s, v, lang)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := report.Render(&buf, d, lang); err != nil {
		return "", err
	}
	tmp := out + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return "", antipersona.Errorf(antipersona.EINVALID, "cannot write %s: %v", out, err)
	}
	if err := os.Rename(tmp, out); err != nil {
		return "", err
	}
	return filepath.Abs(out)
}

// reportData gathers everything the report shows, with the personas'
// names and headlines written in lang.
func (m *Main) reportData(ctx context.Context, cfg config.Config, s store, v *buildViews, lang string) (*report.Data, error) {
	dr, br := v.decisions, v.budget
	b := dr.Build
	d := &report.Data{Workspace: filepath.Base(m.workspaceDir()), Currency: cfg.Currency, AsOf: b.AsOf, GeneratedAt: m.Now().UTC(), BuildID: b.ID}
	sum, err := s.Summary(ctx, b)
	if err != nil {
		return nil, err
	}
	d.Overview = report.Overview{Contacts: int(sum.Contacts), Buyers: int(sum.Buyers), Revenue: sum.Revenue, Spend: br.TotalSpend, Profit: sum.Profit}
	if br.Negatives.Share != nil {
		d.Overview.NegativeSpendShare = *br.Negatives.Share
	}
	if v.changes != nil {
		d.Overview.PreviousBuild = &v.changes.From.ID
	}

	// Personas and negative personas.
	ps, err := loadPersonas(ctx, s)
	if err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	// shown maps a persona's stored name (in the build's language) to its
	// name and headline in lang, for the budget and the drift.
	shown := map[string]string{}
	shownByID := map[string]string{} // the same by persona id
	loc, err := i18n.New(lang)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		rp := report.Persona{ID: p.ID, Name: p.Name, Label: p.Label, Kind: p.Kind, NegativeKind: p.NegativeKind, Description: p.Description,
			Handling: p.Handling, Size: p.Size, Share: p.Share, TargetRate: p.TargetRate, BaseRate: p.BaseRate, Lift: p.Lift,
			PAdjusted: p.PAdjusted, Target: p.Target, AvatarSVG: p.Avatar}
		name, headline, err := personaTitle(p, lang, cfg.Locale, taken)
		if err != nil {
			return nil, err
		}
		if lang != "en" {
			rp.Description = "" // the analysis writes it in English; the facts below say the same
		}
		if p.Kind == "negative" {
			rp.Name = headline
			kind := p.Label
			if loc.Has("negative_kind." + p.NegativeKind) {
				rp.Label = "" // the card shows the kind in lang
				kind = loc.T("negative_kind."+p.NegativeKind, nil)
			}
			shown[p.Name] = kind + ": " + headline
		} else if p.Card != nil {
			rp.Name, rp.Label = name, headline
			shown[p.Name] = name + ": " + headline
		}
		shownByID[p.ID] = shown[p.Name]
		if p.Card != nil {
			for _, t := range p.Card.Traits {
				rp.Traits = append(rp.Traits, report.Trait{Label: t.Condition, Lift: t.Lift})
			}
		}
		if p.Kind == "negative" {
			d.Negatives = append(d.Negatives, rp)
		} else {
			d.Personas = append(d.Personas, rp)
		}
	}

	// The RFM grid: buyers by recency and frequency score.
	err = s.Scan(ctx, `SELECT g.r_score, g.f_score, count(*), COALESCE(sum(f.monetary), 0), mode(g.rfm_segment)
		FROM segments g JOIN features f USING (contact_id) WHERE g.r_score IS NOT NULL AND g.f_score IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`, func(v []any) error {
		d.RFM = append(d.RFM, report.RFMCell{Recency: int(numOrNaN(v[0])), Frequency: int(numOrNaN(v[1])), Contacts: int(numOrNaN(v[2])),
			Revenue: numOrNaN(v[3]), Segment: fmt.Sprint(v[4])})
		return nil
	})
	if err != nil {
		return nil, err
	}
	segs, err := s.SegmentCounts(ctx)
	if err != nil {
		return nil, err
	}
	for _, g := range segs {
		d.Segments = append(d.Segments, report.SegmentCount{Name: g.Name, Kind: g.Group, Contacts: int(g.Contacts), Share: g.Share})
	}

	// Decisions, with the spend each action's contacts received.
	spend := map[string]float64{}
	for _, g := range br.Groups {
		if g.Kind == "action" {
			spend[g.Name] = g.Spend
		}
	}
	for _, a := range dr.Actions {
		d.Decisions = append(d.Decisions, report.DecisionCount{Action: string(a.Action), Contacts: a.Contacts, ExpectedValue: a.ExpectedValue, Spend: spend[string(a.Action)]})
	}

	// Budget.
	group := func(r budgetRow) report.BudgetGroup {
		g := report.BudgetGroup{Name: r.Name, Kind: r.Kind, Contacts: r.Contacts, Spend: r.Spend, Revenue: r.Revenue, Profit: r.Profit}
		if n, ok := shown[r.Name]; ok && (r.Kind == "persona" || r.Kind == "negative") {
			g.Name = n
		}
		if r.ROI != nil {
			g.ROI = *r.ROI
		}
		return g
	}
	rb := &report.Budget{TotalSpend: br.TotalSpend, AllocatedSpend: br.AllocatedSpend, UnallocatedSpend: br.UnallocatedSpend}
	for _, r := range br.Groups {
		rb.Groups = append(rb.Groups, group(r))
	}
	for _, r := range br.Channels {
		g := group(r)
		g.Name, g.Kind = r.Channel, "channel"
		rb.ByChannel = append(rb.ByChannel, g)
	}
	for _, r := range br.Campaigns {
		g := group(r)
		g.Name, g.Kind = r.Campaign, "campaign"
		rb.ByCampaign = append(rb.ByCampaign, g)
	}
	w := br.WhatIf
	wi := &report.WhatIf{Contacts: w.Contacts, Saved: w.Saved, LostRevenue: w.LostRevenue, LostRevenueLow: w.LostRevenueLow,
		LostRevenueHigh: w.LostRevenueHigh, LostProfit: w.LostProfit}
	if w.ROIBefore != nil {
		wi.ROIBefore = *w.ROIBefore
	}
	if w.ROIAfter != nil {
		wi.ROIAfter = *w.ROIAfter
	}
	rb.WhatIf = wi
	d.Budget = rb

	// Changes since the previous build.
	if v.changes != nil {
		d.Changes = reportChanges(v.changes)
		if err := localDrift(ctx, s, v.changes, d.Changes, shownByID, loc); err != nil {
			return nil, err
		}
	}

	// Audit of the declared personas.
	for _, r := range v.audits {
		a := report.AuditResult{Persona: r.Name, Matched: r.Matched, Conversion: r.ConversionRate, BaseConversion: r.BaseConversionRate,
			ConversionLow: r.ConversionLow, ConversionHigh: r.ConversionHigh}
		switch {
		case r.Matched == 0:
			a.Verdict = "no_match"
		case r.ConversionHigh < r.BaseConversionRate:
			a.Verdict = "worse"
		case r.ConversionLow > r.BaseConversionRate:
			a.Verdict = "better"
		default:
			a.Verdict = "same"
		}
		for _, c := range r.Conditions {
			verdict := "discriminates"
			if c.Pseudo {
				verdict = "pseudo_profiling"
			}
			a.Conditions = append(a.Conditions, report.AuditCondition{Name: c.Name, Expr: c.Expr, Lift: c.Lift, PValue: c.PValue, Verdict: verdict})
		}
		d.Audit = append(d.Audit, a)
	}

	// The worksheet, with the team's answers kept in the store.
	team, err := loadTeamAnswers(ctx, s)
	if err != nil {
		return nil, err
	}
	for _, q := range v.worksheet {
		a := report.WorksheetAnswer{Question: q.ID, Contacts: q.Contacts, Share: q.Share, TeamAnswer: team[q.ID]}
		if len(q.Groups) > 0 {
			g := q.Groups[0]
			a.Group = &report.WorksheetGroup{Conditions: reportConditions(g.Conditions), Size: g.Size, Rate: g.Rate, BaseRate: g.BaseRate}
		}
		d.Worksheet = append(d.Worksheet, a)
	}
	return d, nil
}

// personaTitle returns a persona's first name (buyer personas) and
// headline in lang: the build's own name in the workspace's language
// (locale), another first name of the language otherwise, unique among
// those taken; the headline is its conditions in words of lang.
func personaTitle(p persona.Persona, lang, locale string, taken map[string]bool) (name, headline string, err error) {
	if headline, err = report.Headline(lang, reportConditions(p.Conditions)); err != nil {
		return "", "", err
	}
	if p.Card == nil {
		return p.Name, headline, nil
	}
	name = p.Card.FirstName
	if lang != locale || name == "" {
		name = persona.FirstName(lang, p.Card.Gender, p.ID+" "+headline, taken)
	}
	taken[name] = true
	return name, headline, nil
}

// localDrift names the personas of the drift in the report's language:
// one still in the last build by its title there (byID), one gone by its
// kind and conditions as the earlier build found them.
func localDrift(ctx context.Context, s store, ch *decide.Changes, rc *report.Changes, byID map[string]string, loc *i18n.Localizer) error {
	type snapPersona struct {
		ID           string               `json:"id"`
		Kind         string               `json:"kind"`
		NegativeKind string               `json:"negative_kind"`
		Conditions   []subgroup.Condition `json:"conditions"`
	}
	var old map[string]snapPersona
	for i, dr := range ch.Drift {
		if n, ok := byID[dr.ToID]; ok && dr.ToID != "" {
			rc.Drift[i].Name = n
			continue
		}
		if dr.FromID == "" {
			continue
		}
		if old == nil {
			docs, err := s.PersonaSnapshot(ctx, ch.From.ID)
			if err != nil {
				return err
			}
			old = map[string]snapPersona{}
			for _, doc := range docs {
				var p snapPersona
				if err := json.Unmarshal(doc, &p); err != nil {
					return fmt.Errorf("persona of build #%d: %w", ch.From.ID, err)
				}
				old[p.ID] = p
			}
		}
		p, ok := old[dr.FromID]
		if !ok {
			continue
		}
		conds := p.Conditions
		h, err := report.Headline(loc.Lang(), reportConditions(conds))
		if err != nil {
			return err
		}
		if p.Kind == "negative" && loc.Has("negative_kind."+p.NegativeKind) {
			h = loc.T("negative_kind."+p.NegativeKind, nil) + ": " + h
		}
		rc.Drift[i].Name = h
	}
	return nil
}

// reportConditions converts a persona's or group's conditions.
func reportConditions(cs []subgroup.Condition) []report.Condition {
	out := make([]report.Condition, len(cs))
	for i, c := range cs {
		out[i] = report.Condition{Attribute: c.Attribute, Op: c.Op, Value: c.Value}
	}
	return out
}

// reportChanges turns the changes between builds into the report's form.
func reportChanges(ch *decide.Changes) *report.Changes {
	label := func(s string) string {
		switch s {
		case decide.LabelNew:
			return "new"
		case decide.LabelGone:
			return "gone"
		}
		return s
	}
	mx := report.Matrix{Counts: ch.Actions.Counts}
	for _, r := range ch.Actions.Rows {
		mx.Rows = append(mx.Rows, label(r))
	}
	for _, c := range ch.Actions.Cols {
		mx.Cols = append(mx.Cols, label(c))
	}
	rc := &report.Changes{FromBuild: ch.From.ID, ToBuild: ch.To.ID, FromAsOf: ch.From.AsOf, ToAsOf: ch.To.AsOf, Matrix: mx,
		Reinstated: len(ch.Reinstated), NewlyExcluded: len(ch.NewlyExcluded)}
	for _, r := range ch.ReinstatedReasons {
		rc.ReinstatedReasons = append(rc.ReinstatedReasons, report.ReasonCount{Reason: r.Code, Contacts: r.Contacts})
	}
	for _, p := range ch.Drift {
		rc.Drift = append(rc.Drift, report.PersonaDrift{Name: p.Name, SizeBefore: p.SizeFrom, SizeAfter: p.SizeTo, RateBefore: p.RateFrom, RateAfter: p.RateTo})
	}
	return rc
}
