package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/audience"
	"github.com/antipersona/antipersona/config"
	"github.com/antipersona/antipersona/segments"
)

// audienceFormats are the formats of `audience export`.
var audienceFormats = []string{"csv", "json", "parquet", "google", "meta", "segment"}

type audienceFlags struct {
	name, persona, where, format, out, webhook string
	actions                                    []string
	incremental                                bool
}

func (m *Main) audienceCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audience",
		Short: "Export audiences for ad platforms: who to activate, exclude, ...",
		Long: `audience exports the contacts of the last build chosen by their decision, a persona or a
CEL condition, with their identifiers normalised and hashed (SHA-256, lowercase hex) in the
layouts ad platforms accept. 'audience list' shows the exports made so far.`,
		Args: noArgs,
	}
	cmd.AddCommand(m.audienceExportCommand(), m.audienceListCommand())
	return cmd
}

func (m *Main) audienceExportCommand() *cobra.Command {
	var f audienceFlags
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write an audience as CSV, JSON, Parquet, Google Customer Match, Meta Custom Audiences or Segment events",
		Long: `audience export writes the contacts of the last build that match every filter given:

  --action    their decision (activate, nurture, maintain, organic_only, exclude; repeat
              the flag or separate with commas)
  --persona   a persona or negative persona id (antipersona personas)
  --where     a CEL condition over features and traits, as rule segments use

Formats:
  csv, json, parquet  contact_id, email_sha256, phone_sha256, country, postal_code,
                      action, expected_value, personas (and op with --incremental)
  google              Google Customer Match: Email, Phone, First Name, Last Name, Country,
                      Zip; identifiers normalised and hashed, Country and Zip not hashed
  meta                Meta Custom Audiences: email, phone, fn, ln, zip, country; zip and
                      country not hashed
  segment             Segment track events "Audience Entered" / "Audience Exited" as JSON
                      Lines (no personal data: userId is the contact id)

E-mails are trimmed and lowercased, phones written as E.164 (the country of a number
without a country code is audiences.default_region in antipersona.yaml), names lowercased
without punctuation. Personal data leaves only hashed.

Every export is remembered by its name. With --incremental only the changes since the
previous export of the same name are written: adds and removes (an op column; for google
and meta the removals go to a second file, OUT with "-remove" before its extension; for
segment, Audience Exited events). A name that suggests health or financial status is
warned about: ad platforms forbid such audiences.

--webhook URL also posts the export (hashed JSON rows) in batches of 1,000, signed with
X-Antipersona-Signature: sha256=HMAC of the body with audiences.webhook_secret (or
ANTIPERSONA_WEBHOOK_SECRET), retried on errors.`,
		Example: `  antipersona audience export --name exclusions --action exclude,organic_only --format google --out exclusions.csv
  antipersona audience export --name prospects --action activate --format meta --out prospects.csv --incremental
  antipersona audience export --name webinar-tourists --persona neg-1 --format segment --out tourists.jsonl
  antipersona audience export --name big-spenders --where 'monetary > 1000' --format csv`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return m.runAudienceExport(cmd.Context(), f)
		},
	}
	cmd.Flags().StringVar(&f.name, "name", "", "the audience's name (required; exports of the same name are compared by --incremental)")
	cmd.Flags().StringSliceVar(&f.actions, "action", nil, "decisions to include: activate, nurture, maintain, organic_only, exclude")
	cmd.Flags().StringVar(&f.persona, "persona", "", "only members of this persona or negative persona (id)")
	cmd.Flags().StringVar(&f.where, "where", "", "only contacts for which this CEL condition holds")
	cmd.Flags().StringVar(&f.format, "format", "csv", "csv, json, parquet, google, meta or segment")
	cmd.Flags().StringVarP(&f.out, "out", "o", "", "output file (default: stdout; required for parquet, and for google and meta with --incremental)")
	cmd.Flags().BoolVar(&f.incremental, "incremental", false, "write only the adds and removes since the previous export of this name")
	cmd.Flags().StringVar(&f.webhook, "webhook", "", "also post the export to this URL")
	return cmd
}

// audienceResult is what `audience export` reports (stderr, or --json).
type audienceResult struct {
	antipersona.AudienceExport
	Written    int    `json:"written"`
	Dropped    int    `json:"identifiers_dropped"`
	Skipped    int    `json:"skipped"`
	RemoveFile string `json:"remove_file,omitempty"`
	// ForgottenRemoved counts the removals of contacts deleted on request
	// since the last incremental export (written by their hashes only).
	ForgottenRemoved int                `json:"forgotten_removed,omitempty"`
	Warning          string             `json:"warning,omitempty"`
	Webhook          *audience.Delivery `json:"webhook,omitempty"`
}

func (m *Main) runAudienceExport(ctx context.Context, f audienceFlags) error {
	actions, err := checkAudience(f)
	if err != nil {
		return err
	}
	cfg, s, err := m.openWorkspace(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := m.exportAudience(ctx, cfg, s, f, actions)
	if err != nil {
		return err
	}
	if m.jsonOut && f.out != "" {
		return m.printJSON(res)
	}
	m.info("Audience %q (%s): %d members, %d added and %d removed since the last export; %d rows written%s",
		f.name, res.Filter, res.Members, res.Added, res.Removed, res.Written, map[bool]string{true: " to " + f.out, false: ""}[f.out != ""])
	if res.Dropped > 0 || res.Skipped > 0 {
		m.info("  %d identifiers did not normalise (dropped); %d rows had nothing to match on (skipped)", res.Dropped, res.Skipped)
	}
	if res.ForgottenRemoved > 0 {
		m.info("  %d of the removals are contacts deleted on request, written by their hashes only", res.ForgottenRemoved)
	}
	if res.RemoveFile != "" {
		m.info("  removals in %s", res.RemoveFile)
	}
	return nil
}

// exportAudience writes the audience f (actions parsed) of the last build
// and records the export.
func (m *Main) exportAudience(ctx context.Context, cfg config.Config, s store, f audienceFlags, actions []antipersona.Action) (*audienceResult, error) {
	secret := cfg.Audiences.WebhookSecret
	if v := os.Getenv("ANTIPERSONA_WEBHOOK_SECRET"); v != "" {
		secret = v
	}
	if f.webhook != "" && secret == "" {
		return nil, antipersona.Errorf(antipersona.EINVALID, "--webhook needs a secret to sign with: audiences.webhook_secret in %s or ANTIPERSONA_WEBHOOK_SECRET", config.FileName)
	}
	res := audienceResult{}
	if term, ok := audience.SensitiveName(f.name); ok {
		res.Warning = fmt.Sprintf("the name %q suggests health or financial status (%q): Google and Meta forbid audiences based on such personal attributes", f.name, term)
		m.info("Warning: %s", res.Warning)
	}
	chosen, build, err := chooseContacts(ctx, s, actions, f.persona, f.where)
	if err != nil {
		return nil, err
	}
	previous, known, err := s.AudienceMembers(ctx, f.name)
	if err != nil {
		return nil, err
	}
	// One read of the identifiers: the members', and those of the previous
	// members who left (written with their identifiers as they are now; a
	// contact deleted since has none).
	var left map[string]bool
	if f.incremental {
		left = make(map[string]bool, len(previous))
		for _, id := range previous {
			left[id] = true
		}
	}
	var members []audience.Member
	gone := map[string]audience.Member{}
	err = s.ContactIdentifiers(ctx, func(id string, ids antipersona.Identifiers) error {
		r, in := chosen[id]
		switch {
		case in:
			mb := memberOf(id, ids, cfg.Audiences.DefaultRegion)
			mb.Action, mb.ExpectedValue = string(r.Action), r.ExpectedValue
			mb.Personas = append(append([]string{}, r.Personas...), r.Negatives...)
			members = append(members, mb)
		case left[id]:
			gone[id] = memberOf(id, ids, cfg.Audiences.DefaultRegion)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	current := make([]string, len(members))
	for i, mb := range members {
		current[i] = mb.ContactID
	}
	adds, removes := audience.Diff(previous, current)
	var rows []audience.Row
	if f.incremental {
		if !known {
			m.info("Audience %q was not exported before: every member is an add", f.name)
		}
		byID := map[string]audience.Member{}
		for _, mb := range members {
			byID[mb.ContactID] = mb
		}
		for _, id := range adds {
			rows = append(rows, audience.Row{Member: byID[id], Op: audience.OpAdd})
		}
		for _, id := range removes {
			mb, ok := gone[id]
			if !ok {
				mb = audience.Member{ContactID: id}
			}
			rows = append(rows, audience.Row{Member: mb, Op: audience.OpRemove})
		}
		// Contacts deleted on request since the last export left the
		// audience too: their hashes are all that is left to remove them by.
		forgotten, err := pendingRemovals(ctx, s, f.name)
		if err != nil {
			return nil, err
		}
		for i := range forgotten {
			rows = append(rows, audience.Row{Member: audience.Member{Hashed: &forgotten[i]}, Op: audience.OpRemove})
		}
		res.ForgottenRemoved = len(forgotten)
	} else {
		for _, mb := range members {
			rows = append(rows, audience.Row{Member: mb})
		}
	}
	now := m.Now().UTC()
	st, removeFile, err := writeAudience(f, rows, now, m.Stdout)
	if err != nil {
		return nil, err
	}
	res.Written, res.Dropped, res.Skipped, res.RemoveFile = st.Rows, st.Dropped, st.Skipped, removeFile
	if f.webhook != "" {
		h := &audience.Webhook{URL: f.webhook, Secret: secret}
		d, err := h.Post(ctx, f.name, rows)
		res.Webhook = &d
		if err != nil {
			return nil, fmt.Errorf("webhook: %w (the export was not recorded; run it again)", err)
		}
	}
	filter := describeFilter(actions, f.persona, f.where)
	res.AudienceExport = antipersona.AudienceExport{Name: f.name, ExportedAt: now, Build: build, Format: f.format, Filter: filter,
		Members: int64(len(current)), Added: int64(len(adds)), Removed: int64(len(removes)), Incremental: f.incremental, File: f.out}
	if err := s.RecordAudience(ctx, res.AudienceExport, current); err != nil {
		return nil, err
	}
	if res.ForgottenRemoved > 0 {
		if err := setPendingRemovals(ctx, s, f.name, nil); err != nil {
			return nil, err
		}
	}
	return &res, nil
}

// checkAudience checks the flags of an export and parses its actions.
func checkAudience(f audienceFlags) ([]antipersona.Action, error) {
	if strings.TrimSpace(f.name) == "" {
		return nil, antipersona.Errorf(antipersona.EINVALID, "--name is required: exports of the same name are remembered and compared")
	}
	if !slices.Contains(audienceFormats, f.format) {
		return nil, antipersona.Errorf(antipersona.EINVALID, "unknown format %q (use %s)", f.format, strings.Join(audienceFormats, ", "))
	}
	if f.out == "" && (f.format == "parquet" || (f.incremental && (f.format == "google" || f.format == "meta"))) {
		return nil, antipersona.Errorf(antipersona.EINVALID, "--format %s needs --out", f.format)
	}
	var actions []antipersona.Action
	for _, a := range f.actions {
		for _, x := range strings.Split(a, ",") {
			act := antipersona.Action(strings.TrimSpace(x))
			if !antipersona.ValidAction(act) {
				return nil, antipersona.Errorf(antipersona.EINVALID, "unknown action %q (use activate, nurture, maintain, organic_only, exclude)", x)
			}
			actions = append(actions, act)
		}
	}
	return actions, nil
}

// removalsFile is where the removals of an incremental google or meta
// export to out go: out with "-remove" before its extension.
func removalsFile(out string) string {
	ext := filepath.Ext(out)
	return strings.TrimSuffix(out, ext) + "-remove" + ext
}

// memberOf makes an audience member of a contact's identifiers, its phone
// in E.164 with the default region.
func memberOf(id string, ids antipersona.Identifiers, region string) audience.Member {
	phone := ids.Phone
	if phone != "" {
		region := region
		if c := audience.NormalizeCountry(ids.Country); c != "" {
			region = c
		}
		phone = audience.NormalizePhone(phone, region)
	}
	return audience.Member{ContactID: id, Email: ids.Email, Phone: phone, FirstName: ids.FirstName, LastName: ids.LastName,
		Country: ids.Country, PostalCode: ids.PostalCode}
}

func describeFilter(actions []antipersona.Action, persona, where string) string {
	var parts []string
	if len(actions) > 0 {
		as := make([]string, len(actions))
		for i, a := range actions {
			as[i] = string(a)
		}
		parts = append(parts, "action in "+strings.Join(as, ","))
	}
	if persona != "" {
		parts = append(parts, "persona "+persona)
	}
	if where != "" {
		parts = append(parts, "where "+where)
	}
	if len(parts) == 0 {
		return "everyone"
	}
	return strings.Join(parts, "; ")
}

// chooseContacts returns the decisions of the last build's contacts that
// pass the filters, by contact id, and the build.
func chooseContacts(ctx context.Context, s store, actions []antipersona.Action, persona, where string) (map[string]antipersona.ContactSnapshot, int64, error) {
	build, err := s.LastDecisionBuild(ctx, 0)
	if err != nil {
		return nil, 0, err
	}
	if build == 0 {
		return nil, 0, antipersona.Errorf(antipersona.ENOTFOUND, "no decisions yet: run 'antipersona build'")
	}
	var keep map[string]bool
	if where != "" {
		if keep, err = whereContacts(ctx, s, where); err != nil {
			return nil, 0, err
		}
	}
	if persona != "" {
		names, err := personaNames(ctx, s, build)
		if err != nil {
			return nil, 0, err
		}
		if _, ok := names[persona]; !ok {
			return nil, 0, antipersona.Errorf(antipersona.ENOTFOUND, "no persona %q in build #%d (antipersona personas lists them)", persona, build)
		}
	}
	chosen := map[string]antipersona.ContactSnapshot{}
	err = s.Decisions(ctx, build, func(r antipersona.ContactSnapshot) error {
		if len(actions) > 0 && !slices.Contains(actions, r.Action) {
			return nil
		}
		if persona != "" && !slices.Contains(r.Personas, persona) && !slices.Contains(r.Negatives, persona) {
			return nil
		}
		if keep != nil && !keep[r.ContactID] {
			return nil
		}
		chosen[r.ContactID] = r
		return nil
	})
	return chosen, build, err
}

// whereContacts evaluates a CEL condition over the last build's features.
func whereContacts(ctx context.Context, s store, where string) (map[string]bool, error) {
	cols, err := s.Describe(ctx, "SELECT * FROM features")
	if err != nil {
		return nil, err
	}
	rules, err := segments.CompileRules([]segments.Rule{{Name: "where", Expr: where}}, ruleVars(cols))
	if err != nil {
		return nil, antipersona.Errorf(antipersona.EINVALID, "--where: %v", err)
	}
	out := map[string]bool{}
	if err := scanRules(ctx, s, rules, func(id string, _ int) { out[id] = true }); err != nil {
		return nil, antipersona.Errorf(antipersona.EINVALID, "--where: %v", err)
	}
	return out, nil
}

// writeAudience writes rows in the format to f.out (stdout when empty);
// for google and meta, removals go to a second file. It returns the
// counts and the name of that file.
func writeAudience(f audienceFlags, rows []audience.Row, now time.Time, stdout io.Writer) (audience.Stats, string, error) {
	write := func(path string, rows []audience.Row) (audience.Stats, error) {
		var buf bytes.Buffer
		var w io.Writer = &buf
		var st audience.Stats
		var err error
		switch f.format {
		case "csv":
			st, err = audience.WriteCSV(w, rows)
		case "json":
			st, err = audience.WriteJSON(w, rows)
		case "parquet":
			st, err = audience.WriteParquet(w, rows)
		case "google":
			st, err = audience.WriteGoogle(w, rows)
		case "meta":
			st, err = audience.WriteMeta(w, rows)
		case "segment":
			st, err = audience.WriteSegment(w, f.name, now, rows)
		}
		if err != nil {
			return st, err
		}
		if path == "" {
			_, err = stdout.Write(buf.Bytes())
			return st, err
		}
		// Written whole, then renamed: a failed export leaves no half file.
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, buf.Bytes(), 0o600); err != nil {
			return st, antipersona.Errorf(antipersona.EINVALID, "cannot write %s: %v", path, err)
		}
		return st, os.Rename(tmp, path)
	}
	if f.incremental && (f.format == "google" || f.format == "meta") {
		var add, rem []audience.Row
		for _, r := range rows {
			if r.Op == audience.OpRemove {
				rem = append(rem, r)
			} else {
				add = append(add, r)
			}
		}
		removeFile := removalsFile(f.out)
		st, err := write(f.out, add)
		if err != nil {
			return st, "", err
		}
		st2, err := write(removeFile, rem)
		st.Rows += st2.Rows
		st.Dropped += st2.Dropped
		st.Skipped += st2.Skipped
		return st, removeFile, err
	}
	st, err := write(f.out, rows)
	return st, "", err
}

func (m *Main) audienceListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the audience exports made so far",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, s, err := m.openWorkspace(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			es, err := s.AudienceExports(cmd.Context())
			if err != nil {
				return err
			}
			if m.jsonOut {
				return m.printJSON(es)
			}
			w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tEXPORTED\tBUILD\tFORMAT\tMEMBERS\tADDED\tREMOVED\tFILTER")
			for _, e := range es {
				fmt.Fprintf(w, "%s\t%s\t#%d\t%s\t%d\t%d\t%d\t%s\n", e.Name, e.ExportedAt.Format(time.RFC3339), e.Build, e.Format, e.Members, e.Added, e.Removed, e.Filter)
			}
			return w.Flush()
		},
	}
}
