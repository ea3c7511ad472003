package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestAudienceExports builds a small shop as of period 1, exports its
// exclusions, builds as of period 2 and checks that an incremental export
// holds exactly the changes between two full exports; that personal data
// leaves hashed (the hash of a contact's own normalised e-mail); the Google
// and Meta headers; Segment events; the warning on a sensitive name; and a
// signed webhook delivery to a local server.
func TestAudienceExports(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and builds a shop twice")
	}
	data := t.TempDir()
	mustRun(t, "generate", "--contacts", "1500", "--seed", "4", "--out", data)
	ws := filepath.Join(t.TempDir(), "ws")
	mustRun(t, "init", ws)
	for _, df := range demoFiles {
		mustRun(t, "-w", ws, "ingest", string(df.kind), filepath.Join(data, df.file))
	}
	mustRun(t, "-w", ws, "build", "--as-of", "2025-06-30")
	out := t.TempDir()
	file := func(name string) string { return filepath.Join(out, name) }
	members := func(path string) map[string]bool {
		got := map[string]bool{}
		for _, r := range readCSVFile(t, path)[1:] {
			got[r[0]] = true
		}
		return got
	}
	mustRun(t, "-w", ws, "audience", "export", "--name", "exclusions", "--action", "exclude,organic_only", "--format", "csv", "--out", file("full1.csv"))
	full1 := members(file("full1.csv"))
	if len(full1) == 0 {
		t.Fatal("no exclusions in period 1")
	}
	// Hashed e-mails: each row's e-mail hash is the SHA-256 of the contact's
	// own e-mail, trimmed and lowercased (contacts.csv).
	contacts := readCSVByID(t, filepath.Join(data, "contacts.csv"))
	rows := readCSVFile(t, file("full1.csv"))
	if got := strings.Join(rows[0][:3], ","); got != "contact_id,email_sha256,phone_sha256" {
		t.Errorf("csv header %v", rows[0])
	}
	raw, _ := os.ReadFile(file("full1.csv"))
	for _, r := range rows[1:] {
		email := strings.ToLower(strings.TrimSpace(contacts[r[0]]["email"]))
		sum := sha256.Sum256([]byte(email))
		if email != "" && r[1] != hex.EncodeToString(sum[:]) {
			t.Fatalf("%s: email_sha256 %s is not the hash of its e-mail", r[0], r[1])
		}
		if email != "" && strings.Contains(string(raw), email) {
			t.Fatalf("the export holds the e-mail of %s in clear", r[0])
		}
	}

	// Period 2: the traits that changed, and the build.
	mustRun(t, "-w", ws, "ingest", "contacts", filepath.Join(data, "contacts_period2.csv"), "--valid-from", "2025-07-01")
	mustRun(t, "-w", ws, "build", "--as-of", "2025-12-31")
	mustRun(t, "-w", ws, "audience", "export", "--name", "exclusions", "--action", "exclude,organic_only", "--format", "csv", "--out", file("inc.csv"), "--incremental")
	mustRun(t, "-w", ws, "audience", "export", "--name", "check", "--action", "exclude,organic_only", "--format", "csv", "--out", file("full2.csv"))
	full2 := members(file("full2.csv"))
	var wantAdd, wantRemove, gotAdd, gotRemove []string
	for id := range full2 {
		if !full1[id] {
			wantAdd = append(wantAdd, id)
		}
	}
	for id := range full1 {
		if !full2[id] {
			wantRemove = append(wantRemove, id)
		}
	}
	inc := readCSVFile(t, file("inc.csv"))
	op := slices.Index(inc[0], "op")
	if op < 0 {
		t.Fatalf("incremental export without an op column: %v", inc[0])
	}
	for _, r := range inc[1:] {
		switch r[op] {
		case "add":
			gotAdd = append(gotAdd, r[0])
		case "remove":
			gotRemove = append(gotRemove, r[0])
		default:
			t.Errorf("op %q", r[op])
		}
	}
	for _, l := range [][]string{wantAdd, wantRemove, gotAdd, gotRemove} {
		slices.Sort(l)
	}
	if !slices.Equal(gotAdd, wantAdd) || !slices.Equal(gotRemove, wantRemove) {
		t.Errorf("incremental: %d adds, %d removes; the full exports differ by %d adds, %d removes", len(gotAdd), len(gotRemove), len(wantAdd), len(wantRemove))
	}
	if len(wantAdd)+len(wantRemove) == 0 {
		t.Error("nothing changed between the builds: the check is empty")
	}

	// Google and Meta layouts; their removals in a second file.
	mustRun(t, "-w", ws, "audience", "export", "--name", "g", "--action", "activate", "--format", "google", "--out", file("g.csv"))
	if h := readCSVFile(t, file("g.csv"))[0]; strings.Join(h, ",") != "Email,Phone,First Name,Last Name,Country,Zip" {
		t.Errorf("google header %v", h)
	}
	mustRun(t, "-w", ws, "audience", "export", "--name", "exclusions", "--action", "exclude", "--format", "meta", "--out", file("m.csv"), "--incremental")
	if h := readCSVFile(t, file("m.csv"))[0]; strings.Join(h, ",") != "email,phone,fn,ln,zip,country" {
		t.Errorf("meta header %v", h)
	}
	if _, err := os.Stat(file("m-remove.csv")); err != nil {
		t.Errorf("meta removals: %v", err)
	}
	// Segment events: one Audience Entered per member, no e-mail.
	seg := mustRun(t, "-w", ws, "audience", "export", "--name", "seg", "--action", "maintain", "--format", "segment")
	lines := strings.Split(strings.TrimSpace(seg), "\n")
	var ev struct {
		Type   string `json:"type"`
		Event  string `json:"event"`
		UserID string `json:"userId"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &ev); err != nil || ev.Type != "track" || ev.Event != "Audience Entered" || ev.UserID == "" || strings.Contains(seg, "@example") {
		t.Errorf("segment event %s (%v)", lines[0], err)
	}
	// A sensitive name is warned about.
	_, stderr, code := run(t, "-w", ws, "audience", "export", "--name", "diabetes care", "--action", "activate", "--format", "csv", "--out", file("s.csv"))
	if code != 0 || !strings.Contains(stderr, "health or financial") {
		t.Errorf("sensitive name: code %d, stderr %q", code, stderr)
	}

	// A webhook: batches posted to a local server, signed with the secret.
	const secret = "s3cret"
	var mu sync.Mutex
	var posted int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		if r.Header.Get("X-Antipersona-Signature") != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var b struct {
			Rows []json.RawMessage `json:"rows"`
		}
		json.Unmarshal(body, &b)
		mu.Lock()
		posted += len(b.Rows)
		mu.Unlock()
	}))
	defer srv.Close()
	t.Setenv("ANTIPERSONA_WEBHOOK_SECRET", secret)
	mustRun(t, "-w", ws, "audience", "export", "--name", "hook", "--action", "exclude,organic_only", "--format", "csv", "--out", file("h.csv"), "--webhook", srv.URL)
	if posted != len(full2) {
		t.Errorf("webhook received %d rows, want %d", posted, len(full2))
	}
	checkBudget(t, ws, data)

	var list []struct{ Name string }
	if err := json.Unmarshal([]byte(mustRun(t, "-w", ws, "audience", "list", "--json")), &list); err != nil || len(list) < 6 {
		t.Errorf("audience list: %v %v", list, err)
	}
}

// checkBudget checks that the budget of the workspace's last build adds
// up: the total is the marketing spend in costs.csv up to the as-of date
// (summed here from the file), allocated plus unallocated is the total,
// the decisions (one per contact), the channels and the campaigns each
// split the allocated spend, the allocation agrees with the features'
// acquisition_cost + contact_cost, and the what-if removes exactly the
// excluded contacts' spend and revenue.
func checkBudget(t *testing.T, ws, data string) {
	var r budgetReport
	if err := json.Unmarshal([]byte(mustRun(t, "-w", ws, "budget", "--json")), &r); err != nil {
		t.Fatal(err)
	}
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
			t.Errorf("budget: %s %.6f, want %.6f", what, got, want)
		}
	}
	end := r.Build.AsOf.Format(time.DateOnly)
	var fromFile float64
	for _, row := range readCSVFile(t, filepath.Join(data, "costs.csv"))[1:] {
		if row[5] == "support" || row[3] > end {
			continue
		}
		v, err := strconv.ParseFloat(row[4], 64)
		if err != nil {
			t.Fatal(err)
		}
		fromFile += v
	}
	near("total spend against costs.csv", r.TotalSpend, fromFile)
	near("allocated + unallocated", r.AllocatedSpend+r.UnallocatedSpend, r.TotalSpend)
	sum := func(rows []budgetRow, keep func(budgetRow) bool) (spend, revenue float64) {
		for _, x := range rows {
			if keep(x) {
				spend += x.Spend
				revenue += x.Revenue
			}
		}
		return
	}
	actions, _ := sum(r.Groups, func(x budgetRow) bool { return x.Kind == "action" })
	near("spend by decision", actions, r.AllocatedSpend)
	channels, _ := sum(r.Channels, func(budgetRow) bool { return true })
	near("spend by channel", channels, r.AllocatedSpend)
	campaigns, _ := sum(r.Campaigns, func(budgetRow) bool { return true })
	near("spend by campaign", campaigns, r.AllocatedSpend)
	var features float64
	for _, row := range readCSVByID(t, writeFeatures(t, ws)) {
		a, _ := strconv.ParseFloat(row["acquisition_cost"], 64)
		c, _ := strconv.ParseFloat(row["contact_cost"], 64)
		features += a + c
	}
	near("allocated against the features' acquisition_cost + contact_cost", r.AllocatedSpend, features)
	saved, lost := sum(r.Groups, func(x budgetRow) bool { return x.Kind == "action" && (x.Name == "exclude" || x.Name == "organic_only") })
	near("what-if saved", r.WhatIf.Saved, saved)
	near("what-if lost revenue", r.WhatIf.LostRevenue, lost)
	if !(r.WhatIf.LostRevenueLow <= r.WhatIf.LostRevenue && r.WhatIf.LostRevenue <= r.WhatIf.LostRevenueHigh) {
		t.Errorf("what-if interval [%.2f, %.2f] does not hold %.2f", r.WhatIf.LostRevenueLow, r.WhatIf.LostRevenueHigh, r.WhatIf.LostRevenue)
	}
	if r.WhatIf.ROIBefore == nil || r.WhatIf.ROIAfter == nil {
		t.Fatal("what-if without ROI")
	}
	near("ROI before", *r.WhatIf.ROIBefore, (r.Total.Revenue-r.TotalSpend)/r.TotalSpend)
	near("ROI after", *r.WhatIf.ROIAfter, (r.Total.Revenue-lost-(r.TotalSpend-saved))/(r.TotalSpend-saved))
}

// writeFeatures exports the features of the workspace's last build as CSV
// and returns the file.
func writeFeatures(t *testing.T, ws string) string {
	path := filepath.Join(t.TempDir(), "features.csv")
	mustRun(t, "-w", ws, "features", "--format", "csv", "--out", path)
	return path
}
