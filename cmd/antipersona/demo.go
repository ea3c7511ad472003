package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/apikey"
	"github.com/antipersona/antipersona/audit"
	"github.com/antipersona/antipersona/config"
	"github.com/antipersona/antipersona/generate"
)

// demoFiles are the generated files in ingest order. Orders come before
// events: an order reported by both keeps the first version stored, and the
// orders file has its margin and discount.
var demoFiles = []struct {
	kind antipersona.Kind
	file string
}{
	{antipersona.KindContacts, "contacts.csv"},
	{antipersona.KindOrders, "orders.csv"},
	{antipersona.KindEvents, "events.jsonl"},
	{antipersona.KindCosts, "costs.csv"},
	{antipersona.KindTouches, "touches.csv"},
	{antipersona.KindSurveyAnswers, "surveys.csv"},
}

// demoResult is what `demo --json` prints.
type demoResult struct {
	Data      string                     `json:"data"`
	Workspace string                     `json:"workspace"`
	Ingested  []fileReport               `json:"ingested"`
	Builds    []antipersona.BuildSummary `json:"builds"`
	Report    string                     `json:"report"` // the HTML report of the last build
}

// printPredictionSummary prints the last build's CLV and propensity models
// in a few lines.
func (m *Main) printPredictionSummary(ctx context.Context, s store) {
	out := m.Stdout
	if js, err := s.Meta(ctx, "clv_model"); err == nil && js != "" {
		var ci clvFitInfo
		if json.Unmarshal([]byte(js), &ci) == nil {
			if ci.Basis == "model" {
				fmt.Fprintf(out, "\nLifetime value: %s on %d buyers (%d repeat buyers), Gamma-Gamma spend; predicted_purchases (%d days), p_alive and predicted_clv (%d months) are in the features\n",
					modelTitle(ci.Model), ci.Buyers, ci.RepeatBuyers, ci.HorizonDays, ci.Months)
			} else {
				fmt.Fprintf(out, "\nLifetime value: historic value only (%s)\n", ci.Reason)
			}
		}
	}
	if sm, err := loadModel(ctx, s); err == nil {
		e := sm.Evaluation
		fmt.Fprintf(out, "Propensity to convert: ROC AUC %.3f (logistic regression %.3f), Brier %.4f calibrated, on the %s holdout of %d contacts\n",
			e.Boosting.ROCAUC, e.Logistic.ROCAUC, e.Boosting.BrierCalibrated, e.Split, e.TestRows)
	}
}

func (m *Main) demoCommand() *cobra.Command {
	var out, addr string
	var n int
	var seed uint64
	var serve bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole pipeline on a generated shop: generate, init, ingest, build, summary",
		Long: `demo generates a synthetic shop (about 20,000 contacts by default) into OUT/data,
creates a workspace in OUT/workspace, ingests every file (the traits that changed in
period 2, such as a raise, as a version valid from the first day of period 2), builds
the features at the end of both periods of the shop and prints a summary. Run it again
to see that re-ingesting changes nothing.`,
		Example: `  antipersona demo
  antipersona demo --serve          # then open the dashboard it prints, with the key it prints
  antipersona demo --out /tmp/demo --contacts 5000 --seed 2
  antipersona -w /tmp/demo/workspace features --format csv | head`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := m.runDemo(cmd.Context(), out, n, seed)
			if err != nil {
				return err
			}
			if m.jsonOut && !serve {
				return m.printJSON(res)
			}
			if serve {
				return m.serveDemo(cmd.Context(), res.Workspace, addr)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&serve, "serve", false, "then serve the dashboard of the demo shop (an admin key is made and printed) until interrupted")
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "with --serve: the address to listen on")
	cmd.Flags().StringVarP(&out, "out", "o", "antipersona-demo", "folder for the data and the workspace")
	cmd.Flags().IntVar(&n, "contacts", 20000, "number of contacts to generate")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed of the shop")
	return cmd
}

func (m *Main) runDemo(ctx context.Context, out string, n int, seed uint64) (demoResult, error) {
	res := demoResult{Data: filepath.Join(out, "data"), Workspace: filepath.Join(out, "workspace")}
	start := time.Now()
	m.info("1/4 Generating a shop of %d contacts in %s", n, res.Data)
	sum, err := m.runGenerate(ctx, n, seed, res.Data)
	if err != nil {
		return res, err
	}
	m.info("    %d contacts, %d events, %d orders, %d costs, %d touches, %d survey answers",
		sum.Contacts, sum.Events, sum.Orders, sum.Costs, sum.Touches, sum.SurveyAnswers)

	m.info("2/4 Creating the workspace %s", res.Workspace)
	m.workspace = res.Workspace
	if err := m.runInit(ctx, res.Workspace); err != nil {
		return res, err
	}
	// The shop's own persona, written by its team, goes into the
	// workspace's configuration for the audit.
	if err := declareShopPersona(res.Workspace, filepath.Join(res.Data, generate.DeclaredFile)); err != nil {
		return res, err
	}
	cfg, s, err := m.openWorkspace(ctx)
	if err != nil {
		return res, err
	}
	defer s.Close()

	m.info("3/4 Ingesting")
	for _, df := range demoFiles {
		reps, failed := m.ingestFiles(ctx, cfg, s, df.kind, []string{filepath.Join(res.Data, df.file)}, ingestFlags{})
		res.Ingested = append(res.Ingested, reps...)
		if failed > 0 {
			return res, antipersona.Errorf(antipersona.EINTERNAL, "demo: %s could not be ingested", df.file)
		}
	}

	periods, err := readPeriods(filepath.Join(res.Data, "periods.json"))
	if err != nil {
		return res, err
	}
	// Traits that changed in period 2 (a raise, a new job) hold from its
	// first day: the period-1 build keeps seeing the old values.
	p1, err := time.Parse(time.DateOnly, periods.Period1End)
	if err != nil {
		return res, fmt.Errorf("periods.json: %w", err)
	}
	reps, failed := m.ingestFiles(ctx, cfg, s, antipersona.KindContacts, []string{filepath.Join(res.Data, "contacts_period2.csv")},
		ingestFlags{validFrom: p1.AddDate(0, 0, 1).Format(time.DateOnly)})
	res.Ingested = append(res.Ingested, reps...)
	if failed > 0 {
		return res, antipersona.Errorf(antipersona.EINTERNAL, "demo: contacts_period2.csv could not be ingested")
	}
	m.info("4/4 Building features at the end of period 1 (%s) and period 2 (%s)", periods.Period1End, periods.Period2End)
	for _, asOf := range []string{periods.Period1End, periods.Period2End} {
		b, err := m.runBuild(ctx, cfg, s, asOf)
		if err != nil {
			return res, err
		}
		res.Builds = append(res.Builds, b)
		if !m.jsonOut {
			m.printBuildSummary(b, cfg.Currency)
		}
	}
	if !m.jsonOut {
		ps, err := loadPersonas(ctx, s)
		if err != nil {
			return res, err
		}
		kinds, err := loadKinds(ctx, s)
		if err != nil {
			return res, err
		}
		m.printTopPersonas(ps, kinds)
		dir := filepath.Join(filepath.Dir(res.Workspace), "avatars")
		if err := writeAvatars(ps, dir); err != nil {
			return res, err
		}
		fmt.Fprintf(m.Stdout, "\n%d persona avatars (SVG) in %s\n", len(ps), dir)
	}
	// What the summary prints and the report shows, computed once.
	views, err := m.loadViews(ctx, cfg, s)
	if err != nil {
		return res, err
	}
	if !m.jsonOut {
		m.printPredictionSummary(ctx, s)
		m.printDemoAudit(views.audits)
		fmt.Fprintln(m.Stdout, "\nThe negative-persona worksheet, answered from the data (antipersona worksheet):")
		for _, q := range views.worksheet {
			if len(q.Groups) > 0 {
				g := q.Groups[0]
				fmt.Fprintf(m.Stdout, "  %-50s %s (%.0f%% of them against %.0f%%)\n", q.Question, g.Description, 100*g.Rate, 100*g.BaseRate)
			}
		}
		m.printDemoDecisions(views, cfg.Currency)
	}
	// The report of the last build, in the workspace's language.
	path, err := m.writeReport(ctx, cfg, s, views, cfg.Locale, filepath.Join(out, "report.html"))
	if err != nil {
		return res, err
	}
	res.Report = path
	if !m.jsonOut {
		fmt.Fprintf(m.Stdout, "\nThe report (one HTML file, open it in a browser or print it to PDF):\n  %s\n", path)
		fmt.Fprintf(m.Stdout, "\nDone in %s. Next (with the binary from 'make build' on your PATH):\n", time.Since(start).Round(time.Second))
		fmt.Fprintf(m.Stdout, "  antipersona -w %s decide\n", res.Workspace)
		fmt.Fprintf(m.Stdout, "  antipersona -w %s changes\n", res.Workspace)
		fmt.Fprintf(m.Stdout, "  antipersona -w %s budget\n", res.Workspace)
		fmt.Fprintf(m.Stdout, "  antipersona -w %s audience export --name exclusions --action exclude,organic_only --format google --out exclusions.csv\n", res.Workspace)
		fmt.Fprintf(m.Stdout, "  antipersona -w %s report --lang pl --out raport.html\n", res.Workspace)
		fmt.Fprintf(m.Stdout, "  antipersona -w %s personas\n", res.Workspace)
		fmt.Fprintf(m.Stdout, "  antipersona -w %s audit\n", res.Workspace)
		fmt.Fprintf(m.Stdout, "  antipersona -w %s worksheet\n", res.Workspace)
		fmt.Fprintf(m.Stdout, "  antipersona -w %s segments\n", res.Workspace)
		fmt.Fprintf(m.Stdout, "  antipersona -w %s assignments --out assignments.csv\n", res.Workspace)
		fmt.Fprintf(m.Stdout, "  antipersona -w %s status\n", res.Workspace)
		fmt.Fprintf(m.Stdout, "  antipersona -w %s traits\n", res.Workspace)
		fmt.Fprintf(m.Stdout, "  antipersona -w %s features --format csv --out features.csv\n", res.Workspace)
		fmt.Fprintf(m.Stdout, "  antipersona -w %s model\n", res.Workspace)
		fmt.Fprintf(m.Stdout, "  antipersona -w %s score %s --format csv\n", res.Workspace, filepath.Join(res.Data, "contacts_period2.csv"))
		fmt.Fprintf(m.Stdout, "  antipersona -w %s keys create --role admin     # then: antipersona -w %s serve (docs/server.md)\n", res.Workspace, res.Workspace)
		fmt.Fprintf(m.Stdout, "  antipersona clv predict --transactions %s --id-col contact_id --date-col timestamp --value-col revenue \\\n"+
			"      --calibration-end %s --unit day --horizon 90\n", filepath.Join(res.Data, "orders.csv"), periods.Period1End)
		fmt.Fprintf(m.Stdout, "  (the generator's truth: %s)\n", filepath.Join(res.Data, "truth.csv"))
	}
	return res, nil
}

// serveDemo makes an admin key for the demo workspace, prints how to log
// in to its dashboard and serves it until ctx ends.
func (m *Main) serveDemo(ctx context.Context, ws, addr string) error {
	m.workspace = ws
	ks, closeKeys, name, err := m.keyStore(ctx)
	if err != nil {
		return err
	}
	key, k, err := apikey.New(name, antipersona.RoleAdmin, "demo dashboard", m.Now(), nil)
	if err == nil {
		err = ks.CreateKey(ctx, k)
	}
	closeKeys()
	if err != nil {
		return err
	}
	host := addr
	if h, port, err := net.SplitHostPort(addr); err == nil && (h == "" || h == "0.0.0.0" || h == "::") {
		host = net.JoinHostPort("127.0.0.1", port)
	}
	fmt.Fprintf(m.Stdout, "\nThe dashboard of the demo shop: http://%s/ui/ (open it once the next line says the server is listening)\n"+
		"Log in with this admin key (made for the demo; antipersona -w %s keys revoke %s ends it):\n  %s\nStop the server with Ctrl+C.\n\n",
		host, ws, k.ID, key)
	m.warmViews = true // the first page is ready when the server listens
	return m.runServe(ctx, addr, "", []string{ws}, true)
}

type periods struct {
	Period1Start string `json:"period1_start"`
	Period1End   string `json:"period1_end"`
	Period2End   string `json:"period2_end"`
}

func readPeriods(path string) (periods, error) {
	var p periods
	data, err := os.ReadFile(path)
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return p, fmt.Errorf("read %s: %w", path, err)
	}
	return p, nil
}

// declareShopPersona puts the declared personas of the generated shop
// (file, a declared_personas list) into the workspace's antipersona.yaml in
// place of its empty list.
func declareShopPersona(ws, file string) error {
	decl, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	path := filepath.Join(ws, config.FileName)
	cfg, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	const empty = "\ndeclared_personas: []\n"
	if !strings.Contains(string(cfg), empty) {
		return fmt.Errorf("%s: no empty declared_personas list to fill", path)
	}
	return os.WriteFile(path, []byte(strings.Replace(string(cfg), empty, "\n"+string(decl), 1)), 0o644)
}

// printDemoAudit prints the audit of the shop's declared personas in a few
// lines.
func (m *Main) printDemoAudit(reports []audit.Report) {
	out := m.Stdout
	for _, r := range reports {
		fmt.Fprintf(out, "\nThe shop's own persona, audited: %q\n", r.Name)
		fmt.Fprintf(out, "  %d contacts, converting %.1f%% against %.1f%% overall\n", r.Matched, 100*r.ConversionRate, 100*r.BaseConversionRate)
		for _, c := range r.Conditions {
			fmt.Fprintf(out, "  %-10s %-16s %s\n", c.Name, conditionVerdict(c), c.Reason)
		}
		if len(r.MissedGroups) > 0 {
			g := r.MissedGroups[0]
			fmt.Fprintf(out, "  biggest buyer group it misses: %s (%.0f%% of all revenue, converting %.0f%%)\n", g.Description, 100*g.RevenueShare, 100*g.ConversionRate)
		}
	}
}

// printDemoDecisions prints the decisions of the last build, what changed
// since the first and where the money went, in a few lines.
func (m *Main) printDemoDecisions(v *buildViews, currency string) {
	out := m.Stdout
	dr, ch, br := v.decisions, v.changes, v.budget
	fmt.Fprintf(out, "\nDecisions as of %s (antipersona decide):\n", dr.Build.AsOf.Format(time.DateOnly))
	for _, a := range dr.Actions {
		fmt.Fprintf(out, "  %-13s %6d contacts  expected value %12.0f %s\n", a.Action, a.Contacts, a.ExpectedValue, currency)
	}
	if ch != nil {
		fmt.Fprintf(out, "\nSince %s (antipersona changes): %d contacts reinstated, %d newly excluded", ch.From.AsOf.Format(time.DateOnly), len(ch.Reinstated), len(ch.NewlyExcluded))
		if len(ch.ReinstatedReasons) > 0 {
			var parts []string
			for _, r := range ch.ReinstatedReasons {
				parts = append(parts, fmt.Sprintf("%s %d", r.Code, r.Contacts))
			}
			fmt.Fprintf(out, " (reinstated: %s)", strings.Join(parts, ", "))
		}
		fmt.Fprintln(out)
	}
	w := br.WhatIf
	share := 0.0
	if br.Negatives.Share != nil {
		share = *br.Negatives.Share
	}
	fmt.Fprintf(out, "\nBudget (antipersona budget): %.0f %s spent, %.0f%% of it on negative personas. Without paid budget for the %d contacts the decisions exclude: %.0f %s saved, %.0f %s of revenue lost (95%% interval %.0f to %.0f); ROI %s → %s\n",
		br.TotalSpend, currency, 100*share, w.Contacts, w.Saved, currency, w.LostRevenue, currency, w.LostRevenueLow, w.LostRevenueHigh, ratio(w.ROIBefore), ratio(w.ROIAfter))
}
