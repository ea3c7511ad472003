package audience

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// testRows returns a member whose data all normalises and one whose email
// and phone do not. Expected digests are the sha256sum constants of
// normalize_test.go.
func testRows() []Row {
	return []Row{
		{Member: Member{
			ContactID: "c1", Email: " John.Doe@Example.COM ", Phone: "601 234 567",
			FirstName: "John", LastName: "Doe", Country: "pl", PostalCode: "00-950",
			Action: "activate", ExpectedValue: 12.5, Personas: []string{"p1", "p2"},
		}},
		{Member: Member{
			ContactID: "c2", Email: "not-an-email", Phone: "12",
			Action: "exclude",
		}},
	}
}

func TestWriteCSV(t *testing.T) {
	tests := []struct {
		name  string
		rows  func() []Row
		want  string
		stats Stats
	}{
		{
			name: "full export",
			rows: testRows,
			want: "contact_id,email_sha256,phone_sha256,country,postal_code,action,expected_value,personas\n" +
				"c1," + shaJohnDoeEmail + "," + shaPLPhoneE164 + ",PL,00-950,activate,12.5,p1|p2\n" +
				"c2,,,,,exclude,0,\n",
			stats: Stats{Rows: 2, Dropped: 2},
		},
		{
			name: "with op",
			rows: func() []Row {
				r := testRows()
				r[0].Op = OpAdd
				r[1].Op = OpRemove
				return r
			},
			want: "contact_id,email_sha256,phone_sha256,country,postal_code,action,expected_value,personas,op\n" +
				"c1," + shaJohnDoeEmail + "," + shaPLPhoneE164 + ",PL,00-950,activate,12.5,p1|p2,add\n" +
				"c2,,,,,exclude,0,,remove\n",
			stats: Stats{Rows: 2, Dropped: 2},
		},
		{
			name:  "empty",
			rows:  func() []Row { return nil },
			want:  "contact_id,email_sha256,phone_sha256,country,postal_code,action,expected_value,personas\n",
			stats: Stats{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			st, err := WriteCSV(&buf, tt.rows())
			if err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			if st != tt.stats {
				t.Errorf("stats = %+v, want %+v", st, tt.stats)
			}
		})
	}
}

func TestWritersRejectBadRows(t *testing.T) {
	writers := map[string]func(*bytes.Buffer, []Row) (Stats, error){
		"csv":     func(b *bytes.Buffer, r []Row) (Stats, error) { return WriteCSV(b, r) },
		"json":    func(b *bytes.Buffer, r []Row) (Stats, error) { return WriteJSON(b, r) },
		"parquet": func(b *bytes.Buffer, r []Row) (Stats, error) { return WriteParquet(b, r) },
		"google":  func(b *bytes.Buffer, r []Row) (Stats, error) { return WriteGoogle(b, r) },
		"meta":    func(b *bytes.Buffer, r []Row) (Stats, error) { return WriteMeta(b, r) },
		"segment": func(b *bytes.Buffer, r []Row) (Stats, error) {
			return WriteSegment(b, "a", time.Unix(1, 0), r)
		},
	}
	bad := map[string]Row{
		"unknown op": {Member: Member{ContactID: "c"}, Op: "upsert"},
		"NaN value":  {Member: Member{ContactID: "c", ExpectedValue: math.NaN()}},
		"Inf value":  {Member: Member{ContactID: "c", ExpectedValue: math.Inf(1)}},
	}
	for wname, write := range writers {
		for bname, row := range bad {
			var buf bytes.Buffer
			rows := append(testRows(), row)
			if _, err := write(&buf, rows); err == nil {
				t.Errorf("%s, %s: no error", wname, bname)
			}
			if buf.Len() != 0 {
				t.Errorf("%s, %s: wrote %d bytes before failing", wname, bname, buf.Len())
			}
		}
	}
}

type failWriter struct{}

var errWrite = errors.New("disk full")

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestWritersReturnWriteError(t *testing.T) {
	for name, write := range map[string]func() (Stats, error){
		"csv":     func() (Stats, error) { return WriteCSV(failWriter{}, testRows()) },
		"json":    func() (Stats, error) { return WriteJSON(failWriter{}, testRows()) },
		"parquet": func() (Stats, error) { return WriteParquet(failWriter{}, testRows()) },
		"google":  func() (Stats, error) { return WriteGoogle(failWriter{}, testRows()) },
		"meta":    func() (Stats, error) { return WriteMeta(failWriter{}, testRows()) },
		"segment": func() (Stats, error) { return WriteSegment(failWriter{}, "a", time.Unix(1, 0), testRows()) },
	} {
		if _, err := write(); !errors.Is(err, errWrite) {
			t.Errorf("%s: err = %v, want %v", name, err, errWrite)
		}
	}
}

func TestWriteJSON(t *testing.T) {
	var buf bytes.Buffer
	st, err := WriteJSON(&buf, testRows())
	if err != nil {
		t.Fatal(err)
	}
	want := "[\n" +
		`{"contact_id":"c1","email_sha256":"` + shaJohnDoeEmail + `","phone_sha256":"` + shaPLPhoneE164 +
		`","country":"PL","postal_code":"00-950","action":"activate","expected_value":12.5,"personas":["p1","p2"]},` + "\n" +
		`{"contact_id":"c2","email_sha256":"","phone_sha256":"","country":"","postal_code":"","action":"exclude","expected_value":0,"personas":[]}` + "\n]\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if want := (Stats{Rows: 2, Dropped: 2}); st != want {
		t.Errorf("stats = %+v, want %+v", st, want)
	}

	// With an op, every object has the key; and the output is valid JSON.
	rows := testRows()
	rows[1].Op = OpRemove
	buf.Reset()
	if _, err := WriteJSON(&buf, rows); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0]["op"] != "" || got[1]["op"] != "remove" {
		t.Errorf("ops = %v, %v; want \"\", remove", got[0]["op"], got[1]["op"])
	}

	buf.Reset()
	if _, err := WriteJSON(&buf, nil); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "[]\n" {
		t.Errorf("empty: got %q, want %q", got, "[]\n")
	}
}

func TestWriteParquet(t *testing.T) {
	t.Run("full export", func(t *testing.T) {
		var buf bytes.Buffer
		st, err := WriteParquet(&buf, testRows())
		if err != nil {
			t.Fatal(err)
		}
		if want := (Stats{Rows: 2, Dropped: 2}); st != want {
			t.Errorf("stats = %+v, want %+v", st, want)
		}
		got, err := parquet.Read[parquetRecord](bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		want := []parquetRecord{
			{"c1", shaJohnDoeEmail, shaPLPhoneE164, "PL", "00-950", "activate", 12.5, []string{"p1", "p2"}},
			{"c2", "", "", "", "", "exclude", 0, nil},
		}
		if len(got) == 2 && len(got[1].Personas) == 0 {
			got[1].Personas = nil
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v\nwant %+v", got, want)
		}
		f, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := f.Schema().Lookup("op"); ok {
			t.Error("op column in a full export")
		}
		if col, ok := f.Schema().Lookup("email_sha256"); !ok || !col.Node.Optional() {
			t.Error("email_sha256 missing or not optional")
		}
	})
	t.Run("with op", func(t *testing.T) {
		rows := testRows()
		rows[0].Op = OpAdd
		var buf bytes.Buffer
		if _, err := WriteParquet(&buf, rows); err != nil {
			t.Fatal(err)
		}
		got, err := parquet.Read[parquetRecordOp](bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Op != "add" || got[1].Op != "" {
			t.Errorf("got %+v", got)
		}
	})
}

func TestWriteGoogle(t *testing.T) {
	rows := testRows()
	rows[0].Op = OpRemove // ignored
	rows = append(rows, Row{Member: Member{
		// Address only, US ZIP+4 kept as Google accepts it.
		ContactID: "c3", FirstName: "John", LastName: "Doe", Country: "US", PostalCode: "94303-5300",
	}}, Row{Member: Member{
		// Incomplete address: not matchable, skipped.
		ContactID: "c4", FirstName: "John", Country: "US",
	}})
	var buf bytes.Buffer
	st, err := WriteGoogle(&buf, rows)
	if err != nil {
		t.Fatal(err)
	}
	// Header and order from https://support.google.com/google-ads/answer/7659867.
	want := "Email,Phone,First Name,Last Name,Country,Zip\n" +
		shaJohnDoeEmail + "," + shaPLPhoneE164 + "," + shaJohn + "," + shaDoe + ",PL,00-950\n" +
		",," + shaJohn + "," + shaDoe + ",US,94303-5300\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if want := (Stats{Rows: 2, Dropped: 2, Skipped: 2}); st != want {
		t.Errorf("stats = %+v, want %+v", st, want)
	}
}

func TestWriteMeta(t *testing.T) {
	rows := testRows()
	rows = append(rows, Row{Member: Member{
		ContactID: "c3", LastName: "Smith", Country: "us", PostalCode: "94303-5300",
	}}, Row{Member: Member{
		ContactID: "c4", FirstName: "Ann", Country: "GB", PostalCode: "wc2h 8lg",
	}})
	var buf bytes.Buffer
	st, err := WriteMeta(&buf, rows)
	if err != nil {
		t.Fatal(err)
	}
	// Header from https://www.facebook.com/business/help/2082575038703844;
	// digests of "smith" and "ann" from sha256sum.
	const (
		shaSmith = "6627835f988e2c5e50533d491163072d3f4f41f5c8b04630150debb3722ca2dd" // smith
		shaAnn   = "49915e0d7d4b402e3017d010bc1c0e83cac6c797d6c16e66340fe3268693a6a1" // ann
	)
	r := csv.NewReader(&buf)
	got, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"email", "phone", "fn", "ln", "zip", "country"},
		{shaJohnDoeEmail, shaPLPhoneMeta, shaJohn, shaDoe, "00-950", "pl"},
		{"", "", "", shaSmith, "94303", "us"},
		{"", "", shaAnn, "", "wc2h8lg", "gb"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	if want := (Stats{Rows: 3, Dropped: 2, Skipped: 1}); st != want {
		t.Errorf("stats = %+v, want %+v", st, want)
	}
}

func TestWriteSegment(t *testing.T) {
	at := time.Date(2026, 3, 1, 11, 0, 0, 0, time.FixedZone("CET", 3600))
	rows := testRows()
	rows[1].Op = OpRemove
	var buf bytes.Buffer
	st, err := WriteSegment(&buf, "Win-back PL", at, rows)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Stats{Rows: 2}); st != want {
		t.Errorf("stats = %+v, want %+v", st, want)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2", len(lines))
	}
	want0 := `{"type":"track","event":"Audience Entered","userId":"c1","messageId":"` +
		MessageID("Win-back PL", "c1", "", at) +
		`","timestamp":"2026-03-01T10:00:00Z","properties":{"audience_name":"Win-back PL","action":"activate","expected_value":12.5,"personas":["p1","p2"]}}`
	want1 := `{"type":"track","event":"Audience Exited","userId":"c2","messageId":"` +
		MessageID("Win-back PL", "c2", "remove", at) +
		`","timestamp":"2026-03-01T10:00:00Z","properties":{"audience_name":"Win-back PL","action":"exclude","expected_value":0,"personas":[],"op":"remove"}}`
	if lines[0] != want0 {
		t.Errorf("line 1:\n got %s\nwant %s", lines[0], want0)
	}
	if lines[1] != want1 {
		t.Errorf("line 2:\n got %s\nwant %s", lines[1], want1)
	}
	for _, pii := range []string{"john", "John", "601", "not-an-email", "00-950"} {
		if strings.Contains(buf.String(), pii) {
			t.Errorf("output contains personal data %q", pii)
		}
	}

	// messageId: the digest of the NUL-separated fields, computed with
	// printf 'a\0c1\0add\0002026-03-01T10:00:00Z' | sha256sum.
	if got, want := MessageID("a", "c1", "add", at), "050b95ceb8f1aa72ca7265c2490e364eb8b7f49393dc0cdfc61d78c9b1b8c034"; got != want {
		t.Errorf("MessageID = %s, want %s", got, want)
	}
	if MessageID("a", "c1", "add", at) == MessageID("a", "c1", "remove", at) ||
		MessageID("a", "c1", "add", at) == MessageID("a", "c1", "add", at.Add(time.Second)) ||
		MessageID("a", "c1", "add", at) != MessageID("a", "c1", "add", at.UTC()) {
		t.Error("MessageID does not depend on exactly op, contact, audience and instant")
	}

	if _, err := WriteSegment(&buf, "", at, rows); err == nil {
		t.Error("empty audience: no error")
	}
	if _, err := WriteSegment(&buf, "a", time.Time{}, rows); err == nil {
		t.Error("zero time: no error")
	}
}

// TestHashedMember: a member known only by HashesOf's hashes is written
// with the same hashes as the member itself, without its country and postal
// code, in every format that carries identifiers.
func TestHashedMember(t *testing.T) {
	m := Member{ContactID: "C1", Email: " Zoe.K@Example.com ", Phone: "601 234 567", Country: "pl",
		FirstName: "Zoë", LastName: "Kowalska-Nowak", PostalCode: "00-950"}
	h := HashesOf(m)
	hashed := Member{Hashed: &h}
	for _, c := range []struct {
		name  string
		write func(io.Writer, []Row) (Stats, error)
		keep  int // leading columns that must match
	}{
		{"google", WriteGoogle, 4},
		{"meta", WriteMeta, 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			var a, b bytes.Buffer
			if _, err := c.write(&a, []Row{{Member: m}}); err != nil {
				t.Fatal(err)
			}
			st, err := c.write(&b, []Row{{Member: hashed, Op: OpRemove}})
			if err != nil || st.Rows != 1 {
				t.Fatalf("hashed: %+v, %v", st, err)
			}
			ra := strings.Split(strings.Split(a.String(), "\n")[1], ",")
			rb := strings.Split(strings.Split(b.String(), "\n")[1], ",")
			if strings.Join(ra[:c.keep], ",") != strings.Join(rb[:c.keep], ",") {
				t.Errorf("hashes differ:\n%v\n%v", ra, rb)
			}
			if ra[0] == "" || ra[1] == "" || strings.Join(rb[c.keep:], "") != "" {
				t.Errorf("member %v, hashed member %v", ra, rb)
			}
		})
	}
	var seg bytes.Buffer
	st, err := WriteSegment(&seg, "a", time.Unix(1, 0), []Row{{Member: hashed, Op: OpRemove}})
	if err != nil || st.Skipped != 1 || seg.Len() != 0 {
		t.Errorf("segment with a hashed member: %+v, %v, %q", st, err, seg.String())
	}
}
