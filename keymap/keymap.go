// Package keymap holds every key binding of the TUI. Bindings are
// key.Bindings so that the help view is built from them, and each has a name
// under which the config's [keys] table can replace it.
//
// One table (actions) declares each binding once: its config name, default
// keys, help text, the screens and contexts it is active in (its Scope) and
// whether it writes. Default, Names, Apply, WithoutWrites and the per-screen
// write lists are all read from it.
package keymap

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// KeyMap is the whole set of bindings. Views pick the ones they use.
type KeyMap struct {
	// Global
	Quit, Back, Help, Refresh key.Binding
	// Movement
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	// Data sources list
	Open, Filter, ServerSearch, Access, Visibility, Sort, SortReverse key.Binding
	// Detail
	Raw, NextSection key.Binding
	// Actions
	Subscribe, Create, Delete, Restore, Mark, AddPair key.Binding
	// RemovePair removes the focused name/prefix pair of the S3 form
	RemovePair key.Binding
	// Unsubscribe leaves a source the caller is subscribed to
	Unsubscribe key.Binding
	// Forms and dialogs
	Submit, Confirm, Cancel, NextField, PrevField key.Binding
	// Access view: the server-side filters and sort, and the member writes
	MemberFilters, ExpandGroups, EditMember, Revoke, AddMember key.Binding
	// Pending requests inbox (Requests opens it from the list) and the
	// access report export
	Requests, Approve, Deny, Report key.Binding
	// Tags and columns: Columns opens the data dictionary (list and
	// detail); AddTag and RemoveTag are the detail's tag writes
	Columns, AddTag, RemoveTag key.Binding
	// RequestLog opens the session's request log (from any screen)
	RequestLog key.Binding
	// Copy opens the copy menu (y, then a letter copies at once); OpenWeb
	// opens the source in the Immuta web UI; Export writes the list's
	// visible or marked rows to a file.
	Copy, OpenWeb, Export key.Binding
	// Command opens the : command line (any screen without a text field);
	// in it, Complete completes the word and HistoryPrev/HistoryNext walk
	// the commands run before (kept across runs).
	Command, Complete, HistoryPrev, HistoryNext key.Binding
	// ListColumns opens the list's column menu (show, hide, reorder);
	// in it, MoveUp and MoveDown move the column under the cursor.
	ListColumns, MoveUp, MoveDown key.Binding
	// FindNext and FindPrev go to the next and previous match of a / search
	// within a page (the detail and its raw JSON).
	FindNext, FindPrev key.Binding
	// Accept takes what was typed or chosen: a filter, a search, a menu
	// item, a dialog's focused button.
	Accept key.Binding
	// Left and Right move between choices (dialog buttons, a form's
	// options) where no text field has focus.
	Left, Right key.Binding
	// CursorUp and CursorDown move the cursor while a text field has focus
	// (a filter being typed, a form's fields) and in the copy menu (whose
	// letters are its items): keys that type nothing.
	CursorUp, CursorDown key.Binding
	// Erase, in an empty command line, closes it (as in vim).
	Erase key.Binding
}

// Scope is a set of the screens and contexts a binding is active in. Two
// bindings sharing a key in a shared scope conflict: [keys] overrides that
// make one are refused.
type Scope uint32

// The screens (views on the stack, no text field focused: the root's
// global keys act there first) and the contexts that take every key
// themselves (menus, modals, text fields).
const (
	List        Scope = 1 << iota // the data sources list
	Detail                        // a source's detail (and its raw JSON)
	Access                        // a source's access table
	Report                        // the report pages: my visibility, a member's access
	Inbox                         // the pending requests inbox
	Columns                       // the data dictionary
	RequestLog                    // the request log
	ColumnMenu                    // the list's column menu
	MemberMenu                    // the access table's filter and sort menu
	CopyMenu                      // the copy menu (its letters are its items)
	Dialog                        // the confirm dialog; the member, tag and decision forms (no text field focused)
	S3Form                        // the create-S3 form (no text field focused: its discard prompt)
	FileForm                      // the export / report file form (no text field focused)
	CommandLine                   // the : command line
	FilterLine                    // a screen's filter or search line is typed in
	FormField                     // a text field of a form or dialog has focus

	// Screens are the views on the stack: the global keys and the movement
	// keys act on each of them.
	Screens = List | Detail | Access | Report | Inbox | Columns | RequestLog
	// Typing is any text field but the command line.
	Typing = FilterLine | FormField
	// Text is where keys are typed: a binding active there must not be a
	// printable character.
	Text = CommandLine | Typing
	// Dialogs are the modals with fields and buttons.
	Dialogs = Dialog | S3Form | FileForm
	// Everywhere is every scope.
	Everywhere = Screens | ColumnMenu | MemberMenu | CopyMenu | Dialogs | Text
)

// scopeNames name the scopes in messages, in bit order.
var scopeNames = []string{
	"the list screen", "the detail screen", "the access screen", "the report pages",
	"the pending requests inbox", "the data dictionary", "the request log",
	"the column menu", "the access filter menu", "the copy menu",
	"dialogs and forms", "the S3 form", "the export form", "the command line", "a filter line", "a form's text field",
}

// String names the first scope in s ("the list screen").
func (s Scope) String() string {
	for i, n := range scopeNames {
		if s&(1<<i) != 0 {
			return n
		}
	}
	return "nowhere"
}

// action is one row of the binding table.
type action struct {
	name  string // in [keys]
	field func(*KeyMap) *key.Binding
	keys  []string
	help  string
	in    Scope // where it is active
	write bool  // disabled in read-only mode
}

// actions is the one table of bindings. The scopes say where views use
// each binding (grep Keys.X / k.X in views and ui/tui); a binding used in a
// new place must have that place added here, or a conflicting override
// goes unnoticed.
var actions = []action{
	// Global keys: the root takes them on every screen before the view.
	{"quit", func(k *KeyMap) *key.Binding { return &k.Quit }, []string{"q"}, "quit", Screens | ColumnMenu | CopyMenu | Dialog, false},
	{"back", func(k *KeyMap) *key.Binding { return &k.Back }, []string{"esc"}, "back", Everywhere, false},
	{"help", func(k *KeyMap) *key.Binding { return &k.Help }, []string{"?"}, "help", Screens, false},
	{"refresh", func(k *KeyMap) *key.Binding { return &k.Refresh }, []string{"r"}, "refresh", Screens, false},

	// Movement: every screen and the menus that list things.
	{"up", func(k *KeyMap) *key.Binding { return &k.Up }, []string{"up", "k"}, "up", Screens | ColumnMenu | MemberMenu | Dialog, false},
	{"down", func(k *KeyMap) *key.Binding { return &k.Down }, []string{"down", "j"}, "down", Screens | ColumnMenu | MemberMenu | Dialog, false},
	{"page_up", func(k *KeyMap) *key.Binding { return &k.PageUp }, []string{"pgup", "ctrl+b"}, "page up", Screens | ColumnMenu | MemberMenu, false},
	{"page_down", func(k *KeyMap) *key.Binding { return &k.PageDown }, []string{"pgdown", "ctrl+f"}, "page down", Screens | ColumnMenu | MemberMenu, false},
	{"top", func(k *KeyMap) *key.Binding { return &k.Top }, []string{"g", "home"}, "top", Screens | ColumnMenu | MemberMenu, false},
	{"bottom", func(k *KeyMap) *key.Binding { return &k.Bottom }, []string{"G", "end"}, "bottom", Screens | ColumnMenu | MemberMenu, false},

	// Data sources list (and the screens that share its keys).
	{"open", func(k *KeyMap) *key.Binding { return &k.Open }, []string{"enter"}, "open", List | Detail | Access | Inbox | RequestLog, false},
	{"filter", func(k *KeyMap) *key.Binding { return &k.Filter }, []string{"/"}, "filter", List | Detail | Access | Inbox | Columns, false},
	{"server_search", func(k *KeyMap) *key.Binding { return &k.ServerSearch }, []string{"tab"}, "search server", List | Inbox | FilterLine, false},
	{"access", func(k *KeyMap) *key.Binding { return &k.Access }, []string{"a"}, "access users", List | Detail, false},
	{"visibility", func(k *KeyMap) *key.Binding { return &k.Visibility }, []string{"v"}, "my visibility", List | Detail, false},
	{"sort", func(k *KeyMap) *key.Binding { return &k.Sort }, []string{"o"}, "sort column", List | Access, false},
	{"sort_reverse", func(k *KeyMap) *key.Binding { return &k.SortReverse }, []string{"O"}, "reverse sort", List | Access, false},

	// Detail and report pages.
	{"raw", func(k *KeyMap) *key.Binding { return &k.Raw }, []string{"J"}, "raw JSON", Detail | Report, false},
	{"next_section", func(k *KeyMap) *key.Binding { return &k.NextSection }, []string{"tab"}, "next section", Detail, false},

	// Source writes: the root says "read-only" for these on every screen
	// (WriteKeys); Restore is also the result dialog's undo.
	{"subscribe", func(k *KeyMap) *key.Binding { return &k.Subscribe }, []string{"s"}, "subscribe", List | Detail, true},
	{"create", func(k *KeyMap) *key.Binding { return &k.Create }, []string{"c"}, "create S3", List, true},
	{"delete", func(k *KeyMap) *key.Binding { return &k.Delete }, []string{"D"}, "disable/delete", List | Detail, true},
	{"restore", func(k *KeyMap) *key.Binding { return &k.Restore }, []string{"u"}, "restore", List | Detail | Dialog, true},
	{"mark", func(k *KeyMap) *key.Binding { return &k.Mark }, []string{" "}, "mark", List | Access | Inbox | ColumnMenu | MemberMenu | Dialog | FileForm, false},
	{"add_pair", func(k *KeyMap) *key.Binding { return &k.AddPair }, []string{"ctrl+n"}, "add pair", S3Form | FormField, false},
	{"remove_pair", func(k *KeyMap) *key.Binding { return &k.RemovePair }, []string{"ctrl+d"}, "remove pair", S3Form | FormField, false},
	{"unsubscribe", func(k *KeyMap) *key.Binding { return &k.Unsubscribe }, []string{"S"}, "unsubscribe", List | Detail, true},

	// Forms and dialogs.
	{"submit", func(k *KeyMap) *key.Binding { return &k.Submit }, []string{"ctrl+s"}, "submit", Dialogs | FormField, false},
	{"confirm", func(k *KeyMap) *key.Binding { return &k.Confirm }, []string{"y"}, "confirm", Dialog | S3Form, false},
	{"cancel", func(k *KeyMap) *key.Binding { return &k.Cancel }, []string{"n"}, "cancel", Dialog | S3Form, false},
	{"next_field", func(k *KeyMap) *key.Binding { return &k.NextField }, []string{"tab"}, "next field", Dialogs | FormField | CopyMenu, false},
	{"prev_field", func(k *KeyMap) *key.Binding { return &k.PrevField }, []string{"shift+tab"}, "prev field", Dialogs | FormField | CopyMenu, false},

	// Access table: reads, then the member writes (the view says
	// "read-only" for them itself: MemberWriteKeys).
	{"member_filters", func(k *KeyMap) *key.Binding { return &k.MemberFilters }, []string{"f"}, "state/type filters", Access, false},
	{"expand_groups", func(k *KeyMap) *key.Binding { return &k.ExpandGroups }, []string{"x"}, "expand groups", Access, false},
	{"edit_member", func(k *KeyMap) *key.Binding { return &k.EditMember }, []string{"e"}, "edit state/expiry", Access, true},
	{"revoke", func(k *KeyMap) *key.Binding { return &k.Revoke }, []string{"D"}, "revoke", Access, true},
	{"add_member", func(k *KeyMap) *key.Binding { return &k.AddMember }, []string{"A"}, "add member", Access, true},

	// Pending requests: opened from the list and the access table; the
	// inbox's decisions are writes (DecisionWriteKeys).
	{"requests", func(k *KeyMap) *key.Binding { return &k.Requests }, []string{"p"}, "pending requests", List | Access, false},
	{"approve", func(k *KeyMap) *key.Binding { return &k.Approve }, []string{"A"}, "approve", Inbox, true},
	{"deny", func(k *KeyMap) *key.Binding { return &k.Deny }, []string{"X"}, "deny", Inbox, true},
	{"report", func(k *KeyMap) *key.Binding { return &k.Report }, []string{"E"}, "export access report", List, false},

	// Columns and tags (TagWriteKeys).
	{"columns", func(k *KeyMap) *key.Binding { return &k.Columns }, []string{"C"}, "columns", List | Detail, false},
	{"add_tag", func(k *KeyMap) *key.Binding { return &k.AddTag }, []string{"t"}, "add tag", Detail, true},
	{"remove_tag", func(k *KeyMap) *key.Binding { return &k.RemoveTag }, []string{"T"}, "remove tag", Detail, true},

	{"request_log", func(k *KeyMap) *key.Binding { return &k.RequestLog }, []string{"L"}, "request log", Screens, false},

	// Copy, open, export; Copy also closes the copy menu.
	{"copy", func(k *KeyMap) *key.Binding { return &k.Copy }, []string{"y"}, "copy…", List | Detail | RequestLog | CopyMenu, false},
	{"open_web", func(k *KeyMap) *key.Binding { return &k.OpenWeb }, []string{"w"}, "open in web UI", List | Detail, false},
	{"export", func(k *KeyMap) *key.Binding { return &k.Export }, []string{"x"}, "export rows", List, false},

	// The command line.
	{"command", func(k *KeyMap) *key.Binding { return &k.Command }, []string{":"}, "command line", Screens, false},
	{"complete", func(k *KeyMap) *key.Binding { return &k.Complete }, []string{"tab"}, "complete", CommandLine, false},
	{"history_prev", func(k *KeyMap) *key.Binding { return &k.HistoryPrev }, []string{"up", "ctrl+p"}, "older command", CommandLine, false},
	{"history_next", func(k *KeyMap) *key.Binding { return &k.HistoryNext }, []string{"down", "ctrl+n"}, "newer command", CommandLine, false},

	// The column menu (opened from the list; ListColumns closes it too).
	{"list_columns", func(k *KeyMap) *key.Binding { return &k.ListColumns }, []string{"H"}, "choose columns", List | ColumnMenu, false},
	{"move_up", func(k *KeyMap) *key.Binding { return &k.MoveUp }, []string{"K"}, "move up", ColumnMenu, false},
	{"move_down", func(k *KeyMap) *key.Binding { return &k.MoveDown }, []string{"J"}, "move down", ColumnMenu, false},

	{"find_next", func(k *KeyMap) *key.Binding { return &k.FindNext }, []string{"n"}, "next match", Detail, false},
	{"find_prev", func(k *KeyMap) *key.Binding { return &k.FindPrev }, []string{"N"}, "previous match", Detail, false},

	// Keys of text fields, menus and dialogs.
	{"accept", func(k *KeyMap) *key.Binding { return &k.Accept }, []string{"enter"}, "accept", ColumnMenu | MemberMenu | CopyMenu | Dialogs | Text, false},
	{"left", func(k *KeyMap) *key.Binding { return &k.Left }, []string{"left", "h"}, "left", MemberMenu | Dialog | FileForm, false},
	{"right", func(k *KeyMap) *key.Binding { return &k.Right }, []string{"right", "l"}, "right", MemberMenu | Dialog | FileForm, false},
	{"cursor_up", func(k *KeyMap) *key.Binding { return &k.CursorUp }, []string{"up"}, "up", Typing | CopyMenu | Dialogs, false},
	{"cursor_down", func(k *KeyMap) *key.Binding { return &k.CursorDown }, []string{"down"}, "down", Typing | CopyMenu | Dialogs, false},
	{"erase", func(k *KeyMap) *key.Binding { return &k.Erase }, []string{"backspace"}, "erase", CommandLine, false},
}

// CopyMenuItems are the copy menu's letters (views/clip.Items: id, name,
// SQL table, connection string, web UI URL, JSON). They are the menu's
// items, not actions, so [keys] does not rebind them; a binding active in
// the copy menu may not take one.
var CopyMenuItems = []string{"i", "n", "t", "c", "u", "j"}

// ForceQuit is not rebindable: ctrl+c always leaves.
var ForceQuit = key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit"))

// Suspend is not rebindable either: ctrl+z stops the program and gives the
// shell back, as everywhere in a terminal; fg resumes it.
var Suspend = key.NewBinding(key.WithKeys("ctrl+z"), key.WithHelp("^z", "suspend"))

// Default returns the built-in bindings.
func Default() KeyMap {
	var k KeyMap
	for _, a := range actions {
		*a.field(&k) = key.NewBinding(key.WithKeys(a.keys...), key.WithHelp(helpKeys(a.keys), a.help))
	}
	return k
}

// helpKeys renders keys for the help view: arrows as glyphs, space as "space".
func helpKeys(keys []string) string {
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		switch k {
		case "up":
			k = "↑"
		case "down":
			k = "↓"
		case "left":
			k = "←"
		case "right":
			k = "→"
		case " ":
			k = "space"
		}
		out = append(out, k)
	}
	return strings.Join(out, "/")
}

// Names lists the action names the config's [keys] table accepts.
func Names() []string {
	out := make([]string, 0, len(actions))
	for _, a := range actions {
		out = append(out, a.name)
	}
	sort.Strings(out)
	return out
}

func lookup(name string) (action, bool) {
	for _, a := range actions {
		if a.name == name {
			return a, true
		}
	}
	return action{}, false
}

// Apply returns a copy of k with the config's overrides. A user binding
// replaces the default keys of that action (it does not add to them).
// "space" may be written for the space bar. It refuses, naming what is
// wrong in one line: an unknown action, an empty key list or key, ctrl+c or
// ctrl+z on another action than quit, a printable key on an action active
// while a text field has focus (it would be typed, not act), and two
// actions sharing a key where both are active (a conflict).
func (k KeyMap) Apply(overrides map[string][]string) (KeyMap, error) {
	names := make([]string, 0, len(overrides))
	for n := range overrides {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		keys := overrides[name]
		a, ok := lookup(name)
		if !ok {
			return k, fmt.Errorf("[keys]: unknown action %q (known: %s)", name, strings.Join(Names(), ", "))
		}
		if len(keys) == 0 {
			return k, fmt.Errorf("[keys]: %s has no keys", name)
		}
		norm := make([]string, len(keys))
		for i, s := range keys {
			if strings.EqualFold(s, "space") {
				s = " "
			}
			if s == "" {
				return k, fmt.Errorf("[keys]: %s has an empty key", name)
			}
			if err := checkKey(a, s); err != nil {
				return k, err
			}
			norm[i] = s
		}
		b := a.field(&k)
		help := b.Help().Desc
		*b = key.NewBinding(key.WithKeys(norm...), key.WithHelp(helpKeys(norm), help))
	}
	if err := k.conflicts(); err != nil {
		return k, err
	}
	return k, nil
}

// checkKey refuses s for a: a reserved key, or a printable one on an
// action that works while text is typed.
func checkKey(a action, s string) error {
	for _, r := range []key.Binding{ForceQuit, Suspend} {
		if r.Keys()[0] == s && (a.name != "quit" || r.Keys()[0] != "ctrl+c") {
			return fmt.Errorf("[keys]: %s = %q: %s always %ss and cannot be bound to another action", a.name, s, s, r.Help().Desc)
		}
	}
	if a.in&Text != 0 && printable(s) {
		where := "a text field"
		if a.in&Typing == 0 {
			where = "the command line"
		}
		return fmt.Errorf("[keys]: %s = %q: %s works while %s has focus, where %q is typed; bind it to a key that types nothing (enter, tab, ctrl+…, f1…)",
			a.name, keyName(s), a.name, where, keyName(s))
	}
	return nil
}

// printable reports whether s is a key that types a character.
func printable(s string) bool {
	r, n := utf8.DecodeRuneInString(s)
	return n == len(s) && r != utf8.RuneError && unicode.IsPrint(r)
}

// keyName is s as a [keys] table writes it.
func keyName(s string) string {
	if s == " " {
		return "space"
	}
	return s
}

// conflicts reports the first pair of actions sharing a key where both
// are active, in one line: `[keys]: "a" is bound to both access and
// export on the list screen`. The defaults have none.
func (k KeyMap) conflicts() error {
	type use struct {
		name  string
		in    Scope
		write bool
	}
	byKey := map[string][]use{}
	var order []string
	add := func(s string, u use) {
		if _, ok := byKey[s]; !ok {
			order = append(order, s)
		}
		byKey[s] = append(byKey[s], u)
	}
	for _, a := range actions {
		b := a.field(&k)
		for _, s := range b.Keys() {
			add(s, use{a.name, a.in, a.write})
		}
	}
	for _, s := range CopyMenuItems {
		add(s, use{"a copy menu item", CopyMenu, false})
	}
	// Where both are active in every mode first, then the read-only
	// guard's shadowing (overlap).
	for _, guard := range []bool{false, true} {
		for _, s := range order {
			us := byKey[s]
			for i := range us {
				for j := i + 1; j < len(us); j++ {
					a, b := us[i], us[j]
					if a.name == b.name || alias(a.name, b.name) {
						continue // the same key twice in one binding, or the same move
					}
					if !guard {
						if shared := a.in & b.in; shared != 0 {
							return fmt.Errorf("[keys]: %q is bound to both %s and %s on %s", keyName(s), a.name, b.name, shared)
						}
						continue
					}
					if shared := overlap(a.in, a.write, b.in, b.write); shared != 0 {
						w := a.name
						if b.write {
							w = b.name
						}
						return fmt.Errorf("[keys]: %q is bound to both %s and %s on %s (in read-only mode %s says so on every screen)", keyName(s), a.name, b.name, shared, w)
					}
				}
			}
		}
	}
	return nil
}

// alias reports whether a and b are the same move under two names: up and
// cursor_up (its arrow only, for where letters are typed) may both hold
// "up" in a dialog that has both a list and text.
func alias(a, b string) bool {
	switch a + "," + b {
	case "up,cursor_up", "cursor_up,up", "down,cursor_down", "cursor_down,down":
		return true
	}
	return false
}

// overlap is where two bindings are both active. In read-only mode the
// root answers the list's writes on every screen ("read-only mode"), so
// there such a write also shadows any read bound to its key (two writes
// sharing a key both say read-only: no conflict).
func overlap(a Scope, aw bool, b Scope, bw bool) Scope {
	shared := a & b
	if aw && a&List != 0 && !bw {
		shared |= b & Screens
	}
	if bw && b&List != 0 && !aw {
		shared |= a & Screens
	}
	return shared
}

// Writes are the write bindings active in any of the scopes in, enabled
// (as in read-write mode), in table order: a screen in read-only mode
// matches a key against them to say "read-only" instead of nothing.
func (k KeyMap) Writes(in Scope) []key.Binding {
	var out []key.Binding
	for _, a := range actions {
		if a.write && a.in&in != 0 {
			b := *a.field(&k)
			b.SetEnabled(true)
			out = append(out, b)
		}
	}
	return out
}

// IsWrite reports whether b has the keys of a write binding of k (a view
// may relabel a binding: it is still that action).
func (k KeyMap) IsWrite(b key.Binding) bool { return sameKeysIn(b, k.Writes(Everywhere)) }

// SameKeys reports whether two bindings are the same keys (a view may
// relabel a binding: it is still that action).
func SameKeys(a, b key.Binding) bool {
	ak, bk := a.Keys(), b.Keys()
	if len(ak) != len(bk) || len(ak) == 0 {
		return false
	}
	for i := range ak {
		if ak[i] != bk[i] {
			return false
		}
	}
	return true
}

// WithoutWrites returns k with the write actions disabled: they vanish from
// help and key.Matches ignores them (read-only mode).
func (k KeyMap) WithoutWrites() KeyMap {
	for _, a := range actions {
		if a.write {
			a.field(&k).SetEnabled(false)
		}
	}
	return k
}

// WriteKeys are the list's write bindings (enabled or not): the root says
// "read-only" when one is pressed on any screen in a read-only session.
// Order: subscribe, create, delete, restore (the undo key: index 3),
// unsubscribe.
func (k KeyMap) WriteKeys() []key.Binding { return k.Writes(List) }

// MemberWriteKeys are the access view's write bindings (enabled or not):
// that view, not the root, says "read-only" for them, so that another
// view may use the same keys for reads.
func (k KeyMap) MemberWriteKeys() []key.Binding { return k.Writes(Access) }

// DecisionWriteKeys are the inbox's write bindings (enabled or not): the
// inbox says "read-only" for them itself, as the access view does.
func (k KeyMap) DecisionWriteKeys() []key.Binding { return k.Writes(Inbox) }

// TagWriteKeys are the detail's write bindings (enabled or not): the
// detail says "read-only" for the tag writes itself, as the access view
// does (the root answers the others, the list's, first).
func (k KeyMap) TagWriteKeys() []key.Binding {
	var out []key.Binding
	for _, b := range k.Writes(Detail) {
		if !sameKeysIn(b, k.Writes(List)) {
			out = append(out, b)
		}
	}
	return out
}

func sameKeysIn(b key.Binding, among []key.Binding) bool {
	for _, a := range among {
		if SameKeys(a, b) {
			return true
		}
	}
	return false
}

// Help entries for views. A view shows the keymap's bindings, described
// for what they do there; it builds no binding of its own, so that a
// rebound key shows as bound.

// Help is one help entry for the bindings bs, described as desc ("keep
// filter" for Accept while a filter is typed, "n/esc cancel" for Cancel
// and Back): it matches any of their keys. One binding keeps its help key
// ("↑/k"); several show the first key of each ("←/→", "↑/↓/pgup/pgdn"), so
// a footer stays short. Disabled bindings are left out (a write key in
// read-only mode stays hidden); with none enabled the entry is disabled.
func Help(desc string, bs ...key.Binding) key.Binding {
	var on []key.Binding
	for _, b := range bs {
		if b.Enabled() {
			on = append(on, b)
		}
	}
	switch len(on) {
	case 0:
		b := key.NewBinding(key.WithHelp("", desc))
		b.SetEnabled(false)
		return b
	case 1:
		b := on[0]
		b.SetHelp(b.Help().Key, desc)
		return b
	}
	var keys, shown []string
	for _, b := range on {
		keys = append(keys, b.Keys()...)
		shown = append(shown, short(b.Keys()[0]))
	}
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(strings.Join(shown, "/"), desc))
}

// Typed reports whether msg types text (letters, digits, space, a paste):
// a focused text field takes such a key before any binding is tried.
func Typed(msg tea.KeyMsg) bool {
	return msg.Type == tea.KeyRunes || msg.Type == tea.KeySpace
}

// short is a key as a one-line hint shows it.
func short(k string) string {
	switch k {
	case "up":
		return "↑"
	case "down":
		return "↓"
	case "left":
		return "←"
	case "right":
		return "→"
	case "pgdown":
		return "pgdn"
	case " ":
		return "space"
	}
	return k
}

// Busy is the help entry of a modal at work ("… creating"): only ctrl+c
// (ForceQuit) does anything then.
func Busy(desc string) key.Binding {
	b := ForceQuit
	b.SetHelp("…", desc)
	return b
}

// AnyKey is the help entry for "any other key" (the ? help closes on it).
func AnyKey(desc string) key.Binding {
	return key.NewBinding(key.WithKeys("esc"), key.WithHelp("any other key", desc))
}

// CopyItems is the copy menu's help entry for its letters.
func CopyItems(desc string) key.Binding {
	return key.NewBinding(key.WithKeys(CopyMenuItems...), key.WithHelp(strings.Join(CopyMenuItems, "/"), desc))
}
