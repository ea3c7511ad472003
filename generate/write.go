package generate

import (
	"strconv"
	"time"
	"unicode/utf8"
)

const day = 86400 // seconds

// Calendar of the demo shop, as unix seconds (UTC).
var (
	period1Start = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	period1End   = time.Date(2025, 6, 30, 23, 59, 59, 0, time.UTC).Unix() // inclusive
	period2Start = period1End + 1
	period2End   = time.Date(2025, 12, 31, 23, 59, 59, 0, time.UTC).Unix() // inclusive
)

// Period bounds as written to periods.json.
const (
	Period1Start = "2024-01-01"
	Period1End   = "2025-06-30"
	Period2End   = "2025-12-31"
)

// dateTable holds "YYYY-MM-DD" for every day from dateBase on, so that the hot
// path formats dates without the time package.
var (
	dateBase  = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).Unix() / day
	dateTable = func() [][10]byte {
		const n = 4 * 366
		t := make([][10]byte, n)
		for i := range t {
			copy(t[i][:], time.Unix((dateBase+int64(i))*day, 0).UTC().Format(time.DateOnly))
		}
		return t
	}()
)

// appendDate appends the UTC date of unix time t as YYYY-MM-DD.
func appendDate(dst []byte, t int64) []byte {
	d := floorDiv(t, day) - dateBase
	if d >= 0 && d < int64(len(dateTable)) {
		return append(dst, dateTable[d][:]...)
	}
	return time.Unix(t, 0).UTC().AppendFormat(dst, time.DateOnly)
}

// appendTime appends unix time t as RFC 3339 in UTC with a Z suffix and
// whole seconds (2024-03-05T10:21:07Z).
func appendTime(dst []byte, t int64) []byte {
	d := floorDiv(t, day) - dateBase
	if d < 0 || d >= int64(len(dateTable)) {
		return time.Unix(t, 0).UTC().AppendFormat(dst, time.RFC3339)
	}
	s := t - floorDiv(t, day)*day
	h, m, sec := s/3600, s/60%60, s%60
	dst = append(dst, dateTable[d][:]...)
	return append(dst, 'T',
		byte('0'+h/10), byte('0'+h%10), ':',
		byte('0'+m/10), byte('0'+m%10), ':',
		byte('0'+sec/10), byte('0'+sec%10), 'Z')
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && (a < 0) {
		q--
	}
	return q
}

// appendCents appends an amount in hundredths as a decimal with two digits
// after the point (-12.05).
func appendCents(dst []byte, c int64) []byte {
	if c < 0 {
		dst = append(dst, '-')
		c = -c
	}
	dst = strconv.AppendInt(dst, c/100, 10)
	r := c % 100
	return append(dst, '.', byte('0'+r/10), byte('0'+r%10))
}

// appendPadded appends v in decimal, left-padded with zeros to width digits.
func appendPadded(dst []byte, v int64, width int) []byte {
	var b [20]byte
	i := len(b)
	for v > 0 || i == len(b) {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	for n := len(b) - i; n < width; n++ {
		dst = append(dst, '0')
	}
	return append(dst, b[i:]...)
}

const hexDigits = "0123456789abcdef"

func appendHex64(dst []byte, v uint64) []byte {
	for s := 60; s >= 0; s -= 4 {
		dst = append(dst, hexDigits[v>>uint(s)&0xf])
	}
	return dst
}

// appendUUID appends a, b as a UUID-shaped string (8-4-4-4-12 hex digits).
func appendUUID(dst []byte, a, b uint64) []byte {
	var x [32]byte
	appendHex64(x[:0], a)
	appendHex64(x[16:16], b)
	dst = append(dst, x[0:8]...)
	dst = append(dst, '-')
	dst = append(dst, x[8:12]...)
	dst = append(dst, '-')
	dst = append(dst, x[12:16]...)
	dst = append(dst, '-')
	dst = append(dst, x[16:20]...)
	dst = append(dst, '-')
	return append(dst, x[20:32]...)
}

// csvNeedsQuotes mirrors encoding/csv.Writer: a field is quoted when it
// holds a comma, a quote, CR or LF, or begins with a space or tab.
func csvNeedsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == ' ' || s[0] == '\t' {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\r', '\n':
			return true
		}
	}
	return false
}

// appendCSV appends s as one CSV field (RFC 4180 quoting when needed).
func appendCSV(dst []byte, s string) []byte {
	if !csvNeedsQuotes(s) {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			dst = append(dst, '"', '"')
		} else {
			dst = append(dst, s[i])
		}
	}
	return append(dst, '"')
}

// appendJSONString appends s as a JSON string. Control characters, quotes
// and backslashes are escaped; invalid UTF-8 becomes U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\ufffd"...)
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
