package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/antipersona/antipersona"
)

var decisionCols = []string{"build_id", "contact_id", "action", "buyer", "probability", "value", "cost", "expected_value",
	"reasons", "sentence", "excluded_since", "rfm_segment", "lifecycle", "personas", "negatives", "kinds", "frequency", "monetary"}

// ReplaceDecisions stores the decisions of build, replacing any it had, in
// one transaction (COPY). The decisions of other builds are kept. NaN
// numbers are stored as NULL and read back as NaN.
func (s *Store) ReplaceDecisions(ctx context.Context, build int64, rows []antipersona.ContactSnapshot) error {
	// The reasons are encoded as JSON on every core before the copy.
	reasons := make([]string, len(rows))
	var wg sync.WaitGroup
	parts := max(1, min(runtime.GOMAXPROCS(0), len(rows)/10000))
	for p := range parts {
		lo, hi := p*len(rows)/parts, (p+1)*len(rows)/parts
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				js, err := json.Marshal(antipersona.SnapshotReasons(rows[i].Reasons))
				if err != nil {
					js = []byte("[]") // Reason has only strings and finite numbers: cannot happen
				}
				reasons[i] = string(js)
			}
		})
	}
	wg.Wait()
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM decisions WHERE build_id = $1", build); err != nil {
			return err
		}
		row := make([]any, len(decisionCols))
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"decisions"}, decisionCols, pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
			r := &rows[i]
			row[0], row[1], row[2], row[3] = build, r.ContactID, string(r.Action), r.Buyer
			row[4], row[5], row[6], row[7] = nullNum(r.Probability), nullNum(r.Value), nullNum(r.Cost), nullNum(r.ExpectedValue)
			row[8], row[9] = reasons[i], nullStr(r.Sentence)
			row[10] = nil
			if !r.ExcludedSince.IsZero() {
				y, m, d := r.ExcludedSince.UTC().Date()
				row[10] = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
			}
			row[11], row[12] = nullStr(r.Segment), nullStr(r.Lifecycle)
			row[13], row[14], row[15] = nullStr(strings.Join(r.Personas, "|")), nullStr(strings.Join(r.Negatives, "|")), nullStr(strings.Join(r.Kinds, "|"))
			row[16], row[17] = nullNum(r.Frequency), nullNum(r.Monetary)
			return row, nil
		}))
		return err
	})
	if err != nil {
		return fmt.Errorf("store decisions: %w", err)
	}
	return nil
}

// Decisions calls fn with every decision of build, by contact id. It
// returns ENOTFOUND when the build has none.
func (s *Store) Decisions(ctx context.Context, build int64, fn func(r antipersona.ContactSnapshot) error) error {
	return s.decisions(ctx, "", build, fn)
}

// Decision returns one contact's decision in build; ENOTFOUND when there
// is none.
func (s *Store) Decision(ctx context.Context, build int64, contactID string) (*antipersona.ContactSnapshot, error) {
	var out *antipersona.ContactSnapshot
	err := s.decisions(ctx, contactID, build, func(r antipersona.ContactSnapshot) error {
		out = &r
		return nil
	})
	if antipersona.ErrorCode(err) == antipersona.ENOTFOUND {
		return nil, antipersona.Errorf(antipersona.ENOTFOUND, "no contact %q in build #%d", contactID, build)
	}
	return out, err
}

// decisions reads the decisions of build (of contact only, unless "").
func (s *Store) decisions(ctx context.Context, contact string, build int64, fn func(r antipersona.ContactSnapshot) error) error {
	names := map[string]string{}
	rows, err := s.pool.Query(ctx, "SELECT id, CAST(doc AS json) ->> 'name' FROM persona_snapshots WHERE build_id = $1", build)
	if err != nil {
		return fmt.Errorf("read persona names: %w", err)
	}
	var id string
	var name *string
	_, err = pgx.ForEachRow(rows, []any{&id, &name}, func() error {
		if name != nil {
			names[id] = *name
		} else {
			names[id] = ""
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read persona names: %w", err)
	}
	q := "SELECT " + strings.Join(decisionCols[1:], ", ") + " FROM decisions WHERE build_id = $1"
	args := []any{build}
	if contact != "" {
		q += " AND contact_id = $2"
		args = append(args, contact)
	}
	rows, err = s.pool.Query(ctx, q+" ORDER BY contact_id", args...)
	if err != nil {
		return fmt.Errorf("read decisions: %w", err)
	}
	defer rows.Close()
	n := 0
	var (
		r                                 antipersona.ContactSnapshot
		action                            string
		prob, value, cost, ev, freq, mon  *float64
		reasons, sentence, rfm, lifecycle *string
		personas, negatives, kinds        *string
		excluded                          *time.Time
	)
	_, err = pgx.ForEachRow(rows, []any{&r.ContactID, &action, &r.Buyer, &prob, &value, &cost, &ev, &reasons, &sentence,
		&excluded, &rfm, &lifecycle, &personas, &negatives, &kinds, &freq, &mon}, func() error {
		n++
		x := antipersona.ContactSnapshot{Build: build}
		x.ContactID, x.Action, x.Buyer = r.ContactID, antipersona.Action(action), r.Buyer
		x.Probability, x.Value, x.Cost, x.ExpectedValue = orNaN(prob), orNaN(value), orNaN(cost), orNaN(ev)
		if reasons != nil {
			if err := json.Unmarshal([]byte(*reasons), &x.Reasons); err != nil {
				return fmt.Errorf("decision of %s: %w", x.ContactID, err)
			}
			antipersona.NameReasons(x.Reasons, names)
		}
		x.Sentence, x.Segment, x.Lifecycle = deref(sentence), deref(rfm), deref(lifecycle)
		if excluded != nil {
			x.ExcludedSince = excluded.UTC()
		}
		x.Personas, x.Negatives, x.Kinds = splitList(personas), splitList(negatives), splitList(kinds)
		x.Frequency, x.Monetary = orNaN(freq), orNaN(mon)
		return fn(x)
	})
	if err != nil {
		return fmt.Errorf("read decisions: %w", err)
	}
	if n == 0 {
		return antipersona.Errorf(antipersona.ENOTFOUND, "build #%d has no decisions: run 'antipersona build'", build)
	}
	return nil
}

func orNaN(f *float64) float64 {
	if f == nil {
		return math.NaN()
	}
	return *f
}

func splitList(s *string) []string {
	if s == nil || *s == "" {
		return nil
	}
	return strings.Split(*s, "|")
}

// Priors calls fn with the decision of every contact of build, without
// the reasons (faster than Decisions), by contact id.
func (s *Store) Priors(ctx context.Context, build int64, fn func(p antipersona.Prior) error) error {
	rows, err := s.pool.Query(ctx, "SELECT contact_id, action, excluded_since, frequency, negatives FROM decisions WHERE build_id = $1 ORDER BY contact_id", build)
	if err != nil {
		return fmt.Errorf("read decisions: %w", err)
	}
	defer rows.Close()
	var (
		id, action string
		excluded   *time.Time
		freq       *float64
		negatives  *string
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &action, &excluded, &freq, &negatives}, func() error {
		p := antipersona.Prior{ContactID: id, Action: antipersona.Action(action), Frequency: orNaN(freq), Negatives: splitList(negatives)}
		if excluded != nil {
			p.ExcludedSince = excluded.UTC()
		}
		return fn(p)
	})
	if err != nil {
		return fmt.Errorf("read decisions: %w", err)
	}
	return nil
}

// LastDecisionBuild returns the latest build before before (0: any) that
// has decisions; 0 when there is none.
func (s *Store) LastDecisionBuild(ctx context.Context, before int64) (int64, error) {
	q := "SELECT COALESCE(max(build_id), 0) FROM decisions"
	var args []any
	if before > 0 {
		q += " WHERE build_id < $1"
		args = append(args, before)
	}
	var id int64
	if err := s.pool.QueryRow(ctx, q, args...).Scan(&id); err != nil {
		return 0, fmt.Errorf("read decisions: %w", err)
	}
	return id, nil
}

// SnapshotPersonas keeps a copy of the last build's personas as the
// personas of build (replacing any it had).
func (s *Store) SnapshotPersonas(ctx context.Context, build int64) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM persona_snapshots WHERE build_id = $1", build); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "INSERT INTO persona_snapshots SELECT $1, ordinal, id, kind, doc FROM personas", build)
		return err
	})
	if err != nil {
		return fmt.Errorf("snapshot personas: %w", err)
	}
	return nil
}

// PersonaSnapshot returns the JSON documents of build's personas in order.
func (s *Store) PersonaSnapshot(ctx context.Context, build int64) ([][]byte, error) {
	return s.docs(ctx, "SELECT doc FROM persona_snapshots WHERE build_id = $1 ORDER BY ordinal", build)
}
