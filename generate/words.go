package generate

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// name is a display name with its ASCII form (used in e-mail addresses).
type name struct{ text, ascii string }

// country is where a contact lives; it decides names, cities, phone format,
// e-mail domains, the survey language and the UTC offset of local time.
type country struct {
	code        string
	lang        string  // survey language of most contacts
	langShare   float64 // share answering in lang (the rest answer in English)
	offset      int64   // hours ahead of UTC (DST ignored)
	incomeScale float64 // incomes are PLN equivalents; this scales local pay
	cities      table
	female      []name
	male        []name
	lastMale    []name
	lastFemale  []name // same length as lastMale
	domains     table
}

func names(pairs ...string) []name {
	out := make([]name, 0, len(pairs))
	for _, p := range pairs {
		text, ascii, ok := strings.Cut(p, "/")
		if !ok {
			ascii = asciiFold(text)
		}
		out = append(out, name{text: text, ascii: ascii})
	}
	return out
}

// asciiFold strips diacritics (NFD, drop marks) and maps the letters that
// do not decompose (ł, đ) so that names fit in e-mail local parts.
func asciiFold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'ł':
			b.WriteByte('l')
		case r == 'Ł':
			b.WriteByte('L')
		case r == 'đ':
			b.WriteByte('d')
		case r == 'Đ':
			b.WriteByte('D')
		case r == ' ':
		case r < 128:
			b.WriteRune(r)
		}
	}
	return strings.ToLower(b.String())
}

var countries = []*country{
	{
		code: "PL", lang: "pl", langShare: 0.9, offset: 1, incomeScale: 1,
		cities: tab("Warszawa", 25, "Kraków", 12, "Wrocław", 10, "Gdańsk", 8, "Poznań", 8, "Łódź", 8,
			"Katowice", 6, "Lublin", 5, "Szczecin", 5, "Białystok", 4, "Rzeszów", 3, "Toruń", 3,
			"Olsztyn", 3, "Nowy Sącz", 2, "Zamość", 2),
		female: names("Anna", "Maria", "Katarzyna", "Małgorzata", "Agnieszka", "Natalia", "Zofia", "Julia",
			"Magdalena", "Joanna", "Barbara", "Krystyna", "Ewa", "Aleksandra", "Wiktoria", "Danuta"),
		male: names("Jan", "Piotr", "Krzysztof", "Tomasz", "Paweł", "Michał", "Łukasz", "Andrzej",
			"Marek", "Jakub", "Kamil", "Stanisław", "Wojciech", "Mateusz", "Bartosz", "Zbigniew"),
		lastMale: names("Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
			"Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Mazur", "Jankowski", "Krawczyk"),
		lastFemale: names("Kowalska", "Nowak", "Wiśniewska", "Wójcik", "Kowalczyk", "Kamińska", "Lewandowska",
			"Zielińska", "Szymańska", "Woźniak", "Dąbrowska", "Kozłowska", "Mazur", "Jankowska", "Krawczyk"),
		domains: tab("example.pl", 7, "example.com", 3),
	},
	{
		code: "VN", lang: "vi", langShare: 0.85, offset: 7, incomeScale: 0.8,
		cities: tab("TP Hồ Chí Minh", 40, "Hà Nội", 35, "Đà Nẵng", 10, "Hải Phòng", 6, "Cần Thơ", 5, "Huế", 4),
		female: names("Lan", "Mai", "Hương", "Linh", "Trang", "Thảo", "Ngọc Anh", "Phương", "Hà", "Thu Hà",
			"Minh Anh", "Hằng"),
		male: names("Minh", "Hùng", "Dũng", "Tuấn", "Nam", "Đức", "Quang", "Huy", "Long", "Khoa",
			"Văn Hải", "Bảo"),
		lastMale: names("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
			"Bùi", "Đỗ", "Ngô", "Dương"),
		lastFemale: names("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
			"Bùi", "Đỗ", "Ngô", "Dương"),
		domains: tab("example.vn", 6, "example.com", 4),
	},
	{
		code: "GE", lang: "ka", langShare: 0.8, offset: 4, incomeScale: 0.85,
		cities: tab("თბილისი", 30, "Tbilisi", 30, "Batumi", 15, "ბათუმი", 5, "Kutaisi", 10, "ქუთაისი", 5,
			"Rustavi", 5),
		female: names("ნინო/nino", "მარიამ/mariam", "თამარ/tamar", "ანა/ana", "ელენე/elene", "სალომე/salome",
			"ნათია/natia", "ეკა/eka", "ქეთევან/ketevan", "მაკა/maka", "Nino", "Mariam", "Tamar", "Salome"),
		male: names("გიორგი/giorgi", "დავით/davit", "ლუკა/luka", "ნიკა/nika", "ირაკლი/irakli", "ლევან/levan",
			"ზურაბ/zurab", "ალექსანდრე/aleksandre", "გიგა/giga", "ვახტანგ/vakhtang", "Giorgi", "Davit", "Luka", "Levan"),
		lastMale: names("ბერიძე/beridze", "კაპანაძე/kapanadze", "გელაშვილი/gelashvili", "მაისურაძე/maisuradze",
			"გიორგაძე/giorgadze", "ლომიძე/lomidze", "წიკლაური/tsiklauri", "ბოლქვაძე/bolkvadze",
			"ნოზაძე/nozadze", "ხუციშვილი/khutsishvili", "Mamulashvili", "Kvaratskhelia"),
		lastFemale: names("ბერიძე/beridze", "კაპანაძე/kapanadze", "გელაშვილი/gelashvili", "მაისურაძე/maisuradze",
			"გიორგაძე/giorgadze", "ლომიძე/lomidze", "წიკლაური/tsiklauri", "ბოლქვაძე/bolkvadze",
			"ნოზაძე/nozadze", "ხუციშვილი/khutsishvili", "Mamulashvili", "Kvaratskhelia"),
		domains: tab("example.ge", 6, "example.com", 4),
	},
}

var countryCum = cumulative([]float64{0.6, 0.25, 0.15})

// Monthly gross income (PLN equivalent) typical of each occupation.
var occupationIncome = map[string]float64{
	"programmer": 13000, "engineer": 11000, "manager": 14000, "office_worker": 7000,
	"teacher": 5500, "nurse": 6000, "doctor": 15000, "sales_rep": 7500,
	"marketing_specialist": 8500, "freelancer": 8000, "entrepreneur": 12000,
	"shop_assistant": 4500, "driver": 5500, "student": 2200, "retired": 3800,
	"unemployed": 1800, "accountant": 8000,
}

// Population tables: a trait that is not drawn from the archetype's own
// table comes from these (this is the overlap between archetypes).
var (
	popOccupation = tab("programmer", 6, "engineer", 6, "manager", 8, "office_worker", 16, "teacher", 6,
		"nurse", 4, "doctor", 2, "sales_rep", 6, "marketing_specialist", 5, "freelancer", 5,
		"entrepreneur", 4, "shop_assistant", 6, "driver", 4, "student", 8, "retired", 8,
		"unemployed", 3, "accountant", 4)
	popEducation = tab("primary", 3, "secondary", 30, "vocational", 15, "bachelor", 27, "master", 22, "doctorate", 3)
	popHousehold = tab("single", 28, "couple", 25, "family_with_children", 30, "single_parent", 7, "with_parents", 10)
	popInterests = tab("yoga", 5, "travel", 10, "fitness", 7, "music", 9, "gaming", 6, "fashion", 8,
		"cooking", 8, "gardening", 5, "reading", 8, "technology", 7, "photography", 4, "hiking", 4,
		"running", 4, "parenting", 4, "home_decor", 6, "crafts", 3, "film", 6, "cycling", 4,
		"beauty", 5, "sustainability", 4)
	popLead = tab("organic_search", 25, "paid_search", 12, "paid_social", 12, "social", 14, "blog", 8,
		"newsletter", 8, "referral", 10, "webinar", 4, "offline", 7,
		"giveaway", 1, "influencer", 1, "marketplace", 1, "coupon_site", 1, "lead_ads", 1, "welcome_offer", 1)
	popDevice = tab("mobile", 60, "desktop", 33, "tablet", 7)
)

// Occupations a graduating student or a fan whose income rose moves to.
var (
	graduateOccupation = tab("programmer", 4, "engineer", 3, "marketing_specialist", 2, "office_worker", 3,
		"accountant", 2, "teacher", 1, "manager", 1)
	risingOccupation = tab("office_worker", 3, "sales_rep", 2, "engineer", 1, "programmer", 1,
		"manager", 1, "entrepreneur", 1)
)

// Local hour-of-day profiles (weights for hours 0..23).
var dayparts = [][]float64{
	// evening shoppers
	cumulative([]float64{1, .5, .3, .2, .2, .3, .8, 1.5, 2, 2.5, 3, 3, 3.5, 3, 3, 3, 3.5, 4, 5, 6, 6.5, 5.5, 3.5, 2}),
	// mornings (retirees)
	cumulative([]float64{.2, .1, .1, .1, .2, .8, 2, 4, 6, 7, 7, 6, 5, 5, 4.5, 4, 3.5, 3, 3, 3, 2.5, 1.5, .8, .4}),
	// late nights (students)
	cumulative([]float64{4, 3, 2, 1, .5, .3, .3, .5, 1, 2, 2.5, 3, 3, 3, 3, 3, 3, 3.5, 4, 5, 6, 7, 7, 6}),
	// office breaks and evenings
	cumulative([]float64{.5, .2, .1, .1, .1, .3, 1, 2.5, 3.5, 4, 4, 4.5, 6, 5, 4, 4, 3.5, 3.5, 4, 5, 6, 5.5, 3.5, 1.5}),
}

const (
	dayEvening = iota
	dayMorning
	dayNight
	dayOffice
)

var blogSlugs = []string{
	"how-to-choose-headphones", "yoga-at-home", "capsule-wardrobe", "gift-guide",
	"comfortable-trousers-guide", "sound-quality-explained", "sustainable-fashion",
	"home-office-setup", "running-gear-basics", "winter-layers", "budget-friendly-style", "wool-care",
}

var ticketTopics = []string{"delivery", "return", "refund", "payment", "product_quality", "sizing", "account", "other"}

// topicReturn is the index of "return" in ticketTopics.
const topicReturn = 1

var webinarTopics = []string{
	"Sound at home: choosing headphones", "Yoga and mindful mornings", "Build a capsule wardrobe",
	"Gift ideas for the whole family", "Comfort first: basics that last", "Home office that works",
}

var signupMethods = tab("email", 6, "google", 3, "facebook", 1)
