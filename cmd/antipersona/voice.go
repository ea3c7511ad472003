package main

import (
	"context"
	"sort"
	"strings"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/subgroup"
	"github.com/antipersona/antipersona/textmine"
)

// personaVoice is what a group of contacts says in the surveys, against
// everyone else: the structured answers (goals, budget, ...) they give
// more often, and the words and phrases that set their open answers apart.
type personaVoice struct {
	Answers []answerShare   `json:"answers"`
	Words   []textmine.Term `json:"words"`
	// Open is the number of the group's open answers the words come from.
	Open int `json:"open_answers"`
	// Leaving are the words that set apart the open answers of the members
	// who left (no activity for thresholds.active_days) from those of the
	// members who stayed: their reasons to stop (persona cards only).
	Leaving []textmine.Term `json:"leaving_words,omitempty"`
}

// answerShare is one value of a structured question, over-represented in
// the group: its share among the group's answers to the question (95 %
// Wilson interval) against its share among all answers to it.
type answerShare struct {
	Question string  `json:"question"`
	Answer   string  `json:"answer"`
	Share    float64 `json:"share"`
	Low      float64 `json:"share_low"`
	High     float64 `json:"share_high"`
	Base     float64 `json:"base_share"`
	Lift     float64 `json:"lift"`
}

type surveyAnswer struct {
	contact, question, answer string
	open                      bool
	terms                     []string // of an open answer
}

// surveys holds the stored survey answers, classified as readSurveys
// does, with the terms of the open ones.
type surveys struct {
	answers  []surveyAnswer
	base     map[[2]string]int // structured (question, answer) -> count
	answered map[string]int    // structured question -> answers
}

// readSurveys returns the stored survey answers and which questions are
// open (free text): those whose answers have three words or more on
// average. The others are structured (codes, numbers, short choices).
func readSurveys(ctx context.Context, s store) ([]antipersona.SurveyAnswer, map[string]bool, error) {
	var all []antipersona.SurveyAnswer
	words, count := map[string]int{}, map[string]int{}
	err := s.SurveyAnswers(ctx, func(a antipersona.SurveyAnswer) error {
		all = append(all, a)
		words[a.QuestionID] += len(strings.Fields(a.Answer))
		count[a.QuestionID]++
		return nil
	})
	open := map[string]bool{}
	for q, n := range count {
		open[q] = words[q] >= 3*n
	}
	return all, open, err
}

func loadSurveys(ctx context.Context, s store) (*surveys, error) {
	all, open, err := readSurveys(ctx, s)
	if err != nil {
		return nil, err
	}
	sv := &surveys{base: map[[2]string]int{}, answered: map[string]int{}}
	for _, r := range all {
		a := surveyAnswer{contact: r.ContactID, question: r.QuestionID, answer: r.Answer, open: open[r.QuestionID]}
		if a.open {
			a.terms = textmine.Terms(r.Answer, r.Language)
		} else {
			sv.base[[2]string{a.question, a.answer}]++
			sv.answered[a.question]++
		}
		sv.answers = append(sv.answers, a)
	}
	return sv, nil
}

// voice is what the contacts of group say against everyone else.
func (sv *surveys) voice(group map[string]bool) personaVoice {
	v := personaVoice{Answers: []answerShare{}, Words: []textmine.Term{}}
	var in, rest [][]string
	got, gotQ := map[[2]string]int{}, map[string]int{}
	for _, a := range sv.answers {
		switch {
		case a.open && group[a.contact]:
			in = append(in, a.terms)
		case a.open:
			rest = append(rest, a.terms)
		case group[a.contact]:
			got[[2]string{a.question, a.answer}]++
			gotQ[a.question]++
		}
	}
	v.Open = len(in)
	if w := textmine.Distinctive(in, rest, textmine.Options{Top: 8}); w != nil {
		v.Words = w
	}
	for k, n := range got {
		total := gotQ[k[0]]
		share := float64(n) / float64(total)
		b := float64(sv.base[k]) / float64(sv.answered[k[0]])
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
	return v
}

// leaving are the words of the open answers of the group's contacts who
// left against those of the group's contacts who stayed.
func (sv *surveys) leaving(group, left map[string]bool) []textmine.Term {
	var gone, stayed [][]string
	for _, a := range sv.answers {
		if !a.open || !group[a.contact] {
			continue
		}
		if left[a.contact] {
			gone = append(gone, a.terms)
		} else {
			stayed = append(stayed, a.terms)
		}
	}
	return textmine.Distinctive(gone, stayed, textmine.Options{Top: 5})
}

// personaVoices computes the voice of each persona of the last build from
// the stored survey answers, with the reasons to stop of its members who
// left (no activity for activeDays).
func personaVoices(ctx context.Context, s store, ids []string, activeDays int) (map[string]personaVoice, error) {
	sv, err := loadSurveys(ctx, s)
	if err != nil || len(sv.answers) == 0 {
		return map[string]personaVoice{}, err
	}
	members := map[string]map[string]bool{}
	err = s.PersonaMembers(ctx, func(pid, cid string) error {
		if members[pid] == nil {
			members[pid] = map[string]bool{}
		}
		members[pid][cid] = true
		return nil
	}, "positive", "negative")
	if err != nil {
		return nil, err
	}
	left, err := s.Departed(ctx, activeDays)
	if err != nil {
		return nil, err
	}
	out := map[string]personaVoice{}
	for _, id := range ids {
		v := sv.voice(members[id])
		v.Leaving = sv.leaving(members[id], left)
		out[id] = v
	}
	return out, nil
}
