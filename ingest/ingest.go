// Package ingest reads contacts, events, orders, costs, touches and survey
// answers from CSV/TSV, JSON Lines (Segment Spec for events) and Parquet
// files, infers the types of contact traits, and hands the parsed rows to a
// Sink in batches. Every row it cannot use goes to a rejects file with its
// file, line, column and reason; no row is dropped silently.
//
// Line and column numbers: Line is the 1-based line of the file where the
// offending field starts (a CSV record with quoted newlines spans several
// lines); Column is the 1-based byte column of that field in its line, as in
// encoding/csv, or of the JSON value in its line. For Parquet, Line is the
// 1-based row number plus one (as if the file had a header line) and Column
// is the 1-based position of the column.
//
// Dates: the values of a date column (a date trait, or the time column of an
// event, order, cost, touch or answer) are read with one family of layouts,
// chosen as the one that parses the sampled values:
//
//   - ISO: RFC 3339 with or without fractional seconds and zone,
//     2006-01-02, 2006-01-02 15:04:05, 2006-01-02 15:04, 2006-01-02T15:04:05,
//     2006/01/02;
//   - day first: 02.01.2006, 02/01/2006, 02-01-2006 (one or two digits for day
//     and month), optionally followed by 15:04 or 15:04:05;
//   - month first: 01/02/2006, 1/2/2006 15:04, and the same with '.' or '-';
//   - unix seconds (13-digit integers as milliseconds), for time columns only:
//     an integer trait is a number.
//
// A sampled value whose first part is above 12 settles day-first against
// month-first. When every sampled value reads both ways, the separator
// decides: '/' means month-first (US exports), '.' and '-' mean day-first
// (European exports); override the trait's type or fix the file when that
// guess is wrong. Times without a zone are UTC; every time is stored in UTC.
//
// Numbers: strconv.ParseFloat after trimming; a decimal comma ("12,50") is
// accepted when no sampled value of the column has a '.', and spaces between
// digit groups ("1 234,56") are dropped. NaN and infinities are not numbers.
package ingest

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/antipersona/antipersona"
)

// Sink receives batches; the stores implement it.
type Sink interface {
	WriteBatch(ctx context.Context, b *antipersona.Batch) (antipersona.WriteResult, error)
}

// Options configures File. The zero value reads a file of Kind with every
// default.
type Options struct {
	// Kind is the kind of rows in the file: contacts, events, orders, costs,
	// touches or survey_answers ("surveys" is an alias). Returns are not
	// ingested directly: they come from orders and events.
	Kind antipersona.Kind
	// Format is "csv", "tsv", "jsonl" or "parquet"; "" chooses from the
	// extension (.csv .tsv .txt .jsonl .ndjson .json .parquet, also followed
	// by .gz) and then from the content. gzip compression is detected from
	// the content whatever the extension.
	Format string
	// Delimiter separates CSV fields; 0 detects it among , ; tab | from the
	// first lines (".tsv" files default to tab).
	Delimiter rune
	// IDColumn names the contacts' id column; "" means the first present of
	// contact_id, id, userId, customer_id (compared as in FieldsContacts).
	IDColumn string
	// LineIDs (contacts) identifies the rows of a file without an id
	// column by their line numbers, for one-off analyses of flat files.
	LineIDs bool
	// OutcomeColumn names the contacts' column stored as Contact.Outcome
	// rather than as a trait; "" means none.
	OutcomeColumn string
	// PositiveValues are the outcome values meaning true (case-insensitive);
	// nil means 1, true, yes, y, t, tak, có, converted. Any other non-missing
	// value means false.
	PositiveValues []string
	// ExcludeColumns are dropped (column names or identifiers).
	ExcludeColumns []string
	// MissingValues are the placeholders meaning "no value", compared with
	// the trimmed value; nil means DefaultMissingValues. The empty string is
	// always missing; NA, N/A, null, None and nan in the list also match in
	// any case.
	MissingValues []string
	// TraitOverrides fix the type, dimension or identifier of contact
	// traits, keyed by column name or identifier. They win over KnownTraits
	// and inference.
	TraitOverrides map[string]TraitOverride
	// KnownTraits are the traits already in the store; a column with the
	// same name (or identifier) keeps their identifier, type and dimension.
	KnownTraits []antipersona.Trait
	// ReservedIdents are identifiers a trait may not take (feature names);
	// such a trait gets the prefix "trait_".
	ReservedIdents []string
	// Columns maps a logical field to a column name, overriding the
	// auto-detection (see the Fields* variables for each kind's fields).
	Columns map[string]string
	// CancelledStatuses are order statuses meaning cancelled; nil means
	// DefaultCancelledStatuses. Compared case-insensitively.
	CancelledStatuses []string
	// RefundedStatuses are order statuses meaning refunded; nil means
	// DefaultRefundedStatuses. Compared case-insensitively.
	RefundedStatuses []string
	// SampleRows is the number of rows sampled for type inference; 0 means
	// 10000.
	SampleRows int
	// BatchRows is the maximum number of rows per batch handed to the sink;
	// 0 means 500000.
	BatchRows int
	// Progress, when set, is called from time to time with the number of
	// bytes of the file consumed so far (compressed bytes for .gz files).
	Progress func(bytesRead int64)
	// ValidFrom (contacts) is when the file's values became true; zero means
	// they always held. It is copied to every batch.
	ValidFrom time.Time
}

// TraitOverride fixes what inference would otherwise decide for a trait;
// zero fields keep the inferred value.
type TraitOverride struct {
	Type      antipersona.TraitType
	Dimension antipersona.Dimension
	Ident     string
}

// Result counts what File did with a file.
//
// Every data row read ends up in exactly one of Loaded, Rejected,
// Duplicates, Skipped and Refused:
// Read == Loaded + Rejected + Duplicates + Skipped + Refused.
//
// Loaded and Duplicates are in rows of the file. When one row becomes one
// record (contacts, costs, touches, survey answers, most orders and events)
// they are the sink's Inserted+Updated and Duplicates. When rows and records
// differ (line items aggregated into orders, a refunded order that is also a
// return, a Segment "Order Completed" event that is also an order), the
// sink's duplicate share is applied to the rows: Duplicates =
// round(accepted rows × duplicate records / records) and Loaded = accepted
// rows − Duplicates. Written has the sink's own counts, in records.
type Result struct {
	Read, Loaded, Rejected, Duplicates int64
	// Skipped counts rows read but deliberately not stored: survey answers
	// with an empty (missing) answer, and JSON Lines event lines for which
	// ParseSegment appends nothing.
	Skipped int64
	// Refused counts rows of contacts forgotten on request, which the
	// store refuses (antipersona.PrivacyStore); they are deliberately not
	// kept anywhere, not even in the rejects file.
	Refused int64
	// Written is the sum of the sink's WriteResults, in records.
	Written antipersona.WriteResult
	// Traits are the contact traits of this file, after inference
	// (contacts only).
	Traits []antipersona.Trait
}

// Default order statuses.
var (
	DefaultCancelledStatuses = []string{"cancelled", "canceled", "cancel", "anulowane", "anulowano", "đã hủy", "hủy"}
	DefaultRefundedStatuses  = []string{"refunded", "returned", "return", "zwrot", "zwrócone", "hoàn tiền", "trả hàng"}
	// CompletedStatuses are the statuses of a completed order; an empty
	// status is completed too.
	CompletedStatuses = []string{"completed", "complete", "paid", "shipped", "delivered", "fulfilled", "closed", "zrealizowane", "zrealizowano", "hoàn thành", "đã giao"}
	// DefaultPositiveValues are the outcome values meaning true.
	DefaultPositiveValues = []string{"1", "true", "yes", "y", "t", "tak", "có", "converted"}
)

const (
	defaultSampleRows = 10000
	defaultBatchRows  = 500000
	// maxLine is the longest JSON line read; a longer line is rejected.
	maxLine = 16 << 20
)

// withDefaults validates the options and fills in the defaults.
func (o Options) withDefaults() (Options, error) {
	switch o.Kind {
	case "surveys", "survey", "survey_answer":
		o.Kind = antipersona.KindSurveyAnswers
	case antipersona.KindContacts, antipersona.KindEvents, antipersona.KindOrders,
		antipersona.KindCosts, antipersona.KindTouches, antipersona.KindSurveyAnswers:
	case antipersona.KindReturns:
		return o, antipersona.Errorf(antipersona.EINVALID,
			"returns are not ingested directly: ingest orders (negative or refunded rows) or events (Order Refunded, Order Cancelled)")
	default:
		return o, antipersona.Errorf(antipersona.EINVALID,
			"unknown kind %q; kinds: contacts, events, orders, costs, touches, surveys", o.Kind)
	}
	switch strings.ToLower(o.Format) {
	case "", "csv", "tsv", "jsonl", "parquet":
		o.Format = strings.ToLower(o.Format)
	case "ndjson", "json":
		o.Format = "jsonl"
	default:
		return o, antipersona.Errorf(antipersona.EINVALID, "unknown format %q; formats: csv, tsv, jsonl, parquet", o.Format)
	}
	if o.Delimiter != 0 && !validDelimiter(o.Delimiter) {
		return o, antipersona.Errorf(antipersona.EINVALID, "invalid delimiter %q", o.Delimiter)
	}
	if o.SampleRows <= 0 {
		o.SampleRows = defaultSampleRows
	}
	if o.BatchRows <= 0 {
		o.BatchRows = defaultBatchRows
	}
	if o.CancelledStatuses == nil {
		o.CancelledStatuses = DefaultCancelledStatuses
	}
	if o.RefundedStatuses == nil {
		o.RefundedStatuses = DefaultRefundedStatuses
	}
	if o.PositiveValues == nil {
		o.PositiveValues = DefaultPositiveValues
	}
	for k, ov := range o.TraitOverrides {
		if ov.Type != "" && !antipersona.ValidTraitType(ov.Type) {
			return o, antipersona.Errorf(antipersona.EINVALID, "trait %q: unknown type %q", k, ov.Type)
		}
		if ov.Dimension != "" && !antipersona.ValidDimension(ov.Dimension) {
			return o, antipersona.Errorf(antipersona.EINVALID, "trait %q: unknown dimension %q", k, ov.Dimension)
		}
	}
	return o, nil
}

func validDelimiter(r rune) bool {
	return r != 0 && r != '"' && r != '\r' && r != '\n' && r != 0xFFFD
}

// File reads one file and hands it to sink in batches of at most
// opts.BatchRows rows. Row problems go to rej (which must not be nil) and
// never stop the file; rej is flushed (and synced) before every
// sink.WriteBatch, so a reject is durable before the batch is acknowledged.
// File does not close rej: one writer may collect the rejects of several
// files.
//
// It returns an error only when nothing could be read (a missing or
// unreadable file, no header, not the format), when required columns are
// missing (a *antipersona.Error with Code EINVALID naming the missing
// columns and listing the columns found), when the sink or the rejects file
// fails, or when ctx is cancelled (an error wrapping antipersona.ErrCanceled,
// checked between batches). The Result then counts what was done before.
func File(ctx context.Context, path string, opts Options, sink Sink, rej *RejectWriter) (Result, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return Result{}, err
	}
	in, err := openInput(path, opts)
	if err != nil {
		return Result{}, err
	}
	defer in.close()

	d := &driver{ctx: ctx, file: path, opts: opts, sink: sink, rej: rej, in: in}
	if opts.Kind == antipersona.KindEvents && in.format == "jsonl" {
		err = d.runSegment()
	} else {
		err = d.runRows()
	}
	d.finishCounts()
	if opts.Progress != nil {
		opts.Progress(in.counter.n.Load())
	}
	return d.res, err
}

// finishCounts turns the accepted rows and the sink's counts into Loaded and
// Duplicates (see Result).
func (d *driver) finishCounts() {
	w := d.res.Written
	records := d.records
	switch {
	case d.accepted == 0:
	case records == 0:
		// Only identities (or nothing) were written: the rows are loaded.
		d.res.Loaded = d.accepted
	case records == d.accepted && w.Inserted+w.Updated+w.Duplicates+w.Refused == records:
		d.res.Loaded = w.Inserted + w.Updated
		d.res.Duplicates = w.Duplicates
		d.res.Refused = w.Refused
	default:
		dup := min(int64(math.Round(float64(d.accepted)*float64(w.Duplicates)/float64(records))), d.accepted)
		ref := min(int64(math.Round(float64(d.accepted)*float64(w.Refused)/float64(records))), d.accepted-dup)
		d.res.Duplicates, d.res.Refused = dup, ref
		d.res.Loaded = d.accepted - dup - ref
	}
	// Rows of a batch that was never written (the run stopped with an
	// error) are in Read but in none of the other counts.
}

// canceled wraps ctx's error so that errors.Is(err, antipersona.ErrCanceled).
func canceled(ctx context.Context, path string) error {
	return fmt.Errorf("ingest %s: %w (%w)", path, antipersona.ErrCanceled, context.Cause(ctx))
}
