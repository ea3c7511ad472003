package ingest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
)

// TestDerivedIDSameAcrossFormats checks that an event without a messageId
// gets the same derived id from a CSV file and from a JSON Lines file, so
// that exporting the same events both ways does not double them.
func TestDerivedIDSameAcrossFormats(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "e.csv")
	jsonPath := filepath.Join(dir, "e.jsonl")
	os.WriteFile(csvPath, []byte("contact_id,timestamp,event,plan,seats\nu1,2024-03-05T10:21:07Z,Trial Started,pro,3\n"), 0o644)
	os.WriteFile(jsonPath, []byte(`{"type":"track","userId":"u1","event":"Trial Started","timestamp":"2024-03-05T10:21:07Z","properties":{"seats":3,"plan":"pro"}}`+"\n"), 0o644)
	ids := map[string]string{}
	for name, path := range map[string]string{"csv": csvPath, "jsonl": jsonPath} {
		sink := &idSink{}
		rej := NewRejectWriter(filepath.Join(dir, "rejects"), antipersona.KindEvents, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		if _, err := File(t.Context(), path, Options{Kind: antipersona.KindEvents}, sink, rej); err != nil {
			t.Fatal(err)
		}
		rej.Close()
		if len(sink.ids) != 1 {
			t.Fatalf("%s: %d events", name, len(sink.ids))
		}
		ids[name] = sink.ids[0]
	}
	if ids["csv"] != ids["jsonl"] {
		t.Errorf("derived ids differ: csv %s, jsonl %s", ids["csv"], ids["jsonl"])
	}
}

type idSink struct{ ids []string }

func (s *idSink) WriteBatch(_ context.Context, b *antipersona.Batch) (antipersona.WriteResult, error) {
	for _, e := range b.Events {
		s.ids = append(s.ids, e.MessageID)
	}
	return antipersona.WriteResult{Inserted: int64(b.Len())}, nil
}
