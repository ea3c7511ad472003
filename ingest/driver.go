package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"unicode/utf8"

	"github.com/antipersona/antipersona"
)

// driver runs one File call.
type driver struct {
	ctx  context.Context
	file string
	opts Options
	sink Sink
	rej  *RejectWriter
	in   *input

	res      Result
	accepted int64 // rows of written batches that were accepted
	records  int64 // records written (Batch.Len)

	// bg, when set, stores batches on a goroutine of its own so that reading
	// the next batch overlaps storing the last one (see startWriter).
	bg *bgWriter
}

// bgWriter stores batches in order on its own goroutine.
type bgWriter struct {
	jobs   chan bgJob
	done   chan error
	failed atomic.Bool // a write failed: the reader stops
}

type bgJob struct {
	b    *antipersona.Batch
	rows int64
}

// startWriter makes write hand batches to a goroutine; stopWriter waits for
// it. At most one batch waits while another is being stored. Rejects stay
// durable before their batch is stored: the reader writes them before it
// hands the batch over, and the writer flushes the rejects file first.
func (d *driver) startWriter() {
	w := &bgWriter{jobs: make(chan bgJob, 1), done: make(chan error, 1)}
	d.bg = w
	go func() {
		var err error
		for j := range w.jobs {
			if err == nil {
				if err = d.writeNow(j.b, j.rows); err != nil {
					w.failed.Store(true)
				}
			}
		}
		w.done <- err
	}()
}

// stopWriter waits for the queued batches and returns the first error.
func (d *driver) stopWriter() error {
	if d.bg == nil {
		return nil
	}
	close(d.bg.jobs)
	err := <-d.bg.done
	d.bg = nil
	return err
}

// handler turns the rows of one kind into batch records.
type handler interface {
	// setup resolves the columns from the header and prepares the parsers
	// from the sampled rows. Its error is fatal (missing columns).
	setup(header []string, sample []*row) error
	// newBatch returns an empty batch of the handler's kind.
	newBatch() *antipersona.Batch
	// row appends what r yields to b. It returns a row problem, in which case
	// the driver rolls b back and rejects r, or skip=true for a row that is
	// deliberately not stored.
	row(b *antipersona.Batch, r *row) (skip bool, perr *antipersona.ParseError)
	// finish returns the batches built from rows aggregated over the whole
	// file (line-item orders), or nil.
	finish() []*antipersona.Batch
}

// item is a row read from a source, or a rejected one.
type item struct {
	r   *row
	bad *badRow
}

// next reads the next item from src, rejecting rows with invalid UTF-8.
func (d *driver) next(src source) (item, error) {
	r, bad, err := src.next()
	if err != nil {
		return item{}, err
	}
	if bad != nil {
		return item{bad: bad}, nil
	}
	for i, f := range r.fields {
		if utf8.ValidString(f) {
			continue
		}
		off := 0
		for off < len(f) {
			rn, size := utf8.DecodeRuneInString(f[off:])
			if rn == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		line, col := r.pos(i)
		return item{bad: &badRow{
			perr: &antipersona.ParseError{File: d.file, Line: line, Column: col, ColumnName: src.header()[i],
				Err: fmt.Errorf("invalid UTF-8 at byte offset %d of the field", off)},
			raw: r.raw,
		}}, nil
	}
	return item{r: r}, nil
}

// runRows reads a CSV, Parquet or JSON-objects file row by row.
func (d *driver) runRows() error {
	src, err := d.in.source(d.file, d.opts)
	if err != nil {
		return err
	}
	h := newHandler(d.file, d.opts)

	// Sample: buffer the first SampleRows rows (good ones for inference,
	// rejected ones to keep the order).
	var sample []item
	var good []*row
	eof := false
	for len(sample) < d.opts.SampleRows {
		it, err := d.next(src)
		if err == io.EOF {
			eof = true
			break
		}
		if err != nil {
			return err
		}
		if it.r != nil {
			it.r = it.r.clone()
			good = append(good, it.r)
		} else {
			it.bad = &badRow{perr: it.bad.perr, raw: append([]byte(nil), it.bad.raw...)}
		}
		sample = append(sample, it)
	}
	if err := h.setup(src.header(), good); err != nil {
		return err
	}
	if c, ok := h.(*contactsHandler); ok {
		d.res.Traits = c.traits
	}
	d.startWriter()
	stopped := false
	defer func() {
		if !stopped {
			d.stopWriter()
		}
	}()

	b := h.newBatch()
	pending := int64(0) // accepted rows in b
	held := int64(0)    // accepted rows aggregated by the handler until finish
	process := func(it item) error {
		d.res.Read++
		if it.bad != nil {
			return d.reject(it.bad.perr, it.bad.raw)
		}
		m := markBatch(b)
		skip, perr := h.row(b, it.r)
		switch {
		case perr != nil:
			m.rollback(b)
			return d.reject(perr, it.r.raw)
		case skip:
			d.res.Skipped++
		case m.grew(b):
			pending++
		default:
			held++
		}
		if int(d.res.Read)%d.opts.BatchRows == 0 {
			if err := d.write(b, pending); err != nil {
				return err
			}
			b, pending = h.newBatch(), 0
		}
		return nil
	}
	for _, it := range sample {
		if err := process(it); err != nil {
			return err
		}
	}
	sample, good = nil, nil
	for !eof {
		it, err := d.next(src)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if err := process(it); err != nil {
			return err
		}
	}
	if err := d.write(b, pending); err != nil {
		return err
	}
	stopped = true
	if err := d.stopWriter(); err != nil {
		return err
	}
	batches := h.finish()
	if len(batches) == 0 {
		d.accepted += held
	} else {
		// Aggregated rows: they all contributed to these batches and count
		// as written with the last one.
		for i, fb := range batches {
			n := int64(0)
			if i == len(batches)-1 {
				n = held
			}
			if err := d.write(fb, n); err != nil {
				return err
			}
		}
	}
	return nil
}

// reject writes one rejected row.
func (d *driver) reject(perr *antipersona.ParseError, raw []byte) error {
	d.res.Rejected++
	if err := d.rej.Write(perr, trimNewline(raw)); err != nil {
		return err
	}
	return nil
}

// write stores b, on the background writer when there is one. An error of
// an earlier background write is returned by a later write or by stopWriter.
func (d *driver) write(b *antipersona.Batch, rows int64) error {
	if d.bg == nil {
		return d.writeNow(b, rows)
	}
	if d.bg.failed.Load() {
		return d.stopWriter()
	}
	select {
	case d.bg.jobs <- bgJob{b, rows}:
		return nil
	case <-d.ctx.Done():
		return canceled(d.ctx, d.file)
	}
}

// writeNow hands b to the sink (in pieces of at most BatchRows records),
// after flushing the rejects and checking ctx. rows is the number of accepted
// rows b holds.
func (d *driver) writeNow(b *antipersona.Batch, rows int64) error {
	if err := d.ctx.Err(); err != nil {
		return canceled(d.ctx, d.file)
	}
	if err := d.rej.Flush(); err != nil {
		return err
	}
	if b.Len() > 0 || len(b.Identities) > 0 {
		for _, piece := range splitBatch(b, d.opts.BatchRows) {
			w, err := d.sink.WriteBatch(d.ctx, piece)
			if err != nil {
				if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
					return canceled(d.ctx, d.file)
				}
				return fmt.Errorf("write batch of %s: %w", d.file, err)
			}
			d.res.Written.Add(w)
			d.records += int64(piece.Len())
		}
	}
	d.accepted += rows
	if d.opts.Progress != nil {
		d.opts.Progress(d.in.counter.n.Load())
	}
	return nil
}

// splitBatch cuts b into batches of at most n records each (identities go
// with the first). It returns b itself when it is small enough.
func splitBatch(b *antipersona.Batch, n int) []*antipersona.Batch {
	if b.Len() <= n {
		return []*antipersona.Batch{b}
	}
	var out []*antipersona.Batch
	cur := &antipersona.Batch{Kind: b.Kind, Traits: b.Traits, Identities: b.Identities}
	room := n
	flush := func() {
		out = append(out, cur)
		cur = &antipersona.Batch{Kind: b.Kind, Traits: b.Traits}
		room = n
	}
	take := func(total int, add func(lo, hi int)) {
		for lo := 0; lo < total; {
			if room == 0 {
				flush()
			}
			hi := min(total, lo+room)
			add(lo, hi)
			room -= hi - lo
			lo = hi
		}
	}
	take(len(b.Contacts), func(lo, hi int) { cur.Contacts = b.Contacts[lo:hi:hi] })
	take(len(b.Events), func(lo, hi int) { cur.Events = b.Events[lo:hi:hi] })
	take(len(b.Orders), func(lo, hi int) { cur.Orders = b.Orders[lo:hi:hi] })
	take(len(b.Returns), func(lo, hi int) { cur.Returns = b.Returns[lo:hi:hi] })
	take(len(b.Costs), func(lo, hi int) { cur.Costs = b.Costs[lo:hi:hi] })
	take(len(b.Touches), func(lo, hi int) { cur.Touches = b.Touches[lo:hi:hi] })
	take(len(b.SurveyAnswers), func(lo, hi int) { cur.SurveyAnswers = b.SurveyAnswers[lo:hi:hi] })
	if cur.Len() > 0 || len(cur.Identities) > 0 {
		out = append(out, cur)
	}
	return out
}

// batchMark remembers the lengths of a batch's slices so that what a failed
// row appended can be taken back.
type batchMark struct {
	contacts, events, orders, returns, costs, touches, answers, identities int
}

func markBatch(b *antipersona.Batch) batchMark {
	return batchMark{len(b.Contacts), len(b.Events), len(b.Orders), len(b.Returns),
		len(b.Costs), len(b.Touches), len(b.SurveyAnswers), len(b.Identities)}
}

func (m batchMark) rollback(b *antipersona.Batch) {
	b.Contacts = b.Contacts[:m.contacts]
	b.Events = b.Events[:m.events]
	b.Orders = b.Orders[:m.orders]
	b.Returns = b.Returns[:m.returns]
	b.Costs = b.Costs[:m.costs]
	b.Touches = b.Touches[:m.touches]
	b.SurveyAnswers = b.SurveyAnswers[:m.answers]
	b.Identities = b.Identities[:m.identities]
}

// grew reports whether b has more records or identities than at m.
func (m batchMark) grew(b *antipersona.Batch) bool {
	return markBatch(b) != m
}

// trimNewline drops one trailing "\n" or "\r\n" (or a lone "\r").
func trimNewline(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}
