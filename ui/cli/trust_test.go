package cli

// The key stays with the tenant and out of every output; what the server
// sends cannot drive the terminal, in plain output or --json.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

const longKey = "k-0123456789abcdef-secret"

// serve answers from a fixed table of path -> (status, body), on 127.0.0.1.
func serve(t *testing.T, routes map[string]string) map[string]string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		body, ok := routes[r.Method+" "+r.URL.Path]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			body = `{"statusCode": 404, "message": "Not Found"}`
		}
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return map[string]string{"IMMUTA_URL": srv.URL, "IMMUTA_API_KEY": longKey}
}

// A server that echoes the key (in data, in an error) never gets it shown.
func TestKeyNeverInOutput(t *testing.T) {
	src := fmt.Sprintf(`{"id": 1, "name": "leak %s", "description": "x%sx", "status": "passed"}`, longKey, longKey)
	env := serve(t, map[string]string{
		"GET /dataSource/1":        src,
		"GET /dataSource":          `{"count": 1, "hits": [` + src + `]}`,
		"GET /dataSource/1/access": `{"count": 1, "hits": [{"profile": 3, "name": "` + longKey + `"}]}`,
	})
	for _, args := range [][]string{{"get", "1"}, {"get", "1", "--json"}, {"ls"}, {"ls", "--json"}, {"access", "1"}, {"get", "2"}, {"lineage", "1", "parents"}} {
		res := runMain(t, env, "", args...)
		all := res.out.String() + res.err.String()
		if strings.Contains(all, longKey) || !strings.Contains(all, "[REDACTED]") && res.code == 0 {
			t.Errorf("%v: %d %q", args, res.code, all)
		}
	}
}

// A failing api_key_command that prints the key on stderr: the error line
// does not show it.
func TestKeyCommandErrorHidesTheKey(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "c.toml")
	text := "[profiles.p]\nurl = \"https://x.example.com\"\napi_key_command = \"echo 'key " + longKey + " expired' >&2; exit 1\"\n"
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	res := runMain(t, nil, "", "--config", cfg, "--profile", "p", "ls")
	if res.code != ExitError || strings.Contains(res.err.String(), longKey) || !strings.Contains(res.err.String(), "key [REDACTED] expired") {
		t.Errorf("%d %q", res.code, res.err.String())
	}
}

// A config file others can write may not name an api_key_command.
func TestWritableConfigRefused(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "c.toml")
	if err := os.WriteFile(cfg, []byte("[profiles.p]\nurl = \"https://x.example.com\"\napi_key_command = \"true\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(cfg, 0o666); err != nil {
		t.Fatal(err)
	}
	res := runMain(t, nil, "", "--config", cfg, "--profile", "p", "ls")
	if res.code != ExitError || strings.Count(res.err.String(), "\n") != 1 || !strings.Contains(res.err.String(), "mode 0666") || !strings.Contains(res.err.String(), "chmod go-w "+cfg) {
		t.Errorf("%d %q", res.code, res.err.String())
	}
}

// --json: the same data, with C1 controls, DEL and bidi controls escaped,
// so it is safe to cat.
func TestJSONIsSafeToCat(t *testing.T) {
	name := "a\u0085b\u009bc\u202ed\u2066e\u200ff\u061cg\x7fh\x1bi<&>"
	b, _ := json.Marshal(map[string]any{"id": 1, "name": name})
	b = bytes.ReplaceAll(b, []byte(`\u003c\u0026\u003e`), []byte("<&>")) // as a server may send them
	env := serve(t, map[string]string{
		"GET /dataSource/1": string(b),
		"GET /dataSource":   `{"count": 1, "hits": [` + string(b) + `]}`,
	})
	raw := regexp.MustCompile("[\x00-\x09\x0b-\x1f\x7f\u0080-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
	for _, args := range [][]string{{"get", "1", "--json"}, {"ls", "--json"}} {
		res := runMain(t, env, "", args...)
		out := res.out.String()
		if res.code != 0 || raw.MatchString(out) {
			t.Fatalf("%v: %d %q", args, res.code, out)
		}
		for _, esc := range []string{`\u0085`, `\u009b`, `\u202e`, `\u2066`, `\u200f`, `\u061c`, `\u007f`, `\u001b`, `<&>`} {
			if !strings.Contains(out, esc) {
				t.Errorf("%v: no %s in %s", args, esc, out)
			}
		}
		var got any
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		if a, ok := got.([]any); ok {
			got = a[0]
		}
		if got.(map[string]any)["name"] != name {
			t.Errorf("%v: the data changed: %q", args, got)
		}
	}
	if got := string(escapeJSON([]byte("\"\xff\""))); got != `"\ufffd"` {
		t.Errorf("invalid UTF-8: %q", got)
	}
}

// --json prints what the server sent, or fails: never "null" or zeros.
func TestJSONEmptyAnswerFails(t *testing.T) {
	env := serve(t, map[string]string{
		"GET /dataSource/1":                  "null",
		"GET /dataSource/2":                  "",
		"GET /dataSource/1/visibilityReport": "null",
	})
	for _, args := range [][]string{{"get", "1", "--json"}, {"get", "2", "--json"}, {"visibility", "1", "--json"}} {
		res := runMain(t, env, "", args...)
		if res.code != ExitError || res.out.Len() != 0 || !strings.Contains(res.err.String(), "empty answer") {
			t.Errorf("%v: %d %q %q", args, res.code, res.out.String(), res.err.String())
		}
	}
}

// guardDials makes every client of this test dial through a dialer that
// fails the test for any address that is not loopback.
func guardDials(t *testing.T) *atomic.Int32 {
	dials := new(atomic.Int32)
	d := &net.Dialer{}
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		host, _, _ := net.SplitHostPort(addr)
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			t.Errorf("dial to %s: tests reach loopback only", addr)
			return nil, fmt.Errorf("refused by the test: %s", addr)
		}
		return d.DialContext(ctx, network, addr)
	}}
	old := testClientOptions
	testClientOptions = []apiclient.Option{apiclient.WithHTTPClient(&http.Client{Transport: tr})}
	t.Cleanup(func() { testClientOptions = old })
	return dials
}

// http:// to a host that is not this machine is refused, before any dial,
// unless the profile says allow_http = true or --allow-http is given.
func TestAllowHTTP(t *testing.T) {
	dials := guardDials(t)
	const remote = "http://192.0.2.10" // TEST-NET-1: never dialled
	cfg := filepath.Join(t.TempDir(), "c.toml")
	if err := os.WriteFile(cfg, []byte("[profiles.open]\nurl = \""+remote+"\"\napi_key_env = \"K\"\nallow_http = true\n\n[profiles.closed]\nurl = \""+remote+"\"\napi_key_env = \"K\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"K": longKey, "IMMUTA_URL": remote, "IMMUTA_API_KEY": longKey}
	start := func(args ...string) (int, *Env, string) {
		hermetic(t)
		var got *Env
		var errb bytes.Buffer
		code := Main(t.Context(), args, IO{Out: &bytes.Buffer{}, Err: &errb, Getenv: func(k string) string { return env[k] }},
			func(e *Env) error { got = e; return nil })
		return code, got, errb.String()
	}
	for _, args := range [][]string{nil, {"--config", cfg, "--profile", "closed"}} {
		code, got, errText := start(args...)
		if code != ExitError || got != nil || strings.Count(errText, "\n") != 1 ||
			!strings.HasPrefix(errText, "error: refusing "+remote) || !strings.Contains(errText, "allow_http = true") {
			t.Errorf("%v: %d %q", args, code, errText)
		}
	}
	for _, args := range [][]string{{"--allow-http"}, {"--config", cfg, "--profile", "open"}} {
		code, got, errText := start(args...)
		if code != 0 || got == nil || got.Client == nil || !got.Target.AllowHTTP {
			t.Errorf("%v: %d %q", args, code, errText)
		}
	}
	if n := dials.Load(); n != 0 {
		t.Errorf("%d dials", n)
	}
	// Loopback needs no permission, and is dialled through the guard.
	_, emu := emulator(t)
	if res := runMain(t, emu, "", "get", "22"); res.code != 0 || dials.Load() == 0 {
		t.Errorf("loopback http: %d %q (%d dials)", res.code, res.err.String(), dials.Load())
	}
}

// max_body_bytes on the profile caps every answer.
func TestMaxBodyBytesFromProfile(t *testing.T) {
	env := serve(t, map[string]string{"GET /dataSource/1": fmt.Sprintf(`{"id": 1, "name": %q}`, strings.Repeat("x", 4<<10))})
	cfg := filepath.Join(t.TempDir(), "c.toml")
	text := fmt.Sprintf("[profiles.small]\nurl = %q\napi_key_env = \"K\"\nmax_body_bytes = \"1KiB\"\n[profiles.big]\nurl = %q\napi_key_env = \"K\"\n", env["IMMUTA_URL"], env["IMMUTA_URL"])
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	k := map[string]string{"K": longKey}
	if res := runMain(t, k, "", "--config", cfg, "--profile", "small", "get", "1"); res.code != ExitError || !strings.Contains(res.err.String(), "GET /dataSource/1") || !strings.Contains(res.err.String(), "1 KiB") {
		t.Errorf("capped: %d %q", res.code, res.err.String())
	}
	if res := runMain(t, k, "", "--config", cfg, "--profile", "big", "get", "1"); res.code != 0 {
		t.Errorf("default cap: %d %q", res.code, res.err.String())
	}
}

// auth = "auto" remembers, per profile, the form the tenant took: a strict
// tenant costs a 401 on the first run only.
func TestAuthFormRemembered(t *testing.T) {
	srv := immutatest.NewServer(immutatest.Options{Sources: 5, RequireExchange: true})
	t.Cleanup(srv.Close)
	cfg := filepath.Join(t.TempDir(), "c.toml")
	if err := os.WriteFile(cfg, []byte("[profiles.strict]\nurl = \""+srv.URL+"\"\napi_key_env = \"K\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	state := t.TempDir()
	unauthorized := func() int {
		n := 0
		for _, q := range srv.Handler.Requests() {
			if q.Status == http.StatusUnauthorized {
				n++
			}
		}
		srv.Handler.ResetLog()
		return n
	}
	run := func() {
		t.Helper()
		hermetic(t)
		t.Setenv("XDG_STATE_HOME", state) // the same state for both runs
		var out, errb bytes.Buffer
		code := Main(t.Context(), []string{"--config", cfg, "--profile", "strict", "get", "22"},
			IO{Out: &out, Err: &errb, Getenv: func(k string) string { return map[string]string{"K": srv.Handler.Key()}[k] }}, nil)
		if code != 0 {
			t.Fatalf("get 22: %d %q", code, errb.String())
		}
	}
	run()
	if n := unauthorized(); n == 0 {
		t.Fatal("the strict tenant never said 401: the test proves nothing")
	}
	b, err := os.ReadFile(filepath.Join(state, "dsbrowse", "auth.json"))
	if err != nil || !strings.Contains(string(b), `"auth": "exchange"`) || !strings.Contains(string(b), `"profile strict"`) {
		t.Fatalf("state file (%v): %s", err, b)
	}
	run()
	if n := unauthorized(); n != 0 {
		t.Errorf("second run: %d 401s; the remembered form was not used", n)
	}
}
