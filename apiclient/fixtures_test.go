package apiclient

import (
	"path/filepath"
	"testing"
)

// FixtureDirs hold the example bodies the tests read, copied verbatim
// from Immuta's API reference: immutatest/seedbodies is the one copy of
// those the seed server serves (embedded there); testdata holds the few
// only these tests use. Exported for the apiclient_test files.
var FixtureDirs = []string{filepath.Join("immutatest", "seedbodies"), "testdata"}

// FixturePaths lists every *.json of FixtureDirs.
func FixturePaths(tb testing.TB) []string {
	tb.Helper()
	var paths []string
	for _, dir := range FixtureDirs {
		names, err := filepath.Glob(filepath.Join(dir, "*.json"))
		if err != nil || len(names) == 0 {
			tb.Fatalf("no fixtures in %s: %v", dir, err)
		}
		paths = append(paths, names...)
	}
	return paths
}
