package report

import (
	"bytes"
	"testing"

	"github.com/antipersona/antipersona/i18n"
	"github.com/antipersona/antipersona/internal/browser"
)

// TestBrowser loads the report of every language in headless Chromium
// (internal/browser: it fails on any request other than the page itself),
// checks that the persona cards, negative cards, charts and sections are
// visible, and keeps a full-page screenshot per language in
// $ANTIPERSONA_ARTIFACTS (a temporary directory when unset).
func TestBrowser(t *testing.T) {
	if !browser.Available() {
		t.Skipf("skipping the browser test: %s not found (install Chromium to run it)", browser.Chromium)
	}
	pages := map[string][]byte{}
	for _, lang := range i18n.Supported() {
		var buf bytes.Buffer
		if err := Render(&buf, fixture(), lang); err != nil {
			t.Fatal(err)
		}
		pages["/report."+lang+".html"] = buf.Bytes()
	}
	doms := browser.Load(t, pages, browser.Artifacts(t))
	f := fixture()
	for _, lang := range i18n.Supported() {
		dom := doms["/report."+lang+".html"]
		if dom.Lang != lang {
			t.Errorf("html lang = %q, want %q", dom.Lang, lang)
		}
		if dom.Personas != len(f.Personas) || dom.Negatives != len(f.Negatives) {
			t.Errorf("%s: visible cards: %d personas, %d negatives; want %d and %d", lang, dom.Personas, dom.Negatives, len(f.Personas), len(f.Negatives))
		}
		// One rate chart per card, RFM, segments, 3 decisions, 3 budget
		// groups, what-if interval and ROI, matrix, reasons, one audit
		// interval.
		if want := len(f.Personas) + len(f.Negatives) + 1 + 1 + 3 + 3 + 2 + 2 + len(f.Audit); dom.Charts != want {
			t.Errorf("%s: visible charts = %d, want %d", lang, dom.Charts, want)
		}
		if dom.Sections != len(sectionIDs) {
			t.Errorf("%s: visible sections = %d, want %d", lang, dom.Sections, len(sectionIDs))
		}
	}
}
