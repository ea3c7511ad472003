package browser

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Tab is a headless Chromium tab on a live server: it records every
// request the pages make, every Content-Security-Policy violation they
// report and every download, so that a test can check that nothing left
// the server.
type Tab struct {
	t      *testing.T
	origin string
	ctx    context.Context
	cancel func()

	mu         sync.Mutex
	requests   []string
	downloads  map[string]string // guid -> suggested file name
	done       map[string]bool   // guid -> completed
	downloadTo string
}

// Open starts Chromium with a viewport of width × height CSS pixels (a
// phone's, touch and a device scale of 2, below 600), for pages of origin
// (scheme://host:port); Close it when done (t.Cleanup does too).
// Downloads go to a temporary folder of the test.
func Open(t *testing.T, origin string, width, height int) *Tab {
	t.Helper()
	ctx, cancel := start(t, width, height)
	tb := &Tab{t: t, origin: strings.TrimSuffix(origin, "/"), ctx: ctx, downloads: map[string]string{}, done: map[string]bool{},
		downloadTo: t.TempDir()}
	tb.cancel = cancel
	t.Cleanup(tb.Close)
	if err := chromedp.Listen(ctx, func(ev any) {
		tb.mu.Lock()
		defer tb.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			tb.requests = append(tb.requests, e.Request.URL)
		case *cdpbrowser.EventDownloadWillBegin:
			tb.downloads[e.GUID] = e.SuggestedFilename
		case *cdpbrowser.EventDownloadProgress:
			if e.State == cdpbrowser.DownloadProgressStateCompleted {
				tb.done[e.GUID] = true
			}
		}
	}); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	recordViolations(t, ctx)
	if width < 600 {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height), chromedp.EmulateMobile, chromedp.EmulateScale(2))); err != nil {
			t.Fatal(err)
		}
	}
	events := true
	if _, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: tb.downloadTo, EventsEnabled: &events,
	}); err != nil {
		t.Fatal(err)
	}
	return tb
}

// start starts headless Chromium with a window of width × height and
// returns a context of its first tab and the function that stops it.
func start(t *testing.T, width, height int) (context.Context, func()) {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Chromium),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	return ctx, func() { cancel(); cancelAlloc() }
}

// recordViolations makes every page of the tab keep the CSP violations it
// reports in window.__cspViolations. Call it after network.Enable.
func recordViolations(t *testing.T, ctx context.Context) {
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__cspViolations = []; document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`,
	}); err != nil {
		t.Fatal(err)
	}
}

// Close stops the browser.
func (tb *Tab) Close() { tb.cancel() }

// Context is the tab's context, for chromedp actions.
func (tb *Tab) Context() context.Context { return tb.ctx }

// Do runs actions in the tab within 60 seconds, failing the test on error.
func (tb *Tab) Do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatal(err)
	}
}

// Load runs actions that load a page (a navigation, a click on a link or a
// form's button), waits for the page and returns its HTTP status.
func (tb *Tab) Load(actions ...chromedp.Action[chromedp.Void]) int {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 60*time.Second)
	defer cancel()
	res, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		tb.t.Fatal(err)
	}
	if res == nil {
		return 0
	}
	return int(res.Status)
}

// Get loads the page at path of the origin and returns its HTTP status.
func (tb *Tab) Get(path string) int {
	tb.t.Helper()
	return tb.Load(chromedp.Navigate(tb.origin + path))
}

// Eval evaluates a JavaScript expression in the page.
func Eval[T any](tb *Tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// Screenshot saves a full-page screenshot of the page as dir/name.jpg.
func (tb *Tab) Screenshot(dir, name string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(80))
	if err != nil {
		tb.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".jpg"), shot, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// PageCheck is what Check finds wrong with the loaded page.
type PageCheck struct {
	Lang string `json:"lang"`
	// Violations are the CSP violations the page reported.
	Violations []string `json:"violations"`
	// BrokenImages counts the images that did not decode.
	BrokenImages int `json:"brokenImages"`
	// Unlabelled lists the form fields without a label.
	Unlabelled []string `json:"unlabelled"`
	// Overflow is true when the page is wider than the window (it
	// scrolls sideways).
	Overflow bool `json:"overflow"`
	// Resources are the resources the page loaded.
	Resources []string `json:"resources"`
	// Nameless lists the images without alt text and the links and buttons
	// without a name a screen reader could say.
	Nameless []string `json:"nameless"`
	// HeadingSkips lists the headings that skip a level (an h3 after an
	// h1), and NoH1 is true when the page has not exactly one h1.
	HeadingSkips []string `json:"headingSkips"`
	NoH1         bool     `json:"noH1"`
}

const checkPage = `(() => {
  const unlabelled = [];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden') continue;
    if ((el.labels && el.labels.length) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')) continue;
    unlabelled.push(el.outerHTML.slice(0, 80));
  }
  const nameless = [];
  for (const el of document.querySelectorAll('img')) if (!el.hasAttribute('alt')) nameless.push(el.outerHTML.slice(0, 80));
  for (const el of document.querySelectorAll('a[href], button')) {
    const name = (el.textContent || '').trim() || el.getAttribute('aria-label') || el.getAttribute('title') ||
      [...el.querySelectorAll('img[alt]')].map(i => i.alt).join('');
    if (!name) nameless.push(el.outerHTML.slice(0, 80));
  }
  const skips = [];
  let prev = 0;
  for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const level = Number(h.tagName[1]);
    if (prev && level > prev + 1) skips.push(h.tagName + ' after H' + prev + ': ' + h.textContent.trim().slice(0, 40));
    prev = level;
  }
  return {
    nameless: nameless,
    headingSkips: skips,
    noH1: document.querySelectorAll('h1').length !== 1,
    lang: document.documentElement.lang,
    violations: window.__cspViolations || [],
    brokenImages: [...document.images].filter(i => !i.complete || i.naturalWidth === 0).length,
    unlabelled: unlabelled,
    overflow: document.documentElement.scrollWidth > window.innerWidth + 1,
    resources: performance.getEntriesByType('resource').map(e => e.name),
  };
})()`

// Check inspects the loaded page and fails the test when it reported a
// CSP violation, holds an image that did not decode, a form field without
// a label, an image without alt text, a link or button without a name, a
// heading that skips a level, not exactly one h1, is wider than the
// window, or when any page since the last Check requested anything from
// another origin (data: URIs aside).
// It returns what it found.
func (tb *Tab) Check(what string) PageCheck {
	tb.t.Helper()
	pc := Eval[PageCheck](tb, checkPage)
	for _, v := range pc.Violations {
		tb.t.Errorf("%s: CSP violation: %s", what, v)
	}
	if pc.BrokenImages > 0 {
		tb.t.Errorf("%s: %d images did not decode", what, pc.BrokenImages)
	}
	for _, u := range pc.Unlabelled {
		tb.t.Errorf("%s: a form field has no label: %s", what, u)
	}
	if pc.Overflow {
		tb.t.Errorf("%s: the page is wider than the window", what)
	}
	for _, n := range pc.Nameless {
		tb.t.Errorf("%s: no text for a screen reader: %s", what, n)
	}
	for _, h := range pc.HeadingSkips {
		tb.t.Errorf("%s: a heading skips a level: %s", what, h)
	}
	if pc.NoH1 {
		tb.t.Errorf("%s: the page has not exactly one h1", what)
	}
	tb.mu.Lock()
	reqs := tb.requests
	tb.requests = nil
	tb.mu.Unlock()
	for _, r := range append(reqs, pc.Resources...) {
		if !strings.HasPrefix(r, "data:") && !strings.HasPrefix(r, tb.origin+"/") && r != tb.origin {
			tb.t.Errorf("%s: a request left the server: %s", what, r)
		}
	}
	return pc
}

// Download runs actions that start a download and waits for it to finish
// (at most 60 seconds); it returns the downloaded file's path.
func (tb *Tab) Download(actions ...chromedp.Action[chromedp.Void]) string {
	tb.t.Helper()
	tb.mu.Lock()
	before := map[string]bool{}
	for g := range tb.downloads {
		before[g] = true
	}
	tb.mu.Unlock()
	tb.Do(actions...)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		tb.mu.Lock()
		for g, name := range tb.downloads {
			if !before[g] && tb.done[g] {
				tb.mu.Unlock()
				return filepath.Join(tb.downloadTo, name)
			}
		}
		tb.mu.Unlock()
		time.Sleep(50 * time.Millisecond)
	}
	tb.t.Fatal("the download did not finish within 60 s")
	return ""
}
