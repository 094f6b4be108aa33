package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A [keys] table that binds one key to two actions active on the same
// screen, or a letter to an action that works while text is typed, is
// refused at start: exit 1 and one line saying which key and where,
// before the terminal UI starts.
func TestKeysConflictRefusedAtStart(t *testing.T) {
	for _, c := range []struct{ keys, want string }{
		{`export = "a"`, `[keys]: "a" is bound to both access and export on the list screen`},
		{`member_filters = "x"`, `[keys]: "x" is bound to both member_filters and expand_groups on the access screen`},
		{`back = "q"`, `[keys]: back = "q": back works while a text field has focus, where "q" is typed`},
		{`dwon = "x"`, `[keys]: unknown action "dwon"`},
	} {
		r := newRunner(t)
		cfg := filepath.Join(t.TempDir(), "config.toml")
		if err := os.WriteFile(cfg, []byte("[keys]\n"+c.keys+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		res := r.fails(1, c.want, "--config", cfg, "--demo")
		if res.out != "" || strings.Contains(strings.TrimRight(res.err, "\n"), "\n") {
			t.Errorf("%s: want one line on stderr and no UI: %s", c.keys, res)
		}
	}
}
