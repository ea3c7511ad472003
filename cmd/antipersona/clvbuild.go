package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/antipersona/antipersona/clv"
	"github.com/antipersona/antipersona/config"
	"github.com/antipersona/antipersona/duckdb"
	"github.com/antipersona/antipersona/features"
)

// clvFitInfo is what a build records of its CLV models (meta clv_model).
type clvFitInfo struct {
	Basis         string             `json:"basis"` // model or history
	Reason        string             `json:"reason,omitempty"`
	Model         string             `json:"model,omitempty"`
	Params        map[string]float64 `json:"params,omitempty"`
	LogLikelihood float64            `json:"log_likelihood,omitempty"`
	SpendParams   map[string]float64 `json:"spend_params,omitempty"`
	Buyers        int                `json:"buyers"`
	RepeatBuyers  int                `json:"repeat_buyers"`
	Unit          string             `json:"unit"`
	HorizonDays   int                `json:"horizon_days"`
	Months        int                `json:"months"`
	Discount      float64            `json:"monthly_discount"`
}

// buildCLV fits the CLV models on every buyer's purchase days as of the
// build's date and stores their predictions for the features to join. With
// fewer buyers than clv.min_buyers, no repeat buyer, or a fit that fails,
// it stores none: every contact then keeps its historic value, flagged
// clv_basis = history.
func (m *Main) buildCLV(ctx context.Context, cfg config.Config, s *duckdb.Store, p features.Params) (clvFitInfo, error) {
	c := cfg.CLV
	info := clvFitInfo{Basis: "history", Unit: "day", HorizonDays: c.HorizonDays, Months: c.Months, Discount: c.MonthlyDiscount}
	var sum clv.Summary
	err := s.Scan(ctx, features.PurchaseHistorySQL(p), func(v []any) error {
		x := toFloat(v[1])
		sum.IDs = append(sum.IDs, v[0].(string))
		sum.X, sum.Tx, sum.T = append(sum.X, x), append(sum.Tx, toFloat(v[2])), append(sum.T, toFloat(v[3]))
		sum.First, sum.Z = append(sum.First, toFloat(v[4])), append(sum.Z, toFloat(v[5]))
		if x > 0 {
			info.RepeatBuyers++
		}
		return nil
	})
	if err != nil {
		return info, fmt.Errorf("purchase history: %w", err)
	}
	info.Buyers = sum.Len()
	preds, err := predictCLV(c, sum, &info)
	if err != nil {
		return info, err
	}
	if err := s.ReplaceCLVPredictions(ctx, preds); err != nil {
		return info, err
	}
	js, _ := json.Marshal(info)
	return info, s.SetMeta(ctx, "clv_model", string(js))
}

// predictCLV fits the models on sum (time in days) and predicts for every
// buyer; it returns no predictions, with info.Reason, when it cannot.
func predictCLV(c config.CLV, sum clv.Summary, info *clvFitInfo) ([]duckdb.CLVPrediction, error) {
	switch {
	case info.Buyers < max(c.MinBuyers, 1):
		info.Reason = fmt.Sprintf("%d buyers, fewer than clv.min_buyers (%d)", info.Buyers, c.MinBuyers)
		return nil, nil
	case info.RepeatBuyers == 0:
		info.Reason = "no repeat buyer"
		return nil, nil
	}
	opt := clv.Options{Penalty: c.Penalty}
	var pm clv.PurchaseModel
	var err error
	switch c.Model {
	case "paretonbd":
		var mod clv.ParetoNBD
		var fit clv.Fit
		mod, fit, err = clv.FitParetoNBD(sum.X, sum.Tx, sum.T, opt)
		pm, info.Params, info.LogLikelihood = mod, mod.Params(), fit.LogLikelihood
	default:
		var mod clv.BGNBD
		var fit clv.Fit
		mod, fit, err = clv.FitBGNBD(sum.X, sum.Tx, sum.T, opt)
		pm, info.Params, info.LogLikelihood = mod, mod.Params(), fit.LogLikelihood
	}
	if err != nil {
		info.Reason = err.Error()
		return nil, nil
	}
	gx := spendX(sum)
	gg, _, err := clv.FitGammaGamma(gx, sum.Z, opt)
	if errors.Is(err, clv.ErrNoData) {
		info.Reason = "no repeat buyer with a positive spend"
		return nil, nil
	}
	if err != nil {
		info.Reason = err.Error()
		return nil, nil
	}
	info.Model, info.SpendParams, info.Basis = c.Model, gg.Params(), "model"
	h := float64(c.HorizonDays)
	out := make([]duckdb.CLVPrediction, sum.Len())
	for i := range out {
		x, tx, t := sum.X[i], sum.Tx[i], sum.T[i]
		spend := gg.ExpectedSpend(gx[i], sum.Z[i])
		out[i] = duckdb.CLVPrediction{ContactID: sum.IDs[i], PAlive: pm.PAlive(x, tx, t),
			PredictedPurchases: pm.ExpectedPurchases(h, x, tx, t),
			PredictedRevenue:   clv.CLV(pm, x, tx, t, spend, c.Months, c.MonthlyDiscount, 30)}
	}
	return out, nil
}

// toFloat converts a numeric value read from the store.
func toFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case int32:
		return float64(x)
	}
	return 0
}
