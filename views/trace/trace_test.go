package trace

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestMarkAppendsEachEventOnce(t *testing.T) {
	file := filepath.Join(t.TempDir(), "trace")
	once, path, seen = sync.Once{}, "", map[string]bool{}
	t.Setenv(Env, file)
	Mark("first-row")
	Mark("first-row")
	Mark("all-loaded")
	Note("requests", 101)
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "first-row ") || !strings.HasPrefix(lines[1], "all-loaded ") || lines[2] != "requests 101" {
		t.Fatalf("trace %q", b)
	}
}

func TestUnsetRecordsNothing(t *testing.T) {
	once, path, seen = sync.Once{}, "", map[string]bool{}
	t.Setenv(Env, "")
	Mark("first-row")
	if On() || len(seen) != 0 {
		t.Fatal("recorded without the variable")
	}
}
