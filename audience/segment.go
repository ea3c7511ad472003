package audience

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// Segment event names.
const (
	EventEntered = "Audience Entered"
	EventExited  = "Audience Exited"
)

type segmentEvent struct {
	Type       string          `json:"type"`
	Event      string          `json:"event"`
	UserID     string          `json:"userId"`
	MessageID  string          `json:"messageId"`
	Timestamp  string          `json:"timestamp"`
	Properties segmentProperty `json:"properties"`
}

type segmentProperty struct {
	AudienceName  string   `json:"audience_name"`
	Action        string   `json:"action"`
	ExpectedValue float64  `json:"expected_value"`
	Personas      []string `json:"personas"`
	Op            string   `json:"op,omitempty"`
}

// MessageID returns the Segment messageId of the event for contact in
// audience with op at the export time at: the SHA-256, in lowercase hex, of
// the audience name, contact id, op and at in RFC 3339 UTC with nanoseconds,
// separated by NUL bytes. Writing the same export again gives the same ids,
// so Segment drops the duplicates.
func MessageID(audience, contact, op string, at time.Time) string {
	h := sha256.New()
	h.Write([]byte(audience))
	h.Write([]byte{0})
	h.Write([]byte(contact))
	h.Write([]byte{0})
	h.Write([]byte(op))
	h.Write([]byte{0})
	h.Write([]byte(at.UTC().Format(time.RFC3339Nano)))
	return hex.EncodeToString(h.Sum(nil))
}

// WriteSegment writes rows as Segment track events in JSON Lines, one event
// a line (https://segment.com/docs/connections/spec/track/):
//
//	{"type":"track","event":"Audience Entered","userId":"c1","messageId":"…",
//	 "timestamp":"2026-03-01T10:00:00Z","properties":{"audience_name":"…",
//	 "action":"activate","expected_value":12.5,"personas":["p1"],"op":"add"}}
//
// A row with OpAdd, and every row of a full export (OpFull), gives
// EventEntered; a row with OpRemove gives EventExited. userId is the contact
// id; messageId is MessageID(audience, contact, op, at); timestamp is at in
// RFC 3339 UTC. properties.op is present only for incremental rows. No
// personal data is written, so Stats.Dropped is always 0. Rows without a
// contact id (members known only by their hashes) are skipped and counted in
// Stats.Skipped.
//
// WriteSegment returns an error, before writing anything, when audience is
// empty, at is the zero time, or a row has an unknown Op or a non-finite
// ExpectedValue; otherwise it returns the first error of w.
func WriteSegment(w io.Writer, audience string, at time.Time, rows []Row) (Stats, error) {
	var st Stats
	if audience == "" {
		return st, errors.New("audience: write segment: empty audience name")
	}
	if at.IsZero() {
		return st, errors.New("audience: write segment: zero export time")
	}
	if err := checkRows(rows); err != nil {
		return st, err
	}
	ts := at.UTC().Format(time.RFC3339Nano)
	bw := bufio.NewWriter(w)
	for i := range rows {
		r := &rows[i]
		if r.ContactID == "" {
			// A member known only by its hashes (a contact deleted on
			// request) has no userId to send.
			st.Skipped++
			continue
		}
		ev := segmentEvent{
			Type:      "track",
			Event:     EventEntered,
			UserID:    r.ContactID,
			MessageID: MessageID(audience, r.ContactID, r.Op, at),
			Timestamp: ts,
			Properties: segmentProperty{
				AudienceName:  audience,
				Action:        r.Action,
				ExpectedValue: r.ExpectedValue,
				Personas:      r.Personas,
				Op:            r.Op,
			},
		}
		if r.Op == OpRemove {
			ev.Event = EventExited
		}
		if ev.Properties.Personas == nil {
			ev.Properties.Personas = []string{}
		}
		b, err := json.Marshal(ev)
		if err != nil {
			return st, fmt.Errorf("audience: write segment: %w", err)
		}
		bw.Write(b)
		bw.WriteByte('\n')
		st.Rows++
	}
	if err := bw.Flush(); err != nil {
		return Stats{}, fmt.Errorf("audience: write segment: %w", err)
	}
	return st, nil
}
