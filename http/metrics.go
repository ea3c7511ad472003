package http

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/antipersona/antipersona"
)

// metrics are the server's Prometheus metrics, written in the text
// exposition format 0.0.4. Labels hold route patterns, workspace names and
// outcomes, never personal data.
type metrics struct {
	mu       sync.Mutex
	counters map[string]map[string]float64 // name -> label set -> value
	hists    map[string]map[string]*histogram
	gauges   map[string]map[string]float64
	help     map[string]string
}

// latencyBuckets are upper bounds in seconds.
var latencyBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

var buildBuckets = []float64{1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600}

type histogram struct {
	bounds []float64
	counts []uint64 // per bucket, not cumulative; the last is +Inf
	sum    float64
	n      uint64
}

func (h *histogram) observe(v float64) {
	i := sort.SearchFloat64s(h.bounds, v)
	h.counts[i]++
	h.sum += v
	h.n++
}

func newMetrics() *metrics {
	return &metrics{
		counters: map[string]map[string]float64{},
		hists:    map[string]map[string]*histogram{},
		gauges:   map[string]map[string]float64{},
		help: map[string]string{
			"antipersona_http_requests_total":             "HTTP requests by route pattern and status code.",
			"antipersona_http_request_duration_seconds":   "HTTP request latency by route pattern.",
			"antipersona_ingest_rows_total":               "Rows of Segment calls committed, by workspace and result (inserted, duplicate, refused).",
			"antipersona_ingest_commits_total":            "Group commits of ingested calls, by workspace and result (ok, error).",
			"antipersona_ingest_requests_committed_total": "Ingest requests answered by a commit, by workspace.",
			"antipersona_ingest_commit_duration_seconds":  "Duration of a group commit, by workspace.",
			"antipersona_builds_total":                    "Finished builds by workspace, trigger and result (ok, error).",
			"antipersona_build_duration_seconds":          "Build duration by workspace.",
			"antipersona_build_running":                   "1 while a build of the workspace runs.",
		},
	}
}

// labels renders label pairs (name, value, ...) sorted as given.
func labels(kv ...string) string {
	var b strings.Builder
	for i := 0; i < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%q", kv[i], kv[i+1])
	}
	return b.String()
}

func (m *metrics) add(name, ls string, v float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.counters[name] == nil {
		m.counters[name] = map[string]float64{}
	}
	m.counters[name][ls] += v
}

func (m *metrics) set(name, ls string, v float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.gauges[name] == nil {
		m.gauges[name] = map[string]float64{}
	}
	m.gauges[name][ls] = v
}

func (m *metrics) observe(name, ls string, bounds []float64, v float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.hists[name] == nil {
		m.hists[name] = map[string]*histogram{}
	}
	h := m.hists[name][ls]
	if h == nil {
		h = &histogram{bounds: bounds, counts: make([]uint64, len(bounds)+1)}
		m.hists[name][ls] = h
	}
	h.observe(v)
}

func (m *metrics) request(route string, status int, d time.Duration) {
	m.add("antipersona_http_requests_total", labels("route", route, "code", strconv.Itoa(status)), 1)
	m.observe("antipersona_http_request_duration_seconds", labels("route", route), latencyBuckets, d.Seconds())
}

func (m *metrics) commit(ws string, requests int, res antipersona.WriteResult, err error, d time.Duration) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.add("antipersona_ingest_commits_total", labels("workspace", ws, "result", result), 1)
	m.add("antipersona_ingest_requests_committed_total", labels("workspace", ws), float64(requests))
	m.observe("antipersona_ingest_commit_duration_seconds", labels("workspace", ws), latencyBuckets, d.Seconds())
	if err == nil {
		m.add("antipersona_ingest_rows_total", labels("workspace", ws, "result", "inserted"), float64(res.Inserted+res.Updated))
		m.add("antipersona_ingest_rows_total", labels("workspace", ws, "result", "duplicate"), float64(res.Duplicates))
		m.add("antipersona_ingest_rows_total", labels("workspace", ws, "result", "refused"), float64(res.Refused))
	}
}

func (m *metrics) build(ws, trigger string, err error, d time.Duration) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.add("antipersona_builds_total", labels("workspace", ws, "trigger", trigger, "result", result), 1)
	m.observe("antipersona_build_duration_seconds", labels("workspace", ws), buildBuckets, d.Seconds())
}

// write writes every metric in the text format, sorted by name and labels.
func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	names := map[string]string{}
	for n := range m.counters {
		names[n] = "counter"
	}
	for n := range m.gauges {
		names[n] = "gauge"
	}
	for n := range m.hists {
		names[n] = "histogram"
	}
	var sorted []string
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, n := range sorted {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", n, m.help[n], n, names[n])
		switch names[n] {
		case "counter":
			writeSeries(w, n, m.counters[n])
		case "gauge":
			writeSeries(w, n, m.gauges[n])
		case "histogram":
			var ls []string
			for l := range m.hists[n] {
				ls = append(ls, l)
			}
			sort.Strings(ls)
			for _, l := range ls {
				h := m.hists[n][l]
				var cum uint64
				for i, c := range h.counts {
					cum += c
					le := "+Inf"
					if i < len(h.bounds) {
						le = strconv.FormatFloat(h.bounds[i], 'g', -1, 64)
					}
					fmt.Fprintf(w, "%s_bucket{%s,le=%q} %d\n", n, l, le, cum)
				}
				fmt.Fprintf(w, "%s_sum{%s} %s\n", n, l, strconv.FormatFloat(h.sum, 'g', -1, 64))
				fmt.Fprintf(w, "%s_count{%s} %d\n", n, l, h.n)
			}
		}
	}
}

func writeSeries(w io.Writer, name string, series map[string]float64) {
	var ls []string
	for l := range series {
		ls = append(ls, l)
	}
	sort.Strings(ls)
	for _, l := range ls {
		fmt.Fprintf(w, "%s{%s} %s\n", name, l, strconv.FormatFloat(series[l], 'g', -1, 64))
	}
}

func (s *Server) metricsHandler(w http.ResponseWriter, r *http.Request, c *call) error {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	s.metrics.write(w)
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request, c *call) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request, c *call) error {
	if !s.ready.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "shutting down"})
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	return nil
}
