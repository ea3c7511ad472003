package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/i18n"
	"github.com/antipersona/antipersona/internal/browser"
)

// dashboardPage is a page of the dashboard and what it must show: at least
// min elements matching each selector.
type dashboardPage struct {
	name, path string
	want       map[string]int
}

// TestDashboardBrowser drives the dashboard of the demo shop in headless
// Chromium: it logs in with an API key, opens every page in every
// language (each page checked for a CSP violation, a request leaving the
// server, an unlabelled form field, a broken image, sideways scrolling and
// a raw message id, with a screenshot kept in $ANTIPERSONA_ARTIFACTS),
// moves through the page with the keyboard, edits a declared persona and
// sees its audit change, previews, exports and downloads an audience,
// starts a build and follows it to the end, checks what a reader key is
// shown, and looks at the main pages on a phone-sized screen. The server
// fails any page that lacks a translation (StrictI18n).
func TestDashboardBrowser(t *testing.T) {
	if !browser.Available() {
		t.Skipf("skipping the browser test: %s not found (install Chromium to run it)", browser.Chromium)
	}
	if testing.Short() {
		t.Skip("the browser test takes a while")
	}
	dir := demoWorkspace(t, onDuckDB, "shop")
	base, _, served := testServe(t, dir)
	sw := served["shop"]
	admin, _ := newKey(t, sw, antipersona.RoleAdmin)
	reader, _ := newKey(t, sw, antipersona.RoleReader)
	shots := browser.Artifacts(t)

	tab := browser.Open(t, base, 1280, 900)
	login(t, tab, admin)

	// The keyboard: Tab reaches the skip link first, which moves the focus
	// to the content.
	tab.Get("/ui/")
	tab.Do(chromedp.KeyEvent("\t"))
	if got := browser.Eval[string](tab, `document.activeElement.className`); got != "skip" {
		t.Errorf("the first Tab focuses %q, want the skip link", got)
	}
	tab.Do(chromedp.KeyEvent("\r"))
	if got := browser.Eval[string](tab, `document.activeElement.id`); got != "main" {
		t.Errorf("the skip link moves the focus to %q, want main", got)
	}
	// A menu item and a language, reached by focus and followed with Enter.
	tab.Do(chromedp.Focus(chromedp.CSS(`nav.menu a[href="/ui/budget"]`)))
	if status := tab.Load(chromedp.KeyEvent("\r")); status != 200 || browser.Eval[string](tab, `location.pathname`) != "/ui/budget" {
		t.Errorf("Enter on the Budget menu item: status %d, at %s", status, browser.Eval[string](tab, `location.pathname`))
	}
	tab.Do(chromedp.Focus(chromedp.CSS(`nav.langs a[hreflang="pl"]`)))
	tab.Load(chromedp.KeyEvent("\r"))
	if lang := browser.Eval[string](tab, `document.documentElement.lang + ' ' + location.pathname`); lang != "pl /ui/budget" {
		t.Errorf("the language switcher leads to %q, want the same page in Polish", lang)
	}

	// The ids a page links to: the first buyer persona and a contact.
	tab.Get("/ui/personas")
	personaID := browser.Eval[string](tab, `document.querySelector('article.card.positive').dataset.persona`)
	tab.Get("/ui/contacts?q=C")
	contactID := browser.Eval[string](tab, `document.querySelector('main table tbody a').textContent`)
	if personaID == "" || contactID == "" {
		t.Fatalf("no persona (%q) or contact (%q) to open", personaID, contactID)
	}

	pages := []dashboardPage{
		{"overview", "/ui/", map[string]int{"section#overview dl.kpis > div": 7, "ul.tiles a": 4}},
		{"personas", "/ui/personas", map[string]int{"article.card.positive": 1, "article.card.negative": 1, "article.card img.avatar": 2}},
		{"persona", "/ui/personas/" + personaID, map[string]int{"article.card": 1, "main table tbody tr": 1}},
		{"segments", "/ui/segments", map[string]int{"section#rfm svg.chart": 1, "section#segments svg.chart": 1}},
		{"decisions", "/ui/decisions", map[string]int{"section#decisions svg.chart": 3, "section#decisions tbody tr": 3}},
		{"budget", "/ui/budget", map[string]int{"section#budget svg.chart": 3}},
		{"changes", "/ui/changes", map[string]int{"section#changes svg.chart": 1}},
		{"audit", "/ui/audit", map[string]int{"section#audit .audit": 1, `form[action="/ui/audit"]`: 2}},
		{"worksheet", "/ui/worksheet", map[string]int{"section#worksheet tbody tr": 1, `form[action="/ui/worksheet"]`: 1}},
		{"contacts", "/ui/contacts?q=C", map[string]int{"main table tbody tr": 1}},
		{"contact", "/ui/contacts/" + contactID, map[string]int{".action-badge": 1, "main section": 4}},
		{"audiences", "/ui/audiences", map[string]int{"form.audience": 1}},
		{"builds", "/ui/builds", map[string]int{"main table tbody tr": 2}},
		{"access", "/ui/access", map[string]int{"main table tbody tr": 2}},
	}
	rawID := regexp.MustCompile(`\b(ui|nav|login|contacts?|audiences|builds?|audit\.edit|worksheet\.edit|done|role|headline)\.[a-z_.]+\b`)
	for _, lang := range i18n.Supported() {
		tab.Load(chromedp.Click(chromedp.CSS(`nav.langs a[hreflang="` + lang + `"]`)))
		for _, p := range pages {
			what := lang + " " + p.name
			if status := tab.Get(p.path); status != 200 {
				t.Errorf("%s: status %d", what, status)
				continue
			}
			pc := tab.Check(what)
			if pc.Lang != lang {
				t.Errorf("%s: <html lang=%q>", what, pc.Lang)
			}
			for sel, n := range p.want {
				if got := browser.Eval[int](tab, `document.querySelectorAll(`+strconv.Quote(sel)+`).length`); got < n {
					t.Errorf("%s: %d of %s, want at least %d", what, got, sel, n)
				}
			}
			if cur := browser.Eval[int](tab, `document.querySelectorAll('nav.menu a[aria-current="page"]').length`); cur != 1 {
				t.Errorf("%s: %d menu items marked current, want 1", what, cur)
			}
			if m := rawID.FindString(browser.Eval[string](tab, `document.body.innerText`)); m != "" {
				t.Errorf("%s: the page shows the message id %q", what, m)
			}
			tab.Screenshot(shots, "dashboard-"+lang+"-"+p.name)
		}
	}

	// Persona names and headlines are written in each language.
	names := map[string]string{}
	for _, lang := range i18n.Supported() {
		tab.Get("/ui/lang/" + lang + "?back=/ui/personas")
		names[lang] = browser.Eval[string](tab, `[...document.querySelectorAll('article.card h3')].map(e => e.textContent).join('|')`)
	}
	if names["en"] == names["pl"] || names["en"] == names["ka"] || names["pl"] == names["vi"] {
		t.Errorf("persona names do not change with the language: %q", names)
	}
	tab.Get("/ui/lang/en?back=/ui/")

	editDeclaredPersona(t, tab, dir, shots)
	exportAudience(t, tab, shots)
	startBuild(t, tab, shots)

	// A reader sees the results and none of the forms that change them.
	tab.Load(chromedp.Click(chromedp.CSS(`form[action="/ui/logout"] button`)))
	login(t, tab, reader)
	for path, form := range map[string]string{"/ui/audit": `form[action="/ui/audit"]`, "/ui/audiences": "form.audience",
		"/ui/builds": `form[action="/ui/builds"]`, "/ui/worksheet": `form[action="/ui/worksheet"]`} {
		if status := tab.Get(path); status != 200 {
			t.Errorf("reader %s: status %d", path, status)
		}
		if n := browser.Eval[int](tab, `document.querySelectorAll(`+strconv.Quote(form)+`).length`); n != 0 {
			t.Errorf("reader %s: %d forms %s shown", path, n, form)
		}
	}
	if n := browser.Eval[int](tab, `document.querySelectorAll('nav.menu a[href="/ui/access"]').length`); n != 0 {
		t.Error("a reader is offered the access page")
	}
	tab.Screenshot(shots, "dashboard-reader-audit")

	// A phone: every page fits the width.
	phone := browser.Open(t, base, 390, 844)
	login(t, phone, admin)
	for _, p := range pages {
		if status := phone.Get(p.path); status != 200 {
			t.Errorf("phone %s: status %d", p.name, status)
		}
		phone.Check("phone " + p.name)
		phone.Screenshot(shots, "dashboard-phone-"+p.name)
	}
}

// login logs in on the login page with key.
func login(t *testing.T, tab *browser.Tab, key string) {
	t.Helper()
	if status := tab.Get("/ui/"); status != 200 || !strings.HasPrefix(browser.Eval[string](tab, `location.pathname`), "/ui/login") {
		t.Fatalf("without a session /ui/ does not lead to the login page (status %d)", status)
	}
	tab.Check("login")
	if status := tab.Load(chromedp.SendKeys(chromedp.CSS("#key"), key), chromedp.Click(chromedp.CSS(`form.login button[type=submit]`))); status != 200 {
		t.Fatalf("login: status %d", status)
	}
	if path := browser.Eval[string](tab, `location.pathname`); path != "/ui/" {
		t.Fatalf("after the login the browser is on %s, want /ui/", path)
	}
}

// auditMatched reads the number of contacts the first audited persona
// matches (an English page).
func auditMatched(t *testing.T, tab *browser.Tab) int {
	t.Helper()
	s := browser.Eval[string](tab, `document.querySelector('section#audit .audit dl.kpis dd').textContent`)
	n, err := strconv.Atoi(strings.ReplaceAll(strings.Fields(s)[0], ",", ""))
	if err != nil {
		t.Fatalf("audit: matched %q", s)
	}
	return n
}

// editDeclaredPersona widens the age condition of the shop's declared
// persona and checks that the audit matches more contacts; then types a
// condition that does not compile and checks that the form says so.
func editDeclaredPersona(t *testing.T, tab *browser.Tab, dir, shots string) {
	tab.Get("/ui/audit")
	before := auditMatched(t, tab)
	expr := browser.Eval[string](tab, `document.querySelector('#declared-0-ce0').value`)
	if !strings.Contains(expr, "age") {
		t.Fatalf("the first condition is %q, want the age condition of the demo", expr)
	}
	const wider = "age >= 18 && age <= 70"
	status := tab.Load(chromedp.SetValue(chromedp.CSS("#declared-0-ce0"), wider), chromedp.Click(chromedp.CSS(`#declared-0 form[action="/ui/audit"] button[type=submit]`)))
	if status != 200 {
		t.Fatalf("save the declared persona: status %d", status)
	}
	tab.Check("audit saved")
	if n := browser.Eval[int](tab, `document.querySelectorAll('p.flash').length`); n != 1 {
		t.Error("no confirmation after saving the declared persona")
	}
	after := auditMatched(t, tab)
	if after <= before {
		t.Errorf("audit matched %d contacts before and %d after widening the age, want more", before, after)
	}
	if got := browser.Eval[string](tab, `document.querySelector('#declared-0-ce0').value`); got != wider {
		t.Errorf("the form shows %q after saving, want %q", got, wider)
	}
	cfg, err := os.ReadFile(filepath.Join(dir, "antipersona.yaml"))
	if err != nil || !strings.Contains(string(cfg), wider) {
		t.Errorf("antipersona.yaml does not hold the new condition (%v)", err)
	}
	tab.Screenshot(shots, "dashboard-audit-edited")

	status = tab.Load(chromedp.SetValue(chromedp.CSS("#declared-0-ce0"), `age >= "old"`), chromedp.Click(chromedp.CSS(`#declared-0 form[action="/ui/audit"] button[type=submit]`)))
	if status != 400 {
		t.Errorf("a bad condition: status %d, want 400", status)
	}
	tab.Check("audit refused")
	msg := browser.Eval[string](tab, `(document.querySelector('#declared-0 .error') || {}).textContent || ''`)
	if !strings.Contains(msg, "young") {
		t.Errorf("the error %q does not name the condition", msg)
	}
	if n := browser.Eval[int](tab, `document.querySelectorAll('#declared-0 input[aria-invalid="true"]').length`); n == 0 {
		t.Error("the bad condition is not marked invalid")
	}
	if after2 := auditMatched(t, tab); after2 != after {
		t.Errorf("a refused edit changed the audit: %d, want %d", after2, after)
	}
	tab.Screenshot(shots, "dashboard-audit-refused")
}

// exportAudience previews the audience of the contacts to activate,
// exports it, downloads its file and checks that the file holds as many
// contacts as the preview counted.
func exportAudience(t *testing.T, tab *browser.Tab, shots string) {
	tab.Get("/ui/audiences")
	status := tab.Load(chromedp.SetValue(chromedp.CSS("#a-name"), "dashboard-test"),
		chromedp.Click(chromedp.CSS(`input[name=action][value=activate]`)),
		chromedp.Click(chromedp.CSS(`button[name=op][value=preview]`)))
	if status != 200 {
		t.Fatalf("audience preview: status %d", status)
	}
	tab.Check("audience preview")
	s := browser.Eval[string](tab, `(document.querySelector('#preview tbody td.num') || {}).textContent || ''`)
	want, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	if err != nil || want == 0 {
		t.Fatalf("preview count %q", s)
	}
	tab.Screenshot(shots, "dashboard-audience-preview")
	if status := tab.Load(chromedp.Click(chromedp.CSS(`button[name=op][value=export]`))); status != 200 {
		t.Fatalf("audience export: status %d", status)
	}
	tab.Check("audience exported")
	link := `a[href="/ui/audiences/dashboard-test/download"]`
	if n := browser.Eval[int](tab, `document.querySelectorAll(`+strconv.Quote(link)+`).length`); n != 1 {
		t.Fatalf("no download link after the export")
	}
	tab.Screenshot(shots, "dashboard-audience-exported")
	path := tab.Download(chromedp.Click(chromedp.CSS(link)))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if !strings.HasPrefix(lines[0], "contact_id,email_sha256") {
		t.Errorf("downloaded file starts with %q", lines[0])
	}
	if got := len(lines) - 1; got != want {
		t.Errorf("downloaded %d contacts, the preview counted %d", got, want)
	}
	for _, l := range lines[1:] {
		if !strings.Contains(l, ",activate,") {
			t.Errorf("a downloaded contact is not to activate: %s", l)
			break
		}
	}
}

// startBuild starts a build from the builds page and follows its
// progress until it succeeds.
func startBuild(t *testing.T, tab *browser.Tab, shots string) {
	tab.Get("/ui/builds")
	before := browser.Eval[int](tab, `document.querySelectorAll('section[aria-labelledby="history-h"] tbody tr').length`)
	if status := tab.Load(chromedp.Click(chromedp.CSS(`form[action="/ui/builds"] button[type=submit]`))); status != 200 {
		t.Fatalf("start a build: status %d", status)
	}
	tab.Check("build started")
	sawProgress := false
	deadline := time.Now().Add(3 * time.Minute)
	for {
		if browser.Eval[int](tab, `document.querySelectorAll('progress').length`) > 0 {
			if !sawProgress {
				tab.Screenshot(shots, "dashboard-build-running")
			}
			sawProgress = true
		}
		if browser.Eval[int](tab, `document.querySelectorAll('.state-succeeded').length`) > 0 {
			break
		}
		if browser.Eval[int](tab, `document.querySelectorAll('.state-failed').length`) > 0 {
			t.Fatalf("the build failed: %s", browser.Eval[string](tab, `document.querySelector('main').innerText`))
		}
		if time.Now().After(deadline) {
			t.Fatal("the build did not finish within 3 minutes")
		}
		time.Sleep(300 * time.Millisecond)
		tab.Get("/ui/builds")
	}
	if !sawProgress {
		t.Log("the build finished before the page could show its progress")
	}
	if after := browser.Eval[int](tab, `document.querySelectorAll('section[aria-labelledby="history-h"] tbody tr').length`); after != before+1 {
		t.Errorf("finished builds: %d before, %d after", before, after)
	}
	tab.Screenshot(shots, "dashboard-build-done")
}

// TestBuildStagesTranslated: every stage a build reports has its label in
// every catalog (the builds page shows it).
func TestBuildStagesTranslated(t *testing.T) {
	for _, lang := range i18n.Supported() {
		loc := i18n.MustNew(lang)
		for _, s := range buildStages {
			if !loc.Has("build.stage." + s) {
				t.Errorf("%s: no label for build stage %q", lang, s)
			}
		}
	}
}

// TestDemoServe runs `demo --serve` as a new user does: it must print the
// dashboard's address and an admin key that logs in, and serve until
// interrupted.
func TestDemoServe(t *testing.T) {
	out := &syncBuffer{}
	no := false
	m := &Main{Stdin: strings.NewReader(""), Stdout: out, Stderr: io.Discard, Getenv: func(string) string { return "" },
		Now: time.Now, Interactive: &no}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- m.Run(ctx, []string{"demo", "-q", "--serve", "--addr", "127.0.0.1:0", "--contacts", "600", "--seed", "3", "--out", t.TempDir()})
	}()
	keyRE := regexp.MustCompile(`(?m)^  (ap_[a-z0-9]+_[a-z0-9]+)$`)
	addrRE := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
	var key, base string
	deadline := time.Now().Add(3 * time.Minute)
	for key == "" || base == "" {
		select {
		case code := <-done:
			t.Fatalf("demo --serve ended with %d:\n%s", code, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo --serve printed no key and address:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
		if m := keyRE.FindStringSubmatch(out.String()); m != nil {
			key = m[1]
		}
		if m := addrRE.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
	}
	if !strings.Contains(out.String(), "/ui/") {
		t.Errorf("the dashboard's address is not printed:\n%s", out.String())
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	res, err := client.PostForm(base+"/ui/login", url.Values{"key": {key}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Request.URL.Path != "/ui/" || !strings.Contains(string(body), `id="overview"`) {
		t.Fatalf("login with the printed key: %d at %s", res.StatusCode, res.Request.URL.Path)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("demo --serve exit code %d after the interrupt", code)
		}
	case <-time.After(time.Minute):
		t.Fatal("demo --serve did not stop")
	}
}

// TestDashboardOnStores serves the demo shop's dashboard from each store
// and goes through it as a browser would, without one: every page in every
// language, a declared persona edited and audited again, a contact found
// and explained, an audience previewed, exported and downloaded.
func TestDashboardOnStores(t *testing.T) {
	forEachStore(t, testDashboardOnStores)
}

func testDashboardOnStores(t *testing.T, kind string) {
	dir := demoWorkspace(t, kind, "shop")
	base, _, served := testServe(t, dir)
	key, _ := newKey(t, served["shop"], antipersona.RoleAnalyst)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	get := func(path, lang string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Accept-Language", lang)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	post := func(path string, form url.Values) (int, string) {
		t.Helper()
		res, err := client.PostForm(base+path, form)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, _ := post("/ui/login", url.Values{"key": {key}}); code != 200 {
		t.Fatalf("login: %d", code)
	}
	_, page := get("/ui/", "en")
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no CSRF token")
	}
	csrf := m[1]
	_, page = get("/ui/contacts?q=C00", "en")
	cm := regexp.MustCompile(`href="/ui/contacts/([^"]+)"`).FindStringSubmatch(page)
	_, page = get("/ui/personas", "en")
	pm := regexp.MustCompile(`href="/ui/personas/([^"#]+)"`).FindStringSubmatch(page)
	if cm == nil || pm == nil {
		t.Fatal("no contact or persona to open")
	}
	paths := []string{"/ui/", "/ui/personas", "/ui/personas/" + pm[1], "/ui/segments", "/ui/decisions", "/ui/budget", "/ui/changes",
		"/ui/audit", "/ui/worksheet", "/ui/contacts?q=C00", "/ui/contacts/" + cm[1], "/ui/audiences", "/ui/builds"}
	for _, lang := range i18n.Supported() {
		for _, p := range paths {
			if code, body := get(p, lang); code != 200 || !strings.Contains(body, `<html lang="`+lang+`">`) {
				t.Errorf("%s %s: %d", lang, p, code)
			}
		}
	}

	// The declared persona, widened: the audit matches more contacts.
	matched := func() int {
		_, body := get("/ui/audit", "en")
		m := regexp.MustCompile(`<section id="audit"[\s\S]*?<dd>([\d,]+) contacts</dd>`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no matched count on the audit page")
		}
		n, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
		return n
	}
	before := matched()
	form := url.Values{"csrf": {csrf}, "old": {"Young urban trend-setters"}, "name": {"Young urban trend-setters"},
		"cond_name": {"young", "big_city"}, "cond_expr": {"age >= 18 && age <= 70", `city in ["Warszawa", "Kraków", "TP Hồ Chí Minh", "Hà Nội", "Tbilisi", "თბილისი"]`}}
	if code, body := post("/ui/audit", form); code != 200 || !strings.Contains(body, `class="flash"`) {
		t.Fatalf("save the declared persona: %d", code)
	}
	if after := matched(); after <= before {
		t.Errorf("audit matched %d before widening and %d after", before, after)
	}

	// An audience: previewed, exported, downloaded.
	aud := url.Values{"csrf": {csrf}, "name": {"store-test"}, "action": {"exclude", "organic_only"}, "format": {"csv"}}
	aud.Set("op", "preview")
	code, body := post("/ui/audiences", aud)
	pv := regexp.MustCompile(`would hold ([\d,]+) contacts`).FindStringSubmatch(body)
	if code != 200 || pv == nil {
		t.Fatalf("preview: %d", code)
	}
	aud.Set("op", "export")
	if code, _ := post("/ui/audiences", aud); code != 200 {
		t.Fatalf("export: %d", code)
	}
	code, file := get("/ui/audiences/store-test/download", "en")
	if code != 200 {
		t.Fatalf("download: %d", code)
	}
	want, _ := strconv.Atoi(strings.ReplaceAll(pv[1], ",", ""))
	if got := len(strings.Split(strings.TrimSpace(file), "\n")) - 1; got != want {
		t.Errorf("downloaded %d contacts, the preview counted %d", got, want)
	}
}
