package antipersona

import (
	"math"
	"slices"
	"time"
)

// Action is what to do with a contact's paid marketing budget.
type Action string

// The actions, from the most to the least budget. Exclude and OrganicOnly
// both keep a contact out of paid audiences: organic-only contacts still
// like the brand and are engaged on social and content, never with paid
// budget.
const (
	ActionActivate    Action = "activate"     // a prospect worth paying to convert
	ActionNurture     Action = "nurture"      // a prospect not yet worth paid activation
	ActionMaintain    Action = "maintain"     // an existing customer: retention
	ActionOrganicOnly Action = "organic_only" // a negative persona that still likes the brand
	ActionExclude     Action = "exclude"      // no paid budget
)

// Actions lists the actions in the order reports show them.
var Actions = []Action{ActionActivate, ActionNurture, ActionMaintain, ActionOrganicOnly, ActionExclude}

// ValidAction reports whether a is one of the actions.
func ValidAction(a Action) bool {
	for _, x := range Actions {
		if a == x {
			return true
		}
	}
	return false
}

// Excluded reports whether the action keeps the contact out of paid
// budget (exclude or organic_only).
func (a Action) Excluded() bool { return a == ActionExclude || a == ActionOrganicOnly }

// Reason codes of a decision (Reason.Code) and of a change between two
// builds (Change.Reasons).
const (
	ReasonCustomer         = "customer"              // has bought: the value is the predicted CLV
	ReasonProspect         = "prospect"              // has not bought: the value is probability × a customer's value
	ReasonEVHigh           = "ev_high"               // expected value at least the activation threshold
	ReasonEVPositive       = "ev_positive"           // expected value between zero and the activation threshold
	ReasonEVNegative       = "ev_negative"           // expected value below the exclusion threshold
	ReasonNegativePersona  = "negative_persona"      // member of a negative persona (Reason.Persona)
	ReasonNegativeKind     = "negative_kind"         // meets a negative kind's definition by behaviour (Reason.Kind)
	ReasonStillEngaged     = "still_engaged"         // active lately: engage organically
	ReasonFirstPurchase    = "first_purchase"        // change: bought for the first time since the previous build
	ReasonBoughtAgain      = "bought_again"          // change: ordered again since the previous build
	ReasonTraitChanged     = "trait_changed"         // change: a trait changed (Reason.Trait, From, To)
	ReasonLeftNegative     = "left_negative_persona" // change: no longer a member of a negative persona
	ReasonJoinedNegative   = "joined_negative"       // change: became a member of a negative persona
	ReasonValueRose        = "value_rose"            // change: the expected value rose
	ReasonValueFell        = "value_fell"            // change: the expected value fell
	ReasonStoppedBuying    = "stopped_buying"        // change: the probability of being alive fell
	ReasonPolicyChanged    = "policy_changed"        // change: the configuration changed between the builds
	ReasonPersonaThreshold = "persona_threshold"     // negative persona member whose margin does not cover (1 + activate_roi) × its cost
	ReasonUnchanged        = "unchanged"             // excluded before and nothing about the contact changed: still excluded
)

// ReasonCodes lists every reason code, for catalogs of their wording.
var ReasonCodes = []string{ReasonCustomer, ReasonProspect, ReasonEVHigh, ReasonEVPositive, ReasonEVNegative, ReasonNegativePersona,
	ReasonNegativeKind, ReasonStillEngaged, ReasonFirstPurchase, ReasonBoughtAgain, ReasonTraitChanged,
	ReasonLeftNegative, ReasonJoinedNegative, ReasonValueRose, ReasonValueFell, ReasonStoppedBuying, ReasonPolicyChanged,
	ReasonPersonaThreshold, ReasonUnchanged}

// Reason is one reason of a decision or of a change. Code is one of the
// Reason constants; the other fields are set when the code uses them.
type Reason struct {
	Code    string  `json:"code"`
	Persona string  `json:"persona,omitempty"` // persona id
	Name    string  `json:"name,omitempty"`    // persona name or negative kind label
	Kind    string  `json:"kind,omitempty"`    // negative kind
	Trait   string  `json:"trait,omitempty"`   // trait identifier
	From    string  `json:"from,omitempty"`    // the value before (changes)
	To      string  `json:"to,omitempty"`      // the value after (changes)
	Value   float64 `json:"value,omitempty"`   // an amount or probability the code refers to
}

// Decision is one contact's action in one build, with its expected value
// and the reasons. Money is in the workspace currency over the horizon of
// the CLV models (clv.months).
type Decision struct {
	ContactID string `json:"contact_id"`
	Action    Action `json:"action"`
	// Buyer is true when the contact has bought (or converted in the CRM).
	Buyer bool `json:"buyer"`
	// Probability is the probability of a purchase: the calibrated
	// propensity of a prospect, p_alive of a customer; NaN when unknown.
	Probability float64 `json:"probability"`
	// Value is the margin expected if the contact buys (is alive).
	Value float64 `json:"value"`
	// Cost is the paid contact cost expected over the horizon.
	Cost float64 `json:"cost"`
	// ExpectedValue is Probability × Value − Cost.
	ExpectedValue float64  `json:"expected_value"`
	Reasons       []Reason `json:"reasons"`
	// Sentence says the decision and its main reason in one line.
	Sentence string `json:"sentence"`
	// ExcludedSince is the as-of date of the first build of the current
	// run of exclusions (exclude or organic_only); zero when not excluded.
	ExcludedSince time.Time `json:"excluded_since,omitzero"`
}

// ContactSnapshot is one contact in one build: the decision, and what
// `changes` compares between builds.
type ContactSnapshot struct {
	Decision
	Build     int64    `json:"build"`
	Segment   string   `json:"rfm_segment"`
	Lifecycle string   `json:"lifecycle"`
	Personas  []string `json:"personas"`  // buyer persona ids
	Negatives []string `json:"negatives"` // negative persona ids
	Kinds     []string `json:"kinds"`     // negative kinds met by behaviour
	Frequency float64  `json:"frequency"` // orders as of the build
	Monetary  float64  `json:"monetary"`  // net revenue as of the build
}

// TraitChange is a trait of a contact whose value on one as-of date
// differs from its value on a later one. Values are text ("" when
// missing): lists joined by '|', dates as YYYY-MM-DD.
type TraitChange struct {
	ContactID, Trait string
	From, To         string
}

// SnapshotReasons returns reasons as a snapshot stores them: without a
// persona's name (NameReasons puts it back from the build's personas,
// rather than each member keeping it) and with 0 for a value JSON cannot
// hold (NaN, infinite: a reason's value is informative only). The reasons
// given are not changed.
func SnapshotReasons(rs []Reason) []Reason {
	var out []Reason
	for j, r := range rs {
		bad := math.IsNaN(r.Value) || math.IsInf(r.Value, 0)
		if (r.Persona == "" || r.Name == "") && !bad {
			continue
		}
		if out == nil {
			out = slices.Clone(rs)
		}
		if r.Persona != "" {
			out[j].Name = ""
		}
		if bad {
			out[j].Value = 0
		}
	}
	if out == nil {
		return rs
	}
	return out
}

// NameReasons puts back the persona names SnapshotReasons left out, from
// names by persona id.
func NameReasons(rs []Reason, names map[string]string) {
	for i := range rs {
		if p := rs[i].Persona; p != "" && rs[i].Name == "" {
			rs[i].Name = names[p]
		}
	}
}
