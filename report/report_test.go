package report

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/antipersona/antipersona/i18n"
	"github.com/antipersona/antipersona/internal/golden"
)

func renderString(t *testing.T, d *Data, lang string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, d, lang); err != nil {
		t.Fatalf("Render(%s): %v", lang, err)
	}
	return buf.String()
}

// TestGolden compares the fixture's report in every language with
// testdata/report.<lang>.html; go generate (go test -run TestGolden
// -update) rewrites them.
func TestGolden(t *testing.T) {
	for _, lang := range i18n.Supported() {
		t.Run(lang, func(t *testing.T) {
			golden.Doc(t, "testdata/report."+lang+".html", renderString(t, fixture(), lang), "report")
		})
	}
}

// TestTranslated renders every language and fails when a label fell back
// (Render returns the *i18n.MissingError) or when a message id shows in
// the output instead of its text.
func TestTranslated(t *testing.T) {
	msgs, err := i18n.Messages("en")
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Supported() {
		for name, d := range map[string]*Data{"fixture": fixture(), "empty": {}} {
			out := renderString(t, d, lang)
			for _, m := range msgs {
				if strings.Contains(out, m.ID) {
					t.Errorf("%s %s: the output holds the raw id %q", lang, name, m.ID)
				}
			}
		}
	}
	// The unknown reason code of the fixture prints through reason.unknown.
	if out := renderString(t, fixture(), "pl"); !strings.Contains(out, "Inny powód (partner_import)") {
		t.Error("pl: the unknown reason code is not shown as such")
	}
}

// TestMissingTranslation shows that a label without a catalog entry fails
// the render instead of printing English or an id.
func TestMissingTranslation(t *testing.T) {
	loc := i18n.MustNew("vi")
	b := &builder{d: fixture(), l: loc}
	_ = b.t("section.no_such_section.title")
	var me *i18n.MissingError
	if err := loc.Err(); !errors.As(err, &me) || me.IDs[0] != "section.no_such_section.title" {
		t.Fatalf("Err = %v, want the missing id", err)
	}
}

// allowedURL lists the URLs that may appear: XML namespace names, which
// identify and never fetch.
var allowedURL = map[string]bool{"http://www.w3.org/2000/svg": true, "http://www.w3.org/1999/xlink": true}

var (
	urlRE     = regexp.MustCompile(`(?i)\b(?:https?|ftp|wss?)://[^\s"'<>)]*`)
	attrRE    = regexp.MustCompile(`(?i)\s(src|href|xlink:href|action|poster|srcset|data)\s*=\s*"([^"]*)"`)
	dataSVGRE = regexp.MustCompile(`data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)`)
)

// externalRefs returns every reference in doc the browser could fetch: a
// URL outside allowedURL, a src or href that is not a data: URI or a
// #fragment, a script, a stylesheet link, an @import or a CSS url(), also
// inside the SVG images embedded as data: URIs.
func externalRefs(doc string) []string {
	var out []string
	for _, u := range urlRE.FindAllString(doc, -1) {
		if !allowedURL[u] {
			out = append(out, "URL "+u)
		}
	}
	for _, m := range attrRE.FindAllStringSubmatch(doc, -1) {
		v := strings.TrimSpace(m[2])
		if !strings.HasPrefix(v, "data:") && !strings.HasPrefix(v, "#") {
			out = append(out, m[1]+"="+v)
		}
	}
	low := strings.ToLower(doc)
	for _, bad := range []string{"<script", "<iframe", "<object", "<embed", `rel="stylesheet"`, "@import", "url(", "@font-face"} {
		if strings.Contains(low, bad) {
			out = append(out, bad)
		}
	}
	for _, m := range dataSVGRE.FindAllStringSubmatch(doc, -1) {
		svg, err := base64.StdEncoding.DecodeString(m[1])
		if err != nil {
			out = append(out, "bad data: URI "+err.Error())
			continue
		}
		for _, r := range externalRefs(string(svg)) {
			out = append(out, "embedded SVG: "+r)
		}
	}
	return out
}

func TestNoExternalReferences(t *testing.T) {
	for _, lang := range i18n.Supported() {
		doc := renderString(t, fixture(), lang)
		for _, r := range externalRefs(doc) {
			t.Errorf("%s: %s", lang, r)
		}
		if !strings.Contains(doc, `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`) {
			t.Errorf("%s: no Content-Security-Policy", lang)
		}
	}
	// The check catches what it should.
	evilSVG := base64.StdEncoding.EncodeToString([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><image href="https://x.test/a.png"/></svg>`))
	for _, bad := range []string{
		`<img src="https://cdn.example.com/a.png">`, `<link rel="stylesheet" href="x.css">`, `<style>@import "x.css";</style>`,
		`<div style="background:url(x.png)">`, `<script>1</script>`, `<a href="//evil.test/">`, `<img src="data:image/svg+xml;base64,` + evilSVG + `">`,
	} {
		if len(externalRefs(bad)) == 0 {
			t.Errorf("the check misses %q", bad)
		}
	}
}

// checkParses reads doc as HTML with encoding/xml in its lenient mode
// (HTML void elements, HTML entities) and fails on a stray or missing end
// tag.
func checkParses(t *testing.T, name, doc string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(doc))
	dec.Strict = false
	dec.AutoClose = xml.HTMLAutoClose
	dec.Entity = xml.HTMLEntity
	var stack []string
	elements := map[string]int{}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: does not parse: %v", name, err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			stack = append(stack, tok.Name.Local)
			elements[tok.Name.Local]++
		case xml.EndElement:
			if len(stack) == 0 || stack[len(stack)-1] != tok.Name.Local {
				t.Fatalf("%s: </%s> closes %v", name, tok.Name.Local, stack)
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) != 0 {
		t.Fatalf("%s: unclosed %v", name, stack)
	}
	if elements["html"] != 1 || elements["body"] != 1 || elements["section"] != len(sectionIDs) {
		t.Errorf("%s: html %d, body %d, section %d elements", name, elements["html"], elements["body"], elements["section"])
	}
}

func TestParses(t *testing.T) {
	for _, lang := range i18n.Supported() {
		checkParses(t, lang, renderString(t, fixture(), lang))
		checkParses(t, lang+" empty", renderString(t, &Data{}, lang))
	}
}

// TestEmptySections checks that every section of an empty build says it is
// not available, in the language.
func TestEmptySections(t *testing.T) {
	for _, lang := range i18n.Supported() {
		na := i18n.MustNew(lang).T("common.not_available", nil)
		out := renderString(t, &Data{}, lang)
		if got := strings.Count(out, na); got != len(sectionIDs) {
			t.Errorf("%s: %d not-available lines, want %d", lang, got, len(sectionIDs))
		}
		// A budget without its parts says so for each part.
		out = renderString(t, &Data{Budget: &Budget{TotalSpend: 10}, Changes: &Changes{FromBuild: 1, ToBuild: 2}}, lang)
		if got := strings.Count(out, na); got != len(sectionIDs)-2+4+3 {
			t.Errorf("%s: %d not-available lines with empty budget and changes, want %d", lang, got, len(sectionIDs)-2+4+3)
		}
	}
}

// TestEscaping checks that text from the data cannot inject markup.
func TestEscaping(t *testing.T) {
	d := fixture()
	evil := `<script>alert("x")</script><img src=x onerror=alert(1)>`
	d.Workspace = evil
	d.Personas[0].Name = evil
	d.Personas[0].Traits[0].Label = evil
	d.Negatives[0].Label = evil
	d.Budget.ByChannel[0].Name = evil
	d.Changes.ReinstatedReasons[4].Reason = evil
	d.Audit[0].Persona = evil
	d.Audit[0].Conditions[0].Expr = evil
	d.Worksheet[0].TeamAnswer = evil
	d.RFM[0].Segment = evil
	for _, lang := range i18n.Supported() {
		out := renderString(t, d, lang)
		if strings.Contains(out, "<script") || strings.Contains(out, "<img src=x") {
			t.Errorf("%s: data text reached the markup unescaped", lang)
		}
		if !strings.Contains(out, "&lt;script&gt;") {
			t.Errorf("%s: the escaped text is missing", lang)
		}
		checkParses(t, lang+" escaping", out)
	}
}

func TestRenderErrors(t *testing.T) {
	var buf bytes.Buffer
	var ue *i18n.UnsupportedError
	if err := Render(&buf, fixture(), "de"); !errors.As(err, &ue) {
		t.Errorf("Render(de) = %v, want *i18n.UnsupportedError", err)
	}
	if err := Render(&buf, nil, "en"); err == nil {
		t.Error("Render(nil) did not fail")
	}
	if buf.Len() != 0 {
		t.Errorf("a failed Render wrote %d bytes", buf.Len())
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{"Can't lose them": "cant_lose_them", "Potential loyalist": "potential_loyalist", " At risk ": "at_risk", "About to sleep": "about_to_sleep"} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	d := fixture()
	b.ReportAllocs()
	for b.Loop() {
		if err := Render(io.Discard, d, "pl"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSectionsAndCards: the sections and cards the dashboard shows are
// exactly those of the report, and an unknown section is an error.
func TestSectionsAndCards(t *testing.T) {
	for _, lang := range i18n.Supported() {
		full := renderString(t, fixture(), lang)
		for _, id := range SectionIDs() {
			var buf bytes.Buffer
			if err := Sections(&buf, fixture(), lang, id); err != nil {
				t.Fatal(err)
			}
			s := buf.String()
			if !strings.HasPrefix(s, `<section id="`+id+`"`) || !strings.Contains(full, s) {
				t.Errorf("%s: section %s is not the report's own", lang, id)
			}
		}
		cards, err := Cards(fixture(), lang)
		if err != nil {
			t.Fatal(err)
		}
		f := fixture()
		if len(cards) != len(f.Personas)+len(f.Negatives) {
			t.Errorf("%s: %d cards, want %d", lang, len(cards), len(f.Personas)+len(f.Negatives))
		}
		for id, c := range cards {
			if !strings.Contains(full, c) || !strings.Contains(c, `data-persona="`+id+`"`) {
				t.Errorf("%s: card %s is not the report's own", lang, id)
			}
		}
	}
	if err := Sections(io.Discard, fixture(), "en", "nope"); err == nil {
		t.Error("an unknown section renders")
	}
}
