package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/config"
	"github.com/antipersona/antipersona/features"
	"github.com/antipersona/antipersona/ingest"
)

// ingestFlags are the flags of `ingest`.
type ingestFlags struct {
	format, delimiter string
	idCol, outcomeCol string
	positive, exclude []string
	named             map[string]*string // field -> the value of its --X-col flag
	cols              []string           // --col field=column
	validFrom         string
}

// columnFlags are the flags that name the column of one field; --col
// field=column does the same for any field.
var columnFlags = []struct{ flag, field, help string }{
	{"order-col", "order", "orders: order id column"},
	{"contact-col", "contact", "contact id column (orders, events, costs, touches, surveys)"},
	{"time-col", "time", "timestamp column"},
	{"event-col", "event", "events (CSV): event name column"},
	{"revenue-col", "revenue", "orders: revenue column"},
	{"quantity-col", "quantity", "orders: quantity column (line items)"},
	{"unit-price-col", "unit_price", "orders: unit price column (line items)"},
	{"status-col", "status", "orders: status column"},
	{"margin-col", "margin", "orders: margin column"},
	{"amount-col", "amount", "costs: amount column"},
	{"campaign-col", "campaign", "costs, touches: campaign column"},
	{"channel-col", "channel", "costs, touches: channel column"},
}

// kindAliases maps the kinds users type to stored kinds.
var kindAliases = map[string]antipersona.Kind{
	"contacts":       antipersona.KindContacts,
	"events":         antipersona.KindEvents,
	"orders":         antipersona.KindOrders,
	"costs":          antipersona.KindCosts,
	"touches":        antipersona.KindTouches,
	"surveys":        antipersona.KindSurveyAnswers,
	"survey_answers": antipersona.KindSurveyAnswers,
}

func (m *Main) ingestCommand() *cobra.Command {
	var f ingestFlags
	cmd := &cobra.Command{
		Use:   "ingest KIND FILE...",
		Short: "Load contacts, events, orders, costs, touches or surveys into the workspace",
		Long: `ingest loads files of one kind: contacts, events, orders, costs, touches or surveys.

Formats: CSV/TSV (delimiter detected), JSON Lines (Segment Spec for events), Parquet;
.gz files are read as they are. Columns are found by their usual names and can be
named with flags or in antipersona.yaml (ingest.columns).

A bad row never stops a file: it is written with file, line, column and reason to
rejects/<kind>-<time>.csv, and the rest is loaded. Ingesting the same data again
changes nothing (ids, messageId, content keys). The exit status is non-zero only when
a file could not be read at all or lacks required columns.`,
		Example: `  antipersona ingest contacts contacts.csv
  antipersona ingest contacts contacts_2025h2.csv --valid-from 2025-07-01   # changed traits
  antipersona ingest contacts Leads.csv --id-col "Prospect ID" --outcome-col Converted \
      --exclude-columns "Tags,Lead Quality"
  antipersona ingest events events.jsonl
  antipersona ingest orders OnlineRetail.csv.gz      # line items: quantity x unit price
  antipersona ingest orders sales.csv --order-col Nr --revenue-col Kwota
  antipersona ingest surveys ankieta.csv --col question_id=Pytanie --col answer=Odpowiedz
  antipersona ingest costs costs.csv
  antipersona ingest touches touches.csv
  antipersona ingest surveys surveys.csv`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usage(cmd, "expected KIND and at least one FILE")
			}
			if _, ok := kindAliases[args[0]]; !ok {
				return usage(cmd, "unknown kind %q (use contacts, events, orders, costs, touches or surveys)", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return m.runIngest(cmd.Context(), kindAliases[args[0]], args[1:], f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.format, "format", "", "csv, tsv, jsonl or parquet (default: from the file name and content)")
	fl.StringVar(&f.delimiter, "delimiter", "", `CSV delimiter, e.g. ";" or "\t" (default: detected)`)
	fl.StringVar(&f.idCol, "id-col", "", "contacts: the id column (default: contact_id, id, userId or customer_id)")
	fl.StringVar(&f.outcomeCol, "outcome-col", "", "contacts: a conversion flag column stored as the contact's outcome")
	fl.StringSliceVar(&f.positive, "positive-value", nil, "contacts: outcome value meaning converted (repeatable; default 1, true, yes, ...)")
	fl.StringSliceVar(&f.exclude, "exclude-columns", nil, "contacts: columns to drop, comma separated")
	f.named = map[string]*string{}
	for _, c := range columnFlags {
		f.named[c.field] = fl.String(c.flag, "", c.help)
	}
	fl.StringVar(&f.validFrom, "valid-from", "", "contacts: the date from which this file's values hold (YYYY-MM-DD); builds before it use the earlier values")
	fl.StringArrayVar(&f.cols, "col", nil, "any field: field=column, e.g. --col answer=Odpowiedz (repeatable; fields in docs/ingest.md)")
	return cmd
}

// ingestOptions decides the reader options: defaults, then antipersona.yaml,
// then flags.
func ingestOptions(cfg config.Config, kind antipersona.Kind, f ingestFlags, known []antipersona.Trait) (ingest.Options, error) {
	opts := ingest.Options{
		Kind:              kind,
		Format:            f.format,
		IDColumn:          cfg.Contacts.IDColumn,
		OutcomeColumn:     cfg.Contacts.OutcomeColumn,
		PositiveValues:    cfg.Contacts.PositiveValues,
		ExcludeColumns:    cfg.Contacts.ExcludeColumns,
		MissingValues:     cfg.Ingest.MissingValues,
		KnownTraits:       known,
		CancelledStatuses: cfg.Orders.CancelledStatuses,
		RefundedStatuses:  cfg.Orders.RefundedStatuses,
		SampleRows:        cfg.Ingest.SampleRows,
		BatchRows:         cfg.Ingest.BatchRows,
		Columns:           map[string]string{},
		TraitOverrides:    map[string]ingest.TraitOverride{},
		ReservedIdents:    features.ReservedIdents(),
	}
	for name, o := range cfg.Contacts.Traits {
		opts.TraitOverrides[name] = ingest.TraitOverride{Type: o.Type, Dimension: o.Dimension, Ident: o.Ident}
	}
	cfgKind := string(kind)
	if kind == antipersona.KindSurveyAnswers {
		cfgKind = "surveys"
	}
	for _, k := range []string{cfgKind, string(kind)} {
		for field, col := range cfg.Ingest.Columns[k] {
			opts.Columns[field] = col
		}
	}
	if f.validFrom != "" {
		if kind != antipersona.KindContacts {
			return opts, antipersona.Errorf(antipersona.EINVALID, "--valid-from applies to contacts only")
		}
		t, err := time.Parse(time.DateOnly, f.validFrom)
		if err != nil {
			return opts, antipersona.Errorf(antipersona.EINVALID, "--valid-from %q is not a date (YYYY-MM-DD)", f.validFrom)
		}
		opts.ValidFrom = t
	}
	if f.delimiter != "" {
		d, err := parseDelimiter(f.delimiter)
		if err != nil {
			return opts, err
		}
		opts.Delimiter = d
	}
	if f.idCol != "" {
		opts.IDColumn = f.idCol
	}
	if f.outcomeCol != "" {
		opts.OutcomeColumn = f.outcomeCol
	}
	if len(f.positive) > 0 {
		opts.PositiveValues = f.positive
	}
	if len(f.exclude) > 0 {
		opts.ExcludeColumns = append(append([]string{}, opts.ExcludeColumns...), f.exclude...)
	}
	for _, fc := range f.cols {
		field, col, ok := strings.Cut(fc, "=")
		if !ok || field == "" || col == "" {
			return opts, antipersona.Errorf(antipersona.EINVALID, "--col %q: expected field=column, e.g. --col answer=Odpowiedz", fc)
		}
		opts.Columns[strings.TrimSpace(field)] = strings.TrimSpace(col)
	}
	for field, col := range f.named {
		if col != nil && *col != "" {
			opts.Columns[field] = *col
		}
	}
	return opts, nil
}

// fileReport is what ingest says about one file.
type fileReport struct {
	File        string `json:"file"`
	Kind        string `json:"kind"`
	Read        int64  `json:"read"`
	Loaded      int64  `json:"loaded"`
	Rejected    int64  `json:"rejected"`
	Duplicates  int64  `json:"duplicates"`
	Skipped     int64  `json:"skipped"`
	Refused     int64  `json:"refused"` // rows of contacts forgotten on request
	RejectsFile string `json:"rejects_file,omitempty"`
	Error       string `json:"error,omitempty"`
}

func (m *Main) runIngest(ctx context.Context, kind antipersona.Kind, files []string, f ingestFlags) error {
	cfg, s, err := m.openWorkspace(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	reports, failed := m.ingestFiles(ctx, cfg, s, kind, files, f)
	if m.jsonOut {
		if err := m.printJSON(reports); err != nil {
			return err
		}
	}
	if failed > 0 {
		return &exitError{code: exitCodes[antipersona.EINVALID]}
	}
	return nil
}

// ingestFiles loads each file and reports on stderr; it returns the reports
// and the number of files that could not be read at all.
func (m *Main) ingestFiles(ctx context.Context, cfg config.Config, s store, kind antipersona.Kind, files []string, f ingestFlags) ([]fileReport, int) {
	rej := ingest.NewRejectWriter(filepath.Join(m.workspaceDir(), "rejects"), kind, m.Now())
	defer rej.Close()
	var reports []fileReport
	failed := 0
	for _, file := range files {
		rep := fileReport{File: file, Kind: string(kind)}
		res, err := m.ingestFile(ctx, cfg, s, kind, file, f, rej)
		rep.Read, rep.Loaded, rep.Rejected, rep.Duplicates, rep.Skipped = res.Read, res.Loaded, res.Rejected, res.Duplicates, res.Skipped
		rep.Refused = res.Refused
		if ferr := rej.Flush(); ferr != nil && err == nil {
			err = ferr
		}
		rep.RejectsFile = rej.Path()
		if err != nil {
			failed++
			rep.Error = antipersona.ErrorMessage(err)
			fmt.Fprintf(m.Stderr, "error: %s: %s\n", file, rep.Error)
		} else {
			msg := fmt.Sprintf("%s: %d rows read, %d loaded, %d rejected, %d duplicates skipped", file, rep.Read, rep.Loaded, rep.Rejected, rep.Duplicates)
			if rep.Skipped > 0 {
				msg += fmt.Sprintf(", %d empty skipped", rep.Skipped)
			}
			if rep.Refused > 0 {
				msg += fmt.Sprintf(", %d refused (contacts deleted on request; re-consent lifts it)", rep.Refused)
			}
			if rep.Rejected > 0 {
				msg += " (rejects: " + rep.RejectsFile + ")"
			}
			m.info("%s", msg)
		}
		reports = append(reports, rep)
	}
	if kind == antipersona.KindEvents || kind == antipersona.KindSurveyAnswers {
		apply, what := m.applyIdentifyTraits, "identify traits"
		if kind == antipersona.KindSurveyAnswers {
			apply, what = m.applySurveyTraits, "survey traits"
		}
		rep, err := apply(ctx, cfg, s)
		switch {
		case err != nil:
			failed++
			rep.Error = antipersona.ErrorMessage(err)
			fmt.Fprintf(m.Stderr, "error: %s: %s\n", what, rep.Error)
			reports = append(reports, rep)
		case rep.Read > 0:
			msg := fmt.Sprintf("%s: %d contact-days read, %d stored as contact versions, %d rejected, %d already stored",
				what, rep.Read, rep.Loaded, rep.Rejected, rep.Duplicates)
			if rep.Rejected > 0 {
				msg += " (rejects: " + rep.RejectsFile + ")"
			}
			m.info("%s", msg)
			reports = append(reports, rep)
		}
	}
	return reports, failed
}

func (m *Main) ingestFile(ctx context.Context, cfg config.Config, s store, kind antipersona.Kind, file string, f ingestFlags, rej *ingest.RejectWriter) (ingest.Result, error) {
	known, err := s.Traits(ctx)
	if err != nil {
		return ingest.Result{}, err
	}
	opts, err := ingestOptions(cfg, kind, f, known)
	if err != nil {
		return ingest.Result{}, err
	}
	started := m.Now()
	if m.interactive() {
		if st, err := os.Stat(file); err == nil {
			bar := progressbar.NewOptions64(st.Size(),
				progressbar.OptionSetWriter(m.Stderr),
				progressbar.OptionSetDescription(filepath.Base(file)),
				progressbar.OptionSetElapsedTime(true),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionClearOnFinish(),
			)
			opts.Progress = func(n int64) { bar.Set64(n) }
			defer bar.Finish()
		}
	}
	before := rej.Count()
	res, err := ingest.File(ctx, file, opts, loggingSink{s, m, file}, rej)
	if err != nil {
		return res, err
	}
	run := antipersona.IngestRun{Kind: kind, File: file, StartedAt: started, FinishedAt: m.Now(),
		Read: res.Read, Loaded: res.Loaded, Rejected: res.Rejected, Duplicates: res.Duplicates}
	if rej.Count() > before {
		run.RejectsFile = rej.Path()
	}
	return res, s.RecordIngest(ctx, run)
}

// loggingSink logs each stored batch at debug level (counts only, never
// row content).
type loggingSink struct {
	ingest.Sink
	m    *Main
	file string
}

func (l loggingSink) WriteBatch(ctx context.Context, b *antipersona.Batch) (antipersona.WriteResult, error) {
	r, err := l.Sink.WriteBatch(ctx, b)
	if err == nil {
		l.m.logger.Debug("batch stored", "file", l.file, "kind", string(b.Kind), "rows", b.Len(),
			"inserted", r.Inserted, "updated", r.Updated, "duplicates", r.Duplicates)
	}
	return r, err
}

// parseDelimiter reads --delimiter: one character, `\t` or "tab".
func parseDelimiter(s string) (rune, error) {
	d := strings.ReplaceAll(s, `\t`, "\t")
	if d == "tab" {
		d = "\t"
	}
	r := []rune(d)
	if len(r) != 1 {
		return 0, antipersona.Errorf(antipersona.EINVALID, "--delimiter must be one character, got %q", s)
	}
	return r[0], nil
}
