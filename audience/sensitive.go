package audience

import (
	"strings"
	"unicode"
)

// sensitiveTerms are words and phrases that suggest a person's health or
// financial status, which Google's and Meta's personalised-advertising
// policies forbid audiences to imply. Meta flags custom audiences "suggesting
// specific health conditions (e.g., "arthritis", "diabetes") or financial
// status (e.g., "credit score", "high income")"
// (https://developers.facebook.com/docs/marketing-api/audiences/guides/custom-audiences);
// Google's personalised-advertising policy restricts health, financial
// hardship and similar categories
// (https://support.google.com/adspolicy/answer/143465).
//
// Terms are written lowercase and without diacritics (see fold), words
// separated by one space. A word ending in '*' matches any word starting
// with it (for inflected Polish and Georgian forms and English plurals);
// other words match whole words only. Vietnamese terms are whole phrases of
// two or more syllables, because single syllables without their diacritics
// collide with common words ("nợ", debt, folds to "no").
var sensitiveTerms = []string{
	// English: health.
	"health condition*", "medical condition*", "mental health", "mental illness*",
	"chronic ill*", "chronic disease*", "chronic pain", "illness*", "disease*",
	"diagnos*", "patient*", "diabet*", "cancer*", "tumor*", "tumour*",
	"oncolog*", "chemotherap*", "arthritis", "asthma*", "hiv", "aids patient*",
	"depression", "depressed", "anxiety disorder*", "bipolar", "schizophreni*",
	"adhd", "autism", "autistic", "dementia", "alzheimer*", "obesity", "obese",
	"pregnan*", "expecting mother*", "fertility", "infertil*", "ivf",
	"disabilit*", "disabled", "handicap*", "wheelchair*", "addiction*",
	"rehab", "sexually transmitted",
	// English: financial status.
	"debt*", "indebted", "in arrears", "arrears", "overdue",
	"loan*", "payday", "bankrupt*", "insolven*", "low income*",
	"low-income", "high income*", "high net worth", "credit score*",
	"bad credit", "poor credit", "credit rating*", "credit history",
	"debt collection*", "repossess*", "foreclos*", "poverty", "poor household*",
	"welfare", "food stamp*", "benefit claimant*", "unemploy*", "jobless",
	"financial hardship*", "struggling financially",
	// Polish: health (zdrowie).
	"chorob*", "chory", "chora", "chorzy", "chorych", "schorzeni*", "pacjent*",
	"diagnoz*", "cukrzyc*", "nowotw*", "rak", "raka", "onkolog*", "depresj*",
	"ciaza", "ciazy", "ciaze", "w ciazy", "ciezarn*", "niepelnospraw*",
	"inwalid*", "otylos*", "nieplodn*", "in vitro", "uzaleznien*",
	"zdrowie psychiczne", "zdrowia psychicznego",
	// Polish: finances (finanse).
	"dlug", "dlugi wobec", "dlugow", "dlugami", "dluzni*", "zadluz*",
	"kredyt*", "pozyczk*", "chwilowk*", "upadlos*", "bankructw*",
	"niewyplacaln*", "nisk* dochod*", "niskodochodow*", "wysok* dochod*",
	"zdolnos* kredytow*", "historia kredytowa", "bik",
	"komornik*", "komornicz*", "windykac*", "zaleglos*", "ubostw*",
	"biedn*", "bezrobot*", "zasilk*",
	// Vietnamese: health (sức khỏe).
	"benh nhan", "benh man tinh", "benh tieu duong", "tieu duong",
	"ung thu", "tram cam", "roi loan lo au", "mang thai", "co thai",
	"ba bau", "thai phu", "vo sinh", "hiem muon", "khuyet tat",
	"nguoi khuyet tat", "tan tat", "beo phi", "tam than",
	// Vietnamese: finances (tài chính).
	"no xau", "vo no", "khoan no", "mac no", "con no", "tra no",
	"khoan vay", "vay tien", "vay von", "vay no", "vay tieu dung",
	"pha san", "mat kha nang thanh toan", "thu nhap thap", "thu nhap cao",
	"diem tin dung", "lich su tin dung", "ho ngheo", "nguoi ngheo",
	"ngheo kho", "that nghiep",
	// Georgian: health (ჯანმრთელობა). Georgian has no case.
	"დაავადებ*", "ავადმყოფ*", "პაციენტ*", "დიაგნოზ*", "დიაბეტ*", "შაქრიანი დიაბეტ*",
	"კიბო", "კიბოს", "სიმსივნ*", "ონკოლოგ*", "დეპრესი*", "ორსულ*",
	"შეზღუდული შესაძლებლობ*", "შშმ", "ინვალიდ*", "უნაყოფო*", "სიმსუქნ*",
	"ფსიქიკური ჯანმრთელობ*", "დამოკიდებულებ*",
	// Georgian: finances (ფინანსები).
	"ვალი", "ვალის", "ვალებ*", "ვალიან*", "დავალიანებ*", "სესხ*",
	"კრედიტ*", "გაკოტრ*", "გადახდისუუნარ*", "დაბალი შემოსავ*",
	"დაბალშემოსავლიან*", "მაღალი შემოსავ*", "საკრედიტო ქულ*",
	"საკრედიტო ისტორი*", "სიღარიბ*", "ღარიბ*", "უმუშევ*",
	"სოციალურად დაუცველ*",
}

// sensitiveIndex holds sensitiveTerms split into words.
var sensitiveIndex = func() [][]string {
	idx := make([][]string, len(sensitiveTerms))
	for i, t := range sensitiveTerms {
		idx[i] = strings.Fields(t)
	}
	return idx
}()

// SensitiveName reports whether an audience name suggests the health or
// financial status of its members (a health condition, pregnancy,
// disability, debt, a loan, bankruptcy, insolvency, low or high income, a
// credit score ...), which ad platforms do not allow an audience to imply.
// It knows terms in English, Polish, Vietnamese and Georgian, and matches
// them as whole words (or word prefixes for inflected forms) regardless of
// case and diacritics ("ZADŁUŻENI klienci", "zadluzeni", "Nợ xấu",
// "no xau"). It returns the first matching term, as listed in the package's
// term list, with a trailing '*' removed ("debt", "zadluz", "no xau"), and
// ok true; or "" and false. It is a screen for review, not a policy
// decision: it misses paraphrases and can flag an innocent name.
func SensitiveName(name string) (term string, ok bool) {
	words := strings.FieldsFunc(fold(name), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	})
	for i := range words {
		words[i] = strings.Trim(words[i], "-")
	}
	for t, tw := range sensitiveIndex {
		if matchWords(words, tw) {
			return strings.ReplaceAll(sensitiveTerms[t], "*", ""), true
		}
	}
	return "", false
}

// matchWords reports whether the term words tw occur as consecutive words
// of words.
func matchWords(words, tw []string) bool {
	for i := 0; i+len(tw) <= len(words); i++ {
		ok := true
		for j, t := range tw {
			w := words[i+j]
			if p, prefix := strings.CutSuffix(t, "*"); prefix {
				ok = strings.HasPrefix(w, p)
			} else {
				ok = w == t
			}
			if !ok {
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// fold lowercases s and removes diacritics from Latin letters: combining
// marks are dropped, and precomposed letters of Latin-1, Latin Extended-A/B
// and Latin Extended Additional (which holds the Vietnamese letters) are
// replaced by their base letter. Letters with a stroke that Unicode does not
// decompose (ł, đ, ø, ħ, ŧ) and dotless ı fold too. The table was derived
// from the Unicode 14 NFD decompositions with Python's unicodedata.
func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if base, ok := foldTable[r]; ok {
			r = base
		}
		b.WriteRune(r)
	}
	return b.String()
}

var foldTable = func() map[rune]rune {
	m := make(map[rune]rune)
	for base, letters := range map[rune]string{
		'a': "àáâãäåāăąǎǟǡǻȁȃȧḁạảấầẩẫậắằẳẵặ",
		'b': "ḃḅḇ",
		'c': "çćĉċčḉ",
		'd': "ďđḋḍḏḑḓ",
		'e': "èéêëēĕėęěȅȇȩḕḗḙḛḝẹẻẽếềểễệ",
		'f': "ḟ",
		'g': "ĝğġģǧǵḡ",
		'h': "ĥħȟḣḥḧḩḫẖ",
		'i': "ìíîïĩīĭįıǐȉȋḭḯỉị",
		'j': "ĵǰ",
		'k': "ķǩḱḳḵ",
		'l': "ĺļľłḷḹḻḽ",
		'm': "ḿṁṃ",
		'n': "ñńņňǹṅṇṉṋ",
		'o': "òóôõöøōŏőơǒǫǭȍȏȫȭȯȱṍṏṑṓọỏốồổỗộớờởỡợ",
		'p': "ṕṗ",
		'r': "ŕŗřȑȓṙṛṝṟ",
		's': "śŝşšșṡṣṥṧṩ",
		't': "ţťŧțṫṭṯṱẗ",
		'u': "ùúûüũūŭůűųưǔǖǘǚǜȕȗṳṵṷṹṻụủứừửữự",
		'v': "ṽṿ",
		'w': "ŵẁẃẅẇẉẘ",
		'x': "ẋẍ",
		'y': "ýÿŷȳẏẙỳỵỷỹ",
		'z': "źżžẑẓẕ",
	} {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()
