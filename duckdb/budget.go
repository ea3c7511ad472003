package duckdb

import (
	"context"
	"time"

	"github.com/antipersona/antipersona"
)

// CostsAsOf calls fn with every cost row dated up to the end of asOf (or
// undated): the spend the features of a build as of that day allocate.
// Per-contact rows name their contact (resolved to the known contact id);
// campaign and channel spend has none.
func (s *Store) CostsAsOf(ctx context.Context, asOf time.Time, fn func(c antipersona.Cost) error) error {
	cut := quoteLit(asOf.UTC().AddDate(0, 0, 1).Format(time.DateOnly))
	return s.Scan(ctx, "SELECT contact_id, campaign, channel, amount, kind FROM costs WHERE ts IS NULL OR ts < TIMESTAMP "+cut, func(v []any) error {
		c := antipersona.Cost{Amount: numOrNaN(v[3]), Kind: v[4].(string)}
		c.ContactID, _ = v[0].(string)
		c.Campaign, _ = v[1].(string)
		c.Channel, _ = v[2].(string)
		return fn(c)
	})
}

// TouchesAsOf calls fn with every touch dated up to the end of asOf (or
// undated).
func (s *Store) TouchesAsOf(ctx context.Context, asOf time.Time, fn func(t antipersona.Touch) error) error {
	cut := quoteLit(asOf.UTC().AddDate(0, 0, 1).Format(time.DateOnly))
	return s.Scan(ctx, "SELECT contact_id, campaign, channel FROM touches WHERE ts IS NULL OR ts < TIMESTAMP "+cut, func(v []any) error {
		t := antipersona.Touch{ContactID: v[0].(string)}
		t.Campaign, _ = v[1].(string)
		t.Channel, _ = v[2].(string)
		return fn(t)
	})
}
