// Package textmine finds the words and two-word phrases that set a group's
// open answers (surveys, interviews) apart from everyone else's, in
// English, Polish, Vietnamese and Georgian.
//
// Texts are split at Unicode word boundaries (UAX #29, github.com/rivo/uniseg),
// lower-cased and normalised to NFC; tokens without a letter are dropped.
// Each language has a stop-word list; Polish words are reduced by a light
// stemmer (the longest of a list of inflectional endings is cut while at
// least three letters remain), so "cena", "ceny" and "cenie" count as one.
// Vietnamese writes a word as several syllables separated by spaces, so
// its words are caught by the two-syllable phrases that every language
// also gets: the terms of a text are its words and its pairs of adjacent
// words (pairs broken by a stop word are not phrases).
//
// Distinctive ranks terms by the log-odds ratio with an informative
// Dirichlet prior of Monroe, Colaresi and Quinn (2008), "Fightin' Words",
// Political Analysis 16(4), equations 16 and 18–22: the prior of each term
// is its share of the whole corpus times a prior size α₀, and the z-score
// of the difference of the two groups' smoothed log-odds is the ranking.
package textmine

import (
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/norm"
)

// Words splits text into its lower-case words in language lang (en, pl,
// vi or ka; others are treated like en without stop words), stop words
// kept: "" marks where a stop word or a break (punctuation between words
// counts as none) was, so that phrases do not span it.
func words(text, lang string) []string {
	text = norm.NFC.String(strings.ToLower(text))
	stop := stopWords[lang]
	var out []string
	state := -1
	for len(text) > 0 {
		var w string
		w, text, state = uniseg.FirstWordInString(text, state)
		if !hasLetter(w) {
			continue
		}
		if stop[w] {
			out = append(out, "")
			continue
		}
		if lang == "pl" {
			w = stemPL(w)
		}
		out = append(out, w)
	}
	return out
}

// Terms returns the terms of text: its words other than stop words, and
// the pairs of adjacent such words joined by a space.
func Terms(text, lang string) []string {
	ws := words(text, lang)
	var out []string
	for i, w := range ws {
		if w == "" {
			continue
		}
		out = append(out, w)
		if i+1 < len(ws) && ws[i+1] != "" {
			out = append(out, w+" "+ws[i+1])
		}
	}
	return out
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// Term is a term with its counts in the group and in the rest, and how
// much it sets the group apart.
type Term struct {
	Text string `json:"text"`
	// In and Out count the term's occurrences in the group's texts and in
	// the others'; Docs is the number of the group's texts that have it.
	In   int `json:"count_in"`
	Out  int `json:"count_out"`
	Docs int `json:"texts_in"`
	// LogOdds is δ, the difference of the smoothed log-odds of the term in
	// the group and in the rest; Z its z-score δ/σ.
	LogOdds float64 `json:"log_odds"`
	Z       float64 `json:"z"`
}

// Options tune Distinctive.
type Options struct {
	// PriorSize is α₀, the weight of the corpus-wide prior, in
	// occurrences; 0 takes the size of the corpus (both groups), so that
	// each term's prior count is its count in the whole corpus.
	PriorSize float64
	// MinDocs is the fewest of the group's texts a term must appear in;
	// default 3.
	MinDocs int
	// MinZ is the smallest z-score kept; default 1.96.
	MinZ float64
	// Top is the most terms returned; default 10.
	Top int
}

// Distinctive returns the terms of the group's texts (in, each a list of
// terms as Terms gives) that are over-represented against the others'
// (out), highest z-score first. A word is dropped when a phrase made of
// it has the same count in the group.
func Distinctive(in, out [][]string, opt Options) []Term {
	if opt.MinDocs <= 0 {
		opt.MinDocs = 3
	}
	if opt.MinZ == 0 {
		opt.MinZ = 1.96
	}
	if opt.Top <= 0 {
		opt.Top = 10
	}
	yi, yj, docs := map[string]int{}, map[string]int{}, map[string]int{}
	var ni, nj float64
	for _, d := range in {
		seen := map[string]bool{}
		for _, t := range d {
			yi[t]++
			ni++
			if !seen[t] {
				seen[t] = true
				docs[t]++
			}
		}
	}
	for _, d := range out {
		for _, t := range d {
			yj[t]++
			nj++
		}
	}
	n := ni + nj
	if ni == 0 || nj == 0 {
		return nil
	}
	a0 := opt.PriorSize
	if a0 <= 0 {
		a0 = n
	}
	var res []Term
	for t, ci := range yi {
		if docs[t] < opt.MinDocs {
			continue
		}
		cj := yj[t]
		aw := a0 * float64(ci+cj) / n
		d := Delta(float64(ci), ni, float64(cj), nj, aw, a0)
		z := d / math.Sqrt(1/(float64(ci)+aw)+1/(float64(cj)+aw))
		if z < opt.MinZ {
			continue
		}
		res = append(res, Term{Text: t, In: ci, Out: cj, Docs: docs[t], LogOdds: d, Z: z})
	}
	sort.Slice(res, func(a, b int) bool {
		if res[a].Z != res[b].Z {
			return res[a].Z > res[b].Z
		}
		return res[a].Text < res[b].Text
	})
	// A word and a phrase made of it with the same count in the group say
	// one thing: keep the phrase, the more specific (in Vietnamese, the
	// word itself).
	var out2 []Term
	for _, t := range res {
		covered := false
		if !strings.Contains(t.Text, " ") {
			for _, p := range res {
				if p.In == t.In && strings.Contains(p.Text, " ") && slices.Contains(strings.Split(p.Text, " "), t.Text) {
					covered = true
					break
				}
			}
		}
		if !covered {
			out2 = append(out2, t)
		}
		if len(out2) == opt.Top {
			break
		}
	}
	return out2
}

// Delta is Monroe et al.'s δ_w (equation 16 with the informative prior):
// the log-odds of a term with count yi of ni in group i minus that with yj
// of nj in group j, each smoothed by the term's prior count aw of a prior
// of size a0:
//
//	δ = log((yi+aw)/(ni+a0−yi−aw)) − log((yj+aw)/(nj+a0−yj−aw))
func Delta(yi, ni, yj, nj, aw, a0 float64) float64 {
	return math.Log((yi+aw)/(ni+a0-yi-aw)) - math.Log((yj+aw)/(nj+a0-yj-aw))
}
