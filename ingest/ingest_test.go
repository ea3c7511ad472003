package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
)

const fixtures = "../testdata/ingest"

func fixture(name string) string { return filepath.Join(fixtures, name) }

// traitIndex returns the index of the trait with identifier ident.
func traitIndex(t testing.TB, traits []antipersona.Trait, ident string) int {
	t.Helper()
	for i, tr := range traits {
		if tr.Ident == ident {
			return i
		}
	}
	t.Fatalf("no trait %q in %v", ident, traits)
	return -1
}

// generated is a generated file: its content, the lines (1-based) and raw
// text of its bad records, and the number of good records.
type generated struct {
	content  string
	badLines []int64
	badRaw   []string
	good     int
}

// genTenPercent writes n records with line(k, bad) for k = 1..n, every tenth
// one bad; header is the first line, empty lines are added where blank(k).
func genTenPercent(n int, header string, line func(k int, bad bool) string, blank func(k int) bool) generated {
	var g generated
	var b strings.Builder
	lineNo := int64(0)
	if header != "" {
		b.WriteString(header + "\n")
		lineNo++
	}
	for k := 1; k <= n; k++ {
		if blank != nil && blank(k) {
			b.WriteString("\n")
			lineNo++
		}
		bad := k%10 == 0
		text := line(k, bad)
		b.WriteString(text + "\n")
		lineNo++
		if bad {
			g.badLines = append(g.badLines, lineNo)
			g.badRaw = append(g.badRaw, text)
		} else {
			g.good++
		}
	}
	g.content = b.String()
	return g
}

// TestTenPercentBad checks that a file with 10 % bad rows loads exactly the
// good 90 % and that the rejects file holds exactly the bad 10 %, with their
// line numbers and raw text.
func TestTenPercentBad(t *testing.T) {
	contacts := genTenPercent(1000, "id,age,city,vip", func(k int, bad bool) string {
		if !bad {
			return fmt.Sprintf("id%d,%d,\"Hà Nội, VN\",%s", k, 20+k%50, []string{"yes", "no"}[k%2])
		}
		switch (k / 10) % 5 {
		case 0:
			return ",30,Kraków,yes" // missing id
		case 1:
			return fmt.Sprintf("id%d,abc,Kraków,yes", k) // not a number
		case 2:
			return fmt.Sprintf("id%d,30,Kraków", k) // wrong field count
		case 3:
			return fmt.Sprintf("id%d,30,Kra\"ków,yes", k) // bare quote
		default:
			return fmt.Sprintf("id%d,30,Kra\xffków,yes", k) // invalid UTF-8
		}
	}, nil)
	orders := genTenPercent(1000, "order_id,customer_id,order_date,total,status", func(k int, bad bool) string {
		if !bad {
			return fmt.Sprintf("o%d,c%d,2024-01-%02d,%d.50,completed", k, k%37, 1+k%28, k)
		}
		switch (k / 10) % 5 {
		case 0:
			return fmt.Sprintf(",c1,2024-01-01,%d,completed", k) // missing order id
		case 1:
			return fmt.Sprintf("o%d,c1,2024-01-01,10,lost", k) // unknown status
		case 2:
			return fmt.Sprintf("o%d,c1,2024-01-01,ten,completed", k) // not a number
		case 3:
			return fmt.Sprintf("o%d,,2024-01-01,10,completed", k) // missing contact
		default:
			return fmt.Sprintf("o%d,c1,2024-13-45,10,completed", k) // not a date
		}
	}, nil)
	events := genTenPercent(1000, "", func(k int, bad bool) string {
		if !bad {
			return fmt.Sprintf(`{"type":"track","userId":"u%d","event":"Viewed","messageId":"m%d","timestamp":"2024-03-01T10:%02d:00Z"}`, k%41, k, k%60)
		}
		switch (k / 10) % 5 {
		case 0:
			return `{"type":"track","userId":` // invalid JSON
		case 1:
			return fmt.Sprintf(`{"type":"track","userId":"u1","event":"Viewed","messageId":"m%d"}`, k) // no time
		case 2:
			return "{\"type\":\"track\",\"userId\":\"u\xff\"}" // invalid UTF-8
		case 3:
			return "[1,2,3]" // not an object
		default:
			return fmt.Sprintf(`{"type":"track","event":"Viewed","messageId":"m%d","timestamp":"2024-03-01T10:00:00Z"}`, k) // no ids
		}
	}, func(k int) bool { return k%100 == 50 }) // some empty lines, which are not rows

	tests := []struct {
		name string
		file string
		kind antipersona.Kind
		gen  generated
		opts Options
	}{
		{"contacts CSV", "contacts.csv", antipersona.KindContacts, contacts, Options{SampleRows: 5}},
		{"orders CSV", "orders.csv", antipersona.KindOrders, orders, Options{}},
		{"events JSON Lines", "events.jsonl", antipersona.KindEvents, events, Options{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.file, tt.gen.content)
			opts := tt.opts
			opts.Kind, opts.BatchRows = tt.kind, 64
			res, sink, rej, err := ingestFile(t, path, opts)
			if err != nil {
				t.Fatalf("File: %v", err)
			}
			checkAccounting(t, res)
			if res.Read != 1000 || res.Loaded != 900 || res.Rejected != 100 || res.Duplicates != 0 {
				t.Errorf("Read, Loaded, Rejected, Duplicates = %d, %d, %d, %d; want 1000, 900, 100, 0",
					res.Read, res.Loaded, res.Rejected, res.Duplicates)
			}
			if got := int(sink.all().Len()); got != tt.gen.good {
				t.Errorf("records stored = %d, want %d", got, tt.gen.good)
			}
			if sink.maxBatch > 64 {
				t.Errorf("largest batch = %d rows, want at most 64", sink.maxBatch)
			}
			recs := readRejects(t, rej.Path())
			var lines []int64
			var raws []string
			for _, r := range recs {
				lines = append(lines, r.Line)
				raws = append(raws, r.Raw)
			}
			if !slices.Equal(lines, tt.gen.badLines) {
				t.Errorf("reject lines = %v\nwant %v", lines, tt.gen.badLines)
			}
			if !slices.Equal(raws, tt.gen.badRaw) {
				t.Errorf("reject raw = %q\nwant %q", raws, tt.gen.badRaw)
			}
		})
	}
}

func TestBOMAndCRLF(t *testing.T) {
	res, sink, _, err := ingestFile(t, fixture("contacts_bom_crlf.csv"), Options{Kind: antipersona.KindContacts})
	if err != nil {
		t.Fatal(err)
	}
	all := sink.all()
	if res.Read != 3 || res.Loaded != 3 || len(all.Contacts) != 3 {
		t.Fatalf("Read %d Loaded %d contacts %d, want 3, 3, 3", res.Read, res.Loaded, len(all.Contacts))
	}
	// The BOM must not stick to "contact_id" (else the id column would not
	// be found) and CR must not stick to the last field.
	age, city := traitIndex(t, res.Traits, "age"), traitIndex(t, res.Traits, "city")
	want := []struct {
		id, email string
		line      int64
		age       float64 // NaN: missing
		city      string
	}{
		{"c1", "a@example.com", 2, 34, "Kraków"},
		{"c2", "", 3, 41, "Hanoi"},
		{"c3", "c@example.com", 4, math.NaN(), "Warszawa"},
	}
	for i, w := range want {
		c := all.Contacts[i]
		gotAge := c.Values[age].Num
		if c.Values[age].Missing {
			gotAge = math.NaN()
		}
		if c.ID != w.id || c.Email != w.email || c.Line != w.line || c.Values[city].Str != w.city ||
			!(gotAge == w.age || math.IsNaN(gotAge) && math.IsNaN(w.age)) {
			t.Errorf("contact %d = %s %q line %d age %v city %q; want %s %q line %d age %v city %q",
				i, c.ID, c.Email, c.Line, gotAge, c.Values[city].Str, w.id, w.email, w.line, w.age, w.city)
		}
	}
	if res.Traits[age].Type != antipersona.TraitNumber || res.Traits[city].Type != antipersona.TraitCategory {
		t.Errorf("types = %s, %s; want number, category", res.Traits[age].Type, res.Traits[city].Type)
	}
}

func TestQuotedNewlines(t *testing.T) {
	res, sink, rej, err := ingestFile(t, fixture("contacts_quoted_newlines.csv"), Options{Kind: antipersona.KindContacts})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, res)
	// Lines counted by hand in the fixture: record 1 spans lines 2-3,
	// record 4 spans lines 6-8.
	var ids []string
	var lines []int64
	for _, c := range sink.all().Contacts {
		ids = append(ids, c.ID)
		lines = append(lines, c.Line)
	}
	if want := []string{"1", "3", "4", "6"}; !slices.Equal(ids, want) {
		t.Errorf("ids = %v, want %v", ids, want)
	}
	if want := []int64{2, 5, 6, 10}; !slices.Equal(lines, want) {
		t.Errorf("lines = %v, want %v", lines, want)
	}
	note := traitIndex(t, res.Traits, "note")
	if got := sink.all().Contacts[2].Values[note].Str; got != "multi\nline\nnote" {
		t.Errorf("note of contact 4 = %q", got)
	}
	if got := sink.all().Contacts[1].Values[note].Str; got != `a "quoted" word` {
		t.Errorf("note of contact 3 = %q", got)
	}
	recs := readRejects(t, rej.Path())
	if len(recs) != 2 || recs[0].Line != 4 || recs[0].Raw != ",plain,40" || recs[1].Line != 9 || recs[1].Raw != ",after,33" {
		t.Errorf("rejects = %+v, want lines 4 and 9", recs)
	}
}

// TestBrokenQuoteRecovery checks that an unclosed quote costs one line, not
// the rest of the file, and that later line numbers stay right.
func TestBrokenQuoteRecovery(t *testing.T) {
	content := "id,note\n1,ok\n2,\"never closed\n3,fine\n4,\"two\nlines\"\n5,last\n"
	res, sink, rej, err := ingestFile(t, writeFile(t, "c.csv", content), Options{Kind: antipersona.KindContacts})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, res)
	var got []string
	for _, c := range sink.all().Contacts {
		got = append(got, fmt.Sprintf("%s@%d", c.ID, c.Line))
	}
	if want := []string{"1@2", "3@4", "4@5", "5@7"}; !slices.Equal(got, want) {
		t.Errorf("contacts = %v, want %v", got, want)
	}
	recs := readRejects(t, rej.Path())
	if len(recs) != 1 || recs[0].Line != 3 || recs[0].Raw != "2,\"never closed" {
		t.Errorf("rejects = %+v, want line 3 only", recs)
	}
}

func TestDetectDelimiter(t *testing.T) {
	tests := []struct {
		name string
		head string
		want rune
	}{
		{"comma", "a,b,c\n1,2,3\n", ','},
		{"semicolon with decimal commas", "a;b;c\n1,5;2,5;3\n4;5;6\n", ';'},
		{"tab", "a\tb\n1\t2\n", '\t'},
		{"pipe", "a|b|c\n1|2|3\n", '|'},
		{"delimiters inside quotes do not count", "a;b\n\"x,y,z\";1\n\"p,q,r\";2\n", ';'},
		{"quoted newline", "a,b\n\"x\ny\",1\n2,3\n", ','},
		{"single column", "name\nAnn\nBob\n", ','},
		{"no trailing newline", "a|b", '|'},
		{"empty", "", ','},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := detectDelimiter([]byte(tt.head)); got != tt.want {
				t.Errorf("detectDelimiter(%q) = %q, want %q", tt.head, got, tt.want)
			}
		})
	}
}

// TestDelimiterFiles reads the same three contacts with each delimiter.
func TestDelimiterFiles(t *testing.T) {
	tests := []struct {
		file  string
		delim rune
		city  []string
	}{
		{"contacts_comma.csv", 0, []string{"Łódź; PL", "Hanoi, VN", "Gdańsk; PL"}},
		{"contacts_semicolon.csv", 0, []string{"Łódź", "Hà Nội", "Gdańsk"}},
		{"contacts_tab.txt", 0, []string{"Łódź, PL", "Hanoi", "Gdańsk; PL"}},
		{"contacts_pipe.txt", 0, []string{"Łódź, PL", "Hanoi", "Gdańsk; PL"}},
		{"contacts_pipe.txt", '|', []string{"Łódź, PL", "Hanoi", "Gdańsk; PL"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res, sink, _, err := ingestFile(t, fixture(tt.file), Options{Kind: antipersona.KindContacts, Delimiter: tt.delim})
			if err != nil {
				t.Fatal(err)
			}
			if res.Rejected != 0 || res.Loaded != 3 {
				t.Fatalf("Loaded %d Rejected %d, want 3, 0", res.Loaded, res.Rejected)
			}
			city := traitIndex(t, res.Traits, "city")
			var got []string
			for _, c := range sink.all().Contacts {
				got = append(got, c.Values[city].Str)
			}
			if !slices.Equal(got, tt.city) {
				t.Errorf("cities = %q, want %q", got, tt.city)
			}
		})
	}
}

func TestDecimalComma(t *testing.T) {
	res, sink, _, err := ingestFile(t, fixture("contacts_semicolon.csv"), Options{Kind: antipersona.KindContacts})
	if err != nil {
		t.Fatal(err)
	}
	spend, score := traitIndex(t, res.Traits, "spend"), traitIndex(t, res.Traits, "score")
	if res.Traits[spend].Type != antipersona.TraitNumber || res.Traits[score].Type != antipersona.TraitNumber {
		t.Fatalf("types = %s, %s; want number, number", res.Traits[spend].Type, res.Traits[score].Type)
	}
	// From the fixture: 12,50 / 3 / 0,99 and "1 234,56" / 7,5 / NA.
	wantSpend := []float64{12.5, 3, 0.99}
	wantScore := []float64{1234.56, 7.5, math.NaN()}
	for i, c := range sink.all().Contacts {
		if got := c.Values[spend].Num; got != wantSpend[i] {
			t.Errorf("spend[%d] = %v, want %v", i, got, wantSpend[i])
		}
		sc := c.Values[score]
		if math.IsNaN(wantScore[i]) != sc.Missing || !sc.Missing && sc.Num != wantScore[i] {
			t.Errorf("score[%d] = %+v, want %v", i, sc, wantScore[i])
		}
	}
}

func TestGzip(t *testing.T) {
	plain, err := os.ReadFile(fixture("contacts_bom_crlf.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(plain)
	zw.Close()
	for _, name := range []string{"contacts.csv.gz", "contacts.csv", "contacts.dat"} {
		t.Run(name, func(t *testing.T) {
			path := writeFile(t, name, buf.String())
			var progress []int64
			res, sink, _, err := ingestFile(t, path, Options{Kind: antipersona.KindContacts,
				Progress: func(n int64) { progress = append(progress, n) }})
			if err != nil {
				t.Fatal(err)
			}
			if res.Loaded != 3 || sink.all().Contacts[2].ID != "c3" {
				t.Errorf("Loaded = %d, want 3 contacts c1..c3", res.Loaded)
			}
			if len(progress) == 0 || progress[len(progress)-1] != int64(buf.Len()) {
				t.Errorf("progress = %v, want to end at the compressed size %d", progress, buf.Len())
			}
		})
	}
}

func TestJSONLContacts(t *testing.T) {
	res, sink, _, err := ingestFile(t, fixture("contacts.jsonl"), Options{Kind: antipersona.KindContacts})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, res)
	types := map[string]antipersona.TraitType{}
	for _, tr := range res.Traits {
		types[tr.Ident] = tr.Type
	}
	wantTypes := map[string]antipersona.TraitType{"age": antipersona.TraitNumber, "interests": antipersona.TraitMulti,
		"vip": antipersona.TraitBoolean, "address": antipersona.TraitCategory, "joined": antipersona.TraitDate}
	for k, w := range wantTypes {
		if types[k] != w {
			t.Errorf("type of %s = %s, want %s", k, types[k], w)
		}
	}
	cs := sink.all().Contacts
	if len(cs) != 3 || cs[0].Line != 1 || cs[1].Line != 3 || cs[2].Line != 4 {
		t.Fatalf("contacts = %+v, want 3 on lines 1, 3, 4", cs)
	}
	in, addr, age, vip := traitIndex(t, res.Traits, "interests"), traitIndex(t, res.Traits, "address"),
		traitIndex(t, res.Traits, "age"), traitIndex(t, res.Traits, "vip")
	if got := cs[0].Values[in].List; !slices.Equal(got, []string{"yoga", "running"}) {
		t.Errorf("interests = %q", got)
	}
	if !cs[1].Values[in].Missing || !cs[1].Values[age].Missing {
		t.Errorf("empty array and null should be missing: %+v", cs[1].Values)
	}
	if got := cs[2].Values[addr].Str; got != `{"city":"Hà Nội"}` {
		t.Errorf("address = %q", got)
	}
	if cs[2].Values[age].Num != 41.5 || !cs[2].Values[vip].Bool || cs[1].Values[vip].Bool {
		t.Errorf("age/vip = %+v %+v", cs[2].Values[age], cs[2].Values[vip])
	}
}

func TestTraitSettings(t *testing.T) {
	content := "id,First Name,Age,age,Converted,recency,Secret,Score,\n" +
		"1,Ann,30,31,yes,5,x,1,\n" +
		"2,Bob,40,41,no,6,y,2,\n" +
		"3,Cy,,,,7,z,3,\n"
	opts := Options{
		Kind:           antipersona.KindContacts,
		OutcomeColumn:  "Converted",
		ExcludeColumns: []string{"secret"},
		ReservedIdents: []string{"recency"},
		KnownTraits:    []antipersona.Trait{{Name: "Score", Ident: "score", Type: antipersona.TraitCategory, Dimension: antipersona.DimensionPsychographic}},
		TraitOverrides: map[string]TraitOverride{"Age": {Dimension: antipersona.DimensionBehavioural}},
	}
	res, sink, _, err := ingestFile(t, writeFile(t, "c.csv", content), opts)
	if err != nil {
		t.Fatal(err)
	}
	want := []antipersona.Trait{
		{Name: "First Name", Ident: "first_name", Type: antipersona.TraitIdentifier, Dimension: antipersona.DimensionOther, PII: true},
		{Name: "Age", Ident: "age", Type: antipersona.TraitNumber, Dimension: antipersona.DimensionBehavioural},
		{Name: "age", Ident: "age_2", Type: antipersona.TraitNumber, Dimension: antipersona.DimensionDemographic},
		{Name: "recency", Ident: "trait_recency", Type: antipersona.TraitNumber, Dimension: antipersona.DimensionBehavioural},
		{Name: "Score", Ident: "score", Type: antipersona.TraitCategory, Dimension: antipersona.DimensionPsychographic},
	}
	if !slices.Equal(res.Traits, want) {
		t.Errorf("traits =\n%+v\nwant\n%+v", res.Traits, want)
	}
	cs := sink.all().Contacts
	if len(cs) != 3 || !slices.Equal(sink.batches[0].Traits, res.Traits) {
		t.Fatalf("contacts %d, batch traits %v", len(cs), sink.batches[0].Traits)
	}
	outcomes := []string{}
	for _, c := range cs {
		switch {
		case c.Outcome == nil:
			outcomes = append(outcomes, "nil")
		default:
			outcomes = append(outcomes, fmt.Sprint(*c.Outcome))
		}
	}
	if !slices.Equal(outcomes, []string{"true", "false", "nil"}) {
		t.Errorf("outcomes = %v", outcomes)
	}
	if cs[0].Values[0].Str != "Ann" || cs[1].Values[4].Str != "2" {
		t.Errorf("values = %+v", cs[0].Values)
	}
}

// TestOrdersOrderLevel checks every field of the orders and returns built
// from orders_statuses.csv; the expected values are read off the fixture.
func TestOrdersOrderLevel(t *testing.T) {
	res, sink, _, err := ingestFile(t, fixture("orders_statuses.csv"), Options{Kind: antipersona.KindOrders})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, res)
	nan := math.NaN()
	day := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	wantOrders := []antipersona.Order{
		{OrderID: "o1", ContactID: "c1", Time: day(5), Revenue: 100, Margin: 30, CostOfGoods: nan, Status: "completed", Channel: "web", Source: "orders", Line: 2},
		{OrderID: "o2", ContactID: "c1", Time: day(6), Revenue: 50, Margin: nan, CostOfGoods: nan, Discount: 5, Status: "cancelled", Channel: "web", Source: "orders", Line: 3},
		{OrderID: "o3", ContactID: "c2", Time: day(7), Revenue: 80, Margin: 20, CostOfGoods: nan, Status: "completed", Channel: "store", Source: "orders", Line: 4},
		{OrderID: "o5", ContactID: "c3", Time: day(9), Revenue: 60, Margin: nan, CostOfGoods: nan, Status: "completed", Source: "orders", Line: 6},
	}
	wantReturns := []antipersona.Return{
		{ReturnID: "o3/refund", OrderID: "o3", ContactID: "c2", Time: day(7), Amount: 80, Kind: "refund", Source: "orders", Line: 4},
		{ReturnID: "o4", ContactID: "c2", Time: day(8), Amount: 25, Kind: "return", Source: "orders", Line: 5},
	}
	all := sink.all()
	checkOrders(t, all.Orders, wantOrders)
	checkReturns(t, all.Returns, wantReturns)
	// 5 rows became 6 records; every row is loaded.
	if res.Read != 5 || res.Loaded != 5 || res.Written.Inserted != 6 {
		t.Errorf("Read %d Loaded %d Written %+v; want 5, 5, 6 inserted", res.Read, res.Loaded, res.Written)
	}
}

func TestOrdersLineItems(t *testing.T) {
	res, sink, rej, err := ingestFile(t, fixture("orders_lines.csv"), Options{Kind: antipersona.KindOrders})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, res)
	at := func(d, h int) time.Time { return time.Date(2024, 1, d, h, 0, 0, 0, time.UTC) }
	nan := math.NaN()
	// Invoice 1001: 2×2.50 + 1×10 = 15 revenue, -1×2.50 = 2.50 returned, the
	// earliest line at 09:00; C1002: 2×2.50 = 5 returned; 1003: 3×1.00.
	wantOrders := []antipersona.Order{
		{OrderID: "1001", ContactID: "c1", Time: at(5, 9), Revenue: 15, Margin: nan, CostOfGoods: nan, Status: "completed", Source: "orders", Line: 2},
		{OrderID: "1003", ContactID: "c2", Time: at(7, 12), Revenue: 3, Margin: nan, CostOfGoods: nan, Status: "completed", Source: "orders", Line: 6},
	}
	wantReturns := []antipersona.Return{
		{ReturnID: "1001", OrderID: "1001", ContactID: "c1", Time: at(5, 9), Amount: 2.5, Kind: "return", Source: "orders", Line: 2},
		{ReturnID: "C1002", ContactID: "c1", Time: at(6, 11), Amount: 5, Kind: "return", Source: "orders", Line: 5},
	}
	all := sink.all()
	checkOrders(t, all.Orders, wantOrders)
	checkReturns(t, all.Returns, wantReturns)
	if res.Read != 6 || res.Loaded != 5 || res.Rejected != 1 {
		t.Errorf("Read %d Loaded %d Rejected %d; want 6, 5, 1", res.Read, res.Loaded, res.Rejected)
	}
	if recs := readRejects(t, rej.Path()); len(recs) != 1 || recs[0].Line != 7 || recs[0].Reason != "missing contact id" {
		t.Errorf("rejects = %+v", recs)
	}
}

func sameFloat(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

func checkOrders(t *testing.T, got, want []antipersona.Order) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("orders = %+v\nwant %+v", got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.OrderID != w.OrderID || g.ContactID != w.ContactID || !g.Time.Equal(w.Time) || !sameFloat(g.Revenue, w.Revenue) ||
			!sameFloat(g.Margin, w.Margin) || !sameFloat(g.CostOfGoods, w.CostOfGoods) || g.Discount != w.Discount ||
			g.Status != w.Status || g.Channel != w.Channel || g.Source != w.Source || g.Line != w.Line {
			t.Errorf("order %d = %+v\nwant      %+v", i, g, w)
		}
	}
}

func checkReturns(t *testing.T, got, want []antipersona.Return) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("returns = %+v\nwant %+v", got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.ReturnID != w.ReturnID || g.OrderID != w.OrderID || g.ContactID != w.ContactID || !g.Time.Equal(w.Time) ||
			!sameFloat(g.Amount, w.Amount) || g.Kind != w.Kind || g.Source != w.Source || g.Line != w.Line {
			t.Errorf("return %d = %+v\nwant       %+v", i, g, w)
		}
	}
}

func TestCostsTouchesSurveys(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }

	t.Run("costs", func(t *testing.T) {
		res, sink, _, err := ingestFile(t, fixture("costs.csv"), Options{Kind: antipersona.KindCosts})
		if err != nil {
			t.Fatal(err)
		}
		cs := sink.all().Costs
		want := []antipersona.Cost{
			{ContactID: "c1", Time: day(1), Amount: 12.5, Kind: "acquisition", Line: 2},
			{Campaign: "spring", Channel: "facebook", Time: day(2), Amount: 100, Kind: "contact", Line: 3},
			{Campaign: "spring", Channel: "facebook", Time: day(2), Amount: 100, Kind: "contact", Line: 4},
			{Channel: "google", Time: day(3), Amount: 40, Kind: "support", Line: 5},
		}
		if len(cs) != len(want) || res.Loaded != 4 {
			t.Fatalf("costs = %+v", cs)
		}
		for i, w := range want {
			g := cs[i]
			w.RowKey = g.RowKey
			if g != w {
				t.Errorf("cost %d = %+v\nwant     %+v", i, g, w)
			}
		}
		// Identical rows 3 and 4 share the hash and differ by their
		// occurrence number.
		h2, n2, _ := strings.Cut(cs[1].RowKey, "#")
		h3, n3, _ := strings.Cut(cs[2].RowKey, "#")
		if len(h2) != 32 || h2 != h3 || n2 != "0" || n3 != "1" || cs[0].RowKey == cs[1].RowKey {
			t.Errorf("row keys = %q", []string{cs[0].RowKey, cs[1].RowKey, cs[2].RowKey, cs[3].RowKey})
		}
		// Ingesting the same file again gives the same keys: all duplicates.
		rej := NewRejectWriter(t.TempDir(), antipersona.KindCosts, time.Now())
		res2, err := File(context.Background(), fixture("costs.csv"), Options{Kind: antipersona.KindCosts}, sink, rej)
		if err != nil {
			t.Fatal(err)
		}
		checkAccounting(t, res2)
		if res2.Loaded != 0 || res2.Duplicates != 4 {
			t.Errorf("second ingest: Loaded %d Duplicates %d, want 0, 4", res2.Loaded, res2.Duplicates)
		}
	})

	t.Run("touches", func(t *testing.T) {
		res, sink, _, err := ingestFile(t, fixture("touches.csv"), Options{Kind: antipersona.KindTouches})
		if err != nil {
			t.Fatal(err)
		}
		checkAccounting(t, res)
		ts := sink.all().Touches
		if len(ts) != 3 || ts[1].Channel != "" || ts[1].Campaign != "spring" || !ts[0].Time.Equal(time.Date(2024, 1, 2, 10, 0, 0, 0, time.UTC)) {
			t.Fatalf("touches = %+v", ts)
		}
		if !strings.HasSuffix(ts[0].RowKey, "#0") || !strings.HasSuffix(ts[2].RowKey, "#1") ||
			strings.TrimSuffix(ts[0].RowKey, "#0") != strings.TrimSuffix(ts[2].RowKey, "#1") {
			t.Errorf("row keys of identical touches = %q, %q", ts[0].RowKey, ts[2].RowKey)
		}
	})

	t.Run("survey answers", func(t *testing.T) {
		res, sink, _, err := ingestFile(t, fixture("surveys.csv"), Options{Kind: "surveys"})
		if err != nil {
			t.Fatal(err)
		}
		checkAccounting(t, res)
		// Rows 2 (empty answer) and 4 ("NA") are skipped, not rejected.
		if res.Read != 4 || res.Loaded != 2 || res.Skipped != 2 || res.Rejected != 0 {
			t.Errorf("Read %d Loaded %d Skipped %d Rejected %d; want 4, 2, 2, 0", res.Read, res.Loaded, res.Skipped, res.Rejected)
		}
		as := sink.all().SurveyAnswers
		if len(as) != 2 || sink.batches[0].Kind != antipersona.KindSurveyAnswers {
			t.Fatalf("answers = %+v", as)
		}
		want := antipersona.SurveyAnswer{RowKey: as[1].RowKey, ContactID: "r2", QuestionID: "q1", Question: "What do you value?",
			Answer: "Dịch vụ tốt", Language: "vi", Time: time.Date(2024, 2, 2, 0, 0, 0, 0, time.UTC), Line: 4}
		if as[1] != want {
			t.Errorf("answer = %+v\nwant %+v", as[1], want)
		}
	})
}

func TestEventsCSV(t *testing.T) {
	res, sink, _, err := ingestFile(t, fixture("events.csv"), Options{Kind: antipersona.KindEvents})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, res)
	all := sink.all()
	if len(all.Events) != 3 || res.Loaded != 3 {
		t.Fatalf("events = %+v", all.Events)
	}
	e := all.Events[0]
	// "007" keeps its leading zeros as a string; 5 is a number.
	if e.Properties != `{"coupon_code":"007","plan":"pro","seats":5}` || e.Type != antipersona.EventTrack ||
		e.ContactID != "u1" || e.Name != "Signed Up" || !math.IsNaN(e.Duration) || e.Line != 2 {
		t.Errorf("event = %+v", e)
	}
	if len(e.MessageID) != 32 || e.MessageID == all.Events[1].MessageID {
		t.Errorf("derived message ids = %q, %q", e.MessageID, all.Events[1].MessageID)
	}
	if all.Events[1].AnonymousID != "anon-9" || all.Events[1].ContactID != "" || all.Events[1].Properties != "{}" {
		t.Errorf("anonymous event = %+v", all.Events[1])
	}
	if len(all.Orders) != 1 || all.Orders[0].OrderID != "A-1" || all.Orders[0].Revenue != 99.5 || all.Orders[0].Source != "events" {
		t.Errorf("orders = %+v", all.Orders)
	}
	// The same file again gives the same message ids.
	_, sink2, _, _ := ingestFile(t, fixture("events.csv"), Options{Kind: antipersona.KindEvents})
	if sink2.all().Events[0].MessageID != e.MessageID {
		t.Errorf("message id not stable")
	}
}

func TestEventsJSONL(t *testing.T) {
	res, sink, _, err := ingestFile(t, fixture("events.jsonl"), Options{Kind: antipersona.KindEvents})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, res)
	all := sink.all()
	var lines []int64
	for _, e := range all.Events {
		lines = append(lines, e.Line)
	}
	// Line 3 is empty: not a row.
	if res.Read != 3 || res.Loaded != 3 || !slices.Equal(lines, []int64{1, 2, 4}) {
		t.Errorf("Read %d Loaded %d lines %v; want 3, 3, [1 2 4]", res.Read, res.Loaded, lines)
	}
	if len(all.Identities) != 1 || all.Identities[0] != (antipersona.Identity{AnonymousID: "a1", ContactID: "u1", Time: time.Date(2024, 3, 1, 9, 59, 0, 0, time.UTC)}) {
		t.Errorf("identities = %+v", all.Identities)
	}
	if len(all.Orders) != 1 || all.Orders[0].OrderID != "A-1" {
		t.Errorf("orders = %+v", all.Orders)
	}
}

func TestParquet(t *testing.T) {
	path := writeParquetContacts(t)
	t.Run("plain", func(t *testing.T) { checkParquetContacts(t, path) })
	t.Run("gzipped", func(t *testing.T) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(data)
		zw.Close()
		checkParquetContacts(t, writeFile(t, "contacts.parquet.gz", buf.String()))
	})
}

func checkParquetContacts(t *testing.T, path string) {
	res, sink, rej, err := ingestFile(t, path, Options{Kind: antipersona.KindContacts})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, res)
	types := map[string]antipersona.TraitType{}
	for _, tr := range res.Traits {
		types[tr.Ident] = tr.Type
	}
	wantTypes := map[string]antipersona.TraitType{"age": antipersona.TraitNumber, "signup": antipersona.TraitDate,
		"joined": antipersona.TraitDate, "tags": antipersona.TraitMulti, "active": antipersona.TraitBoolean,
		"score": antipersona.TraitNumber, "city": antipersona.TraitCategory}
	for k, w := range wantTypes {
		if types[k] != w {
			t.Errorf("type of %s = %s, want %s", k, types[k], w)
		}
	}
	cs := sink.all().Contacts
	if len(cs) != 2 || res.Rejected != 1 {
		t.Fatalf("contacts %d rejected %d, want 2, 1", len(cs), res.Rejected)
	}
	c := cs[0]
	v := func(ident string) antipersona.Value { return c.Values[traitIndex(t, res.Traits, ident)] }
	if c.ID != "p1" || c.Line != 2 || v("age").Num != 34 || !v("signup").Time.Equal(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)) ||
		!v("joined").Time.Equal(time.Date(2023, 12, 31, 0, 0, 0, 0, time.UTC)) || !slices.Equal(v("tags").List, []string{"a", "b"}) ||
		!v("active").Bool || v("score").Num != 1.25 || v("city").Str != "Kraków" {
		t.Errorf("contact p1 = %+v", c)
	}
	if !cs[1].Values[traitIndex(t, res.Traits, "age")].Missing || cs[1].Line != 4 {
		t.Errorf("contact p3 = %+v", cs[1])
	}
	recs := readRejects(t, rej.Path())
	// Row 2 has no id: line 3 (rows count from line 2), column 1.
	if len(recs) != 1 || recs[0].Line != 3 || recs[0].Column != 1 || recs[0].Reason != "missing contact id" ||
		!strings.HasPrefix(recs[0].Raw, ",") {
		t.Errorf("rejects = %+v", recs)
	}
}

func TestMissingColumns(t *testing.T) {
	tests := []struct {
		name    string
		kind    antipersona.Kind
		content string
		opts    Options
		want    []string // substrings of the message
	}{
		{"contacts without id", antipersona.KindContacts, "Prospect ID,Lead Source\n1,x\n", Options{},
			[]string{`missing required column(s): id (one of contact_id, id, userId, customer_id)`, `columns found: "Prospect ID", "Lead Source"`, "--id-col"}},
		{"contacts id column named but absent", antipersona.KindContacts, "a,b\n1,x\n", Options{IDColumn: "uid"},
			[]string{`column "uid" (for id) not found`, `columns found: "a", "b"`}},
		{"outcome column absent", antipersona.KindContacts, "id,b\n1,x\n", Options{OutcomeColumn: "Converted"},
			[]string{`outcome column "Converted" not found`, `columns found: "id", "b"`}},
		{"events", antipersona.KindEvents, "user_id,what\nu,x\n", Options{},
			[]string{"time (one of timestamp, time, ts, occurred_at, event_time, date)", "event (one of event, event_name, name, action)", `columns found: "user_id", "what"`}},
		{"orders without amounts", antipersona.KindOrders, "order_id,customer_id,date,qty\n", Options{},
			[]string{"revenue (one of revenue,", "or both quantity", `columns found: "order_id", "customer_id", "date", "qty"`}},
		{"costs", antipersona.KindCosts, "contact_id,when\n", Options{}, []string{"amount (one of amount,"}},
		{"touches", antipersona.KindTouches, "contact_id,when\n", Options{}, []string{"campaign (one of campaign,", "channel (one of channel,"}},
		{"surveys", antipersona.KindSurveyAnswers, "respondent_id,q\n", Options{}, []string{"question_id (one of", "answer (one of"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			opts.Kind = tt.kind
			res, sink, rej, err := ingestFile(t, writeFile(t, "f.csv", tt.content), opts)
			if antipersona.ErrorCode(err) != antipersona.EINVALID {
				t.Fatalf("err = %v, want an EINVALID error", err)
			}
			msg := antipersona.ErrorMessage(err)
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q\nlacks %q", msg, w)
				}
			}
			if res.Read != 0 || len(sink.batches) != 0 || rej.Path() != "" {
				t.Errorf("something was read or written: %+v", res)
			}
		})
	}
}

func TestFileErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
		opts Options
		code string
	}{
		{"missing file", filepath.Join(dir, "nope.csv"), Options{Kind: antipersona.KindContacts}, antipersona.ENOTFOUND},
		{"directory", dir, Options{Kind: antipersona.KindContacts}, antipersona.EINVALID},
		{"empty CSV", writeFile(t, "e.csv", ""), Options{Kind: antipersona.KindContacts}, antipersona.EINVALID},
		{"empty JSON Lines events", writeFile(t, "e.jsonl", "\n\n"), Options{Kind: antipersona.KindEvents}, antipersona.EINVALID},
		{"CSV named .jsonl", writeFile(t, "e.jsonl", "a,b\n1,2\n"), Options{Kind: antipersona.KindEvents}, antipersona.EINVALID},
		{"no JSON object in contacts", writeFile(t, "c.jsonl", "[1]\n[2]\n"), Options{Kind: antipersona.KindContacts}, antipersona.EINVALID},
		{"header not UTF-8", writeFile(t, "h.csv", "id,Miasto\xb3\n1,x\n"), Options{Kind: antipersona.KindContacts}, antipersona.EINVALID},
		{"not Parquet", writeFile(t, "p.parquet", "id\n1\n"), Options{Kind: antipersona.KindContacts}, antipersona.EINVALID},
		{"unknown kind", writeFile(t, "x.csv", "id\n1\n"), Options{Kind: "leads"}, antipersona.EINVALID},
		{"returns", writeFile(t, "x.csv", "id\n1\n"), Options{Kind: antipersona.KindReturns}, antipersona.EINVALID},
		{"unknown format", writeFile(t, "x.csv", "id\n1\n"), Options{Kind: antipersona.KindContacts, Format: "xlsx"}, antipersona.EINVALID},
		{"bad override type", writeFile(t, "x.csv", "id\n1\n"), Options{Kind: antipersona.KindContacts,
			TraitOverrides: map[string]TraitOverride{"a": {Type: "money"}}}, antipersona.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := ingestFile(t, tt.path, tt.opts)
			if got := antipersona.ErrorCode(err); got != tt.code {
				t.Errorf("code = %q (%v), want %q", got, err, tt.code)
			}
		})
	}
}

// TestBatchesAndDurableRejects checks the batch size and that a reject is
// on disk before the batch that follows it is handed to the sink.
func TestBatchesAndDurableRejects(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,age\n")
	for k := 1; k <= 10; k++ {
		if k == 2 {
			b.WriteString(",99\n") // rejected: missing id
			continue
		}
		fmt.Fprintf(&b, "%d,%d\n", k, 20+k)
	}
	path := writeFile(t, "c.csv", b.String())
	rej := NewRejectWriter(t.TempDir(), antipersona.KindContacts, time.Date(2025, 6, 7, 8, 9, 10, 0, time.UTC))
	var sizes []int
	var onDisk []bool
	sink := &recordingSink{}
	sink.onWrite = func() {
		data, _ := os.ReadFile(rej.Path())
		onDisk = append(onDisk, bytes.Contains(data, []byte(",99")))
		sizes = append(sizes, 0)
	}
	res, err := File(context.Background(), path, Options{Kind: antipersona.KindContacts, BatchRows: 3}, sink, rej)
	if err != nil {
		t.Fatal(err)
	}
	rej.Close()
	for i, bt := range sink.batches {
		sizes[i] = bt.Len()
	}
	// Rows 1-3 (one rejected), 4-6, 7-9, 10.
	if !slices.Equal(sizes, []int{2, 3, 3, 1}) || res.Loaded != 9 {
		t.Errorf("batch sizes = %v, Loaded %d; want [2 3 3 1], 9", sizes, res.Loaded)
	}
	if !slices.Equal(onDisk, []bool{true, true, true, true}) {
		t.Errorf("reject on disk at each write = %v", onDisk)
	}
	if want := "contacts-20250607T080910Z.csv"; filepath.Base(rej.Path()) != want {
		t.Errorf("rejects file = %s, want %s", rej.Path(), want)
	}
}

func TestCancel(t *testing.T) {
	var b strings.Builder
	b.WriteString("id\n")
	var jl strings.Builder
	for k := range 100 {
		fmt.Fprintf(&b, "%d\n", k)
		fmt.Fprintf(&jl, `{"type":"track","userId":"u","event":"e","messageId":"m%d","timestamp":"2024-01-01T00:00:00Z"}`+"\n", k)
	}
	tests := []struct {
		name, file, content string
		kind                antipersona.Kind
	}{
		{"CSV", "c.csv", b.String(), antipersona.KindContacts},
		{"JSON Lines", "e.jsonl", jl.String(), antipersona.KindEvents},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			sink := &recordingSink{onWrite: cancel}
			rej := NewRejectWriter(t.TempDir(), tt.kind, time.Now())
			res, err := File(ctx, writeFile(t, tt.file, tt.content), Options{Kind: tt.kind, BatchRows: 10}, sink, rej)
			if !errors.Is(err, antipersona.ErrCanceled) {
				t.Fatalf("err = %v, want ErrCanceled", err)
			}
			if len(sink.batches) != 1 || res.Loaded != 10 {
				t.Errorf("batches %d Loaded %d, want 1, 10 (stopped after the first batch)", len(sink.batches), res.Loaded)
			}
		})
	}
}

func TestSinkError(t *testing.T) {
	sink := &recordingSink{failAt: 1}
	rej := NewRejectWriter(t.TempDir(), antipersona.KindContacts, time.Now())
	_, err := File(context.Background(), fixture("contacts_bom_crlf.csv"), Options{Kind: antipersona.KindContacts}, sink, rej)
	if !errors.Is(err, os.ErrClosed) || antipersona.ErrorCode(err) != antipersona.EINTERNAL {
		t.Errorf("err = %v, want the sink's error wrapped", err)
	}
}

func TestRejectWriter(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rejects")
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.FixedZone("CET", 3600))
	w := NewRejectWriter(dir, antipersona.KindOrders, now)
	if err := w.Flush(); err != nil || w.Path() != "" {
		t.Fatalf("Flush before any reject: %v, path %q", err, w.Path())
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("rejects directory created before the first reject")
	}
	e := &antipersona.ParseError{File: "a.csv", Line: 3, Column: 2, ColumnName: "x", Err: errors.New("bad")}
	if err := w.Write(e, []byte("1,\"q\"\n2")); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(&antipersona.ParseError{File: "a.csv", Line: 9, Err: errors.New("short")}, []byte("z")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	// 05:06:07 CET is 04:06:07 UTC.
	if want := filepath.Join(dir, "orders-20250304T040607Z.csv"); w.Path() != want || w.Count() != 2 {
		t.Errorf("path %s count %d, want %s, 2", w.Path(), w.Count(), want)
	}
	got := readRejects(t, w.Path())
	want := []rejectRec{{"a.csv", 3, 2, "x", "bad", "1,\"q\"\n2"}, {"a.csv", 9, 0, "", "short", "z"}}
	if !slices.Equal(got, want) {
		t.Errorf("rejects = %+v\nwant %+v", got, want)
	}
	// A second writer for the same second does not overwrite the first.
	w2 := NewRejectWriter(dir, antipersona.KindOrders, now)
	w2.Write(e, []byte("x"))
	w2.Close()
	if filepath.Base(w2.Path()) != "orders-20250304T040607Z-2.csv" {
		t.Errorf("second file = %s", w2.Path())
	}
}

// TestLongLine checks that a JSON line longer than 16 MiB is rejected (with
// its first 16 MiB as raw text) without stopping the file.
func TestLongLine(t *testing.T) {
	long := `{"id":"x","pad":"` + strings.Repeat("a", maxLine) + `"}`
	tests := []struct {
		kind    antipersona.Kind
		content string
	}{
		{antipersona.KindContacts, `{"id":"1"}` + "\n" + long + "\n" + `{"id":"2"}` + "\n"},
		{antipersona.KindEvents, `{"type":"track","userId":"u","event":"e","timestamp":"2024-01-01T00:00:00Z"}` + "\n" + long + "\n" +
			`{"type":"track","userId":"v","event":"e","timestamp":"2024-01-01T00:00:00Z"}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			res, _, rej, err := ingestFile(t, writeFile(t, "big.jsonl", tt.content), Options{Kind: tt.kind})
			if err != nil {
				t.Fatal(err)
			}
			if res.Read != 3 || res.Loaded != 2 || res.Rejected != 1 {
				t.Errorf("Read %d Loaded %d Rejected %d; want 3, 2, 1", res.Read, res.Loaded, res.Rejected)
			}
			recs := readRejects(t, rej.Path())
			if len(recs) != 1 || recs[0].Line != 2 || recs[0].Reason != "line longer than 16777216 bytes (raw truncated)" ||
				len(recs[0].Raw) != maxLine || !strings.HasPrefix(long, recs[0].Raw) {
				t.Errorf("reject at line %d: %q (raw %d bytes)", recs[0].Line, recs[0].Reason, len(recs[0].Raw))
			}
		})
	}
}
