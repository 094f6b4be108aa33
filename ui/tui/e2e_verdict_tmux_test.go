package tui_test

// End-to-end tests of issue 9: why can't they see it (the verdict on a
// user's page) and unsubscribing yourself, on the built binary in tmux.

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

// demoArgs run the binary on its built-in emulator, with the generated
// sources the demo notes (apiclient/immutatest/demo.go) rely on.
var demoArgs = []string{"--demo", "--demo-sources", strconv.Itoa(demoSources)}

// demoRef is an emulator like the one --demo starts (same options, same
// seed), asked directly for the names the test then looks for on screen.
func demoRef(t *testing.T) *immutatest.Server {
	t.Helper()
	return startEmu(t, immutatest.Options{Sources: demoSources})
}

// wide is the terminal size of these tests: the list keeps its
// subscription column whole however many columns it gains.
const wideW, wideH = 180, 40

// subscriptionOf is the subscription cell of the list row named name, or "".
// A cell cut short ("not_subscri…") reads as the state it begins.
func subscriptionOf(sc, name string) string {
	rs := listRows(sc)
	if i := findRow(rs, name); i >= 0 && len(rs[i].Cells) > 4 {
		c := rs[i].Cells[4]
		if head, cut := strings.CutSuffix(c, "…"); cut {
			for _, st := range []string{"not_subscribed", "subscribed", "pending", "expert", "owner"} {
				if strings.HasPrefix(st, head) {
					return st
				}
			}
		}
		return c
	}
	return ""
}

// startWide runs the binary with args, on srv when it is not nil.
func startWide(t *testing.T, srv *immutatest.Server, args ...string) *tui {
	t.Helper()
	o := tuiOpts{Args: args, W: wideW, H: wideH}
	if srv != nil {
		o.URL, o.Key = srv.URL, srv.Handler.Key()
	}
	return startTUI(t, o)
}

// Open a source's access list on --demo, enter a user the emulator denies
// (no Region values), and read the verdict and why, first on the page.
func TestE2EVerdictDeniedUser(t *testing.T) {
	t.Parallel()
	ref := demoRef(t)
	var src struct {
		Name string `json:"name"`
	}
	emuGet(t, ref, fmt.Sprintf("/dataSource/%d", immutatest.DemoNoVisibilitiesSource), &src)
	var page struct {
		Users []accessUser `json:"users"`
	}
	emuGet(t, ref, fmt.Sprintf("/dataSource/%d/access?size=5000", immutatest.DemoNoVisibilitiesSource), &page)
	var user accessUser
	for _, u := range page.Users {
		if u.Profile == immutatest.DemoNoVisibilitiesUser {
			user = u
		}
	}
	if src.Name == "" || user.Name == "" || user.Email == "" {
		t.Fatalf("demo data moved: source %q, user %+v", src.Name, user)
	}

	s := startWide(t, nil, demoArgs...)
	s.waitFor(startTimeout, loadedText(ref.Handler.Len()))
	filterList(t, s, src.Name)
	openRow(t, s, src.Name)
	s.send("a")
	s.waitCrumb("Data sources › " + src.Name + " › Access")
	s.waitFor(waitTimeout, user.Email)

	s.send("/")
	s.waitFor(waitTimeout, "name or email")
	s.typeText(user.Email)
	s.waitUntil("the user selected", waitTimeout, func(sc string) bool {
		for _, l := range lines(sc) {
			if strings.HasPrefix(l, "› "+user.Name) && strings.Contains(l, user.Email) {
				return true
			}
		}
		return false
	})
	s.send("Enter") // keep the filter
	s.waitGone(waitTimeout, "name or email")
	s.send("Enter")
	s.waitCrumb("Data sources › " + src.Name + " › Access › " + user.Name)
	sc := s.waitFor(waitTimeout, "CANNOT SEE", "why", "Row filter")
	// The verdict is the first line of the page, in words (NO_COLOR).
	if first := strings.TrimSpace(line(sc, 2)); first != "✗ CANNOT SEE  "+user.Name+" cannot see "+src.Name {
		t.Errorf("first line of the page %q\n%s", first, sc)
	}
	joined := s.joinedScreen()
	for _, want := range []string{
		"why the server says: " + user.Name + " is not assigned any value of the attribute Region",
		"why " + user.Name + " has none of the source's",
		"every row is hidden (noVisibilities)",
		"WHERE 1 = 0",
	} {
		if !strings.Contains(strings.Join(strings.Fields(joined), " "), want) {
			t.Errorf("missing %q:\n%s", want, joined)
		}
	}
	if strings.Contains(joined, "CAN SEE ") && !strings.Contains(joined, "CANNOT SEE") {
		t.Errorf("a denied user reads as seeing:\n%s", joined)
	}

	// My visibility on a source the caller cannot see leads the same way.
	s.esc()
	s.waitCrumb("Data sources › " + src.Name + " › Access")
	s.esc()
	s.waitGone(waitTimeout, "esc clears")
	s.esc()
	s.waitCrumb("Data sources › " + src.Name)
	s.esc()
	s.waitCrumb("Data sources")
	s.esc() // clears the filter
	s.waitFor(waitTimeout, loadedText(ref.Handler.Len()))
	filterList(t, s, immutatest.NameNeedsApproval)
	openRow(t, s, immutatest.NameNeedsApproval)
	s.send("v")
	s.waitCrumb("Data sources › " + immutatest.NameNeedsApproval + " › My visibility")
	sc = s.waitFor(waitTimeout, "CANNOT SEE", "you do not meet the subscription policy")
	if first := strings.TrimSpace(line(sc, 2)); first != "✗ CANNOT SEE  You cannot see "+immutatest.NameNeedsApproval {
		t.Errorf("first line of my visibility %q\n%s", first, sc)
	}
	s.alive()
}

// Unsubscribe from a source in the list on --demo: the dialog opens on
// Cancel, y unsubscribes, and the row shows the state read back.
func TestE2EUnsubscribeDemo(t *testing.T) {
	t.Parallel()
	ref := demoRef(t)
	name := immutatest.NamePublicBarfoo
	s := startWide(t, nil, demoArgs...)
	s.waitFor(startTimeout, loadedText(ref.Handler.Len()))
	filterList(t, s, name)
	sc := s.waitUntil("the row", waitTimeout, func(sc string) bool { return findRow(listRows(sc), name) >= 0 })
	if st := subscriptionOf(sc, name); st != "subscribed" {
		t.Fatalf("row before: %q\n%s", st, sc)
	}
	s.send("?")
	s.waitUntil("S in the help", waitTimeout, func(sc string) bool {
		return strings.Contains(sc, "Keys for Data sources") && regexp.MustCompile(`\bS +unsubscribe\b`).MatchString(sc)
	})
	s.send("x")
	s.waitGone(waitTimeout, "Keys for")

	s.send("S")
	sc = s.waitFor(waitTimeout, "Unsubscribe from "+name, fmt.Sprintf("DELETE /dataSource/%d/unsubscribe", immutatest.IDPublicBarfoo), "Cancel")
	if !strings.Contains(sc, "[Cancel]") || strings.Contains(sc, "[Unsubscribe]") {
		t.Fatalf("the dialog does not open on Cancel:\n%s", sc)
	}
	s.send("Enter") // Cancel has the focus: nothing is sent
	s.waitCrumb("Data sources")
	sc = s.waitUntil("the dialog closed", waitTimeout, func(sc string) bool { return findRow(listRows(sc), name) >= 0 })
	if st := subscriptionOf(sc, name); st != "subscribed" {
		t.Fatalf("enter on the focused button unsubscribed: %q", st)
	}

	s.send("S")
	s.waitFor(waitTimeout, "Unsubscribe from "+name)
	s.send("y")
	s.waitFor(waitTimeout, name+": unsubscribed (now not subscribed)", "enter closes")
	s.send("Enter")
	s.waitCrumb("Data sources")
	s.waitUntil("the row shows not_subscribed", waitTimeout, func(sc string) bool {
		return subscriptionOf(sc, name) == "not_subscribed"
	})
	// The server agrees: a second S finds nothing to do.
	s.send("S")
	s.waitUntil("nothing to unsubscribe", waitTimeout, func(sc string) bool {
		return strings.Contains(s.statusLine(sc), "you are not subscribed to "+name)
	})
	s.alive()
}

// On an emulator whose request log the test reads: the DELETE is sent
// once however often the keys are pressed, and read-only sends nothing.
func TestE2EUnsubscribeSentOnce(t *testing.T) {
	t.Parallel()
	name := immutatest.NameFailed // subscribed
	path := fmt.Sprintf("/dataSource/%d/unsubscribe", immutatest.IDFailed)

	t.Run("sent once", func(t *testing.T) {
		t.Parallel()
		srv := startEmu(t, immutatest.Options{Sources: demoSources})
		s := startWide(t, srv)
		s.waitFor(startTimeout, loadedText(srv.Handler.Len()))
		filterList(t, s, name)
		s.waitUntil("the row", waitTimeout, func(sc string) bool { return subscriptionOf(sc, name) == "subscribed" })
		s.send("S", "S") // the second goes to the dialog, which has no S
		s.waitFor(waitTimeout, "Unsubscribe from "+name)
		if n := countReq(srv.Handler.Requests(), http.MethodDelete, path); n != 0 {
			t.Fatalf("%d DELETE before confirming", n)
		}
		s.send("y", "y")
		s.waitFor(waitTimeout, name+": unsubscribed", "enter closes")
		s.send("Enter")
		s.waitUntil("the row shows not_subscribed", waitTimeout, func(sc string) bool { return subscriptionOf(sc, name) == "not_subscribed" })
		if n := countReq(srv.Handler.Requests(), http.MethodDelete, path); n != 1 {
			t.Errorf("%d DELETE %s, want 1:\n%s", n, path, fmtReqs(writesIn(srv.Handler.Requests())))
		}
	})

	t.Run("read-only", func(t *testing.T) {
		t.Parallel()
		srv := startEmu(t, immutatest.Options{Sources: demoSources})
		s := startWide(t, srv, "--read-only")
		s.waitFor(startTimeout, loadedText(srv.Handler.Len()))
		filterList(t, s, name)
		s.waitUntil("the row", waitTimeout, func(sc string) bool { return subscriptionOf(sc, name) == "subscribed" })
		s.send("S")
		s.waitUntil("read-only in the status line", waitTimeout, func(sc string) bool {
			return strings.Contains(s.statusLine(sc), "read-only")
		})
		s.send("?")
		sc := s.waitFor(waitTimeout, "Keys for Data sources")
		if strings.Contains(sc, "unsubscribe") {
			t.Errorf("the help offers unsubscribe in read-only mode:\n%s", sc)
		}
		if w := writesIn(srv.Handler.Requests()); len(w) > 0 {
			t.Errorf("read-only mode wrote:\n%s", fmtReqs(w))
		}
	})
}
