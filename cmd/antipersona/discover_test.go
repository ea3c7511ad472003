package main

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// condJSON is a condition as discover and personas print it.
type condJSON struct {
	Attribute string `json:"attribute"`
	Op        string `json:"op"`
	Value     any    `json:"value"`
}

// discoverJSON is the part of discover --json the tests read.
type discoverJSON struct {
	Rows      int      `json:"rows"`
	BaseRate  *float64 `json:"base_rate"`
	Subgroups []struct {
		Description string     `json:"description"`
		Conditions  []condJSON `json:"conditions"`
		Size        int        `json:"size"`
		Positives   int        `json:"positives"`
		TargetRate  float64    `json:"target_rate"`
		BaseRate    float64    `json:"base_rate"`
		PAdjusted   float64    `json:"p_value_adjusted"`
	} `json:"subgroups"`
}

// rawTable reads a delimited file as strings by column name.
func rawTable(t *testing.T, path string, delim rune) ([]string, [][]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = delim
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs[0], recs[1:]
}

// reapply evaluates discover's conditions on one raw row, independently of
// the product's code: the missing placeholders of the default config, numbers
// by strconv, yes/no booleans as true/false.
func reapply(t *testing.T, head []string, rec []string, conds []condJSON) bool {
	missing := func(v string) bool {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "", "na", "n/a", "null", "none", "nan", "select", "-":
			return true
		}
		return false
	}
	for _, c := range conds {
		j := slices.Index(head, c.Attribute)
		if j < 0 {
			t.Fatalf("condition on unknown column %q", c.Attribute)
		}
		v := strings.TrimSpace(rec[j])
		switch c.Op {
		case "is_missing":
			if !missing(v) {
				return false
			}
			continue
		}
		if missing(v) {
			return false
		}
		switch c.Op {
		case "=":
			want := c.Value.(string)
			if want == "true" || want == "false" {
				switch strings.ToLower(v) {
				case "yes", "1", "true":
					v = "true"
				case "no", "0", "false":
					v = "false"
				}
			}
			if v != want {
				return false
			}
		case "<", ">=":
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("column %q value %q is not a number", c.Attribute, v)
			}
			e := c.Value.(float64)
			if c.Op == "<" && !(x < e) || c.Op == ">=" && !(x >= e) {
				return false
			}
		default:
			t.Fatalf("unexpected op %q", c.Op)
		}
	}
	return true
}

// checkDiscover runs discover on a dataset and re-applies every group's
// conditions to the raw file: size and positives must match exactly, and
// each low-converting group must be significant.
func checkDiscover(t *testing.T, path string, delim rune, target string, args ...string) {
	out := mustRun(t, append([]string{"discover", path, "--target", target, "--json", "--direction", "below"}, args...)...)
	var d discoverJSON
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Subgroups) == 0 {
		t.Fatal("no low-converting group found")
	}
	head, recs := rawTable(t, path, delim)
	ti := slices.Index(head, target)
	for _, g := range d.Subgroups {
		n, k := 0, 0
		for _, rec := range recs {
			if strings.TrimSpace(rec[ti]) == "" {
				continue
			}
			if reapply(t, head, rec, g.Conditions) {
				n++
				if strings.TrimSpace(rec[ti]) == "1" {
					k++
				}
			}
		}
		if n != g.Size || k != g.Positives || math.Abs(float64(k)/float64(n)-g.TargetRate) > 1e-15 {
			t.Errorf("%s: conditions on the file give %d rows, %d positives; reported %d, %d", g.Description, n, k, g.Size, g.Positives)
		}
		if g.PAdjusted >= 0.001 || g.TargetRate >= g.BaseRate {
			t.Errorf("%s: rate %.3f vs base %.3f, adjusted p %g", g.Description, g.TargetRate, g.BaseRate, g.PAdjusted)
		}
		t.Logf("%-90s n=%5d rate=%.3f base=%.3f p_adj=%.2g", g.Description, g.Size, g.TargetRate, g.BaseRate, g.PAdjusted)
	}
}

// TestDiscoverLeads: X Education leads with the columns that leak the
// outcome (filled in by the sales team after contact) excluded.
func TestDiscoverLeads(t *testing.T) {
	data := needDataset(t, "leads/Leads.csv")
	checkDiscover(t, data, ',', "Converted", "--exclude-columns",
		"Prospect ID,Lead Number,Tags,Lead Quality,Lead Profile,Last Activity,Last Notable Activity,"+
			"Asymmetrique Activity Index,Asymmetrique Profile Index,Asymmetrique Activity Score,Asymmetrique Profile Score")
}

// TestDiscoverCustomerPersonality: the marketing campaign file (tab
// separated) with Response as the target; the other campaign responses are
// excluded as they are not known at lead time.
func TestDiscoverCustomerPersonality(t *testing.T) {
	data := needDataset(t, "customer_personality/marketing_campaign.csv")
	checkDiscover(t, data, '\t', "Response", "--exclude-columns",
		"AcceptedCmp1,AcceptedCmp2,AcceptedCmp3,AcceptedCmp4,AcceptedCmp5,Z_CostContact,Z_Revenue")
}

// TestDiscoverNumeric: a numeric target (wine spending); each group's mean,
// recomputed from the raw file under its conditions, is the reported one.
func TestDiscoverNumeric(t *testing.T) {
	path := needDataset(t, "customer_personality/marketing_campaign.csv")
	out := mustRun(t, "discover", path, "--target", "MntWines", "--json", "--depth", "2", "--results", "5")
	var d struct {
		TargetKind string   `json:"target_kind"`
		BaseMean   *float64 `json:"base_mean"`
		Subgroups  []struct {
			Description string     `json:"description"`
			Conditions  []condJSON `json:"conditions"`
			Size        int        `json:"size"`
			Mean        float64    `json:"mean"`
			PAdjusted   float64    `json:"p_value_adjusted"`
		} `json:"subgroups"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if d.TargetKind != "numeric" || d.BaseMean == nil || len(d.Subgroups) == 0 {
		t.Fatalf("numeric discovery: %s", out)
	}
	head, recs := rawTable(t, path, '\t')
	ti := slices.Index(head, "MntWines")
	for _, g := range d.Subgroups {
		n, sum := 0, 0.0
		for _, rec := range recs {
			if reapply(t, head, rec, g.Conditions) {
				v, err := strconv.ParseFloat(rec[ti], 64)
				if err != nil {
					t.Fatal(err)
				}
				n++
				sum += v
			}
		}
		if n != g.Size || math.Abs(sum/float64(n)-g.Mean) > 1e-9*math.Abs(g.Mean) {
			t.Errorf("%s: file gives %d rows, mean %v; reported %d, %v", g.Description, n, sum/float64(n), g.Size, g.Mean)
		}
		if g.Mean <= *d.BaseMean || g.PAdjusted >= 0.001 {
			t.Errorf("%s: mean %v vs base %v, p_adj %g", g.Description, g.Mean, *d.BaseMean, g.PAdjusted)
		}
	}
}
