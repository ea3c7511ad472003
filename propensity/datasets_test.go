package propensity

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const datasets = "../../shared/datasets"

// loadCSV reads a dataset the way the reference script's pandas does: a
// column whose non-empty values all parse as numbers is numeric, any other
// is categorical; an empty value is missing. It returns the data (without
// the target and the dropped columns, in file order) and the outcome.
func loadCSV(t testing.TB, path string, comma rune, target string, drop func(string) bool) (*Data, []bool) {
	return loadTable(t, path, comma, target, drop, func(string) bool { return false })
}

// loadCSVCat reads a comma-separated table in which the columns cat names
// are categorical whatever their values.
func loadCSVCat(t testing.TB, path, target string, cat func(string) bool) (*Data, []bool) {
	return loadTable(t, path, ',', target, func(string) bool { return false }, cat)
}

func loadTable(t testing.TB, path string, comma rune, target string, drop, cat func(string) bool) (*Data, []bool) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("dataset not found beside the checkout: %v", err)
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	r.Comma, r.FieldsPerRecord = comma, -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head, rows := recs[0], recs[1:]
	d := &Data{}
	var y []bool
	for j, name := range head {
		if name == "" || drop(name) {
			continue
		}
		vals := make([]string, len(rows))
		numeric := true
		for i, rec := range rows {
			if j < len(rec) {
				vals[i] = strings.TrimSpace(rec[j])
			}
			if _, err := strconv.ParseFloat(vals[i], 64); vals[i] != "" && err != nil {
				numeric = false
			}
		}
		if name == target {
			for _, v := range vals {
				y = append(y, v == "1")
			}
			continue
		}
		if numeric && !cat(name) {
			col := make([]float64, len(vals))
			for i, v := range vals {
				col[i] = math.NaN()
				if v != "" {
					col[i], _ = strconv.ParseFloat(v, 64)
				}
			}
			d.Num, d.NumNames = append(d.Num, col), append(d.NumNames, name)
			continue
		}
		codes := map[string]int32{}
		var levels []string
		col := make([]int32, len(vals))
		for i, v := range vals {
			if v == "" {
				col[i] = -1
				continue
			}
			c, ok := codes[v]
			if !ok {
				c = int32(len(levels))
				codes[v] = c
				levels = append(levels, v)
			}
			col[i] = c
		}
		d.Cat, d.CatNames, d.Levels = append(d.Cat, col), append(d.CatNames, name), append(d.Levels, levels)
	}
	return d, y
}

func leads(t testing.TB) (*Data, []bool) {
	leak := []string{"Prospect ID", "Lead Number", "Tags", "Lead Quality", "Lead Profile", "Last Activity", "Last Notable Activity"}
	return loadCSV(t, filepath.Join(datasets, "leads", "Leads.csv"), ',', "Converted", func(c string) bool {
		return slices.Contains(leak, c) || strings.HasPrefix(c, "Asymmetrique")
	})
}

func customerPersonality(t testing.TB) (*Data, []bool) {
	return loadCSV(t, filepath.Join(datasets, "customer_personality", "marketing_campaign.csv"), '\t', "Response", func(c string) bool {
		return c == "ID" || c == "Dt_Customer" || strings.HasPrefix(c, "Z_")
	})
}

// holdout splits the rows into the reference script's training and test
// rows (testdata/<name>_test_rows.txt).
func holdout(t testing.TB, name string, n int) (train, test []int) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+"_test_rows.txt"))
	if err != nil {
		t.Fatal(err)
	}
	isTest := make([]bool, n)
	for _, f := range strings.Fields(string(b)) {
		i, err := strconv.Atoi(f)
		if err != nil || i >= n {
			t.Fatalf("bad test row %q", f)
		}
		isTest[i] = true
	}
	for i, v := range isTest {
		if v {
			test = append(test, i)
		} else {
			train = append(train, i)
		}
	}
	return train, test
}

func reference(t testing.TB, name, model string) float64 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref map[string]json.RawMessage
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	var m map[string]float64
	if err := json.Unmarshal(ref[name], &m); err != nil {
		t.Fatal(err)
	}
	return m[model]
}

// TestAgainstScikitLearn trains both models on the reference script's
// training rows and checks their ROC AUC on its holdout against
// scikit-learn's on the same rows (testdata/reference.json, made by
// testdata/reference.py).
func TestAgainstScikitLearn(t *testing.T) {
	for _, c := range []struct {
		name string
		load func(testing.TB) (*Data, []bool)
	}{{"leads", leads}, {"customer_personality", customerPersonality}} {
		d, y := c.load(t)
		train, test := holdout(t, c.name, d.Rows())
		td, ty := d.Subset(train), Pick(y, train)
		hd, hy := d.Subset(test), Pick(y, test)
		gb, err := FitGBDT(td, ty, GBDTOptions{})
		if err != nil {
			t.Fatal(err)
		}
		auc := ROCAUC(hy, gb.Predict(hd))
		want := reference(t, c.name, "hist_gradient_boosting")
		t.Logf("%s: gradient boosting ROC AUC %.4f (scikit-learn %.4f), %d trees", c.name, auc, want, gb.Iterations)
		// At least scikit-learn's, with the defaults (on these small tables
		// the number of trees comes from 5-fold cross-validation; before
		// that, 100 trees as scikit-learn's gave 0.8660 on Leads).
		if auc < want {
			t.Errorf("%s: gradient boosting ROC AUC %.4f below scikit-learn's %.4f", c.name, auc, want)
		}
		lr, err := FitLogistic(td, ty, LogisticOptions{})
		if err != nil {
			t.Fatal(err)
		}
		auc = ROCAUC(hy, lr.Predict(hd))
		want = reference(t, c.name, "logistic_regression")
		t.Logf("%s: logistic regression ROC AUC %.4f (scikit-learn %.4f)", c.name, auc, want)
		if auc < want {
			t.Errorf("%s: logistic regression ROC AUC %.4f below scikit-learn's %.4f", c.name, auc, want)
		}
	}
}
