package generate

import (
	"fmt"
	"time"
)

// Marketing calendar of the demo shop (all times UTC).

// campaign is a marketing campaign whose spend is split over its touches.
type campaign struct {
	name    string
	channel string
	cents   int64 // mean cost of one touch, in hundredths of PLN
}

const (
	campNewsletter = iota
	campWebinarPromo
	campRetargeting
	campProspecting
	campSearchBrand
	campXmas
	numCampaigns
)

var campaigns = [numCampaigns]campaign{
	campNewsletter:   {"newsletter", "email", 3},
	campWebinarPromo: {"webinar_promo", "email", 40},
	campRetargeting:  {"retargeting", "paid_social", 90},
	campProspecting:  {"paid_social_prospecting", "paid_social", 110},
	campSearchBrand:  {"search_brand", "paid_search", 160},
	campXmas:         {"xmas_gifts", "paid_social", 100},
}

// numDays is the number of calendar days from period1Start to period2End.
var numDays = int((period2End-period1Start)/day) + 1

func date(y int, m time.Month, d int) int64 { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() }

// window is a half-open time range [from, to).
type window struct{ from, to int64 }

var (
	// newsletter: every fourth Tuesday at 09:00 UTC
	newsletterSends []int64
	newsletterIDs   []string
	// webinars: second Thursday of each month at 17:00 UTC
	webinarTimes []int64
	webinarIDs   []string
	// sale windows (bargain hunters buy in these; discounts are likelier)
	saleWindows = []window{
		{date(2024, 1, 2), date(2024, 1, 22)},
		{date(2024, 6, 24), date(2024, 7, 15)},
		{date(2024, 11, 25), date(2024, 12, 3)},
		{date(2025, 1, 2), date(2025, 1, 20)},
		{date(2025, 6, 23), date(2025, 7, 14)},
		{date(2025, 11, 24), date(2025, 12, 2)},
	}
	// gift season (seasonal buyers) and the Christmas campaign
	giftSeasons = []window{
		{date(2024, 11, 15), date(2024, 12, 23)},
		{date(2025, 11, 15), date(2025, 12, 23)},
	}
	xmasCampaigns = []window{
		{date(2024, 11, 8), date(2024, 12, 22)},
		{date(2025, 11, 8), date(2025, 12, 22)},
	}
)

func init() {
	for t := date(2024, 1, 2) + 9*3600; t <= period2End; t += 28 * day {
		newsletterSends = append(newsletterSends, t)
		newsletterIDs = append(newsletterIDs, "nl-"+time.Unix(t, 0).UTC().Format(time.DateOnly))
	}
	for y := 2024; y <= 2025; y++ {
		for m := time.January; m <= time.December; m++ {
			d := time.Date(y, m, 1, 17, 0, 0, 0, time.UTC)
			for d.Weekday() != time.Thursday {
				d = d.AddDate(0, 0, 1)
			}
			d = d.AddDate(0, 0, 7)
			webinarTimes = append(webinarTimes, d.Unix())
			webinarIDs = append(webinarIDs, fmt.Sprintf("wb-%04d-%02d", y, int(m)))
		}
	}
}

// returnHandling is what one return costs the shop beyond the lost margin
// (reverse shipping, inspection, repacking), in cents.
const returnHandling = 2500

func inSale(t int64) bool {
	for _, w := range saleWindows {
		if t >= w.from && t < w.to {
			return true
		}
	}
	return false
}
