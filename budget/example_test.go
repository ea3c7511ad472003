package budget_test

import (
	"context"
	"fmt"

	"github.com/antipersona/antipersona/budget"
)

// Three contacts, one campaign that touched two of them, and a contact who
// engages but does not buy.
func ExampleAllocate() {
	contacts := []budget.Contact{
		{ID: "ann", Revenue: 300, Profit: 90, Groups: []string{"persona:loyal"}},
		{ID: "bob", Revenue: 0, Profit: -60, Groups: []string{"negative:browser"}, Excluded: true},
		{ID: "cy", Revenue: 50, Profit: 10},
	}
	costs := []budget.Cost{
		{Campaign: "spring", Channel: "email", Amount: 100}, // 50 each to ann and bob
		{ContactID: "bob", Kind: budget.KindAcquisition, Amount: 20},
		{Campaign: "summer", Channel: "tv", Amount: 30}, // touched nobody
	}
	touches := []budget.Touch{
		{ContactID: "ann", Campaign: "spring", Channel: "email"},
		{ContactID: "bob", Campaign: "spring", Channel: "email"},
		{ContactID: "bob", Campaign: "spring", Channel: "email"},
	}
	r, err := budget.Allocate(context.Background(), contacts, costs, touches, budget.Options{Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("total %.0f = allocated %.0f + unallocated %.0f\n", r.TotalSpend, r.AllocatedSpend, r.UnallocatedSpend)
	for _, g := range r.Groups {
		fmt.Printf("%-16s %d contacts, spend %3.0f, revenue %3.0f, ROI %.2f\n", g.Group, g.Contacts, g.Spend, g.Revenue, g.ROI())
	}
	for _, c := range r.Channels {
		fmt.Printf("%-16s spend %3.0f, revenue %3.0f\n", c.Channel, c.Spend, c.Revenue)
	}
	neg := r.Reach(budget.HasPrefix("negative:"))
	fmt.Printf("negative personas got %.0f %% of the spend\n", 100*neg.Share)
	w := r.WhatIf
	fmt.Printf("excluding them saves %.0f, loses %.0f revenue; ROI %.2f -> %.2f\n", w.Saved, w.LostRevenue, w.ROIBefore(), w.ROIAfter())
	// Output:
	// total 150 = allocated 120 + unallocated 30
	// negative:browser 1 contacts, spend  70, revenue   0, ROI -1.00
	// persona:loyal    1 contacts, spend  50, revenue 300, ROI 5.00
	// (no group)       1 contacts, spend   0, revenue  50, ROI NaN
	// email            spend 100, revenue 300
	// (no channel)     spend  20, revenue   0
	// (no paid spend)  spend   0, revenue  50
	// negative personas got 47 % of the spend
	// excluding them saves 70, loses 0 revenue; ROI 1.33 -> 3.38
}
