package propensity

import (
	"math"
	"sort"
)

// ROCAUC is the area under the ROC curve of scores p for outcomes y: the
// probability that a random positive scores above a random negative, ties
// counting half (Mann-Whitney). NaN when one class is absent.
func ROCAUC(y []bool, p []float64) float64 {
	idx := order(p)
	var pos, neg float64
	for _, v := range y {
		if v {
			pos++
		} else {
			neg++
		}
	}
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	// Sum of the (average) ranks of the positives.
	rankSum := 0.0
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && p[idx[j]] == p[idx[i]] {
			j++
		}
		avg := float64(i+j+1) / 2 // ranks i+1..j
		for k := i; k < j; k++ {
			if y[idx[k]] {
				rankSum += avg
			}
		}
		i = j
	}
	return (rankSum - pos*(pos+1)/2) / (pos * neg)
}

// AveragePrecision is the area under the precision-recall curve as
// scikit-learn's average_precision_score computes it: Σ (R_k − R_{k−1}) P_k
// over the distinct score thresholds, from the highest.
func AveragePrecision(y []bool, p []float64) float64 {
	idx := order(p)
	pos := 0.0
	for _, v := range y {
		if v {
			pos++
		}
	}
	if pos == 0 {
		return math.NaN()
	}
	ap, tp, prevRecall := 0.0, 0.0, 0.0
	for i := len(idx) - 1; i >= 0; {
		j := i
		for j >= 0 && p[idx[j]] == p[idx[i]] {
			if y[idx[j]] {
				tp++
			}
			j--
		}
		seen := float64(len(idx) - 1 - j)
		recall := tp / pos
		ap += (recall - prevRecall) * tp / seen
		prevRecall = recall
		i = j
	}
	return ap
}

// Brier is the mean squared difference between p and the outcome.
func Brier(y []bool, p []float64) float64 {
	s := 0.0
	for i, v := range p {
		d := v
		if y[i] {
			d = v - 1
		}
		s += d * d
	}
	return s / float64(len(p))
}

// CalibrationBin is one bin of a calibration table: the rows whose score
// is in [Lo, Hi), their mean score and the share of them with the outcome.
type CalibrationBin struct {
	Lo        float64 `json:"lo"`
	Hi        float64 `json:"hi"`
	Rows      int     `json:"rows"`
	MeanScore float64 `json:"mean_score"`
	Observed  float64 `json:"observed_rate"`
}

// Calibration is the calibration table of p in k equal-width bins of
// [0, 1] (the last includes 1); empty bins are left out.
func Calibration(y []bool, p []float64, k int) []CalibrationBin {
	bins := make([]CalibrationBin, k)
	for i := range bins {
		bins[i].Lo, bins[i].Hi = float64(i)/float64(k), float64(i+1)/float64(k)
	}
	for i, v := range p {
		b := min(int(v*float64(k)), k-1)
		bins[b].Rows++
		bins[b].MeanScore += v
		if y[i] {
			bins[b].Observed++
		}
	}
	var out []CalibrationBin
	for _, b := range bins {
		if b.Rows > 0 {
			b.MeanScore /= float64(b.Rows)
			b.Observed /= float64(b.Rows)
			out = append(out, b)
		}
	}
	return out
}

// order is the indices of p by ascending value.
func order(p []float64) []int {
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	return idx
}
