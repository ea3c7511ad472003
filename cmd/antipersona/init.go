package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/config"
	"github.com/antipersona/antipersona/postgres"
)

func (m *Main) initCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "init [DIR]",
		Short: "Create a workspace: a commented antipersona.yaml and the embedded store",
		Long: `init creates DIR (default: the workspace folder) with a commented antipersona.yaml
holding every setting and its default, the embedded DuckDB store and a rejects/ folder.
An existing antipersona.yaml is left as it is.`,
		Example: `  antipersona init shop
  antipersona -w shop status`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usage(cmd, "expected at most one folder, got %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := m.workspace
			if len(args) == 1 {
				dir = args[0]
				m.workspace = dir
			}
			return m.runInit(cmd.Context(), dir)
		},
	}
}

func (m *Main) runInit(ctx context.Context, dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, "rejects"), 0o755); err != nil {
		return antipersona.Errorf(antipersona.EINVALID, "cannot create workspace %s: %v", dir, err)
	}
	cfgPath := filepath.Join(dir, config.FileName)
	_, err := os.Stat(cfgPath)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.WriteFile(cfgPath, []byte(config.Template), 0o644); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		m.info("%s exists; left as it is", cfgPath)
	}
	f, err := os.Open(cfgPath)
	if err != nil {
		return err
	}
	cfg, err := config.Parse(f)
	f.Close()
	if err != nil {
		return err
	}
	s, err := m.openStore(ctx, cfg, dir)
	if err != nil {
		return err
	}
	if err := s.Close(); err != nil {
		return err
	}
	where := StoreFile
	if m.postgresDSN(cfg) != "" {
		abs, _ := filepath.Abs(dir)
		where = "PostgreSQL schema " + postgres.SchemaName(workspaceName(cfg, abs))
	}
	m.info("Initialised workspace %s (%s, %s)", dir, config.FileName, where)
	return nil
}
