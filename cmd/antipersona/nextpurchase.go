package main

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/duckdb"
	"github.com/antipersona/antipersona/features"
	"github.com/antipersona/antipersona/persona"
	"github.com/antipersona/antipersona/propensity"
)

// nextFeatures are the behaviour features the next-purchase model reads
// besides the lead-time traits: what a contact who has not bought did so
// far. Order features are left out (constant for contacts who have not
// bought), and so are the CLV predictions (the build's own, from the
// future of the training date) and contact_cost (campaign spend split
// over the contacts touched: the marketer's choice, and not that of the
// whole data when the history is sampled).
var nextFeatures = []string{"tenure_days", "events", "days_since_last_activity", "sessions", "page_views",
	"time_on_site_seconds", "product_views", "cart_adds", "wishlist_adds", "checkouts_started", "email_opens",
	"email_clicks", "signups", "webinars_registered", "webinars_attended", "trials_started", "engagement_score",
	"tickets", "reviews", "review_score", "survey_answers", "touches", "acquisition_cost"}

// nextRows is about the most contacts the next-purchase model learns from
// (their history is computed for a sample of the contacts beyond it).
const nextRows = 100_000

// nextPurchase is the next-purchase model's result: per row of the
// build's contacts, the probability that a contact who has not bought
// makes a first purchase within Window days (NaN for buyers).
type nextPurchase struct {
	Q      []float64
	Window int
	// Train, Positives: the contacts it learnt from and how many bought.
	Train, Positives int
}

// trainNextPurchase learns, from the shop's own history, who among the
// contacts who have not bought makes a first purchase soon: it computes
// the behaviour features as of window days before the build's as-of date
// (t0), labels the contacts who had not bought by t0 by whether they
// bought by the as-of date, fits gradient-boosted trees on their traits
// (as known on the as-of date) and behaviour on t0, and scores today's
// contacts who have not bought on their traits and behaviour today. It returns nil and a
// reason when the history is too short or too few bought.
// trs are the traits it reads (describingTraits).
func (m *Main) trainNextPurchase(ctx context.Context, s store, p features.Params, trs []antipersona.Trait, pr *personaResult, window int) (*nextPurchase, string, error) {
	t0 := p.AsOf.AddDate(0, 0, -window)
	p0 := p
	p0.AsOf = t0
	cols := make([]persona.Column, 0, len(trs)+len(nextFeatures))
	for _, t := range trs {
		cols = append(cols, persona.NewColumn(t.Name, t.Ident, t.Type, t.Dimension, 0))
	}
	for _, f := range nextFeatures {
		cols = append(cols, persona.NewColumn(f, f, antipersona.TraitNumber, antipersona.DimensionBehavioural, 0))
	}
	at := make(map[string]int, len(pr.ids))
	for i, id := range pr.ids {
		at[id] = i
	}
	var y []bool
	var seen []time.Time
	cut := t0.AddDate(0, 0, 1)
	var rows int
	add := func(v []any) {
		for c := range cols {
			growColumn(&cols[c])
			setValue(&cols[c], rows, v[3+c])
		}
		rows++
	}
	// The contacts known on t0 who had not bought by then: did they buy
	// by the as-of date?
	// Traits are taken as known today (who the contact is), behaviour as
	// it was on t0: a contact whose traits changed and who bought since
	// teaches the model what the new traits are worth.
	sel0 := []string{"h.contact_id", "COALESCE(h.converted, false)", "h.first_seen_at"}
	for _, t := range trs {
		sel0 = append(sel0, "f."+duckdb.QuoteIdent(t.Ident))
	}
	for _, f := range nextFeatures {
		sel0 = append(sel0, "h."+duckdb.QuoteIdent(f))
	}
	q0 := "SELECT " + strings.Join(sel0, ", ") + " FROM (" + features.SQL(p0) + ") h JOIN features f USING (contact_id) ORDER BY h.contact_id"
	// The history of about nextRows contacts is enough to learn from: a
	// sample of them is computed.
	sample := max(1, (len(pr.ids)+nextRows-1)/nextRows)
	tStart := time.Now()
	err := s.ScanSample(ctx, sample, q0, func(v []any) error {
		first, ok := v[2].(time.Time)
		row, known := at[v[0].(string)]
		if v[1] == true || !ok || !first.Before(cut) || !known {
			return nil
		}
		add(v)
		y = append(y, pr.in.y[row])
		seen = append(seen, first)
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("features %d days before: %w", window, err)
	}
	n0 := rows
	pos := 0
	for _, v := range y {
		if v {
			pos++
		}
	}
	if pos < 20 || n0-pos < 20 {
		return nil, fmt.Sprintf("%d of %d contacts who had not bought %d days earlier bought since: too few to learn from", pos, n0, window), nil
	}
	// Today's contacts, scored with the same columns (one table, so that
	// categories get the same codes).
	// Today's prospects come from the columns the personas read (the
	// features as of the as-of date).
	tHistory := time.Since(tStart)
	src := make([]*persona.Column, len(cols))
	for c := range cols {
		for _, group := range [][]persona.Column{pr.analysis.Traits, pr.analysis.Behaviour} {
			for k := range group {
				if group[k].Ident == cols[c].Ident {
					src[c] = &group[k]
				}
			}
		}
	}
	var score []int
	for row := range pr.ids {
		if pr.in.y[row] {
			continue
		}
		for c := range cols {
			copyValue(&cols[c], rows, src[c], row)
		}
		rows++
		y = append(y, false)
		seen = append(seen, pr.in.seen[row])
		score = append(score, row)
	}
	tToday := time.Since(tStart)
	in := modelInputFromColumns(cols, y, seen)
	tTable := time.Since(tStart)
	train := spaced(n0, nextRows)
	gb, err := propensity.FitGBDT(in.d.Subset(train), propensity.Pick(y[:n0], train), propensity.GBDTOptions{})
	if err != nil {
		return nil, err.Error(), nil
	}
	rest := make([]int, rows-n0)
	for i := range rest {
		rest[i] = n0 + i
	}
	tFit := time.Since(tStart)
	pred := gb.Predict(in.d.Subset(rest))
	m.logger.Debug("next-purchase phases", "history_seconds", tHistory.Seconds(), "today_seconds", (tToday - tHistory).Seconds(),
		"table_seconds", (tTable - tToday).Seconds(), "fit_seconds", (tFit - tTable).Seconds(), "score_seconds", (time.Since(tStart) - tFit).Seconds(),
		"train_rows", len(train), "positives", pos, "sample", sample)
	np := &nextPurchase{Q: make([]float64, len(pr.ids)), Window: window, Train: n0, Positives: pos}
	for i := range np.Q {
		np.Q[i] = math.NaN()
	}
	for i, row := range score {
		np.Q[row] = pred[i]
	}
	return np, "", nil
}

// traitVersions are the contacts whose traits changed since the previous
// build (versions ingested with --valid-from; since they were first known
// when there is no previous build), with the start of the latest version
// valid on the as-of date and the trait values valid on the previous
// build's as-of date.
type traitVersions struct {
	traits []antipersona.Trait // the traits read (describingTraits), in the order of vals
	index  map[string]int      // ident → position in vals
	byID   map[string]traitVersion
}

type traitVersion struct {
	since time.Time
	vals  []any
}

// describingTraits returns the traits that describe a contact and can be
// compared or learnt from: not personal data, not free text.
func describingTraits(traits []antipersona.Trait) []antipersona.Trait {
	var out []antipersona.Trait
	for _, t := range traits {
		if !t.PII && t.Type != antipersona.TraitText && t.Type != antipersona.TraitIdentifier {
			out = append(out, t)
		}
	}
	return out
}

// readTraitVersions reads the trait versions of the contacts between the
// as-of dates prior (zero: as first known) and asOf (describingTraits).
func readTraitVersions(ctx context.Context, s store, traits []antipersona.Trait, asOf, prior time.Time) (*traitVersions, error) {
	tv := &traitVersions{traits: describingTraits(traits), index: map[string]int{}, byID: map[string]traitVersion{}}
	idents := make([]string, len(tv.traits))
	for i, t := range tv.traits {
		tv.index[t.Ident], idents[i] = i, t.Ident
	}
	err := s.TraitsBefore(ctx, idents, asOf, prior, func(id string, since time.Time, vals []any) error {
		tv.byID[id] = traitVersion{since: since, vals: slices.Clone(vals)}
		return nil
	})
	return tv, err
}

// copyValue appends to dst (as its row i) the value of row j of src, a
// column of the same type; a missing value when src is nil.
func copyValue(dst *persona.Column, i int, src *persona.Column, j int) {
	growColumn(dst)
	if src == nil {
		return
	}
	switch {
	case dst.Num != nil && src.Num != nil:
		dst.Num[i] = src.Num[j]
	case dst.List != nil && src.List != nil:
		dst.List[i] = src.List[j]
	case dst.Str != nil && src.Str != nil:
		dst.Str[i] = src.Str[j]
	}
}
