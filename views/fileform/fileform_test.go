package fileform_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/views/fileform"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

func form(t *testing.T, submit func(p, f string) (tea.Cmd, string)) (*fileform.Model, *viewtest.Driver) {
	t.Helper()
	m := fileform.New(viewtest.Context(&viewtest.FakeAPI{}), fileform.Spec{
		Title: "Export", Intro: "Writes things.", Formats: []string{"csv", "json", "ndjson"},
		DefaultPath: func(f string) string { return "./out." + f },
		Submit:      submit,
	})
	return m, viewtest.New(t, m, 80, 20)
}

// The default follows the format until a name is typed; a first letter
// picks a format; an empty name is one clear line; the submit's hint
// keeps the form open with the input; esc closes without submitting.
func TestForm(t *testing.T) {
	var got []string
	hint := ""
	m, d := form(t, func(p, f string) (tea.Cmd, string) {
		got = append(got, f+" "+p)
		return nil, hint
	})
	d.Key("tab", "n")
	if m.Format() != "ndjson" || m.Path() != "./out.ndjson" {
		t.Fatalf("n: %q %q", m.Format(), m.Path())
	}
	d.Key("left")
	if m.Format() != "json" || m.Path() != "./out.json" {
		t.Fatalf("left: %q %q", m.Format(), m.Path())
	}
	d.Key("tab")
	d.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
	d.Key("ctrl+s")
	if m.Hint() != "A file name is required." || len(got) != 0 {
		t.Errorf("empty name: %q %v", m.Hint(), got)
	}
	d.Type("mine.json")
	d.Key("tab", "c")
	if m.Path() != "mine.json" || m.Format() != "csv" {
		t.Errorf("a typed name moved with the format: %q %q", m.Path(), m.Format())
	}
	hint = "No, not there."
	d.Key("enter")
	if m.Hint() != hint || m.Closed() || m.Path() != "mine.json" {
		t.Errorf("refused: %q closed=%v %q", m.Hint(), m.Closed(), m.Path())
	}
	hint = ""
	d.Key("enter")
	if !m.Closed() || len(got) != 2 || got[1] != "csv mine.json" {
		t.Errorf("submitted %v closed=%v", got, m.Closed())
	}
	m, d = form(t, func(string, string) (tea.Cmd, string) { t.Fatal("submitted"); return nil, "" })
	d.Key("esc")
	if !m.Closed() {
		t.Error("esc did not close")
	}
}

// A rebound back key closes the form, as esc does by default; h and l
// are typed in the file name, and move between formats in the format row.
func TestReboundBackAndLetters(t *testing.T) {
	sess := viewtest.Context(&viewtest.FakeAPI{})
	keys, err := sess.Keys.Apply(map[string][]string{"back": {"ctrl+g"}})
	if err != nil {
		t.Fatal(err)
	}
	sess.Keys = keys
	m := fileform.New(sess, fileform.Spec{
		Title: "Export", Intro: "Writes things.", Formats: []string{"csv", "json", "ndjson"},
		DefaultPath: func(f string) string { return "./out." + f },
		Submit:      func(string, string) (tea.Cmd, string) { t.Fatal("submitted"); return nil, "" },
	})
	d := viewtest.New(t, m, 80, 20)
	d.Key("h", "l")
	if m.Path() != "./out.csvhl" || m.Format() != "csv" {
		t.Errorf("h l in the name: %q %q", m.Path(), m.Format())
	}
	d.Key("tab", "l")
	if m.Format() != "json" {
		t.Errorf("l in the format row: %q", m.Format())
	}
	d.Key("h")
	if m.Format() != "csv" {
		t.Errorf("h in the format row: %q", m.Format())
	}
	d.Key("esc")
	if m.Closed() {
		t.Fatal("esc closed the form, but back is ctrl+g")
	}
	d.Send(tea.KeyMsg{Type: tea.KeyCtrlG})
	if !m.Closed() {
		t.Fatal("the rebound back key did not close the form")
	}
}

// Create never overwrites, and says why in one line.
func TestCreate(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.csv")
	f, hint := fileform.Create(p)
	if hint != "" {
		t.Fatal(hint)
	}
	f.Close()
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	if _, hint := fileform.Create(p); !strings.Contains(hint, "already exists") {
		t.Errorf("existing: %q", hint)
	}
	if _, hint := fileform.Create(filepath.Join(dir, "no", "a.csv")); !strings.Contains(hint, "does not exist") {
		t.Errorf("missing folder: %q", hint)
	}
	// ~/ is the home folder (it said "The folder ~ does not exist.").
	t.Setenv("HOME", dir)
	f, hint = fileform.Create("~/b.csv")
	if hint != "" {
		t.Fatalf("~/b.csv: %s", hint)
	}
	f.Close()
	if _, err := os.Stat(filepath.Join(dir, "b.csv")); err != nil {
		t.Errorf("~/b.csv not in the home folder: %v", err)
	}
}

// The offered name moves on to the next free one when the file is there:
// out-2.csv, then out-3.csv; another format's free name is kept as is.
func TestDefaultNameMovesToTheNextFree(t *testing.T) {
	dir := t.TempDir()
	spec := fileform.Spec{
		Title: "Export", Formats: []string{"csv", "json"},
		DefaultPath: func(f string) string { return filepath.Join(dir, "out."+f) },
		Submit:      func(string, string) (tea.Cmd, string) { return nil, "" },
	}
	sess := viewtest.Context(&viewtest.FakeAPI{})
	if m := fileform.New(sess, spec); m.Path() != filepath.Join(dir, "out.csv") {
		t.Fatalf("nothing there: %q", m.Path())
	}
	for _, want := range []string{"out-2.csv", "out-3.csv"} {
		prev := fileform.New(sess, spec).Path()
		if err := os.WriteFile(prev, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		m := fileform.New(sess, spec)
		if m.Path() != filepath.Join(dir, want) {
			t.Fatalf("after %s: offered %q, want %s", filepath.Base(prev), m.Path(), want)
		}
		if _, hint := fileform.Create(m.Path()); hint != "" {
			t.Fatalf("the offered name is taken: %s", hint)
		}
		os.Remove(m.Path())
		m.SetFormat(1)
		if m.Path() != filepath.Join(dir, "out.json") {
			t.Errorf("json: %q", m.Path())
		}
	}
}
