package http

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/apikey"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// recorder is a Workspace that keeps what it is given in memory. The
// stores themselves are tested against their engines (storetest and the
// command's end-to-end tests); this one lets the adapter's own logic be
// tested and fuzzed fast.
type recorder struct {
	mu      sync.Mutex
	batches []*antipersona.Batch
	ids     map[string]bool // message ids stored
	audit   []antipersona.AuditEntry
	fail    error
}

func newRecorder() *recorder { return &recorder{ids: map[string]bool{}} }

func (r *recorder) rows() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, b := range r.batches {
		n += b.Len() + len(b.Identities)
	}
	return n
}

func (r *recorder) Ingest(ctx context.Context, b *antipersona.Batch) (antipersona.WriteResult, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return antipersona.WriteResult{}, r.fail
	}
	var res antipersona.WriteResult
	for _, e := range b.Events {
		if r.ids[e.MessageID] {
			res.Duplicates++
			continue
		}
		r.ids[e.MessageID] = true
		res.Inserted++
	}
	r.batches = append(r.batches, b)
	return res, nil
}

func (r *recorder) ForgetContact(ctx context.Context, id string, at time.Time) (antipersona.ForgetResult, error) {
	return antipersona.ForgetResult{ContactID: id, At: at, Deleted: map[string]int64{}}, nil
}
func (r *recorder) Reconsent(ctx context.Context, id string) error { return nil }
func (r *recorder) Forgotten(ctx context.Context, id string) (bool, time.Time, error) {
	return false, time.Time{}, nil
}
func (r *recorder) ContactData(ctx context.Context, id string) (map[string][]map[string]any, error) {
	return map[string][]map[string]any{}, nil
}
func (r *recorder) AppendAudit(ctx context.Context, e antipersona.AuditEntry) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.audit = append(r.audit, e)
	return nil
}
func (r *recorder) AuditEntries(ctx context.Context, limit int) ([]antipersona.AuditEntry, error) {
	return nil, nil
}
func (r *recorder) Contact(ctx context.Context, id string) (any, error) {
	return nil, antipersona.Errorf(antipersona.ENOTFOUND, "no contact %q", id)
}
func (r *recorder) Personas(ctx context.Context, negative bool) (any, error) { return []any{}, nil }
func (r *recorder) Persona(ctx context.Context, id string) (any, error) {
	return nil, antipersona.Errorf(antipersona.ENOTFOUND, "no persona")
}
func (r *recorder) Segments(ctx context.Context) (any, error)     { return map[string]any{}, nil }
func (r *recorder) PersonaAudit(ctx context.Context) (any, error) { return map[string]any{}, nil }
func (r *recorder) Worksheet(ctx context.Context) (any, error)    { return map[string]any{}, nil }
func (r *recorder) Decisions(ctx context.Context) (any, error)    { return map[string]any{}, nil }
func (r *recorder) Budget(ctx context.Context) (any, error)       { return map[string]any{}, nil }
func (r *recorder) Changes(ctx context.Context, since, to int64) (any, error) {
	return map[string]any{"since": since, "to": to}, nil
}
func (r *recorder) Audiences(ctx context.Context) (any, error) { return map[string]any{}, nil }
func (r *recorder) ExportAudience(ctx context.Context, spec AudienceSpec) (any, error) {
	return spec, nil
}
func (r *recorder) AudienceFile(ctx context.Context, name string, removals bool) (AudienceDownload, error) {
	return AudienceDownload{}, antipersona.Errorf(antipersona.ENOTFOUND, "no export")
}
func (r *recorder) Score(ctx context.Context, fields map[string]any) (any, error) {
	return map[string]any{"probability": 0.5}, nil
}
func (r *recorder) Build(ctx context.Context, asOf string) (any, error) {
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(50 * time.Millisecond):
	}
	return map[string]any{"as_of": asOf}, nil
}
func (r *recorder) Builds(ctx context.Context) ([]antipersona.Build, error) { return nil, nil }

// testServer serves one recorder as workspace "shop" and returns it with
// keys of every role.
func testServer(t testing.TB, opt Options) (*Server, *recorder, map[antipersona.Role]string) {
	t.Helper()
	ks, keys := testKeys(t)
	rec := newRecorder()
	opt.Keys = ks
	opt.Workspaces = map[string]Workspace{"shop": rec}
	s := NewServer(opt)
	t.Cleanup(func() { s.Close(context.Background()) })
	return s, rec, keys
}

// testKeys returns a key store with a key of every role of workspace
// "shop", and the keys.
func testKeys(t testing.TB) (*apikey.FileStore, map[antipersona.Role]string) {
	t.Helper()
	ks := apikey.NewFileStore(filepath.Join(t.TempDir(), "keys.json"))
	keys := map[antipersona.Role]string{}
	for _, role := range antipersona.Roles {
		key, k, err := apikey.New("shop", role, "", time.Now(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := ks.CreateKey(context.Background(), k); err != nil {
			t.Fatal(err)
		}
		keys[role] = key
	}
	return ks, keys
}

func do(t testing.TB, h http.Handler, method, path, key string, body []byte, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// TestOpenAPIGolden keeps the served document, the route table and the
// documentation table in sync.
func TestOpenAPIGolden(t *testing.T) {
	s, _, _ := testServer(t, Options{})
	for _, rt := range s.routeTable() {
		if _, ok := docs[rt.method+" "+rt.path]; !ok {
			t.Errorf("route %s %s is not documented in docs", rt.method, rt.path)
		}
	}
	routes := map[string]bool{}
	for _, rt := range s.routeTable() {
		routes[rt.method+" "+rt.path] = true
	}
	for p := range docs {
		if !routes[p] {
			t.Errorf("docs has %s, which is not a route", p)
		}
	}
	w := do(t, s.Handler(), "GET", "/api/v1/openapi.json", "", nil)
	if w.Code != 200 {
		t.Fatalf("openapi.json: %d", w.Code)
	}
	var doc map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	// Every $ref points at a schema.
	var walk func(v any)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if r, ok := x["$ref"].(string); ok {
				if _, ok := schemas[strings.TrimPrefix(r, "#/components/schemas/")]; !ok {
					t.Errorf("dangling $ref %s", r)
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(doc)
	golden := filepath.Join("testdata", "openapi.json")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, w.Body.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./http -run TestOpenAPIGolden -update)", err)
	}
	if !bytes.Equal(w.Body.Bytes(), want) {
		t.Errorf("the served OpenAPI document differs from %s; if the change is meant, run go test ./http -run TestOpenAPIGolden -update", golden)
	}
}

func TestSegmentBatch(t *testing.T) {
	s, rec, keys := testServer(t, Options{Limits: Limits{MaxBody: 4000, MaxMessage: 300, MaxBatch: 3}})
	h := s.Handler()
	batch := `{"batch":[
	  {"type":"track","userId":"C1","event":"Product Viewed","messageId":"m1","timestamp":"2025-01-02T03:04:05Z"},
	  {"type":"identify","anonymousId":"a1","userId":"C1","traits":{"city":"Kraków"},"messageId":"m2"},
	  {"type":"page","anonymousId":"a1","name":"Home","messageId":"m3","timestamp":1735787045000}]}`
	basic := func(key string) []string {
		req := httptest.NewRequest("POST", "/", nil)
		req.SetBasicAuth(key, "")
		return []string{"Authorization", req.Header.Get("Authorization")}
	}
	w := do(t, h, "POST", "/v1/batch", "", []byte(batch), basic(keys[antipersona.RoleIngest])...)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"success": true`) {
		t.Fatalf("batch: %d %s", w.Code, w.Body)
	}
	if got := len(rec.ids); got != 3 {
		t.Fatalf("%d events stored, want 3", got)
	}
	// The identify's time is the time of receipt; the page's, unix ms.
	for _, b := range rec.batches {
		for _, e := range b.Events {
			if e.MessageID == "m3" && !e.Time.Equal(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)) {
				t.Errorf("m3 time %v", e.Time)
			}
			if e.MessageID == "m2" && time.Since(e.Time) > time.Minute {
				t.Errorf("m2 (no timestamp) time %v, want the time of receipt", e.Time)
			}
		}
	}
	// The same batch again: accepted, nothing new.
	w = do(t, h, "POST", "/v1/batch", keys[antipersona.RoleIngest], []byte(batch))
	if w.Code != 200 || len(rec.ids) != 3 {
		t.Fatalf("repeat: %d, %d ids", w.Code, len(rec.ids))
	}
	// Gzip.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"batch":[{"type":"track","userId":"C2","event":"Signed Up","messageId":"m4"}]}`))
	zw.Close()
	w = do(t, h, "POST", "/v1/batch", keys[antipersona.RoleIngest], gz.Bytes(), "Content-Encoding", "gzip")
	if w.Code != 200 || !rec.ids["m4"] {
		t.Fatalf("gzip: %d %s", w.Code, w.Body)
	}
	// The single-call endpoints imply the type and refuse another.
	w = do(t, h, "POST", "/v1/track", keys[antipersona.RoleIngest], []byte(`{"userId":"C3","event":"Signed Up","messageId":"m5"}`))
	if w.Code != 200 || !rec.ids["m5"] {
		t.Fatalf("track: %d %s", w.Code, w.Body)
	}
	for _, c := range []struct {
		name, path, body string
		status           int
		says             string
	}{
		{"type of another endpoint", "/v1/page", `{"type":"track","userId":"C3","event":"x","messageId":"m6"}`, 400, "track call sent to the page endpoint"},
		{"not JSON", "/v1/batch", `{"batch": [`, 400, "not a JSON object with a batch array"},
		{"batch not an array", "/v1/batch", `{"batch": {"type":"track"}}`, 400, "batch is a JSON object, not a []json.RawMessage"},
		{"empty batch", "/v1/batch", `{"batch": []}`, 400, "batch is missing or empty"},
		{"wrong type of userId", "/v1/batch", `{"batch":[{"type":"track","userId":{"id":5},"event":"x"}]}`, 400, "userId is not a string"},
		{"bad message among good", "/v1/batch", `{"batch":[{"type":"track","userId":"C1","event":"x","messageId":"m7"},{"type":"bogus"}]}`, 400, "1 of 2 message(s) cannot be stored"},
		{"message too large", "/v1/track", `{"userId":"C1","event":"` + strings.Repeat("x", 400) + `"}`, 400, "larger than the limit of 300"},
		{"too many messages", "/v1/batch", `{"batch":[{},{},{},{}]}`, 413, "over the limit of 3"},
		{"body too large", "/v1/batch", `{"batch":[` + strings.Repeat(" ", 5000) + `]}`, 413, "larger than 4000 bytes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := rec.rows()
			w := do(t, h, "POST", c.path, keys[antipersona.RoleIngest], []byte(c.body))
			if w.Code != c.status || !strings.Contains(w.Body.String(), c.says) {
				t.Errorf("%d %s; want %d saying %q", w.Code, w.Body, c.status, c.says)
			}
			if rec.rows() != before {
				t.Error("a refused call stored rows")
			}
		})
	}
}

// TestStoreErrorIsNotAcknowledged: when the store fails, the call is
// answered 500, never 200.
func TestStoreErrorIsNotAcknowledged(t *testing.T) {
	s, rec, keys := testServer(t, Options{})
	rec.fail = io.ErrUnexpectedEOF
	w := do(t, s.Handler(), "POST", "/v1/track", keys[antipersona.RoleIngest], []byte(`{"userId":"C1","event":"x","messageId":"m1"}`))
	if w.Code != 500 || strings.Contains(w.Body.String(), "unexpected EOF") {
		t.Errorf("%d %s; want 500 without the internal error", w.Code, w.Body)
	}
}

// TestGroupCommit: concurrent calls are stored together and each is
// answered after its rows are stored.
func TestGroupCommit(t *testing.T) {
	s, rec, keys := testServer(t, Options{CommitDelay: 20 * time.Millisecond})
	h := s.Handler()
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			body := `{"batch":[{"type":"track","userId":"C1","event":"x","messageId":"g` + strings.Repeat("x", i) + `"}]}`
			w := do(t, h, "POST", "/v1/batch", keys[antipersona.RoleIngest], []byte(body))
			if w.Code != 200 {
				t.Errorf("%d %s", w.Code, w.Body)
			}
		})
	}
	wg.Wait()
	if len(rec.ids) != 50 {
		t.Errorf("%d stored, want 50", len(rec.ids))
	}
	if len(rec.batches) >= 50 {
		t.Errorf("%d commits for 50 concurrent calls: no grouping", len(rec.batches))
	}
}

// TestCloseFlushes: Close stores what is queued, then refuses new calls.
func TestCloseFlushes(t *testing.T) {
	s, rec, keys := testServer(t, Options{CommitDelay: 100 * time.Millisecond})
	h := s.Handler()
	done := make(chan int)
	go func() {
		w := do(t, h, "POST", "/v1/track", keys[antipersona.RoleIngest], []byte(`{"userId":"C1","event":"x","messageId":"q1"}`))
		done <- w.Code
	}()
	time.Sleep(20 * time.Millisecond) // queued, waiting for the delay
	s.Close(context.Background())
	if code := <-done; code != 200 || !rec.ids["q1"] {
		t.Errorf("queued call: %d, stored %v", code, rec.ids["q1"])
	}
	w := do(t, h, "POST", "/v1/track", keys[antipersona.RoleIngest], []byte(`{"userId":"C1","event":"x","messageId":"q2"}`))
	if w.Code != 409 || rec.ids["q2"] {
		t.Errorf("after Close: %d %s", w.Code, w.Body)
	}
	if w := do(t, h, "GET", "/readyz", "", nil); w.Code != 503 {
		t.Errorf("readyz after Close: %d", w.Code)
	}
}

func TestBuildJobs(t *testing.T) {
	s, rec, keys := testServer(t, Options{})
	h := s.Handler()
	w := do(t, h, "POST", "/api/v1/workspaces/shop/builds", keys[antipersona.RoleAnalyst], []byte(`{"as_of":"2025-06-30"}`))
	if w.Code != 202 {
		t.Fatalf("start: %d %s", w.Code, w.Body)
	}
	w2 := do(t, h, "POST", "/api/v1/workspaces/shop/builds", keys[antipersona.RoleAnalyst], nil)
	if w2.Code != 409 {
		t.Errorf("second build while one runs: %d %s", w2.Code, w2.Body)
	}
	if w := do(t, h, "POST", "/api/v1/workspaces/shop/builds", keys[antipersona.RoleAnalyst], []byte(`{"as_of":"30.06.2025"}`)); w.Code != 400 {
		t.Errorf("bad date: %d", w.Code)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		w := do(t, h, "GET", "/api/v1/workspaces/shop/builds/jobs/1", keys[antipersona.RoleReader], nil)
		var j BuildJob
		json.Unmarshal(w.Body.Bytes(), &j)
		if j.State == "succeeded" {
			if j.Summary.(map[string]any)["as_of"] != "2025-06-30" {
				t.Errorf("summary %v", j.Summary)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job still %q", j.State)
		}
		time.Sleep(10 * time.Millisecond)
	}
	var audited []string
	for _, e := range rec.audit {
		audited = append(audited, e.Action+" "+e.Target+" "+itoa(e.Status))
	}
	sort.Strings(audited)
	if got := strings.Join(audited, "; "); got != "build.start  400; build.start  409; build.start 1 202" {
		t.Errorf("audit log: %s", got)
	}
}

// TestMetrics: the exposition has the requests and the ingest counts.
func TestMetrics(t *testing.T) {
	s, _, keys := testServer(t, Options{})
	h := s.Handler()
	do(t, h, "POST", "/v1/track", keys[antipersona.RoleIngest], []byte(`{"userId":"C1","event":"x","messageId":"m1"}`))
	do(t, h, "POST", "/v1/track", keys[antipersona.RoleIngest], []byte(`{"userId":"C1","event":"x","messageId":"m1"}`))
	do(t, h, "GET", "/api/v1/workspaces/shop/personas", "", nil)
	w := do(t, h, "GET", "/metrics", "", nil)
	body := w.Body.String()
	for _, want := range []string{
		`antipersona_http_requests_total{route="POST /v1/track",code="200"} 2`,
		`antipersona_http_requests_total{route="GET /api/v1/workspaces/{workspace}/personas",code="401"} 1`,
		`antipersona_ingest_rows_total{workspace="shop",result="inserted"} 1`,
		`antipersona_ingest_rows_total{workspace="shop",result="duplicate"} 1`,
		`antipersona_http_request_duration_seconds_count{route="POST /v1/track"} 2`,
		"# TYPE antipersona_http_request_duration_seconds histogram",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestSchedule: a scheduled build runs at its interval, as a job with the
// schedule as its trigger; a tick while a build runs is skipped.
func TestSchedule(t *testing.T) {
	s, _, keys := testServer(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.Schedule(ctx, "shop", 30*time.Millisecond)
	deadline := time.Now().Add(5 * time.Second)
	for {
		w := do(t, s.Handler(), "GET", "/api/v1/workspaces/shop/builds", keys[antipersona.RoleReader], nil)
		var a BuildsAnswer
		json.Unmarshal(w.Body.Bytes(), &a)
		done := 0
		for _, j := range a.Jobs {
			if j.Trigger != "schedule" || j.KeyID != "" {
				t.Fatalf("job %+v", j)
			}
			if j.State == "succeeded" {
				done++
			}
		}
		if done >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d scheduled builds done in 5 s", done)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	s.Close(context.Background()) // waits for the scheduler to stop
}
