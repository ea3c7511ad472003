package persona

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"sort"
	"strings"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/subgroup"
)

// Trait is one distinguishing trait or behaviour of a persona: a condition
// with its share inside the persona (with a 95 % Wilson interval) and among
// all contacts, and the lift (inside / overall).
type Trait struct {
	Dimension string  `json:"dimension"`
	Attribute string  `json:"attribute"`
	Condition string  `json:"condition"`
	Share     float64 `json:"share"`
	ShareLow  float64 `json:"share_low"`
	ShareHigh float64 `json:"share_high"`
	BaseShare float64 `json:"base_share"`
	Lift      float64 `json:"lift"`
}

// Card is what a buyer persona's card shows besides the search figures.
type Card struct {
	FirstName      string  `json:"first_name"`
	Headline       string  `json:"headline"`
	RevenueShare   float64 `json:"revenue_share"`
	ProfitShare    float64 `json:"profit_share"`
	ConversionRate float64 `json:"conversion_rate"`
	BaseConversion float64 `json:"base_conversion_rate"`
	// CLV is the mean predicted customer lifetime value of the members (the
	// feature predicted_clv: the CLV models' value where they apply, else
	// the historic value) with its 95 % confidence interval, and BaseCLV the
	// mean over all contacts; absent when the build has no such feature.
	CLV     *subgroup.MeanCI `json:"clv,omitempty"`
	BaseCLV *float64         `json:"base_clv,omitempty"`
	// Traits are the most distinguishing traits and behaviours, at most
	// three per dimension, strongest first.
	Traits []Trait `json:"traits"`
	// Gender is the most frequent value of a gender-like trait, if any (it
	// picks the first name).
	Gender string `json:"gender,omitempty"`
}

// PositiveOptions tune FindPositives.
type PositiveOptions struct {
	Search subgroup.Options
	Max    int    // most personas; default 6
	Locale string // en, pl, vi, ka: the first names
}

// FindPositives searches the groups, described by lead-time traits, in
// which valuable customers (target) are over-represented, and makes a card
// for each. value and profit are per-contact net revenue and profit (NaN
// for none); converted says who bought.
func FindPositives(ctx context.Context, a *Analysis, target, converted []bool, value, profit []float64, opt PositiveOptions) ([]Persona, error) {
	if opt.Max <= 0 {
		opt.Max = 6
	}
	pos := 0
	for _, t := range target {
		if t {
			pos++
		}
	}
	if pos == 0 || pos == len(target) {
		return nil, nil
	}
	idx, _, err := a.Index()
	if err != nil {
		return nil, err
	}
	attrs := a.attrs(false, nil)
	if len(attrs) == 0 {
		return nil, nil
	}
	so := opt.Search
	so.Direction = subgroup.Above
	so.Results = opt.Max
	so.Attrs = attrs
	// Buyer personas are meant to be told apart: at most half of two
	// personas' contacts together may be shared.
	so.MaxOverlap = min(positiveOverlap, so.MaxOverlap)
	if so.MaxOverlap <= 0 {
		so.MaxOverlap = positiveOverlap
	}
	res, _, err := subgroup.DiscoverIndex(ctx, idx, subgroup.Target{Binary: target}, so)
	if err != nil {
		return nil, fmt.Errorf("personas: %w", err)
	}
	cb := newCardBuilder(a, converted, value, profit, opt.Locale)
	var out []Persona
	for i, r := range res {
		out = append(out, cb.persona(fmt.Sprintf("per-%d", i+1), "lead_time", r))
	}
	return out, nil
}

// cardBuilder makes buyer personas with their cards.
type cardBuilder struct {
	a                       *Analysis
	converted               []bool
	value, profit           []float64
	totalValue, totalProfit float64
	baseConversion          float64
	locale                  string
	usedNames               map[string]bool
	clv                     []float64 // predicted_clv per contact (NaN for none), or nil
	baseCLV                 float64
}

func newCardBuilder(a *Analysis, converted []bool, value, profit []float64, locale string) *cardBuilder {
	conv := 0
	for _, c := range converted {
		if c {
			conv++
		}
	}
	cb := &cardBuilder{a: a, converted: converted, value: value, profit: profit,
		totalValue: sumPositive(value, nil), totalProfit: sumPositive(profit, nil),
		baseConversion: float64(conv) / float64(max(1, len(converted))), locale: locale, usedNames: map[string]bool{}}
	for _, c := range a.Behaviour {
		if c.Ident == "predicted_clv" && c.Num != nil {
			if m, ok := subgroup.Mean(c.Num, nil); ok {
				cb.clv, cb.baseCLV = c.Num, m.Mean
			}
		}
	}
	return cb
}

// persona makes the buyer persona of result r (whose target is the
// valuable customer).
func (cb *cardBuilder) persona(id, basis string, r subgroup.Result) Persona {
	p := Persona{
		ID: id, Kind: "positive", Label: "Valuable customers", Basis: basis,
		Conditions: r.Conditions, Size: r.Size, Share: r.Share, Target: "valuable_customer",
		TargetRate: r.TargetRate, TargetLow: r.RateLow, TargetHigh: r.RateHigh, BaseRate: r.BaseRate,
		Lift: r.Lift, Coverage: r.Coverage, PValue: r.PValue, PAdjusted: r.PAdjusted, Members: r.Rows,
	}
	card := Card{BaseConversion: cb.baseConversion}
	if cb.totalValue != 0 {
		card.RevenueShare = sumPositive(cb.value, r.Rows) / cb.totalValue
	}
	if cb.totalProfit != 0 {
		card.ProfitShare = sumPositive(cb.profit, r.Rows) / cb.totalProfit
	}
	in := 0
	for j, c := range cb.converted {
		if c && r.Rows.Has(j) {
			in++
		}
	}
	card.ConversionRate = float64(in) / float64(r.Size)
	if cb.clv != nil {
		if m, ok := subgroup.Mean(cb.clv, r.Rows); ok {
			card.CLV, card.BaseCLV = &m, &cb.baseCLV
		}
	}
	card.Traits = distinguishing(cb.a, r, r.Size)
	card.Gender = mostFrequent(cb.a, r.Rows, genderIdents...)
	card.FirstName = FirstName(cb.locale, card.Gender, p.ID+r.Description, cb.usedNames)
	cb.usedNames[card.FirstName] = true
	card.Headline = headline(r)
	p.Name = card.FirstName + ": " + card.Headline
	p.Description = fmt.Sprintf("%s: %d contacts (%.1f%%), %.0f%% of net revenue and %.0f%% of profit; %.1f%% of them are valuable customers against %.1f%% overall (%.1f×).",
		r.Description, r.Size, 100*r.Share, 100*card.RevenueShare, 100*card.ProfitShare, 100*r.TargetRate, 100*r.BaseRate, r.Lift)
	p.Card = &card
	p.Avatar = Avatar(avatarSpec(cb.a, &p, card.Gender))
	return p
}

// FindClusterPersonas turns clusters into buyer personas: for each cluster
// (labels[i] is row i's cluster) the best description of its members by
// lead-time traits, or when these describe less than half of the cluster by
// traits and behaviour other than orders (a subgroup search with cluster
// membership as the target, at least half of the described contacts in the
// cluster); the
// description becomes a buyer persona when valuable customers are
// over-represented in it (one-sided exact binomial test, Holm-adjusted over
// the clusters tried, below the search's alpha). Its conditions, re-applied,
// give its size and rate exactly, like every persona; the card says which
// cluster it describes and how well.
//
// A cluster is skipped when no description holds half of its contacts (it
// does not describe the cluster), or when the description
// overlaps one of the existing personas by more than half (Jaccard index):
// the persona is already there.
func FindClusterPersonas(ctx context.Context, a *Analysis, labels []int, k int, target, converted []bool, value, profit []float64, existing []Persona, opt PositiveOptions) ([]Persona, error) {
	idx, _, err := a.Index()
	if err != nil {
		return nil, err
	}
	leadAttrs, allAttrs := a.attrs(false, nil), a.attrs(true, orderFeatures)
	n := len(target)
	if len(allAttrs) == 0 || n == 0 || len(labels) != n {
		return nil, nil
	}
	pos := 0
	for _, t := range target {
		if t {
			pos++
		}
	}
	p0 := float64(pos) / float64(n)
	type cand struct {
		c int
		r subgroup.Result // the description, with its figures for the valuable target
		p float64
	}
	var cands []cand
	targetRows := subgroup.BitsetOf(target)
	for c := range k {
		member := make([]bool, n)
		inCluster := 0
		for i, l := range labels {
			if l == c {
				member[i] = true
				inCluster++
			}
		}
		// Lead-time traits first; when they describe less than half of the
		// cluster, traits and behaviour.
		var r subgroup.Result
		found := false
		for _, attrs := range [][]int{leadAttrs, allAttrs} {
			so := opt.Search
			so.Direction, so.Results, so.Attrs, so.MinRate = subgroup.Above, 1, attrs, 0.5
			res, _, err := subgroup.DiscoverIndex(ctx, idx, subgroup.Target{Binary: member}, so)
			if err != nil {
				return nil, fmt.Errorf("cluster personas: %w", err)
			}
			if len(res) == 0 {
				continue
			}
			d := res[0]
			kIn := subgroup.Intersect(d.Rows, targetRows)
			r = subgroup.Result{Selectors: d.Selectors, Description: d.Description, Conditions: d.Conditions, Size: d.Size,
				Share: d.Share, Positives: kIn, TargetRate: float64(kIn) / float64(d.Size), BaseRate: p0, Rows: d.Rows,
				PValue: subgroup.BinomialUpper(kIn, d.Size, p0)}
			r.RateLow, r.RateHigh = subgroup.Wilson(kIn, d.Size, 1.959963984540054)
			if p0 > 0 {
				r.Lift = r.TargetRate / p0
			}
			if pos > 0 {
				r.Coverage = float64(kIn) / float64(pos)
			}
			// How well the description fits the cluster (its members are
			// the search's positives), kept in the quality.
			r.Quality = float64(d.Positives) / float64(max(1, inCluster))
			if r.Quality >= 0.5 {
				found = true
				break
			}
		}
		if !found || overlapsAny(r.Rows, r.Size, existing) {
			continue
		}
		cands = append(cands, cand{c, r, r.PValue})
	}
	// Holm over the clusters tried.
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].p < cands[j].p })
	alpha := opt.Search.Alpha
	if alpha <= 0 {
		alpha = 0.05
	}
	cb := newCardBuilder(a, converted, value, profit, opt.Locale)
	for _, p := range existing {
		if p.Card != nil {
			cb.usedNames[p.Card.FirstName] = true
		}
	}
	var out []Persona
	run := 0.0
	for i, c := range cands {
		run = math.Max(run, math.Min(1, float64(len(cands)-i)*c.p))
		c.r.PAdjusted = run
		if run > alpha || c.r.TargetRate <= p0 {
			continue
		}
		p := cb.persona(fmt.Sprintf("clu-%d", c.c), "cluster", c.r)
		p.Label = fmt.Sprintf("Valuable customers (cluster %d)", c.c)
		p.Description = fmt.Sprintf("Cluster %d, described by %s (%.0f%% of the cluster's contacts): %s", c.c, c.r.Description, 100*c.r.Quality, p.Description)
		out = append(out, p)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// sumPositive sums the non-NaN values of xs over the rows of b (all rows
// when b is nil).
func sumPositive(xs []float64, b subgroup.Bitset) float64 {
	s := 0.0
	for i, x := range xs {
		if !math.IsNaN(x) && (b == nil || b.Has(i)) {
			s += x
		}
	}
	return s
}

// headline renders a persona's conditions in words.
func headline(r subgroup.Result) string {
	var parts []string
	for _, c := range r.Conditions {
		switch v := c.Value.(type) {
		case nil:
			parts = append(parts, "no "+c.Attribute)
		case float64:
			parts = append(parts, fmt.Sprintf("%s %s %s", c.Attribute, c.Op, FormatValue(v)))
		default:
			if c.Op == "in" {
				parts = append(parts, fmt.Sprintf("%s: %v", c.Attribute, v))
			} else {
				parts = append(parts, fmt.Sprintf("%s %v", c.Attribute, v))
			}
		}
	}
	return strings.Join(parts, ", ")
}

// FormatValue prints a number for people: integers as such, others with
// two decimals (or three significant digits below 1).
func FormatValue(v float64) string {
	switch {
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) < 1:
		return fmt.Sprintf("%.3g", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

// distinguishing returns, per dimension, the three trait values (category
// equality, or a quantile bin of a number) whose share inside rows most
// exceeds their share among all contacts, keeping only those whose Wilson
// interval lies above the overall share.
func distinguishing(a *Analysis, r subgroup.Result, size int) []Trait {
	idx, used, err := a.Index()
	if err != nil {
		return nil
	}
	tab := idx.Table()
	n := tab.Rows()
	inConds := map[string]bool{}
	for _, c := range r.Conditions {
		inConds[c.Attribute] = true
	}
	var cands []Trait
	for j, sel := range idx.Selectors() {
		col := used[sel.Attr]
		if sel.Op == subgroup.IsMissing || inConds[col.Name] {
			continue
		}
		rows := idx.Rows(j)
		all, in := rows.Count(), subgroup.Intersect(rows, r.Rows)
		if all == 0 || in == 0 {
			continue
		}
		share, base := float64(in)/float64(size), float64(all)/float64(n)
		lo, hi := subgroup.Wilson(in, size, 1.959963984540054)
		if lo <= base || share/base < 1.2 {
			continue
		}
		dim := string(col.Dimension)
		if dim == "" {
			dim = string(antipersona.DimensionOther)
		}
		cands = append(cands, Trait{Dimension: dim, Attribute: col.Name, Condition: selText(tab, sel),
			Share: share, ShareLow: lo, ShareHigh: hi, BaseShare: base, Lift: share / base})
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].Lift > cands[j].Lift })
	perDim := map[string]int{}
	perAttr := map[string]bool{}
	var out []Trait
	for _, c := range cands {
		if perDim[c.Dimension] >= 3 || perAttr[c.Attribute] {
			continue
		}
		perDim[c.Dimension]++
		perAttr[c.Attribute] = true
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Dimension < out[j].Dimension })
	return out
}

// selText renders a selector with people-friendly numbers.
func selText(t *subgroup.Table, s subgroup.Selector) string {
	name := t.Attrs[s.Attr].Name
	switch s.Op {
	case subgroup.Lt:
		return name + " < " + FormatValue(s.Hi)
	case subgroup.Ge:
		return name + " >= " + FormatValue(s.Lo)
	case subgroup.Between:
		return FormatValue(s.Lo) + " <= " + name + " < " + FormatValue(s.Hi)
	}
	return s.Text(t)
}

// mostFrequent returns the most frequent value, among rows, of the first
// trait whose identifier is one of idents.
func mostFrequent(a *Analysis, rows subgroup.Bitset, idents ...string) string {
	for _, c := range a.Traits {
		if !contains(idents, c.Ident) || c.Str == nil {
			continue
		}
		count := map[string]int{}
		for i, v := range c.Str {
			if v != "" && rows.Has(i) {
				count[v]++
			}
		}
		best, bn := "", 0
		for v, k := range count {
			if k > bn || k == bn && v < best {
				best, bn = v, k
			}
		}
		return best
	}
	return ""
}

// firstNames are common first names per locale and gender.
var firstNames = map[string]map[string][]string{
	"en": {"f": {"Emma", "Olivia", "Grace", "Sophie", "Hannah", "Alice", "Charlotte", "Amelia", "Lucy", "Chloe", "Isla", "Ruby"},
		"m": {"James", "Oliver", "Thomas", "Daniel", "Henry", "Jack", "William", "George", "Samuel", "Harry", "Leo", "Arthur"}},
	"pl": {"f": {"Anna", "Natalia", "Katarzyna", "Magdalena", "Zofia", "Agnieszka", "Małgorzata", "Joanna", "Ewa", "Julia", "Maja", "Aleksandra"},
		"m": {"Jan", "Piotr", "Tomasz", "Krzysztof", "Michał", "Paweł", "Andrzej", "Marcin", "Jakub", "Adam", "Łukasz", "Marek"}},
	"vi": {"f": {"Lan", "Hoa", "Mai", "Linh", "Thảo", "Hương", "Trang", "Ngọc", "Phương", "Hằng", "Yến", "Nhung"},
		"m": {"Minh", "Dũng", "Hùng", "Tuấn", "Nam", "Quang", "Huy", "Long", "Khánh", "Đức", "Phúc", "Bảo"}},
	"ka": {"f": {"ნინო", "მარიამ", "თამარ", "ანა", "ეკა", "სალომე", "ნათია", "ქეთევან", "მაია", "ლიკა", "თეონა", "ხატია"},
		"m": {"გიორგი", "დავით", "ლევან", "ნიკა", "ირაკლი", "ლუკა", "ზურაბ", "ალექსანდრე", "ბექა", "თორნიკე", "ვახტანგ", "შოთა"}},
}

// FirstName picks a first name for a persona, deterministically from key,
// in the locale's language and matching a gender value ("female", "male",
// "kobieta", "nữ"...; anything else picks from both lists), skipping names
// already taken by other personas while the pool lasts.
func FirstName(locale, gender, key string, taken map[string]bool) string {
	names, ok := firstNames[locale]
	if !ok {
		names = firstNames["en"]
	}
	var pool []string
	switch genderOf(gender) {
	case "female":
		pool = names["f"]
	case "male":
		pool = names["m"]
	default:
		pool = append(append([]string{}, names["f"]...), names["m"]...)
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	start := int(h.Sum32() % uint32(len(pool)))
	for i := range pool {
		if name := pool[(start+i)%len(pool)]; !taken[name] {
			return name
		}
	}
	return pool[start]
}

// genderIdents are identifiers of gender traits in en, pl, vi.
var genderIdents = []string{"gender", "sex", "plec", "płeć", "gioi_tinh", "giới_tính"}

// genderOf reads a gender value ("female", "kobieta", "nữ", "m"...) as
// female, male or other.
func genderOf(v string) string {
	switch strings.ToLower(v) {
	case "female", "f", "woman", "k", "kobieta", "nữ", "nu", "ქალი":
		return "female"
	case "male", "m", "man", "mężczyzna", "nam", "კაცი":
		return "male"
	}
	return "other"
}

// positiveOverlap is the largest Jaccard index between two buyer personas.
const positiveOverlap = 0.5

// overlapsAny reports whether rows (size n) share more than half of their
// union with the members of one of ps.
func overlapsAny(rows subgroup.Bitset, n int, ps []Persona) bool {
	for _, p := range ps {
		both := subgroup.Intersect(rows, p.Members)
		if union := n + p.Size - both; union > 0 && float64(both)/float64(union) > positiveOverlap {
			return true
		}
	}
	return false
}
