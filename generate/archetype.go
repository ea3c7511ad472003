package generate

// Archetype describes one kind of synthetic contact of the demo shop.
type Archetype struct {
	// Name is the identifier written to truth.csv (premium_considered, mimic, ...).
	Name string
	// Negative reports whether the archetype is a negative persona: people
	// the shop should not pay to reach, although some of them buy.
	Negative bool
	// Share is the expected fraction of contacts drawn with this archetype.
	// It is 0 for lapsed, which only appears as a period-2 archetype.
	Share float64
	// Description says who they are, what gives them away and how they change.
	Description string
}

// Archetype names.
const (
	PremiumConsidered = "premium_considered"
	LoyalRegular      = "loyal_regular"
	SeasonalGift      = "seasonal_gift"
	Impulse           = "impulse"
	HiddenRetirees    = "hidden_retirees"
	Mimic             = "mimic"
	StudentResearcher = "student_researcher"
	CantAffordFan     = "cant_afford_fan"
	SerialReturner    = "serial_returner"
	Complainer        = "complainer"
	BargainOnly       = "bargain_only"
	ExpensivePaidLead = "expensive_paid_lead"
	FastChurner       = "fast_churner"
	Casual            = "casual"
	Lapsed            = "lapsed"
)

// Archetypes lists the archetypes in a fixed order: positives, negatives,
// casual, then lapsed (period 2 only). The shares of the first 14 sum to 1.
// The returned slice is a copy.
func Archetypes() []Archetype {
	out := make([]Archetype, len(profiles))
	for i, p := range profiles {
		out[i] = p.Archetype
	}
	return out
}

type planKind uint8

const (
	planRegular  planKind = iota // first purchase after a delay, then gamma-distributed gaps
	planSeasonal                 // orders in the November–December gift season
	planSales                    // orders in the sale windows
)

// profile holds the generating parameters of one archetype. Traits not
// drawn from the profile's own tables come from the population tables
// (traitNoise), so every archetype overlaps the others.
type profile struct {
	Archetype
	id int

	// traits known at lead time
	ageMu, ageSD   float64
	ageMin, ageMax int
	female         float64
	occupation     table
	incomeFactor   float64
	education      table
	household      table
	interests      table
	nInterests     float64 // mean number of interests
	lead           table
	device         table
	newsletter     float64

	// browsing
	daypart     int
	sessions    float64 // sessions per 30 days right after sign-up
	floor       float64 // long-run session rate as a share of the sign-up rate
	decay       float64 // e-folding time of the sign-up burst, days
	pages       float64 // mean page views per session
	dur         float64 // median seconds on a page
	pageMix     []float64
	cats        []float64 // product category preferences (cumulative)
	cart        float64   // Product Added per browsing session
	wish        float64   // Product Added to Wishlist per session
	abandon     float64   // Checkout Started (then abandoned) given a cart add
	open, click float64   // newsletter open rate, click rate given open
	webinar     float64   // registers when reached by a webinar promotion
	attend      float64
	trial       float64
	anon        float64 // browses anonymously before signing up
	socialReach float64 // paid_social_prospecting touches per 30 days
	xmasReach   float64
	paidSearch  float64 // share of sessions arriving from paid search

	// purchases
	plan               planKind
	buy                float64 // probability of buying at all
	firstMin, firstMax float64 // days from sign-up to the first order
	interval, shape    float64 // mean days between orders and gamma shape (regularity)
	maxOrders          int
	extraItems         float64
	priceSkew          float64 // < 1 favours expensive products
	multiQty           float64 // orders one item in several sizes
	discount           float64
	discMin, discMax   float64
	cancel, refund     float64
	partial            float64 // share of orders partly returned
	partMin, partMax   float64
	channel            table
	review             float64
	ratings            []float64 // cumulative over 1..5
	ticketsPerOrder    float64
	ticketsPerMonth    float64
	topics             []float64 // cumulative over ticketTopics

	// survey
	survey      float64
	theme       int
	satMu       float64
	goals       []float64 // cumulative over goalValues
	budgetShift float64
}

// Page kinds (indexes of pageNames).
const (
	pageHome = iota
	pageCategory
	pageProduct
	pageBlog
	pageSale
	pageWebinars
)

// Period-2 changes.
const (
	improverShare = 0.25 // of cant_afford_fan and student_researcher
	lapseShare    = 0.12 // of positives
	noiseChange   = 0.02 // of everybody else: a trait changes, behaviour does not
	silentShare   = 0.2  // of casual: no activity at all (1 % of all contacts)
	traitNoise    = 0.25 // a trait is drawn from the population instead of the archetype
	leadNoise     = 0.05 // the lead source is drawn from the population instead of the archetype
)

func base() *profile {
	return &profile{
		ageMu: 38, ageSD: 13, ageMin: 18, ageMax: 85, female: 0.55,
		occupation: popOccupation, incomeFactor: 1, education: popEducation, household: popHousehold,
		interests: popInterests, nInterests: 2.2, lead: popLead, device: popDevice, newsletter: 0.45,

		daypart: dayEvening, sessions: 0.35, floor: 0.3, decay: 60, pages: 2.5, dur: 40,
		pageMix: cumulative([]float64{2, 3, 4, 1, 1, 0.2}),
		cats:    cumulative([]float64{1, 1, 1, 1, 1, 1, 1}),
		cart:    0.08, wish: 0.03, abandon: 0.3, open: 0.15, click: 0.2, webinar: 0.02, attend: 0.5,
		trial: 0.02, anon: 0.3, socialReach: 0.1, xmasReach: 0.2, paidSearch: 0.06,

		plan: planRegular, buy: 0.2, firstMin: 10, firstMax: 200, interval: 150, shape: 1, maxOrders: 10,
		extraItems: 0.4, priceSkew: 1, multiQty: 0.03,
		discount: 0.15, discMin: 0.1, discMax: 0.2,
		cancel: 0.03, refund: 0.015, partial: 0.04, partMin: 0.3, partMax: 0.7,
		channel:         tab("web", 55, "app", 25, "store", 12, "marketplace", 8),
		review:          0.12,
		ratings:         cumulative([]float64{3, 5, 15, 40, 37}),
		ticketsPerOrder: 0.08, ticketsPerMonth: 0.015,
		topics: cumulative([]float64{30, 15, 5, 10, 15, 10, 10, 5}),

		survey: 0.2, theme: themeCasual, satMu: 7,
		goals: cumulative([]float64{2, 2, 1, 1, 1, 0.5, 1, 2}),
	}
}

// profiles is indexed by archetype id; the order is the order of Archetypes.
var profiles = buildProfiles()

func buildProfiles() []*profile {
	var ps []*profile
	add := func(name string, negative bool, share float64, desc string, set func(p *profile)) {
		p := base()
		p.Name, p.Negative, p.Share, p.Description = name, negative, share, desc
		p.id = len(ps)
		set(p)
		ps = append(ps, p)
	}

	add(PremiumConsidered, false, 0.10,
		"Analytical professionals around 35 (programmers, engineers, managers), above-average income, "+
			"often married with children, into music and technology; they research for weeks (many product "+
			"views, long pages, reviews, sometimes a webinar) and then buy high-value audio online.",
		func(p *profile) {
			p.ageMu, p.ageSD = 36, 8
			p.female = 0.35
			p.occupation = tab("programmer", 25, "engineer", 15, "manager", 15, "doctor", 8, "entrepreneur", 8,
				"accountant", 7, "marketing_specialist", 5, "office_worker", 10, "freelancer", 7)
			p.incomeFactor = 1.3
			p.education = tab("secondary", 10, "bachelor", 35, "master", 45, "doctorate", 10)
			p.household = tab("single", 20, "couple", 30, "family_with_children", 45, "single_parent", 5)
			p.interests = tab("music", 30, "technology", 25, "photography", 12, "travel", 15, "hiking", 8,
				"reading", 12, "cycling", 8, "film", 8, "running", 5)
			p.lead = tab("organic_search", 35, "paid_search", 15, "blog", 15, "referral", 15, "newsletter", 10, "social", 10, "webinar", 10)
			p.device = tab("desktop", 60, "mobile", 32, "tablet", 8)
			p.newsletter = 0.55
			p.sessions, p.floor, p.decay = 1.0, 0.25, 120
			p.pages, p.dur = 4, 75
			p.pageMix = cumulative([]float64{1, 2, 7, 1.5, 0.3, 0.3})
			p.cats = cumulative([]float64{8, 0.5, 0.5, 0.5, 0.5, 1, 0.5})
			p.cart, p.wish, p.abandon = 0.08, 0.08, 0.2
			p.open, p.click = 0.3, 0.25
			p.webinar, p.attend = 0.06, 0.6
			p.trial = 0.08
			p.anon = 0.5
			p.paidSearch = 0.1
			p.buy, p.firstMin, p.firstMax = 0.75, 45, 300
			p.interval, p.shape, p.maxOrders = 220, 2, 6
			p.extraItems, p.priceSkew = 0.3, 0.3
			p.discount = 0.08
			p.refund, p.partial = 0.01, 0.03
			p.channel = tab("web", 75, "app", 10, "store", 10, "marketplace", 5)
			p.review = 0.25
			p.ratings = cumulative([]float64{1, 2, 8, 40, 49})
			p.theme, p.satMu = themeQuality, 8.5
			p.goals = cumulative([]float64{8, 0.5, 0.5, 1, 1, 1, 0.5, 1})
			p.budgetShift = 1
		})

	add(LoyalRegular, false, 0.085,
		"Steady customers of every age, medium income, newsletter readers who come back every month or so "+
			"for medium-value basics; regular intervals, few returns, good reviews.",
		func(p *profile) {
			p.ageMu, p.ageSD = 41, 10
			p.female = 0.6
			p.occupation = tab("office_worker", 20, "teacher", 10, "nurse", 8, "accountant", 8, "sales_rep", 8,
				"manager", 8, "engineer", 6, "programmer", 4, "freelancer", 5, "driver", 5, "retired", 5, "shop_assistant", 5)
			p.household = tab("single", 20, "couple", 30, "family_with_children", 40, "single_parent", 10)
			p.interests = tab("cooking", 20, "home_decor", 18, "reading", 15, "gardening", 10, "fashion", 10,
				"travel", 10, "yoga", 6, "film", 8)
			p.lead = tab("newsletter", 25, "organic_search", 25, "referral", 20, "social", 10, "paid_search", 10, "offline", 10, "marketplace", 3)
			p.newsletter = 0.85
			p.sessions, p.floor, p.decay = 0.35, 0.7, 60
			p.cats = cumulative([]float64{1, 3, 3, 2, 1.5, 3, 1.5})
			p.open, p.click = 0.45, 0.3
			p.cart = 0.12
			p.buy, p.firstMin, p.firstMax = 0.92, 3, 45
			p.interval, p.shape, p.maxOrders = 50, 6, 40
			p.extraItems = 0.5
			p.discount = 0.2
			p.partial, p.refund = 0.03, 0.01
			p.review = 0.15
			p.ratings = cumulative([]float64{1, 2, 10, 45, 42})
			p.theme, p.satMu = themeLoyal, 8.3
			p.goals = cumulative([]float64{3, 2, 0.5, 2, 0.5, 0.2, 1, 4})
		})

	add(SeasonalGift, false, 0.095,
		"Parents and grandparents in their 40s–50s who shop almost only from mid-November to Christmas, "+
			"for gifts; quiet the rest of the year, reached well by the Christmas campaign.",
		func(p *profile) {
			p.ageMu, p.ageSD = 47, 11
			p.household = tab("single", 10, "couple", 30, "family_with_children", 50, "single_parent", 10)
			p.interests = tab("travel", 15, "cooking", 15, "crafts", 10, "home_decor", 15, "reading", 10,
				"parenting", 10, "film", 8, "gardening", 7)
			p.lead = tab("organic_search", 30, "paid_search", 25, "social", 15, "paid_social", 10, "referral", 10, "newsletter", 10, "coupon_site", 3, "lead_ads", 5)
			p.sessions, p.floor, p.decay = 0.3, 0.5, 30
			p.cats = cumulative([]float64{2, 1, 2, 1, 1, 2, 6})
			p.xmasReach = 0.9
			p.plan, p.buy = planSeasonal, 0.85
			p.extraItems = 0.8
			p.discount, p.discMin, p.discMax = 0.3, 0.1, 0.15
			p.review = 0.1
			p.theme, p.satMu = themeGifts, 7.8
			p.goals = cumulative([]float64{1, 1, 8, 0.5, 0.5, 0.2, 0.5, 1})
		})

	add(Impulse, false, 0.08,
		"Young social-media users (mid-20s), mobile app, fashion and beauty; few short sessions and a "+
			"purchase within a day or two of a social ad, then again at irregular intervals.",
		func(p *profile) {
			p.ageMu, p.ageSD = 27, 6
			p.occupation = tab("sales_rep", 15, "marketing_specialist", 15, "shop_assistant", 12, "freelancer", 12,
				"office_worker", 20, "student", 10, "programmer", 6, "driver", 5, "manager", 5)
			p.household = tab("single", 45, "couple", 30, "with_parents", 15, "family_with_children", 10)
			p.interests = tab("fashion", 25, "beauty", 18, "music", 15, "gaming", 8, "film", 12, "fitness", 10, "travel", 12)
			p.lead = tab("social", 35, "paid_social", 30, "organic_search", 15, "referral", 10, "paid_search", 10, "giveaway", 8, "influencer", 4, "welcome_offer", 3)
			p.device = tab("mobile", 85, "desktop", 10, "tablet", 5)
			p.newsletter = 0.3
			p.sessions, p.floor, p.decay = 0.3, 0.5, 20
			p.pages, p.dur = 2, 20
			p.cats = cumulative([]float64{1.5, 0.5, 1, 5, 2, 1, 1.5})
			p.anon = 0.05
			p.socialReach = 0.4
			p.buy, p.firstMin, p.firstMax = 0.5, 0, 2
			p.interval, p.shape, p.maxOrders = 110, 1, 8
			p.extraItems = 0.2
			p.channel = tab("app", 55, "web", 35, "marketplace", 8, "store", 2)
			p.theme, p.satMu = themeImpulse, 7.5
			p.goals = cumulative([]float64{1, 1, 1, 0.5, 1, 0.2, 5, 3})
		})

	add(HiddenRetirees, false, 0.09,
		"Retired women and men of 60+ (mostly women) from referrals, the shop or organic search — the group "+
			"the shop's declared persona \"young urban trend-setters\" ignores. Morning visits on desktop or "+
			"tablet, repeat purchases of comfortable trousers and knitwear, high margin, few returns.",
		func(p *profile) {
			p.ageMu, p.ageSD, p.ageMin = 67, 6, 55
			p.female = 0.75
			p.occupation = tab("retired", 80, "teacher", 5, "nurse", 4, "entrepreneur", 3, "office_worker", 8)
			p.incomeFactor = 1.05
			p.education = tab("primary", 5, "secondary", 40, "vocational", 25, "bachelor", 18, "master", 12)
			p.household = tab("single", 35, "couple", 50, "family_with_children", 5, "with_parents", 0, "single_parent", 10)
			p.interests = tab("gardening", 25, "cooking", 20, "reading", 20, "crafts", 15, "travel", 10, "film", 5, "home_decor", 5)
			p.lead = tab("referral", 30, "offline", 30, "organic_search", 25, "newsletter", 5, "paid_search", 10)
			p.device = tab("desktop", 45, "tablet", 25, "mobile", 30)
			p.newsletter = 0.5
			p.daypart = dayMorning
			p.sessions, p.floor, p.decay = 0.35, 0.8, 60
			p.pages, p.dur = 3, 60
			p.cats = cumulative([]float64{0.3, 6, 4, 0.5, 0.3, 1, 2})
			p.anon = 0.15
			p.buy, p.firstMin, p.firstMax = 0.9, 5, 60
			p.interval, p.shape, p.maxOrders = 55, 3, 25
			p.extraItems, p.priceSkew, p.multiQty = 0.5, 0.8, 0.1
			p.discount = 0.1
			p.cancel, p.refund, p.partial = 0.01, 0.005, 0.015
			p.channel = tab("web", 45, "store", 40, "app", 5, "marketplace", 10)
			p.review = 0.2
			p.ratings = cumulative([]float64{0.5, 1, 6, 35, 57})
			p.ticketsPerOrder = 0.04
			p.theme, p.satMu = themeComfort, 8.8
			p.goals = cumulative([]float64{3, 1, 2, 6, 0.2, 0.1, 0.2, 1})
		})

	add(Mimic, true, 0.135,
		"\"Natalia, 32, loves yoga\": corporate employees around 32, mostly women, good income, yoga and "+
			"travel, newsletter subscribers who came through a webinar. They look like the ideal buyer — "+
			"many sessions, email opens and clicks, webinars, free trials, retargeting — and never buy.",
		func(p *profile) {
			p.ageMu, p.ageSD = 32, 5
			p.female = 0.7
			p.occupation = tab("office_worker", 25, "manager", 20, "marketing_specialist", 25, "programmer", 10, "accountant", 10, "sales_rep", 10)
			p.incomeFactor = 1.15
			p.education = tab("secondary", 10, "bachelor", 40, "master", 50)
			p.household = tab("single", 45, "couple", 35, "family_with_children", 15, "with_parents", 5)
			p.interests = tab("yoga", 25, "fitness", 12, "travel", 18, "beauty", 10, "reading", 10, "sustainability", 12, "cooking", 6, "music", 7)
			p.nInterests = 3
			p.lead = tab("webinar", 90, "paid_social", 5, "newsletter", 5)
			p.device = tab("mobile", 50, "desktop", 45, "tablet", 5)
			p.newsletter = 0.9
			p.daypart = dayOffice
			p.sessions, p.floor, p.decay = 0.7, 0.8, 90
			p.pages, p.dur = 4, 70
			p.pageMix = cumulative([]float64{2, 2, 3, 3, 0.5, 1.5})
			p.cats = cumulative([]float64{1, 0.5, 1, 2, 5, 2, 1})
			p.cart, p.wish, p.abandon = 0.12, 0.12, 0.25
			p.open, p.click = 0.75, 0.4
			p.webinar, p.attend = 0.4, 0.75
			p.trial = 0.6
			p.anon = 0.35
			p.socialReach = 0.5
			p.buy = 0
			p.survey = 0.3
			p.theme, p.satMu = themeInspiration, 8
			p.goals = cumulative([]float64{2, 0.5, 0.5, 1, 6, 0.5, 2, 1})
		})

	add(StudentResearcher, true, 0.10,
		"Students aged 19–25 from the blog, late-night desktop sessions with many product "+
			"views and long reads (\"researching for my thesis\"); they rarely or never buy. A quarter graduate "+
			"in period 2 and start buying.",
		func(p *profile) {
			p.ageMu, p.ageSD, p.ageMin, p.ageMax = 22, 2, 19, 25
			p.occupation = tab("student", 85, "freelancer", 5, "shop_assistant", 5, "programmer", 5)
			p.incomeFactor = 0.9
			p.education = tab("secondary", 60, "bachelor", 35, "master", 5)
			p.household = tab("with_parents", 45, "single", 45, "couple", 10)
			p.interests = tab("technology", 25, "gaming", 20, "music", 20, "reading", 15, "film", 10, "photography", 10)
			p.lead = tab("blog", 90, "organic_search", 10)
			p.device = tab("desktop", 55, "mobile", 40, "tablet", 5)
			p.newsletter = 0.35
			p.daypart = dayNight
			p.sessions, p.floor, p.decay = 0.9, 0.5, 60
			p.pages, p.dur = 4, 90
			p.pageMix = cumulative([]float64{1, 2, 6, 3, 0.3, 0.5})
			p.cats = cumulative([]float64{6, 0.5, 0.5, 1, 0.5, 1.5, 0.5})
			p.cart, p.wish, p.abandon = 0.03, 0.05, 0.2
			p.open, p.click = 0.2, 0.3
			p.webinar, p.attend = 0.12, 0.6
			p.trial = 0.3
			p.anon = 0.5
			p.buy, p.firstMin, p.firstMax, p.maxOrders = 0.06, 20, 300, 1
			p.priceSkew = 2
			p.theme, p.satMu = themeResearch, 7
			p.goals = cumulative([]float64{1, 2, 0.2, 0.2, 1, 8, 0.5, 0.5})
			p.budgetShift = -1
		})

	add(CantAffordFan, true, 0.10,
		"Young fans with low income (shop assistants, students, unemployed) from social-media giveaways; wishlists, "+
			"cart adds and abandoned checkouts, but they almost never buy (\"the price is too high for me\"). "+
			"A quarter get a better job in period 2 and start buying.",
		func(p *profile) {
			p.ageMu, p.ageSD = 24, 5
			p.occupation = tab("shop_assistant", 20, "student", 20, "unemployed", 15, "driver", 10, "office_worker", 15,
				"freelancer", 10, "sales_rep", 10)
			p.incomeFactor = 0.55
			p.education = tab("secondary", 50, "vocational", 25, "bachelor", 20, "primary", 5)
			p.household = tab("with_parents", 35, "single", 40, "couple", 15, "single_parent", 10)
			p.interests = tab("fashion", 25, "gaming", 15, "music", 25, "beauty", 15, "fitness", 10, "film", 10)
			p.lead = tab("giveaway", 90, "social", 5, "paid_social", 5)
			p.device = tab("mobile", 90, "desktop", 8, "tablet", 2)
			p.newsletter = 0.5
			p.daypart = dayNight
			p.sessions, p.floor, p.decay = 0.75, 0.6, 60
			p.pages, p.dur = 3, 35
			p.cats = cumulative([]float64{2, 0.5, 1, 5, 1, 1, 1})
			p.cart, p.wish, p.abandon = 0.25, 0.3, 0.5
			p.open, p.click = 0.35, 0.3
			p.socialReach = 0.5
			p.buy, p.firstMin, p.firstMax, p.maxOrders = 0.05, 20, 300, 1
			p.priceSkew = 2.5
			p.discount, p.discMin, p.discMax = 0.6, 0.2, 0.3
			p.theme, p.satMu = themePrice, 6.5
			p.goals = cumulative([]float64{0.5, 6, 0.5, 0.5, 1, 0.5, 3, 0.5})
			p.budgetShift = -1
		})

	add(SerialReturner, true, 0.025,
		"Fashion buyers around 30, mostly women, mobile, who came with an influencer's code; they order often, several sizes at once, and return "+
			"50–80 % of what they buy, so revenue looks good and profit does not.",
		func(p *profile) {
			p.ageMu, p.ageSD = 30, 8
			p.female = 0.7
			p.interests = tab("fashion", 35, "beauty", 20, "travel", 10, "fitness", 10, "music", 10, "film", 10)
			p.lead = tab("influencer", 90, "paid_social", 5, "social", 5)
			p.device = tab("mobile", 70, "desktop", 25, "tablet", 5)
			p.newsletter = 0.5
			p.sessions, p.floor = 0.4, 0.6
			p.cats = cumulative([]float64{0.3, 2, 2, 7, 1, 0.3, 0.3})
			p.cart = 0.2
			p.socialReach = 0.3
			p.buy, p.firstMin, p.firstMax = 1, 2, 30
			p.interval, p.shape, p.maxOrders = 45, 2, 30
			p.extraItems, p.multiQty = 0.8, 0.6
			p.refund, p.partial, p.partMin, p.partMax = 0.3, 0.55, 0.4, 1
			p.channel = tab("web", 50, "app", 40, "marketplace", 10)
			p.review = 0.1
			p.ratings = cumulative([]float64{10, 20, 30, 25, 15})
			p.ticketsPerOrder = 0.2
			p.topics = cumulative([]float64{10, 45, 20, 5, 5, 15, 0, 0})
			p.theme, p.satMu = themeSizes, 6.5
			p.goals = cumulative([]float64{1, 1, 0.5, 1, 1, 0.2, 6, 2})
		})

	add(Complainer, true, 0.025,
		"Buyers of any background, first met on a marketplace listing, who open many support tickets (delivery, quality, refunds), leave 1–2 star "+
			"reviews and cancel more often; support time eats their margin.",
		func(p *profile) {
			p.ageMu, p.ageSD = 45, 12
			p.lead = tab("marketplace", 90, "organic_search", 5, "paid_search", 5)
			p.newsletter = 0.3
			p.sessions = 0.3
			p.buy, p.firstMin, p.firstMax = 0.95, 5, 40
			p.interval, p.shape, p.maxOrders = 75, 1.5, 20
			p.cancel, p.refund, p.partial = 0.1, 0.05, 0.1
			p.review = 0.5
			p.ratings = cumulative([]float64{50, 30, 12, 5, 3})
			p.ticketsPerOrder, p.ticketsPerMonth = 1.2, 0.2
			p.topics = cumulative([]float64{30, 10, 15, 10, 25, 5, 3, 2})
			p.survey = 0.3
			p.theme, p.satMu = themeSupport, 3
		})

	add(BargainOnly, true, 0.03,
		"Price hunters from coupon sites, often families, newsletter subscribers; they buy only in sales and with promo codes "+
			"(30–50 % off), so margins are thin or negative.",
		func(p *profile) {
			p.ageMu, p.ageSD = 38, 12
			p.incomeFactor = 0.8
			p.household = tab("single", 20, "couple", 20, "family_with_children", 45, "single_parent", 15)
			p.interests = tab("cooking", 20, "home_decor", 15, "parenting", 15, "fashion", 15, "travel", 10, "gaming", 10, "film", 15)
			p.lead = tab("coupon_site", 90, "newsletter", 5, "social", 5)
			p.newsletter = 0.85
			p.sessions = 0.5
			p.open, p.click = 0.5, 0.35
			p.pageMix = cumulative([]float64{2, 2, 3, 0.3, 4, 0.1})
			p.wish = 0.15
			p.plan, p.buy = planSales, 0.95
			p.extraItems, p.priceSkew = 1, 1.5
			p.discount, p.discMin, p.discMax = 0.97, 0.3, 0.5
			p.channel = tab("web", 50, "app", 20, "marketplace", 25, "store", 5)
			p.theme, p.satMu = themeDiscounts, 6.8
			p.goals = cumulative([]float64{0.5, 8, 0.5, 0.5, 0.5, 0.2, 0.5, 1})
			p.budgetShift = -0.7
		})

	add(ExpensivePaidLead, true, 0.065,
		"Leads bought through lead-ad forms (some on paid search and paid social) at a high acquisition cost; a couple of short sessions, "+
			"then one small order or none (\"not what I expected from the ad\").",
		func(p *profile) {
			p.ageMu, p.ageSD = 33, 10
			p.interests = tab("gaming", 15, "technology", 15, "fitness", 15, "travel", 10, "music", 10, "fashion", 10, "film", 10)
			p.lead = tab("lead_ads", 90, "paid_search", 5, "paid_social", 5)
			p.device = tab("mobile", 70, "desktop", 27, "tablet", 3)
			p.newsletter = 0.25
			p.sessions, p.floor, p.decay = 1.2, 0.1, 15
			p.pages, p.dur = 2, 25
			p.open, p.click = 0.08, 0.1
			p.anon = 0.1
			p.paidSearch = 0.5
			p.buy, p.firstMin, p.firstMax, p.maxOrders = 0.25, 1, 20, 1
			p.extraItems, p.priceSkew = 0, 3
			p.theme, p.satMu = themeComplicated, 5.5
		})

	add(FastChurner, true, 0.02,
		"People who sign up through the welcome-offer pop-up, buy once soon after (often with the welcome discount) and never again.",
		func(p *profile) {
			p.ageMu, p.ageSD = 30, 9
			p.lead = tab("welcome_offer", 90, "paid_social", 5, "social", 5)
			p.newsletter = 0.3
			p.sessions, p.floor, p.decay = 1.0, 0.05, 15
			p.open, p.click = 0.1, 0.1
			p.anon = 0.2
			p.buy, p.firstMin, p.firstMax, p.maxOrders = 1, 0, 10, 1
			p.discount, p.discMin, p.discMax = 0.7, 0.1, 0.15
			p.cancel = 0.05
			p.theme, p.satMu = themeOneTime, 6.5
		})

	add(Casual, false, 0.05,
		"Unremarkable contacts with population-average traits, occasional visits and now and then an order; "+
			"one in five never does anything after signing up (1 % of all contacts have no activity at all).",
		func(p *profile) {})

	add(Lapsed, true, 0,
		"Period 2 only: positives who stopped engaging and buying after period 1 (they still receive the "+
			"newsletter but no longer open it).",
		func(p *profile) {
			p.buy, p.sessions = 0, 0
			p.open, p.click, p.webinar, p.trial = 0.03, 0.1, 0, 0
		})

	if len(ps) > len(stats{}.byArch) {
		panic("generate: more archetypes than stats.byArch holds")
	}
	return ps
}

var archetypeCum = func() []float64 {
	w := make([]float64, len(profiles))
	for i, p := range profiles {
		w[i] = p.Share
	}
	return cumulative(w)
}()

func profileByName(name string) *profile {
	for _, p := range profiles {
		if p.Name == name {
			return p
		}
	}
	panic("generate: unknown archetype " + name)
}

var (
	profPremium = profileByName(PremiumConsidered)
	profLoyal   = profileByName(LoyalRegular)
	profStudent = profileByName(StudentResearcher)
	profCantAff = profileByName(CantAffordFan)
	profCasual  = profileByName(Casual)
	profLapsed  = profileByName(Lapsed)
)
