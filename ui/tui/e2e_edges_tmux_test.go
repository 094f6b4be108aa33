package tui_test

// End-to-end tests of issue 10 §6 on the built binary in tmux, as a new
// user would meet them: the ? help at 80×24 scrolls and stays open while
// it does, the breadcrumb names the source in the screens opened from it,
// and the list's columns are chosen in the config and in the TUI (H).
// Helpers are in e2e_helpers_test.go.

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestE2EHelpScrollsAt80x24: :help (the keys and the commands) at 80×24
// says there is more, scrolls to the end with G and back with g, staying
// open; the global keys are listed; another key closes it.
func TestE2EHelpScrollsAt80x24(t *testing.T) {
	t.Parallel()
	s := startTUI(t, tuiOpts{Args: []string{"--demo"}, W: 80, H: 24})
	s.waitUntil("the list", startTimeout, func(sc string) bool { return len(listRows(sc)) > 0 })
	s.send("?")
	sc := s.waitFor(waitTimeout, "Keys for Data sources", "Everywhere", "request log", "suspend", "command line", "choose columns")
	for _, l := range lines(sc) {
		if len([]rune(strings.TrimRight(l, " "))) > 80 {
			t.Errorf("a help line is wider than 80: %q", l)
		}
	}
	s.send("x")
	s.waitGone(waitTimeout, "Keys for Data sources")

	s.command("help")
	s.waitFor(waitTimeout, "more below", "Keys for Data sources")
	s.send("G")
	s.waitFor(waitTimeout, ":q ", "end: ↑ scrolls back")
	s.send("Up")
	s.waitFor(waitTimeout, "↑/↓ scroll", ":help")
	s.send("g")
	s.waitFor(waitTimeout, "more below", "Move")
	s.send("x")
	s.waitGone(waitTimeout, "Keys for Data sources")
	s.alive()
}

// TestE2EBreadcrumbNamesTheSource: access, visibility and columns opened
// from the list name the source, as when opened from its detail.
func TestE2EBreadcrumbNamesTheSource(t *testing.T) {
	t.Parallel()
	s := startTUI(t, tuiOpts{Args: []string{"--demo"}, W: 120, H: 30})
	sc := s.waitUntil("the list", startTimeout, func(sc string) bool { return selectedRow(listRows(sc)) >= 0 })
	rs := listRows(sc)
	name := rs[selectedRow(rs)].Name()
	for _, k := range []struct{ key, title string }{{"a", "Access"}, {"v", "My visibility"}, {"C", "Columns"}} {
		s.send(k.key)
		s.waitCrumb("Data sources › " + name + " › " + k.title)
		s.esc()
		s.waitCrumb("Data sources")
	}
	s.send("Enter")
	s.waitCrumb("Data sources › " + name)
	s.send("a")
	s.waitCrumb("Data sources › " + name + " › Access")
}

// TestE2EChooseColumns: [list] columns sets the columns and their order;
// H's menu hides one at once and esc closes it.
func TestE2EChooseColumns(t *testing.T) {
	t.Parallel()
	cfg := filepath.Join(t.TempDir(), "config")
	if err := os.MkdirAll(filepath.Join(cfg, "dsbrowse"), 0o700); err != nil {
		t.Fatal(err)
	}
	conf := "[list]\ncolumns = [\"name\", \"status\", \"id\", \"handler\"]\n"
	if err := os.WriteFile(filepath.Join(cfg, "dsbrowse", "config.toml"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startTUI(t, tuiOpts{Args: []string{"--demo"}, W: 100, H: 30, Env: map[string]string{"XDG_CONFIG_HOME": cfg}})
	head := func(sc string) string { return strings.Join(strings.Fields(line(sc, 3)), " ") }
	sc := s.waitUntil("the chosen columns", startTimeout, func(sc string) bool {
		return strings.HasPrefix(head(sc), "NAME↑ STATUS ID HANDLER") && len(listRows(sc)) > 0
	})
	if h := head(sc); h != "NAME↑ STATUS ID HANDLER" {
		t.Fatalf("header %q, want NAME STATUS ID HANDLER only", h)
	}
	s.send("H")
	s.waitFor(waitTimeout, "[x] handler", "[ ] subscription", "space show/hide")
	s.sendN("Down", 3) // name, status, id, handler
	s.send("Space")
	s.waitFor(waitTimeout, "[ ] handler")
	s.esc()
	s.waitUntil("handler hidden, menu closed", waitTimeout, func(sc string) bool {
		return head(sc) == "NAME↑ STATUS ID" && !strings.Contains(sc, "space show/hide")
	})

	// A bad list is one line at start, naming the known columns.
	if err := os.WriteFile(filepath.Join(cfg, "dsbrowse", "config.toml"), []byte("[list]\ncolumns = [\"nmae\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary(t), "--demo")
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+cfg)
	out, err := cmd.CombinedOutput()
	want := `line 2: [list] columns: unknown column "nmae" (known: name, id, handler, status, subscription, schema, created, tags)`
	if err == nil || !strings.Contains(string(out), want) || strings.Count(strings.TrimSpace(string(out)), "\n") != 0 {
		t.Fatalf("a bad [list] columns: %v, output %q; want one line with %q", err, out, want)
	}
}
