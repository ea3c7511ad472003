package audience

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// GoogleHeader is the header of WriteGoogle: the column names of Google Ads
// Customer Match data files, in the order of Google's template
// (https://support.google.com/google-ads/answer/7659867). Google requires
// these names in English and matches them exactly.
var GoogleHeader = []string{"Email", "Phone", "First Name", "Last Name", "Country", "Zip"}

// WriteGoogle writes rows as a Google Ads Customer Match CSV for hashed
// upload, with the header GoogleHeader, one member a line:
//
//   - Email: SHA-256 of NormalizeEmail (trimmed, lowercase);
//   - Phone: SHA-256 of the E.164 form ("+48601234567", NormalizePhone with
//     the member's Country as default region);
//   - First Name, Last Name: SHA-256 of NormalizeName (lowercase, no white
//     space or punctuation);
//   - Country: ISO 3166-1 alpha-2, uppercase, in clear;
//   - Zip: NormalizePostalCode, in clear.
//
// Google rejects a hashed country or zip; a mailing address only matches
// when First Name, Last Name, Country and Zip are all present, so a row with
// neither email nor phone nor a whole address is skipped. Sources: https://support.google.com/google-ads/answer/7659867,
// https://g.co/wudy8r (template) and
// https://developers.google.com/display-video/api/guides/tasks/upload-customer-match-audience/prepare-data.
//
// WriteGoogle ignores Row.Op: Customer Match adds and removes members with
// separate uploads, so the caller writes additions and removals to two files
// (for example with the adds and removes of Diff). Rows with no identifier
// left after normalisation are skipped and counted in Stats.Skipped;
// identifiers that do not normalise are counted in Stats.Dropped.
//
// WriteGoogle returns an error, before writing anything, when a row has an
// unknown Op or a non-finite ExpectedValue; otherwise it returns the first
// error of w.
func WriteGoogle(w io.Writer, rows []Row) (Stats, error) {
	return writeCSV(w, rows, GoogleHeader, func(n *normalizer, r *Row, rec []string) bool { return googleRecord(n, &r.Member, rec) })
}

func googleRecord(n *normalizer, m *Member, rec []string) bool {
	if h := m.Hashed; h != nil {
		copy(rec, []string{h.Email, h.Phone, h.FirstName, h.LastName, "", ""})
		return rec[0] != "" || rec[1] != ""
	}
	rec[0] = Hash(n.email(m))
	rec[1] = Hash(n.phone(m))
	rec[2] = Hash(n.first(m))
	rec[3] = Hash(n.last(m))
	rec[4] = n.country(m)
	rec[5] = n.postal(m)
	return rec[0] != "" || rec[1] != "" || (rec[2] != "" && rec[3] != "" && rec[4] != "" && rec[5] != "")
}

// MetaHeader is the header of WriteMeta: the column names of a Meta Custom
// Audiences customer list (https://www.facebook.com/business/help/2082575038703844).
var MetaHeader = []string{"email", "phone", "fn", "ln", "zip", "country"}

// WriteMeta writes rows as a Meta (Facebook, Instagram) Custom Audiences
// customer list CSV with the header MetaHeader, one member a line:
//
//   - email: SHA-256 of NormalizeEmail (trimmed, lowercase);
//   - phone: SHA-256 of the digits of the E.164 form with the country code
//     and without '+' ("48601234567"), as Meta asks to remove symbols and
//     leading zeros and to include the country code;
//   - fn, ln: SHA-256 of NormalizeName (lowercase, no punctuation, accented
//     letters kept in UTF-8);
//   - zip: in clear, lowercase without white space; for US members the
//     first five digits only;
//   - country: in clear, ISO 3166-1 alpha-2 lowercase ("pl").
//
// Meta's documentation asks for zip and country to be hashed too. Writing
// them in clear is our product decision: on their own they do not identify
// a person, they let a reviewer check the file, and Ads Manager hashes a
// customer list before it leaves the browser
// (https://www.facebook.com/business/help/112061095610075). Callers that
// upload through the Marketing API must hash them. Sources: https://www.facebook.com/business/help/2082575038703844,
// https://developers.facebook.com/docs/marketing-api/audiences/guides/custom-audiences
// and https://developers.facebook.com/documentation/ads-commerce/conversions-api/parameters/customer-information-parameters.
//
// WriteMeta ignores Row.Op: Meta adds and removes customer-list members
// with separate uploads, so the caller writes additions and removals to two
// files. Rows with no email, phone or name left are skipped and counted in
// Stats.Skipped; identifiers that do not normalise are counted in
// Stats.Dropped.
//
// WriteMeta returns an error, before writing anything, when a row has an
// unknown Op or a non-finite ExpectedValue; otherwise it returns the first
// error of w.
func WriteMeta(w io.Writer, rows []Row) (Stats, error) {
	return writeCSV(w, rows, MetaHeader, func(n *normalizer, r *Row, rec []string) bool { return metaRecord(n, &r.Member, rec) })
}

func metaRecord(n *normalizer, m *Member, rec []string) bool {
	if h := m.Hashed; h != nil {
		copy(rec, []string{h.Email, h.MetaPhone, h.FirstName, h.LastName, "", ""})
		return rec[0] != "" || rec[1] != "" || rec[2] != "" || rec[3] != ""
	}
	rec[0] = Hash(n.email(m))
	rec[1] = Hash(metaPhone(n.phone(m)))
	rec[2] = Hash(n.first(m))
	rec[3] = Hash(n.last(m))
	country := n.country(m)
	rec[4] = metaZip(n.postal(m), country)
	rec[5] = strings.ToLower(country)
	return rec[0] != "" || rec[1] != "" || rec[2] != "" || rec[3] != ""
}

// metaPhone returns an E.164 number in Meta's form: digits only, country
// code first.
func metaPhone(e164 string) string { return strings.TrimPrefix(e164, "+") }

// metaZip returns a normalised postal code in Meta's form: lowercase without
// white space, and for the United States the first five digits.
func metaZip(postal, country string) string {
	z := strings.ToLower(strings.ReplaceAll(postal, " ", ""))
	if country == "US" {
		z, _, _ = strings.Cut(z, "-")
		if len(z) > 5 {
			z = z[:5]
		}
	}
	return z
}

// writeCSV checks rows, writes header and, for each row, the record fill
// makes of it; a row fill returns false for is skipped (Stats.Skipped).
func writeCSV(w io.Writer, rows []Row, header []string, fill func(*normalizer, *Row, []string) bool) (Stats, error) {
	var st Stats
	if err := checkRows(rows); err != nil {
		return st, err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return st, fmt.Errorf("audience: write csv: %w", err)
	}
	var n normalizer
	rec := make([]string, len(header))
	for i := range rows {
		if !fill(&n, &rows[i], rec) {
			st.Skipped++
			continue
		}
		if err := cw.Write(rec); err != nil {
			st.Dropped = n.dropped
			return st, fmt.Errorf("audience: write csv: %w", err)
		}
		st.Rows++
	}
	st.Dropped = n.dropped
	cw.Flush()
	if err := cw.Error(); err != nil {
		return st, fmt.Errorf("audience: write csv: %w", err)
	}
	return st, nil
}
