// Package keymap holds every key binding of the TUI. Bindings are
// key.Bindings so that the help view is built from them, and each has a name
// under which the config's [keys] table can replace it.
package keymap

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
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
	// (a filter being typed, a form's fields): keys that type nothing.
	CursorUp, CursorDown key.Binding
	// Erase, in an empty command line, closes it (as in vim).
	Erase key.Binding
}

// ForceQuit is not rebindable: ctrl+c always leaves.
var ForceQuit = key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit"))

// Default returns the built-in bindings.
func Default() KeyMap {
	b := func(help string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(helpKeys(keys), help))
	}
	return KeyMap{
		Quit:    b("quit", "q"),
		Back:    b("back", "esc"),
		Help:    b("help", "?"),
		Refresh: b("refresh", "r"),

		Up:       b("up", "up", "k"),
		Down:     b("down", "down", "j"),
		PageUp:   b("page up", "pgup", "ctrl+b"),
		PageDown: b("page down", "pgdown", "ctrl+f"),
		Top:      b("top", "g", "home"),
		Bottom:   b("bottom", "G", "end"),

		Open:         b("open", "enter"),
		Filter:       b("filter", "/"),
		ServerSearch: b("search server", "tab"),
		Access:       b("access users", "a"),
		Visibility:   b("my visibility", "v"),
		Sort:         b("sort column", "o"),
		SortReverse:  b("reverse sort", "O"),

		Raw:         b("raw JSON", "J"),
		NextSection: b("next section", "tab"),

		Subscribe:  b("subscribe", "s"),
		Create:     b("create S3", "c"),
		Delete:     b("disable/delete", "D"),
		Restore:    b("restore", "u"),
		Mark:       b("mark", " "),
		AddPair:    b("add pair", "ctrl+n"),
		RemovePair: b("remove pair", "ctrl+d"),

		Unsubscribe: b("unsubscribe", "S"),

		Submit:    b("submit", "ctrl+s"),
		Confirm:   b("confirm", "y"),
		Cancel:    b("cancel", "n"),
		NextField: b("next field", "tab"),
		PrevField: b("prev field", "shift+tab"),

		MemberFilters: b("state/type filters", "f"),
		ExpandGroups:  b("expand groups", "x"),
		EditMember:    b("edit state/expiry", "e"),
		Revoke:        b("revoke", "D"),
		AddMember:     b("add member", "A"),

		Requests: b("pending requests", "p"),
		Approve:  b("approve", "A"),
		Deny:     b("deny", "X"),
		Report:   b("export access report", "E"),

		Columns:   b("columns", "C"),
		AddTag:    b("add tag", "t"),
		RemoveTag: b("remove tag", "T"),

		RequestLog: b("request log", "L"),

		Copy:    b("copy…", "y"),
		OpenWeb: b("open in web UI", "w"),
		Export:  b("export rows", "x"),

		Command:     b("command line", ":"),
		Complete:    b("complete", "tab"),
		HistoryPrev: b("older command", "up", "ctrl+p"),
		HistoryNext: b("newer command", "down", "ctrl+n"),

		ListColumns: b("choose columns", "H"),
		MoveUp:      b("move up", "K"),
		MoveDown:    b("move down", "J"),
		FindNext:    b("next match", "n"),
		FindPrev:    b("previous match", "N"),

		Accept:     b("accept", "enter"),
		Left:       b("left", "left", "h"),
		Right:      b("right", "right", "l"),
		CursorUp:   b("up", "up"),
		CursorDown: b("down", "down"),
		Erase:      b("erase", "backspace"),
	}
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
		case " ":
			k = "space"
		}
		out = append(out, k)
	}
	return strings.Join(out, "/")
}

// bindings maps config names to fields.
func (k *KeyMap) bindings() map[string]*key.Binding {
	return map[string]*key.Binding{
		"quit": &k.Quit, "back": &k.Back, "help": &k.Help, "refresh": &k.Refresh,
		"up": &k.Up, "down": &k.Down, "page_up": &k.PageUp, "page_down": &k.PageDown,
		"top": &k.Top, "bottom": &k.Bottom,
		"open": &k.Open, "filter": &k.Filter, "server_search": &k.ServerSearch,
		"access": &k.Access, "visibility": &k.Visibility, "sort": &k.Sort, "sort_reverse": &k.SortReverse,
		"raw": &k.Raw, "next_section": &k.NextSection,
		"subscribe": &k.Subscribe, "create": &k.Create, "delete": &k.Delete, "restore": &k.Restore,
		"mark": &k.Mark, "add_pair": &k.AddPair, "remove_pair": &k.RemovePair, "unsubscribe": &k.Unsubscribe,
		"submit": &k.Submit, "confirm": &k.Confirm, "cancel": &k.Cancel,
		"next_field": &k.NextField, "prev_field": &k.PrevField,
		"member_filters": &k.MemberFilters, "expand_groups": &k.ExpandGroups,
		"edit_member": &k.EditMember, "revoke": &k.Revoke, "add_member": &k.AddMember,
		"requests": &k.Requests, "approve": &k.Approve, "deny": &k.Deny, "report": &k.Report,
		"columns": &k.Columns, "add_tag": &k.AddTag, "remove_tag": &k.RemoveTag,
		"copy": &k.Copy, "open_web": &k.OpenWeb, "export": &k.Export,
		"request_log": &k.RequestLog, "list_columns": &k.ListColumns, "move_up": &k.MoveUp, "move_down": &k.MoveDown,
		"find_next": &k.FindNext, "find_prev": &k.FindPrev,
		"command": &k.Command, "complete": &k.Complete, "history_prev": &k.HistoryPrev, "history_next": &k.HistoryNext,
		"accept": &k.Accept, "left": &k.Left, "right": &k.Right, "cursor_up": &k.CursorUp, "cursor_down": &k.CursorDown,
		"erase": &k.Erase,
	}
}

// Names lists the action names the config's [keys] table accepts.
func Names() []string {
	k := Default()
	var out []string
	for n := range k.bindings() {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Apply returns a copy of k with the config's overrides. A user binding
// replaces the default keys of that action (it does not add to them).
// "space" may be written for the space bar. An unknown action or an empty
// key list is an error naming it.
func (k KeyMap) Apply(overrides map[string][]string) (KeyMap, error) {
	bs := k.bindings()
	names := make([]string, 0, len(overrides))
	for n := range overrides {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		keys := overrides[name]
		b, ok := bs[name]
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
			norm[i] = s
		}
		help := b.Help().Desc
		*b = key.NewBinding(key.WithKeys(norm...), key.WithHelp(helpKeys(norm), help))
	}
	return k, nil
}

// WithoutWrites returns k with the write actions disabled: they vanish from
// help and key.Matches ignores them (read-only mode).
func (k KeyMap) WithoutWrites() KeyMap {
	for _, b := range []*key.Binding{&k.Subscribe, &k.Create, &k.Delete, &k.Restore, &k.Unsubscribe, &k.EditMember, &k.Revoke, &k.AddMember, &k.Approve, &k.Deny, &k.AddTag, &k.RemoveTag} {
		b.SetEnabled(false)
	}
	return k
}

// WriteKeys are the write actions' bindings (enabled or not), so that a
// read-only session can say "read-only" when one is pressed.
func (k KeyMap) WriteKeys() []key.Binding {
	out := []key.Binding{k.Subscribe, k.Create, k.Delete, k.Restore, k.Unsubscribe}
	for i := range out {
		out[i].SetEnabled(true)
	}
	return out
}

// MemberWriteKeys are the access view's write bindings (enabled or not):
// that view, not the root, says "read-only" for them, so that another
// view may use the same keys for reads.
func (k KeyMap) MemberWriteKeys() []key.Binding {
	out := []key.Binding{k.EditMember, k.Revoke, k.AddMember}
	for i := range out {
		out[i].SetEnabled(true)
	}
	return out
}

// DecisionWriteKeys are the inbox's write bindings (enabled or not): the
// inbox says "read-only" for them itself, as the access view does.
func (k KeyMap) DecisionWriteKeys() []key.Binding {
	out := []key.Binding{k.Approve, k.Deny}
	for i := range out {
		out[i].SetEnabled(true)
	}
	return out
}

// TagWriteKeys are the detail's tag write bindings (enabled or not): the
// detail says "read-only" for them itself, as the access view does.
func (k KeyMap) TagWriteKeys() []key.Binding {
	out := []key.Binding{k.AddTag, k.RemoveTag}
	for i := range out {
		out[i].SetEnabled(true)
	}
	return out
}

// Suspend is not rebindable either: ctrl+z stops the program and gives the
// shell back, as everywhere in a terminal; fg resumes it.
var Suspend = key.NewBinding(key.WithKeys("ctrl+z"), key.WithHelp("^z", "suspend"))
