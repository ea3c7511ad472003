package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/apikey"
)

// The load test's size. CI runs it briefly; BENCHMARKS.md gives the
// command of the longer run whose figures it reports.
var (
	loadSeconds  = flag.Float64("load.seconds", 3, "seconds of ingest load in each phase")
	loadWorkers  = flag.Int("load.workers", 8, "concurrent clients sending /v1/batch")
	loadBatch    = flag.Int("load.batch", 100, "events per /v1/batch call")
	scoreRate    = flag.Int("score.rate", 1000, "scoring requests per second")
	scoreSeconds = flag.Float64("score.seconds", 2, "seconds of scoring load")
)

// serverProcess is `antipersona serve` run as a child process.
type serverProcess struct {
	cmd  *exec.Cmd
	base string
	done chan error
}

// startServer starts `antipersona -w dir serve --addr 127.0.0.1:0` and waits
// until it listens.
func startServer(t testing.TB, dir string) *serverProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-w", dir, "serve", "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "ANTIPERSONA_RUN_MAIN=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(filepath.Join(t.TempDir(), "serve.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serverProcess{cmd: cmd, done: make(chan error, 1)}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if addr, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
			p.base = addr
			break
		}
	}
	go io.Copy(io.Discard, stdout)
	go func() { p.done <- cmd.Wait(); logf.Close() }()
	if p.base == "" {
		cmd.Process.Kill()
		<-p.done
		log, _ := os.ReadFile(logf.Name())
		t.Fatalf("the server did not start: %s", log)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.done
	})
	return p
}

// stop sends sig and waits for the process to end.
func (p *serverProcess) stop(t testing.TB, sig syscall.Signal) {
	t.Helper()
	p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(time.Minute):
		t.Fatal("the server did not stop within a minute")
	}
	p.done <- nil // for the cleanup's wait
}

// loadResult is what a load phase measured.
type loadResult struct {
	acked     []string // message ids answered 200
	requests  int
	failed    int // requests not answered 200 (transport errors included)
	latencies []time.Duration
	ackTimes  []time.Time // when each acknowledged call was answered
	elapsed   time.Duration
}

// rateBetween is the events per second acknowledged between from and to.
func (r loadResult) rateBetween(from, to time.Time, batch int) float64 {
	n := 0
	for _, at := range r.ackTimes {
		if !at.Before(from) && at.Before(to) {
			n += batch
		}
	}
	return float64(n) / to.Sub(from).Seconds()
}

// sendLoad sends /v1/batch calls of fresh events from workers until stop
// closes, recording the ids of every acknowledged event.
func sendLoad(base, key, prefix string, workers, batch int, stop <-chan struct{}) loadResult {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}, Timeout: time.Minute}
	var mu sync.Mutex
	var res loadResult
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var acked []string
			var lat []time.Duration
			var ackTimes []time.Time
			reqs, failed := 0, 0
			var body strings.Builder
			for seq := 0; ; seq++ {
				select {
				case <-stop:
					mu.Lock()
					res.acked = append(res.acked, acked...)
					res.latencies = append(res.latencies, lat...)
					res.ackTimes = append(res.ackTimes, ackTimes...)
					res.requests += reqs
					res.failed += failed
					mu.Unlock()
					return
				default:
				}
				body.Reset()
				body.WriteString(`{"batch":[`)
				ids := make([]string, batch)
				for i := range batch {
					ids[i] = fmt.Sprintf("%s-%d-%d-%d", prefix, w, seq, i)
					if i > 0 {
						body.WriteByte(',')
					}
					contact := fmt.Sprintf("C%07d", 1+(w*7919+seq*31+i)%1500)
					fmt.Fprintf(&body, `{"type":"track","userId":%q,"event":"Product Viewed","messageId":%q,"timestamp":"2025-12-%02dT10:%02d:00Z","properties":{"product_id":"p%d","price":%d.5}}`,
						contact, ids[i], 1+i%28, i%60, i, 10+i)
				}
				body.WriteString(`]}`)
				req, _ := http.NewRequest("POST", base+"/v1/batch", strings.NewReader(body.String()))
				req.SetBasicAuth(key, "")
				t0 := time.Now()
				r, err := client.Do(req)
				reqs++
				if err != nil {
					failed++
					continue
				}
				io.Copy(io.Discard, r.Body)
				r.Body.Close()
				if r.StatusCode != 200 {
					failed++
					continue
				}
				lat = append(lat, time.Since(t0))
				ackTimes = append(ackTimes, time.Now())
				acked = append(acked, ids...)
			}
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}

// percentile of sorted durations, by nearest rank.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// storedIDs opens the workspace's store (the server has stopped) and
// returns the message ids of the events with prefix.
func storedIDs(t testing.TB, dir, prefix string) map[string]bool {
	t.Helper()
	m := mainIn(dir, noEnv)
	_, s, err := m.openWorkspace(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := map[string]bool{}
	err = s.Scan(context.Background(), "SELECT message_id FROM events WHERE message_id LIKE '"+prefix+"%'", func(v []any) error {
		got[v[0].(string)] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestIngestUnderLoad sends events through /v1/batch from concurrent
// clients while a build runs, then stops the server with SIGTERM: every
// acknowledged event is stored. It then does it again and kills the server
// with SIGKILL in the middle of the load: after the restart every
// acknowledged event is still there. Before the load it measures real-time
// scoring at a fixed rate. Rates and latencies are logged (go test -v) and
// reported in BENCHMARKS.md, never asserted.
func TestIngestUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	forEachStore(t, testIngestUnderLoad)
}

func testIngestUnderLoad(t *testing.T, kind string) {
	dir := demoWorkspace(t, kind, "shop")
	keyOf := func(role antipersona.Role) string { return workspaceKey(t, dir, role) }
	ingestKey, analyst := keyOf(antipersona.RoleIngest), keyOf(antipersona.RoleAnalyst)
	phase := time.Duration(*loadSeconds * float64(time.Second))

	// Real-time scoring at a fixed rate (open loop: requests are sent on
	// schedule, whether or not earlier ones have been answered), on the
	// freshly started server.
	p := startServer(t, dir)
	scoreLat := scoreAtRate(t, p.base, analyst, *scoreRate, time.Duration(*scoreSeconds*float64(time.Second)))

	// Phase 1: load while a build runs; graceful stop.
	stop := make(chan struct{})
	resc := make(chan loadResult)
	go func() { resc <- sendLoad(p.base, ingestKey, "load1", *loadWorkers, *loadBatch, stop) }()
	time.Sleep(phase / 4)
	code, b := call(t, "POST", p.base+"/api/v1/workspaces/shop/builds", analyst, `{"as_of":"2025-12-31"}`)
	if code != 202 {
		t.Fatalf("build: %d %s", code, b)
	}
	buildStart := time.Now()
	job := waitJob(t, p.base, "shop", analyst, 1)
	buildEnd := time.Now()
	buildTime := buildEnd.Sub(buildStart)
	if rest := phase - phase/4 - buildTime; rest > 0 {
		time.Sleep(rest)
	}
	close(stop)
	r1 := <-resc
	if job.State != "succeeded" {
		t.Errorf("build under load: %+v", job)
	}
	if len(r1.acked) == 0 {
		t.Fatal("no event acknowledged")
	}

	p.stop(t, syscall.SIGTERM)
	got := storedIDs(t, dir, "load1-")
	lost := 0
	for _, id := range r1.acked {
		if !got[id] {
			lost++
		}
	}
	if lost > 0 {
		t.Errorf("phase 1: %d of %d acknowledged events not stored", lost, len(r1.acked))
	}
	slices.Sort(r1.latencies)
	t.Logf("%s: ingest: %d events acknowledged in %.1f s = %.0f events/s (%.0f events/s during the %.1f s build, %.0f outside it); %d calls of %d events, %d not answered 200; latency p50 %v p99 %v",
		kind, len(r1.acked), r1.elapsed.Seconds(), float64(len(r1.acked))/r1.elapsed.Seconds(),
		r1.rateBetween(buildStart, buildEnd, *loadBatch), buildTime.Seconds(),
		(float64(len(r1.acked))-r1.rateBetween(buildStart, buildEnd, *loadBatch)*buildTime.Seconds())/(r1.elapsed.Seconds()-buildTime.Seconds()),
		r1.requests, *loadBatch, r1.failed,
		percentile(r1.latencies, 0.5).Round(time.Microsecond), percentile(r1.latencies, 0.99).Round(time.Microsecond))
	slices.Sort(scoreLat.latencies)
	t.Logf("%s: scoring at %d requests/s for %.0f s: %d answered, %d failed; latency p50 %v p99 %v",
		kind, *scoreRate, *scoreSeconds, len(scoreLat.latencies), scoreLat.failed,
		percentile(scoreLat.latencies, 0.5).Round(time.Microsecond), percentile(scoreLat.latencies, 0.99).Round(time.Microsecond))
	if scoreLat.failed > 0 {
		t.Errorf("%d scoring requests failed", scoreLat.failed)
	}

	// Phase 2: SIGKILL in the middle of the load.
	p = startServer(t, dir)
	stop = make(chan struct{})
	go func() { resc <- sendLoad(p.base, ingestKey, "load2", *loadWorkers, *loadBatch, stop) }()
	time.Sleep(phase / 2)
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
	p.done <- nil
	time.Sleep(100 * time.Millisecond) // let the clients see the dead connections
	close(stop)
	r2 := <-resc
	if len(r2.acked) == 0 {
		t.Fatal("phase 2: no event acknowledged before the kill")
	}
	if r2.failed == 0 {
		t.Log("phase 2: no call was in flight at the kill")
	}
	// The restarted server opens the store (replaying its log) and serves.
	p = startServer(t, dir)
	if code, _ := call(t, "GET", p.base+"/readyz", "", ""); code != 200 {
		t.Fatalf("restarted server not ready: %d", code)
	}
	p.stop(t, syscall.SIGTERM)
	got = storedIDs(t, dir, "load2-")
	lost = 0
	for _, id := range r2.acked {
		if !got[id] {
			lost++
		}
	}
	if lost > 0 {
		t.Errorf("after SIGKILL: %d of %d acknowledged events lost", lost, len(r2.acked))
	}
	t.Logf("%s: SIGKILL after %.1f s of load: %d events acknowledged, %d calls unanswered; %d stored after restart (unacknowledged calls may be stored too), %d lost",
		kind, r2.elapsed.Seconds(), len(r2.acked), r2.failed, len(got), lost)
}

// scoreResult is what a scoring run measured.
type scoreResult struct {
	latencies []time.Duration
	failed    int
}

// scoreAtRate posts contacts to score at rate requests per second for d.
func scoreAtRate(t testing.TB, base, key string, rate int, d time.Duration) scoreResult {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 10 * time.Second}
	bodies := []string{
		`{"age": 34, "gender": "female", "city": "Kraków", "income": 5200, "lead_source": "organic", "device": "mobile", "interests": ["travel","yoga"]}`,
		`{"age": 61, "gender": "male", "city": "Hà Nội", "income": 2100, "lead_source": "lead_ads", "newsletter": true}`,
		`{"age": 25, "occupation": "student", "education": "bachelor", "household": "single"}`,
	}
	var mu sync.Mutex
	var res scoreResult
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(rate)
	start := time.Now()
	total := int64(d / interval)
	for i := range total {
		// Request i is due at start + i×interval; a late sender catches up.
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			time.Sleep(wait)
		}
		wg.Go(func() {
			req, _ := http.NewRequest("POST", base+"/api/v1/workspaces/shop/score", strings.NewReader(bodies[i%int64(len(bodies))]))
			req.Header.Set("Authorization", "Bearer "+key)
			t0 := time.Now()
			r, err := client.Do(req)
			lat := time.Since(t0)
			ok := err == nil && r.StatusCode == 200
			if err == nil {
				io.Copy(io.Discard, r.Body)
				r.Body.Close()
			}
			mu.Lock()
			defer mu.Unlock()
			if !ok {
				res.failed++
				return
			}
			res.latencies = append(res.latencies, lat)
		})
	}
	wg.Wait()
	return res
}

// workspaceKey creates a key of role in the workspace folder's key store
// (keys.json, or its PostgreSQL database).
func workspaceKey(t testing.TB, dir string, role antipersona.Role) string {
	t.Helper()
	m := mainIn(dir, noEnv)
	ks, closeKeys, name, err := m.keyStore(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer closeKeys()
	key, k, err := apikey.New(name, role, "load", time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := ks.CreateKey(context.Background(), k); err != nil {
		t.Fatal(err)
	}
	return key
}

// mainIn is a silent Main on the workspace folder dir with the
// environment getenv.
func mainIn(dir string, getenv func(string) string) *Main {
	m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Getenv: getenv, Now: time.Now}
	m.workspace = dir
	return m
}

// noEnv is an empty environment: a demo workspace's own config says where
// its store is.
func noEnv(string) string { return "" }
