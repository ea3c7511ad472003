package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/clv"
	"github.com/antipersona/antipersona/config"
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
func (m *Main) buildCLV(ctx context.Context, cfg config.Config, s store, p features.Params) (clvFitInfo, error) {
	c := cfg.CLV
	info := clvFitInfo{Basis: "history", Unit: "day", HorizonDays: c.HorizonDays, Months: c.Months, Discount: c.MonthlyDiscount}
	var sum clv.Summary
	t0 := time.Now()
	err := s.Scan(ctx, features.PurchaseHistorySQL(p), func(v []any) error {
		num := func(k int) float64 { f, _ := plainValue(v[k]).(float64); return f }
		x := num(1)
		sum.IDs = append(sum.IDs, v[0].(string))
		sum.X, sum.Tx, sum.T = append(sum.X, x), append(sum.Tx, num(2)), append(sum.T, num(3))
		sum.Z = append(sum.Z, num(5)) // column 4, first_value, is not used
		if x > 0 {
			info.RepeatBuyers++
		}
		return nil
	})
	if err != nil {
		return info, fmt.Errorf("purchase history: %w", err)
	}
	info.Buyers = sum.Len()
	t1 := time.Now()
	preds, err := predictCLV(c, sum, &info)
	if err != nil {
		return info, err
	}
	t2 := time.Now()
	if err := s.ReplaceCLVPredictions(ctx, preds); err != nil {
		return info, err
	}
	m.logger.Debug("clv phases", "history_seconds", t1.Sub(t0).Seconds(), "fit_predict_seconds", t2.Sub(t1).Seconds(),
		"store_seconds", time.Since(t2).Seconds())
	js, _ := json.Marshal(info)
	return info, s.SetMeta(ctx, "clv_model", string(js))
}

// predictCLV fits the models on sum (time in days) and predicts for every
// buyer; it returns no predictions, with info.Reason, when it cannot.
func predictCLV(c config.CLV, sum clv.Summary, info *clvFitInfo) ([]antipersona.CLVPrediction, error) {
	switch {
	case info.Buyers < max(c.MinBuyers, 1):
		info.Reason = fmt.Sprintf("%d buyers, fewer than clv.min_buyers (%d)", info.Buyers, c.MinBuyers)
		return nil, nil
	case info.RepeatBuyers == 0:
		info.Reason = "no repeat buyer"
		return nil, nil
	}
	opt := clv.Options{Penalty: c.Penalty}
	pm, fit, err := clv.FitPurchases(c.Model, &sum, opt)
	if err != nil {
		info.Reason = err.Error()
		return nil, nil
	}
	info.Params, info.LogLikelihood = pm.Params(), fit.LogLikelihood
	gg, _, err := clv.FitSpend(&sum, opt)
	if errors.Is(err, clv.ErrNoData) {
		info.Reason = "no repeat buyer with a positive spend"
		return nil, nil
	}
	if err != nil {
		info.Reason = err.Error()
		return nil, nil
	}
	info.Model, info.SpendParams, info.Basis = c.Model, gg.Params(), "model"
	preds := clv.Predict(pm, &gg, &sum, float64(c.HorizonDays), c.Months, c.MonthlyDiscount, 30)
	out := make([]antipersona.CLVPrediction, sum.Len())
	for i, p := range preds {
		out[i] = antipersona.CLVPrediction{ContactID: sum.IDs[i], PAlive: p.PAlive, PredictedPurchases: p.Purchases, PredictedRevenue: p.CLV}
	}
	return out, nil
}
