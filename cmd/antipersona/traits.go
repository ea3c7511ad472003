package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func (m *Main) traitsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "traits",
		Short: "List contact traits: name, identifier, type, dimension and missing share",
		Long: `traits lists every contact column antipersona keeps as a trait. The identifier is
the name to use in rules and conditions (lower snake_case of the column name).
Override a type or dimension in antipersona.yaml under contacts.traits.`,
		Example: `  antipersona traits
  antipersona traits --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, s, err := m.openWorkspace(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			ts, err := s.TraitStats(cmd.Context())
			if err != nil {
				return err
			}
			if m.jsonOut {
				return m.printJSON(ts)
			}
			if len(ts) == 0 {
				m.info("no traits yet: ingest contacts first ('antipersona ingest contacts FILE')")
				return nil
			}
			w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tIDENTIFIER\tTYPE\tDIMENSION\tMISSING")
			for _, t := range ts {
				pii := ""
				if t.PII {
					pii = " (personal)"
				}
				fmt.Fprintf(w, "%s\t%s\t%s%s\t%s\t%.1f%%\n", t.Name, t.Ident, t.Type, pii, t.Dimension, 100*t.MissingShare)
			}
			return w.Flush()
		},
	}
}
