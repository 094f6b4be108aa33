package access

import "testing"

// Clearing the filter (esc while typing, or esc once kept) leaves the
// cursor on the member that was selected, among all the members.
func TestClearingTheFilterKeepsTheSelectedMember(t *testing.T) {
	for _, how := range []string{"esc while typing", "esc after enter"} {
		t.Run(how, func(t *testing.T) {
			m := loaded(t, &fakeAPI{users: filterUsers(t, 300)}, 120, 30)
			press(m, "/")
			typeText(m, "user 12")
			press(m, "down")
			want := m.t.SelectedKey()
			if want == nil {
				t.Fatal("nothing selected in the filtered list")
			}
			if how == "esc while typing" {
				press(m, "esc")
			} else {
				press(m, "enter")
				if _, ok := m.Back(); !ok {
					t.Fatal("esc should clear the filter")
				}
			}
			if m.t.Query() != "" || m.t.Len() != len(m.t.Rows) {
				t.Fatalf("the filter is still on: %q, %d of %d", m.t.Query(), m.t.Len(), len(m.t.Rows))
			}
			if got := m.t.SelectedKey(); got == nil || *got != *want {
				t.Errorf("after clearing the cursor is on %v, want %v", got, want)
			}
		})
	}
}
