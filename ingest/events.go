package ingest

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/antipersona/antipersona"
)

// eventsHandler reads events from CSV (or Parquet, or flat JSON objects when
// the format is forced): contact or anonymous id, time and event name are
// required; message id, session id and type are optional; every other column
// becomes a property (key: the column's identifier; a value that is a JSON
// number is stored as a number, except under "id" and keys ending in "_id").
// Events named
// Order Completed, Order Refunded and Order Cancelled also yield orders and
// returns through EcommerceRecords.
type eventsHandler struct {
	rowCtx
	contact, anon, event, msg, session, typ int
	tc                                      timeCol
	props                                   []int    // property columns
	keys                                    []string // their keys
}

func (h *eventsHandler) setup(header []string, sample []*row) error {
	h.header, h.sampled = header, len(sample)
	cols := newColumns(h.file, header, h.opts)
	if err := cols.resolve(FieldsEvents, nil); err != nil {
		return err
	}
	h.contact, h.anon, h.event = cols.col("contact"), cols.col("anonymous_id"), cols.col("event")
	h.msg, h.session, h.typ = cols.col("message_id"), cols.col("session_id"), cols.col("type")
	var miss []string
	if h.contact < 0 && h.anon < 0 {
		miss = append(miss, describe(FieldsEvents, "contact")+" or "+describe(FieldsEvents, "anonymous_id"))
	}
	if cols.col("time") < 0 {
		miss = append(miss, describe(FieldsEvents, "time"))
	}
	if h.event < 0 {
		miss = append(miss, describe(FieldsEvents, "event"))
	}
	if len(miss) > 0 {
		return cols.missing(miss, columnsHint)
	}
	h.tc = h.newTimeCol(cols.col("time"), sample)
	taken := map[string]bool{}
	for i, name := range header {
		if cols.used[i] || cols.excluded[i] {
			continue
		}
		key := Ident(name)
		if key == "column" {
			key = "column_" + strconv.Itoa(i+1)
		}
		for n := 2; taken[key]; n++ {
			key = Ident(name) + "_" + strconv.Itoa(n)
		}
		taken[key] = true
		h.props = append(h.props, i)
		h.keys = append(h.keys, key)
	}
	return nil
}

func (h *eventsHandler) newBatch() *antipersona.Batch {
	return &antipersona.Batch{Kind: antipersona.KindEvents}
}

func (h *eventsHandler) row(b *antipersona.Batch, r *row) (bool, *antipersona.ParseError) {
	ev := antipersona.Event{
		ContactID:   h.value(r, h.contact),
		AnonymousID: h.value(r, h.anon),
		Name:        h.value(r, h.event),
		SessionID:   h.value(r, h.session),
		MessageID:   h.value(r, h.msg),
		Type:        antipersona.EventTrack,
		Duration:    math.NaN(),
		Rating:      math.NaN(),
		Line:        r.line,
	}
	if ev.ContactID == "" && ev.AnonymousID == "" {
		i := h.contact
		if i < 0 {
			i = h.anon
		}
		return false, h.perr(r, i, "missing contact id and anonymous id")
	}
	if h.typ >= 0 {
		switch t := antipersona.EventType(strings.ToLower(h.value(r, h.typ))); t {
		case "":
		case antipersona.EventIdentify, antipersona.EventTrack, antipersona.EventPage, antipersona.EventScreen:
			ev.Type = t
		default:
			return false, h.perr(r, h.typ, "unknown event type %q; known: identify, track, page, screen", truncate(string(t), 40))
		}
	}
	if ev.Name == "" && ev.Type == antipersona.EventTrack {
		return false, h.perr(r, h.event, "missing event name")
	}
	t, perr := h.getTime(r, h.tc)
	if perr != nil {
		return false, perr
	}
	if t.IsZero() {
		return false, h.perr(r, h.tc.i, "missing time")
	}
	ev.Time = t

	// Properties as a JSON object with sorted keys (so the text, and the
	// derived message id, do not depend on the column order).
	props := make(map[string]json.RawMessage, len(h.props))
	for k, i := range h.props {
		v := h.value(r, i)
		if v == "" {
			continue
		}
		key := h.keys[k]
		if isJSONNumber(v) && key != "id" && !strings.HasSuffix(key, "_id") {
			props[key] = json.RawMessage(v)
		} else {
			q, _ := json.Marshal(v)
			props[key] = q
		}
		switch key {
		case "duration":
			if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsInf(f, 0) {
				ev.Duration = f
			}
		case "rating":
			if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsInf(f, 0) {
				ev.Rating = f
			}
		}
	}
	text, err := json.Marshal(props)
	if err != nil {
		return false, h.perr(r, -1, "cannot encode properties: %v", err)
	}
	ev.Properties = string(text)
	if ev.MessageID == "" {
		// The same derivation as for JSON Lines (properties are marshalled
		// with sorted keys here too), so an event without a messageId gets
		// the same id from either format.
		ev.MessageID = segDerivedID(&ev, text)
	}
	b.Events = append(b.Events, ev)
	// Cheap filter before decoding; EcommerceRecords decides on the name
	// (Order Completed, order_completed, OrderCancelled, ...).
	if ev.Type == antipersona.EventTrack && len(ev.Name) >= 5 && strings.EqualFold(ev.Name[:5], "order") {
		var decoded map[string]any
		if err := json.Unmarshal(text, &decoded); err != nil {
			return false, h.perr(r, -1, "cannot decode properties: %v", err)
		}
		if err := EcommerceRecords(b, &b.Events[len(b.Events)-1], decoded); err != nil {
			col := h.event
			var pe *segPropError
			if errors.As(err, &pe) {
				for k, key := range h.keys {
					if key == pe.key {
						col = h.props[k]
					}
				}
			}
			return false, h.perr(r, col, "%v", err)
		}
	}
	return false, nil
}

// isJSONNumber reports whether s is a number in JSON syntax without leading
// zeros ("007" stays a string) and of reasonable length.
func isJSONNumber(s string) bool {
	if s == "" || len(s) > 30 {
		return false
	}
	i := 0
	if s[0] == '-' {
		i++
	}
	if i >= len(s) {
		return false
	}
	if s[i] == '0' {
		i++
	} else if s[i] >= '1' && s[i] <= '9' {
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	} else {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	return i == len(s)
}

func (h *eventsHandler) finish() []*antipersona.Batch { return nil }
