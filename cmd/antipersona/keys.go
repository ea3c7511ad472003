package main

import (
	"context"
	"fmt"
	"path/filepath"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/apikey"
	"github.com/antipersona/antipersona/postgres"
)

func (m *Main) keysCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Create, list and revoke the API keys of the team server",
		Long: `keys manages the workspace's API keys, kept hashed (SHA-256) in keys.json in the
workspace folder (in the database when the workspace lives in PostgreSQL). They work
while 'antipersona serve' runs: the server sees a new or revoked key within a second.

Roles:
  admin    everything: keys, deleting and exporting contacts (GDPR), the audit log
  analyst  read everything, start builds, create and export audiences, send data
  ingest   send data (/v1/identify, /v1/track, /v1/page, /v1/batch) and nothing else
  reader   read contacts, personas, segments, decisions, budget, changes; score`,
		Args: noArgs,
	}
	cmd.AddCommand(m.keysCreateCommand(), m.keysListCommand(), m.keysRevokeCommand())
	return cmd
}

// keyStore returns the workspace's key store (its keys.json, or the
// PostgreSQL database's key table when the workspace lives there), a
// function that closes it, and the workspace's name in the API.
func (m *Main) keyStore(ctx context.Context) (antipersona.KeyStore, func(), string, error) {
	cfg, err := m.loadConfig()
	if err != nil {
		return nil, nil, "", err
	}
	dir := m.workspaceDir()
	name := workspaceName(cfg, dir)
	if dsn := m.postgresDSN(cfg); dsn != "" {
		ks, err := postgres.OpenKeys(ctx, dsn)
		if err != nil {
			return nil, nil, "", err
		}
		return ks, func() { ks.Close() }, name, nil
	}
	return apikey.NewFileStore(filepath.Join(dir, KeysFile)), func() {}, name, nil
}

func (m *Main) keysCreateCommand() *cobra.Command {
	var role, name string
	cmd := &cobra.Command{
		Use:   "create --role admin|analyst|ingest|reader",
		Short: "Create an API key; it is printed once, alone on the last line",
		Example: `  antipersona keys create --role ingest --name website
  KEY=$(antipersona keys create --role reader | tail -n 1)`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if role == "" {
				return usage(cmd, "--role is required (admin, analyst, ingest or reader)")
			}
			ks, closeKeys, ws, err := m.keyStore(cmd.Context())
			if err != nil {
				return err
			}
			defer closeKeys()
			key, k, err := apikey.New(ws, antipersona.Role(role), name, m.Now(), nil)
			if err != nil {
				return err
			}
			if err := ks.CreateKey(cmd.Context(), k); err != nil {
				return err
			}
			if m.jsonOut {
				return m.printJSON(struct {
					antipersona.APIKey
					Key string `json:"key"`
				}{k, key})
			}
			m.info("Key %s (%s) of workspace %s created. It is shown once; keep it secret:", k.ID, k.Role, ws)
			fmt.Fprintln(m.Stdout, key)
			return nil
		},
	}
	cmd.Flags().StringVar(&role, "role", "", "admin, analyst, ingest or reader")
	cmd.Flags().StringVar(&name, "name", "", "what the key is for (shown in lists)")
	return cmd
}

func (m *Main) keysListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the workspace's keys (ids and roles, never the keys)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ks, closeKeys, ws, err := m.keyStore(cmd.Context())
			if err != nil {
				return err
			}
			defer closeKeys()
			keys, err := ks.Keys(cmd.Context(), ws)
			if err != nil {
				return err
			}
			if m.jsonOut {
				if keys == nil {
					keys = []antipersona.APIKey{}
				}
				return m.printJSON(keys)
			}
			w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tROLE\tNAME\tCREATED\tREVOKED")
			for _, k := range keys {
				revoked := "-"
				if k.RevokedAt != nil {
					revoked = k.RevokedAt.Format("2006-01-02 15:04")
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", k.ID, k.Role, orDash(k.Name), k.CreatedAt.Format("2006-01-02 15:04"), revoked)
			}
			return w.Flush()
		},
	}
}

func (m *Main) keysRevokeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke a key (by the id 'keys list' shows)",
		Args:  exactArgs(1, "a key id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ks, closeKeys, _, err := m.keyStore(cmd.Context())
			if err != nil {
				return err
			}
			defer closeKeys()
			if err := ks.RevokeKey(cmd.Context(), args[0], m.Now()); err != nil {
				return err
			}
			m.info("Key %s revoked", args[0])
			return nil
		},
	}
}
