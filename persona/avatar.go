package persona

import (
	"fmt"
	"hash/fnv"
	"html"
	"math"
	"sort"
	"strings"

	"github.com/antipersona/antipersona/subgroup"
)

// AvatarSpec is what a persona's avatar shows: drawn from the traits of its
// members, so the same persona always gets the same face.
type AvatarSpec struct {
	Key       string   // seeds the colours (the persona id)
	Title     string   // the accessible name (<title>)
	Gender    string   // female, male or other
	Age       float64  // median age of the members (NaN when unknown)
	Interests []string // the persona's distinguishing interests, strongest first
	Negative  bool     // negative personas get a crossed badge
}

var (
	skinTones  = []string{"#f5d0b5", "#e8b894", "#d39a6a", "#a86b3c", "#7a4a26", "#f0c8a0"}
	hairColors = []string{"#2b1b10", "#5a3a1e", "#8a5a2b", "#c99a4e", "#1c1c1c", "#6b2f1a"}
	backdrops  = []string{"#dbeafe", "#dcfce7", "#fef3c7", "#fce7f3", "#e0e7ff", "#ccfbf1"}
)

// Avatar draws a deterministic SVG face (120×120) for spec: skin, hair and
// background colours from the key; long or short hair from the gender;
// grey hair from 60 and up, a younger face below 30; glasses for readers and
// technology people, headphones for music and audio, a leaf for gardening
// and nature, a mat line for yoga and fitness; a crossed red badge with a
// minus sign for a negative persona (the badge carries a text label too, so
// colour is not the only signal).
func Avatar(spec AvatarSpec) string {
	h := fnv.New64a()
	h.Write([]byte(spec.Key))
	seed := h.Sum64()
	pick := func(list []string, salt uint64) string { return list[(seed/salt)%uint64(len(list))] }
	skin, hair, bg := pick(skinTones, 1), pick(hairColors, 7), pick(backdrops, 49)
	if !math.IsNaN(spec.Age) && spec.Age >= 60 {
		hair = "#b8b8b8"
	}
	has := func(words ...string) bool {
		for _, in := range spec.Interests {
			l := strings.ToLower(in)
			for _, w := range words {
				if strings.Contains(l, w) {
					return true
				}
			}
		}
		return false
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120" width="120" height="120" role="img" aria-label="%s">`, html.EscapeString(spec.Title))
	fmt.Fprintf(&b, `<title>%s</title>`, html.EscapeString(spec.Title))
	fmt.Fprintf(&b, `<circle cx="60" cy="60" r="58" fill="%s"/>`, bg)
	// Shoulders.
	fmt.Fprintf(&b, `<path d="M22 118 C26 90 44 82 60 82 C76 82 94 90 98 118 Z" fill="%s"/>`, pick(backdrops, 343))
	fmt.Fprintf(&b, `<path d="M22 118 C26 90 44 82 60 82 C76 82 94 90 98 118" fill="none" stroke="#334155" stroke-width="2"/>`)
	long := spec.Gender == "female"
	if long { // hair behind the face
		fmt.Fprintf(&b, `<path d="M30 56 C30 26 90 26 90 56 L92 92 L28 92 Z" fill="%s"/>`, hair)
	}
	fmt.Fprintf(&b, `<ellipse cx="60" cy="56" rx="24" ry="28" fill="%s"/>`, skin)
	// Hair on top.
	if spec.Gender == "male" {
		fmt.Fprintf(&b, `<path d="M35 50 C35 26 85 26 85 50 C78 40 66 36 60 38 C52 36 42 40 35 50 Z" fill="%s"/>`, hair)
	} else {
		fmt.Fprintf(&b, `<path d="M34 54 C32 24 88 24 86 54 C80 38 64 34 52 40 C46 43 40 48 34 54 Z" fill="%s"/>`, hair)
	}
	// Eyes and mouth; a wider smile below 30.
	b.WriteString(`<circle cx="51" cy="57" r="2.6" fill="#1f2937"/><circle cx="69" cy="57" r="2.6" fill="#1f2937"/>`)
	if !math.IsNaN(spec.Age) && spec.Age < 30 {
		b.WriteString(`<path d="M50 69 Q60 78 70 69" fill="none" stroke="#7f1d1d" stroke-width="2.4" stroke-linecap="round"/>`)
	} else {
		b.WriteString(`<path d="M52 70 Q60 75 68 70" fill="none" stroke="#7f1d1d" stroke-width="2.2" stroke-linecap="round"/>`)
	}
	if !math.IsNaN(spec.Age) && spec.Age >= 60 {
		b.WriteString(`<path d="M45 48 Q51 46 56 48 M64 48 Q69 46 75 48" fill="none" stroke="#9ca3af" stroke-width="1.5"/>`)
	}
	if has("read", "book", "tech", "program", "science", "study", "research") {
		b.WriteString(`<g fill="none" stroke="#111827" stroke-width="2"><circle cx="51" cy="57" r="7"/><circle cx="69" cy="57" r="7"/><path d="M58 57 H62"/></g>`)
	}
	if has("music", "audio", "headphone", "podcast") {
		b.WriteString(`<path d="M34 58 C34 30 86 30 86 58" fill="none" stroke="#111827" stroke-width="4"/><rect x="29" y="54" width="9" height="14" rx="3" fill="#111827"/><rect x="82" y="54" width="9" height="14" rx="3" fill="#111827"/>`)
	}
	if has("garden", "nature", "plant", "hiking") {
		b.WriteString(`<path d="M88 96 C100 84 110 90 104 102 C98 110 88 106 88 96 Z" fill="#16a34a"/><path d="M88 104 L102 92" stroke="#14532d" stroke-width="1.5"/>`)
	}
	if has("yoga", "fitness", "sport", "running") {
		b.WriteString(`<rect x="14" y="100" width="30" height="6" rx="3" fill="#7c3aed"/>`)
	}
	if spec.Negative {
		b.WriteString(`<g><circle cx="96" cy="24" r="14" fill="#dc2626" stroke="#fff" stroke-width="2"/><path d="M89 24 H103" stroke="#fff" stroke-width="3" stroke-linecap="round"/><text x="96" y="48" font-size="9" text-anchor="middle" fill="#7f1d1d" font-family="sans-serif">negative</text></g>`)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// avatarSpec derives a persona's avatar from its members.
func avatarSpec(a *Analysis, p *Persona, gender string) AvatarSpec {
	spec := AvatarSpec{Key: p.ID + "|" + p.Name, Title: p.Name, Negative: p.Kind == "negative", Age: math.NaN()}
	spec.Gender = genderOf(gender)
	spec.Age = medianOf(a, p.Members, "age", "wiek", "tuoi", "tuổi", "ages")
	spec.Interests = topValues(a, p.Members, 3)
	return spec
}

// medianOf returns the median, over rows, of the first numeric trait whose
// identifier is one of idents (NaN when none).
func medianOf(a *Analysis, rows subgroup.Bitset, idents ...string) float64 {
	for _, c := range a.Traits {
		if !contains(idents, c.Ident) || c.Num == nil {
			continue
		}
		var xs []float64
		for i, v := range c.Num {
			if !math.IsNaN(v) && rows.Has(i) {
				xs = append(xs, v)
			}
		}
		if len(xs) == 0 {
			return math.NaN()
		}
		sort.Float64s(xs)
		return xs[len(xs)/2]
	}
	return math.NaN()
}

// topValues returns the k values of multi-valued traits (interests,
// hobbies) most over-represented among rows relative to all contacts.
func topValues(a *Analysis, rows subgroup.Bitset, k int) []string {
	type cand struct {
		v    string
		lift float64
	}
	var cs []cand
	for _, c := range a.Traits {
		if c.List == nil {
			continue
		}
		in, all := map[string]int{}, map[string]int{}
		nIn := 0
		for i, l := range c.List {
			member := rows.Has(i)
			if member {
				nIn++
			}
			for _, v := range l {
				all[v]++
				if member {
					in[v]++
				}
			}
		}
		for v, n := range in {
			if n < 5 || nIn == 0 {
				continue
			}
			cs = append(cs, cand{v, (float64(n) / float64(nIn)) / (float64(all[v]) / float64(len(c.List)))})
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].lift != cs[j].lift {
			return cs[i].lift > cs[j].lift
		}
		return cs[i].v < cs[j].v
	})
	var out []string
	for _, c := range cs {
		if len(out) == k || c.lift < 1.1 {
			break
		}
		out = append(out, c.v)
	}
	return out
}
