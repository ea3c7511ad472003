package budget

import (
	"context"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"

	"gonum.org/v1/gonum/stat"
)

// WhatIf is what excluding the contacts with Contact.Excluded would have
// changed in the period, under the assumptions that the spend allocated to
// them would have been saved in full, that their revenue and profit would
// have been lost in full (none of it came without paid marketing), and that
// no other contact would have changed. Amounts are in the workspace
// currency.
type WhatIf struct {
	Contacts int // excluded contacts, m
	// Saved is X, the spend allocated to the excluded contacts.
	Saved float64
	// LostRevenue is Y, the revenue of the excluded contacts, and
	// [LostRevenueLow, LostRevenueHigh] its bootstrap percentile interval
	// at Level: the (1−Level)/2 and (1+Level)/2 empirical quantiles of
	// Σ revenue over Resamples resamples of m excluded contacts drawn with
	// replacement. All three are 0 when no contact is excluded.
	LostRevenue, LostRevenueLow, LostRevenueHigh float64
	// LostProfit is Z, the profit of the excluded contacts (negative when
	// excluding them raises profit).
	LostProfit float64

	// Spend and revenue of all contacts before the exclusion (SpendBefore
	// is Report.TotalSpend: unallocated spend included) and after it
	// (SpendBefore − X, RevenueBefore − Y).
	SpendBefore, SpendAfter     float64
	RevenueBefore, RevenueAfter float64

	Level     float64 // confidence level of the interval (Options.Level)
	Resamples int     // B (Options.Resamples)
	Seed      uint64  // Options.Seed
}

// ROIBefore is A, the ROI of all spend before the exclusion:
// (RevenueBefore − SpendBefore) / SpendBefore; NaN when SpendBefore is 0.
func (w WhatIf) ROIBefore() float64 { return ROI(w.RevenueBefore, w.SpendBefore) }

// ROIAfter is B, the ROI of all spend after the exclusion:
// (RevenueAfter − SpendAfter) / SpendAfter; NaN when SpendAfter is 0.
func (w WhatIf) ROIAfter() float64 { return ROI(w.RevenueAfter, w.SpendAfter) }

// ROASBefore is RevenueBefore / SpendBefore; NaN when SpendBefore is 0.
func (w WhatIf) ROASBefore() float64 { return ROAS(w.RevenueBefore, w.SpendBefore) }

// ROASAfter is RevenueAfter / SpendAfter; NaN when SpendAfter is 0.
func (w WhatIf) ROASAfter() float64 { return ROAS(w.RevenueAfter, w.SpendAfter) }

// streamBootstrap is the PCG stream of resample 0; resample b uses
// streamBootstrap + b, so that every resample has its own generator and the
// result does not depend on how resamples are spread over goroutines.
const streamBootstrap = 0x6275_6467_0000_0000 // "budg"

func whatIf(ctx context.Context, r *Report, opt Options) error {
	w := WhatIf{Level: opt.Level, Resamples: opt.Resamples, Seed: opt.Seed}
	var saved, lostRev, lostProfit sum
	var rev []float64
	for i, c := range r.Contacts {
		if !c.Excluded {
			continue
		}
		saved.add(r.ContactSpend[i])
		lostRev.add(c.Revenue)
		lostProfit.add(c.Profit)
		rev = append(rev, c.Revenue)
	}
	w.Contacts = len(rev)
	w.Saved, w.LostRevenue, w.LostProfit = saved.value(), lostRev.value(), lostProfit.value()
	w.SpendBefore, w.RevenueBefore = r.TotalSpend, r.All.Revenue
	w.SpendAfter, w.RevenueAfter = w.SpendBefore-w.Saved, w.RevenueBefore-w.LostRevenue
	if len(rev) > 0 {
		sums, err := bootstrapSums(ctx, rev, opt.Resamples, opt.Seed)
		if err != nil {
			return err
		}
		slices.Sort(sums)
		w.LostRevenueLow = stat.Quantile((1-opt.Level)/2, stat.Empirical, sums, nil)
		w.LostRevenueHigh = stat.Quantile((1+opt.Level)/2, stat.Empirical, sums, nil)
	}
	r.WhatIf = w
	return nil
}

// bootstrapSums returns, for b = 0..B-1, the sum of len(x) values drawn
// from x with replacement by the generator PCG(seed, streamBootstrap+b).
// The resamples are spread over GOMAXPROCS goroutines.
func bootstrapSums(ctx context.Context, x []float64, b int, seed uint64) ([]float64, error) {
	sums := make([]float64, b)
	workers := min(runtime.GOMAXPROCS(0), b)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			src := rand.NewPCG(0, 0)
			rng := rand.New(src)
			for k := w; k < b; k += workers {
				if ctx.Err() != nil {
					return
				}
				src.Seed(seed, streamBootstrap+uint64(k))
				var s float64
				for range x {
					s += x[rng.IntN(len(x))]
				}
				sums[k] = s
			}
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil, canceled(ctx)
	}
	return sums, nil
}
