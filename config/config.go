// Package config reads and validates antipersona.yaml, the workspace
// configuration. Precedence is decided in one place (cmd): defaults, then the
// file, then the environment, then flags.
package config

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/segments"
)

// FileName is the name of the configuration file inside a workspace.
const FileName = "antipersona.yaml"

// Config is the whole workspace configuration. The zero value is not valid:
// start from Default.
type Config struct {
	// Currency is the ISO 4217 code all amounts are in (PLN, VND, GEL, EUR...).
	Currency string `yaml:"currency"`
	// ReferenceDate is the default as-of date of `build` (YYYY-MM-DD); empty
	// means today (UTC). Data up to the end of that day counts.
	ReferenceDate string `yaml:"reference_date"`
	// Locale is the default language of reports: en, pl, vi or ka.
	Locale string `yaml:"locale"`

	Ingest     Ingest     `yaml:"ingest"`
	Contacts   Contacts   `yaml:"contacts"`
	Orders     Orders     `yaml:"orders"`
	Features   Features   `yaml:"features"`
	Thresholds Thresholds `yaml:"thresholds"`
	Segments   Segments   `yaml:"segments"`
	Personas   Personas   `yaml:"personas"`
	CLV        CLV        `yaml:"clv"`
	Store      Store      `yaml:"store"`
	// Declared are the personas the team wrote, checked by antipersona audit.
	Declared []DeclaredPersona `yaml:"declared_personas"`
	Audit    Audit             `yaml:"audit"`
	// Decisions is the policy that gives every contact an action.
	Decisions Decisions `yaml:"decisions"`
	// Audiences tunes audience exports.
	Audiences Audiences `yaml:"audiences"`
	// Server configures `antipersona serve`.
	Server Server `yaml:"server"`
	// Build configures builds the server runs by itself.
	Build Build `yaml:"build"`
}

// Server configures the team server (`antipersona serve`).
type Server struct {
	// Workspace is the workspace's name in the API's paths and in its
	// keys; empty: the folder's name, lower-cased, with characters other
	// than a-z, 0-9 and _ replaced by _.
	Workspace string `yaml:"workspace"`
	// Addr is the address to listen on (host:port).
	Addr string `yaml:"addr"`
	// MaxBodyBytes caps a request body (Segment's batch limit is 500 KB).
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// MaxMessageBytes caps one Segment message (Segment's limit is 32 KB).
	MaxMessageBytes int `yaml:"max_message_bytes"`
}

// Build configures scheduled builds.
type Build struct {
	// Schedule rebuilds (re-evaluating every contact) at this interval
	// while the server runs: a Go duration such as 24h or 6h, or @daily or
	// @hourly; empty: only builds started by hand or by the API.
	Schedule string `yaml:"schedule"`
}

// ScheduleInterval parses Build.Schedule; 0 means no schedule.
func (b Build) ScheduleInterval() (time.Duration, error) {
	switch s := strings.TrimSpace(b.Schedule); s {
	case "":
		return 0, nil
	case "@daily":
		return 24 * time.Hour, nil
	case "@hourly":
		return time.Hour, nil
	default:
		d, err := time.ParseDuration(s)
		if err != nil || d < time.Minute {
			return 0, fmt.Errorf("%q is not an interval of a minute or more (e.g. 24h, 6h, @daily)", s)
		}
		return d, nil
	}
}

// Decisions is the decision policy (package decide): the expected value
// of a contact is probability × value − contact cost over clv.months.
type Decisions struct {
	// ExcludeBelow: contacts whose expected value is below it are kept
	// out of paid budget (exclude, or organic_only for an engaged member
	// of a negative persona whose handling is organic_only).
	ExcludeBelow float64 `yaml:"exclude_below"`
	// ActivateROI: a prospect is activated when the margin expected from
	// it is at least (1 + activate_roi) × its contact cost.
	ActivateROI float64 `yaml:"activate_roi"`
	// ActivateLift: a prospect is activated only when its probability of
	// buying is at least activate_lift × the mean of all prospects.
	ActivateLift float64 `yaml:"activate_lift"`
	// KeepLift: a prospect in a negative persona keeps paid budget only
	// when its probability of buying is at least keep_lift × the mean of
	// all prospects.
	KeepLift float64 `yaml:"keep_lift"`
	// NextPurchaseDays is the window of the next-purchase model: it learns
	// who buys within that many days from the features as of that many
	// days before the as-of date. 0 turns it off.
	NextPurchaseDays int `yaml:"next_purchase_days"`
}

// Audiences tunes audience exports.
type Audiences struct {
	// DefaultRegion is the ISO 3166-1 alpha-2 country of phone numbers
	// written without a country code (PL, VN, GE, ...).
	DefaultRegion string `yaml:"default_region"`
	// WebhookSecret signs webhook posts (HMAC-SHA256); the environment
	// variable ANTIPERSONA_WEBHOOK_SECRET overrides it.
	WebhookSecret string `yaml:"webhook_secret"`
}

// DeclaredPersona is a persona written by the team: a name, free text, and
// named conditions in CEL over trait and feature identifiers; the persona
// is their conjunction. In YAML the conditions are a mapping of name to
// expression (kept in order) or a list of {name, expr}.
type DeclaredPersona struct {
	Name        string          `yaml:"name"`
	Description string          `yaml:"description"`
	Conditions  NamedConditions `yaml:"conditions"`
}

// NamedConditions are the named CEL conditions of a declared persona.
type NamedConditions []segments.Rule

// UnmarshalYAML reads a mapping (name: expression) or a list of {name,
// expr}.
func (n *NamedConditions) UnmarshalYAML(v *yaml.Node) error {
	switch v.Kind {
	case yaml.MappingNode:
		out := NamedConditions{}
		for i := 0; i+1 < len(v.Content); i += 2 {
			k, e := v.Content[i], v.Content[i+1]
			if e.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: condition %q: the expression must be a string", e.Line, k.Value)
			}
			out = append(out, segments.Rule{Name: k.Value, Expr: e.Value})
		}
		*n = out
		return nil
	case yaml.SequenceNode:
		var rules []segments.Rule
		if err := v.Decode(&rules); err != nil {
			return err
		}
		*n = rules
		return nil
	}
	return fmt.Errorf("line %d: conditions must be a mapping of name to expression or a list of {name, expr}", v.Line)
}

// Audit tunes antipersona audit.
type Audit struct {
	// MinLift is the smallest effect of a condition that counts as
	// discriminating: conversion inside against outside between 1/MinLift
	// and MinLift is pseudo-profiling, however significant.
	MinLift float64 `yaml:"min_lift"`
}

// CLV tunes the customer lifetime value models of the build (package clv).
type CLV struct {
	// Model of future purchases: bgnbd or paretonbd.
	Model string `yaml:"model"`
	// HorizonDays is the window of predicted_purchases.
	HorizonDays int `yaml:"horizon_days"`
	// Months of predicted_clv, discounted by MonthlyDiscount a month.
	Months          int     `yaml:"months"`
	MonthlyDiscount float64 `yaml:"monthly_discount"`
	// MinBuyers: with fewer buyers (or no repeat buyer) no model is fitted
	// and every contact keeps its historic value.
	MinBuyers int `yaml:"min_buyers"`
	// Penalty is the L2 penalty on the models' parameters.
	Penalty float64 `yaml:"penalty"`
}

// Store tunes the embedded DuckDB store.
type Store struct {
	// MemoryLimit caps DuckDB's memory (e.g. "8GB"); empty leaves DuckDB's
	// default, 80 % of the machine's memory. Above it DuckDB spills to disk.
	MemoryLimit string `yaml:"memory_limit"`
	// Threads caps DuckDB's worker threads; 0 uses every core.
	Threads int `yaml:"threads"`
	// Postgres, when set, is the DSN of a PostgreSQL database that holds
	// the workspace instead of the embedded store (in a schema named after
	// the workspace, server.workspace); ANTIPERSONA_POSTGRES overrides it.
	Postgres string `yaml:"postgres"`
}

// Personas tunes the search for personas and negative personas.
type Personas struct {
	// Depth is the most conditions in a persona's description.
	Depth int `yaml:"depth"`
	// Positive is the most buyer personas.
	Positive int `yaml:"positive"`
	// PerKind is the most negative personas kept per kind (and basis).
	PerKind int `yaml:"per_kind"`
	// MinTargetRate is the smallest share of a negative persona's members
	// that must be of its kind: a group that is mostly fine is not a
	// negative persona, however over-represented the kind is in it.
	MinTargetRate float64 `yaml:"min_target_rate"`
	// IncludeBehaviour also describes negative personas by behaviour
	// (features), besides the lead-time description by traits.
	IncludeBehaviour bool `yaml:"include_behaviour"`
	// Negative overrides the kinds of negative persona, by kind name
	// (mimic, unprofitable, expensive_lead, returner, complainer,
	// bargain_only, cant_afford, researcher, fast_churner, low_converter).
	Negative map[string]NegativeOverride `yaml:"negative"`
}

// NegativeOverride changes one kind of negative persona.
type NegativeOverride struct {
	// Target replaces the kind's definition: an SQL condition over the
	// features (docs/features.md), e.g. "profit < -50".
	Target string `yaml:"target,omitempty"`
	// Enabled false switches the kind off.
	Enabled *bool `yaml:"enabled,omitempty"`
}

// Segments holds the named RFM segments, the behavioural tag thresholds and
// the rule segments.
type Segments struct {
	// RFMNames map recency and frequency scores (1-5 scale) to names; the
	// first match wins.
	RFMNames []segments.RFMName `yaml:"rfm_names"`
	// Tags are the thresholds of the behavioural tags.
	Tags segments.Tags `yaml:"tags"`
	// Rules are segments written in CEL over features and traits.
	Rules []segments.Rule `yaml:"rules"`
}

// Ingest holds the settings every reader shares.
type Ingest struct {
	// MissingValues are placeholders that mean "no value".
	MissingValues []string `yaml:"missing_values"`
	// SampleRows is how many rows type inference looks at.
	SampleRows int `yaml:"sample_rows"`
	// BatchRows is how many rows are stored per transaction.
	BatchRows int `yaml:"batch_rows"`
	// Columns maps, per kind, a logical field to a column name, overriding
	// detection (e.g. orders: {order: InvoiceNo}).
	Columns map[string]map[string]string `yaml:"columns"`
}

// Contacts holds the settings of the contacts kind.
type Contacts struct {
	IDColumn       string   `yaml:"id_column"`
	OutcomeColumn  string   `yaml:"outcome_column"`
	PositiveValues []string `yaml:"positive_values"`
	ExcludeColumns []string `yaml:"exclude_columns"`
	// Traits overrides inferred types and dimensions, by column name or identifier.
	Traits map[string]TraitOverride `yaml:"traits"`
}

// TraitOverride fixes a trait's type, dimension or identifier.
type TraitOverride struct {
	Type      antipersona.TraitType `yaml:"type,omitempty"`
	Dimension antipersona.Dimension `yaml:"dimension,omitempty"`
	Ident     string                `yaml:"identifier,omitempty"`
}

// Orders holds the settings of the orders kind.
type Orders struct {
	CancelledStatuses []string `yaml:"cancelled_statuses"`
	RefundedStatuses  []string `yaml:"refunded_statuses"`
}

// Features holds the parameters of the per-contact features.
type Features struct {
	// DefaultMarginRate is the margin assumed for an order with neither a
	// margin nor a cost of goods (share of revenue, 0..1).
	DefaultMarginRate float64 `yaml:"default_margin_rate"`
	// CostPerTicket is the support cost of one `Ticket Created`.
	CostPerTicket float64 `yaml:"cost_per_ticket"`
	// CostPerReturn is the handling cost of one return or refund.
	CostPerReturn float64 `yaml:"cost_per_return"`
	// SessionGapMinutes splits events without a session id into sessions.
	SessionGapMinutes int `yaml:"session_gap_minutes"`
	// Engagement weights per signal (see docs/features.md, engagement_score).
	EngagementWeights map[string]float64 `yaml:"engagement_weights"`
}

// Thresholds are used by the analysis steps (segments, personas, decisions).
type Thresholds struct {
	// ActiveDays: a contact with an event or order in the last ActiveDays is active.
	ActiveDays int `yaml:"active_days"`
	// ChurnDays: a customer without an order for ChurnDays is churned.
	ChurnDays int `yaml:"churn_days"`
	// RFMLevels is the number of quantile levels of R, F and M scores (3..5).
	RFMLevels int `yaml:"rfm_levels"`
	// MinSupport is the smallest persona or negative persona, as a share of contacts.
	MinSupport float64 `yaml:"min_support"`
	// MinSize is the smallest persona or negative persona, in contacts.
	MinSize int `yaml:"min_size"`
	// Alpha is the significance level after multiple-testing correction.
	Alpha float64 `yaml:"alpha"`
	// MaxOverlap drops a result that overlaps a better one by more than this (Jaccard).
	MaxOverlap float64 `yaml:"max_overlap"`
	// Seed makes clustering and sampling reproducible.
	Seed uint64 `yaml:"seed"`
}

// Default returns the configuration used when a setting is absent.
func Default() Config {
	return Config{
		Currency: "PLN",
		Locale:   "en",
		Ingest: Ingest{
			MissingValues: []string{"", "NA", "N/A", "n/a", "null", "NULL", "None", "nan", "NaN", "Select", "-", "?"},
			SampleRows:    10000,
			BatchRows:     500000,
		},
		Contacts: Contacts{
			PositiveValues: []string{"1", "true", "yes", "y", "t", "tak", "có", "converted"},
			ExcludeColumns: []string{},
		},
		Orders: Orders{
			CancelledStatuses: []string{"cancelled", "canceled", "cancel", "anulowane", "anulowano", "đã hủy", "hủy"},
			RefundedStatuses:  []string{"refunded", "returned", "return", "zwrot", "zwrócone", "hoàn tiền", "trả hàng"},
		},
		Features: Features{
			DefaultMarginRate: 0.3,
			CostPerTicket:     5,
			CostPerReturn:     0,
			SessionGapMinutes: 30,
			EngagementWeights: DefaultEngagementWeights(),
		},
		CLV: CLV{Model: "bgnbd", HorizonDays: 365, Months: 12, MonthlyDiscount: 0.01, MinBuyers: 100},
		Thresholds: Thresholds{
			ActiveDays: 90,
			ChurnDays:  365,
			RFMLevels:  5,
			MinSupport: 0.01,
			MinSize:    30,
			Alpha:      0.05,
			MaxOverlap: 0.9,
			Seed:       1,
		},
		Audit:     Audit{MinLift: 1.2},
		Decisions: Decisions{ExcludeBelow: 0, ActivateROI: 1, ActivateLift: 1.5, KeepLift: 1, NextPurchaseDays: 365},
		Audiences: Audiences{DefaultRegion: "PL"},
		Server:    Server{Addr: "127.0.0.1:8080", MaxBodyBytes: 512_000, MaxMessageBytes: 32_000},
		Declared:  []DeclaredPersona{},
		Personas:  Personas{Depth: 3, Positive: 6, PerKind: 3, MinTargetRate: 0.4, Negative: map[string]NegativeOverride{}},
		Segments: Segments{
			RFMNames: segments.DefaultRFMNames(),
			Tags:     segments.DefaultTags(),
			Rules:    []segments.Rule{},
		},
	}
}

// DefaultEngagementWeights are the points each signal adds to engagement_score.
func DefaultEngagementWeights() map[string]float64 {
	return map[string]float64{
		"sessions":            1,
		"page_views":          0.2,
		"product_views":       0.5,
		"cart_adds":           2,
		"wishlist_adds":       1,
		"checkouts_started":   3,
		"email_opens":         0.5,
		"email_clicks":        1,
		"webinars_registered": 2,
		"webinars_attended":   4,
		"trials_started":      5,
	}
}

var region = regexp.MustCompile(`^[A-Z]{2}$`)

// Parse reads a configuration from r over the defaults: a setting absent
// from r keeps its default. Unknown keys are an error.
func Parse(r io.Reader) (Config, error) {
	c := Default()
	data, err := io.ReadAll(r)
	if err != nil {
		return c, fmt.Errorf("read config: %w", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return c, nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return c, antipersona.Errorf(antipersona.EINVALID, "%s: %v", FileName, err)
	}
	return c, c.Validate()
}

// Validate checks every setting and names the first bad one.
func (c *Config) Validate() error {
	bad := func(field, format string, args ...any) error {
		return antipersona.Errorf(antipersona.EINVALID, "%s: %s: %s", FileName, field, fmt.Sprintf(format, args...))
	}
	if len(c.Currency) != 3 || strings.ToUpper(c.Currency) != c.Currency {
		return bad("currency", "%q is not a three-letter ISO 4217 code such as PLN", c.Currency)
	}
	if c.ReferenceDate != "" {
		if _, err := time.Parse(time.DateOnly, c.ReferenceDate); err != nil {
			return bad("reference_date", "%q is not a date (YYYY-MM-DD)", c.ReferenceDate)
		}
	}
	switch c.Locale {
	case "en", "pl", "vi", "ka":
	default:
		return bad("locale", "%q is not one of en, pl, vi, ka", c.Locale)
	}
	if c.Ingest.SampleRows < 1 {
		return bad("ingest.sample_rows", "must be at least 1, got %d", c.Ingest.SampleRows)
	}
	if c.Ingest.BatchRows < 1 {
		return bad("ingest.batch_rows", "must be at least 1, got %d", c.Ingest.BatchRows)
	}
	for kind := range c.Ingest.Columns {
		switch antipersona.Kind(kind) {
		case antipersona.KindContacts, antipersona.KindEvents, antipersona.KindOrders, antipersona.KindCosts,
			antipersona.KindTouches, antipersona.KindSurveyAnswers, "surveys":
		default:
			return bad("ingest.columns."+kind, "unknown kind (use contacts, events, orders, costs, touches, surveys)")
		}
	}
	for name, o := range c.Contacts.Traits {
		if o.Type != "" && !antipersona.ValidTraitType(o.Type) {
			return bad("contacts.traits."+name+".type", "%q is not one of number, category, multi, date, boolean, text, identifier", o.Type)
		}
		if o.Dimension != "" && !antipersona.ValidDimension(o.Dimension) {
			return bad("contacts.traits."+name+".dimension", "%q is not one of demographic, socio-economic, geographic, psychographic, behavioural, other", o.Dimension)
		}
	}
	if r := c.Features.DefaultMarginRate; r < 0 || r > 1 {
		return bad("features.default_margin_rate", "must be between 0 and 1, got %g", r)
	}
	switch c.CLV.Model {
	case "bgnbd", "paretonbd":
	default:
		return bad("clv.model", "must be bgnbd or paretonbd, got %q", c.CLV.Model)
	}
	if c.CLV.HorizonDays < 1 || c.CLV.Months < 1 {
		return bad("clv.horizon_days", "horizon_days and months must be at least 1")
	}
	if c.CLV.MonthlyDiscount < 0 || c.CLV.Penalty < 0 || c.CLV.MinBuyers < 0 {
		return bad("clv.monthly_discount", "monthly_discount, penalty and min_buyers must not be negative")
	}
	if c.Features.CostPerTicket < 0 {
		return bad("features.cost_per_ticket", "must not be negative")
	}
	if c.Features.CostPerReturn < 0 {
		return bad("features.cost_per_return", "must not be negative")
	}
	if c.Features.SessionGapMinutes < 1 {
		return bad("features.session_gap_minutes", "must be at least 1")
	}
	signals := DefaultEngagementWeights()
	for k, w := range c.Features.EngagementWeights {
		if _, ok := signals[k]; !ok {
			return bad("features.engagement_weights."+k, "unknown signal")
		}
		if w < 0 {
			return bad("features.engagement_weights."+k, "must not be negative")
		}
	}
	t := c.Thresholds
	switch {
	case t.ActiveDays < 1:
		return bad("thresholds.active_days", "must be at least 1")
	case t.ChurnDays < 1:
		return bad("thresholds.churn_days", "must be at least 1")
	case t.RFMLevels < 3 || t.RFMLevels > 5:
		return bad("thresholds.rfm_levels", "must be 3, 4 or 5, got %d", t.RFMLevels)
	case t.MinSupport < 0 || t.MinSupport >= 1:
		return bad("thresholds.min_support", "must be in [0, 1)")
	case t.MinSize < 1:
		return bad("thresholds.min_size", "must be at least 1")
	case t.Alpha <= 0 || t.Alpha >= 1:
		return bad("thresholds.alpha", "must be in (0, 1)")
	case t.MaxOverlap <= 0 || t.MaxOverlap > 1:
		return bad("thresholds.max_overlap", "must be in (0, 1]")
	}
	if m := c.Store.MemoryLimit; m != "" && !memoryLimit.MatchString(m) {
		return bad("store.memory_limit", "%q is not an amount of memory such as 8GB or 512MB", m)
	}
	if c.Store.Threads < 0 {
		return bad("store.threads", "must not be negative")
	}
	if c.Personas.Depth < 1 || c.Personas.Depth > 4 {
		return bad("personas.depth", "must be 1 to 4, got %d", c.Personas.Depth)
	}
	if r := c.Personas.MinTargetRate; r < 0 || r >= 1 {
		return bad("personas.min_target_rate", "must be in [0, 1), got %g", r)
	}
	if c.Personas.Positive < 1 {
		return bad("personas.positive", "must be at least 1")
	}
	if c.Personas.PerKind < 1 {
		return bad("personas.per_kind", "must be at least 1")
	}
	if c.Decisions.ActivateROI < 0 {
		return bad("decisions.activate_roi", "must not be negative, got %g", c.Decisions.ActivateROI)
	}
	if d := c.Decisions.NextPurchaseDays; d < 0 || d > 3660 {
		return bad("decisions.next_purchase_days", "must be 0 (off) to 3660 days, got %d", d)
	}
	if c.Decisions.KeepLift < 0 {
		return bad("decisions.keep_lift", "must not be negative, got %g", c.Decisions.KeepLift)
	}
	if c.Decisions.ActivateLift <= 0 {
		return bad("decisions.activate_lift", "must be above 0, got %g", c.Decisions.ActivateLift)
	}
	if w := c.Server.Workspace; w != "" && !antipersona.ValidWorkspaceName(w) {
		return bad("server.workspace", "%q is not a workspace name: 1 to 40 of a-z, 0-9 and _", w)
	}
	if c.Server.MaxBodyBytes < 0 || c.Server.MaxMessageBytes < 0 {
		return bad("server", "max_body_bytes and max_message_bytes must not be negative")
	}
	if _, err := c.Build.ScheduleInterval(); err != nil {
		return bad("build.schedule", "%v", err)
	}
	if r := c.Audiences.DefaultRegion; r != "" && !region.MatchString(r) {
		return bad("audiences.default_region", "%q is not an ISO 3166-1 alpha-2 country code such as PL", r)
	}
	if c.Audit.MinLift <= 1 {
		return bad("audit.min_lift", "must be above 1, got %g", c.Audit.MinLift)
	}
	declared := map[string]bool{}
	for i, d := range c.Declared {
		field := fmt.Sprintf("declared_personas[%d]", i)
		switch {
		case strings.TrimSpace(d.Name) == "":
			return bad(field, "a declared persona needs a name")
		case declared[d.Name]:
			return bad(field, "two declared personas are named %q", d.Name)
		case len(d.Conditions) == 0:
			return bad(field, "declared persona %q has no condition", d.Name)
		}
		declared[d.Name] = true
		for j, r := range d.Conditions {
			if strings.TrimSpace(r.Name) == "" || strings.TrimSpace(r.Expr) == "" {
				return bad(fmt.Sprintf("%s.conditions[%d]", field, j), "a condition needs a name and an expression")
			}
		}
	}
	for k := range c.Personas.Negative {
		switch k {
		case "mimic", "unprofitable", "expensive_lead", "returner", "complainer", "bargain_only", "cant_afford", "researcher", "fast_churner", "low_converter":
		default:
			return bad("personas.negative."+k, "unknown kind (use mimic, unprofitable, expensive_lead, returner, complainer, bargain_only, cant_afford, researcher, fast_churner, low_converter)")
		}
	}
	if err := c.SegmentParams().Validate(); err != nil {
		return bad("segments", "%v", err)
	}
	seen := map[string]bool{}
	for i, r := range c.Segments.Rules {
		switch {
		case strings.TrimSpace(r.Name) == "":
			return bad(fmt.Sprintf("segments.rules[%d].name", i), "empty")
		case seen[r.Name]:
			return bad(fmt.Sprintf("segments.rules[%d].name", i), "%q is used twice", r.Name)
		case strings.TrimSpace(r.Expr) == "":
			return bad(fmt.Sprintf("segments.rules[%d].expr", i), "empty expression for rule %q", r.Name)
		}
		seen[r.Name] = true
	}
	return nil
}

// SegmentParams are the parameters of the segment SQL.
func (c *Config) SegmentParams() segments.Params {
	return segments.Params{
		Levels: c.Thresholds.RFMLevels, Names: c.Segments.RFMNames, Tags: c.Segments.Tags,
		ActiveDays: c.Thresholds.ActiveDays, ChurnDays: c.Thresholds.ChurnDays,
	}
}

// memoryLimit is the form of store.memory_limit.
var memoryLimit = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$`)

// Hash is a stable digest of the configuration, stored with every build.
func (c *Config) Hash() string {
	data, _ := yaml.Marshal(c)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

// AsOf returns the as-of date: the given override, else ReferenceDate, else
// today (from now), as midnight UTC.
func (c *Config) AsOf(override string, now time.Time) (time.Time, error) {
	s := override
	if s == "" {
		s = c.ReferenceDate
	}
	if s == "" {
		y, m, d := now.UTC().Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, antipersona.Errorf(antipersona.EINVALID, "as-of date %q is not a date (YYYY-MM-DD)", s)
	}
	return t, nil
}
