package tui_test

// End-to-end: the : command line in the built binary under tmux, on
// --demo. :failed reloads the list with the server's failed sources only
// and the header says so; :all clears it; the history outlives the
// program; :ctx switches to a second profile of the config (another
// emulator) and the header follows.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

var cmdLoadedRE = regexp.MustCompile(`(\d[\d,]*) of (\d[\d,]*) loaded`)

// loadedCount is the list's "N of M loaded" (N), "" when not shown.
func loadedCount(sc string) string {
	m := cmdLoadedRE.FindStringSubmatch(sc)
	if m == nil || m[1] != m[2] {
		return ""
	}
	return m[1]
}

// command types : then line, and enter.
func (s *tui) command(line string) {
	s.t.Helper()
	s.send(":")
	s.waitUntil("the command line", waitTimeout, func(sc string) bool {
		l := lines(sc)
		return len(l) >= 2 && strings.HasPrefix(l[len(l)-2], ":")
	})
	s.typeText(line)
	s.waitUntil("the command typed", waitTimeout, func(sc string) bool {
		l := lines(sc)
		return strings.HasPrefix(l[len(l)-2], ":"+line)
	})
	s.send("Enter")
}

func TestE2ECommandLine(t *testing.T) {
	t.Parallel()
	second := startEmu(t, immutatest.Options{Sources: 7, Key: "e2e-second-key-4242"}) // a list of another size than the demo's
	root := t.TempDir()
	state, cfg := filepath.Join(root, "state"), filepath.Join(root, "config")
	if err := os.MkdirAll(filepath.Join(cfg, "dsbrowse"), 0o700); err != nil {
		t.Fatal(err)
	}
	conf := fmt.Sprintf("[profiles.second]\nurl = %q\napi_key_env = \"SECOND_KEY\"\nprotected = true\n\n[views.broken]\nstatus = \"failed\"\n", second.URL)
	if err := os.WriteFile(filepath.Join(cfg, "dsbrowse", "config.toml"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := tuiOpts{Args: []string{"--demo"}, W: 130, H: 30,
		Env: map[string]string{"XDG_STATE_HOME": state, "XDG_CONFIG_HOME": cfg, "SECOND_KEY": second.Handler.Key()}}

	s := startTUI(t, opts)
	sc := s.waitUntil("the full list", startTimeout, func(sc string) bool { return loadedCount(sc) != "" })
	all := loadedCount(sc)

	s.command("failed")
	sc = s.waitUntil("the failed sources", waitTimeout, func(sc string) bool {
		return strings.Contains(line(sc, 0), "filter: status:failed") && loadedCount(sc) != "" && loadedCount(sc) != all
	})
	rows := 0
	for _, l := range lines(sc)[4:] {
		if strings.Contains(l, " passed ") {
			t.Errorf("a passed source under :failed: %q", l)
		}
		if strings.Contains(l, " failed ") {
			rows++
		}
	}
	if rows == 0 {
		t.Errorf("no failed source shown:\n%s", sc)
	}

	s.command("all")
	s.waitUntil("the full list again", waitTimeout, func(sc string) bool {
		return !strings.Contains(line(sc, 0), "filter:") && loadedCount(sc) == all
	})

	// A saved view from the config, by tab completion.
	s.send(":")
	s.typeText("bro")
	s.send("Tab")
	s.waitFor(waitTimeout, ":broken")
	s.send("Enter")
	s.waitUntil("the saved view", waitTimeout, func(sc string) bool {
		return strings.Contains(line(sc, 0), "filter: status:failed") && loadedCount(sc) != "" && loadedCount(sc) != all
	})

	// An unknown command is one line of error.
	s.command("nope")
	s.waitFor(waitTimeout, `unknown command ":nope"`)

	s.command("q")
	if st := s.waitExit(waitTimeout); st != 0 {
		t.Fatalf("exit status %d", st)
	}
	fi, err := os.Stat(filepath.Join(state, "dsbrowse", "command_history"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("history file: %v, %v", fi, err)
	}
	s.close()

	// The history survives the restart: up walks back from the newest.
	s = startTUI(t, opts)
	s.waitUntil("the full list", startTimeout, func(sc string) bool { return loadedCount(sc) != "" })
	s.send(":", "Up")
	s.waitFor(waitTimeout, ":q")
	s.send("Up", "Up", "Up")
	s.waitFor(waitTimeout, ":all")
	s.send("Up")
	s.waitFor(waitTimeout, ":failed")
	s.esc()

	// :ctx switches to the config's other profile: its server, its name in
	// the header, its protected frame.
	s.command("ctx second")
	host := strings.TrimPrefix(second.URL, "http://")
	sc = s.waitUntil("the second profile", waitTimeout, func(sc string) bool {
		n := loadedCount(sc)
		return strings.Contains(sc, "second @ "+host) && n != "" && n != all
	})
	if !strings.Contains(sc, "PROTECTED") || strings.Contains(sc, "demo @") {
		t.Errorf("header after :ctx:\n%s", sc)
	}
	s.command("ctx nowhere")
	s.waitFor(waitTimeout, `unknown profile "nowhere" (known: demo, second)`)
}
