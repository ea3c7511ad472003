package generate

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestAppendTime(t *testing.T) {
	tests := []struct {
		name string
		t    time.Time
	}{
		{"period 1 start", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"example", time.Date(2024, 3, 5, 10, 21, 7, 0, time.UTC)},
		{"leap day", time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC)},
		{"period 2 end", time.Date(2025, 12, 31, 23, 59, 59, 0, time.UTC)},
		{"before the table", time.Date(1999, 7, 4, 1, 2, 3, 0, time.UTC)},
		{"after the table", time.Date(2031, 7, 4, 1, 2, 3, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(appendTime(nil, tt.t.Unix()))
			want := tt.t.Format(time.RFC3339)
			if got != want {
				t.Errorf("appendTime = %q, want %q", got, want)
			}
			gotDate := string(appendDate(nil, tt.t.Unix()))
			if wantDate := tt.t.Format(time.DateOnly); gotDate != wantDate {
				t.Errorf("appendDate = %q, want %q", gotDate, wantDate)
			}
		})
	}
}

func TestAppendCents(t *testing.T) {
	tests := []struct {
		name  string
		cents int64
		want  string
	}{
		{"zero", 0, "0.00"},
		{"five cents", 5, "0.05"},
		{"negative five cents", -5, "-0.05"},
		{"amount", 12345, "123.45"},
		{"negative whole", -100, "-1.00"},
		{"price", 14999, "149.99"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(appendCents(nil, tt.cents)); got != tt.want {
				t.Errorf("appendCents(%d) = %q, want %q", tt.cents, got, tt.want)
			}
		})
	}
}

func TestAppendPadded(t *testing.T) {
	tests := []struct {
		name  string
		v     int64
		width int
		want  string
	}{
		{"contact", 7, 7, "0000007"},
		{"zero", 0, 3, "000"},
		{"wider than width", 12345678, 7, "12345678"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(appendPadded(nil, tt.v, tt.width)); got != tt.want {
				t.Errorf("appendPadded(%d, %d) = %q, want %q", tt.v, tt.width, got, tt.want)
			}
		})
	}
}

func TestAppendCSV(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Warszawa", "Warszawa"},
		{"empty", "", ""},
		{"comma", "a,b", `"a,b"`},
		{"quote", `say "hi"`, `"say ""hi"""`},
		{"leading space", " x", `" x"`},
		{"newline", "a\nb", "\"a\nb\""},
		{"unicode", "რატომ ყიდულობთ?", "რატომ ყიდულობთ?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(appendCSV(nil, tt.in)); got != tt.want {
				t.Errorf("appendCSV(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestAppendJSONString(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "abc", `"abc"`},
		{"escapes", `a"b\`, `"a\"b\\"`},
		{"control", "\x01\n\t", `"\u0001\n\t"`},
		{"unicode", "Hà Nội", `"Hà Nội"`},
		{"invalid utf-8", "a\xffb", "\"a\ufffdb\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(appendJSONString(nil, tt.in)); got != tt.want {
				t.Errorf("appendJSONString(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzAppendCSV checks that encoding/csv reads back what appendCSV wrote.
// Inputs with CR are skipped: encoding/csv drops a CR before LF even inside
// quotes, so they cannot round-trip through any writer.
func FuzzAppendCSV(f *testing.F) {
	for _, s := range []string{"", "a", "a,b", `"`, " x", "a\nb", "Łódź", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsRune(s, '\r') {
			t.Skip()
		}
		line := appendCSV(nil, s)
		line = append(line, ",x\n"...)
		r := csv.NewReader(bytes.NewReader(line))
		rec, err := r.Read()
		if err != nil {
			t.Fatalf("read %q: %v", line, err)
		}
		if len(rec) != 2 || rec[0] != s || rec[1] != "x" {
			t.Fatalf("round trip of %q gave %q", s, rec)
		}
	})
}

// FuzzAppendJSONString checks that appendJSONString writes valid JSON that
// decodes to s, with each invalid UTF-8 byte replaced by U+FFFD.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "a", `"\`, "\x00\x1f", "Hà Nội", "\xff\xfe", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendJSONString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("unmarshal %s: %v", b, err)
		}
		if want := string([]rune(s)); got != want {
			t.Fatalf("round trip of %q gave %q, want %q", s, got, want)
		}
	})
}
