// Package clv fits the buy-till-you-die models of customer lifetime value on
// plain slices: BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers
// the easy way") and Pareto/NBD (Schmittlein, Morrison & Colombo 1987, in
// the form of Fader & Hardie's 2005 note) for the number of future
// purchases, and Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV") for
// the spend per purchase.
//
// The inputs are those of the BTYD literature, one customer per index:
//
//   - X: repeat purchases (purchases after the first; purchases on the same
//     day count once), called frequency by lifetimes;
//   - Tx: the time of the last purchase, measured from the first (recency);
//   - T: the time from the first purchase to the end of the calibration
//     period (the customer's age);
//   - Z: the mean value of the repeat purchases (Gamma-Gamma only; customers
//     with X = 0 are left out of its fit).
//
// Time is in any unit (days, weeks) as long as it is the same for all three
// and for the horizons of predictions.
//
// Parameters are fitted by maximum likelihood: the log-likelihoods are
// computed in log space (log-gamma, log-beta, log-sum-exp) so that customers
// with many purchases neither overflow nor underflow, and optimised over the
// logarithms of the parameters (which keeps them positive) by Nelder-Mead,
// then polished by BFGS on a central-difference gradient. An optional L2
// penalty (Options.Penalty × the sum of squared parameters, as lifetimes'
// penalizer_coef) keeps small samples from running to extreme values.
package clv
