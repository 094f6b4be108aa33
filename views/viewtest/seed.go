package viewtest

import (
	"encoding/json"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

// SeedBytes returns a seed example body: the examples of Immuta's
// reference pages, as the seed server serves them (immutatest.SeedBody,
// apiclient/immutatest/seedbodies/name).
func SeedBytes(t testing.TB, name string) []byte {
	t.Helper()
	b, err := immutatest.SeedBody(name)
	if err != nil {
		t.Fatalf("seed %s: %v", name, err)
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
