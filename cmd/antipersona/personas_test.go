package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/antipersona/antipersona/audit"
	"github.com/antipersona/antipersona/cluster"
	"github.com/antipersona/antipersona/duckdb"
	"github.com/antipersona/antipersona/subgroup"
)

// personasJSON is the part of personas --json the tests read.
type personasJSON struct {
	Personas []struct {
		ID           string     `json:"id"`
		Name         string     `json:"name"`
		Kind         string     `json:"kind"`
		NegativeKind string     `json:"negative_kind"`
		Conditions   []condJSON `json:"conditions"`
		Size         int        `json:"size"`
		Share        float64    `json:"share"`
		Target       string     `json:"target"`
		TargetRate   float64    `json:"target_rate"`
		BaseRate     float64    `json:"base_rate"`
		Lift         float64    `json:"lift"`
		PAdjusted    float64    `json:"p_value_adjusted"`
	} `json:"personas"`
}

// checkCRMPersonas ingests a CRM export with its outcome column, builds, and
// re-applies every negative persona's conditions to the raw file: size and
// rate of non-converted contacts must match exactly, and each persona must
// be a real low-converting group (adjusted p < 0.001).
func checkCRMPersonas(t *testing.T, path string, delim rune, idCol, outcome, exclude string) {
	ws := t.TempDir()
	mustRun(t, "init", ws)
	mustRun(t, "-w", ws, "ingest", "contacts", path, "--id-col", idCol, "--outcome-col", outcome, "--exclude-columns", exclude)
	mustRun(t, "-w", ws, "build")
	var out personasJSON
	if err := json.Unmarshal([]byte(mustRun(t, "-w", ws, "personas", "--negative", "--json")), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Personas) == 0 {
		t.Fatal("no negative persona")
	}
	head, recs := rawTable(t, path, delim)
	oi := slices.Index(head, outcome)
	for _, p := range out.Personas {
		if p.Kind != "negative" || p.NegativeKind != "low_converter" || p.ID == "" || p.Name == "" {
			t.Errorf("persona %+v: want a named negative low_converter", p)
		}
		n, neg := 0, 0
		for _, rec := range recs {
			if reapply(t, head, rec, p.Conditions) {
				n++
				if strings.TrimSpace(rec[oi]) != "1" {
					neg++
				}
			}
		}
		if n != p.Size || math.Abs(float64(neg)/float64(n)-p.TargetRate) > 1e-12 {
			t.Errorf("%s: conditions on the file give %d contacts, rate %.6f; reported %d, %.6f", p.ID, n, float64(neg)/float64(n), p.Size, p.TargetRate)
		}
		if p.PAdjusted >= 0.001 || p.TargetRate <= p.BaseRate || p.Lift <= 1 {
			t.Errorf("%s: rate %.3f vs base %.3f (lift %.2f), adjusted p %g", p.ID, p.TargetRate, p.BaseRate, p.Lift, p.PAdjusted)
		}
		t.Logf("%s n=%d non-converted %.3f vs %.3f p_adj=%.2g: %s", p.ID, p.Size, p.TargetRate, p.BaseRate, p.PAdjusted, p.Name)
	}
	// The kinds: low converters are the contacts not converted.
	var kinds struct {
		Kinds []struct {
			Kind     string `json:"kind"`
			Contacts int    `json:"contacts"`
			Personas int    `json:"personas"`
		} `json:"negative_kinds"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, "-w", ws, "personas", "--json")), &kinds); err != nil {
		t.Fatal(err)
	}
	notConverted := 0
	for _, rec := range recs {
		if strings.TrimSpace(rec[oi]) == "0" {
			notConverted++
		}
	}
	if len(kinds.Kinds) != 1 || kinds.Kinds[0].Kind != "low_converter" || kinds.Kinds[0].Contacts != notConverted || kinds.Kinds[0].Personas != len(out.Personas) {
		t.Errorf("negative_kinds %+v, want low_converter with %d contacts and %d personas", kinds.Kinds, notConverted, len(out.Personas))
	}
	// One persona by id, as JSON and as a card; an unknown id is not found.
	first := out.Personas[0]
	var one struct {
		ID   string `json:"id"`
		Size int    `json:"size"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, "-w", ws, "personas", first.ID, "--json")), &one); err != nil || one.ID != first.ID || one.Size != first.Size {
		t.Errorf("personas %s --json: %+v, %v", first.ID, one, err)
	}
	if card := mustRun(t, "-w", ws, "personas", first.ID); !strings.Contains(card, "p-value") || !strings.Contains(card, first.ID) {
		t.Errorf("card of %s:\n%s", first.ID, card)
	}
	if _, _, code := run(t, "-w", ws, "personas", "no-such-persona"); code != 3 {
		t.Errorf("unknown persona: exit %d, want 3", code)
	}
}

func TestPersonasLeads(t *testing.T) {
	data := needDataset(t, "leads/Leads.csv")
	checkCRMPersonas(t, data, ',', "Prospect ID", "Converted",
		"Lead Number,Tags,Lead Quality,Lead Profile,Last Activity,Last Notable Activity,"+
			"Asymmetrique Activity Index,Asymmetrique Profile Index,Asymmetrique Activity Score,Asymmetrique Profile Score")
}

func TestPersonasCustomerPersonality(t *testing.T) {
	data := needDataset(t, "customer_personality/marketing_campaign.csv")
	checkCRMPersonas(t, data, '\t', "ID", "Response",
		"AcceptedCmp1,AcceptedCmp2,AcceptedCmp3,AcceptedCmp4,AcceptedCmp5,Z_CostContact,Z_Revenue")
}

// TestNegativePersonasShop measures, on a generated shop, how well the
// negative personas match the planted negative archetypes of truth.csv:
// for each archetype, the best F1 of a persona's members against the
// archetype's contacts. The issue asks for F1 >= 0.8 for every archetype;
// this is not reached yet (the figures are logged): the test guards the
// level reached so far (six of the eight archetypes at F1 >= 0.35) so that
// it cannot silently drop, and asserts the other criterion in full:
// no negative persona is mostly made of positive archetypes.
func TestNegativePersonasShop(t *testing.T) {
	embeddedOnly(t, "checks persona members with queries on the store file")
	if testing.Short() {
		t.Skip("generates and builds a shop")
	}
	dir := t.TempDir()
	mustRun(t, "generate", "--contacts", "6000", "--seed", "2", "--out", dir)
	ws := t.TempDir()
	mustRun(t, "init", ws)
	cfgPath := filepath.Join(ws, "antipersona.yaml")
	cfg, _ := os.ReadFile(cfgPath)
	os.WriteFile(cfgPath, []byte(strings.Replace(string(cfg), "include_behaviour: false", "include_behaviour: true", 1)), 0o644)
	for _, kf := range [][2]string{{"contacts", "contacts.csv"}, {"orders", "orders.csv"}, {"events", "events.jsonl"},
		{"costs", "costs.csv"}, {"touches", "touches.csv"}} {
		mustRun(t, "-w", ws, "ingest", kf[0], filepath.Join(dir, kf[1]))
	}
	mustRun(t, "-w", ws, "build", "--as-of", "2025-06-30")
	assign := filepath.Join(dir, "assign.csv")
	mustRun(t, "-w", ws, "assignments", "--out", assign)
	members := map[string]map[string]bool{}
	for id, row := range readCSVByID(t, assign) {
		for _, p := range strings.Split(row["negative_persona_ids"], "|") {
			if p == "" {
				continue
			}
			if members[p] == nil {
				members[p] = map[string]bool{}
			}
			members[p][id] = true
		}
	}
	truth := readCSVByID(t, filepath.Join(dir, "truth.csv"))
	arch := map[string]map[string]bool{}
	negative := map[string]bool{}
	for id, r := range truth {
		a := r["archetype"]
		if arch[a] == nil {
			arch[a] = map[string]bool{}
		}
		arch[a][id] = true
		negative[a] = r["is_negative"] == "true"
	}
	// The criterion: every planted negative archetype is matched by
	// a negative persona with F1 >= 0.8, both among all the personas and
	// among those described by lead-time traits only (ids without "-b");
	// no negative persona is mostly positive archetypes (checked below).
	for a, ids := range arch {
		if !negative[a] {
			continue
		}
		best, bestP, bestLead, bestLeadP := 0.0, "", 0.0, ""
		for p, m := range members {
			tp := 0
			for id := range m {
				if ids[id] {
					tp++
				}
			}
			if tp == 0 {
				continue
			}
			pr, rc := float64(tp)/float64(len(m)), float64(tp)/float64(len(ids))
			f := 2 * pr * rc / (pr + rc)
			if f > best {
				best, bestP = f, p
			}
			if !strings.HasPrefix(p[strings.LastIndex(p, "-")+1:], "b") && f > bestLead {
				bestLead, bestLeadP = f, p
			}
		}
		t.Logf("%-20s %5d contacts: best F1 %.2f (%s), lead-time traits only %.2f (%s)", a, len(ids), best, bestP, bestLead, bestLeadP)
		if best < 0.8 || bestLead < 0.8 {
			t.Errorf("%s: best F1 %.2f, with lead-time traits %.2f, want >= 0.8", a, best, bestLead)
		}
	}
	// Clusters: reproducible (a second build gives the same labels) and
	// related to the archetypes (adjusted Rand index against truth.csv).
	assign2 := filepath.Join(dir, "assign2.csv")
	mustRun(t, "-w", ws, "build", "--as-of", "2025-06-30")
	mustRun(t, "-w", ws, "assignments", "--out", assign2)
	first, second := readCSVByID(t, assign), readCSVByID(t, assign2)
	var got, want []int
	codes := map[string]int{}
	for id, row := range first {
		if row["cluster"] != second[id]["cluster"] {
			t.Fatalf("contact %s: cluster %s, then %s after the same build", id, row["cluster"], second[id]["cluster"])
		}
		c, err := strconv.Atoi(row["cluster"])
		if err != nil {
			t.Fatalf("contact %s: cluster %q", id, row["cluster"])
		}
		a := truth[id]["archetype"]
		if _, ok := codes[a]; !ok {
			codes[a] = len(codes)
		}
		got, want = append(got, c), append(want, codes[a])
	}
	ari := cluster.AdjustedRandIndex(got, want)
	t.Logf("clusters against the %d archetypes: adjusted Rand index %.3f", len(codes), ari)
	if ari < 0.05 {
		t.Errorf("clusters unrelated to the archetypes: ARI %.3f", ari)
	}
	for p, m := range members {
		pos := 0
		for id := range m {
			if truth[id]["is_negative"] != "true" {
				pos++
			}
		}
		if share := float64(pos) / float64(len(m)); share > 0.5 {
			t.Errorf("negative persona %s is %.0f%% positive archetypes", p, 100*share)
		}
	}

	// The audit of the shop's own persona ("young urban trend-setters",
	// declared_personas.yaml of the generator): big_city, pseudo-profiling
	// by construction, is flagged; the biggest buyer group it misses is
	// the planted hidden_retirees: they are the most common archetype in
	// it, and it holds at least 80 % of them.
	var rep audit.Report
	js := mustRun(t, "-w", ws, "audit", "--file", filepath.Join(dir, "declared_personas.yaml"), "Young urban trend-setters", "--json")
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Conditions {
		t.Logf("audit: %-9s pseudo %-5v lift %.2f p_adj %.2g", c.Name, c.Pseudo, c.Lift, c.PAdjusted)
		if c.Name == "big_city" && !c.Pseudo {
			t.Errorf("big_city (drawn whatever the archetype) not flagged: %+v", c)
		}
	}
	if len(rep.MissedGroups) == 0 {
		t.Fatal("no missed buyer group")
	}
	g := rep.MissedGroups[0]
	feats := filepath.Join(dir, "features.csv")
	mustRun(t, "-w", ws, "features", "--format", "csv", "--out", feats)
	byArch, retirees, inGroup := map[string]int{}, 0, 0
	for id, row := range readCSVByID(t, feats) {
		a := truth[id]["archetype"]
		if a == "hidden_retirees" {
			retirees++
		}
		if matchConditions(t, row, g.Conditions) {
			byArch[a]++
			if a == "hidden_retirees" {
				inGroup++
			}
		}
	}
	top := ""
	for a, k := range byArch {
		if top == "" || k > byArch[top] {
			top = a
		}
	}
	checkWorksheet(t, ws, dir, truth)
	t.Logf("biggest missed group %q: %v", g.Description, byArch)
	if top != "hidden_retirees" || float64(inGroup) < 0.8*float64(retirees) {
		t.Errorf("biggest missed group %q: most common archetype %s, %d of %d hidden_retirees", g.Description, top, inGroup, retirees)
	}
}

// checkWorksheet answers the worksheet of a built shop and compares each
// answer with direct queries on the generated truth: the archetypes of the
// contacts each question is about (target) are counted, and the top
// group's target members must be mostly (more than half) of archetypes
// that are at least twice as common among the target as among all
// contacts. The team's answers are stored and shown.
func checkWorksheet(t *testing.T, ws, dir string, truth map[string]map[string]string) {
	var out struct {
		Questions []struct {
			ID       string `json:"id"`
			Target   string `json:"target_sql"`
			Contacts int    `json:"contacts"`
			Team     string `json:"team_answer"`
			Preceded []struct {
				Name string  `json:"name"`
				S    float64 `json:"share"`
				L    float64 `json:"lift"`
			} `json:"preceded_departure"`
			Groups []struct {
				Description string   `json:"description"`
				Size        int      `json:"size"`
				Examples    []string `json:"example_contacts"`
				Conditions  []subgroup.Condition
			} `json:"groups"`
		} `json:"questions"`
	}
	answers := filepath.Join(dir, "team.yaml")
	os.WriteFile(answers, []byte("effort: the people who return half of what they order\n"), 0o644)
	if err := json.Unmarshal([]byte(mustRun(t, "-w", ws, "worksheet", "--answers", answers, "--json")), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Questions) != 6 {
		t.Fatalf("%d questions", len(out.Questions))
	}
	feats := filepath.Join(dir, "features-ws.csv")
	mustRun(t, "-w", ws, "features", "--format", "csv", "--out", feats)
	rows := readCSVByID(t, feats)
	all := map[string]int{}
	for id := range rows {
		all[truth[id]["archetype"]]++
	}
	for _, q := range out.Questions {
		if q.ID == "effort" && q.Team != "the people who return half of what they order" {
			t.Errorf("team answer %q", q.Team)
		}
		if q.ID == "left" {
			if len(q.Preceded) == 0 {
				t.Error("left: nothing preceded the departures")
			}
			for _, p := range q.Preceded {
				if p.S < 0.1 || p.L < 1.2 {
					t.Errorf("left: preceded by %+v, below the thresholds", p)
				}
			}
			t.Logf("left: preceded by %+v", q.Preceded)
		}
		if len(q.Groups) == 0 {
			t.Errorf("%s: no group", q.ID)
			continue
		}
		// The target, by a direct query on the store.
		inTarget := map[string]bool{}
		s, err := duckdb.Open(context.Background(), filepath.Join(ws, StoreFile), duckdb.Options{})
		if err != nil {
			t.Fatal(err)
		}
		err = s.Scan(context.Background(), "SELECT contact_id, COALESCE(("+q.Target+"), false) FROM features", func(v []any) error {
			if v[1] == true {
				inTarget[v[0].(string)] = true
			}
			return nil
		})
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(inTarget) != q.Contacts {
			t.Errorf("%s: %d contacts, the direct query %d", q.ID, q.Contacts, len(inTarget))
		}
		target := map[string]int{}
		for id := range inTarget {
			target[truth[id]["archetype"]]++
		}
		over := map[string]bool{}
		for a, k := range target {
			if float64(k)/float64(len(inTarget)) >= 2*float64(all[a])/float64(len(rows)) {
				over[a] = true
			}
		}
		g := q.Groups[0]
		n, good := 0, 0
		for id, row := range rows {
			if inTarget[id] && matchConditions(t, row, g.Conditions) {
				n++
				if over[truth[id]["archetype"]] {
					good++
				}
			}
		}
		t.Logf("worksheet %-13s %5d contacts; top group %q: %d of its %d such contacts are of the over-represented archetypes %v", q.ID, q.Contacts, g.Description, good, n, keys(over))
		if 2*good <= n {
			t.Errorf("%s: top group %q disagrees with the truth", q.ID, g.Description)
		}
	}
	if _, stderr, code := run(t, "-w", ws, "worksheet", "--answers", writeFile(t, dir, "bad.yaml", "nope: x\n")); code != 2 || !strings.Contains(stderr, "nope") {
		t.Errorf("unknown question: exit %d, %q", code, stderr)
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// matchConditions applies persona conditions (=, <, >=, in) to a row of
// the features export, as a user would.
func matchConditions(t *testing.T, row map[string]string, conds []subgroup.Condition) bool {
	t.Helper()
	for _, c := range conds {
		v := row[c.Attribute]
		switch c.Op {
		case "=":
			if v != fmt.Sprint(c.Value) {
				return false
			}
		case "in":
			if !slices.Contains(strings.Split(v, "|"), fmt.Sprint(c.Value)) {
				return false
			}
		case "<", ">=":
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return false
			}
			lim := c.Value.(float64)
			if c.Op == "<" && !(x < lim) || c.Op == ">=" && !(x >= lim) {
				return false
			}
		default:
			t.Fatalf("condition %+v: operator not handled by the test", c)
		}
	}
	return true
}

// TestNoEventsNoMimics: without events nobody has engagement, so nobody is
// an engaged non-buyer (the top quarter of zeros is not engagement).
func TestNoEventsNoMimics(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "generate", "--contacts", "2000", "--seed", "4", "--out", dir)
	ws := t.TempDir()
	mustRun(t, "init", ws)
	mustRun(t, "-w", ws, "ingest", "contacts", filepath.Join(dir, "contacts.csv"))
	mustRun(t, "-w", ws, "ingest", "orders", filepath.Join(dir, "orders.csv"))
	mustRun(t, "-w", ws, "build", "--as-of", "2025-12-31")
	var out struct {
		Personas []struct {
			ID           string `json:"id"`
			NegativeKind string `json:"negative_kind"`
		} `json:"personas"`
		Kinds []struct {
			Kind     string `json:"kind"`
			Contacts int    `json:"contacts"`
		} `json:"negative_kinds"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, "-w", ws, "personas", "--json")), &out); err != nil {
		t.Fatal(err)
	}
	for _, p := range out.Personas {
		if p.NegativeKind == "mimic" {
			t.Errorf("mimic persona %s without any event", p.ID)
		}
	}
	for _, k := range out.Kinds {
		if k.Kind == "mimic" && k.Contacts != 0 {
			t.Errorf("%d engaged non-buyers without any event", k.Contacts)
		}
	}
}
