package textmine

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// stopWords are the function words of each language, which say nothing of
// what a group wants or dislikes. Vietnamese entries are syllables.
var stopWords = map[string]map[string]bool{
	"en": set(`a an the and or but if then so because as of to in on at by for with from about into over after before
		i me my we our you your he she it its they them their this that these those is are was were be been being am
		do does did have has had will would can could should may might must not no yes just very too also only
		what which who whom when where why how all any some more most other such than there here up out off again
		one get got us`),
	"pl": set(`i a o w we z ze na do od po za przez przy u dla bez pod nad przed że się nie tak to ten ta te tego tej
		tym jest są był była było być mam ma mamy jak co czy ale lub albo oraz bo gdy jeśli już jeszcze tylko też
		mnie mi ja my wy on ona ono oni one go jej ich nam was wam mój moja moje nasz nasza bardzo tu tam który
		która które których kiedy gdzie dlaczego`),
	"vi": set(`và là của cho với có không được những các một này đó thì mà khi để từ trong ra vào lên xuống rất cũng
		đã đang sẽ tôi chúng ta bạn họ nó anh chị em ở như nhưng hay hoặc vì nên nếu thế nào gì ai đâu bao nhiêu
		lại còn chỉ mới rồi`),
	"ka": set(`და ან მაგრამ რომ თუ როცა სადაც როგორ რატომ რა ვინ ეს ის ეგ ამ იმ მე შენ ის ჩვენ თქვენ ისინი ჩემი
		შენი მისი ჩვენი თქვენი არის იყო იქნება არ ვერ ნუ კი უკვე ძალიან მხოლოდ ასევე თან ჯერ ისევ`),
}

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// plEndings are Polish inflectional endings (noun and adjective case
// endings and the common verb endings), sorted longest first by init.
var plEndings = []string{
	"owania", "owanie", "ościami", "ością", "ości",
	"ami", "ach", "om", "ów", "owi", "iem", "em", "ego", "emu", "ymi", "imi", "ych", "ich", "ej",
	"cie", "ie", "ią", "ę", "ą", "ył", "ła", "ło", "li", "ły", "ać", "eć", "ić", "yć",
	"y", "i", "a", "e", "o", "u",
}

// stemPL cuts the longest Polish ending of w that leaves at least three
// letters (a light stemmer: it merges the inflected forms of most nouns
// and adjectives, not those with stem alternations).
func stemPL(w string) string {
	r := []rune(w)
	for _, e := range plEndings {
		er := []rune(e)
		if len(r)-len(er) >= 3 && strings.HasSuffix(w, e) {
			return string(r[:len(r)-len(er)])
		}
	}
	return w
}

func init() {
	sort.SliceStable(plEndings, func(a, b int) bool {
		return utf8.RuneCountInString(plEndings[a]) > utf8.RuneCountInString(plEndings[b])
	})
}
