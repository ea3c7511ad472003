package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"unicode/utf8"

	"github.com/antipersona/antipersona"
)

// segmentWorkers is the number of goroutines parsing JSON lines.
const segmentWorkers = 2

// maxChunkBytes bounds the memory of one chunk of lines.
const maxChunkBytes = 256 << 20

// segChunk is a run of consecutive non-empty lines parsed by one worker.
type segChunk struct {
	arena []byte
	lines []segLine
	done  chan *segResult // buffered: the worker never blocks on it
}

type segLine struct {
	no       int64
	off, end int
	tooLong  bool
}

type segResult struct {
	b                       *antipersona.Batch
	rejects                 []badRow
	read, skipped, accepted int64
}

// runSegment reads a Segment Spec JSON Lines file: one goroutine reads
// chunks of up to BatchRows lines, segmentWorkers goroutines parse them with
// ParseSegment, and the calling goroutine writes the rejects and batches in
// file order. Empty lines are not rows. A line longer than 16 MiB, a line
// with invalid UTF-8 and a line ParseSegment refuses are rejected; a line
// that yields no record or identity is counted in Skipped.
func (d *driver) runSegment() error {
	head, _ := d.in.br.Peek(peekSize)
	head = bytes.TrimLeft(head, " \t\r\n")
	switch {
	case len(head) == 0:
		return antipersona.Errorf(antipersona.EINVALID, "%s: empty file: no JSON lines", d.file)
	case head[0] != '{':
		return antipersona.Errorf(antipersona.EINVALID,
			"%s: not a JSON Lines file: the first line does not start with '{' (for CSV events use a .csv name or --format csv)", d.file)
	}
	ctx, cancel := context.WithCancel(d.ctx)
	defer cancel()

	jobs := make(chan *segChunk, segmentWorkers)
	queue := make(chan *segChunk, segmentWorkers)
	var readErr error
	var wg sync.WaitGroup

	wg.Go(func() {
		defer close(jobs)
		defer close(queue)
		lr := &lineReader{br: d.in.br, max: maxLine}
		lastBytes, lastLines := 1<<20, 1024 // sizes of the last chunk: the next is alike
		for eof := false; !eof; {
			c := &segChunk{done: make(chan *segResult, 1),
				arena: make([]byte, 0, min(lastBytes+lastBytes/8, maxChunkBytes+maxLine)),
				lines: make([]segLine, 0, min(lastLines+lastLines/8, d.opts.BatchRows))}
			for len(c.lines) < d.opts.BatchRows && len(c.arena) < maxChunkBytes {
				text, no, tooLong, err := lr.next()
				if err == io.EOF {
					eof = true
					break
				}
				if err != nil {
					readErr = fmt.Errorf("read %s: %w", d.file, err)
					eof = true
					break
				}
				if !tooLong && len(bytes.TrimSpace(text)) == 0 {
					continue
				}
				off := len(c.arena)
				c.arena = append(c.arena, text...)
				c.lines = append(c.lines, segLine{no: no, off: off, end: len(c.arena), tooLong: tooLong})
			}
			if len(c.lines) == 0 {
				break
			}
			lastBytes, lastLines = len(c.arena), len(c.lines)
			select {
			case queue <- c:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- c:
			case <-ctx.Done():
				return
			}
		}
	})
	for range segmentWorkers {
		wg.Go(func() {
			for c := range jobs {
				c.done <- d.parseChunk(c)
			}
		})
	}

	err := d.consumeChunks(ctx, queue)
	cancel()
	for range queue { // let the reader finish
	}
	wg.Wait()
	if err == nil {
		err = readErr
	}
	return err
}

// consumeChunks writes the results of the chunks in queue, in order.
func (d *driver) consumeChunks(ctx context.Context, queue <-chan *segChunk) error {
	for c := range queue {
		var res *segResult
		select {
		case res = <-c.done:
		case <-ctx.Done():
			return canceled(d.ctx, d.file)
		}
		d.res.Read += res.read
		d.res.Skipped += res.skipped
		for _, bad := range res.rejects {
			if err := d.reject(bad.perr, bad.raw); err != nil {
				return err
			}
		}
		if err := d.write(res.b, res.accepted); err != nil {
			return err
		}
	}
	return nil
}

// parseChunk parses the lines of c into one batch.
func (d *driver) parseChunk(c *segChunk) *segResult {
	res := &segResult{b: &antipersona.Batch{Kind: antipersona.KindEvents,
		Events: make([]antipersona.Event, 0, len(c.lines))}}
	for _, l := range c.lines {
		text := c.arena[l.off:l.end]
		res.read++
		reject := func(col int, err error) {
			res.rejects = append(res.rejects, badRow{raw: text,
				perr: &antipersona.ParseError{File: d.file, Line: l.no, Column: col, Err: err}})
		}
		if l.tooLong {
			reject(0, fmt.Errorf("line longer than %d bytes (raw truncated)", maxLine))
			continue
		}
		if !utf8.Valid(text) {
			off := 0
			for off < len(text) {
				r, size := utf8.DecodeRune(text[off:])
				if r == utf8.RuneError && size <= 1 {
					break
				}
				off += size
			}
			reject(off+1, fmt.Errorf("invalid UTF-8 at byte offset %d of the line", off))
			continue
		}
		m := markBatch(res.b)
		err := parseSegmentSafe(res.b, text, d.file, l.no)
		if err != nil {
			m.rollback(res.b)
			var pe *antipersona.ParseError
			if errors.As(err, &pe) {
				cp := *pe
				cp.File, cp.Line = d.file, l.no
				res.rejects = append(res.rejects, badRow{raw: text, perr: &cp})
			} else {
				reject(0, err)
			}
			continue
		}
		if m.grew(res.b) {
			res.accepted++
		} else {
			res.skipped++
		}
	}
	return res
}

// parseSegmentSafe calls ParseSegment, turning a panic on hostile input into
// a row problem so that one line cannot stop the file.
func parseSegmentSafe(b *antipersona.Batch, line []byte, file string, lineNo int64) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("cannot parse the line: %v", p)
		}
	}()
	return ParseSegment(b, line, file, lineNo)
}
