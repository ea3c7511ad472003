package main

import (
	"github.com/spf13/cobra"
)

func (m *Main) featuresCommand() *cobra.Command {
	var format, out string
	cmd := &cobra.Command{
		Use:   "features",
		Short: "Export the per-contact features of the last build",
		Long: `features writes the feature table of the last build, one row per contact, sorted by
contact_id. Column definitions: docs/features.md. Personal identifiers (e-mail,
phone, names) are not part of it.`,
		Example: `  antipersona features --format csv --out features.csv
  antipersona features --format parquet --out features.parquet
  antipersona features --json | head`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if m.jsonOut && !cmd.Flags().Changed("format") {
				format = "json"
			}
			switch format {
			case "csv", "json", "parquet":
			default:
				return usage(cmd, "unknown --format %q (use csv, json or parquet)", format)
			}
			_, s, err := m.openWorkspace(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			if out != "" {
				if err := s.ExportFeaturesFile(cmd.Context(), out, format); err != nil {
					return err
				}
				m.info("Wrote %s", out)
				return nil
			}
			return s.ExportFeatures(cmd.Context(), m.Stdout, format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "csv", "csv, json or parquet")
	cmd.Flags().StringVarP(&out, "out", "o", "", "file to write (default: standard output)")
	return cmd
}
