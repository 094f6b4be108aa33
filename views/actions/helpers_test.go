package actions_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/actions"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

// fixture returns a fake API holding three active sources (1 Orders,
// 2 Customers, 3 Ledger) and two disabled ones (4 Old Orders, 5 Old
// Ledger), and a context over it.
func fixture() (*viewtest.FakeAPI, *views.Session) {
	api := &viewtest.FakeAPI{Sources: []apiclient.DataSource{
		{ID: 1, Name: "Orders", SubscriptionStatus: "not_subscribed"},
		{ID: 2, Name: "Customers", SubscriptionStatus: "not_subscribed"},
		{ID: 3, Name: "Ledger", SubscriptionStatus: "not_subscribed"},
		{ID: 4, Name: "Old Orders", Deleted: true},
		{ID: 5, Name: "Old Ledger", Disabled: true},
	}}
	return api, viewtest.Context(api)
}

// target is the row the list would pass for source id of api.
func target(api *viewtest.FakeAPI, id int64) actions.Target {
	for _, d := range api.Sources {
		if d.ID == id {
			return actions.Target{ID: d.ID, Name: d.Name, Disabled: d.IsDisabled()}
		}
	}
	panic(fmt.Sprintf("no source %d", id))
}

func targets(api *viewtest.FakeAPI, ids ...int64) []actions.Target {
	out := make([]actions.Target, len(ids))
	for i, id := range ids {
		out[i] = target(api, id)
	}
	return out
}

// setSource replaces (or adds) a source of the fake. The fake's hooks run
// one after the other under the synchronous driver, so this is safe from
// them.
func setSource(api *viewtest.FakeAPI, d apiclient.DataSource) {
	for i := range api.Sources {
		if api.Sources[i].ID == d.ID {
			api.Sources[i] = d
			return
		}
	}
	api.Sources = append(api.Sources, d)
}

func source(api *viewtest.FakeAPI, id int64) apiclient.DataSource {
	for _, d := range api.Sources {
		if d.ID == id {
			return d
		}
	}
	panic(fmt.Sprintf("no source %d", id))
}

// openDialog runs an action's command as the root would and returns the
// dialog it opens, sized w×h under a driver.
func openDialog(t *testing.T, cmd tea.Cmd, w, h int) (*viewtest.Driver, *actions.Dialog) {
	t.Helper()
	if cmd == nil {
		t.Fatal("the action returned no command")
	}
	for _, msg := range viewtest.Collect(cmd) {
		if om, ok := msg.(views.OpenModalMsg); ok {
			d, ok := om.M.(*actions.Dialog)
			if !ok {
				t.Fatalf("modal is %T, want *actions.Dialog", om.M)
			}
			return viewtest.New(t, d, w, h), d
		}
	}
	t.Fatalf("the action opened no dialog")
	return nil, nil
}

// writes returns the write calls the fake saw (subscribe, delete,
// restore, s3 create), in order.
func writes(api *viewtest.FakeAPI) []string {
	var out []string
	for _, c := range api.Calls {
		for _, p := range []string{"subscribe ", "delete ", "restore ", "s3 create "} {
			if strings.HasPrefix(c, p) {
				out = append(out, c)
			}
		}
	}
	return out
}

func wantWrites(t *testing.T, api *viewtest.FakeAPI, want ...string) {
	t.Helper()
	if got := writes(api); !slices.Equal(got, want) {
		t.Fatalf("write calls = %q, want %q", got, want)
	}
}

func wantScreen(t *testing.T, drv *viewtest.Driver, parts ...string) {
	t.Helper()
	scr := drv.Screen()
	flat := flatten(scr)
	for _, p := range parts {
		if !strings.Contains(flat, p) {
			t.Errorf("screen lacks %q:\n%s", p, scr)
		}
	}
}

func noScreen(t *testing.T, drv *viewtest.Driver, parts ...string) {
	t.Helper()
	scr := drv.Screen()
	flat := flatten(scr)
	for _, p := range parts {
		if strings.Contains(flat, p) {
			t.Errorf("screen has %q:\n%s", p, scr)
		}
	}
}

// flatten joins the text inside the box onto one line, so that wrapped
// sentences can be searched for.
func flatten(scr string) string {
	var words []string
	for _, l := range strings.Split(scr, "\n") {
		l = strings.Trim(l, " │┃╭╮╰╯─━┏┓┗┛")
		words = append(words, strings.Fields(l)...)
	}
	return strings.Join(words, " ")
}

// closed reports whether the view has closed (views.Closing: the root
// closes a modal that says so after any update).
func closed(drv *viewtest.Driver) bool {
	c, ok := drv.V.(views.Closing)
	return ok && c.Closed()
}

func all[T any](drv *viewtest.Driver) []T {
	var out []T
	for _, m := range drv.Emitted {
		if v, ok := m.(T); ok {
			out = append(out, v)
		}
	}
	return out
}

// marked makes the active button styles visible in plain text: the
// button enter would press is drawn as «label».
func marked(sess *views.Session) *views.Session {
	mark := lipgloss.NewStyle().Transform(func(s string) string { return "«" + s + "»" })
	sess.Styles.Modal.ButtonActive = mark
	sess.Styles.Modal.DangerButtonActive = mark
	return sess
}

// highlighted returns the label drawn with the active button style.
func highlighted(t *testing.T, drv *viewtest.Driver) string {
	t.Helper()
	scr := drv.Screen()
	i := strings.Index(scr, "«")
	if i < 0 {
		return ""
	}
	j := strings.Index(scr[i:], "»")
	if strings.Count(scr, "«") != 1 || j < 0 {
		t.Fatalf("want exactly one highlighted button:\n%s", scr)
	}
	return strings.Trim(scr[i+len("«"):i+j], "[] ")
}

func subscribed(ids ...int64) *apiclient.SubscribeResult {
	r := &apiclient.SubscribeResult{}
	for _, id := range ids {
		r.Success = append(r.Success, apiclient.Subscription{ModelID: apiclient.FlexString(fmt.Sprint(id)), State: "subscribed"})
	}
	return r
}

// typeText types s into the focused field. The commands a keystroke in a
// text field returns only restart the cursor blink, which the driver
// would wait for and drop; they are dropped at once here.
func typeText(drv *viewtest.Driver, s string) {
	for _, r := range s {
		drv.V, _ = drv.V.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

// erase presses backspace n times, as typeText types.
func erase(drv *viewtest.Driver, n int) {
	for range n {
		drv.V, _ = drv.V.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	}
}
