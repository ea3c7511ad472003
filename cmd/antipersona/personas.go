package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/cluster"
	"github.com/antipersona/antipersona/config"
	"github.com/antipersona/antipersona/duckdb"
	"github.com/antipersona/antipersona/features"
	"github.com/antipersona/antipersona/persona"
	"github.com/antipersona/antipersona/subgroup"
	"github.com/antipersona/antipersona/textmine"
)

// negativeKinds applies the overrides of the config to the default kinds.
func negativeKinds(cfg config.Config) []persona.NegativeKind {
	kinds := persona.DefaultNegativeKinds()
	for i := range kinds {
		if o, ok := cfg.Personas.Negative[kinds[i].Name]; ok {
			if o.Target != "" {
				kinds[i].Target = o.Target
			}
			if o.Enabled != nil {
				kinds[i].Enabled = *o.Enabled
			}
		}
	}
	return kinds
}

// behaviourFeatures are the numeric features that may describe a persona's
// behaviour.
func behaviourFeatures() []features.Feature {
	var out []features.Feature
	for _, f := range features.List {
		if f.Type == "DOUBLE" || f.Type == "BIGINT" || f.Type == "INTEGER" {
			out = append(out, f)
		}
	}
	return out
}

// buildPersonas finds the negative personas of the last build and stores
// them with their members.
//
// It also returns the propensity model's input, made from the traits it
// read, so that the model does not read them again.
func (m *Main) buildPersonas(ctx context.Context, cfg config.Config, s store, traits []antipersona.Trait, sum antipersona.BuildSummary) (*personaResult, error) {
	start := time.Now()
	crmOnly := sum.Orders == 0
	var kinds []persona.NegativeKind
	for _, k := range negativeKinds(cfg) {
		if k.Enabled && k.CRMOnly == crmOnly {
			kinds = append(kinds, k)
		}
	}
	// One pass over the features: ids, kind targets, traits, behaviour.
	// The first three columns: valuable customer, converted, net revenue
	// and profit (for buyer personas).
	valuable := "frequency > 0 AND profit > 0"
	if crmOnly {
		valuable = "COALESCE(outcome, false)"
	}
	sel := []string{"COALESCE((" + valuable + "), false)", "COALESCE(converted, false)", "monetary", "profit"}
	for _, k := range kinds {
		sel = append(sel, "COALESCE(("+k.Target+"), false)")
	}
	n := int(sum.Contacts)
	a := &persona.Analysis{IDs: make([]string, 0, n), Traits: traitColumns(traits, n)}
	for _, c := range a.Traits {
		sel = append(sel, duckdb.QuoteIdent(c.Ident))
	}
	beh := behaviourFeatures()
	for _, f := range beh {
		sel = append(sel, duckdb.QuoteIdent(f.Name))
	}
	sel = append(sel, "first_seen_at")
	for _, f := range beh {
		a.Behaviour = append(a.Behaviour, persona.NewColumn(f.Name, f.Name, antipersona.TraitNumber, antipersona.DimensionBehavioural, n))
	}
	targets := make([][]bool, len(kinds))
	for k := range targets {
		targets[k] = make([]bool, n)
	}
	valuableT, converted, seen := make([]bool, n), make([]bool, n), make([]time.Time, n)
	value, profit := make([]float64, n), make([]float64, n)
	q := "SELECT contact_id"
	if len(sel) > 0 {
		q += ", " + strings.Join(sel, ", ")
	}
	q += " FROM features ORDER BY contact_id"
	row := 0
	err := s.Scan(ctx, q, func(v []any) error {
		if row >= n {
			return fmt.Errorf("features changed while reading")
		}
		a.IDs = append(a.IDs, v[0].(string))
		valuableT[row], converted[row] = v[1] == true, v[2] == true
		value[row], profit[row] = numOrNaN(v[3]), numOrNaN(v[4])
		j := 5
		for k := range kinds {
			targets[k][row] = v[j] == true
			j++
		}
		for c := range a.Traits {
			setValue(&a.Traits[c], row, v[j])
			j++
		}
		for c := range a.Behaviour {
			setValue(&a.Behaviour[c], row, v[j])
			j++
		}
		seen[row], _ = v[j].(time.Time)
		row++
		return nil
	})
	if err != nil {
		return nil, antipersona.Errorf(antipersona.EINVALID, "negative persona targets: %v (check personas.negative in %s)", err, config.FileName)
	}
	if row != n {
		return nil, fmt.Errorf("features changed while reading: %d rows, %d contacts", row, n)
	}
	in := modelInputFromColumns(a.Traits, converted, seen)
	opt := persona.NegativeOptions{
		PerKind:   cfg.Personas.PerKind,
		Behaviour: cfg.Personas.IncludeBehaviour,
		Search: subgroup.Options{
			Depth: cfg.Personas.Depth, MinSize: cfg.Thresholds.MinSize, MinSupport: cfg.Thresholds.MinSupport,
			Alpha: cfg.Thresholds.Alpha, MaxOverlap: cfg.Thresholds.MaxOverlap, Quality: subgroup.Binomial,
			MinRate: cfg.Personas.MinTargetRate,
		},
	}
	tLoad := time.Since(start)
	t0 := time.Now()
	pos, err := persona.FindPositives(ctx, a, valuableT, converted, value, profit, persona.PositiveOptions{
		Search: opt.Search, Max: cfg.Personas.Positive, Locale: cfg.Locale})
	if err != nil {
		return nil, err
	}
	tPos := time.Since(t0)
	t0 = time.Now()
	labels, k, err := m.buildClusters(ctx, cfg, s, a)
	if err != nil {
		return nil, err
	}
	tClu := time.Since(t0)
	t0 = time.Now()
	clu, err := persona.FindClusterPersonas(ctx, a, labels, k, valuableT, converted, value, profit, pos, persona.PositiveOptions{
		Search: opt.Search, Locale: cfg.Locale})
	if err != nil {
		return nil, err
	}
	tCluP := time.Since(t0)
	t0 = time.Now()
	ps, err := persona.FindNegatives(ctx, a, kinds, targets, opt)
	if err != nil {
		return nil, err
	}
	m.logger.Debug("persona phases", "load_seconds", tLoad.Seconds(), "positive_seconds", tPos.Seconds(),
		"clusters_seconds", tClu.Seconds(), "cluster_personas_seconds", tCluP.Seconds(), "negative_seconds", time.Since(t0).Seconds())
	ps = append(append(pos, clu...), ps...)
	rows := make([]antipersona.PersonaRow, len(ps))
	for i, p := range ps {
		doc, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		r := antipersona.PersonaRow{ID: p.ID, Kind: p.Kind, NegativeKind: p.NegativeKind, Basis: p.Basis, Doc: doc}
		for c := range a.IDs {
			if p.Members.Has(c) {
				r.Members = append(r.Members, a.IDs[c])
			}
		}
		rows[i] = r
	}
	if err := s.ReplacePersonas(ctx, rows); err != nil {
		return nil, err
	}
	if err := s.ComputePersonaSignals(ctx, sum.Build.AsOf, cfg.Thresholds.ActiveDays, signalWindowDays); err != nil {
		return nil, err
	}
	// How many contacts each kind has, and how many personas describe it.
	summary := make([]kindSummary, len(kinds))
	for k, kind := range kinds {
		ks := kindSummary{Kind: kind.Name, Label: kind.Label, Definition: kind.Doc, Handling: kind.Handle}
		for _, t := range targets[k] {
			if t {
				ks.Contacts++
			}
		}
		if n > 0 {
			ks.Share = float64(ks.Contacts) / float64(n)
		}
		for _, p := range ps {
			if p.NegativeKind == kind.Name {
				ks.Personas++
			}
		}
		summary[k] = ks
	}
	doc, err := json.Marshal(summary)
	if err != nil {
		return nil, err
	}
	if err := s.SetMeta(ctx, "negative_kinds", string(doc)); err != nil {
		return nil, err
	}
	m.logger.Debug("personas", "negative", len(ps), "kinds", len(kinds), "seconds", time.Since(start).Seconds())
	return &personaResult{in: in, analysis: a, ids: a.IDs, kinds: kinds, targets: targets, personas: ps}, nil
}

// personaResult is what buildPersonas found, for the steps after it: the
// propensity model's input, the columns it was made from, the contact ids
// (in contact_id order, the rows of everything else), the negative kinds with each contact's meeting of
// their targets, and the personas with their members.
type personaResult struct {
	in       *modelInput
	analysis *persona.Analysis // the traits and behaviour read, rows as ids
	ids      []string
	kinds    []persona.NegativeKind
	targets  [][]bool
	personas []persona.Persona
}

// setValue stores a value read from DuckDB in a column.
// traitColumns returns a column of n rows for each trait that is not
// personal data: what personas, audits and the worksheet describe
// contacts by.
func traitColumns(traits []antipersona.Trait, n int) []persona.Column {
	var out []persona.Column
	for _, t := range traits {
		if !t.PII {
			out = append(out, persona.NewColumn(t.Name, t.Ident, t.Type, t.Dimension, n))
		}
	}
	return out
}

// appendTraits adds contact id as the next row of a (whose trait columns
// grow with it): trait column c takes vals[pos[c]].
func appendTraits(a *persona.Analysis, id string, vals []any, pos []int) {
	row := len(a.IDs)
	a.IDs = append(a.IDs, id)
	for c := range a.Traits {
		growColumn(&a.Traits[c])
		setValue(&a.Traits[c], row, vals[pos[c]])
	}
}

func setValue(c *persona.Column, i int, v any) {
	switch x := plainValue(v).(type) {
	case float64:
		c.Num[i] = x
	case bool:
		if c.Num != nil {
			c.Num[i] = 0
			if x {
				c.Num[i] = 1
			}
		}
	case string:
		if c.Str != nil {
			c.Str[i] = x
		}
	case time.Time:
		if c.Num != nil {
			c.Num[i] = float64(x.Unix())
		}
	case []string:
		if c.List != nil {
			c.List[i] = x
		}
	}
}

// signalWindowDays is how far before a first order (or the last activity
// of a contact who left) events count as what preceded it.
const signalWindowDays = 30

// kindSummary is one kind of negative persona in the last build: how many
// contacts are of it and how many personas describe them.
type kindSummary struct {
	Kind       string  `json:"kind"`
	Label      string  `json:"label"`
	Definition string  `json:"definition"`
	Handling   string  `json:"handling"`
	Contacts   int     `json:"contacts"`
	Share      float64 `json:"share"`
	Personas   int     `json:"personas"`
}

// personaOut is a persona as personas prints it: with its signals
// (channels, what precedes a first order and a departure).
type personaOut struct {
	persona.Persona
	Signals map[string][]antipersona.PersonaSignal `json:"signals"`
	// Voice is what the members say in the surveys (goals and the words of
	// their open answers), against everyone else.
	Voice personaVoice `json:"voice"`
}

func (m *Main) personasCommand() *cobra.Command {
	var negative bool
	var avatars string
	cmd := &cobra.Command{
		Use:   "personas [ID]",
		Short: "List the personas and negative personas found by the last build",
		Long: `personas lists the data-backed personas of the last build. A negative persona is a
group of contacts, described by conditions on traits known at lead time, in which one
kind of negative (engaged non-buyers, unprofitable, serial returners, complainers,
bargain hunters, fans who cannot afford it, researchers, fast churners; low converters
for a CRM export) is over-represented: its size and share, the kind's rate inside vs
overall with a 95 % interval, lift, coverage of all such contacts, the p-value adjusted
(Holm) over every group tested, and the recommended handling. The conditions re-applied
to the contacts give the size and rate exactly. Kinds and definitions: docs/personas.md.

With --json each persona also has its card (buyer personas), its SVG avatar and its
signals: the campaign channels that reached its members, the events of the 30 days before
their first order and the events of the 30 days before the last activity of those who
left, each with the share of members, the share among all contacts and the lift.`,
		Example: `  antipersona personas --negative
  antipersona personas per-1                  # one persona's card
  antipersona personas --json
  antipersona personas --avatars avatars/`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usage(cmd, "expected at most one persona ID")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, s, err := m.openWorkspace(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			all, err := loadPersonas(cmd.Context(), s)
			if err != nil {
				return err
			}
			ps, err := personaDocs(cmd.Context(), cfg, s, all, func(pe persona.Persona) bool {
				return !(negative && pe.Kind != "negative" || len(args) == 1 && pe.ID != args[0])
			})
			if err != nil {
				return err
			}
			if avatars != "" {
				if err := writeAvatars(all, avatars); err != nil {
					return err
				}
				m.info("%d avatars written to %s", len(all), avatars)
			}
			if len(args) == 1 {
				if len(ps) == 0 {
					return antipersona.Errorf(antipersona.ENOTFOUND, "no persona %q in the last build (see 'antipersona personas')", args[0])
				}
				if m.jsonOut {
					return m.printJSON(ps[0])
				}
				m.printCard(ps[0], cfg.Currency)
				return nil
			}
			kinds, err := loadKinds(cmd.Context(), s)
			if err != nil {
				return err
			}
			if m.jsonOut {
				return m.printJSON(map[string]any{"personas": ps, "negative_kinds": kinds})
			}
			defer m.printKinds(kinds)
			if len(ps) == 0 {
				m.info("no persona found in the last build")
				return nil
			}
			w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tPERSONA\tSIZE\tSHARE\tRATE (95% CI)\tBASE\tLIFT\tCOVERAGE\tP ADJ\tHANDLING\tCONDITIONS")
			for _, p := range ps {
				label := p.Label
				if p.Card != nil {
					label = p.Card.FirstName + " (" + strings.ToLower(p.Label) + ")"
				}
				fmt.Fprintf(w, "%s\t%s\t%d\t%.1f%%\t%.1f%% (%.1f-%.1f)\t%.1f%%\t%.1f\t%.0f%%\t%s\t%s\t%s\n", p.ID, label, p.Size, 100*p.Share,
					100*p.TargetRate, 100*p.TargetLow, 100*p.TargetHigh, 100*p.BaseRate, p.Lift, 100*p.Coverage, pval(p.PAdjusted), p.Handling, condText(p.Conditions))
			}
			return w.Flush()
		},
	}
	cmd.Flags().BoolVar(&negative, "negative", false, "only negative personas")
	cmd.Flags().StringVar(&avatars, "avatars", "", "also write each persona's avatar to DIR/<id>.svg")
	return cmd
}

// condText writes conditions as "a = x AND b >= 3".
func condText(cs []subgroup.Condition) string {
	var parts []string
	for _, c := range cs {
		switch v := c.Value.(type) {
		case nil:
			parts = append(parts, c.Attribute+" "+c.Op)
		case float64:
			parts = append(parts, fmt.Sprintf("%s %s %s", c.Attribute, c.Op, persona.FormatValue(v)))
		default:
			parts = append(parts, fmt.Sprintf("%s %s %v", c.Attribute, c.Op, v))
		}
	}
	return strings.Join(parts, " AND ")
}

func (m *Main) assignmentsCommand() *cobra.Command {
	var format, out string
	cmd := &cobra.Command{
		Use:   "assignments",
		Short: "Export one row per contact: segment, RFM segment, cluster, persona, negative personas",
		Long: `assignments writes, for every contact of the last build: contact_id, segment (the
lifecycle stage), rfm_segment, cluster, persona_id, negative_persona_ids ('|'-separated),
tags and rule_segments ('|'-separated). Without --out it writes to stdout.`,
		Example: `  antipersona assignments --out assignments.csv
  antipersona assignments --format json | head`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, s, err := m.openWorkspace(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			if out != "" {
				return s.ExportAssignments(cmd.Context(), out, format)
			}
			dir, err := os.MkdirTemp("", "antipersona-assign-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			tmp := dir + "/a." + format
			if err := s.ExportAssignments(cmd.Context(), tmp, format); err != nil {
				return err
			}
			data, err := os.ReadFile(tmp)
			if err != nil {
				return err
			}
			_, err = m.Stdout.Write(data)
			return err
		},
	}
	cmd.Flags().StringVar(&format, "format", "csv", "csv or json")
	cmd.Flags().StringVar(&out, "out", "", "file to write (default: stdout)")
	return cmd
}

func numOrNaN(v any) float64 {
	if f, ok := plainValue(v).(float64); ok {
		return f
	}
	return math.NaN()
}

// buildClusters clusters the contacts with k-prototypes and stores each
// contact's cluster. Numbers enter as sign(x)·log(1+|x|) (counts and money
// are heavy-tailed), then standardised by the method; categories with more
// than 50 values are left out.
func (m *Main) buildClusters(ctx context.Context, cfg config.Config, s store, a *persona.Analysis) ([]int, int, error) {
	var d cluster.Data
	addNum := func(c persona.Column) {
		col := make([]float64, len(c.Num))
		varies := false
		for i, x := range c.Num {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				col[i] = math.NaN()
				continue
			}
			col[i] = math.Copysign(math.Log1p(math.Abs(x)), x)
			varies = varies || col[i] != col[0]
		}
		if varies {
			d.Numeric = append(d.Numeric, col)
			d.NumericNames = append(d.NumericNames, c.Name)
		}
	}
	for _, c := range a.Traits {
		switch c.Type {
		case antipersona.TraitNumber:
			addNum(c)
		case antipersona.TraitCategory, antipersona.TraitBoolean:
			codes := make([]int32, len(a.IDs))
			index := map[string]int32{}
			for i := range codes {
				v := ""
				if c.Str != nil {
					v = c.Str[i]
				} else if !math.IsNaN(c.Num[i]) {
					v = strconv.FormatFloat(c.Num[i], 'g', -1, 64)
				}
				if v == "" {
					codes[i] = -1
					continue
				}
				k, ok := index[v]
				if !ok {
					k = int32(len(index))
					index[v] = k
				}
				codes[i] = k
			}
			if len(index) >= 2 && len(index) <= 50 {
				d.Categorical = append(d.Categorical, codes)
				d.CategoricalNames = append(d.CategoricalNames, c.Name)
			}
		}
	}
	for _, c := range a.Behaviour {
		if slices.Contains(persona.ClusterFeatures(), c.Ident) {
			addNum(c)
		}
	}
	if len(a.IDs) < 20 || len(d.Numeric)+len(d.Categorical) == 0 {
		return nil, 0, s.ReplaceClusters(ctx, nil, nil)
	}
	res, err := cluster.KPrototypes(ctx, d, cluster.Options{KMin: 2, KMax: min(8, len(a.IDs)/10), Seed: cfg.Thresholds.Seed})
	if err != nil {
		// Data without structure to cluster (a single value everywhere...):
		// no clusters, not a failed build.
		m.logger.Debug("clusters", "error", err)
		return nil, 0, s.ReplaceClusters(ctx, nil, nil)
	}
	m.logger.Debug("clusters", "k", res.K, "scores", fmt.Sprint(res.Scores))
	return res.Labels, res.K, s.ReplaceClusters(ctx, a.IDs, res.Labels)
}

// printTopPersonas prints the best buyer personas and the best negative
// persona of each kind of the last build, for the demo.
func (m *Main) printTopPersonas(ps []persona.Persona, kinds []kindSummary) {
	var pos, neg []persona.Persona
	seen := map[string]bool{}
	for _, p := range ps {
		switch {
		case p.Kind == "positive" && len(pos) < 3:
			pos = append(pos, p)
		case p.Kind == "negative" && !seen[p.NegativeKind]:
			seen[p.NegativeKind] = true
			neg = append(neg, p)
		}
	}
	w := m.Stdout
	fmt.Fprintln(w, "\nBuyer personas (where valuable customers are over-represented):")
	for _, p := range pos {
		rev := 0.0
		if p.Card != nil {
			rev = p.Card.RevenueShare
		}
		fmt.Fprintf(w, "  %-8s %-48s %6d contacts (%4.1f%%)  %4.1f%% valuable vs %4.1f%%  %3.0f%% of revenue\n",
			p.ID, p.Name, p.Size, 100*p.Share, 100*p.TargetRate, 100*p.BaseRate, 100*rev)
	}
	fmt.Fprintln(w, "\nNegative personas (best of each kind):")
	for _, p := range neg {
		fmt.Fprintf(w, "  %-22s %-28s %-52s %6d contacts  %4.1f%% vs %4.1f%%  -> %s\n",
			p.ID, p.Label, condText(p.Conditions), p.Size, 100*p.TargetRate, 100*p.BaseRate, p.Handling)
	}
	m.printKinds(kinds)
}

// printCard prints one persona in full: figures, card, signals.
func (m *Main) printCard(p personaOut, currency string) {
	w := m.Stdout
	fmt.Fprintf(w, "%s  %s\n", p.ID, p.Name)
	fmt.Fprintf(w, "  %s\n\n", p.Description)
	fmt.Fprintf(w, "  conditions        %s\n", condText(p.Conditions))
	fmt.Fprintf(w, "  size              %d contacts (%.1f%% of all)\n", p.Size, 100*p.Share)
	fmt.Fprintf(w, "  %-17s %.1f%% (95%% CI %.1f-%.1f) against %.1f%% overall, lift %.2f\n", p.Target, 100*p.TargetRate, 100*p.TargetLow, 100*p.TargetHigh, 100*p.BaseRate, p.Lift)
	fmt.Fprintf(w, "  coverage          %.1f%% of all %s contacts\n", 100*p.Coverage, p.Target)
	fmt.Fprintf(w, "  p-value           %s (Holm-adjusted over every group tested; raw %s)\n", pval(p.PAdjusted), pval(p.PValue))
	if p.Handling != "" {
		fmt.Fprintf(w, "  handling          %s\n", p.Handling)
	}
	if c := p.Card; c != nil {
		fmt.Fprintf(w, "  revenue, profit   %.1f%% of net revenue, %.1f%% of profit\n", 100*c.RevenueShare, 100*c.ProfitShare)
		fmt.Fprintf(w, "  conversion        %.1f%% against %.1f%% overall\n", 100*c.ConversionRate, 100*c.BaseConversion)
		if c.CLV != nil && c.BaseCLV != nil {
			fmt.Fprintf(w, "  predicted CLV     %.0f %s per contact (95%% CI %.0f-%.0f, %d contacts) against %.0f overall\n",
				c.CLV.Mean, currency, c.CLV.Low, c.CLV.High, c.CLV.N, *c.BaseCLV)
		}
		if len(c.Traits) > 0 {
			fmt.Fprintln(w, "\n  What sets them apart (share in the persona, 95% CI, share overall, lift):")
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			for _, t := range c.Traits {
				fmt.Fprintf(tw, "    %s\t%s\t%.1f%% (%.1f-%.1f)\t%.1f%%\t%.1f×\n", t.Dimension, t.Condition, 100*t.Share, 100*t.ShareLow, 100*t.ShareHigh, 100*t.BaseShare, t.Lift)
			}
			tw.Flush()
		}
	}
	for _, k := range []struct{ kind, title string }{
		{"channel", "Channels that reached them"},
		{"before_first_order", "In the 30 days before their first order"},
		{"before_departure", "In the 30 days before those who left went quiet"},
	} {
		sg := p.Signals[k.kind]
		if len(sg) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n  %s (share of them, overall, lift):\n", k.title)
		for _, x := range sg {
			fmt.Fprintf(w, "    %-32s %5.1f%%  %5.1f%%  %.1f×\n", x.Name, 100*x.Share, 100*x.Base, x.Lift)
		}
	}
	if len(p.Voice.Answers) > 0 {
		fmt.Fprintln(w, "\n  Goals and answers they give more often (surveys; share of them, 95% CI, share overall, lift):")
		for _, a := range p.Voice.Answers {
			fmt.Fprintf(w, "    %-32s %5.1f%% (%.1f-%.1f)  %5.1f%%  %.1f×\n", a.Question+" = "+a.Answer, 100*a.Share, 100*a.Low, 100*a.High, 100*a.Base, a.Lift)
		}
	}
	if len(p.Voice.Words) > 0 {
		fmt.Fprintf(w, "\n  Pain points and wishes, in their own words (open answers: %d of theirs against the rest; count, z):\n", p.Voice.Open)
		for _, t := range p.Voice.Words {
			fmt.Fprintf(w, "    %-32s %4d  %.1f\n", t.Text, t.In, t.Z)
		}
	}
	if len(p.Voice.Leaving) > 0 {
		fmt.Fprintln(w, "\n  Reasons to stop (open answers of those who left against those who stayed; count, z):")
		for _, t := range p.Voice.Leaving {
			fmt.Fprintf(w, "    %-32s %4d  %.1f\n", t.Text, t.In, t.Z)
		}
	}
}

// printKinds lists the kinds of negative persona with their number of
// contacts, saying which no lead-time description fits.
func (m *Main) printKinds(kinds []kindSummary) {
	if len(kinds) == 0 {
		return
	}
	w := m.Stdout
	fmt.Fprintln(w, "\nKinds of negative persona in this build (docs/personas.md):")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, k := range kinds {
		note := fmt.Sprintf("%d personas", k.Personas)
		switch {
		case k.Contacts == 0:
			note = "none of them"
		case k.Personas == 0:
			note = "no group of traits in which enough are of this kind (personas.min_target_rate)"
		case k.Personas == 1:
			note = "1 persona"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d contacts\t%.1f%%\t%s\n", k.Kind, k.Label, k.Contacts, 100*k.Share, note)
	}
	tw.Flush()
}

// writeAvatars writes the avatar of every persona of ps to dir/<id>.svg.
func writeAvatars(ps []persona.Persona, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, p := range ps {
		if err := os.WriteFile(filepath.Join(dir, p.ID+".svg"), []byte(p.Avatar), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// personaDocs returns the cards of the personas that keep accepts, with
// their signals and voice, as `personas --json` prints them.
func personaDocs(ctx context.Context, cfg config.Config, s store, all []persona.Persona, keep func(persona.Persona) bool) ([]personaOut, error) {
	signals, err := s.PersonaSignals(ctx)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, pe := range all {
		ids = append(ids, pe.ID)
	}
	voices, err := personaVoices(ctx, s, ids, cfg.Thresholds.ActiveDays)
	if err != nil {
		return nil, err
	}
	ps := []personaOut{}
	for _, pe := range all {
		if !keep(pe) {
			continue
		}
		p := personaOut{Persona: pe, Voice: voices[pe.ID]}
		if p.Voice.Words == nil {
			p.Voice = personaVoice{Answers: []answerShare{}, Words: []textmine.Term{}}
		}
		p.Signals = map[string][]antipersona.PersonaSignal{"channel": {}, "before_first_order": {}, "before_departure": {}}
		for _, sg := range signals[p.ID] {
			p.Signals[sg.Kind] = append(p.Signals[sg.Kind], sg)
		}
		ps = append(ps, p)
	}
	return ps, nil
}

// loadPersonas returns the personas of the last build, in order.
func loadPersonas(ctx context.Context, s store) ([]persona.Persona, error) {
	docs, err := s.Personas(ctx)
	if err != nil {
		return nil, err
	}
	ps := make([]persona.Persona, len(docs))
	for i, d := range docs {
		if err := json.Unmarshal(d, &ps[i]); err != nil {
			return nil, fmt.Errorf("read persona: %w", err)
		}
	}
	return ps, nil
}

// loadKinds returns the kinds of negative persona of the last build (none
// before the first build).
func loadKinds(ctx context.Context, s store) ([]kindSummary, error) {
	kinds := []kindSummary{}
	doc, err := s.Meta(ctx, "negative_kinds")
	if err != nil || doc == "" {
		return kinds, err
	}
	if err := json.Unmarshal([]byte(doc), &kinds); err != nil {
		return nil, fmt.Errorf("read negative kinds: %w", err)
	}
	return kinds, nil
}

// growColumn adds one missing value at the end of c.
func growColumn(c *persona.Column) {
	switch {
	case c.Num != nil || c.Type == antipersona.TraitNumber || c.Type == antipersona.TraitBoolean || c.Type == antipersona.TraitDate:
		c.Num = append(c.Num, math.NaN())
	case c.Type == antipersona.TraitMulti:
		c.List = append(c.List, nil)
	default:
		c.Str = append(c.Str, "")
	}
}
