package budget

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/antipersona/antipersona"
)

const tol = 1e-9

func near(got, want float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// The hand-computed fixture: six contacts, three campaigns (spring,
// retarget, and ghost, which touched nobody), channel spend on display (and
// on podcast, which touched nobody), direct acquisition and contact costs,
// support costs, overlapping groups.
//
// Allocation (every figure by hand):
//
//	spring   = 90 + 30 = 120 (rows 4, 5; row 10 is support) over its
//	           distinct contacts {c1, c2, c3} (c1 touched twice) = 40 each,
//	           channel email
//	retarget = 60 over {c2, c3, c6} = 20 each; the row has no channel,
//	           all its touches are social, so channel social
//	display  = 45 (channel spend) over the distinct contacts touched in
//	           display {c4, c6, c1} (c1 by campaign winter, which has no
//	           spend) = 15 each
//	ghost 70 and podcast 25 touched nobody: unallocated 95
//	direct   = c1 acquisition 10 (search), c2 acquisition 20 (row 1, empty
//	           kind on a contact row; social), c4 contact 6 (no channel);
//	           c3's 15 and spring's 5 are support, not spend
//
//	TotalSpend = 10+20+6+90+30+60+70+45+25 = 356, Support = 15+5 = 20
//	Allocated  = 36 + 120 + 60 + 45 = 261, Unallocated = 70+25 = 95
//
//	contact  rev  profit  shares                                    spend
//	c1       650   130    acq/search 10, spring 40, display 15        65
//	c2         0   -40    acq/social 20, spring 40, retarget 20       80
//	c3        60   -15    spring 40, retarget 20                      60
//	c4       210    70    contact/(no channel) 6, display 15          21
//	c5       100    30    —                                            0
//	c6        70     7    retarget 20, display 15                     35
//	total   1090   182                                               261
//
// Revenue and profit attributed in proportion to spend (rev/spend,
// profit/spend): c1 10, 2; c2 0, −0.5; c3 1, −0.25; c4 10, 10/3; c6 2, 0.2;
// c5 goes whole to (no paid spend). Per contact and channel
// (spend, revenue, profit):
//
//	c1: search (10, 100, 20), email (40, 400, 80), display (15, 150, 30)
//	c2: social (20+20, 0, −20), email (40, 0, −20)
//	c3: email (40, 40, −10), social (20, 20, −5)
//	c4: (no channel) (6, 60, 20), display (15, 150, 50)
//	c6: social (20, 40, 4), display (15, 30, 3)
//
// and per contact and campaign: c1 spring (40, 400, 80), channel: display
// (15, 150, 30), direct: acquisition (10, 100, 20); c2 direct: acquisition
// (20, 0, −10), spring (40, 0, −20), retarget (20, 0, −10); c3 spring
// (40, 40, −10), retarget (20, 20, −5); c4 direct: contact (6, 60, 20),
// channel: display (15, 150, 50); c6 retarget (20, 40, 4), channel: display
// (15, 30, 3). The rows below are sums of these.
func fixture() ([]Contact, []Cost, []Touch) {
	contacts := []Contact{
		{ID: "c1", Revenue: 650, Profit: 130, Groups: []string{"persona:a"}},
		{ID: "c2", Revenue: 0, Profit: -40, Groups: []string{"persona:a", "negative:n1"}, Excluded: true},
		{ID: "c3", Revenue: 60, Profit: -15, Groups: []string{"negative:n1", "negative:n2", "negative:n1"}, Excluded: true},
		{ID: "c4", Revenue: 210, Profit: 70, Groups: []string{"persona:b"}},
		{ID: "c5", Revenue: 100, Profit: 30},
		{ID: "c6", Revenue: 70, Profit: 7, Groups: []string{"persona:b", "negative:n2"}, Excluded: true},
	}
	costs := []Cost{
		0:  {ContactID: "c1", Channel: "search", Kind: KindAcquisition, Amount: 10},
		1:  {ContactID: "c2", Channel: "social", Amount: 20},
		2:  {ContactID: "c3", Kind: KindSupport, Amount: 15},
		3:  {ContactID: "c4", Kind: KindContact, Amount: 6},
		4:  {Campaign: "spring", Channel: "email", Amount: 90},
		5:  {Campaign: "spring", Channel: "email", Kind: KindContact, Amount: 30},
		6:  {Campaign: "retarget", Amount: 60},
		7:  {Campaign: "ghost", Channel: "tv", Amount: 70},
		8:  {Channel: "display", Amount: 45},
		9:  {Channel: "podcast", Amount: 25},
		10: {Campaign: "spring", Kind: KindSupport, Amount: 5},
	}
	touches := []Touch{
		{"c1", "spring", "email"},
		{"c1", "spring", "email"},
		{"c2", "spring", "email"},
		{"c3", "spring", "email"},
		{"c2", "retarget", "social"},
		{"c3", "retarget", "social"},
		{"c6", "retarget", "social"},
		{"c4", "", "display"},
		{"c6", "", "display"},
		{"c1", "winter", "display"},
	}
	return contacts, costs, touches
}

func allocateFixture(t *testing.T, opt Options) *Report {
	t.Helper()
	contacts, costs, touches := fixture()
	r, err := Allocate(context.Background(), contacts, costs, touches, opt)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestAllocateTotals(t *testing.T) {
	r := allocateFixture(t, Options{Seed: 1})
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"TotalSpend", r.TotalSpend, 356},
		{"AllocatedSpend", r.AllocatedSpend, 261},
		{"UnallocatedSpend", r.UnallocatedSpend, 95},
		{"SupportCost", r.SupportCost, 20},
		{"c1", r.ContactSpend[0], 65},
		{"c2", r.ContactSpend[1], 80},
		{"c3", r.ContactSpend[2], 60},
		{"c4", r.ContactSpend[3], 21},
		{"c5", r.ContactSpend[4], 0},
		{"c6", r.ContactSpend[5], 35},
	} {
		if !near(tc.got, tc.want) {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	unalloc := map[string]float64{}
	for _, s := range r.Unallocated {
		src := r.Sources[s.Source]
		unalloc[src.Name()+"/"+src.Channel] += s.Amount
	}
	wantUnalloc := map[string]float64{"ghost/tv": 70, "channel: podcast/podcast": 25}
	if len(unalloc) != len(wantUnalloc) {
		t.Errorf("Unallocated = %v, want %v", unalloc, wantUnalloc)
	}
	for k, want := range wantUnalloc {
		if !near(unalloc[k], want) {
			t.Errorf("Unallocated[%s] = %v, want %v", k, unalloc[k], want)
		}
	}
}

func TestAllocateShares(t *testing.T) {
	r := allocateFixture(t, Options{})
	// source name / channel -> amount, per contact (see fixture).
	want := []map[string]float64{
		{"direct: acquisition/search": 10, "spring/email": 40, "channel: display/display": 15},
		{"direct: acquisition/social": 20, "spring/email": 40, "retarget/social": 20},
		{"spring/email": 40, "retarget/social": 20},
		{"direct: contact/": 6, "channel: display/display": 15},
		{},
		{"retarget/social": 20, "channel: display/display": 15},
	}
	for i, w := range want {
		got := map[string]float64{}
		for _, s := range r.Shares(i) {
			src := r.Sources[s.Source]
			k := src.Name() + "/" + src.Channel
			if _, dup := got[k]; dup {
				t.Errorf("contact %d: two shares of %s", i, k)
			}
			got[k] = s.Amount
		}
		if len(got) != len(w) {
			t.Errorf("contact %d: shares %v, want %v", i, got, w)
			continue
		}
		for k, x := range w {
			if !near(got[k], x) {
				t.Errorf("contact %d: share %s = %v, want %v", i, k, got[k], x)
			}
		}
	}
}

func checkRows(t *testing.T, name string, got, want []Row) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d rows, want %d:\ngot  %+v\nwant %+v", name, len(got), len(want), got, want)
		return
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Group != w.Group || g.Channel != w.Channel || g.Campaign != w.Campaign || g.Contacts != w.Contacts ||
			!near(g.Spend, w.Spend) || !near(g.Revenue, w.Revenue) || !near(g.Profit, w.Profit) {
			t.Errorf("%s row %d:\ngot  %+v\nwant %+v", name, i, g, w)
		}
	}
}

func TestAllocateRows(t *testing.T) {
	r := allocateFixture(t, Options{})
	const (
		n1, n2, pa, pb = "negative:n1", "negative:n2", "persona:a", "persona:b"
		disp           = "channel: display"
		acq, cont      = "direct: acquisition", "direct: contact"
	)
	for _, tc := range []struct {
		name      string
		got, want []Row
	}{
		{"All", []Row{r.All}, []Row{{Contacts: 6, Spend: 261, Revenue: 1090, Profit: 182}}},
		// c3 lists negative:n1 twice: it counts once.
		{"Groups", r.Groups, []Row{
			{Group: n1, Contacts: 2, Spend: 80 + 60, Revenue: 0 + 60, Profit: -40 - 15},
			{Group: n2, Contacts: 2, Spend: 60 + 35, Revenue: 60 + 70, Profit: -15 + 7},
			{Group: pa, Contacts: 2, Spend: 65 + 80, Revenue: 650 + 0, Profit: 130 - 40},
			{Group: pb, Contacts: 2, Spend: 21 + 35, Revenue: 210 + 70, Profit: 70 + 7},
			{Group: NoGroup, Contacts: 1, Spend: 0, Revenue: 100, Profit: 30},
		}},
		{"Channels", r.Channels, []Row{
			{Channel: "display", Contacts: 3, Spend: 45, Revenue: 150 + 150 + 30, Profit: 30 + 50 + 3},
			{Channel: "email", Contacts: 3, Spend: 120, Revenue: 400 + 0 + 40, Profit: 80 - 20 - 10},
			{Channel: "search", Contacts: 1, Spend: 10, Revenue: 100, Profit: 20},
			{Channel: "social", Contacts: 3, Spend: 40 + 20 + 20, Revenue: 0 + 20 + 40, Profit: -20 - 5 + 4},
			{Channel: NoChannel, Contacts: 1, Spend: 6, Revenue: 60, Profit: 20},
			{Channel: NoSpend, Contacts: 1, Spend: 0, Revenue: 100, Profit: 30},
		}},
		// Campaigns by name, then channel spend, then direct costs.
		{"Campaigns", r.Campaigns, []Row{
			{Campaign: "retarget", Contacts: 3, Spend: 60, Revenue: 0 + 20 + 40, Profit: -10 - 5 + 4},
			{Campaign: "spring", Contacts: 3, Spend: 120, Revenue: 400 + 0 + 40, Profit: 80 - 20 - 10},
			{Campaign: disp, Contacts: 3, Spend: 45, Revenue: 330, Profit: 83},
			{Campaign: acq, Contacts: 2, Spend: 30, Revenue: 100 + 0, Profit: 20 - 10},
			{Campaign: cont, Contacts: 1, Spend: 6, Revenue: 60, Profit: 20},
			{Campaign: NoSpend, Contacts: 1, Spend: 0, Revenue: 100, Profit: 30},
		}},
		{"GroupChannels", r.GroupChannels, []Row{
			{Group: n1, Channel: "email", Contacts: 2, Spend: 80, Revenue: 0 + 40, Profit: -20 - 10},
			{Group: n1, Channel: "social", Contacts: 2, Spend: 60, Revenue: 0 + 20, Profit: -20 - 5},
			{Group: n2, Channel: "display", Contacts: 1, Spend: 15, Revenue: 30, Profit: 3},
			{Group: n2, Channel: "email", Contacts: 1, Spend: 40, Revenue: 40, Profit: -10},
			{Group: n2, Channel: "social", Contacts: 2, Spend: 40, Revenue: 20 + 40, Profit: -5 + 4},
			{Group: pa, Channel: "display", Contacts: 1, Spend: 15, Revenue: 150, Profit: 30},
			{Group: pa, Channel: "email", Contacts: 2, Spend: 80, Revenue: 400, Profit: 80 - 20},
			{Group: pa, Channel: "search", Contacts: 1, Spend: 10, Revenue: 100, Profit: 20},
			{Group: pa, Channel: "social", Contacts: 1, Spend: 40, Revenue: 0, Profit: -20},
			{Group: pb, Channel: "display", Contacts: 2, Spend: 30, Revenue: 150 + 30, Profit: 50 + 3},
			{Group: pb, Channel: "social", Contacts: 1, Spend: 20, Revenue: 40, Profit: 4},
			{Group: pb, Channel: NoChannel, Contacts: 1, Spend: 6, Revenue: 60, Profit: 20},
			{Group: NoGroup, Channel: NoSpend, Contacts: 1, Spend: 0, Revenue: 100, Profit: 30},
		}},
		{"GroupCampaigns", r.GroupCampaigns, []Row{
			{Group: n1, Campaign: "retarget", Contacts: 2, Spend: 40, Revenue: 0 + 20, Profit: -10 - 5},
			{Group: n1, Campaign: "spring", Contacts: 2, Spend: 80, Revenue: 0 + 40, Profit: -20 - 10},
			{Group: n1, Campaign: acq, Contacts: 1, Spend: 20, Revenue: 0, Profit: -10},
			{Group: n2, Campaign: "retarget", Contacts: 2, Spend: 40, Revenue: 20 + 40, Profit: -5 + 4},
			{Group: n2, Campaign: "spring", Contacts: 1, Spend: 40, Revenue: 40, Profit: -10},
			{Group: n2, Campaign: disp, Contacts: 1, Spend: 15, Revenue: 30, Profit: 3},
			{Group: pa, Campaign: "retarget", Contacts: 1, Spend: 20, Revenue: 0, Profit: -10},
			{Group: pa, Campaign: "spring", Contacts: 2, Spend: 80, Revenue: 400, Profit: 80 - 20},
			{Group: pa, Campaign: disp, Contacts: 1, Spend: 15, Revenue: 150, Profit: 30},
			{Group: pa, Campaign: acq, Contacts: 2, Spend: 30, Revenue: 100, Profit: 20 - 10},
			{Group: pb, Campaign: "retarget", Contacts: 1, Spend: 20, Revenue: 40, Profit: 4},
			{Group: pb, Campaign: disp, Contacts: 2, Spend: 30, Revenue: 150 + 30, Profit: 50 + 3},
			{Group: pb, Campaign: cont, Contacts: 1, Spend: 6, Revenue: 60, Profit: 20},
			{Group: NoGroup, Campaign: NoSpend, Contacts: 1, Spend: 0, Revenue: 100, Profit: 30},
		}},
	} {
		checkRows(t, tc.name, tc.got, tc.want)
	}
}

func TestRowRatios(t *testing.T) {
	r := allocateFixture(t, Options{})
	for _, tc := range []struct {
		name              string
		row               Row
		wantROI, wantROAS float64
	}{
		// (650 − 145) / 145 and 650 / 145.
		{"persona:a", r.Groups[2], 505.0 / 145, 650.0 / 145},
		// (280 − 56) / 56 = 4 and 280 / 56 = 5.
		{"persona:b", r.Groups[3], 4, 5},
		// (60 − 140) / 140 = −4/7 and 60 / 140 = 3/7.
		{"negative:n1", r.Groups[0], -4.0 / 7, 3.0 / 7},
		// No spend: undefined.
		{"no group", r.Groups[4], math.NaN(), math.NaN()},
	} {
		if tc.row.Group != tc.name && tc.row.Group != NoGroup {
			t.Fatalf("row %q, want %q", tc.row.Group, tc.name)
		}
		if got := tc.row.ROI(); !near(got, tc.wantROI) {
			t.Errorf("%s: ROI = %v, want %v", tc.name, got, tc.wantROI)
		}
		if got := tc.row.ROAS(); !near(got, tc.wantROAS) {
			t.Errorf("%s: ROAS = %v, want %v", tc.name, got, tc.wantROAS)
		}
	}
}

func TestReach(t *testing.T) {
	r := allocateFixture(t, Options{})
	for _, tc := range []struct {
		name   string
		prefix string
		want   Reach
	}{
		// c2, c3 (in two negative groups, counted once), c6.
		{"negative", "negative:", Reach{Contacts: 3, Spend: 80 + 60 + 35, Revenue: 0 + 60 + 70, Profit: -40 - 15 + 7, Share: 175.0 / 356}},
		// c1, c2, c4, c6.
		{"persona", "persona:", Reach{Contacts: 4, Spend: 65 + 80 + 21 + 35, Revenue: 650 + 0 + 210 + 70, Profit: 130 - 40 + 70 + 7, Share: 201.0 / 356}},
		{"none", "action:", Reach{Share: 0}},
	} {
		got := r.Reach(HasPrefix(tc.prefix))
		if got.Contacts != tc.want.Contacts || !near(got.Spend, tc.want.Spend) || !near(got.Revenue, tc.want.Revenue) ||
			!near(got.Profit, tc.want.Profit) || !near(got.Share, tc.want.Share) {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestWhatIf(t *testing.T) {
	r := allocateFixture(t, Options{Seed: 42})
	w := r.WhatIf
	// Excluded: c2, c3, c6.
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"Saved", w.Saved, 80 + 60 + 35},
		{"LostRevenue", w.LostRevenue, 0 + 60 + 70},
		{"LostProfit", w.LostProfit, -40 - 15 + 7},
		{"SpendBefore", w.SpendBefore, 356},
		{"SpendAfter", w.SpendAfter, 356 - 175},
		{"RevenueBefore", w.RevenueBefore, 1090},
		{"RevenueAfter", w.RevenueAfter, 1090 - 130},
		{"ROIBefore", w.ROIBefore(), (1090.0 - 356) / 356},
		{"ROIAfter", w.ROIAfter(), (960.0 - 181) / 181},
		{"ROASBefore", w.ROASBefore(), 1090.0 / 356},
		{"ROASAfter", w.ROASAfter(), 960.0 / 181},
		// Resamples of three revenues {0, 60, 70}: the 27 equally likely
		// triples give sum 0 (all 0) and 210 (all 70) each with
		// probability 1/27 ≈ 3.7 % > 2.5 %, so the exact 2.5 % and
		// 97.5 % quantiles are 0 and 210. With B = 2000 the 50th smallest
		// of the sums is 0 unless fewer than 50 of them are 0 (expected
		// 74, sd 8.4: about 0.2 % of seeds).
		{"LostRevenueLow", w.LostRevenueLow, 0},
		{"LostRevenueHigh", w.LostRevenueHigh, 210},
	} {
		if !near(tc.got, tc.want) {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	if w.Contacts != 3 || w.Resamples != 2000 || w.Level != 0.95 || w.Seed != 42 {
		t.Errorf("Contacts, Resamples, Level, Seed = %d, %d, %v, %d; want 3, 2000, 0.95, 42",
			w.Contacts, w.Resamples, w.Level, w.Seed)
	}
}

func TestWhatIfNoneExcluded(t *testing.T) {
	contacts, costs, touches := fixture()
	for i := range contacts {
		contacts[i].Excluded = false
	}
	r, err := Allocate(context.Background(), contacts, costs, touches, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := r.WhatIf
	if w.Contacts != 0 || w.Saved != 0 || w.LostRevenue != 0 || w.LostRevenueLow != 0 || w.LostRevenueHigh != 0 {
		t.Errorf("got %+v, want nothing excluded", w)
	}
	if !near(w.ROIAfter(), w.ROIBefore()) {
		t.Errorf("ROIAfter %v != ROIBefore %v", w.ROIAfter(), w.ROIBefore())
	}
}

func TestZeroSpend(t *testing.T) {
	contacts := []Contact{{ID: "a", Revenue: 10}}
	r, err := Allocate(context.Background(), contacts, nil, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(r.All.ROI()) || !math.IsNaN(r.WhatIf.ROIBefore()) || !math.IsNaN(r.Reach(HasPrefix("")).Share) {
		t.Errorf("ROI, ROIBefore, Reach share with no spend = %v, %v, %v; want NaN",
			r.All.ROI(), r.WhatIf.ROIBefore(), r.Reach(HasPrefix("")).Share)
	}
	checkRows(t, "Channels", r.Channels, []Row{{Channel: NoSpend, Contacts: 1, Revenue: 10}})
}

func TestAllocateErrors(t *testing.T) {
	ok := []Contact{{ID: "a"}, {ID: "b"}}
	for _, tc := range []struct {
		name     string
		contacts []Contact
		costs    []Cost
		touches  []Touch
		input    string
		row      int
	}{
		{"empty contact id", []Contact{{ID: "a"}, {}}, nil, nil, "contacts", 1},
		{"duplicate contact", []Contact{{ID: "a"}, {ID: "b"}, {ID: "a"}}, nil, nil, "contacts", 2},
		{"NaN revenue", []Contact{{ID: "a", Revenue: math.NaN()}}, nil, nil, "contacts", 0},
		{"infinite profit", []Contact{{ID: "a", Profit: math.Inf(-1)}}, nil, nil, "contacts", 0},
		{"NaN amount", ok, []Cost{{ContactID: "a", Amount: 1}, {Campaign: "x", Amount: math.NaN()}}, nil, "costs", 1},
		{"infinite amount", ok, []Cost{{Channel: "x", Amount: math.Inf(1)}}, nil, "costs", 0},
		{"negative amount", ok, []Cost{{ContactID: "a", Amount: 1}, {ContactID: "b", Amount: -1}}, nil, "costs", 1},
		{"unknown kind", ok, []Cost{{ContactID: "a", Kind: "bribe", Amount: 1}}, nil, "costs", 0},
		{"cost without target", ok, []Cost{{Amount: 1}}, nil, "costs", 0},
		{"cost of unknown contact", ok, []Cost{{ContactID: "z", Amount: 1}}, nil, "costs", 0},
		{"support of unknown contact", ok, []Cost{{ContactID: "z", Kind: KindSupport, Amount: 1}}, nil, "costs", 0},
		{"touch without contact", ok, nil, []Touch{{"a", "x", ""}, {"", "x", ""}}, "touches", 1},
		{"touch of unknown contact", ok, nil, []Touch{{"z", "x", ""}}, "touches", 0},
		{"touch without campaign or channel", ok, nil, []Touch{{"a", "", ""}}, "touches", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Allocate(context.Background(), tc.contacts, tc.costs, tc.touches, Options{})
			var de *DataError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want a *DataError", err)
			}
			if de.Input != tc.input || de.Row != tc.row {
				t.Errorf("error in %s row %d, want %s row %d (%v)", de.Input, de.Row, tc.input, tc.row, err)
			}
		})
	}
}

func TestAllocateCanceled(t *testing.T) {
	contacts, costs, touches := fixture()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Allocate(ctx, contacts, costs, touches, Options{})
	if !errors.Is(err, antipersona.ErrCanceled) || !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want ErrCanceled and context.Canceled", err)
	}
}

func TestOptionsPanic(t *testing.T) {
	for _, opt := range []Options{{Resamples: -1}, {Level: 1}, {Level: -0.5}, {Level: math.NaN()}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Options %+v: no panic", opt)
				}
			}()
			Allocate(context.Background(), nil, nil, nil, opt)
		}()
	}
}
