package persona

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/antipersona/antipersona/subgroup"
)

// NegativeKind is a kind of negative persona: who counts as one (Target, an
// SQL condition over the features table) and how to treat the groups found.
type NegativeKind struct {
	Name   string `yaml:"name" json:"name"`
	Label  string `yaml:"label" json:"label"`
	Doc    string `yaml:"doc" json:"doc"`
	Target string `yaml:"target" json:"target"` // SQL boolean over features; NULL counts as false
	Handle string `yaml:"handling" json:"handling"`
	// Defining lists the features the target is made of: they never
	// describe the persona (the description would only restate the target).
	Defining []string `yaml:"defining" json:"defining"`
	// CRMOnly kinds run only on workspaces whose contacts carry an outcome
	// and no orders (a CRM export); the others only where there are orders
	// or events.
	CRMOnly bool `yaml:"crm_only" json:"crm_only"`
	// CustomersOnly marks a kind whose target holds for any contact who
	// has cost money and not bought (profit below zero) or not converted:
	// decisions count it for customers only, since a prospect's expected
	// value weighs that already.
	CustomersOnly bool `yaml:"customers_only" json:"customers_only"`
	Enabled       bool `yaml:"enabled" json:"enabled"`
}

// Handlings.
const (
	HandleExcludePaid = "exclude_from_paid"
	HandleOrganicOnly = "organic_only"
	HandleReview      = "review"
)

// orderFeatures describe orders: a kind whose target is "no order" must not
// be described by them.
var orderFeatures = []string{"converted", "outcome", "frequency", "monetary", "gross_revenue", "avg_order_value",
	"recency_days", "decision_cycle_days", "cancelled_orders", "cancellation_rate", "returns_count", "returns_amount",
	"return_rate", "discount_total", "discount_share", "discount_rate", "days_between_orders", "order_interval_cv",
	"seasonality", "peak_month", "sessions_before_first_order", "margin", "returns_cost", "historic_value", "profit",
	"predicted_purchases", "p_alive", "predicted_clv", "clv_basis"}

// DefaultNegativeKinds are the kinds of negative persona, with the default
// target definitions (PRODUCT.md §3.5). Thresholds are in the SQL; override
// a kind's target in antipersona.yaml (personas.negative).
func DefaultNegativeKinds() []NegativeKind {
	with := func(extra ...string) []string { return append(append([]string{}, orderFeatures...), extra...) }
	engagement := []string{"engagement_score", "sessions", "page_views", "time_on_site_seconds", "product_views", "cart_adds",
		"wishlist_adds", "checkouts_started", "email_opens", "email_clicks", "signups", "webinars_registered",
		"webinars_attended", "trials_started", "events", "days_since_last_activity"}
	return []NegativeKind{
		{Name: "mimic", Label: "Engaged non-buyers",
			Doc:    "No order (and no CRM conversion) after at least 90 days, with an engagement score above zero and in the top quarter of the contacts who have not bought: they look like buyers and never buy.",
			Target: "NOT COALESCE(converted, false) AND tenure_days >= 90 AND engagement_score > 0 AND engagement_score >= quantile_cont(engagement_score, 0.75) FILTER (WHERE NOT COALESCE(converted, false)) OVER ()",
			Handle: HandleOrganicOnly, Defining: with(append(engagement, "tenure_days")...), Enabled: true},
		{Name: "unprofitable", Label: "Unprofitable contacts",
			Doc:    "Profit below zero: acquisition, contact, support and return costs above the margin they brought.",
			Target: "profit < 0", Handle: HandleExcludePaid,
			Defining: with("acquisition_cost", "contact_cost", "support_cost"), CustomersOnly: true, Enabled: true},
		{Name: "returner", Label: "Serial returners",
			Doc:    "At least two returns worth at least 30 % of their gross revenue.",
			Target: "returns_count >= 2 AND return_rate >= 0.3", Handle: HandleExcludePaid,
			Defining: []string{"returns_count", "returns_amount", "return_rate", "returns_cost", "profit", "margin", "monetary", "historic_value"}, Enabled: true},
		{Name: "complainer", Label: "Complainers and detractors",
			Doc:    "At least three support tickets, or an average review of 2 stars or less.",
			Target: "tickets >= 3 OR review_score <= 2", Handle: HandleReview,
			Defining: []string{"tickets", "support_cost", "review_score", "reviews", "profit"}, Enabled: true},
		{Name: "bargain_only", Label: "Bargain hunters",
			Doc:    "Buyers with at least 80 % of their orders discounted and at least 20 % off the list price over all their orders: they buy only in sales (a 10–15 % welcome code on a first order is not a habit).",
			Target: "frequency >= 1 AND discount_share >= 0.8 AND discount_rate >= 0.2", Handle: HandleExcludePaid,
			Defining: []string{"discount_total", "discount_share", "discount_rate", "margin", "profit", "historic_value"}, Enabled: true},
		{Name: "cant_afford", Label: "Fans who cannot afford it",
			Doc:    "No order after at least 30 days, with at least three wishlist adds, cart adds or started checkouts, and no webinar or trial: strong interest in the products and their prices, no purchase (content engagement without shopping is a mimic).",
			Target: "NOT COALESCE(converted, false) AND tenure_days >= 30 AND COALESCE(wishlist_adds, 0) + COALESCE(cart_adds, 0) + COALESCE(checkouts_started, 0) >= 3 AND COALESCE(webinars_registered, 0) + COALESCE(trials_started, 0) = 0",
			Handle: HandleOrganicOnly, Defining: with("wishlist_adds", "cart_adds", "checkouts_started", "webinars_registered", "trials_started", "tenure_days"), Enabled: true},
		{Name: "expensive_lead", Label: "Expensive to acquire",
			Doc:    "Acquisition cost in the top tenth of all contacts and profit below zero: costly to acquire, little value brought.",
			Target: "profit < 0 AND acquisition_cost > 0 AND acquisition_cost >= quantile_cont(acquisition_cost, 0.9) OVER ()",
			Handle: HandleExcludePaid, Defining: with("acquisition_cost", "contact_cost", "support_cost"), CustomersOnly: true, Enabled: true},
		{Name: "researcher", Label: "Researchers and students",
			Doc:    "No order after at least 30 days, no cart add, and product views at or above the median of the contacts who have not bought: reading without intent to buy.",
			Target: "NOT COALESCE(converted, false) AND tenure_days >= 30 AND COALESCE(cart_adds, 0) = 0 AND product_views > 0 AND product_views >= quantile_cont(product_views, 0.5) FILTER (WHERE NOT COALESCE(converted, false)) OVER ()",
			Handle: HandleOrganicOnly, Defining: with("product_views", "page_views", "time_on_site_seconds", "cart_adds", "tenure_days"), Enabled: true},
		{Name: "fast_churner", Label: "Fast churners",
			Doc:    "Exactly one order, placed within 30 days of first contact, no order for at least 90 days since and no activity for at least 60 days: they came, bought once and left.",
			Target: "frequency = 1 AND decision_cycle_days <= 30 AND recency_days >= 90 AND days_since_last_activity >= 60", Handle: HandleExcludePaid,
			Defining: with("days_since_last_activity", "tenure_days"), Enabled: true},
		{Name: "low_converter", Label: "Low converters",
			Doc:    "For a CRM export with a conversion flag and no orders: contacts whose outcome is not converted.",
			Target: "outcome = false", Handle: HandleExcludePaid, CRMOnly: true, CustomersOnly: true,
			Defining: []string{"outcome", "converted"}, Enabled: true},
	}
}

// Persona is a data-backed persona or negative persona.
type Persona struct {
	ID           string               `json:"id"`
	Name         string               `json:"name"`
	Kind         string               `json:"kind"` // positive or negative
	NegativeKind string               `json:"negative_kind,omitempty"`
	Label        string               `json:"label"`
	Basis        string               `json:"basis"` // lead_time or behaviour: what the conditions may use
	Description  string               `json:"description"`
	Conditions   []subgroup.Condition `json:"conditions"`
	Size         int                  `json:"size"`
	Share        float64              `json:"share"`
	Target       string               `json:"target"`
	TargetRate   float64              `json:"target_rate"`
	TargetLow    float64              `json:"target_rate_low"`
	TargetHigh   float64              `json:"target_rate_high"`
	BaseRate     float64              `json:"base_rate"`
	Lift         float64              `json:"lift"`
	Coverage     float64              `json:"coverage"`
	PValue       float64              `json:"p_value"`
	PAdjusted    float64              `json:"p_value_adjusted"`
	Handling     string               `json:"handling,omitempty"`
	Card         *Card                `json:"card,omitempty"`
	Avatar       string               `json:"avatar_svg"` // a deterministic SVG face (see Avatar)
	Members      subgroup.Bitset      `json:"-"`
}

// NegativeOptions tune FindNegatives.
type NegativeOptions struct {
	Search subgroup.Options
	// PerKind is the most personas kept per kind and basis.
	PerKind int
	// Behaviour also describes personas by behaviour (features), in addition
	// to the lead-time description by traits.
	Behaviour bool
}

// Analysis is the table personas are searched in: one row per contact.
type Analysis struct {
	IDs       []string
	Traits    []Column // lead-time traits
	Behaviour []Column // features

	idx  *subgroup.Index
	used []Column // the usable columns, in the index's attribute order
	nTr  int      // the first nTr of used are traits
}

// Index returns the selectors of every usable trait and behaviour column,
// computed once and shared by all searches.
func (a *Analysis) Index() (*subgroup.Index, []Column, error) {
	if a.idx != nil {
		return a.idx, a.used, nil
	}
	tab, used, err := Table(append(append([]Column{}, a.Traits...), a.Behaviour...))
	if err != nil {
		return nil, nil, err
	}
	a.nTr = 0
	for _, c := range used {
		if containsCol(a.Traits, c.Ident) {
			a.nTr++
		}
	}
	a.idx, a.used = subgroup.NewIndex(tab, 5, 50), used
	return a.idx, a.used, nil
}

func containsCol(cols []Column, ident string) bool {
	for _, c := range cols {
		if c.Ident == ident {
			return true
		}
	}
	return false
}

// LeadTimeAttrs returns the attribute indexes (in Index's table) of the
// lead-time traits.
func (a *Analysis) LeadTimeAttrs() []int { return a.attrs(false, nil) }

// attrs returns the attribute indexes of the traits, and with behaviour
// also those of the behaviour columns not in exclude.
func (a *Analysis) attrs(behaviour bool, exclude []string) []int {
	var out []int
	for i, c := range a.used {
		if i < a.nTr || behaviour && !contains(exclude, c.Ident) {
			out = append(out, i)
		}
	}
	return out
}

// FindNegatives searches, for each kind with at least one target contact,
// the groups of contacts in which the kind is over-represented: described
// by lead-time traits, and (with opt.Behaviour) also by behaviour without
// the kind's defining features. targets[k][i] says whether contact i is of
// kinds[k].
func FindNegatives(ctx context.Context, a *Analysis, kinds []NegativeKind, targets [][]bool, opt NegativeOptions) ([]Persona, error) {
	if opt.PerKind <= 0 {
		opt.PerKind = 3
	}
	var out []Persona
	for k, kind := range kinds {
		pos := 0
		for _, t := range targets[k] {
			if t {
				pos++
			}
		}
		if pos == 0 || pos == len(targets[k]) {
			continue
		}
		bases := []string{"lead_time"}
		if opt.Behaviour {
			bases = append(bases, "behaviour")
		}
		idx, _, err := a.Index()
		if err != nil {
			return nil, err
		}
		for _, basis := range bases {
			attrs := a.attrs(basis == "behaviour", kind.Defining)
			if len(attrs) == 0 {
				continue
			}
			so := opt.Search
			so.Direction = subgroup.Above
			so.Results = opt.PerKind
			so.Attrs = attrs
			res, _, err := subgroup.DiscoverIndex(ctx, idx, subgroup.Target{Binary: targets[k]}, so)
			if err != nil {
				return nil, fmt.Errorf("negative personas %s: %w", kind.Name, err)
			}
			for i, r := range res {
				id := fmt.Sprintf("neg-%s-%d", kind.Name, i+1)
				if basis == "behaviour" {
					id = fmt.Sprintf("neg-%s-b%d", kind.Name, i+1)
				}
				out = append(out, Persona{
					ID: id, Kind: "negative", NegativeKind: kind.Name, Label: kind.Label, Basis: basis,
					Name:        kind.Label + ": " + r.Description,
					Description: describe(kind, r), Conditions: r.Conditions,
					Size: r.Size, Share: r.Share, Target: kind.Name, TargetRate: r.TargetRate,
					TargetLow: r.RateLow, TargetHigh: r.RateHigh, BaseRate: r.BaseRate, Lift: r.Lift,
					Coverage: r.Coverage, PValue: r.PValue, PAdjusted: r.PAdjusted, Handling: kind.Handle,
					Members: r.Rows,
				})
			}
		}
	}
	for i := range out {
		p := &out[i]
		p.Avatar = Avatar(avatarSpec(a, p, mostFrequent(a, p.Members, genderIdents...)))
	}
	return out, nil
}

// describe is the persona's headline in plain words.
func describe(kind NegativeKind, r subgroup.Result) string {
	return fmt.Sprintf("%s: %d contacts (%.1f%%); %.1f%% of them are %s against %.1f%% overall (%.1f×), %.0f%% of all such contacts.",
		r.Description, r.Size, 100*r.Share, 100*r.TargetRate, strings.ToLower(kind.Label), 100*r.BaseRate, r.Lift, 100*r.Coverage)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// F1 compares a persona's members with a reference set of rows.
func F1(members subgroup.Bitset, ref []bool) (f1, precision, recall float64) {
	tp, n, r := 0, 0, 0
	for i, in := range ref {
		m := members.Has(i)
		if m {
			n++
		}
		if in {
			r++
			if m {
				tp++
			}
		}
	}
	if tp == 0 {
		return 0, 0, 0
	}
	precision, recall = float64(tp)/float64(n), float64(tp)/float64(r)
	return 2 * precision * recall / (precision + recall), precision, recall
}

// SortPersonas orders personas by kind, then negative kind, then id.
func SortPersonas(ps []Persona) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Kind != ps[j].Kind {
			return ps[i].Kind > ps[j].Kind // positive first
		}
		return ps[i].ID < ps[j].ID
	})
}
