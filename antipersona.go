// Package antipersona holds the domain types of antipersona (contacts, events,
// orders, returns, costs, touches, survey answers, traits, builds) and the
// contracts that stores implement. It imports only the standard library.
//
// Adapters (duckdb, postgres, http) import this package, never each other;
// analysis packages take plain slices and do not know about stores.
package antipersona

import (
	"context"
	"time"
)

// Kind names one kind of ingested data.
type Kind string

// The kinds of data antipersona ingests.
const (
	KindContacts      Kind = "contacts"
	KindEvents        Kind = "events"
	KindOrders        Kind = "orders"
	KindReturns       Kind = "returns"
	KindCosts         Kind = "costs"
	KindTouches       Kind = "touches"
	KindSurveyAnswers Kind = "survey_answers"
)

// Kinds lists every kind in the order status reports them.
var Kinds = []Kind{KindContacts, KindEvents, KindOrders, KindReturns, KindCosts, KindTouches, KindSurveyAnswers}

// TraitType is the inferred (or configured) type of a contact trait.
type TraitType string

// Trait types. Identifier traits (e-mail, phone, names) are personal data:
// they are kept for audiences and GDPR export but never analysed or logged.
const (
	TraitNumber     TraitType = "number"
	TraitCategory   TraitType = "category"
	TraitMulti      TraitType = "multi"   // multi-valued category, values separated by '|'
	TraitDate       TraitType = "date"    // stored as a timestamp (UTC)
	TraitBoolean    TraitType = "boolean" // true/false, yes/no, tak/nie, có/không, 1/0
	TraitText       TraitType = "text"    // free text
	TraitIdentifier TraitType = "identifier"
)

// ValidTraitType reports whether t is one of the trait types.
func ValidTraitType(t TraitType) bool {
	switch t {
	case TraitNumber, TraitCategory, TraitMulti, TraitDate, TraitBoolean, TraitText, TraitIdentifier:
		return true
	}
	return false
}

// Dimension groups traits the way a persona card does.
type Dimension string

// Dimensions of a persona card (PRODUCT.md §1, source 002). DimensionOther is
// given to a trait whose name the built-in dictionary does not know; it can be
// overridden in antipersona.yaml.
const (
	DimensionDemographic   Dimension = "demographic"
	DimensionSocioEconomic Dimension = "socio-economic"
	DimensionGeographic    Dimension = "geographic"
	DimensionPsychographic Dimension = "psychographic"
	DimensionBehavioural   Dimension = "behavioural"
	DimensionOther         Dimension = "other"
)

// ValidDimension reports whether d is one of the dimensions.
func ValidDimension(d Dimension) bool {
	switch d {
	case DimensionDemographic, DimensionSocioEconomic, DimensionGeographic,
		DimensionPsychographic, DimensionBehavioural, DimensionOther:
		return true
	}
	return false
}

// Trait describes one contact column.
type Trait struct {
	Name      string    `json:"name"`       // the column name as found in the file
	Ident     string    `json:"identifier"` // lower snake_case, used in rules and SQL
	Type      TraitType `json:"type"`
	Dimension Dimension `json:"dimension"`
	PII       bool      `json:"pii"` // personal data: hashed in exports, never logged
}

// Value is one typed trait value. Exactly one field is meaningful, chosen by
// the trait's type; Missing marks an absent value (empty, NA, Select, ...).
type Value struct {
	Missing bool
	Num     float64   // number
	Str     string    // category, text, identifier
	List    []string  // multi
	Time    time.Time // date
	Bool    bool      // boolean
}

// Contact is one row of the contacts kind.
type Contact struct {
	ID        string
	Email     string    // "" when unknown
	Phone     string    // "" when unknown
	CreatedAt time.Time // zero when unknown
	// ValidFrom is when these values became true; zero means the batch's
	// ValidFrom (and, when that is zero too, that they always held).
	ValidFrom time.Time
	// Outcome is the CRM's own conversion flag (--outcome-col); nil when the
	// file has none or the value is missing.
	Outcome *bool
	// Values are the trait values, parallel to the batch's Traits.
	Values []Value
	Line   int64 // source line, for messages
}

// EventType is the Segment Spec call type.
type EventType string

// Segment Spec call types antipersona stores.
const (
	EventIdentify EventType = "identify"
	EventTrack    EventType = "track"
	EventPage     EventType = "page"
	EventScreen   EventType = "screen"
)

// Event is one behavioural event (Segment Spec identify/track/page).
type Event struct {
	MessageID   string // dedupe key; derived from the content when the source has none
	ContactID   string // userId; "" when only AnonymousID is known
	AnonymousID string
	Type        EventType
	Name        string // track event name, page name
	Time        time.Time
	SessionID   string
	// Numeric properties lifted out of Properties for features; NaN when absent.
	Duration float64 // seconds (time on page / site)
	Rating   float64 // review score
	// Properties is the raw properties (and, for identify, traits) object as JSON.
	Properties string
	Line       int64
}

// Order statuses.
const (
	OrderCompleted = "completed"
	OrderCancelled = "cancelled"
)

// Order is one purchase. Cancelled orders are kept with Status
// OrderCancelled; they count in cancellation rates, not in revenue.
type Order struct {
	OrderID     string
	ContactID   string
	AnonymousID string
	Time        time.Time
	Revenue     float64 // gross order value in the workspace currency, after discount
	Margin      float64 // NaN when unknown
	CostOfGoods float64 // NaN when unknown
	Discount    float64 // discount amount granted; 0 when none
	Status      string  // OrderCompleted or OrderCancelled
	Channel     string
	Source      string // "orders" or "events"
	Line        int64
}

// Return kinds.
const (
	ReturnReturn = "return" // goods sent back, money refunded (negative line items too)
	ReturnRefund = "refund" // Order Refunded, status refunded
	ReturnCancel = "cancel" // Order Cancelled event: the referenced order is cancelled
)

// Return is money given back on an order (a return, refund or cancellation).
type Return struct {
	ReturnID    string
	OrderID     string // the order it belongs to, when known
	ContactID   string
	AnonymousID string
	Time        time.Time
	Amount      float64 // positive amount refunded; NaN means "the whole order"
	Kind        string  // ReturnReturn, ReturnRefund or ReturnCancel
	Source      string
	Line        int64
}

// Cost kinds.
const (
	CostAcquisition = "acquisition"
	CostContact     = "contact"
	CostSupport     = "support"
)

// Cost is either a per-contact cost (ContactID set) or campaign/channel spend
// (ContactID empty, Campaign or Channel set) allocated over touches.
type Cost struct {
	RowKey    string // dedupe key derived from the content
	ContactID string
	Campaign  string
	Channel   string
	Time      time.Time
	Amount    float64
	Kind      string
	Line      int64
}

// Touch records that a campaign reached a contact.
type Touch struct {
	RowKey    string
	ContactID string
	Campaign  string
	Channel   string
	Time      time.Time
	Line      int64
}

// SurveyAnswer is one answer in long format.
type SurveyAnswer struct {
	RowKey     string
	ContactID  string // contact or respondent id
	QuestionID string
	Question   string
	Answer     string
	Language   string // BCP 47 tag when known (en, pl, vi, ka)
	Time       time.Time
	Line       int64
}

// Batch is a chunk of parsed rows of one kind, handed from a reader to a store.
// Only the slice of the batch's kind is set.
type Batch struct {
	Kind Kind
	// Traits describes Contacts[i].Values (contacts only).
	Traits        []Trait
	Contacts      []Contact
	Events        []Event
	Orders        []Order
	Returns       []Return
	Costs         []Cost
	Touches       []Touch
	SurveyAnswers []SurveyAnswer
	// Identities maps anonymous ids to contact ids learnt from identify calls.
	Identities []Identity
	// ValidFrom (contacts only) is when the batch's trait values became
	// true; zero means they always held. A build as of a date uses, per
	// contact, the latest values valid on that date.
	ValidFrom time.Time
}

// Len is the number of rows in the batch (identities not counted).
func (b *Batch) Len() int {
	return len(b.Contacts) + len(b.Events) + len(b.Orders) + len(b.Returns) +
		len(b.Costs) + len(b.Touches) + len(b.SurveyAnswers)
}

// Identity links an anonymous id to a known contact.
type Identity struct {
	AnonymousID string
	ContactID   string
	Time        time.Time
}

// WriteResult counts what a store did with a batch.
type WriteResult struct {
	Inserted   int64 // new rows
	Updated    int64 // existing rows changed (contacts only)
	Duplicates int64 // rows already present (same id, messageId or content)
	// Refused counts rows of contacts forgotten on request (see
	// PrivacyStore); they are not stored.
	Refused int64
}

// Add adds o to r.
func (r *WriteResult) Add(o WriteResult) {
	r.Inserted += o.Inserted
	r.Updated += o.Updated
	r.Duplicates += o.Duplicates
	r.Refused += o.Refused
}

// IngestRun describes one `ingest` of one file, recorded in the store.
type IngestRun struct {
	Kind        Kind
	File        string
	StartedAt   time.Time
	FinishedAt  time.Time
	Read        int64 // data rows read
	Loaded      int64 // rows inserted or updated
	Rejected    int64
	Duplicates  int64
	RejectsFile string // "" when nothing was rejected
}

// Build describes one `build` (a snapshot of the features as of a date).
type Build struct {
	ID         int64     `json:"id"`
	AsOf       time.Time `json:"as_of"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	Contacts   int64     `json:"contacts"`
	ConfigHash string    `json:"config_hash"`
}

// Status is what `antipersona status` reports.
type Status struct {
	Counts    map[Kind]int64 `json:"counts"`
	Traits    int            `json:"traits"`
	LastBuild *Build         `json:"last_build"`
	Ingests   int64          `json:"ingests"`
}

// IngestStore stores batches. Writes are atomic per batch: after a crash a
// batch is either wholly stored or not at all, and writing the same batch
// again is counted as duplicates.
type IngestStore interface {
	// Traits returns the traits known so far, in column order.
	Traits(ctx context.Context) ([]Trait, error)
	// WriteBatch stores one batch in one transaction.
	WriteBatch(ctx context.Context, b *Batch) (WriteResult, error)
	// RecordIngest records a finished ingest run.
	RecordIngest(ctx context.Context, run IngestRun) error
}
