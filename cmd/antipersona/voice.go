package main

import (
	"context"
	"sort"
	"strings"

	"github.com/antipersona/antipersona/duckdb"
	"github.com/antipersona/antipersona/subgroup"
	"github.com/antipersona/antipersona/textmine"
)

// personaVoice is what a persona's members say in the surveys, against
// everyone else: the structured answers (goals, budget, ...) they give
// more often, and the words and phrases that set their open answers apart.
type personaVoice struct {
	Answers []answerShare   `json:"answers"`
	Words   []textmine.Term `json:"words"`
	// Open is the number of members' open answers the words come from.
	Open int `json:"open_answers"`
}

// answerShare is one value of a structured question, over-represented
// among the members: its share among the members who answered (95 %
// Wilson interval) against its share among all who answered.
type answerShare struct {
	Question string  `json:"question"`
	Answer   string  `json:"answer"`
	Share    float64 `json:"share"`
	Low      float64 `json:"share_low"`
	High     float64 `json:"share_high"`
	Base     float64 `json:"base_share"`
	Lift     float64 `json:"lift"`
}

type surveyAnswer struct{ contact, question, answer, lang string }

// personaVoices computes the voice of each persona of the last build from
// the stored survey answers. A question is open (free text) when its
// answers have three words or more on average, structured otherwise
// (codes, numbers, short choices).
func personaVoices(ctx context.Context, s *duckdb.Store, ids []string) (map[string]personaVoice, error) {
	var answers []surveyAnswer
	words, count := map[string]int{}, map[string]int{}
	err := s.SurveyAnswers(ctx, func(c, q, a, l string) error {
		answers = append(answers, surveyAnswer{c, q, a, l})
		words[q] += len(strings.Fields(a))
		count[q]++
		return nil
	})
	if err != nil || len(answers) == 0 {
		return map[string]personaVoice{}, err
	}
	open := map[string]bool{}
	for q, n := range count {
		open[q] = words[q] >= 3*n
	}
	members := map[string]map[string]bool{}
	for _, kind := range []string{"positive", "negative"} {
		err := s.PersonaMembers(ctx, kind, func(pid, cid string) error {
			if members[pid] == nil {
				members[pid] = map[string]bool{}
			}
			members[pid][cid] = true
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	terms := make([][]string, len(answers))
	for i, a := range answers {
		if open[a.question] {
			terms[i] = textmine.Terms(a.answer, a.lang)
		}
	}
	// Base shares of the structured answers.
	base := map[[2]string]int{}
	answered := map[string]int{}
	for _, a := range answers {
		if !open[a.question] {
			base[[2]string{a.question, a.answer}]++
			answered[a.question]++
		}
	}
	out := map[string]personaVoice{}
	for _, id := range ids {
		m := members[id]
		var v personaVoice
		var in, rest [][]string
		got := map[[2]string]int{}
		gotQ := map[string]int{}
		for i, a := range answers {
			if open[a.question] {
				if m[a.contact] {
					in = append(in, terms[i])
				} else {
					rest = append(rest, terms[i])
				}
				continue
			}
			if m[a.contact] {
				got[[2]string{a.question, a.answer}]++
				gotQ[a.question]++
			}
		}
		v.Open = len(in)
		v.Words = textmine.Distinctive(in, rest, textmine.Options{Top: 8})
		if v.Words == nil {
			v.Words = []textmine.Term{}
		}
		for k, n := range got {
			total := gotQ[k[0]]
			share := float64(n) / float64(total)
			b := float64(base[k]) / float64(answered[k[0]])
			lo, hi := subgroup.Wilson(n, total, 1.959963984540054)
			if lo > b && share >= 1.2*b {
				v.Answers = append(v.Answers, answerShare{Question: k[0], Answer: k[1], Share: share, Low: lo, High: hi, Base: b, Lift: share / b})
			}
		}
		sort.Slice(v.Answers, func(i, j int) bool {
			if v.Answers[i].Lift != v.Answers[j].Lift {
				return v.Answers[i].Lift > v.Answers[j].Lift
			}
			return v.Answers[i].Question+v.Answers[i].Answer < v.Answers[j].Question+v.Answers[j].Answer
		})
		v.Answers = v.Answers[:min(6, len(v.Answers))]
		if v.Answers == nil {
			v.Answers = []answerShare{}
		}
		out[id] = v
	}
	return out, nil
}
