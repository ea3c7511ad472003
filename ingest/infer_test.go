package ingest

import (
	"math"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
)

func TestInferType(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   antipersona.TraitType
	}{
		{"0/1 is boolean", []string{"0", "1", "1", ""}, antipersona.TraitBoolean},
		{"yes/no with Select", []string{"Yes", "No", "Select", "no"}, antipersona.TraitBoolean},
		{"Polish and Vietnamese booleans", []string{"tak", "nie", "Có", "không"}, antipersona.TraitBoolean},
		{"integers", []string{"0", "5", "12", "NA"}, antipersona.TraitNumber},
		{"decimals", []string{"2.5", "-1e3", " 7 "}, antipersona.TraitNumber},
		{"decimal comma", []string{"12,50", "3", "1 234,56"}, antipersona.TraitNumber},
		{"comma with dots is not a number", []string{"12,50", "3.5"}, antipersona.TraitCategory},
		{"NaN and Inf are not numbers", []string{"1", "Inf"}, antipersona.TraitCategory},
		{"ISO dates", []string{"2024-01-02", "2024-03-04T10:00:00Z"}, antipersona.TraitDate},
		{"day-first dates", []string{"04-09-2012", "21-08-2013"}, antipersona.TraitDate},
		{"multi", []string{"yoga|running", "chess", ""}, antipersona.TraitMulti},
		{"category", []string{"Student", "Unemployed", "Student", "Working Professional"}, antipersona.TraitCategory},
		{"levels like 02.Medium", []string{"02.Medium", "01.High", "03.Low"}, antipersona.TraitCategory},
		{"free text", []string{"I want to change careers soon", "Looking for a better paid job in IT", "My employer pays for the course"}, antipersona.TraitText},
		{"short distinct words are a category", []string{"alpha", "beta", "gamma"}, antipersona.TraitCategory},
		{"all missing", []string{"", "NA", "null", "None", "n/a", "-", "?"}, antipersona.TraitCategory},
		{"empty sample", nil, antipersona.TraitCategory},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := InferType(tt.values, nil); got != tt.want {
				t.Errorf("InferType(%q) = %s, want %s", tt.values, got, tt.want)
			}
		})
	}
}

func TestMissingValues(t *testing.T) {
	def := missingFunc(nil)
	for _, v := range []string{"", " ", "NA", "na", "N/A", "n/a", "null", "NULL", "Null", "None", "NONE", "nan", "NaN", "NAN", "Select", "-", "?", " NA "} {
		if !def(v) {
			t.Errorf("default: %q should be missing", v)
		}
	}
	for _, v := range []string{"select", "0", "none of them", "Nan Kowalska"} {
		if def(v) {
			t.Errorf("default: %q should not be missing", v)
		}
	}
	custom := missingFunc([]string{"brak", "N/A"})
	for v, want := range map[string]bool{"brak": true, "": true, "n/a": true, "NA": false, "Select": false, "BRAK": false} {
		if got := custom(v); got != want {
			t.Errorf("custom: missing(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestNumberParser(t *testing.T) {
	tests := []struct {
		in    string
		comma bool
		want  float64 // NaN: not a number
	}{
		{"12.5", false, 12.5},
		{" -3 ", false, -3},
		{"1e3", false, 1000},
		{"12,50", true, 12.5},
		{"12,50", false, math.NaN()},
		{"1 234,56", true, 1234.56},
		{"1\u00a0234", false, 1234},
		{"1 2 3", false, 123},
		{"12 ", false, 12},
		{"- 5", false, math.NaN()},
		{"1,2,3", true, math.NaN()},
		{"NaN", false, math.NaN()},
		{"Inf", false, math.NaN()},
		{"1e999", false, math.NaN()},
		{"0x10", false, math.NaN()},
		{"1_000", false, math.NaN()},
		{"e", false, math.NaN()},
		{"", false, math.NaN()},
	}
	for _, tt := range tests {
		got, ok := numberParser{comma: tt.comma}.parse(tt.in)
		if math.IsNaN(tt.want) {
			if ok {
				t.Errorf("parse(%q, comma=%v) = %v, want not a number", tt.in, tt.comma, got)
			}
			continue
		}
		if !ok || got != tt.want {
			t.Errorf("parse(%q, comma=%v) = %v, %v; want %v", tt.in, tt.comma, got, ok, tt.want)
		}
	}
}

func TestDateParser(t *testing.T) {
	utc := func(y int, m time.Month, d, h, min, s, ns int) time.Time {
		return time.Date(y, m, d, h, min, s, ns, time.UTC)
	}
	tests := []struct {
		name   string
		sample []string
		unix   bool
		family dateFamily
		in     string
		want   time.Time // zero: does not parse
	}{
		{"RFC 3339 with zone", []string{"2024-01-02T10:00:00+02:00"}, false, dateISO, "2024-01-02T10:00:00.5+02:00", utc(2024, 1, 2, 8, 0, 0, 5e8)},
		{"RFC 3339 without zone is UTC", []string{"2024-01-02T10:00:00"}, false, dateISO, "2024-01-02T10:00:00", utc(2024, 1, 2, 10, 0, 0, 0)},
		{"date and time with a space", []string{"2010-12-01 08:26:00"}, false, dateISO, "2010-12-01 08:26", utc(2010, 12, 1, 8, 26, 0, 0)},
		{"bare date", []string{"2024-01-02"}, false, dateISO, "2024-02-29", utc(2024, 2, 29, 0, 0, 0, 0)},
		{"day first from the sample", []string{"04/09/2012", "21/08/2013"}, false, dateDMY, "04/09/2012", utc(2012, 9, 4, 0, 0, 0, 0)},
		{"month first from the sample", []string{"04/09/2012", "12/25/2013"}, false, dateMDY, "04/09/2012", utc(2012, 4, 9, 0, 0, 0, 0)},
		{"ambiguous slash is month first", []string{"04/09/2012", "01/02/2013"}, false, dateMDY, "04/09/2012", utc(2012, 4, 9, 0, 0, 0, 0)},
		{"ambiguous dot is day first", []string{"04.09.2012"}, false, dateDMY, "04.09.2012", utc(2012, 9, 4, 0, 0, 0, 0)},
		{"ambiguous dash is day first", []string{"04-09-2012"}, false, dateDMY, "04-09-2012", utc(2012, 9, 4, 0, 0, 0, 0)},
		{"month first with time, one digit", []string{"1/2/2006 15:04"}, false, dateMDY, "12/31/2011 7:05", utc(2011, 12, 31, 7, 5, 0, 0)},
		{"day-first value rejected by month-first column", []string{"12/25/2013"}, false, dateMDY, "25/12/2013", time.Time{}},
		{"unix seconds", []string{"1700000000", "1700000100"}, true, dateUnix, "1700000000.5", time.Unix(1700000000, 5e8).UTC()},
		{"unix milliseconds", []string{"1700000000000"}, true, dateUnix, "1700000000123", time.UnixMilli(1700000000123).UTC()},
		{"integers are not unix times for traits", []string{"1700000000"}, false, dateNone, "1700000000", time.Time{}},
		{"invalid day", []string{"2024-01-02"}, false, dateISO, "2024-02-30", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := newDateParser(tt.sample, missingFunc(nil), tt.unix)
			if p.family != tt.family {
				t.Fatalf("family = %v, want %v", p.family, tt.family)
			}
			got, ok := p.parse(tt.in)
			if tt.want.IsZero() {
				if ok {
					t.Errorf("parse(%q) = %v, want failure", tt.in, got)
				}
				return
			}
			if !ok || !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("parse(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
			}
		})
	}
}
