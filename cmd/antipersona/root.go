package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/config"
	"github.com/antipersona/antipersona/duckdb"
	"github.com/antipersona/antipersona/postgres"
)

// StoreFile is the name of the embedded store inside a workspace.
const StoreFile = "antipersona.duckdb"

// Main is the program: tests run it in-process with their own streams.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Now            func() time.Time
	// Interactive forces progress bars on or off; nil detects a terminal.
	Interactive *bool

	workspace string
	jsonOut   bool
	quiet     bool
	verbose   bool
	postgres  string // serve --postgres
	// warmViews makes serve compute the dashboard's views of each
	// workspace's language before it listens (demo --serve).
	warmViews bool
	logger    *slog.Logger
}

// NewMain returns a Main wired to the process's streams and environment.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Now: time.Now}
}

// exitCodes maps error codes to exit statuses: the one table of them.
var exitCodes = map[string]int{
	antipersona.EINVALID:  2,
	antipersona.ENOTFOUND: 3,
	antipersona.ECONFLICT: 4,
	antipersona.EINTERNAL: 1,
	// The server's codes, should a command meet one.
	antipersona.EUNAUTHORIZED: 5,
	antipersona.EFORBIDDEN:    5,
	antipersona.ETOOLARGE:     2,
}

// Run runs the command line args and returns the exit status.
func (m *Main) Run(ctx context.Context, args []string) int {
	root := m.rootCommand()
	root.SetArgs(args)
	root.SetOut(m.Stdout)
	root.SetErr(m.Stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var silent *exitError
	if errors.As(err, &silent) {
		return silent.code
	}
	code := antipersona.ErrorCode(err)
	if code == antipersona.EINTERNAL {
		fmt.Fprintf(m.Stderr, "error: %v\n", err)
	} else {
		fmt.Fprintf(m.Stderr, "error: %s\n", antipersona.ErrorMessage(err))
	}
	return exitCodes[code]
}

// exitError ends the program with code after the command has reported its
// own problems.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// usage is a usage error that points at --help.
func usage(cmd *cobra.Command, format string, args ...any) error {
	return antipersona.Errorf(antipersona.EINVALID, "%s\nRun '%s --help' for usage.", fmt.Sprintf(format, args...), cmd.CommandPath())
}

// exactArgs is cobra.ExactArgs with a usage error.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usage(cmd, "expected %s, got %d argument(s)", what, len(args))
		}
		return nil
	}
}

// noArgs is cobra.NoArgs with a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usage(cmd, "unexpected argument %q", args[0])
	}
	return nil
}

func (m *Main) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "antipersona",
		Short: "Who your customers really are, who only looks like one, and whom to stop paying for",
		Long: `antipersona turns contacts, events, orders, returns, costs and survey answers into
one row of facts per contact, segments, buyer personas and negative personas.

A workspace is a folder with antipersona.yaml and an embedded store.`,
		Example: `  antipersona demo --out ./demo
  antipersona init shop && cd shop
  antipersona ingest contacts contacts.csv
  antipersona ingest events events.jsonl
  antipersona build --as-of 2025-06-30
  antipersona personas --negative
  antipersona features --format csv --out features.csv`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usage(cmd, "unknown command %q", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if m.workspace == "" {
				m.workspace = m.Getenv("ANTIPERSONA_WORKSPACE")
			}
			if m.workspace == "" {
				m.workspace = "."
			}
			level := slog.LevelWarn
			if m.verbose {
				level = slog.LevelDebug
			}
			m.logger = slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: level}))
			return nil
		},
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usage(cmd, "%v", err)
	})
	pf := root.PersistentFlags()
	pf.StringVarP(&m.workspace, "workspace", "w", "", "workspace folder (default: $ANTIPERSONA_WORKSPACE or the current folder)")
	pf.BoolVar(&m.jsonOut, "json", false, "print data as JSON")
	pf.BoolVarP(&m.quiet, "quiet", "q", false, "print only errors and data")
	pf.BoolVarP(&m.verbose, "verbose", "v", false, "log debug details to stderr (never personal data)")
	root.AddCommand(
		m.initCommand(),
		m.statusCommand(),
		m.ingestCommand(),
		m.traitsCommand(),
		m.buildCommand(),
		m.featuresCommand(),
		m.segmentsCommand(),
		m.personasCommand(),
		m.auditCommand(),
		m.worksheetCommand(),
		m.assignmentsCommand(),
		m.discoverCommand(),
		m.clvCommand(),
		m.modelCommand(),
		m.scoreCommand(),
		m.decideCommand(),
		m.explainCommand(),
		m.changesCommand(),
		m.audienceCommand(),
		m.budgetCommand(),
		m.reportCommand(),
		m.serveCommand(),
		m.keysCommand(),
		m.contactsCommand(),
		m.generateCommand(),
		m.demoCommand(),
	)
	return root
}

// workspaceDir returns the absolute workspace folder.
func (m *Main) workspaceDir() string {
	d, err := filepath.Abs(m.workspace)
	if err != nil {
		return m.workspace
	}
	return d
}

// loadConfig reads the workspace's antipersona.yaml.
func (m *Main) loadConfig() (config.Config, error) {
	path := filepath.Join(m.workspaceDir(), config.FileName)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return config.Config{}, antipersona.Errorf(antipersona.ENOTFOUND,
			"%s is not a workspace (no %s); create one with 'antipersona init %s' or pass --workspace", m.workspaceDir(), config.FileName, m.workspace)
	}
	if err != nil {
		return config.Config{}, err
	}
	defer f.Close()
	return config.Parse(f)
}

// openWorkspace loads the config and opens the store.
func (m *Main) openWorkspace(ctx context.Context) (config.Config, store, error) {
	cfg, err := m.loadConfig()
	if err != nil {
		return cfg, nil, err
	}
	s, err := m.openStore(ctx, cfg, m.workspaceDir())
	return cfg, s, err
}

// postgresDSN is the DSN of the PostgreSQL database holding the workspace:
// serve --postgres, else $ANTIPERSONA_POSTGRES, else store.postgres; ""
// for the embedded store.
func (m *Main) postgresDSN(cfg config.Config) string {
	if m.postgres != "" {
		return m.postgres
	}
	if v := m.Getenv("ANTIPERSONA_POSTGRES"); v != "" {
		return v
	}
	return cfg.Store.Postgres
}

// openStore opens the store of the workspace folder dir: its schema in
// PostgreSQL when a DSN is configured, else its embedded store.
func (m *Main) openStore(ctx context.Context, cfg config.Config, dir string) (store, error) {
	if dsn := m.postgresDSN(cfg); dsn != "" {
		if abs, err := filepath.Abs(dir); err == nil {
			dir = abs
		}
		ps, err := postgres.Open(ctx, dsn, workspaceName(cfg, dir), postgres.Options{Logger: m.logger, Now: m.Now})
		if err != nil {
			return nil, err
		}
		return ps, nil
	}
	s, err := duckdb.Open(ctx, filepath.Join(dir, StoreFile), duckdb.Options{Logger: m.logger, Now: m.Now,
		MemoryLimit: cfg.Store.MemoryLimit, Threads: cfg.Store.Threads})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// interactive reports whether progress bars should be drawn.
func (m *Main) interactive() bool {
	if m.quiet {
		return false
	}
	if m.Interactive != nil {
		return *m.Interactive
	}
	f, ok := m.Stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// info prints a message to stderr unless --quiet.
func (m *Main) info(format string, args ...any) {
	if !m.quiet {
		fmt.Fprintf(m.Stderr, format+"\n", args...)
	}
}

// printJSON writes v as indented JSON to stdout.
func (m *Main) printJSON(v any) error {
	enc := json.NewEncoder(m.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
