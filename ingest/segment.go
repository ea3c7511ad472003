package ingest

// Segment Spec JSON Lines: one call (identify, track, page, screen, alias,
// group) per line, as exported by Segment, RudderStack, Jitsu and similar.
//
// The line is validated once (UTF-8, then JSON syntax) and then walked with a
// small scanner that knows the JSON is valid, so nothing but the few fields
// antipersona keeps is decoded. Properties are decoded into a map only for the
// e-commerce event names and for a call without messageId (to derive one).

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/antipersona/antipersona"
)

// Top-level fields of a call, indexes into segCall.f. Spellings are matched
// after folding (ASCII lower case, '_' dropped), so userId, user_id, userID
// and UserId are one field.
const (
	segType = iota
	segUserID
	segAnonymousID
	segMessageID
	segEvent
	segName
	segTimestamp
	segOriginalTimestamp
	segSentAt
	segReceivedAt
	segProperties
	segTraits
	segContext
	segNumFields
)

// segFieldNames are the canonical spellings, used when a field is absent.
var segFieldNames = [segNumFields]string{
	"type", "userId", "anonymousId", "messageId", "event", "name", "timestamp",
	"originalTimestamp", "sentAt", "receivedAt", "properties", "traits", "context",
}

func segTopSlot(folded []byte) int {
	switch string(folded) {
	case "type":
		return segType
	case "userid":
		return segUserID
	case "anonymousid":
		return segAnonymousID
	case "messageid":
		return segMessageID
	case "event":
		return segEvent
	case "name":
		return segName
	case "timestamp":
		return segTimestamp
	case "originaltimestamp":
		return segOriginalTimestamp
	case "sentat":
		return segSentAt
	case "receivedat":
		return segReceivedAt
	case "properties":
		return segProperties
	case "traits":
		return segTraits
	case "context":
		return segContext
	}
	return -1
}

// Properties lifted into Event fields, in order of precedence within a group.
const (
	segPropDuration = iota
	segPropDurationSeconds
	segPropTimeOnPage
	segPropTimeOnSite
	segPropSeconds
	segPropRating
	segPropScore
	segPropStars
	segPropSessionID
	segNumProps
)

func segPropSlot(folded []byte) int {
	switch string(folded) {
	case "duration":
		return segPropDuration
	case "durationseconds":
		return segPropDurationSeconds
	case "timeonpage":
		return segPropTimeOnPage
	case "timeonsite":
		return segPropTimeOnSite
	case "seconds":
		return segPropSeconds
	case "rating":
		return segPropRating
	case "score":
		return segPropScore
	case "stars":
		return segPropStars
	case "sessionid":
		return segPropSessionID
	}
	return -1
}

// segMember is one member of a JSON object: its quoted key and raw value as
// found in the line, and the 0-based byte offset of the value in the line.
// A zero segMember (val == nil) is an absent member.
type segMember struct {
	key []byte
	val []byte
	off int
}

// present reports whether the member exists and is not null.
func (m segMember) present() bool { return len(m.val) > 0 && m.val[0] != 'n' }

// column is the 1-based column of the value, or 1 when the member is absent.
func (m segMember) column() int {
	if m.val == nil {
		return 1
	}
	return m.off + 1
}

// name is the key as written in the line, or def when the member is absent.
func (m segMember) name(def string) string {
	if m.val == nil {
		return def
	}
	return segUnquote(m.key)
}

var segBOM = []byte("\xef\xbb\xbf")

// ParseSegment parses one JSON line of a Segment Spec call and appends what it
// yields to b:
//
//   - always exactly one Event (types identify, track, page, screen; alias and
//     group are accepted and stored as events with that type);
//   - for an identify call carrying both userId and anonymousId, one Identity;
//   - for the e-commerce v2 track events Order Completed, Order Refunded and
//     Order Cancelled, the Order or Return described by EcommerceRecords.
//
// Field names are accepted in camelCase and snake_case (userId, user_id,
// anonymousId, messageId, originalTimestamp, sentAt, receivedAt, ...). When a
// field appears twice, the later one wins. Ids and names are trimmed of
// surrounding white space; null and blank values count as absent. A missing
// type is inferred: track
// when the call has an event, identify when it has traits. A call needs a
// userId or an anonymousId (strings, or numbers taken as their decimal text)
// and a time, taken from the first present of timestamp, originalTimestamp,
// sentAt and receivedAt; a present but unparseable one is an error, not a
// reason to fall back. Accepted times are RFC 3339 with or without fractional
// seconds and with or without a zone (no zone means UTC), the same with a
// space instead of 'T', a bare date, and unix seconds or milliseconds (a
// number or numeric string; an absolute value of 1e11 or more is taken as
// milliseconds). Event.Time is in UTC.
//
// Event fields: MessageID is messageId, or when absent the hex of the first 16
// bytes of the SHA-256 of the call's canonical content (type, userId,
// anonymousId, name, time in RFC 3339 UTC, properties with sorted keys), so the
// same call parsed twice gets the same id. Name is event (track), name (page,
// screen) or "" (identify, alias, group). SessionID comes from
// properties.session_id, else context.session_id. Duration (seconds) is the
// first finite non-negative number among properties duration,
// duration_seconds, time_on_page, time_on_site and seconds; Rating the first
// finite number among rating, score and stars; numeric strings count as
// numbers and both are NaN when absent. Properties is the properties object
// (for identify and group: traits, else context.traits) as compact JSON, "{}"
// when absent. Line is lineNo.
//
// On a problem ParseSegment appends nothing and returns a
// *antipersona.ParseError with File file, Line lineNo, Column the 1-based byte
// column of the offending value (of the first bad byte for invalid UTF-8, of
// the syntax error for invalid JSON; 1 when the problem is a missing field)
// and ColumnName the field as written in the line ("" for whole-line
// problems; "properties.order_id" style for e-commerce properties). A UTF-8
// byte order mark at the start of the line is skipped (columns still count it).
//
// ParseSegment keeps no reference to line and is safe for concurrent use on
// different batches.
func ParseSegment(b *antipersona.Batch, line []byte, file string, lineNo int64) error {
	return ParseSegmentWith(b, line, file, lineNo, SegmentOptions{})
}

// SegmentOptions adapt ParseSegment to Segment's HTTP API, where the
// endpoint names the type and the server stamps the time of receipt.
type SegmentOptions struct {
	// Type, when set, is the type of a message without one; a message
	// with another type is an error.
	Type antipersona.EventType
	// Received, when not zero, is the time of a message without timestamp,
	// originalTimestamp, sentAt and receivedAt.
	Received time.Time
}

// ParseSegmentWith is ParseSegment with options.
func ParseSegmentWith(b *antipersona.Batch, line []byte, file string, lineNo int64, opt SegmentOptions) error {
	fail := func(col int, name string, err error) error {
		return &antipersona.ParseError{File: file, Line: lineNo, Column: max(col, 1), ColumnName: name, Err: err}
	}

	base := 0
	data := line
	if bytes.HasPrefix(data, segBOM) {
		data, base = data[len(segBOM):], len(segBOM)
	}
	if !utf8.Valid(data) {
		return fail(base+segInvalidUTF8At(data)+1, "", errors.New("invalid UTF-8"))
	}
	if !validJSON(data) {
		col, err := segSyntaxError(data)
		return fail(base+col, "", fmt.Errorf("invalid JSON: %w", err))
	}
	start := segSkipWS(data, 0)
	if data[start] != '{' { // validJSON guarantees a value at start
		return fail(base+start+1, "", errors.New("not a JSON object"))
	}

	var fold [segFoldMax]byte
	var f [segNumFields]segMember
	for it := segOpen(data[start:], base+start); ; {
		key, val, off, ok := it.next()
		if !ok {
			break
		}
		if slot := segTopSlot(segFoldKey(key, &fold)); slot >= 0 {
			f[slot] = segMember{key: key, val: val, off: off}
		}
	}

	// Type.
	var typ antipersona.EventType
	switch m := f[segType]; {
	case m.present():
		if m.val[0] != '"' {
			return fail(m.column(), m.name("type"), errors.New("type is not a string"))
		}
		switch string(segFoldKey(m.val, &fold)) {
		case "identify":
			typ = antipersona.EventIdentify
		case "track":
			typ = antipersona.EventTrack
		case "page":
			typ = antipersona.EventPage
		case "screen":
			typ = antipersona.EventScreen
		case "alias":
			typ = segAlias
		case "group":
			typ = segGroup
		default:
			return fail(m.column(), m.name("type"), fmt.Errorf("unknown type %s", segShow(m.val)))
		}
	case opt.Type != "":
		typ = opt.Type
	case f[segEvent].present():
		typ = antipersona.EventTrack
	case f[segTraits].present():
		typ = antipersona.EventIdentify
	default:
		return fail(m.column(), m.name("type"), errors.New("missing type (and no event or traits to infer it from)"))
	}
	if opt.Type != "" && typ != opt.Type {
		m := f[segType]
		return fail(m.column(), m.name("type"), fmt.Errorf("a %s call sent to the %s endpoint", typ, opt.Type))
	}

	// Identifiers.
	userID, ok := segText(f[segUserID].val)
	if !ok {
		m := f[segUserID]
		return fail(m.column(), m.name("userId"), errors.New("userId is not a string"))
	}
	anonID, ok := segText(f[segAnonymousID].val)
	if !ok {
		m := f[segAnonymousID]
		return fail(m.column(), m.name("anonymousId"), errors.New("anonymousId is not a string"))
	}
	if userID == "" && anonID == "" {
		m := f[segUserID]
		return fail(m.column(), m.name("userId"), errors.New("missing userId and anonymousId"))
	}
	messageID, ok := segText(f[segMessageID].val)
	if !ok {
		m := f[segMessageID]
		return fail(m.column(), m.name("messageId"), errors.New("messageId is not a string"))
	}

	// Time: the first present of the fallbacks.
	var when time.Time
	found := false
	for _, slot := range [...]int{segTimestamp, segOriginalTimestamp, segSentAt, segReceivedAt} {
		m := f[slot]
		if !m.present() || string(m.val) == `""` {
			continue
		}
		t, ok := segParseTime(m.val)
		if !ok {
			return fail(m.column(), m.name(segFieldNames[slot]),
				fmt.Errorf("%s %s is not a date", segFieldNames[slot], segShow(m.val)))
		}
		when, found = t, true
		break
	}
	if !found && !opt.Received.IsZero() {
		when, found = opt.Received.UTC(), true
	}
	if !found {
		return fail(1, "timestamp", errors.New("missing timestamp"))
	}

	// Name.
	var name string
	switch typ {
	case antipersona.EventTrack:
		m := f[segEvent]
		name, ok = segText(m.val)
		if !ok {
			return fail(m.column(), m.name("event"), errors.New("event is not a string"))
		}
		if name == "" {
			return fail(m.column(), m.name("event"), errors.New("track call without event name"))
		}
	case antipersona.EventPage, antipersona.EventScreen:
		m := f[segName]
		name, ok = segText(m.val)
		if !ok {
			return fail(m.column(), m.name("name"), errors.New("name is not a string"))
		}
	}

	// Context: traits and session id only.
	var ctxTraits, ctxSession segMember
	if m := f[segContext]; m.present() && m.val[0] == '{' {
		for it := segOpen(m.val, m.off); ; {
			key, val, off, ok := it.next()
			if !ok {
				break
			}
			switch string(segFoldKey(key, &fold)) {
			case "traits":
				ctxTraits = segMember{key: key, val: val, off: off}
			case "sessionid":
				ctxSession = segMember{key: key, val: val, off: off}
			}
		}
	}

	// Properties, and the values lifted out of them.
	props := f[segProperties]
	if props.present() && props.val[0] != '{' {
		return fail(props.column(), props.name("properties"), errors.New("properties is not an object"))
	}
	var pf [segNumProps]segMember
	if props.present() {
		for it := segOpen(props.val, props.off); ; {
			key, val, off, ok := it.next()
			if !ok {
				break
			}
			if slot := segPropSlot(segFoldKey(key, &fold)); slot >= 0 {
				pf[slot] = segMember{key: key, val: val, off: off}
			}
		}
	}
	duration := math.NaN()
	for _, m := range pf[segPropDuration : segPropSeconds+1] {
		if v, ok := segNumber(m.val); ok && v >= 0 {
			duration = v
			break
		}
	}
	rating := math.NaN()
	for _, m := range pf[segPropRating : segPropStars+1] {
		if v, ok := segNumber(m.val); ok {
			rating = v
			break
		}
	}
	session, ok := segText(pf[segPropSessionID].val)
	if !ok || session == "" {
		if session, ok = segText(ctxSession.val); !ok {
			session = ""
		}
	}

	// The object stored as Event.Properties.
	obj, objName := props, "properties"
	if typ == antipersona.EventIdentify || typ == segGroup {
		obj, objName = f[segTraits], "traits"
		if !obj.present() && ctxTraits.present() && ctxTraits.val[0] == '{' {
			obj = ctxTraits
		}
		if obj.present() && obj.val[0] != '{' {
			return fail(obj.column(), obj.name(objName), errors.New("traits is not an object"))
		}
	}
	propsText := "{}"
	if obj.present() {
		propsText = segCompact(obj.val)
	}

	ev := antipersona.Event{
		MessageID:   messageID,
		ContactID:   userID,
		AnonymousID: anonID,
		Type:        typ,
		Name:        name,
		Time:        when,
		SessionID:   session,
		Duration:    duration,
		Rating:      rating,
		Properties:  propsText,
		Line:        lineNo,
	}

	ecom := segEcomNone
	if typ == antipersona.EventTrack {
		ecom = segEcomKindOf(name)
	}
	var propMap map[string]any // decoded only when needed
	if ecom != segEcomNone && props.present() {
		propMap = segDecodeObject(props.val)
	}
	if ev.MessageID == "" {
		canon := []byte("{}")
		if propsText != "{}" {
			m := propMap
			if objName != "properties" || m == nil {
				m = segDecodeObject(obj.val)
			}
			if c, err := json.Marshal(m); err == nil {
				canon = c // json.Marshal sorts map keys
			}
		}
		ev.MessageID = segDerivedID(&ev, canon)
	}

	if ecom != segEcomNone {
		if err := EcommerceRecords(b, &ev, propMap); err != nil {
			col, colName := props.column(), "properties"
			var pe *segPropError
			if errors.As(err, &pe) {
				col, colName = segLocateProp(props, pe.key)
			}
			return fail(col, colName, err)
		}
	}
	b.Events = append(b.Events, ev)
	if typ == antipersona.EventIdentify && userID != "" && anonID != "" {
		b.Identities = append(b.Identities, antipersona.Identity{AnonymousID: anonID, ContactID: userID, Time: when})
	}
	return nil
}

// Event types that antipersona stores without giving them a meaning.
const (
	segAlias antipersona.EventType = "alias"
	segGroup antipersona.EventType = "group"
)

// segLocateProp returns the column and the column name of properties.key in
// the line: the key's value when present, else the properties object.
func segLocateProp(props segMember, key string) (int, string) {
	if !props.present() {
		return 1, "properties." + key
	}
	var fold, want [segFoldMax]byte
	w := segFold(key, &want, false)
	for it := segOpen(props.val, props.off); ; {
		k, _, off, ok := it.next()
		if !ok {
			break
		}
		if w != nil && bytes.Equal(segFoldKey(k, &fold), w) {
			return off + 1, "properties." + segUnquote(k)
		}
	}
	return props.column(), "properties." + key
}

// segDerivedID is the hex of the first 16 bytes of the SHA-256 of the event's
// canonical content; canonProps is the properties object with sorted keys.
func segDerivedID(ev *antipersona.Event, canonProps []byte) string {
	buf := make([]byte, 0, 128+len(canonProps))
	buf = append(buf, ev.Type...)
	buf = append(buf, 0)
	buf = append(buf, ev.ContactID...)
	buf = append(buf, 0)
	buf = append(buf, ev.AnonymousID...)
	buf = append(buf, 0)
	buf = append(buf, ev.Name...)
	buf = append(buf, 0)
	buf = ev.Time.UTC().AppendFormat(buf, time.RFC3339Nano)
	buf = append(buf, 0)
	buf = append(buf, canonProps...)
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:16])
}

// segDecodeObject decodes a JSON object known to be valid, keeping numbers as
// json.Number so that large ids and exact decimals survive.
func segDecodeObject(raw []byte) map[string]any {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil
	}
	return m
}

// E-commerce v2 events that imply orders or returns.
const (
	segEcomNone = iota
	segOrderCompleted
	segOrderRefunded
	segOrderCancelled
)

// segEcomKindOf compares name with the e-commerce names ignoring case, spaces,
// '_' and '-' (Order Completed, order_completed, OrderCompleted).
func segEcomKindOf(name string) int {
	if len(name) < len("OrderRefunded") || (name[0] != 'O' && name[0] != 'o') {
		return segEcomNone
	}
	var buf [segFoldMax]byte
	switch string(segFold(name, &buf, true)) {
	case "ordercompleted":
		return segOrderCompleted
	case "orderrefunded":
		return segOrderRefunded
	case "ordercancelled", "ordercanceled":
		return segOrderCancelled
	}
	return segEcomNone
}

// segPropError is a problem with one property of an e-commerce event; key is
// the property as found in the map (or its canonical name when missing).
type segPropError struct {
	key string
	msg string
}

func (e *segPropError) Error() string { return e.msg }

func segPropErrorf(key, format string, args ...any) error {
	return &segPropError{key: key, msg: fmt.Sprintf(format, args...)}
}

// EcommerceRecords appends the Order or Return implied by a track event of
// the Segment e-commerce v2 spec, given the event (its Name, ContactID,
// AnonymousID, Time, MessageID and Line are used) and its decoded properties
// (nil means none; numbers may be float64, json.Number, ints or numeric
// strings). Names are compared ignoring case, spaces, '_' and '-'. Events of
// another type than track (or "") and other names append nothing and return
// nil.
//
//   - Order Completed: an Order with Status completed and Source "events".
//     OrderID is properties order_id (or orderId, checkout_id) and is
//     required. Revenue is revenue, else total, else value, else the sum of
//     price × quantity over products (quantity 1 when absent; products
//     without a price are skipped); it is required and must not be negative.
//     Discount is discount (0 when absent, must not be negative); Margin is
//     margin and CostOfGoods is cost (or cost_of_goods), NaN when absent;
//     Channel is channel.
//   - Order Refunded: a Return of kind refund with ReturnID
//     "refund/"+MessageID (or "refund/"+order id+"/"+time when the event has
//     no MessageID), the required order_id, and Amount from total, revenue,
//     amount or value; NaN (the whole order) when absent, and a negative
//     amount is taken as its absolute value.
//   - Order Cancelled (or Canceled): a Return of kind cancel with ReturnID
//     "cancel/"+order_id and Amount NaN.
//
// Property names match exactly first and then ignoring case and '_'. A
// present property that is not a number where one is needed, or a missing
// required one, is an error that names it; on error nothing is appended.
func EcommerceRecords(b *antipersona.Batch, ev *antipersona.Event, props map[string]any) error {
	if ev.Type != "" && ev.Type != antipersona.EventTrack {
		return nil
	}
	kind := segEcomKindOf(ev.Name)
	var title string
	switch kind {
	case segEcomNone:
		return nil
	case segOrderCompleted:
		title = "Order Completed"
	case segOrderRefunded:
		title = "Order Refunded"
	case segOrderCancelled:
		title = "Order Cancelled"
	}

	orderKey, orderVal, ok := segLookup(props, "order_id", "orderId", "checkout_id")
	if !ok {
		return segPropErrorf("order_id", "%s without order_id", title)
	}
	orderID, ok := segAnyText(orderVal)
	if !ok {
		return segPropErrorf(orderKey, "%s %s is not a string", title, orderKey)
	}

	switch kind {
	case segOrderCompleted:
		revenue, err := segRevenue(props, title)
		if err != nil {
			return err
		}
		discount, err := segOptNumber(props, 0, "discount")
		if err != nil {
			return err
		}
		if discount < 0 {
			return segPropErrorf("discount", "discount %s is negative", segFormatNum(discount))
		}
		margin, err := segOptNumber(props, math.NaN(), "margin")
		if err != nil {
			return err
		}
		cost, err := segOptNumber(props, math.NaN(), "cost", "cost_of_goods")
		if err != nil {
			return err
		}
		var channel string
		if _, v, ok := segLookup(props, "channel"); ok {
			channel, _ = segAnyText(v)
		}
		b.Orders = append(b.Orders, antipersona.Order{
			OrderID:     orderID,
			ContactID:   ev.ContactID,
			AnonymousID: ev.AnonymousID,
			Time:        ev.Time,
			Revenue:     revenue,
			Margin:      margin,
			CostOfGoods: cost,
			Discount:    discount,
			Status:      antipersona.OrderCompleted,
			Channel:     channel,
			Source:      "events",
			Line:        ev.Line,
		})
	case segOrderRefunded:
		amount, err := segOptNumber(props, math.NaN(), "total", "revenue", "amount", "value")
		if err != nil {
			return err
		}
		id := "refund/" + ev.MessageID
		if ev.MessageID == "" {
			id = "refund/" + orderID + "/" + ev.Time.UTC().Format(time.RFC3339Nano)
		}
		b.Returns = append(b.Returns, antipersona.Return{
			ReturnID:    id,
			OrderID:     orderID,
			ContactID:   ev.ContactID,
			AnonymousID: ev.AnonymousID,
			Time:        ev.Time,
			Amount:      math.Abs(amount),
			Kind:        antipersona.ReturnRefund,
			Source:      "events",
			Line:        ev.Line,
		})
	case segOrderCancelled:
		b.Returns = append(b.Returns, antipersona.Return{
			ReturnID:    "cancel/" + orderID,
			OrderID:     orderID,
			ContactID:   ev.ContactID,
			AnonymousID: ev.AnonymousID,
			Time:        ev.Time,
			Amount:      math.NaN(),
			Kind:        antipersona.ReturnCancel,
			Source:      "events",
			Line:        ev.Line,
		})
	}
	return nil
}

// segRevenue is the Order Completed revenue: revenue, total or value, else
// the sum of price × quantity over products.
func segRevenue(props map[string]any, title string) (float64, error) {
	if key, v, ok := segLookup(props, "revenue", "total", "value"); ok {
		r, ok := segAnyNumber(v)
		if !ok {
			return 0, segPropErrorf(key, "%s %s is not a number", key, segShowAny(v))
		}
		if r < 0 {
			return 0, segPropErrorf(key, "%s %s is negative", key, segFormatNum(r))
		}
		return r, nil
	}
	key, v, ok := segLookup(props, "products")
	if !ok {
		return 0, segPropErrorf("revenue", "%s without revenue", title)
	}
	list, isList := v.([]any)
	if !isList {
		return 0, segPropErrorf(key, "%s is not a list", key)
	}
	sum, priced := 0.0, false
	for i, p := range list {
		pm, isObj := p.(map[string]any)
		if !isObj {
			return 0, segPropErrorf(key, "%s[%d] is not an object", key, i)
		}
		pk, pv, ok := segLookup(pm, "price")
		if !ok {
			continue
		}
		price, ok := segAnyNumber(pv)
		if !ok {
			return 0, segPropErrorf(key, "%s[%d].%s %s is not a number", key, i, pk, segShowAny(pv))
		}
		qty := 1.0
		if qk, qv, ok := segLookup(pm, "quantity"); ok {
			if qty, ok = segAnyNumber(qv); !ok {
				return 0, segPropErrorf(key, "%s[%d].%s %s is not a number", key, i, qk, segShowAny(qv))
			}
		}
		sum += price * qty
		priced = true
	}
	if !priced {
		return 0, segPropErrorf("revenue", "%s without revenue", title)
	}
	if sum < 0 {
		return 0, segPropErrorf(key, "%s revenue %s is negative", key, segFormatNum(sum))
	}
	return sum, nil
}

// segOptNumber is the first present of the named properties as a number, or
// def when none is present.
func segOptNumber(props map[string]any, def float64, names ...string) (float64, error) {
	key, v, ok := segLookup(props, names...)
	if !ok {
		return def, nil
	}
	f, ok := segAnyNumber(v)
	if !ok {
		return 0, segPropErrorf(key, "%s %s is not a number", key, segShowAny(v))
	}
	return f, nil
}

// segLookup returns the first of names present in m (not nil and not a blank
// string): exact spellings in order first, then, for each name in order, the
// smallest key that equals it ignoring ASCII case and '_'.
func segLookup(m map[string]any, names ...string) (string, any, bool) {
	if len(m) == 0 {
		return "", nil, false
	}
	for _, n := range names {
		if v, ok := m[n]; ok && !segBlank(v) {
			return n, v, true
		}
	}
	var want, got [segFoldMax]byte
	for _, n := range names {
		w := segFold(n, &want, false)
		best, found := "", false
		for k, v := range m {
			if segBlank(v) || (found && k >= best) {
				continue
			}
			if g := segFold(k, &got, false); g != nil && bytes.Equal(g, w) {
				best, found = k, true
			}
		}
		if found {
			return best, m[best], true
		}
	}
	return "", nil, false
}

func segBlank(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(v) == ""
	}
	return false
}

// segAnyNumber converts a decoded JSON value (or a value a CSV reader built)
// to a finite float64.
func segAnyNumber(v any) (float64, bool) {
	var f float64
	switch v := v.(type) {
	case float64:
		f = v
	case float32:
		f = float64(v)
	case int:
		f = float64(v)
	case int64:
		f = float64(v)
	case int32:
		f = float64(v)
	case json.Number:
		var err error
		if f, err = strconv.ParseFloat(string(v), 64); err != nil {
			return 0, false
		}
	case string:
		var ok bool
		if f, ok = segParseNumber(strings.TrimSpace(v)); !ok {
			return 0, false
		}
	default:
		return 0, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// segAnyText converts a decoded id (string or number) to text.
func segAnyText(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v), true
	case json.Number:
		return segNumberText(string(v)), true
	case float64:
		return segFormatNum(v), true
	case float32:
		return segFormatNum(float64(v)), true
	case int:
		return strconv.Itoa(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case int32:
		return strconv.FormatInt(int64(v), 10), true
	}
	return "", false
}

func segShowAny(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(segClip(v))
	case json.Number:
		return string(v)
	case map[string]any:
		return "(an object)"
	case []any:
		return "(a list)"
	}
	return segClip(fmt.Sprint(v))
}

func segFormatNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// segParseNumber parses a decimal number (as JSON writes it, also with a
// leading '+'); hex, underscores, NaN and Inf are refused.
func segParseNumber(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '.', c == '-', c == '+', c == 'e', c == 'E':
		default:
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// segNumber reads a raw JSON number or numeric string as a finite float64.
func segNumber(val []byte) (float64, bool) {
	if len(val) == 0 {
		return 0, false
	}
	switch c := val[0]; {
	case c == '"':
		if bytes.IndexByte(val, '\\') >= 0 {
			return segParseNumber(strings.TrimSpace(segUnquote(val)))
		}
		return segParseNumber(string(bytes.TrimSpace(val[1 : len(val)-1])))
	case c == '-' || (c >= '0' && c <= '9'):
		f, err := strconv.ParseFloat(string(val), 64)
		if err != nil || math.IsInf(f, 0) {
			return 0, false
		}
		return f, true
	}
	return 0, false
}

// segText returns the text of a raw JSON string (trimmed) or number (its
// decimal text). Absent values, null and blank strings give "" and true;
// other JSON types give false.
func segText(val []byte) (string, bool) {
	if len(val) == 0 {
		return "", true
	}
	switch c := val[0]; {
	case c == '"':
		return strings.TrimSpace(segUnquote(val)), true
	case c == 'n':
		return "", true
	case c == '-' || (c >= '0' && c <= '9'):
		return segNumberText(string(val)), true
	}
	return "", false
}

// segNumberText is the decimal text of a JSON number: an integer as written,
// anything else (1e3, 12.50) through float64 without exponent (1000, 12.5).
func segNumberText(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && !(c == '-' && i == 0) {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsInf(f, 0) {
				return s
			}
			return segFormatNum(f)
		}
	}
	return s
}

// segUnquote decodes a raw JSON string (with its quotes).
func segUnquote(q []byte) string {
	if len(q) < 2 || q[0] != '"' {
		return string(q)
	}
	if bytes.IndexByte(q, '\\') < 0 {
		return string(q[1 : len(q)-1])
	}
	var s string
	if err := json.Unmarshal(q, &s); err != nil {
		return string(q[1 : len(q)-1])
	}
	return s
}

// segShow renders a raw JSON value for a message, clipped.
func segShow(val []byte) string {
	if len(val) > 0 && val[0] == '"' {
		return strconv.Quote(segClip(segUnquote(val)))
	}
	return segClip(string(val))
}

// segClip shortens s to at most 40 bytes (on a rune boundary) for messages.
func segClip(s string) string {
	const n = 40
	if len(s) <= n {
		return s
	}
	i := n - 3
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "..."
}

// Time parsing.

// segLayouts are tried in order on string timestamps. When parsing, Go
// accepts fractional seconds after the seconds even when the layout has none.
var segLayouts = [...]string{
	time.RFC3339,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05Z0700",
	"2006-01-02 15:04:05",
	"2006-01-02",
}

// Unix seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
const (
	segMinUnix = -62135596800
	segMaxUnix = 253402300799
)

// segParseTime parses a raw JSON timestamp value (string or number).
func segParseTime(val []byte) (time.Time, bool) {
	switch c := val[0]; {
	case c == '"':
		s := strings.TrimSpace(segUnquote(val))
		if s == "" {
			return time.Time{}, false
		}
		if c := s[0]; c == '-' || c == '+' || (c >= '0' && c <= '9') {
			if _, ok := segParseNumber(s); ok {
				return segUnixTime(s)
			}
		}
		for _, layout := range segLayouts {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC(), true
			}
		}
		return time.Time{}, false
	case c == '-' || (c >= '0' && c <= '9'):
		return segUnixTime(string(val))
	}
	return time.Time{}, false
}

// segUnixTime reads unix seconds, or milliseconds when the absolute value is
// at least 1e11 (1e11 seconds is in the year 5138, 1e11 milliseconds in 1973).
func segUnixTime(s string) (time.Time, bool) {
	if n, err := strconv.ParseInt(strings.TrimPrefix(s, "+"), 10, 64); err == nil {
		if n >= 1e11 || n <= -1e11 {
			if sec := n / 1000; sec < segMinUnix || sec > segMaxUnix {
				return time.Time{}, false
			}
			return time.UnixMilli(n).UTC(), true
		}
		if n < segMinUnix {
			return time.Time{}, false
		}
		return time.Unix(n, 0).UTC(), true
	}
	v, ok := segParseNumber(s)
	if !ok || math.IsNaN(v) {
		return time.Time{}, false
	}
	if math.Abs(v) >= 1e11 {
		v /= 1000
	}
	if v < segMinUnix || v >= segMaxUnix+1 {
		return time.Time{}, false
	}
	sec := math.Floor(v)
	usec := math.Round((v - sec) * 1e6) // float64 keeps about microseconds here
	return time.Unix(int64(sec), int64(usec)*1000).UTC(), true
}

// Scanning JSON that validJSON accepted.

// segObject walks the members of one JSON object.
type segObject struct {
	data []byte // the object, from '{'
	pos  int
	base int // offset of data[0] in the line
}

func segOpen(obj []byte, base int) segObject { return segObject{data: obj, pos: 1, base: base} }

// next returns the next member's quoted key, raw value and the value's offset
// in the line; ok is false after the last member.
func (o *segObject) next() (key, val []byte, off int, ok bool) {
	d := o.data
	i := segSkipWS(d, o.pos)
	if i < len(d) && d[i] == ',' {
		i = segSkipWS(d, i+1)
	}
	if i >= len(d) || d[i] != '"' {
		o.pos = len(d)
		return nil, nil, 0, false
	}
	ke := segSkipString(d, i)
	j := segSkipWS(d, ke)
	if j >= len(d) || d[j] != ':' {
		o.pos = len(d)
		return nil, nil, 0, false
	}
	j = segSkipWS(d, j+1)
	ve := segSkipValue(d, j)
	if ve <= j {
		o.pos = len(d)
		return nil, nil, 0, false
	}
	o.pos = ve
	return d[i:ke], d[j:ve], o.base + j, true
}

func segSkipWS(d []byte, i int) int {
	for i < len(d) {
		switch d[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// segSkipString returns the index after the string starting at d[i] == '"'.
func segSkipString(d []byte, i int) int {
	for j := i + 1; j < len(d); {
		switch d[j] {
		case '\\':
			j += 2
		case '"':
			return j + 1
		default:
			j++
		}
	}
	return len(d)
}

// segSkipValue returns the index after the value starting at d[i].
func segSkipValue(d []byte, i int) int {
	if i >= len(d) {
		return i
	}
	switch d[i] {
	case '"':
		return segSkipString(d, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(d); {
			switch d[j] {
			case '"':
				j = segSkipString(d, j)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
			j++
		}
		return len(d)
	}
	j := i
	for j < len(d) {
		switch d[j] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return j
		}
		j++
	}
	return j
}

// segCompact returns valid JSON without insignificant whitespace.
func segCompact(raw []byte) string {
	if bytes.IndexAny(raw, " \t\r\n") < 0 {
		return string(raw)
	}
	var sb strings.Builder
	sb.Grow(len(raw))
	inString := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if inString {
			sb.WriteByte(c)
			switch c {
			case '\\':
				if i+1 < len(raw) {
					i++
					sb.WriteByte(raw[i])
				}
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '"':
			inString = true
		}
		sb.WriteByte(c)
	}
	return sb.String()
}

// segFoldMax bounds folded names; longer names match nothing we look for.
const segFoldMax = 24

// segFold writes s in ASCII lower case without '_' (and, with dropSpace,
// without ' ' and '-') into buf; nil when it does not fit.
func segFold[T string | []byte](s T, buf *[segFoldMax]byte, dropSpace bool) []byte {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_', dropSpace && (c == ' ' || c == '-'):
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		if n == len(buf) {
			return nil
		}
		buf[n] = c
		n++
	}
	return buf[:n]
}

// segFoldKey folds a quoted JSON key.
func segFoldKey(q []byte, buf *[segFoldMax]byte) []byte {
	if len(q) < 2 {
		return nil
	}
	if bytes.IndexByte(q, '\\') >= 0 {
		return segFold(segUnquote(q), buf, false)
	}
	return segFold(q[1:len(q)-1], buf, false)
}

// segInvalidUTF8At returns the index of the first byte of d that is not part
// of a valid UTF-8 sequence.
func segInvalidUTF8At(d []byte) int {
	for i := 0; i < len(d); {
		r, size := utf8.DecodeRune(d[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(d)
}

// segSyntaxError returns the 1-based column and the error of invalid JSON.
func segSyntaxError(d []byte) (int, error) {
	var v json.RawMessage
	err := json.Unmarshal(d, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return max(int(se.Offset), 1), err
	}
	if err == nil {
		err = errors.New("not valid JSON")
	}
	return 1, err
}
