package report

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/antipersona/antipersona/i18n"
)

const chromiumPath = "/usr/bin/chromium"

// domReport is what the page says about itself after loading.
type domReport struct {
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

// TestBrowser loads the report of every language in headless Chromium,
// fails on any request other than the page itself, checks that the persona
// cards, negative cards and charts are visible, and saves a full-page
// screenshot per language in $ANTIPERSONA_ARTIFACTS (a temporary directory
// when unset).
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("skipping the browser test: %s not found (install Chromium to run it)", chromiumPath)
	}
	artifacts := os.Getenv("ANTIPERSONA_ARTIFACTS")
	if artifacts == "" {
		artifacts = t.TempDir()
	} else if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}

	pages := map[string][]byte{}
	for _, lang := range i18n.Supported() {
		var buf bytes.Buffer
		if err := Render(&buf, fixture(), lang); err != nil {
			t.Fatal(err)
		}
		pages["/report."+lang+".html"] = buf.Bytes()
	}
	var mu sync.Mutex
	var served []string // every request the server saw
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

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
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
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__cspViolations = []; document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`,
	}); err != nil {
		t.Fatal(err)
	}

	for _, lang := range i18n.Supported() {
		t.Run(lang, func(t *testing.T) {
			mu.Lock()
			requests, served = nil, nil
			mu.Unlock()
			url := srv.URL + "/report." + lang + ".html"
			tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			if err := chromedp.Do(tctx, chromedp.Navigate(url)); err != nil {
				t.Fatalf("load %s: %v", url, err)
			}
			dom, err := chromedp.Run(tctx, chromedp.Evaluate[domReport](checkDOM))
			if err != nil {
				t.Fatal(err)
			}
			shot, err := chromedp.Run(tctx, chromedp.FullScreenshot(85))
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Join(artifacts, "report."+lang+".jpg")
			if err := os.WriteFile(name, shot, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot %s (%d bytes)", name, len(shot))

			mu.Lock()
			reqs, seen := append([]string(nil), requests...), append([]string(nil), served...)
			mu.Unlock()
			// data: URIs (the avatars) are decoded in the page and reach
			// no network; everything else must be the page itself.
			for _, r := range reqs {
				if r != url && !strings.HasPrefix(r, "data:") {
					t.Errorf("request other than the page: %s", r)
				}
			}
			if len(reqs) == 0 {
				t.Error("no request recorded: the network listener does not work")
			}
			for _, p := range seen {
				if p != "/report."+lang+".html" {
					t.Errorf("the server got a request for %s", p)
				}
			}
			for _, r := range dom.ResourceEntries {
				if !strings.HasPrefix(r, "data:") {
					t.Errorf("the page loaded the resource %s", r)
				}
			}
			for _, v := range dom.Violations {
				t.Errorf("CSP violation: %s", v)
			}
			f := fixture()
			if dom.Lang != lang {
				t.Errorf("html lang = %q, want %q", dom.Lang, lang)
			}
			if dom.Personas != len(f.Personas) || dom.Negatives != len(f.Negatives) {
				t.Errorf("visible cards: %d personas, %d negatives; want %d and %d", dom.Personas, dom.Negatives, len(f.Personas), len(f.Negatives))
			}
			// One rate chart per card, RFM, segments, 3 decisions, 3
			// budget groups, what-if interval and ROI, matrix, reasons,
			// one audit interval.
			if want := len(f.Personas) + len(f.Negatives) + 1 + 1 + 3 + 3 + 2 + 2 + len(f.Audit); dom.Charts != want {
				t.Errorf("visible charts = %d, want %d", dom.Charts, want)
			}
			if dom.Sections != len(sectionIDs) {
				t.Errorf("visible sections = %d, want %d", dom.Sections, len(sectionIDs))
			}
			if len(dom.Hidden) > 0 {
				t.Errorf("not visible: %v", dom.Hidden)
			}
			if dom.BrokenImages > 0 {
				t.Errorf("%d avatar images did not decode", dom.BrokenImages)
			}
		})
	}
}
