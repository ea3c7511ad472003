package http

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/antipersona/antipersona"
)

// BuildJob is a build started by the API or the schedule.
type BuildJob struct {
	ID         int64      `json:"id"`
	State      string     `json:"state"` // running, succeeded, failed
	AsOf       string     `json:"as_of,omitempty"`
	Trigger    string     `json:"trigger"` // api or schedule
	KeyID      string     `json:"key_id,omitempty"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	Error      string     `json:"error,omitempty"`
	Summary    any        `json:"summary,omitempty"`
	// Stage is what a running build does now (features, clv, personas,
	// propensity, next_purchase, decisions; "" before the first), Step of
	// Steps stages are done.
	Stage string `json:"stage,omitempty"`
	Step  int    `json:"step,omitempty"`
	Steps int    `json:"steps,omitempty"`
}

// builds are a workspace's build jobs: one runs at a time; the last
// keptJobs are remembered.
type builds struct {
	mu      sync.Mutex
	jobs    []*BuildJob
	next    int64
	running bool
}

const keptJobs = 50

// BuildRequest starts a build.
type BuildRequest struct {
	AsOf string `json:"as_of,omitempty"` // YYYY-MM-DD; "" for the workspace's default
}

// StartBuild starts a build of the workspace in the background and returns
// its job; ECONFLICT when one is running. Builds end when the server
// closes.
func (s *Server) StartBuild(workspace, asOf, trigger, keyID string) (BuildJob, error) {
	ws, ok := s.workspace(workspace)
	if !ok {
		return BuildJob{}, antipersona.Errorf(antipersona.ENOTFOUND, "workspace %q is not served here", workspace)
	}
	if !s.ready.Load() {
		return BuildJob{}, antipersona.Errorf(antipersona.ECONFLICT, "the server is shutting down")
	}
	b := ws.builds
	b.mu.Lock()
	if b.running {
		b.mu.Unlock()
		return BuildJob{}, antipersona.Errorf(antipersona.ECONFLICT, "a build of %s is running; wait for it (GET builds)", workspace)
	}
	b.next++
	job := &BuildJob{ID: b.next, State: "running", AsOf: asOf, Trigger: trigger, KeyID: keyID, StartedAt: s.now().UTC()}
	b.jobs = append(b.jobs, job)
	if len(b.jobs) > keptJobs {
		b.jobs = b.jobs[len(b.jobs)-keptJobs:]
	}
	b.running = true
	snapshot := *job
	b.mu.Unlock()
	s.metrics.set("antipersona_build_running", labels("workspace", workspace), 1)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		start := time.Now()
		ctx := antipersona.WithProgress(s.ctx, func(stage string, step, steps int) {
			b.mu.Lock()
			job.Stage, job.Step, job.Steps = stage, step, steps
			b.mu.Unlock()
		})
		sum, err := ws.Build(ctx, asOf)
		s.metrics.build(workspace, trigger, err, time.Since(start))
		s.metrics.set("antipersona_build_running", labels("workspace", workspace), 0)
		b.mu.Lock()
		defer b.mu.Unlock()
		b.running = false
		end := s.now().UTC()
		job.FinishedAt = &end
		if err != nil {
			job.State, job.Error = "failed", antipersona.ErrorMessage(err)
			if antipersona.ErrorCode(err) == antipersona.EINTERNAL {
				s.logger.Error("build failed", "workspace", workspace, "job", job.ID, "err", err)
				job.Error = "internal error; the server's log has the details"
			}
			return
		}
		job.State, job.Summary, job.Stage, job.Step = "succeeded", sum, "", job.Steps
		s.logger.Info("build finished", "workspace", workspace, "job", job.ID, "seconds", time.Since(start).Seconds())
	}()
	return snapshot, nil
}

// job returns a copy of a job of the workspace.
func (b *builds) job(id int64) (BuildJob, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, j := range b.jobs {
		if j.ID == id {
			return *j, true
		}
	}
	return BuildJob{}, false
}

func (b *builds) list() []BuildJob {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]BuildJob, 0, len(b.jobs))
	for i := len(b.jobs) - 1; i >= 0; i-- {
		j := *b.jobs[i]
		j.Summary = nil // the job's own endpoint has it
		out = append(out, j)
	}
	return out
}

func (s *Server) startBuild(w http.ResponseWriter, r *http.Request, c *call) error {
	var req BuildRequest
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &req); err != nil {
			return err
		}
	}
	if req.AsOf != "" {
		if _, err := time.Parse(time.DateOnly, req.AsOf); err != nil {
			return antipersona.Errorf(antipersona.EINVALID, "as_of %q is not a date YYYY-MM-DD", req.AsOf)
		}
	}
	job, err := s.StartBuild(c.ws.name, req.AsOf, "api", c.key.ID)
	if err != nil {
		return err
	}
	c.target = strconv.FormatInt(job.ID, 10)
	w.Header().Set("Location", "/api/v1/workspaces/"+c.ws.name+"/builds/jobs/"+c.target)
	writeJSON(w, http.StatusAccepted, job)
	return nil
}

// BuildsAnswer lists the workspace's builds and recent jobs.
type BuildsAnswer struct {
	Running bool                `json:"running"`
	Jobs    []BuildJob          `json:"jobs"`    // newest first
	History []antipersona.Build `json:"history"` // finished builds, oldest first
}

func (s *Server) getBuilds(w http.ResponseWriter, r *http.Request, c *call) error {
	hist, err := c.ws.Builds(r.Context())
	if err != nil {
		return err
	}
	if hist == nil {
		hist = []antipersona.Build{}
	}
	c.ws.builds.mu.Lock()
	running := c.ws.builds.running
	c.ws.builds.mu.Unlock()
	return answer(w, BuildsAnswer{Running: running, Jobs: c.ws.builds.list(), History: hist}, nil)
}

func (s *Server) getBuildJob(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := strconv.ParseInt(r.PathValue("job"), 10, 64)
	if err != nil {
		return antipersona.Errorf(antipersona.ENOTFOUND, "no build job %q", r.PathValue("job"))
	}
	j, ok := c.ws.builds.job(id)
	if !ok {
		return antipersona.Errorf(antipersona.ENOTFOUND, "no build job %d (the server keeps the last %d)", id, keptJobs)
	}
	return answer(w, j, nil)
}

// Schedule starts a build of the workspace every interval (the first one
// interval after the call) until ctx ends or the server closes. A build
// still running when the next is due is not doubled: that tick is skipped.
func (s *Server) Schedule(ctx context.Context, workspace string, interval time.Duration) {
	if interval <= 0 {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-s.ctx.Done():
				return
			case <-t.C:
				if _, err := s.StartBuild(workspace, "", "schedule", ""); err != nil {
					s.logger.Warn("scheduled build not started", "workspace", workspace, "err", antipersona.ErrorMessage(err))
				}
			}
		}
	}()
}
