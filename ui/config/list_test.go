package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// [list] columns reaches the config in its order; a bad list is one line
// naming the line and the known columns, from Load as from Parse.
func TestListColumns(t *testing.T) {
	c, err := Parse([]byte("[list]\ncolumns = [\"status\", \"name\", \"tags\", \"id\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"status", "name", "tags", "id"}; !slices.Equal(c.ListColumns, want) {
		t.Fatalf("ListColumns = %q, want %q", c.ListColumns, want)
	}
	if c, _ := Parse(nil); c.ListColumns != nil {
		t.Fatalf("no [list]: ListColumns = %q, want nil (the default)", c.ListColumns)
	}
	for _, tc := range []struct{ text, want string }{
		{"\n[list]\ncolumns = [\"name\", \"owner\"]\n", `line 3: [list] columns: unknown column "owner" (known: name, id, handler, status, subscription, schema, created, tags)`},
		{"[list]\ncolumns = []\n", "line 2: [list] columns: name at least one of"},
		{"[list]\ncolumns = [\"id\", \"id\"]\n", `line 2: [list] columns: "id" is named twice`},
		{"[list]\ncolumns = \"name\"\n", "line 2"},
		{"[list]\ncolumn = [\"name\"]\n", `unknown key "list.column"`},
	} {
		_, err := Parse([]byte(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: got %v, want one line with %q", tc.text, err, tc.want)
		}
	}
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte("[list]\ncolumns = [\"nmae\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Load(path)
	if err == nil || !strings.HasPrefix(err.Error(), "config "+path+": line 2: [list] columns: unknown column \"nmae\" (known: name, id") {
		t.Errorf("Load: %v", err)
	}
}
