// Package segments assigns every contact of a build its fact-based
// segments: RFM scores and the named RFM segment, behavioural tags, the
// lifecycle stage, and the rule segments written in CEL in antipersona.yaml.
// The RFM scores, tags and stages are SQL over the features table (run in
// the store, in the build's transaction); rules are evaluated in Go.
//
// Every definition is rendered by Markdown into docs/segments.md, so a
// marketer can read why a contact carries a tag.
package segments

//go:generate go test -run TestDocs -update

import (
	"fmt"
	"strconv"
	"strings"
)

// Range is an inclusive range of scores on the 1-5 scale.
type Range [2]int

// Contains reports whether s is in r.
func (r Range) Contains(s int) bool { return s >= r[0] && s <= r[1] }

// RFMName names the buyers whose recency and frequency scores (on the 1-5
// scale) fall in R and F.
type RFMName struct {
	Name string `yaml:"name" json:"name"`
	R    Range  `yaml:"r" json:"r"`
	F    Range  `yaml:"f" json:"f"`
}

// DefaultRFMNames is the usual grid of eleven named segments on recency and
// frequency scores (the layout popularised by Putler and used in many RFM
// tutorials; "lost" split from "hibernating" at R = 1). The first match
// wins; together they cover all 25 cells.
func DefaultRFMNames() []RFMName {
	return []RFMName{
		{"Champions", Range{5, 5}, Range{4, 5}},
		{"Loyal", Range{3, 4}, Range{4, 5}},
		{"Potential loyalist", Range{4, 5}, Range{2, 3}},
		{"New", Range{5, 5}, Range{1, 1}},
		{"Promising", Range{4, 4}, Range{1, 1}},
		{"Need attention", Range{3, 3}, Range{3, 3}},
		{"About to sleep", Range{3, 3}, Range{1, 2}},
		{"Can't lose them", Range{1, 2}, Range{5, 5}},
		{"At risk", Range{1, 2}, Range{3, 4}},
		{"Hibernating", Range{2, 2}, Range{1, 2}},
		{"Lost", Range{1, 1}, Range{1, 2}},
	}
}

// Tags are the thresholds of the behavioural tags.
type Tags struct {
	LoyalMinOrders        int     `yaml:"loyal_min_orders"`
	SeasonalMinShare      float64 `yaml:"seasonal_min_share"`
	ImpulseMaxDays        float64 `yaml:"impulse_max_days"`
	ImpulseMaxSessions    float64 `yaml:"impulse_max_sessions"`
	ConsideredMinDays     float64 `yaml:"considered_min_days"`
	ConsideredMinSessions float64 `yaml:"considered_min_sessions"`
	RegularMaxCV          float64 `yaml:"regular_max_cv"`
	BargainMinShare       float64 `yaml:"bargain_min_share"`
	ReturnerMinRate       float64 `yaml:"returner_min_rate"`
	ReturnerMinReturns    int     `yaml:"returner_min_returns"`
}

// DefaultTags are the default thresholds.
func DefaultTags() Tags {
	return Tags{
		LoyalMinOrders:        3,
		SeasonalMinShare:      0.6,
		ImpulseMaxDays:        1,
		ImpulseMaxSessions:    1,
		ConsideredMinDays:     14,
		ConsideredMinSessions: 3,
		RegularMaxCV:          0.5,
		BargainMinShare:       0.8,
		ReturnerMinRate:       0.3,
		ReturnerMinReturns:    2,
	}
}

// Params are what the segment SQL needs.
type Params struct {
	Levels     int // RFM quantile levels, 3..5
	Names      []RFMName
	Tags       Tags
	ActiveDays int
	ChurnDays  int
}

// DefaultParams are the parameters of the default configuration.
func DefaultParams() Params {
	return Params{Levels: 5, Names: DefaultRFMNames(), Tags: DefaultTags(), ActiveDays: 90, ChurnDays: 365}
}

// Validate checks the names and thresholds.
func (p Params) Validate() error {
	if p.Levels < 3 || p.Levels > 5 {
		return fmt.Errorf("rfm levels must be 3, 4 or 5, got %d", p.Levels)
	}
	for i, n := range p.Names {
		if strings.TrimSpace(n.Name) == "" {
			return fmt.Errorf("segments.rfm_names[%d]: empty name", i)
		}
		for _, r := range []Range{n.R, n.F} {
			if r[0] < 1 || r[1] > 5 || r[0] > r[1] {
				return fmt.Errorf("segments.rfm_names[%d] (%s): ranges must lie within 1..5 with low <= high, got %v", i, n.Name, r)
			}
		}
	}
	return nil
}

// Lifecycle stages and tag names, as stored.
const (
	StageSubscriber = "subscriber"
	StageLead       = "lead"
	StageCustomer   = "customer"
	StageRepeat     = "repeat"
	StageAtRisk     = "at_risk"
	StageLapsed     = "lapsed"
	StageChurned    = "churned"
)

// num writes a float for SQL.
func num(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// SQL returns the query, over the table features, that gives one row per
// contact: contact_id, r_score, f_score, m_score, rfm_score ("545"),
// rfm_segment, tags (a list) and lifecycle. Scores are NULL for contacts
// without orders.
//
// Scores: with L levels, the edges of a variable are its values at the
// quantiles 1/L, ..., (L-1)/L over the buyers (quantile_disc: data values,
// ties kept together). F and M score 1 + the number of edges the value
// exceeds; R scores L minus the number of edges the recency exceeds (recent
// is high). Named segments read R and F rescaled to 1-5 (round(1 + (s-1) ×
// 4/(L-1))).
func SQL(p Params) string {
	L := p.Levels
	var qs []string
	for i := 1; i < L; i++ {
		qs = append(qs, num(float64(i)/float64(L)))
	}
	quant := strings.Join(qs, ", ")
	scale := func(col string) string {
		if L == 5 {
			return col
		}
		return fmt.Sprintf("CAST(round(1 + (%s - 1) * 4.0 / %d) AS INTEGER)", col, L-1)
	}
	var names []string
	for _, n := range p.Names {
		names = append(names, fmt.Sprintf("WHEN %s BETWEEN %d AND %d AND %s BETWEEN %d AND %d THEN %s",
			scale("r_score"), n.R[0], n.R[1], scale("f_score"), n.F[0], n.F[1], quoteLit(n.Name)))
	}
	nameCase := "NULL"
	if len(names) > 0 {
		nameCase = "CASE " + strings.Join(names, " ") + " END"
	}
	var tags []string
	for _, d := range TagDefs(p) {
		tags = append(tags, fmt.Sprintf("CASE WHEN %s THEN '%s' END", d.Cond, d.Name))
	}
	active, churn := p.ActiveDays, p.ChurnDays
	return fmt.Sprintf(`WITH edges AS (
  SELECT quantile_disc(recency_days, [%[1]s]) AS re, quantile_disc(frequency, [%[1]s]) AS fe,
         quantile_disc(monetary, [%[1]s]) AS me
  FROM features WHERE frequency > 0
), scored AS (
  SELECT f.*,
    CASE WHEN f.frequency > 0 THEN %[2]d - len(list_filter(e.re, x -> f.recency_days > x)) END AS r_score,
    CASE WHEN f.frequency > 0 THEN 1 + len(list_filter(e.fe, x -> f.frequency > x)) END AS f_score,
    CASE WHEN f.frequency > 0 THEN 1 + len(list_filter(e.me, x -> f.monetary > x)) END AS m_score
  FROM features f LEFT JOIN edges e ON true
)
SELECT contact_id, r_score, f_score, m_score,
  CAST(r_score AS VARCHAR) || CAST(f_score AS VARCHAR) || CAST(m_score AS VARCHAR) AS rfm_score,
  %[3]s AS rfm_segment,
  list_filter([%[4]s], x -> x IS NOT NULL) AS tags,
  CASE
    WHEN frequency > 0 AND recency_days > %[6]d THEN '%[7]s'
    WHEN frequency > 0 AND recency_days > %[5]d * 2 THEN '%[8]s'
    WHEN frequency > 0 AND recency_days > %[5]d THEN '%[9]s'
    WHEN frequency > 1 THEN '%[10]s'
    WHEN frequency = 1 THEN '%[11]s'
    WHEN outcome THEN '%[11]s'
    WHEN COALESCE(sessions, 0) + COALESCE(webinars_registered, 0) + COALESCE(trials_started, 0) + COALESCE(cart_adds, 0) = 0
         AND (COALESCE(signups, 0) > 0 OR COALESCE(email_opens, 0) > 0) THEN '%[12]s'
    ELSE '%[13]s'
  END AS lifecycle
FROM scored`, quant, L, nameCase, strings.Join(tags, ", "), active, churn,
		StageChurned, StageLapsed, StageAtRisk, StageRepeat, StageCustomer, StageSubscriber, StageLead)
}

func quoteLit(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// TagDef is a behavioural tag: its name, its definition in words and its
// SQL condition over the features table.
type TagDef struct {
	Name, Doc, Cond string
}

// TagDefs returns the behavioural tags with the thresholds of p.
func TagDefs(p Params) []TagDef {
	t := p.Tags
	return []TagDef{
		{"active", fmt.Sprintf("An event or order within the last %d days (`days_since_last_activity <= %d`, thresholds.active_days).", p.ActiveDays, p.ActiveDays),
			fmt.Sprintf("days_since_last_activity <= %d", p.ActiveDays)},
		{"passive", fmt.Sprintf("Known activity, none in the last %d days.", p.ActiveDays),
			fmt.Sprintf("days_since_last_activity > %d", p.ActiveDays)},
		{"loyal", fmt.Sprintf("At least %d orders (`frequency >= %d`, loyal_min_orders).", t.LoyalMinOrders, t.LoyalMinOrders),
			fmt.Sprintf("frequency >= %d", t.LoyalMinOrders)},
		{"one_time", "Exactly one order.", "frequency = 1"},
		{"seasonal", fmt.Sprintf("Two or more orders, at least %s of them in the same calendar month (`seasonality >= %s`, seasonal_min_share).", num(t.SeasonalMinShare), num(t.SeasonalMinShare)),
			fmt.Sprintf("frequency >= 2 AND seasonality >= %s", num(t.SeasonalMinShare))},
		{"impulse", fmt.Sprintf("A buyer whose first order came within %s days of first contact and after at most %s sessions (impulse_max_days, impulse_max_sessions).", num(t.ImpulseMaxDays), num(t.ImpulseMaxSessions)),
			fmt.Sprintf("frequency >= 1 AND decision_cycle_days <= %s AND sessions_before_first_order <= %s", num(t.ImpulseMaxDays), num(t.ImpulseMaxSessions))},
		{"considered", fmt.Sprintf("A buyer who took at least %s days or %s sessions before the first order (considered_min_days, considered_min_sessions).", num(t.ConsideredMinDays), num(t.ConsideredMinSessions)),
			fmt.Sprintf("frequency >= 1 AND (decision_cycle_days >= %s OR sessions_before_first_order >= %s)", num(t.ConsideredMinDays), num(t.ConsideredMinSessions))},
		{"regular", fmt.Sprintf("Three or more orders at steady intervals (`order_interval_cv <= %s`, regular_max_cv).", num(t.RegularMaxCV)),
			fmt.Sprintf("frequency >= 3 AND order_interval_cv <= %s", num(t.RegularMaxCV))},
		{"bargain_only", fmt.Sprintf("A buyer with at least %s of orders discounted (`discount_share >= %s`, bargain_min_share).", num(t.BargainMinShare), num(t.BargainMinShare)),
			fmt.Sprintf("frequency >= 1 AND discount_share >= %s", num(t.BargainMinShare))},
		{"returner", fmt.Sprintf("At least %d returns worth at least %s of gross revenue (returner_min_returns, returner_min_rate).", t.ReturnerMinReturns, num(t.ReturnerMinRate)),
			fmt.Sprintf("returns_count >= %d AND return_rate >= %s", t.ReturnerMinReturns, num(t.ReturnerMinRate))},
	}
}

// Markdown renders docs/segments.md for the parameters p (the defaults in
// the generated file).
func Markdown(p Params) string {
	var b strings.Builder
	b.WriteString(`# Segments

Generated from package ` + "`segments`" + ` (` + "`go generate ./segments`" + `); do not edit. Every build assigns
each contact one RFM segment (buyers only), one lifecycle stage, any number of behavioural
tags and the rule segments of ` + "`antipersona.yaml`" + `. ` + "`antipersona segments`" + ` lists them with their
size, revenue and profit. Thresholds below are the defaults; each is set in ` + "`antipersona.yaml`" + `.

## RFM scores

Buyers (` + "`frequency > 0`" + `) get a recency, frequency and monetary score from 1 to L
(` + "`thresholds.rfm_levels`" + `, 3 to 5; default 5). The edges of a variable are its values at the
quantiles 1/L, ..., (L-1)/L over the buyers (DuckDB's ` + "`quantile_disc`" + `: the value at position
floor((n-1)q) of the sorted values, so equal values always share a score). F and M score
1 + the number of edges the value exceeds; R scores L minus the number of edges the
recency exceeds (the most recent buyers score L). ` + "`rfm_score`" + ` is the three digits, e.g. 545.

## Named RFM segments

The recency and frequency scores, rescaled to 1-5 when L < 5 (round(1 + (s-1)·4/(L-1))),
are matched against ` + "`segments.rfm_names`" + `; the first match wins.

| segment | R | F |
|---|---|---|
`)
	rng := func(r Range) string {
		if r[0] == r[1] {
			return strconv.Itoa(r[0])
		}
		return fmt.Sprintf("%d-%d", r[0], r[1])
	}
	for _, n := range p.Names {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", n.Name, rng(n.R), rng(n.F))
	}
	b.WriteString("\n## Behavioural tags\n\n| tag | definition |\n|---|---|\n")
	for _, d := range TagDefs(p) {
		fmt.Fprintf(&b, "| `%s` | %s |\n", d.Name, d.Doc)
	}
	fmt.Fprintf(&b, `
## Lifecycle stage

The first rule that holds, in this order (A = thresholds.active_days = %d, C = thresholds.churn_days = %d):

| stage | rule |
|---|---|
| `+"`churned`"+` | a buyer whose last order is more than C days old |
| `+"`lapsed`"+` | a buyer whose last order is more than 2A days old |
| `+"`at_risk`"+` | a buyer whose last order is more than A days old |
| `+"`repeat`"+` | a buyer with two or more orders |
| `+"`customer`"+` | a buyer with one order, or a contact whose CRM outcome says converted |
| `+"`subscriber`"+` | no sessions, webinar registrations, trials or cart adds, but a sign-up or an opened e-mail |
| `+"`lead`"+` | everyone else |

## Rule segments

`+"`segments.rules`"+` in antipersona.yaml: a name and a CEL expression over the feature names of
docs/features.md and the trait identifiers of `+"`antipersona traits`"+`, e.g.
`+"`monetary > 1000 && frequency >= 3`"+`. A missing number is NaN (every comparison with it is
false), a missing text is "", a missing list is empty, a missing boolean is false.
Numbers compare across int and double. Type errors are reported at build time with the
rule's name and position.
`, p.ActiveDays, p.ChurnDays)
	return b.String()
}
