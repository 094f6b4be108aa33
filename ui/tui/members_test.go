package tui

// Issue 9 §2 through the real root: the member form and its confirm
// dialog take each other's place in the one modal slot (only a modal may
// replace itself), the form comes back with its input after Cancel and
// after a refusal, a second y sends nothing, and the flow's hold on the
// source ends with the last modal.

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views/actions"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

func TestMemberFormAndDialogThroughTheRoot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := fakeWithDetail()
		ann := apiclient.AccessUser{SubscriptionID: 77, Profile: 1001, Name: "Ann Lee", Email: "ann@example.com", Type: "user", State: "subscribed", Approved: true}
		api.Access = map[int64][]apiclient.AccessUser{}
		for _, d := range api.Sources {
			api.Access[d.ID] = []apiclient.AccessUser{ann}
		}
		var mu sync.Mutex
		var puts []string
		refuse := true
		api.SetAccessFn = func(src, sub int64, ch apiclient.AccessChange) (*apiclient.WriteAnswer, error) {
			mu.Lock()
			defer mu.Unlock()
			puts = append(puts, fmt.Sprintf("%d %d %s", src, sub, ch.State))
			if refuse {
				return nil, &apiclient.APIError{StatusCode: 403, Method: "PUT", Path: "/dataSource/x/access/77", Message: "Only an owner can change its members"}
			}
			u := ann
			u.State = ch.State
			u.Raw, _ = json.Marshal(map[string]any{"subscriptionId": 77, "profile": 1001, "name": u.Name, "email": u.Email, "state": ch.State, "type": "user"})
			api.Access[src] = []apiclient.AccessUser{u}
			return &apiclient.WriteAnswer{Raw: u.Raw}, nil
		}
		sent := func() int {
			mu.Lock()
			defer mu.Unlock()
			return len(puts)
		}
		m := newRoot(t, api, 100, 30, nil)
		l := newLoop(t, m)
		l.send(press("a"))
		l.onScreen("1 of 1 loaded")

		l.send(press("e"))
		l.until("the member form", func() bool { _, ok := modalView[*actions.MemberForm](m); return ok })
		form, _ := modalView[*actions.MemberForm](m)
		l.send(press("right")) // expert
		l.send(press("ctrl+s"))
		l.until("the confirm dialog in the form's place", func() bool { _, ok := modalView[*actions.Dialog](m); return ok })
		l.onScreen("[Cancel]")

		// n: back to the very same form, input kept.
		l.send(press("n"))
		l.until("the form back", func() bool { f, ok := modalView[*actions.MemberForm](m); return ok && f == form })
		if v := form.Values(); v[0] != "expert" {
			t.Fatalf("input lost: %q", v)
		}

		// y y: one PUT; the server refuses; enter goes back to the form,
		// which says why.
		l.send(press("ctrl+s"))
		l.until("the dialog again", func() bool { _, ok := modalView[*actions.Dialog](m); return ok })
		l.send(press("y"))
		l.send(press("y"))
		l.onScreen("Only an owner can change its members")
		if n := sent(); n != 1 {
			t.Fatalf("%d PUTs, want 1", n)
		}
		l.send(press("enter"))
		l.until("the form with the refusal", func() bool { f, ok := modalView[*actions.MemberForm](m); return ok && f == form })
		l.onScreen("Only an owner can change its members")
		if !anyBusy(m, api) {
			t.Fatal("the form came back without the flow's hold on the source")
		}

		// Allowed now: the change lands, the row shows it, the hold ends.
		mu.Lock()
		refuse = false
		mu.Unlock()
		l.send(press("ctrl+s"))
		l.until("the dialog", func() bool { _, ok := modalView[*actions.Dialog](m); return ok })
		l.send(press("y"))
		l.onScreen("Ann Lee: now expert")
		l.send(press("enter"))
		l.until("the modal closed", func() bool { return m.modal == nil })
		l.onScreen("expert")
		if n := sent(); n != 2 {
			t.Fatalf("%d PUTs, want 2", n)
		}
		if anyBusy(m, api) {
			t.Fatal("the source stays held after the flow")
		}
		if !strings.Contains(screen(m), "Ann Lee") {
			t.Fatalf("the row is gone:\n%s", screen(m))
		}
	})
}

func modalView[T any](m *Model) (T, bool) {
	var zero T
	if m.modal == nil {
		return zero, false
	}
	v, ok := m.modal.v.(T)
	return v, ok
}

// anyBusy reports whether a write flow holds one of api's sources.
func anyBusy(m *Model, api *viewtest.FakeAPI) bool {
	for _, d := range api.Sources {
		if m.sess.Writes().Busy(d.ID) {
			return true
		}
	}
	return false
}

// The access view's footer keeps the global keys on its one line at 100
// columns, after its own.
func TestAccessFooterFits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := fakeWithDetail()
		api.Access = map[int64][]apiclient.AccessUser{}
		for _, d := range api.Sources {
			api.Access[d.ID] = []apiclient.AccessUser{{SubscriptionID: 7, Profile: 9, Name: "Ann Lee", Email: "ann@example.com", Type: "user", State: "subscribed"}}
		}
		m := newRoot(t, api, 100, 30, nil)
		l := newLoop(t, m)
		l.send(press("a"))
		l.onScreen("1 of 1 loaded")
		foot := m.footer()
		for _, want := range []string{"f filters", "e edit", "D revoke", "A add", "esc back", "? help", "q quit"} {
			if !strings.Contains(foot, want) {
				t.Errorf("footer lacks %q: %q", want, foot)
			}
		}
	})
}
