package decide

import (
	"reflect"
	"testing"

	"github.com/antipersona/antipersona"
)

// TestCompare checks the migration matrix, the reinstated and newly
// excluded contacts with their reasons, and persona drift on a fixture
// counted by hand.
func TestCompare(t *testing.T) {
	snap := func(id string, a antipersona.Action, buyer bool, freq, ev float64, negs []string, kinds ...string) antipersona.ContactSnapshot {
		return antipersona.ContactSnapshot{Decision: antipersona.Decision{ContactID: id, Action: a, Buyer: buyer, ExpectedValue: ev, Probability: 0.5},
			Frequency: freq, Negatives: negs, Kinds: kinds}
	}
	a := Snapshot{
		Build: antipersona.Build{ID: 1, ConfigHash: "h"},
		Contacts: []antipersona.ContactSnapshot{
			snap("c1", antipersona.ActionExclude, false, 0, -10, []string{"n1"}),             // buys: reinstated
			snap("c2", antipersona.ActionOrganicOnly, false, 0, -5, []string{"n1"}, "mimic"), // trait changed, left n1 and the kind
			snap("c3", antipersona.ActionExclude, false, 0, -5, []string{"n2"}),              // still excluded
			snap("c4", antipersona.ActionMaintain, true, 3, 50, nil),                         // stops buying: newly excluded
			snap("c5", antipersona.ActionNurture, false, 0, 5, nil),                          // gone
		},
		Personas: []PersonaInfo{
			{ID: "n1", Name: "Webinar", Kind: "negative", NegativeKind: "mimic", Key: "k1", Size: 2, TargetRate: 0.6, Lift: 3},
			{ID: "n2", Name: "Blog", Kind: "negative", NegativeKind: "researcher", Key: "k2", Size: 1, TargetRate: 0.5, Lift: 2},
		},
	}
	c4 := snap("c4", antipersona.ActionExclude, true, 3, -2, []string{"m9"})
	c4.Probability = 0.1
	b := Snapshot{
		Build: antipersona.Build{ID: 2, ConfigHash: "h"},
		Contacts: []antipersona.ContactSnapshot{
			snap("c1", antipersona.ActionMaintain, true, 1, 80, []string{"m1"}),
			snap("c2", antipersona.ActionNurture, false, 0, 3, nil),
			snap("c3", antipersona.ActionExclude, false, 0, -6, []string{"m2"}),
			c4,
			snap("c6", antipersona.ActionActivate, false, 0, 30, nil), // new
		},
		Personas: []PersonaInfo{
			// n1 again, same conditions, new id.
			{ID: "m1", Name: "Webinar", Kind: "negative", NegativeKind: "mimic", Key: "k1", Size: 1, TargetRate: 0.7, Lift: 4},
			// n2's members (c3) with other conditions: Jaccard 1 ≥ 0.5, moved.
			{ID: "m2", Name: "Blog, young", Kind: "negative", NegativeKind: "researcher", Key: "k2b", Size: 1, TargetRate: 0.55, Lift: 2.5},
			{ID: "m9", Name: "Lapsed", Kind: "negative", NegativeKind: "fast_churner", Key: "k9", Size: 1},
		},
	}
	ch := Compare(a, b, []antipersona.TraitChange{{ContactID: "c2", Trait: "income", From: "3000", To: "9000"}})
	// Rows: actions of build 1 in order, then (new); columns: of build 2,
	// then (gone).
	wantM := Matrix{
		Rows: []string{"nurture", "maintain", "organic_only", "exclude", LabelNew},
		Cols: []string{"activate", "nurture", "maintain", "exclude", LabelGone},
		Counts: [][]int{
			{0, 0, 0, 0, 1}, // c5
			{0, 0, 0, 1, 0}, // c4
			{0, 1, 0, 0, 0}, // c2
			{0, 0, 1, 1, 0}, // c1, c3
			{1, 0, 0, 0, 0}, // c6
		},
	}
	if !reflect.DeepEqual(ch.Actions, wantM) {
		t.Errorf("actions matrix\n got %+v\nwant %+v", ch.Actions, wantM)
	}
	codes := func(cs []ContactChange) map[string][]string {
		m := map[string][]string{}
		for _, c := range cs {
			for _, r := range c.Reasons {
				m[c.ContactID] = append(m[c.ContactID], r.Code)
			}
		}
		return m
	}
	wantR := map[string][]string{
		// c1 stays in n1 (now m1): no left_negative.
		"c1": {antipersona.ReasonFirstPurchase, antipersona.ReasonValueRose},
		"c2": {antipersona.ReasonTraitChanged, antipersona.ReasonLeftNegative, antipersona.ReasonLeftNegative, antipersona.ReasonValueRose},
	}
	if got := codes(ch.Reinstated); !reflect.DeepEqual(got, wantR) {
		t.Errorf("reinstated reasons %v, want %v", got, wantR)
	}
	if r := ch.Reinstated[1].Reasons[0]; r.Trait != "income" || r.From != "3000" || r.To != "9000" {
		t.Errorf("c2 trait change %+v", r)
	}
	wantE := map[string][]string{"c4": {antipersona.ReasonStoppedBuying, antipersona.ReasonJoinedNegative, antipersona.ReasonValueFell}}
	if got := codes(ch.NewlyExcluded); !reflect.DeepEqual(got, wantE) {
		t.Errorf("newly excluded reasons %v, want %v", got, wantE)
	}
	if ch.StillExcluded != 1 || ch.ConfigChanged {
		t.Errorf("still excluded %d, config changed %v; want 1, false", ch.StillExcluded, ch.ConfigChanged)
	}
	wantCounts := []ReasonCount{{antipersona.ReasonValueRose, 2}, {antipersona.ReasonFirstPurchase, 1}, {antipersona.ReasonLeftNegative, 1}, {antipersona.ReasonTraitChanged, 1}}
	if !reflect.DeepEqual(ch.ReinstatedReasons, wantCounts) {
		t.Errorf("reason counts %v, want %v", ch.ReinstatedReasons, wantCounts)
	}
	// Drift: n1 → m1 same (members {c1, c2} → {c1}: Jaccard 1/2), n2 → m2
	// moved (Jaccard 1), m9 new.
	type dr struct {
		Name, Status, To string
		Overlap          float64
	}
	var got []dr
	for _, d := range ch.Drift {
		got = append(got, dr{d.Name, d.Status, d.ToID, d.Overlap})
	}
	want := []dr{{"Webinar", "same", "m1", 0.5}, {"Blog", "moved", "m2", 1}, {"Lapsed", "new", "m9", 0}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("drift %+v, want %+v", got, want)
	}
}
