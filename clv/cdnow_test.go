package clv

import (
	"bufio"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The published figures checked here are from Fader, Hardie & Lee (2005),
// "Counting your customers the easy way: an alternative to the Pareto/NBD
// model", Marketing Science 24(2) (BG/NBD and Pareto/NBD on the 2,357
// customers of the CDNOW sample, 39-week calibration, time in weeks), and
// Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for
// customer base analysis", JMR 42(4) (Gamma-Gamma on its 946 repeat
// buyers), as quoted in ../shared/datasets/SOURCES.md.

const week = 7 * 24 * time.Hour

func cdnowDir(t testing.TB) string {
	dir := filepath.Join("..", "..", "shared", "datasets", "cdnow")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("CDNOW dataset not found beside the checkout: %v", err)
	}
	return dir
}

// readSummary reads a summary CSV whose header names the columns.
func readSummary(t testing.TB, path string, cols ...string) [][]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	idx := map[string]int{}
	for i, h := range recs[0] {
		idx[h] = i
	}
	out := make([][]float64, len(cols))
	for _, r := range recs[1:] {
		for j, c := range cols {
			v, err := strconv.ParseFloat(r[idx[c]], 64)
			if err != nil {
				t.Fatal(err)
			}
			out[j] = append(out[j], v)
		}
	}
	return out
}

// readSampleTransactions reads CDNOW_sample.txt: master id, sample id,
// date (YYYYMMDD), CDs, dollars, separated by spaces.
func readSampleTransactions(t testing.TB, path string) []Transaction {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Transaction
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) != 5 {
			continue
		}
		d, err := time.Parse("20060102", fs[2])
		if err != nil {
			t.Fatal(err)
		}
		v, err := strconv.ParseFloat(fs[4], 64)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, Transaction{ID: fs[1], Time: d, Value: v})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func within(t *testing.T, name string, got, want, rel float64) {
	t.Helper()
	if !(math.Abs(got-want) <= rel*math.Abs(want)) { // NaN fails too
		t.Errorf("%s = %.5g, want %.5g within %.2g %%", name, got, want, rel*100)
	}
}

func TestBGNBDCDNOW(t *testing.T) {
	s := readSummary(t, filepath.Join(cdnowDir(t), "cdnow_customers_summary.csv"), "frequency", "recency", "T")
	m, fit, err := FitBGNBD(s[0], s[1], s[2], Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%v LL %.2f (%d evaluations)", m, fit.LogLikelihood, fit.Evaluations)
	within(t, "r", m.R, 0.243, 0.01)
	within(t, "alpha", m.Alpha, 4.414, 0.01)
	within(t, "a", m.A, 0.793, 0.01)
	within(t, "b", m.B, 2.426, 0.01)
	within(t, "LL", fit.LogLikelihood, -9582.4, 0.0001)
	// The paper's worked example: x = 2, tx = 30.43, T = 38.86, 39 weeks.
	within(t, "E[Y(39)]", m.ExpectedPurchases(39, 2, 30.43, 38.86), 1.226, 0.005)
	// At the published parameters the likelihood is the published one.
	pub := BGNBD{0.243, 4.414, 0.793, 2.426}
	within(t, "LL at the published parameters", pub.LogLikelihood(s[0], s[1], s[2]), -9582.4, 0.0001)
	within(t, "E[Y(39)] at the published parameters", pub.ExpectedPurchases(39, 2, 30.43, 38.86), 1.226, 0.002)
}

func TestParetoNBDCDNOW(t *testing.T) {
	s := readSummary(t, filepath.Join(cdnowDir(t), "cdnow_customers_summary.csv"), "frequency", "recency", "T")
	m, fit, err := FitParetoNBD(s[0], s[1], s[2], Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%v LL %.2f (%d evaluations)", m, fit.LogLikelihood, fit.Evaluations)
	within(t, "r", m.R, 0.553, 0.01)
	within(t, "alpha", m.Alpha, 10.578, 0.01)
	within(t, "s", m.S, 0.606, 0.01)
	within(t, "beta", m.Beta, 11.669, 0.01)
	within(t, "LL", fit.LogLikelihood, -9595.0, 0.0001)
	pub := ParetoNBD{0.553, 10.578, 0.606, 11.669}
	within(t, "LL at the published parameters", pub.LogLikelihood(s[0], s[1], s[2]), -9595.0, 0.0001)
}

func TestGammaGammaCDNOW(t *testing.T) {
	s := readSummary(t, filepath.Join(cdnowDir(t), "cdnow_customers_summary_with_transactions.csv"), "x", "zbar")
	m, fit, err := FitGammaGamma(s[0], s[1], Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%v LL %.2f on %d repeat buyers", m, fit.LogLikelihood, fit.N)
	if fit.N != 946 {
		t.Errorf("fitted on %d customers, want the 946 repeat buyers", fit.N)
	}
	within(t, "p", m.P, 6.25, 0.01)
	within(t, "q", m.Q, 3.74, 0.01)
	within(t, "gamma", m.Gamma, 15.44, 0.01)
	within(t, "LL", fit.LogLikelihood, -4055.92, 0.0001)
}

// TestSummarizeCDNOW builds the summary from the raw sample transactions
// (39-week calibration ending 1997-09-30) and checks it equals the
// published summary file, customer by customer, and that fits on it give
// the published parameters.
func TestSummarizeCDNOW(t *testing.T) {
	dir := cdnowDir(t)
	txs := readSampleTransactions(t, filepath.Join(dir, "CDNOW_sample.txt"))
	s := Summarize(txs, time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC), week)
	want := readSummary(t, filepath.Join(dir, "cdnow_customers_summary_with_transactions.csv"), "ID", "x", "t_x", "T", "zbar")
	if s.Len() != len(want[0]) {
		t.Fatalf("%d customers, want %d", s.Len(), len(want[0]))
	}
	byID := map[string]int{}
	for i, id := range s.IDs {
		byID[id] = i
	}
	bad := 0
	for k := range want[0] {
		id := strconv.Itoa(int(want[0][k]))
		i, ok := byID[strings.Repeat("0", 4-len(id))+id]
		if !ok {
			t.Fatalf("customer %s missing", id)
		}
		// The file rounds to two decimals.
		if s.X[i] != want[1][k] || math.Abs(s.Tx[i]-want[2][k]) > 0.005 || math.Abs(s.T[i]-want[3][k]) > 0.005 ||
			math.Abs(s.Z[i]-want[4][k]) > 0.005+1e-9 {
			if bad++; bad <= 5 {
				t.Errorf("customer %s: got x %v tx %.4f T %.4f z %.4f, want %v %v %v %v", id, s.X[i], s.Tx[i], s.T[i], s.Z[i],
					want[1][k], want[2][k], want[3][k], want[4][k])
			}
		}
	}
	m, fit, err := FitBGNBD(s.X, s.Tx, s.T, Options{})
	if err != nil {
		t.Fatal(err)
	}
	within(t, "r (raw)", m.R, 0.243, 0.01)
	within(t, "alpha (raw)", m.Alpha, 4.414, 0.01)
	within(t, "a (raw)", m.A, 0.793, 0.01)
	within(t, "b (raw)", m.B, 2.426, 0.01)
	within(t, "LL (raw)", fit.LogLikelihood, -9582.4, 0.0005)
	p, pfit, err := FitParetoNBD(s.X, s.Tx, s.T, Options{})
	if err != nil {
		t.Fatal(err)
	}
	within(t, "r (raw, Pareto/NBD)", p.R, 0.553, 0.01)
	within(t, "alpha (raw, Pareto/NBD)", p.Alpha, 10.578, 0.01)
	within(t, "s (raw, Pareto/NBD)", p.S, 0.606, 0.01)
	within(t, "beta (raw, Pareto/NBD)", p.Beta, 11.669, 0.01)
	within(t, "LL (raw, Pareto/NBD)", pfit.LogLikelihood, -9595.0, 0.0005)
	g, _, err := FitGammaGamma(s.X, s.Z, Options{})
	if err != nil {
		t.Fatal(err)
	}
	within(t, "p (raw)", g.P, 6.25, 0.01)
	within(t, "q (raw)", g.Q, 3.74, 0.01)
	within(t, "gamma (raw)", g.Gamma, 15.44, 0.01)
}
