package generate

import (
	"math"
	"strconv"
)

// person holds the traits of one contact. Missing traits are written as
// empty fields: age 0, income < 0, empty strings, newsletter -1, nInt < 0.
type person struct {
	id         []byte // C0000001
	email      []byte
	phone      []byte
	first      string
	last       string
	created    int64 // unix seconds
	age        int
	gender     string
	country    *country
	city       string
	occupation string // "" when missing; occ holds the true value
	occ        string
	income     int64 // -1 when missing; inc holds the true value
	inc        int64
	education  string
	household  string
	interests  [5]string
	nInt       int    // -1 when missing
	lead       string // as written ("" when missing); src is the true source
	src        string
	device     string
	newsletter int8 // 1 yes, 0 no, -1 missing
	subscribed bool // the true subscription
	lang       int
}

const contactsHeader = "contact_id,email,phone,first_name,last_name,created_at,age,gender,city,occupation,income,education,household,interests,lead_source,device,newsletter\n"

// Missing-value rates of the traits (share of contacts with an empty field).
const (
	missAge        = 0.03
	missGender     = 0.02
	missCity       = 0.02
	missOccupation = 0.05
	missIncome     = 0.08
	missEducation  = 0.10
	missHousehold  = 0.07
	missInterests  = 0.06
	missLead       = 0.01
	missDevice     = 0.03
	missNewsletter = 0.02
	missPhone      = 0.15
)

// pickTrait draws from the archetype's table, or from the population table
// with probability traitNoise.
func pickTrait(g *rng, own, pop *table) string {
	if g.chance(traitNoise) {
		return pop.pick(g)
	}
	return own.pick(g)
}

// paidSource reports whether a lead source is bought per lead or click.
func paidSource(src string) bool {
	return src == "paid_search" || src == "paid_social" || src == "lead_ads"
}

func appendContactID(dst []byte, i int64) []byte {
	dst = append(dst, 'C')
	return appendPadded(dst, i, 7)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// makePerson draws the traits of contact i (1-based) of archetype a.
func (w *worker) makePerson(i int64, a *profile) {
	g := w.g
	p := &w.p
	p.id = appendContactID(p.id[:0], i)

	p.country = countries[pickCum(g, countryCum)]
	c := p.country

	// gender and age
	female := g.chance(a.female)
	if g.chance(traitNoise) {
		female = g.chance(0.55)
	}
	switch {
	case g.chance(0.01):
		p.gender = "other"
	case female:
		p.gender = "female"
	default:
		p.gender = "male"
	}
	mu, sd := a.ageMu, a.ageSD
	if g.chance(traitNoise / 2) {
		mu, sd = 38, 13
	}
	age := int(math.Round(g.normal(mu, sd)))
	lo, hi := a.ageMin, a.ageMax
	if age < lo {
		age = lo + g.n(3)
	}
	if age > hi {
		age = hi - g.n(3)
	}
	age = max(18, min(age, 90))

	p.occ = pickTrait(g, &a.occupation, &popOccupation)
	switch {
	case p.occ == "retired" && age < 58:
		age = 58 + g.n(18)
	case p.occ == "student" && age > 28 && g.chance(0.85):
		age = 19 + g.n(8)
	case age >= 66 && p.occ != "retired" && g.chance(0.7):
		p.occ = "retired"
	}
	p.age = age

	// names
	var fn name
	if female || p.gender == "other" && g.chance(0.5) {
		fn = c.female[g.n(len(c.female))]
	} else {
		fn = c.male[g.n(len(c.male))]
	}
	p.first = fn.text
	firstASCII := fn.ascii
	li := g.n(len(c.lastMale))
	if c.code == "GE" {
		// keep first and last name in the same script
		want := isASCII(p.first)
		for k := 0; k < 8 && isASCII(c.lastMale[li].text) != want; k++ {
			li = g.n(len(c.lastMale))
		}
	}
	var last name
	if female {
		last = c.lastFemale[li]
	} else {
		last = c.lastMale[li]
	}
	p.last = last.text

	// e-mail: unique through the contact number
	p.email = p.email[:0]
	num := strconv.AppendInt(w.scratch[:0], i, 10)
	switch g.n(4) {
	case 0:
		p.email = append(append(append(p.email, firstASCII...), '.'), last.ascii...)
	case 1:
		p.email = append(append(p.email, firstASCII[0]), last.ascii...)
	case 2:
		p.email = append(append(append(p.email, firstASCII...), '_'), last.ascii...)
	default:
		p.email = append(append(append(p.email, last.ascii...), '.'), firstASCII...)
	}
	p.email = append(p.email, num...)
	p.email = append(append(p.email, '@'), c.domains.pick(g)...)

	p.phone = p.phone[:0]
	if !g.chance(missPhone) {
		p.phone = appendPhone(p.phone, g, c.code)
	}

	p.city = c.cities.pick(g)

	base := occupationIncome[p.occ]
	p.inc = int64(math.Round(base*a.incomeFactor*c.incomeScale*g.lognormal(1, 0.35)/10) * 10)
	p.education = pickTrait(g, &a.education, &popEducation)
	if p.occ == "student" && (p.education == "master" || p.education == "doctorate") {
		p.education = "bachelor"
	}
	p.household = pickTrait(g, &a.household, &popHousehold)

	n := min(5, max(1, g.poisson(a.nInterests-1)+1))
	p.nInt = 0
	for k := 0; k < n*3 && p.nInt < n; k++ {
		v := pickTrait(g, &a.interests, &popInterests)
		dup := false
		for _, x := range p.interests[:p.nInt] {
			if x == v {
				dup = true
				break
			}
		}
		if !dup {
			p.interests[p.nInt] = v
			p.nInt++
		}
	}

	// The lead source is recorded by the shop's own forms and tracking, so
	// it is noisier than nothing but less than self-reported traits.
	p.src = a.lead.pick(g)
	if g.chance(leadNoise) {
		p.src = popLead.pick(g)
	}
	if a.Name == ExpensivePaidLead && !paidSource(p.src) {
		// by definition a paid lead; the noise moves it to another paid source
		p.src = [...]string{"paid_search", "paid_social", "lead_ads"}[g.n(3)]
	}
	p.device = pickTrait(g, &a.device, &popDevice)
	p.subscribed = g.chance(a.newsletter)
	if g.chance(traitNoise) {
		p.subscribed = g.chance(0.45)
	}
	if p.src == "newsletter" {
		p.subscribed = true
	}

	p.lang = langEN
	if g.chance(c.langShare) {
		p.lang = langIndex(c.lang)
	}

	// what the CRM export shows (missing values)
	if g.chance(missAge) {
		p.age = 0
	}
	if g.chance(missGender) {
		p.gender = ""
	}
	if g.chance(missCity) {
		p.city = ""
	}
	p.occupation = p.occ
	if g.chance(missOccupation) {
		p.occupation = ""
	}
	p.income = p.inc
	if g.chance(missIncome) {
		p.income = -1
	}
	if g.chance(missEducation) {
		p.education = ""
	}
	if g.chance(missHousehold) {
		p.household = ""
	}
	if g.chance(missInterests) {
		p.nInt = -1
	}
	p.lead = p.src
	if g.chance(missLead) {
		p.lead = ""
	}
	if g.chance(missDevice) {
		p.device = ""
	}
	p.newsletter = 0
	if p.subscribed {
		p.newsletter = 1
	}
	if g.chance(missNewsletter) {
		p.newsletter = -1
	}
}

var vnPrefixes = []string{"90", "91", "93", "94", "96", "97", "98", "86", "88", "32", "33", "34", "35",
	"36", "37", "38", "39", "70", "76", "77", "78", "79", "81", "82", "83", "84", "85"}

// appendPhone appends a fake but well-formed phone number in one of the
// formats common in the country.
func appendPhone(dst []byte, g *rng, code string) []byte {
	var d [9]byte
	switch code {
	case "PL":
		d[0] = "5678"[g.n(4)]
		for k := 1; k < 9; k++ {
			d[k] = byte('0' + g.n(10))
		}
		switch g.n(4) {
		case 0:
			dst = append(dst, "+48 "...)
			dst = append(append(append(append(append(dst, d[0:3]...), ' '), d[3:6]...), ' '), d[6:9]...)
		case 1:
			dst = append(append(dst, "+48"...), d[:]...)
		case 2:
			dst = append(append(append(append(append(dst, d[0:3]...), ' '), d[3:6]...), ' '), d[6:9]...)
		default:
			dst = append(append(append(append(append(dst, d[0:3]...), '-'), d[3:6]...), '-'), d[6:9]...)
		}
	case "VN":
		pre := vnPrefixes[g.n(len(vnPrefixes))]
		d[0], d[1] = pre[0], pre[1]
		for k := 2; k < 9; k++ {
			d[k] = byte('0' + g.n(10))
		}
		switch g.n(3) {
		case 0, 1:
			dst = append(append(dst, '0'), d[:]...)
		default:
			dst = append(dst, "+84 "...)
			dst = append(append(append(append(append(dst, d[0:3]...), ' '), d[3:6]...), ' '), d[6:9]...)
		}
	default: // GE
		d[0] = '5'
		for k := 1; k < 9; k++ {
			d[k] = byte('0' + g.n(10))
		}
		switch g.n(3) {
		case 0:
			dst = append(append(dst, "+995"...), d[:]...)
		case 1:
			dst = append(dst, "+995 "...)
			dst = append(append(append(append(append(append(append(dst, d[0:3]...), ' '), d[3:5]...), ' '), d[5:7]...), ' '), d[7:9]...)
		default:
			dst = append(append(append(append(append(append(append(dst, d[0:3]...), ' '), d[3:5]...), ' '), d[5:7]...), ' '), d[7:9]...)
		}
	}
	return dst
}

// appendContact appends p as a contacts.csv row.
func appendContact(dst []byte, p *person) []byte {
	dst = append(dst, p.id...)
	dst = append(dst, ',')
	dst = append(dst, p.email...) // ASCII, no quoting needed
	dst = append(dst, ',')
	dst = append(dst, p.phone...)
	dst = append(dst, ',')
	dst = appendCSV(dst, p.first)
	dst = append(dst, ',')
	dst = appendCSV(dst, p.last)
	dst = append(dst, ',')
	dst = appendDate(dst, p.created)
	dst = append(dst, ',')
	if p.age > 0 {
		dst = strconv.AppendInt(dst, int64(p.age), 10)
	}
	dst = append(dst, ',')
	dst = append(dst, p.gender...)
	dst = append(dst, ',')
	dst = appendCSV(dst, p.city)
	dst = append(dst, ',')
	dst = append(dst, p.occupation...)
	dst = append(dst, ',')
	if p.income >= 0 {
		dst = strconv.AppendInt(dst, p.income, 10)
	}
	dst = append(dst, ',')
	dst = append(dst, p.education...)
	dst = append(dst, ',')
	dst = append(dst, p.household...)
	dst = append(dst, ',')
	for k := 0; k < p.nInt; k++ {
		if k > 0 {
			dst = append(dst, '|')
		}
		dst = append(dst, p.interests[k]...)
	}
	dst = append(dst, ',')
	dst = append(dst, p.lead...)
	dst = append(dst, ',')
	dst = append(dst, p.device...)
	dst = append(dst, ',')
	switch p.newsletter {
	case 1:
		dst = append(dst, "yes"...)
	case 0:
		dst = append(dst, "no"...)
	}
	return append(dst, '\n')
}

// improve applies the period-2 change of an improver (a student who
// graduated, a fan whose income rose) to p.
func (w *worker) improve(a1 *profile) {
	g := w.g
	p := &w.p
	if a1 == profStudent {
		p.occ = graduateOccupation.pick(g)
		switch p.education {
		case "secondary", "":
			p.education = "bachelor"
		case "bachelor":
			p.education = "master"
		}
		if p.household == "with_parents" && g.chance(0.6) {
			p.household = "single"
		}
		if p.age > 0 {
			p.age++
		}
		p.inc = int64(math.Round(occupationIncome[p.occ]*p.country.incomeScale*g.lognormal(1, 0.25)/10) * 10)
	} else {
		if g.chance(0.6) {
			p.occ = risingOccupation.pick(g)
		}
		p.inc = int64(math.Round(float64(p.inc)*g.between(1.8, 3)/10) * 10)
	}
	p.occupation = p.occ
	p.income = p.inc
}

// noiseChange changes one trait without changing behaviour: a move, a new
// household or a raise.
func (w *worker) noiseChange() {
	g := w.g
	p := &w.p
	switch g.n(3) {
	case 0:
		for city := p.city; p.city == city; {
			p.city = p.country.cities.pick(g)
		}
	case 1:
		switch p.household {
		case "single":
			p.household = "couple"
		case "couple":
			p.household = "family_with_children"
		default:
			p.household = "couple"
		}
	default:
		p.inc = int64(math.Round(float64(p.inc)*g.between(1.05, 1.3)/10) * 10)
		p.income = p.inc
	}
}
