package features

import "strings"

//go:generate go test -run TestDocs -update

// Markdown renders docs/features.md from List: a title, the rules every
// feature shares (the as-of date, which contacts get a row, where the traits
// go) and one table row per feature (name, unit, definition) in output order.
// The result ends with a newline and is the same on every call.
func Markdown() string {
	var b strings.Builder
	b.WriteString(`# Features

<!-- Generated from features.List by "go generate ./features"; do not edit. -->

Every feature is computed **as of** a reference date (` + "`reference_date`" + ` in
antipersona.yaml, else today, in UTC). Data up to the end of that day, 23:59:59 UTC, counts;
anything later (events, orders, returns, cancellations, costs, touches, survey answers) is
ignored, so a build as of a past date gives the same numbers whatever was ingested since.
"Calendar days" count date boundaries between the UTC dates, so an order on the as-of date
itself is 0 days ago.

There is one row per contact: every contact of the contacts file that was created on or
before the as-of date (or has no creation date), and every contact id with an event, order,
return, cost, campaign touch or survey answer up to the as-of date. Anonymous events, orders
and returns count for the contact that an ` + "`identify`" + ` call made up to the as-of date
linked their anonymous id to.
An empty cell (NULL) means the feature is undefined for the contact, as stated below; counts
and sums are 0 rather than empty.

The contact's traits follow the features as extra columns, named by their identifiers
(lower snake_case); identifier traits (e-mail, phone, names: personal data) are left out.
Traits are taken as they were on the as-of date: a contacts file ingested with
` + "`--valid-from DATE`" + ` (or the traits of an ` + "`identify`" + ` call, from the day of the call) adds a
version of the contacts it holds that counts for builds as of that date or later; earlier
builds keep the earlier values. For each trait the build takes the value of the latest
version valid on the as-of date that has one.

| Name | Unit | Definition |
|------|------|------------|
`)
	for _, f := range List {
		b.WriteString("| `" + f.Name + "` | " + cell(f.Unit) + " | " + cell(f.Definition) + " |\n")
	}
	return b.String()
}

// cell escapes s for a Markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
