package cli

// In-process governance tests: what needs a terminal (the revoke prompt,
// the progress bar).

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

func puts(srv *immutatest.Server) int {
	n := 0
	for _, q := range srv.Handler.Requests() {
		if q.Method == "PUT" {
			n++
		}
	}
	return n
}

func TestRevokeAsks(t *testing.T) {
	fakeTerminal(t)
	srv, env := emulator(t)
	res := runMain(t, env, "", "access", "16", "--state", "subscribed", "--limit", "5", "--json")
	var members []map[string]any
	if err := json.Unmarshal(res.out.Bytes(), &members); err != nil || len(members) == 0 {
		t.Fatalf("access: %v %q", err, res.out.String())
	}
	var u map[string]any
	for _, m := range members {
		if num(m["profile"]) != immutatest.CallerProfile {
			u = m
			break
		}
	}
	sid := strconv.FormatInt(num(u["subscriptionId"]), 10)
	name := u["name"].(string)
	prompt := "Revoke the subscribed access of " + name + " <" + u["email"].(string) + "> (user " +
		strconv.FormatInt(num(u["profile"]), 10) + ") to Web Sales (16)? [y/N] "

	// Enter alone means no, and so does a closed stdin.
	for _, answer := range []string{"\n", "", "n\n"} {
		res = runMain(t, env, answer, "revoke", "16", sid)
		if res.code != 1 || !strings.Contains(res.err.String(), prompt) || !strings.Contains(res.err.String(), "error: cancelled") {
			t.Fatalf("answer %q: %d %q", answer, res.code, res.err.String())
		}
	}
	// --state denied is a revoke too, and asks the same.
	res = runMain(t, env, "\n", "access", "set", "16", sid, "--state", "denied")
	if res.code != 1 || !strings.Contains(res.err.String(), prompt) {
		t.Fatalf("set denied: %d %q", res.code, res.err.String())
	}
	if puts(srv) != 0 {
		t.Fatal("PUT sent after answering no")
	}
	res = runMain(t, env, "y\n", "revoke", "16", sid)
	if res.code != 0 || !strings.Contains(res.out.String(), "Revoked the access of "+name) {
		t.Fatalf("yes: %d %q %q", res.code, res.out.String(), res.err.String())
	}
	if puts(srv) != 1 {
		t.Fatalf("%d PUTs for one revoke", puts(srv))
	}
	// Other states change access without asking.
	other := members[len(members)-1]
	if num(other["profile"]) != immutatest.CallerProfile && other["subscriptionId"] != u["subscriptionId"] {
		res = runMain(t, env, "", "access", "set", "16", strconv.FormatInt(num(other["subscriptionId"]), 10), "--state", "expert")
		if res.code != 0 || strings.Contains(res.err.String(), "[y/N]") {
			t.Fatalf("set expert: %d %q", res.code, res.err.String())
		}
	}
}

// A terminal's stderr gets a progress bar, cleared before the last line;
// the report is the same.
func TestAccessReportProgress(t *testing.T) {
	_, env := emulator(t)
	plain := runMain(t, env, "", "access-report")
	if plain.code != 0 || strings.Contains(plain.err.String(), "\r") {
		t.Fatalf("no terminal: %d %q", plain.code, plain.err.String())
	}
	old := isTerminal
	isTerminal = func(v any) bool { _, ok := v.(*bytes.Buffer); return ok }
	t.Cleanup(func() { isTerminal = old })
	path := filepath.Join(t.TempDir(), "r.csv")
	res := runMain(t, env, "", "access-report", "-o", path)
	if got, err := os.ReadFile(path); res.code != 0 || err != nil || string(got) != plain.out.String() {
		t.Fatalf("with a progress bar the report changed: %d %q %v", res.code, res.err.String(), err)
	}
	n := len(immutatest.SeedIDs) + 5
	e := res.err.String()
	if !strings.Contains(e, "\r\x1b[K") || !strings.Contains(e, strconv.Itoa(n)+"/"+strconv.Itoa(n)+" sources") || !strings.Contains(e, "\r\x1b[Kwrote ") {
		t.Errorf("progress: %q", e)
	}
	// Rows on the same terminal: no bar to tear them.
	isTerminal = func(any) bool { return true }
	res = runMain(t, env, "", "access-report")
	if res.code != 0 || strings.Contains(res.err.String(), "\r") || res.out.String() != plain.out.String() {
		t.Errorf("rows on the terminal: %d %q", res.code, res.err.String())
	}
}
