package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func (m *Main) segmentsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "segments",
		Short: "List the segments of the last build: RFM, lifecycle, behavioural tags, rules",
		Long: `segments lists, for the last build, every named RFM segment, lifecycle stage,
behavioural tag and rule segment with its number of contacts, share, net revenue,
share of revenue and profit. A contact has one RFM segment (buyers only), one
lifecycle stage, any number of tags and rule segments. Definitions: docs/segments.md;
thresholds and names in antipersona.yaml (segments, thresholds).`,
		Example: `  antipersona segments
  antipersona segments --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, s, err := m.openWorkspace(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			cs, err := s.SegmentCounts(cmd.Context())
			if err != nil {
				return err
			}
			if m.jsonOut {
				return m.printJSON(map[string]any{"segments": cs})
			}
			w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
			group := ""
			for _, c := range cs {
				if c.Group != group {
					if group != "" {
						fmt.Fprintln(w, "\t\t\t\t\t\t")
					}
					group = c.Group
					fmt.Fprintf(w, "%s\tCONTACTS\tSHARE\tREVENUE (%s)\tOF REVENUE\tPROFIT\t\n", map[string]string{
						"rfm": "RFM SEGMENT", "lifecycle": "LIFECYCLE", "tag": "TAG", "cluster": "CLUSTER", "rule": "RULE"}[c.Group], cfg.Currency)
				}
				fmt.Fprintf(w, "%s\t%d\t%.1f%%\t%.0f\t%.1f%%\t%.0f\t\n", c.Name, c.Contacts, 100*c.Share, c.Revenue, 100*c.RevenueShare, c.Profit)
			}
			return w.Flush()
		},
	}
}
