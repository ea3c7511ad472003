package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/antipersona/antipersona"
)

func (m *Main) statusCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Row counts per kind of data and the last build",
		Example: `  antipersona status
  antipersona status --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, s, err := m.openWorkspace(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			st, err := s.Status(cmd.Context())
			if err != nil {
				return err
			}
			if m.jsonOut {
				return m.printJSON(st)
			}
			fmt.Fprintf(m.Stdout, "workspace: %s\n", m.workspaceDir())
			w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
			for _, k := range antipersona.Kinds {
				fmt.Fprintf(w, "%s\t%d\t\n", k, st.Counts[k])
			}
			fmt.Fprintf(w, "traits\t%d\t\n", st.Traits)
			w.Flush()
			if st.LastBuild == nil {
				fmt.Fprintln(m.Stdout, "last build: none yet (run 'antipersona build')")
			} else {
				b := st.LastBuild
				fmt.Fprintf(m.Stdout, "last build: #%d as of %s, %d contacts, finished %s\n",
					b.ID, b.AsOf.Format(time.DateOnly), b.Contacts, b.FinishedAt.Format(time.RFC3339))
			}
			return nil
		},
	}
}
