package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/config"
	"github.com/antipersona/antipersona/decide"
	"github.com/antipersona/antipersona/propensity"
)

// policy is the decision policy of the configuration.
func policy(cfg config.Config) decide.Policy {
	p := decide.DefaultPolicy()
	p.ExcludeBelow = cfg.Decisions.ExcludeBelow
	p.ActivateROI = cfg.Decisions.ActivateROI
	p.ActivateLift = cfg.Decisions.ActivateLift
	p.KeepLift = cfg.Decisions.KeepLift
	p.ActiveDays = float64(cfg.Thresholds.ActiveDays)
	p.HorizonDays = float64(cfg.CLV.Months) * 365.25 / 12
	p.Currency = cfg.Currency
	return p
}

// snapshotMeta is what a build's snapshot records besides the contacts
// (meta snapshot/ID): the policy, what the decisions were computed with,
// and the models' versions.
type snapshotMeta struct {
	Build  int64          `json:"build"`
	Policy decide.Policy  `json:"policy"`
	Basis  decide.Summary `json:"basis"`
	Models snapshotModels `json:"models"`
}

// snapshotModels identifies the models a build fitted.
type snapshotModels struct {
	CLV          clvFitInfo         `json:"clv"`
	Propensity   *propensityVersion `json:"propensity"`    // nil without a model
	NextPurchase *nextVersion       `json:"next_purchase"` // nil without a model
}

type propensityVersion struct {
	TrainedAt time.Time `json:"trained_at"`
	Trees     int       `json:"trees"`
	Features  int       `json:"features"`
	ROCAUC    float64   `json:"roc_auc"`
}

type nextVersion struct {
	WindowDays int `json:"window_days"`
	TrainRows  int `json:"train_rows"`
	Positives  int `json:"positives"`
}

func snapshotKey(build int64) string { return fmt.Sprintf("snapshot/%d", build) }

// loadSnapshotMeta reads a build's snapshot record; nil when it has none.
func loadSnapshotMeta(ctx context.Context, s store, build int64) (*snapshotMeta, error) {
	js, err := s.Meta(ctx, snapshotKey(build))
	if err != nil || js == "" {
		return nil, err
	}
	var sm snapshotMeta
	if err := json.Unmarshal([]byte(js), &sm); err != nil {
		return nil, fmt.Errorf("snapshot of build #%d: %w", build, err)
	}
	return &sm, nil
}

// decisionInput is what the steps of a build before the decisions found.
type decisionInput struct {
	build    antipersona.Build
	prev     int64 // the previous build with decisions; 0 when none
	personas *personaResult
	model    *storedModel  // the propensity model; nil without one
	next     *nextPurchase // the next-purchase model's scores; nil without one
	versions *traitVersions
	clv      clvFitInfo
}

// buildDecisions decides every contact of the build (package decide) and
// stores the decisions as the build's snapshot, with its personas. An
// excluded contact keeps the date it was first excluded while it stays
// excluded.
func (m *Main) buildDecisions(ctx context.Context, cfg config.Config, s store, in decisionInput) error {
	b, prev, pr, sm, np, tv := in.build, in.prev, in.personas, in.model, in.next, in.versions
	n := len(pr.ids)
	t0 := time.Now()
	var scores []float64
	if sm != nil {
		scores = sm.predict(pr.in.d)
	}
	tScore := time.Since(t0)
	cs := make([]decide.Contact, 0, n)
	snaps := make([]antipersona.ContactSnapshot, 0, n)
	q := `SELECT f.contact_id, COALESCE(f.converted, false), f.frequency, f.monetary, f.p_alive, f.predicted_clv,
	  f.contact_cost, f.tenure_days, f.days_since_last_activity, g.rfm_segment, g.lifecycle, f.decision_cycle_days,
	  (f.returns_cost + f.support_cost) / NULLIF(f.margin, 0)
	  FROM features f LEFT JOIN segments g USING (contact_id) ORDER BY f.contact_id`
	err := s.Scan(ctx, q, func(v []any) error {
		row := len(cs)
		if row >= n || v[0].(string) != pr.ids[row] {
			return fmt.Errorf("features changed while deciding")
		}
		c := decide.Contact{ID: pr.ids[row], Buyer: v[1] == true, Propensity: math.NaN(),
			PAlive: numOrNaN(v[4]), CLV: numOrNaN(v[5]), ContactCost: numOrNaN(v[6]), TenureDays: numOrNaN(v[7]),
			DaysSinceActivity: numOrNaN(v[8]), CycleDays: numOrNaN(v[11]), Lost: numOrNaN(v[12])}
		if math.IsNaN(c.ContactCost) {
			c.ContactCost = 0
		}
		if scores != nil {
			c.Propensity = scores[row]
		}
		c.NextPurchase = math.NaN()
		if np != nil {
			c.NextPurchase = np.Q[row]
		}
		cs = append(cs, c)
		sn := antipersona.ContactSnapshot{Build: b.ID, Frequency: numOrNaN(v[2]), Monetary: numOrNaN(v[3])}
		sn.Segment, _ = v[9].(string)
		sn.Lifecycle, _ = v[10].(string)
		snaps = append(snaps, sn)
		return nil
	})
	if err != nil {
		return err
	}
	if len(cs) != n {
		return fmt.Errorf("features changed while deciding: %d rows, %d contacts", len(cs), n)
	}
	// Memberships: the negative personas (lead-time descriptions) in the
	// order the build lists them, then the negative kinds whose definition
	// the contact meets by behaviour.
	for _, p := range pr.personas {
		for row := range n {
			if !p.Members.Has(row) {
				continue
			}
			if p.Kind == "negative" {
				cs[row].Negatives = append(cs[row].Negatives, decide.Membership{Persona: p.ID, Name: p.Name, Kind: p.NegativeKind, Handling: p.Handling})
				snaps[row].Negatives = append(snaps[row].Negatives, p.ID)
			} else {
				snaps[row].Personas = append(snaps[row].Personas, p.ID)
			}
		}
	}
	for k, kind := range pr.kinds {
		// Kinds defined by cost or by not having converted count for
		// customers only (persona.NegativeKind.CustomersOnly).
		for row, in := range pr.targets[k] {
			if in && (cs[row].Buyer || !kind.CustomersOnly) {
				cs[row].Negatives = append(cs[row].Negatives, decide.Membership{Name: kind.Label, Kind: kind.Name, Handling: kind.Handle})
				snaps[row].Kinds = append(snaps[row].Kinds, kind.Name)
			}
		}
	}
	// New versions of traits: the days since the latest change, and the
	// propensity of the traits before it (package decide).
	at := make(map[string]int, n)
	for i, id := range pr.ids {
		at[id] = i
	}
	for row := range cs {
		cs[row].ChangedDays, cs[row].PriorPropensity = math.NaN(), math.NaN()
	}
	var before *propensity.Data
	var beforeRows []int
	var codes []map[string]int32
	if sm != nil {
		before, codes = newModelData(sm.Features), make([]map[string]int32, len(sm.Features))
	}
	for id, v := range tv.byID {
		row, ok := at[id]
		if !ok {
			continue
		}
		cs[row].ChangedDays = math.Max(0, math.Floor(b.AsOf.Sub(v.since).Hours()/24))
		if sm != nil {
			vals := make([]any, len(sm.Features))
			for j, c := range sm.Features {
				if k, ok := tv.index[c.Ident]; ok {
					vals[j] = v.vals[k]
				}
			}
			addModelRow(before, sm.Features, codes, vals)
			beforeRows = append(beforeRows, row)
		}
	}
	if len(beforeRows) > 0 {
		for i, q := range sm.predict(before) {
			cs[beforeRows[i]].PriorPropensity = q
		}
	}
	// A change of traits counts in the re-check of an exclusion when it
	// raised the propensity to buy: the model of buyers' traits, scoring
	// the traits before and after the change.
	relevant := func(row int) bool {
		return cs[row].PriorPropensity < cs[row].Propensity
	}
	// The previous build's decisions: exclusions are re-checked, and an
	// excluded contact keeps the date it was first excluded.
	since := map[string]time.Time{}
	if prev > 0 {
		// The keys of today's personas, to tell a contact that left a
		// persona from a persona that is gone.
		before, err := snapshotPersonas(ctx, s, prev)
		if err != nil {
			return err
		}
		keys := make(map[string]string, len(before))
		for _, p := range before {
			keys[p.ID] = p.Key
		}
		now := map[string]bool{}
		for _, p := range pr.personas {
			k, err := personaKey(p.Kind, p.NegativeKind, p.Conditions)
			if err != nil {
				return err
			}
			now[k] = true
		}
		err = s.Priors(ctx, prev, func(r antipersona.Prior) error {
			row, ok := at[r.ContactID]
			if !ok {
				return nil
			}
			if r.Action.Excluded() && !r.ExcludedSince.IsZero() {
				since[r.ContactID] = r.ExcludedSince
			}
			p := &decide.Prior{Action: r.Action, Frequency: r.Frequency}
			if math.IsNaN(p.Frequency) {
				p.Frequency = 0
			}
			if _, ok := tv.byID[r.ContactID]; ok {
				p.TraitsChanged = cs[row].Buyer || relevant(row)
			}
			p.HadPersona = len(r.Negatives) > 0
			p.PersonasRemain = true
			for _, id := range r.Negatives {
				if !now[keys[id]] {
					p.PersonasRemain = false
				}
			}
			cs[row].Prior = p
			return nil
		})
		if err != nil {
			return err
		}
	}
	for row, sn := range snaps {
		cs[row].Frequency = sn.Frequency
		if math.IsNaN(cs[row].Frequency) {
			cs[row].Frequency = 0
		}
	}
	tRead := time.Since(t0)
	pol := policy(cfg)
	if np != nil {
		pol.NextWindowDays = float64(np.Window)
	}
	ds, basis := decide.Decide(cs, pol)
	tDecide := time.Since(t0)
	counts := map[antipersona.Action]int{}
	for i, d := range ds {
		if d.Action.Excluded() {
			d.ExcludedSince = b.AsOf
			if t, ok := since[d.ContactID]; ok {
				d.ExcludedSince = t
			}
		}
		snaps[i].Decision = d
		counts[d.Action]++
	}
	if err := s.ReplaceDecisions(ctx, b.ID, snaps); err != nil {
		return err
	}
	m.logger.Debug("decision phases", "score_seconds", tScore.Seconds(), "read_seconds", (tRead - tScore).Seconds(),
		"decide_seconds", (tDecide - tRead).Seconds(), "store_seconds", (time.Since(t0) - tDecide).Seconds())
	if err := s.SnapshotPersonas(ctx, b.ID); err != nil {
		return err
	}
	meta := snapshotMeta{Build: b.ID, Policy: pol, Basis: basis, Models: snapshotModels{CLV: in.clv}}
	if sm != nil {
		meta.Models.Propensity = &propensityVersion{TrainedAt: sm.TrainedAt, Trees: sm.GBDT.Iterations, Features: len(sm.Features), ROCAUC: sm.Evaluation.Boosting.ROCAUC}
	}
	if np != nil {
		meta.Models.NextPurchase = &nextVersion{WindowDays: np.Window, TrainRows: np.Train, Positives: np.Positives}
	}
	js, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	m.logger.Debug("decisions", "activate", counts[antipersona.ActionActivate], "nurture", counts[antipersona.ActionNurture],
		"maintain", counts[antipersona.ActionMaintain], "organic_only", counts[antipersona.ActionOrganicOnly], "exclude", counts[antipersona.ActionExclude])
	return s.SetMeta(ctx, snapshotKey(b.ID), string(js))
}

// actionCount is one line of `decide`.
type actionCount struct {
	Action        antipersona.Action `json:"action"`
	Contacts      int                `json:"contacts"`
	Share         float64            `json:"share"`
	Buyers        int                `json:"buyers"`
	ExpectedValue float64            `json:"expected_value"`
	Cost          float64            `json:"contact_cost"`
	Probability   float64            `json:"mean_probability"`
	Revenue       float64            `json:"net_revenue"`
}

// decisionReport is what `decide` prints.
type decisionReport struct {
	Build     antipersona.Build `json:"build"`
	Currency  string            `json:"currency"`
	Horizon   string            `json:"horizon"`
	Policy    decide.Policy     `json:"policy"`
	Basis     decide.Summary    `json:"basis"`
	Actions   []actionCount     `json:"actions"`
	Contacts  int               `json:"contacts"`
	TopReason []reasonShare     `json:"top_negative_personas"`
}

type reasonShare struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Contacts int    `json:"excluded_contacts"`
}

// decisionReportOf reads the decisions of the last build.
func decisionReportOf(ctx context.Context, s store, cfg config.Config) (*decisionReport, error) {
	id, err := s.LastDecisionBuild(ctx, 0)
	if err != nil {
		return nil, err
	}
	if id == 0 {
		return nil, antipersona.Errorf(antipersona.ENOTFOUND, "no decisions yet: run 'antipersona build'")
	}
	b, err := s.BuildByID(ctx, id)
	if err != nil {
		return nil, err
	}
	r := &decisionReport{Build: *b, Currency: cfg.Currency, Horizon: fmt.Sprintf("%d months", cfg.CLV.Months)}
	if sm, err := loadSnapshotMeta(ctx, s, id); err != nil {
		return nil, err
	} else if sm != nil {
		r.Policy, r.Basis = sm.Policy, sm.Basis
	}
	at := map[antipersona.Action]*actionCount{}
	for _, a := range antipersona.Actions {
		r.Actions = append(r.Actions, actionCount{Action: a})
	}
	for i := range r.Actions {
		at[r.Actions[i].Action] = &r.Actions[i]
	}
	named := map[string]*reasonShare{}
	err = s.Decisions(ctx, id, func(d antipersona.ContactSnapshot) error {
		c := at[d.Action]
		if c == nil {
			return fmt.Errorf("contact %s: unknown action %q", d.ContactID, d.Action)
		}
		r.Contacts++
		c.Contacts++
		if d.Buyer {
			c.Buyers++
		}
		c.ExpectedValue += d.ExpectedValue
		c.Cost += d.Cost
		if !math.IsNaN(d.Probability) {
			c.Probability += d.Probability
		}
		if !math.IsNaN(d.Monetary) {
			c.Revenue += d.Monetary
		}
		if d.Action.Excluded() {
			for _, x := range d.Reasons {
				if x.Code == antipersona.ReasonNegativePersona || x.Code == antipersona.ReasonNegativeKind {
					k := x.Code + "\x00" + x.Name
					if named[k] == nil {
						named[k] = &reasonShare{Name: x.Name, Kind: x.Kind}
					}
					named[k].Contacts++
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range r.Actions {
		c := &r.Actions[i]
		if c.Contacts > 0 {
			c.Probability /= float64(c.Contacts)
			c.Share = float64(c.Contacts) / float64(r.Contacts)
		}
	}
	for _, x := range named {
		r.TopReason = append(r.TopReason, *x)
	}
	slices.SortFunc(r.TopReason, func(a, b reasonShare) int {
		if a.Contacts != b.Contacts {
			return b.Contacts - a.Contacts
		}
		return strings.Compare(a.Name, b.Name)
	})
	return r, nil
}

func (m *Main) decideCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "decide",
		Short: "Count the decisions of the last build and their value, by action",
		Long: `decide prints, for the last build, how many contacts get each action and what
they are worth:

  activate      prospects worth paying to convert
  nurture       prospects not (yet) worth paid activation
  maintain      customers: retention
  organic_only  negative personas who still like the brand: social and content, no paid budget
  exclude       no paid budget

Each contact's expected value is probability x value - contact cost over clv.months
(docs/decisions.md); the policy's thresholds are under decisions in antipersona.yaml.
The columns: contacts, share, buyers among them, the sum of expected values, of the
expected contact costs and of net revenue so far, and the mean probability. Below, the
negative personas that keep the most contacts out of paid budget.

One contact's decision with its reasons: antipersona explain CONTACT_ID.`,
		Example: `  antipersona decide
  antipersona decide --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, s, err := m.openWorkspace(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			r, err := decisionReportOf(cmd.Context(), s, cfg)
			if err != nil {
				return err
			}
			if m.jsonOut {
				return m.printJSON(r)
			}
			m.printDecisions(r)
			return nil
		},
	}
}

func (m *Main) printDecisions(r *decisionReport) {
	out := m.Stdout
	fmt.Fprintf(out, "Decisions of build #%d as of %s: %d contacts; values over %s, in %s\n\n",
		r.Build.ID, r.Build.AsOf.Format(time.DateOnly), r.Contacts, r.Horizon, r.Currency)
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "ACTION\tCONTACTS\tSHARE\tBUYERS\tEXPECTED VALUE\tCONTACT COST\tNET REVENUE\tMEAN PROBABILITY\t")
	for _, c := range r.Actions {
		fmt.Fprintf(w, "%s\t%d\t%.1f%%\t%d\t%.0f\t%.0f\t%.0f\t%.1f%%\t\n", c.Action, c.Contacts, 100*c.Share, c.Buyers,
			c.ExpectedValue, c.Cost, c.Revenue, 100*c.Probability)
	}
	w.Flush()
	fmt.Fprintf(out, "\nA customer is worth %.0f %s of margin (mean predicted_clv); %.1f%% of contacts have bought; paid contact costs %.2f %s a day per contact reached (%d contacts).\n",
		r.Basis.CustomerValue, r.Currency, 100*r.Basis.BaseRate, r.Basis.CostPerDay, r.Currency, r.Basis.Costed)
	if len(r.TopReason) > 0 {
		fmt.Fprintln(out, "\nKept out of paid budget, by the first negative persona or kind they match:")
		for i, x := range r.TopReason {
			if i == 8 {
				break
			}
			fmt.Fprintf(out, "  %-40s %d\n", x.Name, x.Contacts)
		}
	}
}

// explanation is what `explain` prints.
type explanation struct {
	ContactID string               `json:"contact_id"`
	Build     antipersona.Build    `json:"build"`
	Decision  antipersona.Decision `json:"decision"`
	Segments  map[string]any       `json:"segments"`
	Rules     []string             `json:"rule_segments"`
	Cluster   any                  `json:"cluster"`
	Personas  []string             `json:"personas"`
	Negatives []string             `json:"negative_personas"`
	Score     *contactScore        `json:"score"`
	Features  []explainedFeature   `json:"features"`
	Currency  string               `json:"currency"`
}

type contactScore struct {
	Probability float64                   `json:"probability"`
	Reasons     []propensity.Contribution `json:"reasons"`
}

type explainedFeature struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

func (m *Main) explainCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "explain CONTACT_ID",
		Short: "Show one contact's features, segments, personas, score, decision and reasons",
		Long: `explain shows everything the last build knows of one contact: the decision
(action, expected value = probability x value - contact cost, the reasons and a sentence,
and since when the contact is excluded), its segments, rule segments and cluster, the
personas and negative personas it matches, the propensity model's probability with the
three traits that moved it most, and its features (personal data left out).`,
		Example: `  antipersona explain C0000042
  antipersona explain C0000042 --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, s, err := m.openWorkspace(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			e, err := m.explain(cmd.Context(), s, cfg, args[0])
			if err != nil {
				return err
			}
			if m.jsonOut {
				return m.printJSON(e)
			}
			m.printExplanation(e)
			return nil
		},
	}
}

func (m *Main) explain(ctx context.Context, s store, cfg config.Config, id string) (*explanation, error) {
	bid, err := s.LastDecisionBuild(ctx, 0)
	if err != nil {
		return nil, err
	}
	if bid == 0 {
		return nil, antipersona.Errorf(antipersona.ENOTFOUND, "no decisions yet: run 'antipersona build'")
	}
	b, err := s.BuildByID(ctx, bid)
	if err != nil {
		return nil, err
	}
	d, err := s.Decision(ctx, bid, id)
	if err != nil {
		return nil, err
	}
	// The sentence is written from the decision and the policy and
	// summary of its build (the snapshot stores neither sentences nor
	// persona names with each contact).
	if meta, err := loadSnapshotMeta(ctx, s, bid); err != nil {
		return nil, err
	} else if meta != nil && d.Sentence == "" {
		d.Sentence = decide.Sentence(d.Decision, meta.Policy, meta.Basis)
	}
	e := &explanation{ContactID: id, Build: *b, Decision: d.Decision, Currency: cfg.Currency}
	names, err := personaNames(ctx, s, bid)
	if err != nil {
		return nil, err
	}
	for _, p := range d.Personas {
		e.Personas = append(e.Personas, names[p])
	}
	for _, p := range d.Negatives {
		e.Negatives = append(e.Negatives, names[p])
	}
	seg, cols, err := s.ContactRow(ctx, "segments", id)
	if err != nil {
		return nil, err
	}
	e.Segments = map[string]any{}
	for _, c := range cols {
		if c != "contact_id" {
			e.Segments[c] = plainValue(seg[c])
		}
	}
	if e.Rules, err = s.RuleSegmentsOf(ctx, id); err != nil {
		return nil, err
	}
	if cl, _, err := s.ContactRow(ctx, "clusters", id); err == nil && cl != nil {
		e.Cluster = plainValue(cl["cluster"])
	}
	row, fcols, err := s.ContactRow(ctx, "features", id)
	if err != nil {
		return nil, err
	}
	traits, err := s.Traits(ctx)
	if err != nil {
		return nil, err
	}
	pii := map[string]bool{"email": true, "phone": true}
	for _, t := range traits {
		if t.PII {
			pii[t.Ident] = true
		}
	}
	for _, c := range fcols {
		if c == "contact_id" || pii[c] {
			continue
		}
		v := plainValue(row[c])
		if t, ok := v.(time.Time); ok {
			v = t.UTC().Format(time.RFC3339)
		}
		e.Features = append(e.Features, explainedFeature{Name: c, Value: v})
	}
	// The model's probability and reasons, from the contact's traits as of
	// the build (the features table holds them).
	if sm, err := loadModel(ctx, s); err == nil && row != nil {
		dm := newModelData(sm.Features)
		vals := make([]any, len(sm.Features))
		for j, c := range sm.Features {
			vals[j] = row[c.Ident]
		}
		addModelRow(dm, sm.Features, make([]map[string]int32, len(sm.Features)), vals)
		p, contrib := sm.GBDT.PredictExplain(dm, 0)
		e.Score = &contactScore{Probability: sm.Platt.Apply(p), Reasons: propensity.TopContributions(modelFeatureNames(sm.Features), contrib, 3)}
	}
	return e, nil
}

// personaKey identifies a persona across builds: its kind and its
// conditions.
func personaKey(kind, negativeKind string, conditions any) (string, error) {
	js, err := json.Marshal(conditions)
	if err != nil {
		return "", err
	}
	return kind + "\x00" + negativeKind + "\x00" + string(js), nil
}

// snapshotPersonas reads the personas of a build's snapshot, each with
// its key across builds.
func snapshotPersonas(ctx context.Context, s store, build int64) ([]decide.PersonaInfo, error) {
	docs, err := s.PersonaSnapshot(ctx, build)
	if err != nil {
		return nil, err
	}
	out := make([]decide.PersonaInfo, len(docs))
	for i, doc := range docs {
		var p struct {
			ID           string          `json:"id"`
			Name         string          `json:"name"`
			Kind         string          `json:"kind"`
			NegativeKind string          `json:"negative_kind"`
			Conditions   json.RawMessage `json:"conditions"`
			Size         int             `json:"size"`
			TargetRate   float64         `json:"target_rate"`
			Lift         float64         `json:"lift"`
		}
		if err := json.Unmarshal(doc, &p); err != nil {
			return nil, fmt.Errorf("persona of build #%d: %w", build, err)
		}
		key, err := personaKey(p.Kind, p.NegativeKind, p.Conditions)
		if err != nil {
			return nil, err
		}
		out[i] = decide.PersonaInfo{ID: p.ID, Name: p.Name, Kind: p.Kind, NegativeKind: p.NegativeKind,
			Key: key, Size: p.Size, TargetRate: p.TargetRate, Lift: p.Lift}
	}
	return out, nil
}

// personaNames maps the persona ids of a build to their names.
func personaNames(ctx context.Context, s store, build int64) (map[string]string, error) {
	ps, err := snapshotPersonas(ctx, s, build)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(ps))
	for _, p := range ps {
		out[p.ID] = p.Name
	}
	return out, nil
}

func (m *Main) printExplanation(e *explanation) {
	out := m.Stdout
	d := e.Decision
	fmt.Fprintf(out, "Contact %s, build #%d as of %s\n\n", e.ContactID, e.Build.ID, e.Build.AsOf.Format(time.DateOnly))
	fmt.Fprintf(out, "Decision      %s\n", d.Action)
	fmt.Fprintf(out, "              %s\n", d.Sentence)
	kind := "prospect: probability to buy"
	if d.Buyer {
		kind = "customer: probability of being alive"
	}
	fmt.Fprintf(out, "Expected value %.2f × %.2f − %.2f = %.2f %s (%s)\n", d.Probability, d.Value, d.Cost, d.ExpectedValue, e.Currency, kind)
	if !d.ExcludedSince.IsZero() {
		fmt.Fprintf(out, "Excluded since %s\n", d.ExcludedSince.Format(time.DateOnly))
	}
	fmt.Fprintln(out, "Reasons")
	for _, r := range d.Reasons {
		fmt.Fprintf(out, "  %s\n", reasonText(r, e.Currency))
	}
	fmt.Fprintln(out)
	if len(e.Personas) > 0 {
		fmt.Fprintf(out, "Personas            %s\n", strings.Join(e.Personas, "; "))
	}
	if len(e.Negatives) > 0 {
		fmt.Fprintf(out, "Negative personas   %s\n", strings.Join(e.Negatives, "; "))
	}
	for _, k := range []string{"rfm_segment", "lifecycle", "tags"} {
		if v, ok := e.Segments[k]; ok && v != nil {
			fmt.Fprintf(out, "%-19s %v\n", strings.ReplaceAll(k, "_", " "), v)
		}
	}
	if len(e.Rules) > 0 {
		fmt.Fprintf(out, "Rule segments       %s\n", strings.Join(e.Rules, ", "))
	}
	if e.Cluster != nil {
		fmt.Fprintf(out, "Cluster             %v\n", e.Cluster)
	}
	if e.Score != nil {
		fmt.Fprintf(out, "\nPropensity %.1f%%; moved most by:\n", 100*e.Score.Probability)
		for _, c := range e.Score.Reasons {
			fmt.Fprintf(out, "  %-30s %+.3f\n", c.Feature, c.Value)
		}
	}
	fmt.Fprintln(out, "\nFeatures")
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, f := range e.Features {
		if f.Value == nil {
			continue
		}
		fmt.Fprintf(w, "  %s\t%v\n", f.Name, f.Value)
	}
	w.Flush()
}

// reasonText writes a reason code in words.
func reasonText(r antipersona.Reason, currency string) string {
	switch r.Code {
	case antipersona.ReasonCustomer:
		return fmt.Sprintf("customer: %.2f %s of margin expected (predicted_clv)", r.Value, currency)
	case antipersona.ReasonProspect:
		return fmt.Sprintf("prospect: probability to buy %.1f%%", 100*r.Value)
	case antipersona.ReasonNegativePersona:
		return fmt.Sprintf("matches the negative persona '%s' (%s, %s)", r.Name, r.Persona, r.Kind)
	case antipersona.ReasonNegativeKind:
		return fmt.Sprintf("meets the definition of '%s' (%s) by behaviour", r.Name, r.Kind)
	case antipersona.ReasonEVNegative:
		return fmt.Sprintf("expected value %.2f %s is below decisions.exclude_below", r.Value, currency)
	case antipersona.ReasonEVPositive:
		return fmt.Sprintf("expected value %.2f %s", r.Value, currency)
	case antipersona.ReasonEVHigh:
		return fmt.Sprintf("expected value %.2f %s: pays back (1 + decisions.activate_roi) × the contact cost, probability at least activate_lift × the mean prospect's", r.Value, currency)
	case antipersona.ReasonStillEngaged:
		return fmt.Sprintf("still engaged: active %.0f days ago", r.Value)
	case antipersona.ReasonPersonaThreshold:
		return fmt.Sprintf("expected value %.2f %s: not enough for a negative persona to keep paid budget (decisions.activate_roi, keep_lift)", r.Value, currency)
	case antipersona.ReasonUnchanged:
		return "excluded before, and nothing about the contact changed since"
	case antipersona.ReasonFirstPurchase:
		return fmt.Sprintf("first purchase (%.0f orders now)", r.Value)
	case antipersona.ReasonBoughtAgain:
		return fmt.Sprintf("bought again (%.0f more orders)", r.Value)
	case antipersona.ReasonTraitChanged:
		return fmt.Sprintf("%s changed: %s → %s", r.Trait, orDash(r.From), orDash(r.To))
	case antipersona.ReasonLeftNegative:
		return fmt.Sprintf("left the negative persona '%s'", r.Name)
	case antipersona.ReasonJoinedNegative:
		return fmt.Sprintf("joined the negative persona '%s'", r.Name)
	case antipersona.ReasonValueRose:
		return fmt.Sprintf("expected value rose by %.2f %s", r.Value, currency)
	case antipersona.ReasonValueFell:
		return fmt.Sprintf("expected value fell by %.2f %s", -r.Value, currency)
	case antipersona.ReasonStoppedBuying:
		return fmt.Sprintf("stopped buying: probability of being alive %.2f", r.Value)
	case antipersona.ReasonPolicyChanged:
		return "the configuration changed between the builds"
	}
	return r.Code
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
