// Package subgroup finds descriptions of groups in which a target is
// unusual: conjunctions of simple conditions such as
// "occupation = student AND source = blog" under which few contacts buy, or
// under which profit is high. It is the search behind antipersona's buyer
// personas and negative personas, and it works on any table of plain
// slices.
//
// The method is subgroup discovery (Klösgen 1996; Wrobel 1997; Atzmueller
// 2015): attributes become selectors (a category equals a value; a number
// falls below, above or between quantile edges; a value is missing), the
// search enumerates conjunctions of selectors on different attributes by
// beam search or by exhaustive depth-first search with optimistic-estimate
// pruning, and each candidate is scored by a quality function (weighted
// relative accuracy, a binomial or chi-square statistic, or the impact on a
// numeric mean). Every evaluated candidate is a test: p-values are adjusted
// over all of them (Holm by default, or Benjamini-Hochberg). Refinements that
// do not beat every generalisation, and results that overlap an already
// chosen better one by more than a set Jaccard index, are dropped.
//
// Rows are evaluated as bitsets, 64 rows per machine word, so a refinement
// costs one pass of AND and population count over N/64 words.
package subgroup

import (
	"fmt"
	"math"
	"sort"
	"strconv"
)

// Kind is the kind of an attribute.
type Kind int

const (
	// Nominal attributes have unordered values (categories, booleans).
	Nominal Kind = iota
	// Numeric attributes are numbers, split at quantile edges.
	Numeric
	// Multi attributes hold a set of categories per row ("yoga|music").
	Multi
)

// Attribute is one column of a Table.
type Attribute struct {
	Name string
	Kind Kind
	// Labels are the distinct values of a Nominal or Multi attribute.
	Labels []string
	// Codes are, per row, the index into Labels of a Nominal row's value,
	// or -1 when the value is missing.
	Codes []int32
	// Sets are, per row, the indexes into Labels of a Multi row's values;
	// an empty set is missing.
	Sets [][]int32
	// Values are a Numeric attribute's values, NaN when missing.
	Values []float64
}

// Len returns the number of rows of a.
func (a *Attribute) Len() int {
	switch a.Kind {
	case Numeric:
		return len(a.Values)
	case Multi:
		return len(a.Sets)
	default:
		return len(a.Codes)
	}
}

// NewNominal returns a nominal attribute; the empty string is missing.
// Labels are sorted.
func NewNominal(name string, values []string) Attribute {
	a := Attribute{Name: name, Kind: Nominal, Codes: make([]int32, len(values))}
	idx := labelIndex(values, nil)
	a.Labels = idx.labels
	for i, v := range values {
		a.Codes[i] = idx.code(v)
	}
	return a
}

// NewMulti returns a multi-valued attribute; an empty set is missing.
func NewMulti(name string, values [][]string) Attribute {
	a := Attribute{Name: name, Kind: Multi, Sets: make([][]int32, len(values))}
	idx := labelIndex(nil, values)
	a.Labels = idx.labels
	for i, vs := range values {
		for _, v := range vs {
			if c := idx.code(v); c >= 0 {
				a.Sets[i] = append(a.Sets[i], c)
			}
		}
	}
	return a
}

// NewNumeric returns a numeric attribute; NaN is missing.
func NewNumeric(name string, values []float64) Attribute {
	return Attribute{Name: name, Kind: Numeric, Values: values}
}

type labels struct {
	labels []string
	codes  map[string]int32
}

func (l labels) code(v string) int32 {
	if v == "" {
		return -1
	}
	return l.codes[v]
}

func labelIndex(values []string, sets [][]string) labels {
	seen := map[string]bool{}
	var ls []string
	add := func(v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			ls = append(ls, v)
		}
	}
	for _, v := range values {
		add(v)
	}
	for _, vs := range sets {
		for _, v := range vs {
			add(v)
		}
	}
	sort.Strings(ls)
	codes := make(map[string]int32, len(ls))
	for i, v := range ls {
		codes[v] = int32(i)
	}
	return labels{ls, codes}
}

// Table is a set of attributes over the same rows.
type Table struct {
	Attrs []Attribute
	n     int
}

// NewTable checks that the attributes have the same length.
func NewTable(attrs ...Attribute) (*Table, error) {
	t := &Table{Attrs: attrs}
	for i := range attrs {
		n := attrs[i].Len()
		if i == 0 {
			t.n = n
		} else if n != t.n {
			return nil, fmt.Errorf("subgroup: attribute %q has %d rows, %q has %d", attrs[i].Name, n, attrs[0].Name, t.n)
		}
	}
	return t, nil
}

// Rows returns the number of rows.
func (t *Table) Rows() int { return t.n }

// Op is the operator of a condition.
type Op string

// Operators. Between means Lo <= x < Hi; it is reported as two conditions.
const (
	Eq        Op = "="
	Lt        Op = "<"
	Ge        Op = ">="
	Between   Op = "between"
	In        Op = "in" // a Multi attribute's set holds Value
	IsMissing Op = "is_missing"
)

// Selector is one condition on one attribute.
type Selector struct {
	Attr   int     // index into Table.Attrs
	Op     Op      //
	Value  string  // Eq, In
	Lo, Hi float64 // Ge: Lo; Lt: Hi; Between: both
}

// formatNum writes a number for descriptions, with six significant
// digits (3400, 395.843, 0.0113774); conditions keep the exact value.
func formatNum(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }

// Text describes s with the attribute names of t, e.g. "age >= 60",
// "30 <= age < 45", "city is_missing".
func (s Selector) Text(t *Table) string {
	name := t.Attrs[s.Attr].Name
	switch s.Op {
	case Eq:
		return name + " = " + s.Value
	case In:
		return name + " in " + s.Value
	case Lt:
		return name + " < " + formatNum(s.Hi)
	case Ge:
		return name + " >= " + formatNum(s.Lo)
	case Between:
		return formatNum(s.Lo) + " <= " + name + " < " + formatNum(s.Hi)
	case IsMissing:
		return name + " is_missing"
	}
	return name + " ?"
}

// Condition is a selector as reported to users: the attribute's name, an
// operator among =, <, >=, in, is_missing, and a value (a string for
// categories, a number for numbers, nil for is_missing).
type Condition struct {
	Attribute string `json:"attribute"`
	Op        string `json:"op"`
	Value     any    `json:"value"`
}

// Conditions returns s as conditions (Between gives two).
func (s Selector) Conditions(t *Table) []Condition {
	name := t.Attrs[s.Attr].Name
	switch s.Op {
	case Eq, In:
		return []Condition{{name, string(s.Op), s.Value}}
	case Lt:
		return []Condition{{name, "<", s.Hi}}
	case Ge:
		return []Condition{{name, ">=", s.Lo}}
	case Between:
		return []Condition{{name, ">=", s.Lo}, {name, "<", s.Hi}}
	default:
		return []Condition{{name, string(IsMissing), nil}}
	}
}

// Match reports whether row i of t satisfies s.
func (s Selector) Match(t *Table, i int) bool {
	a := &t.Attrs[s.Attr]
	switch s.Op {
	case IsMissing:
		switch a.Kind {
		case Numeric:
			return math.IsNaN(a.Values[i])
		case Multi:
			return len(a.Sets[i]) == 0
		default:
			return a.Codes[i] < 0
		}
	case Eq:
		c := a.Codes[i]
		return c >= 0 && a.Labels[c] == s.Value
	case In:
		for _, c := range a.Sets[i] {
			if a.Labels[c] == s.Value {
				return true
			}
		}
		return false
	case Lt:
		return a.Values[i] < s.Hi // NaN compares false
	case Ge:
		return a.Values[i] >= s.Lo
	case Between:
		v := a.Values[i]
		return v >= s.Lo && v < s.Hi
	}
	return false
}

// Edges returns the quantile edges of a numeric attribute for bins bins:
// with xs the sorted non-missing values and n their number, the values
// xs[floor(i*n/bins)] for i = 1..bins-1, without repeats and without the
// minimum (a condition "x < min" would be empty). Edges are data values, so
// conditions read back exactly.
func Edges(values []float64, bins int) []float64 {
	xs := make([]float64, 0, len(values))
	for _, v := range values {
		if !math.IsNaN(v) {
			xs = append(xs, v)
		}
	}
	if len(xs) == 0 || bins < 2 {
		return nil
	}
	sort.Float64s(xs)
	var out []float64
	for i := 1; i < bins; i++ {
		e := xs[i*len(xs)/bins]
		if e == xs[0] || len(out) > 0 && out[len(out)-1] == e {
			continue
		}
		out = append(out, e)
	}
	return out
}

// Selectors returns the selectors of attribute a (index ai) in a fixed
// order: for a nominal attribute "= v" for each value (the maxValues most
// frequent when there are more, 0 = all); for a numeric attribute "< e" and
// ">= e" for each quantile edge and "e1 <= x < e2" for consecutive edges;
// and "is_missing" when some row lacks a value.
func Selectors(t *Table, ai, bins, maxValues int) []Selector {
	a := &t.Attrs[ai]
	var out []Selector
	missing := false
	switch a.Kind {
	case Numeric:
		for _, v := range a.Values {
			if math.IsNaN(v) {
				missing = true
				break
			}
		}
		edges := Edges(a.Values, bins)
		for i, e := range edges {
			out = append(out, Selector{Attr: ai, Op: Lt, Hi: e}, Selector{Attr: ai, Op: Ge, Lo: e})
			if i+1 < len(edges) {
				out = append(out, Selector{Attr: ai, Op: Between, Lo: e, Hi: edges[i+1]})
			}
		}
	case Nominal, Multi:
		count := make([]int, len(a.Labels))
		if a.Kind == Nominal {
			for _, c := range a.Codes {
				if c < 0 {
					missing = true
				} else {
					count[c]++
				}
			}
		} else {
			for _, set := range a.Sets {
				if len(set) == 0 {
					missing = true
				}
				for _, c := range set {
					count[c]++
				}
			}
		}
		codes := make([]int, len(a.Labels))
		for i := range codes {
			codes[i] = i
		}
		if maxValues > 0 && len(codes) > maxValues {
			sort.SliceStable(codes, func(i, j int) bool { return count[codes[i]] > count[codes[j]] })
			codes = codes[:maxValues]
			sort.Ints(codes)
		}
		op := Eq
		if a.Kind == Multi {
			op = In
		}
		for _, c := range codes {
			out = append(out, Selector{Attr: ai, Op: op, Value: a.Labels[c]})
		}
	}
	if missing {
		out = append(out, Selector{Attr: ai, Op: IsMissing})
	}
	return out
}
