package main

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
)

// personasJSON is the part of personas --json the tests read.
type personasJSON struct {
	Personas []struct {
		ID           string `json:"id"`
		Name         string `json:"name"`
		Kind         string `json:"kind"`
		NegativeKind string `json:"negative_kind"`
		Conditions   []struct {
			Attribute string `json:"attribute"`
			Op        string `json:"op"`
			Value     any    `json:"value"`
		} `json:"conditions"`
		Size       int     `json:"size"`
		Share      float64 `json:"share"`
		Target     string  `json:"target"`
		TargetRate float64 `json:"target_rate"`
		BaseRate   float64 `json:"base_rate"`
		Lift       float64 `json:"lift"`
		PAdjusted  float64 `json:"p_value_adjusted"`
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
