package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A [keys] table that binds one key to two actions active on the same
// screen, or a letter to an action that works while text is typed, is
// refused when the config loads: exit 1 and one line saying which key
// and where, before the terminal UI (or a command) starts.
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
		// The config is refused as it loads: the terminal UI and the
		// commands alike never start.
		for _, args := range [][]string{{"--config", cfg, "--demo"}, {"--config", cfg, "--demo", "ls", "--limit", "1"}} {
			res := r.fails(1, "config "+cfg+": line 1: "+c.want, args...)
			if res.out != "" || strings.Contains(strings.TrimRight(res.err, "\n"), "\n") {
				t.Errorf("%s %v: want one line on stderr and nothing else: %s", c.keys, args, res)
			}
		}
	}
}
