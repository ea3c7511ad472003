package ingest

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/antipersona/antipersona"
)

// Ident turns a column name into a lower snake_case identifier usable in CEL
// and SQL. The result always matches [a-z_][a-z0-9_]*:
//
//   - diacritics are stripped ("Płeć" -> "plec", "Thu nhập" -> "thu_nhap";
//     ł->l, đ->d, ß->ss, æ->ae, ø->o, œ->oe);
//   - Georgian letters are transliterated to Latin with the national system
//     of 2002 ("ასაკი" -> "asaki"), Mtavruli capitals included;
//   - camelCase is split ("TotalVisits" -> "total_visits", "userId" ->
//     "user_id", "CustomerID" -> "customer_id");
//   - every run of other characters becomes one '_', leading and trailing
//     '_' are dropped;
//   - a leading digit gets the prefix "c_" ("2nd choice" -> "c_2nd_choice").
//
// A name with nothing left ("", "???", a name in a script without a
// transliteration) gives "column"; File then numbers it "column_N" with N
// the 1-based position of the column.
func Ident(name string) string {
	id := identOrEmpty(name)
	if id == "" {
		return "column"
	}
	return id
}

// identOrEmpty is Ident without the fallback for an empty result.
func identOrEmpty(name string) string {
	// Transliterate what NFD cannot decompose, then strip the marks.
	var pre strings.Builder
	pre.Grow(len(name))
	for _, r := range name {
		if s, ok := translit[r]; ok {
			pre.WriteString(s)
			continue
		}
		if s := georgian(r); s != "" {
			pre.WriteString(s)
			continue
		}
		pre.WriteRune(r)
	}
	decomposed := norm.NFD.String(pre.String())

	// Keep letters and digits of the Latin alphabet, remembering case for
	// the camelCase split; everything else separates words.
	runes := make([]rune, 0, len(decomposed))
	for _, r := range decomposed {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // combining mark left by NFD
		case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'):
			runes = append(runes, r)
		default:
			runes = append(runes, '_')
		}
	}

	var b strings.Builder
	b.Grow(len(runes) + 8)
	prevSep := true
	for i, r := range runes {
		if r == '_' {
			if !prevSep {
				b.WriteByte('_')
				prevSep = true
			}
			continue
		}
		if isUpper(r) && i > 0 && !prevSep {
			prev := runes[i-1]
			nextLower := i+1 < len(runes) && isLower(runes[i+1])
			// aB -> a_b, 3B -> 3_b, ABc -> a_bc (end of an acronym).
			if isLower(prev) || isDigit(prev) && nextLower || isUpper(prev) && nextLower {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(r))
		prevSep = false
	}
	id := strings.TrimRight(b.String(), "_")
	if id != "" && isDigit(rune(id[0])) {
		id = "c_" + id
	}
	return id
}

func isUpper(r rune) bool { return r >= 'A' && r <= 'Z' }
func isLower(r rune) bool { return r >= 'a' && r <= 'z' }
func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// translit maps letters that Unicode does not decompose into a base letter
// and a combining mark.
var translit = map[rune]string{
	'ł': "l", 'Ł': "L", 'đ': "d", 'Đ': "D", 'ß': "ss", 'æ': "ae", 'Æ': "Ae",
	'ø': "o", 'Ø': "O", 'œ': "oe", 'Œ': "Oe", 'ð': "d", 'Ð': "D", 'þ': "th", 'Þ': "Th",
	'ı': "i", 'ħ': "h", 'Ħ': "H",
}

// georgianLatin is the national romanisation of Georgian (2002) for the
// Mkhedruli letters U+10D0..U+10F0; archaic letters after them get their
// usual values.
var georgianLatin = [...]string{
	"a", "b", "g", "d", "e", "v", "z", "t", "i", "k", "l", "m", "n", "o", "p", "zh",
	"r", "s", "t", "u", "p", "k", "gh", "q", "sh", "ch", "ts", "dz", "ts", "ch", "kh", "j",
	"h", "e", "y", "w", "q", "o", "f",
}

// georgian returns the Latin transliteration of a Georgian letter
// (Mkhedruli, or a Mtavruli capital), or "" for any other rune.
func georgian(r rune) string {
	switch {
	case r >= 0x10D0 && r < 0x10D0+rune(len(georgianLatin)):
		return georgianLatin[r-0x10D0]
	case r >= 0x1C90 && r < 0x1C90+rune(len(georgianLatin)): // Mtavruli
		return georgianLatin[r-0x1C90]
	}
	return ""
}

// normKey is the form in which column names are compared with the known
// names of a logical field: diacritics folded as in Ident, lower case, only
// letters and digits ("E-mail" -> "email", "Số điện thoại" -> "sodienthoai").
func normKey(s string) string {
	id := identOrEmpty(s)
	return strings.ReplaceAll(strings.TrimPrefix(id, "c_"), "_", "")
}

// Dimension returns the persona-card dimension of a trait from its name,
// using a built-in dictionary of English, Polish and Vietnamese words
// (matched on Ident(name)). A multi-word entry ("year_birth", "thu_nhap",
// "do_not_email") matches a run of words of the identifier; a one-word entry
// matches a word, or the start of a word when the entry is a stem ("interest"
// matches "interests"). Multi-word entries win; among one-word entries the
// rightmost word of the name wins, since English puts the head noun last
// ("How did you hear about X Education" is a source, "current occupation" an
// occupation). A name the dictionary does not know is DimensionOther.
func Dimension(name string) antipersona.Dimension {
	words := strings.Split(Ident(name), "_")
	// Multi-word entries, longest first so that "last_activity" beats
	// "activity" (they agree here, but "gioi_tinh" must beat "tinh").
	for _, e := range dimPhrases {
		if containsWords(words, e.words) {
			return e.dim
		}
	}
	for i := len(words) - 1; i >= 0; i-- {
		w := words[i]
		if d, ok := dimWords[w]; ok {
			return d
		}
		for _, s := range dimStems {
			if len(w) > len(s.stem) && strings.HasPrefix(w, s.stem) {
				return s.dim
			}
		}
	}
	return antipersona.DimensionOther
}

func containsWords(words, phrase []string) bool {
	for i := 0; i+len(phrase) <= len(words); i++ {
		match := true
		for j, p := range phrase {
			if p == "" { // "num_" style entry: a prefix word
				continue
			}
			if words[i+j] != p {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

type dimPhrase struct {
	words []string
	dim   antipersona.Dimension
}

type dimStem struct {
	stem string
	dim  antipersona.Dimension
}

var (
	dimWords   = map[string]antipersona.Dimension{}
	dimStems   []dimStem
	dimPhrases []dimPhrase
)

// dimDictionary lists the built-in words per dimension. An entry with '_' is a
// phrase; an entry ending in '*' is a stem (matches a longer word too); an
// entry ending in '_' ("num_") matches a name that starts with that word.
var dimDictionary = map[antipersona.Dimension][]string{
	antipersona.DimensionDemographic: {
		"age", "ages", "gender", "sex", "birth*", "year_birth", "birth_year", "birthday", "born", "dob",
		"date_of_birth", "wiek", "plec", "data_urodzenia", "rok_urodzenia", "tuoi", "gioi_tinh", "nam_sinh",
		"ngay_sinh",
	},
	antipersona.DimensionSocioEconomic: {
		"income*", "salary", "salaries", "education*", "occupation*", "job*", "profession*", "marital",
		"household*", "kids", "kid", "children", "child", "teenhome", "kidhome", "dochod*", "zarobki",
		"wyksztalcenie", "zawod", "stan_cywilny", "thu_nhap", "hoc_van", "nghe_nghiep", "hon_nhan",
		"employment", "employer", "employed", "industry", "specialization*", "specialisation*", "degree",
		"wealth", "dzieci", "praca",
	},
	antipersona.DimensionGeographic: {
		"city", "cities", "country", "countries", "region*", "state", "zip", "zipcode", "postal", "postcode",
		"address*", "miasto", "kraj", "wojewodztwo", "thanh_pho", "tinh", "quoc_gia", "location", "province",
		"county", "town", "latitude", "longitude", "timezone", "kod_pocztowy",
	},
	antipersona.DimensionPsychographic: {
		"interest*", "hobby", "hobbies", "value*", "lifestyle*", "personality", "motivation*", "matters",
		"attitude*", "zainteresowania", "wartosci", "so_thich", "preference*", "opinion*", "belief*",
		"goal*", "pain_point*", "character", "media_habits",
	},
	antipersona.DimensionBehavioural: {
		"source", "sources", "channel*", "visit*", "view*", "activity", "activities", "last_activity", "origin",
		"lead_source", "device*", "newsletter*", "subscribed", "subscription*", "purchase*", "spend*", "spent",
		"mnt", "num_", "recency", "complain*", "accepted", "response*", "do_not_email", "do_not_call",
		"zrodlo", "kanal", "nguon", "hear_about", "referral*", "search", "magazine", "newspaper",
		"forums", "advertisement*", "recommendation*", "update*", "clicks", "opens", "sessions", "frequency",
		"time_spent", "time_on_site", "orders", "webinar*", "trial*", "utm", "campaign*",
	},
}

func init() {
	for dim, entries := range dimDictionary {
		for _, e := range entries {
			switch {
			case strings.HasSuffix(e, "*"):
				dimStems = append(dimStems, dimStem{strings.TrimSuffix(e, "*"), dim})
				dimWords[strings.TrimSuffix(e, "*")] = dim
			case strings.HasSuffix(e, "_") || strings.Contains(e, "_"):
				dimPhrases = append(dimPhrases, dimPhrase{strings.Split(e, "_"), dim})
			default:
				dimWords[e] = dim
			}
		}
	}
	// Longest phrase first; ties broken by text so the order is stable.
	for i := 1; i < len(dimPhrases); i++ {
		for j := i; j > 0 && phraseLess(dimPhrases[j], dimPhrases[j-1]); j-- {
			dimPhrases[j], dimPhrases[j-1] = dimPhrases[j-1], dimPhrases[j]
		}
	}
	for i := 1; i < len(dimStems); i++ {
		for j := i; j > 0 && len(dimStems[j].stem) > len(dimStems[j-1].stem); j-- {
			dimStems[j], dimStems[j-1] = dimStems[j-1], dimStems[j]
		}
	}
}

func phraseLess(a, b dimPhrase) bool {
	if len(a.words) != len(b.words) {
		return len(a.words) > len(b.words)
	}
	return strings.Join(a.words, "_") < strings.Join(b.words, "_")
}
