package access

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// A user whose name and email are megabytes long is one row of the table,
// cut with an ellipsis, and what the row keeps is bounded.
func TestHugeUserIsClipped(t *testing.T) {
	users := seedUsers(t)
	users[0].Name = "Ann " + strings.Repeat("Longname ", 1<<20)
	users[0].Email = strings.Repeat("a", 1<<20) + "@example.com"
	m := loaded(t, &fakeAPI{users: users}, 100, 20)
	out := m.View()
	checkBounds(t, out, 100, 20)
	if !strings.Contains(ansi.Strip(out), "Ann Longname") {
		t.Fatalf("the user is not listed:\n%s", ansi.Strip(out))
	}
	for _, r := range m.t.Rows {
		if len(r.name) > 8<<10 || len(r.email) > 8<<10 {
			t.Errorf("a row keeps %d bytes of name, %d of email", len(r.name), len(r.email))
		}
	}
}
