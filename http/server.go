// Package http is the team server's HTTP adapter: the JSON API under
// /api/v1, the Segment-compatible ingest endpoints under /v1, the web
// dashboard under /ui (server-rendered pages in en, pl, vi and ka; see
// ui.go), health, readiness and Prometheus metrics. It knows the domain
// only through the Workspace and Dashboard interfaces and the stores'
// contracts of the root package; it imports no store.
//
// Every endpoint checks the API key (Authorization: Bearer KEY, or the key
// as the Basic auth user on the Segment endpoints), the workspace the key
// belongs to and the key's role. Personal data never reaches the logs: a
// request is logged by its route pattern, never by its path.
package http

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/antipersona/antipersona"
)

// Workspace is one tenant's data and results, as the API needs them. The
// analysis results are JSON documents (the same ones the command line
// prints with --json). Implementations are safe for concurrent use.
type Workspace interface {
	antipersona.PrivacyStore
	antipersona.AuditLog
	// Ingest stores a batch durably before returning.
	Ingest(ctx context.Context, b *antipersona.Batch) (antipersona.WriteResult, error)

	// Contact is one contact's features, segments, personas, score,
	// decision and reasons; ENOTFOUND when the last build does not have it.
	Contact(ctx context.Context, id string) (any, error)
	// Personas lists the buyer personas, or the negative ones.
	Personas(ctx context.Context, negative bool) (any, error)
	// Persona is one persona's card; ENOTFOUND when unknown.
	Persona(ctx context.Context, id string) (any, error)
	Segments(ctx context.Context) (any, error)
	// PersonaAudit checks the team's declared personas against the data.
	PersonaAudit(ctx context.Context) (any, error)
	Worksheet(ctx context.Context) (any, error)
	Decisions(ctx context.Context) (any, error)
	Budget(ctx context.Context) (any, error)
	// Changes compares two builds (0: the defaults, the previous and the
	// last).
	Changes(ctx context.Context, since, to int64) (any, error)
	Audiences(ctx context.Context) (any, error)
	// ExportAudience exports an audience to a file kept by the workspace.
	// A spec with only a name exports that audience again with its stored
	// definition.
	ExportAudience(ctx context.Context, spec AudienceSpec) (any, error)
	// AudienceFile opens the file of the audience's last export, or its
	// removals file (incremental google and meta exports).
	AudienceFile(ctx context.Context, name string, removals bool) (AudienceDownload, error)
	// Score scores a posted contact with the last build's model.
	Score(ctx context.Context, fields map[string]any) (any, error)
	// Build runs a build as of asOf ("" for the configured default) and
	// returns its summary. It is long; the server runs one at a time.
	Build(ctx context.Context, asOf string) (any, error)
	// Builds lists the finished builds, oldest first.
	Builds(ctx context.Context) ([]antipersona.Build, error)
}

// AudienceSpec defines an audience (see `antipersona audience export`).
type AudienceSpec struct {
	Name        string   `json:"name"`
	Actions     []string `json:"actions,omitempty"`
	Persona     string   `json:"persona,omitempty"`
	Where       string   `json:"where,omitempty"`
	Format      string   `json:"format,omitempty"`
	Incremental bool     `json:"incremental,omitempty"`
}

// AudienceDownload is an exported audience file.
type AudienceDownload struct {
	Name        string // file name offered to the browser
	ContentType string
	Size        int64
	Open        func() (ReadSeekCloser, error)
	ModTime     time.Time
}

// ReadSeekCloser is an open file.
type ReadSeekCloser interface {
	Read(p []byte) (int, error)
	Seek(offset int64, whence int) (int64, error)
	Close() error
}

// Limits bound what a request may carry.
type Limits struct {
	// MaxBody is the largest request body, in bytes (default 512,000, as
	// Segment's batch limit of 500 KB). Larger bodies get 413.
	MaxBody int64
	// MaxMessage is the largest single Segment message, in bytes (default
	// 32,000, as Segment's). A larger message gets 400.
	MaxMessage int
	// MaxBatch is the most messages in one /v1/batch call (default 2,500).
	MaxBatch int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBody <= 0 {
		l.MaxBody = 512_000
	}
	if l.MaxMessage <= 0 {
		l.MaxMessage = 32_000
	}
	if l.MaxBatch <= 0 {
		l.MaxBatch = 2500
	}
	return l
}

// Server serves the API of one or more workspaces. Create it with
// NewServer, serve Handler, and Close it after the HTTP server has shut
// down: Close flushes ingest and stops builds.
type Server struct {
	keys       antipersona.KeyStore
	workspaces map[string]*workspace
	logger     *slog.Logger
	now        func() time.Time
	limits     Limits
	metrics    *metrics
	ready      atomic.Bool
	ctx        context.Context // the server's lifetime, for builds
	cancel     context.CancelFunc
	wg         sync.WaitGroup
	mux        *http.ServeMux

	keyMu    sync.Mutex
	keyCache map[string]cachedKey // by key hash

	sessions   sessions // the dashboard's logins
	strictI18n bool
}

// Options configure NewServer. Keys and Workspaces are required.
type Options struct {
	Keys       antipersona.KeyStore
	Workspaces map[string]Workspace
	Logger     *slog.Logger     // nil: silent
	Now        func() time.Time // nil: time.Now
	Limits     Limits
	// CommitDelay is how long the ingest of a workspace waits for more
	// requests before it commits what it has (default 0: commit as soon as
	// the previous commit is done; requests that arrive meanwhile are
	// committed together).
	CommitDelay time.Duration
	// StrictI18n makes a dashboard page that lacks a translation fail with
	// 500 instead of showing the English text (tests set it); the miss is
	// logged either way.
	StrictI18n bool
}

// workspace is a served workspace with its ingest queue and build jobs.
type workspace struct {
	name string
	Workspace
	ingest *committer
	builds *builds
}

// NewServer returns a server of the workspaces; it starts one ingest
// committer per workspace.
func NewServer(opt Options) *Server {
	s := &Server{keys: opt.Keys, logger: opt.Logger, now: opt.Now, limits: opt.Limits.withDefaults(),
		workspaces: map[string]*workspace{}, metrics: newMetrics(), strictI18n: opt.StrictI18n}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	for name, w := range opt.Workspaces {
		ws := &workspace{name: name, Workspace: w}
		ws.ingest = newCommitter(w, opt.CommitDelay, s.metrics, name, s.logger)
		ws.builds = &builds{}
		s.workspaces[name] = ws
	}
	s.mux = s.routes()
	s.ready.Store(true)
	return s
}

// Handler is the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.mux }

// Close marks the server not ready, waits for the ingest queues to drain
// (every acknowledged request is already stored; Close commits what is
// queued and not yet acknowledged) and cancels running builds, waiting for
// them until ctx ends.
func (s *Server) Close(ctx context.Context) error {
	s.ready.Store(false)
	for _, w := range s.workspaces {
		w.ingest.close()
	}
	s.cancel()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return errors.New("builds did not stop in time")
	}
}

// Workspace returns the served workspace of that name.
func (s *Server) workspace(name string) (*workspace, bool) {
	w, ok := s.workspaces[name]
	return w, ok
}
