package subgroup

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"testing"
)

// readCSV reads a whole CSV file.
func readCSV(t testing.TB, path string) [][]string {
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
	return recs
}

// loadFixture reads testdata/fixture.csv (made by testdata/make_fixture.py).
func loadFixture(t testing.TB) (*Table, []bool, []float64) {
	t.Helper()
	recs := readCSV(t, "testdata/fixture.csv")
	head, rows := recs[0], recs[1:]
	col := func(name string) []string {
		for j, h := range head {
			if h == name {
				out := make([]string, len(rows))
				for i, r := range rows {
					out[i] = r[j]
				}
				return out
			}
		}
		t.Fatalf("fixture has no column %q", name)
		return nil
	}
	num := func(name string) []float64 {
		s := col(name)
		out := make([]float64, len(s))
		for i, v := range s {
			if v == "" {
				out[i] = math.NaN()
				continue
			}
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			out[i] = x
		}
		return out
	}
	tab, err := NewTable(
		NewNominal("occupation", col("occupation")),
		NewNominal("source", col("source")),
		NewNominal("city", col("city")),
		NewNumeric("age", num("age")),
		NewNumeric("income", num("income")),
		NewNumeric("visits", num("visits")),
	)
	if err != nil {
		t.Fatal(err)
	}
	bought := make([]bool, len(rows))
	for i, v := range col("bought") {
		bought[i] = v == "1"
	}
	return tab, bought, num("profit")
}

type goldenRow map[string]string

func loadGolden(t *testing.T) map[string]goldenRow {
	t.Helper()
	recs := readCSV(t, "testdata/golden_depth2.csv")
	out := map[string]goldenRow{}
	for _, r := range recs[1:] {
		g := goldenRow{}
		for j, h := range recs[0] {
			g[h] = r[j]
		}
		out[g["description"]] = g
	}
	return out
}

// close reports whether got matches the reference within a relative
// tolerance (absolute for values near zero).
func closeTo(got float64, want string, tol float64) bool {
	if want == "" {
		return math.IsNaN(got)
	}
	w, err := strconv.ParseFloat(want, 64)
	if err != nil {
		return false
	}
	return math.Abs(got-w) <= tol*math.Max(1e-12, math.Abs(w))+1e-15
}

// TestGoldenDepth2 compares every conjunction of one or two selectors, as
// enumerated by Discover with All, with the independent pandas/scipy
// enumeration in testdata/reference.py (golden_depth2.csv): the selectors
// (quantile edges included), sizes, positives, qualities, exact binomial
// and Welch p-values, and Holm and Benjamini-Hochberg adjustments over all
// the candidates.
func TestGoldenDepth2(t *testing.T) {
	tab, bought, profit := loadFixture(t)
	golden := loadGolden(t)
	opt := Options{Depth: 2, Bins: 4, MinSize: 20, MinSupport: 1e-9, All: true}
	type run struct {
		name   string
		target Target
		opt    func(*Options)
		check  func(r Result, g goldenRow) []string // failing fields
	}
	num := func(got float64, g goldenRow, field string, tol float64) []string {
		if !closeTo(got, g[field], tol) {
			return []string{field + ": got " + strconv.FormatFloat(got, 'g', 17, 64) + " want " + g[field]}
		}
		return nil
	}
	runs := []run{
		{"binary above holm", Target{Binary: bought}, func(o *Options) {}, func(r Result, g goldenRow) []string {
			var bad []string
			if strconv.Itoa(r.Size) != g["size"] || strconv.Itoa(r.Positives) != g["positives"] {
				bad = append(bad, "size/positives: got "+strconv.Itoa(r.Size)+"/"+strconv.Itoa(r.Positives)+" want "+g["size"]+"/"+g["positives"])
			}
			bad = append(bad, num(r.Quality, g, "wracc_above", 1e-9)...)
			bad = append(bad, num(r.PValue, g, "p_above", 1e-9)...)
			bad = append(bad, num(r.PAdjusted, g, "holm_above", 1e-9)...)
			return bad
		}},
		{"binary below holm", Target{Binary: bought}, func(o *Options) { o.Direction = Below }, func(r Result, g goldenRow) []string {
			return append(append(num(r.Quality, g, "wracc_below", 1e-9), num(r.PValue, g, "p_below", 1e-9)...), num(r.PAdjusted, g, "holm_below", 1e-9)...)
		}},
		{"binary above bh", Target{Binary: bought}, func(o *Options) { o.Correction = BenjaminiHochberg }, func(r Result, g goldenRow) []string {
			return num(r.PAdjusted, g, "bh_above", 1e-9)
		}},
		{"numeric impact", Target{Numeric: profit}, func(o *Options) {}, func(r Result, g goldenRow) []string {
			// Welch's test goes through the Student t distribution of gonum
			// and of scipy: agreement to 1e-7 relative.
			return append(append(num(r.Mean, g, "mean_profit", 1e-9), num(r.Quality, g, "impact", 1e-9)...), num(r.PValue, g, "p_profit_above", 1e-7)...)
		}},
	}
	for _, rn := range runs {
		t.Run(rn.name, func(t *testing.T) {
			o := opt
			rn.opt(&o)
			res, st, err := Discover(context.Background(), tab, rn.target, o)
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != len(golden) || st.Tested != len(golden) {
				t.Errorf("candidates: got %d (tested %d), reference has %d", len(res), st.Tested, len(golden))
			}
			fails := 0
			for _, r := range res {
				g, ok := golden[r.Description]
				if !ok {
					t.Errorf("%q: not in the reference", r.Description)
					fails++
					continue
				}
				if bad := rn.check(r, g); len(bad) > 0 {
					t.Errorf("%q: %v", r.Description, bad)
					fails++
				}
				if fails > 10 {
					t.Fatal("too many differences")
				}
			}
		})
	}
}
