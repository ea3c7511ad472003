package antipersona

import "time"

// The results a build stores and the commands read back: they are shared
// by the stores (duckdb, postgres) and their callers.

// BuildSummary is the headline of a build.
type BuildSummary struct {
	Build            Build   `json:"build"`
	Contacts         int64   `json:"contacts"`
	Buyers           int64   `json:"buyers"`
	Converted        int64   `json:"converted"`
	Orders           int64   `json:"orders"`
	Revenue          float64 `json:"net_revenue"`
	Returns          float64 `json:"returns_amount"`
	Costs            float64 `json:"costs"`
	Profit           float64 `json:"profit"`
	Unprofitable     int64   `json:"unprofitable_contacts"`
	UnprofitableLoss float64 `json:"unprofitable_profit"`
}

// SegmentCount is one segment of a build with its size and value.
type SegmentCount struct {
	Group        string  `json:"group"` // rfm, tag, lifecycle, rule
	Name         string  `json:"name"`
	Contacts     int64   `json:"contacts"`
	Share        float64 `json:"share"`         // of all contacts
	Revenue      float64 `json:"net_revenue"`   // sum of monetary
	RevenueShare float64 `json:"revenue_share"` // of all net revenue
	Profit       float64 `json:"profit"`
}

// PersonaSignal is one channel or event that distinguishes a persona's
// members: the share of them with it, the share among the comparison
// group, and the lift (share / base).
type PersonaSignal struct {
	Persona string  `json:"-"`
	Kind    string  `json:"-"` // channel, before_first_order, before_departure
	Name    string  `json:"name"`
	Share   float64 `json:"share"`
	Base    float64 `json:"base_share"`
	Lift    float64 `json:"lift"`
	Members int64   `json:"members"` // members in the comparison (buyers, passive contacts, all)
}

// AudienceExport records one export of an audience.
type AudienceExport struct {
	Name        string    `json:"name"`
	ExportedAt  time.Time `json:"exported_at"`
	Build       int64     `json:"build"`
	Format      string    `json:"format"`
	Filter      string    `json:"filter"`
	Members     int64     `json:"members"`
	Added       int64     `json:"added"`
	Removed     int64     `json:"removed"`
	Incremental bool      `json:"incremental"`
	File        string    `json:"file,omitempty"`
}

// CLVPrediction is one contact's prediction of the CLV models.
type CLVPrediction struct {
	ContactID          string
	PredictedPurchases float64
	PAlive             float64
	PredictedRevenue   float64
}

// PersonaRow is a stored persona: its identity and its JSON document.
type PersonaRow struct {
	ID, Kind, NegativeKind, Basis string
	Doc                           []byte // JSON
	Members                       []string
}

// Identifiers are a contact's personal identifiers, as stored (latest
// values): what audiences are matched on. Empty when unknown.
type Identifiers struct {
	Email, Phone, FirstName, LastName, Country, PostalCode string
}

// identifierTraits maps the identifiers of traits that hold a name,
// country or postal code to the Identifiers field they fill (e-mail and
// phone are contact columns of their own).
var identifierTraits = map[string]string{
	"first_name": "first", "firstname": "first", "given_name": "first", "imie": "first",
	"last_name": "last", "lastname": "last", "surname": "last", "family_name": "last", "nazwisko": "last",
	"country": "country", "country_code": "country", "kraj": "country",
	"postal_code": "zip", "zip": "zip", "zip_code": "zip", "postcode": "zip", "kod_pocztowy": "zip",
}

// IsIdentifierTrait reports whether the trait of that identifier fills a
// field of Identifiers (SetTrait).
func IsIdentifierTrait(ident string) bool {
	_, ok := identifierTraits[ident]
	return ok
}

// SetTrait sets the field of ids that the trait ident fills to value; it
// does nothing for a trait that fills none (see IsIdentifierTrait).
func (ids *Identifiers) SetTrait(ident, value string) {
	switch identifierTraits[ident] {
	case "first":
		ids.FirstName = value
	case "last":
		ids.LastName = value
	case "country":
		ids.Country = value
	case "zip":
		ids.PostalCode = value
	}
}

// ColumnType is a column of a query or table and its DuckDB type.
type ColumnType struct {
	Name string
	Type string // e.g. DOUBLE, BIGINT, VARCHAR, BOOLEAN, TIMESTAMP, VARCHAR[]
}

// Prior is what the next build needs of a contact's decision: its action,
// the date of its exclusion, its orders and its negative personas.
type Prior struct {
	ContactID     string
	Action        Action
	ExcludedSince time.Time
	Frequency     float64
	Negatives     []string
}

// Derived is a table computed by a build from the features table.
type Derived struct {
	Name string // table name
	SQL  string // a SELECT over features (and earlier derived tables)
}

// TraitStat is a trait with the share of contacts (their latest versions)
// that lack it.
type TraitStat struct {
	Trait
	MissingShare float64 `json:"missing_share"`
}
