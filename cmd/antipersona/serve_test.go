package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/apikey"
	"github.com/antipersona/antipersona/audience"
	aphttp "github.com/antipersona/antipersona/http"
	"github.com/antipersona/antipersona/internal/pgtest"
	"github.com/antipersona/antipersona/postgres"
)

// The stores the end-to-end tests run on.
const (
	onDuckDB   = "duckdb"
	onPostgres = "postgres"
)

// forEachStore runs test on the embedded store and, when PostgreSQL is
// installed (or required, pgtest.RequireEnv), on PostgreSQL: the same
// end-to-end suite on both.
func forEachStore(t *testing.T, test func(t *testing.T, kind string)) {
	t.Run(onDuckDB, func(t *testing.T) { test(t, onDuckDB) })
	if pgtest.Available() || os.Getenv(pgtest.RequireEnv) == "1" {
		t.Run(onPostgres, func(t *testing.T) { test(t, onPostgres) })
	}
}

// demoTemplate is the demo workspace built once per test binary and
// store: a folder, and for PostgreSQL a template database.
type demoTemplate struct {
	once sync.Once
	dir  string // the built workspace folder
	dsn  string // its database (PostgreSQL)
	err  error
}

var demoTemplates = map[string]*demoTemplate{onDuckDB: {}, onPostgres: {}}

// demoWorkspace returns a fresh copy of a demo workspace of 1,500 contacts
// (seed 4) built at the end of both periods, on the store kind, named name
// in the API. The demo runs once per test binary and store; PostgreSQL
// copies are databases made from a template database.
func demoWorkspace(t testing.TB, kind, name string) string {
	t.Helper()
	tmpl := demoTemplates[kind]
	tmpl.once.Do(func() {
		dir, err := os.MkdirTemp("", "antipersona-serve-test-")
		if err != nil {
			tmpl.err = err
			return
		}
		cleanups = append(cleanups, func() { os.RemoveAll(dir) })
		if kind == onPostgres {
			tmpl.dsn = pgtest.NewTemplate(t, "antipersona_demo")
		}
		var out, errb bytes.Buffer
		no := false
		m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
			Getenv: func(k string) string {
				if k == "ANTIPERSONA_POSTGRES" {
					return tmpl.dsn
				}
				return ""
			}, Now: func() time.Time { return fixedNow }, Interactive: &no}
		if code := m.Run(context.Background(), []string{"demo", "-q", "--contacts", "1500", "--seed", "4", "--out", dir}); code != 0 {
			tmpl.err = &antipersona.Error{Code: antipersona.EINTERNAL, Message: "demo on " + kind + " failed: " + errb.String()}
			return
		}
		tmpl.dir = filepath.Join(dir, "workspace")
	})
	if tmpl.err != nil {
		t.Fatal(tmpl.err)
	}
	dst := filepath.Join(t.TempDir(), name)
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	files := []string{"antipersona.yaml"}
	if kind == onDuckDB {
		files = append(files, StoreFile)
	}
	var dsn string
	if kind == onPostgres {
		dsn = pgtest.NewDatabaseFrom(t, tmpl.dsn)
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		_, err = conn.Exec(ctx, "ALTER SCHEMA "+postgres.SchemaName("workspace")+" RENAME TO "+postgres.SchemaName(name))
		conn.Close(ctx)
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(tmpl.dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "antipersona.yaml" {
			data = bytes.Replace(data, []byte("  workspace: \"\"\n"), []byte("  workspace: "+name+"\n"), 1)
			data = bytes.Replace(data, []byte("  postgres: \"\"\n"), []byte("  postgres: "+dsn+"\n"), 1)
		}
		if err := os.WriteFile(filepath.Join(dst, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// cleanups run when the test binary ends (TestMain).
var cleanups []func()

// testServe serves the workspace folders in-process and returns the base
// URL, the server and the served workspaces by name.
func testServe(t testing.TB, dirs ...string) (string, *aphttp.Server, map[string]*servedWorkspace) {
	t.Helper()
	base, srv, served, _ := testServeLogged(t, dirs...)
	return base, srv, served
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testServeLogged is testServe that also returns everything the server and
// its builds log, at debug level.
func testServeLogged(t testing.TB, dirs ...string) (string, *aphttp.Server, map[string]*servedWorkspace, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard,
		Getenv: func(string) string { return "" }, Now: time.Now, quiet: true, logger: logger}
	ring := keyRing{}
	wss := map[string]aphttp.Workspace{}
	served := map[string]*servedWorkspace{}
	var list []*servedWorkspace
	for _, d := range dirs {
		sw, err := m.openServed(context.Background(), d)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sw.ws.s.Close() })
		list = append(list, sw)
	}
	closeKeys, err := openPostgresKeys(context.Background(), list)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeKeys)
	for _, sw := range list {
		ring[sw.name], wss[sw.name], served[sw.name] = sw.keys, sw.ws, sw
	}
	srv := aphttp.NewServer(aphttp.Options{Keys: ring, Workspaces: wss, Logger: logger, StrictI18n: true})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.Close()
		srv.Close(context.Background())
	})
	return ts.URL, srv, served, logs
}

// newKey creates a key of role in the served workspace.
func newKey(t testing.TB, sw *servedWorkspace, role antipersona.Role) (string, antipersona.APIKey) {
	t.Helper()
	key, k, err := apikey.New(sw.name, role, "test", time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.keys.CreateKey(context.Background(), k); err != nil {
		t.Fatal(err)
	}
	return key, k
}

// call sends a request with the key (Bearer; "" for none) and returns the
// status and body.
func call(t testing.TB, method, url, key, body string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, data
}

// waitJob polls a build job until it ends.
func waitJob(t testing.TB, base, ws, key string, job int64) aphttp.BuildJob {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		code, body := call(t, "GET", base+"/api/v1/workspaces/"+ws+"/builds/jobs/"+itoa64(job), key, "")
		var j aphttp.BuildJob
		if code != 200 || json.Unmarshal(body, &j) != nil {
			t.Fatalf("job %d: %d %s", job, code, body)
		}
		if j.State != "running" {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d still running", job)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func itoa64(n int64) string { return strings.TrimSpace(string(must(json.Marshal(n)))) }

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestServerAccessMatrix: every endpoint refuses a missing key (401), a
// role without its permission (403) and a key of another workspace (404),
// and allows each role that has the permission.
func TestServerAccessMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a demo shop")
	}
	forEachStore(t, testServerAccessMatrix)
}

func testServerAccessMatrix(t *testing.T, kind string) {
	shopDir, otherDir := demoWorkspace(t, kind, "shop"), demoWorkspace(t, kind, "other")
	base, srv, served := testServe(t, shopDir, otherDir)
	shop, other := served["shop"], served["other"]
	keys := map[antipersona.Role]string{}
	for _, r := range antipersona.Roles {
		keys[r], _ = newKey(t, shop, r)
	}
	otherAdmin, _ := newKey(t, other, antipersona.RoleAdmin)
	otherReader, _ := newKey(t, other, antipersona.RoleReader)
	throwawayKey, throwaway := newKey(t, shop, antipersona.RoleReader)

	// What each endpoint is called with: path values and a valid body.
	params := func(rt aphttp.Route) (string, string) {
		p := rt.Path
		id := "C0000002"
		switch {
		case strings.Contains(p, "/contacts/{id}") && rt.Method == "DELETE", strings.HasSuffix(p, "/consent"):
			id = "C0000003"
		case strings.Contains(p, "/personas/{id}"):
			id = "per-1"
		case strings.Contains(p, "/keys/{id}"):
			id = throwaway.ID
		}
		p = strings.NewReplacer("{workspace}", "shop", "{id}", id, "{name}", "matrix", "{job}", "1").Replace(p)
		body := map[string]string{
			"POST /v1/identify": `{"userId":"C0000002","traits":{"city":"Kraków"},"messageId":"mx-identify"}`,
			"POST /v1/track":    `{"userId":"C0000002","event":"Product Viewed","messageId":"mx-track"}`,
			"POST /v1/page":     `{"userId":"C0000002","name":"Home","messageId":"mx-page"}`,
			"POST /v1/batch":    `{"batch":[{"type":"track","userId":"C0000002","event":"Product Viewed","messageId":"mx-batch"}]}`,
			"POST /api/v1/workspaces/{workspace}/score":     `{"age": 40, "lead_source": "organic"}`,
			"POST /api/v1/workspaces/{workspace}/audiences": `{"name":"matrix","actions":["exclude","organic_only"],"format":"csv"}`,
			"POST /api/v1/workspaces/{workspace}/builds":    `{"as_of":"2025-12-31"}`,
			"POST /api/v1/workspaces/{workspace}/keys":      `{"role":"reader","name":"matrix"}`,
		}[rt.Method+" "+rt.Path]
		return p, body
	}
	// Who may call what: written here, not read from the server, so that
	// a route given the wrong permission fails the test.
	const (
		ingesters = "admin analyst ingest"
		readers   = "admin analyst reader"
		analysts  = "admin analyst"
		admins    = "admin"
		open      = ""
	)
	ws := "/api/v1/workspaces/{workspace}"
	allowed := map[string]string{
		"GET /healthz": open, "GET /readyz": open, "GET /metrics": open, "GET /api/v1/openapi.json": open,
		"POST /v1/identify": ingesters, "POST /v1/track": ingesters, "POST /v1/page": ingesters, "POST /v1/batch": ingesters,
		"GET " + ws + "/contacts/{id}":             readers,
		"DELETE " + ws + "/contacts/{id}":          admins,
		"GET " + ws + "/contacts/{id}/export":      admins,
		"POST " + ws + "/contacts/{id}/consent":    admins,
		"GET " + ws + "/personas":                  readers,
		"GET " + ws + "/personas/{id}":             readers,
		"GET " + ws + "/negative-personas":         readers,
		"GET " + ws + "/segments":                  readers,
		"GET " + ws + "/audit":                     readers,
		"GET " + ws + "/worksheet":                 readers,
		"GET " + ws + "/decisions":                 readers,
		"GET " + ws + "/budget":                    readers,
		"GET " + ws + "/changes":                   readers,
		"POST " + ws + "/score":                    readers,
		"GET " + ws + "/audiences":                 readers,
		"POST " + ws + "/audiences":                analysts,
		"POST " + ws + "/audiences/{name}/export":  analysts,
		"GET " + ws + "/audiences/{name}/download": analysts,
		"POST " + ws + "/builds":                   analysts,
		"GET " + ws + "/builds":                    readers,
		"GET " + ws + "/builds/jobs/{job}":         readers,
		"GET " + ws + "/keys":                      admins,
		"POST " + ws + "/keys":                     admins,
		"DELETE " + ws + "/keys/{id}":              admins,
		"GET " + ws + "/audit-log":                 admins,
	}
	routes := srv.Routes()
	if len(routes) != len(allowed) {
		t.Errorf("%d routes served, %d in the test's table: add the new ones to it", len(routes), len(allowed))
	}
	checked := 0
	for _, rt := range routes {
		may, known := allowed[rt.Method+" "+rt.Path]
		if !known {
			t.Errorf("%s %s is not in the test's table", rt.Method, rt.Path)
			continue
		}
		if may == open {
			if rt.Permission != "" {
				t.Errorf("%s %s needs a key; it should be open", rt.Method, rt.Path)
			}
			continue
		}
		checked++
		path, body := params(rt)
		url := base + path
		name := rt.Method + " " + rt.Path
		if code, b := call(t, rt.Method, url, "", body); code != 401 {
			t.Errorf("%s without a key: %d %s, want 401", name, code, b)
		}
		if code, _ := call(t, rt.Method, url, "ap_aaaaaaaa_"+strings.Repeat("b", 32), body); code != 401 {
			t.Errorf("%s with an unknown key: %d, want 401", name, code)
		}
		if strings.HasPrefix(rt.Path, "/api/v1/workspaces/") {
			for _, k := range []string{otherAdmin, otherReader} {
				if code, b := call(t, rt.Method, url, k, body); code != 404 {
					t.Errorf("%s with another workspace's key: %d %s, want 404", name, code, b)
				}
			}
		}
		for _, role := range antipersona.Roles {
			code, b := call(t, rt.Method, url, keys[role], body)
			if !slices.Contains(strings.Fields(may), string(role)) {
				if code != 403 {
					t.Errorf("%s as %s: %d %s, want 403", name, role, code, b)
				}
				continue
			}
			if code != rt.OK {
				t.Errorf("%s as %s: %d %s, want %d", name, role, code, b, rt.OK)
				continue
			}
			if rt.Method == "POST" && strings.HasSuffix(rt.Path, "/builds") {
				var j aphttp.BuildJob
				json.Unmarshal(b, &j)
				if got := waitJob(t, base, "shop", keys[role], j.ID); got.State != "succeeded" {
					t.Errorf("build job %d: %+v", j.ID, got)
				}
			}
		}
	}
	if checked < 25 {
		t.Fatalf("only %d endpoints checked", checked)
	}

	// The key revoked through the API is refused at once.
	if code, _ := call(t, "GET", base+"/api/v1/workspaces/shop/builds", throwawayKey, ""); code != 401 {
		t.Errorf("revoked key: %d, want 401", code)
	}
	// The other workspace's ingest key writes into its own workspace only.
	otherIngest, _ := newKey(t, other, antipersona.RoleIngest)
	code, b := call(t, "POST", base+"/v1/track", otherIngest, `{"userId":"ISO-1","event":"Signed Up","messageId":"iso-1"}`)
	if code != 200 {
		t.Fatalf("other's track: %d %s", code, b)
	}
	ctx := context.Background()
	if d, _ := other.ws.s.ContactData(ctx, "ISO-1"); len(d["events"]) != 1 {
		t.Errorf("other's event not in other: %v", d)
	}
	if d, _ := shop.ws.s.ContactData(ctx, "ISO-1"); len(d) != 0 {
		t.Errorf("other's event in shop: %v", d)
	}
	// The audit log has who did what, refusals included, and no other
	// workspace's attempts.
	es, err := shop.ws.s.AuditEntries(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var deletes []string
	for _, e := range es {
		if e.Workspace != "shop" {
			t.Errorf("audit entry of %s in shop", e.Workspace)
		}
		if e.Action == "contact.delete" {
			deletes = append(deletes, string(e.Role)+" "+itoa64(int64(e.Status)))
		}
	}
	slices.Sort(deletes)
	if got := strings.Join(deletes, ", "); got != "admin 200, analyst 403, ingest 403, reader 403" {
		t.Errorf("contact.delete audit entries: %s", got)
	}
}

// TestForgetEverywhere: after DELETE the contact is in no table, no export,
// no audience and no later build; later data about it is refused, by the
// API and by the command line, until it is re-consented.
func TestForgetEverywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a demo shop")
	}
	forEachStore(t, testForgetEverywhere)
}

func testForgetEverywhere(t *testing.T, kind string) {
	dir := demoWorkspace(t, kind, "shop")
	base, _, served, logs := testServeLogged(t, dir)
	shop := served["shop"]
	admin, _ := newKey(t, shop, antipersona.RoleAdmin)
	ingestKey, _ := newKey(t, shop, antipersona.RoleIngest)
	ws := base + "/api/v1/workspaces/shop"
	ctx := context.Background()

	// Everyone, as a CSV audience with contact ids and hashed e-mails.
	code, b := call(t, "POST", ws+"/audiences", admin, `{"name":"everyone","format":"csv"}`)
	if code != 200 {
		t.Fatalf("audience: %d %s", code, b)
	}
	download := func() string {
		code, b := call(t, "GET", ws+"/audiences/everyone/download", admin, "")
		if code != 200 {
			t.Fatalf("download: %d %s", code, b)
		}
		return string(b)
	}
	// And everyone as a Google Customer Match audience, exported
	// incrementally (this first export: every member an add).
	if code, b := call(t, "POST", ws+"/audiences", admin, `{"name":"everyone-g","format":"google","incremental":true}`); code != 200 {
		t.Fatalf("google audience: %d %s", code, b)
	}
	// The victim: a buyer with events, orders and survey answers.
	const id = "C0000007"
	before, err := shop.ws.s.ContactData(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"contacts", "events", "features", "decisions", "audience_members"} {
		if len(before[table]) == 0 {
			t.Fatalf("%s has no %s rows before the delete; pick another contact", id, table)
		}
	}
	email := before["contacts"][0]["email"].(string)
	hashed := audienceHash(email)
	if all := download(); !strings.Contains(all, id+",") || !strings.Contains(all, hashed) {
		t.Fatalf("%s not in the audience before the delete", id)
	}
	code, b = call(t, "GET", ws+"/contacts/"+id+"/export", admin, "")
	if code != 200 || !strings.Contains(string(b), email) {
		t.Fatalf("export before: %d, has e-mail %v", code, strings.Contains(string(b), email))
	}

	code, b = call(t, "DELETE", ws+"/contacts/"+id, admin, "")
	if code != 200 {
		t.Fatalf("delete: %d %s", code, b)
	}
	var fr antipersona.ForgetResult
	json.Unmarshal(b, &fr)
	for table, rows := range before {
		if fr.Deleted[table] != int64(len(rows)) {
			t.Errorf("deleted %d rows of %s, the export had %d", fr.Deleted[table], table, len(rows))
		}
	}
	check := func(when string) {
		t.Helper()
		if d, _ := shop.ws.s.ContactData(ctx, id); len(d) != 0 {
			t.Errorf("%s: still held: %v", when, slices.Sorted(mapsKeys(d)))
		}
		if code, _ := call(t, "GET", ws+"/contacts/"+id, admin, ""); code != 404 {
			t.Errorf("%s: GET contact %d, want 404", when, code)
		}
		code, b := call(t, "GET", ws+"/contacts/"+id+"/export", admin, "")
		if code != 200 || strings.Contains(string(b), email) || !strings.Contains(string(b), `"forgotten": true`) {
			t.Errorf("%s: export %d %s", when, code, b)
		}
		// A new export of the audience leaves it out.
		if code, b := call(t, "POST", ws+"/audiences/everyone/export", admin, ""); code != 200 {
			t.Fatalf("re-export: %d %s", code, b)
		}
		if all := download(); strings.Contains(all, id+",") || strings.Contains(all, hashed) {
			t.Errorf("%s: still in the audience", when)
		}
	}
	check("after the delete")

	// The next incremental export removes it from the ad platform, by the
	// hash of its e-mail: all that was kept of it. Then it is gone for good.
	reexport := func() (int, string) {
		code, b := call(t, "POST", ws+"/audiences/everyone-g/export", admin, "")
		if code != 200 {
			t.Fatalf("incremental export: %d %s", code, b)
		}
		var res struct {
			ForgottenRemoved int `json:"forgotten_removed"`
		}
		json.Unmarshal(b, &res)
		code, b = call(t, "GET", ws+"/audiences/everyone-g/download?part=removals", admin, "")
		if code != 200 {
			t.Fatalf("removals download: %d %s", code, b)
		}
		return res.ForgottenRemoved, string(b)
	}
	if n, removals := reexport(); n != 1 || !strings.Contains(removals, hashed) {
		t.Errorf("incremental export after the delete: %d forgotten removed, hash in the removals file %v", n, strings.Contains(removals, hashed))
	}
	if n, removals := reexport(); n != 0 || strings.Contains(removals, hashed) {
		t.Errorf("second incremental export: %d forgotten removed, hash still in the removals file %v", n, strings.Contains(removals, hashed))
	}

	// New data about it is refused: by the API...
	code, b = call(t, "POST", base+"/v1/track", ingestKey, `{"userId":"`+id+`","event":"Product Viewed","messageId":"after-delete"}`)
	if code != 200 {
		t.Fatalf("track: %d %s", code, b)
	}
	// ... and by a rebuild, which re-evaluates everyone without it.
	code, b = call(t, "POST", ws+"/builds", admin, `{"as_of":"2025-12-31"}`)
	if code != 202 {
		t.Fatalf("build: %d %s", code, b)
	}
	var j aphttp.BuildJob
	json.Unmarshal(b, &j)
	if got := waitJob(t, base, "shop", admin, j.ID); got.State != "succeeded" {
		t.Fatalf("build: %+v", got)
	}
	check("after a new build")

	// Re-consent lets its data in again.
	if code, b := call(t, "POST", ws+"/contacts/"+id+"/consent", admin, ""); code != 200 {
		t.Fatalf("consent: %d %s", code, b)
	}
	code, b = call(t, "POST", base+"/v1/track", ingestKey, `{"userId":"`+id+`","event":"Product Viewed","messageId":"after-consent"}`)
	if d, _ := shop.ws.s.ContactData(ctx, id); code != 200 || len(d["events"]) != 1 {
		t.Errorf("after consent: %d, %d events", code, len(d["events"]))
	}

	// Personal data never reached the logs: not the contact id the paths
	// and bodies carried, not its e-mail, though a build ran and every
	// request was logged at debug level.
	all := logs.String()
	if !strings.Contains(all, `"msg":"request"`) {
		t.Fatalf("no request was logged: %.300s", all)
	}
	for _, pii := range []string{id, email} {
		if strings.Contains(all, pii) {
			t.Errorf("the logs hold %q", pii)
		}
	}
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// TestIngestRefusesForgotten: the command line's ingest refuses the rows
// of a forgotten contact and says so.
func TestIngestRefusesForgotten(t *testing.T) {
	ws := t.TempDir()
	mustRun(t, "init", ws)
	csv := filepath.Join(t.TempDir(), "contacts.csv")
	os.WriteFile(csv, []byte("contact_id,email,city\nC1,a@example.com,Kraków\nC2,b@example.com,Gdańsk\n"), 0o644)
	mustRun(t, "-w", ws, "ingest", "contacts", csv)
	if out := mustRun(t, "-w", ws, "contacts", "export", "C1"); !strings.Contains(out, "a@example.com") {
		t.Errorf("export of C1 lacks its e-mail: %s", out)
	}
	var res antipersona.ForgetResult
	if err := json.Unmarshal([]byte(mustRun(t, "-w", ws, "--json", "contacts", "forget", "C1")), &res); err != nil || res.Deleted["contacts"] != 1 {
		t.Errorf("forget C1: %+v, %v", res, err)
	}
	if out := mustRun(t, "-w", ws, "contacts", "export", "C1"); strings.Contains(out, "a@example.com") || !strings.Contains(out, `"forgotten": true`) {
		t.Errorf("export of C1 after forgetting: %s", out)
	}
	_, errs, code := run(t, "-w", ws, "ingest", "contacts", csv)
	if code != 0 || !strings.Contains(errs, "2 rows read, 0 loaded, 0 rejected, 1 duplicates skipped, 1 refused (contacts deleted on request") {
		t.Errorf("ingest after forgetting C1: exit %d: %s", code, errs)
	}
	if got := status(t, ws).Counts[antipersona.KindContacts]; got != 1 {
		t.Errorf("%d contacts, want 1", got)
	}
	mustRun(t, "-w", ws, "contacts", "consent", "C1")
	if _, errs, code := run(t, "-w", ws, "contacts", "consent", "C1"); code != exitCodes[antipersona.ENOTFOUND] {
		t.Errorf("second consent: exit %d: %s", code, errs)
	}
	mustRun(t, "-w", ws, "ingest", "contacts", csv)
	if got := status(t, ws).Counts[antipersona.KindContacts]; got != 2 {
		t.Errorf("%d contacts after consent, want 2", got)
	}
	// The audit log has the three actions, by the command line.
	m := mainIn(ws, testEnv(t))
	_, s, err := m.openWorkspace(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	es, err := s.AuditEntries(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Action+" "+e.KeyID+" "+e.Target)
	}
	if want := "contact.consent cli C1, contact.export cli C1, contact.delete cli C1, contact.export cli C1"; strings.Join(got, ", ") != want {
		t.Errorf("audit log: %s, want %s", strings.Join(got, ", "), want)
	}
}

// audienceHash is the hashed e-mail an audience export writes.
func audienceHash(email string) string { return audience.Hash(audience.NormalizeEmail(email)) }
