package fileform_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/views"
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
	if _, ok := viewtest.Last[views.CloseModalMsg](d); !ok || !m.Closed() {
		t.Error("esc did not close")
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
}
