package main

import (
	"context"
	"fmt"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/budget"
	"github.com/antipersona/antipersona/config"
)

// budgetRow is one row of the budget report. ROI and ROAS are null when
// nothing was spent.
type budgetRow struct {
	Group    string   `json:"group,omitempty"` // persona:ID, negative:ID, action:ACTION or (no group)
	Name     string   `json:"name,omitempty"`  // the persona's name or the action
	Kind     string   `json:"kind,omitempty"`  // persona, negative, action or none
	Channel  string   `json:"channel,omitempty"`
	Campaign string   `json:"campaign,omitempty"`
	Contacts int      `json:"contacts"`
	Spend    float64  `json:"spend"`
	Revenue  float64  `json:"revenue"`
	Profit   float64  `json:"profit"`
	ROI      *float64 `json:"roi"`
	ROAS     *float64 `json:"roas"`
}

// budgetReport is what `antipersona budget` prints.
type budgetReport struct {
	Build            antipersona.Build `json:"build"`
	Currency         string            `json:"currency"`
	TotalSpend       float64           `json:"total_spend"`
	AllocatedSpend   float64           `json:"allocated_spend"`
	UnallocatedSpend float64           `json:"unallocated_spend"`
	Unallocated      []budgetRow       `json:"unallocated"` // by campaign or channel
	SupportCost      float64           `json:"support_cost"`
	Total            budgetRow         `json:"all_contacts"`
	Groups           []budgetRow       `json:"groups"`
	GroupChannels    []budgetRow       `json:"groups_by_channel"`
	GroupCampaigns   []budgetRow       `json:"groups_by_campaign"`
	Channels         []budgetRow       `json:"channels"`
	Campaigns        []budgetRow       `json:"campaigns"`
	// Negatives is the spend that reached any negative persona (each
	// contact once).
	Negatives budgetReach `json:"negative_personas"`
	// Excluded is the spend that reached the contacts the decisions keep
	// out of paid budget (exclude, organic_only).
	Excluded budgetReach  `json:"excluded"`
	WhatIf   budgetWhatIf `json:"what_if"`
}

type budgetReach struct {
	Contacts int      `json:"contacts"`
	Spend    float64  `json:"spend"`
	Revenue  float64  `json:"revenue"`
	Profit   float64  `json:"profit"`
	Share    *float64 `json:"share_of_spend"`
}

type budgetWhatIf struct {
	Contacts        int      `json:"contacts"`
	Saved           float64  `json:"saved"`
	LostRevenue     float64  `json:"lost_revenue"`
	LostRevenueLow  float64  `json:"lost_revenue_low"`
	LostRevenueHigh float64  `json:"lost_revenue_high"`
	Level           float64  `json:"level"`
	LostProfit      float64  `json:"lost_profit"`
	ROIBefore       *float64 `json:"roi_before"`
	ROIAfter        *float64 `json:"roi_after"`
	ROASBefore      *float64 `json:"roas_before"`
	ROASAfter       *float64 `json:"roas_after"`
	Resamples       int      `json:"resamples"`
	Seed            uint64   `json:"seed"`
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func (m *Main) budgetCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "budget",
		Short: "Where the marketing budget went: spend, revenue and profit by persona, negative persona, action, channel and campaign",
		Long: `budget allocates the marketing spend up to the last build's as-of date to the contacts it
reached, as the contact_cost feature does: per-contact costs (acquisition and contact) to
their contact, each campaign's spend equally over the distinct contacts it touched, spend
with only a channel over the contacts touched in that channel; spend on a campaign that
touched nobody stays unallocated (listed). Support costs are not marketing spend: they
lower profit only.

It then shows, for every buyer persona, negative persona and decision (groups overlap: a
contact counts in each of its groups), and by channel and campaign (revenue and profit
attributed in proportion to the spend each put on the contact):

  spend, net revenue, profit, ROI = (revenue - spend) / spend, ROAS = revenue / spend

the share of all spend that reached negative personas, and a what-if: keeping the contacts
the decisions exclude (exclude, organic_only) out of paid budget would have saved X and
lost Y revenue (with a 95 % bootstrap interval over those contacts), so ROI goes from A to
B. Allocated plus unallocated spend is the total; the channel and campaign rows of one
group add up to the group.`,
		Example: `  antipersona budget
  antipersona budget --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, s, err := m.openWorkspace(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			r, err := budgetReportOf(cmd.Context(), cfg, s)
			if err != nil {
				return err
			}
			if m.jsonOut {
				return m.printJSON(r)
			}
			m.printBudget(r)
			return nil
		},
	}
}

// budgetReportOf allocates the spend up to the last build with decisions.
func budgetReportOf(ctx context.Context, cfg config.Config, s store) (*budgetReport, error) {
	id, err := s.LastDecisionBuild(ctx, 0)
	if err != nil {
		return nil, err
	}
	if id == 0 {
		return nil, antipersona.Errorf(antipersona.ENOTFOUND, "no decisions yet: run 'antipersona build'")
	}
	b, err := s.BuildByID(ctx, id)
	if err != nil {
		return nil, err
	}
	names, err := personaNames(ctx, s, id)
	if err != nil {
		return nil, err
	}
	profit := map[string]float64{}
	err = s.Scan(ctx, "SELECT contact_id, profit FROM features", func(v []any) error {
		profit[v[0].(string)] = numOrNaN(v[1])
		return nil
	})
	if err != nil {
		return nil, err
	}
	var cs []budget.Contact
	known := map[string]bool{}
	err = s.Decisions(ctx, id, func(r antipersona.ContactSnapshot) error {
		c := budget.Contact{ID: r.ContactID, Revenue: zeroNaN(r.Monetary), Profit: zeroNaN(profit[r.ContactID]), Excluded: r.Action.Excluded()}
		for _, p := range r.Personas {
			c.Groups = append(c.Groups, "persona:"+p)
		}
		for _, p := range r.Negatives {
			c.Groups = append(c.Groups, "negative:"+p)
		}
		c.Groups = append(c.Groups, "action:"+string(r.Action))
		cs = append(cs, c)
		known[r.ContactID] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Costs and touches of contacts the build does not know (ids only in
	// the costs file) are spend that reached nobody known: they count as
	// spend of their campaign or channel, allocated over the known
	// contacts it touched, or unallocated.
	var costs []budget.Cost
	err = s.CostsAsOf(ctx, b.AsOf, func(c antipersona.Cost) error {
		if c.ContactID != "" && !known[c.ContactID] {
			c.ContactID = ""
			if c.Campaign == "" && c.Channel == "" {
				c.Channel = "(unknown contacts)"
			}
		}
		costs = append(costs, budget.Cost{ContactID: c.ContactID, Campaign: c.Campaign, Channel: c.Channel, Kind: c.Kind, Amount: c.Amount})
		return nil
	})
	if err != nil {
		return nil, err
	}
	var touches []budget.Touch
	err = s.TouchesAsOf(ctx, b.AsOf, func(t antipersona.Touch) error {
		if known[t.ContactID] {
			touches = append(touches, budget.Touch{ContactID: t.ContactID, Campaign: t.Campaign, Channel: t.Channel})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rep, err := budget.Allocate(ctx, cs, costs, touches, budget.Options{Seed: cfg.Thresholds.Seed})
	if err != nil {
		return nil, err
	}
	row := func(r budget.Row) budgetRow {
		out := budgetRow{Group: r.Group, Channel: r.Channel, Campaign: r.Campaign, Contacts: r.Contacts, Spend: r.Spend,
			Revenue: r.Revenue, Profit: r.Profit, ROI: finite(r.ROI()), ROAS: finite(r.ROAS())}
		kind, id, ok := strings.Cut(r.Group, ":")
		switch {
		case r.Group == "": // a channel or campaign row
		case !ok:
			out.Kind, out.Name = "none", r.Group
		case kind == "action":
			out.Kind, out.Name = "action", id
		default:
			out.Kind, out.Name = kind, names[id]
		}
		return out
	}
	rows := func(rs []budget.Row) []budgetRow {
		out := make([]budgetRow, len(rs))
		for i, r := range rs {
			out[i] = row(r)
		}
		return out
	}
	reach := func(x budget.Reach) budgetReach {
		return budgetReach{Contacts: x.Contacts, Spend: x.Spend, Revenue: x.Revenue, Profit: x.Profit, Share: finite(x.Share)}
	}
	out := &budgetReport{Build: *b, Currency: cfg.Currency, TotalSpend: rep.TotalSpend, AllocatedSpend: rep.AllocatedSpend,
		UnallocatedSpend: rep.UnallocatedSpend, SupportCost: rep.SupportCost, Total: row(rep.All),
		Groups: rows(rep.Groups), GroupChannels: rows(rep.GroupChannels), GroupCampaigns: rows(rep.GroupCampaigns),
		Channels: rows(rep.Channels), Campaigns: rows(rep.Campaigns),
		Negatives: reach(rep.Reach(budget.HasPrefix("negative:"))),
		Excluded: reach(rep.Reach(func(g string) bool {
			return g == "action:"+string(antipersona.ActionExclude) || g == "action:"+string(antipersona.ActionOrganicOnly)
		}))}
	for _, u := range rep.Unallocated {
		src := rep.Sources[u.Source]
		out.Unallocated = append(out.Unallocated, budgetRow{Campaign: src.Name(), Channel: src.Channel, Spend: u.Amount})
	}
	w := rep.WhatIf
	out.WhatIf = budgetWhatIf{Contacts: w.Contacts, Saved: w.Saved, LostRevenue: w.LostRevenue, LostRevenueLow: w.LostRevenueLow,
		LostRevenueHigh: w.LostRevenueHigh, Level: w.Level, LostProfit: w.LostProfit, ROIBefore: finite(w.ROIBefore()),
		ROIAfter: finite(w.ROIAfter()), ROASBefore: finite(w.ROASBefore()), ROASAfter: finite(w.ROASAfter()), Resamples: w.Resamples, Seed: w.Seed}
	return out, nil
}

func zeroNaN(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return v
}

func ratio(p *float64) string {
	if p == nil {
		return "—"
	}
	return fmt.Sprintf("%.2f", *p)
}

func (m *Main) printBudget(r *budgetReport) {
	out := m.Stdout
	cur := r.Currency
	fmt.Fprintf(out, "Marketing spend up to %s (build #%d), in %s\n\n", r.Build.AsOf.Format(time.DateOnly), r.Build.ID, cur)
	fmt.Fprintf(out, "  total spend        %12.2f\n  allocated          %12.2f\n  unallocated        %12.2f", r.TotalSpend, r.AllocatedSpend, r.UnallocatedSpend)
	for _, u := range r.Unallocated {
		fmt.Fprintf(out, "  (%s %.2f)", u.Campaign, u.Spend)
	}
	fmt.Fprintf(out, "\n  support costs      %12.2f (not marketing spend)\n", r.SupportCost)
	fmt.Fprintf(out, "  all contacts: net revenue %.2f, profit %.2f, ROI %s\n", r.Total.Revenue, r.Total.Profit, ratio(r.Total.ROI))
	share := func(p *float64) string {
		if p == nil {
			return "—"
		}
		return fmt.Sprintf("%.1f%%", 100**p)
	}
	fmt.Fprintf(out, "\nSpend that reached negative personas: %.2f %s (%s of all spend), %d contacts, revenue %.2f\n",
		r.Negatives.Spend, cur, share(r.Negatives.Share), r.Negatives.Contacts, r.Negatives.Revenue)
	w := r.WhatIf
	fmt.Fprintf(out, "What if the %d contacts the decisions exclude had had no paid budget: saved %.2f %s, lost %.2f %s of revenue (%.0f %% interval %.2f to %.2f) and %.2f of profit; ROI %s → %s\n",
		w.Contacts, w.Saved, cur, w.LostRevenue, cur, 100*w.Level, w.LostRevenueLow, w.LostRevenueHigh, w.LostProfit, ratio(w.ROIBefore), ratio(w.ROIAfter))

	table := func(title string, rows []budgetRow, label func(budgetRow) string) {
		fmt.Fprintf(out, "\n%s\n", title)
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "\tCONTACTS\tSPEND\tREVENUE\tPROFIT\tROI\tROAS\t")
		for _, x := range rows {
			fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.2f\t%.2f\t%s\t%s\t\n", label(x), x.Contacts, x.Spend, x.Revenue, x.Profit, ratio(x.ROI), ratio(x.ROAS))
		}
		tw.Flush()
	}
	groupLabel := func(x budgetRow) string {
		if x.Kind == "none" || x.Name == "" {
			return trimLabel(x.Group)
		}
		return x.Kind + ": " + trimLabel(x.Name)
	}
	table("By persona, negative persona and decision (a contact counts in each of its groups)", r.Groups, groupLabel)
	table("By channel", r.Channels, func(x budgetRow) string { return x.Channel })
	table("By campaign", r.Campaigns, func(x budgetRow) string { return x.Campaign })
}
