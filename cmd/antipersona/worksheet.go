package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/config"
	"github.com/antipersona/antipersona/duckdb"
	"github.com/antipersona/antipersona/persona"
	"github.com/antipersona/antipersona/subgroup"
)

// worksheetQuestion is one question of the negative-persona worksheet
// (Kissmetrics, source 004), answered from the features: Target is an SQL
// condition over the features table ({ACTIVE} is thresholds.active_days).
type worksheetQuestion struct {
	ID       string `json:"id"`
	Question string `json:"question"`
	Target   string `json:"target_sql"`
	Meaning  string `json:"definition"`
}

var worksheetQuestions = []worksheetQuestion{
	{"effort", "Which customers cost the team the most effort?",
		"COALESCE(tickets, 0) + COALESCE(returns_count, 0) > 0 AND COALESCE(tickets, 0) + COALESCE(returns_count, 0) >= quantile_cont(COALESCE(tickets, 0) + COALESCE(returns_count, 0), 0.9) OVER ()",
		"support tickets plus returns at or above the 90th percentile of all contacts (and at least one)"},
	{"slow_to_close", "Which customers took the longest to close?",
		"decision_cycle_days >= quantile_cont(decision_cycle_days, 0.75) OVER ()",
		"days from first contact to first order at or above the 75th percentile of the buyers"},
	{"left", "Which customers did not stay?",
		"frequency > 0 AND recency_days > 2 * {ACTIVE} AND COALESCE(days_since_last_activity, 0) > {ACTIVE}",
		"buyers with no order for twice thresholds.active_days and no activity for thresholds.active_days"},
	{"complaints", "Which customers left bad reviews or complained?",
		"review_score <= 2 OR tickets >= 3",
		"an average review of 2 stars or less, or at least three support tickets"},
	{"least_profit", "Which contacts brought the least profit?",
		"profit < 0 AND profit <= quantile_cont(profit, 0.1) OVER ()",
		"profit below zero and at or below the 10th percentile of all contacts"},
	{"expensive", "Which contacts were the most expensive to acquire?",
		"acquisition_cost > 0 AND acquisition_cost >= quantile_cont(acquisition_cost, 0.9) OVER ()",
		"acquisition cost above zero and at or above the 90th percentile of all contacts"},
}

// worksheetAnswer is the data's answer to one question, with the team's.
type worksheetAnswer struct {
	worksheetQuestion
	Contacts int     `json:"contacts"`
	Share    float64 `json:"share"`
	// Groups are the lead-time groups in which these contacts are
	// over-represented, best first.
	Groups []worksheetGroup `json:"groups"`
	// Voice is what these contacts say in the surveys against everyone
	// else (for "did not stay": why, in their words).
	Voice personaVoice `json:"voice"`
	// Preceded is, for the contacts who left (no activity for
	// thresholds.active_days), what they did in the 30 days before their
	// last activity more often than everyone who left.
	Preceded []antipersona.PersonaSignal `json:"preceded_departure"`
	// Team is the team's own answer (worksheet --answers).
	Team string `json:"team_answer,omitempty"`
}

type worksheetGroup struct {
	Description string               `json:"description"`
	Conditions  []subgroup.Condition `json:"conditions"`
	Size        int                  `json:"size"`
	Rate        float64              `json:"rate"`
	RateLow     float64              `json:"rate_low"`
	RateHigh    float64              `json:"rate_high"`
	BaseRate    float64              `json:"base_rate"`
	Lift        float64              `json:"lift"`
	Coverage    float64              `json:"coverage"`
	PAdjusted   float64              `json:"p_value_adjusted"`
	Examples    []string             `json:"example_contacts"`
}

func (m *Main) worksheetCommand() *cobra.Command {
	var answers string
	cmd := &cobra.Command{
		Use:   "worksheet",
		Short: "Answer the negative-persona worksheet from the data, beside the team's own answers",
		Long: `worksheet answers, from the last build, the questions of the negative-persona
worksheet: which customers cost the team the most effort, took the longest to close, did
not stay, left bad reviews or complained, brought the least profit, were the most
expensive to acquire. Each answer is how many contacts it is (the definition is shown),
and the groups of traits known at lead time in which they are over-represented, with
size, rate (95 % Wilson interval), lift, coverage, the Holm-adjusted p-value and example
contact ids.

--answers FILE stores the team's own answers (YAML or JSON: question id to text, e.g.
"effort: the wholesale buyers who call every week") with the workspace; they are shown
beside the data from then on. An empty text removes an answer.`,
		Example: `  antipersona worksheet
  antipersona worksheet --answers team.yaml
  antipersona worksheet --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, s, err := m.openWorkspace(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			team, err := loadTeamAnswers(cmd.Context(), s)
			if err != nil {
				return err
			}
			if answers != "" {
				if team, err = storeTeamAnswers(cmd.Context(), s, team, answers); err != nil {
					return err
				}
				m.info("%d team answers stored", len(team))
			}
			out, err := answerWorksheet(cmd.Context(), cfg, s)
			if err != nil {
				return err
			}
			for i := range out {
				out[i].Team = team[out[i].ID]
			}
			if m.jsonOut {
				return m.printJSON(map[string]any{"questions": out})
			}
			m.printWorksheet(out)
			return nil
		},
	}
	cmd.Flags().StringVar(&answers, "answers", "", "store the team's answers from this YAML or JSON file (question id: text)")
	return cmd
}

// answerWorksheet answers every question from the last build.
func answerWorksheet(ctx context.Context, cfg config.Config, s store) ([]worksheetAnswer, error) {
	_, traits, err := builtTraits(ctx, s)
	if err != nil {
		return nil, err
	}
	a := &persona.Analysis{Traits: traitColumns(traits, 0)}
	sel := []string{}
	for _, q := range worksheetQuestions {
		t := strings.ReplaceAll(q.Target, "{ACTIVE}", strconv.Itoa(cfg.Thresholds.ActiveDays))
		sel = append(sel, "COALESCE(("+t+"), false)")
	}
	nq := len(worksheetQuestions)
	traitPos := make([]int, len(a.Traits))
	for c, col := range a.Traits {
		sel = append(sel, duckdb.QuoteIdent(col.Ident))
		traitPos[c] = 1 + nq + c
	}
	targets := make([][]bool, nq)
	err = s.Scan(ctx, "SELECT contact_id, "+strings.Join(sel, ", ")+" FROM features ORDER BY contact_id", func(v []any) error {
		for k := range targets {
			targets[k] = append(targets[k], v[1+k] == true)
		}
		appendTraits(a, v[0].(string), v, traitPos)
		return nil
	})
	if err != nil {
		return nil, err
	}
	idx, _, err := a.Index()
	if err != nil {
		return nil, err
	}
	sv, err := loadSurveys(ctx, s)
	if err != nil {
		return nil, err
	}
	b, err := s.LastBuild(ctx)
	if err != nil {
		return nil, err
	}
	asOf := b.AsOf
	out := make([]worksheetAnswer, nq)
	for k, q := range worksheetQuestions {
		ans := worksheetAnswer{worksheetQuestion: q, Groups: []worksheetGroup{}}
		ans.Target = strings.ReplaceAll(q.Target, "{ACTIVE}", strconv.Itoa(cfg.Thresholds.ActiveDays))
		for _, t := range targets[k] {
			if t {
				ans.Contacts++
			}
		}
		if n := len(a.IDs); n > 0 {
			ans.Share = float64(ans.Contacts) / float64(n)
		}
		if ans.Contacts > 0 && ans.Contacts < len(a.IDs) && len(a.LeadTimeAttrs()) > 0 {
			res, _, err := subgroup.DiscoverIndex(ctx, idx, subgroup.Target{Binary: targets[k]}, subgroup.Options{
				Depth: cfg.Personas.Depth, MinSize: cfg.Thresholds.MinSize, MinSupport: cfg.Thresholds.MinSupport,
				Alpha: cfg.Thresholds.Alpha, MaxOverlap: cfg.Thresholds.MaxOverlap, Quality: subgroup.Binomial,
				Direction: subgroup.Above, Results: 3, Attrs: a.LeadTimeAttrs()})
			if err != nil {
				return nil, fmt.Errorf("worksheet %s: %w", q.ID, err)
			}
			for _, r := range res {
				g := worksheetGroup{Description: r.Description, Conditions: r.Conditions, Size: r.Size, Rate: r.TargetRate,
					RateLow: r.RateLow, RateHigh: r.RateHigh, BaseRate: r.BaseRate, Lift: r.Lift, Coverage: r.Coverage, PAdjusted: r.PAdjusted}
				for i, t := range targets[k] {
					if t && r.Rows.Has(i) && len(g.Examples) < 5 {
						g.Examples = append(g.Examples, a.IDs[i])
					}
				}
				ans.Groups = append(ans.Groups, g)
			}
		}
		group := map[string]bool{}
		for i, t := range targets[k] {
			if t {
				group[a.IDs[i]] = true
			}
		}
		ans.Voice = sv.voice(group)
		out[k] = ans
	}
	targetSQL := make([]string, nq)
	for k := range out {
		targetSQL[k] = out[k].Target
	}
	preceded, err := s.DepartureSignals(ctx, asOf, targetSQL, cfg.Thresholds.ActiveDays, signalWindowDays)
	if err != nil {
		return nil, err
	}
	for k := range out {
		out[k].Preceded = preceded[k]
		if out[k].Preceded == nil {
			out[k].Preceded = []antipersona.PersonaSignal{}
		}
	}
	return out, nil
}

// teamAnswersKey is the meta key of the team's worksheet answers (JSON).
const teamAnswersKey = "worksheet_answers"

func loadTeamAnswers(ctx context.Context, s store) (map[string]string, error) {
	js, err := s.Meta(ctx, teamAnswersKey)
	if err != nil {
		return nil, err
	}
	team := map[string]string{}
	if js != "" {
		if err := json.Unmarshal([]byte(js), &team); err != nil {
			return nil, fmt.Errorf("stored worksheet answers: %w", err)
		}
	}
	return team, nil
}

// storeTeamAnswers merges the answers of file (YAML or JSON, question id
// to text) into team and stores them; an unknown question id is an error
// naming it and the known ones.
func storeTeamAnswers(ctx context.Context, s store, team map[string]string, file string) (map[string]string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, antipersona.Errorf(antipersona.ENOTFOUND, "%v", err)
	}
	var in map[string]string
	if err := yaml.Unmarshal(data, &in); err != nil {
		return nil, antipersona.Errorf(antipersona.EINVALID, "%s: %v (want question id: text)", file, err)
	}
	known := map[string]bool{}
	var ids []string
	for _, q := range worksheetQuestions {
		known[q.ID] = true
		ids = append(ids, q.ID)
	}
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !known[k] {
			return nil, antipersona.Errorf(antipersona.EINVALID, "%s: no question %q (the questions: %s)", file, k, strings.Join(ids, ", "))
		}
		if strings.TrimSpace(in[k]) == "" {
			delete(team, k)
		} else {
			team[k] = strings.TrimSpace(in[k])
		}
	}
	js, err := json.Marshal(team)
	if err != nil {
		return nil, err
	}
	return team, s.SetMeta(ctx, teamAnswersKey, string(js))
}

func (m *Main) printWorksheet(out []worksheetAnswer) {
	w := m.Stdout
	for i, a := range out {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s  (%s)\n", a.Question, a.ID)
		fmt.Fprintf(w, "  the data: %d contacts (%.1f%%): %s\n", a.Contacts, 100*a.Share, a.Meaning)
		for _, g := range a.Groups {
			fmt.Fprintf(w, "    %s: %d contacts, %.1f%% of them (95%% CI %.1f-%.1f) against %.1f%% overall (%.1f×), %.0f%% of all such; p_adj %s; e.g. %s\n",
				g.Description, g.Size, 100*g.Rate, 100*g.RateLow, 100*g.RateHigh, 100*g.BaseRate, g.Lift, 100*g.Coverage, pval(g.PAdjusted), strings.Join(g.Examples, ", "))
		}
		if len(a.Groups) == 0 && a.Contacts > 0 {
			fmt.Fprintln(w, "    no group of lead-time traits stands out")
		}
		if v := a.Voice; len(v.Answers) > 0 || len(v.Words) > 0 {
			var parts []string
			for _, x := range v.Answers[:min(3, len(v.Answers))] {
				parts = append(parts, fmt.Sprintf("%s = %s (%.0f%% against %.0f%%)", x.Question, x.Answer, 100*x.Share, 100*x.Base))
			}
			for _, t := range v.Words[:min(5, len(v.Words))] {
				parts = append(parts, fmt.Sprintf("%q", t.Text))
			}
			fmt.Fprintf(w, "  they say: %s\n", strings.Join(parts, "; "))
		}
		if len(a.Preceded) > 0 {
			var parts []string
			for _, p := range a.Preceded {
				parts = append(parts, fmt.Sprintf("%s (%.0f%% against %.0f%%)", p.Name, 100*p.Share, 100*p.Base))
			}
			fmt.Fprintf(w, "  before those who left went quiet: %s\n", strings.Join(parts, "; "))
		}
		if a.Team != "" {
			fmt.Fprintf(w, "  the team: %s\n", a.Team)
		} else {
			fmt.Fprintf(w, "  the team: (no answer yet: worksheet --answers FILE with %s: ...)\n", a.ID)
		}
	}
}

// builtTraits returns the columns of the last build's features and the
// traits among them (a trait first ingested after the build has no column
// until the next one).
func builtTraits(ctx context.Context, s store) ([]antipersona.ColumnType, []antipersona.Trait, error) {
	if err := s.NeedFeatures(ctx); err != nil {
		return nil, nil, err
	}
	cols, err := s.Describe(ctx, "SELECT * FROM features")
	if err != nil {
		return nil, nil, err
	}
	traits, err := s.Traits(ctx)
	if err != nil {
		return nil, nil, err
	}
	have := map[string]bool{}
	for _, c := range cols {
		have[c.Name] = true
	}
	var out []antipersona.Trait
	for _, t := range traits {
		if have[t.Ident] {
			out = append(out, t)
		}
	}
	return cols, out, nil
}
