package keymap

import (
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// The defaults share no key where two bindings are both active, and no
// binding that works while text is typed is a printable key.
func TestDefaultsHaveNoConflicts(t *testing.T) {
	k := Default()
	if err := k.conflicts(); err != nil {
		t.Fatal(err)
	}
	for _, a := range actions {
		for _, s := range a.field(&k).Keys() {
			if err := checkKey(a, s); err != nil {
				t.Error(err)
			}
		}
	}
	if _, err := Default().Apply(nil); err != nil {
		t.Fatal(err)
	}
}

// Each kind of conflict is refused with one line naming the key, both
// actions and where they meet.
func TestConflictsRefused(t *testing.T) {
	for _, c := range []struct {
		keys map[string][]string
		want string
	}{
		{map[string][]string{"export": {"a"}}, `[keys]: "a" is bound to both access and export on the list screen`},
		{map[string][]string{"member_filters": {"x"}}, `[keys]: "x" is bound to both member_filters and expand_groups on the access screen`},
		// a global key shadows a screen's key
		{map[string][]string{"quit": {"f"}}, `[keys]: "f" is bound to both quit and member_filters on the access screen`},
		{map[string][]string{"confirm": {"n"}}, `[keys]: "n" is bound to both confirm and cancel on dialogs and forms`},
		{map[string][]string{"complete": {"up"}}, `[keys]: "up" is bound to both complete and history_prev on the command line`},
		{map[string][]string{"cursor_down": {"tab"}}, `[keys]: "tab" is bound to both server_search and cursor_down on a filter line`},
		{map[string][]string{"cursor_down": {"shift+tab"}}, `[keys]: "shift+tab" is bound to both prev_field and cursor_down on the copy menu`},
		{map[string][]string{"move_down": {"space"}}, `[keys]: "space" is bound to both mark and move_down on the column menu`},
		// the copy menu's letters are its items
		{map[string][]string{"copy": {"i"}}, `[keys]: "i" is bound to both copy and a copy menu item on the copy menu`},
		// in read-only mode the root answers the list's writes on every
		// screen: a read sharing the key elsewhere would never run there
		{map[string][]string{"expand_groups": {"s"}}, `[keys]: "s" is bound to both subscribe and expand_groups on the access screen (in read-only mode subscribe says so on every screen)`},
		{map[string][]string{"subscribe": {"x"}}, `[keys]: "x" is bound to both subscribe and export on the list screen`},
	} {
		_, err := Default().Apply(c.keys)
		if err == nil || err.Error() != c.want {
			t.Errorf("%v: err = %v\nwant %s", c.keys, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: not one line: %q", c.keys, err)
		}
	}
}

// Bindings never active together may share a key; so may two writes (in
// read-only mode both say so), and one binding listing a key twice.
func TestSharedKeysWhereNotBothActive(t *testing.T) {
	for _, keys := range []map[string][]string{
		{"approve": {"e"}},              // inbox vs access
		{"confirm": {"o"}},              // dialogs vs screens
		{"revoke": {"s"}},               // two writes
		{"accept": {"ctrl+m", "enter"}}, // text keys that type nothing
		{"mark": {"space", "space"}},
		{"quit": {"q", "ctrl+c"}}, // ctrl+c quits anyway
		{"back": {"esc", "ctrl+g"}},
		{"down": {"down", "j", "ctrl+n"}}, // add_pair is the S3 form's, history_next the command line's
	} {
		if _, err := Default().Apply(keys); err != nil {
			t.Errorf("%v: %v", keys, err)
		}
	}
}

// A binding that works while a text field (or the command line) has
// focus cannot be a key that types: it would eat the letter.
func TestPrintableKeysRefusedInTextFields(t *testing.T) {
	for _, c := range []struct {
		keys map[string][]string
		want string
	}{
		{map[string][]string{"back": {"q"}}, `[keys]: back = "q": back works while a text field has focus, where "q" is typed; bind it to a key that types nothing (enter, tab, ctrl+…, f1…)`},
		{map[string][]string{"accept": {"space"}}, `[keys]: accept = "space": accept works while a text field has focus`},
		{map[string][]string{"cursor_up": {"k"}}, `cursor_up = "k"`},
		{map[string][]string{"next_field": {"ctrl+i", "J"}}, `next_field = "J"`},
		{map[string][]string{"history_prev": {"é"}}, `history_prev = "é": history_prev works while the command line has focus`},
		{map[string][]string{"erase": {"x"}}, `erase = "x"`},
	} {
		_, err := Default().Apply(c.keys)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) && !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want %s", c.keys, err, c.want)
		}
	}
}

// ctrl+c always quits and ctrl+z always suspends: no other action takes them.
func TestReservedKeysRefused(t *testing.T) {
	for keys, want := range map[string]string{
		"delete": `[keys]: delete = "ctrl+c": ctrl+c always quits and cannot be bound to another action`,
		"quit":   `[keys]: quit = "ctrl+z": ctrl+z always suspends and cannot be bound to another action`,
	} {
		k := "ctrl+c"
		if keys == "quit" {
			k = "ctrl+z"
		}
		_, err := Default().Apply(map[string][]string{keys: {k}})
		if err == nil || err.Error() != want {
			t.Errorf("%s: err = %v, want %s", keys, err, want)
		}
	}
}

// The write actions are declared once, in the table: WithoutWrites
// disables exactly them, and every one of them is in one of the lists the
// screens use to say "read-only".
func TestWritesDeclaredOnce(t *testing.T) {
	want := []string{"subscribe", "create", "delete", "restore", "unsubscribe",
		"edit_member", "revoke", "add_member", "approve", "deny", "add_tag", "remove_tag"}
	var got []string
	ro := Default().WithoutWrites()
	for _, a := range actions {
		if a.write {
			got = append(got, a.name)
		}
		if b := a.field(&ro); b.Enabled() == a.write {
			t.Errorf("%s: enabled=%v in read-only, write=%v", a.name, b.Enabled(), a.write)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("writes = %v, want %v (a write must stay a write: read-only mode disables it)", got, want)
	}
	k := Default()
	lists := [][]key.Binding{ro.WriteKeys(), ro.MemberWriteKeys(), ro.DecisionWriteKeys(), ro.TagWriteKeys()}
	n := 0
	for _, l := range lists {
		for _, b := range l {
			n++
			if !b.Enabled() {
				t.Errorf("%s: a write list must hold enabled bindings (to match the key)", b.Help().Desc)
			}
			if !k.IsWrite(b) {
				t.Errorf("%s in a write list is not a write", b.Help().Desc)
			}
		}
	}
	if n != len(want) {
		t.Errorf("the write lists hold %d bindings, want each of the %d writes once", n, len(want))
	}
	if names := descs(ro.WriteKeys()); !slices.Equal(names, []string{"subscribe", "create S3", "disable/delete", "restore", "unsubscribe"}) {
		t.Errorf("WriteKeys = %v (index 3 is the undo key)", names)
	}
	if names := descs(ro.TagWriteKeys()); !slices.Equal(names, []string{"add tag", "remove tag"}) {
		t.Errorf("TagWriteKeys = %v", names)
	}
	if k.IsWrite(k.Open) || !k.IsWrite(Help("x", k.Revoke)) {
		t.Error("IsWrite")
	}
}

func descs(bs []key.Binding) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.Help().Desc)
	}
	return out
}

// Every action's scope is somewhere, and the scope names read well.
func TestScopes(t *testing.T) {
	for _, a := range actions {
		if a.in == 0 || a.in&^Everywhere != 0 {
			t.Errorf("%s: scope %b", a.name, a.in)
		}
	}
	if len(scopeNames) != 16 || FormField.String() != "a form's text field" || Typing.String() != "a filter line" || (Access|Inbox).String() != "the access screen" || Scope(0).String() != "nowhere" {
		t.Error("scope names")
	}
}

func TestHelpEntries(t *testing.T) {
	k := Default()
	for _, c := range []struct {
		b       key.Binding
		keyText string
		desc    string
	}{
		{Help("keep filter", k.Accept), "enter", "keep filter"},
		{Help("what they see", k.Up), "↑/k", "what they see"},
		{Help("cancel", k.Cancel, k.Back), "n/esc", "cancel"},
		{Help("choose", k.Left, k.Right), "←/→", "choose"},
		{Help("scroll", k.Up, k.Down, k.PageUp, k.PageDown), "↑/↓/pgup/pgdn", "scroll"},
		{Help("toggle", k.Mark), "space", "toggle"},
		{Busy("working"), "…", "working"},
		{AnyKey("close help"), "any other key", "close help"},
		{CopyItems("copy"), "i/n/t/c/u/j", "copy"},
	} {
		if h := c.b.Help(); h.Key != c.keyText || h.Desc != c.desc || !c.b.Enabled() {
			t.Errorf("%+v enabled=%v, want %q %q", h, c.b.Enabled(), c.keyText, c.desc)
		}
	}
	if b := Help("cancel", k.Cancel, k.Back); !key.Matches(press("n"), b) || !key.Matches(press("esc"), b) {
		t.Error("Help matches each binding's keys")
	}
	ro := k.WithoutWrites()
	if Help("revoke", ro.Revoke).Enabled() || Help("x", ro.Revoke, ro.Approve).Enabled() {
		t.Error("a disabled binding's entry must stay hidden")
	}
	if b := Help("edit", ro.EditMember, k.Back); b.Help().Key != "esc" {
		t.Errorf("disabled bindings are left out: %q", b.Help().Key)
	}
	if !Typed(press("x")) || !Typed(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}) || Typed(press("esc")) {
		t.Error("Typed")
	}
}
