package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
)

// segT0 is the time most test lines carry: 2024-03-05T10:15:30Z.
var segT0 = time.Date(2024, 3, 5, 10, 15, 30, 0, time.UTC)

var segNaN = math.NaN()

// segSame compares floats, NaN equal to NaN.
func segSame(a, b float64) bool {
	return a == b || (math.IsNaN(a) && math.IsNaN(b)) || math.Abs(a-b) < 1e-9
}

// segEventDiff lists the fields in which got differs from want.
func segEventDiff(got, want antipersona.Event) []string {
	var d []string
	add := func(field string, g, w any) { d = append(d, fmt.Sprintf("%s = %v, want %v", field, g, w)) }
	if want.MessageID != "" && got.MessageID != want.MessageID {
		add("MessageID", got.MessageID, want.MessageID)
	}
	if got.ContactID != want.ContactID {
		add("ContactID", got.ContactID, want.ContactID)
	}
	if got.AnonymousID != want.AnonymousID {
		add("AnonymousID", got.AnonymousID, want.AnonymousID)
	}
	if got.Type != want.Type {
		add("Type", got.Type, want.Type)
	}
	if got.Name != want.Name {
		add("Name", got.Name, want.Name)
	}
	if !got.Time.Equal(want.Time) || got.Time.Location() != time.UTC {
		add("Time", got.Time, want.Time)
	}
	if got.SessionID != want.SessionID {
		add("SessionID", got.SessionID, want.SessionID)
	}
	if !segSame(got.Duration, want.Duration) {
		add("Duration", got.Duration, want.Duration)
	}
	if !segSame(got.Rating, want.Rating) {
		add("Rating", got.Rating, want.Rating)
	}
	if got.Properties != want.Properties {
		add("Properties", got.Properties, want.Properties)
	}
	if got.Line != want.Line {
		add("Line", got.Line, want.Line)
	}
	return d
}

// segEv is an event with the defaults most cases share; MessageID "" means
// "not checked" (the derived id has its own test).
func segEv(typ antipersona.EventType, name string, mod func(*antipersona.Event)) antipersona.Event {
	ev := antipersona.Event{
		MessageID: "m1", ContactID: "u1", Type: typ, Name: name, Time: segT0,
		Duration: segNaN, Rating: segNaN, Properties: "{}", Line: 7,
	}
	if mod != nil {
		mod(&ev)
	}
	return ev
}

func TestParseSegment(t *testing.T) {
	tests := []struct {
		name string
		line string
		want antipersona.Event
	}{
		{
			name: "track camelCase",
			line: `{"type":"track","event":"Product Viewed","userId":"u1","anonymousId":"a1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z","properties":{"product_id":"p7","price":19.99}}`,
			want: segEv("track", "Product Viewed", func(e *antipersona.Event) {
				e.AnonymousID = "a1"
				e.Properties = `{"product_id":"p7","price":19.99}`
			}),
		},
		{
			name: "track snake_case",
			line: `{"type":"track","event":"Product Viewed","user_id":"u1","anonymous_id":"a1","message_id":"m1","original_timestamp":"2024-03-05T10:15:30Z"}`,
			want: segEv("track", "Product Viewed", func(e *antipersona.Event) { e.AnonymousID = "a1" }),
		},
		{
			name: "other capitalisations of field names",
			line: `{"Type":"track","Event":"Signed Up","UserID":"u1","messageID":"m1","Timestamp":"2024-03-05T10:15:30Z"}`,
			want: segEv("track", "Signed Up", nil),
		},
		{
			name: "type in upper case",
			line: `{"type":"TRACK","event":"Signed Up","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z"}`,
			want: segEv("track", "Signed Up", nil),
		},
		{
			name: "type inferred as track from event",
			line: `{"event":"Signed Up","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z"}`,
			want: segEv("track", "Signed Up", nil),
		},
		{
			name: "type null inferred from event",
			line: `{"type":null,"event":"Signed Up","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z"}`,
			want: segEv("track", "Signed Up", nil),
		},
		{
			name: "type inferred as identify from traits",
			line: `{"traits":{"plan":"pro"},"userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z"}`,
			want: segEv("identify", "", func(e *antipersona.Event) { e.Properties = `{"plan":"pro"}` }),
		},
		{
			name: "identify with context.traits",
			line: `{"type":"identify","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z","context":{"ip":"10.0.0.1","traits":{"plan":"free"}}}`,
			want: segEv("identify", "", func(e *antipersona.Event) { e.Properties = `{"plan":"free"}` }),
		},
		{
			name: "identify prefers top-level traits over context.traits",
			line: `{"type":"identify","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z","traits":{"plan":"pro"},"context":{"traits":{"plan":"free"}}}`,
			want: segEv("identify", "", func(e *antipersona.Event) { e.Properties = `{"plan":"pro"}` }),
		},
		{
			name: "identify without traits",
			line: `{"type":"identify","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z"}`,
			want: segEv("identify", "", nil),
		},
		{
			name: "page with name",
			line: `{"type":"page","name":"Pricing","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z","properties":{"path":"/pricing"}}`,
			want: segEv("page", "Pricing", func(e *antipersona.Event) { e.Properties = `{"path":"/pricing"}` }),
		},
		{
			name: "page without name",
			line: `{"type":"page","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z"}`,
			want: segEv("page", "", nil),
		},
		{
			name: "screen",
			line: `{"type":"screen","name":"Home","anonymousId":"a1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z"}`,
			want: segEv("screen", "Home", func(e *antipersona.Event) { e.ContactID, e.AnonymousID = "", "a1" }),
		},
		{
			name: "alias",
			line: `{"type":"alias","previousId":"a1","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z"}`,
			want: segEv("alias", "", nil),
		},
		{
			name: "group keeps its traits",
			line: `{"type":"group","groupId":"g1","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z","traits":{"industry":"retail"}}`,
			want: segEv("group", "", func(e *antipersona.Event) { e.Properties = `{"industry":"retail"}` }),
		},
		{
			name: "only anonymousId",
			line: `{"type":"track","event":"X","anonymousId":"a1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z"}`,
			want: segEv("track", "X", func(e *antipersona.Event) { e.ContactID, e.AnonymousID = "", "a1" }),
		},
		{
			name: "blank userId with anonymousId",
			line: `{"type":"track","event":"X","userId":"  ","anonymousId":"a1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z"}`,
			want: segEv("track", "X", func(e *antipersona.Event) { e.ContactID, e.AnonymousID = "", "a1" }),
		},
		{
			name: "ids and messageId as numbers",
			line: `{"type":"track","event":"X","userId":12345,"anonymousId":1e3,"messageId":987,"timestamp":"2024-03-05T10:15:30Z"}`,
			want: segEv("track", "X", func(e *antipersona.Event) { e.ContactID, e.AnonymousID, e.MessageID = "12345", "1000", "987" }),
		},
		{
			name: "large integer id keeps every digit",
			line: `{"type":"track","event":"X","userId":12345678901234567890,"messageId":"m1","timestamp":"2024-03-05T10:15:30Z"}`,
			want: segEv("track", "X", func(e *antipersona.Event) { e.ContactID = "12345678901234567890" }),
		},
		{
			name: "fractional numeric id",
			line: `{"type":"track","event":"X","userId":12.50,"messageId":"m1","timestamp":"2024-03-05T10:15:30Z"}`,
			want: segEv("track", "X", func(e *antipersona.Event) { e.ContactID = "12.5" }),
		},
		{
			name: "ids are trimmed",
			line: `{"type":"track","event":" X ","userId":" u1 ","messageId":"m1","timestamp":"2024-03-05T10:15:30Z"}`,
			want: segEv("track", "X", nil),
		},
		{
			name: "later duplicate field wins",
			line: `{"type":"track","event":"X","userId":"u0","user_id":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z"}`,
			want: segEv("track", "X", nil),
		},
		{
			name: "escaped key",
			line: `{"type":"track","event":"X","user\u0049d":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z"}`,
			want: segEv("track", "X", nil),
		},
		{
			name: "escaped event name",
			line: `{"type":"track","event":"Caf\u00e9 \"Visit\"","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z"}`,
			want: segEv("track", `Café "Visit"`, nil),
		},
		{
			name: "whitespace everywhere and CRLF",
			line: "{ \"type\" : \"track\" , \"event\" : \"X\" , \"userId\" : \"u1\" , \"messageId\" : \"m1\" , \"timestamp\" : \"2024-03-05T10:15:30Z\" , \"properties\" : { \"a\" : [ 1 , 2 ] , \"b\" : \"x y\" } }\r",
			want: segEv("track", "X", func(e *antipersona.Event) { e.Properties = `{"a":[1,2],"b":"x y"}` }),
		},
		{
			name: "byte order mark",
			line: "\xef\xbb\xbf" + `{"type":"track","event":"X","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z"}`,
			want: segEv("track", "X", nil),
		},
		{
			name: "properties null",
			line: `{"type":"track","event":"X","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z","properties":null}`,
			want: segEv("track", "X", nil),
		},
		{
			name: "context other than traits and session ignored, even when not an object",
			line: `{"type":"track","event":"X","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z","context":"web"}`,
			want: segEv("track", "X", nil),
		},

		// Timestamps; the expected instants are worked out by hand from the text.
		{
			name: "timestamp with milliseconds and offset",
			line: `{"type":"track","event":"X","userId":"u1","messageId":"m1","timestamp":"2024-03-05T12:15:30.250+02:00"}`,
			want: segEv("track", "X", func(e *antipersona.Event) { e.Time = segT0.Add(250 * time.Millisecond) }),
		},
		{
			name: "timestamp with nanoseconds",
			line: `{"type":"track","event":"X","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30.123456789Z"}`,
			want: segEv("track", "X", func(e *antipersona.Event) { e.Time = segT0.Add(123456789) }),
		},
		{
			name: "timestamp offset without colon",
			line: `{"type":"track","event":"X","userId":"u1","messageId":"m1","timestamp":"2024-03-05T05:15:30-0500"}`,
			want: segEv("track", "X", nil),
		},
		{
			name: "timestamp without zone is UTC",
			line: `{"type":"track","event":"X","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30.5"}`,
			want: segEv("track", "X", func(e *antipersona.Event) { e.Time = segT0.Add(500 * time.Millisecond) }),
		},
		{
			name: "timestamp with a space",
			line: `{"type":"track","event":"X","userId":"u1","messageId":"m1","timestamp":"2024-03-05 10:15:30"}`,
			want: segEv("track", "X", nil),
		},
		{
			name: "timestamp with a space and a zone",
			line: `{"type":"track","event":"X","userId":"u1","messageId":"m1","timestamp":"2024-03-05 11:15:30+01:00"}`,
			want: segEv("track", "X", nil),
		},
		{
			name: "bare date",
			line: `{"type":"track","event":"X","userId":"u1","messageId":"m1","timestamp":"2024-03-05"}`,
			want: segEv("track", "X", func(e *antipersona.Event) { e.Time = time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC) }),
		},
		{
			// 2024-03-05T10:15:30Z = 19787 days × 86400 + 36930 s = 1709633730.
			name: "unix seconds",
			line: `{"type":"track","event":"X","userId":"u1","messageId":"m1","timestamp":1709633730}`,
			want: segEv("track", "X", nil),
		},
		{
			name: "unix milliseconds",
			line: `{"type":"track","event":"X","userId":"u1","messageId":"m1","timestamp":1709633730250}`,
			want: segEv("track", "X", func(e *antipersona.Event) { e.Time = segT0.Add(250 * time.Millisecond) }),
		},
		{
			name: "unix seconds with a fraction",
			line: `{"type":"track","event":"X","userId":"u1","messageId":"m1","timestamp":1709633730.5}`,
			want: segEv("track", "X", func(e *antipersona.Event) { e.Time = segT0.Add(500 * time.Millisecond) }),
		},
		{
			name: "unix seconds as a string",
			line: `{"type":"track","event":"X","userId":"u1","messageId":"m1","timestamp":"1709633730"}`,
			want: segEv("track", "X", nil),
		},
		{
			name: "unix milliseconds as a string",
			line: `{"type":"track","event":"X","userId":"u1","messageId":"m1","timestamp":"1709633730250"}`,
			want: segEv("track", "X", func(e *antipersona.Event) { e.Time = segT0.Add(250 * time.Millisecond) }),
		},
		{
			name: "originalTimestamp when timestamp absent",
			line: `{"type":"track","event":"X","userId":"u1","messageId":"m1","originalTimestamp":"2024-03-05T10:15:30Z","sentAt":"2024-03-05T10:15:31Z"}`,
			want: segEv("track", "X", nil),
		},
		{
			name: "sent_at when timestamp empty",
			line: `{"type":"track","event":"X","userId":"u1","messageId":"m1","timestamp":"","sent_at":"2024-03-05T10:15:30Z","receivedAt":"2024-03-05T10:15:31Z"}`,
			want: segEv("track", "X", nil),
		},
		{
			name: "receivedAt when the others are null",
			line: `{"type":"track","event":"X","userId":"u1","messageId":"m1","timestamp":null,"sentAt":null,"receivedAt":"2024-03-05T10:15:30Z"}`,
			want: segEv("track", "X", nil),
		},
		{
			name: "timestamp wins over the fallbacks",
			line: `{"type":"track","event":"X","userId":"u1","messageId":"m1","receivedAt":"2024-03-05T10:15:31Z","timestamp":"2024-03-05T10:15:30Z"}`,
			want: segEv("track", "X", nil),
		},

		// Values lifted out of properties.
		{
			name: "session_id in properties",
			line: `{"type":"page","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z","properties":{"session_id":"s1"}}`,
			want: segEv("page", "", func(e *antipersona.Event) { e.SessionID, e.Properties = "s1", `{"session_id":"s1"}` }),
		},
		{
			name: "sessionId in properties as a number",
			line: `{"type":"page","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z","properties":{"sessionId":42}}`,
			want: segEv("page", "", func(e *antipersona.Event) { e.SessionID, e.Properties = "42", `{"sessionId":42}` }),
		},
		{
			name: "session_id in context",
			line: `{"type":"page","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z","context":{"session_id":"s2"}}`,
			want: segEv("page", "", func(e *antipersona.Event) { e.SessionID = "s2" }),
		},
		{
			name: "properties session wins over context",
			line: `{"type":"page","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z","context":{"sessionId":"s2"},"properties":{"session_id":"s1"}}`,
			want: segEv("page", "", func(e *antipersona.Event) { e.SessionID, e.Properties = "s1", `{"session_id":"s1"}` }),
		},
		{
			name: "duration",
			line: `{"type":"page","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z","properties":{"duration":12.5}}`,
			want: segEv("page", "", func(e *antipersona.Event) { e.Duration, e.Properties = 12.5, `{"duration":12.5}` }),
		},
		{
			name: "duration_seconds as a string",
			line: `{"type":"page","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z","properties":{"duration_seconds":" 30 "}}`,
			want: segEv("page", "", func(e *antipersona.Event) { e.Duration, e.Properties = 30, `{"duration_seconds":" 30 "}` }),
		},
		{
			name: "time_on_page",
			line: `{"type":"page","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z","properties":{"time_on_page":45}}`,
			want: segEv("page", "", func(e *antipersona.Event) { e.Duration, e.Properties = 45, `{"time_on_page":45}` }),
		},
		{
			name: "timeOnSite",
			line: `{"type":"page","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z","properties":{"timeOnSite":"600"}}`,
			want: segEv("page", "", func(e *antipersona.Event) { e.Duration, e.Properties = 600, `{"timeOnSite":"600"}` }),
		},
		{
			name: "seconds",
			line: `{"type":"track","event":"Video Watched","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z","properties":{"seconds":1e2}}`,
			want: segEv("track", "Video Watched", func(e *antipersona.Event) { e.Duration, e.Properties = 100, `{"seconds":1e2}` }),
		},
		{
			name: "duration wins over seconds",
			line: `{"type":"page","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z","properties":{"seconds":5,"duration":7}}`,
			want: segEv("page", "", func(e *antipersona.Event) { e.Duration, e.Properties = 7, `{"seconds":5,"duration":7}` }),
		},
		{
			name: "unusable durations are skipped",
			line: `{"type":"page","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z","properties":{"duration":-3,"time_on_page":"long","seconds":9}}`,
			want: segEv("page", "", func(e *antipersona.Event) {
				e.Duration, e.Properties = 9, `{"duration":-3,"time_on_page":"long","seconds":9}`
			}),
		},
		{
			name: "no usable duration",
			line: `{"type":"page","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z","properties":{"duration":"0x10"}}`,
			want: segEv("page", "", func(e *antipersona.Event) { e.Properties = `{"duration":"0x10"}` }),
		},
		{
			name: "rating",
			line: `{"type":"track","event":"Review Submitted","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z","properties":{"rating":4}}`,
			want: segEv("track", "Review Submitted", func(e *antipersona.Event) { e.Rating, e.Properties = 4, `{"rating":4}` }),
		},
		{
			name: "score as a string",
			line: `{"type":"track","event":"Review Submitted","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z","properties":{"score":"9"}}`,
			want: segEv("track", "Review Submitted", func(e *antipersona.Event) { e.Rating, e.Properties = 9, `{"score":"9"}` }),
		},
		{
			name: "stars",
			line: `{"type":"track","event":"Review Submitted","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z","properties":{"stars":2.5}}`,
			want: segEv("track", "Review Submitted", func(e *antipersona.Event) { e.Rating, e.Properties = 2.5, `{"stars":2.5}` }),
		},
		{
			name: "lifted names inside nested objects are not lifted",
			line: `{"type":"page","userId":"u1","messageId":"m1","timestamp":"2024-03-05T10:15:30Z","properties":{"video":{"duration":5,"rating":1}}}`,
			want: segEv("page", "", func(e *antipersona.Event) { e.Properties = `{"video":{"duration":5,"rating":1}}` }),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b antipersona.Batch
			if err := ParseSegment(&b, []byte(tt.line), "events.jsonl", 7); err != nil {
				t.Fatalf("ParseSegment: %v", err)
			}
			if len(b.Events) != 1 {
				t.Fatalf("got %d events, want 1", len(b.Events))
			}
			for _, d := range segEventDiff(b.Events[0], tt.want) {
				t.Error(d)
			}
			if len(b.Orders)+len(b.Returns) != 0 {
				t.Errorf("got %d orders and %d returns, want none", len(b.Orders), len(b.Returns))
			}
		})
	}
}

func TestParseSegmentIdentity(t *testing.T) {
	tests := []struct {
		name string
		line string
		want []antipersona.Identity
	}{
		{
			name: "identify with both ids",
			line: `{"type":"identify","userId":"u1","anonymousId":"a1","timestamp":"2024-03-05T10:15:30Z","traits":{"plan":"pro"}}`,
			want: []antipersona.Identity{{AnonymousID: "a1", ContactID: "u1", Time: segT0}},
		},
		{
			name: "identify with userId only",
			line: `{"type":"identify","userId":"u1","timestamp":"2024-03-05T10:15:30Z"}`,
		},
		{
			name: "identify with anonymousId only",
			line: `{"type":"identify","anonymousId":"a1","timestamp":"2024-03-05T10:15:30Z"}`,
		},
		{
			name: "track with both ids",
			line: `{"type":"track","event":"X","userId":"u1","anonymousId":"a1","timestamp":"2024-03-05T10:15:30Z"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b antipersona.Batch
			if err := ParseSegment(&b, []byte(tt.line), "f", 1); err != nil {
				t.Fatal(err)
			}
			if len(b.Identities) != len(tt.want) {
				t.Fatalf("got identities %+v, want %+v", b.Identities, tt.want)
			}
			for i, got := range b.Identities {
				w := tt.want[i]
				if got.AnonymousID != w.AnonymousID || got.ContactID != w.ContactID || !got.Time.Equal(w.Time) {
					t.Errorf("identity %d = %+v, want %+v", i, got, w)
				}
			}
			if len(b.Events) != 1 {
				t.Errorf("got %d events, want 1", len(b.Events))
			}
		})
	}
}

func TestParseSegmentErrors(t *testing.T) {
	tests := []struct {
		name string
		line string
		// col is the expected column; when at is set the column is instead the
		// position of the first occurrence of at in line, counted from 1.
		col     int
		at      string
		colName string
		msg     string
	}{
		{
			// '}' is byte 17 of the line.
			name: "invalid JSON", line: `{"type":"track",}`, col: 17,
			msg: "invalid JSON: invalid character '}' looking for beginning of object key string",
		},
		{
			// The input ends after byte 15.
			name: "truncated JSON", line: `{"type":"track"`, col: 15,
			msg: "invalid JSON: unexpected end of JSON input",
		},
		{
			name: "empty line", line: ``, col: 1,
			msg: "invalid JSON: unexpected end of JSON input",
		},
		{
			name: "two objects on a line", line: `{"a":1} {"b":2}`, at: `{"b"`,
			msg: "invalid JSON: invalid character '{' after top-level value",
		},
		{
			// \xe9 (Latin-1 é) follows the 28 bytes `{"type":"track","event":"caf`.
			name: "invalid UTF-8", line: "{\"type\":\"track\",\"event\":\"caf\xe9\"}", col: 29,
			msg: "invalid UTF-8",
		},
		{
			name: "invalid UTF-8 after a BOM", line: "\xef\xbb\xbf{\"a\":\"\xff\"}", col: 10,
			msg: "invalid UTF-8",
		},
		{name: "array", line: `[1,2]`, col: 1, msg: "not a JSON object"},
		{name: "string after spaces", line: `  "track"`, col: 3, msg: "not a JSON object"},
		{name: "null", line: `null`, col: 1, msg: "not a JSON object"},
		{
			name: "unknown type", line: `{"type":"foo","userId":"u1","timestamp":"2024-03-05T10:15:30Z"}`,
			at: `"foo"`, colName: "type", msg: `unknown type "foo"`,
		},
		{
			name: "type not a string", line: `{"type":3,"userId":"u1","timestamp":"2024-03-05T10:15:30Z"}`,
			at: `3`, colName: "type", msg: "type is not a string",
		},
		{
			name: "type missing and not inferable", line: `{"userId":"u1","timestamp":"2024-03-05T10:15:30Z"}`,
			col: 1, colName: "type", msg: "missing type (and no event or traits to infer it from)",
		},
		{
			name: "missing ids", line: `{"type":"track","event":"X","timestamp":"2024-03-05T10:15:30Z"}`,
			col: 1, colName: "userId", msg: "missing userId and anonymousId",
		},
		{
			name: "null and blank ids", line: `{"type":"track","event":"X","user_id":null,"anonymousId":"","timestamp":"2024-03-05T10:15:30Z"}`,
			at: `null`, colName: "user_id", msg: "missing userId and anonymousId",
		},
		{
			name: "userId a boolean", line: `{"type":"track","event":"X","userId":true,"timestamp":"2024-03-05T10:15:30Z"}`,
			at: `true`, colName: "userId", msg: "userId is not a string",
		},
		{
			name: "anonymous_id an object", line: `{"type":"track","event":"X","anonymous_id":{"id":1},"timestamp":"2024-03-05T10:15:30Z"}`,
			at: `{"id"`, colName: "anonymous_id", msg: "anonymousId is not a string",
		},
		{
			name: "messageId a list", line: `{"type":"track","event":"X","userId":"u1","messageId":[1],"timestamp":"2024-03-05T10:15:30Z"}`,
			at: `[1]`, colName: "messageId", msg: "messageId is not a string",
		},
		{
			name: "missing timestamp", line: `{"type":"track","event":"X","userId":"u1"}`,
			col: 1, colName: "timestamp", msg: "missing timestamp",
		},
		{
			name: "timestamp not a date", line: `{"type":"track","event":"X","userId":"u1","timestamp":"xyz"}`,
			at: `"xyz"`, colName: "timestamp", msg: `timestamp "xyz" is not a date`,
		},
		{
			name: "bad timestamp does not fall back", line: `{"type":"track","event":"X","userId":"u1","timestamp":"2024-13-01","sentAt":"2024-03-05T10:15:30Z"}`,
			at: `"2024-13-01"`, colName: "timestamp", msg: `timestamp "2024-13-01" is not a date`,
		},
		{
			name: "snake_case sent_at not a date", line: `{"type":"track","event":"X","userId":"u1","sent_at":"yesterday"}`,
			at: `"yesterday"`, colName: "sent_at", msg: `sentAt "yesterday" is not a date`,
		},
		{
			name: "timestamp a boolean", line: `{"type":"track","event":"X","userId":"u1","timestamp":false}`,
			at: `false`, colName: "timestamp", msg: `timestamp false is not a date`,
		},
		{
			// 1e20 ms is about 3 billion years from now.
			name: "timestamp out of range", line: `{"type":"track","event":"X","userId":"u1","timestamp":1e20}`,
			at: `1e20`, colName: "timestamp", msg: `timestamp 1e20 is not a date`,
		},
		{
			name: "long timestamp clipped in the message", line: `{"type":"track","event":"X","userId":"u1","timestamp":"` + strings.Repeat("z", 100) + `"}`,
			at: `"zzz`, colName: "timestamp", msg: `timestamp "` + strings.Repeat("z", 37) + `..." is not a date`,
		},
		{
			name: "track without event", line: `{"type":"track","userId":"u1","timestamp":"2024-03-05T10:15:30Z"}`,
			col: 1, colName: "event", msg: "track call without event name",
		},
		{
			name: "track with empty event", line: `{"type":"track","event":" ","userId":"u1","timestamp":"2024-03-05T10:15:30Z"}`,
			at: `" "`, colName: "event", msg: "track call without event name",
		},
		{
			name: "event an object", line: `{"event":{"n":1},"userId":"u1","timestamp":"2024-03-05T10:15:30Z"}`,
			at: `{"n"`, colName: "event", msg: "event is not a string",
		},
		{
			name: "page name a list", line: `{"type":"page","name":["a"],"userId":"u1","timestamp":"2024-03-05T10:15:30Z"}`,
			at: `["a"]`, colName: "name", msg: "name is not a string",
		},
		{
			name: "properties a list", line: `{"type":"track","event":"X","userId":"u1","timestamp":"2024-03-05T10:15:30Z","properties":[1]}`,
			at: `[1]`, colName: "properties", msg: "properties is not an object",
		},
		{
			name: "traits a string", line: `{"type":"identify","userId":"u1","timestamp":"2024-03-05T10:15:30Z","traits":"vip"}`,
			at: `"vip"`, colName: "traits", msg: "traits is not an object",
		},

		// E-commerce problems point into properties.
		{
			name: "Order Completed without order_id", line: `{"type":"track","event":"Order Completed","userId":"u1","timestamp":"2024-03-05T10:15:30Z","properties":{"revenue":10}}`,
			at: `{"revenue"`, colName: "properties.order_id", msg: "Order Completed without order_id",
		},
		{
			name: "Order Completed without properties", line: `{"type":"track","event":"Order Completed","userId":"u1","timestamp":"2024-03-05T10:15:30Z"}`,
			col: 1, colName: "properties.order_id", msg: "Order Completed without order_id",
		},
		{
			name: "order_id a boolean", line: `{"type":"track","event":"order_completed","userId":"u1","timestamp":"2024-03-05T10:15:30Z","properties":{"orderId":true,"revenue":10}}`,
			at: `true`, colName: "properties.orderId", msg: "Order Completed orderId is not a string",
		},
		{
			name: "revenue not a number", line: `{"type":"track","event":"Order Completed","userId":"u1","timestamp":"2024-03-05T10:15:30Z","properties":{"order_id":"o1","revenue":"abc"}}`,
			at: `"abc"`, colName: "properties.revenue", msg: `revenue "abc" is not a number`,
		},
		{
			name: "negative total", line: `{"type":"track","event":"Order Completed","userId":"u1","timestamp":"2024-03-05T10:15:30Z","properties":{"order_id":"o1","total":-5}}`,
			at: `-5`, colName: "properties.total", msg: "total -5 is negative",
		},
		{
			name: "no revenue at all", line: `{"type":"track","event":"Order Completed","userId":"u1","timestamp":"2024-03-05T10:15:30Z","properties":{"order_id":"o1","products":[{"sku":"a"}]}}`,
			at: `{"order_id"`, colName: "properties.revenue", msg: "Order Completed without revenue",
		},
		{
			name: "product price not a number", line: `{"type":"track","event":"Order Completed","userId":"u1","timestamp":"2024-03-05T10:15:30Z","properties":{"order_id":"o1","products":[{"price":1},{"price":"x"}]}}`,
			at: `[{"price"`, colName: "properties.products", msg: `products[1].price "x" is not a number`,
		},
		{
			name: "products not a list", line: `{"type":"track","event":"Order Completed","userId":"u1","timestamp":"2024-03-05T10:15:30Z","properties":{"order_id":"o1","products":"a,b"}}`,
			at: `"a,b"`, colName: "properties.products", msg: "products is not a list",
		},
		{
			name: "discount not a number", line: `{"type":"track","event":"Order Completed","userId":"u1","timestamp":"2024-03-05T10:15:30Z","properties":{"order_id":"o1","revenue":10,"discount":"ten"}}`,
			at: `"ten"`, colName: "properties.discount", msg: `discount "ten" is not a number`,
		},
		{
			name: "negative discount", line: `{"type":"track","event":"Order Completed","userId":"u1","timestamp":"2024-03-05T10:15:30Z","properties":{"order_id":"o1","revenue":10,"discount":-1}}`,
			at: `-1`, colName: "properties.discount", msg: "discount -1 is negative",
		},
		{
			name: "margin an object", line: `{"type":"track","event":"Order Completed","userId":"u1","timestamp":"2024-03-05T10:15:30Z","properties":{"order_id":"o1","revenue":10,"margin":{}}}`,
			at: `{}`, colName: "properties.margin", msg: "margin (an object) is not a number",
		},
		{
			name: "Order Refunded without order_id", line: `{"type":"track","event":"Order Refunded","userId":"u1","timestamp":"2024-03-05T10:15:30Z","properties":{"total":3}}`,
			at: `{"total"`, colName: "properties.order_id", msg: "Order Refunded without order_id",
		},
		{
			name: "refund amount not a number", line: `{"type":"track","event":"Order Refunded","userId":"u1","timestamp":"2024-03-05T10:15:30Z","properties":{"order_id":"o1","amount":"all"}}`,
			at: `"all"`, colName: "properties.amount", msg: `amount "all" is not a number`,
		},
		{
			name: "Order Cancelled without order_id", line: `{"type":"track","event":"Order Cancelled","userId":"u1","timestamp":"2024-03-05T10:15:30Z","properties":{"order_id":""}}`,
			at: `""}}`, colName: "properties.order_id", msg: "Order Cancelled without order_id",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b antipersona.Batch
			err := ParseSegment(&b, []byte(tt.line), "events.jsonl", 42)
			if err == nil {
				t.Fatalf("no error, want %q", tt.msg)
			}
			var pe *antipersona.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v is not a *antipersona.ParseError", err, err)
			}
			wantCol := tt.col
			if tt.at != "" {
				i := strings.Index(tt.line, tt.at)
				if i < 0 {
					t.Fatalf("bad test: %q not in line", tt.at)
				}
				wantCol = i + 1
			}
			if pe.File != "events.jsonl" || pe.Line != 42 {
				t.Errorf("File, Line = %q, %d, want events.jsonl, 42", pe.File, pe.Line)
			}
			if pe.Column != wantCol {
				t.Errorf("Column = %d, want %d", pe.Column, wantCol)
			}
			if pe.ColumnName != tt.colName {
				t.Errorf("ColumnName = %q, want %q", pe.ColumnName, tt.colName)
			}
			if got := pe.Err.Error(); got != tt.msg {
				t.Errorf("message = %q, want %q", got, tt.msg)
			}
			if n := b.Len() + len(b.Identities); n != 0 {
				t.Errorf("appended %d records on error", n)
			}
		})
	}
}

func TestParseSegmentEcommerce(t *testing.T) {
	const head = `{"type":"track","userId":"u1","anonymousId":"a1","messageId":"m9","timestamp":"2024-03-05T10:15:30Z",`
	order := func(mod func(*antipersona.Order)) []antipersona.Order {
		o := antipersona.Order{
			OrderID: "o1", ContactID: "u1", AnonymousID: "a1", Time: segT0, Revenue: 49.9,
			Margin: segNaN, CostOfGoods: segNaN, Status: antipersona.OrderCompleted, Source: "events", Line: 3,
		}
		if mod != nil {
			mod(&o)
		}
		return []antipersona.Order{o}
	}
	ret := func(mod func(*antipersona.Return)) []antipersona.Return {
		r := antipersona.Return{
			OrderID: "o1", ContactID: "u1", AnonymousID: "a1", Time: segT0, Amount: segNaN, Source: "events", Line: 3,
		}
		mod(&r)
		return []antipersona.Return{r}
	}
	tests := []struct {
		name    string
		rest    string // the line after head
		orders  []antipersona.Order
		returns []antipersona.Return
	}{
		{
			name:   "Order Completed with revenue",
			rest:   `"event":"Order Completed","properties":{"order_id":"o1","revenue":49.9}}`,
			orders: order(nil),
		},
		{
			name:   "snake_case name and numeric strings",
			rest:   `"event":"order_completed","properties":{"orderId":"o1","revenue":"49.90","discount":"5","margin":"20.5","cost":"15"}}`,
			orders: order(func(o *antipersona.Order) { o.Discount, o.Margin, o.CostOfGoods = 5, 20.5, 15 }),
		},
		{
			name:   "upper case name, checkout_id, total, cost_of_goods, channel",
			rest:   `"event":"ORDER COMPLETED","properties":{"checkout_id":"o1","total":49.9,"cost_of_goods":12,"channel":"web"}}`,
			orders: order(func(o *antipersona.Order) { o.CostOfGoods, o.Channel = 12, "web" }),
		},
		{
			name:   "value when revenue and total are absent",
			rest:   `"event":"Order Completed","properties":{"order_id":"o1","value":49.9}}`,
			orders: order(nil),
		},
		{
			name:   "revenue wins over total",
			rest:   `"event":"Order Completed","properties":{"order_id":"o1","total":60,"revenue":49.9}}`,
			orders: order(nil),
		},
		{
			// Hand computation: 10 × 2 + 5.5 × 1 (default quantity) + 8 × "3" = 49.5;
			// the product without a price adds nothing.
			name:   "revenue from products",
			rest:   `"event":"Order Completed","properties":{"order_id":"o1","products":[{"price":10,"quantity":2},{"price":"5.5"},{"sku":"free"},{"price":8,"quantity":"3"}]}}`,
			orders: order(func(o *antipersona.Order) { o.Revenue = 49.5 }),
		},
		{
			name:   "numeric order id keeps every digit",
			rest:   `"event":"Order Completed","properties":{"order_id":12345678901234567890,"revenue":49.9}}`,
			orders: order(func(o *antipersona.Order) { o.OrderID = "12345678901234567890" }),
		},
		{
			name:   "zero revenue",
			rest:   `"event":"Order Completed","properties":{"order_id":"o1","revenue":0}}`,
			orders: order(func(o *antipersona.Order) { o.Revenue = 0 }),
		},
		{
			name:    "Order Refunded with total",
			rest:    `"event":"Order Refunded","properties":{"order_id":"o1","total":20}}`,
			returns: ret(func(r *antipersona.Return) { r.ReturnID, r.Kind, r.Amount = "refund/m9", antipersona.ReturnRefund, 20 }),
		},
		{
			name:    "Order Refunded negative amount",
			rest:    `"event":"Order Refunded","properties":{"order_id":"o1","amount":"-7.5"}}`,
			returns: ret(func(r *antipersona.Return) { r.ReturnID, r.Kind, r.Amount = "refund/m9", antipersona.ReturnRefund, 7.5 }),
		},
		{
			name:    "Order Refunded without amount is the whole order",
			rest:    `"event":"order-refunded","properties":{"order_id":"o1"}}`,
			returns: ret(func(r *antipersona.Return) { r.ReturnID, r.Kind = "refund/m9", antipersona.ReturnRefund }),
		},
		{
			name:    "Order Cancelled",
			rest:    `"event":"Order Cancelled","properties":{"order_id":"o1","total":20}}`,
			returns: ret(func(r *antipersona.Return) { r.ReturnID, r.Kind = "cancel/o1", antipersona.ReturnCancel }),
		},
		{
			name:    "Order Canceled (US spelling)",
			rest:    `"event":"Order Canceled","properties":{"order_id":"o1"}}`,
			returns: ret(func(r *antipersona.Return) { r.ReturnID, r.Kind = "cancel/o1", antipersona.ReturnCancel }),
		},
		{
			name: "other e-commerce names yield nothing",
			rest: `"event":"Order Updated","properties":{"order_id":"o1","revenue":49.9}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b antipersona.Batch
			if err := ParseSegment(&b, []byte(head+tt.rest), "f", 3); err != nil {
				t.Fatal(err)
			}
			if len(b.Events) != 1 {
				t.Fatalf("got %d events, want 1", len(b.Events))
			}
			segCheckOrders(t, b.Orders, tt.orders)
			segCheckReturns(t, b.Returns, tt.returns)
		})
	}

	t.Run("a page named Order Completed is only a page", func(t *testing.T) {
		var b antipersona.Batch
		line := `{"type":"page","name":"Order Completed","userId":"u1","timestamp":"2024-03-05T10:15:30Z","properties":{"order_id":"o1","revenue":1}}`
		if err := ParseSegment(&b, []byte(line), "f", 3); err != nil {
			t.Fatal(err)
		}
		if len(b.Events) != 1 || len(b.Orders) != 0 {
			t.Errorf("got %d events and %d orders, want 1 and 0", len(b.Events), len(b.Orders))
		}
	})
	t.Run("a refund without messageId uses the derived one", func(t *testing.T) {
		var b antipersona.Batch
		line := `{"type":"track","event":"Order Refunded","userId":"u1","timestamp":"2024-03-05T10:15:30Z","properties":{"order_id":"o1"}}`
		if err := ParseSegment(&b, []byte(line), "f", 3); err != nil {
			t.Fatal(err)
		}
		if len(b.Returns) != 1 {
			t.Fatalf("got %d returns, want 1", len(b.Returns))
		}
		if got, want := b.Returns[0].ReturnID, "refund/"+b.Events[0].MessageID; got != want || len(want) != len("refund/")+32 {
			t.Errorf("ReturnID = %q, want %q", got, want)
		}
	})
}

func segCheckOrders(t *testing.T, got, want []antipersona.Order) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d orders %+v, want %d", len(got), got, len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.OrderID != w.OrderID || g.ContactID != w.ContactID || g.AnonymousID != w.AnonymousID ||
			!g.Time.Equal(w.Time) || !segSame(g.Revenue, w.Revenue) || !segSame(g.Margin, w.Margin) ||
			!segSame(g.CostOfGoods, w.CostOfGoods) || !segSame(g.Discount, w.Discount) || g.Status != w.Status ||
			g.Channel != w.Channel || g.Source != w.Source || g.Line != w.Line {
			t.Errorf("order %d = %+v, want %+v", i, g, w)
		}
	}
}

func segCheckReturns(t *testing.T, got, want []antipersona.Return) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d returns %+v, want %d", len(got), got, len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.ReturnID != w.ReturnID || g.OrderID != w.OrderID || g.ContactID != w.ContactID ||
			g.AnonymousID != w.AnonymousID || !g.Time.Equal(w.Time) || !segSame(g.Amount, w.Amount) ||
			g.Kind != w.Kind || g.Source != w.Source || g.Line != w.Line {
			t.Errorf("return %d = %+v, want %+v", i, g, w)
		}
	}
}

// TestEcommerceRecords covers what the CSV events reader hands in: values of
// Go types other than those json.Decoder produces, and property names in odd
// spellings.
func TestEcommerceRecords(t *testing.T) {
	ev := func(typ antipersona.EventType, name string) *antipersona.Event {
		return &antipersona.Event{MessageID: "m1", ContactID: "c1", Type: typ, Name: name, Time: segT0, Line: 5}
	}
	tests := []struct {
		name    string
		ev      *antipersona.Event
		props   map[string]any
		orders  []antipersona.Order
		returns []antipersona.Return
		err     string
	}{
		{
			name:  "float64, int and json.Number",
			ev:    ev("", "Order Completed"),
			props: map[string]any{"order_id": 17.0, "revenue": 30, "discount": json.Number("2.5"), "margin": int64(9)},
			orders: []antipersona.Order{{OrderID: "17", ContactID: "c1", Time: segT0, Revenue: 30, Discount: 2.5, Margin: 9,
				CostOfGoods: segNaN, Status: antipersona.OrderCompleted, Source: "events", Line: 5}},
		},
		{
			name:  "names in other spellings",
			ev:    ev(antipersona.EventTrack, "order completed"),
			props: map[string]any{"OrderID": "o1", "Revenue": "30", "COST_OF_GOODS": "4"},
			orders: []antipersona.Order{{OrderID: "o1", ContactID: "c1", Time: segT0, Revenue: 30, Margin: segNaN,
				CostOfGoods: 4, Status: antipersona.OrderCompleted, Source: "events", Line: 5}},
		},
		{
			name:  "exact spelling wins over a folded one",
			ev:    ev("", "Order Cancelled"),
			props: map[string]any{"OrderID": "wrong", "order_id": "o1"},
			returns: []antipersona.Return{{ReturnID: "cancel/o1", OrderID: "o1", ContactID: "c1", Time: segT0,
				Amount: segNaN, Kind: antipersona.ReturnCancel, Source: "events", Line: 5}},
		},
		{
			name:  "of two folded spellings the smaller key wins",
			ev:    ev("", "Order Cancelled"),
			props: map[string]any{"Order_Id": "o2", "ORDERID": "o1"},
			returns: []antipersona.Return{{ReturnID: "cancel/o1", OrderID: "o1", ContactID: "c1", Time: segT0,
				Amount: segNaN, Kind: antipersona.ReturnCancel, Source: "events", Line: 5}},
		},
		{
			name:  "refund without MessageID",
			ev:    &antipersona.Event{ContactID: "c1", Name: "Order Refunded", Time: segT0, Line: 5},
			props: map[string]any{"order_id": "o1", "value": -4.0},
			returns: []antipersona.Return{{ReturnID: "refund/o1/2024-03-05T10:15:30Z", OrderID: "o1", ContactID: "c1",
				Time: segT0, Amount: 4, Kind: antipersona.ReturnRefund, Source: "events", Line: 5}},
		},
		{name: "page events are ignored", ev: ev(antipersona.EventPage, "Order Completed"), props: map[string]any{"order_id": "o1"}},
		{name: "other names are ignored", ev: ev("", "Product Viewed"), props: nil},
		{name: "nil properties", ev: ev("", "Order Completed"), props: nil, err: "Order Completed without order_id"},
		{name: "null order id", ev: ev("", "Order Completed"), props: map[string]any{"order_id": nil}, err: "Order Completed without order_id"},
		{
			name: "NaN revenue", ev: ev("", "Order Completed"),
			props: map[string]any{"order_id": "o1", "revenue": "NaN"}, err: `revenue "NaN" is not a number`,
		},
		{
			name: "product not an object", ev: ev("", "Order Completed"),
			props: map[string]any{"order_id": "o1", "products": []any{"x"}}, err: "products[0] is not an object",
		},
		{
			// Hand computation: 5 × -2 = -10.
			name: "negative products sum", ev: ev("", "Order Completed"),
			props: map[string]any{"order_id": "o1", "products": []any{map[string]any{"price": 5.0, "quantity": -2.0}}},
			err:   "products revenue -10 is negative",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b antipersona.Batch
			err := EcommerceRecords(&b, tt.ev, tt.props)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error = %v, want %q", err, tt.err)
				}
				if b.Len() != 0 {
					t.Errorf("appended %d records on error", b.Len())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			segCheckOrders(t, b.Orders, tt.orders)
			segCheckReturns(t, b.Returns, tt.returns)
		})
	}
}

func TestParseSegmentDerivedMessageID(t *testing.T) {
	parse := func(t *testing.T, line string) string {
		t.Helper()
		var b antipersona.Batch
		if err := ParseSegment(&b, []byte(line), "f", 1); err != nil {
			t.Fatal(err)
		}
		return b.Events[0].MessageID
	}
	const base = `{"type":"track","event":"Product Viewed","userId":"u1","timestamp":"2024-03-05T10:15:30Z","properties":{"b":"x","a":1}}`

	// Independent value: python3 -c 'import hashlib; print(hashlib.sha256(
	// b"track\0u1\0\0Product Viewed\0" b"2024-03-05T10:15:30Z\0" b"{\"a\":1,\"b\":\"x\"}").hexdigest()[:32])'
	if got, want := parse(t, base), "e40432a5fac107a772ec1ba30b730809"; got != want {
		t.Errorf("derived id = %s, want %s", got, want)
	}
	// python3 -c 'import hashlib; print(hashlib.sha256(b"identify\0u1\0a1\0\0" b"2024-03-05T10:15:30Z\0{}").hexdigest()[:32])'
	if got, want := parse(t, `{"type":"identify","userId":"u1","anonymousId":"a1","timestamp":"2024-03-05T10:15:30Z"}`),
		"30e44ff0746d52fffd0246cbd9fb1b7f"; got != want {
		t.Errorf("derived identify id = %s, want %s", got, want)
	}

	same := []struct{ name, line string }{
		{"same line again", base},
		{"key order, spacing, snake_case and the same instant in another zone",
			`{ "timestamp":"2024-03-05T11:15:30+01:00", "user_id":"u1", "event":"Product Viewed", "type":"track", "properties":{ "a":1, "b":"x" } }`},
		{"type inferred", `{"event":"Product Viewed","userId":"u1","timestamp":"2024-03-05T10:15:30Z","properties":{"b":"x","a":1}}`},
		{"context differs", `{"type":"track","event":"Product Viewed","userId":"u1","timestamp":"2024-03-05T10:15:30Z","properties":{"b":"x","a":1},"context":{"ip":"1.2.3.4"}}`},
	}
	different := []struct{ name, line string }{
		{"property value", `{"type":"track","event":"Product Viewed","userId":"u1","timestamp":"2024-03-05T10:15:30Z","properties":{"b":"y","a":1}}`},
		{"no properties", `{"type":"track","event":"Product Viewed","userId":"u1","timestamp":"2024-03-05T10:15:30Z"}`},
		{"time", `{"type":"track","event":"Product Viewed","userId":"u1","timestamp":"2024-03-05T10:15:31Z","properties":{"b":"x","a":1}}`},
		{"user", `{"type":"track","event":"Product Viewed","userId":"u2","timestamp":"2024-03-05T10:15:30Z","properties":{"b":"x","a":1}}`},
		{"user as anonymous id", `{"type":"track","event":"Product Viewed","anonymousId":"u1","timestamp":"2024-03-05T10:15:30Z","properties":{"b":"x","a":1}}`},
		{"event name", `{"type":"track","event":"Product Clicked","userId":"u1","timestamp":"2024-03-05T10:15:30Z","properties":{"b":"x","a":1}}`},
		{"type", `{"type":"page","name":"Product Viewed","userId":"u1","timestamp":"2024-03-05T10:15:30Z","properties":{"b":"x","a":1}}`},
	}
	want := parse(t, base)
	for _, c := range same {
		if got := parse(t, c.line); got != want {
			t.Errorf("%s: id %s, want the same %s", c.name, got, want)
		}
	}
	seen := map[string]string{want: "base"}
	for _, c := range different {
		got := parse(t, c.line)
		if prev, dup := seen[got]; dup {
			t.Errorf("%s: id %s equals that of %s", c.name, got, prev)
		}
		seen[got] = c.name
	}

	t.Run("identify traits count", func(t *testing.T) {
		a := parse(t, `{"type":"identify","userId":"u1","timestamp":"2024-03-05T10:15:30Z","traits":{"plan":"pro"}}`)
		b := parse(t, `{"type":"identify","userId":"u1","timestamp":"2024-03-05T10:15:30Z","traits":{"plan":"free"}}`)
		if a == b {
			t.Errorf("identify calls with different traits share id %s", a)
		}
	})
}

// TestParseSegmentFile parses testdata/segment/events.jsonl line by line, as
// the JSONL reader does. Expected counts are a hand count of the fixture.
func TestParseSegmentFile(t *testing.T) {
	f, err := os.Open("../testdata/segment/events.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b antipersona.Batch
	var rejected []int64
	sc := bufio.NewScanner(f)
	for n := int64(1); sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		if err := ParseSegment(&b, sc.Bytes(), "events.jsonl", n); err != nil {
			var pe *antipersona.ParseError
			if !errors.As(err, &pe) || pe.Line != n {
				t.Errorf("line %d: error %v is not a ParseError for that line", n, err)
			}
			rejected = append(rejected, n)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	// The fixture has 12 lines: line 6 is blank; lines 9 (no ids), 10 (bad
	// timestamp) and 11 (not JSON) are bad; the other 8 are events, of which
	// line 2 is an identify with both ids, line 4 an Order Completed (revenue
	// 2 × 24.95 = 49.9), line 7 an Order Refunded and line 8 an Order Cancelled.
	if want := []int64{9, 10, 11}; fmt.Sprint(rejected) != fmt.Sprint(want) {
		t.Errorf("rejected lines %v, want %v", rejected, want)
	}
	if got := [4]int{len(b.Events), len(b.Identities), len(b.Orders), len(b.Returns)}; got != [4]int{8, 1, 1, 2} {
		t.Errorf("events, identities, orders, returns = %v, want [8 1 1 2]", got)
	}
	if len(b.Orders) == 1 && !segSame(b.Orders[0].Revenue, 49.9) {
		t.Errorf("order revenue = %v, want 49.9", b.Orders[0].Revenue)
	}
	for _, ev := range b.Events {
		if ev.MessageID == "" {
			t.Errorf("line %d: empty MessageID", ev.Line)
		}
	}
}

func FuzzParseSegment(f *testing.F) {
	seeds := []string{
		`{"type":"track","event":"Order Completed","userId":"u1","anonymousId":"a1","timestamp":"2024-03-05T10:15:30Z","properties":{"order_id":"o1","products":[{"price":"1.5","quantity":2}]}}`,
		`{"type":"identify","user_id":7,"anonymous_id":"a","sentAt":1709633730250,"context":{"traits":{"x":[1,{"y":null}]}}}`,
		`{"type":"page","name":"P","anonymousId":"a","receivedAt":"2024-03-05 10:15:30","properties":{"duration":"3","rating":5,"session_id":"s"}}`,
		`{"type":"track","event":"Order Refunded","userId":"u","timestamp":"1709633730","properties":{"order_id":1e3,"amount":"-2"}}`,
		`{"event":"order_cancelled","userId":"u","timestamp":"2024-03-05","properties":{"order_id":"o"}}`,
		"\xef\xbb\xbf{\"us\\u0065rId\":\"u\",\"event\":\"x\",\"timestamp\":\"2024-03-05T10:15:30.5\"}",
		`{"type":"track",}`, `[1]`, `{"a":"\xff"}`, ``, `{}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		var b antipersona.Batch
		err := ParseSegment(&b, line, "f.jsonl", 3)
		if err != nil {
			var pe *antipersona.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *antipersona.ParseError", err)
			}
			if pe.File != "f.jsonl" || pe.Line != 3 || pe.Column < 1 || pe.Column > len(line)+1 {
				t.Fatalf("bad error position %+v for %d bytes", pe, len(line))
			}
			if n := b.Len() + len(b.Identities); n != 0 {
				t.Fatalf("appended %d records with error %v", n, err)
			}
			return
		}
		if len(b.Events) != 1 {
			t.Fatalf("got %d events, want 1", len(b.Events))
		}
		ev := b.Events[0]
		if ev.MessageID == "" || (ev.ContactID == "" && ev.AnonymousID == "") || ev.Time.Location() != time.UTC {
			t.Fatalf("incomplete event %+v", ev)
		}
		if !json.Valid([]byte(ev.Properties)) || ev.Properties[0] != '{' {
			t.Fatalf("Properties %q is not a JSON object", ev.Properties)
		}
		if len(b.Orders)+len(b.Returns) > 1 {
			t.Fatalf("got %d orders and %d returns, want at most one record", len(b.Orders), len(b.Returns))
		}
		// The same line gives the same event again.
		var b2 antipersona.Batch
		if err := ParseSegment(&b2, line, "f.jsonl", 3); err != nil {
			t.Fatalf("second parse: %v", err)
		}
		if b2.Events[0].MessageID != ev.MessageID {
			t.Fatalf("second parse: id %q, first %q", b2.Events[0].MessageID, ev.MessageID)
		}
	})
}

// Typical lines of about 250 bytes.
var segBenchLines = map[string]string{
	"track":                   `{"type":"track","event":"Product Viewed","userId":"u-102938","anonymousId":"a5f1c2d4-7b8e-4a8f-9c3e-2b1d0e6f7a8b","messageId":"ajs-8d1f7a2b3c4d5e6f","timestamp":"2024-03-05T10:15:30.123Z","properties":{"product_id":"p-77","price":19.99,"category":"shoes"}}`,
	"page":                    `{"type":"page","name":"Pricing","anonymousId":"a5f1c2d4-7b8e-4a8f-9c3e-2b1d0e6f7a8b","messageId":"ajs-9e2a8b3c4d5e6f70","timestamp":"2024-03-05T10:15:30.123Z","properties":{"path":"/pricing","session_id":"s-981","time_on_page":42},"context":{"ip":"10.0.0.1"}}`,
	"track without messageId": `{"type":"track","event":"Product Viewed","userId":"u-102938","anonymousId":"a5f1c2d4-7b8e-4a8f-9c3e-2b1d0e6f7a8b","timestamp":"2024-03-05T10:15:30.123Z","properties":{"product_id":"p-77","price":19.99,"category":"shoes"}}`,
	"order completed":         `{"type":"track","event":"Order Completed","userId":"u-102938","messageId":"ajs-8d1f7a2b3c4d5e70","timestamp":"2024-03-05T10:15:30.123Z","properties":{"order_id":"o-5521","revenue":49.9,"discount":5,"products":[{"sku":"p-77","price":24.95,"quantity":2}]}}`,
}

func BenchmarkParseSegment(b *testing.B) {
	for _, name := range []string{"track", "page", "track without messageId", "order completed"} {
		line := []byte(segBenchLines[name])
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(line)))
			batch := antipersona.Batch{Events: make([]antipersona.Event, 0, 1024)}
			for b.Loop() {
				if len(batch.Events) == cap(batch.Events) {
					batch.Events, batch.Orders = batch.Events[:0], batch.Orders[:0]
				}
				if err := ParseSegment(&batch, line, "bench.jsonl", 1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func ExampleParseSegment() {
	var b antipersona.Batch
	line := []byte(`{"type":"track","event":"Order Completed","userId":"u1","messageId":"m1",` +
		`"timestamp":"2024-03-05T11:15:30+01:00","properties":{"order_id":"o1","revenue":"49.90"}}`)
	if err := ParseSegment(&b, line, "events.jsonl", 1); err != nil {
		fmt.Println(err)
		return
	}
	ev, o := b.Events[0], b.Orders[0]
	fmt.Println(ev.Type, ev.Name, ev.ContactID, ev.Time.Format(time.RFC3339))
	fmt.Println(o.OrderID, o.Revenue, o.Status)

	err := ParseSegment(&b, []byte(`{"type":"track","event":"X","userId":"u1","timestamp":"soon"}`), "events.jsonl", 2)
	fmt.Println(err)
	// Output:
	// track Order Completed u1 2024-03-05T10:15:30Z
	// o1 49.9 completed
	// events.jsonl:2:55 (column "timestamp"): timestamp "soon" is not a date
}
