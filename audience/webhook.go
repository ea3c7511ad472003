package audience

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Webhook header names.
const (
	// SignatureHeader carries "sha256=" and the lowercase hex HMAC-SHA256 of
	// the exact request body, keyed with Webhook.Secret.
	SignatureHeader = "X-Antipersona-Signature"
	// DeliveryHeader carries a stable id of the batch: the receiver can use
	// it to ignore a batch it has already processed.
	DeliveryHeader = "X-Antipersona-Delivery"
)

// Webhook defaults.
const (
	DefaultBatchSize   = 1000
	DefaultMaxAttempts = 5
)

// Webhook posts audiences to an HTTP endpoint in signed JSON batches. The
// zero value of every field but URL and Secret means a default. A Webhook
// is safe for concurrent use if its Client and Backoff are.
type Webhook struct {
	URL    string // endpoint, http or https; required
	Secret string // HMAC-SHA256 key of SignatureHeader; required

	// BatchSize is the largest number of rows in a batch; 0 or less means
	// DefaultBatchSize.
	BatchSize int
	// MaxAttempts is the number of requests made for a batch before giving
	// up, the first one included; 0 or less means DefaultMaxAttempts.
	MaxAttempts int
	// Client sends the requests; nil means a client with a 30 s timeout.
	Client *http.Client
	// Backoff returns how long to wait after failed attempt number attempt
	// (1 for the first) before the next one; nil means DefaultBackoff. A
	// Retry-After header in seconds on the response overrides it.
	Backoff func(attempt int) time.Duration
}

// DefaultBackoff waits 500 ms after the first failed attempt and doubles the
// wait after each further one, up to 30 s.
func DefaultBackoff(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	if attempt > 7 {
		return 30 * time.Second
	}
	return min(500*time.Millisecond<<(attempt-1), 30*time.Second)
}

var defaultClient = &http.Client{Timeout: 30 * time.Second}

// Delivery reports what a Post delivered: the batches the endpoint
// acknowledged with a 2xx status, in order.
type Delivery struct {
	Batches  int      // batches acknowledged
	Rows     int      // rows in the acknowledged batches
	Attempts int      // requests made, retries included
	Dropped  int      // identifiers that did not normalise (see Stats.Dropped)
	IDs      []string // DeliveryHeader of each acknowledged batch
}

// DeliveryError is the error of a batch that was not delivered.
type DeliveryError struct {
	Batch    int // 1-based number of the batch
	Batches  int // number of batches of the Post
	Status   int // HTTP status of the last response; 0 when there was none
	Attempts int // requests made for this batch
	Err      error
}

func (e *DeliveryError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "audience: webhook batch %d of %d", e.Batch, e.Batches)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": HTTP %d %s", e.Status, http.StatusText(e.Status))
	}
	fmt.Fprintf(&b, " after %d attempt", e.Attempts)
	if e.Attempts != 1 {
		b.WriteString("s")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *DeliveryError) Unwrap() error { return e.Err }

// webhookBody is the JSON body of a batch.
type webhookBody struct {
	Audience string       `json:"audience"`
	Batch    int          `json:"batch"`
	Batches  int          `json:"batches"`
	Rows     []jsonRecord `json:"rows"`
}

// Post sends rows to h.URL as JSON batches of at most BatchSize rows,
// one after another:
//
//	{"audience":"…","batch":1,"batches":3,"rows":[{…},…]}
//
// batch is 1-based; rows holds the objects of WriteJSON (hashed email and
// phone, no raw personal data). No rows give one batch with an empty rows
// array, so the endpoint learns that the audience is empty. Each request is
// a POST with Content-Type application/json, SignatureHeader
// ("sha256=" + hex HMAC-SHA256 of the body with Secret) and DeliveryHeader
// (the first 32 hex digits of the SHA-256 of the body: the same batch of the
// same rows always gets the same id, so the endpoint can drop repeats).
//
// Network errors, 429 and 5xx responses are retried after Backoff(attempt)
// or the response's Retry-After seconds, up to MaxAttempts requests for a
// batch. Any other status outside 2xx fails at once. Redirects are followed
// as the Client does.
//
// Post returns what was delivered and, when a batch was not, a
// *DeliveryError naming the batch and the last status; batches after it are
// not sent. When ctx is done, Post stops and returns a *DeliveryError that
// wraps ctx.Err(). It returns a plain error, before sending anything, when
// URL or Secret is empty or a row is invalid (unknown Op, non-finite
// ExpectedValue).
func (h *Webhook) Post(ctx context.Context, audience string, rows []Row) (Delivery, error) {
	var d Delivery
	if h.URL == "" {
		return d, errors.New("audience: webhook: empty URL")
	}
	if h.Secret == "" {
		return d, errors.New("audience: webhook: empty secret")
	}
	if err := checkRows(rows); err != nil {
		return d, err
	}
	size := h.BatchSize
	if size <= 0 {
		size = DefaultBatchSize
	}
	batches := max(1, (len(rows)+size-1)/size)
	withOp := anyOp(rows)
	var n normalizer
	for b := range batches {
		lo, hi := b*size, min((b+1)*size, len(rows))
		body := webhookBody{Audience: audience, Batch: b + 1, Batches: batches, Rows: make([]jsonRecord, 0, hi-lo)}
		for i := lo; i < hi; i++ {
			r := n.toRecord(&rows[i])
			body.Rows = append(body.Rows, r.json(withOp))
		}
		d.Dropped = n.dropped
		payload, err := json.Marshal(body)
		if err != nil {
			return d, fmt.Errorf("audience: webhook: %w", err)
		}
		id, attempts, status, err := h.send(ctx, payload)
		d.Attempts += attempts
		if err != nil {
			return d, &DeliveryError{Batch: b + 1, Batches: batches, Status: status, Attempts: attempts, Err: err}
		}
		d.Batches++
		d.Rows += hi - lo
		d.IDs = append(d.IDs, id)
	}
	return d, nil
}

// errStatus is the error of a response outside 2xx.
var errStatus = errors.New("unexpected status")

// send posts one batch with retries. It returns the delivery id, the number
// of requests made, the last HTTP status and an error when the batch was
// not acknowledged.
func (h *Webhook) send(ctx context.Context, payload []byte) (id string, attempts, status int, err error) {
	sum := sha256.Sum256(payload)
	id = hex.EncodeToString(sum[:16])
	mac := hmac.New(sha256.New, []byte(h.Secret))
	mac.Write(payload)
	sig := "sha256=" + hex.EncodeToString(mac.Sum(nil))

	client := h.Client
	if client == nil {
		client = defaultClient
	}
	maxAttempts := h.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	backoff := h.Backoff
	if backoff == nil {
		backoff = DefaultBackoff
	}
	for attempts = 1; ; attempts++ {
		if err := ctx.Err(); err != nil {
			return id, attempts - 1, status, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(payload))
		if err != nil {
			return id, attempts - 1, 0, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "antipersona-audience")
		req.Header.Set(SignatureHeader, sig)
		req.Header.Set(DeliveryHeader, id)

		resp, err := client.Do(req)
		var wait time.Duration
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return id, attempts, status, ctxErr
			}
			status = 0
			if attempts >= maxAttempts {
				return id, attempts, 0, err
			}
			wait = backoff(attempts)
		} else {
			status = resp.StatusCode
			retryAfter := resp.Header.Get("Retry-After")
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			switch {
			case status >= 200 && status < 300:
				return id, attempts, status, nil
			case status == http.StatusTooManyRequests || status >= 500:
				if attempts >= maxAttempts {
					return id, attempts, status, errStatus
				}
				wait = backoff(attempts)
				if s, err := strconv.Atoi(strings.TrimSpace(retryAfter)); err == nil && s >= 0 {
					wait = time.Duration(s) * time.Second
				}
			default:
				return id, attempts, status, errStatus
			}
		}
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return id, attempts, status, ctx.Err()
			case <-t.C:
			}
		}
	}
}
