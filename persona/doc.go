package persona

import (
	"fmt"
	"strings"
)

//go:generate go test -run TestDocs -update

// Markdown renders docs/personas.md: how personas and negative personas
// are found, and every kind of negative persona with its default
// definition.
func Markdown() string {
	var b strings.Builder
	b.WriteString(`# Personas and negative personas

Generated from package ` + "`persona`" + ` (` + "`go generate ./persona`" + `); do not edit. Every ` + "`antipersona build`" + `
finds them; ` + "`antipersona personas [--negative] [--json]`" + ` lists them and ` + "`antipersona assignments`" + `
gives each contact's personas.

## How a persona is found

A persona is a group of contacts described by up to ` + "`personas.depth`" + ` conditions (default 3) on
their traits known at lead time (the columns of the contacts file: age, occupation, lead
source...), in which a target is over-represented. The search is subgroup discovery
(package ` + "`subgroup`" + `): numbers are cut at quantile edges (5 bins), categories compared for
equality, a missing value is a value of its own; beam search (width 20) scores each group by
the binomial quality sqrt(n)·(p − p0), where n is the group's size, p its target rate and p0
the rate among all contacts. A group is kept only when

- it has at least ` + "`thresholds.min_size`" + ` contacts and ` + "`thresholds.min_support`" + ` of all;
- its one-sided exact binomial p-value, adjusted with Holm's method over every group the
  search evaluated, is below ` + "`thresholds.alpha`" + `;
- each condition matters: dropping any of them gives a lower quality and a target rate
  outside the group's 95 % Wilson interval;
- it overlaps no better group by more than ` + "`thresholds.max_overlap`" + ` (Jaccard index);
- for a negative persona, at least ` + "`personas.min_target_rate`" + ` (default 0.5) of its members
  are of the kind: a group that is mostly fine people is not a negative persona.

Each persona reports its size and share of all contacts, its target rate with the 95 %
Wilson interval, the base rate, the lift (rate / base rate), the coverage (share of all
target contacts inside it), the raw and adjusted p-values, and its conditions as
` + "`{attribute, op, value}`" + ` with the original column names; re-applied to the contacts they give
the size and rate exactly. With ` + "`personas.include_behaviour: true`" + `, every kind is also
searched with behaviour features (docs/features.md) as conditions (ids ending ` + "`-bN`" + `), never
with the features that define the kind.

## Buyer personas

The target is the valuable customer: a contact with an order and a profit above zero (for
a CRM export without orders: a converted contact). Up to ` + "`personas.positive`" + ` (default 6) groups,
no two sharing more than half of their contacts together (Jaccard index at most 0.5),
each with a card: a first name in the workspace's language (matching the group's most
frequent gender, picked deterministically), a headline, the group's share of net revenue
and of profit, its conversion rate against all contacts', the mean predicted CLV of its
members (the feature predicted_clv, with a 95 % normal interval) against all contacts', and
its distinguishing traits and
behaviours: per dimension (demographic, socio-economic, geographic, psychographic,
behavioural) up to three values whose share in the group has a 95 % Wilson interval above
their share among all contacts, with the lift.

Every persona also carries signals (in ` + "`personas --json`" + `): the campaign channels that
reached its members (touches), the events of the 30 days before its members' first order, and
the events of the 30 days before the last activity of its members who left (no activity for
more than ` + "`thresholds.active_days`" + `), each as the share of those members, the share among all
contacts (all buyers; all who left) and the lift; kept when at least 10 % of the members
have it with a lift of 1.2 or more, the five strongest of each kind.

Every persona, buyer or negative, has an SVG avatar (` + "`avatar_svg`" + ` in the JSON; ` + "`antipersona personas --avatars DIR`" + ` writes them as files), drawn deterministically from its members: the most
frequent gender sets the hair, a median age of 60 or more greys it, the most
over-represented interests add glasses (reading, technology), headphones (music, audio), a
leaf (gardening, nature) or a mat (yoga, fitness); negative personas carry a red badge with a
minus sign and the word "negative".

## Kinds of negative persona

Each kind's target is an SQL condition over the features (docs/features.md); change it in
` + "`antipersona.yaml`" + ` under ` + "`personas.negative.<kind>.target`" + `, or switch a kind off with ` + "`enabled: false`" + `.
Kinds marked CRM run only on workspaces whose contacts have an outcome and no orders; the
others only where there are orders.

| kind | label | handling | definition | default target |
|---|---|---|---|---|
`)
	for _, k := range DefaultNegativeKinds() {
		label := k.Label
		if k.CRMOnly {
			label += " (CRM)"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | `%s` |\n", k.Name, label, k.Handle, k.Doc, strings.ReplaceAll(k.Target, "|", "\\|"))
	}
	b.WriteString(`
` + "`antipersona personas`" + ` also lists every kind of the build with its number of contacts and of personas
(` + "`negative_kinds`" + ` in the JSON): a kind with contacts but no persona is one that no group of
lead-time traits predicts (no group where most contacts are of the kind).

Handling: ` + "`exclude_from_paid`" + ` — do not spend paid budget on them; ` + "`organic_only`" + ` — they like the
brand but do not buy: engage on social and content, never with paid budget; ` + "`review`" + ` — look
at the cases (support load, reviews) before deciding.

## Clusters

Every build also clusters the contacts with k-prototypes (package ` + "`cluster`" + `) on their numeric
traits, their categorical traits (up to 50 values) and these behaviours, numbers entering as
sign(x)·log(1+|x|): ` + "`" + strings.Join(clusterDoc, "`, `") + "`" + `. k is chosen between 2 and 8
by the mean silhouette on a sample, seeded by ` + "`thresholds.seed`" + `. Clusters are listed by
` + "`antipersona segments`" + ` and given per contact by ` + "`antipersona assignments`" + `.

A cluster becomes a buyer persona (id ` + "`clu-N`" + `, basis ` + "`cluster`" + `) when lead-time traits describe
it: the best description found by a subgroup search with membership of the cluster as the
target holds at least half of the cluster's contacts and is at least half in the cluster;
valuable customers are over-represented in it (one-sided exact binomial test, Holm-adjusted
over the clusters tried); and it overlaps no other buyer persona by more than half. Like
every persona, its conditions give its size and rate exactly; its description says which
share of the cluster it covers. Clusters of behaviour that no trait describes stay segments.
`)
	return b.String()
}

// clusterDoc are the behaviours clusters are found on (cmd uses
// ClusterFeatures, this page lists them).
var clusterDoc = []string{"frequency", "monetary", "recency_days", "tenure_days", "sessions", "page_views",
	"time_on_site_seconds", "product_views", "cart_adds", "wishlist_adds", "checkouts_started", "email_opens",
	"email_clicks", "webinars_registered", "trials_started", "returns_count", "return_rate", "discount_share",
	"tickets", "review_score", "acquisition_cost", "profit"}

// ClusterFeatures are the behaviours clusters are found on.
func ClusterFeatures() []string { return append([]string{}, clusterDoc...) }
