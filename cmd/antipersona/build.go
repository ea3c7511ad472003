package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/config"
	"github.com/antipersona/antipersona/features"
	"github.com/antipersona/antipersona/segments"
)

func (m *Main) buildCommand() *cobra.Command {
	var asOf string
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Compute features, segments, personas and negative personas as of a date",
		Long: `build computes, as of a reference date (data up to the end of that day counts,
later data is ignored), in one run:

  - every per-contact feature (RFM, tenure, decision cycle, engagement, returns, support
    load, costs, profit, ...) inside the store (docs/features.md);
  - the segments: RFM scores and named segments, behavioural tags, lifecycle stage, the
    CEL rule segments of antipersona.yaml, and clusters (docs/segments.md);
  - buyer personas and negative personas with their cards, signals and avatars
    (docs/personas.md);
  - the propensity model, and one decision per contact (activate, nurture,
    maintain, organic_only, exclude; docs/decisions.md), kept as a snapshot
    that 'antipersona changes' compares with earlier builds.

Rule segments are type-checked before anything is computed. Each build is recorded.
See the results with segments, personas and assignments.`,
		Example: `  antipersona build
  antipersona build --as-of 2025-06-30 --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, s, err := m.openWorkspace(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			sum, err := m.runBuild(cmd.Context(), cfg, s, asOf)
			if err != nil {
				return err
			}
			if m.jsonOut {
				return m.printJSON(sum)
			}
			m.printBuildSummary(sum, cfg.Currency)
			return nil
		},
	}
	cmd.Flags().StringVar(&asOf, "as-of", "", "reference date YYYY-MM-DD (default: reference_date in antipersona.yaml, else today)")
	return cmd
}

// runBuild computes the features and returns the build's summary.
func (m *Main) runBuild(ctx context.Context, cfg config.Config, s store, asOfFlag string) (antipersona.BuildSummary, error) {
	asOf, err := cfg.AsOf(asOfFlag, m.Now())
	if err != nil {
		return antipersona.BuildSummary{}, err
	}
	traits, err := s.Traits(ctx)
	if err != nil {
		return antipersona.BuildSummary{}, err
	}
	p := features.Params{
		AsOf:              asOf,
		DefaultMarginRate: cfg.Features.DefaultMarginRate,
		CostPerTicket:     cfg.Features.CostPerTicket,
		CostPerReturn:     cfg.Features.CostPerReturn,
		SessionGapMinutes: cfg.Features.SessionGapMinutes,
		Weights:           cfg.Features.EngagementWeights,
		Traits:            traits,
	}
	start := time.Now()
	featureSQL := features.SQL(p)
	// Rule segments are type-checked against the feature columns before
	// anything is computed.
	cols, err := s.Describe(ctx, featureSQL)
	if err != nil {
		return antipersona.BuildSummary{}, err
	}
	rules, err := segments.CompileRules(cfg.Segments.Rules, ruleVars(cols))
	if err != nil {
		return antipersona.BuildSummary{}, antipersona.Errorf(antipersona.EINVALID, "%s: %v", config.FileName, err)
	}
	m.info("Building features as of %s ...", asOf.Format(time.DateOnly))
	stage := &stageReporter{ctx: ctx}
	stage.enter("clv")
	ci, err := m.buildCLV(ctx, cfg, s, p)
	if err != nil {
		return antipersona.BuildSummary{}, err
	}
	if ci.Basis == "model" {
		m.logger.Debug("clv model", "model", ci.Model, "params", ci.Params, "spend", ci.SpendParams, "buyers", ci.Buyers)
	} else {
		m.info("CLV: %s; predicted_clv is the historic value", ci.Reason)
	}
	m.logger.Debug("clv", "seconds", time.Since(start).Seconds())
	t0 := time.Now()
	stage.enter("features")
	b, err := s.Build(ctx, featureSQL, asOf, cfg.Hash(),
		antipersona.Derived{Name: "segments", SQL: segments.SQL(cfg.SegmentParams())})
	if err != nil {
		return antipersona.BuildSummary{}, err
	}
	if err := evalRules(ctx, s, rules); err != nil {
		return antipersona.BuildSummary{}, err
	}
	sum, err := s.Summary(ctx, *b)
	if err != nil {
		return sum, err
	}
	m.logger.Debug("features and segments", "seconds", time.Since(t0).Seconds())
	stage.enter("personas")
	pr, err := m.buildPersonas(ctx, cfg, s, traits, sum)
	if err != nil {
		return sum, err
	}
	t0 = time.Now()
	stage.enter("propensity")
	reason, sm, err := m.trainPropensity(ctx, s, b.ID, pr.in)
	if err != nil {
		return sum, fmt.Errorf("propensity model: %w", err)
	} else if reason != "" {
		m.info("Propensity model: none (%s)", reason)
	}
	m.logger.Debug("propensity model", "seconds", time.Since(t0).Seconds())
	t0 = time.Now()
	// The traits that changed since the previous build with decisions.
	var prior time.Time
	prev, err := s.LastDecisionBuild(ctx, b.ID)
	if err != nil {
		return sum, err
	}
	if prev > 0 {
		pb, err := s.BuildByID(ctx, prev)
		if err != nil {
			return sum, err
		}
		prior = pb.AsOf
	}
	tv, err := readTraitVersions(ctx, s, traits, asOf, prior)
	if err != nil {
		return sum, err
	}
	var np *nextPurchase
	stage.enter("next_purchase")
	if w := cfg.Decisions.NextPurchaseDays; w > 0 && sum.Orders > 0 {
		if np, reason, err = m.trainNextPurchase(ctx, s, p, tv.traits, pr, w); err != nil {
			return sum, fmt.Errorf("next-purchase model: %w", err)
		} else if reason != "" {
			m.info("Next-purchase model: none (%s)", reason)
		}
	}
	m.logger.Debug("next-purchase model", "seconds", time.Since(t0).Seconds())
	t0 = time.Now()
	stage.enter("decisions")
	in := decisionInput{build: *b, prev: prev, personas: pr, model: sm, next: np, versions: tv, clv: ci}
	if err := m.buildDecisions(ctx, cfg, s, in); err != nil {
		return sum, fmt.Errorf("decisions: %w", err)
	}
	m.logger.Debug("decisions", "seconds", time.Since(t0).Seconds())
	m.logger.Debug("build finished", "build", b.ID, "contacts", b.Contacts, "seconds", time.Since(start).Seconds())
	return sum, nil
}

func (m *Main) printBuildSummary(s antipersona.BuildSummary, currency string) {
	out := m.Stdout
	fmt.Fprintf(out, "Build #%d as of %s\n", s.Build.ID, s.Build.AsOf.Format(time.DateOnly))
	fmt.Fprintf(out, "  contacts            %d\n", s.Contacts)
	fmt.Fprintf(out, "  buyers              %d (%.1f%%)\n", s.Buyers, pct(s.Buyers, s.Contacts))
	fmt.Fprintf(out, "  converted           %d (%.1f%%)\n", s.Converted, pct(s.Converted, s.Contacts))
	fmt.Fprintf(out, "  orders              %d\n", s.Orders)
	fmt.Fprintf(out, "  net revenue         %.2f %s\n", s.Revenue, currency)
	fmt.Fprintf(out, "  returns             %.2f %s\n", s.Returns, currency)
	fmt.Fprintf(out, "  costs               %.2f %s (acquisition, contact, support)\n", s.Costs, currency)
	fmt.Fprintf(out, "  profit              %.2f %s\n", s.Profit, currency)
	fmt.Fprintf(out, "  unprofitable        %d contacts (profit < 0), together %.2f %s\n", s.Unprofitable, s.UnprofitableLoss, currency)
}

func pct(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// ruleVars declares the feature columns to the rule compiler.
func ruleVars(cols []antipersona.ColumnType) []segments.Var {
	var out []segments.Var
	for _, c := range cols {
		if c.Name == "contact_id" {
			continue
		}
		t := segments.VarNumber
		switch {
		case strings.HasSuffix(c.Type, "[]"):
			t = segments.VarList
		case c.Type == "VARCHAR":
			t = segments.VarText
		case c.Type == "BOOLEAN":
			t = segments.VarBool
		case strings.HasPrefix(c.Type, "TIMESTAMP") || c.Type == "DATE":
			t = segments.VarTime
		}
		out = append(out, segments.Var{Name: c.Name, Type: t})
	}
	return out
}

// evalRules evaluates the rule segments on every contact of the last build
// and stores the memberships.
func evalRules(ctx context.Context, s store, rules *segments.Rules) error {
	var members [][2]string
	if len(rules.Names()) > 0 {
		err := scanRules(ctx, s, rules, func(id string, r int) { members = append(members, [2]string{id, rules.Names()[r]}) })
		if err != nil {
			return antipersona.Errorf(antipersona.EINVALID, "%v", err)
		}
	}
	return s.ReplaceRuleSegments(ctx, members)
}

// scanRules evaluates compiled rules on every contact of the last build's
// features and calls fn with each contact and rule (its index) that holds.
func scanRules(ctx context.Context, s store, rules *segments.Rules, fn func(id string, rule int)) error {
	used := rules.Used()
	names := make([]string, len(used))
	for i, v := range used {
		names[i] = v.Name
	}
	ev := rules.Evaluator()
	row := make(segments.Row, len(used))
	return s.ScanFeatures(ctx, names, func(id string, vals []any) error {
		for i, v := range vals {
			row[i] = plainValue(v)
		}
		return ev.Eval(row, func(r int) { fn(id, r) })
	})
}

// plainValue converts a value read from DuckDB to the types rules and
// analysis columns use: integers become float64, lists []string.
func plainValue(v any) any {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case int32:
		return float64(x)
	case []any:
		l := make([]string, len(x))
		for i, e := range x {
			l[i] = fmt.Sprint(e)
		}
		return l
	}
	return v
}
