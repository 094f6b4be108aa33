package cli

import (
	"strconv"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

// visibility leads with the verdict the TUI's user page shows, so a script
// (or a reviewer at a shell) reads why someone cannot see a source; and a
// user with none of a source's visibility values is not told "no row
// visibility rules" (it read as "nothing hidden" while every row was).
func TestVisibilitySaysWhyTheUserCannotSee(t *testing.T) {
	r, _ := emulated(t, immutatest.Options{Sources: 300}) // the demo's size: 161 is a generated source
	src := strconv.Itoa(immutatest.DemoNoVisibilitiesSource)
	user := strconv.Itoa(immutatest.DemoNoVisibilitiesUser)

	out := r.ok("visibility", src, "--user", user).out
	for _, want := range []string{
		"Verdict:             cannot see",
		"Why:                 the server says: ",
		"Why:                 the user has none of the source's 4 visibility values: every row is hidden",
		"Visibility:          none of the source's 4 visibility values: every row is hidden",
		"Row filter:          WHERE 1 = 0",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("visibility %s --user %s: no %q in\n%s", src, user, want, out)
		}
	}
	if strings.Contains(out, "no row visibility rules") {
		t.Errorf("a user who sees no row is told there are no visibility rules:\n%s", out)
	}

	// The caller, refused by the subscription policy.
	mine := r.ok("visibility", strconv.Itoa(immutatest.IDNeedsApproval)).out
	for _, want := range []string{"Verdict:             cannot see", "you do not meet the subscription policy"} {
		if !strings.Contains(mine, want) {
			t.Errorf("visibility %d: no %q in\n%s", immutatest.IDNeedsApproval, want, mine)
		}
	}
	// The caller who can see, with the limits.
	if ok := r.ok("visibility", "3").out; !strings.Contains(ok, "Verdict:             can see") || !strings.Contains(ok, "Row filter:          WHERE REGION IN") {
		t.Errorf("visibility 3:\n%s", ok)
	}
}
