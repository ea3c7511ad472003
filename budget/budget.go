package budget

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/antipersona/antipersona"
)

// Cost kinds, as in the costs input of the product (antipersona.CostAcquisition
// and the others).
const (
	KindAcquisition = "acquisition" // cost of winning the contact
	KindContact     = "contact"     // cost of reaching the contact (campaigns, mailings)
	KindSupport     = "support"     // cost of serving the contact; not marketing spend
)

// Labels of the rows that are not a named group, channel or campaign.
const (
	NoGroup   = "(no group)"      // contacts with no group
	NoChannel = "(no channel)"    // spend whose channel is unknown
	NoSpend   = "(no paid spend)" // revenue of contacts no spend was allocated to
)

// Cost is one row of costs, in the workspace currency. A row with a
// ContactID is a direct cost of that contact; a row without one is the
// spend of its Campaign, or, when Campaign is empty, of its Channel, which
// Allocate splits over the contacts touched.
//
// Kind is KindAcquisition, KindContact or KindSupport. An empty Kind means
// KindAcquisition on a row with a contact and KindContact on a row without
// one (as the costs reader of the product does).
type Cost struct {
	ContactID string
	Campaign  string
	Channel   string
	Kind      string
	Amount    float64 // >= 0
}

// Touch records that a campaign or channel reached a contact. Several
// touches of one contact by one campaign count once.
type Touch struct {
	ContactID string
	Campaign  string
	Channel   string
}

// Contact is one contact with its results in the period.
type Contact struct {
	ID      string
	Revenue float64 // net revenue in the period, in the workspace currency; may be negative
	Profit  float64 // profit in the period (after all costs); may be negative
	// Groups are the groups the contact belongs to, such as
	// "persona:per-1", "negative:neg-3" or "action:exclude". A contact may
	// be in several; a value repeated in one contact counts once.
	Groups []string
	// Excluded marks a contact that the decisions keep out of paid
	// budget; the what-if (Report.WhatIf) removes these contacts.
	Excluded bool
}

// Options tune Allocate. The zero value of a field takes its default.
type Options struct {
	// Resamples is the number B of bootstrap resamples of the what-if's
	// revenue interval; 0 means 2000. Negative values panic.
	Resamples int
	// Level is the confidence level of that interval, in (0, 1); 0 means
	// 0.95. Other values outside (0, 1) panic.
	Level float64
	// Seed makes the interval reproducible: the same seed and data give
	// the same Report, bit for bit, with any number of CPUs. 0 is a seed
	// like any other.
	Seed uint64
}

const (
	defaultResamples = 2000
	defaultLevel     = 0.95
)

func (o *Options) defaults() {
	if o.Resamples < 0 {
		panic("budget: negative Options.Resamples")
	}
	if o.Resamples == 0 {
		o.Resamples = defaultResamples
	}
	if o.Level == 0 {
		o.Level = defaultLevel
	}
	if !(o.Level > 0 && o.Level < 1) {
		panic("budget: Options.Level outside (0, 1)")
	}
}

// Source is where a share of spend comes from: a campaign, a channel's
// spend without a campaign, or a direct (per-contact) cost.
type Source struct {
	Campaign string // "" for channel spend and for direct costs without a campaign
	// Channel is the channel of the cost row; for campaign spend without
	// one, the channel of the campaign's touches when they all have the
	// same; "" when unknown.
	Channel string
	Kind    string // KindAcquisition or KindContact
	Direct  bool   // a per-contact cost row, not allocated spend
}

// Name is the label of the source in the per-campaign rows: the campaign
// when set, otherwise "direct: <kind>" for a direct cost and
// "channel: <channel>" for channel spend.
func (s Source) Name() string {
	switch {
	case s.Campaign != "":
		return s.Campaign
	case s.Direct:
		return "direct: " + s.Kind
	default:
		return "channel: " + s.Channel
	}
}

// Share is an amount of spend allocated to one contact from one source.
type Share struct {
	Source int     // index in Report.Sources
	Amount float64 // > 0, in the workspace currency
}

// Row is one row of a breakdown: the contacts it counts and the spend,
// revenue and profit they account for, in the workspace currency. Group,
// Channel and Campaign are "" in a breakdown not split by them.
type Row struct {
	Group    string
	Channel  string
	Campaign string // a Source.Name, or NoSpend
	// Contacts is the number of distinct contacts in the row: in a
	// per-channel or per-campaign row, those the channel or campaign put
	// spend on (or, in the NoSpend row, those with no spend).
	Contacts int
	Spend    float64
	Revenue  float64
	Profit   float64
}

// ROI returns the return on investment of the row, (Revenue − Spend) /
// Spend, NaN when Spend is 0.
func (r Row) ROI() float64 { return ROI(r.Revenue, r.Spend) }

// ROAS returns the return on ad spend of the row, Revenue / Spend, NaN when
// Spend is 0.
func (r Row) ROAS() float64 { return ROAS(r.Revenue, r.Spend) }

// ROI returns (revenue − spend) / spend: the revenue returned per unit of
// spend beyond the spend itself (0 = break-even on revenue, −1 = no
// revenue). It is NaN when spend is 0: a return on nothing is undefined.
func ROI(revenue, spend float64) float64 {
	if spend == 0 {
		return math.NaN()
	}
	return (revenue - spend) / spend
}

// ROAS returns revenue / spend, the revenue per unit of spend. It is NaN
// when spend is 0.
func ROAS(revenue, spend float64) float64 {
	if spend == 0 {
		return math.NaN()
	}
	return revenue / spend
}

// Report is the allocation of the marketing spend over the contacts and
// what follows from it. Every figure is computed from the per-contact
// shares (Report.Shares); the package documentation defines each one.
//
// A Report is read-only after Allocate returns; its methods are safe for
// concurrent use.
type Report struct {
	// Contacts is the input of Allocate (not copied: do not modify it).
	Contacts []Contact
	// Sources lists every source with spend, allocated or not: direct
	// sources in order of first appearance in the costs, then campaign
	// spend, then channel spend.
	Sources []Source
	// ContactSpend is the marketing spend allocated to each contact
	// (indexed like Contacts): the sum of its shares.
	ContactSpend []float64

	TotalSpend       float64 // every cost row except support
	AllocatedSpend   float64 // the sum of all shares
	UnallocatedSpend float64 // spend of campaigns and channels that touched nobody
	// Unallocated holds the unallocated spend per source (Share.Amount is
	// the source's whole spend), in the order of Sources.
	Unallocated []Share
	SupportCost float64 // support cost rows; not marketing spend, not in any other figure

	All            Row   // every contact
	Groups         []Row // per group, then NoGroup
	GroupChannels  []Row // per group × channel (revenue and profit attributed)
	GroupCampaigns []Row // per group × campaign (revenue and profit attributed)
	Channels       []Row // per channel (revenue and profit attributed)
	Campaigns      []Row // per campaign (revenue and profit attributed)

	WhatIf WhatIf

	shares     []Share
	start      []int    // shares of contact i: shares[start[i]:start[i+1]]
	groupNames []string // interned groups, NoGroup not included
	groupIdx   []int32  // groups of contact i: groupIdx[groupStart[i]:groupStart[i+1]]
	groupStart []int
}

// Shares returns the shares of spend allocated to contact i (an index in
// Contacts), at most one per source, in no particular order. The slice
// belongs to the Report: do not modify it.
func (r *Report) Shares(i int) []Share {
	return r.shares[r.start[i]:r.start[i+1]:r.start[i+1]]
}

// DataError reports a row of the input that Allocate cannot use. Row is the
// 0-based index of the row in Input ("contacts", "costs" or "touches").
// Messages name no contact: ids may be personal data.
type DataError struct {
	Input string
	Row   int
	Err   error
}

func (e *DataError) Error() string {
	return fmt.Sprintf("budget: %s row %d: %v", e.Input, e.Row, e.Err)
}

func (e *DataError) Unwrap() error { return e.Err }

func dataErr(input string, row int, format string, args ...any) error {
	return &DataError{Input: input, Row: row, Err: fmt.Errorf(format, args...)}
}

func canceled(ctx context.Context) error {
	return fmt.Errorf("budget: %w (%w)", antipersona.ErrCanceled, context.Cause(ctx))
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// HasPrefix returns a predicate for Report.Reach that matches the groups
// starting with prefix, such as HasPrefix("negative:").
func HasPrefix(prefix string) func(group string) bool {
	return func(g string) bool { return strings.HasPrefix(g, prefix) }
}

// Reach is the part of the spend that reached a set of contacts.
type Reach struct {
	Contacts int     // distinct contacts in the set
	Spend    float64 // spend allocated to them
	Revenue  float64
	Profit   float64
	// Share is Spend / Report.TotalSpend: the fraction of all marketing
	// spend, unallocated spend included, that reached the set; NaN when
	// TotalSpend is 0.
	Share float64
}

// Reach returns the spend that reached the contacts in at least one group
// for which match returns true (Reach(HasPrefix("negative:")) for the
// negative personas). A contact in several matching groups counts once.
// Contacts with no group are in no group: match is never called with
// NoGroup. match must not be nil.
func (r *Report) Reach(match func(group string) bool) Reach {
	if match == nil {
		panic("budget: nil match")
	}
	hit := make([]bool, len(r.groupNames))
	for g, name := range r.groupNames {
		hit[g] = match(name)
	}
	var (
		res                    Reach
		spend, revenue, profit sum
	)
	for i := range r.Contacts {
		for _, g := range r.groupIdx[r.groupStart[i]:r.groupStart[i+1]] {
			if hit[g] {
				res.Contacts++
				spend.add(r.ContactSpend[i])
				revenue.add(r.Contacts[i].Revenue)
				profit.add(r.Contacts[i].Profit)
				break
			}
		}
	}
	res.Spend, res.Revenue, res.Profit = spend.value(), revenue.value(), profit.value()
	res.Share = math.NaN()
	if r.TotalSpend != 0 {
		res.Share = res.Spend / r.TotalSpend
	}
	return res
}
