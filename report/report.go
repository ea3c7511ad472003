// Package report renders the antipersona report: one self-contained HTML
// file, in English, Polish, Vietnamese or Georgian, that a marketer opens
// in a browser or prints to PDF.
//
// The file makes no request of any kind: the CSS is inline, the charts are
// inline SVG drawn here, avatars are data: URIs, there is no script and no
// web font, and a Content-Security-Policy meta tag forbids everything else.
// Every label comes from the i18n catalogs; numbers, money and dates are
// formatted for the language.
//
//go:generate go test -run TestGolden -update
package report

import (
	"bytes"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/antipersona/antipersona/i18n"
)

//go:embed report.html.tmpl report.css
var files embed.FS

// styles is the report's style sheet, inlined in its <style> element.
var styles = func() string {
	b, err := files.ReadFile("report.css")
	if err != nil {
		panic(err)
	}
	return string(b)
}()

// Styles returns the report's CSS: the rules of its sections, cards,
// charts and tables, for pages (the dashboard) that show sections of it.
func Styles() string { return styles }

// page is the parsed template; the functions are bound per render.
var pageTemplate = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"t":   func(string) string { return "" },
	"css": func() template.CSS { return template.CSS(styles) }, //nolint:gosec // our own embedded file
}).ParseFS(files, "report.html.tmpl"))

// Render writes the report of d in lang (one of i18n.Supported) to w as
// one HTML document.
//
// It returns an *i18n.UnsupportedError for an unknown language, an error
// for a nil d, and an *i18n.MissingError when a label the report needs has
// no translation in lang (the catalog tests rule that out). Nothing is
// written to w unless the whole report rendered. Render is safe for
// concurrent use.
func Render(w io.Writer, d *Data, lang string) error {
	if d == nil {
		return errors.New("render report: no data")
	}
	loc, err := i18n.New(lang)
	if err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	var buf bytes.Buffer
	if err := render(&buf, d, loc); err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	if err := loc.Err(); err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

func render(w io.Writer, d *Data, loc *i18n.Localizer) error {
	tmpl, err := bind(loc)
	if err != nil {
		return err
	}
	b := &builder{d: d, l: loc}
	return tmpl.Execute(w, b.view())
}

// bind returns a copy of the template whose t function translates with loc.
func bind(loc *i18n.Localizer) (*template.Template, error) {
	tmpl, err := pageTemplate.Clone()
	if err != nil {
		return nil, err
	}
	return tmpl.Funcs(template.FuncMap{"t": func(id string) string { return loc.T(id, nil) }}), nil
}

// SectionIDs returns the ids of the report's sections, in order: overview,
// personas, negatives, rfm, segments, decisions, budget, changes, audit,
// worksheet. The caller may modify the returned slice.
func SectionIDs() []string { return append([]string(nil), sectionIDs...) }

// Sections renders the sections ids (see SectionIDs) of the report of d in
// lang, each as the <section> element the report holds, in the order
// given. The HTML needs the report's Styles. Errors are those of Render,
// and an error for an unknown id; nothing is written unless every section
// rendered.
func Sections(w io.Writer, d *Data, lang string, ids ...string) error {
	if d == nil {
		return errors.New("render report sections: no data")
	}
	loc, err := i18n.New(lang)
	if err != nil {
		return fmt.Errorf("render report sections: %w", err)
	}
	tmpl, err := bind(loc)
	if err != nil {
		return err
	}
	v := (&builder{d: d, l: loc}).view()
	var buf bytes.Buffer
	for i, id := range ids {
		if !slices.Contains(sectionIDs, id) {
			return fmt.Errorf("render report sections: no section %q", id)
		}
		if i > 0 {
			buf.WriteByte('\n')
		}
		if err := tmpl.ExecuteTemplate(&buf, "section."+id, v); err != nil {
			return fmt.Errorf("render report section %s: %w", id, err)
		}
	}
	if err := loc.Err(); err != nil {
		return fmt.Errorf("render report sections: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// Cards renders the card of every persona and negative persona of d in
// lang (the <article> elements the report shows), by persona id. Errors
// are those of Render.
func Cards(d *Data, lang string) (map[string]string, error) {
	if d == nil {
		return nil, errors.New("render persona cards: no data")
	}
	loc, err := i18n.New(lang)
	if err != nil {
		return nil, fmt.Errorf("render persona cards: %w", err)
	}
	tmpl, err := bind(loc)
	if err != nil {
		return nil, err
	}
	b := &builder{d: d, l: loc}
	out := make(map[string]string, len(d.Personas)+len(d.Negatives))
	var buf bytes.Buffer
	for i, p := range append(append([]Persona(nil), d.Personas...), d.Negatives...) {
		buf.Reset()
		if err := tmpl.ExecuteTemplate(&buf, "card", b.card(p, i >= len(d.Personas))); err != nil {
			return nil, fmt.Errorf("render persona card %s: %w", p.ID, err)
		}
		out[p.ID] = buf.String()
	}
	if err := loc.Err(); err != nil {
		return nil, fmt.Errorf("render persona cards: %w", err)
	}
	return out, nil
}

// builder turns Data into the view the template prints.
type builder struct {
	d *Data
	l *i18n.Localizer
}

type view struct {
	Lang, Title, Meta, MetaPrevious string
	Sections                        []sectionLink
	KPIs                            []kpi
	Waste                           string
	Personas, Negatives             []card
	RFM                             template.HTML
	RFMLegend                       string
	Segments                        *segmentsView
	Decisions                       *decisionsView
	Budget                          *budgetView
	Changes                         *changesView
	Audit                           []auditView
	Worksheet                       []worksheetRow
}

type sectionLink struct{ ID, Title string }

type kpi struct{ Label, Value string }

type card struct {
	ID, Name, Label, KindLabel, Description string
	Negative                                bool
	Avatar                                  template.URL
	AvatarAlt                               string
	Facts                                   []kpi
	RateChart                               template.HTML
	Traits                                  []kpi
	Handling                                string
}

type segmentsView struct {
	Chart template.HTML
	Rows  []row
}

type row []string

type decisionsView struct {
	Share, Contacts, Value template.HTML
	Rows                   []decisionRow
	Total                  row
}

type decisionRow struct {
	Action, Help               string
	Contacts, Share, EV, Spend string
}

type budgetView struct {
	Totals           []kpi
	Groups, Channels template.HTML
	GroupRows        []row
	ChannelRows      []row
	Campaigns        template.HTML
	CampaignRows     []row
	HasGroups        bool
	HasChannels      bool
	HasCampaigns     bool
	WhatIf           *whatIfView
}

type whatIfView struct {
	Summary    string
	Facts      []kpi
	Chart, ROI template.HTML
}

type changesView struct {
	Builds     string
	Facts      []kpi
	Matrix     template.HTML
	HasMatrix  bool
	Reasons    template.HTML
	ReasonRows []row
	Drift      []row
}

type auditView struct {
	Persona, Verdict string
	Facts            []kpi
	Chart            template.HTML
	Conditions       []row
}

type worksheetRow struct {
	Question, DataAnswer, TeamAnswer, Contacts, Share string
	NoTeamAnswer                                      bool
}

var sectionIDs = []string{"overview", "personas", "negatives", "rfm", "segments", "decisions", "budget", "changes", "audit", "worksheet"}

func (b *builder) t(id string, kv ...any) string {
	if len(kv) == 0 {
		return b.l.T(id, nil)
	}
	data := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		data[kv[i].(string)] = kv[i+1]
	}
	return b.l.T(id, data)
}

// code translates a code from data with the catalog id prefix+code, or
// returns the code itself when the catalog has no such entry.
func (b *builder) code(prefix, code string) string {
	if code != "" && b.l.Has(prefix+code) {
		return b.l.T(prefix+code, nil)
	}
	return code
}

func (b *builder) action(a string) string {
	if b.l.Has("action." + a) {
		return b.l.T("action."+a, nil)
	}
	return b.code("changes.state.", a)
}

func (b *builder) reason(code string) string {
	if b.l.Has("reason." + code) {
		return b.l.T("reason."+code, nil)
	}
	return b.t("reason.unknown", "Code", code)
}

var nonAlnum = regexp.MustCompile(`[^a-z0-9]+`)

// Slug turns a segment, lifecycle or tag name as the data holds it ("Can't
// lose them") into the code its catalog ids use ("cant_lose_them").
func Slug(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer("'", "", "’", "").Replace(s)
	return strings.Trim(nonAlnum.ReplaceAllString(s, "_"), "_")
}

// headline writes conditions in the report's language (see Headline).
func (b *builder) headline(conds []Condition) string {
	parts := make([]string, 0, len(conds))
	for _, c := range conds {
		parts = append(parts, condition(b.l, c))
	}
	return strings.Join(parts, ", ")
}

func (b *builder) money(v float64) string { return b.l.Money(v, b.d.Currency) }
func (b *builder) pct(v float64) string   { return b.l.Percent(v, 1) }
func (b *builder) count(n int) string     { return b.l.Plural("count.contacts", n, nil) }

// pvalue prints a p-value with 3 decimals, or "< 0.001".
func (b *builder) pvalue(p float64) string {
	if p < 0.001 {
		return "<\u00a0" + b.l.Number(0.001, 3)
	}
	return b.l.Number(p, 3)
}

func (b *builder) lift(v float64) string {
	return b.t("persona.lift_value", "Lift", b.l.Number(v, 1))
}

// compactMoney prints an axis tick: money without decimals.
func (b *builder) tickMoney(v float64) string { return b.l.Number(v, 0) }
func (b *builder) tickInt(v float64) string   { return b.l.Number(v, 0) }
func (b *builder) tickPct(v float64) string {
	return b.l.Percent(v, decimalsFor(v*100))
}

// decimalsFor returns how many decimals v needs to print a tick exactly
// (at most 2).
func decimalsFor(v float64) int {
	for d := 0; d < 2; d++ {
		p := math.Pow(10, float64(d))
		if math.Abs(math.Round(v*p)-v*p) < 1e-6 {
			return d
		}
	}
	return 2
}

func (b *builder) view() *view {
	d := b.d
	v := &view{Lang: b.l.Lang()}
	v.Title = b.t("report.title", "Workspace", d.Workspace)
	v.Meta = b.t("report.meta", "AsOf", b.l.Date(d.AsOf), "Build", strconv.FormatInt(d.BuildID, 10), "Generated", b.l.DateTime(d.GeneratedAt))
	if p := d.Overview.PreviousBuild; p != nil {
		v.MetaPrevious = b.t("report.meta_previous", "Build", strconv.FormatInt(*p, 10))
	}
	for _, id := range sectionIDs {
		v.Sections = append(v.Sections, sectionLink{ID: id, Title: b.t("section." + id + ".title")})
	}
	b.overview(v)
	for _, p := range d.Personas {
		v.Personas = append(v.Personas, b.card(p, false))
	}
	for _, p := range d.Negatives {
		v.Negatives = append(v.Negatives, b.card(p, true))
	}
	if len(d.RFM) > 0 {
		v.RFM = b.rfm()
		v.RFMLegend = b.t("rfm.legend")
	}
	v.Segments = b.segments()
	v.Decisions = b.decisions()
	v.Budget = b.budget()
	v.Changes = b.changes()
	for _, a := range d.Audit {
		v.Audit = append(v.Audit, b.audit(a))
	}
	for _, w := range d.Worksheet {
		r := worksheetRow{
			Question:   b.code("worksheet.q.", w.Question),
			DataAnswer: w.DataAnswer, TeamAnswer: w.TeamAnswer,
			Contacts: b.count(w.Contacts), Share: b.pct(w.Share),
		}
		if r.DataAnswer == "" && w.Group != nil {
			r.DataAnswer = b.t("worksheet.data_answer", "Group", b.headline(w.Group.Conditions), "Rate", b.pct(w.Group.Rate),
				"Base", b.pct(w.Group.BaseRate), "Contacts", b.count(w.Group.Size))
		}
		if strings.TrimSpace(w.TeamAnswer) == "" {
			r.TeamAnswer, r.NoTeamAnswer = b.t("worksheet.no_team_answer"), true
		}
		v.Worksheet = append(v.Worksheet, r)
	}
	return v
}

func (b *builder) overview(v *view) {
	o := b.d.Overview
	if o == (Overview{}) && len(b.d.Personas) == 0 && len(b.d.Negatives) == 0 {
		return
	}
	rate := 0.0
	if o.Contacts > 0 {
		rate = float64(o.Buyers) / float64(o.Contacts)
	}
	v.KPIs = []kpi{
		{b.t("overview.contacts"), b.l.Int(o.Contacts)},
		{b.t("overview.buyers"), b.l.Int(o.Buyers)},
		{b.t("overview.buyer_rate"), b.pct(rate)},
		{b.t("overview.revenue"), b.money(o.Revenue)},
		{b.t("overview.spend"), b.money(o.Spend)},
		{b.t("overview.profit"), b.money(o.Profit)},
		{b.t("overview.negative_share"), b.pct(o.NegativeSpendShare)},
		{b.t("overview.personas"), b.l.Int(len(b.d.Personas))},
		{b.t("overview.negatives"), b.l.Int(len(b.d.Negatives))},
	}
	if o.Spend > 0 && o.NegativeSpendShare > 0 {
		v.Waste = b.t("overview.waste", "Share", b.pct(o.NegativeSpendShare), "Amount", b.money(o.Spend*o.NegativeSpendShare))
	}
}

func (b *builder) card(p Persona, negative bool) card {
	c := card{ID: p.ID, Name: p.Name, Label: p.Label, Description: p.Description, Negative: negative}
	if negative {
		c.KindLabel = b.t("persona.kind.negative")
		if k := b.code("negative_kind.", p.NegativeKind); k != "" && k != p.NegativeKind {
			if p.Label == "" || p.Label == k {
				c.Label = k
			} else {
				c.Label = k + " · " + p.Label
			}
		}
		if p.Handling != "" {
			c.Handling = b.code("handling.", p.Handling)
		}
	} else {
		c.KindLabel = b.t("persona.kind.positive")
	}
	c.Avatar = avatarURI(p)
	c.AvatarAlt = b.t("persona.avatar_alt", "Name", p.Name)
	rateLabel := b.t("persona.rate.positive")
	colour := colBlue
	if negative {
		rateLabel, colour = b.t("persona.rate.negative"), colVermil
	}
	c.Facts = []kpi{
		{b.t("persona.size"), b.count(p.Size)},
		{b.t("persona.share"), b.pct(p.Share)},
		{rateLabel, b.t("persona.vs_base", "Rate", b.pct(p.TargetRate), "Base", b.pct(p.BaseRate))},
		{b.t("persona.lift"), b.lift(p.Lift)},
		{b.t("persona.p_adjusted"), b.pvalue(p.PAdjusted)},
	}
	title := b.t("persona.rate_chart", "Label", rateLabel, "Rate", b.pct(p.TargetRate), "Base", b.pct(p.BaseRate))
	c.RateChart = barChart(title, []bar{
		{Label: b.t("persona.this_group"), Value: p.TargetRate, Text: b.pct(p.TargetRate), Colour: colour},
		{Label: b.t("persona.everyone"), Value: p.BaseRate, Text: b.pct(p.BaseRate), Colour: colGrey},
	}, barOpts{Width: 290, LabelW: 80, RowH: 22, ValueW: 52, Tick: b.tickPct, Class: "mini"})
	for _, tr := range p.Traits {
		c.Traits = append(c.Traits, kpi{tr.Label, b.lift(tr.Lift)})
	}
	return c
}

// avatarURI embeds the persona's SVG avatar as a data: URI, or draws its
// initial when there is none.
func avatarURI(p Persona) template.URL {
	svg := p.AvatarSVG
	if strings.TrimSpace(svg) == "" {
		initial := "?"
		for _, r := range p.Name {
			initial = string(unicode.ToUpper(r))
			break
		}
		bg := "#dfe7f2"
		if p.Kind == "negative" {
			bg = "#f6dfd6"
		}
		svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="32" fill="` + bg +
			`"/><text x="32" y="42" font-family="sans-serif" font-size="28" text-anchor="middle" fill="#1f2430">` + esc(initial) + `</text></svg>`
	}
	return template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString([]byte(svg))) //nolint:gosec // our own SVG, as an image
}

func (b *builder) rfm() template.HTML {
	const n = 5
	var cells [n][n]*RFMCell
	maxC := 0
	for i := range b.d.RFM {
		c := &b.d.RFM[i]
		if c.Recency < 1 || c.Recency > n || c.Frequency < 1 || c.Frequency > n {
			continue
		}
		cells[n-c.Recency][c.Frequency-1] = c
		maxC = max(maxC, c.Contacts)
	}
	rows := make([]string, n)
	cols := make([]string, n)
	grid := make([][]cell, n)
	for i := range n {
		rows[i] = "R" + strconv.Itoa(n-i)
		cols[i] = "F" + strconv.Itoa(i+1)
		grid[i] = make([]cell, n)
		for j := range n {
			c := cells[i][j]
			if c == nil {
				grid[i][j] = cell{Empty: true, Lines: []string{"–"}}
				continue
			}
			seg := b.code("rfm_segment.", Slug(c.Segment))
			if seg == Slug(c.Segment) {
				seg = c.Segment
			}
			w := 0.0
			if maxC > 0 {
				w = float64(c.Contacts) / float64(maxC)
			}
			grid[i][j] = cell{
				Lines:  []string{b.l.Int(c.Contacts), b.money(c.Revenue), seg},
				Title:  b.t("rfm.cell", "R", c.Recency, "F", c.Frequency, "Contacts", b.count(c.Contacts), "Revenue", b.money(c.Revenue), "Segment", seg),
				Weight: w,
			}
		}
	}
	return gridChart(b.t("rfm.chart"), b.t("rfm.recency"), b.t("rfm.frequency"), rows, cols, grid, 124, 56, "heat")
}

func (b *builder) segments() *segmentsView {
	if len(b.d.Segments) == 0 {
		return nil
	}
	sv := &segmentsView{}
	var bars []bar
	for _, s := range b.d.Segments {
		name := s.Name
		switch s.Kind {
		case "rfm":
			if t := b.code("rfm_segment.", Slug(s.Name)); t != Slug(s.Name) {
				name = t
			}
		case "lifecycle", "tag":
			if t := b.code(s.Kind+".", Slug(s.Name)); t != Slug(s.Name) {
				name = t
			}
		}
		kind := b.code("segment.kind.", s.Kind)
		bars = append(bars, bar{Label: name, Value: float64(s.Contacts), Text: b.l.Int(s.Contacts) + " · " + b.pct(s.Share), Colour: colBlue})
		sv.Rows = append(sv.Rows, row{name, kind, b.l.Int(s.Contacts), b.pct(s.Share)})
	}
	sv.Chart = barChart(b.t("segments.chart"), bars, barOpts{Width: 720, LabelW: 200, Axis: b.t("chart.contacts"), Tick: b.tickInt})
	return sv
}

func (b *builder) decisions() *decisionsView {
	if len(b.d.Decisions) == 0 {
		return nil
	}
	dv := &decisionsView{}
	total := 0
	var ev, spend float64
	for _, x := range b.d.Decisions {
		total += x.Contacts
		ev += x.ExpectedValue
		spend += x.Spend
	}
	var cbars, vbars []bar
	var segs []segment
	for _, x := range b.d.Decisions {
		name := b.action(x.Action)
		colour := actionColour[x.Action]
		if colour == "" {
			colour = colGrey
		}
		share := 0.0
		if total > 0 {
			share = float64(x.Contacts) / float64(total)
		}
		dv.Rows = append(dv.Rows, decisionRow{
			Action: name, Help: b.code("action_help.", x.Action),
			Contacts: b.l.Int(x.Contacts), Share: b.pct(share), EV: b.money(x.ExpectedValue), Spend: b.money(x.Spend),
		})
		if dv.Rows[len(dv.Rows)-1].Help == x.Action {
			dv.Rows[len(dv.Rows)-1].Help = ""
		}
		cbars = append(cbars, bar{Label: name, Value: float64(x.Contacts), Text: b.l.Int(x.Contacts), Colour: colour})
		vbars = append(vbars, bar{Label: name, Value: x.ExpectedValue, Text: b.money(x.ExpectedValue), Colour: colour})
		segs = append(segs, segment{Label: name, Text: b.count(x.Contacts) + " (" + b.pct(share) + ")", Inner: b.l.Percent(share, 0), Value: float64(x.Contacts), Colour: colour})
	}
	dv.Total = row{b.t("decisions.total"), b.l.Int(total), b.pct(1), b.money(ev), b.money(spend)}
	dv.Share = stackedBar(b.t("decisions.chart_contacts"), segs, 720)
	dv.Contacts = barChart(b.t("decisions.chart_contacts"), cbars, barOpts{Width: 720, LabelW: 170, Axis: b.t("chart.contacts"), Tick: b.tickInt})
	dv.Value = barChart(b.t("decisions.chart_value"), vbars, barOpts{Width: 720, LabelW: 170, Axis: b.t("chart.amount", "Currency", b.d.Currency), Tick: b.tickMoney})
	return dv
}

func (b *builder) groupName(g BudgetGroup) string {
	switch g.Kind {
	case "action":
		return b.action(g.Name)
	case "none":
		if g.Name == "" {
			return b.t("budget.no_persona")
		}
	}
	return g.Name
}

func (b *builder) budgetChart(title string, gs []BudgetGroup) (template.HTML, []row) {
	ss := []series{{b.t("col.spend"), colVermil}, {b.t("col.revenue"), colBlue}}
	var groups []group
	var rows []row
	for _, g := range gs {
		name := b.groupName(g)
		groups = append(groups, group{Label: name, Values: []float64{g.Spend, g.Revenue}, Texts: []string{b.money(g.Spend), b.money(g.Revenue)}})
		kind := ""
		if g.Kind != "" {
			kind = b.code("budget.group_kind.", g.Kind)
		}
		rows = append(rows, row{name, kind, b.l.Int(g.Contacts), b.money(g.Spend), b.money(g.Revenue), b.money(g.Profit), b.l.Percent(g.ROI, 0)})
	}
	chart := groupedBarChart(b.t("budget.chart", "Title", title), ss, groups, barOpts{Width: 760, LabelW: 170, Axis: b.t("chart.amount", "Currency", b.d.Currency), Tick: b.tickMoney})
	return chart, rows
}

func (b *builder) budget() *budgetView {
	bd := b.d.Budget
	if bd == nil {
		return nil
	}
	bv := &budgetView{Totals: []kpi{
		{b.t("budget.total"), b.money(bd.TotalSpend)},
		{b.t("budget.allocated"), b.money(bd.AllocatedSpend)},
		{b.t("budget.unallocated"), b.money(bd.UnallocatedSpend)},
	}}
	if len(bd.Groups) > 0 {
		bv.HasGroups = true
		bv.Groups, bv.GroupRows = b.budgetChart(b.t("budget.by_group"), bd.Groups)
	}
	if len(bd.ByChannel) > 0 {
		bv.HasChannels = true
		bv.Channels, bv.ChannelRows = b.budgetChart(b.t("budget.by_channel"), bd.ByChannel)
	}
	if len(bd.ByCampaign) > 0 {
		bv.HasCampaigns = true
		bv.Campaigns, bv.CampaignRows = b.budgetChart(b.t("budget.by_campaign"), bd.ByCampaign)
	}
	if w := bd.WhatIf; w != nil {
		iv := b.t("whatif.interval")
		bv.WhatIf = &whatIfView{
			Summary: b.t("whatif.summary", "Contacts", b.count(w.Contacts), "Saved", b.money(w.Saved), "Lost", b.money(w.LostRevenue), "Low", b.money(w.LostRevenueLow), "High", b.money(w.LostRevenueHigh)),
			Facts: []kpi{
				{b.t("whatif.contacts"), b.l.Int(w.Contacts)},
				{b.t("whatif.saved"), b.money(w.Saved)},
				{b.t("whatif.lost_revenue"), b.money(w.LostRevenue)},
				{iv, b.money(w.LostRevenueLow) + " – " + b.money(w.LostRevenueHigh)},
				{b.t("whatif.lost_profit"), b.money(w.LostProfit)},
				{b.t("whatif.roi_before"), b.l.Percent(w.ROIBefore, 0)},
				{b.t("whatif.roi_after"), b.l.Percent(w.ROIAfter, 0)},
			},
			Chart: intervalChart(b.t("whatif.chart"), []interval{
				{Label: b.t("whatif.lost_revenue"), Est: w.LostRevenue, Low: w.LostRevenueLow, High: w.LostRevenueHigh, Colour: colBlue,
					Text: b.money(w.LostRevenue) + " (" + b.money(w.LostRevenueLow) + " – " + b.money(w.LostRevenueHigh) + ")"},
				{Label: b.t("whatif.saved"), Est: w.Saved, Low: w.Saved, High: w.Saved, Colour: colVermil, Text: b.money(w.Saved)},
			}, barOpts{Width: 760, LabelW: 170, Axis: b.t("chart.amount", "Currency", b.d.Currency), Tick: b.tickMoney, Class: "interval"}),
			ROI: barChart(b.t("whatif.roi_chart"), []bar{
				{Label: b.t("whatif.roi_before"), Value: w.ROIBefore, Text: b.l.Percent(w.ROIBefore, 0), Colour: colGrey},
				{Label: b.t("whatif.roi_after"), Value: w.ROIAfter, Text: b.l.Percent(w.ROIAfter, 0), Colour: colGreen},
			}, barOpts{Width: 760, LabelW: 170, Axis: b.t("col.roi"), Tick: b.tickPct}),
		}
	}
	return bv
}

func (b *builder) changes() *changesView {
	ch := b.d.Changes
	if ch == nil {
		return nil
	}
	cv := &changesView{
		Builds: b.t("changes.builds", "From", strconv.FormatInt(ch.FromBuild, 10), "FromDate", b.l.Date(ch.FromAsOf),
			"To", strconv.FormatInt(ch.ToBuild, 10), "ToDate", b.l.Date(ch.ToAsOf)),
		Facts: []kpi{
			{b.t("changes.reinstated"), b.count(ch.Reinstated)},
			{b.t("changes.newly_excluded"), b.count(ch.NewlyExcluded)},
		},
	}
	m := ch.Matrix
	if len(m.Rows) > 0 && len(m.Cols) > 0 {
		cv.HasMatrix = true
		rows := make([]string, len(m.Rows))
		cols := make([]string, len(m.Cols))
		for i, r := range m.Rows {
			rows[i] = b.action(r)
		}
		for j, c := range m.Cols {
			cols[j] = b.action(c)
		}
		maxC := 0
		for _, r := range m.Counts {
			for _, n := range r {
				maxC = max(maxC, n)
			}
		}
		grid := make([][]cell, len(rows))
		for i := range rows {
			grid[i] = make([]cell, len(cols))
			for j := range cols {
				n := 0
				if i < len(m.Counts) && j < len(m.Counts[i]) {
					n = m.Counts[i][j]
				}
				w := 0.0
				if maxC > 0 {
					w = math.Sqrt(float64(n) / float64(maxC)) // sqrt: the off-diagonal flows stay visible
				}
				grid[i][j] = cell{
					Lines:  []string{b.l.Int(n)},
					Title:  b.t("changes.cell", "From", rows[i], "To", cols[j], "Count", b.count(n)),
					Weight: w,
					Mark:   m.Rows[i] == m.Cols[j],
				}
			}
		}
		cv.Matrix = gridChart(b.t("changes.matrix"), b.t("changes.from"), b.t("changes.to"), rows, cols, grid, 110, 40, "matrix")
	}
	if len(ch.ReinstatedReasons) > 0 {
		var bars []bar
		for _, r := range ch.ReinstatedReasons {
			name := b.reason(r.Reason)
			bars = append(bars, bar{Label: name, Value: float64(r.Contacts), Text: b.l.Int(r.Contacts), Colour: colGreen})
			cv.ReasonRows = append(cv.ReasonRows, row{name, b.l.Int(r.Contacts)})
		}
		cv.Reasons = barChart(b.t("changes.reasons"), bars, barOpts{Width: 760, LabelW: 300, Axis: b.t("chart.contacts"), Tick: b.tickInt})
	}
	for _, dr := range ch.Drift {
		delta := dr.RateAfter - dr.RateBefore
		sign := ""
		if delta > 0 {
			sign = "+"
		}
		cv.Drift = append(cv.Drift, row{dr.Name, b.l.Int(dr.SizeBefore), b.l.Int(dr.SizeAfter), b.pct(dr.RateBefore), b.pct(dr.RateAfter),
			b.t("unit.pp", "Value", sign+b.l.Number(delta*100, 1))})
	}
	return cv
}

func (b *builder) audit(a AuditResult) auditView {
	av := auditView{Persona: a.Persona, Verdict: b.code("audit.verdict.", a.Verdict)}
	av.Facts = []kpi{
		{b.t("audit.matched"), b.count(a.Matched)},
		{b.t("audit.conversion"), b.pct(a.Conversion)},
		{b.t("audit.interval"), b.pct(a.ConversionLow) + " – " + b.pct(a.ConversionHigh)},
		{b.t("audit.base"), b.pct(a.BaseConversion)},
	}
	title := b.t("audit.chart", "Persona", a.Persona, "Rate", b.pct(a.Conversion), "Low", b.pct(a.ConversionLow), "High", b.pct(a.ConversionHigh), "Base", b.pct(a.BaseConversion))
	av.Chart = intervalChart(title, []interval{{
		Label: b.t("audit.conversion"), Est: a.Conversion, Low: a.ConversionLow, High: a.ConversionHigh, Colour: colBlue,
		Text:     b.pct(a.Conversion) + " (" + b.pct(a.ConversionLow) + " – " + b.pct(a.ConversionHigh) + ")",
		RefValue: a.BaseConversion, RefLabel: b.t("audit.base") + " " + b.pct(a.BaseConversion), HasRef: true,
	}}, barOpts{Width: 640, LabelW: 130, Tick: b.tickPct, Class: "interval"})
	for _, c := range a.Conditions {
		av.Conditions = append(av.Conditions, row{c.Name, c.Expr, b.lift(c.Lift), b.pvalue(c.PValue), b.code("verdict.", c.Verdict)})
	}
	return av
}
