package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/clv"
	"github.com/antipersona/antipersona/ingest"
)

type clvFlags struct {
	model, summary, transactions string
	idCol, dateCol, valueCol     string
	calibrationEnd, unit         string
	noHeader                     bool
	penalty                      float64
	// predict
	horizon, discount float64
	months            int
	format, out       string
}

func (m *Main) clvCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "clv",
		Short: "Customer lifetime value: fit BG/NBD, Pareto/NBD and Gamma-Gamma, predict per customer",
		Long: `clv fits the buy-till-you-die models of the marketing literature on a summary
file (one customer a row: repeat purchases, recency, age) or on raw transactions,
and predicts per customer the purchases to come, the probability of being alive
and the lifetime value.

  frequency (x)   repeat purchases: purchases after the first; a day counts once
  recency (t_x)   time from the first purchase to the last
  T               time from the first purchase to the end of the calibration period
  monetary (zbar) mean value of the repeat purchases (Gamma-Gamma)

A summary file has a header naming ID and frequency/x, recency/t_x, T and, for
Gamma-Gamma, monetary_value/zbar. From transactions the summary is built up to
--calibration-end with times in --unit (day or week).`,
		Example: `  antipersona clv fit --model bgnbd --summary cdnow_customers_summary.csv --json
  antipersona clv fit --model gammagamma --summary cdnow_customers_summary_with_transactions.csv
  antipersona clv fit --model paretonbd --transactions CDNOW_sample.txt --no-header \
      --id-col 2 --date-col 3 --value-col 5 --calibration-end 1997-09-30 --unit week
  antipersona clv predict --summary summary.csv --horizon 39 --format csv --out predictions.csv`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usage(cmd, "unknown command %q", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(m.clvFitCommand(), m.clvPredictCommand())
	return cmd
}

func clvInputFlags(cmd *cobra.Command, f *clvFlags) {
	fl := cmd.Flags()
	fl.StringVar(&f.summary, "summary", "", "summary file: ID,frequency,recency,T[,monetary_value] or ID,x,t_x,T[,zbar]")
	fl.StringVar(&f.transactions, "transactions", "", "raw transactions file (CSV/TSV or whitespace separated)")
	fl.StringVar(&f.idCol, "id-col", "", "customer id column of the transactions: a header name or a 1-based number")
	fl.StringVar(&f.dateCol, "date-col", "", "date column of the transactions (YYYY-MM-DD, YYYYMMDD or RFC 3339)")
	fl.StringVar(&f.valueCol, "value-col", "", "value column of the transactions (optional for BG/NBD and Pareto/NBD)")
	fl.StringVar(&f.calibrationEnd, "calibration-end", "", "last day of the calibration period, YYYY-MM-DD (transactions)")
	fl.StringVar(&f.unit, "unit", "week", "time unit of the summary (of a summary file's recency and T, or built from transactions): day or week")
	fl.BoolVar(&f.noHeader, "no-header", false, "the transactions file has no header row (columns by number)")
	fl.Float64Var(&f.penalty, "penalty", 0, "L2 penalty on the parameters (0: plain maximum likelihood)")
}

func checkCLVInput(cmd *cobra.Command, f *clvFlags) error {
	switch {
	case (f.summary == "") == (f.transactions == ""):
		return usage(cmd, "give one of --summary FILE or --transactions FILE")
	case f.transactions != "" && (f.idCol == "" || f.dateCol == "" || f.calibrationEnd == ""):
		return usage(cmd, "--transactions needs --id-col, --date-col and --calibration-end")
	case f.unit != "day" && f.unit != "week":
		return usage(cmd, "--unit must be day or week, not %q", f.unit)
	case f.penalty < 0:
		return usage(cmd, "--penalty must not be negative")
	}
	return nil
}

// clvFitOutput is the JSON of clv fit.
type clvFitOutput struct {
	Model         string             `json:"model"`
	Params        map[string]float64 `json:"params"`
	LogLikelihood float64            `json:"log_likelihood"`
	Customers     int                `json:"customers"`
	Fitted        int                `json:"fitted_customers"`
	Unit          string             `json:"unit,omitempty"`
	Rejected      int64              `json:"rejected"`
	RejectsFile   string             `json:"rejects_file,omitempty"`
}

func (m *Main) clvFitCommand() *cobra.Command {
	var f clvFlags
	cmd := &cobra.Command{
		Use:   "fit --model bgnbd|paretonbd|gammagamma (--summary FILE | --transactions FILE ...)",
		Short: "Fit a CLV model by maximum likelihood and print its parameters",
		Long: `fit estimates a model's parameters by maximum likelihood and prints them by their
names in the literature (BG/NBD: r, alpha, a, b; Pareto/NBD: r, alpha, s, beta;
Gamma-Gamma: p, q, gamma) with the log-likelihood. Gamma-Gamma is fitted on the
customers with at least one repeat purchase.`,
		Example: `  antipersona clv fit --model bgnbd --summary cdnow_customers_summary.csv --json
  antipersona clv fit --model gammagamma --transactions orders.csv --id-col contact_id \
      --date-col timestamp --value-col revenue --calibration-end 2025-06-30 --unit day`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usage(cmd, "unexpected argument %q", args[0])
			}
			switch f.model {
			case "bgnbd", "paretonbd", "gammagamma":
			default:
				return usage(cmd, "--model must be bgnbd, paretonbd or gammagamma")
			}
			return checkCLVInput(cmd, &f)
		},
		RunE: func(cmd *cobra.Command, args []string) error { return m.runCLVFit(f) },
	}
	cmd.Flags().StringVar(&f.model, "model", "bgnbd", "bgnbd, paretonbd or gammagamma")
	clvInputFlags(cmd, &f)
	return cmd
}

func (m *Main) runCLVFit(f clvFlags) error {
	in, err := m.readCLVInput(f)
	if err != nil {
		return err
	}
	s := in.summary
	opt := clv.Options{Penalty: f.penalty}
	out := clvFitOutput{Model: f.model, Customers: s.Len(), Unit: in.unit, Rejected: in.rejected, RejectsFile: in.rejectsFile}
	var fit clv.Fit
	if f.model == "gammagamma" {
		if !in.hasValue {
			return antipersona.Errorf(antipersona.EINVALID, "gammagamma needs spend: a monetary_value (or zbar) column in the summary, or --value-col")
		}
		var mod clv.GammaGamma
		mod, fit, err = clv.FitSpend(&s, opt)
		out.Params = mod.Params()
	} else {
		var mod clv.PurchaseModel
		if mod, fit, err = clv.FitPurchases(f.model, &s, opt); err == nil {
			out.Params = mod.Params()
		}
	}
	if err != nil {
		return antipersona.Errorf(antipersona.EINVALID, "%s: %v", in.file, err)
	}
	out.LogLikelihood, out.Fitted = fit.LogLikelihood, fit.N
	if fit.N < 100 {
		m.info("only %d customers fitted: the estimates are unreliable", fit.N)
	}
	if m.jsonOut {
		return m.printJSON(out)
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(m.Stdout, "%s on %d customers (%d fitted)\n", modelTitle(f.model), out.Customers, out.Fitted)
	for _, name := range paramOrder[f.model] {
		fmt.Fprintf(tw, "%s\t%.6g\t\n", name, out.Params[name])
	}
	fmt.Fprintf(tw, "log-likelihood\t%.4f\t\n", out.LogLikelihood)
	return tw.Flush()
}

var paramOrder = map[string][]string{
	"bgnbd":      {"r", "alpha", "a", "b"},
	"paretonbd":  {"r", "alpha", "s", "beta"},
	"gammagamma": {"p", "q", "gamma"},
}

func modelTitle(model string) string {
	return map[string]string{"bgnbd": "BG/NBD", "paretonbd": "Pareto/NBD", "gammagamma": "Gamma-Gamma"}[model]
}

// clvPrediction is one customer's prediction.
type clvPrediction struct {
	ID                string   `json:"id"`
	Frequency         float64  `json:"frequency"`
	Recency           float64  `json:"recency"`
	T                 float64  `json:"T"`
	PAlive            float64  `json:"p_alive"`
	ExpectedPurchases float64  `json:"expected_purchases"`
	ExpectedSpend     *float64 `json:"expected_spend,omitempty"`
	CLV               *float64 `json:"clv,omitempty"`
}

type clvPredictOutput struct {
	Model       string             `json:"model"`
	Params      map[string]float64 `json:"params"`
	SpendParams map[string]float64 `json:"spend_params,omitempty"`
	Horizon     float64            `json:"horizon"`
	Unit        string             `json:"unit,omitempty"`
	Months      int                `json:"clv_months,omitempty"`
	Discount    float64            `json:"monthly_discount,omitempty"`
	Rejected    int64              `json:"rejected"`
	Customers   []clvPrediction    `json:"customers"`
}

func (m *Main) clvPredictCommand() *cobra.Command {
	var f clvFlags
	cmd := &cobra.Command{
		Use:   "predict (--summary FILE | --transactions FILE ...) --horizon H",
		Short: "Predict purchases, P(alive) and lifetime value per customer",
		Long: `predict fits the purchase model (--model bgnbd or paretonbd) and, when the input has
spend, Gamma-Gamma, then prints per customer: the probability of being alive at
the end of the calibration period, the expected purchases over the next --horizon
units, the expected value of a purchase, and the lifetime value over --months months
discounted at --discount per month (30-day months, as lifetimes counts them).`,
		Example: `  antipersona clv predict --summary cdnow_customers_summary_with_transactions.csv --horizon 39
  antipersona clv predict --transactions orders.csv --id-col contact_id --date-col timestamp \
      --value-col revenue --calibration-end 2025-06-30 --unit day --horizon 90 --format csv --out clv.csv`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usage(cmd, "unexpected argument %q", args[0])
			}
			if f.model != "bgnbd" && f.model != "paretonbd" {
				return usage(cmd, "--model must be bgnbd or paretonbd")
			}
			if !(f.horizon > 0) {
				return usage(cmd, "--horizon must be above 0")
			}
			if f.months < 1 || f.discount < 0 {
				return usage(cmd, "--months must be at least 1 and --discount not negative")
			}
			if f.format != "table" && f.format != "csv" && f.format != "json" {
				return usage(cmd, "--format must be table, csv or json")
			}
			return checkCLVInput(cmd, &f)
		},
		RunE: func(cmd *cobra.Command, args []string) error { return m.runCLVPredict(f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.model, "model", "bgnbd", "bgnbd or paretonbd")
	fl.Float64Var(&f.horizon, "horizon", 0, "prediction horizon, in the summary's unit")
	fl.IntVar(&f.months, "months", 12, "months of lifetime value")
	fl.Float64Var(&f.discount, "discount", 0.01, "monthly discount rate of lifetime value")
	fl.StringVar(&f.format, "format", "table", "table, csv or json")
	fl.StringVar(&f.out, "out", "", "write to this file instead of stdout")
	clvInputFlags(cmd, &f)
	return cmd
}

func (m *Main) runCLVPredict(f clvFlags) error {
	in, err := m.readCLVInput(f)
	if err != nil {
		return err
	}
	s := in.summary
	opt := clv.Options{Penalty: f.penalty}
	out := clvPredictOutput{Model: f.model, Horizon: f.horizon, Unit: in.unit, Rejected: in.rejected}
	pm, _, err := clv.FitPurchases(f.model, &s, opt)
	if err != nil {
		return antipersona.Errorf(antipersona.EINVALID, "%s: %v", in.file, err)
	}
	out.Params = pm.Params()
	var gg *clv.GammaGamma
	if in.hasValue {
		mod, _, err := clv.FitSpend(&s, opt)
		switch {
		case errors.Is(err, clv.ErrNoData):
			m.info("no repeat buyers: no spend model, no lifetime value")
		case err != nil:
			return antipersona.Errorf(antipersona.EINVALID, "%s: %v", in.file, err)
		default:
			gg, out.SpendParams = &mod, mod.Params()
			out.Months, out.Discount = f.months, f.discount
		}
	}
	perMonth := 30.0
	if in.unit == "week" {
		perMonth = 30.0 / 7
	}
	preds := clv.Predict(pm, gg, &s, f.horizon, f.months, f.discount, perMonth)
	out.Customers = make([]clvPrediction, s.Len())
	for i, pr := range preds {
		p := clvPrediction{ID: s.IDs[i], Frequency: s.X[i], Recency: s.Tx[i], T: s.T[i], PAlive: pr.PAlive, ExpectedPurchases: pr.Purchases}
		if gg != nil {
			p.ExpectedSpend, p.CLV = &pr.Spend, &pr.CLV
		}
		out.Customers[i] = p
	}
	w := m.Stdout
	if f.out != "" {
		file, err := os.Create(f.out)
		if err != nil {
			return err
		}
		defer file.Close()
		bw := bufio.NewWriter(file)
		defer bw.Flush()
		w = bw
	}
	switch {
	case f.format == "json" || m.jsonOut:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case f.format == "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"id", "frequency", "recency", "T", "p_alive", "expected_purchases", "expected_spend", "clv"})
		for _, p := range out.Customers {
			cw.Write([]string{p.ID, fnum(p.Frequency), fnum(p.Recency), fnum(p.T), fnum(p.PAlive), fnum(p.ExpectedPurchases),
				fptr(p.ExpectedSpend), fptr(p.CLV)})
		}
		cw.Flush()
		return cw.Error()
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "id\tx\tt_x\tT\tP(alive)\tpurchases in %g\tspend\tCLV %d m\t\n", f.horizon, f.months)
	for _, p := range out.Customers {
		fmt.Fprintf(tw, "%s\t%g\t%.2f\t%.2f\t%.3f\t%.3f\t%s\t%s\t\n", p.ID, p.Frequency, p.Recency, p.T, p.PAlive, p.ExpectedPurchases,
			fptr2(p.ExpectedSpend), fptr2(p.CLV))
	}
	return tw.Flush()
}

func fnum(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }

func fptr(v *float64) string {
	if v == nil {
		return ""
	}
	return fnum(*v)
}

func fptr2(v *float64) string {
	if v == nil {
		return "-"
	}
	return strconv.FormatFloat(*v, 'f', 2, 64)
}

// clvInput is a summary read from a file.
type clvInput struct {
	file        string
	summary     clv.Summary
	hasValue    bool
	unit        string
	rejected    int64
	rejectsFile string
}

// readCLVInput reads the summary file or builds the summary from the
// transactions. Bad rows are reported with file, line and column, kept in
// rejects/clv-<time>.csv, and left out.
func (m *Main) readCLVInput(f clvFlags) (clvInput, error) {
	rej := ingest.NewRejectWriter(filepath.Join(m.workspaceDir(), "rejects"), antipersona.Kind("clv"), m.Now())
	defer rej.Close()
	var in clvInput
	var err error
	if f.summary != "" {
		in, err = readSummaryFile(f.summary, rej)
		in.unit = f.unit // the unit its recency and T are in
	} else {
		in, err = readTransactionsFile(f, rej)
	}
	if err != nil {
		return in, err
	}
	if err := rej.Flush(); err != nil {
		return in, err
	}
	if in.rejected = rej.Count(); in.rejected > 0 {
		in.rejectsFile = rej.Path()
		m.info("%s: %d rows rejected (see %s)", in.file, in.rejected, rej.Path())
	}
	if in.summary.Len() == 0 {
		return in, antipersona.Errorf(antipersona.EINVALID, "%s: no customers to fit on", in.file)
	}
	return in, nil
}

// table is a delimited text file: comma, tab or semicolon separated CSV, or
// columns separated by runs of white space.
type table struct {
	file   string
	header []string
	next   func() (rec []string, line int64, raw []byte, err error)
}

func openTable(path string, header bool) (*table, func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	br := bufio.NewReaderSize(f, 1<<20)
	head, _ := br.Peek(64 << 10)
	first := head
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	t := &table{file: path}
	// Delimited as ingest detects it, unless the first line has none of
	// its delimiters: then columns are separated by white space.
	var delim rune
	if bytes.ContainsAny(first, ",;\t|") {
		delim = ingest.DetectDelimiter(head)
	}
	if delim == 0 {
		var line int64
		t.next = func() ([]string, int64, []byte, error) {
			for {
				text, err := br.ReadBytes('\n')
				if len(text) == 0 && err != nil {
					return nil, line, nil, err
				}
				line++
				text = bytes.TrimRight(text, "\r\n")
				if len(bytes.TrimSpace(text)) == 0 {
					continue
				}
				return strings.Fields(string(text)), line, text, nil
			}
		}
	} else {
		// A record is read as text first (lines are joined while a quote is
		// open), so that a record that does not parse is kept as written.
		var line int64
		t.next = func() ([]string, int64, []byte, error) {
			var text, raw []byte
			var start int64
			for len(bytes.TrimSpace(raw)) == 0 { // blank lines are not records
				text, start = text[:0], line+1
				quotes := 0 // counted line by line: a record may span many
				for {
					l, err := br.ReadBytes('\n')
					if len(l) == 0 && err != nil {
						if len(text) == 0 {
							return nil, line, nil, err
						}
						break
					}
					line++
					text = append(text, l...)
					quotes += bytes.Count(l, []byte{'"'})
					if quotes%2 == 0 || err != nil {
						break
					}
				}
				raw = bytes.TrimRight(text, "\r\n")
			}
			cr := csv.NewReader(bytes.NewReader(text))
			cr.Comma, cr.FieldsPerRecord = delim, -1
			rec, err := cr.Read()
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					pe.StartLine += int(start) - 1
					pe.Line += int(start) - 1
				}
				return nil, start, raw, err
			}
			return rec, start, raw, nil
		}
	}
	if header {
		rec, _, _, err := t.next()
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("%s: no header row: %w", path, err)
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(strings.TrimPrefix(rec[i], "\ufeff"))
		}
		t.header = rec
	}
	return t, func() { f.Close() }, nil
}

// nextRecord is next, with records that are not valid CSV written to rej
// (with their line and column) and skipped.
func (t *table) nextRecord(rej *ingest.RejectWriter) ([]string, int64, []byte, error) {
	for {
		rec, line, raw, err := t.next()
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if werr := rej.Write(&antipersona.ParseError{File: t.file, Line: int64(pe.StartLine), Column: pe.Column, Err: pe.Err}, raw); werr != nil {
				return nil, line, nil, werr
			}
			continue
		}
		return rec, line, raw, err
	}
}

// column finds a column by header name (case-insensitive) or 1-based
// number; -1 when absent.
func (t *table) column(names ...string) int {
	for _, n := range names {
		if k, err := strconv.Atoi(n); err == nil && k >= 1 && (t.header == nil || k <= len(t.header)) {
			return k - 1
		}
		for i, h := range t.header {
			if strings.EqualFold(h, n) {
				return i
			}
		}
	}
	return -1
}

func readSummaryFile(path string, rej *ingest.RejectWriter) (clvInput, error) {
	in := clvInput{file: path}
	t, closeFn, err := openTable(path, true)
	if err != nil {
		return in, err
	}
	defer closeFn()
	id := t.column("ID", "customer_id", "contact_id", "id")
	cx, ctx, cT := t.column("frequency", "x"), t.column("recency", "t_x"), t.column("T")
	cz := t.column("monetary_value", "zbar", "monetary")
	if cx < 0 || ctx < 0 || cT < 0 {
		return in, antipersona.Errorf(antipersona.EINVALID, "%s: the header needs frequency (or x), recency (or t_x) and T; it has %s",
			path, strings.Join(t.header, ", "))
	}
	in.hasValue = cz >= 0
	s := &in.summary
	for {
		rec, line, raw, err := t.nextRecord(rej)
		if err == io.EOF {
			break
		}
		if err != nil {
			return in, err
		}
		vals := [4]float64{}
		bad := false
		for k, c := range []int{cx, ctx, cT, cz} {
			if c < 0 {
				continue
			}
			if c >= len(rec) {
				bad = true
				rej.Write(&antipersona.ParseError{File: path, Line: line, Column: c + 1, ColumnName: t.header[c], Err: errors.New("missing value")}, raw)
				break
			}
			v, err := strconv.ParseFloat(strings.TrimSpace(rec[c]), 64)
			if err == nil && (math.IsNaN(v) || math.IsInf(v, 0) || v < 0) {
				err = errors.New("not a finite number ≥ 0")
			}
			if err == nil && k == 0 && v != math.Trunc(v) {
				err = errors.New("frequency must be a whole number")
			}
			if err != nil {
				bad = true
				rej.Write(&antipersona.ParseError{File: path, Line: line, Column: c + 1, ColumnName: t.header[c],
					Err: fmt.Errorf("%q: %v", rec[c], unwrapNum(err))}, raw)
				break
			}
			vals[k] = v
		}
		if !bad && (vals[1] > vals[2] || vals[0] == 0 && vals[1] != 0) {
			bad = true
			rej.Write(&antipersona.ParseError{File: path, Line: line, Column: ctx + 1, ColumnName: t.header[ctx],
				Err: fmt.Errorf("recency %v must be 0 without repeat purchases and at most T %v", vals[1], vals[2])}, raw)
		}
		if bad {
			continue
		}
		name := strconv.FormatInt(line, 10)
		if id >= 0 && id < len(rec) {
			name = rec[id]
		}
		s.IDs = append(s.IDs, name)
		s.X, s.Tx, s.T, s.Z = append(s.X, vals[0]), append(s.Tx, vals[1]), append(s.T, vals[2]), append(s.Z, vals[3])
	}
	return in, nil
}

func unwrapNum(err error) error {
	var ne *strconv.NumError
	if errors.As(err, &ne) {
		return ne.Err
	}
	return err
}

// clvDateLayouts are the date forms of --date-col.
var clvDateLayouts = []string{time.DateOnly, "20060102", time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006/01/02"}

func parseCLVDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range clvDateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD, YYYYMMDD or RFC 3339)", s)
}

func readTransactionsFile(f clvFlags, rej *ingest.RejectWriter) (clvInput, error) {
	path := f.transactions
	in := clvInput{file: path, unit: f.unit}
	end, err := time.Parse(time.DateOnly, f.calibrationEnd)
	if err != nil {
		return in, antipersona.Errorf(antipersona.EINVALID, "--calibration-end %q is not a date YYYY-MM-DD", f.calibrationEnd)
	}
	t, closeFn, err := openTable(path, !f.noHeader)
	if err != nil {
		return in, err
	}
	defer closeFn()
	cid, cdate := t.column(f.idCol), t.column(f.dateCol)
	cval := -1
	if f.valueCol != "" {
		if cval = t.column(f.valueCol); cval < 0 {
			return in, antipersona.Errorf(antipersona.EINVALID, "%s: no column %q", path, f.valueCol)
		}
		in.hasValue = true
	}
	for _, c := range []struct {
		i    int
		name string
	}{{cid, f.idCol}, {cdate, f.dateCol}} {
		if c.i < 0 {
			return in, antipersona.Errorf(antipersona.EINVALID, "%s: no column %q (header: %s)", path, c.name, strings.Join(t.header, ", "))
		}
	}
	colName := func(c int) string {
		if c < len(t.header) {
			return t.header[c]
		}
		return strconv.Itoa(c + 1)
	}
	var txs []clv.Transaction
	for {
		rec, line, raw, err := t.nextRecord(rej)
		if err == io.EOF {
			break
		}
		if err != nil {
			return in, err
		}
		reject := func(c int, err error) {
			rej.Write(&antipersona.ParseError{File: path, Line: line, Column: c + 1, ColumnName: colName(c), Err: err}, raw)
		}
		if max(cid, cdate, cval) >= len(rec) {
			reject(max(cid, cdate, cval), errors.New("missing value"))
			continue
		}
		if strings.TrimSpace(rec[cid]) == "" {
			reject(cid, errors.New("empty customer id"))
			continue
		}
		d, err := parseCLVDate(rec[cdate])
		if err != nil {
			reject(cdate, err)
			continue
		}
		v := 0.0
		if cval >= 0 {
			if v, err = strconv.ParseFloat(strings.TrimSpace(rec[cval]), 64); err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				reject(cval, fmt.Errorf("%q is not a number", rec[cval]))
				continue
			}
		}
		txs = append(txs, clv.Transaction{ID: strings.TrimSpace(rec[cid]), Time: d, Value: v})
	}
	unit := 24 * time.Hour
	if f.unit == "week" {
		unit *= 7
	}
	in.summary = clv.Summarize(txs, end, unit)
	return in, nil
}
