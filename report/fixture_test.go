package report

import (
	"fmt"
	"time"
)

// avatar is a small SVG face like the ones the persona package draws.
func avatar(skin, hair, shirt string) string {
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#eef2f7"/>`+
		`<circle cx="32" cy="27" r="14" fill="%s"/><path d="M18 24a14 12 0 0 1 28 0v-4a14 14 0 0 0-28 0z" fill="%s"/>`+
		`<circle cx="27" cy="27" r="1.8" fill="#1f2430"/><circle cx="37" cy="27" r="1.8" fill="#1f2430"/>`+
		`<path d="M26 33q6 4 12 0" stroke="#1f2430" stroke-width="1.6" fill="none"/>`+
		`<path d="M10 64q2-18 22-18t22 18z" fill="%s"/></svg>`, skin, hair, shirt)
}

// fixture is a realistic build of a mid-size Polish online shop: 18,420
// contacts, three buyer personas, three negative personas, a full RFM grid,
// a budget with a what-if and a comparison with the previous build.
func fixture() *Data {
	prev := int64(41)
	asOf := time.Date(2026, time.March, 31, 0, 0, 0, 0, time.UTC)
	segs := [5][5]string{ // [recency 5..1][frequency 1..5]
		{"New", "Potential loyalist", "Potential loyalist", "Champions", "Champions"},
		{"Promising", "Potential loyalist", "Potential loyalist", "Loyal", "Loyal"},
		{"About to sleep", "About to sleep", "Need attention", "Loyal", "Loyal"},
		{"Hibernating", "Hibernating", "At risk", "At risk", "Can't lose them"},
		{"Lost", "Lost", "At risk", "At risk", "Can't lose them"},
	}
	var rfm []RFMCell
	for i := range 5 {
		for j := range 5 {
			r, f := 5-i, j+1
			n := 40 + 37*((r*7+f*11)%13) + 15*f
			rfm = append(rfm, RFMCell{Recency: r, Frequency: f, Contacts: n, Revenue: float64(n) * (95 + 61*float64(f) + 12*float64(r)), Segment: segs[i][j]})
		}
	}
	return &Data{
		Workspace:   "Sklep Zielony Kosz",
		Currency:    "PLN",
		AsOf:        asOf,
		GeneratedAt: time.Date(2026, time.April, 1, 9, 30, 0, 0, time.UTC),
		BuildID:     42,
		Overview: Overview{
			Contacts: 18420, Buyers: 3315, Revenue: 1284350.40, Spend: 212400, Profit: 318902.75,
			NegativeSpendShare: 0.214, PreviousBuild: &prev,
		},
		Personas: []Persona{
			{ID: "p1", Name: "Barbara", Label: "Retired ladies who love comfortable trousers", Kind: "positive",
				Description: "age_band = 60+ AND source = newsletter", Size: 1240, Share: 0.0673, Target: "converted",
				TargetRate: 0.412, BaseRate: 0.18, Lift: 2.29, PAdjusted: 0.00002, AvatarSVG: avatar("#f1c7a8", "#c9c9c9", "#6a4c93"),
				Traits: []Trait{{"Age 60+", 3.1}, {"Came from the newsletter", 2.2}, {"Buys trousers", 2.0}}},
			{ID: "p2", Name: "Jan", Label: "Programmers buying premium headphones", Kind: "positive",
				Description: "occupation = programmer AND device = desktop", Size: 865, Share: 0.047, Target: "converted",
				TargetRate: 0.336, BaseRate: 0.18, Lift: 1.87, PAdjusted: 0.0004, AvatarSVG: avatar("#e0ac69", "#3b2f2f", "#1982c4"),
				Traits: []Trait{{"Occupation: programmer", 2.4}, {"Desktop visits", 1.6}}},
			{ID: "p3", Name: "Ola", Label: "Young mothers buying in the evening", Kind: "positive",
				Description: "household = kids AND hour >= 20", Size: 2110, Share: 0.1146, Target: "converted",
				TargetRate: 0.27, BaseRate: 0.18, Lift: 1.5, PAdjusted: 0.012, AvatarSVG: avatar("#ffdbac", "#8d5524", "#8ac926")},
		},
		Negatives: []Persona{
			{ID: "n1", Name: "Natalia", Label: "Webinar tourists", Kind: "negative", NegativeKind: "mimic", Handling: "organic_only",
				Description: "occupation = corporate AND webinars_attended >= 2", Size: 1480, Share: 0.0803, Target: "mimic",
				TargetRate: 0.61, BaseRate: 0.12, Lift: 5.08, PAdjusted: 0.00001, AvatarSVG: avatar("#f1c7a8", "#b5651d", "#ff595e"),
				Traits: []Trait{{"Attended two webinars or more", 4.2}, {"Works in a corporation", 2.7}, {"Opens every newsletter", 2.1}}},
			{ID: "n2", Name: "Tomek", Label: "Students who research", Kind: "negative", NegativeKind: "researcher", Handling: "exclude_from_paid",
				Description: "occupation = student AND source = blog", Size: 1240, Share: 0.0673, Target: "researcher",
				TargetRate: 0.52, BaseRate: 0.15, Lift: 3.47, PAdjusted: 0.0002, AvatarSVG: avatar("#e0ac69", "#222222", "#ffca3a"),
				Traits: []Trait{{"Student", 3.3}, {"Came from the blog", 2.5}}},
			{ID: "n3", Name: "Krystyna", Label: "", Kind: "negative", NegativeKind: "returner", Handling: "review",
				Description: "returns_count >= 2 AND channel = marketplace", Size: 310, Share: 0.0168, Target: "returner",
				TargetRate: 0.44, BaseRate: 0.06, Lift: 7.33, PAdjusted: 0.003, AvatarSVG: avatar("#c68642", "#4a3728", "#6a4c93"),
				Traits: []Trait{{"Buys on the marketplace", 2.9}}},
		},
		RFM: rfm,
		Segments: []SegmentCount{
			{Name: "Champions", Kind: "rfm", Contacts: 412, Share: 0.0224},
			{Name: "Loyal", Kind: "rfm", Contacts: 690, Share: 0.0375},
			{Name: "At risk", Kind: "rfm", Contacts: 530, Share: 0.0288},
			{Name: "repeat", Kind: "lifecycle", Contacts: 1402, Share: 0.0761},
			{Name: "lead", Kind: "lifecycle", Contacts: 11980, Share: 0.6504},
			{Name: "bargain_only", Kind: "tag", Contacts: 870, Share: 0.0472},
			{Name: "VIP newsletter", Kind: "rule", Contacts: 2300, Share: 0.1249},
			{Name: "Cluster 3", Kind: "cluster", Contacts: 3120, Share: 0.1694},
		},
		Decisions: []DecisionCount{
			{Action: "activate", Contacts: 2140, ExpectedValue: 186400, Spend: 64200},
			{Action: "nurture", Contacts: 7310, ExpectedValue: 98200, Spend: 43900},
			{Action: "maintain", Contacts: 2980, ExpectedValue: 241300, Spend: 29800},
			{Action: "organic_only", Contacts: 3560, ExpectedValue: -4100, Spend: 38900},
			{Action: "exclude", Contacts: 2430, ExpectedValue: -52600, Spend: 35600},
		},
		Budget: &Budget{
			TotalSpend: 212400, AllocatedSpend: 187300, UnallocatedSpend: 25100,
			Groups: []BudgetGroup{
				{Name: "Barbara", Kind: "persona", Contacts: 1240, Spend: 21400, Revenue: 254000, Profit: 81200, ROI: 10.87},
				{Name: "Jan", Kind: "persona", Contacts: 865, Spend: 18300, Revenue: 171200, Profit: 50100, ROI: 8.36},
				{Name: "Ola", Kind: "persona", Contacts: 2110, Spend: 26800, Revenue: 188700, Profit: 42900, ROI: 6.04},
				{Name: "Natalia", Kind: "negative", Contacts: 1480, Spend: 24600, Revenue: 9800, Profit: -21300, ROI: -0.6},
				{Name: "Tomek", Kind: "negative", Contacts: 1240, Spend: 12100, Revenue: 3100, Profit: -10200, ROI: -0.74},
				{Name: "Krystyna", Kind: "negative", Contacts: 310, Spend: 8700, Revenue: 21900, Profit: -4400, ROI: 1.52},
				{Name: "", Kind: "none", Contacts: 11175, Spend: 75400, Revenue: 635650, Profit: 180600, ROI: 7.43},
			},
			ByChannel: []BudgetGroup{
				{Name: "Google Ads", Contacts: 6400, Spend: 88200, Revenue: 512000, Profit: 131000, ROI: 4.8},
				{Name: "Meta", Contacts: 5100, Spend: 61300, Revenue: 298400, Profit: 60200, ROI: 3.87},
				{Name: "Newsletter", Contacts: 9800, Spend: 12400, Revenue: 301000, Profit: 98000, ROI: 23.27},
				{Name: "Webinars", Contacts: 2100, Spend: 25400, Revenue: 41200, Profit: -6100, ROI: 0.62},
			},
			ByCampaign: []BudgetGroup{
				{Name: "Wiosenna wyprzedaż", Contacts: 5200, Spend: 41000, Revenue: 210000, Profit: 52000, ROI: 4.12},
				{Name: "Webinar: joga w biurze", Contacts: 1900, Spend: 18800, Revenue: 12100, Profit: -9800, ROI: -0.36},
			},
			WhatIf: &WhatIf{Contacts: 3030, Saved: 45400, LostRevenue: 14100, LostRevenueLow: 9200, LostRevenueHigh: 21300,
				LostProfit: 2900, ROIBefore: 5.05, ROIAfter: 6.28},
		},
		Changes: &Changes{
			FromBuild: 41, ToBuild: 42,
			FromAsOf: time.Date(2026, time.February, 28, 0, 0, 0, 0, time.UTC), ToAsOf: asOf,
			Matrix: Matrix{
				Rows: []string{"activate", "nurture", "maintain", "organic_only", "exclude", "new"},
				Cols: []string{"activate", "nurture", "maintain", "organic_only", "exclude"},
				Counts: [][]int{
					{1710, 160, 190, 40, 30},
					{250, 6480, 120, 210, 180},
					{60, 40, 2590, 20, 30},
					{30, 170, 10, 3120, 140},
					{20, 90, 40, 90, 1950},
					{70, 370, 30, 80, 100},
				},
			},
			Reinstated: 240, NewlyExcluded: 480,
			ReinstatedReasons: []ReasonCount{
				{Reason: "first_purchase", Contacts: 95},
				{Reason: "left_negative_persona", Contacts: 70},
				{Reason: "trait_changed", Contacts: 45},
				{Reason: "value_rose", Contacts: 25},
				{Reason: "partner_import", Contacts: 5},
			},
			Drift: []PersonaDrift{
				{Name: "Barbara", SizeBefore: 1190, SizeAfter: 1240, RateBefore: 0.398, RateAfter: 0.412},
				{Name: "Natalia", SizeBefore: 1620, SizeAfter: 1480, RateBefore: 0.64, RateAfter: 0.61},
			},
		},
		Audit: []AuditResult{{
			Persona: "Young rebels", Verdict: "worse", Matched: 2210,
			Conversion: 0.071, BaseConversion: 0.18, ConversionLow: 0.06, ConversionHigh: 0.083,
			Conditions: []AuditCondition{
				{Name: "Age 18–25", Expr: "age < 26", Lift: 0.42, PValue: 0.00001, Verdict: "discriminates"},
				{Name: "Big city", Expr: "city_size == 'big'", Lift: 1.03, PValue: 0.61, Verdict: "pseudo_profiling"},
				{Name: "Cares about health", Expr: "'health' in interests", Lift: 0.98, PValue: 0.74, Verdict: "pseudo_profiling"},
			},
		}},
		Worksheet: []WorksheetAnswer{
			{Question: "effort", DataAnswer: "Marketplace buyers with two returns or more", TeamAnswer: "Customers who call before every order", Contacts: 410, Share: 0.0223},
			{Question: "slow_to_close", DataAnswer: "Corporate webinar attendees: 94 days on average", Contacts: 620, Share: 0.0337},
			{Question: "least_profit", DataAnswer: "Bargain hunters from the spring sale", Contacts: 870, Share: 0.0472},
		},
	}
}
