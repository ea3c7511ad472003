package generate

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/antipersona/antipersona"
)

// The shared data set of the file and statistics tests: 5,000 contacts.
const testContacts = 5000

var (
	testOnce sync.Once
	testDir  string
	testData *shopData
	testErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if testDir != "" {
		os.RemoveAll(testDir)
	}
	os.Exit(code)
}

// csvFile is a parsed CSV file.
type csvFile struct {
	header []string
	rows   []map[string]string
}

// jsonEvent is one parsed line of events.jsonl.
type jsonEvent struct {
	line        int
	Type        string         `json:"type"`
	MessageID   string         `json:"messageId"`
	UserID      *string        `json:"userId"`
	AnonymousID *string        `json:"anonymousId"`
	Timestamp   string         `json:"timestamp"`
	Event       string         `json:"event"`
	Name        string         `json:"name"`
	Properties  map[string]any `json:"properties"`
	Traits      map[string]any `json:"traits"`
	time        time.Time
}

type shopData struct {
	sum      Summary
	files    map[string]*csvFile
	contacts map[string]map[string]string
	truth    map[string]map[string]string
	events   []jsonEvent
	rawLines int
}

func load(t testing.TB) *shopData {
	t.Helper()
	testOnce.Do(func() {
		testDir, testErr = os.MkdirTemp("", "generate-test-")
		if testErr != nil {
			return
		}
		d := &shopData{files: map[string]*csvFile{}}
		d.sum, testErr = Shop(context.Background(), Options{Contacts: testContacts, Seed: 42, Out: testDir})
		if testErr != nil {
			return
		}
		for _, name := range outFiles {
			if name == "events.jsonl" {
				continue
			}
			f, err := readCSVFile(filepath.Join(testDir, name))
			if err != nil {
				testErr = err
				return
			}
			d.files[name] = f
		}
		d.contacts = index(d.files["contacts.csv"])
		d.truth = index(d.files["truth.csv"])
		d.events, d.rawLines, testErr = readEvents(filepath.Join(testDir, "events.jsonl"))
		testData = d
	})
	if testErr != nil {
		t.Fatal(testErr)
	}
	return testData
}

func readCSVFile(path string) (*csvFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: read header: %w", path, err)
	}
	out := &csvFile{header: header}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		row := make(map[string]string, len(header))
		for i, h := range header {
			row[h] = rec[i]
		}
		out.rows = append(out.rows, row)
	}
}

func index(f *csvFile) map[string]map[string]string {
	m := make(map[string]map[string]string, len(f.rows))
	for _, r := range f.rows {
		m[r["contact_id"]] = r
	}
	return m
}

func readEvents(path string) ([]jsonEvent, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	var out []jsonEvent
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		var e jsonEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, n, fmt.Errorf("events.jsonl:%d: %w", n, err)
		}
		e.line = n
		e.time, err = time.Parse(time.RFC3339, e.Timestamp)
		if err != nil {
			return nil, n, fmt.Errorf("events.jsonl:%d: %w", n, err)
		}
		out = append(out, e)
	}
	return out, n, sc.Err()
}

func hashDir(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	out := map[string][32]byte{}
	names := append(outFiles[:], "periods.json")
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		out[name] = sha256.Sum256(b)
	}
	return out
}

func TestShopDeterministic(t *testing.T) {
	// 700 contacts are three chunks, so several workers share the work.
	gen := func(seed uint64, procs int) map[string][32]byte {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		dir := t.TempDir()
		if _, err := Shop(context.Background(), Options{Contacts: 700, Seed: seed, Out: dir}); err != nil {
			t.Fatal(err)
		}
		return hashDir(t, dir)
	}
	a := gen(7, 1)
	b := gen(7, 4)
	c := gen(8, 2)
	for name, h := range a {
		if b[name] != h {
			t.Errorf("%s differs between two runs with seed 7 (1 and 4 workers)", name)
		}
	}
	for _, name := range []string{"contacts.csv", "events.jsonl", "orders.csv", "truth.csv"} {
		if c[name] == a[name] {
			t.Errorf("%s is the same for seeds 7 and 8", name)
		}
	}
	if c["periods.json"] != a["periods.json"] {
		t.Errorf("periods.json depends on the seed")
	}
}

func TestShopHeaders(t *testing.T) {
	d := load(t)
	contactCols := []string{"contact_id", "email", "phone", "first_name", "last_name", "created_at", "age",
		"gender", "city", "occupation", "income", "education", "household", "interests", "lead_source", "device", "newsletter"}
	tests := []struct {
		file string
		want []string
	}{
		{"contacts.csv", contactCols},
		{"contacts_period2.csv", contactCols},
		{"orders.csv", []string{"order_id", "contact_id", "timestamp", "revenue", "margin", "discount", "status", "channel"}},
		{"costs.csv", []string{"contact_id", "campaign", "channel", "date", "amount", "kind"}},
		{"touches.csv", []string{"contact_id", "campaign", "channel", "timestamp"}},
		{"surveys.csv", []string{"contact_id", "question_id", "question_text", "answer", "language", "answered_at"}},
		{"truth.csv", []string{"contact_id", "archetype", "is_negative", "period2_archetype", "period2_is_negative"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			if got := d.files[tt.file].header; !slices.Equal(got, tt.want) {
				t.Errorf("header = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestShopPeriods(t *testing.T) {
	d := load(t)
	b, err := os.ReadFile(filepath.Join(testDir, "periods.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"period1_start": "2024-01-01", "period1_end": "2025-06-30", "period2_end": "2025-12-31"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("periods.json %s = %q, want %q", k, got[k], v)
		}
	}
	if d.sum.Period1End != want["period1_end"] || d.sum.Period2End != want["period2_end"] {
		t.Errorf("summary periods = %s, %s", d.sum.Period1End, d.sum.Period2End)
	}
}

func TestShopSummary(t *testing.T) {
	d := load(t)
	count := func(name string, keep func(map[string]string) bool) int64 {
		n := int64(0)
		for _, r := range d.files[name].rows {
			if keep == nil || keep(r) {
				n++
			}
		}
		return n
	}
	isReturn := func(r map[string]string) bool { return strings.HasSuffix(r["order_id"], "-R1") }
	tests := []struct {
		name      string
		got, want int64
	}{
		{"contacts", d.sum.Contacts, testContacts},
		{"contacts.csv rows", count("contacts.csv", nil), testContacts},
		{"truth.csv rows", count("truth.csv", nil), testContacts},
		{"events", d.sum.Events, int64(d.rawLines)},
		{"orders", d.sum.Orders, count("orders.csv", func(r map[string]string) bool { return !isReturn(r) })},
		{"returns", d.sum.Returns, count("orders.csv", isReturn)},
		{"costs", d.sum.Costs, count("costs.csv", nil)},
		{"touches", d.sum.Touches, count("touches.csv", nil)},
		{"survey answers", d.sum.SurveyAnswers, count("surveys.csv", nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %d, want %d", tt.got, tt.want)
			}
		})
	}
	total := int64(0)
	for _, v := range d.sum.ByArchetype {
		total += v
	}
	if total != testContacts {
		t.Errorf("ByArchetype sums to %d, want %d", total, testContacts)
	}
}

var (
	reEmail = regexp.MustCompile(`^[a-z]+([._]?[a-z]+)*[0-9]+@example\.(com|pl|vn|ge)$`)
	rePhone = regexp.MustCompile(`^(\+48 \d{3} \d{3} \d{3}|\+48\d{9}|\d{3} \d{3} \d{3}|\d{3}-\d{3}-\d{3}|0\d{9}|\+84 \d{3} \d{3} \d{3}|\+9955\d{8}|\+995 5\d{2} \d{2} \d{2} \d{2}|5\d{2} \d{2} \d{2} \d{2})$`)
	reID    = regexp.MustCompile(`^C\d{7}$`)
)

func TestShopContacts(t *testing.T) {
	d := load(t)
	allowed := map[string][]string{
		"gender": {"female", "male", "other", ""},
		"lead_source": {"organic_search", "paid_search", "paid_social", "social", "blog", "newsletter", "referral", "webinar", "offline",
			"giveaway", "influencer", "marketplace", "coupon_site", "lead_ads", "welcome_offer", ""},
		"device":     {"mobile", "desktop", "tablet", ""},
		"newsletter": {"yes", "no", ""},
		"education":  {"primary", "secondary", "vocational", "bachelor", "master", "doctorate", ""},
		"household":  {"single", "couple", "family_with_children", "single_parent", "with_parents", ""},
	}
	missing := map[string]int{}
	cities := map[string]bool{}
	emails := map[string]bool{}
	for i, r := range d.files["contacts.csv"].rows {
		if want := fmt.Sprintf("C%07d", i+1); r["contact_id"] != want {
			t.Fatalf("row %d: contact_id %q, want %q", i+1, r["contact_id"], want)
		}
		if !reEmail.MatchString(r["email"]) || emails[r["email"]] {
			t.Errorf("%s: bad or duplicate email", r["contact_id"])
		}
		emails[r["email"]] = true
		if r["phone"] != "" && !rePhone.MatchString(r["phone"]) {
			t.Errorf("%s: bad phone format", r["contact_id"])
		}
		for col, vals := range allowed {
			if !slices.Contains(vals, r[col]) {
				t.Errorf("%s: %s = %q", r["contact_id"], col, r[col])
			}
		}
		for _, col := range []string{"age", "income", "occupation", "education", "interests"} {
			if r[col] == "" {
				missing[col]++
			}
		}
		if r["age"] != "" {
			if a, err := strconv.Atoi(r["age"]); err != nil || a < 18 || a > 90 {
				t.Errorf("%s: age %q", r["contact_id"], r["age"])
			}
		}
		if r["income"] != "" {
			if v, err := strconv.ParseFloat(r["income"], 64); err != nil || v <= 0 {
				t.Errorf("%s: income %q", r["contact_id"], r["income"])
			}
		}
		if _, err := time.Parse(time.DateOnly, r["created_at"]); err != nil || r["created_at"] > Period1End {
			t.Errorf("%s: created_at %q", r["contact_id"], r["created_at"])
		}
		cities[r["city"]] = true
	}
	// Missing rates (hand: income 8 %, age 3 %, occupation 5 %, education
	// 10 %, interests 6 % of 5,000): each must occur, none may dominate.
	for _, col := range []string{"age", "income", "occupation", "education", "interests"} {
		if missing[col] == 0 || missing[col] > testContacts/5 {
			t.Errorf("missing %s: %d of %d", col, missing[col], testContacts)
		}
	}
	for _, c := range []string{"Warszawa", "Kraków", "Gdańsk", "Hà Nội", "TP Hồ Chí Minh", "Đà Nẵng", "თბილისი", "Tbilisi", "Batumi", "Kutaisi"} {
		if !cities[c] {
			t.Errorf("no contact in %s", c)
		}
	}
}

func TestShopEvents(t *testing.T) {
	d := load(t)
	tracks := map[string]bool{}
	for _, n := range trackNames {
		if n != "" {
			tracks[n] = true
		}
	}
	orders := map[string]map[string]string{}
	for _, r := range d.files["orders.csv"].rows {
		orders[r["order_id"]] = r
	}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2025, 12, 31, 23, 59, 59, 0, time.UTC)
	ids := map[string]bool{}
	joined := map[string]string{} // anonymousId -> userId from identify calls
	anonOnly, orderCompleted := 0, 0
	for i := range d.events {
		e := &d.events[i]
		where := fmt.Sprintf("events.jsonl:%d", e.line)
		if e.MessageID == "" || ids[e.MessageID] {
			t.Fatalf("%s: empty or duplicate messageId", where)
		}
		ids[e.MessageID] = true
		if !strings.HasSuffix(e.Timestamp, "Z") || e.time.Before(start) || e.time.After(end) {
			t.Fatalf("%s: timestamp %s outside the periods", where, e.Timestamp)
		}
		if e.UserID == nil && e.AnonymousID == nil {
			t.Fatalf("%s: neither userId nor anonymousId", where)
		}
		if e.UserID != nil {
			c, ok := d.contacts[*e.UserID]
			if !ok {
				t.Fatalf("%s: unknown userId", where)
			}
			if e.time.Format(time.DateOnly) < c["created_at"] {
				t.Fatalf("%s: userId event before the contact was created", where)
			}
		} else {
			anonOnly++
		}
		switch e.Type {
		case "identify":
			if e.Traits == nil || e.UserID == nil {
				t.Fatalf("%s: identify without traits or userId", where)
			}
			if e.AnonymousID != nil {
				if u, ok := joined[*e.AnonymousID]; ok && u != *e.UserID {
					t.Fatalf("%s: anonymousId joined to two contacts", where)
				}
				joined[*e.AnonymousID] = *e.UserID
			}
		case "page":
			p := e.Properties
			sid, ok1 := p["session_id"].(string)
			dur, ok2 := p["duration"].(float64)
			path, ok3 := p["path"].(string)
			if e.Name == "" || !ok1 || sid == "" || !ok2 || dur <= 0 || !ok3 || !strings.HasPrefix(path, "/") {
				t.Fatalf("%s: bad page call", where)
			}
		case "track":
			if !tracks[e.Event] || e.Properties == nil {
				t.Fatalf("%s: bad track event %q", where, e.Event)
			}
			switch e.Event {
			case "Order Completed":
				orderCompleted++
				id, _ := e.Properties["order_id"].(string)
				o, ok := orders[id]
				rev, _ := e.Properties["revenue"].(float64)
				if !ok || o["contact_id"] != *e.UserID || strconv.FormatFloat(rev, 'f', 2, 64) != o["revenue"] {
					t.Fatalf("%s: Order Completed does not match orders.csv", where)
				}
			case "Review Submitted":
				r, _ := e.Properties["rating"].(float64)
				id, _ := e.Properties["order_id"].(string)
				if r < 1 || r > 5 || r != float64(int(r)) || orders[id] == nil || orders[id]["contact_id"] != *e.UserID {
					t.Fatalf("%s: bad review", where)
				}
			case "Ticket Created":
				if topic, _ := e.Properties["topic"].(string); topic == "" {
					t.Fatalf("%s: ticket without topic", where)
				}
			}
		default:
			t.Fatalf("%s: type %q", where, e.Type)
		}
	}
	if len(joined) == 0 {
		t.Error("no identify call joins an anonymousId to a contact")
	}
	// Anonymous-only events: about 6 % (pre-sign-up browsing and visitors
	// who never sign up); the brief asks for about 5 %.
	if share := float64(anonOnly) / float64(len(d.events)); share < 0.02 || share > 0.10 {
		t.Errorf("anonymous-only share = %.3f, want 0.02..0.10", share)
	}
	// Order Completed duplicates 2 % of the web and app orders (~80 % of
	// all orders): between 1 % and 3 % of the orders.
	if share := float64(orderCompleted) / float64(d.sum.Orders); share < 0.01 || share > 0.03 {
		t.Errorf("Order Completed share of orders = %.4f, want 0.01..0.03", share)
	}
}

func TestShopOrders(t *testing.T) {
	d := load(t)
	byID := map[string]map[string]string{}
	statuses := []string{"completed", "cancelled", "refunded"}
	channels := []string{"web", "app", "store", "marketplace"}
	end := "2025-12-31T23:59:59Z"
	for _, r := range d.files["orders.csv"].rows {
		id := r["order_id"]
		if byID[id] != nil {
			t.Fatalf("duplicate order_id %s", id)
		}
		byID[id] = r
		c, ok := d.contacts[r["contact_id"]]
		if !ok {
			t.Fatalf("%s: unknown contact", id)
		}
		if r["timestamp"] > end || r["timestamp"][:10] < c["created_at"] {
			t.Fatalf("%s: timestamp %s outside the contact's life", id, r["timestamp"])
		}
		if !slices.Contains(statuses, r["status"]) || !slices.Contains(channels, r["channel"]) {
			t.Fatalf("%s: status %q channel %q", id, r["status"], r["channel"])
		}
		rev, err1 := strconv.ParseFloat(r["revenue"], 64)
		_, err2 := strconv.ParseFloat(r["margin"], 64)
		disc, err3 := strconv.ParseFloat(r["discount"], 64)
		if err := errors.Join(err1, err2, err3); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		orig, isReturn := strings.CutSuffix(id, "-R1")
		if !isReturn {
			if rev < 0 || disc < 0 {
				t.Fatalf("%s: revenue %v discount %v", id, rev, disc)
			}
			continue
		}
		o := byID[orig]
		switch {
		case o == nil:
			t.Fatalf("%s: return of an unknown order", id)
		case o["contact_id"] != r["contact_id"]:
			t.Fatalf("%s: return of another contact's order", id)
		case r["timestamp"] <= o["timestamp"]:
			t.Fatalf("%s: return before its order", id)
		case rev >= 0 || r["margin"][0] != '-' || r["discount"] != "0.00" || r["status"] != "completed":
			t.Fatalf("%s: return row %v", id, r)
		}
		if ov, _ := strconv.ParseFloat(o["revenue"], 64); -rev > ov+0.005 {
			t.Fatalf("%s: returns %v of an order of %v", id, -rev, ov)
		}
	}
}

func TestShopCostsAndTouches(t *testing.T) {
	d := load(t)
	camp := map[string]campaign{}
	for _, c := range campaigns {
		camp[c.name] = c
	}
	spend := map[string]float64{}
	for i, r := range d.files["costs.csv"].rows {
		amount, err := strconv.ParseFloat(r["amount"], 64)
		if err != nil || amount <= 0 {
			t.Fatalf("costs.csv row %d: amount %q", i+2, r["amount"])
		}
		if _, err := time.Parse(time.DateOnly, r["date"]); err != nil || r["date"] > Period2End {
			t.Fatalf("costs.csv row %d: date %q", i+2, r["date"])
		}
		switch r["kind"] {
		case "acquisition":
			c, ok := d.contacts[r["contact_id"]]
			if !ok || r["date"] != c["created_at"] || !paidSource(r["channel"]) {
				t.Fatalf("costs.csv row %d: bad acquisition row %v", i+2, r)
			}
		case "support":
			if _, ok := d.contacts[r["contact_id"]]; !ok {
				t.Fatalf("costs.csv row %d: support cost of an unknown contact", i+2)
			}
		case "contact":
			c, ok := camp[r["campaign"]]
			if r["contact_id"] != "" || !ok || c.channel != r["channel"] {
				t.Fatalf("costs.csv row %d: bad campaign spend row %v", i+2, r)
			}
			spend[r["campaign"]] += amount
		default:
			t.Fatalf("costs.csv row %d: kind %q", i+2, r["kind"])
		}
	}
	touches := map[string]int{}
	for i, r := range d.files["touches.csv"].rows {
		c, ok := camp[r["campaign"]]
		if _, known := d.contacts[r["contact_id"]]; !known || !ok || c.channel != r["channel"] {
			t.Fatalf("touches.csv row %d: %v", i+2, r)
		}
		if r["timestamp"] < "2024-01-01T00:00:00Z" || r["timestamp"] > "2025-12-31T23:59:59Z" {
			t.Fatalf("touches.csv row %d: timestamp %s", i+2, r["timestamp"])
		}
		touches[r["campaign"]]++
	}
	// Each touch costs its campaign's mean cost times a factor drawn
	// uniformly from 0.80..1.20, so spend / touches / mean cost lies in
	// [0.8, 1.2] (and is close to 1 for thousands of touches).
	for _, c := range campaigns {
		t.Run(c.name, func(t *testing.T) {
			if touches[c.name] == 0 {
				t.Fatalf("no touches")
			}
			got := spend[c.name] * 100 / float64(touches[c.name]) / float64(c.cents)
			if got < 0.8 || got > 1.2 {
				t.Errorf("spend per touch / mean cost = %.3f, want 0.8..1.2", got)
			}
		})
	}
}

func TestShopSurveys(t *testing.T) {
	d := load(t)
	respondents := map[string]bool{}
	byLang := map[string]int{}
	georgian, vietnamese := 0, 0
	for i, r := range d.files["surveys.csv"].rows {
		where := fmt.Sprintf("surveys.csv row %d", i+2)
		if _, ok := d.contacts[r["contact_id"]]; !ok {
			t.Fatalf("%s: unknown contact", where)
		}
		respondents[r["contact_id"]] = true
		lang := r["language"]
		if !slices.Contains(langCodes[:], lang) || r["question_text"] == "" {
			t.Fatalf("%s: language %q", where, lang)
		}
		if _, err := time.Parse(time.RFC3339, r["answered_at"]); err != nil {
			t.Fatalf("%s: answered_at: %v", where, err)
		}
		a := r["answer"]
		switch r["question_id"] {
		case "budget":
			if !slices.Contains([]string{"low", "medium", "high"}, a) {
				t.Fatalf("%s: budget %q", where, a)
			}
		case "main_goal":
			if !slices.Contains(goalValues, a) {
				t.Fatalf("%s: main_goal %q", where, a)
			}
		case "satisfaction":
			if v, err := strconv.Atoi(a); err != nil || v < 1 || v > 10 {
				t.Fatalf("%s: satisfaction %q", where, a)
			}
		case "why":
			byLang[lang]++
			switch lang {
			case "ka":
				if !strings.ContainsFunc(a, func(r rune) bool { return unicode.Is(unicode.Georgian, r) }) {
					t.Fatalf("%s: Georgian answer without Georgian script: %q", where, a)
				}
				georgian++
			case "vi":
				if strings.ContainsAny(a, "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ") {
					vietnamese++
				}
			}
		default:
			t.Fatalf("%s: question_id %q", where, r["question_id"])
		}
	}
	// 20 % answer, 30 % of mimics and complainers (16 % of contacts):
	// 0.2 + 0.1 × 0.16 ≈ 21.6 %.
	if share := float64(len(respondents)) / testContacts; share < 0.17 || share > 0.26 {
		t.Errorf("respondent share = %.3f, want 0.17..0.26", share)
	}
	for _, l := range langCodes {
		if byLang[l] == 0 {
			t.Errorf("no open answer in %s", l)
		}
	}
	if vietnamese < byLang["vi"]*9/10 {
		t.Errorf("%d of %d Vietnamese answers use Vietnamese letters", vietnamese, byLang["vi"])
	}
}

func TestShopPeriod2(t *testing.T) {
	d := load(t)
	changed := index(d.files["contacts_period2.csv"])
	for id, r := range changed {
		old, ok := d.contacts[id]
		if !ok {
			t.Fatalf("contacts_period2.csv: unknown contact %s", id)
		}
		same := true
		for _, h := range d.files["contacts.csv"].header {
			if old[h] != r[h] {
				same = false
			}
		}
		if same {
			t.Errorf("contacts_period2.csv: %s did not change", id)
		}
	}
	// The period-2 identify call (new occupation and income) comes after
	// period 1 ends.
	updates := map[string]bool{}
	for i := range d.events {
		e := &d.events[i]
		if e.Type == "identify" && e.Traits["occupation"] != nil {
			if e.Timestamp <= "2025-06-30T23:59:59Z" {
				t.Fatalf("events.jsonl:%d: trait update in period 1", e.line)
			}
			updates[*e.UserID] = true
		}
	}
	improvers, candidates, lapsed, positives := 0, 0, 0, 0
	for id, tr := range d.truth {
		if _, ok := d.contacts[id]; !ok {
			t.Fatalf("truth.csv: unknown contact %s", id)
		}
		a1, a2 := tr["archetype"], tr["period2_archetype"]
		p1 := profileByName(a1)
		if tr["is_negative"] != strconv.FormatBool(p1.Negative) || tr["period2_is_negative"] != strconv.FormatBool(profileByName(a2).Negative) {
			t.Fatalf("truth.csv %s: negative flags %v", id, tr)
		}
		switch {
		case a1 == StudentResearcher || a1 == CantAffordFan:
			candidates++
			if a2 == a1 {
				continue
			}
			if a2 != LoyalRegular && a2 != PremiumConsidered {
				t.Fatalf("%s: %s became %s", id, a1, a2)
			}
			improvers++
			r, ok := changed[id]
			if !ok || !updates[id] {
				t.Fatalf("%s: improver missing from contacts_period2.csv or without identify update", id)
			}
			if r["created_at"] != d.contacts[id]["created_at"] {
				t.Errorf("%s: created_at changed in period 2", id)
			}
			if a1 == StudentResearcher && r["occupation"] == "student" {
				t.Errorf("%s: graduate is still a student", id)
			}
			if old := d.contacts[id]["income"]; old != "" {
				o, _ := strconv.Atoi(old)
				n, _ := strconv.Atoi(r["income"])
				if a1 == CantAffordFan && n < o*17/10 {
					t.Errorf("%s: income %d -> %d, want at least ×1.8", id, o, n)
				}
			}
		case !p1.Negative && a1 != Casual:
			positives++
			if a2 == Lapsed {
				lapsed++
			} else if a2 != a1 {
				t.Fatalf("%s: positive %s became %s", id, a1, a2)
			}
		default:
			if a2 != a1 {
				t.Fatalf("%s: %s became %s", id, a1, a2)
			}
		}
	}
	// Hand computation: 25 % of students and fans improve, 12 % of the
	// positives lapse; binomial noise on ~2,000 and ~2,250 contacts is
	// about ±1 point, so the bounds are wide.
	if got := float64(improvers) / float64(candidates); got < 0.20 || got > 0.30 {
		t.Errorf("improver share = %.3f, want 0.20..0.30", got)
	}
	if got := float64(lapsed) / float64(positives); got < 0.09 || got > 0.15 {
		t.Errorf("lapsed share = %.3f, want 0.09..0.15", got)
	}
}

// contactStats is what the statistics test needs per contact.
type contactStats struct {
	ordersP1, ordersP2    int
	lateOrders            int // placed after 2025-07-22 (when every lapsed contact has stopped)
	gross, returned       float64
	margin                float64
	emailWebinar, tickets int
	events                int
}

func perContact(d *shopData) map[string]*contactStats {
	m := make(map[string]*contactStats, len(d.contacts))
	for id := range d.contacts {
		m[id] = &contactStats{}
	}
	for _, r := range d.files["orders.csv"].rows {
		s := m[r["contact_id"]]
		rev, _ := strconv.ParseFloat(r["revenue"], 64)
		mar, _ := strconv.ParseFloat(r["margin"], 64)
		if strings.HasSuffix(r["order_id"], "-R1") {
			s.returned -= rev
			s.margin += mar
			continue
		}
		if r["status"] == "cancelled" {
			continue
		}
		s.gross += rev
		s.margin += mar
		if r["status"] == "refunded" {
			s.returned += rev
		}
		switch ts := r["timestamp"]; {
		case ts <= "2025-06-30T23:59:59Z":
			s.ordersP1++
		default:
			s.ordersP2++
			if ts >= "2025-07-23" {
				s.lateOrders++
			}
		}
	}
	for i := range d.events {
		e := &d.events[i]
		if e.UserID == nil {
			continue
		}
		s := m[*e.UserID]
		s.events++
		switch e.Event {
		case "Email Opened", "Email Link Clicked", "Webinar Registered", "Webinar Attended":
			if e.time.Before(time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)) {
				s.emailWebinar++
			}
		case "Ticket Created":
			s.tickets++
		}
	}
	return m
}

func TestShopStatistics(t *testing.T) {
	d := load(t)
	st := perContact(d)
	group := func(keep func(id string) bool) []*contactStats {
		var out []*contactStats
		for id, s := range st {
			if keep(id) {
				out = append(out, s)
			}
		}
		return out
	}
	arch := func(name string) func(string) bool {
		return func(id string) bool { return d.truth[id]["archetype"] == name }
	}
	mean := func(g []*contactStats, f func(*contactStats) float64) float64 {
		sum := 0.0
		for _, s := range g {
			sum += f(s)
		}
		return sum / float64(len(g))
	}
	share := func(g []*contactStats, f func(*contactStats) bool) float64 {
		return mean(g, func(s *contactStats) float64 {
			if f(s) {
				return 1
			}
			return 0
		})
	}
	buyerP1 := func(s *contactStats) bool { return s.ordersP1 > 0 }
	mimics := group(arch(Mimic))
	buyers := group(func(id string) bool { return st[id].ordersP1 > 0 })
	returners := group(arch(SerialReturner))
	retirees := group(arch(HiddenRetirees))
	improvers := group(func(id string) bool {
		a1 := d.truth[id]["archetype"]
		return (a1 == StudentResearcher || a1 == CantAffordFan) && d.truth[id]["period2_archetype"] != a1
	})
	lapsed := group(func(id string) bool { return d.truth[id]["period2_archetype"] == Lapsed })
	complainers := group(arch(Complainer))
	others := group(func(id string) bool { return d.truth[id]["archetype"] != Complainer })

	retireeAges, retireeOld := 0, 0
	for id, c := range d.contacts {
		if d.truth[id]["archetype"] != HiddenRetirees || c["age"] == "" {
			continue
		}
		retireeAges++
		if a, _ := strconv.Atoi(c["age"]); a >= 60 {
			retireeOld++
		}
	}
	returnedShare := func(g []*contactStats) float64 {
		var gross, ret float64
		for _, s := range g {
			gross += s.gross
			ret += s.returned
		}
		return ret / gross
	}
	sumMargin := func(g []*contactStats) float64 {
		return mean(g, func(s *contactStats) float64 { return s.margin }) * float64(len(g))
	}

	tests := []struct {
		name string
		got  float64
		ok   func(float64) bool
		want string
	}{
		// Mimics never buy (buy probability 0).
		{"mimic orders in period 1", mean(mimics, func(s *contactStats) float64 { return float64(s.ordersP1) }) * float64(len(mimics)),
			func(v float64) bool { return v == 0 }, "0"},
		// Mimics: 75 % open rate on ~11 newsletters, 40 % clicks, ~3 webinar
		// events ≈ 15 in period 1; buyers are mostly loyal and retirees with
		// fewer opens (≈ 4).
		{"mimic e-mail and webinar events / buyers'", mean(mimics, func(s *contactStats) float64 { return float64(s.emailWebinar) }) /
			mean(buyers, func(s *contactStats) float64 { return float64(s.emailWebinar) }),
			func(v float64) bool { return v > 2 }, "> 2"},
		// Returners: 30 % refunded + 55 % of the rest partly returned
		// (40..100 %, mean 70 %) ≈ 0.3 + 0.67 × 0.55 × 0.7 ≈ 0.56 of revenue.
		{"serial returners' returned share", returnedShare(returners), func(v float64) bool { return v > 0.4 && v < 0.8 }, "0.4..0.8"},
		// Retirees: age N(67, 6) (≈ 88 % ≥ 60) except for the 12.5 % whose
		// age comes from the population (clamped to 55..57): ≈ 77 %, a bit
		// more because the retired among those are moved to 58+.
		{"hidden retirees aged 60+", float64(retireeOld) / float64(retireeAges), func(v float64) bool { return v > 0.6 }, "> 0.6"},
		{"hidden retirees' total margin", sumMargin(retirees), func(v float64) bool { return v > 0 }, "> 0"},
		// Buyer rate in period 1, from the shares and buy rates in doc.go:
		// positives ≈ 0.28, negatives ≈ 0.11, casual ≈ 0.01.
		{"buyer rate in period 1", share(group(func(string) bool { return true }), buyerP1), func(v float64) bool { return v >= 0.25 && v <= 0.45 }, "0.25..0.45"},
		// Improvers: fans and students buy rarely (~5 %) in period 1 and like
		// loyal or premium customers (most of them) in period 2.
		{"improvers buying in period 1", share(improvers, buyerP1), func(v float64) bool { return v < 0.15 }, "< 0.15"},
		{"improvers buying in period 2", share(improvers, func(s *contactStats) bool { return s.ordersP2 > 0 }), func(v float64) bool { return v > 0.4 }, "> 0.4"},
		{"lapsed orders after 2025-07-22", mean(lapsed, func(s *contactStats) float64 { return float64(s.lateOrders) }), func(v float64) bool { return v == 0 }, "0"},
		// Complainers: 1.2 tickets per order (~6 orders) plus 0.2 a month
		// (~15 months) ≈ 10; others 0.08 per order plus 0.015 a month
		// (plus some after returns) ≈ 0.5: more than five times as many.
		{"complainers' tickets / others'", mean(complainers, func(s *contactStats) float64 { return float64(s.tickets) }) /
			mean(others, func(s *contactStats) float64 { return float64(s.tickets) }), func(v float64) bool { return v > 5 }, "> 5"},
		{"bargain hunters' total margin", sumMargin(group(arch(BargainOnly))), func(v float64) bool { return v < 0 }, "< 0"},
		// About 50 events per contact (benchmarks: 1M contacts ≈ 50M events).
		{"events per contact", float64(d.sum.Events) / testContacts, func(v float64) bool { return v >= 35 && v <= 65 }, "35..65"},
		// 1 % of contacts (a fifth of casual) do nothing at all.
		{"contacts without activity", share(group(func(string) bool { return true }), func(s *contactStats) bool {
			return s.events == 0 && s.gross == 0
		}), func(v float64) bool { return v >= 0.005 && v <= 0.02 }, "0.005..0.02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Logf("%s = %.4f", tt.name, tt.got)
			if !tt.ok(tt.got) {
				t.Errorf("got %.4f, want %s", tt.got, tt.want)
			}
		})
	}

	for _, a := range Archetypes() {
		if a.Share > 0 && d.sum.ByArchetype[a.Name] == 0 {
			t.Errorf("archetype %s is missing", a.Name)
		}
	}
}

// TestShopNoGiveaway checks that no single trait value other than the lead
// source identifies an archetype: among the contacts with a given value (at
// least 1 % of them), no archetype makes up more than 80 %. The lead source
// is checked by TestShopLeadSignature.
func TestShopNoGiveaway(t *testing.T) {
	d := load(t)
	cols := []string{"gender", "occupation", "education", "household", "interests", "device", "newsletter"}
	for _, col := range cols {
		counts := map[string]map[string]int{}
		for id, c := range d.contacts {
			for v := range strings.SplitSeq(c[col], "|") {
				if counts[v] == nil {
					counts[v] = map[string]int{}
				}
				counts[v][d.truth[id]["archetype"]]++
			}
		}
		for v, byArch := range counts {
			total, top, topArch := 0, 0, ""
			for a, n := range byArch {
				total += n
				if n > top {
					top, topArch = n, a
				}
			}
			if total < testContacts/100 {
				continue
			}
			if share := float64(top) / float64(total); share > 0.8 {
				t.Errorf("%s = %q: %.0f %% are %s", col, v, 100*share, topArch)
			}
		}
	}
}

// TestShopLeadSignature checks the lead-time signature of each negative
// archetype: its own lead source (webinar for mimics, giveaway for fans who
// cannot afford it, ...) is recorded for most of its contacts (0.95 × 0.9 +
// 0.05 × 0.01 ≈ 0.86, less the 1 % with no lead source), and is shared with
// other archetypes, so that the value alone is not the archetype: between 2
// and 20 % of the contacts with it are of another archetype. By construction
// (shares × rates, plus the population table's 0.05 × 0.01 per contact) the
// other archetypes make up about 6 % of webinar (premium_considered) and
// 10–12 % of influencer, marketplace and welcome_offer.
func TestShopLeadSignature(t *testing.T) {
	d := load(t)
	signature := map[string]string{Mimic: "webinar", CantAffordFan: "giveaway", SerialReturner: "influencer",
		Complainer: "marketplace", BargainOnly: "coupon_site", ExpensivePaidLead: "lead_ads", FastChurner: "welcome_offer"}
	with, of, total := map[string]int{}, map[string]int{}, map[string]int{}
	for id, c := range d.contacts {
		a := d.truth[id]["archetype"]
		total[a]++
		if signature[a] == c["lead_source"] {
			with[a]++
		}
		of[c["lead_source"]]++
	}
	for a, src := range signature {
		// binomial noise on 125–675 contacts: 4 standard errors ≈ 0.06–0.12
		if got := float64(with[a]) / float64(total[a]); got < 0.75 || got > 0.95 {
			t.Errorf("%s: %.2f have lead_source = %s, want about 0.85", a, got, src)
		}
		if other := 1 - float64(with[a])/float64(of[src]); other < 0.02 || other > 0.2 {
			t.Errorf("lead_source = %s: %.2f of it is other archetypes, want 0.02-0.2", src, other)
		}
	}
}

func TestShopAcquisitionCosts(t *testing.T) {
	d := load(t)
	var expensive, other []float64
	for _, r := range d.files["costs.csv"].rows {
		if r["kind"] != "acquisition" {
			continue
		}
		v, _ := strconv.ParseFloat(r["amount"], 64)
		if d.truth[r["contact_id"]]["archetype"] == ExpensivePaidLead {
			expensive = append(expensive, v)
		} else {
			other = append(other, v)
		}
	}
	avg := func(x []float64) float64 {
		s := 0.0
		for _, v := range x {
			s += v
		}
		return s / float64(len(x))
	}
	// Medians 150 PLN against 22-30 PLN (log-normal, same sigma): the means
	// differ by the same factor, about 5.
	if got := avg(expensive) / avg(other); got < 3 {
		t.Errorf("expensive leads' mean acquisition cost / others' = %.2f, want > 3", got)
	}
}

func TestShopOptions(t *testing.T) {
	tests := []struct {
		name string
		opt  Options
	}{
		{"no contacts", Options{Contacts: 0, Out: t.TempDir()}},
		{"negative contacts", Options{Contacts: -5, Out: t.TempDir()}},
		{"no directory", Options{Contacts: 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Shop(context.Background(), tt.opt)
			if got := antipersona.ErrorCode(err); got != antipersona.EINVALID {
				t.Errorf("error code = %q (%v), want %q", got, err, antipersona.EINVALID)
			}
		})
	}
}

func TestShopCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Shop(ctx, Options{Contacts: 300, Out: t.TempDir()})
	if !errors.Is(err, antipersona.ErrCanceled) {
		t.Errorf("err = %v, want antipersona.ErrCanceled", err)
	}
}

func TestShopProgress(t *testing.T) {
	var got []int
	_, err := Shop(context.Background(), Options{Contacts: 2300, Out: t.TempDir(), Progress: func(n int) { got = append(got, n) }})
	if err != nil {
		t.Fatal(err)
	}
	// Chunks of 256 contacts: the count passes 1,000 at 1,024 (4 chunks)
	// and 2,000 at 2,048 (8 chunks); the last call reports all 2,300.
	if want := []int{1024, 2048, 2300}; !slices.Equal(got, want) {
		t.Errorf("progress calls = %v, want %v", got, want)
	}
}

func TestArchetypes(t *testing.T) {
	var pos, neg, other float64
	names := map[string]bool{}
	for _, a := range Archetypes() {
		if names[a.Name] || a.Description == "" {
			t.Errorf("archetype %q duplicated or undocumented", a.Name)
		}
		names[a.Name] = true
		switch {
		case a.Negative:
			neg += a.Share
		case a.Name == Casual:
			other += a.Share
		default:
			pos += a.Share
		}
	}
	// The brief: positives 45 %, negatives 50 %, casual the remaining 5 %.
	tests := []struct {
		name      string
		got, want float64
	}{
		{"positives", pos, 0.45},
		{"negatives", neg, 0.50},
		{"casual", other, 0.05},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := tt.got - tt.want; d < -1e-9 || d > 1e-9 {
				t.Errorf("share = %v, want %v", tt.got, tt.want)
			}
		})
	}
	if !names[Lapsed] {
		t.Error("lapsed is not listed")
	}
}

// TestContactMemory checks that generating a contact allocates a bounded,
// small amount once the worker's buffers have grown: nothing accumulates
// per contact (the chunk buffers are written out and reset).
func TestContactMemory(t *testing.T) {
	w := newWorker(3)
	w.ch = &chunk{}
	next := int64(1)
	for ; next <= 2000; next++ {
		w.ch.reset()
		w.contact(next)
	}
	allocs := testing.AllocsPerRun(500, func() {
		w.ch.reset()
		w.contact(next)
		next++
	})
	t.Logf("allocations per contact: %.2f", allocs)
	if allocs > 4 {
		t.Errorf("allocations per contact = %.1f, want <= 4", allocs)
	}
}
