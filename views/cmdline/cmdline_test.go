package cmdline

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views/styles"
)

func TestRunFiltersCombine(t *testing.T) {
	env := Env{}
	step := func(line string) apiclient.ListOptions {
		t.Helper()
		r, err := Run(line, env)
		if err != nil || r.Kind != Filter {
			t.Fatalf("%s: %+v, %v", line, r, err)
		}
		env.Current = r.Opts
		return r.Opts
	}
	step(":failed")
	step("tag PII")
	step(":tag GDPR")
	step(":tag PII") // already on: not sent twice
	step(":handler Native S3")
	step(":schema public")
	step(":search claims events")
	got := step(":mine")
	want := apiclient.ListOptions{Status: []string{"failed"}, Tag: []string{"PII", "GDPR"}, BlobHandlerType: []string{"Native S3"},
		Schema: "public", SearchText: "claims events", Subscription: []string{"owner"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v\nwant %#v", got, want)
	}
	if l := Label(got); l != `status:failed sub:mine tag:PII tag:GDPR handler:"Native S3" schema:public search:"claims events"` {
		t.Errorf("label %q", l)
	}
	// :passed replaces :failed; :pending replaces :mine.
	step(":passed")
	got = step(":pending")
	if !reflect.DeepEqual(got.Status, []string{"passed"}) || !reflect.DeepEqual(got.Subscription, []string{"pending"}) {
		t.Errorf("status %v subscription %v", got.Status, got.Subscription)
	}
	if got := step(":all"); !reflect.DeepEqual(got, apiclient.ListOptions{}) || Label(got) != "" {
		t.Errorf(":all left %#v", got)
	}
}

func TestRunDoesNotChangeTheCallersFilters(t *testing.T) {
	cur := apiclient.ListOptions{Tag: make([]string, 1, 4)}
	cur.Tag[0] = "A"
	if _, err := Run(":tag B", Env{Current: cur}); err != nil {
		t.Fatal(err)
	}
	if len(cur.Tag) != 1 || cur.Tag[:2][1] != "" {
		t.Errorf("the caller's slice was written: %v", cur.Tag[:2])
	}
}

func TestRunOtherCommands(t *testing.T) {
	env := Env{Profiles: []string{"prod", "staging"}, Views: map[string]apiclient.ListOptions{
		"broken": {Status: []string{"failed"}, SortField: "createdAt", SortOrder: "desc"}}}
	for _, tc := range []struct {
		line string
		want Result
	}{
		{":requests", Result{Kind: Requests}},
		{":log", Result{Kind: Log}},
		{":help", Result{Kind: Help}},
		{":q", Result{Kind: Quit}},
		{":quit", Result{Kind: Quit}},
		{":ctx staging", Result{Kind: Ctx, Arg: "staging"}},
		{":export CSV /tmp/a b.csv", Result{Kind: Export, Arg: "csv", Path: "/tmp/a b.csv"}},
		{":export ndjson", Result{Kind: Export, Arg: "ndjson"}},
		{":broken", Result{Kind: Filter, Opts: env.Views["broken"], Said: "view broken"}},
		{"  :FAILED  ", Result{Kind: Filter, Opts: apiclient.ListOptions{Status: []string{"failed"}}}},
		{":sort createdat DESC", Result{Kind: Filter, Opts: apiclient.ListOptions{SortField: "createdAt", SortOrder: "desc"}}},
		{":sort recordCount", Result{Kind: Filter, Opts: apiclient.ListOptions{SortField: "recordCount", SortOrder: "asc"}}},
	} {
		got, err := Run(tc.line, env)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: %+v, %v; want %+v", tc.line, got, err, tc.want)
		}
	}
}

func TestRunErrorsAreOneClearLine(t *testing.T) {
	env := Env{Profiles: []string{"prod", "staging"}}
	for line, want := range map[string]string{
		":nope":           `unknown command ":nope" (tab lists the commands)`,
		":":               "no command (tab lists them)",
		":ctx":            ":ctx needs a PROFILE (known: prod, staging)",
		":ctx dev":        `unknown profile "dev" (known: prod, staging)`,
		":tag":            ":tag needs a tag NAME",
		":handler":        ":handler needs a handler NAME",
		":schema":         ":schema needs a schema NAME",
		":export xml f":   ":export needs a FORMAT: csv, json, ndjson, then a FILE (optional)",
		":failed now":     ":failed takes no argument",
		":all everything": ":all takes no argument",
		":sort id":        ":sort needs a FIELD (createdAt, name, blobHandlerType, subscriptionStatus, recordCount, status, policy, editable), then asc or desc",
		":sort name up":   ":sort needs a FIELD (createdAt, name, blobHandlerType, subscriptionStatus, recordCount, status, policy, editable), then asc or desc",
	} {
		_, err := Run(line, env)
		if err == nil || err.Error() != want {
			t.Errorf("%q: %v, want %q", line, err, want)
		}
	}
	if _, err := Run(":ctx x", Env{}); err == nil || !strings.Contains(err.Error(), "no profiles are defined") {
		t.Errorf("no profiles: %v", err)
	}
}

func TestComplete(t *testing.T) {
	env := Env{Profiles: []string{"prod", "staging", "demo"}, Views: map[string]apiclient.ListOptions{"pii": {}, "broken": {}},
		Handlers: []string{"Native S3", "Snowflake"}, Tags: []string{"GDPR", "PII"}}
	for line, want := range map[string][]string{
		"":            append(Builtins()[:0:0], append(withArgSpace(), "broken", "pii")...),
		"p":           {"passed", "pending", "pii"},
		":pa":         {"passed"},
		"ta":          {"tag "},
		"ctx ":        {"ctx prod", "ctx staging", "ctx demo"},
		"ctx st":      {"ctx staging"},
		"export ":     {"export csv", "export json", "export ndjson"},
		"export nd":   {"export ndjson"},
		"export csv ": nil,
		"failed ":     nil,
		"handler n":   {"handler Native S3"},
		"handler ":    {"handler Native S3", "handler Snowflake"},
		"tag p":       {"tag PII"},
		"sort s":      {"sort subscriptionStatus", "sort status"},
		"zz":          nil,
	} {
		if got := Complete(line, env); !reflect.DeepEqual(got, want) {
			t.Errorf("Complete(%q) = %q, want %q", line, got, want)
		}
	}
}

func withArgSpace() []string {
	var out []string
	for _, c := range builtins {
		out = append(out, c.name+argSpace(c.arg))
	}
	return out
}

func press(k string) tea.KeyMsg {
	switch k {
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

func newModel(env Env, h *History) *Model {
	return New(keymap.Default(), styles.New(styles.NoColor), env, h, 80)
}

func typeIn(m *Model, keys ...string) Outcome {
	var out Outcome
	for _, k := range keys {
		out, _ = m.Update(press(k))
	}
	return out
}

func TestModelTabCompletesAndCycles(t *testing.T) {
	env := Env{Profiles: []string{"prod", "staging"}}
	m := newModel(env, nil)
	typeIn(m, "f", "tab")
	if m.Value() != "failed" {
		t.Errorf("f tab: %q", m.Value())
	}
	m = newModel(env, nil)
	typeIn(m, "p", "tab")
	if m.Value() != "passed" || !strings.Contains(m.Hints(), "pending") {
		t.Errorf("p tab: %q, hints %q", m.Value(), m.Hints())
	}
	typeIn(m, "tab")
	if m.Value() != "pending" {
		t.Errorf("p tab tab: %q", m.Value())
	}
	typeIn(m, "tab")
	if m.Value() != "passed" {
		t.Errorf("cycling wraps: %q", m.Value())
	}
	m = newModel(env, nil)
	typeIn(m, "c", "tab", "s", "tab")
	if m.Value() != "ctx staging" {
		t.Errorf("c tab s tab: %q", m.Value())
	}
	if out := typeIn(m, "enter"); out != Submitted || m.Line != "ctx staging" {
		t.Errorf("enter: %v %q", out, m.Line)
	}
}

func TestModelCancels(t *testing.T) {
	m := newModel(Env{}, nil)
	if typeIn(m, "f", "esc") != Cancelled {
		t.Error("esc does not cancel")
	}
	m = newModel(Env{}, nil)
	if typeIn(m, "backspace") != Cancelled {
		t.Error("backspace on an empty line does not cancel")
	}
	m = newModel(Env{}, nil)
	if typeIn(m, "enter") != Cancelled {
		t.Error("enter on an empty line runs something")
	}
	// A rebound back key cancels; esc then is only a key like another.
	keys, err := keymap.Default().Apply(map[string][]string{"back": {"ctrl+g"}})
	if err != nil {
		t.Fatal(err)
	}
	m = New(keys, styles.New(styles.NoColor), Env{}, nil, 80)
	if out, _ := m.Update(tea.KeyMsg{Type: tea.KeyEsc}); out != Editing {
		t.Error("esc cancelled, but back is ctrl+g")
	}
	if out, _ := m.Update(tea.KeyMsg{Type: tea.KeyCtrlG}); out != Cancelled {
		t.Error("the rebound back key does not cancel")
	}
}

func TestHistoryPersistsBoundedAndPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "dsbrowse", HistoryFile)
	h := LoadHistory(path)
	m := newModel(Env{}, h)
	typeIn(m, "f", "a", "i", "l", "e", "d", "enter")
	if msg := m.Submit(m.Line)(); msg != nil {
		t.Fatal(msg)
	}
	m = newModel(Env{}, h)
	typeIn(m, "t", "a", "g", " ", "P", "I", "I", "enter")
	if msg := m.Submit(m.Line)(); msg != nil {
		t.Fatal(msg)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("history mode %v, want 0600", fi.Mode().Perm())
	}
	if b, _ := os.ReadFile(path); string(b) != "failed\ntag PII\n" {
		t.Errorf("file %q", b)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}

	// Another run reads it back: up walks from the newest; down returns to
	// what was typed.
	m = newModel(Env{}, LoadHistory(path))
	typeIn(m, "x", "up")
	if m.Value() != "tag PII" {
		t.Errorf("up: %q", m.Value())
	}
	typeIn(m, "up", "up")
	if m.Value() != "failed" {
		t.Errorf("up up up: %q", m.Value())
	}
	typeIn(m, "down", "down")
	if m.Value() != "x" {
		t.Errorf("back to the draft: %q", m.Value())
	}

	// Bounded: the oldest go; a repeated command moves to the end.
	h = LoadHistory(path)
	for i := range MaxHistory + 50 {
		h.Add("search " + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + string(rune('a'+i/26)))
	}
	h.Add("failed")
	if err := h.Save(h.Entries()); err != nil {
		t.Fatal(err)
	}
	e := LoadHistory(path).Entries()
	if len(e) != MaxHistory || e[len(e)-1] != "failed" {
		t.Errorf("%d entries, last %q", len(e), e[len(e)-1])
	}
	if h.Add(strings.Repeat("é", MaxLine)); len(h.Entries()[len(h.Entries())-1]) > MaxLine {
		t.Error("a long line is kept whole")
	}
}

func TestHistoryIgnoresADamagedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), HistoryFile)
	junk := "ok\n\x00\x1b[2J\xff\n" + strings.Repeat("y", 10*MaxLine) + "\n"
	if err := os.WriteFile(path, []byte(junk), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, e := range LoadHistory(path).Entries() {
		if strings.ContainsAny(e, "\x00\x1b") || len(e) > MaxLine {
			t.Errorf("entry %q kept", e)
		}
	}
	if e := LoadHistory(filepath.Join(t.TempDir(), "none")).Entries(); len(e) != 0 {
		t.Errorf("missing file: %v", e)
	}
}

// Tab past the candidates the row has room for: the row moves on so the
// one in the line is shown (saved views, listed last, were never seen).
func TestHintsFollowTheCandidate(t *testing.T) {
	env := Env{Profiles: []string{"prod"}, Views: map[string]apiclient.ListOptions{"broken": {}}}
	m := newModel(env, nil)
	typeIn(m, "tab")
	if h := ansi.Strip(m.Hints()); strings.Contains(h, "broken") || !strings.HasSuffix(strings.TrimSpace(h), "…") {
		t.Fatalf("80 columns should not hold every command: %q", h)
	}
	for range 40 {
		if m.Value() == "broken" {
			break
		}
		typeIn(m, "tab")
	}
	if m.Value() != "broken" {
		t.Fatalf("tab never reached the saved view: %q", m.Value())
	}
	h := ansi.Strip(m.Hints())
	if !strings.Contains(h, "broken") || !strings.HasPrefix(h, "…") || ansi.StringWidth(h) > 80 {
		t.Errorf("hints with broken in the line: %q", h)
	}
	typeIn(m, "tab") // wraps to the first: the row starts at the beginning again
	if h := ansi.Strip(m.Hints()); !strings.HasPrefix(h, "failed") {
		t.Errorf("after wrapping: %q", h)
	}
}
