package audience

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// NormalizeEmail returns s with surrounding white space removed and all
// letters lowercased, the form Google and Meta hash
// (" John.Doe@Example.COM " becomes "john.doe@example.com"). It returns ""
// when s is not an address: when it has not exactly one '@', nothing before
// or after it, white space or control characters inside, or invalid UTF-8.
// Provider-specific rewriting (dropping dots or "+tags" in Gmail addresses)
// is not done. NormalizeEmail is idempotent.
func NormalizeEmail(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || !utf8.ValidString(s) {
		return ""
	}
	s = strings.ToLower(s)
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.IndexByte(s[at+1:], '@') >= 0 {
		return ""
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return ""
		}
	}
	return s
}

// NormalizePhone returns s in E.164 form ("+48601234567"). A number written
// without a country code (no leading '+' or international prefix) is read as
// a number of defaultRegion, an ISO 3166-1 alpha-2 code in any case ("PL",
// "pl"); with defaultRegion "" such a number does not parse. NormalizePhone
// returns "" when s does not parse, is not a possible number (wrong length
// for its country), or gives an E.164 form that does not read back as the
// same number; it does not check that the number is assigned.
// NormalizePhone is idempotent for a given defaultRegion.
func NormalizePhone(s, defaultRegion string) string {
	s = strings.TrimSpace(s)
	if s == "" || !utf8.ValidString(s) {
		return ""
	}
	region := strings.ToUpper(strings.TrimSpace(defaultRegion))
	num, err := phonenumbers.Parse(s, region)
	if err != nil || !phonenumbers.IsPossibleNumber(num) {
		return ""
	}
	e164 := phonenumbers.Format(num, phonenumbers.E164)
	if len(e164) < 2 || e164[0] != '+' {
		return ""
	}
	// Some inputs give an E.164 string that libphonenumber reads back as
	// another number (a national prefix inside the international form, as
	// in "+3580000000"). Such a number would hash differently on the
	// platform's side; it is treated as not parsing.
	again, err := phonenumbers.Parse(e164, "")
	if err != nil || !phonenumbers.IsPossibleNumber(again) || phonenumbers.Format(again, phonenumbers.E164) != e164 {
		return ""
	}
	return e164
}

// NormalizeName returns a first or last name lowercased, with white space,
// punctuation, symbols and control characters removed and letters with
// diacritics kept ("  Mary-Ann O'Neil " becomes "maryannoneil", "Valéry"
// becomes "valéry"). This satisfies both Google (lowercase, no white space,
// no punctuation in last names) and Meta (lowercase, no punctuation, special
// characters in UTF-8). The input should be in Unicode NFC, as names typed on
// keyboards are: a decomposed "e" + U+0301 hashes differently from "é".
// It returns "" when nothing is left. NormalizeName is idempotent.
func NormalizeName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r == utf8.RuneError {
			continue
		}
		if unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// NormalizeCountry returns the ISO 3166-1 alpha-2 code of s, uppercase
// (" pl " becomes "PL"). It accepts only two-letter codes, in any case, that
// are assigned in ISO 3166-1 or used by libphonenumber for regions with their
// own calling code (such as XK); country names are not recognised. It returns
// "" for anything else. NormalizeCountry is idempotent.
func NormalizeCountry(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' {
		return ""
	}
	if !phonenumbers.GetSupportedRegions()[s] && !strings.Contains(isoWithoutPhone, s) {
		return ""
	}
	return s
}

// isoWithoutPhone lists the ISO 3166-1 alpha-2 codes of territories that
// libphonenumber has no metadata for, separated by spaces.
const isoWithoutPhone = " AQ BV GS HM PN TF UM "

// NormalizePostalCode returns a postal code trimmed, uppercased, with runs of
// inner white space collapsed to one space ("wc2h  8lg" becomes "WC2H 8LG",
// "00-950" stays "00-950", "94303-5300" stays "94303-5300"), the form Google
// Customer Match accepts in clear. It returns "" when s has no letter or
// digit or has characters other than letters, digits, spaces and '-'.
// NormalizePostalCode is idempotent.
func NormalizePostalCode(s string) string {
	fields := strings.Fields(strings.ToUpper(s))
	out := strings.Join(fields, " ")
	alnum := false
	for _, r := range out {
		switch {
		case r >= '0' && r <= '9', r >= 'A' && r <= 'Z':
			alnum = true
		case r == ' ' || r == '-':
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			alnum = true
		default:
			return ""
		}
	}
	if !alnum {
		return ""
	}
	return out
}

// Hash returns the SHA-256 digest of normalized as 64 lowercase hexadecimal
// digits, the form Google and Meta match on. The empty string stays empty:
// Hash("") is "", never the digest of nothing.
func Hash(normalized string) string {
	if normalized == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(normalized))
	return hex.EncodeToString(sum[:])
}
