package decide

import (
	"cmp"
	"slices"
	"time"

	"github.com/antipersona/antipersona"
)

// PersonaInfo is what Compare needs of a persona of one build.
type PersonaInfo struct {
	ID, Name, Kind, NegativeKind string
	// Key identifies the same persona in another build: its kind and its
	// conditions.
	Key        string
	Size       int
	TargetRate float64
	Lift       float64
}

// Snapshot is one build: its contacts (any order) and its personas.
type Snapshot struct {
	Build    antipersona.Build
	Contacts []antipersona.ContactSnapshot
	Personas []PersonaInfo
}

// Matrix counts contacts by their row label in one build and their column
// label in the other. Counts[i][j] is Rows[i] → Cols[j].
type Matrix struct {
	Rows   []string `json:"rows"`
	Cols   []string `json:"cols"`
	Counts [][]int  `json:"counts"`
}

// ContactChange is a contact whose decision moved between the builds.
type ContactChange struct {
	ContactID     string               `json:"contact_id"`
	From          antipersona.Action   `json:"from"`
	To            antipersona.Action   `json:"to"`
	FromEV        float64              `json:"from_expected_value"`
	ToEV          float64              `json:"to_expected_value"`
	ExcludedSince string               `json:"excluded_since,omitempty"` // YYYY-MM-DD
	Reasons       []antipersona.Reason `json:"reasons"`
}

// ReasonCount is how many contacts a reason code applies to.
type ReasonCount struct {
	Code     string `json:"code"`
	Contacts int    `json:"contacts"`
}

// PersonaDrift follows one persona from a build to the next. Status is
// same (same conditions), moved (matched by its members), new or gone.
type PersonaDrift struct {
	Name         string  `json:"name"`
	Kind         string  `json:"kind"`
	NegativeKind string  `json:"negative_kind,omitempty"`
	Status       string  `json:"status"`
	FromID       string  `json:"from_id,omitempty"`
	ToID         string  `json:"to_id,omitempty"`
	ToName       string  `json:"to_name,omitempty"`
	SizeFrom     int     `json:"size_from"`
	SizeTo       int     `json:"size_to"`
	RateFrom     float64 `json:"target_rate_from"`
	RateTo       float64 `json:"target_rate_to"`
	LiftFrom     float64 `json:"lift_from"`
	LiftTo       float64 `json:"lift_to"`
	// Overlap is the Jaccard index of the members in the two builds.
	Overlap float64 `json:"overlap"`
}

// Changes is what moved between two builds.
type Changes struct {
	From          antipersona.Build `json:"from"`
	To            antipersona.Build `json:"to"`
	ConfigChanged bool              `json:"config_changed"`
	Actions       Matrix            `json:"actions"`
	Segments      Matrix            `json:"rfm_segments"`
	Personas      Matrix            `json:"personas"`
	Negatives     Matrix            `json:"negative_personas"`
	// Reinstated were kept out of paid budget (exclude or organic_only)
	// and are not any more; NewlyExcluded the reverse.
	Reinstated        []ContactChange `json:"reinstated"`
	NewlyExcluded     []ContactChange `json:"newly_excluded"`
	ReinstatedReasons []ReasonCount   `json:"reinstated_reasons"`
	ExcludedReasons   []ReasonCount   `json:"newly_excluded_reasons"`
	StillExcluded     int             `json:"still_excluded"`
	Drift             []PersonaDrift  `json:"persona_drift"`
}

// Labels of contacts present in one build only.
const (
	LabelNew  = "(new)"
	LabelGone = "(gone)"
	LabelNone = "(none)"
)

// driftOverlap is the least Jaccard index of members that makes a persona
// of the later build the same persona as one of the earlier build when
// their conditions differ.
const driftOverlap = 0.5

// Compare returns what changed from build a to build b. traits are the
// trait changes between their as-of dates.
func Compare(a, b Snapshot, traits []antipersona.TraitChange) *Changes {
	ch := &Changes{From: a.Build, To: b.Build, ConfigChanged: a.Build.ConfigHash != b.Build.ConfigHash}
	ra := make(map[string]*antipersona.ContactSnapshot, len(a.Contacts))
	for i := range a.Contacts {
		ra[a.Contacts[i].ContactID] = &a.Contacts[i]
	}
	rb := make(map[string]*antipersona.ContactSnapshot, len(b.Contacts))
	for i := range b.Contacts {
		rb[b.Contacts[i].ContactID] = &b.Contacts[i]
	}
	byTrait := map[string][]antipersona.TraitChange{}
	for _, t := range traits {
		byTrait[t.ContactID] = append(byTrait[t.ContactID], t)
	}
	pa, pb := personaIndex(a.Personas), personaIndex(b.Personas)
	match := matchPersonas(a, b)

	actionLabel := func(r *antipersona.ContactSnapshot) string { return string(r.Action) }
	segLabel := func(r *antipersona.ContactSnapshot) string { return orNone(r.Segment) }
	first := func(idx map[string]PersonaInfo) func(ids []string) string {
		return func(ids []string) string {
			if len(ids) == 0 {
				return LabelNone
			}
			return idx[ids[0]].Name
		}
	}
	posLabel := func(idx map[string]PersonaInfo) func(r *antipersona.ContactSnapshot) string {
		f := first(idx)
		return func(r *antipersona.ContactSnapshot) string { return f(r.Personas) }
	}
	negLabel := func(idx map[string]PersonaInfo) func(r *antipersona.ContactSnapshot) string {
		f := first(idx)
		return func(r *antipersona.ContactSnapshot) string { return f(r.Negatives) }
	}
	actionOrder := make([]string, 0, len(antipersona.Actions)+1)
	for _, x := range antipersona.Actions {
		actionOrder = append(actionOrder, string(x))
	}
	ch.Actions = matrix(ra, rb, actionLabel, actionLabel, actionOrder)
	ch.Segments = matrix(ra, rb, segLabel, segLabel, nil)
	ch.Personas = matrix(ra, rb, posLabel(pa), posLabel(pb), nil)
	ch.Negatives = matrix(ra, rb, negLabel(pa), negLabel(pb), nil)

	reinstated, excluded := map[string]int{}, map[string]int{}
	for _, y := range b.Contacts {
		x, ok := ra[y.ContactID]
		if !ok {
			continue
		}
		switch {
		case x.Action.Excluded() && !y.Action.Excluded():
			c := contactChange(x, &y)
			c.ExcludedSince = dateOf(x.ExcludedSince)
			c.Reasons = reinstateReasons(x, &y, byTrait[y.ContactID], pa, match, ch.ConfigChanged)
			ch.Reinstated = append(ch.Reinstated, c)
			countCodes(reinstated, c.Reasons)
		case !x.Action.Excluded() && y.Action.Excluded():
			c := contactChange(x, &y)
			c.ExcludedSince = dateOf(y.ExcludedSince)
			c.Reasons = excludeReasons(x, &y, byTrait[y.ContactID], pa, pb, match, ch.ConfigChanged)
			ch.NewlyExcluded = append(ch.NewlyExcluded, c)
			countCodes(excluded, c.Reasons)
		case x.Action.Excluded() && y.Action.Excluded():
			ch.StillExcluded++
		}
	}
	ch.ReinstatedReasons, ch.ExcludedReasons = reasonCounts(reinstated), reasonCounts(excluded)
	ch.Drift = drift(a, b, match)
	return ch
}

func orNone(s string) string {
	if s == "" {
		return LabelNone
	}
	return s
}

func dateOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func contactChange(x, y *antipersona.ContactSnapshot) ContactChange {
	return ContactChange{ContactID: y.ContactID, From: x.Action, To: y.Action, FromEV: x.ExpectedValue, ToEV: y.ExpectedValue}
}

func personaIndex(ps []PersonaInfo) map[string]PersonaInfo {
	m := make(map[string]PersonaInfo, len(ps))
	for _, p := range ps {
		m[p.ID] = p
	}
	return m
}

// reinstateReasons says why a contact left the exclusions, in this
// order: a first purchase (or another order), the traits that changed,
// the negative personas it left, then the rise of its expected value.
func reinstateReasons(x, y *antipersona.ContactSnapshot, traits []antipersona.TraitChange, pa map[string]PersonaInfo, match map[string]string, cfg bool) []antipersona.Reason {
	var rs []antipersona.Reason
	switch {
	case !x.Buyer && y.Buyer:
		rs = append(rs, antipersona.Reason{Code: antipersona.ReasonFirstPurchase, Value: y.Frequency})
	case y.Frequency > x.Frequency:
		rs = append(rs, antipersona.Reason{Code: antipersona.ReasonBoughtAgain, Value: y.Frequency - x.Frequency})
	}
	for _, t := range traits {
		rs = append(rs, antipersona.Reason{Code: antipersona.ReasonTraitChanged, Trait: t.Trait, From: t.From, To: t.To})
	}
	for _, id := range x.Negatives {
		if to, ok := match[id]; ok && slices.Contains(y.Negatives, to) {
			continue
		}
		p := pa[id]
		rs = append(rs, antipersona.Reason{Code: antipersona.ReasonLeftNegative, Persona: id, Name: p.Name, Kind: p.NegativeKind})
	}
	for _, k := range x.Kinds {
		if !slices.Contains(y.Kinds, k) {
			rs = append(rs, antipersona.Reason{Code: antipersona.ReasonLeftNegative, Kind: k, Name: k})
		}
	}
	if y.ExpectedValue > x.ExpectedValue {
		rs = append(rs, antipersona.Reason{Code: antipersona.ReasonValueRose, Value: y.ExpectedValue - x.ExpectedValue})
	}
	if cfg {
		rs = append(rs, antipersona.Reason{Code: antipersona.ReasonPolicyChanged})
	}
	return rs
}

// excludeReasons says why a contact joined the exclusions: it stopped
// buying (p_alive fell), joined a negative persona, a trait changed, its
// expected value fell.
func excludeReasons(x, y *antipersona.ContactSnapshot, traits []antipersona.TraitChange, pa, pb map[string]PersonaInfo, match map[string]string, cfg bool) []antipersona.Reason {
	var rs []antipersona.Reason
	if x.Buyer && y.Buyer && y.Probability < x.Probability {
		rs = append(rs, antipersona.Reason{Code: antipersona.ReasonStoppedBuying, Value: y.Probability})
	}
	was := map[string]bool{}
	for _, id := range x.Negatives {
		if to, ok := match[id]; ok {
			was[to] = true
		}
	}
	for _, id := range y.Negatives {
		if !was[id] {
			p := pb[id]
			rs = append(rs, antipersona.Reason{Code: antipersona.ReasonJoinedNegative, Persona: id, Name: p.Name, Kind: p.NegativeKind})
		}
	}
	for _, k := range y.Kinds {
		if !slices.Contains(x.Kinds, k) {
			rs = append(rs, antipersona.Reason{Code: antipersona.ReasonJoinedNegative, Kind: k, Name: k})
		}
	}
	for _, t := range traits {
		rs = append(rs, antipersona.Reason{Code: antipersona.ReasonTraitChanged, Trait: t.Trait, From: t.From, To: t.To})
	}
	if y.ExpectedValue < x.ExpectedValue {
		rs = append(rs, antipersona.Reason{Code: antipersona.ReasonValueFell, Value: y.ExpectedValue - x.ExpectedValue})
	}
	if cfg {
		rs = append(rs, antipersona.Reason{Code: antipersona.ReasonPolicyChanged})
	}
	return rs
}

func countCodes(m map[string]int, rs []antipersona.Reason) {
	seen := map[string]bool{}
	for _, r := range rs {
		if !seen[r.Code] {
			seen[r.Code] = true
			m[r.Code]++
		}
	}
}

func reasonCounts(m map[string]int) []ReasonCount {
	out := make([]ReasonCount, 0, len(m))
	for c, n := range m {
		out = append(out, ReasonCount{c, n})
	}
	slices.SortFunc(out, func(a, b ReasonCount) int {
		return cmp.Or(cmp.Compare(b.Contacts, a.Contacts), cmp.Compare(a.Code, b.Code))
	})
	return out
}

// matrix counts contacts by their label in a (LabelNew when absent) and in
// b (LabelGone when absent). Labels come in order first (those that
// occur), then the others sorted.
func matrix(ra, rb map[string]*antipersona.ContactSnapshot, la, lb func(*antipersona.ContactSnapshot) string, order []string) Matrix {
	count := map[[2]string]int{}
	rows, cols := map[string]bool{}, map[string]bool{}
	for id, x := range ra {
		r, c := la(x), LabelGone
		if y, ok := rb[id]; ok {
			c = lb(y)
		}
		count[[2]string{r, c}]++
		rows[r], cols[c] = true, true
	}
	for id, y := range rb {
		if _, ok := ra[id]; !ok {
			r, c := LabelNew, lb(y)
			count[[2]string{r, c}]++
			rows[r], cols[c] = true, true
		}
	}
	m := Matrix{Rows: ordered(rows, order), Cols: ordered(cols, order)}
	m.Counts = make([][]int, len(m.Rows))
	for i, r := range m.Rows {
		m.Counts[i] = make([]int, len(m.Cols))
		for j, c := range m.Cols {
			m.Counts[i][j] = count[[2]string{r, c}]
		}
	}
	return m
}

func ordered(set map[string]bool, order []string) []string {
	var out []string
	for _, o := range order {
		if set[o] {
			out = append(out, o)
		}
	}
	var rest []string
	for s := range set {
		if !slices.Contains(order, s) && s != LabelNew && s != LabelGone && s != LabelNone {
			rest = append(rest, s)
		}
	}
	slices.Sort(rest)
	out = append(out, rest...)
	for _, s := range []string{LabelNone, LabelNew, LabelGone} {
		if set[s] {
			out = append(out, s)
		}
	}
	return out
}

// members returns each persona's members in a snapshot.
func members(s Snapshot) map[string]map[string]bool {
	m := map[string]map[string]bool{}
	add := func(p, c string) {
		if m[p] == nil {
			m[p] = map[string]bool{}
		}
		m[p][c] = true
	}
	for _, r := range s.Contacts {
		for _, p := range r.Personas {
			add(p, r.ContactID)
		}
		for _, p := range r.Negatives {
			add(p, r.ContactID)
		}
	}
	return m
}

func jaccard(a, b map[string]bool) float64 {
	if len(a)+len(b) == 0 {
		return 0
	}
	in := 0
	for c := range a {
		if b[c] {
			in++
		}
	}
	return float64(in) / float64(len(a)+len(b)-in)
}

// matchPersonas maps the persona ids of a to those of b: the same key
// (kind and conditions) first, then, among the same kind, the largest
// overlap of members if it is at least driftOverlap.
func matchPersonas(a, b Snapshot) map[string]string {
	out := map[string]string{}
	used := map[string]bool{}
	byKey := map[string]string{}
	for _, p := range b.Personas {
		byKey[p.Key] = p.ID
	}
	for _, p := range a.Personas {
		if id, ok := byKey[p.Key]; ok && !used[id] {
			out[p.ID], used[id] = id, true
		}
	}
	ma, mb := members(a), members(b)
	type cand struct {
		from, to string
		j        float64
	}
	var cs []cand
	for _, p := range a.Personas {
		if _, ok := out[p.ID]; ok {
			continue
		}
		for _, q := range b.Personas {
			if used[q.ID] || q.Kind != p.Kind || q.NegativeKind != p.NegativeKind {
				continue
			}
			if j := jaccard(ma[p.ID], mb[q.ID]); j >= driftOverlap {
				cs = append(cs, cand{p.ID, q.ID, j})
			}
		}
	}
	slices.SortFunc(cs, func(x, y cand) int {
		return cmp.Or(cmp.Compare(y.j, x.j), cmp.Compare(x.from, y.from), cmp.Compare(x.to, y.to))
	})
	for _, c := range cs {
		if _, ok := out[c.from]; ok || used[c.to] {
			continue
		}
		out[c.from], used[c.to] = c.to, true
	}
	return out
}

func drift(a, b Snapshot, match map[string]string) []PersonaDrift {
	ma, mb := members(a), members(b)
	pb := personaIndex(b.Personas)
	matched := map[string]bool{}
	var out []PersonaDrift
	for _, p := range a.Personas {
		d := PersonaDrift{Name: p.Name, Kind: p.Kind, NegativeKind: p.NegativeKind, FromID: p.ID, SizeFrom: p.Size, RateFrom: p.TargetRate, LiftFrom: p.Lift, Status: "gone"}
		if to, ok := match[p.ID]; ok {
			q := pb[to]
			matched[to] = true
			d.Status = "moved"
			if q.Key == p.Key {
				d.Status = "same"
			}
			d.ToID, d.ToName, d.SizeTo, d.RateTo, d.LiftTo = q.ID, q.Name, q.Size, q.TargetRate, q.Lift
			d.Overlap = jaccard(ma[p.ID], mb[q.ID])
		}
		out = append(out, d)
	}
	for _, q := range b.Personas {
		if !matched[q.ID] {
			out = append(out, PersonaDrift{Name: q.Name, Kind: q.Kind, NegativeKind: q.NegativeKind, Status: "new", ToID: q.ID, ToName: q.Name, SizeTo: q.Size, RateTo: q.TargetRate, LiftTo: q.Lift})
		}
	}
	return out
}
