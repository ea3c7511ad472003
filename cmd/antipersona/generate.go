package main

import (
	"context"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/generate"
)

func (m *Main) generateCommand() *cobra.Command {
	var n int
	var seed uint64
	var out string
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Write a synthetic shop: contacts, events, orders, costs, touches, surveys and the truth",
		Long: `generate writes a synthetic shop whose people follow the archetypes of the sources:
considered premium buyers, loyal regulars, seasonal gift buyers, impulse buyers and
retirees the shop's own persona ignores; and the negatives: newsletter-and-webinar
mimics, students and researchers, fans who cannot afford it, serial returners,
complainers, bargain hunters, expensive paid leads and fast churners.

Files: contacts.csv, contacts_period2.csv, events.jsonl, orders.csv, costs.csv,
touches.csv, surveys.csv, truth.csv and periods.json. Each ingests with
'antipersona ingest KIND FILE' and no other flag. The same seed gives the same files.`,
		Example: `  antipersona generate --contacts 20000 --seed 1 --out shop
  antipersona generate --contacts 1000000 --seed 7 --out big`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if n < 1 {
				return usage(cmd, "--contacts must be at least 1")
			}
			if out == "" {
				return usage(cmd, "--out DIR is required")
			}
			sum, err := m.runGenerate(cmd.Context(), n, seed, out)
			if err != nil {
				return err
			}
			if m.jsonOut {
				return m.printJSON(sum)
			}
			m.info("Wrote %d contacts, %d events, %d orders, %d survey answers to %s (periods: %s, %s)",
				sum.Contacts, sum.Events, sum.Orders, sum.SurveyAnswers, out, sum.Period1End, sum.Period2End)
			return nil
		},
	}
	cmd.Flags().IntVar(&n, "contacts", 20000, "number of contacts")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed")
	cmd.Flags().StringVarP(&out, "out", "o", "", "folder to write (created)")
	return cmd
}

func (m *Main) runGenerate(ctx context.Context, n int, seed uint64, out string) (generate.Summary, error) {
	opt := generate.Options{Contacts: n, Seed: seed, Out: out}
	if m.interactive() {
		bar := progressbar.NewOptions(n,
			progressbar.OptionSetWriter(m.Stderr),
			progressbar.OptionSetDescription("generate"),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish())
		opt.Progress = func(done int) { bar.Set(done) }
		defer bar.Finish()
	}
	sum, err := generate.Shop(ctx, opt)
	if err != nil {
		return sum, antipersona.Errorf(antipersona.EINVALID, "generate: %v", err)
	}
	return sum, nil
}
