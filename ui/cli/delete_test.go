package cli

// Delete never turns a disable into a permanent delete: not by running it
// twice, not by a stale or empty read, and it tells what the server did
// from the server's answer.

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

// tampered serves the emulator behind f, on 127.0.0.1: f answers a request
// itself (returning true) or leaves it to the emulator. It counts the
// DELETEs that reach it, answered or not.
type tampered struct {
	h       *immutatest.Handler
	env     map[string]string
	deletes atomic.Int32
}

func tamper(t *testing.T, f func(w http.ResponseWriter, r *http.Request, h *immutatest.Handler) bool) *tampered {
	t.Helper()
	tp := &tampered{h: immutatest.NewHandler(immutatest.Options{Sources: 5})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete {
			tp.deletes.Add(1)
		}
		if f == nil || !f(w, r, tp.h) {
			tp.h.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	tp.env = map[string]string{"IMMUTA_URL": srv.URL, "IMMUTA_API_KEY": tp.h.Key()}
	return tp
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// Found (c): "delete ID --yes" run twice by a retrying script deleted the
// source for good. Now the second run sends nothing and says why.
func TestDeleteTwiceOnlyDisables(t *testing.T) {
	tp := tamper(t, nil)
	first := runMain(t, tp.env, "", "delete", "22", "--yes")
	if first.code != 0 || !strings.Contains(first.out.String(), "Disabled Public Barfoo (22). Undo with: dsbrowse restore 22") {
		t.Fatalf("first: %d %q %q", first.code, first.out.String(), first.err.String())
	}
	second := runMain(t, tp.env, "", "delete", "22", "--yes")
	want := "error: Public Barfoo (22) is already disabled, so nothing was sent; to delete it for good: dsbrowse delete 22 --permanent; to bring it back: dsbrowse restore 22"
	if second.code != ExitError || lastLine(second.err.String()) != want || second.out.Len() != 0 {
		t.Fatalf("second: %d %q %q", second.code, second.out.String(), second.err.String())
	}
	if n := tp.deletes.Load(); n != 1 {
		t.Fatalf("%d DELETEs for two runs of delete --yes", n)
	}
	if _, ok := tp.h.SourceName(22); !ok {
		t.Fatal("source 22 is gone after two disables")
	}
}

func TestDeletePermanent(t *testing.T) {
	tp := tamper(t, nil)
	// Still active: refused, nothing sent.
	res := runMain(t, tp.env, "", "delete", "22", "--permanent", "--yes")
	if res.code != ExitError || !strings.Contains(res.err.String(), "Public Barfoo (22) is still active: disable it first (dsbrowse delete 22)") {
		t.Fatalf("active: %d %q", res.code, res.err.String())
	}
	if tp.deletes.Load() != 0 {
		t.Fatal("DELETE sent on an active source with --permanent")
	}
	if res := runMain(t, tp.env, "", "delete", "22", "--yes"); res.code != 0 {
		t.Fatalf("disable: %q", res.err.String())
	}
	// Not a terminal and no --yes: refused.
	res = runMain(t, tp.env, "Public Barfoo\n", "delete", "22", "--permanent")
	if res.code != ExitError || !strings.Contains(res.err.String(), "stdin is not a terminal") {
		t.Fatalf("no terminal: %d %q", res.code, res.err.String())
	}
	// A script says --yes on purpose.
	res = runMain(t, tp.env, "", "delete", "22", "--permanent", "--yes")
	if res.code != 0 || res.out.String() != "Deleted Public Barfoo (22) permanently.\n" || !strings.Contains(res.err.String(), "Deleting Public Barfoo (22) permanently.") {
		t.Fatalf("permanent: %d %q %q", res.code, res.out.String(), res.err.String())
	}
	if _, ok := tp.h.SourceName(22); ok || tp.deletes.Load() != 2 {
		t.Fatalf("after --permanent: still there or %d DELETEs", tp.deletes.Load())
	}
}

// The protected profile's prompt still comes, after the typed name.
func TestDeletePermanentProtected(t *testing.T) {
	fakeTerminal(t)
	tp := tamper(t, nil)
	cfg := filepath.Join(t.TempDir(), "c.toml")
	if err := os.WriteFile(cfg, []byte("[profiles.prod]\nurl = \""+tp.env["IMMUTA_URL"]+"\"\napi_key_env = \"K\"\nprotected = true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"K": tp.h.Key()}
	if res := runMain(t, env, "y\nprod\n", "--config", cfg, "--profile", "prod", "delete", "22"); res.code != 0 {
		t.Fatalf("disable: %q", res.err.String())
	}
	res := runMain(t, env, "Public Barfoo\nstaging\n", "--config", cfg, "--profile", "prod", "delete", "22", "--permanent")
	if res.code != ExitError || !strings.Contains(res.err.String(), "Type prod to delete") || tp.deletes.Load() != 1 {
		t.Fatalf("wrong profile name: %d %q", res.code, res.err.String())
	}
	res = runMain(t, env, "Public Barfoo\nprod\n", "--config", cfg, "--profile", "prod", "delete", "22", "--permanent")
	if res.code != 0 || tp.deletes.Load() != 2 {
		t.Fatalf("right names: %d %q", res.code, res.err.String())
	}
}

// Found (b): the read before the write answered an empty 200 and the CLI
// said "Disabling (0)" (or deleted for good). The id in the request is the
// one the user gave; an answer that is empty, null or about another source
// stops everything.
func TestDeleteStopsOnABadRead(t *testing.T) {
	for _, c := range []struct {
		name, body, want string
	}{
		{"empty", "", "empty answer"},
		{"null", "null", "empty answer"},
		{"another id", `{"id": 7, "name": "Other", "deleted": true}`, "GET /dataSource/22 answered with data source 7 instead: nothing was changed"},
		{"no id", `{"name": "Public Barfoo", "deleted": true}`, "GET /dataSource/22 answered without the source's id: nothing was changed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tp := tamper(t, func(w http.ResponseWriter, r *http.Request, _ *immutatest.Handler) bool {
				if r.Method == http.MethodGet && r.URL.Path == "/dataSource/22" {
					w.Header().Set("Content-Type", "application/json")
					_, _ = w.Write([]byte(c.body))
					return true
				}
				return false
			})
			for _, args := range [][]string{{"delete", "22", "--yes"}, {"delete", "22", "--permanent", "--yes"}} {
				res := runMain(t, tp.env, "", args...)
				all := res.out.String() + res.err.String()
				if res.code != ExitError || !strings.Contains(lastLine(res.err.String()), c.want) || strings.Contains(all, "(0)") || strings.Contains(all, "Disabling") || strings.Contains(all, "Deleting") {
					t.Errorf("%v: %d %q", args, res.code, all)
				}
			}
			if n := tp.deletes.Load(); n != 0 {
				t.Errorf("%d DELETEs after a bad read", n)
			}
		})
	}
}

// Found (d): the result line said "disabled" although the source was gone.
// What is reported comes from the DELETE's answer and the read after it.
func TestDeleteTellsWhatTheServerDid(t *testing.T) {
	t.Run("the answer says hardDelete", func(t *testing.T) {
		tp := tamper(t, func(w http.ResponseWriter, r *http.Request, h *immutatest.Handler) bool {
			if r.Method == http.MethodDelete {
				h.ServeHTTP(httptest.NewRecorder(), r)
				_, _ = w.Write([]byte(`{"success": true, "id": 22, "name": "Public Barfoo", "disabled": true, "hardDelete": true}`))
				return true
			}
			return false
		})
		res := runMain(t, tp.env, "", "delete", "22", "--yes")
		if res.code != ExitError || res.out.String() != "Permanently deleted by the server: Public Barfoo (22)\n" ||
			!strings.Contains(res.err.String(), "gone for good") || strings.Contains(res.out.String(), "Disabled") {
			t.Errorf("%d %q %q", res.code, res.out.String(), res.err.String())
		}
	})
	t.Run("the read afterwards is a 404", func(t *testing.T) {
		var deleted atomic.Bool
		tp := tamper(t, func(w http.ResponseWriter, r *http.Request, _ *immutatest.Handler) bool {
			if r.Method == http.MethodDelete {
				deleted.Store(true)
			}
			if r.Method == http.MethodGet && deleted.Load() {
				// Another client deleted it for good in the meantime.
				w.WriteHeader(http.StatusNotFound)
				_, _ = w.Write([]byte(`{"statusCode": 404, "message": "Not Found"}`))
				return true
			}
			return false
		})
		res := runMain(t, tp.env, "", "delete", "22", "--yes")
		if res.code != ExitError || res.out.String() != "Permanently deleted by the server: Public Barfoo (22)\n" || strings.Contains(res.out.String(), "Disabled") {
			t.Errorf("%d %q %q", res.code, res.out.String(), res.err.String())
		}
	})
	t.Run("the answer is lost", func(t *testing.T) {
		tp := tamper(t, func(w http.ResponseWriter, r *http.Request, h *immutatest.Handler) bool {
			if r.Method != http.MethodDelete {
				return false
			}
			h.ServeHTTP(httptest.NewRecorder(), r) // done, but nobody hears of it
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
			return true
		})
		res := runMain(t, tp.env, "", "delete", "22", "--yes")
		line := lastLine(res.err.String())
		if res.code != ExitError || res.out.Len() != 0 || !strings.Contains(line, "the server may or may not have disabled Public Barfoo (22); check with: dsbrowse get 22") {
			t.Errorf("%d %q %q", res.code, res.out.String(), res.err.String())
		}
		if n := tp.deletes.Load(); n != 1 {
			t.Errorf("%d DELETEs: a lost answer was retried", n)
		}
	})
	t.Run("an empty answer with --json", func(t *testing.T) {
		tp := tamper(t, func(w http.ResponseWriter, r *http.Request, h *immutatest.Handler) bool {
			if r.Method == http.MethodDelete {
				h.ServeHTTP(httptest.NewRecorder(), r)
				return true // 200, no body
			}
			return false
		})
		res := runMain(t, tp.env, "", "delete", "22", "--yes", "--json")
		if res.code != ExitError || res.out.Len() != 0 || !strings.Contains(res.err.String(), "Disabled Public Barfoo (22). Undo with") ||
			!strings.Contains(lastLine(res.err.String()), "empty answer") {
			t.Errorf("%d %q %q", res.code, res.out.String(), res.err.String())
		}
	})
}

// ctrl-c while the DELETE waits for its answer: the user is told the server
// may or may not have done it, and the exit status is still 130.
func TestDeleteInterruptedWhileWaiting(t *testing.T) {
	sent := make(chan struct{})
	tp := tamper(t, func(w http.ResponseWriter, r *http.Request, _ *immutatest.Handler) bool {
		if r.Method != http.MethodDelete {
			return false
		}
		close(sent)
		<-r.Context().Done() // never answers; the client gives up
		return true
	})
	hermetic(t)
	ctx, cancel := context.WithCancel(t.Context())
	go func() { <-sent; cancel() }()
	var out, errb bytes.Buffer
	code := Main(ctx, []string{"delete", "22", "--yes"}, IO{Out: &out, Err: &errb, Getenv: func(k string) string { return tp.env[k] }}, nil)
	want := "error: interrupted: the server may or may not have disabled Public Barfoo (22); check with: dsbrowse get 22"
	if code != ExitInterrupted || lastLine(errb.String()) != want || out.Len() != 0 || tp.deletes.Load() != 1 {
		t.Errorf("%d %q %q", code, out.String(), errb.String())
	}
}

// A y/N prompt can stay open for minutes. If another client disables the
// source meanwhile, the DELETE sent after "y" would delete it for good: the
// source is read again after the prompt and nothing is sent.
func TestDeleteRechecksAfterThePrompt(t *testing.T) {
	fakeTerminal(t)
	var gets atomic.Int32
	tp := tamper(t, func(w http.ResponseWriter, r *http.Request, h *immutatest.Handler) bool {
		if r.Method == http.MethodGet && r.URL.Path == "/dataSource/22" && gets.Add(1) == 2 {
			// Another client, while the user read the prompt.
			other := httptest.NewRequest(http.MethodDelete, "/dataSource/22", nil)
			other.Header.Set("Authorization", h.Key())
			h.ServeHTTP(httptest.NewRecorder(), other)
		}
		return false
	})
	res := runMain(t, tp.env, "y\n", "delete", "22")
	want := "error: Public Barfoo (22) was disabled by someone else while you were asked, so nothing was sent; to delete it for good: dsbrowse delete 22 --permanent"
	if res.code != ExitError || !strings.HasSuffix(res.err.String(), want+"\n") {
		t.Fatalf("%d %q", res.code, res.err.String())
	}
	if n := tp.deletes.Load(); n != 0 {
		t.Fatalf("%d DELETEs sent after the source was disabled elsewhere", n)
	}
	if _, ok := tp.h.SourceName(22); !ok {
		t.Fatal("source 22 was deleted for good")
	}
}

// A write whose auth could not be settled (the server dropped every probe)
// never left the machine: the CLI says nothing was sent, not that the server
// may or may not have done it.
func TestWriteNotSentSaysSo(t *testing.T) {
	var writes atomic.Int32
	tp := tamper(t, func(w http.ResponseWriter, r *http.Request, _ *immutatest.Handler) bool {
		if r.Method != http.MethodGet {
			writes.Add(1)
			return false
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close() // the connection drops before any answer
		}
		return true
	})
	res := runMain(t, tp.env, "", "subscribe", "22")
	if res.code != ExitError || !strings.Contains(res.err.String(), "nothing was sent") || strings.Contains(res.err.String(), "may or may not") {
		t.Fatalf("%d %q", res.code, res.err.String())
	}
	if n := writes.Load(); n != 0 {
		t.Fatalf("%d writes reached the server", n)
	}
}
