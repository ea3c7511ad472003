package clv

import (
	"cmp"
	"slices"
	"time"
)

// Transaction is one purchase of one customer.
type Transaction struct {
	ID    string
	Time  time.Time
	Value float64
}

// Summary is the BTYD input of a set of customers, one index each, in
// order of ID.
type Summary struct {
	IDs []string
	// X is the number of repeat purchases, Tx the time from the first to
	// the last purchase and T from the first purchase to the end of the
	// calibration period, in the summary's unit.
	X, Tx, T []float64
	// Z is the mean value of the repeat purchases (0 when X is 0).
	Z []float64
}

// Len is the number of customers.
func (s *Summary) Len() int { return len(s.IDs) }

// Summarize builds the summary of the transactions up to and including the
// day of end, with times in units of unit (24h for days, 7×24h for weeks).
// Purchases are counted per calendar day (in the transactions' time zone):
// the purchases of one day are one purchase whose value is their sum.
// Transactions after end's day are left out; customers whose first purchase
// is after it are not in the summary. Times are between the starts of the
// days, so T runs to the start of end's day (lifetimes' convention: a
// customer whose first purchase is on end's day has T = 0).
func Summarize(txs []Transaction, end time.Time, unit time.Duration) Summary {
	endDay := day(end)
	type dayValue struct {
		id  string
		day time.Time
		v   float64
	}
	ds := make([]dayValue, 0, len(txs))
	for _, t := range txs {
		d := day(t.Time)
		if d.After(endDay) {
			continue
		}
		ds = append(ds, dayValue{t.ID, d, t.Value})
	}
	slices.SortFunc(ds, func(a, b dayValue) int {
		return cmp.Or(cmp.Compare(a.id, b.id), a.day.Compare(b.day))
	})
	var s Summary
	u := float64(unit)
	for i := 0; i < len(ds); {
		j := i
		for j < len(ds) && ds[j].id == ds[i].id {
			j++
		}
		// ds[i:j] is one customer, by day.
		first := ds[i].day
		var days int
		var last time.Time
		var repeat float64
		for k := i; k < j; {
			l, v := k, 0.0
			for l < j && ds[l].day.Equal(ds[k].day) {
				v += ds[l].v
				l++
			}
			if days > 0 {
				repeat += v
			}
			days++
			last = ds[k].day
			k = l
		}
		x := float64(days - 1)
		z := 0.0
		if x > 0 {
			z = repeat / x
		}
		s.IDs = append(s.IDs, ds[i].id)
		s.X = append(s.X, x)
		s.Tx = append(s.Tx, float64(last.Sub(first))/u)
		s.T = append(s.T, float64(endDay.Sub(first))/u)
		s.Z = append(s.Z, z)
		i = j
	}
	return s
}

// day is the start of t's calendar day in t's location.
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}
