package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/duckdb"
	"github.com/antipersona/antipersona/generate"
	"github.com/antipersona/antipersona/internal/pgtest"
)

// TestMain lets a test re-run this binary as the antipersona command, for
// tests that need a separate process (locks, SIGKILL).
func TestMain(m *testing.M) {
	if os.Getenv("ANTIPERSONA_RUN_MAIN") == "1" {
		os.Exit(NewMain().Run(context.Background(), os.Args[1:]))
	}
	code := pgtest.Run(m)
	for _, f := range cleanups {
		f()
	}
	os.Exit(code)
}

var fixedNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// testDatabases holds, when ANTIPERSONA_TEST_STORE=postgres, each test's
// PostgreSQL database: every command the test runs keeps its workspaces
// there instead of in embedded stores (the whole suite on PostgreSQL).
var testDatabases sync.Map // test name -> DSN

// testEnv is the environment the commands of test t see.
func testEnv(t testing.TB) func(string) string {
	if os.Getenv("ANTIPERSONA_TEST_STORE") != "postgres" {
		return func(string) string { return "" }
	}
	name := strings.SplitN(t.Name(), "/", 2)[0]
	dsn, ok := testDatabases.Load(name)
	if !ok {
		dsn, _ = testDatabases.LoadOrStore(name, pgtest.NewDatabase(t))
	}
	return func(k string) string {
		if k == "ANTIPERSONA_POSTGRES" {
			return dsn.(string)
		}
		return ""
	}
}

// embeddedOnly skips t when the suite runs on PostgreSQL
// (ANTIPERSONA_TEST_STORE=postgres): the test reaches into the embedded
// store's file, or runs a child process that does.
func embeddedOnly(t testing.TB, why string) {
	if os.Getenv("ANTIPERSONA_TEST_STORE") == "postgres" {
		t.Skip("embedded store only: " + why)
	}
}

// run runs the command in-process and returns stdout, stderr and the exit status.
func run(t testing.TB, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	no := false
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: testEnv(t), Now: func() time.Time { return fixedNow }, Interactive: &no}
	code := m.Run(context.Background(), args)
	return out.String(), errb.String(), code
}

// mustRun runs the command and fails the test on a non-zero exit status.
func mustRun(t testing.TB, args ...string) string {
	t.Helper()
	out, errs, code := run(t, args...)
	if code != 0 {
		t.Fatalf("antipersona %s: exit %d\nstderr: %s", strings.Join(args, " "), code, errs)
	}
	return out
}

func status(t *testing.T, ws string) antipersona.Status {
	t.Helper()
	var st antipersona.Status
	if err := json.Unmarshal([]byte(mustRun(t, "-w", ws, "status", "--json")), &st); err != nil {
		t.Fatal(err)
	}
	return st
}

const datasets = "../../../shared/datasets"

func needDataset(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join(datasets, rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("dataset %s not found beside the repository", p)
	}
	return p
}

func TestInitAndStatus(t *testing.T) {
	embeddedOnly(t, "checks the store file init creates")
	ws := filepath.Join(t.TempDir(), "shop")
	mustRun(t, "init", ws)
	for _, f := range []string{"antipersona.yaml", "antipersona.duckdb", "rejects"} {
		if _, err := os.Stat(filepath.Join(ws, f)); err != nil {
			t.Errorf("init did not create %s: %v", f, err)
		}
	}
	st := status(t, ws)
	for _, k := range antipersona.Kinds {
		if n, ok := st.Counts[k]; !ok || n != 0 {
			t.Errorf("status %s: got %d (present %v), want 0", k, n, ok)
		}
	}
	if st.LastBuild != nil {
		t.Errorf("last build: got %+v, want none", st.LastBuild)
	}
	// A second init keeps the user's configuration.
	cfg := filepath.Join(ws, "antipersona.yaml")
	if err := os.WriteFile(cfg, []byte("currency: VND\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "init", ws)
	if data, _ := os.ReadFile(cfg); string(data) != "currency: VND\n" {
		t.Errorf("init overwrote antipersona.yaml: %q", data)
	}
	out := mustRun(t, "-w", ws, "status")
	if !strings.Contains(out, "survey_answers") || !strings.Contains(out, "last build: none") {
		t.Errorf("status text:\n%s", out)
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"not a workspace", []string{"-w", dir, "status"}, 3, "is not a workspace"},
		{"unknown kind", []string{"-w", dir, "ingest", "sales", "x.csv"}, 2, `unknown kind "sales"`},
		{"no file", []string{"-w", dir, "ingest", "orders"}, 2, "expected KIND and at least one FILE"},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown flag", []string{"status", "--nope"}, 2, "unknown flag"},
		{"bad format", []string{"-w", dir, "features", "--format", "xls"}, 2, "unknown --format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs, code := run(t, tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.want) {
				t.Errorf("got exit %d, stderr %q; want exit %d containing %q", code, errs, tt.code, tt.want)
			}
		})
	}
}

func TestBadConfig(t *testing.T) {
	ws := t.TempDir()
	mustRun(t, "init", ws)
	os.WriteFile(filepath.Join(ws, "antipersona.yaml"), []byte("thresholds:\n  rfm_levels: 9\n"), 0o644)
	_, errs, code := run(t, "-w", ws, "status")
	if code != 2 || !strings.Contains(errs, "thresholds.rfm_levels") {
		t.Errorf("got exit %d, %q", code, errs)
	}
}

func TestMissingFile(t *testing.T) {
	ws := t.TempDir()
	mustRun(t, "init", ws)
	good := filepath.Join(t.TempDir(), "c.csv")
	os.WriteFile(good, []byte("contact_id,age\na,30\nb,40\n"), 0o644)
	_, errs, code := run(t, "-w", ws, "ingest", "contacts", filepath.Join(ws, "nope.csv"), good)
	if code == 0 || !strings.Contains(errs, "nope.csv") {
		t.Errorf("missing file: exit %d, stderr %q", code, errs)
	}
	if st := status(t, ws); st.Counts["contacts"] != 2 {
		t.Errorf("the good file after a missing one: %d contacts, want 2", st.Counts["contacts"])
	}
}

func TestMissingColumns(t *testing.T) {
	ws := t.TempDir()
	mustRun(t, "init", ws)
	f := filepath.Join(t.TempDir(), "o.csv")
	os.WriteFile(f, []byte("number,when,total\n1,2024-01-01,10\n"), 0o644)
	_, errs, code := run(t, "-w", ws, "ingest", "orders", f)
	if code == 0 || !strings.Contains(errs, "number") || !strings.Contains(errs, "total") {
		t.Errorf("exit %d, stderr %q: want a failure listing the columns found", code, errs)
	}
}

// TestDemoAndIdempotence runs the demo on a small shop, then ingests every
// generated file again and checks that no count changes.
func TestDemoAndIdempotence(t *testing.T) {
	out := t.TempDir()
	var res demoResult
	stdout := mustRun(t, "demo", "--out", out, "--contacts", "400", "--seed", "3", "--json")
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("demo --json: %v\n%s", err, stdout)
	}
	if len(res.Builds) != 2 || res.Builds[1].Contacts < 390 || res.Builds[1].Buyers == 0 {
		t.Fatalf("demo builds: %+v", res.Builds)
	}
	for _, r := range res.Ingested {
		if r.Loaded == 0 || r.Error != "" {
			t.Errorf("demo ingest %s: %+v", r.File, r)
		}
	}
	before := status(t, res.Workspace)
	for _, df := range demoFiles {
		var reps []fileReport
		o := mustRun(t, "-w", res.Workspace, "ingest", string(df.kind), filepath.Join(res.Data, df.file), "--json")
		if err := json.Unmarshal([]byte(o), &reps); err != nil {
			t.Fatal(err)
		}
		if reps[0].Loaded != 0 || reps[0].Duplicates == 0 {
			t.Errorf("re-ingest %s: %+v, want nothing loaded", df.file, reps[0])
		}
	}
	after := status(t, res.Workspace)
	for _, k := range antipersona.Kinds {
		if before.Counts[k] != after.Counts[k] {
			t.Errorf("%s: %d before, %d after re-ingest", k, before.Counts[k], after.Counts[k])
		}
	}
	// Features export in each format.
	for _, f := range []string{"csv", "json", "parquet"} {
		p := filepath.Join(out, "features."+f)
		mustRun(t, "-w", res.Workspace, "features", "--format", f, "--out", p)
		if st, err := os.Stat(p); err != nil || st.Size() < 1000 {
			t.Errorf("features %s: %v", f, err)
		}
	}
	rows, err := csv.NewReader(strings.NewReader(mustRun(t, "-w", res.Workspace, "features"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(rows)-1) != res.Builds[1].Contacts || rows[0][0] != "contact_id" {
		t.Errorf("features csv: %d rows, header %v", len(rows), rows[0][:3])
	}
	for _, c := range rows[0] {
		if c == "email" || c == "phone" || c == "first_name" || c == "last_name" {
			t.Errorf("features export holds personal column %q", c)
		}
	}
}

// TestOnlineRetailRFM compares recency, frequency and monetary on UCI Online
// Retail as of 2011-12-10 with the independent pandas computation in
// testdata/online_retail (rfm_pandas.py -> rfm_golden.csv).
func TestOnlineRetailRFM(t *testing.T) {
	embeddedOnly(t, "reads the features from the store file")
	data := needDataset(t, "online_retail/OnlineRetail.csv.gz")
	ws := t.TempDir()
	mustRun(t, "init", ws)
	var reps []fileReport
	if err := json.Unmarshal([]byte(mustRun(t, "-w", ws, "ingest", "orders", data, "--json")), &reps); err != nil {
		t.Fatal(err)
	}
	// 541,909 lines, 135,080 without CustomerID (SOURCES.md).
	if r := reps[0]; r.Read != 541909 || r.Rejected != 135080 {
		t.Errorf("ingest: read %d rejected %d; want 541909 and 135080", r.Read, r.Rejected)
	}
	mustRun(t, "-w", ws, "build", "--as-of", "2011-12-10")

	golden := readCSVByID(t, "../../testdata/online_retail/rfm_golden.csv")
	s, err := duckdb.Open(context.Background(), filepath.Join(ws, StoreFile), duckdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	seen := 0
	err = s.FeatureRows(context.Background(), func(row map[string]any) error {
		id := row["contact_id"].(string)
		g, ok := golden[id]
		if !ok {
			t.Errorf("contact %s not in the pandas golden file", id)
			return nil
		}
		seen++
		checkInt(t, id, "frequency", row["frequency"], g["frequency"])
		checkInt(t, id, "recency_days", row["recency_days"], g["recency_days"])
		checkFloat(t, id, "monetary", row["monetary"], g["monetary"])
		checkFloat(t, id, "returns_amount", row["returns_amount"], g["returns_amount"])
		checkTime(t, id, "first_order_at", row["first_order_at"], g["first_order_at"])
		checkTime(t, id, "last_order_at", row["last_order_at"], g["last_order_at"])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != len(golden) || seen != 4372 {
		t.Errorf("compared %d contacts; golden has %d, SOURCES.md says 4372", seen, len(golden))
	}
}

func checkInt(t *testing.T, id, col string, got any, want string) {
	t.Helper()
	if want == "" {
		if got != nil {
			t.Errorf("%s %s: got %v, want empty", id, col, got)
		}
		return
	}
	w, _ := strconv.ParseInt(want, 10, 64)
	var g int64
	switch v := got.(type) {
	case int32:
		g = int64(v)
	case int64:
		g = v
	default:
		t.Errorf("%s %s: got %T %v, want %d", id, col, got, got, w)
		return
	}
	if g != w {
		t.Errorf("%s %s: got %d, want %d", id, col, g, w)
	}
}

func checkFloat(t *testing.T, id, col string, got any, want string) {
	t.Helper()
	w, _ := strconv.ParseFloat(want, 64)
	g, ok := got.(float64)
	if !ok || math.Abs(g-w) > 1e-9*math.Max(1, math.Abs(w)) {
		t.Errorf("%s %s: got %v, want %v", id, col, got, w)
	}
}

func checkTime(t *testing.T, id, col string, got any, want string) {
	t.Helper()
	if want == "" {
		if got != nil {
			t.Errorf("%s %s: got %v, want empty", id, col, got)
		}
		return
	}
	w, _ := time.Parse(time.RFC3339, want)
	g, ok := got.(time.Time)
	if !ok || !g.Equal(w) {
		t.Errorf("%s %s: got %v, want %v", id, col, got, w)
	}
}

// TestLeads ingests the X Education CRM export with its own conversion flag.
func TestLeads(t *testing.T) {
	data := needDataset(t, "leads/Leads.csv")
	ws := t.TempDir()
	mustRun(t, "init", ws)
	mustRun(t, "-w", ws, "ingest", "contacts", data, "--id-col", "Prospect ID", "--outcome-col", "Converted",
		"--exclude-columns", "Tags,Lead Quality")
	// Independent count of the file's rows and converted leads.
	f, _ := os.Open(data)
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	conv := 0
	for _, rec := range recs[1:] {
		if rec[6] == "1" {
			conv++
		}
	}
	st := status(t, ws)
	if st.Counts["contacts"] != int64(len(recs)-1) {
		t.Errorf("contacts: got %d, want %d", st.Counts["contacts"], len(recs)-1)
	}
	var traits []struct {
		Name, Identifier, Type, Dimension string
		MissingShare                      float64 `json:"missing_share"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, "-w", ws, "traits", "--json")), &traits); err != nil {
		t.Fatal(err)
	}
	byIdent := map[string]string{}
	for _, tr := range traits {
		byIdent[tr.Identifier] = tr.Type
		if tr.Identifier == "tags" || tr.Identifier == "lead_quality" || tr.Identifier == "converted" {
			t.Errorf("trait %s should have been excluded or stored as the outcome", tr.Identifier)
		}
	}
	for ident, typ := range map[string]string{
		"what_is_your_current_occupation": "category",
		"total_visits":                    "number",
		"lead_source":                     "category",
		"do_not_email":                    "boolean",
	} {
		if byIdent[ident] != typ {
			t.Errorf("trait %s: got type %q, want %q (traits: %v)", ident, byIdent[ident], typ, byIdent)
		}
	}
	var sum antipersona.BuildSummary
	if err := json.Unmarshal([]byte(mustRun(t, "-w", ws, "build", "--as-of", "2024-01-01", "--json")), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Converted != int64(conv) {
		t.Errorf("converted: got %d, want %d (Converted == 1 in the file)", sum.Converted, conv)
	}
}

// TestLockAcrossProcesses checks that a second process gets a clear error
// while another holds the workspace.
func TestLockAcrossProcesses(t *testing.T) {
	ws := t.TempDir()
	mustRun(t, "init", ws)
	s, err := duckdb.Open(context.Background(), filepath.Join(ws, StoreFile), duckdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cmd := exec.Command(os.Args[0], "-w", ws, "status")
	cmd.Env = append(os.Environ(), "ANTIPERSONA_RUN_MAIN=1")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "in use by PID "+strconv.Itoa(os.Getpid())) {
		t.Errorf("second process: err %v, output %q", err, out)
	}
}

// TestKillDuringIngest kills an ingest with SIGKILL after a few batches are
// stored, checks that the workspace opens, and that running the ingest again
// completes it to exactly the counts of an uninterrupted ingest.
func TestKillDuringIngest(t *testing.T) {
	embeddedOnly(t, "kills a child ingest on the store file (PostgreSQL's durability: TestIngestUnderLoad)")
	if testing.Short() {
		t.Skip("spawns processes")
	}
	data := t.TempDir()
	if _, err := generate.Shop(context.Background(), generate.Options{Contacts: 1500, Seed: 5, Out: data}); err != nil {
		t.Fatal(err)
	}
	events := filepath.Join(data, "events.jsonl")
	ws := t.TempDir()
	mustRun(t, "init", ws)
	os.WriteFile(filepath.Join(ws, "antipersona.yaml"), []byte("ingest:\n  batch_rows: 2000\n"), 0o644)

	cmd := exec.Command(os.Args[0], "-w", ws, "-v", "ingest", "events", events)
	cmd.Env = append(os.Environ(), "ANTIPERSONA_RUN_MAIN=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	batches := 0
	for sc.Scan() {
		if strings.Contains(sc.Text(), "batch stored") {
			batches++
			if batches == 3 {
				cmd.Process.Signal(syscall.SIGKILL)
				break
			}
		}
	}
	go io.Copy(io.Discard, stderr)
	cmd.Wait()
	if batches < 3 {
		t.Fatalf("the ingest ended after %d batches, before it could be killed", batches)
	}
	partial := status(t, ws).Counts["events"]
	mustRun(t, "-w", ws, "ingest", "events", events)
	got := status(t, ws).Counts["events"]

	clean := t.TempDir()
	mustRun(t, "init", clean)
	mustRun(t, "-w", clean, "ingest", "events", events)
	want := status(t, clean).Counts["events"]
	if partial == 0 || partial >= want {
		t.Errorf("killed ingest stored %d of %d events; the kill should have come halfway", partial, want)
	}
	if got != want {
		t.Errorf("after the re-run: %d events, want %d as from an uninterrupted ingest", got, want)
	}
}

// gzipFile is used by tests that need a compressed input.
func gzipFile(t *testing.T, path string, data []byte) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	zw.Write(data)
	zw.Close()
	f.Close()
}

func TestGzipContacts(t *testing.T) {
	ws := t.TempDir()
	mustRun(t, "init", ws)
	p := filepath.Join(t.TempDir(), "c.csv.gz")
	gzipFile(t, p, []byte("contact_id,city\na,Kraków\nb,Hà Nội\n"))
	mustRun(t, "-w", ws, "ingest", "contacts", p)
	if n := status(t, ws).Counts["contacts"]; n != 2 {
		t.Errorf("contacts from gzip: %d", n)
	}
}

// TestConfigOverrides checks that antipersona.yaml reaches the readers:
// a trait type and dimension override, a column mapping for orders, a
// missing-value placeholder, and the --delimiter flag.
func TestConfigOverrides(t *testing.T) {
	ws := t.TempDir()
	mustRun(t, "init", ws)
	cfg := `contacts:
  traits:
    zip: {type: category, dimension: geographic}
ingest:
  missing_values: ["", "brak"]
  columns:
    orders: {order: Nr, contact: Klient, time: Data, revenue: Kwota}
`
	os.WriteFile(filepath.Join(ws, "antipersona.yaml"), []byte(cfg), 0o644)
	dir := t.TempDir()
	contacts := filepath.Join(dir, "c.txt")
	os.WriteFile(contacts, []byte("contact_id;zip;wiek\na;00-950;34\nb;30-001;brak\n"), 0o644)
	mustRun(t, "-w", ws, "ingest", "contacts", contacts, "--delimiter", ";")
	var traits []struct {
		Identifier, Type, Dimension string
		MissingShare                float64 `json:"missing_share"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, "-w", ws, "traits", "--json")), &traits); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, tr := range traits {
		got[tr.Identifier] = tr.Type + "/" + tr.Dimension
		if tr.Identifier == "wiek" && tr.MissingShare != 0.5 {
			t.Errorf("wiek missing share: got %v, want 0.5 ('brak' is a placeholder)", tr.MissingShare)
		}
	}
	if got["zip"] != "category/geographic" || got["wiek"] != "number/demographic" {
		t.Errorf("traits: got %v", got)
	}
	orders := filepath.Join(dir, "zamowienia.csv")
	os.WriteFile(orders, []byte("Nr,Klient,Data,Kwota\nZ1,a,2024-05-01,120.50\nZ2,a,2024-06-01,79.50\n"), 0o644)
	mustRun(t, "-w", ws, "ingest", "orders", orders)
	var sum antipersona.BuildSummary
	if err := json.Unmarshal([]byte(mustRun(t, "-w", ws, "build", "--as-of", "2024-06-30", "--json")), &sum); err != nil {
		t.Fatal(err)
	}
	// 120.50 + 79.50 = 200 net revenue, 2 orders, 1 buyer of 2 contacts.
	if sum.Orders != 2 || sum.Buyers != 1 || sum.Contacts != 2 || math.Abs(sum.Revenue-200) > 1e-9 {
		t.Errorf("build summary: %+v", sum)
	}
}

// TestPeriod2Contacts ingests the generator's second contacts file as a
// version valid from the start of period 2: a build as of the end of period
// 1 still sees the old traits, a build as of the end of period 2 the new ones.
func TestPeriod2Contacts(t *testing.T) {
	data := t.TempDir()
	if _, err := generate.Shop(context.Background(), generate.Options{Contacts: 300, Seed: 9, Out: data}); err != nil {
		t.Fatal(err)
	}
	// A contact whose income changed, read from the two files directly.
	old := readCSVByID(t, filepath.Join(data, "contacts.csv"))
	changed := readCSVByID(t, filepath.Join(data, "contacts_period2.csv"))
	var id string
	for cid, row := range changed {
		if row["income"] != "" && old[cid]["income"] != "" && row["income"] != old[cid]["income"] {
			id = cid
			break
		}
	}
	if id == "" {
		t.Fatal("no contact with a changed income in contacts_period2.csv")
	}
	ws := t.TempDir()
	mustRun(t, "init", ws)
	mustRun(t, "-w", ws, "ingest", "contacts", filepath.Join(data, "contacts.csv"))
	var reps []fileReport
	out := mustRun(t, "-w", ws, "ingest", "contacts", filepath.Join(data, "contacts_period2.csv"), "--valid-from", "2025-07-01", "--json")
	if err := json.Unmarshal([]byte(out), &reps); err != nil {
		t.Fatal(err)
	}
	if reps[0].Read == 0 || reps[0].Rejected != 0 || reps[0].Loaded != reps[0].Read {
		t.Errorf("period-2 contacts: %+v, want every row loaded as a new version", reps[0])
	}
	if n := status(t, ws).Counts["contacts"]; n != 300 {
		t.Errorf("contacts after period 2: %d, want 300 (versions, not new contacts)", n)
	}
	same := func(a, b string) bool {
		x, _ := strconv.ParseFloat(a, 64)
		y, _ := strconv.ParseFloat(b, 64)
		return x == y
	}
	if got := featureOf(t, ws, id, "income", "2025-06-30"); !same(got, old[id]["income"]) {
		t.Errorf("income of %s as of 2025-06-30: got %s, want the period-1 value %s", id, got, old[id]["income"])
	}
	if got := featureOf(t, ws, id, "income", "2025-12-31"); !same(got, changed[id]["income"]) {
		t.Errorf("income of %s as of 2025-12-31: got %s, want the period-2 value %s", id, got, changed[id]["income"])
	}
	// Ingesting the same version again changes nothing.
	out = mustRun(t, "-w", ws, "ingest", "contacts", filepath.Join(data, "contacts_period2.csv"), "--valid-from", "2025-07-01", "--json")
	if err := json.Unmarshal([]byte(out), &reps); err != nil || reps[0].Loaded != 0 {
		t.Errorf("re-ingesting the version: %+v, %v; want nothing loaded", reps, err)
	}
	if _, errs, code := run(t, "-w", ws, "ingest", "orders", filepath.Join(data, "orders.csv"), "--valid-from", "2025-07-01"); code != 2 || !strings.Contains(errs, "contacts only") {
		t.Errorf("--valid-from on orders: exit %d, %q", code, errs)
	}
}

// featureOf builds the workspace as of asOf and returns column col of
// contact id in the exported features ("" when the contact has no row).
func featureOf(t *testing.T, ws, id, col, asOf string) string {
	t.Helper()
	mustRun(t, "-w", ws, "build", "--as-of", asOf)
	rows, err := csv.NewReader(strings.NewReader(mustRun(t, "-w", ws, "features"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	i := slices.Index(rows[0], col)
	if i < 0 {
		t.Fatalf("no feature column %q", col)
	}
	for _, r := range rows[1:] {
		if r[0] == id {
			return r[i]
		}
	}
	return ""
}

// readCSVFile reads all the records of a CSV file, its header first.
func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// readCSVByID reads a CSV file into a map from its first column to the
// row's values by column name.
func readCSVByID(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	rows := readCSVFile(t, path)
	out := map[string]map[string]string{}
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, c := range rows[0] {
			m[c] = r[i]
		}
		out[r[0]] = m
	}
	return out
}

// TestColFlag maps survey columns with the generic --col flag.
func TestColFlag(t *testing.T) {
	ws := t.TempDir()
	mustRun(t, "init", ws)
	f := filepath.Join(t.TempDir(), "ankieta.csv")
	// Column names no detection list knows.
	os.WriteFile(f, []byte("contact_id,Kod,Tresc\na,why,Za drogo\nb,why,Świetna jakość\n"), 0o644)
	_, errs, code := run(t, "-w", ws, "ingest", "surveys", f)
	if code == 0 || !strings.Contains(errs, "--col field=column") {
		t.Errorf("without mapping: exit %d, %q", code, errs)
	}
	mustRun(t, "-w", ws, "ingest", "surveys", f, "--col", "question_id=Kod", "--col", "answer=Tresc")
	if n := status(t, ws).Counts["survey_answers"]; n != 2 {
		t.Errorf("survey answers: %d, want 2", n)
	}
	if _, errs, code := run(t, "-w", ws, "ingest", "surveys", f, "--col", "answer"); code != 2 || !strings.Contains(errs, "field=column") {
		t.Errorf("bad --col: exit %d, %q", code, errs)
	}
}

// TestIdentifyTraits checks that traits sent with identify calls become
// contact versions from the day of the call, whatever the order in which
// the contacts file and the events arrive.
func TestIdentifyTraits(t *testing.T) {
	embeddedOnly(t, "edits the store file to fake an interrupted ingest")
	data := t.TempDir()
	if _, err := generate.Shop(context.Background(), generate.Options{Contacts: 300, Seed: 11, Out: data}); err != nil {
		t.Fatal(err)
	}
	// A period-2 identify call that changes the occupation, read from the
	// events file directly.
	old := readCSVByID(t, filepath.Join(data, "contacts.csv"))
	f, err := os.Open(filepath.Join(data, "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var id, occupation string
	var day time.Time
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() && id == "" {
		var call struct {
			UserID    string `json:"userId"`
			Timestamp time.Time
			Traits    map[string]any
		}
		if json.Unmarshal(sc.Bytes(), &call) != nil || call.Traits == nil {
			continue
		}
		occ, ok := call.Traits["occupation"].(string)
		if ok && call.UserID != "" && old[call.UserID]["occupation"] != "" && occ != old[call.UserID]["occupation"] {
			id, occupation, day = call.UserID, occ, call.Timestamp.UTC()
		}
	}
	if id == "" {
		t.Fatal("no identify call changing an occupation in events.jsonl")
	}
	for _, order := range [][]string{{"contacts", "events"}, {"events", "contacts"}} {
		ws := t.TempDir()
		mustRun(t, "init", ws)
		for _, kind := range order {
			file := map[string]string{"contacts": "contacts.csv", "events": "events.jsonl"}[kind]
			mustRun(t, "-w", ws, "ingest", kind, filepath.Join(data, file))
		}
		before := featureOf(t, ws, id, "occupation", day.AddDate(0, 0, -1).Format(time.DateOnly))
		after := featureOf(t, ws, id, "occupation", day.Format(time.DateOnly))
		if before != old[id]["occupation"] || after != occupation {
			t.Errorf("%v: occupation of %s the day before the call %q (want %q), on its day %q (want %q)",
				order, id, before, old[id]["occupation"], after, occupation)
		}
		// The same events again bring no new identify call: nothing to apply.
		_, stderr, code := run(t, "-w", ws, "ingest", "events", filepath.Join(data, "events.jsonl"))
		if code != 0 || strings.Contains(stderr, "identify traits:") {
			t.Errorf("%v: re-ingest applied identify traits again (exit %d):\n%s", order, code, stderr)
		}
	}
	// After an ingest killed before the traits were applied (the mark is not
	// written), the next events ingest applies them although every event is
	// a duplicate.
	ws := t.TempDir()
	mustRun(t, "init", ws)
	mustRun(t, "-w", ws, "ingest", "events", filepath.Join(data, "events.jsonl"))
	s, err := duckdb.Open(context.Background(), filepath.Join(ws, StoreFile), duckdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec("DELETE FROM meta WHERE key = 'identify_applied'; DELETE FROM contacts"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, stderr, _ := run(t, "-w", ws, "ingest", "events", filepath.Join(data, "events.jsonl"))
	if !strings.Contains(stderr, "identify traits:") || featureOf(t, ws, id, "occupation", day.Format(time.DateOnly)) != occupation {
		t.Errorf("identify traits not applied after an interrupted ingest:\n%s", stderr)
	}
}
