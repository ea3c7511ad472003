package features

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/antipersona/antipersona"
)

// The queries every store runs on the tables the features are built from,
// in DuckDB's dialect (the PostgreSQL store emulates it), written once.

// SummarySQL sums the features table of a build: contacts, buyers,
// converted, orders, revenue, returns, costs, profit, unprofitable
// contacts and their loss, in the order of antipersona.BuildSummary's
// fields, integers as BIGINT and amounts as DOUBLE PRECISION.
const SummarySQL = `SELECT count(*), count(*) FILTER (WHERE frequency > 0), count(*) FILTER (WHERE converted),
	CAST(COALESCE(sum(frequency), 0) AS BIGINT), CAST(COALESCE(sum(monetary), 0) AS DOUBLE PRECISION),
	CAST(COALESCE(sum(returns_amount), 0) AS DOUBLE PRECISION),
	CAST(COALESCE(sum(acquisition_cost + contact_cost + support_cost), 0) AS DOUBLE PRECISION),
	CAST(COALESCE(sum(profit), 0) AS DOUBLE PRECISION),
	count(*) FILTER (WHERE profit < 0), CAST(COALESCE(sum(profit) FILTER (WHERE profit < 0), 0) AS DOUBLE PRECISION)
	FROM features`

// TraitsBeforeSQL selects, for every contact with a version of its traits
// that became valid after the as-of date prior and on or before asOf,
// contact_id, the start of its latest such version and the values of
// traits (identifiers) valid on prior, ordered by contact id. A zero
// prior means the values as first known.
func TraitsBeforeSQL(traits []string, asOf, prior time.Time) string {
	cut := "TIMESTAMP " + lit(asOf.UTC().AddDate(0, 0, 1).Format(time.DateOnly))
	from, old := "TIMESTAMP '-infinity'", "c.valid_from IS NULL"
	if !prior.IsZero() {
		from = "TIMESTAMP " + lit(prior.UTC().AddDate(0, 0, 1).Format(time.DateOnly))
		old = "(c.valid_from IS NULL OR c.valid_from < " + from + ")"
	}
	cols := make([]string, len(traits))
	for i, t := range traits {
		q := ident(t)
		cols[i] = ", " + LatestValue(q, "c.", old) + " AS " + q
	}
	return "WITH latest AS (SELECT contact_id, max(valid_from) AS since FROM contacts WHERE valid_from < " + cut + " GROUP BY contact_id HAVING max(valid_from) >= " + from + ") " +
		"SELECT l.contact_id, any_value(l.since)" + strings.Join(cols, "") +
		" FROM latest l JOIN contacts c ON c.contact_id = l.contact_id GROUP BY l.contact_id ORDER BY l.contact_id"
}

// IdentifierColumns returns the columns that hold a contact's
// identifiers: email, phone, then the traits that fill a field of
// antipersona.Identifiers (IsIdentifierTrait), in the order of traits.
func IdentifierColumns(traits []antipersona.Trait) []string {
	cols := []string{"email", "phone"}
	for _, t := range traits {
		if antipersona.IsIdentifierTrait(t.Ident) {
			cols = append(cols, t.Ident)
		}
	}
	return cols
}

// IdentifiersSQL selects contact_id and the latest value of each of cols
// (LatestValue), one row per contact, ordered by contact id; asText casts
// each value to VARCHAR.
func IdentifiersSQL(cols []string, asText bool) string {
	sel := make([]string, len(cols))
	for i, c := range cols {
		sel[i] = LatestValue(ident(c), "", "")
		if asText {
			sel[i] = "CAST(" + sel[i] + " AS VARCHAR)"
		}
	}
	return "SELECT contact_id, " + strings.Join(sel, ", ") + " FROM contacts GROUP BY contact_id ORDER BY contact_id"
}

// ScanIdentifiers reads a row of IdentifiersSQL(cols, ...) whose values
// text has turned into strings ("" for NULL).
func ScanIdentifiers(cols []string, text func(v any) string, row []any) (string, antipersona.Identifiers) {
	ids := antipersona.Identifiers{Email: text(row[1]), Phone: text(row[2])}
	for i, c := range cols[2:] {
		ids.SetTrait(c, text(row[3+i]))
	}
	return row[0].(string), ids
}

// IdentifyWhere selects the identify calls that carry traits (events with
// a contact and a non-empty properties object).
const IdentifyWhere = `type = 'identify' AND contact_id IS NOT NULL AND properties IS NOT NULL AND properties <> '{}'`

// IdentifyTraitsSQL selects the day (UTC date), contact_id and properties
// of the identify calls that carry traits, in the order IdentifyDays
// merges them: by day, contact, time and message id.
const IdentifyTraitsSQL = `SELECT CAST(ts AS DATE) AS day, contact_id, properties FROM events
	WHERE ` + IdentifyWhere + ` ORDER BY day, contact_id, ts, message_id`

// IdentifyDays merges the traits of identify calls day by day, for the
// stores' IdentifyTraits: Add the rows of IdentifyTraitsSQL in order, then
// Close. At the end of each day fn gets every contact's traits of that
// day, its calls' properties merged in time order (a later call's value
// wins), as a JSON object.
type IdentifyDays struct {
	fn  func(day time.Time, traits map[string]json.RawMessage) error
	cur time.Time
	day map[string]map[string]json.RawMessage
}

// NewIdentifyDays returns an IdentifyDays that reports to fn.
func NewIdentifyDays(fn func(day time.Time, traits map[string]json.RawMessage) error) *IdentifyDays {
	return &IdentifyDays{fn: fn, day: map[string]map[string]json.RawMessage{}}
}

// Add merges one call's properties (a JSON object; anything else is
// ignored) into the contact's traits of day, ending the previous day when
// day is a new one.
func (d *IdentifyDays) Add(day time.Time, contactID, props string) error {
	day = day.UTC()
	if !day.Equal(d.cur) {
		if err := d.Close(); err != nil {
			return err
		}
		d.cur = day
	}
	var kv map[string]json.RawMessage
	if json.Unmarshal([]byte(props), &kv) != nil {
		return nil // not an object: nothing to apply
	}
	if d.day[contactID] == nil {
		d.day[contactID] = map[string]json.RawMessage{}
	}
	for k, v := range kv {
		d.day[contactID][k] = v
	}
	return nil
}

// Close reports the day in progress, if any.
func (d *IdentifyDays) Close() error {
	if len(d.day) == 0 {
		return nil
	}
	out := make(map[string]json.RawMessage, len(d.day))
	for id, kv := range d.day {
		obj, err := json.Marshal(kv)
		if err != nil {
			return err
		}
		out[id] = obj
	}
	d.day = map[string]map[string]json.RawMessage{}
	return d.fn(d.cur, out)
}
