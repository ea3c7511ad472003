package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/antipersona/antipersona/config"
	"github.com/antipersona/antipersona/duckdb"
	"github.com/antipersona/antipersona/features"
	"github.com/antipersona/antipersona/segments"
)

func (m *Main) buildCommand() *cobra.Command {
	var asOf string
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Compute one row of features per contact as of a date",
		Long: `build computes every per-contact feature (RFM, tenure, decision cycle, engagement,
returns, support load, costs, profit, ...) inside the store, as of a reference date:
data up to the end of that day counts, later data is ignored. Each build is recorded.
Definitions: docs/features.md.`,
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
func (m *Main) runBuild(ctx context.Context, cfg config.Config, s *duckdb.Store, asOfFlag string) (duckdb.BuildSummary, error) {
	asOf, err := cfg.AsOf(asOfFlag, m.Now())
	if err != nil {
		return duckdb.BuildSummary{}, err
	}
	traits, err := s.Traits(ctx)
	if err != nil {
		return duckdb.BuildSummary{}, err
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
	m.info("Building features as of %s ...", asOf.Format(time.DateOnly))
	b, err := s.Build(ctx, features.SQL(p), asOf, cfg.Hash(),
		duckdb.Derived{Name: "segments", SQL: segments.SQL(cfg.SegmentParams())})
	if err != nil {
		return duckdb.BuildSummary{}, err
	}
	sum, err := s.Summary(ctx, *b)
	if err != nil {
		return sum, err
	}
	m.logger.Debug("build finished", "build", b.ID, "contacts", b.Contacts, "seconds", time.Since(start).Seconds())
	return sum, nil
}

func (m *Main) printBuildSummary(s duckdb.BuildSummary, currency string) {
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
