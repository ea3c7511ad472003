package textmine

import (
	"math"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestDelta checks δ and z by hand for yi = 3 of ni = 10, yj = 1 of nj = 20
// and a prior of the corpus (a0 = 30, aw = 30·4/30 = 4):
// δ = ln(7/33) − ln(5/45) = −1.550597 + 2.197225 = 0.646627;
// σ² = 1/7 + 1/5 = 0.342857, z = 0.6466272/0.5855400 = 1.104326.
func TestDelta(t *testing.T) {
	d := Delta(3, 10, 1, 20, 4, 30)
	if math.Abs(d-0.646627) > 1e-6 {
		t.Errorf("delta = %.6f, want 0.646627", d)
	}
	if z := d / math.Sqrt(1.0/7+1.0/5); math.Abs(z-1.104326) > 1e-6 {
		t.Errorf("z = %.6f, want 1.104326", z)
	}
}

func terms(lang string, texts ...string) [][]string {
	var out [][]string
	for _, s := range texts {
		out = append(out, Terms(s, lang))
	}
	return out
}

func top(ts []Term) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Text)
	}
	return out
}

// Each language: a group that complains about prices against one that
// praises quality and delivery, written by hand. A price word must be among
// the first two, the others' words must not appear.
func TestDistinctivePerLanguage(t *testing.T) {
	cases := []struct {
		lang      string
		in, out   []string
		want, not string
	}{
		{"en",
			[]string{"Too expensive for me.", "The price is too expensive!", "Expensive, I wait for a sale.", "Way too expensive; the price is high."},
			[]string{"Great quality headphones.", "Fast delivery and great quality.", "I love the quality.", "Quality is great, delivery fast.", "Good price for the quality."},
			"expensive", "quality"},
		{"pl", // cena, ceny, cenie, cen: one stem
			[]string{"Cena jest za wysoka.", "Ceny są za wysokie dla mnie.", "Przy tej cenie nie kupię.", "Czekam na niższe ceny."},
			[]string{"Świetna jakość i szybka dostawa.", "Jakość bardzo dobra.", "Dobra jakość, szybka dostawa.", "Polecam, jakość super."},
			"cen", "jakość"},
		{"vi", // two-syllable words: giá cả, đắt quá
			[]string{"Giá cả đắt quá.", "Sản phẩm đắt quá, giá cả cao.", "Tôi chờ giảm giá vì đắt quá.", "Giá cả không hợp lý, đắt quá."},
			[]string{"Chất lượng tốt, giao hàng nhanh.", "Chất lượng rất tốt.", "Giao hàng nhanh, chất lượng ổn.", "Tôi thích chất lượng."},
			"đắt quá", "chất lượng"},
		{"ka",
			[]string{"ძალიან ძვირია ჩემთვის.", "ფასი მაღალია, ძვირია.", "ძვირია, ფასდაკლებას ველოდები.", "ფასი ძვირია."},
			[]string{"კარგი ხარისხი.", "სწრაფი მიწოდება და კარგი ხარისხი.", "ხარისხი მომწონს.", "კარგი ხარისხი და სწრაფი მიწოდება."},
			"ძვირია", "ხარისხი"},
	}
	for _, c := range cases {
		got := Distinctive(terms(c.lang, c.in...), terms(c.lang, c.out...), Options{MinDocs: 2, MinZ: 0.5})
		names := top(got)
		t.Logf("%s: %v", c.lang, names)
		if !slices.Contains(names[:min(2, len(names))], c.want) {
			t.Errorf("%s: terms %v, want %q among the first two", c.lang, names, c.want)
		}
		if slices.Contains(names, c.not) {
			t.Errorf("%s: %q, the other group's word, listed", c.lang, c.not)
		}
	}
}

// TestTerms checks the tokenizer's rules by hand.
func TestTerms(t *testing.T) {
	cases := []struct {
		lang, text string
		want       []string
	}{
		// stop words go and break phrases; punctuation and numbers go
		{"en", "The price is TOO high, 100%!", []string{"price", "high"}},
		{"en", "fast delivery", []string{"fast", "fast delivery", "delivery"}},
		// a light stemmer: cena/ceny/cenie -> cen; stop words (za, jest) go
		{"pl", "Cena jest za wysoka", []string{"cen", "wysok"}},
		{"pl", "ceny cenie", []string{"cen", "cen cen", "cen"}},
		// Vietnamese syllables, and their pairs (the words)
		{"vi", "Sản phẩm rất tốt", []string{"sản", "sản phẩm", "phẩm", "tốt"}},
		// Georgian script, lower-casing leaves it as it is
		{"ka", "კარგი ხარისხი", []string{"კარგი", "კარგი ხარისხი", "ხარისხი"}},
	}
	for _, c := range cases {
		if got := Terms(c.text, c.lang); !slices.Equal(got, c.want) {
			t.Errorf("Terms(%q, %s) = %q, want %q", c.text, c.lang, got, c.want)
		}
	}
}

// FuzzTerms: any text in any of the languages gives terms that are valid
// UTF-8, non-empty, with no leading, trailing or double spaces, at most two
// words each, and no stop word alone.
func FuzzTerms(f *testing.F) {
	for _, s := range []string{"The price is TOO high, 100%!", "Cena jest za wysoka", "Sản phẩm rất tốt", "კარგი ხარისხი", "", "\xff\xfe", "a  b\tc\n"} {
		for _, l := range []string{"en", "pl", "vi", "ka", "xx"} {
			f.Add(s, l)
		}
	}
	f.Fuzz(func(t *testing.T, text, lang string) {
		for _, term := range Terms(text, lang) {
			if term == "" || !utf8.ValidString(term) || strings.TrimSpace(term) != term || strings.Contains(term, "  ") || strings.Count(term, " ") > 1 {
				t.Fatalf("Terms(%q, %q): bad term %q", text, lang, term)
			}
			if !strings.Contains(term, " ") && stopWords[lang][term] {
				t.Fatalf("Terms(%q, %q): stop word %q", text, lang, term)
			}
		}
	})
}
