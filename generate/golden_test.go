package generate

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/generate")

// goldenDir holds a small generated shop (40 contacts, seed 1): a fixture
// for the ingest readers and a record of the exact output format. After an
// intended change to the generator, run go test ./generate -run Golden -update.
const goldenDir = "../testdata/generate/shop40"

func TestShopGolden(t *testing.T) {
	dir := t.TempDir()
	if _, err := Shop(context.Background(), Options{Contacts: 40, Seed: 1, Out: dir}); err != nil {
		t.Fatal(err)
	}
	names := append(outFiles[:], "periods.json")
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range names {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(goldenDir, name)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create the golden files)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s (run with -update if the change is intended)", name, path)
		}
	}
}
