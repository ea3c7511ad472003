package ingest

import (
	"fmt"
	"strings"
)

//go:generate go test -run TestDocs -update

// Markdown renders docs/ingest.md: the columns each kind is read from, so
// that the documentation is generated from the same tables the readers use.
func Markdown() string {
	var b strings.Builder
	b.WriteString(`# Ingest: what each kind reads

<!-- Generated from the ingest package by "go generate ./ingest"; do not edit. -->

` + "`antipersona ingest KIND FILE...`" + ` reads CSV/TSV (delimiter detected; ` + "`--delimiter`" + ` forces one),
JSON Lines (Segment Spec for events; one object per line for contacts) and Parquet; a
` + "`.gz`" + ` file is decompressed on the fly. UTF-8 with or without a byte order mark, CRLF line
ends and quoted fields with newlines are read as they are.

Columns are found by name: a column matches a field when its name, lower-cased with
letters and digits only and diacritics folded, equals one of the names below
(` + "`Contact ID`, `contactId` and `contact_id`" + ` are the same). A flag
(` + "`--contact-col`, `--order-col`, ..." + `) or ` + "`ingest.columns`" + ` in antipersona.yaml names the column
explicitly; ` + "`--col field=column`" + ` works for any field below. Every contact column that is not one of the contacts fields below, the
outcome column or an excluded column is a **trait**: its type is inferred from the first
` + "`ingest.sample_rows`" + ` rows and its dimension from a dictionary of common names (en, pl, vi);
` + "`antipersona traits`" + ` lists them and ` + "`contacts.traits`" + ` overrides them.

## Bad rows

A row with a problem is never loaded half-way and never stops the file: it is written to
` + "`rejects/<kind>-<time>.csv`" + ` (columns ` + "`file,line,column,column_name,reason,raw`" + `, where
` + "`raw`" + ` is the original record, ready to fix and ingest again) and the rest of the file is
loaded. The command's exit status is non-zero only when a file cannot be read at all or
lacks a required column; the message then names the missing fields and lists the columns
found.

## Duplicates

Ingesting the same data again changes nothing. Contacts are keyed by id (a later file
updates the values it has and leaves the others), events by ` + "`messageId`" + ` (or a hash of
their content when they have none), orders and returns by order id, and costs, touches
and survey answers by a hash of their content plus its occurrence number in the file.
The first version stored wins: when orders arrive both in an orders file and as
` + "`Order Completed`" + ` events, ingest the orders file first, since it carries margins and discounts.

`)
	kinds := []struct {
		name, required, notes string
		fields                []Field
	}{
		{"contacts", "id", "Other columns are traits. `--outcome-col` stores a conversion flag as the contact's outcome; `--exclude-columns` drops columns. `--valid-from DATE` (or a `valid_from` column) stores the rows as a new version of their contacts, valid from that date (a raise, a new job): builds as of earlier dates keep the earlier values, and a value a version lacks is taken from the latest version before it that has one, whatever order the files arrive in.", FieldsContacts},
		{"events (CSV)", "contact or anonymous_id, time, event", "Other columns become event properties. JSON Lines follow the Segment Spec: `identify`, `track`, `page` (camelCase or snake_case); `Order Completed`, `Order Refunded` and `Order Cancelled` also record orders and returns. The traits of `identify` calls become contact versions valid from the day of the call (read like a contacts file; rejects in `rejects/identify_traits-<time>.csv`).", FieldsEvents},
		{"orders", "order, contact, time, and revenue or quantity + unit_price", "With quantity and unit price (line items), lines are summed per order; negative lines and invoices numbered `C…` are returns. Statuses in `orders.cancelled_statuses` cancel the order; statuses in `orders.refunded_statuses` refund it; a negative revenue is a return.", FieldsOrders},
		{"costs", "amount, and contact or campaign or channel", "A row with a contact is a per-contact cost (kind acquisition, contact or support); a row without one is campaign or channel spend, split over the contacts the campaign touched (see `contact_cost` in features.md).", FieldsCosts},
		{"touches", "contact, and campaign or channel", "Which campaign reached whom; used to split campaign spend.", FieldsTouches},
		{"surveys", "contact, question_id, answer", "Long format, one answer per row; an empty answer is skipped.", FieldsSurveyAnswers},
	}
	for _, k := range kinds {
		fmt.Fprintf(&b, "## %s\n\n%s\n\nRequired: %s.\n\n| field | column names |\n|---|---|\n", k.name, k.notes, k.required)
		for _, f := range k.fields {
			names := make([]string, len(f.Candidates))
			for i, c := range f.Candidates {
				names[i] = "`" + c + "`"
			}
			list := strings.Join(names, ", ")
			if list == "" {
				list = "(only when mapped explicitly)"
			}
			fmt.Fprintf(&b, "| %s | %s |\n", f.Name, list)
		}
		b.WriteString("\n")
	}
	return b.String()
}
