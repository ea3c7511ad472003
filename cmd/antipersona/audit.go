package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/audit"
	"github.com/antipersona/antipersona/config"
	"github.com/antipersona/antipersona/persona"
	"github.com/antipersona/antipersona/segments"
	"github.com/antipersona/antipersona/subgroup"
)

func (m *Main) auditCommand() *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "audit [NAME]",
		Short: "Check the team's declared personas against the data of the last build",
		Long: `audit confronts each declared persona (declared_personas in antipersona.yaml, or in
the file given with --file) with the contacts of the last build:

  - how many contacts match all its conditions, their conversion (95 % Wilson interval)
    against everyone's, revenue and profit per contact (95 % intervals) against
    everyone's, and the shares of all customers, revenue and profit it covers;
  - for each condition on its own: conversion inside against outside (lift), the
    information gain in bits, Pearson's chi-square with its p-value, Holm-adjusted over
    the persona's conditions; a condition that is not significant, or whose lift lies
    between 1/audit.min_lift and audit.min_lift (default 1.2), is flagged as
    pseudo-profiling: it does not tell buyers apart;
  - the share of its contacts that belong to each negative persona of the build;
  - a verdict in plain words.

Conditions are CEL over the identifiers of traits and features (antipersona traits,
docs/features.md); a type error names the persona, the condition and the position.`,
		Example: `  antipersona audit
  antipersona audit "Urban wellness women" --json
  antipersona audit --file personas.yaml`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, s, err := m.openWorkspace(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			declared := cfg.Declared
			if file != "" {
				if declared, err = readDeclared(file); err != nil {
					return err
				}
			}
			if len(args) == 1 {
				var one []config.DeclaredPersona
				for _, d := range declared {
					if d.Name == args[0] {
						one = append(one, d)
					}
				}
				if len(one) == 0 {
					return antipersona.Errorf(antipersona.ENOTFOUND, "no declared persona %q (declared_personas in %s)", args[0], config.FileName)
				}
				declared = one
			}
			if len(declared) == 0 {
				return antipersona.Errorf(antipersona.ENOTFOUND, "no declared persona: add declared_personas to %s or pass --file", config.FileName)
			}
			reports, err := runAudits(cmd.Context(), s, declared, auditOptions(cfg))
			if err != nil {
				return err
			}
			if m.jsonOut {
				if len(args) == 1 {
					return m.printJSON(reports[0])
				}
				return m.printJSON(map[string]any{"audits": reports})
			}
			for i, r := range reports {
				if i > 0 {
					fmt.Fprintln(m.Stdout)
				}
				m.printAudit(r, cfg.Currency)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&file, "file", "", "read the declared personas from this YAML file (a declared_personas list) instead of antipersona.yaml")
	return cmd
}

// readDeclared reads a YAML file with a declared_personas list.
func readDeclared(path string) ([]config.DeclaredPersona, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, antipersona.Errorf(antipersona.ENOTFOUND, "%v", err)
	}
	var doc struct {
		Declared []config.DeclaredPersona `yaml:"declared_personas"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, antipersona.Errorf(antipersona.EINVALID, "%s: %v", path, err)
	}
	c := config.Default()
	c.Declared = doc.Declared
	if err := c.Validate(); err != nil {
		return nil, antipersona.Errorf(antipersona.EINVALID, "%s: %v", path, err)
	}
	return c.Declared, nil
}

// runAudits evaluates the declared personas' conditions on every contact of
// the last build and audits each persona.
func runAudits(ctx context.Context, s store, declared []config.DeclaredPersona, opt audit.Options) ([]audit.Report, error) {
	cols, traits, err := builtTraits(ctx, s)
	if err != nil {
		return nil, err
	}
	vars := ruleVars(cols)
	compiled := make([]*segments.Rules, len(declared))
	need := map[string]bool{}
	names := []string{"converted", "monetary", "profit"}
	for i, d := range declared {
		r, err := segments.CompileRules(d.Conditions, vars)
		if err != nil {
			return nil, antipersona.Errorf(antipersona.EINVALID, "declared persona %q: %v", d.Name, err)
		}
		compiled[i] = r
		for _, v := range r.Used() {
			if !need[v.Name] {
				need[v.Name] = true
				names = append(names, v.Name)
			}
		}
	}
	// The lead-time traits (not personal data), for the missed groups and
	// the suggestion.
	a := &persona.Analysis{Traits: traitColumns(traits, 0)}
	var traitPos []int
	for _, c := range a.Traits {
		if !need[c.Ident] {
			need[c.Ident] = true
			names = append(names, c.Ident)
		}
	}
	pos := map[string]int{}
	for i, n := range names {
		pos[n] = i
	}
	for _, c := range a.Traits {
		traitPos = append(traitPos, pos[c.Ident])
	}
	inputs := make([]audit.Input, len(declared))
	evals := make([]*segments.Evaluator, len(declared))
	rows := make([]segments.Row, len(declared))
	for i, d := range declared {
		inputs[i] = audit.Input{Name: d.Name, Description: d.Description}
		for _, c := range d.Conditions {
			inputs[i].Conditions = append(inputs[i].Conditions, audit.Condition{Name: c.Name, Expr: c.Expr})
		}
		evals[i] = compiled[i].Evaluator()
		rows[i] = make(segments.Row, len(compiled[i].Used()))
	}
	var converted []bool
	var revenue, profit []float64
	index := map[string]int{}
	err = s.ScanFeatures(ctx, names, func(id string, vals []any) error {
		index[id] = len(converted)
		appendTraits(a, id, vals, traitPos)
		conv, _ := vals[0].(bool)
		converted = append(converted, conv)
		revenue, profit = append(revenue, numOrNaN(vals[1])), append(profit, numOrNaN(vals[2]))
		for i := range declared {
			for j, v := range compiled[i].Used() {
				rows[i][j] = plainValue(vals[pos[v.Name]])
			}
			for k := range inputs[i].Conditions {
				inputs[i].Conditions[k].Holds = append(inputs[i].Conditions[k].Holds, false)
			}
			n := len(converted) - 1
			err := evals[i].Eval(rows[i], func(r int) { inputs[i].Conditions[r].Holds[n] = true })
			if err != nil {
				return antipersona.Errorf(antipersona.EINVALID, "declared persona %q: %v", declared[i].Name, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	negatives, err := negativeMembers(ctx, s, index, len(converted))
	if err != nil {
		return nil, err
	}
	out := make([]audit.Report, len(declared))
	for i := range declared {
		inputs[i].Converted, inputs[i].Revenue, inputs[i].Profit, inputs[i].Negatives = converted, revenue, profit, negatives
		inputs[i].Traits = a
		if out[i], err = audit.Run(ctx, inputs[i], opt); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// negativeMembers returns the last build's negative personas with their
// members as rows of index.
func negativeMembers(ctx context.Context, s store, index map[string]int, n int) ([]audit.Negative, error) {
	ps, err := loadPersonas(ctx, s)
	if err != nil {
		return nil, err
	}
	byID := map[string]int{}
	var out []audit.Negative
	for _, p := range ps {
		if p.Kind != "negative" {
			continue
		}
		byID[p.ID] = len(out)
		out = append(out, audit.Negative{ID: p.ID, Name: p.Name, Kind: p.NegativeKind, Members: make([]bool, n)})
	}
	err = s.PersonaMembers(ctx, func(pid, cid string) error {
		if k, ok := byID[pid]; ok {
			if i, ok := index[cid]; ok {
				out[k].Members[i] = true
			}
		}
		return nil
	}, "negative")
	return out, err
}

func (m *Main) printAudit(r audit.Report, currency string) {
	w := m.Stdout
	fmt.Fprintf(w, "Declared persona %q\n", r.Name)
	if r.Description != "" {
		fmt.Fprintf(w, "  %s\n", r.Description)
	}
	fmt.Fprintf(w, "\n  %s\n\n", r.Verdict)
	fmt.Fprintf(w, "  matched             %d of %d contacts (%.1f%%)\n", r.Matched, r.Contacts, 100*r.Share)
	fmt.Fprintf(w, "  conversion          %.1f%% (95%% CI %.1f-%.1f) against %.1f%% overall\n", 100*r.ConversionRate, 100*r.ConversionLow, 100*r.ConversionHigh, 100*r.BaseConversionRate)
	if r.BaseRevenuePerContact != 0 || r.BaseProfitPerContact != 0 {
		fmt.Fprintf(w, "  revenue per contact %.2f %s (95%% CI %.2f-%.2f) against %.2f overall\n", r.RevenuePerContact.Mean, currency, r.RevenuePerContact.Low, r.RevenuePerContact.High, r.BaseRevenuePerContact)
		fmt.Fprintf(w, "  profit per contact  %.2f %s (95%% CI %.2f-%.2f) against %.2f overall\n", r.ProfitPerContact.Mean, currency, r.ProfitPerContact.Low, r.ProfitPerContact.High, r.BaseProfitPerContact)
		fmt.Fprintf(w, "  covers              %.1f%% of the customers, %.1f%% of net revenue, %.1f%% of profit\n", 100*r.CustomerShare, 100*r.RevenueShare, 100*r.ProfitShare)
	} else {
		fmt.Fprintf(w, "  covers              %.1f%% of the converted contacts (no revenue in the data)\n", 100*r.CustomerShare)
	}
	fmt.Fprintln(w, "\n  Each condition on its own, among all contacts:")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "    CONDITION\tMATCHED\tCONVERSION IN\tOUT\tLIFT\tINFO GAIN (BITS)\tP ADJ\tVERDICT")
	for _, c := range r.Conditions {
		v := conditionVerdict(c)
		fmt.Fprintf(tw, "    %s\t%d\t%.1f%%\t%.1f%%\t%.2f\t%.4f\t%s\t%s: %s\n", c.Name, c.Matched, 100*c.RateIn, 100*c.RateOut, c.Lift, c.InformationGain, pval(c.PAdjusted), v, c.Reason)
	}
	tw.Flush()
	if len(r.MissedGroups) > 0 {
		fmt.Fprintln(w, "\n  The biggest buyer groups it misses (their members outside the persona):")
		for _, g := range r.MissedGroups {
			fmt.Fprintf(w, "    %s: %d customers outside the persona, %.1f%% of all revenue, %.1f%% of all customers, converting %.1f%%\n",
				g.Description, g.Customers, 100*g.RevenueShare, 100*g.CustomerShare, 100*g.ConversionRate)
		}
	}
	if g := r.Suggested; g != nil {
		fmt.Fprintln(w, "\n  Suggested persona (CEL, the conditions joined by &&):")
		if len(g.Conditions) == 0 {
			fmt.Fprintf(w, "    none: no condition of it tells buyers apart (dropped: %s); see the groups it misses\n", strings.Join(g.Dropped, ", "))
		} else {
			for _, c := range g.Conditions {
				fmt.Fprintf(w, "    %s\n", c)
			}
			fmt.Fprintf(w, "    -> %d contacts, conversion %.1f%%, %.1f%% of the customers, %.1f%% of the revenue", g.Matched, 100*g.ConversionRate, 100*g.CustomerShare, 100*g.RevenueShare)
			if len(g.Dropped) > 0 {
				fmt.Fprintf(w, "; dropped: %s", strings.Join(g.Dropped, ", "))
			}
			fmt.Fprintln(w)
		}
	}
	if len(r.NegativeOverlap) > 0 {
		fmt.Fprintln(w, "\n  Overlap with the negative personas (share of the persona's contacts; the largest of each kind, --json lists all):")
		kinds := map[string]bool{}
		for _, o := range r.NegativeOverlap {
			if kinds[o.Kind] || o.Share < 0.01 {
				continue
			}
			kinds[o.Kind] = true
			fmt.Fprintf(w, "    %5.1f%%  %d contacts  %s (%s)\n", 100*o.Share, o.Contacts, o.Name, o.ID)
		}
	}
}

// auditOptions are the audit's settings from the configuration.
func auditOptions(cfg config.Config) audit.Options {
	return audit.Options{Alpha: cfg.Thresholds.Alpha, MinLift: cfg.Audit.MinLift, Search: subgroup.Options{
		Depth: cfg.Personas.Depth, MinSize: cfg.Thresholds.MinSize, MinSupport: cfg.Thresholds.MinSupport,
		Alpha: cfg.Thresholds.Alpha, MaxOverlap: cfg.Thresholds.MaxOverlap}}
}

// conditionVerdict is one word for a condition of an audit.
func conditionVerdict(c audit.ConditionReport) string {
	switch {
	case c.Pseudo:
		return "PSEUDO-PROFILING"
	case c.Lift < 1:
		return "against buyers"
	}
	return "discriminates"
}
