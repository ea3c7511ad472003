package persona

import (
	"context"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/subgroup"
)

func TestFirstName(t *testing.T) {
	a := FirstName("pl", "female", "per-1 age >= 60", nil)
	if a != FirstName("pl", "female", "per-1 age >= 60", nil) {
		t.Error("not deterministic")
	}
	if !contains(firstNames["pl"]["f"], a) {
		t.Errorf("%q is not a Polish female name", a)
	}
	if n := FirstName("vi", "male", "x", nil); !contains(firstNames["vi"]["m"], n) {
		t.Errorf("%q is not a Vietnamese male name", n)
	}
	if n := FirstName("ka", "", "x", nil); !contains(append(firstNames["ka"]["f"], firstNames["ka"]["m"]...), n) {
		t.Errorf("%q is not Georgian", n)
	}
	if n := FirstName("xx", "f", "x", nil); !contains(firstNames["en"]["f"], n) {
		t.Errorf("unknown locale: %q, want an English name", n)
	}
	taken := map[string]bool{}
	for i := range 6 {
		n := FirstName("en", "female", "same key", taken)
		if taken[n] {
			t.Fatalf("name %q given twice (round %d)", n, i)
		}
		taken[n] = true
	}
}

func TestFormatValue(t *testing.T) {
	for v, want := range map[float64]string{3400: "3400", -12: "-12", 395.84250000000003: "395.84", 0.011377: "0.0114", 2.5: "2.50"} {
		if got := FormatValue(v); got != want {
			t.Errorf("FormatValue(%v) = %q, want %q", v, got, want)
		}
	}
}

// shop makes an analysis of n contacts with a planted negative group
// (occupation student and source blog: 80 % are of the kind, 5 % elsewhere)
// and a planted buyer group (age >= 60: 70 % valuable, 20 % elsewhere).
func shop(n int) (*Analysis, []bool, []bool, []float64) {
	r := rand.New(rand.NewPCG(5, 5))
	occ := NewColumn("Occupation", "occupation", antipersona.TraitCategory, antipersona.DimensionSocioEconomic, n)
	src := NewColumn("Lead source", "lead_source", antipersona.TraitCategory, antipersona.DimensionBehavioural, n)
	age := NewColumn("Age", "age", antipersona.TraitNumber, antipersona.DimensionDemographic, n)
	gen := NewColumn("Gender", "gender", antipersona.TraitCategory, antipersona.DimensionDemographic, n)
	a := &Analysis{}
	neg, val := make([]bool, n), make([]bool, n)
	money := make([]float64, n)
	for i := range n {
		a.IDs = append(a.IDs, "c"+strconv.Itoa(i))
		occ.Str[i] = []string{"student", "employee", "retired", "manager"}[r.IntN(4)]
		src.Str[i] = []string{"blog", "ads", "referral"}[r.IntN(3)]
		age.Num[i] = float64(18 + r.IntN(60))
		if r.IntN(20) == 0 {
			age.Num[i] = math.NaN()
		}
		gen.Str[i] = []string{"female", "male"}[r.IntN(2)]
		pNeg := 0.05
		if occ.Str[i] == "student" && src.Str[i] == "blog" {
			pNeg = 0.8
		}
		neg[i] = r.Float64() < pNeg
		pVal := 0.2
		if age.Num[i] >= 60 {
			pVal = 0.7
		}
		val[i] = r.Float64() < pVal
		if val[i] {
			money[i] = 100
		}
	}
	a.Traits = []Column{occ, src, age, gen}
	return a, neg, val, money
}

func TestFindNegativesAndPositives(t *testing.T) {
	a, neg, val, money := shop(6000)
	opt := NegativeOptions{PerKind: 3, Search: subgroup.Options{Depth: 2, MinSize: 30, Quality: subgroup.Binomial, MinRate: 0.5}}
	kinds := []NegativeKind{{Name: "researcher", Label: "Researchers", Handle: HandleOrganicOnly}}
	ps, err := FindNegatives(context.Background(), a, kinds, [][]bool{neg}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) == 0 || ps[0].Name != "Researchers: occupation = student AND source = blog" && ps[0].Name != "Researchers: Occupation = student AND Lead source = blog" {
		t.Fatalf("planted negative group not first: %+v", ps)
	}
	for _, p := range ps {
		if p.TargetRate < 0.5 || p.Kind != "negative" || p.Handling != HandleOrganicOnly {
			t.Errorf("%s: rate %.2f kind %s handling %s", p.ID, p.TargetRate, p.Kind, p.Handling)
		}
		// Members are exactly the rows matching the conditions.
		n := 0
		for i := range a.IDs {
			if p.Members.Has(i) {
				n++
			}
		}
		if n != p.Size {
			t.Errorf("%s: %d members, size %d", p.ID, n, p.Size)
		}
		if f1, _, _ := F1(p.Members, neg); p.ID == ps[0].ID && f1 < 0.6 {
			t.Errorf("F1 of the planted group %.2f", f1)
		}
	}
	pos, err := FindPositives(context.Background(), a, val, val, money, money, PositiveOptions{Search: opt.Search, Locale: "pl"})
	if err != nil {
		t.Fatal(err)
	}
	if len(pos) == 0 || pos[0].Conditions[0].Attribute != "Age" || pos[0].Conditions[0].Op != ">=" {
		t.Fatalf("planted buyer group (Age >= 60) not first: %+v", pos)
	}
	c := pos[0].Card
	if c == nil || c.FirstName == "" || c.RevenueShare <= pos[0].Share || c.ConversionRate <= c.BaseConversion {
		t.Errorf("card: %+v (share %.2f)", c, pos[0].Share)
	}
	for _, tr := range c.Traits {
		if tr.Attribute == "Age" {
			t.Errorf("a condition's own attribute listed as distinguishing: %+v", tr)
		}
		if tr.ShareLow <= tr.BaseShare || tr.Lift < 1.2 {
			t.Errorf("trait not distinguishing: %+v", tr)
		}
	}
}

// TestClusterPersonas: a cluster that lead-time traits describe (here: the
// contacts of 60 and more, where valuable customers are planted) becomes a
// buyer persona; a cluster of random rows does not.
func TestClusterPersonas(t *testing.T) {
	a, _, val, money := shop(6000)
	labels := make([]int, len(a.IDs))
	r := rand.New(rand.NewPCG(9, 9))
	for i := range labels {
		switch {
		case a.Traits[2].Num[i] >= 60:
			labels[i] = 1
		case r.IntN(2) == 0:
			labels[i] = 2 // random half of the others
		}
	}
	ps, err := FindClusterPersonas(context.Background(), a, labels, 3, val, val, money, money, nil,
		PositiveOptions{Search: subgroup.Options{Depth: 2, MinSize: 30, Quality: subgroup.Binomial}, Locale: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].ID != "clu-1" || ps[0].Basis != "cluster" {
		t.Fatalf("want one persona for cluster 1, got %+v", ps)
	}
	p := ps[0]
	if p.Conditions[0].Attribute != "Age" || p.Conditions[0].Op != ">=" || p.TargetRate <= p.BaseRate || p.PAdjusted > 0.05 {
		t.Errorf("cluster persona: %+v", p)
	}
	// Its figures are those of its conditions.
	n, k := 0, 0
	for i := range a.IDs {
		if a.Traits[2].Num[i] >= p.Conditions[0].Value.(float64) {
			n++
			if val[i] {
				k++
			}
		}
	}
	if n != p.Size || float64(k)/float64(n) != p.TargetRate {
		t.Errorf("conditions give %d rows rate %v; persona says %d, %v", n, float64(k)/float64(n), p.Size, p.TargetRate)
	}
	// An existing persona with the same members makes it a duplicate.
	dup, _ := FindClusterPersonas(context.Background(), a, labels, 3, val, val, money, money, ps,
		PositiveOptions{Search: subgroup.Options{Depth: 2, MinSize: 30, Quality: subgroup.Binomial}})
	if len(dup) != 0 {
		t.Errorf("duplicate cluster persona kept: %+v", dup)
	}
}
