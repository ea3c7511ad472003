package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/apikey"
	"github.com/antipersona/antipersona/config"
	"github.com/antipersona/antipersona/decide"
	aphttp "github.com/antipersona/antipersona/http"
	"github.com/antipersona/antipersona/persona"
	"github.com/antipersona/antipersona/postgres"
	"github.com/antipersona/antipersona/propensity"
	"github.com/antipersona/antipersona/report"
)

// KeysFile is where a workspace keeps its API keys (hashed).
const KeysFile = "keys.json"

// AudiencesDir is the workspace folder of audience files exported by the
// server.
const AudiencesDir = "audiences"

func (m *Main) serveCommand() *cobra.Command {
	var addr, postgres string
	var workspaces []string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the team API: Segment-compatible ingest, personas, decisions, audiences, builds",
		Long: `serve runs the team server on the workspace's store (or on several workspaces with
--workspaces): a JSON API under /api/v1 (documented at /api/v1/openapi.json), Segment-
compatible ingest at /v1/identify, /v1/track, /v1/page and /v1/batch, /healthz, /readyz
and Prometheus /metrics.

Every request needs an API key (antipersona keys create), as 'Authorization: Bearer KEY'
or, on /v1, as the Basic auth user (Segment's write key). A key belongs to one workspace
and has a role: admin, analyst, ingest or reader. An event is answered 200 only once it is
stored; a message sent again (same messageId) is accepted and ignored.

The server holds the workspace's embedded store while it runs: run builds through the API
(POST /api/v1/workspaces/NAME/builds) or the schedule (build.schedule), not the command
line. SIGINT or SIGTERM stop it gracefully: requests in flight finish and queued events
are stored.`,
		Example: `  antipersona keys create --role admin
  antipersona serve --addr 127.0.0.1:8080
  curl -u "$WRITE_KEY:" -d '{"batch":[{"type":"track","userId":"C1","event":"Product Viewed","messageId":"m1"}]}' \
    http://127.0.0.1:8080/v1/batch
  curl -H "Authorization: Bearer $KEY" http://127.0.0.1:8080/api/v1/workspaces/shop/personas`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return m.runServe(cmd.Context(), addr, postgres, workspaces, cmd.Flags().Changed("addr"))
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "", "address to listen on (default: server.addr in antipersona.yaml, 127.0.0.1:8080)")
	cmd.Flags().StringVar(&postgres, "postgres", "", "serve from this PostgreSQL DSN instead of the embedded store (default: store.postgres or $ANTIPERSONA_POSTGRES)")
	cmd.Flags().StringSliceVar(&workspaces, "workspaces", nil, "serve these workspace folders (default: the workspace)")
	return cmd
}

// servedWorkspace is a workspace folder opened for serving.
type servedWorkspace struct {
	name string
	dir  string
	cfg  config.Config
	dsn  string // the PostgreSQL database holding it; "" for the embedded store
	keys antipersona.KeyStore
	ws   *workspaceAPI
}

var notWorkspaceChars = regexp.MustCompile(`[^a-z0-9_]`)

// workspaceName returns the workspace's name in the API
// (antipersona.ValidWorkspaceName).
func workspaceName(cfg config.Config, dir string) string {
	if cfg.Server.Workspace != "" {
		return cfg.Server.Workspace
	}
	name := notWorkspaceChars.ReplaceAllString(strings.ToLower(filepath.Base(dir)), "_")
	if len(name) > 40 {
		name = name[:40]
	}
	if name == "" {
		name = "workspace"
	}
	return name
}

// openServed opens the workspace folder dir for serving.
func (m *Main) openServed(ctx context.Context, dir string) (*servedWorkspace, error) {
	sub := *m
	sub.workspace = dir
	sub.quiet = true
	if sub.logger == nil {
		sub.logger = slog.New(slog.DiscardHandler)
	}
	cfg, s, err := sub.openWorkspace(ctx)
	if err != nil {
		return nil, err
	}
	abs := sub.workspaceDir()
	name := workspaceName(cfg, abs)
	ws := &workspaceAPI{m: &sub, cfg: cfg, s: s, dir: abs}
	ws.warm(ctx)
	sw := &servedWorkspace{name: name, dir: abs, cfg: cfg, dsn: sub.postgresDSN(cfg), ws: ws}
	if sw.dsn == "" {
		sw.keys = apikey.NewFileStore(filepath.Join(abs, KeysFile))
	}
	return sw, nil
}

func (m *Main) runServe(ctx context.Context, addr, dsn string, dirs []string, addrSet bool) error {
	m.postgres = dsn
	if len(dirs) == 0 {
		dirs = []string{m.workspace}
	}
	var served []*servedWorkspace
	defer func() {
		for _, sw := range served {
			sw.ws.s.Close()
		}
	}()
	names := map[string]string{}
	for _, d := range dirs {
		sw, err := m.openServed(ctx, d)
		if err != nil {
			return fmt.Errorf("workspace %s: %w", d, err)
		}
		served = append(served, sw)
		if other, dup := names[sw.name]; dup {
			return antipersona.Errorf(antipersona.EINVALID, "workspaces %s and %s are both named %q: set server.workspace in one of them", other, sw.dir, sw.name)
		}
		names[sw.name] = sw.dir
	}
	if m.warmViews {
		for _, sw := range served {
			if _, err := sw.ws.View(ctx, sw.cfg.Locale); err != nil && antipersona.ErrorCode(err) != antipersona.ENOTFOUND {
				return fmt.Errorf("workspace %s: %w", sw.dir, err)
			}
		}
	}
	closeKeys, err := openPostgresKeys(ctx, served)
	if err != nil {
		return err
	}
	defer closeKeys()
	first := served[0].cfg
	if !addrSet && addr == "" {
		addr = first.Server.Addr
	}
	ring := keyRing{}
	wss := map[string]aphttp.Workspace{}
	for _, sw := range served {
		ring[sw.name] = sw.keys
		wss[sw.name] = sw.ws
	}
	logger := slog.New(slog.NewJSONHandler(m.Stderr, &slog.HandlerOptions{Level: map[bool]slog.Level{true: slog.LevelDebug, false: slog.LevelInfo}[m.verbose]}))
	srv := aphttp.NewServer(aphttp.Options{Keys: ring, Workspaces: wss, Logger: logger, Now: m.Now,
		Limits: aphttp.Limits{MaxBody: first.Server.MaxBodyBytes, MaxMessage: first.Server.MaxMessageBytes}})
	for _, sw := range served {
		every, _ := sw.cfg.Build.ScheduleInterval() // validated with the config
		if every > 0 {
			srv.Schedule(ctx, sw.name, every)
			logger.Info("scheduled builds", "workspace", sw.name, "every", every.String())
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return antipersona.Errorf(antipersona.EINVALID, "listen on %s: %v", addr, err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	for _, sw := range served {
		logger.Info("serving", "workspace", sw.name, "dir", sw.dir)
	}
	// The address goes to stdout, alone on its line, for scripts (and
	// tests) that start the server on :0.
	fmt.Fprintf(m.Stdout, "listening on http://%s\n", ln.Addr())
	// The dashboard's views of each workspace (unless made above) are made
	// in the background, so that the first visitor does not wait for them;
	// they stop, and are waited for, before the stores close.
	warmCtx, stopWarm := context.WithCancel(ctx)
	var warming sync.WaitGroup
	defer func() { stopWarm(); warming.Wait() }()
	if !m.warmViews {
		warming.Add(1)
		go func() {
			defer warming.Done()
			for _, sw := range served {
				start := time.Now()
				_, err := sw.ws.View(warmCtx, sw.cfg.Locale)
				switch {
				case err == nil:
					logger.Info("dashboard ready", "workspace", sw.name, "seconds", time.Since(start).Seconds())
				case warmCtx.Err() == nil && antipersona.ErrorCode(err) != antipersona.ENOTFOUND:
					logger.Warn("dashboard views not made", "workspace", sw.name, "err", err)
				}
			}
		}()
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		srv.Close(context.Background())
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shut, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = hs.Shutdown(shut) // in-flight requests finish, their events are stored
	if cerr := srv.Close(shut); err == nil {
		err = cerr
	}
	logger.Info("stopped")
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// openPostgresKeys gives the served workspaces that live in PostgreSQL
// their key store, one per database (its key table), and returns a
// function that closes them.
func openPostgresKeys(ctx context.Context, served []*servedWorkspace) (func(), error) {
	pgKeys := map[string]*postgres.KeyStore{}
	closeAll := func() {
		for _, ks := range pgKeys {
			ks.Close()
		}
	}
	for _, sw := range served {
		if sw.dsn == "" {
			continue
		}
		if pgKeys[sw.dsn] == nil {
			ks, err := postgres.OpenKeys(ctx, sw.dsn)
			if err != nil {
				closeAll()
				return nil, fmt.Errorf("workspace %s: keys: %w", sw.name, err)
			}
			pgKeys[sw.dsn] = ks
		}
		sw.keys = pgKeys[sw.dsn]
	}
	return closeAll, nil
}

// keyRing is the key stores of the served workspaces by name: each
// folder's keys.json, or the key table of the PostgreSQL database holding
// it.
type keyRing map[string]antipersona.KeyStore

var _ antipersona.KeyStore = keyRing(nil)

func (r keyRing) CreateKey(ctx context.Context, k antipersona.APIKey) error {
	s, ok := r[k.Workspace]
	if !ok {
		return antipersona.Errorf(antipersona.ENOTFOUND, "workspace %q is not served here", k.Workspace)
	}
	return s.CreateKey(ctx, k)
}

func (r keyRing) KeyByHash(ctx context.Context, hash string) (*antipersona.APIKey, error) {
	for name, s := range r {
		k, err := s.KeyByHash(ctx, hash)
		if err == nil && k.Workspace == name {
			return k, nil
		}
		if err != nil && antipersona.ErrorCode(err) != antipersona.ENOTFOUND {
			return nil, err
		}
	}
	return nil, antipersona.Errorf(antipersona.ENOTFOUND, "no such key")
}

func (r keyRing) RevokeKey(ctx context.Context, id string, at time.Time) error {
	for _, s := range r {
		err := s.RevokeKey(ctx, id, at)
		if antipersona.ErrorCode(err) != antipersona.ENOTFOUND {
			return err
		}
	}
	return antipersona.Errorf(antipersona.ENOTFOUND, "no key %s", id)
}

func (r keyRing) Keys(ctx context.Context, workspace string) ([]antipersona.APIKey, error) {
	var out []antipersona.APIKey
	for name, s := range r {
		if workspace != "" && name != workspace {
			continue
		}
		ks, err := s.Keys(ctx, name)
		if err != nil {
			return nil, err
		}
		out = append(out, ks...)
	}
	return out, nil
}

// workspaceAPI is a workspace served over HTTP: the commands' own
// functions on its open store.
type workspaceAPI struct {
	m   *Main
	s   store
	dir string

	// cfgMu guards cfg, which the dashboard's persona editor changes;
	// every change also clears views.
	cfgMu sync.RWMutex
	cfg   config.Config
	// views are the dashboard's report data of the last build by language,
	// made on first use and cleared by anything that changes them.
	viewMu sync.Mutex
	views  map[string]*report.Data
	// base is what every language's view is made from (decisions, budget,
	// changes, audits, worksheet), for one build.
	base *buildViews
	// staleAudits says base's audits are of declared personas since changed.
	staleAudits bool
	// contacts is the last build's contacts, searchable (ids, actions and,
	// lowercased, e-mail, phone digits and name), made on the first search.
	contacts *contactIndex

	modelMu sync.Mutex
	model   *storedModel // nil until scored; reset by each build
}

var (
	_ aphttp.Workspace = (*workspaceAPI)(nil)
	_ aphttp.Dashboard = (*workspaceAPI)(nil)
)

// config returns the workspace's configuration.
func (w *workspaceAPI) config() config.Config {
	w.cfgMu.RLock()
	defer w.cfgMu.RUnlock()
	return w.cfg
}

func (w *workspaceAPI) Ingest(ctx context.Context, b *antipersona.Batch) (antipersona.WriteResult, error) {
	return w.s.WriteBatch(ctx, b)
}

func (w *workspaceAPI) ForgetContact(ctx context.Context, id string, at time.Time) (antipersona.ForgetResult, error) {
	defer w.forgetViews()
	return forgetContact(ctx, w.config(), w.s, id, at)
}

func (w *workspaceAPI) Reconsent(ctx context.Context, id string) error { return w.s.Reconsent(ctx, id) }

func (w *workspaceAPI) Forgotten(ctx context.Context, id string) (bool, time.Time, error) {
	return w.s.Forgotten(ctx, id)
}

func (w *workspaceAPI) ContactData(ctx context.Context, id string) (map[string][]map[string]any, error) {
	return w.s.ContactData(ctx, id)
}

func (w *workspaceAPI) AppendAudit(ctx context.Context, e antipersona.AuditEntry) error {
	return w.s.AppendAudit(ctx, e)
}

func (w *workspaceAPI) AuditEntries(ctx context.Context, limit int) ([]antipersona.AuditEntry, error) {
	return w.s.AuditEntries(ctx, limit)
}

func (w *workspaceAPI) Contact(ctx context.Context, id string) (any, error) {
	return w.m.explain(ctx, w.s, w.config(), id)
}

func (w *workspaceAPI) personas(ctx context.Context, keep func(persona.Persona) bool) ([]personaOut, error) {
	all, err := loadPersonas(ctx, w.s)
	if err != nil {
		return nil, err
	}
	return personaDocs(ctx, w.config(), w.s, all, keep)
}

func (w *workspaceAPI) Personas(ctx context.Context, negative bool) (any, error) {
	kind := map[bool]string{true: "negative", false: "positive"}[negative]
	return w.personas(ctx, func(p persona.Persona) bool { return p.Kind == kind })
}

func (w *workspaceAPI) Persona(ctx context.Context, id string) (any, error) {
	ps, err := w.personas(ctx, func(p persona.Persona) bool { return p.ID == id })
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, antipersona.Errorf(antipersona.ENOTFOUND, "no persona %q in the last build", id)
	}
	return ps[0], nil
}

func (w *workspaceAPI) Segments(ctx context.Context) (any, error) {
	cs, err := w.s.SegmentCounts(ctx)
	if err != nil {
		return nil, err
	}
	return map[string]any{"segments": cs}, nil
}

func (w *workspaceAPI) PersonaAudit(ctx context.Context) (any, error) {
	if len(w.config().Declared) == 0 {
		return nil, antipersona.Errorf(antipersona.ENOTFOUND, "no declared persona: add declared_personas to %s", config.FileName)
	}
	reports, err := runAudits(ctx, w.s, w.config().Declared, auditOptions(w.config()))
	if err != nil {
		return nil, err
	}
	return map[string]any{"audits": reports}, nil
}

func (w *workspaceAPI) Worksheet(ctx context.Context) (any, error) {
	team, err := loadTeamAnswers(ctx, w.s)
	if err != nil {
		return nil, err
	}
	out, err := answerWorksheet(ctx, w.config(), w.s)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Team = team[out[i].ID]
	}
	return map[string]any{"questions": out}, nil
}

func (w *workspaceAPI) Decisions(ctx context.Context) (any, error) {
	return decisionReportOf(ctx, w.s, w.config())
}

func (w *workspaceAPI) Budget(ctx context.Context) (any, error) {
	return budgetReportOf(ctx, w.config(), w.s)
}

func (w *workspaceAPI) Changes(ctx context.Context, since, to int64) (any, error) {
	ch, err := compareBuilds(ctx, w.s, since, to)
	if err != nil {
		return nil, err
	}
	from, err := loadSnapshotMeta(ctx, w.s, ch.From.ID)
	if err != nil {
		return nil, err
	}
	now, err := loadSnapshotMeta(ctx, w.s, ch.To.ID)
	if err != nil {
		return nil, err
	}
	return struct {
		*decide.Changes
		FromSnapshot *snapshotMeta `json:"from_snapshot"`
		ToSnapshot   *snapshotMeta `json:"to_snapshot"`
	}{ch, from, now}, nil
}

func (w *workspaceAPI) Audiences(ctx context.Context) (any, error) {
	es, err := w.s.AudienceExports(ctx)
	if err != nil {
		return nil, err
	}
	if es == nil {
		es = []antipersona.AudienceExport{}
	}
	specs := map[string]aphttp.AudienceSpec{}
	for _, e := range es {
		if _, done := specs[e.Name]; done {
			continue
		}
		if sp, err := w.audienceSpec(ctx, e.Name); err == nil && sp != nil {
			specs[e.Name] = *sp
		}
	}
	return map[string]any{"exports": es, "definitions": specs}, nil
}

func audienceSpecKey(name string) string { return "audience_spec/" + name }

func (w *workspaceAPI) audienceSpec(ctx context.Context, name string) (*aphttp.AudienceSpec, error) {
	js, err := w.s.Meta(ctx, audienceSpecKey(name))
	if err != nil || js == "" {
		return nil, err
	}
	var sp aphttp.AudienceSpec
	if err := json.Unmarshal([]byte(js), &sp); err != nil {
		return nil, fmt.Errorf("stored audience %s: %w", name, err)
	}
	return &sp, nil
}

// audienceExt is the file extension of each format.
var audienceExt = map[string]string{"csv": "csv", "json": "json", "parquet": "parquet", "google": "csv", "meta": "csv", "segment": "jsonl"}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

func (w *workspaceAPI) ExportAudience(ctx context.Context, spec aphttp.AudienceSpec) (any, error) {
	if spec.Actions == nil && spec.Persona == "" && spec.Where == "" && spec.Format == "" && !spec.Incremental {
		// Only a name: the stored definition.
		sp, err := w.audienceSpec(ctx, spec.Name)
		if err != nil {
			return nil, err
		}
		if sp == nil {
			return nil, antipersona.Errorf(antipersona.ENOTFOUND, "no audience %q: create it first (POST audiences)", spec.Name)
		}
		spec = *sp
	}
	if spec.Format == "" {
		spec.Format = "csv"
	}
	now := w.m.Now().UTC()
	f := audienceFlags{name: spec.Name, persona: spec.Persona, where: spec.Where, format: spec.Format,
		actions: spec.Actions, incremental: spec.Incremental}
	if ext, ok := audienceExt[spec.Format]; ok {
		base := unsafeFileChars.ReplaceAllString(spec.Name, "_")
		f.out = filepath.Join(w.dir, AudiencesDir, fmt.Sprintf("%s-%s.%s", base, now.Format("20060102T150405.000000000Z"), ext))
	}
	actions, err := checkAudience(f)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(w.dir, AudiencesDir), 0o700); err != nil {
		return nil, err
	}
	res, err := w.m.exportAudience(ctx, w.config(), w.s, f, actions)
	if err != nil {
		return nil, err
	}
	js, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	if err := w.s.SetMeta(ctx, audienceSpecKey(spec.Name), string(js)); err != nil {
		return nil, err
	}
	res.File = filepath.Base(res.File) // the workspace's paths stay private
	if res.RemoveFile != "" {
		res.RemoveFile = filepath.Base(res.RemoveFile)
	}
	return res, nil
}

var audienceTypes = map[string]string{".csv": "text/csv; charset=utf-8", ".json": "application/json",
	".jsonl": "application/x-ndjson", ".parquet": "application/vnd.apache.parquet"}

func (w *workspaceAPI) AudienceFile(ctx context.Context, name string, removals bool) (aphttp.AudienceDownload, error) {
	es, err := w.s.AudienceExports(ctx)
	if err != nil {
		return aphttp.AudienceDownload{}, err
	}
	return w.audienceFile(lastExports(es)[name], name, removals)
}

// lastExports returns the last export of each audience, by name.
func lastExports(es []antipersona.AudienceExport) map[string]*antipersona.AudienceExport {
	last := map[string]*antipersona.AudienceExport{}
	for i := range es {
		if l := last[es[i].Name]; l == nil || !es[i].ExportedAt.Before(l.ExportedAt) {
			last[es[i].Name] = &es[i]
		}
	}
	return last
}

// audienceFile is AudienceFile for the audience's last export (nil when
// it was never exported).
func (w *workspaceAPI) audienceFile(last *antipersona.AudienceExport, name string, removals bool) (aphttp.AudienceDownload, error) {
	if last == nil || last.File == "" {
		return aphttp.AudienceDownload{}, antipersona.Errorf(antipersona.ENOTFOUND, "no export of audience %q to download", name)
	}
	dir := filepath.Join(w.dir, AudiencesDir)
	path := filepath.Join(dir, filepath.Base(last.File))
	if filepath.Dir(last.File) != dir {
		return aphttp.AudienceDownload{}, antipersona.Errorf(antipersona.ENOTFOUND, "audience %q was last exported to a file outside the workspace (by the command line): export it through the API to download it", name)
	}
	if removals {
		if !last.Incremental || (last.Format != "google" && last.Format != "meta") {
			return aphttp.AudienceDownload{}, antipersona.Errorf(antipersona.ENOTFOUND, "the last export of audience %q has no removals file: only incremental google and meta exports write one", name)
		}
		path = removalsFile(path)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return aphttp.AudienceDownload{}, antipersona.Errorf(antipersona.ENOTFOUND, "the file of audience %q is gone: export it again", name)
	}
	ct := audienceTypes[filepath.Ext(path)]
	if ct == "" {
		ct = "application/octet-stream"
	}
	return aphttp.AudienceDownload{Name: filepath.Base(path), ContentType: ct, Size: fi.Size(), ModTime: fi.ModTime(),
		Open: func() (aphttp.ReadSeekCloser, error) { return os.Open(path) }}, nil
}

// scoreAnswer is the answer of POST score.
type scoreAnswer struct {
	Probability float64                   `json:"probability"`
	Reasons     []propensity.Contribution `json:"reasons"`
	Missing     []string                  `json:"missing,omitempty"` // the model's inputs the contact lacks
	Build       int64                     `json:"build_id"`
}

func (w *workspaceAPI) Score(ctx context.Context, fields map[string]any) (any, error) {
	sm, err := w.scoringModel(ctx)
	if err != nil {
		return nil, err
	}
	return scoreFields(sm, fields)
}

// scoringModel returns the last build's model, read from the store once
// per build: concurrent callers wait for the one read.
func (w *workspaceAPI) scoringModel(ctx context.Context) (*storedModel, error) {
	w.modelMu.Lock()
	defer w.modelMu.Unlock()
	if w.model == nil {
		sm, err := loadModel(ctx, w.s)
		if err != nil {
			return nil, err
		}
		w.model = sm
	}
	return w.model, nil
}

// scoreFields scores one contact given as JSON fields (by trait
// identifier or column name) with the stored model.
func scoreFields(sm *storedModel, fields map[string]any) (*scoreAnswer, error) {
	vals := make([]any, len(sm.Features))
	var missing []string
	for j, c := range sm.Features {
		v, ok := fields[c.Ident]
		if !ok {
			v, ok = fields[c.Name]
		}
		if !ok || v == nil {
			missing = append(missing, c.Ident)
			continue
		}
		x, err := modelValue(c, v)
		if err != nil {
			return nil, antipersona.Errorf(antipersona.EINVALID, "%s: %v", c.Ident, err)
		}
		vals[j] = x
	}
	d := newModelData(sm.Features)
	codes := make([]map[string]int32, len(sm.Features))
	addModelRow(d, sm.Features, codes, vals)
	p, contrib := sm.GBDT.PredictExplain(d, 0)
	return &scoreAnswer{Probability: sm.Platt.Apply(p), Reasons: propensity.TopContributions(modelFeatureNames(sm.Features), contrib, 3),
		Missing: missing, Build: sm.Build}, nil
}

// modelValue converts a JSON value to what addModelRow takes for the
// model column c.
func modelValue(c modelColumn, v any) (any, error) {
	switch antipersona.TraitType(c.Type) {
	case antipersona.TraitNumber:
		switch x := v.(type) {
		case float64:
			return x, nil
		case string:
			var f float64
			if _, err := fmt.Sscan(strings.TrimSpace(x), &f); err != nil {
				return nil, fmt.Errorf("%q is not a number", x)
			}
			return f, nil
		}
		return nil, fmt.Errorf("a %s is not a number", jsonKind(v))
	case antipersona.TraitBoolean:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			return x, nil
		}
		return nil, fmt.Errorf("a %s is not true or false", jsonKind(v))
	case antipersona.TraitDate:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("a %s is not a date", jsonKind(v))
		}
		for _, layout := range []string{time.RFC3339Nano, time.DateTime, time.DateOnly} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC(), nil
			}
		}
		return nil, fmt.Errorf("%q is not a date (YYYY-MM-DD or RFC 3339)", s)
	case antipersona.TraitMulti:
		switch x := v.(type) {
		case string:
			return strings.Split(x, "|"), nil
		case []any:
			l := make([]string, 0, len(x))
			for _, e := range x {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("a list of %s, not of strings", jsonKind(e))
				}
				l = append(l, s)
			}
			return l, nil
		}
		return nil, fmt.Errorf("a %s is not a list of values", jsonKind(v))
	}
	switch x := v.(type) {
	case string, bool:
		return x, nil
	case float64:
		return fmt.Sprint(x), nil
	}
	return nil, fmt.Errorf("a %s is not a category", jsonKind(v))
}

func jsonKind(v any) string {
	switch v.(type) {
	case float64:
		return "number"
	case string:
		return "string"
	case bool:
		return "boolean"
	case []any:
		return "list"
	case map[string]any:
		return "object"
	}
	return "null"
}

func (w *workspaceAPI) Build(ctx context.Context, asOf string) (any, error) {
	sum, err := w.m.runBuild(ctx, w.config(), w.s, asOf)
	w.forgetViews()
	w.modelMu.Lock()
	w.model = nil
	w.modelMu.Unlock()
	if err != nil {
		return nil, err
	}
	w.warm(ctx)
	// The dashboard's first page after a build is ready too.
	if _, err := w.View(ctx, w.config().Locale); err != nil {
		w.m.logger.Warn("dashboard views not made", "err", err)
	}
	return sum, nil
}

// warm reads the scoring model before the first request needs it.
func (w *workspaceAPI) warm(ctx context.Context) {
	if _, err := w.scoringModel(ctx); err != nil && antipersona.ErrorCode(err) != antipersona.ENOTFOUND {
		w.m.logger.Warn("scoring model not loaded", "err", err)
	}
}

func (w *workspaceAPI) Builds(ctx context.Context) ([]antipersona.Build, error) {
	return w.s.Builds(ctx)
}
