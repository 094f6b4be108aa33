package keymap

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

func press(s string) tea.KeyMsg {
	switch s {
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

func TestUserBindingReplacesDefault(t *testing.T) {
	k, err := Default().Apply(map[string][]string{"down": {"m"}, "mark": {"space", "z"}})
	if err != nil {
		t.Fatal(err)
	}
	if !key.Matches(press("m"), k.Down) {
		t.Error("m should move down")
	}
	if key.Matches(press("j"), k.Down) {
		t.Error("j must no longer move down: a user binding replaces the default")
	}
	if !key.Matches(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}, k.Mark) || !key.Matches(press("z"), k.Mark) {
		t.Error("space and z should mark")
	}
	if got := k.Down.Help(); got.Key != "m" || got.Desc != "down" {
		t.Errorf("help = %+v, want key m desc down", got)
	}
	if !key.Matches(press("j"), Default().Down) {
		t.Error("Apply must not change the defaults")
	}
}

func TestUnknownActionIsAnError(t *testing.T) {
	_, err := Default().Apply(map[string][]string{"dwon": {"x"}})
	if err == nil || !strings.Contains(err.Error(), `unknown action "dwon"`) || !strings.Contains(err.Error(), "down") {
		t.Fatalf("err = %v", err)
	}
	if _, err := Default().Apply(map[string][]string{"down": {}}); err == nil {
		t.Fatal("empty key list accepted")
	}
}

func TestWithoutWritesHidesActions(t *testing.T) {
	k := Default().WithoutWrites()
	if key.Matches(press("D"), k.Delete) || k.Delete.Enabled() {
		t.Error("delete still enabled in read-only")
	}
	if !key.Matches(press("D"), k.WriteKeys()[2]) {
		t.Error("WriteKeys should still recognise D")
	}
}

// config.example.toml documents every action name the [keys] table takes.
func TestConfigExampleListsEveryAction(t *testing.T) {
	b, err := os.ReadFile("../config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	doc, _, _ := strings.Cut(string(b), "[keys]")
	doc = doc[strings.LastIndex(doc, "# Key bindings"):]
	for _, name := range Names() {
		if !regexp.MustCompile(`\b` + name + `\b`).MatchString(doc) {
			t.Errorf("config.example.toml does not list the action %q", name)
		}
	}
}
