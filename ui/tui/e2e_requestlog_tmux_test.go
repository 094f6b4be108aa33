package tui_test

// End-to-end: the request log in the built binary under tmux. L opens it,
// enter shows a request with its Authorization [REDACTED], y copies it as
// curl through OSC 52, and tmux (set-clipboard on) holds the copy: the
// command reads the key from $IMMUTA_API_KEY, never holds it, and works.

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

// clipboard waits for tmux's newest buffer to hold want (a copy is applied
// when tmux reads the sequence from the pane, after the screen shows it).
func (s *tui) clipboard(want string) string {
	s.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		out, err := s.run("show-buffer")
		if err == nil && strings.Contains(out, want) {
			return out
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("tmux buffer never held %q; last: %q (%v)", want, out, err)
		}
		time.Sleep(pollEvery)
	}
}

func TestE2ERequestLogCopiesCurlWithoutTheKey(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts immutatest.Options
		auth string // what the copied command sends
	}{
		{"raw key", immutatest.Options{Sources: 40, Key: "e2e-SECRET-key-7777"}, `-H "Authorization: $IMMUTA_API_KEY"`},
		{"session token", immutatest.Options{Sources: 40, Key: "e2e-SECRET-key-8888", RequireExchange: true}, `-H "Authorization: Bearer $TOKEN"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startEmu(t, tc.opts)
			key := srv.Handler.Key()
			s := startOn(t, srv)
			s.must("set-option", "-g", "set-clipboard", "on")
			s.waitFor(startTimeout, "loaded")

			s.send("L")
			sc := s.waitFor(waitTimeout, "PATH AND QUERY", "newest first", "/dataSource")
			if line(sc, 1) != "Data sources › Request log" {
				t.Errorf("breadcrumb %q", line(sc, 1))
			}
			if strings.Contains(sc, key) {
				t.Fatalf("the log shows the key:\n%s", sc)
			}

			s.send("Enter")
			sc = s.waitFor(waitTimeout, "Headers sent", "Authorization: [REDACTED]")
			if strings.Contains(sc, key) {
				t.Fatalf("the request shows the key:\n%s", sc)
			}

			s.send("y")
			s.waitFor(waitTimeout, "copied curl command for GET /")
			buf := s.clipboard("curl -sS")
			if strings.Contains(buf, key) {
				t.Fatalf("the copied command holds the key:\n%s", buf)
			}
			for _, want := range []string{"$IMMUTA_API_KEY", tc.auth, srv.URL + "/"} {
				if !strings.Contains(buf, want) {
					t.Errorf("copied command lacks %q:\n%s", want, buf)
				}
			}

			// Pasted into a shell with the key set, it gets an answer.
			if _, err := exec.LookPath("curl"); err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatal("curl is needed in CI")
				}
				return
			}
			cmd := exec.Command("sh", "-c", buf+" -f -o /dev/null -w '%{http_code}'")
			cmd.Env = append(os.Environ(), "IMMUTA_API_KEY="+key)
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.HasSuffix(strings.TrimSpace(string(out)), "200") {
				t.Errorf("the copied command failed: %v %s\n%s", err, out, buf)
			}
		})
	}
}
