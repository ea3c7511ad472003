// Package golden checks generated files (docs/*.md) against the code that
// generates them, for tests.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// Update is the -update flag of the tests: rewrite the files instead of
// checking them (go generate runs the tests with it).
var Update = flag.Bool("update", false, "rewrite generated files")

// Doc checks that the file at path (relative to the test's package) holds
// got; with -update it writes got there. pkg names the package for the
// message ("go generate ./pkg").
func Doc(t *testing.T, path, got, pkg string) {
	t.Helper()
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go generate ./%s)", err, pkg)
	}
	if string(want) != got {
		t.Errorf("%s is out of date with the code: run go generate ./%s", path, pkg)
	}
}
