package audience

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const testSecret = "s3cret"

// received is a batch as the test server saw it.
type received struct {
	ID       string
	Audience string
	Batch    int
	Batches  int
	Contacts []string
	Raw      string
}

// recorder is an endpoint that verifies each request independently of the
// package (its own HMAC over the bytes received) and answers with the
// statuses of respond, in turn, then 200.
type recorder struct {
	t       *testing.T
	mu      sync.Mutex
	got     []received
	hits    atomic.Int32
	respond []int
	header  http.Header // extra headers for non-2xx answers
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(rec.hits.Add(1)) - 1
	body, err := io.ReadAll(r.Body)
	if err != nil {
		rec.t.Errorf("read body: %v", err)
	}
	mac := hmac.New(sha256.New, []byte(testSecret))
	mac.Write(body)
	if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); r.Header.Get("X-Antipersona-Signature") != want {
		rec.t.Errorf("signature %q, want %q", r.Header.Get("X-Antipersona-Signature"), want)
	}
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		rec.t.Errorf("%s with Content-Type %q", r.Method, r.Header.Get("Content-Type"))
	}
	if n < len(rec.respond) && rec.respond[n] != http.StatusOK {
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.respond[n])
		return
	}
	var b struct {
		Audience string           `json:"audience"`
		Batch    int              `json:"batch"`
		Batches  int              `json:"batches"`
		Rows     []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		rec.t.Errorf("body: %v", err)
	}
	got := received{ID: r.Header.Get("X-Antipersona-Delivery"), Audience: b.Audience, Batch: b.Batch, Batches: b.Batches, Raw: string(body)}
	got.Contacts = []string{}
	for _, row := range b.Rows {
		got.Contacts = append(got.Contacts, fmt.Sprint(row["contact_id"]))
	}
	rec.mu.Lock()
	rec.got = append(rec.got, got)
	rec.mu.Unlock()
}

func newServer(t *testing.T, rec *recorder) *httptest.Server {
	rec.t = t
	srv := httptest.NewServer(rec) // listens on 127.0.0.1 only
	t.Cleanup(srv.Close)
	return srv
}

func noWait(int) time.Duration { return 0 }

func manyRows(n int) []Row {
	rows := make([]Row, n)
	for i := range rows {
		rows[i] = Row{Member: Member{ContactID: fmt.Sprintf("c%d", i+1), Email: fmt.Sprintf("user%d@example.com", i+1), Action: "activate"}}
	}
	return rows
}

func TestWebhookBatchesAndSignature(t *testing.T) {
	rec := &recorder{}
	srv := newServer(t, rec)
	h := &Webhook{URL: srv.URL, Secret: testSecret, BatchSize: 2, Backoff: noWait}
	d, err := h.Post(context.Background(), "Win-back", manyRows(5))
	if err != nil {
		t.Fatal(err)
	}
	if d.Batches != 3 || d.Rows != 5 || d.Attempts != 3 || len(d.IDs) != 3 {
		t.Errorf("delivery = %+v, want 3 batches, 5 rows, 3 attempts, 3 ids", d)
	}
	wantContacts := [][]string{{"c1", "c2"}, {"c3", "c4"}, {"c5"}}
	if len(rec.got) != 3 {
		t.Fatalf("server got %d batches, want 3", len(rec.got))
	}
	for i, g := range rec.got {
		if g.Audience != "Win-back" || g.Batch != i+1 || g.Batches != 3 {
			t.Errorf("batch %d: audience %q batch %d of %d", i+1, g.Audience, g.Batch, g.Batches)
		}
		if strings.Join(g.Contacts, ",") != strings.Join(wantContacts[i], ",") {
			t.Errorf("batch %d: contacts %v, want %v", i+1, g.Contacts, wantContacts[i])
		}
		if g.ID != d.IDs[i] || len(g.ID) != 32 {
			t.Errorf("batch %d: delivery id %q, Delivery.IDs %q", i+1, g.ID, d.IDs[i])
		}
		if strings.Contains(g.Raw, "@example.com") {
			t.Errorf("batch %d carries a raw email", i+1)
		}
		// The hashed email of the first row, from printf %s user1@example.com | sha256sum.
		if i == 0 && !strings.Contains(g.Raw, `"email_sha256":"b36a83701f1c3191e19722d6f90274bc1b5501fe69ebf33313e440fe4b0fe210"`) {
			t.Errorf("batch 1 lacks the hashed email: %s", g.Raw)
		}
	}

	// Posting the same rows again gives the same delivery ids.
	d2, err := h.Post(context.Background(), "Win-back", manyRows(5))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(d2.IDs, ",") != strings.Join(d.IDs, ",") {
		t.Errorf("ids changed: %v then %v", d.IDs, d2.IDs)
	}
}

func TestWebhookDefaultsAndEmpty(t *testing.T) {
	rec := &recorder{}
	srv := newServer(t, rec)
	h := &Webhook{URL: srv.URL, Secret: testSecret}
	d, err := h.Post(context.Background(), "a", manyRows(1001))
	if err != nil {
		t.Fatal(err)
	}
	if d.Batches != 2 || len(rec.got[0].Contacts) != 1000 || len(rec.got[1].Contacts) != 1 {
		t.Errorf("1001 rows with default batch size: %+v", d)
	}
	d, err = h.Post(context.Background(), "a", nil)
	if err != nil {
		t.Fatal(err)
	}
	last := rec.got[len(rec.got)-1]
	if d.Batches != 1 || d.Rows != 0 || last.Batch != 1 || last.Batches != 1 || len(last.Contacts) != 0 {
		t.Errorf("empty audience: delivery %+v, server %+v", d, last)
	}
}

func TestWebhookRetry(t *testing.T) {
	rec := &recorder{respond: []int{http.StatusServiceUnavailable}}
	srv := newServer(t, rec)
	var waits []int
	h := &Webhook{URL: srv.URL, Secret: testSecret, Backoff: func(a int) time.Duration {
		waits = append(waits, a)
		return time.Millisecond
	}}
	d, err := h.Post(context.Background(), "a", manyRows(3))
	if err != nil {
		t.Fatal(err)
	}
	if d.Batches != 1 || d.Attempts != 2 || rec.hits.Load() != 2 || len(waits) != 1 || waits[0] != 1 {
		t.Errorf("delivery %+v, server hits %d, backoff calls %v", d, rec.hits.Load(), waits)
	}
}

func TestWebhookRetryAfter(t *testing.T) {
	rec := &recorder{respond: []int{http.StatusTooManyRequests}, header: http.Header{"Retry-After": {"1"}}}
	srv := newServer(t, rec)
	h := &Webhook{URL: srv.URL, Secret: testSecret, Backoff: noWait}
	start := time.Now()
	d, err := h.Post(context.Background(), "a", manyRows(1))
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < time.Second {
		t.Errorf("retried after %v, want at least the 1 s of Retry-After", el)
	}
	if d.Attempts != 2 {
		t.Errorf("attempts = %d, want 2", d.Attempts)
	}
}

func TestWebhookGivesUp(t *testing.T) {
	rec := &recorder{respond: []int{500, 500, 500, 500}}
	srv := newServer(t, rec)
	h := &Webhook{URL: srv.URL, Secret: testSecret, MaxAttempts: 3, Backoff: noWait}
	d, err := h.Post(context.Background(), "a", manyRows(3))
	var de *DeliveryError
	if !errors.As(err, &de) {
		t.Fatalf("err = %v, want a *DeliveryError", err)
	}
	if de.Batch != 1 || de.Status != 500 || de.Attempts != 3 || rec.hits.Load() != 3 {
		t.Errorf("error %+v after %d requests", de, rec.hits.Load())
	}
	if d.Batches != 0 || d.Attempts != 3 {
		t.Errorf("delivery = %+v", d)
	}
}

func TestWebhookFailsFast(t *testing.T) {
	rec := &recorder{respond: []int{http.StatusOK, http.StatusBadRequest}}
	srv := newServer(t, rec)
	h := &Webhook{URL: srv.URL, Secret: testSecret, BatchSize: 2, Backoff: noWait}
	d, err := h.Post(context.Background(), "a", manyRows(4))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"batch 2 of 2", "400"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	if rec.hits.Load() != 2 || d.Batches != 1 || d.Rows != 2 || len(d.IDs) != 1 {
		t.Errorf("delivery %+v after %d requests", d, rec.hits.Load())
	}
}

func TestWebhookNetworkError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens any more
	h := &Webhook{URL: url, Secret: testSecret, MaxAttempts: 2, Backoff: noWait}
	_, err := h.Post(context.Background(), "a", manyRows(1))
	var de *DeliveryError
	if !errors.As(err, &de) || de.Attempts != 2 || de.Status != 0 {
		t.Errorf("err = %v, want a *DeliveryError after 2 attempts without status", err)
	}
}

func TestWebhookContextCancel(t *testing.T) {
	t.Run("during request", func(t *testing.T) {
		arrived := make(chan struct{}, 1)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body) // lets the server notice the client leaving
			arrived <- struct{}{}
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}))
		defer srv.Close()
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-arrived; cancel() }()
		h := &Webhook{URL: srv.URL, Secret: testSecret, Backoff: noWait}
		_, err := h.Post(ctx, "a", manyRows(1))
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
	t.Run("during backoff", func(t *testing.T) {
		rec := &recorder{respond: []int{503, 503}}
		srv := newServer(t, rec)
		ctx, cancel := context.WithCancel(context.Background())
		h := &Webhook{URL: srv.URL, Secret: testSecret, Backoff: func(int) time.Duration {
			cancel()
			return time.Hour
		}}
		start := time.Now()
		_, err := h.Post(ctx, "a", manyRows(1))
		if !errors.Is(err, context.Canceled) || time.Since(start) > 10*time.Second {
			t.Errorf("err = %v after %v, want context.Canceled at once", err, time.Since(start))
		}
		if rec.hits.Load() != 1 {
			t.Errorf("%d requests, want 1", rec.hits.Load())
		}
	})
}

func TestWebhookInvalid(t *testing.T) {
	for name, h := range map[string]*Webhook{
		"no url":    {Secret: "x"},
		"no secret": {URL: "http://127.0.0.1:1"},
	} {
		if _, err := h.Post(context.Background(), "a", manyRows(1)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestDefaultBackoff(t *testing.T) {
	tests := []struct {
		attempt int
		want    time.Duration
	}{
		{0, 500 * time.Millisecond}, {1, 500 * time.Millisecond}, {2, time.Second},
		{3, 2 * time.Second}, {7, 30 * time.Second}, {8, 30 * time.Second}, {100, 30 * time.Second},
	}
	for _, tt := range tests {
		if got := DefaultBackoff(tt.attempt); got != tt.want {
			t.Errorf("DefaultBackoff(%d) = %v, want %v", tt.attempt, got, tt.want)
		}
	}
}
