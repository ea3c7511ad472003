package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/antipersona/antipersona"
)

// spoolStrings are values CSV makes hard: separators, quotes, line breaks,
// a NUL byte, the NULL marker of other tools, scripts of the four locales.
var spoolStrings = []string{
	"plain", `a,b`, `"quoted"`, `""`, `x""y`, "line\nbreak", "cr\r\nlf", "\r", "nul\x00byte", `\N`, "NULL",
	" leading and trailing ", "\t", "ąęłńóśźż ĄĘ", "Tiếng Việt có dấu", "ქართული ენა", "emoji 🛒",
	`{"a":"b,c","d":[1,2]}`, "'single'", "back\\slash", ",", "\n",
}

// TestSpoolRoundTrip writes events whose values are hard for CSV and reads
// them back: every value must be stored exactly, NULL and "" kept apart.
func TestSpoolRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	times := []time.Time{
		time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC),
		time.Date(2024, 3, 1, 10, 0, 0, 123456789, time.UTC), // nanoseconds truncated to µs
		time.Date(1969, 12, 31, 23, 59, 59, 500000000, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 1000, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC),
		time.Date(12000, 6, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 7, 1, 12, 0, 0, 0, time.FixedZone("CEST", 2*3600)),
	}
	nums := []float64{0, -0.5, 0.1 + 0.2, 1e-300, 5e-324, math.MaxFloat64, -1e21, 123456789.123456789, math.Inf(1), math.Inf(-1), math.NaN()}
	var evs []antipersona.Event
	for i := range max(len(spoolStrings), len(times), len(nums)) {
		evs = append(evs, antipersona.Event{
			MessageID:  fmt.Sprintf("m%02d%s", i, spoolStrings[i%len(spoolStrings)]),
			ContactID:  spoolStrings[(i+1)%len(spoolStrings)],
			Type:       antipersona.EventTrack,
			Name:       spoolStrings[i%len(spoolStrings)],
			Time:       times[i%len(times)],
			Duration:   nums[i%len(nums)],
			Rating:     math.NaN(),
			Properties: spoolStrings[(i+2)%len(spoolStrings)],
		})
	}
	// An event whose optional strings are all empty: they are NULL.
	evs = append(evs, antipersona.Event{MessageID: "empty", Type: antipersona.EventPage, Time: times[0], Duration: math.NaN(), Rating: 4})
	r, err := s.WriteBatch(ctx, &antipersona.Batch{Kind: antipersona.KindEvents, Events: evs})
	if err != nil {
		t.Fatal(err)
	}
	if r.Inserted != int64(len(evs)) {
		t.Fatalf("inserted %d of %d", r.Inserted, len(evs))
	}
	for _, e := range evs {
		var contact, name, props sql.NullString
		var ts time.Time
		var dur, rating sql.NullFloat64
		var typ string
		var hashOK bool
		err := s.db.QueryRowContext(ctx, `SELECT contact_id, type, event, ts, duration, rating, properties, mid = md5_number(message_id)
			FROM events WHERE message_id = ?`, e.MessageID).Scan(&contact, &typ, &name, &ts, &dur, &rating, &props, &hashOK)
		if err != nil {
			t.Fatalf("%q: %v", e.MessageID, err)
		}
		checkStr := func(what string, got sql.NullString, want string) {
			t.Helper()
			if want == "" && got.Valid || want != "" && (!got.Valid || got.String != want) {
				t.Errorf("%q %s: got %q (valid %v), want %q", e.MessageID, what, got.String, got.Valid, want)
			}
		}
		checkStr("contact_id", contact, e.ContactID)
		checkStr("event", name, e.Name)
		checkStr("properties", props, e.Properties)
		if typ != string(e.Type) || !hashOK {
			t.Errorf("%q: type %q hash ok %v", e.MessageID, typ, hashOK)
		}
		if want := e.Time.UTC().Truncate(time.Microsecond); !ts.Equal(want) {
			t.Errorf("%q ts: got %v, want %v", e.MessageID, ts, want)
		}
		checkNum := func(what string, got sql.NullFloat64, want float64) {
			t.Helper()
			if math.IsNaN(want) != !got.Valid || got.Valid && (got.Float64 != want || math.Signbit(got.Float64) != math.Signbit(want)) {
				t.Errorf("%q %s: got %v (valid %v), want %v", e.MessageID, what, got.Float64, got.Valid, want)
			}
		}
		checkNum("duration", dur, e.Duration)
		checkNum("rating", rating, e.Rating)
	}
	// Every spool file is gone.
	if left, _ := filepath.Glob(s.spoolPrefix() + "*"); len(left) > 0 {
		t.Errorf("spool files left behind: %v", left)
	}
}

// TestSpoolOtherKinds round-trips the columns of orders, returns, costs,
// touches and survey answers, and a second write of the same rows inserts
// nothing.
func TestSpoolOtherKinds(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	ts := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	b := &antipersona.Batch{
		Orders:        []antipersona.Order{{OrderID: `o,"1"`, ContactID: "c\n1", Time: ts, Revenue: 10.25, Margin: math.NaN(), CostOfGoods: 4, Discount: 0, Channel: "ads"}},
		Returns:       []antipersona.Return{{ReturnID: "r1", OrderID: `o,"1"`, ContactID: "c\n1", Time: ts, Amount: math.NaN(), Kind: antipersona.ReturnRefund}},
		Costs:         []antipersona.Cost{{RowKey: "k1", Campaign: "spring, sale", Channel: "meta", Amount: 99.5}},
		Touches:       []antipersona.Touch{{RowKey: "t1", ContactID: "c\n1", Campaign: "spring, sale", Time: ts}},
		SurveyAnswers: []antipersona.SurveyAnswer{{RowKey: "s1", ContactID: "c\n1", QuestionID: "q1", Answer: "Tak, \"bardzo\"\ndobrze", Language: "pl"}},
	}
	for round, want := range []int64{5, 0} {
		r, err := s.WriteBatch(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		if r.Inserted != want || r.Duplicates != 5-want {
			t.Fatalf("round %d: %+v", round, r)
		}
	}
	var got struct {
		order, contact, status, source, channel string
		margin                                  sql.NullFloat64
		revenue, cogs                           float64
		amount                                  sql.NullFloat64
		kind, campaign                          string
		costTS                                  sql.NullTime
		answer, lang                            string
		question                                sql.NullString
	}
	q := func(query string, dest ...any) {
		t.Helper()
		if err := s.db.QueryRowContext(ctx, query).Scan(dest...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	q("SELECT order_id, contact_id, status, source, channel, margin, revenue, cost_of_goods FROM orders",
		&got.order, &got.contact, &got.status, &got.source, &got.channel, &got.margin, &got.revenue, &got.cogs)
	if got.order != `o,"1"` || got.contact != "c\n1" || got.status != antipersona.OrderCompleted || got.source != "orders" ||
		got.channel != "ads" || got.margin.Valid || got.revenue != 10.25 || got.cogs != 4 {
		t.Errorf("order: %+v", got)
	}
	q("SELECT amount, kind FROM returns", &got.amount, &got.kind)
	if got.amount.Valid || got.kind != antipersona.ReturnRefund {
		t.Errorf("return: amount %v kind %q", got.amount, got.kind)
	}
	q("SELECT campaign, ts, kind FROM costs", &got.campaign, &got.costTS, &got.kind)
	if got.campaign != "spring, sale" || got.costTS.Valid || got.kind != antipersona.CostAcquisition {
		t.Errorf("cost: %q %v %q", got.campaign, got.costTS, got.kind)
	}
	q("SELECT answer, language, question FROM survey_answers", &got.answer, &got.lang, &got.question)
	if got.answer != "Tak, \"bardzo\"\ndobrze" || got.lang != "pl" || got.question.Valid {
		t.Errorf("survey: %q %q %v", got.answer, got.lang, got.question)
	}
}

// TestStaleSpoolRemoved: a spool file left by a killed process is removed
// when the store is opened again.
func TestStaleSpoolRemoved(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.duckdb")
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	stale := s.spoolPrefix() + "123.csv"
	s.Close()
	if err := os.WriteFile(stale, []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err = Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale spool file still there: %v", err)
	}
}

// FuzzSpoolString stores any valid UTF-8 string (what ingest lets through)
// as an event's properties and message id and reads it back unchanged.
func FuzzSpoolString(f *testing.F) {
	for _, s := range spoolStrings {
		f.Add(s)
	}
	s, err := Open(context.Background(), filepath.Join(f.TempDir(), "store.duckdb"), Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	n := 0
	f.Fuzz(func(t *testing.T, v string) {
		if !utf8.ValidString(v) || v == "" {
			t.Skip()
		}
		n++
		id := fmt.Sprintf("%d:%s", n, v)
		e := antipersona.Event{MessageID: id, Type: antipersona.EventTrack, Name: v, Time: time.Unix(0, 0), Duration: math.NaN(), Rating: math.NaN(), Properties: v}
		if _, err := s.WriteBatch(context.Background(), &antipersona.Batch{Events: []antipersona.Event{e}}); err != nil {
			t.Fatal(err)
		}
		var name, props string
		if err := s.db.QueryRow("SELECT event, properties FROM events WHERE message_id = ?", id).Scan(&name, &props); err != nil {
			t.Fatal(err)
		}
		if name != v || props != v {
			t.Fatalf("got %q / %q, want %q", name, props, v)
		}
	})
}

// TestSpoolLongRow: a row longer than DuckDB's default line limit (2 MB),
// here 5 MB of properties with quotes to double, is read back whole.
func TestSpoolLongRow(t *testing.T) {
	s := openTemp(t)
	long := strings.Repeat(`{"k":"v"},`, 500000) // 5 MB, 1M quotes
	e := antipersona.Event{MessageID: "long", Type: antipersona.EventTrack, Name: "x", Time: time.Unix(0, 0), Duration: math.NaN(), Rating: math.NaN(), Properties: long}
	if _, err := s.WriteBatch(context.Background(), &antipersona.Batch{Events: []antipersona.Event{e}}); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := s.db.QueryRow("SELECT properties FROM events WHERE message_id = 'long'").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != long {
		t.Errorf("long properties: got %d bytes, want %d", len(got), len(long))
	}
}
