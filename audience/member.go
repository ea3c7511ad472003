package audience

import (
	"fmt"
	"math"
)

// Member is one contact of an audience: raw personal data as stored, and
// what was decided for it.
type Member struct {
	ContactID string

	// Personal data, raw. Writers normalise and hash it; none of them
	// writes Email, Phone, FirstName or LastName in clear.
	Email      string
	Phone      string // any format; Country is its default region
	FirstName  string
	LastName   string
	Country    string // ISO 3166-1 alpha-2, any case
	PostalCode string

	Action        string   // activate, nurture, maintain, organic, exclude ...
	ExpectedValue float64  // expected value of the action, in the account currency
	Personas      []string // persona ids

	// Hashed, when set, replaces the personal data above: the member's
	// identifiers as HashesOf made them. It is all that is kept of a
	// contact deleted on request, so that the next incremental export can
	// remove it from the ad platforms; such a member has no ContactID,
	// country or postal code.
	Hashed *Hashes
}

// Hashes are a member's identifiers normalised and hashed (SHA-256,
// lowercase hex) in the forms the writers write; "" when absent.
type Hashes struct {
	Email     string `json:"email,omitempty"`
	Phone     string `json:"phone,omitempty"`      // of the E.164 form, "+48601234567" (Google, csv, json)
	MetaPhone string `json:"meta_phone,omitempty"` // of its digits, "48601234567" (Meta)
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
}

// HashesOf normalises and hashes m's identifiers as the writers do.
func HashesOf(m Member) Hashes {
	var n normalizer
	phone := n.phone(&m)
	return Hashes{Email: Hash(n.email(&m)), Phone: Hash(phone), MetaPhone: Hash(metaPhone(phone)),
		FirstName: Hash(n.first(&m)), LastName: Hash(n.last(&m))}
}

// Op values of a Row.
const (
	OpFull   = ""       // a row of a full export
	OpAdd    = "add"    // enters the audience
	OpRemove = "remove" // leaves the audience
)

// Row is a Member in an export. Op is OpFull ("") for a full export, OpAdd
// or OpRemove for an incremental one (see Diff). Writers return an error for
// any other Op.
type Row struct {
	Member
	Op string
}

// Stats counts what a writer did.
type Stats struct {
	// Rows is the number of rows (records, events) written.
	Rows int
	// Dropped is the number of identifiers (email, phone, first name, last
	// name, country, postal code) that were present but did not normalise
	// and were left empty. Empty identifiers are not counted.
	Dropped int
	// Skipped is the number of rows not written because no identifier was
	// left to match on (WriteGoogle and WriteMeta only).
	Skipped int
}

// record is a Row with its personal data normalised and hashed, the shape
// shared by the CSV, JSON, Parquet and webhook formats.
type record struct {
	ContactID     string
	EmailSHA256   string
	PhoneSHA256   string
	Country       string
	PostalCode    string
	Action        string
	ExpectedValue float64
	Personas      []string
	Op            string
}

// checkRow returns an error for what data can get wrong in a row: an
// unknown Op or an expected value that is not a finite number.
func checkRow(i int, r *Row) error {
	switch r.Op {
	case OpFull, OpAdd, OpRemove:
	default:
		return fmt.Errorf("audience: row %d (contact %q): unknown op %q", i, r.ContactID, r.Op)
	}
	if math.IsNaN(r.ExpectedValue) || math.IsInf(r.ExpectedValue, 0) {
		return fmt.Errorf("audience: row %d (contact %q): expected value %v is not a finite number", i, r.ContactID, r.ExpectedValue)
	}
	return nil
}

// normalizer normalises the identifiers of one member and counts those that
// were present but did not normalise.
type normalizer struct {
	dropped int
}

func (n *normalizer) norm(raw, normalized string) string {
	if normalized == "" && raw != "" {
		n.dropped++
	}
	return normalized
}

func (n *normalizer) email(m *Member) string { return n.norm(m.Email, NormalizeEmail(m.Email)) }
func (n *normalizer) country(m *Member) string {
	return n.norm(m.Country, NormalizeCountry(m.Country))
}
func (n *normalizer) postal(m *Member) string {
	return n.norm(m.PostalCode, NormalizePostalCode(m.PostalCode))
}
func (n *normalizer) first(m *Member) string { return n.norm(m.FirstName, NormalizeName(m.FirstName)) }
func (n *normalizer) last(m *Member) string  { return n.norm(m.LastName, NormalizeName(m.LastName)) }

// phone normalises the member's phone with its country, if valid, as the
// default region. It does not count a bad country: country does.
func (n *normalizer) phone(m *Member) string {
	return n.norm(m.Phone, NormalizePhone(m.Phone, NormalizeCountry(m.Country)))
}

// toRecord normalises and hashes r.
func (n *normalizer) toRecord(r *Row) record {
	m := &r.Member
	if h := m.Hashed; h != nil {
		return record{ContactID: m.ContactID, EmailSHA256: h.Email, PhoneSHA256: h.Phone, Action: m.Action,
			ExpectedValue: m.ExpectedValue, Personas: m.Personas, Op: r.Op}
	}
	return record{
		ContactID:     m.ContactID,
		EmailSHA256:   Hash(n.email(m)),
		PhoneSHA256:   Hash(n.phone(m)),
		Country:       n.country(m),
		PostalCode:    n.postal(m),
		Action:        m.Action,
		ExpectedValue: m.ExpectedValue,
		Personas:      m.Personas,
		Op:            r.Op,
	}
}

// anyOp reports whether any row has a non-empty Op.
func anyOp(rows []Row) bool {
	for i := range rows {
		if rows[i].Op != "" {
			return true
		}
	}
	return false
}
