package http

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/apikey"
)

// route is one endpoint: its pattern, the permission its key needs ("" for
// none), the audit action it records ("" for none) and its handler.
type route struct {
	method  string
	path    string // ServeMux pattern path
	perm    antipersona.Permission
	action  string
	summary string
	h       func(w http.ResponseWriter, r *http.Request, c *call) error
}

// call is what a handler knows of its request once it is authorised.
type call struct {
	key   *antipersona.APIKey // nil on open endpoints
	ws    *workspace          // nil on endpoints without a workspace
	route string              // "GET /api/v1/..." pattern, for logs
	// target is what an audited action was about (a contact id, an
	// audience name, ...), set by the handler.
	target string
	detail string
}

const wsPrefix = "/api/v1/workspaces/{workspace}"

// Routes are the server's endpoints, in the order the OpenAPI document
// lists them.
func (s *Server) routeTable() []route {
	return []route{
		{"GET", "/healthz", "", "", "Liveness: 200 while the process serves", s.healthz},
		{"GET", "/readyz", "", "", "Readiness: 200 while the server accepts work, 503 when shutting down", s.readyz},
		{"GET", "/metrics", "", "", "Prometheus metrics (text format 0.0.4)", s.metricsHandler},
		{"GET", "/api/v1/openapi.json", "", "", "This document", s.openAPI},

		{"POST", "/v1/identify", antipersona.PermIngest, "", "Segment-compatible identify call", s.segmentOne("identify")},
		{"POST", "/v1/track", antipersona.PermIngest, "", "Segment-compatible track call", s.segmentOne("track")},
		{"POST", "/v1/page", antipersona.PermIngest, "", "Segment-compatible page call", s.segmentOne("page")},
		{"POST", "/v1/batch", antipersona.PermIngest, "", "Segment-compatible batch of calls", s.segmentBatch},

		{"GET", wsPrefix + "/contacts/{id}", antipersona.PermRead, "", "One contact: features, segments, personas, score, decision, reasons", s.getContact},
		{"DELETE", wsPrefix + "/contacts/{id}", antipersona.PermAdmin, "contact.delete", "Forget a contact everywhere (right to be forgotten)", s.deleteContact},
		{"GET", wsPrefix + "/contacts/{id}/export", antipersona.PermAdmin, "contact.export", "Everything held on a contact (right of access)", s.exportContact},
		{"POST", wsPrefix + "/contacts/{id}/consent", antipersona.PermAdmin, "contact.consent", "Accept a forgotten contact's data again (re-consent)", s.consentContact},
		{"GET", wsPrefix + "/personas", antipersona.PermRead, "", "Buyer personas", s.getPersonas(false)},
		{"GET", wsPrefix + "/personas/{id}", antipersona.PermRead, "", "One persona's card", s.getPersona},
		{"GET", wsPrefix + "/negative-personas", antipersona.PermRead, "", "Negative personas", s.getPersonas(true)},
		{"GET", wsPrefix + "/segments", antipersona.PermRead, "", "Segments with their sizes and value", s.getSegments},
		{"GET", wsPrefix + "/audit", antipersona.PermRead, "", "The team's declared personas checked against the data", s.getPersonaAudit},
		{"GET", wsPrefix + "/worksheet", antipersona.PermRead, "", "The negative-persona worksheet answered by the data", s.getWorksheet},
		{"GET", wsPrefix + "/decisions", antipersona.PermRead, "", "Contacts, expected value, cost and revenue by action", s.getDecisions},
		{"GET", wsPrefix + "/budget", antipersona.PermRead, "", "Spend, revenue and profit by persona, action, channel and campaign; the what-if", s.getBudget},
		{"GET", wsPrefix + "/changes", antipersona.PermRead, "", "What changed between two builds", s.getChanges},
		{"POST", wsPrefix + "/score", antipersona.PermRead, "", "Score a posted contact with the last build's model", s.score},
		{"GET", wsPrefix + "/audiences", antipersona.PermRead, "", "Audiences and their exports", s.getAudiences},
		{"POST", wsPrefix + "/audiences", antipersona.PermAnalyse, "audience.export", "Create (or redefine) an audience and export it", s.createAudience},
		{"POST", wsPrefix + "/audiences/{name}/export", antipersona.PermAnalyse, "audience.export", "Export an audience again with its definition", s.exportAudience},
		{"GET", wsPrefix + "/audiences/{name}/download", antipersona.PermAnalyse, "audience.download", "Download the file of an audience's last export", s.downloadAudience},
		{"POST", wsPrefix + "/builds", antipersona.PermAnalyse, "build.start", "Start a build", s.startBuild},
		{"GET", wsPrefix + "/builds", antipersona.PermRead, "", "Build history and recent build jobs", s.getBuilds},
		{"GET", wsPrefix + "/builds/jobs/{job}", antipersona.PermRead, "", "One build job's status", s.getBuildJob},
		{"GET", wsPrefix + "/keys", antipersona.PermAdmin, "", "The workspace's API keys (never the keys themselves)", s.getKeys},
		{"POST", wsPrefix + "/keys", antipersona.PermAdmin, "key.create", "Create an API key; the answer is the only time it is shown", s.createKey},
		{"DELETE", wsPrefix + "/keys/{id}", antipersona.PermAdmin, "key.revoke", "Revoke an API key", s.revokeKey},
		{"GET", wsPrefix + "/audit-log", antipersona.PermAdmin, "", "Who changed or exported what, newest first", s.getAuditLog},
	}
}

func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	for _, rt := range s.routeTable() {
		mux.Handle(rt.method+" "+rt.path, s.handle(rt))
	}
	s.uiRoutes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.metrics.request("unmatched", http.StatusNotFound, 0)
		writeJSON(w, http.StatusNotFound, ErrorBody{Code: antipersona.ENOTFOUND, Error: "no such endpoint; see /api/v1/openapi.json"})
	})
	return mux
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// handle wraps a route with authentication, authorisation, error writing,
// metrics, logging and the audit log.
func (s *Server) handle(rt route) http.Handler {
	pattern := rt.method + " " + rt.path
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		start := time.Now()
		w := &statusWriter{ResponseWriter: rw}
		c := &call{route: pattern}
		err := s.authorize(r, rt, c)
		if err == nil {
			r.Body = http.MaxBytesReader(w, r.Body, s.limits.MaxBody)
			err = rt.h(w, r, c)
		}
		status := w.status
		if err != nil {
			if status != 0 {
				// The handler had begun to answer: the error can only be logged.
				s.logger.Error("response failed", "route", pattern, "err", err)
			} else {
				status = s.writeError(w, r, pattern, err)
			}
		}
		s.record(r, pattern, c, status, start, rt.action)
	})
}

// record counts and logs a finished request, and appends its audit entry
// when action is not "" and the call had a key and a workspace.
func (s *Server) record(r *http.Request, pattern string, c *call, status int, start time.Time, action string) {
	if status == 0 {
		status = http.StatusOK
	}
	d := time.Since(start)
	s.metrics.request(pattern, status, d)
	attrs := []any{"route", pattern, "status", status, "ms", float64(d.Microseconds()) / 1000}
	if c.key != nil {
		attrs = append(attrs, "key", c.key.ID, "workspace", c.key.Workspace)
	}
	s.logger.Debug("request", attrs...) // the metrics count requests; -v logs each
	if action != "" && c.key != nil && c.ws != nil {
		e := antipersona.AuditEntry{Time: s.now().UTC(), Workspace: c.ws.name, KeyID: c.key.ID, Role: c.key.Role,
			Action: action, Target: c.target, Status: status, Detail: c.detail}
		if err := c.ws.AppendAudit(context.WithoutCancel(r.Context()), e); err != nil {
			s.logger.Error("audit log", "action", action, "err", err)
		}
	}
}

// authorize finds the request's key and checks it against the route: no
// or unknown or revoked key 401; a workspace the key does not belong to (or
// that is not served) 404, so that a key learns nothing of other
// workspaces; a role without the route's permission 403.
func (s *Server) authorize(r *http.Request, rt route, c *call) error {
	if rt.perm == "" {
		return nil
	}
	key, ok := requestKey(r)
	if !ok {
		return antipersona.Errorf(antipersona.EUNAUTHORIZED, "missing API key: send it as 'Authorization: Bearer KEY' (or as the Basic auth user on /v1 endpoints)")
	}
	k, err := s.lookupKey(r.Context(), key)
	if err != nil {
		return err
	}
	c.key = k
	name := r.PathValue("workspace")
	if !strings.HasPrefix(rt.path, wsPrefix) {
		name = k.Workspace
	}
	if name != k.Workspace {
		return antipersona.Errorf(antipersona.ENOTFOUND, "no workspace %q", name)
	}
	ws, ok := s.workspace(name)
	if !ok {
		return antipersona.Errorf(antipersona.ENOTFOUND, "workspace %q is not served here", name)
	}
	c.ws = ws
	if !k.Role.Allows(rt.perm) {
		return antipersona.Errorf(antipersona.EFORBIDDEN, "a key with role %s may not do this (needs %s)", k.Role, rt.perm)
	}
	return nil
}

// requestKey returns the API key of the request: a Bearer token, or the
// user of Basic auth (Segment sends the write key so, with an empty
// password).
func requestKey(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if tok, ok := strings.CutPrefix(h, "Bearer "); ok && tok != "" {
		return strings.TrimSpace(tok), true
	}
	if enc, ok := strings.CutPrefix(h, "Basic "); ok {
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(enc))
		if err != nil {
			return "", false
		}
		user, _, _ := strings.Cut(string(raw), ":")
		return user, user != ""
	}
	return "", false
}

// cachedKey is a looked-up key: a busy client does not cost a store
// lookup per request; a revocation made elsewhere (the command line) takes
// effect within keyCacheTTL.
type cachedKey struct {
	k  *antipersona.APIKey
	at time.Time
}

const keyCacheTTL = time.Second

func (s *Server) lookupKey(ctx context.Context, key string) (*antipersona.APIKey, error) {
	unknown := antipersona.Errorf(antipersona.EUNAUTHORIZED, "unknown or revoked API key")
	if _, ok := apikey.ID(key); !ok {
		return nil, unknown
	}
	return s.lookupHash(ctx, apikey.Hash(key))
}

// lookupHash is lookupKey for the hash of a key.
func (s *Server) lookupHash(ctx context.Context, h string) (*antipersona.APIKey, error) {
	unknown := antipersona.Errorf(antipersona.EUNAUTHORIZED, "unknown or revoked API key")
	now := time.Now()
	s.keyMu.Lock()
	if ck, ok := s.keyCache[h]; ok && now.Sub(ck.at) < keyCacheTTL {
		s.keyMu.Unlock()
		return ck.k, nil
	}
	s.keyMu.Unlock()
	k, err := s.keys.KeyByHash(ctx, h)
	if antipersona.ErrorCode(err) == antipersona.ENOTFOUND {
		return nil, unknown
	}
	if err != nil {
		return nil, err
	}
	if k.RevokedAt != nil {
		return nil, unknown
	}
	s.keyMu.Lock()
	if s.keyCache == nil || len(s.keyCache) > 10_000 {
		s.keyCache = map[string]cachedKey{}
	}
	s.keyCache[h] = cachedKey{k: k, at: now}
	s.keyMu.Unlock()
	return k, nil
}

// Route describes an endpoint: its method and ServeMux path pattern, the
// permission its key needs ("" for none), the status of its success and the
// audit action it records ("" for none).
type Route struct {
	Method     string
	Path       string
	Permission antipersona.Permission
	OK         int
	Action     string
}

// Routes lists the server's endpoints.
func (s *Server) Routes() []Route {
	var out []Route
	for _, rt := range s.routeTable() {
		out = append(out, Route{Method: rt.method, Path: rt.path, Permission: rt.perm, OK: docs[rt.method+" "+rt.path].ok, Action: rt.action})
	}
	return out
}
