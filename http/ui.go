package http

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/apikey"
	"github.com/antipersona/antipersona/i18n"
	"github.com/antipersona/antipersona/report"
)

// The web dashboard: server-rendered pages under /ui, in the reader's
// language, with no script, and nothing loaded from anywhere but the
// server itself (one style sheet; avatars are data: URIs). A
// Content-Security-Policy header forbids everything else.

//go:embed web
var webFiles embed.FS

// uiTemplates are the dashboard's pages; the functions are bound per
// request to the reader's language.
var uiTemplates = template.Must(template.New("ui").Funcs(uiFuncs(nil)).ParseFS(webFiles, "web/*.tmpl"))

// uiCSS is the dashboard's style sheet: the report's rules and its own.
var uiCSS = func() []byte {
	own, err := webFiles.ReadFile("web/dashboard.css")
	if err != nil {
		panic(err)
	}
	return append([]byte(report.Styles()+"\n"), own...)
}()

const uiCSP = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// uiRoute is a dashboard page or form: its pattern, the permission its
// key needs ("" for pages open without a session), the audit action a
// successful call records and its handler.
type uiRoute struct {
	method, path string
	perm         antipersona.Permission
	action       string
	h            func(w http.ResponseWriter, r *http.Request, c *uiCall) error
}

// uiCall is what a dashboard handler knows of its request.
type uiCall struct {
	call
	sess  *session
	lang  string
	loc   *i18n.Localizer
	flash string // a message to show, set from the query's "done"
	// noAudit keeps a call of an audited route out of the audit log.
	noAudit bool
}

func (s *Server) uiRouteTable() []uiRoute {
	read, analyse := antipersona.PermRead, antipersona.PermAnalyse
	return []uiRoute{
		{"GET", "/ui/login", "", "", s.uiLoginPage},
		{"POST", "/ui/login", "", "", s.uiLogin},
		{"POST", "/ui/logout", read, "", s.uiLogout},
		{"GET", "/ui/lang/{lang}", "", "", s.uiLang},
		{"GET", "/ui/assets/app.css", "", "", s.uiStyles},

		{"GET", "/ui/{$}", read, "", s.uiOverview},
		{"GET", "/ui/personas", read, "", s.uiPersonas},
		{"GET", "/ui/personas/{id}", read, "", s.uiPersona},
		{"GET", "/ui/segments", read, "", s.uiReportPage("segments", "rfm", "segments")},
		{"GET", "/ui/decisions", read, "", s.uiReportPage("decisions", "decisions")},
		{"GET", "/ui/budget", read, "", s.uiReportPage("budget", "budget")},
		{"GET", "/ui/changes", read, "", s.uiReportPage("changes", "changes")},
		{"GET", "/ui/audit", read, "", s.uiAudit},
		{"POST", "/ui/audit", analyse, "persona.declare", s.uiSaveDeclared},
		{"POST", "/ui/audit/delete", analyse, "persona.undeclare", s.uiDeleteDeclared},
		{"GET", "/ui/worksheet", read, "", s.uiWorksheet},
		{"POST", "/ui/worksheet", analyse, "worksheet.answer", s.uiSaveAnswer},
		{"GET", "/ui/contacts", read, "", s.uiContacts},
		{"GET", "/ui/contacts/{id}", read, "", s.uiContact},
		{"GET", "/ui/audiences", read, "", s.uiAudiences},
		{"POST", "/ui/audiences", analyse, "audience.export", s.uiAudienceForm},
		{"POST", "/ui/audiences/{name}/export", analyse, "audience.export", s.uiReexport},
		{"GET", "/ui/audiences/{name}/download", analyse, "audience.download", s.uiDownload},
		{"GET", "/ui/builds", read, "", s.uiBuilds},
		{"POST", "/ui/builds", analyse, "build.start", s.uiStartBuild},
		{"GET", "/ui/access", antipersona.PermAdmin, "", s.uiAccess},
		{"POST", "/ui/contacts/{id}/forget", antipersona.PermAdmin, "contact.delete", s.uiForget},
	}
}

// uiRoutes adds the dashboard to mux.
func (s *Server) uiRoutes(mux *http.ServeMux) {
	for _, rt := range s.uiRouteTable() {
		mux.Handle(rt.method+" "+rt.path, s.uiHandle(rt))
	}
	toUI := http.RedirectHandler("/ui/", http.StatusSeeOther)
	mux.Handle("GET /{$}", toUI)
	mux.Handle("GET /ui", toUI)
}

// uiLangOf chooses the reader's language: the switcher's cookie, else the
// browser's Accept-Language.
func uiLangOf(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil {
		for _, l := range i18n.Supported() {
			if c.Value == l {
				return l
			}
		}
	}
	return i18n.Match(r.Header.Get("Accept-Language"))
}

// errLogin sends a browser without a session to the login page.
var errLogin = errors.New("login needed")

// uiHandle wraps a dashboard route with the session check, the language,
// the CSRF check of forms, error pages, metrics, logging and the audit
// log.
func (s *Server) uiHandle(rt uiRoute) http.Handler {
	pattern := rt.method + " " + rt.path
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		start := time.Now()
		w := &statusWriter{ResponseWriter: rw}
		h := w.Header()
		h.Set("Content-Security-Policy", uiCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		c := &uiCall{call: call{route: pattern}, lang: uiLangOf(r)}
		c.loc = i18n.MustNew(c.lang)
		h.Set("Content-Language", c.lang)
		h.Add("Vary", "Accept-Language, Cookie")
		err := s.uiAuthorize(r, rt, c)
		if err == nil && r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, s.limits.MaxBody)
			if perr := r.ParseForm(); perr != nil {
				err = antipersona.Errorf(antipersona.EINVALID, "the form could not be read: %v", perr)
			} else if c.sess != nil && !c.sess.validCSRF(r.PostForm.Get("csrf")) {
				err = antipersona.Errorf(antipersona.EFORBIDDEN, "the form has expired; reload the page and try again")
			}
		}
		if err == nil {
			c.flash = r.URL.Query().Get("done")
			err = rt.h(w, r, c)
		}
		status := w.status
		if err != nil {
			switch {
			case errors.Is(err, errLogin):
				next := r.URL.Path
				if r.Method != http.MethodGet {
					next = "/ui/"
				}
				http.Redirect(w, r, "/ui/login?next="+url.QueryEscape(next), http.StatusSeeOther)
				status = http.StatusSeeOther
			case status != 0:
				s.logger.Error("response failed", "route", pattern, "err", err)
			default:
				status = s.uiError(w, r, c, pattern, err)
			}
		}
		action := rt.action
		if c.noAudit || status >= 400 {
			action = "" // a failed form changed nothing
		}
		s.record(r, pattern, &c.call, status, start, action)
	})
}

// uiAuthorize finds the request's session and checks its key against the
// route's permission.
func (s *Server) uiAuthorize(r *http.Request, rt uiRoute, c *uiCall) error {
	ck, err := r.Cookie(sessionCookie)
	if err == nil {
		if sess, ok := s.sessions.get(ck.Value, s.now()); ok {
			k, err := s.lookupHash(r.Context(), sess.keyHash)
			switch {
			case err == nil:
				c.sess, c.key = sess, k
			case antipersona.ErrorCode(err) == antipersona.EUNAUTHORIZED:
				s.sessions.end(ck.Value) // the key was revoked
			default:
				return err
			}
		}
	}
	if rt.perm == "" {
		if c.key != nil {
			c.ws, _ = s.workspace(c.key.Workspace)
		}
		return nil
	}
	if c.key == nil {
		return errLogin
	}
	ws, ok := s.workspace(c.key.Workspace)
	if !ok {
		return antipersona.Errorf(antipersona.ENOTFOUND, "workspace %q is not served here", c.key.Workspace)
	}
	c.ws = ws
	if !c.key.Role.Allows(rt.perm) {
		return antipersona.Errorf(antipersona.EFORBIDDEN, "a key with role %s may not do this (needs %s)", c.key.Role, rt.perm)
	}
	return nil
}

// dashboard returns the workspace's dashboard views.
func (c *uiCall) dashboard() (Dashboard, error) {
	d, ok := c.ws.Workspace.(Dashboard)
	if !ok {
		return nil, antipersona.Errorf(antipersona.ENOTFOUND, "this workspace has no dashboard")
	}
	return d, nil
}

// can reports whether the session's key has the permission.
func (c *uiCall) can(p antipersona.Permission) bool { return c.key != nil && c.key.Role.Allows(p) }

// navItem is a link of the dashboard's menu.
type navItem struct {
	Href, Label string
	Current     bool
}

// langItem is a link of the language switcher.
type langItem struct {
	Code, Name, Href string
	Current          bool
}

// langNames are the languages' own names.
var langNames = map[string]string{"en": "English", "pl": "Polski", "vi": "Tiếng Việt", "ka": "ქართული"}

// pageData is what the layout shows around a page.
type pageData struct {
	Lang, Title, Workspace, Role, KeyID, CSRF string
	Nav                                       []navItem
	Langs                                     []langItem
	Flash, Error                              string
	// Refresh reloads the page after that many seconds (0: never).
	Refresh    int
	CanAnalyse bool
	LoggedIn   bool
	Content    template.HTML
}

// adminPages are the menu items only an admin sees.
var adminPages = []struct{ path, id string }{{"/ui/access", "access"}}

var navPages = []struct{ path, id string }{
	{"/ui/", "overview"}, {"/ui/personas", "personas"}, {"/ui/segments", "segments"}, {"/ui/decisions", "decisions"},
	{"/ui/budget", "budget"}, {"/ui/changes", "changes"}, {"/ui/audit", "audit"}, {"/ui/worksheet", "worksheet"},
	{"/ui/contacts", "contacts"}, {"/ui/audiences", "audiences"}, {"/ui/builds", "builds"},
}

// render writes the page tmpl (a template "page.<tmpl>") with data inside
// the layout, in the reader's language.
func (s *Server) render(w http.ResponseWriter, r *http.Request, c *uiCall, status int, tmpl, title string, data any, refresh int) error {
	t, err := uiTemplates.Clone()
	if err != nil {
		return err
	}
	t.Funcs(uiFuncs(c.loc))
	var body bytes.Buffer
	if err := t.ExecuteTemplate(&body, "page."+tmpl, data); err != nil {
		return err
	}
	p := pageData{Lang: c.lang, Title: title, Refresh: refresh, Content: template.HTML(body.String())} //nolint:gosec // our own template's output
	if c.key != nil {
		p.LoggedIn, p.KeyID, p.Workspace = true, c.key.ID, c.key.Workspace
		p.Role = c.loc.T("role."+string(c.key.Role), nil)
		p.CanAnalyse = c.can(antipersona.PermAnalyse)
		pages := navPages
		if c.can(antipersona.PermAdmin) {
			pages = append(pages[:len(pages):len(pages)], adminPages...)
		}
		for _, n := range pages {
			cur := r.URL.Path == n.path || n.path != "/ui/" && strings.HasPrefix(r.URL.Path, n.path+"/")
			p.Nav = append(p.Nav, navItem{Href: n.path, Label: c.loc.T("nav."+n.id, nil), Current: cur})
		}
	}
	if c.sess != nil {
		p.CSRF = c.sess.csrf
	}
	back := r.URL.Path
	if r.Method != http.MethodGet {
		back = "/ui/"
	}
	for _, l := range i18n.Supported() {
		p.Langs = append(p.Langs, langItem{Code: l, Name: langNames[l], Current: l == c.lang,
			Href: "/ui/lang/" + l + "?back=" + url.QueryEscape(back)})
	}
	if c.flash != "" && c.loc.Has("done."+c.flash) {
		p.Flash = c.loc.T("done."+c.flash, nil)
	}
	if e, ok := data.(interface{ errorText() string }); ok {
		p.Error = e.errorText()
	}
	var out bytes.Buffer
	if err := t.ExecuteTemplate(&out, "layout", p); err != nil {
		return err
	}
	if err := c.loc.Err(); err != nil {
		if s.strictI18n {
			return err
		}
		s.logger.Error("missing translation", "lang", c.lang, "err", err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err = w.Write(out.Bytes())
	return err
}

// errorPage is what an error page shows.
type errorPage struct {
	Status  int
	Message string
}

// uiError writes the error page of err and returns its status.
func (s *Server) uiError(w http.ResponseWriter, r *http.Request, c *uiCall, route string, err error) int {
	code := antipersona.ErrorCode(err)
	status, ok := statusCodes[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	msg := antipersona.ErrorMessage(err)
	if code == antipersona.EINTERNAL {
		s.logger.Error("request failed", "route", route, "err", err)
		msg = c.loc.T("error.internal", nil)
	}
	if rerr := s.render(w, r, c, status, "error", c.loc.T("error.title", nil), errorPage{Status: status, Message: msg}, 0); rerr != nil {
		s.logger.Error("error page failed", "route", route, "err", rerr)
		http.Error(w, msg, status)
	}
	return status
}

// uiStyles serves the style sheet.
func (s *Server) uiStyles(w http.ResponseWriter, r *http.Request, c *uiCall) error {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err := w.Write(uiCSS)
	return err
}

// uiLang switches the language and goes back to the page it came from.
func (s *Server) uiLang(w http.ResponseWriter, r *http.Request, c *uiCall) error {
	lang := r.PathValue("lang")
	ok := false
	for _, l := range i18n.Supported() {
		ok = ok || l == lang
	}
	if !ok {
		return antipersona.Errorf(antipersona.ENOTFOUND, "no language %q", lang)
	}
	setCookie(w, r, langCookie, lang, 365*24*3600)
	http.Redirect(w, r, localPath(r.URL.Query().Get("back")), http.StatusSeeOther)
	return nil
}

// localPath returns p when it is a path of the dashboard, else the
// overview: redirects never leave the server.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/ui/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n") {
		return "/ui/"
	}
	return p
}

// loginPage is the login form.
type loginPage struct {
	Next, Error string
}

func (p loginPage) errorText() string { return p.Error }

func (s *Server) uiLoginPage(w http.ResponseWriter, r *http.Request, c *uiCall) error {
	if c.key != nil {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	return s.render(w, r, c, http.StatusOK, "login", c.loc.T("login.title", nil), loginPage{Next: localPath(r.URL.Query().Get("next"))}, 0)
}

// uiLogin checks the typed key and starts a session.
func (s *Server) uiLogin(w http.ResponseWriter, r *http.Request, c *uiCall) error {
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if err := r.ParseForm(); err != nil {
		return antipersona.Errorf(antipersona.EINVALID, "the form could not be read")
	}
	key := strings.TrimSpace(r.PostForm.Get("key"))
	next := localPath(r.PostForm.Get("next"))
	fail := func(id string) error {
		c.key, c.sess = nil, nil
		return s.render(w, r, c, http.StatusUnauthorized, "login", c.loc.T("login.title", nil), loginPage{Next: next, Error: c.loc.T(id, nil)}, 0)
	}
	k, err := s.lookupKey(r.Context(), key)
	if antipersona.ErrorCode(err) == antipersona.EUNAUTHORIZED {
		return fail("login.unknown_key")
	} else if err != nil {
		return err
	}
	if !k.Role.Allows(antipersona.PermRead) {
		return fail("login.ingest_key")
	}
	if _, ok := s.workspace(k.Workspace); !ok {
		return fail("login.unknown_key")
	}
	tok, _ := s.sessions.create(apikey.Hash(key), s.now())
	setCookie(w, r, sessionCookie, tok, int(sessionTTL/time.Second))
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) uiLogout(w http.ResponseWriter, r *http.Request, c *uiCall) error {
	if ck, err := r.Cookie(sessionCookie); err == nil {
		s.sessions.end(ck.Value)
	}
	setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/ui/login", http.StatusSeeOther)
	return nil
}

// redirectDone sends the browser to path with a message to show.
func redirectDone(w http.ResponseWriter, r *http.Request, path, done string) {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	http.Redirect(w, r, path+sep+"done="+url.QueryEscape(done), http.StatusSeeOther)
}

// atoi parses a form number, 0 when absent or bad.
func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}
