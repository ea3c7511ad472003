package http

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/i18n"
	"github.com/antipersona/antipersona/report"
)

// uiFuncs are the template functions of a page in loc's language (nil:
// placeholders for parsing).
func uiFuncs(loc *i18n.Localizer) template.FuncMap {
	if loc == nil {
		loc = i18n.MustNew(i18n.Default)
	}
	tr := func(prefix, code string) string {
		if code != "" && loc.Has(prefix+code) {
			return loc.T(prefix+code, nil)
		}
		return code
	}
	return template.FuncMap{
		"t": func(id string) string { return loc.T(id, nil) },
		"tf": func(id string, kv ...any) string {
			data := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				data[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return loc.T(id, data)
		},
		"plural": func(id string, n int) string { return loc.Plural(id, n, nil) },
		"int": func(n any) string {
			switch v := n.(type) {
			case int:
				return loc.Int(v)
			case int64:
				return loc.Int(int(v))
			}
			return fmt.Sprint(n)
		},
		"arr": func(v ...any) []any { return v },
		"inc": func(i int) int { return i + 1 },
		"num": func(v float64, d int) string { return loc.Number(v, d) },
		"money": func(v float64, cur string) string {
			if cur == "" {
				return loc.Number(v, 2)
			}
			return loc.Money(v, cur)
		},
		"pct": func(v float64) string {
			if math.IsNaN(v) {
				return "–"
			}
			return loc.Percent(v, 1)
		},
		"date": func(t time.Time) string {
			if t.IsZero() {
				return "–"
			}
			return loc.Date(t)
		},
		"datetime": func(t time.Time) string { return loc.DateTime(t) },
		"code":     tr,
		"action": func(a any) string {
			return tr("action.", fmt.Sprint(a))
		},
		"reason": func(r antipersona.Reason) string {
			s := tr("reason.", r.Code)
			if s == r.Code {
				s = loc.T("reason.unknown", map[string]any{"Code": r.Code})
			}
			switch {
			case r.Trait != "" && (r.From != "" || r.To != ""):
				s += " (" + r.Trait + ": " + r.From + " → " + r.To + ")"
			case r.Name != "":
				s += " (" + r.Name + ")"
			}
			return s
		},
		"pvalue": func(p float64) string {
			if p < 0.001 {
				return "<\u00a0" + loc.Number(0.001, 3)
			}
			return loc.Number(p, 3)
		},
		"lift": func(v float64) string { return loc.T("persona.lift_value", map[string]any{"Lift": loc.Number(v, 1)}) },
		"signed": func(v float64) string {
			s := loc.Number(v, 2)
			if v > 0 {
				s = "+" + s
			}
			return s
		},
		"isnan": math.IsNaN,
		"value": func(v any) string { return shownValue(loc, v) },
		"deref": func(p *float64) float64 { return *p },
	}
}

// viewOr loads the last build's view; before the first build it renders
// the page that says so and returns nil, nil.
func (s *Server) viewOr(w http.ResponseWriter, r *http.Request, c *uiCall, title string) (*report.Data, error) {
	d, err := c.dashboard()
	if err != nil {
		return nil, err
	}
	v, err := d.View(r.Context(), c.lang)
	if antipersona.ErrorCode(err) == antipersona.ENOTFOUND {
		return nil, s.render(w, r, c, http.StatusOK, "nobuild", title, struct{ CanAnalyse bool }{c.can(antipersona.PermAnalyse)}, 0)
	}
	return v, err
}

// sections renders report sections of v in the reader's language.
func (c *uiCall) sections(v *report.Data, ids ...string) (template.HTML, error) {
	var buf bytes.Buffer
	if err := report.Sections(&buf, v, c.lang, ids...); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil //nolint:gosec // the report's own template output
}

type overviewPage struct {
	Sections             template.HTML
	Build                int64
	AsOf                 time.Time
	Previous             *int64
	Personas, Negatives  int
	CanAnalyse, HasBuild bool
}

func (s *Server) uiOverview(w http.ResponseWriter, r *http.Request, c *uiCall) error {
	title := c.loc.T("nav.overview", nil)
	v, err := s.viewOr(w, r, c, title)
	if v == nil {
		return err
	}
	html, err := c.sections(v, "overview")
	if err != nil {
		return err
	}
	p := overviewPage{Sections: html, Build: v.BuildID, AsOf: v.AsOf, Previous: v.Overview.PreviousBuild,
		Personas: len(v.Personas), Negatives: len(v.Negatives), CanAnalyse: c.can(antipersona.PermAnalyse)}
	return s.render(w, r, c, http.StatusOK, "overview", title, p, 0)
}

// uiReportPage shows report sections as they are.
func (s *Server) uiReportPage(nav string, ids ...string) func(w http.ResponseWriter, r *http.Request, c *uiCall) error {
	return func(w http.ResponseWriter, r *http.Request, c *uiCall) error {
		title := c.loc.T("nav."+nav, nil)
		v, err := s.viewOr(w, r, c, title)
		if v == nil {
			return err
		}
		html, err := c.sections(v, ids...)
		if err != nil {
			return err
		}
		return s.render(w, r, c, http.StatusOK, "report", title, struct{ Sections template.HTML }{html}, 0)
	}
}

type personaLink struct {
	ID   string
	Card template.HTML
}

type personasPage struct {
	Positives, Negatives []personaLink
	Intro, NegIntro      string
}

func (s *Server) uiPersonas(w http.ResponseWriter, r *http.Request, c *uiCall) error {
	title := c.loc.T("nav.personas", nil)
	v, err := s.viewOr(w, r, c, title)
	if v == nil {
		return err
	}
	cards, err := report.Cards(v, c.lang)
	if err != nil {
		return err
	}
	var p personasPage
	for _, x := range v.Personas {
		p.Positives = append(p.Positives, personaLink{ID: x.ID, Card: template.HTML(cards[x.ID])}) //nolint:gosec // the report's own output
	}
	for _, x := range v.Negatives {
		p.Negatives = append(p.Negatives, personaLink{ID: x.ID, Card: template.HTML(cards[x.ID])}) //nolint:gosec // the report's own output
	}
	return s.render(w, r, c, http.StatusOK, "personas", title, p, 0)
}

type personaPage struct {
	Card     template.HTML
	Name     string
	Facts    *PersonaFacts
	Negative bool
}

func (s *Server) uiPersona(w http.ResponseWriter, r *http.Request, c *uiCall) error {
	title := c.loc.T("nav.personas", nil)
	v, err := s.viewOr(w, r, c, title)
	if v == nil {
		return err
	}
	id := r.PathValue("id")
	cards, err := report.Cards(v, c.lang)
	if err != nil {
		return err
	}
	card, ok := cards[id]
	if !ok {
		return antipersona.Errorf(antipersona.ENOTFOUND, "no persona %q in the last build", id)
	}
	d, err := c.dashboard()
	if err != nil {
		return err
	}
	f, err := d.PersonaFacts(r.Context(), id)
	if err != nil {
		return err
	}
	p := personaPage{Card: template.HTML(card), Facts: f, Negative: f.Kind == "negative", Name: c.personaTitles(v)[id]} //nolint:gosec // the report's own output
	return s.render(w, r, c, http.StatusOK, "persona", p.Name, p, 0)
}

// auditPage is the audit of the declared personas and their editors.
type auditPage struct {
	Sections   template.HTML
	Declared   []declaredForm
	New        declaredForm
	CanAnalyse bool
	CSRF       string
	Error      string
}

func (p auditPage) errorText() string { return p.Error }

// declaredForm is the editor of one declared persona: its conditions and
// two empty rows to add more.
type declaredForm struct {
	Anchor, Old string
	Persona     DeclaredPersona
	Rows        []NamedCondition
	Error       string
}

func newDeclaredForm(i int, p DeclaredPersona, old string) declaredForm {
	f := declaredForm{Anchor: "declared-" + strconv.Itoa(i), Old: old, Persona: p}
	f.Rows = append(append(f.Rows, p.Conditions...), NamedCondition{}, NamedCondition{})
	return f
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, c *uiCall, status int, edited *declaredForm, errText string) error {
	title := c.loc.T("nav.audit", nil)
	d, err := c.dashboard()
	if err != nil {
		return err
	}
	p := auditPage{CanAnalyse: c.can(antipersona.PermAnalyse), Error: errText}
	if c.sess != nil {
		p.CSRF = c.sess.csrf
	}
	v, err := d.View(r.Context(), c.lang)
	switch {
	case antipersona.ErrorCode(err) == antipersona.ENOTFOUND:
	case err != nil:
		return err
	default:
		if p.Sections, err = c.sections(v, "audit"); err != nil {
			return err
		}
	}
	declared, err := d.Declared(r.Context())
	if err != nil {
		return err
	}
	for i, dp := range declared {
		f := newDeclaredForm(i, dp, dp.Name)
		if edited != nil && edited.Old == dp.Name {
			f.Persona, f.Rows, f.Error = edited.Persona, edited.Rows, edited.Error
		}
		p.Declared = append(p.Declared, f)
	}
	p.New = newDeclaredForm(len(declared), DeclaredPersona{}, "")
	p.New.Anchor = "declared-new"
	p.New.Rows = append(p.New.Rows, NamedCondition{})
	if edited != nil && edited.Old == "" {
		p.New.Persona, p.New.Rows, p.New.Error = edited.Persona, edited.Rows, edited.Error
	}
	return s.render(w, r, c, status, "audit", title, p, 0)
}

func (s *Server) uiAudit(w http.ResponseWriter, r *http.Request, c *uiCall) error {
	return s.auditPage(w, r, c, http.StatusOK, nil, "")
}

// uiSaveDeclared stores an edited (or new) declared persona; the audit
// page then shows the audit of its new conditions.
func (s *Server) uiSaveDeclared(w http.ResponseWriter, r *http.Request, c *uiCall) error {
	d, err := c.dashboard()
	if err != nil {
		return err
	}
	f := r.PostForm
	p := DeclaredPersona{Name: strings.TrimSpace(f.Get("name")), Description: strings.TrimSpace(f.Get("description"))}
	names, exprs := f["cond_name"], f["cond_expr"]
	var rows []NamedCondition
	for i := range max(len(names), len(exprs)) {
		var nc NamedCondition
		if i < len(names) {
			nc.Name = strings.TrimSpace(names[i])
		}
		if i < len(exprs) {
			nc.Expr = strings.TrimSpace(exprs[i])
		}
		rows = append(rows, nc)
		if nc.Expr == "" && nc.Name == "" {
			continue
		}
		if nc.Name == "" {
			nc.Name = c.loc.T("audit.edit.condition_n", map[string]any{"N": len(p.Conditions) + 1})
		}
		p.Conditions = append(p.Conditions, nc)
	}
	old := f.Get("old")
	c.target = p.Name
	var errText string
	switch {
	case p.Name == "":
		errText = c.loc.T("audit.edit.need_name", nil)
	case len(p.Conditions) == 0:
		errText = c.loc.T("audit.edit.need_condition", nil)
	default:
		err = d.SaveDeclared(r.Context(), old, p)
		switch antipersona.ErrorCode(err) {
		case "":
			c.detail = strconv.Itoa(len(p.Conditions)) + " conditions"
			redirectDone(w, r, "/ui/audit", "declared")
			return nil
		case antipersona.EINVALID, antipersona.ECONFLICT, antipersona.ENOTFOUND:
			errText = antipersona.ErrorMessage(err)
		default:
			return err
		}
	}
	edited := &declaredForm{Old: old, Persona: p, Rows: append(rows, NamedCondition{}), Error: errText}
	return s.auditPage(w, r, c, http.StatusBadRequest, edited, c.loc.T("audit.edit.not_saved", nil))
}

func (s *Server) uiDeleteDeclared(w http.ResponseWriter, r *http.Request, c *uiCall) error {
	d, err := c.dashboard()
	if err != nil {
		return err
	}
	name := r.PostForm.Get("name")
	c.target = name
	if err := d.DeleteDeclared(r.Context(), name); err != nil {
		return err
	}
	redirectDone(w, r, "/ui/audit", "undeclared")
	return nil
}

type worksheetPage struct {
	Sections   template.HTML
	Questions  []worksheetQuestion
	CanAnalyse bool
	CSRF       string
}

type worksheetQuestion struct {
	ID, Label, Answer string
}

func (s *Server) uiWorksheet(w http.ResponseWriter, r *http.Request, c *uiCall) error {
	title := c.loc.T("nav.worksheet", nil)
	v, err := s.viewOr(w, r, c, title)
	if v == nil {
		return err
	}
	p := worksheetPage{CanAnalyse: c.can(antipersona.PermAnalyse)}
	if c.sess != nil {
		p.CSRF = c.sess.csrf
	}
	if p.Sections, err = c.sections(v, "worksheet"); err != nil {
		return err
	}
	for _, q := range v.Worksheet {
		label := q.Question
		if c.loc.Has("worksheet.q." + q.Question) {
			label = c.loc.T("worksheet.q."+q.Question, nil)
		}
		p.Questions = append(p.Questions, worksheetQuestion{ID: q.Question, Label: label, Answer: q.TeamAnswer})
	}
	return s.render(w, r, c, http.StatusOK, "worksheet", title, p, 0)
}

func (s *Server) uiSaveAnswer(w http.ResponseWriter, r *http.Request, c *uiCall) error {
	d, err := c.dashboard()
	if err != nil {
		return err
	}
	q := r.PostForm.Get("question")
	c.target = q
	if err := d.SetTeamAnswer(r.Context(), q, strings.TrimSpace(r.PostForm.Get("answer"))); err != nil {
		return err
	}
	redirectDone(w, r, "/ui/worksheet", "answered")
	return nil
}

type contactsPage struct {
	Query    string
	Hits     []ContactHit
	Searched bool
	Limit    int
}

const contactHits = 50

func (s *Server) uiContacts(w http.ResponseWriter, r *http.Request, c *uiCall) error {
	title := c.loc.T("nav.contacts", nil)
	d, err := c.dashboard()
	if err != nil {
		return err
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	p := contactsPage{Query: q, Searched: r.URL.Query().Has("q"), Limit: contactHits}
	if p.Searched {
		p.Hits, err = d.FindContacts(r.Context(), q, contactHits)
		if antipersona.ErrorCode(err) == antipersona.ENOTFOUND {
			return s.render(w, r, c, http.StatusOK, "nobuild", title, struct{ CanAnalyse bool }{c.can(antipersona.PermAnalyse)}, 0)
		}
		if err != nil {
			return err
		}
	}
	return s.render(w, r, c, http.StatusOK, "contacts", title, p, 0)
}

// personaTitles maps the personas of v to their titles in the reader's
// language: a buyer persona's first name and headline, a negative
// persona's kind and headline.
func (c *uiCall) personaTitles(v *report.Data) map[string]string {
	out := map[string]string{}
	for _, x := range v.Personas {
		out[x.ID] = x.Name
		if x.Label != "" {
			out[x.ID] += ": " + x.Label
		}
	}
	for _, x := range v.Negatives {
		kind := x.Label
		if c.loc.Has("negative_kind." + x.NegativeKind) {
			kind = c.loc.T("negative_kind."+x.NegativeKind, nil)
		}
		out[x.ID] = x.Name
		if kind != "" {
			out[x.ID] = kind + ": " + x.Name
		}
	}
	return out
}

type contactPage struct {
	*ContactView
	PersonaNames map[string]string
	ActionHelp   string
	CanForget    bool
	CSRF         string
}

func (s *Server) uiContact(w http.ResponseWriter, r *http.Request, c *uiCall) error {
	d, err := c.dashboard()
	if err != nil {
		return err
	}
	cv, err := d.Explain(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	p := contactPage{ContactView: cv, PersonaNames: map[string]string{}}
	if v, err := d.View(r.Context(), c.lang); err == nil {
		p.PersonaNames = c.personaTitles(v)
		// The reasons name personas in the build's language: in lang here.
		reasons := append([]antipersona.Reason(nil), cv.Decision.Reasons...)
		for i, rs := range reasons {
			if n, ok := p.PersonaNames[rs.Persona]; ok && rs.Persona != "" {
				reasons[i].Name = n
			}
		}
		cv.Decision.Reasons = reasons
	}
	// Segment names the catalogs know are shown in the language.
	segs := append([]NameValue(nil), cv.Segments...)
	for i, sv := range segs {
		str, ok := sv.Value.(string)
		prefix := map[string]string{"rfm_segment": "rfm_segment.", "lifecycle": "lifecycle."}[sv.Name]
		if ok && prefix != "" && c.loc.Has(prefix+report.Slug(str)) {
			segs[i].Value = c.loc.T(prefix+report.Slug(str), nil)
		}
	}
	cv.Segments = segs
	p.CanForget = c.can(antipersona.PermAdmin)
	if c.sess != nil {
		p.CSRF = c.sess.csrf
	}
	a := string(cv.Decision.Action)
	if c.loc.Has("action_help." + a) {
		p.ActionHelp = c.loc.T("action_help."+a, nil)
	}
	title := c.loc.T("contact.title", map[string]any{"ID": cv.ContactID})
	return s.render(w, r, c, http.StatusOK, "contact", title, p, 0)
}

// audienceForm is the form of a new audience, as typed.
type audienceForm struct {
	Spec    AudienceSpec
	Actions map[string]bool
}

type audiencesPage struct {
	Audiences  []AudienceInfo
	Form       audienceForm
	Preview    *AudiencePreview
	PreviewBy  []actionCount
	Personas   []report.Persona
	Titles     map[string]string // persona titles by id
	AllActions []string
	Formats    []string
	CanAnalyse bool
	CSRF       string
	Currency   string
	Error      string
}

func (p audiencesPage) errorText() string { return p.Error }

type actionCount struct {
	Action   string
	Contacts int
}

var allActions = []string{"activate", "nurture", "maintain", "organic_only", "exclude"}
var audienceFormats = []string{"csv", "json", "parquet", "google", "meta", "segment"}

func (s *Server) audiencesPage(w http.ResponseWriter, r *http.Request, c *uiCall, status int, form audienceForm, pv *AudiencePreview, errText string) error {
	title := c.loc.T("nav.audiences", nil)
	d, err := c.dashboard()
	if err != nil {
		return err
	}
	p := audiencesPage{Form: form, Preview: pv, AllActions: allActions, Formats: audienceFormats,
		CanAnalyse: c.can(antipersona.PermAnalyse), Error: errText}
	if c.sess != nil {
		p.CSRF = c.sess.csrf
	}
	if p.Form.Spec.Format == "" {
		p.Form.Spec.Format = "csv"
	}
	if p.Audiences, err = d.AudienceList(r.Context()); err != nil {
		return err
	}
	if v, err := d.View(r.Context(), c.lang); err == nil {
		p.Personas = append(append(p.Personas, v.Personas...), v.Negatives...)
		p.Titles = c.personaTitles(v)
		p.Currency = v.Currency
	} else if antipersona.ErrorCode(err) != antipersona.ENOTFOUND {
		return err
	}
	if pv != nil {
		for _, a := range allActions {
			if n := pv.ByAction[a]; n > 0 {
				p.PreviewBy = append(p.PreviewBy, actionCount{a, n})
			}
		}
		var other []string
		for a := range pv.ByAction {
			if !slices.Contains(allActions, a) {
				other = append(other, a)
			}
		}
		sort.Strings(other)
		for _, a := range other {
			p.PreviewBy = append(p.PreviewBy, actionCount{a, pv.ByAction[a]})
		}
	}
	return s.render(w, r, c, status, "audiences", title, p, 0)
}

func (s *Server) uiAudiences(w http.ResponseWriter, r *http.Request, c *uiCall) error {
	// ?persona=ID (the link of a persona's page) starts the form with it.
	form := audienceForm{Spec: AudienceSpec{Persona: r.URL.Query().Get("persona")}}
	return s.audiencesPage(w, r, c, http.StatusOK, form, nil, "")
}

// uiAudienceForm previews or exports the audience of the form.
func (s *Server) uiAudienceForm(w http.ResponseWriter, r *http.Request, c *uiCall) error {
	d, err := c.dashboard()
	if err != nil {
		return err
	}
	f := r.PostForm
	form := audienceForm{Actions: map[string]bool{}, Spec: AudienceSpec{
		Name: strings.TrimSpace(f.Get("name")), Persona: f.Get("persona"), Where: strings.TrimSpace(f.Get("where")),
		Format: f.Get("format"), Incremental: f.Get("incremental") != ""}}
	for _, a := range f["action"] {
		form.Actions[a] = true
		form.Spec.Actions = append(form.Spec.Actions, a)
	}
	fail := func(err error) error {
		switch antipersona.ErrorCode(err) {
		case antipersona.EINVALID, antipersona.ENOTFOUND, antipersona.ECONFLICT:
			return s.audiencesPage(w, r, c, http.StatusBadRequest, form, nil, antipersona.ErrorMessage(err))
		}
		return err
	}
	if f.Get("op") == "preview" {
		c.noAudit = true // a preview exports nothing
		pv, err := d.PreviewAudience(r.Context(), form.Spec)
		if err != nil {
			return fail(err)
		}
		return s.audiencesPage(w, r, c, http.StatusOK, form, pv, "")
	}
	if form.Spec.Name == "" {
		return s.audiencesPage(w, r, c, http.StatusBadRequest, form, nil, c.loc.T("audiences.need_name", nil))
	}
	c.target = form.Spec.Name
	if _, err := c.ws.ExportAudience(r.Context(), form.Spec); err != nil {
		return fail(err)
	}
	redirectDone(w, r, "/ui/audiences", "exported")
	return nil
}

func (s *Server) uiReexport(w http.ResponseWriter, r *http.Request, c *uiCall) error {
	name := r.PathValue("name")
	c.target = name
	if _, err := c.ws.ExportAudience(r.Context(), AudienceSpec{Name: name}); err != nil {
		return err
	}
	redirectDone(w, r, "/ui/audiences", "exported")
	return nil
}

func (s *Server) uiDownload(w http.ResponseWriter, r *http.Request, c *uiCall) error {
	name := r.PathValue("name")
	c.target = name
	return serveAudience(w, r, c.ws, name, r.URL.Query().Get("part") == "removals")
}

type buildsPage struct {
	Running    *BuildJob
	Jobs       []BuildJob
	History    []antipersona.Build
	CanAnalyse bool
	CSRF       string
}

func (s *Server) uiBuilds(w http.ResponseWriter, r *http.Request, c *uiCall) error {
	title := c.loc.T("nav.builds", nil)
	hist, err := c.ws.Builds(r.Context())
	if err != nil {
		return err
	}
	p := buildsPage{Jobs: c.ws.builds.list(), CanAnalyse: c.can(antipersona.PermAnalyse)}
	if c.sess != nil {
		p.CSRF = c.sess.csrf
	}
	for i := len(hist) - 1; i >= 0; i-- { // newest first
		p.History = append(p.History, hist[i])
	}
	refresh := 0
	for i := range p.Jobs {
		if p.Jobs[i].State == "running" {
			p.Running = &p.Jobs[i]
			refresh = 2
		}
	}
	return s.render(w, r, c, http.StatusOK, "builds", title, p, refresh)
}

func (s *Server) uiStartBuild(w http.ResponseWriter, r *http.Request, c *uiCall) error {
	asOf := strings.TrimSpace(r.PostForm.Get("as_of"))
	if asOf != "" {
		if _, err := time.Parse(time.DateOnly, asOf); err != nil {
			return antipersona.Errorf(antipersona.EINVALID, "as_of %q is not a date YYYY-MM-DD", asOf)
		}
	}
	job, err := s.StartBuild(c.ws.name, asOf, "dashboard", c.key.ID)
	if err != nil {
		return err
	}
	c.target = strconv.FormatInt(job.ID, 10)
	redirectDone(w, r, "/ui/builds", "build_started")
	return nil
}

// uiForget forgets a contact everywhere (right to be forgotten), as
// DELETE …/contacts/{id} does, once the admin has ticked the confirmation.
func (s *Server) uiForget(w http.ResponseWriter, r *http.Request, c *uiCall) error {
	id := r.PathValue("id")
	c.target = id
	if r.PostForm.Get("confirm") == "" {
		return antipersona.Errorf(antipersona.EINVALID, "tick the confirmation to forget contact %s", id)
	}
	if _, err := s.forget(r, &c.call, id); err != nil {
		return err
	}
	redirectDone(w, r, "/ui/contacts", "forgotten")
	return nil
}

type accessPage struct {
	Keys  []antipersona.APIKey
	Audit []antipersona.AuditEntry
}

// auditShown is how many audit log entries the access page shows.
const auditShown = 100

// uiAccess shows an admin the workspace's keys (never the keys
// themselves) and the newest entries of the audit log.
func (s *Server) uiAccess(w http.ResponseWriter, r *http.Request, c *uiCall) error {
	ks, err := s.keys.Keys(r.Context(), c.ws.name)
	if err != nil {
		return err
	}
	es, err := c.ws.AuditEntries(r.Context(), auditShown)
	if err != nil {
		return err
	}
	return s.render(w, r, c, http.StatusOK, "access", c.loc.T("nav.access", nil), accessPage{Keys: ks, Audit: es}, 0)
}

// shownValue prints a contact's value for the reader: numbers with the
// decimals they need, dates, yes and no in the language; "–" when missing.
func shownValue(loc *i18n.Localizer, v any) string {
	switch x := v.(type) {
	case nil:
		return "–"
	case float64:
		return loc.Value(x)
	case int:
		return loc.Int(x)
	case int64:
		return loc.Int(int(x))
	case bool:
		if x {
			return loc.T("common.yes", nil)
		}
		return loc.T("common.no", nil)
	case time.Time:
		return loc.Date(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = shownValue(loc, e)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}
