package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
)

// BenchmarkScoreContacts measures the product's own scoring: the model a
// workspace build trains (the demo's shop, whose model has 14 features),
// scoring the contacts of another generated shop as `antipersona score`
// reads them (100,000 contacts, ten times over: a million rows). It reports
// the model alone (Predict: binning and the trees) in contacts per second;
// the whole command, with its file and three reasons a contact, is in
// BENCHMARKS.md.
func BenchmarkScoreContacts(b *testing.B) {
	out := b.TempDir()
	var res demoResult
	if err := json.Unmarshal([]byte(mustRun(b, "demo", "--out", out, "--json")), &res); err != nil {
		b.Fatal(err)
	}
	more := filepath.Join(out, "more")
	mustRun(b, "generate", "--contacts", "100000", "--seed", "11", "--out", more)
	no := false
	m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, quiet: true,
		Getenv: func(string) string { return "" }, Now: func() time.Time { return fixedNow }, Interactive: &no,
		workspace: res.Workspace, logger: slog.New(slog.DiscardHandler)}
	ctx := context.Background()
	cfg, s, err := m.openWorkspace(ctx)
	if err != nil {
		b.Fatal(err)
	}
	sm, err := loadModel(ctx, s)
	s.Close()
	if err != nil {
		b.Fatal(err)
	}
	d, ids, err := m.scoreInput(ctx, cfg, sm, filepath.Join(more, "contacts.csv"), "", "")
	if err != nil {
		b.Fatal(err)
	}
	rows := make([]int, 10*len(ids))
	for i := range rows {
		rows[i] = i % len(ids)
	}
	d = d.Subset(rows)
	b.ResetTimer()
	for b.Loop() {
		sm.GBDT.Predict(d)
	}
	b.ReportMetric(float64(b.N*d.Rows())/b.Elapsed().Seconds(), "contacts/s")
	b.ReportMetric(float64(d.Features()), "features")
	b.ReportMetric(float64(sm.GBDT.Iterations), "trees")
}

// BenchmarkScoreRequest measures one POST score request through the
// server's handler (authentication, decoding, the model with its three
// reasons, the JSON answer), without the network.
func BenchmarkScoreRequest(b *testing.B) {
	dir := demoWorkspace(b, onDuckDB, "shop")
	_, srv, served := testServe(b, dir)
	key, _ := newKey(b, served["shop"], antipersona.RoleReader)
	h := srv.Handler()
	body := `{"age": 34, "gender": "female", "city": "Kraków", "income": 5200, "lead_source": "organic", "device": "mobile", "interests": ["travel","yoga"]}`
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/api/v1/workspaces/shop/score", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}
