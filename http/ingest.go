package http

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/ingest"
)

// readBody reads the request body (gunzipped when Content-Encoding is
// gzip), refusing more than max bytes (before or after decompression) with
// ETOOLARGE.
func readBody(r *http.Request, max int64) ([]byte, error) {
	var src io.Reader = r.Body
	switch enc := r.Header.Get("Content-Encoding"); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			return nil, bodyError(err, max)
		}
		defer zr.Close()
		src = zr
	default:
		return nil, antipersona.Errorf(antipersona.EINVALID, "unsupported Content-Encoding %q (use gzip or none)", enc)
	}
	data, err := io.ReadAll(io.LimitReader(src, max+1))
	if err != nil {
		return nil, bodyError(err, max)
	}
	if int64(len(data)) > max {
		return nil, antipersona.Errorf(antipersona.ETOOLARGE, "request body larger than %d bytes", max)
	}
	return data, nil
}

func bodyError(err error, max int64) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return antipersona.Errorf(antipersona.ETOOLARGE, "request body larger than %d bytes", max)
	}
	return antipersona.Errorf(antipersona.EINVALID, "cannot read the request body: %v", err)
}

// MessageError is one message of a Segment call that cannot be stored.
type MessageError struct {
	Index  int    `json:"index"`  // 0-based position in the batch (0 for a single call)
	Column int    `json:"column"` // 1-based byte column in the message
	Field  string `json:"field,omitempty"`
	Error  string `json:"error"`
}

// maxDetails caps the messages' errors listed in one answer.
const maxDetails = 20

// decodeMessages parses Segment messages into one batch. It stores nothing:
// a call with any bad message is refused whole (400, every problem listed
// up to maxDetails), so that a client can fix it and send it again.
func decodeMessages(msgs []json.RawMessage, typ antipersona.EventType, received time.Time, maxMessage int) (*antipersona.Batch, error) {
	b := &antipersona.Batch{Kind: antipersona.KindEvents}
	var details []any
	bad := 0
	for i, m := range msgs {
		var err error
		if len(m) > maxMessage {
			err = &antipersona.ParseError{Line: int64(i + 1), Column: 1,
				Err: fmt.Errorf("message of %d bytes is larger than the limit of %d", len(m), maxMessage)}
		} else {
			err = ingest.ParseSegmentWith(b, m, "request", int64(i+1), ingest.SegmentOptions{Type: typ, Received: received})
		}
		if err == nil {
			continue
		}
		bad++
		if len(details) == maxDetails {
			continue
		}
		me := MessageError{Index: i, Column: 1, Error: err.Error()}
		var pe *antipersona.ParseError
		if errors.As(err, &pe) {
			me.Column, me.Field = pe.Column, pe.ColumnName
			if pe.Err != nil {
				me.Error = pe.Err.Error()
			}
		}
		details = append(details, me)
	}
	if bad > 0 {
		return nil, &detailed{err: antipersona.Errorf(antipersona.EINVALID,
			"%d of %d message(s) cannot be stored; nothing was stored", bad, len(msgs)), details: details}
	}
	return b, nil
}

// SegmentAnswer is the answer to a Segment call: success as Segment's API
// answers, and what the store did with the messages.
type SegmentAnswer struct {
	Success  bool `json:"success"`
	Messages int  `json:"messages"`
}

// segmentOne handles /v1/identify, /v1/track and /v1/page.
func (s *Server) segmentOne(typ antipersona.EventType) func(w http.ResponseWriter, r *http.Request, c *call) error {
	return func(w http.ResponseWriter, r *http.Request, c *call) error {
		body, err := readBody(r, s.limits.MaxBody)
		if err != nil {
			return err
		}
		b, err := decodeMessages([]json.RawMessage{bytes.TrimSpace(body)}, typ, s.now(), s.limits.MaxMessage)
		if err != nil {
			return err
		}
		return s.store(w, r, c, b, 1)
	}
}

// segmentBatch handles /v1/batch: {"batch": [message, ...]}.
func (s *Server) segmentBatch(w http.ResponseWriter, r *http.Request, c *call) error {
	body, err := readBody(r, s.limits.MaxBody)
	if err != nil {
		return err
	}
	var doc struct {
		Batch []json.RawMessage `json:"batch"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return antipersona.Errorf(antipersona.EINVALID, "the body is not a JSON object with a batch array: %s", jsonProblem(body, err))
	}
	if len(doc.Batch) == 0 {
		return antipersona.Errorf(antipersona.EINVALID, "batch is missing or empty")
	}
	if len(doc.Batch) > s.limits.MaxBatch {
		return antipersona.Errorf(antipersona.ETOOLARGE, "batch of %d messages is over the limit of %d", len(doc.Batch), s.limits.MaxBatch)
	}
	b, err := decodeMessages(doc.Batch, "", s.now(), s.limits.MaxMessage)
	if err != nil {
		return err
	}
	return s.store(w, r, c, b, len(doc.Batch))
}

// jsonProblem describes a JSON decoding error with its byte offset.
func jsonProblem(body []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("%v at byte %d", syn, syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("%s is a JSON %s, not a %s (at byte %d)", orBody(typ.Field), typ.Value, typ.Type, typ.Offset)
	}
	return err.Error()
}

func orBody(f string) string {
	if f == "" {
		return "the body"
	}
	return f
}

// store hands the batch to the workspace's committer and answers once it
// is durably stored.
func (s *Server) store(w http.ResponseWriter, r *http.Request, c *call, b *antipersona.Batch, n int) error {
	if !s.ready.Load() {
		return antipersona.Errorf(antipersona.ECONFLICT, "the server is shutting down; send again later")
	}
	if err := c.ws.ingest.submit(r.Context(), b); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, SegmentAnswer{Success: true, Messages: n})
	return nil
}

// committer stores the batches of concurrent requests of one workspace
// together (group commit): one goroutine writes what has queued while the
// previous write ran, and answers each request once its rows are stored.
type committer struct {
	ws      Workspace
	delay   time.Duration
	metrics *metrics
	name    string
	logger  *slog.Logger

	mu     sync.Mutex
	queue  []*pending
	wake   chan struct{}
	closed bool
	done   chan struct{}
}

type pending struct {
	b    *antipersona.Batch
	done chan error
}

// maxGroup caps the rows one commit takes from the queue.
const maxGroup = 50_000

func newCommitter(ws Workspace, delay time.Duration, m *metrics, name string, logger *slog.Logger) *committer {
	c := &committer{ws: ws, delay: delay, metrics: m, name: name, logger: logger,
		wake: make(chan struct{}, 1), done: make(chan struct{})}
	go c.run()
	return c
}

// submit queues b and waits until it is stored. A request whose context
// ends first gets its error, but its rows may still be stored: that is
// safe, because a client that sends them again gets them counted as
// duplicates (by messageId).
func (c *committer) submit(ctx context.Context, b *antipersona.Batch) error {
	p := &pending{b: b, done: make(chan error, 1)}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return antipersona.Errorf(antipersona.ECONFLICT, "the server is shutting down; send again later")
	}
	c.queue = append(c.queue, p)
	select { // under mu: close cannot close wake meanwhile
	case c.wake <- struct{}{}:
	default:
	}
	c.mu.Unlock()
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// close stops taking requests, stores what is queued and returns when the
// queue is empty.
func (c *committer) close() {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.wake)
	}
	c.mu.Unlock()
	<-c.done
}

func (c *committer) run() {
	defer close(c.done)
	for {
		_, open := <-c.wake
		if open && c.delay > 0 {
			time.Sleep(c.delay)
		}
		for {
			group := c.take()
			if len(group) == 0 {
				break
			}
			c.commit(group)
		}
		if !open {
			return
		}
	}
}

// take removes up to maxGroup rows' worth of requests from the queue.
func (c *committer) take() []*pending {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, rows := 0, 0
	for n < len(c.queue) && (n == 0 || rows+c.queue[n].b.Len() <= maxGroup) {
		rows += c.queue[n].b.Len()
		n++
	}
	group := c.queue[:n:n]
	c.queue = c.queue[n:]
	return group
}

// commit writes the group's batches as one and answers each request.
func (c *committer) commit(group []*pending) {
	merged := &antipersona.Batch{Kind: antipersona.KindEvents}
	for _, p := range group {
		merged.Events = append(merged.Events, p.b.Events...)
		merged.Identities = append(merged.Identities, p.b.Identities...)
		merged.Orders = append(merged.Orders, p.b.Orders...)
		merged.Returns = append(merged.Returns, p.b.Returns...)
	}
	start := time.Now()
	res, err := c.ws.Ingest(context.Background(), merged)
	c.metrics.commit(c.name, len(group), res, err, time.Since(start))
	if err != nil {
		c.logger.Error("ingest commit", "workspace", c.name, "requests", len(group), "err", err)
		err = fmt.Errorf("store events: %w", err)
	}
	for _, p := range group {
		p.done <- err
	}
}
