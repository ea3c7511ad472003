package http

import (
	"context"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/report"
)

// Dashboard is what the web dashboard needs of a workspace beyond the
// API's JSON documents: typed views it renders in the reader's language.
// Implementations are safe for concurrent use.
type Dashboard interface {
	// View is what the report shows of the last build, with the persona
	// names and headlines written in lang (one of i18n.Supported).
	// ENOTFOUND before the first build.
	View(ctx context.Context, lang string) (*report.Data, error)
	// PersonaFacts are the figures behind one persona's card; ENOTFOUND
	// when the last build has no persona id.
	PersonaFacts(ctx context.Context, id string) (*PersonaFacts, error)
	// FindContacts lists at most limit contacts of the last build whose id
	// contains query, or whose e-mail, phone or name does (case-insensitive),
	// ordered by id. An empty query lists the first contacts.
	FindContacts(ctx context.Context, query string, limit int) ([]ContactHit, error)
	// Explain is one contact's decision and what it rests on; ENOTFOUND
	// when the last build does not have it.
	Explain(ctx context.Context, id string) (*ContactView, error)
	// Declared are the team's declared personas (declared_personas of the
	// workspace's configuration).
	Declared(ctx context.Context) ([]DeclaredPersona, error)
	// SaveDeclared replaces the declared persona named old with p, or adds
	// p when old is "", and stores the configuration. A condition that does
	// not compile is EINVALID, naming the condition and the position; a
	// name taken by another persona is ECONFLICT.
	SaveDeclared(ctx context.Context, old string, p DeclaredPersona) error
	// DeleteDeclared removes a declared persona; ENOTFOUND when unknown.
	DeleteDeclared(ctx context.Context, name string) error
	// SetTeamAnswer stores the team's answer to a worksheet question (""
	// removes it); EINVALID for an unknown question id.
	SetTeamAnswer(ctx context.Context, question, text string) error
	// AudienceList lists the audiences with their last export, by name.
	AudienceList(ctx context.Context) ([]AudienceInfo, error)
	// PreviewAudience counts who an audience would hold, without writing
	// anything. Errors are those of ExportAudience.
	PreviewAudience(ctx context.Context, spec AudienceSpec) (*AudiencePreview, error)
}

// PersonaFacts are the figures behind a persona's card.
type PersonaFacts struct {
	ID, Kind, NegativeKind string
	// Basis is lead_time (the conditions use traits known before a
	// purchase) or behaviour (they use behaviour).
	Basis      string
	Conditions []report.Condition
	// Size contacts match all conditions; Coverage is the share of all
	// contacts with the target that they hold, [0, 1].
	Size int
	// TargetRate is the rate of the target inside with its 95 % interval
	// [TargetLow, TargetHigh]; BaseRate among all contacts.
	TargetRate, TargetLow, TargetHigh, BaseRate, Lift, Coverage float64
	PValue, PAdjusted                                           float64
	// RevenueShare and ProfitShare are the shares of all net revenue and
	// profit the members bring (buyer personas; NaN otherwise).
	RevenueShare, ProfitShare float64
	Traits                    []TraitFact
}

// TraitFact is a trait over-represented in a persona: Share of the members
// have it (95 % interval [ShareLow, ShareHigh]) against BaseShare of all
// contacts.
type TraitFact struct {
	Dimension, Condition                        string
	Share, ShareLow, ShareHigh, BaseShare, Lift float64
}

// ContactHit is one contact found by a search.
type ContactHit struct {
	ContactID     string
	Action        string
	ExpectedValue float64
	// Match is which identifier matched ("id", "email", "phone", "name");
	// the identifier itself is not returned.
	Match string
}

// ContactView is one contact's decision and what it rests on; personal
// data (e-mail, phone, name) is left out.
type ContactView struct {
	ContactID string
	Build     antipersona.Build
	Currency  string
	Decision  antipersona.Decision
	// Personas and Negatives are the ids of the personas it matches.
	Personas, Negatives []string
	Segments            []NameValue
	Rules               []string
	Cluster             string
	// Probability is the propensity model's probability (nil without a
	// model), ScoreReasons the traits that moved it most.
	Probability  *float64
	ScoreReasons []ScoreReason
	Features     []NameValue
}

// NameValue is a named value of a contact: nil (missing), a float64, a
// bool, a time.Time, a string or a []any of these; the page formats it for
// the reader's language.
type NameValue struct {
	Name  string
	Value any
}

// ScoreReason is a feature's contribution to a score (log-odds).
type ScoreReason struct {
	Feature      string
	Contribution float64
}

// DeclaredPersona is a persona written by the team: named CEL conditions
// whose conjunction defines it.
type DeclaredPersona struct {
	Name, Description string
	Conditions        []NamedCondition
}

// NamedCondition is one condition of a declared persona.
type NamedCondition struct{ Name, Expr string }

// AudienceInfo is an audience and its last export.
type AudienceInfo struct {
	Spec       AudienceSpec
	LastExport *antipersona.AudienceExport // nil when never exported
	// Downloadable is true when the file of the last export is there.
	Downloadable bool
}

// AudiencePreview is who an audience would hold.
type AudiencePreview struct {
	Spec     AudienceSpec
	Build    int64
	Contacts int
	// ByAction counts the members by action code.
	ByAction      map[string]int
	ExpectedValue float64
	// Sample is the first members by contact id.
	Sample []string
}
