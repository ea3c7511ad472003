// Package browser is a test helper: it loads HTML pages in headless
// Chromium (Debian's chromium, driven by chromedp), from a server on
// loopback, and reports what each page shows, failing the test on any
// request other than the page itself and on any Content-Security-Policy
// violation. A full-page screenshot of each page is kept.
package browser

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Chromium is where Debian installs the browser.
const Chromium = "/usr/bin/chromium"

// Available reports whether Chromium is installed.
func Available() bool {
	_, err := os.Stat(Chromium)
	return err == nil
}

// Artifacts returns the folder screenshots go to: $ANTIPERSONA_ARTIFACTS,
// or a temporary folder of the test.
func Artifacts(t testing.TB) string {
	dir := os.Getenv("ANTIPERSONA_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// DOM is what a page says about itself after loading.
type DOM struct {
	Lang            string   `json:"lang"`
	Personas        int      `json:"personas"`
	Negatives       int      `json:"negatives"`
	Charts          int      `json:"charts"`
	Hidden          []string `json:"hidden"`
	BrokenImages    int      `json:"brokenImages"`
	Violations      []string `json:"violations"`
	Sections        int      `json:"sections"`
	ResourceEntries []string `json:"resources"`
}

// checkDOM counts the visible persona cards, negative cards and SVG charts,
// lists the ones that are not visible, the avatars that did not decode and
// the CSP violations the page reported, and the resources it loaded.
const checkDOM = `(() => {
  const visible = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) > 0; };
  const hidden = [];
  const count = sel => { let n = 0; for (const el of document.querySelectorAll(sel)) { if (visible(el)) n++; else hidden.push(sel); } return n; };
  return {
    lang: document.documentElement.lang,
    personas: count('article.card.positive'),
    negatives: count('article.card.negative'),
    charts: count('svg.chart[role="img"]'),
    sections: count('main > section'),
    hidden: hidden,
    brokenImages: [...document.images].filter(i => !i.complete || i.naturalWidth === 0).length,
    violations: window.__cspViolations || [],
    resources: performance.getEntriesByType('resource').map(e => e.name),
  };
})()`

// Load serves pages (URL path → HTML) on loopback, opens each in headless
// Chromium, saves a full-page screenshot of each in dir (named after the
// path, .jpg) and returns what each page's DOM says, by path. It fails t
// when a page makes any request but itself (data: URIs excepted), loads a
// resource or reports a CSP violation.
func Load(t *testing.T, pages map[string][]byte, dir string) map[string]DOM {
	t.Helper()
	var mu sync.Mutex
	var served []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		served = append(served, r.URL.Path)
		mu.Unlock()
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(body)
	}))
	defer srv.Close()

	ctx, cancel := start(t, 1280, 900)
	defer cancel()

	// Record every request the tab makes, and every CSP violation.
	var requests []string
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requests = append(requests, e.Request.URL)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	recordViolations(t, ctx)

	paths := make([]string, 0, len(pages))
	for p := range pages {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	out := map[string]DOM{}
	for _, path := range paths {
		mu.Lock()
		requests, served = nil, nil
		mu.Unlock()
		url := srv.URL + path
		tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		if err := chromedp.Do(tctx, chromedp.Navigate(url)); err != nil {
			cancel()
			t.Fatalf("load %s: %v", url, err)
		}
		dom, err := chromedp.Run(tctx, chromedp.Evaluate[DOM](checkDOM))
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		shot, err := chromedp.Run(tctx, chromedp.FullScreenshot(85))
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))+".jpg")
		if err := os.WriteFile(name, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot %s (%d bytes)", name, len(shot))

		mu.Lock()
		reqs, seen := append([]string(nil), requests...), append([]string(nil), served...)
		mu.Unlock()
		// data: URIs (avatars) are decoded in the page and reach no
		// network; everything else must be the page itself.
		for _, r := range reqs {
			if r != url && !strings.HasPrefix(r, "data:") {
				t.Errorf("%s: request other than the page: %s", path, r)
			}
		}
		if len(reqs) == 0 {
			t.Errorf("%s: no request recorded: the network listener does not work", path)
		}
		for _, p := range seen {
			if p != path {
				t.Errorf("%s: the server got a request for %s", path, p)
			}
		}
		for _, r := range dom.ResourceEntries {
			if !strings.HasPrefix(r, "data:") {
				t.Errorf("%s: the page loaded the resource %s", path, r)
			}
		}
		for _, v := range dom.Violations {
			t.Errorf("%s: CSP violation: %s", path, v)
		}
		if len(dom.Hidden) > 0 {
			t.Errorf("%s: not visible: %v", path, dom.Hidden)
		}
		if dom.BrokenImages > 0 {
			t.Errorf("%s: %d images did not decode", path, dom.BrokenImages)
		}
		out[path] = dom
	}
	return out
}
