package viewtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// SeedBytes returns a seed example body: apiclient/testdata/name, the
// examples of Immuta's reference pages, found from the module's root so
// that any package's tests can read them.
func SeedBytes(t testing.TB, name string) []byte {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("seed %s: no go.mod above the test's directory", name)
		}
		dir = parent
	}
	b, err := os.ReadFile(filepath.Join(dir, "apiclient", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Seed decodes a seed example body into v with the real types.
func Seed(t testing.TB, name string, v any) {
	t.Helper()
	if err := json.Unmarshal(SeedBytes(t, name), v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}
