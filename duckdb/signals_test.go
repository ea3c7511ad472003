package duckdb

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
)

// TestPersonaSignals works out the signals of one persona by hand.
//
// Contacts a, b (members of persona P), c, d. As of 2025-03-31, active
// days 90, window 30 days.
//   - Buyers: a (first order 2025-02-01), b (2025-02-10), c (2025-02-15); d
//     never buys. Events in the 30 days before the first order: a "Webinar
//     Attended" (01-20), b "Webinar Attended" (02-05), c "Signed Up" (02-01).
//     before_first_order for P: Webinar Attended in 2 of 2 member buyers
//     (share 1) against 2 of 3 buyers (base 2/3): lift 1.5.
//   - Touches: a and b by "email", c and d by "paid_social": channel email,
//     share 1, base 2/4, lift 2; paid_social has share 0 (no row).
//   - Departure: passive (> 90 days since the last activity): a (last event
//     2024-12-01) and d (2024-11-20); "Ticket Created" 10 days before a's
//     last event and 5 days before d's: share 1 (a), base 2/2, lift 1 —
//     below the 1.2 floor, so no row.
func TestPersonaSignals(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	for _, q := range []string{
		`CREATE TABLE features AS SELECT * FROM (VALUES
			('a', TIMESTAMP '2025-02-01', TIMESTAMP '2024-12-01', 120),
			('b', TIMESTAMP '2025-02-10', TIMESTAMP '2025-03-20', 11),
			('c', TIMESTAMP '2025-02-15', TIMESTAMP '2025-03-01', 30),
			('d', NULL, TIMESTAMP '2024-11-20', 131)) t(contact_id, first_order_at, last_event_at, days_since_last_activity)`,
		`INSERT INTO events (mid, message_id, contact_id, type, event, ts) VALUES
			(1, 'm1', 'a', 'track', 'Webinar Attended', TIMESTAMP '2025-01-20'),
			(2, 'm2', 'b', 'track', 'Webinar Attended', TIMESTAMP '2025-02-05'),
			(3, 'm3', 'c', 'track', 'Signed Up', TIMESTAMP '2025-02-01'),
			(4, 'm4', 'a', 'track', 'Ticket Created', TIMESTAMP '2024-11-21'),
			(5, 'm5', 'd', 'track', 'Ticket Created', TIMESTAMP '2024-11-15'),
			(6, 'm6', 'a', 'track', 'Webinar Attended', TIMESTAMP '2025-04-20')`,
		`INSERT INTO touches (rk, row_key, contact_id, campaign, channel, ts) VALUES
			(1, 'k1', 'a', 'x', 'email', TIMESTAMP '2025-01-01'), (2, 'k2', 'b', 'x', 'email', TIMESTAMP '2025-01-01'),
			(3, 'k3', 'c', 'y', 'paid_social', TIMESTAMP '2025-01-01'), (4, 'k4', 'd', 'y', 'paid_social', TIMESTAMP '2025-01-01')`,
		`CREATE TABLE persona_members AS SELECT * FROM (VALUES ('P', 'a'), ('P', 'b')) t(persona_id, contact_id)`,
	} {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	if err := s.ComputePersonaSignals(ctx, time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC), 90, 30); err != nil {
		t.Fatal(err)
	}
	got, err := s.PersonaSignals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]antipersona.PersonaSignal{
		"before_first_order/Webinar Attended": {Share: 1, Base: 2.0 / 3, Lift: 1.5, Members: 2},
		"channel/email":                       {Share: 1, Base: 0.5, Lift: 2, Members: 2},
	}
	if len(got["P"]) != len(want) {
		t.Fatalf("signals %+v, want %d", got["P"], len(want))
	}
	for _, sg := range got["P"] {
		w, ok := want[sg.Kind+"/"+sg.Name]
		if !ok {
			t.Errorf("unexpected signal %+v", sg)
			continue
		}
		if math.Abs(sg.Share-w.Share) > 1e-12 || math.Abs(sg.Base-w.Base) > 1e-12 || math.Abs(sg.Lift-w.Lift) > 1e-12 || sg.Members != w.Members {
			t.Errorf("%s/%s: got %+v, want %+v", sg.Kind, sg.Name, sg, w)
		}
	}
}
