package propensity

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkGBDTFile trains on the table that scripts/propensity_bench.py
// wrote (PROPENSITY_BENCH_CSV), as its scikit-learn peer does: the first
// 80 % of the rows, 100 trees of 31 leaves, no early stopping, columns
// named cat_* categorical; then scores the rest. It reports the fit time,
// the holdout ROC AUC and the scoring rate.
func BenchmarkGBDTFile(b *testing.B) {
	path := os.Getenv("PROPENSITY_BENCH_CSV")
	if path == "" {
		b.Skip("PROPENSITY_BENCH_CSV not set (see scripts/propensity_bench.sh)")
	}
	d, y := loadCSVCat(b, path, "y", func(c string) bool { return strings.HasPrefix(c, "cat_") })
	n := d.Rows()
	k := n * 8 / 10
	train, test := make([]int, k), make([]int, n-k)
	for i := range train {
		train[i] = i
	}
	for i := range test {
		test[i] = k + i
	}
	td, ty, hd, hy := d.Subset(train), Pick(y, train), d.Subset(test), Pick(y, test)
	b.ResetTimer()
	var m *GBDT
	var fit time.Duration
	var cpu time.Duration
	for b.Loop() {
		t0, c0 := time.Now(), cpuTime()
		var err error
		if m, err = FitGBDT(td, ty, GBDTOptions{MaxIter: 100, EarlyStopping: "off"}); err != nil {
			b.Fatal(err)
		}
		fit, cpu = time.Since(t0), cpuTime()-c0
	}
	b.StopTimer()
	t0 := time.Now()
	p := m.Predict(hd)
	score := time.Since(t0)
	b.ReportMetric(fit.Seconds(), "fit_s")
	b.ReportMetric(cpu.Seconds(), "fit_cpu_s")
	b.ReportMetric(ROCAUC(hy, p), "roc_auc")
	b.ReportMetric(float64(len(p))/score.Seconds(), "scored_rows/s")
}

// BenchmarkScore scores a million rows (5 features) with a model of 100
// trees of 31 leaves; it reports rows per second.
func BenchmarkScore(b *testing.B) {
	d, y := planted(1_000_000, 9)
	m, err := FitGBDT(d.Subset(seq(100_000)), y[:100_000], GBDTOptions{MaxIter: 100, EarlyStopping: "off"})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	t0 := time.Now()
	for b.Loop() {
		m.Predict(d)
	}
	b.ReportMetric(float64(b.N*d.Rows())/time.Since(t0).Seconds(), "rows/s")
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
