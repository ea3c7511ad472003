package postgres

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/internal/pgtest"
	"github.com/antipersona/antipersona/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// openStore opens a new workspace of the test database, closed when the
// test ends.
func openStore(t testing.TB, dsn string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dsn, pgtest.NewWorkspace(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestContract runs the contract suite that every store passes.
func TestContract(t *testing.T) {
	dsn := pgtest.DSN(t)
	storetest.Run(t, func(t *testing.T) storetest.Store { return openStore(t, dsn) })
}

func TestKeyContract(t *testing.T) {
	storetest.RunKeys(t, func(t *testing.T) antipersona.KeyStore {
		// The keys of every workspace share one table: a database of the
		// test's own keeps it empty.
		ks, err := OpenKeys(context.Background(), pgtest.NewDatabase(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(ks.Close)
		return ks
	})
}

func TestOpenRejectsBadWorkspaceNames(t *testing.T) {
	dsn := pgtest.DSN(t)
	for _, name := range []string{"", "Shop", "shop-1", "shop 1", "sklep_ł", `a"b`, "a;drop", strings.Repeat("a", 41)} {
		s, err := Open(context.Background(), dsn, name, Options{})
		if err == nil {
			s.Close()
		}
		if antipersona.ErrorCode(err) != antipersona.EINVALID {
			t.Errorf("Open(%q): %v, want an invalid error", name, err)
		}
	}
	// The longest valid name, and one PostgreSQL reserves as a schema name
	// (pg_...), are fine: the schema is prefixed.
	for _, name := range []string{strings.Repeat("a", 40), "pg_catalog"} {
		s, err := Open(context.Background(), dsn, name, Options{})
		if err != nil {
			t.Errorf("Open(%q): %v", name, err)
			continue
		}
		s.Close()
	}
}

// TestWorkspacesAreIsolated writes different data into two workspaces of
// one database and checks that neither sees the other's.
func TestWorkspacesAreIsolated(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	a, b := openStore(t, dsn), openStore(t, dsn)
	nan := math.NaN()
	ev := func(id, contact string) antipersona.Event {
		return antipersona.Event{MessageID: id, ContactID: contact, Type: antipersona.EventTrack, Name: "X",
			Time: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Duration: nan, Rating: nan}
	}
	if _, err := a.WriteBatch(ctx, &antipersona.Batch{Kind: antipersona.KindEvents, Events: []antipersona.Event{ev("m1", "A1"), ev("m2", "A1")}}); err != nil {
		t.Fatal(err)
	}
	// The same message id in b is new to b.
	r, err := b.WriteBatch(ctx, &antipersona.Batch{Kind: antipersona.KindEvents, Events: []antipersona.Event{ev("m1", "B1")}})
	if err != nil || r.Inserted != 1 {
		t.Fatalf("write m1 to b: %+v, %v; want 1 inserted", r, err)
	}
	if err := a.AppendAudit(ctx, antipersona.AuditEntry{Time: time.Now(), Workspace: a.Workspace(), KeyID: "k", Action: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ForgetContact(ctx, "B1", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := a.SetMeta(ctx, "k", "a"); err != nil {
		t.Fatal(err)
	}
	sa, err := a.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := b.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sa.Counts[antipersona.KindEvents] != 2 || sb.Counts[antipersona.KindEvents] != 1 {
		t.Errorf("events: a %d, b %d; want 2 and 1", sa.Counts[antipersona.KindEvents], sb.Counts[antipersona.KindEvents])
	}
	if data, _ := b.ContactData(ctx, "B1"); len(data["events"]) != 1 {
		t.Errorf("forgetting B1 in a touched b: %v", data)
	}
	if ok, _, _ := b.Forgotten(ctx, "B1"); ok {
		t.Error("B1 forgotten in b by a's ForgetContact")
	}
	if data, _ := a.ContactData(ctx, "A1"); len(data["events"]) != 2 {
		t.Errorf("a's A1: %v", data)
	}
	if data, _ := b.ContactData(ctx, "A1"); len(data) != 0 {
		t.Errorf("b sees a's A1: %v", data)
	}
	if got, _ := b.AuditEntries(ctx, 0); len(got) != 0 {
		t.Errorf("b sees a's audit log: %v", got)
	}
	if v, _ := b.Meta(ctx, "k"); v != "" {
		t.Errorf("b sees a's meta: %q", v)
	}
	if v, _ := a.Meta(ctx, "k"); v != "a" {
		t.Errorf("a's meta k = %q, want a", v)
	}
}

// TestOpenTwiceMigratesOnce opens a workspace twice (the second Open finds
// it migrated) and then one whose schema version is newer than ours.
func TestOpenTwiceMigratesOnce(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	ws := pgtest.NewWorkspace(t)
	s1, err := Open(ctx, dsn, ws, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s1.Close()
	if _, err := s1.WriteBatch(ctx, storeContacts("C1")); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(ctx, dsn, ws, Options{})
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	defer s2.Close()
	st, err := s2.Status(ctx)
	if err != nil || st.Counts[antipersona.KindContacts] != 1 || st.Traits != 1 {
		t.Errorf("second Open sees %+v, %v; want the contact and trait written by the first", st, err)
	}
	if v, _ := s2.Meta(ctx, "schema_version"); v != SchemaVersion {
		t.Errorf("schema_version = %q, want %s", v, SchemaVersion)
	}
	var arg int
	if err := s2.Pool().QueryRow(ctx, "SELECT count(*) FROM pg_proc WHERE proname = 'arg_max' AND pronamespace = $1::regnamespace",
		s2.Schema()).Scan(&arg); err != nil || arg != 40 {
		t.Errorf("%d arg_max aggregates in the schema (%v), want 40 (created once)", arg, err)
	}
	if err := s2.SetMeta(ctx, "schema_version", "99"); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, dsn, ws, Options{}); antipersona.ErrorCode(err) != antipersona.EINVALID {
		t.Errorf("Open of a newer schema: %v, want an invalid error", err)
	}
}

// TestOpenConcurrently opens a new workspace from several goroutines at
// once: the migration lock makes one of them create it.
func TestOpenConcurrently(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	ws := pgtest.NewWorkspace(t)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			s, err := Open(ctx, dsn, ws, Options{})
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

var storeTraits = []antipersona.Trait{
	{Name: "Age", Ident: "age", Type: antipersona.TraitNumber, Dimension: antipersona.DimensionDemographic},
}

func storeContacts(ids ...string) *antipersona.Batch {
	b := &antipersona.Batch{Kind: antipersona.KindContacts, Traits: storeTraits}
	for _, id := range ids {
		b.Contacts = append(b.Contacts, antipersona.Contact{ID: id, Values: []antipersona.Value{{Num: 30}}})
	}
	return b
}

// TestWriteContacts checks the upsert of contacts; the expected counts are
// those of the DuckDB store's TestWriteIdempotent.
func TestWriteContacts(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, pgtest.DSN(t))
	traits := []antipersona.Trait{
		{Name: "Age", Ident: "age", Type: antipersona.TraitNumber, Dimension: antipersona.DimensionDemographic},
		{Name: "Interests", Ident: "interests", Type: antipersona.TraitMulti, Dimension: antipersona.DimensionPsychographic},
	}
	yes := true
	b := &antipersona.Batch{Kind: antipersona.KindContacts, Traits: traits, Contacts: []antipersona.Contact{
		{ID: "a", Email: "a@example.com", Outcome: &yes, Values: []antipersona.Value{{Num: 30}, {List: []string{"yoga", "music"}}}, Line: 2},
		{ID: "b", Values: []antipersona.Value{{Missing: true}, {Missing: true}}, Line: 3},
		{ID: "a", Email: "a@example.com", Outcome: &yes, Values: []antipersona.Value{{Num: 31}, {List: []string{"yoga"}}}, Line: 4},
	}}
	tests := []struct {
		name  string
		batch func()
		want  antipersona.WriteResult
	}{
		{"first write: the last row of a wins", func() {}, antipersona.WriteResult{Inserted: 2, Duplicates: 1}},
		{"the same again", func() {}, antipersona.WriteResult{Duplicates: 3}},
		{"b gets an age", func() {
			b.Contacts = []antipersona.Contact{{ID: "b", Values: []antipersona.Value{{Num: 50}, {Missing: true}}}}
		}, antipersona.WriteResult{Updated: 1}},
		{"a missing age keeps the stored one", func() {
			b.Contacts = []antipersona.Contact{{ID: "b", Values: []antipersona.Value{{Missing: true}, {Missing: true}}}}
		}, antipersona.WriteResult{Duplicates: 1}},
		{"a version of a", func() {
			b.ValidFrom = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			b.Contacts = []antipersona.Contact{{ID: "a", Values: []antipersona.Value{{Num: 32}, {Missing: true}}}}
		}, antipersona.WriteResult{Inserted: 1}},
	}
	for _, tt := range tests {
		tt.batch()
		got, err := s.WriteBatch(ctx, b)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
	data, err := s.ContactData(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if len(data["contacts"]) != 2 {
		t.Fatalf("a has %d versions, want 2: %v", len(data["contacts"]), data["contacts"])
	}
	for _, row := range data["contacts"] {
		switch row["valid_from"] {
		case nil:
			if row["age"] != 31.0 || row["email"] != "a@example.com" || row["outcome"] != true || fmt.Sprint(row["interests"]) != "[yoga]" {
				t.Errorf("a's first version: %v; want the batch's last row (age 31, interests [yoga])", row)
			}
		default:
			if row["age"] != 32.0 || row["interests"] != nil || row["email"] != nil {
				t.Errorf("a's 2025 version: %v; want age 32 and nothing else", row)
			}
		}
	}
	if data, _ := s.ContactData(ctx, "b"); len(data["contacts"]) != 1 || data["contacts"][0]["age"] != 50.0 {
		t.Errorf("b: %v, want age 50", data["contacts"])
	}
	// A trait may not change its type.
	b.Traits = []antipersona.Trait{{Name: "Age", Ident: "age", Type: antipersona.TraitCategory}}
	b.Contacts = []antipersona.Contact{{ID: "c", Values: []antipersona.Value{{Str: "old"}}}}
	if _, err := s.WriteBatch(ctx, b); antipersona.ErrorCode(err) != antipersona.EINVALID {
		t.Errorf("trait age as a category: %v, want an invalid error", err)
	}
	traitsGot, err := s.Traits(ctx)
	if err != nil || len(traitsGot) != 2 || traitsGot[0] != traits[0] || traitsGot[1] != traits[1] {
		t.Errorf("Traits() = %+v, %v; want %+v", traitsGot, err, traits)
	}
}

// TestConcurrentWriters writes overlapping batches from several goroutines
// (as several server processes would): every key is stored once and every
// row is counted once, as inserted or duplicate.
func TestConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, pgtest.DSN(t))
	nan := math.NaN()
	const writers, rows = 4, 300
	results := make(chan antipersona.WriteResult, 2*writers)
	errs := make(chan error, 2*writers)
	for w := range writers {
		go func() {
			b := &antipersona.Batch{Kind: antipersona.KindEvents}
			for i := range rows {
				// Writers overlap: keys 0..rows-1 shifted by 100 per writer.
				k := i + 100*w
				b.Events = append(b.Events, antipersona.Event{MessageID: fmt.Sprint("m", k), ContactID: fmt.Sprint("C", k%7),
					Type: antipersona.EventTrack, Time: time.Date(2025, 1, 1, 0, 0, k, 0, time.UTC), Duration: nan, Rating: nan})
			}
			r, err := s.WriteBatch(ctx, b)
			results <- r
			errs <- err
		}()
		go func() {
			r, err := s.WriteBatch(ctx, storeContacts(fmt.Sprint("C", w), "C9"))
			results <- r
			errs <- err
		}()
	}
	var total antipersona.WriteResult
	for range 2 * writers {
		if err := <-errs; err != nil {
			t.Error(err)
		}
		total.Add(<-results)
	}
	distinct := int64(rows + 100*(writers-1))
	contacts := int64(writers + 1)
	if total.Inserted != distinct+contacts || total.Duplicates != writers*rows-distinct+writers-1 {
		t.Errorf("total %+v; want %d inserted (%d events, %d contacts) and %d duplicates", total,
			distinct+contacts, distinct, contacts, writers*rows-distinct+writers-1)
	}
	st, err := s.Status(ctx)
	if err != nil || st.Counts[antipersona.KindEvents] != distinct || st.Counts[antipersona.KindContacts] != contacts {
		t.Errorf("status %+v, %v; want %d events, %d contacts", st.Counts, err, distinct, contacts)
	}
}

// TestForgetDeletesBuiltTables builds a table with contact ids and checks
// that ForgetContact finds it, as it finds the ingested ones.
func TestForgetDeletesBuiltTables(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, pgtest.DSN(t))
	if _, err := s.WriteBatch(ctx, storeContacts("C1", "C2")); err != nil {
		t.Fatal(err)
	}
	asOf := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	b, err := s.Build(ctx, "SELECT contact_id, age FROM contacts", asOf, "h1",
		antipersona.Derived{Name: "segments", SQL: "SELECT contact_id, 'young' AS segment FROM features WHERE age < 40"})
	if err != nil {
		t.Fatal(err)
	}
	if b.ID != 1 || b.Contacts != 2 || !b.AsOf.Equal(asOf) || b.ConfigHash != "h1" {
		t.Errorf("build %+v", b)
	}
	st, err := s.Status(ctx)
	if err != nil || st.LastBuild == nil || *st.LastBuild != *b {
		t.Errorf("status' last build %+v, %v; want %+v", st.LastBuild, err, b)
	}
	if data, _ := s.ContactData(ctx, "C1"); len(data["features"]) != 1 || len(data["segments"]) != 1 {
		t.Errorf("export of C1 lacks the built tables: %v", data)
	}
	res, err := s.ForgetContact(ctx, "C1", asOf)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"contacts": 1, "features": 1, "segments": 1}
	if fmt.Sprint(res.Deleted) != fmt.Sprint(want) {
		t.Errorf("deleted %v, want %v", res.Deleted, want)
	}
	b2, err := s.Build(ctx, "SELECT contact_id FROM contacts", asOf, "h2")
	if err != nil || b2.ID != 2 || b2.Contacts != 1 {
		t.Errorf("second build %+v, %v; want id 2 with 1 contact", b2, err)
	}
}

// TestBuildConflict holds the workspace's build lock, as a build running
// in another process does: Build is a conflict, and leaves the features.
func TestBuildConflict(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, pgtest.DSN(t))
	if _, err := s.Build(ctx, "SELECT 'x' AS contact_id", time.Now(), ""); err != nil {
		t.Fatal(err)
	}
	tx, err := s.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", s.lockKey("build")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Build(ctx, "SELECT 'y' AS contact_id", time.Now(), ""); antipersona.ErrorCode(err) != antipersona.ECONFLICT {
		t.Errorf("Build during another: %v, want a conflict", err)
	}
	if _, err := s.Build(ctx, "SELECT nonsense", time.Now(), ""); err == nil {
		t.Error("Build of bad SQL: no error")
	}
	tx.Rollback(ctx)
	var id string
	if err := s.Pool().QueryRow(ctx, "SELECT contact_id FROM features").Scan(&id); err != nil || id != "x" {
		t.Errorf("features after failed builds: %q, %v; want the first build's", id, err)
	}
}
