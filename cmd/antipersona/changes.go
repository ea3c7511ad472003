package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/decide"
)

func (m *Main) changesCommand() *cobra.Command {
	var since, to int64
	var limit int
	cmd := &cobra.Command{
		Use:   "changes",
		Short: "What moved between two builds: actions, segments, personas, reinstated and newly excluded contacts",
		Long: `changes compares two builds (snapshots; by default the last one with the one
before it) and shows:

  - the migration matrices of actions, RFM segments, buyer personas and negative
    personas (row: the earlier build, column: the later; (new) and (gone) for
    contacts in one build only);
  - the contacts reinstated: kept out of paid budget before (exclude or organic_only)
    and not any more, each with the reasons: first purchase, another order, a trait
    that changed (income, occupation, ...), a negative persona left, the rise of the
    expected value;
  - the contacts newly excluded, with the reasons: stopped buying, joined a negative
    persona, a trait changed, the expected value fell;
  - persona drift: each persona of the earlier build followed to the later one (the
    same conditions, or the most overlapping members), with its size, target rate
    and lift in both.

Builds are numbered as 'antipersona status' and 'build' print them.`,
		Example: `  antipersona changes
  antipersona changes --since 1 --json
  antipersona changes --since 1 --to 3 --limit 50`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, s, err := m.openWorkspace(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			ch, err := compareBuilds(cmd.Context(), s, since, to)
			if err != nil {
				return err
			}
			from, err := loadSnapshotMeta(cmd.Context(), s, ch.From.ID)
			if err != nil {
				return err
			}
			now, err := loadSnapshotMeta(cmd.Context(), s, ch.To.ID)
			if err != nil {
				return err
			}
			if m.jsonOut {
				return m.printJSON(struct {
					*decide.Changes
					FromSnapshot *snapshotMeta `json:"from_snapshot"`
					ToSnapshot   *snapshotMeta `json:"to_snapshot"`
				}{ch, from, now})
			}
			m.printChanges(ch, limit)
			for _, x := range []*snapshotMeta{from, now} {
				if x != nil {
					m.printSnapshotModels(x)
				}
			}
			return nil
		},
	}
	cmd.Flags().Int64Var(&since, "since", 0, "the earlier build (default: the one before --to)")
	cmd.Flags().Int64Var(&to, "to", 0, "the later build (default: the last)")
	cmd.Flags().IntVar(&limit, "limit", 20, "contacts listed per group (all of them with --json)")
	return cmd
}

// compareBuilds compares the snapshots of two builds (0: the defaults).
func compareBuilds(ctx context.Context, s store, since, to int64) (*decide.Changes, error) {
	var err error
	if to == 0 {
		if to, err = s.LastDecisionBuild(ctx, 0); err != nil {
			return nil, err
		}
		if to == 0 {
			return nil, antipersona.Errorf(antipersona.ENOTFOUND, "no decisions yet: run 'antipersona build'")
		}
	}
	if since == 0 {
		if since, err = s.LastDecisionBuild(ctx, to); err != nil {
			return nil, err
		}
		if since == 0 {
			return nil, antipersona.Errorf(antipersona.ENOTFOUND, "build #%d is the first with decisions: build again (e.g. as of a later date) to compare", to)
		}
	}
	if since >= to {
		return nil, antipersona.Errorf(antipersona.EINVALID, "--since %d must be an earlier build than --to %d", since, to)
	}
	a, err := loadSnapshot(ctx, s, since)
	if err != nil {
		return nil, err
	}
	b, err := loadSnapshot(ctx, s, to)
	if err != nil {
		return nil, err
	}
	traits, err := s.Traits(ctx)
	if err != nil {
		return nil, err
	}
	tc, err := s.TraitChanges(ctx, describingTraits(traits), a.Build.AsOf, b.Build.AsOf)
	if err != nil {
		return nil, err
	}
	return decide.Compare(a, b, tc), nil
}

// loadSnapshot reads one build's decisions and personas.
func loadSnapshot(ctx context.Context, s store, id int64) (decide.Snapshot, error) {
	b, err := s.BuildByID(ctx, id)
	if err != nil {
		return decide.Snapshot{}, err
	}
	sn := decide.Snapshot{Build: *b}
	err = s.Decisions(ctx, id, func(r antipersona.ContactSnapshot) error {
		sn.Contacts = append(sn.Contacts, r)
		return nil
	})
	if err != nil {
		return sn, err
	}
	sn.Personas, err = snapshotPersonas(ctx, s, id)
	return sn, err
}

func (m *Main) printChanges(ch *decide.Changes, limit int) {
	out := m.Stdout
	fmt.Fprintf(out, "Changes from build #%d (as of %s) to build #%d (as of %s)\n", ch.From.ID, ch.From.AsOf.Format(time.DateOnly),
		ch.To.ID, ch.To.AsOf.Format(time.DateOnly))
	if ch.ConfigChanged {
		fmt.Fprintln(out, "The configuration changed between the two builds.")
	}
	printMatrix(out, "Actions", ch.Actions)
	printMatrix(out, "RFM segments", ch.Segments)
	printMatrix(out, "Buyer personas (the first each contact matches)", ch.Personas)
	printMatrix(out, "Negative personas (the first each contact matches)", ch.Negatives)

	list := func(title string, cs []decide.ContactChange, counts []decide.ReasonCount) {
		fmt.Fprintf(out, "\n%s: %d contacts\n", title, len(cs))
		for _, c := range counts {
			fmt.Fprintf(out, "  %-18s %d\n", c.Code, c.Contacts)
		}
		for i, c := range cs {
			if i == limit {
				fmt.Fprintf(out, "  ... %d more (--limit, or --json for all)\n", len(cs)-limit)
				break
			}
			texts := make([]string, len(c.Reasons))
			for j, r := range c.Reasons {
				texts[j] = reasonText(r, "")
			}
			since := ""
			if c.ExcludedSince != "" {
				since = " (excluded since " + c.ExcludedSince + ")"
			}
			fmt.Fprintf(out, "  %s  %s → %s%s: %s\n", c.ContactID, c.From, c.To, since, strings.Join(texts, "; "))
		}
	}
	list("Reinstated (no longer kept out of paid budget)", ch.Reinstated, ch.ReinstatedReasons)
	list("Newly excluded", ch.NewlyExcluded, ch.ExcludedReasons)
	fmt.Fprintf(out, "Still excluded: %d contacts\n", ch.StillExcluded)

	fmt.Fprintln(out, "\nPersona drift")
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "PERSONA\tKIND\tSTATUS\tSIZE\tTARGET RATE\tLIFT\tOVERLAP\t")
	for _, d := range ch.Drift {
		kind := d.Kind
		if d.NegativeKind != "" {
			kind += "/" + d.NegativeKind
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%d → %d\t%.1f%% → %.1f%%\t%.2f → %.2f\t%.2f\t\n", d.Name, kind, d.Status, d.SizeFrom, d.SizeTo,
			100*d.RateFrom, 100*d.RateTo, d.LiftFrom, d.LiftTo, d.Overlap)
	}
	w.Flush()
}

func printMatrix(out io.Writer, title string, mx decide.Matrix) {
	fmt.Fprintf(out, "\n%s (rows: before, columns: after)\n", title)
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(w, "\t")
	for _, c := range mx.Cols {
		fmt.Fprintf(w, "%s\t", trimLabel(c))
	}
	fmt.Fprintln(w)
	for i, r := range mx.Rows {
		fmt.Fprintf(w, "%s\t", trimLabel(r))
		for j := range mx.Cols {
			fmt.Fprintf(w, "%d\t", mx.Counts[i][j])
		}
		fmt.Fprintln(w)
	}
	w.Flush()
}

// trimLabel shortens a long persona name for a matrix header.
func trimLabel(s string) string {
	r := []rune(s)
	if len(r) > 28 {
		return string(r[:27]) + "…"
	}
	return s
}

// printSnapshotModels prints the models a build fitted, one line.
func (m *Main) printSnapshotModels(x *snapshotMeta) {
	var parts []string
	if c := x.Models.CLV; c.Basis == "model" {
		parts = append(parts, fmt.Sprintf("CLV %s on %d buyers", c.Model, c.Buyers))
	} else {
		parts = append(parts, "CLV: historic values")
	}
	if p := x.Models.Propensity; p != nil {
		parts = append(parts, fmt.Sprintf("propensity %d trees, ROC AUC %.3f, trained %s", p.Trees, p.ROCAUC, p.TrainedAt.Format(time.RFC3339)))
	}
	if n := x.Models.NextPurchase; n != nil {
		parts = append(parts, fmt.Sprintf("next purchase over %d days, learnt from %d contacts (%d bought)", n.WindowDays, n.TrainRows, n.Positives))
	}
	fmt.Fprintf(m.Stdout, "Build #%d models: %s\n", x.Build, strings.Join(parts, "; "))
}
