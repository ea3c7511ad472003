package clv

import (
	"fmt"
	"math"
	"runtime"
	"sync"
)

// FitPurchases fits the purchase model named model ("bgnbd" or
// "paretonbd") on the summary.
func FitPurchases(model string, s *Summary, opt Options) (PurchaseModel, Fit, error) {
	switch model {
	case "bgnbd":
		m, fit, err := FitBGNBD(s.X, s.Tx, s.T, opt)
		return m, fit, err
	case "paretonbd":
		m, fit, err := FitParetoNBD(s.X, s.Tx, s.T, opt)
		return m, fit, err
	}
	return nil, Fit{}, fmt.Errorf("clv: unknown purchase model %q (bgnbd or paretonbd)", model)
}

// SpendX is the repeat purchases that a customer's spend is fitted and
// valued with: X, but 0 where the mean repeat spend Z is not positive (free
// orders, refunds), so that such a customer counts as having no spend
// history rather than failing the Gamma-Gamma fit.
func (s *Summary) SpendX() []float64 {
	x := make([]float64, s.Len())
	for i := range x {
		if s.Z[i] > 0 {
			x[i] = s.X[i]
		}
	}
	return x
}

// FitSpend fits Gamma-Gamma on the summary's repeat buyers with a positive
// mean spend (see SpendX).
func FitSpend(s *Summary, opt Options) (GammaGamma, Fit, error) {
	return FitGammaGamma(s.SpendX(), s.Z, opt)
}

// Prediction is one customer's future as the models see it.
type Prediction struct {
	PAlive    float64 // probability of being alive at T
	Purchases float64 // expected purchases in the horizon
	Spend     float64 // expected value of a purchase (NaN without a spend model)
	CLV       float64 // discounted value of the coming months (NaN without a spend model)
}

// Predict predicts every customer of s: P(alive) and the purchases of the
// next horizon from pm, and, when gg is not nil, the spend and the CLV over
// months discounted by discount a month (unitsPerMonth: the length of a
// month in the summary's unit).
func Predict(pm PurchaseModel, gg *GammaGamma, s *Summary, horizon float64, months int, discount, unitsPerMonth float64) []Prediction {
	out := make([]Prediction, s.Len())
	var sx []float64
	if gg != nil {
		sx = s.SpendX()
	}
	// Customers are independent: each of GOMAXPROCS goroutines predicts a
	// contiguous share of them.
	workers := min(runtime.GOMAXPROCS(0), max(1, len(out)/10000))
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(out)/workers, (w+1)*len(out)/workers
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				x, tx, t := s.X[i], s.Tx[i], s.T[i]
				p := Prediction{PAlive: pm.PAlive(x, tx, t), Purchases: pm.ExpectedPurchases(horizon, x, tx, t), Spend: math.NaN(), CLV: math.NaN()}
				if gg != nil {
					p.Spend = gg.ExpectedSpend(sx[i], s.Z[i])
					p.CLV = CLV(pm, x, tx, t, p.Spend, months, discount, unitsPerMonth)
				}
				out[i] = p
			}
		})
	}
	wg.Wait()
	return out
}
