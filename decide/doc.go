package decide

import (
	"fmt"
	"strings"

	"github.com/antipersona/antipersona"
)

//go:generate go test -run TestDocs -update

// actionDocs says what each action means for the budget.
var actionDocs = map[antipersona.Action]string{
	antipersona.ActionActivate:    "A prospect worth paying to convert: paid campaigns.",
	antipersona.ActionNurture:     "A prospect not (yet) worth paid activation: owned channels (e-mail, content), no paid campaigns.",
	antipersona.ActionMaintain:    "A customer: retention.",
	antipersona.ActionOrganicOnly: "A negative persona that still likes the brand: social and content, never paid budget.",
	antipersona.ActionExclude:     "No paid budget: leave out of paid audiences (export them as an exclusion list).",
}

// reasonDocs defines every reason code.
var reasonDocs = map[string]string{
	antipersona.ReasonCustomer:         "Has bought: the value is the predicted CLV net of returns and support (value: the margin expected).",
	antipersona.ReasonProspect:         "Has not bought: the value is p × a customer's value (value: the model's probability, w or q).",
	antipersona.ReasonEVHigh:           "Paid budget pays back and p is high enough to activate (value: the expected value).",
	antipersona.ReasonEVPositive:       "Expected value at or above `decisions.exclude_below` (value: the expected value).",
	antipersona.ReasonEVNegative:       "Expected value below `decisions.exclude_below` (value: the expected value).",
	antipersona.ReasonNegativePersona:  "Member of a negative persona (persona: its id; name: its name; kind).",
	antipersona.ReasonNegativeKind:     "Meets a negative kind's definition by behaviour (kind; name: its label).",
	antipersona.ReasonStillEngaged:     "Active within `thresholds.active_days`: organic only rather than exclude (value: days since the last activity).",
	antipersona.ReasonPersonaThreshold: "A negative persona member whose margin does not cover (1 + `activate_roi`) × its cost, or whose p is below `keep_lift` × the mean prospect's (value: the expected value).",
	antipersona.ReasonUnchanged:        "Excluded in the previous build and nothing about the contact changed since: still excluded (value: today's expected value).",
	antipersona.ReasonFirstPurchase:    "Change: the first order since the previous build (value: the orders now).",
	antipersona.ReasonBoughtAgain:      "Change: more orders since the previous build (value: how many more).",
	antipersona.ReasonTraitChanged:     "Change: a trait changed between the two as-of dates (trait, from, to; lists joined by `|`).",
	antipersona.ReasonLeftNegative:     "Change: no longer a member of a negative persona, or no longer meets a negative kind (persona or kind; name).",
	antipersona.ReasonJoinedNegative:   "Change: became a member of a negative persona or meets a negative kind now.",
	antipersona.ReasonValueRose:        "Change: the expected value rose (value: by how much).",
	antipersona.ReasonValueFell:        "Change: the expected value fell (value: by how much, negative).",
	antipersona.ReasonStoppedBuying:    "Change: a customer's probability of being alive fell (value: p_alive now).",
	antipersona.ReasonPolicyChanged:    "Change: the configuration differs between the two builds (config hash).",
}

// Markdown returns docs/decisions.md: the actions, how expected value and
// the policy decide, the reason codes, and what `changes` compares.
func Markdown() string {
	p := DefaultPolicy()
	var b strings.Builder
	b.WriteString(`# Decisions, changes over time, audiences and budget

Generated from the code (package ` + "`decide`" + `; ` + "`make docs`" + `). Every build gives every contact one
action, with reason codes and a sentence; ` + "`antipersona decide`" + ` counts them, ` + "`antipersona explain ID`" + `
shows one contact, ` + "`antipersona changes`" + ` compares two builds.

## Actions

| action | meaning |
|---|---|
`)
	for _, a := range antipersona.Actions {
		fmt.Fprintf(&b, "| `%s` | %s |\n", a, actionDocs[a])
	}
	b.WriteString(`
Exclude and organic_only both keep a contact out of paid budget: they are "excluded" in
` + "`changes`" + ` and in the budget's what-if.

## Expected value

All money is margin in the workspace currency over the horizon H of the lifetime-value
models (` + "`clv.months`" + `):

    EV = p × v − c

- **A customer** (has bought; in a CRM export, converted): p = ` + "`p_alive`" + ` (1 when the CLV models did
  not run) and p × v = ` + "`predicted_clv`" + ` × (1 − lost), where lost = (` + "`returns_cost`" + ` + ` + "`support_cost`" + `) / ` + "`margin`" + `:
  the margin the CLV models expect, net of the share of margin its returns and support have
  cost so far.
- **A prospect** (has not bought): v is the mean ` + "`predicted_clv`" + ` of the customers, and p the probability
  of a first purchase within H:
  - the **next-purchase model**, learnt from the shop's own history at every build: the behaviour
    features as of ` + "`decisions.next_purchase_days`" + ` (W) days before the as-of date and the traits as known
    today, labelled by whether each contact who had not bought then bought by the as-of date;
    gradient-boosted trees give w, the probability of a first purchase within W days, and
    p = 1 − (1 − w)^(H/W);
  - without it (a CRM export, too short a history, too few first purchases): the propensity model's
    calibrated q (the base rate of buyers without a model), discounted by the time already waited:
    p = q × (F(t + H) − F(t)) / (1 − q × F(t)), F the empirical distribution of the customers'
    decision cycles and t the tenure (a cure model: 1 − q never buy); a change of traits that
    raises q from q0 adds a second clock started on the day of the change, with r = (q − q0)/(1 − q0).
- **c**, the paid contact cost over H: the contact's own ` + "`contact_cost`" + ` per day of tenure (at least 30
  days) × H in days; for a contact never paid for, the mean of that rate over the contacts paid for.

## Policy

Paid budget **pays back** when p × v ≥ (1 + ` + "`activate_roi`" + `) × c and EV ≥ ` + "`exclude_below`" + `. A prospect is
**worth activating** when it pays back and p ≥ ` + "`activate_lift`" + ` × the mean p of all prospects; a prospect in a
negative persona **keeps paid budget** when it pays back and p ≥ ` + "`keep_lift`" + ` × that mean. The first rule
that holds decides:

1. A member of a negative persona, or a contact that meets a negative kind's definition by
   behaviour (for a prospect, not the kinds defined by profit below zero or by not having
   converted: its EV weighs that already), that does not keep paid budget (a customer: does not pay back): ` + "`organic_only`" + ` when the
   first such persona's handling is organic_only and the contact was active within
   ` + "`thresholds.active_days`" + `, else ` + "`exclude`" + `.
2. A customer with EV < ` + "`exclude_below`" + `: ` + "`exclude`" + `.
3. A customer: ` + "`maintain`" + `.
4. A prospect in a negative persona that keeps paid budget: ` + "`nurture`" + ` (never activate).
5. A prospect worth activating: ` + "`activate`" + `.
6. Any other prospect: ` + "`nurture`" + `. A prospect is excluded only as a member of a negative persona.

**Re-checking exclusions.** A contact excluded in the previous build is reinstated only when the rules
no longer exclude it *and* the contact itself changed: a first order; a trait that changed in a way
that matters (a new version of its traits that raised its propensity, scored by the same model
before and after the change); or it was in negative personas that are found again (same kind and
conditions) and it is in none of them now. A new model, re-discovered personas, a customer's next
order or leaving a negative kind (defined by quantiles of everyone's behaviour) alone do not move
it (reason ` + "`unchanged`" + `). An excluded contact keeps the date of its first exclusion
(` + "`excluded_since`" + `) while it stays excluded.

`)
	fmt.Fprintf(&b, "Defaults (`decisions` in antipersona.yaml): `exclude_below: %g`, `activate_roi: %g`, `activate_lift: %g`, `keep_lift: %g`.\n",
		p.ExcludeBelow, p.ActivateROI, p.ActivateLift, p.KeepLift)
	b.WriteString(`
## Reason codes

| code | meaning |
|---|---|
`)
	for _, c := range antipersona.ReasonCodes {
		fmt.Fprintf(&b, "| `%s` | %s |\n", c, reasonDocs[c])
	}
	b.WriteString(`
## Changes between builds

Every build is a snapshot: its as-of date, configuration hash, models, personas and every
contact's decision, segment and memberships are kept. ` + "`antipersona changes [--since A] [--to B]`" + ` shows:

- **migration matrices** of actions, RFM segments, the first buyer persona and the first negative
  persona of each contact (rows: build A, columns: build B; ` + "`(new)`" + ` and ` + "`(gone)`" + ` for contacts in one build
  only);
- **reinstated** contacts (excluded in A, not in B) and **newly excluded** ones, each with its
  reasons: ` + "`first_purchase`" + ` / ` + "`bought_again`" + ` (orders), ` + "`trait_changed`" + ` (the traits valid on each as-of date,
  from the contact versions ingested with ` + "`--valid-from`" + `, and structured survey answers),
  ` + "`left_negative_persona`" + ` / ` + "`joined_negative`" + `, ` + "`stopped_buying`" + `, ` + "`value_rose`" + ` / ` + "`value_fell`" + `,
  ` + "`policy_changed`" + `;
- **persona drift**: each persona of A followed to B — ` + "`same`" + ` (the same kind and conditions), ` + "`moved`" + ` (the
  persona of B of the same kind whose members overlap most, Jaccard ≥ 0.5), ` + "`gone`" + `, or ` + "`new`" + ` — with
  its size, target rate and lift in both and the overlap of members.

## Audiences

` + "`antipersona audience export`" + ` writes the contacts of the last build chosen by action, persona and a CEL
condition as CSV, JSON or Parquet (hashed identifiers), Google Customer Match, Meta Custom Audiences
or Segment ` + "`Audience Entered`" + ` / ` + "`Audience Exited`" + ` events. E-mails are trimmed and lowercased, phones
written in E.164 (` + "`audiences.default_region`" + ` for numbers without a country code), names lowercased without
punctuation, then SHA-256 hashed as lowercase hex; country and postal code are not hashed. Each export
is remembered by name; ` + "`--incremental`" + ` writes only the adds and removes since the previous export of the
same name. The layouts and their sources are in the ` + "`audience`" + ` package documentation.

## Budget

` + "`antipersona budget`" + ` allocates the marketing spend up to the as-of date as the ` + "`contact_cost`" + ` feature does
(per-contact acquisition and contact costs to their contact; campaign spend equally over the distinct
contacts the campaign touched; channel-only spend over the contacts touched in the channel; spend that
touched nobody stays unallocated; support is not marketing spend). Per buyer persona, negative
persona and action (groups overlap), channel and campaign: spend, net revenue, profit,
ROI = (revenue − spend) / spend and ROAS = revenue / spend (revenue and profit attributed to channels
and campaigns in proportion to their spend on each contact). The share of all spend that reached
negative personas counts each contact once. The what-if removes the contacts the decisions exclude:
X = their spend saved, Y = their revenue lost with a 95 % bootstrap percentile interval over those
contacts (2,000 resamples, seeded by ` + "`thresholds.seed`" + `), and ROI before (A, all spend) and after (B).
Definitions in full: the ` + "`budget`" + ` package documentation.
`)
	return b.String()
}
