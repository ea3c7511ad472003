package main

import (
	"context"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/config"
)

func (m *Main) contactsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "contacts",
		Short: "Delete, export or re-admit one contact's data (right to be forgotten, right of access)",
		Long: `contacts acts on everything the workspace holds on one person, as the server's
DELETE /api/v1/workspaces/NAME/contacts/ID and GET …/export do (docs/server.md):

  forget ID    delete the contact from every table (traits, events and the anonymous
               events linked to it, orders, returns, costs, touches, survey answers,
               decisions of every build, audience memberships, every table a build
               made); its id is kept only as a SHA-256, and later data about it is
               refused until 'contacts consent'
  export ID    print every row held on the contact, by table, as JSON
  consent ID   accept the contact's data again

Each is recorded in the audit log (key "cli").`,
		Args: noArgs,
	}
	cmd.AddCommand(m.contactsForgetCommand(), m.contactsExportCommand(), m.contactsConsentCommand())
	return cmd
}

// auditCLI records a command's action in the workspace's audit log.
func (m *Main) auditCLI(ctx context.Context, cfg config.Config, s store, action, target, detail string) error {
	return s.AppendAudit(context.WithoutCancel(ctx), antipersona.AuditEntry{Time: m.Now().UTC(),
		Workspace: workspaceName(cfg, m.workspaceDir()), KeyID: "cli", Action: action, Target: target, Detail: detail})
}

func (m *Main) contactsForgetCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "forget ID",
		Short: "Delete a contact everywhere and refuse its data afterwards",
		Args:  exactArgs(1, "a contact id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, s, err := m.openWorkspace(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			res, err := forgetContact(cmd.Context(), cfg, s, args[0], m.Now())
			if err != nil {
				return err
			}
			n := res.Rows()
			if err := m.auditCLI(cmd.Context(), cfg, s, "contact.delete", args[0], strconv.FormatInt(n, 10)+" rows deleted"); err != nil {
				return err
			}
			if m.jsonOut {
				return m.printJSON(res)
			}
			m.info("Contact %s forgotten: %d rows deleted in %d tables; its data is refused from now on", args[0], n, len(res.Deleted))
			return nil
		},
	}
}

func (m *Main) contactsExportCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "export ID",
		Short: "Print every row held on a contact, by table, as JSON",
		Args:  exactArgs(1, "a contact id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, s, err := m.openWorkspace(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			data, err := s.ContactData(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			forgotten, _, err := s.Forgotten(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if err := m.auditCLI(cmd.Context(), cfg, s, "contact.export", args[0], ""); err != nil {
				return err
			}
			return m.printJSON(map[string]any{"contact_id": args[0], "forgotten": forgotten, "tables": data})
		},
	}
}

func (m *Main) contactsConsentCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "consent ID",
		Short: "Accept a forgotten contact's data again",
		Args:  exactArgs(1, "a contact id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, s, err := m.openWorkspace(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.Reconsent(cmd.Context(), args[0]); err != nil {
				return err
			}
			if err := m.auditCLI(cmd.Context(), cfg, s, "contact.consent", args[0], ""); err != nil {
				return err
			}
			m.info("Contact %s may be ingested again", args[0])
			return nil
		},
	}
}
