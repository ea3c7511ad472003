package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/config"
	"github.com/antipersona/antipersona/ingest"
	"github.com/antipersona/antipersona/persona"
	"github.com/antipersona/antipersona/subgroup"
)

// memSink keeps ingested contacts in memory; a later row of the same id
// replaces an earlier one (as in the store).
type memSink struct {
	traits   []antipersona.Trait
	contacts []antipersona.Contact
	index    map[string]int
}

func (s *memSink) WriteBatch(_ context.Context, b *antipersona.Batch) (antipersona.WriteResult, error) {
	var r antipersona.WriteResult
	if s.index == nil {
		s.index = map[string]int{}
	}
	if len(b.Traits) > len(s.traits) {
		s.traits = b.Traits
	}
	for _, c := range b.Contacts {
		if i, ok := s.index[c.ID]; ok {
			s.contacts[i] = c
			r.Updated++
			continue
		}
		s.index[c.ID] = len(s.contacts)
		s.contacts = append(s.contacts, c)
		r.Inserted++
	}
	return r, nil
}

// readFlatFile reads a file of contacts into memory (bad rows go to
// rejects/ and are reported).
func (m *Main) readFlatFile(ctx context.Context, file string, opts ingest.Options) (*memSink, ingest.Result, error) {
	sink := &memSink{}
	rej := ingest.NewRejectWriter(filepath.Join(m.workspaceDir(), "rejects"), antipersona.KindContacts, m.Now())
	res, err := ingest.File(ctx, file, opts, sink, rej)
	rej.Close()
	if err == nil && res.Rejected > 0 {
		m.info("%s: %d rows rejected (see %s)", file, res.Rejected, rej.Path())
	}
	return sink, res, err
}

type discoverFlags struct {
	target, idCol, format, delimiter string
	positive, exclude                []string
	direction, quality, strategy     string
	correction                       string
	depth, width, bins, minSize      int
	results                          int
	minSupport, alpha                float64
}

// discoverOutput is the JSON of discover.
type discoverOutput struct {
	File           string            `json:"file"`
	Target         string            `json:"target"`
	TargetKind     string            `json:"target_kind"` // binary or numeric
	PositiveValues []string          `json:"positive_values,omitempty"`
	Direction      string            `json:"direction"`
	Rows           int               `json:"rows"`
	RowsNoTarget   int               `json:"rows_without_target"`
	Rejected       int64             `json:"rejected"`
	BaseRate       *float64          `json:"base_rate,omitempty"`
	BaseMean       *float64          `json:"base_mean,omitempty"`
	Attributes     []string          `json:"attributes"`
	Stats          subgroup.Stats    `json:"stats"`
	Subgroups      []subgroup.Result `json:"subgroups"`
}

func (m *Main) discoverCommand() *cobra.Command {
	var f discoverFlags
	cmd := &cobra.Command{
		Use:   "discover FILE --target COL",
		Short: "Find the groups of a flat file in which a target is unusually high or low",
		Long: `discover runs subgroup discovery straight on a file (CSV/TSV, JSON Lines or Parquet,
one row per person or lead): it finds descriptions such as
"Lead Origin = API AND Total Time Spent on Website < 245" under which the target
(a conversion flag, or a number such as profit) is much higher (--direction above)
or lower (--direction below) than in the whole file.

Numbers are cut at quantile edges (--bins), categories are compared for equality,
a missing value is a value of its own. Each result gives its size, share, target
rate with a 95 % Wilson interval (or mean for a numeric target), lift, coverage and a
one-sided p-value (exact binomial, or Welch's t-test for numbers), adjusted over every
candidate tested (Holm by default, --correction bh for Benjamini-Hochberg).
Refinements that do not beat each of their generalisations, and groups that overlap a
better one by more than 90 % (Jaccard), are dropped.

A binary target is a boolean column, a 0/1 column, or any column with
--positive-value. Rows without a target value are left out and counted. Dates, free
text and identifiers are not used as conditions. Bad rows go to rejects/ as in ingest.
Thresholds default to the workspace's antipersona.yaml when there is one.`,
		Example: `  antipersona discover Leads.csv --target Converted --direction below \
      --exclude-columns "Tags,Lead Quality,Last Activity,Last Notable Activity"
  antipersona discover marketing_campaign.csv --target Response --json
  antipersona discover customers.parquet --target profit --direction below --depth 2`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usage(cmd, "expected one FILE")
			}
			if f.target == "" {
				return usage(cmd, "--target is required")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return m.runDiscover(cmd.Context(), args[0], f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.target, "target", "", "the target column (binary or numeric)")
	fl.StringSliceVar(&f.positive, "positive-value", nil, "target value meaning positive (repeatable; default 1, true, yes, ...)")
	fl.StringSliceVar(&f.exclude, "exclude-columns", nil, "columns not to use, comma separated (e.g. ones that leak the target)")
	fl.StringVar(&f.idCol, "id-col", "", "the id column (default: contact_id, id, userId or customer_id; else line numbers)")
	fl.StringVar(&f.format, "format", "", "csv, tsv, jsonl or parquet (default: from the file name and content)")
	fl.StringVar(&f.delimiter, "delimiter", "", `CSV delimiter (default: detected)`)
	fl.StringVar(&f.direction, "direction", "above", "above: groups with a high target; below: low")
	fl.StringVar(&f.quality, "quality", "", "wracc, binomial, chi2 or f1 (binary), impact (numeric) (default wracc / impact)")
	fl.StringVar(&f.strategy, "strategy", "beam", "beam or exhaustive")
	fl.StringVar(&f.correction, "correction", "holm", "p-value adjustment over all tested candidates: holm or bh")
	fl.IntVar(&f.depth, "depth", 3, "most conditions per group")
	fl.IntVar(&f.width, "width", 20, "beam width")
	fl.IntVar(&f.bins, "bins", 5, "quantile bins for numbers")
	fl.IntVar(&f.minSize, "min-size", 0, "smallest group (default: thresholds.min_size)")
	fl.Float64Var(&f.minSupport, "min-support", 0, "smallest share of rows (default: thresholds.min_support)")
	fl.Float64Var(&f.alpha, "alpha", 0, "significance level for adjusted p-values (default: thresholds.alpha)")
	fl.IntVar(&f.results, "results", 20, "most groups shown")
	return cmd
}

func (m *Main) runDiscover(ctx context.Context, file string, f discoverFlags) error {
	cfg, err := m.loadConfig()
	if antipersona.ErrorCode(err) == antipersona.ENOTFOUND {
		cfg, err = config.Default(), nil
	}
	if err != nil {
		return err
	}
	opts := ingest.Options{
		Kind: antipersona.KindContacts, Format: f.format, IDColumn: f.idCol, LineIDs: true,
		ExcludeColumns: f.exclude, MissingValues: cfg.Ingest.MissingValues, SampleRows: cfg.Ingest.SampleRows,
	}
	if f.delimiter != "" {
		d, err := parseDelimiter(f.delimiter)
		if err != nil {
			return err
		}
		opts.Delimiter = d
	}
	sink, res, err := m.readFlatFile(ctx, file, opts)
	if err != nil {
		return err
	}
	// The target column, among the traits.
	ti := slices.IndexFunc(sink.traits, func(t antipersona.Trait) bool {
		return t.Name == f.target || t.Ident == f.target || t.Ident == ingest.Ident(f.target)
	})
	if ti < 0 {
		var names []string
		for _, t := range sink.traits {
			names = append(names, t.Name)
		}
		return antipersona.Errorf(antipersona.EINVALID, "%s: target column %q not found (or excluded); columns: %s", file, f.target, strings.Join(names, ", "))
	}
	tr := sink.traits[ti]
	out := discoverOutput{File: file, Target: tr.Name, Direction: f.direction, Rejected: res.Rejected}
	var rows []int // contacts with a target value
	var binary []bool
	var numeric []float64
	positives := f.positive
	isPositive := func(v antipersona.Value) bool {
		s := v.Str
		switch tr.Type {
		case antipersona.TraitBoolean:
			if len(positives) == 0 {
				return v.Bool
			}
			s = fmt.Sprint(v.Bool)
		case antipersona.TraitNumber:
			s = fmt.Sprint(v.Num)
		}
		if len(positives) == 0 {
			positives = cfg.Contacts.PositiveValues
		}
		return slices.ContainsFunc(positives, func(p string) bool { return strings.EqualFold(strings.TrimSpace(p), s) })
	}
	numericTarget := tr.Type == antipersona.TraitNumber && len(f.positive) == 0 && !zeroOne(sink.contacts, ti)
	switch {
	case numericTarget:
		out.TargetKind = "numeric"
	case tr.Type == antipersona.TraitBoolean || tr.Type == antipersona.TraitNumber || tr.Type == antipersona.TraitCategory:
		out.TargetKind = "binary"
		if tr.Type == antipersona.TraitCategory && len(f.positive) == 0 && !anyPositive(sink.contacts, ti, cfg.Contacts.PositiveValues) {
			return antipersona.Errorf(antipersona.EINVALID, "%s: target %q is a category without a usual positive value; name it with --positive-value", file, tr.Name)
		}
	default:
		return antipersona.Errorf(antipersona.EINVALID, "%s: target %q is %s; it must be a boolean, a number or a category with --positive-value", file, tr.Name, tr.Type)
	}
	for i, c := range sink.contacts {
		v := c.Values[ti]
		if v.Missing {
			out.RowsNoTarget++
			continue
		}
		rows = append(rows, i)
		if numericTarget {
			numeric = append(numeric, v.Num)
		} else {
			binary = append(binary, isPositive(v))
		}
	}
	if len(rows) == 0 {
		return antipersona.Errorf(antipersona.EINVALID, "%s: no row has a value of the target %q", file, tr.Name)
	}
	if !numericTarget {
		out.PositiveValues = positives
		if len(positives) == 0 {
			out.PositiveValues = []string{"true"}
		}
	}
	// The attributes: every other usable trait, over the rows with a target.
	var cols []persona.Column
	for j, t := range sink.traits {
		if j == ti || t.PII {
			continue
		}
		col := persona.NewColumn(t.Name, t.Ident, t.Type, t.Dimension, len(rows))
		for k, i := range rows {
			col.Set(k, sink.contacts[i].Values[j])
		}
		cols = append(cols, col)
	}
	tab, used, err := persona.Table(cols)
	if err != nil {
		return err
	}
	for _, c := range used {
		out.Attributes = append(out.Attributes, c.Name)
	}
	sopt := subgroup.Options{
		Strategy: subgroup.Strategy(f.strategy), Depth: f.depth, Width: f.width, Quality: subgroup.Quality(f.quality),
		Bins: f.bins, MinSize: cfg.Thresholds.MinSize, MinSupport: cfg.Thresholds.MinSupport, Alpha: cfg.Thresholds.Alpha,
		Correction: subgroup.Correction(f.correction), MaxOverlap: cfg.Thresholds.MaxOverlap, Results: f.results,
	}
	if f.minSize > 0 {
		sopt.MinSize = f.minSize
	}
	if f.minSupport > 0 {
		sopt.MinSupport = f.minSupport
	}
	if f.alpha > 0 {
		sopt.Alpha = f.alpha
	}
	switch f.direction {
	case "above":
	case "below":
		sopt.Direction = subgroup.Below
	default:
		return antipersona.Errorf(antipersona.EINVALID, "--direction must be above or below, got %q", f.direction)
	}
	if sopt.Strategy != subgroup.Beam && sopt.Strategy != subgroup.Exhaustive {
		return antipersona.Errorf(antipersona.EINVALID, "--strategy must be beam or exhaustive, got %q", f.strategy)
	}
	if sopt.Correction != subgroup.Holm && sopt.Correction != subgroup.BenjaminiHochberg {
		return antipersona.Errorf(antipersona.EINVALID, "--correction must be holm or bh, got %q", f.correction)
	}
	results, st, err := subgroup.Discover(ctx, tab, subgroup.Target{Binary: binary, Numeric: numeric}, sopt)
	if errors.Is(err, context.Canceled) {
		return antipersona.ErrCanceled
	}
	if err != nil {
		return antipersona.Errorf(antipersona.EINVALID, "%v", err)
	}
	out.Rows, out.Stats, out.Subgroups = len(rows), st, results
	if out.Subgroups == nil {
		out.Subgroups = []subgroup.Result{}
	}
	if numericTarget {
		mu := 0.0
		for _, v := range numeric {
			mu += v
		}
		mu /= float64(len(numeric))
		out.BaseMean = &mu
	} else {
		k := 0
		for _, b := range binary {
			if b {
				k++
			}
		}
		p := float64(k) / float64(len(binary))
		out.BaseRate = &p
	}
	if m.jsonOut {
		return m.printJSON(out)
	}
	return m.printDiscover(out)
}

func (m *Main) printDiscover(out discoverOutput) error {
	w := m.Stdout
	if out.BaseRate != nil {
		fmt.Fprintf(w, "target: %s (positive: %s), base rate %.1f%% of %d rows; direction %s\n",
			out.Target, strings.Join(out.PositiveValues, ", "), 100**out.BaseRate, out.Rows, out.Direction)
	} else {
		fmt.Fprintf(w, "target: %s (numeric), base mean %.4g over %d rows; direction %s\n", out.Target, *out.BaseMean, out.Rows, out.Direction)
	}
	fmt.Fprintf(w, "%d attributes, %d conditions, %d groups tested (p-values %s-adjusted), minimum size %d\n\n",
		len(out.Attributes), out.Stats.Selectors, out.Stats.Tested, out.Stats.Correction, out.Stats.MinSize)
	if len(out.Subgroups) == 0 {
		fmt.Fprintln(w, "no significant group found")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if out.BaseRate != nil {
		fmt.Fprintln(tw, "#\tSIZE\tSHARE\tRATE (95% CI)\tLIFT\tCOVERAGE\tP ADJ\tGROUP")
		for i, r := range out.Subgroups {
			fmt.Fprintf(tw, "%d\t%d\t%.1f%%\t%.1f%% (%.1f-%.1f)\t%.2f\t%.1f%%\t%s\t%s\n", i+1, r.Size, 100*r.Share,
				100*r.TargetRate, 100*r.RateLow, 100*r.RateHigh, r.Lift, 100*r.Coverage, pval(r.PAdjusted), r.Description)
		}
	} else {
		fmt.Fprintln(tw, "#\tSIZE\tSHARE\tMEAN\tBASE\tP ADJ\tGROUP")
		for i, r := range out.Subgroups {
			fmt.Fprintf(tw, "%d\t%d\t%.1f%%\t%.4g\t%.4g\t%s\t%s\n", i+1, r.Size, 100*r.Share, r.Mean, r.BaseMean, pval(r.PAdjusted), r.Description)
		}
	}
	return tw.Flush()
}

// pval prints a p-value compactly.
func pval(p float64) string {
	switch {
	case p < 1e-300:
		return "<1e-300"
	case p < 0.001:
		return fmt.Sprintf("%.1e", p)
	default:
		return fmt.Sprintf("%.3f", p)
	}
}

// zeroOne reports whether every value of trait j is 0 or 1.
func zeroOne(cs []antipersona.Contact, j int) bool {
	for _, c := range cs {
		if v := c.Values[j]; !v.Missing && v.Num != 0 && v.Num != 1 {
			return false
		}
	}
	return true
}

// anyPositive reports whether some value of category trait j is one of
// the positive values (compared as the outcome column's are).
func anyPositive(cs []antipersona.Contact, j int, positives []string) bool {
	for _, c := range cs {
		v := strings.TrimSpace(c.Values[j].Str)
		if slices.ContainsFunc(positives, func(p string) bool { return strings.EqualFold(strings.TrimSpace(p), v) }) {
			return true
		}
	}
	return false
}
