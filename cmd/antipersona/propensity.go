package main

import (
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/config"
	"github.com/antipersona/antipersona/ingest"
	"github.com/antipersona/antipersona/persona"
	"github.com/antipersona/antipersona/propensity"
)

// storedModel is the propensity model a build stores (meta
// propensity_model): the trees, the calibration, the columns the model reads
// with their trait types and levels, and its evaluation.
type storedModel struct {
	Outcome    string           `json:"outcome"`
	Features   []modelColumn    `json:"features"`
	GBDT       *propensity.GBDT `json:"gbdt"`
	Platt      propensity.Platt `json:"calibration"`
	Evaluation modelEvaluation  `json:"evaluation"`
	TrainedAt  time.Time        `json:"trained_at"`
	Build      int64            `json:"build"`
}

// modelColumn is one contact trait the model reads.
type modelColumn struct {
	Ident  string   `json:"ident"`
	Name   string   `json:"name"`
	Type   string   `json:"type"`
	Levels []string `json:"levels,omitempty"`
}

type modelEvaluation struct {
	Split       string                      `json:"split"` // time or stratified
	TrainRows   int                         `json:"train_rows"`
	CalibRows   int                         `json:"calibration_rows"`
	TestRows    int                         `json:"test_rows"`
	BaseRate    float64                     `json:"base_rate"`
	Boosting    modelScores                 `json:"gradient_boosting"`
	Logistic    modelScores                 `json:"logistic_regression"`
	Calibration []propensity.CalibrationBin `json:"calibration_table"`
	Importance  []propensity.Contribution   `json:"importance"`
	Trees       int                         `json:"trees"`
}

type modelScores struct {
	ROCAUC          float64 `json:"roc_auc"`
	PRAUC           float64 `json:"pr_auc"`
	Brier           float64 `json:"brier"`
	BrierCalibrated float64 `json:"brier_calibrated,omitempty"`
}

// modelInput is what the propensity model learns from: its columns, the
// model data, the outcome and first_seen_at of every contact.
type modelInput struct {
	cols []modelColumn
	d    *propensity.Data
	y    []bool
	seen []time.Time
}

// modelInputFromColumns turns the traits the personas read (persona.Column,
// rows ordered by contact_id as ScanFeatures orders them) into the model's
// table (see modelColumn.numeric), without reading the store again:
// numbers and dates (as days since 1970) stay numbers, a multi-valued trait
// becomes one 0/1 column per level among its maxMultiLevels most frequent,
// categories and booleans are categorical (their levels in
// columns[j].Levels, grown as met); free text and identifiers are not used.
// TestModelInputFromColumns checks it against the same table read from the
// store.
func modelInputFromColumns(traits []persona.Column, y []bool, seen []time.Time) *modelInput {
	var cols []modelColumn
	var src []persona.Column
	for _, c := range traits {
		switch c.Type {
		case antipersona.TraitNumber, antipersona.TraitCategory, antipersona.TraitBoolean, antipersona.TraitDate, antipersona.TraitMulti:
			cols = append(cols, modelColumn{Ident: c.Ident, Name: c.Name, Type: string(c.Type)})
			src = append(src, c)
		}
	}
	order := make([]int, len(cols))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return boolInt(!cols[a].numeric()) - boolInt(!cols[b].numeric()) })
	cols, src = propensity.Pick(cols, order), propensity.Pick(src, order)
	for j, c := range src {
		if c.Type == antipersona.TraitMulti {
			count := map[string]int{}
			for _, l := range c.List {
				for _, v := range l {
					count[v]++
				}
			}
			cols[j].Levels = topLevels(count)
		}
	}
	d := newModelData(cols)
	codes := make([]map[string]int32, len(cols))
	vals := make([]any, len(cols))
	for i := range y {
		for j, c := range src {
			vals[j] = nil
			switch c.Type {
			case antipersona.TraitNumber:
				if !math.IsNaN(c.Num[i]) {
					vals[j] = c.Num[i]
				}
			case antipersona.TraitDate:
				if !math.IsNaN(c.Num[i]) {
					vals[j] = time.Unix(int64(c.Num[i]), 0)
				}
			case antipersona.TraitBoolean:
				if !math.IsNaN(c.Num[i]) {
					vals[j] = c.Num[i] == 1
				}
			case antipersona.TraitMulti:
				if c.List[i] != nil {
					vals[j] = c.List[i]
				}
			default:
				if c.Str[i] != "" {
					vals[j] = c.Str[i]
				}
			}
		}
		addModelRow(d, cols, codes, vals)
	}
	return &modelInput{cols: cols, d: d, y: y, seen: seen}
}

// topLevels returns the most frequent levels, most frequent first (ties by
// name), at most maxMultiLevels of them.
func topLevels(count map[string]int) []string {
	levels := slices.Collect(maps.Keys(count))
	slices.SortFunc(levels, func(a, b string) int { return cmp.Or(count[b]-count[a], strings.Compare(a, b)) })
	return levels[:min(maxMultiLevels, len(levels))]
}

// maxMultiLevels caps the 0/1 columns of a multi-valued trait.
const maxMultiLevels = 20

// numeric reports whether the column gives numeric model features.
func (c modelColumn) numeric() bool {
	switch antipersona.TraitType(c.Type) {
	case antipersona.TraitNumber, antipersona.TraitDate, antipersona.TraitMulti:
		return true
	}
	return false
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// newModelData returns an empty table with the model features of cols:
// one numeric column per number or date, one per level of a multi-valued
// trait (named ident=level), one categorical column per category.
func newModelData(cols []modelColumn) *propensity.Data {
	d := &propensity.Data{}
	for _, c := range cols {
		switch {
		case c.Type == string(antipersona.TraitMulti):
			for _, l := range c.Levels {
				d.Num, d.NumNames = append(d.Num, nil), append(d.NumNames, c.Ident+"="+l)
			}
		case c.numeric():
			d.Num, d.NumNames = append(d.Num, nil), append(d.NumNames, c.Ident)
		default:
			d.Cat, d.CatNames, d.Levels = append(d.Cat, nil), append(d.CatNames, c.Ident), append(d.Levels, slices.Clone(c.Levels))
		}
	}
	return d
}

// modelFeatureNames are the display names of d's features, in its order.
func modelFeatureNames(cols []modelColumn) []string {
	var num, cat []string
	for _, c := range cols {
		switch {
		case c.Type == string(antipersona.TraitMulti):
			for _, l := range c.Levels {
				num = append(num, c.Name+"="+l)
			}
		case c.numeric():
			num = append(num, c.Name)
		default:
			cat = append(cat, c.Name)
		}
	}
	return append(num, cat...)
}

// addModelRow appends one row of values (in cols' order) to d. A category
// not in codes[j] gets the next code and joins the levels: in training
// that is how levels are found; in scoring, a level past the model's is
// one it never saw, which it scores as missing.
func addModelRow(d *propensity.Data, cols []modelColumn, codes []map[string]int32, vals []any) {
	ni, ci := 0, 0
	for j, c := range cols {
		v := vals[j]
		switch {
		case c.Type == string(antipersona.TraitMulti):
			l, _ := plainValue(v).([]string)
			for _, level := range c.Levels {
				f := math.NaN()
				if v != nil {
					f = float64(boolInt(slices.Contains(l, level)))
				}
				d.Num[ni] = append(d.Num[ni], f)
				ni++
			}
			continue
		case c.numeric():
			f := math.NaN()
			switch x := plainValue(v).(type) {
			case float64:
				f = x
			case time.Time:
				f = float64(x.Unix()) / 86400
			}
			d.Num[ni] = append(d.Num[ni], f)
			ni++
			continue
		}
		k := ci
		ci++
		if v == nil {
			d.Cat[k] = append(d.Cat[k], -1)
			continue
		}
		s := fmt.Sprint(v)
		if codes[j] == nil {
			codes[j] = map[string]int32{}
			for i, l := range d.Levels[k] {
				codes[j][l] = int32(i)
			}
		}
		code, ok := codes[j][s]
		if !ok {
			code = int32(len(d.Levels[k]))
			codes[j][s] = code
			d.Levels[k] = append(d.Levels[k], s)
		}
		d.Cat[k] = append(d.Cat[k], code)
	}
}

// trainPropensity trains the propensity model of the outcome (converted:
// the CRM's outcome, else having bought) on the contacts' traits, evaluates
// it on a holdout (the latest 25 % of contacts by first_seen_at when
// nearly all have one, else a stratified 25 %) and stores it. It returns
// "" and a reason when there is nothing to train.
// in is the input buildPersonas made from the traits it read. It returns
// the model it stored (nil without one).
func (m *Main) trainPropensity(ctx context.Context, s store, build int64, in *modelInput) (string, *storedModel, error) {
	cols, d, y, seen := in.cols, in.d, in.y, in.seen
	t0 := time.Now()
	if len(cols) == 0 {
		return "no contact traits to learn from", nil, s.SetMeta(ctx, "propensity_model", "")
	}
	pos := 0
	for _, v := range y {
		if v {
			pos++
		}
	}
	if pos < 20 || len(y)-pos < 20 {
		return fmt.Sprintf("%d converted and %d not: too few of one to learn", pos, len(y)-pos), nil, s.SetMeta(ctx, "propensity_model", "")
	}
	trainRows, testRows, split := propensity.Holdout(y, seen, 0.25, 1)
	// The last fifth of the training rows (in the same manner) calibrates.
	fitIdx, calIdx, _ := propensity.Holdout(propensity.Pick(y, trainRows), propensity.Pick(seen, trainRows), 0.2, 1)
	fitRows, calRows := propensity.Pick(trainRows, fitIdx), propensity.Pick(trainRows, calIdx)
	// At most gbRows of the training rows (evenly spaced, so a time split
	// keeps its spread of dates) fit the boosted trees, and at most lrRows
	// the logistic regression, the baseline of the evaluation.
	fitRows = propensity.Pick(fitRows, spaced(len(fitRows), gbRows))
	fd, fy := d.Subset(fitRows), propensity.Pick(y, fitRows)
	gb, err := propensity.FitGBDT(fd, fy, propensity.GBDTOptions{})
	if err != nil {
		return err.Error(), nil, nil
	}
	tFit := time.Since(t0)
	t0 = time.Now()
	sub := spaced(len(fitRows), lrRows)
	ld, ly := fd.Subset(sub), propensity.Pick(fy, sub)
	lr, err := propensity.FitLogistic(ld, ly, propensity.LogisticOptions{})
	if err != nil {
		return err.Error(), nil, nil
	}
	tLR := time.Since(t0)
	t0 = time.Now()
	platt := propensity.FitPlatt(propensity.Pick(y, calRows), gb.Predict(d.Subset(calRows)))
	td, ty := d.Subset(testRows), propensity.Pick(y, testRows)
	pg, pl := gb.Predict(td), lr.Predict(td)
	pc := make([]float64, len(pg))
	for i, p := range pg {
		pc[i] = platt.Apply(p)
	}
	ci := 0
	for j, c := range cols {
		if !c.numeric() {
			cols[j].Levels = d.Levels[ci]
			ci++
		}
	}
	ev := modelEvaluation{Split: split, TrainRows: len(fitRows), CalibRows: len(calRows), TestRows: len(testRows),
		BaseRate: float64(pos) / float64(len(y)), Trees: gb.Iterations,
		Boosting:    modelScores{ROCAUC: propensity.ROCAUC(ty, pg), PRAUC: propensity.AveragePrecision(ty, pg), Brier: propensity.Brier(ty, pg), BrierCalibrated: propensity.Brier(ty, pc)},
		Logistic:    modelScores{ROCAUC: propensity.ROCAUC(ty, pl), PRAUC: propensity.AveragePrecision(ty, pl), Brier: propensity.Brier(ty, pl)},
		Calibration: propensity.Calibration(ty, pc, 10), Importance: gb.Importance()}
	ev.Importance = ev.Importance[:min(10, len(ev.Importance))]
	m.logger.Debug("propensity phases", "split_and_trees_seconds", tFit.Seconds(), "logistic_seconds", tLR.Seconds(),
		"evaluation_seconds", time.Since(t0).Seconds(), "trees", gb.Iterations, "train_rows", len(fitRows))
	sm := storedModel{Outcome: "converted", Features: cols, GBDT: gb, Platt: platt, Evaluation: ev, TrainedAt: m.Now().UTC(), Build: build}
	js, err := json.Marshal(sm)
	if err != nil {
		return "", nil, err
	}
	return "", &sm, s.SetMeta(ctx, "propensity_model", string(js))
}

// gbRows caps the rows that fit the boosted trees and lrRows those that fit
// the baseline logistic regression. Past a few hundred thousand rows more
// rows hardly change the model of a few dozen traits, and the build at a
// million contacts stays within its time (BENCHMARKS.md).
const (
	gbRows = 200_000
	lrRows = 100_000
)

// spaced returns up to most indexes of 0..n-1, evenly spaced; all of them
// when n <= most.
func spaced(n, most int) []int {
	step := max(1, (n+most-1)/most)
	out := make([]int, 0, min(n, most))
	for i := 0; i < n; i += step {
		out = append(out, i)
	}
	return out
}

// predict returns the calibrated probabilities of the rows of d.
func (sm *storedModel) predict(d *propensity.Data) []float64 {
	p := sm.GBDT.Predict(d)
	for i, v := range p {
		p[i] = sm.Platt.Apply(v)
	}
	return p
}

// loadModel reads the stored propensity model.
func loadModel(ctx context.Context, s store) (*storedModel, error) {
	js, err := s.Meta(ctx, "propensity_model")
	if err != nil {
		return nil, err
	}
	if js == "" {
		return nil, antipersona.Errorf(antipersona.ENOTFOUND,
			"no propensity model: run 'antipersona build' on contacts with an outcome (an outcome column or orders) and traits")
	}
	var sm storedModel
	if err := json.Unmarshal([]byte(js), &sm); err != nil {
		return nil, fmt.Errorf("stored propensity model: %w", err)
	}
	if sm.GBDT == nil {
		return nil, fmt.Errorf("stored propensity model: no trees")
	}
	return &sm, nil
}

func (m *Main) modelCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "model",
		Short: "Show the propensity model of the last build and how well it predicts",
		Long: `model prints the evaluation of the propensity model that build trained on the contacts'
traits to predict conversion (the CRM's outcome column, else having bought):
gradient-boosted trees against a logistic regression on the same holdout (the latest
25 % of contacts by first_seen_at, or a stratified 25 % when dates are missing), with
ROC AUC, PR AUC, Brier score before and after calibration, the calibration table and
the features that matter most. The last fifth of the training contacts calibrates the
probabilities; of the rest, at most 200,000 (evenly spaced) train the trees and at most
100,000 the logistic regression. The number of trees (at most 100) is chosen on a
stratified tenth of the training rows held out when there are more than 10,000 of them,
else by 5-fold cross-validation (from 500 rows and 50 of each outcome; below, all
100).`,
		Example: `  antipersona model
  antipersona model --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, s, err := m.openWorkspace(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			sm, err := loadModel(cmd.Context(), s)
			if err != nil {
				return err
			}
			if m.jsonOut {
				return m.printJSON(struct {
					Outcome    string          `json:"outcome"`
					Build      int64           `json:"build"`
					Features   []modelColumn   `json:"features"`
					Evaluation modelEvaluation `json:"evaluation"`
				}{sm.Outcome, sm.Build, sm.Features, sm.Evaluation})
			}
			e := sm.Evaluation
			out := m.Stdout
			fmt.Fprintf(out, "Propensity to convert (build #%d), %d features, %d trees\n", sm.Build, len(sm.Features), e.Trees)
			fmt.Fprintf(out, "  split %s: %d train, %d calibration, %d test; base rate %.1f%%\n\n", e.Split, e.TrainRows, e.CalibRows, e.TestRows, 100*e.BaseRate)
			tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintf(tw, "model\tROC AUC\tPR AUC\tBrier\tcalibrated\t\n")
			fmt.Fprintf(tw, "gradient boosting\t%.3f\t%.3f\t%.4f\t%.4f\t\n", e.Boosting.ROCAUC, e.Boosting.PRAUC, e.Boosting.Brier, e.Boosting.BrierCalibrated)
			fmt.Fprintf(tw, "logistic regression\t%.3f\t%.3f\t%.4f\t\t\n", e.Logistic.ROCAUC, e.Logistic.PRAUC, e.Logistic.Brier)
			tw.Flush()
			fmt.Fprintf(out, "\nCalibration (test rows):\n")
			tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintf(tw, "score\trows\tmean score\tobserved\t\n")
			for _, b := range e.Calibration {
				fmt.Fprintf(tw, "%.1f-%.1f\t%d\t%.3f\t%.3f\t\n", b.Lo, b.Hi, b.Rows, b.MeanScore, b.Observed)
			}
			tw.Flush()
			fmt.Fprintf(out, "\nMost important features (share of split gain):\n")
			for _, c := range e.Importance {
				fmt.Fprintf(out, "  %-30s %5.1f%%\n", featureTitle(sm, c.Feature), 100*c.Value)
			}
			return nil
		},
	}
}

func featureTitle(sm *storedModel, ident string) string {
	for _, c := range sm.Features {
		if c.Ident == ident {
			return c.Name
		}
	}
	return ident
}

// scoredContact is one row of score's output.
type scoredContact struct {
	ID          string                    `json:"contact_id"`
	Probability float64                   `json:"probability"`
	Reasons     []propensity.Contribution `json:"reasons"`
}

func (m *Main) scoreCommand() *cobra.Command {
	var format, out, idCol, delimiter string
	cmd := &cobra.Command{
		Use:   "score FILE",
		Short: "Score new contacts with the stored propensity model",
		Long: `score reads contacts (CSV/TSV, JSON Lines or Parquet, the same columns as the contacts the
model was trained on; an outcome column is ignored) and prints each one's calibrated
probability to convert with the three features that pushed it most (log-odds, + up,
- down). A column the model needs but the file lacks is scored as missing, and so is
a category the model never saw; both are reported. Bad rows go to rejects/.`,
		Example: `  antipersona score new_leads.csv
  antipersona score new_leads.csv --format csv --out scores.csv
  antipersona score new_leads.jsonl --json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usage(cmd, "expected one FILE")
			}
			if format != "table" && format != "csv" && format != "json" {
				return usage(cmd, "--format must be table, csv or json")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return m.runScore(cmd.Context(), args[0], format, out, idCol, delimiter)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&format, "format", "table", "table, csv or json")
	fl.StringVar(&out, "out", "", "write to this file instead of stdout")
	fl.StringVar(&idCol, "id-col", "", "the id column (default: contact_id, id, userId or customer_id; else line numbers)")
	fl.StringVar(&delimiter, "delimiter", "", "CSV delimiter (default: detected)")
	return cmd
}

// scoreInput reads a contacts file into the stored model's input columns
// (what the model never saw scored as missing, and said so), with the
// contacts' ids.
func (m *Main) scoreInput(ctx context.Context, cfg config.Config, sm *storedModel, file, idCol, delimiter string) (*propensity.Data, []string, error) {
	var err error
	opts := ingest.Options{Kind: antipersona.KindContacts, IDColumn: idCol, LineIDs: true,
		MissingValues: cfg.Ingest.MissingValues, SampleRows: cfg.Ingest.SampleRows}
	if delimiter != "" {
		if opts.Delimiter, err = parseDelimiter(delimiter); err != nil {
			return nil, nil, err
		}
	}
	sink, _, err := m.readFlatFile(ctx, file, opts)
	if err != nil {
		return nil, nil, err
	}
	// The file's columns by ident.
	at := map[string]int{}
	for i, t := range sink.traits {
		at[t.Ident] = i
	}
	d := newModelData(sm.Features)
	codes := make([]map[string]int32, len(sm.Features))
	var missingCols []string
	for _, c := range sm.Features {
		if _, ok := at[c.Ident]; !ok {
			missingCols = append(missingCols, c.Name)
		}
	}
	if len(missingCols) > 0 {
		m.info("%s: no column %s: scored as missing", file, strings.Join(missingCols, ", "))
	}
	vals := make([]any, len(sm.Features))
	for _, ct := range sink.contacts {
		for j, c := range sm.Features {
			vals[j] = nil
			i, ok := at[c.Ident]
			if !ok || ct.Values[i].Missing {
				continue
			}
			v := ct.Values[i]
			switch antipersona.TraitType(c.Type) {
			case antipersona.TraitNumber:
				if sink.traits[i].Type == antipersona.TraitNumber {
					vals[j] = v.Num
				} else if f, err := strconv.ParseFloat(strings.TrimSpace(v.Str), 64); err == nil {
					vals[j] = f
				}
			case antipersona.TraitBoolean:
				if sink.traits[i].Type == antipersona.TraitBoolean {
					vals[j] = v.Bool
				} else {
					vals[j] = v.Str
				}
			case antipersona.TraitDate:
				if sink.traits[i].Type == antipersona.TraitDate {
					vals[j] = v.Time
				}
			case antipersona.TraitMulti:
				if sink.traits[i].Type == antipersona.TraitMulti {
					vals[j] = v.List
				} else {
					vals[j] = strings.Split(v.Str, "|")
				}
			default:
				switch sink.traits[i].Type {
				case antipersona.TraitNumber:
					vals[j] = strconv.FormatFloat(v.Num, 'g', -1, 64)
				case antipersona.TraitBoolean:
					vals[j] = v.Bool
				default:
					vals[j] = v.Str
				}
			}
		}
		addModelRow(d, sm.Features, codes, vals)
	}
	// Levels the model never saw, per categorical column.
	ci := 0
	for _, c := range sm.Features {
		if c.numeric() {
			continue
		}
		if extra := d.Levels[ci][len(c.Levels):]; len(extra) > 0 {
			m.info("%s: %s has %d values the model never saw (scored as missing): %s", file, c.Name, len(extra),
				strings.Join(extra[:min(5, len(extra))], ", "))
		}
		ci++
	}
	ids := make([]string, len(sink.contacts))
	for i, ct := range sink.contacts {
		ids[i] = ct.ID
	}
	return d, ids, nil
}

func (m *Main) runScore(ctx context.Context, file, format, outPath, idCol, delimiter string) error {
	cfg, s, err := m.openWorkspace(ctx)
	if err != nil {
		return err
	}
	sm, err := loadModel(ctx, s)
	s.Close()
	if err != nil {
		return err
	}
	d, ids, err := m.scoreInput(ctx, cfg, sm, file, idCol, delimiter)
	if err != nil {
		return err
	}
	n := len(ids)
	scored := make([]scoredContact, n)
	if n > 0 {
		names := modelFeatureNames(sm.Features)
		// Each contact's walk through the trees, on both cores.
		var wg sync.WaitGroup
		for part := range 2 {
			wg.Go(func() {
				for i := part; i < n; i += 2 {
					p, contrib := sm.GBDT.PredictExplain(d, i)
					scored[i] = scoredContact{ID: ids[i], Probability: sm.Platt.Apply(p),
						Reasons: propensity.TopContributions(names, contrib, 3)}
				}
			})
		}
		wg.Wait()
	}
	w := m.Stdout
	if outPath != "" {
		f, err := os.Create(outPath)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	switch {
	case format == "json" || m.jsonOut:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(scored)
	case format == "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"contact_id", "probability", "reason_1", "reason_2", "reason_3"})
		for _, sc := range scored {
			rec := []string{sc.ID, strconv.FormatFloat(sc.Probability, 'f', 4, 64), "", "", ""}
			for k, r := range sc.Reasons {
				rec[2+k] = fmt.Sprintf("%s (%+.2f)", r.Feature, r.Value)
			}
			cw.Write(rec)
		}
		cw.Flush()
		return cw.Error()
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "contact\tprobability\treasons (log-odds)\n")
	for _, sc := range scored {
		var rs []string
		for _, r := range sc.Reasons {
			rs = append(rs, fmt.Sprintf("%s %+.2f", r.Feature, r.Value))
		}
		fmt.Fprintf(tw, "%s\t%.3f\t%s\n", sc.ID, sc.Probability, strings.Join(rs, "; "))
	}
	return tw.Flush()
}
