package viewtest

import (
	"reflect"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/keymap"
)

// KeyMsg builds, for every key a default binding holds, a message that
// binding matches: a test can press any binding by its key name.
func TestKeyMsgMatchesEveryBinding(t *testing.T) {
	k := keymap.Default()
	v := reflect.ValueOf(k)
	for i := 0; i < v.NumField(); i++ {
		b := v.Field(i).Interface().(key.Binding)
		for _, name := range b.Keys() {
			if msg := KeyMsg(name); !key.Matches(msg, b) {
				t.Errorf("%s: KeyMsg(%q) = %v (%q) does not match", v.Type().Field(i).Name, name, msg.Type, msg.String())
			}
		}
	}
	for name, want := range map[string]tea.KeyMsg{
		"space":  {Type: tea.KeySpace, Runes: []rune{' '}},
		"ctrl+d": {Type: tea.KeyCtrlD},
		"f5":     {Type: tea.KeyF5},
		"alt+x":  {Type: tea.KeyRunes, Runes: []rune("x"), Alt: true},
		"é":      {Type: tea.KeyRunes, Runes: []rune("é")},
	} {
		if got := KeyMsg(name); !reflect.DeepEqual(got, want) {
			t.Errorf("KeyMsg(%q) = %#v, want %#v", name, got, want)
		}
	}
	for _, name := range []string{"ctrl+d", "f5", "alt+x", "pgdown", "shift+tab", "ctrl+c"} {
		if got := KeyMsg(name).String(); got != name {
			t.Errorf("KeyMsg(%q).String() = %q", name, got)
		}
	}
}

// Press sends each binding's first key, as Key sends names.
func TestPress(t *testing.T) {
	v := &echoView{}
	d := &Driver{T: t, V: v}
	k := keymap.Default()
	d.Press(k.Accept, k.Mark, k.Down)
	var got []string
	for _, m := range v.got {
		if km, ok := m.(tea.KeyMsg); ok {
			got = append(got, km.String())
		}
	}
	if !reflect.DeepEqual(got, []string{"enter", " ", "down"}) {
		t.Errorf("pressed %q", got)
	}
}
