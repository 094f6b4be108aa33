package cli

// In-process tests: what needs a terminal (prompts) or a look inside (Env).

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

// fakeTerminal makes stdin count as a terminal for the test.
func fakeTerminal(t *testing.T) {
	old := isTerminal
	isTerminal = func(v any) bool { _, ok := v.(*strings.Reader); return ok }
	t.Cleanup(func() { isTerminal = old })
}

type inproc struct {
	out, err bytes.Buffer
	code     int
}

// hermetic keeps the user's own config and state out of the test.
func hermetic(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(home, "state"))
}

func runMain(t *testing.T, env map[string]string, stdin string, args ...string) *inproc {
	t.Helper()
	hermetic(t)
	res := &inproc{}
	res.code = Main(t.Context(), args, IO{
		In: strings.NewReader(stdin), Out: &res.out, Err: &res.err,
		Getenv: func(k string) string { return env[k] },
	}, nil)
	return res
}

func emulator(t *testing.T) (*immutatest.Server, map[string]string) {
	srv := immutatest.NewServer(immutatest.Options{Sources: 5})
	t.Cleanup(srv.Close)
	return srv, map[string]string{"IMMUTA_URL": srv.URL, "IMMUTA_API_KEY": srv.Handler.Key()}
}

func deletes(srv *immutatest.Server) int {
	n := 0
	for _, q := range srv.Handler.Requests() {
		if q.Method == "DELETE" {
			n++
		}
	}
	return n
}

func TestDeleteAsks(t *testing.T) {
	fakeTerminal(t)
	srv, env := emulator(t)

	// Enter alone means no.
	res := runMain(t, env, "\n", "delete", "22")
	if res.code != 1 || !strings.Contains(res.err.String(), "Disable Public Barfoo (22) (soft delete)? [y/N]") || !strings.Contains(res.err.String(), "error: cancelled") {
		t.Fatalf("default no: %d %q", res.code, res.err.String())
	}
	if deletes(srv) != 0 {
		t.Fatal("DELETE sent after answering no")
	}
	res = runMain(t, env, "y\n", "delete", "22")
	if res.code != 0 || !strings.Contains(res.out.String(), "Disabled Public Barfoo (22)") {
		t.Fatalf("yes: %d %q %q", res.code, res.out.String(), res.err.String())
	}

	// Now disabled: delete without --permanent asks nothing and sends nothing.
	res = runMain(t, env, "y\n", "delete", "22")
	if res.code != 1 || strings.Contains(res.err.String(), "[y/N]") || !strings.Contains(res.err.String(), "already disabled") {
		t.Fatalf("delete on a disabled source: %d %q", res.code, res.err.String())
	}
	// --permanent: only the exact name will do.
	res = runMain(t, env, "y\n", "delete", "22", "--permanent")
	if res.code != 1 || !strings.Contains(res.err.String(), "Delete Public Barfoo (22) permanently? This cannot be undone.") || !strings.Contains(res.err.String(), "did not match") {
		t.Fatalf("hard, wrong answer: %d %q", res.code, res.err.String())
	}
	if deletes(srv) != 1 {
		t.Fatal("hard DELETE sent without the name")
	}
	res = runMain(t, env, "Public Barfoo\n", "delete", "22", "--permanent", "--json")
	if res.code != 0 || !strings.Contains(res.out.String(), `"hardDelete": true`) || !strings.Contains(res.err.String(), "Deleted Public Barfoo (22) permanently.") {
		t.Fatalf("hard, right name: %d %q %q", res.code, res.out.String(), res.err.String())
	}
	// stdin closed without an answer: no.
	res = runMain(t, env, "", "delete", "26")
	if res.code != 1 || deletes(srv) != 2 {
		t.Fatalf("EOF: %d %q", res.code, res.err.String())
	}
}

func TestProtectedProfile(t *testing.T) {
	srv, _ := emulator(t)
	cfg := filepath.Join(t.TempDir(), "c.toml")
	if err := os.WriteFile(cfg, []byte("[profiles.prod]\nurl = \""+srv.URL+"\"\napi_key_env = \"K\"\nprotected = true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"K": srv.Handler.Key()}
	// Not a terminal: even --yes is refused.
	res := runMain(t, env, "", "--config", cfg, "--profile", "prod", "delete", "22", "--yes")
	if res.code != 1 || !strings.Contains(res.err.String(), "profile prod is protected") {
		t.Fatalf("protected, no terminal: %d %q", res.code, res.err.String())
	}
	fakeTerminal(t)
	res = runMain(t, env, "staging\n", "--config", cfg, "--profile", "prod", "restore", "31")
	if res.code != 1 || !strings.Contains(res.err.String(), "Type prod to restore") {
		t.Fatalf("protected, wrong name: %d %q", res.code, res.err.String())
	}
	res = runMain(t, env, "prod\n", "--config", cfg, "--profile", "prod", "restore", "31")
	if res.code != 0 || !strings.Contains(res.out.String(), "Restored") {
		t.Fatalf("protected, right name: %d %q %q", res.code, res.out.String(), res.err.String())
	}
	if deletes(srv) != 0 {
		t.Fatal("unexpected DELETE")
	}
	// Reads are not asked about.
	if res := runMain(t, env, "", "--config", cfg, "--profile", "prod", "get", "22"); res.code != 0 {
		t.Fatalf("read on a protected profile: %q", res.err.String())
	}
}

func TestTUIEnv(t *testing.T) {
	_, env := emulator(t)
	logFile := filepath.Join(t.TempDir(), "d.log")
	var got *Env
	tui := func(e *Env) error {
		got = e
		_, err := e.Client.GetDataSource(e.Ctx, 22)
		return err
	}
	hermetic(t)
	code := Main(t.Context(), []string{"--read-only", "--log-file", logFile}, IO{
		Out: &bytes.Buffer{}, Err: &bytes.Buffer{},
		Getenv: func(k string) string { return env[k] },
	}, tui)
	if code != 0 || got == nil {
		t.Fatalf("code %d", code)
	}
	if !got.Target.ReadOnly || !got.Client.ReadOnly() || !got.Debug || got.LogFile != logFile || got.Demo != nil || got.Config == nil || got.Target.TenantURL != env["IMMUTA_URL"] {
		t.Errorf("env = %+v", got)
	}
	if b, _ := os.ReadFile(logFile); !strings.Contains(string(b), "/dataSource/22") {
		t.Errorf("log: %s", b)
	}

	code = Main(t.Context(), []string{"--demo", "--demo-sources", "7"}, IO{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}, Getenv: func(string) string { return "" }}, tui)
	if code != 0 || got.Demo == nil || got.DemoSources != 7 || got.Target.Profile != "demo" || got.Demo.Handler.Len() != 7+len(immutatest.SeedIDs) {
		t.Errorf("--demo: code %d env %+v", code, got)
	}

	errb := &bytes.Buffer{}
	code = Main(t.Context(), nil, IO{Err: errb, Getenv: func(string) string { return "" }}, func(*Env) error { return errors.New("boom") })
	if code != 1 || !strings.Contains(errb.String(), "no Immuta connection") {
		t.Errorf("no connection for the TUI: %d %q", code, errb.String())
	}
}

func TestInterrupted(t *testing.T) {
	hermetic(t)
	_, env := emulator(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	errb := &bytes.Buffer{}
	code := Main(ctx, []string{"ls"}, IO{Out: &bytes.Buffer{}, Err: errb, Getenv: func(k string) string { return env[k] }}, nil)
	if code != ExitInterrupted || errb.String() != "error: interrupted\n" {
		t.Errorf("code %d %q", code, errb.String())
	}
}

func TestParseInterspersed(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	j := fs.Bool("json", false, "")
	n := fs.Int("n", 0, "")
	pos, err := parseInterspersed(fs, []string{"a", "--json", "b", "-n", "3", "--", "--not-a-flag"})
	if err != nil || !*j || *n != 3 || strings.Join(pos, " ") != "a b --not-a-flag" {
		t.Errorf("pos %q json %v n %d err %v", pos, *j, *n, err)
	}
}

func TestTable(t *testing.T) {
	var b bytes.Buffer
	tb := newTable("ID", "NAME", "X")
	tb.add("1", "日本", "a")
	tb.add("22", "ab", "")
	if err := tb.write(&b); err != nil {
		t.Fatal(err)
	}
	want := "ID  NAME  X\n1   日本  a\n22  ab\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestBlobRefusesTerminal(t *testing.T) {
	hermetic(t)
	old := isTerminal
	isTerminal = func(v any) bool { _, ok := v.(*bytes.Buffer); return ok }
	t.Cleanup(func() { isTerminal = old })
	srv, env := emulator(t)
	blob := srv.Handler.BlobIDs(22)[0]
	res := runMain(t, env, "", "blob", "22", blob)
	if res.code != 1 || res.out.Len() != 0 || !strings.Contains(res.err.String(), "refusing to write a blob to the terminal") {
		t.Fatalf("blob to a terminal: %d %q", res.code, res.err.String())
	}
	res = runMain(t, env, "", "blob", "22", blob, "-o", "-")
	if res.code != 0 || res.out.Len() == 0 {
		t.Fatalf("blob -o -: %d %q", res.code, res.err.String())
	}
}

func TestDescribeExceptions(t *testing.T) {
	cases := map[string]string{
		`{"operator":"or","conditions":[{"type":"groups","group":{"name":"A"}},{"type":"groups","group":{"name":"B"}}]}`: "members of group A or members of group B",
		`{"operator":"and","conditions":[{"type":"authorizations","authorization":{"auth":"Dept","value":"HR"}}]}`:       "users with Dept=HR",
		`{"conditions":[{"type":"purposes","purpose":"x"}]}`:                                                             `{"conditions":[{"type":"purposes","purpose":"x"}]}`,
		`null`: "",
	}
	for in, want := range cases {
		if got := describeExceptions([]byte(in)); got != want {
			t.Errorf("describeExceptions(%s) = %q, want %q", in, got, want)
		}
	}
}
