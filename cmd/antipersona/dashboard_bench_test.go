package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"

	"github.com/antipersona/antipersona"
)

// BenchmarkDashboard measures the dashboard on the 1,500-contact demo
// shop, over loopback, as a logged-in browser sees it: the first page
// after a build (every view computed: decisions, budget, changes, audits,
// worksheet, then the page), the same page in another language (only
// the language's part), a page from the cache, and a contact search.
func BenchmarkDashboard(b *testing.B) {
	dir := demoWorkspace(b, onDuckDB, "bench")
	base, _, served := testServe(b, dir)
	key, _ := newKey(b, served["bench"], antipersona.RoleReader)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	if res, err := client.PostForm(base+"/ui/login", url.Values{"key": {key}}); err != nil || res.StatusCode != 200 {
		b.Fatalf("login: %v", err)
	}
	get := func(b *testing.B, path, lang string) {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Accept-Language", lang)
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			b.Fatalf("%s: %d", path, res.StatusCode)
		}
	}
	ws := served["bench"].ws
	b.Run("first_page_after_build", func(b *testing.B) {
		for b.Loop() {
			ws.forgetViews()
			get(b, "/ui/", "en")
		}
	})
	b.Run("another_language", func(b *testing.B) {
		get(b, "/ui/", "en")
		for b.Loop() {
			ws.viewMu.Lock()
			delete(ws.views, "pl")
			ws.viewMu.Unlock()
			get(b, "/ui/", "pl")
		}
	})
	for _, p := range []string{"/ui/", "/ui/personas", "/ui/budget", "/ui/audit", "/ui/contacts?q=C0001"} {
		b.Run("cached"+p, func(b *testing.B) {
			get(b, p, "en")
			for b.Loop() {
				get(b, p, "en")
			}
		})
	}
}
