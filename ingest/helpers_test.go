package ingest

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
)

// recordingSink is a fake store: it keeps every batch and dedupes by the
// natural or content keys the way a store does (contacts: an id seen before
// is an update; other kinds: a key seen before is a duplicate).
type recordingSink struct {
	mu       sync.Mutex
	batches  []*antipersona.Batch
	seen     map[string]bool
	maxBatch int
	failAt   int // fail the n-th WriteBatch (1-based); 0 never
	calls    int
	onWrite  func()
}

func (s *recordingSink) WriteBatch(ctx context.Context, b *antipersona.Batch) (antipersona.WriteResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.onWrite != nil {
		s.onWrite()
	}
	if s.failAt > 0 && s.calls == s.failAt {
		return antipersona.WriteResult{}, os.ErrClosed
	}
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	s.batches = append(s.batches, b)
	s.maxBatch = max(s.maxBatch, b.Len())
	var w antipersona.WriteResult
	count := func(key string, updatable bool) {
		switch {
		case !s.seen[key]:
			w.Inserted++
		case updatable:
			w.Updated++
		default:
			w.Duplicates++
		}
		s.seen[key] = true
	}
	for _, c := range b.Contacts {
		count("c/"+c.ID, true)
	}
	for _, e := range b.Events {
		count("e/"+e.MessageID, false)
	}
	for _, o := range b.Orders {
		count("o/"+o.OrderID, false)
	}
	for _, r := range b.Returns {
		count("r/"+r.ReturnID, false)
	}
	for _, c := range b.Costs {
		count("k/"+c.RowKey, false)
	}
	for _, t := range b.Touches {
		count("t/"+t.RowKey, false)
	}
	for _, a := range b.SurveyAnswers {
		count("s/"+a.RowKey, false)
	}
	return w, nil
}

func (s *recordingSink) all() *antipersona.Batch {
	out := &antipersona.Batch{}
	for _, b := range s.batches {
		out.Kind = b.Kind
		out.Traits = b.Traits
		out.Contacts = append(out.Contacts, b.Contacts...)
		out.Events = append(out.Events, b.Events...)
		out.Orders = append(out.Orders, b.Orders...)
		out.Returns = append(out.Returns, b.Returns...)
		out.Costs = append(out.Costs, b.Costs...)
		out.Touches = append(out.Touches, b.Touches...)
		out.SurveyAnswers = append(out.SurveyAnswers, b.SurveyAnswers...)
		out.Identities = append(out.Identities, b.Identities...)
	}
	return out
}

// writeFile writes content to name in a new temporary directory.
func writeFile(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// ingestFile runs File with a recording sink and a rejects writer in a
// temporary directory.
func ingestFile(t testing.TB, path string, opts Options) (Result, *recordingSink, *RejectWriter, error) {
	t.Helper()
	sink := &recordingSink{}
	rej := NewRejectWriter(filepath.Join(t.TempDir(), "rejects"), opts.Kind, time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))
	res, err := File(context.Background(), path, opts, sink, rej)
	if cerr := rej.Close(); cerr != nil {
		t.Fatalf("close rejects: %v", cerr)
	}
	return res, sink, rej, err
}

// rejectRec is one record of a rejects file.
type rejectRec struct {
	File       string
	Line       int64
	Column     int
	ColumnName string
	Reason     string
	Raw        string
}

// readRejects reads a rejects file back (none when path is "").
func readRejects(t testing.TB, path string) []rejectRec {
	t.Helper()
	if path == "" {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("read rejects: %v", err)
	}
	if len(recs) == 0 || len(recs[0]) != 6 || recs[0][0] != "file" || recs[0][5] != "raw" {
		t.Fatalf("rejects header = %v", recs[:min(1, len(recs))])
	}
	var out []rejectRec
	for _, r := range recs[1:] {
		line, _ := strconv.ParseInt(r[1], 10, 64)
		col, _ := strconv.Atoi(r[2])
		out = append(out, rejectRec{r[0], line, col, r[3], r[4], r[5]})
	}
	return out
}

// datasetPath returns the path of a shared dataset, skipping the test when
// it is not there.
func datasetPath(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "shared", "datasets", rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("dataset %s not available: %v", rel, err)
	}
	return p
}

// checkAccounting checks that every row read is accounted for.
func checkAccounting(t testing.TB, res Result) {
	t.Helper()
	if got := res.Loaded + res.Rejected + res.Duplicates + res.Skipped; got != res.Read {
		t.Errorf("Loaded+Rejected+Duplicates+Skipped = %d+%d+%d+%d = %d, want Read = %d",
			res.Loaded, res.Rejected, res.Duplicates, res.Skipped, got, res.Read)
	}
}
