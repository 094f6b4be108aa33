package actions_test

import (
	"encoding/json"
	"testing"

	"github.com/dsbrowse/dsbrowse/views/actions"
)

// A member who has an expiration: the form's date field says an empty
// date keeps it (the API describes no way to remove one), and clearing
// it says so instead of a bare "nothing to change" (seen on --demo: the
// hint read "or empty for none" and clearing it changed nothing).
func TestClearingAnExpirationSaysItIsKept(t *testing.T) {
	api, sess := newMemberAPI()
	u := member(77, 1001, "Ann Lee", "ann@example.com", "subscribed")
	u.Raw, _ = json.Marshal(map[string]any{"subscriptionId": 77, "profile": 1001, "name": "Ann Lee",
		"email": "ann@example.com", "state": "subscribed", "type": "user", "expiration": "2027-02-28T00:00:00.000Z"})
	api.members[0] = u
	fdrv, form := openForm(t, actions.EditMember(sess, src, api.get(77)), 100, 24)
	if got := form.Values()[1]; got != "2027-02-28" {
		t.Fatalf("the date field holds %q", got)
	}
	fdrv.Key("tab")
	erase(fdrv, 10)
	wantScreen(t, fdrv, "empty keeps 2027-02-28")
	fdrv.Key("ctrl+s")
	wantScreen(t, fdrv, "an empty date keeps 2027-02-28", "cannot be removed here")
	if len(api.setCalls()) != 0 {
		t.Fatal("sent")
	}
}
