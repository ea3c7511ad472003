package postgres_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/config"
	"github.com/antipersona/antipersona/duckdb"
	"github.com/antipersona/antipersona/features"
	"github.com/antipersona/antipersona/persona"
	"github.com/antipersona/antipersona/postgres"
	"github.com/antipersona/antipersona/segments"
)

// The WorkspaceStore methods, compared on the fixture of features_test.go:
// the DuckDB store is the reference for every result, down to the Go
// types of scanned values.

var asOfJune = time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)

// built returns both stores with the fixture built as of June 30th, with
// the segments of the default configuration, rule segments, clusters,
// personas and persona signals.
func built(t *testing.T) (*duckdb.Store, *postgres.Store) {
	t.Helper()
	ctx := context.Background()
	d, p := stores(t)
	q := features.SQL(params(t, p, asOfJune))
	cfg := config.Default()
	seg := antipersona.Derived{Name: "segments", SQL: segments.SQL(cfg.SegmentParams())}
	for _, s := range []antipersona.WorkspaceStore{d, p} {
		if _, err := s.Build(ctx, q, asOfJune, "h", seg); err != nil {
			t.Fatalf("%T: build: %v", s, err)
		}
		if err := s.ReplaceRuleSegments(ctx, [][2]string{{"c_buyer", "vip"}, {"c_buyer", "big"}, {"f_engaged", "vip"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.ReplaceClusters(ctx, []string{"c_buyer", "d_cancel", "f_engaged", "h_survey"}, []int{0, 1, 1, 2}); err != nil {
			t.Fatal(err)
		}
		ps := []antipersona.PersonaRow{
			{ID: "p1", Kind: "positive", Basis: "subgroup", Doc: []byte(`{"id":"p1","name":"Buyers"}`), Members: []string{"c_buyer", "f_engaged"}},
			{ID: "n1", Kind: "negative", NegativeKind: "unprofitable", Basis: "rule", Doc: []byte(`{"id":"n1","name":"Costly"}`), Members: []string{"d_cancel", "c_buyer"}},
			{ID: "p2", Kind: "positive", Basis: "cluster", Doc: []byte(`{"id":"p2","name":"Engaged"}`), Members: []string{"f_engaged", "e_anon", "h_survey"}},
			{ID: "n2", Kind: "negative", Basis: "rule", Doc: []byte(`{"id":"n2"}`), Members: []string{"c_buyer"}},
		}
		if err := s.ReplacePersonas(ctx, ps); err != nil {
			t.Fatal(err)
		}
		if err := s.ComputePersonaSignals(ctx, asOfJune, 30, 30); err != nil {
			t.Fatalf("%T: signals: %v", s, err)
		}
	}
	return d, p
}

// same fails t unless got (PostgreSQL) equals want (DuckDB), floats
// within 1e-9 relative, NaN equal to NaN, and Go types alike.
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if msg := deepDiffer(reflect.ValueOf(got), reflect.ValueOf(want)); msg != "" {
		t.Errorf("%s: %s\n got %#v\nwant %#v", what, msg, got, want)
	}
}

func deepDiffer(g, w reflect.Value) string {
	if !g.IsValid() || !w.IsValid() {
		if g.IsValid() != w.IsValid() {
			return "one is nil"
		}
		return ""
	}
	if g.Type() != w.Type() {
		return fmt.Sprintf("type %s, want %s", g.Type(), w.Type())
	}
	switch w.Kind() {
	case reflect.Float64, reflect.Float32:
		a, b := g.Float(), w.Float()
		if a == b || math.IsNaN(a) && math.IsNaN(b) || math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) {
			return ""
		}
		return fmt.Sprintf("%v, want %v", a, b)
	case reflect.Interface, reflect.Pointer:
		if g.IsNil() || w.IsNil() {
			if g.IsNil() != w.IsNil() {
				return fmt.Sprintf("nil mismatch: %v vs %v", g, w)
			}
			return ""
		}
		return deepDiffer(g.Elem(), w.Elem())
	case reflect.Slice, reflect.Array:
		if w.Kind() == reflect.Slice && (g.Len() == 0) != (w.Len() == 0) {
			return fmt.Sprintf("length %d, want %d", g.Len(), w.Len())
		}
		if g.Len() != w.Len() {
			return fmt.Sprintf("length %d, want %d", g.Len(), w.Len())
		}
		for i := range w.Len() {
			if m := deepDiffer(g.Index(i), w.Index(i)); m != "" {
				return fmt.Sprintf("[%d]: %s", i, m)
			}
		}
		return ""
	case reflect.Map:
		if g.Len() != w.Len() {
			return fmt.Sprintf("%d keys, want %d", g.Len(), w.Len())
		}
		for _, k := range w.MapKeys() {
			if m := deepDiffer(g.MapIndex(k), w.MapIndex(k)); m != "" {
				return fmt.Sprintf("[%v]: %s", k, m)
			}
		}
		return ""
	case reflect.Struct:
		if tt, ok := w.Interface().(time.Time); ok {
			if g.Interface().(time.Time).Equal(tt) {
				return ""
			}
			return fmt.Sprintf("%v, want %v", g.Interface(), tt)
		}
		for i := range w.NumField() {
			if !w.Type().Field(i).IsExported() {
				continue
			}
			if m := deepDiffer(g.Field(i), w.Field(i)); m != "" {
				return w.Type().Field(i).Name + ": " + m
			}
		}
		return ""
	}
	if g.Interface() != w.Interface() {
		return fmt.Sprintf("%v, want %v", g.Interface(), w.Interface())
	}
	return ""
}

// both calls f on each store and compares the results.
func both[T any](t *testing.T, what string, d *duckdb.Store, p *postgres.Store, f func(s antipersona.WorkspaceStore) (T, error)) T {
	t.Helper()
	want, err := f(d)
	if err != nil {
		t.Fatalf("%s: duckdb: %v", what, err)
	}
	got, err := f(p)
	if err != nil {
		t.Fatalf("%s: postgres: %v", what, err)
	}
	same(t, what, got, want)
	return got
}

func scanOf(s antipersona.WorkspaceStore, q string) ([][]any, error) {
	var out [][]any
	err := s.Scan(context.Background(), q, func(v []any) error {
		out = append(out, slices.Clone(v))
		return nil
	})
	return out, err
}

func TestWorkspaceMatchesDuckDB(t *testing.T) {
	ctx := context.Background()
	d, p := built(t)
	b, err := p.LastBuild(ctx)
	if err != nil || b == nil {
		t.Fatal(b, err)
	}
	bd, _ := d.LastBuild(ctx)

	t.Run("Summary", func(t *testing.T) {
		want, err := d.Summary(ctx, *b)
		if err != nil {
			t.Fatal(err)
		}
		got, err := p.Summary(ctx, *b)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "summary", got, want)
	})
	t.Run("SegmentCounts", func(t *testing.T) {
		got := both(t, "segment counts", d, p, func(s antipersona.WorkspaceStore) ([]antipersona.SegmentCount, error) { return s.SegmentCounts(ctx) })
		if len(got) < 5 {
			t.Errorf("only %d segment counts", len(got))
		}
	})
	t.Run("Segments", func(t *testing.T) {
		both(t, "segments", d, p, func(s antipersona.WorkspaceStore) ([][]any, error) {
			return scanOf(s, "SELECT * FROM segments ORDER BY contact_id")
		})
		both(t, "describe segments", d, p, func(s antipersona.WorkspaceStore) ([]antipersona.ColumnType, error) {
			return s.Describe(ctx, "SELECT * FROM segments")
		})
	})
	t.Run("Features", func(t *testing.T) {
		both(t, "describe features", d, p, func(s antipersona.WorkspaceStore) ([]antipersona.ColumnType, error) {
			return s.Describe(ctx, "SELECT * FROM features")
		})
		both(t, "describe feature SQL", d, p, func(s antipersona.WorkspaceStore) ([]antipersona.ColumnType, error) {
			return s.Describe(ctx, features.SQL(params(t, p, asOfJune)))
		})
		both(t, "feature rows", d, p, func(s antipersona.WorkspaceStore) ([]map[string]any, error) {
			var out []map[string]any
			err := s.FeatureRows(ctx, func(r map[string]any) error { out = append(out, r); return nil })
			return out, err
		})
		cols := []string{"frequency", "monetary", "interests", "signed_up", "vip", "first_order_at", "converted", "plan", "age"}
		both(t, "scan features", d, p, func(s antipersona.WorkspaceStore) ([]any, error) {
			var out []any
			err := s.ScanFeatures(ctx, cols, func(id string, v []any) error { out = append(out, id, slices.Clone(v)); return nil })
			return out, err
		})
		for _, id := range []string{"c_buyer", "nobody"} {
			for _, tb := range []string{"features", "segments", "clusters"} {
				both(t, "contact row "+tb+" "+id, d, p, func(s antipersona.WorkspaceStore) ([]any, error) {
					m, c, err := s.ContactRow(ctx, tb, id)
					return []any{m, c}, err
				})
			}
		}
	})
	t.Run("Queries", func(t *testing.T) {
		for _, q := range []string{
			`SELECT g.r_score, g.f_score, count(*), COALESCE(sum(f.monetary), 0), mode(g.rfm_segment)
		FROM segments g JOIN features f USING (contact_id) WHERE g.r_score IS NOT NULL AND g.f_score IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`,
			`SELECT f.contact_id, COALESCE(f.converted, false), f.frequency, f.monetary, f.p_alive, f.predicted_clv,
	  f.contact_cost, f.tenure_days, f.days_since_last_activity, g.rfm_segment, g.lifecycle, f.decision_cycle_days,
	  (f.returns_cost + f.support_cost) / NULLIF(f.margin, 0)
	  FROM features f LEFT JOIN segments g USING (contact_id) ORDER BY f.contact_id`,
			"SELECT contact_id, profit FROM features ORDER BY contact_id",
			features.PurchaseHistorySQL(params(t, p, asOfJune)),
		} {
			both(t, q, d, p, func(s antipersona.WorkspaceStore) ([][]any, error) { return scanOf(s, q) })
		}
		// The negative personas' targets, as the personas command reads them.
		var sel []string
		for _, k := range persona.DefaultNegativeKinds() {
			sel = append(sel, "COALESCE(("+k.Target+"), false)")
		}
		q := "SELECT contact_id, " + strings.Join(sel, ", ") + " FROM features ORDER BY contact_id"
		both(t, "targets", d, p, func(s antipersona.WorkspaceStore) ([][]any, error) { return scanOf(s, q) })
	})
	t.Run("RuleSegmentsClustersPersonas", func(t *testing.T) {
		both(t, "rule segments", d, p, func(s antipersona.WorkspaceStore) ([]string, error) { return s.RuleSegmentsOf(ctx, "c_buyer") })
		both(t, "clusters", d, p, func(s antipersona.WorkspaceStore) ([][]any, error) {
			return scanOf(s, "SELECT * FROM clusters ORDER BY contact_id")
		})
		both(t, "personas", d, p, func(s antipersona.WorkspaceStore) ([][]byte, error) { return s.Personas(ctx) })
		for _, kinds := range [][]string{{"positive"}, {"negative"}, {"positive", "negative"}} {
			both(t, "persona members", d, p, func(s antipersona.WorkspaceStore) ([][2]string, error) {
				var out [][2]string
				err := s.PersonaMembers(ctx, func(a, b string) error { out = append(out, [2]string{a, b}); return nil }, kinds...)
				return out, err
			})
		}
		both(t, "persona signals", d, p, func(s antipersona.WorkspaceStore) (map[string][]antipersona.PersonaSignal, error) {
			return s.PersonaSignals(ctx)
		})
		both(t, "departed", d, p, func(s antipersona.WorkspaceStore) (map[string]bool, error) { return s.Departed(ctx, 30) })
		var targets []string
		for _, k := range persona.DefaultNegativeKinds() {
			targets = append(targets, k.Target)
		}
		targets = append(targets, "true", "frequency > 0")
		both(t, "departure signals", d, p, func(s antipersona.WorkspaceStore) ([][]antipersona.PersonaSignal, error) {
			return s.DepartureSignals(ctx, asOfJune, targets, 10, 60)
		})
	})
	t.Run("Decisions", func(t *testing.T) {
		rows := []antipersona.ContactSnapshot{
			{Decision: antipersona.Decision{ContactID: "c_buyer", Action: "keep", Buyer: true, Probability: 0.8, Value: 10, Cost: 1, ExpectedValue: 7,
				Reasons: []antipersona.Reason{{Code: "persona", Persona: "p1", Name: "Buyers", Value: math.NaN()}, {Code: "x", Value: 2}}},
				Segment: "champions", Lifecycle: "repeat", Personas: []string{"p1"}, Negatives: []string{"n1", "n2"}, Kinds: []string{"unprofitable"},
				Frequency: 4, Monetary: 200},
			{Decision: antipersona.Decision{ContactID: "a_traits", Action: "exclude", Probability: math.NaN(), Value: math.NaN(), Cost: 0, ExpectedValue: math.NaN(),
				Sentence: "Excluded.", ExcludedSince: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)}, Frequency: math.NaN(), Monetary: math.NaN()},
		}
		for _, s := range []antipersona.WorkspaceStore{d, p} {
			if err := s.SnapshotPersonas(ctx, b.ID); err != nil {
				t.Fatal(err)
			}
			if err := s.ReplaceDecisions(ctx, 0, rows[:1]); err != nil {
				t.Fatal(err)
			}
			if err := s.ReplaceDecisions(ctx, b.ID, rows); err != nil {
				t.Fatal(err)
			}
		}
		both(t, "decisions", d, p, func(s antipersona.WorkspaceStore) ([]antipersona.ContactSnapshot, error) {
			var out []antipersona.ContactSnapshot
			err := s.Decisions(ctx, b.ID, func(r antipersona.ContactSnapshot) error { out = append(out, r); return nil })
			return out, err
		})
		both(t, "decision", d, p, func(s antipersona.WorkspaceStore) (*antipersona.ContactSnapshot, error) {
			return s.Decision(ctx, b.ID, "c_buyer")
		})
		for _, s := range []antipersona.WorkspaceStore{d, p} {
			if _, err := s.Decision(ctx, b.ID, "nobody"); antipersona.ErrorCode(err) != antipersona.ENOTFOUND {
				t.Errorf("%T: decision of nobody: %v", s, err)
			}
			if err := s.Decisions(ctx, 99, func(antipersona.ContactSnapshot) error { return nil }); antipersona.ErrorCode(err) != antipersona.ENOTFOUND {
				t.Errorf("%T: decisions of build 99: %v", s, err)
			}
		}
		both(t, "priors", d, p, func(s antipersona.WorkspaceStore) ([]antipersona.Prior, error) {
			var out []antipersona.Prior
			err := s.Priors(ctx, b.ID, func(r antipersona.Prior) error { out = append(out, r); return nil })
			slices.SortFunc(out, func(a, b antipersona.Prior) int { return strings.Compare(a.ContactID, b.ContactID) })
			return out, err
		})
		for _, before := range []int64{0, b.ID, 1 + b.ID} {
			both(t, "last decision build", d, p, func(s antipersona.WorkspaceStore) (int64, error) { return s.LastDecisionBuild(ctx, before) })
		}
		both(t, "persona snapshot", d, p, func(s antipersona.WorkspaceStore) ([][]byte, error) { return s.PersonaSnapshot(ctx, b.ID) })
	})
	t.Run("Builds", func(t *testing.T) {
		gb, err := p.Builds(ctx)
		if err != nil || len(gb) != 1 || gb[0] != *b {
			t.Errorf("builds %v, %v; want %v", gb, err, b)
		}
		g, err := p.BuildByID(ctx, b.ID)
		if err != nil || *g != *b {
			t.Errorf("build by id %v, %v", g, err)
		}
		if _, err := p.BuildByID(ctx, 42); antipersona.ErrorCode(err) != antipersona.ENOTFOUND {
			t.Errorf("build 42: %v", err)
		}
		if bd.ID != b.ID || !bd.AsOf.Equal(b.AsOf) || bd.Contacts != b.Contacts {
			t.Errorf("builds differ: %+v, duckdb %+v", b, bd)
		}
	})
	t.Run("Contacts", func(t *testing.T) {
		traits, err := p.Traits(ctx)
		if err != nil {
			t.Fatal(err)
		}
		both(t, "trait stats", d, p, func(s antipersona.WorkspaceStore) ([]antipersona.TraitStat, error) { return s.TraitStats(ctx) })
		for _, r := range [][2]time.Time{{at("2024-03-01 00:00:00"), asOfJune}, {asOfJune, at("2024-12-31 00:00:00")}, {at("2023-01-01 00:00:00"), at("2025-01-01 00:00:00")}} {
			both(t, "trait changes", d, p, func(s antipersona.WorkspaceStore) ([]antipersona.TraitChange, error) {
				return s.TraitChanges(ctx, traits, r[0], r[1])
			})
		}
		idents := make([]string, len(traits))
		for i, tr := range traits {
			idents[i] = tr.Ident
		}
		for _, prior := range []time.Time{{}, at("2024-03-01 00:00:00")} {
			both(t, "traits before", d, p, func(s antipersona.WorkspaceStore) ([]any, error) {
				var out []any
				err := s.TraitsBefore(ctx, idents, at("2024-12-31 00:00:00"), prior, func(id string, since time.Time, v []any) error {
					out = append(out, id, since, slices.Clone(v))
					return nil
				})
				return out, err
			})
		}
		both(t, "identifiers", d, p, func(s antipersona.WorkspaceStore) ([]any, error) {
			var out []any
			err := s.ContactIdentifiers(ctx, func(id string, ids antipersona.Identifiers) error { out = append(out, id, ids); return nil })
			return out, err
		})
		sortCosts := func(c []antipersona.Cost) {
			slices.SortFunc(c, func(a, b antipersona.Cost) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
		}
		both(t, "costs", d, p, func(s antipersona.WorkspaceStore) ([]antipersona.Cost, error) {
			var out []antipersona.Cost
			err := s.CostsAsOf(ctx, asOfJune, func(c antipersona.Cost) error { out = append(out, c); return nil })
			sortCosts(out)
			return out, err
		})
		both(t, "touches", d, p, func(s antipersona.WorkspaceStore) ([]antipersona.Touch, error) {
			var out []antipersona.Touch
			err := s.TouchesAsOf(ctx, asOfJune, func(c antipersona.Touch) error { out = append(out, c); return nil })
			slices.SortFunc(out, func(a, b antipersona.Touch) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
			return out, err
		})
		both(t, "survey answers", d, p, func(s antipersona.WorkspaceStore) ([]antipersona.SurveyAnswer, error) {
			var out []antipersona.SurveyAnswer
			err := s.SurveyAnswers(ctx, func(a antipersona.SurveyAnswer) error { a.RowKey = ""; out = append(out, a); return nil })
			return out, err
		})
		both(t, "survey state", d, p, func(s antipersona.WorkspaceStore) (string, error) { return s.SurveyState(ctx) })
		both(t, "identify state", d, p, func(s antipersona.WorkspaceStore) (string, error) { return s.IdentifyState(ctx) })
		both(t, "identify traits", d, p, func(s antipersona.WorkspaceStore) ([]any, error) {
			var out []any
			err := s.IdentifyTraits(ctx, func(day time.Time, tr map[string]json.RawMessage) error {
				m := map[string]string{}
				for k, v := range tr {
					m[k] = string(v)
				}
				out = append(out, day, m)
				return nil
			})
			return out, err
		})
	})
	t.Run("Audiences", func(t *testing.T) {
		e1 := antipersona.AudienceExport{Name: "a", ExportedAt: at("2024-07-01 10:00:00"), Build: b.ID, Format: "csv", Filter: "x", Members: 2, Added: 2}
		e2 := antipersona.AudienceExport{Name: "b", ExportedAt: at("2024-07-01 09:00:00"), Build: b.ID, Format: "meta", Members: 1, Incremental: true, File: "f.csv"}
		for _, s := range []antipersona.WorkspaceStore{d, p} {
			if err := s.RecordAudience(ctx, e1, []string{"z", "c_buyer"}); err != nil {
				t.Fatal(err)
			}
			if err := s.RecordAudience(ctx, e2, []string{"x"}); err != nil {
				t.Fatal(err)
			}
			if err := s.RecordAudience(ctx, e1, []string{"y"}); err != nil {
				t.Fatal(err)
			}
		}
		both(t, "audience exports", d, p, func(s antipersona.WorkspaceStore) ([]antipersona.AudienceExport, error) {
			return s.AudienceExports(ctx)
		})
		for _, n := range []string{"a", "b", "c"} {
			both(t, "audience members", d, p, func(s antipersona.WorkspaceStore) ([]any, error) {
				m, ok, err := s.AudienceMembers(ctx, n)
				return []any{m, ok}, err
			})
		}
	})
	t.Run("Export", func(t *testing.T) {
		dir := t.TempDir()
		for _, format := range []string{"csv", "json"} {
			wd, wp := filepath.Join(dir, "d."+format), filepath.Join(dir, "p."+format)
			if err := d.ExportFeaturesFile(ctx, wd, format); err != nil {
				t.Fatal(err)
			}
			if err := p.ExportFeaturesFile(ctx, wp, format); err != nil {
				t.Fatal(err)
			}
			compareFiles(t, "features."+format, wp, wd)
			ad, ap := filepath.Join(dir, "ad."+format), filepath.Join(dir, "ap."+format)
			if err := d.ExportAssignments(ctx, ad, format); err != nil {
				t.Fatal(err)
			}
			if err := p.ExportAssignments(ctx, ap, format); err != nil {
				t.Fatal(err)
			}
			compareFiles(t, "assignments."+format, ap, ad)
		}
		// Parquet: DuckDB reads both files back alike.
		wd, wp := filepath.Join(dir, "d.parquet"), filepath.Join(dir, "p.parquet")
		if err := d.ExportFeaturesFile(ctx, wd, "parquet"); err != nil {
			t.Fatal(err)
		}
		if err := p.ExportFeaturesFile(ctx, wp, "parquet"); err != nil {
			t.Fatal(err)
		}
		read := func(path string) ([][]any, error) {
			return scanOf(d, "SELECT * FROM read_parquet('"+path+"')")
		}
		want, err := read(wd)
		if err != nil {
			t.Fatal(err)
		}
		got, err := read(wp)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "parquet rows", got, want)
		dt, _ := d.Describe(ctx, "SELECT * FROM read_parquet('"+wd+"')")
		pt, _ := d.Describe(ctx, "SELECT * FROM read_parquet('"+wp+"')")
		same(t, "parquet columns", pt, dt)
		for _, s := range []antipersona.WorkspaceStore{d, p} {
			if err := s.ExportFeaturesFile(ctx, filepath.Join(dir, "x"), "xml"); antipersona.ErrorCode(err) != antipersona.EINVALID {
				t.Errorf("%T: xml: %v", s, err)
			}
		}
	})
}

// compareFiles compares two exports: byte for byte, else cell by cell (CSV
// parsed; JSON decoded) with numbers within 1e-9, to show where.
func compareFiles(t *testing.T, what, got, want string) {
	t.Helper()
	g, _ := os.ReadFile(got)
	w, _ := os.ReadFile(want)
	if string(g) == string(w) {
		return
	}
	if strings.HasSuffix(what, ".json") {
		var gv, wv any
		if err := json.Unmarshal(g, &gv); err != nil {
			t.Errorf("%s: %v\n%s", what, err, g)
			return
		}
		if err := json.Unmarshal(w, &wv); err != nil {
			t.Logf("%s: duckdb's JSON does not parse (%v); comparing lines", what, err)
		}
		if wv != nil {
			same(t, what, gv, wv)
		}
	} else {
		gr, err1 := csv.NewReader(strings.NewReader(string(g))).ReadAll()
		wr, err2 := csv.NewReader(strings.NewReader(string(w))).ReadAll()
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v %v", what, err1, err2)
		}
		same(t, what, gr, wr)
	}
	gl, wl := strings.Split(string(g), "\n"), strings.Split(string(w), "\n")
	for i := range min(len(gl), len(wl)) {
		if gl[i] != wl[i] {
			t.Errorf("%s: line %d differs:\n got %s\nwant %s", what, i+1, gl[i], wl[i])
			return
		}
	}
	t.Errorf("%s: %d lines, want %d", what, len(gl), len(wl))
}

// TestScanSample checks that a sample is about 1/mod of the contacts, the
// same every time, and that mod 1 is Scan.
func TestScanSample(t *testing.T) {
	ctx := context.Background()
	d, p := built(t)
	q := "SELECT h.contact_id, h.frequency FROM (" + features.SQL(params(t, p, asOfJune)) + ") h JOIN features f USING (contact_id) ORDER BY h.contact_id"
	want, err := scanOf(d, q)
	if err != nil {
		t.Fatal(err)
	}
	var all [][]any
	if err := p.ScanSample(ctx, 1, q, func(v []any) error { all = append(all, slices.Clone(v)); return nil }); err != nil {
		t.Fatal(err)
	}
	same(t, "sample 1", all, want)
	before, err := scanOf(p, "SELECT count(*) FROM contacts")
	if err != nil {
		t.Fatal(err)
	}
	sample := func() map[string]bool {
		out := map[string]bool{}
		if err := p.ScanSample(ctx, 2, q, func(v []any) error { out[v[0].(string)] = true; return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	s1, s2 := sample(), sample()
	if len(s1) == 0 || len(s1) >= len(want) || fmt.Sprint(s1) != fmt.Sprint(s2) {
		t.Errorf("samples %v and %v of %d contacts", s1, s2, len(want))
	}
	// The views are gone: the tables are whole again.
	after, err := scanOf(p, "SELECT count(*) FROM contacts")
	if err != nil || fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("contacts after the sample: %v, %v; before %v", after, err, before)
	}
}
