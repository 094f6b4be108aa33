package actions_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/actions"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// tagAPI is the fixture's fake with tags kept per source, and the tag
// writes it was sent.
type tagAPI struct {
	*viewtest.FakeAPI
	tags          map[int64][]string
	adds, removes []string
	addErr        error
	removeErr     error
	readErr       error
	apply         bool // carry a write out even when it answers addErr/removeErr
}

func newTagAPI() (*tagAPI, *views.Session) {
	api, sess := fixture()
	t := &tagAPI{FakeAPI: api, tags: map[int64][]string{1: {"PII", "Gold"}}, apply: true}
	names := func(id int64) apiclient.Tags {
		var out apiclient.Tags
		for _, n := range t.tags[id] {
			out = append(out, apiclient.Tag{Name: n})
		}
		return out
	}
	api.TagsFn = func(id int64) (*apiclient.SourceTags, error) {
		if t.readErr != nil {
			return nil, t.readErr
		}
		return &apiclient.SourceTags{Tags: names(id)}, nil
	}
	api.AddTagsFn = func(id int64, ns []string) (*apiclient.TagsAdded, error) {
		t.adds = append(t.adds, fmt.Sprint(id, ns))
		if t.addErr == nil || t.apply {
			for _, n := range ns {
				if !slices.Contains(t.tags[id], n) {
					t.tags[id] = append(t.tags[id], n)
				}
			}
		}
		if t.addErr != nil {
			return nil, t.addErr
		}
		var out apiclient.Tags
		for _, n := range ns {
			out = append(out, apiclient.Tag{Name: n})
		}
		return &apiclient.TagsAdded{Tags: out, Known: true}, nil
	}
	api.RemoveTagFn = func(id int64, tag string) (*apiclient.WriteAnswer, error) {
		t.removes = append(t.removes, fmt.Sprint(id, " ", tag))
		if t.removeErr == nil || t.apply {
			t.tags[id] = slices.DeleteFunc(t.tags[id], func(s string) bool { return s == tag })
		}
		if t.removeErr != nil {
			return nil, t.removeErr
		}
		return &apiclient.WriteAnswer{}, nil
	}
	return t, sess
}

func (t *tagAPI) current(id int64) apiclient.Tags {
	var out apiclient.Tags
	for _, n := range t.tags[id] {
		out = append(out, apiclient.Tag{Name: n})
	}
	return out
}

func openTagForm(t *testing.T, cmd tea.Cmd) (*viewtest.Driver, *actions.TagForm) {
	t.Helper()
	for _, msg := range viewtest.Collect(cmd) {
		if om, ok := msg.(views.OpenModalMsg); ok {
			f, ok := om.M.(*actions.TagForm)
			if !ok {
				t.Fatalf("modal is %T, want *actions.TagForm", om.M)
			}
			return viewtest.New(t, f, 80, 24), f
		}
	}
	t.Fatal("no form opened")
	return nil, nil
}

func tagsChanged(drv *viewtest.Driver) []views.TagsChangedMsg { return all[views.TagsChangedMsg](drv) }

func TestAddTagCancelFocusedSentOnce(t *testing.T) {
	api, sess := newTagAPI()
	src := target(api.FakeAPI, 1)
	fdrv, form := openTagForm(t, actions.AddTag(marked(sess), src, api.current(1)))
	wantScreen(t, fdrv, "Add a tag to Orders", "→ POST /tag/datasource/1")
	typeText(fdrv, "PII.Email")
	fdrv.Key("enter")
	ddrv, _ := nextModal[*actions.Dialog](t, fdrv)
	wantScreen(t, ddrv, `Add tag "PII.Email" to Orders`, "Orders has 2 tags now")
	wantCall(t, ddrv, `POST /tag/datasource/1 [{"name":"PII.Email"}]`)
	if got := highlighted(t, ddrv); got != "Cancel" {
		t.Fatalf("focused button %q, want Cancel", got)
	}
	// enter on Cancel: back to the form, the name still there, nothing sent.
	ddrv.Key("enter")
	back, _ := nextModal[*actions.TagForm](t, ddrv)
	if back.V != form || form.Value() != "PII.Email" || len(api.adds) != 0 {
		t.Fatalf("cancel: form %v, value %q, sent %q", back.V == form, form.Value(), api.adds)
	}
	back.Key("enter")
	ddrv, d := nextModal[*actions.Dialog](t, back)
	// y three times: one POST.
	_, first := ddrv.V.Update(viewtest.KeyMsg("y"))
	for range 2 {
		if _, again := ddrv.V.Update(viewtest.KeyMsg("y")); again != nil {
			t.Fatal("another y while the first runs returned a command")
		}
	}
	ddrv.Run(first)
	if !slices.Equal(api.adds, []string{"1 [PII.Email]"}) || !d.Done() {
		t.Fatalf("adds %q, want one", api.adds)
	}
	wantScreen(t, ddrv, `tag "PII.Email" added to Orders · now 3 tags`)
	ch := tagsChanged(ddrv)
	if len(ch) != 1 || ch[0].SourceID != 1 || !ch[0].Tags.Has("PII.Email") || len(ch[0].Tags) != 3 {
		t.Fatalf("tags changed %+v, want the three read back", ch)
	}
	if _, ok := viewtest.Last[views.SourceChangedMsg](ddrv); !ok {
		t.Error("the source was not read again for the list's row")
	}
	ddrv.Key("enter")
	if !closed(ddrv) || sess.Writes().Busy(1) {
		t.Fatal("the flow did not end")
	}
}

func TestRemoveTagPicksOneAndSendsOnce(t *testing.T) {
	api, sess := newTagAPI()
	api.tags[1] = []string{"PII", "Team A/B"}
	src := target(api.FakeAPI, 1)
	fdrv, form := openTagForm(t, actions.RemoveTag(marked(sess), src, api.current(1)))
	wantScreen(t, fdrv, "Remove a tag from Orders", "PII", "Team A/B")
	fdrv.Key("right")
	if form.Value() != "Team A/B" {
		t.Fatalf("right picked %q", form.Value())
	}
	fdrv.Key("enter")
	ddrv, _ := nextModal[*actions.Dialog](t, fdrv)
	wantScreen(t, ddrv, `Remove tag "Team A/B" from Orders`)
	wantCall(t, ddrv, "DELETE /tag/datasource/1/Team%20A%2FB")
	if got := highlighted(t, ddrv); got != "Cancel" {
		t.Fatalf("focused button %q, want Cancel", got)
	}
	ddrv.Key("y", "y")
	if !slices.Equal(api.removes, []string{"1 Team A/B"}) {
		t.Fatalf("removes %q, want one", api.removes)
	}
	wantScreen(t, ddrv, `tag "Team A/B" removed from Orders · now 1 tag`)
	if ch := tagsChanged(ddrv); len(ch) != 1 || ch[0].Tags.Has("Team A/B") {
		t.Fatalf("tags changed %+v", ch)
	}
	// No tags left to offer: said, no form.
	if got := statusText(t, actions.RemoveTag(sess, target(api.FakeAPI, 2), nil)); !strings.Contains(got, "Customers has no tags to remove") {
		t.Errorf("no tags: %q", got)
	}
}

func TestTagWritesReadOnlyAndOneFlowPerSource(t *testing.T) {
	api, sess := newTagAPI()
	src := target(api.FakeAPI, 1)
	ro := *sess
	ro.ReadOnly = true
	for _, cmd := range []tea.Cmd{actions.AddTag(&ro, src, nil), actions.RemoveTag(&ro, src, api.current(1))} {
		if got := statusText(t, cmd); got != "read-only mode: writes are disabled" {
			t.Errorf("read-only: %q", got)
		}
	}
	fdrv, _ := openTagForm(t, actions.AddTag(sess, src, api.current(1)))
	for name, cmd := range map[string]tea.Cmd{
		"add":    actions.AddTag(sess, src, nil),
		"remove": actions.RemoveTag(sess, src, api.current(1)),
		"delete": actions.Delete(sess, []actions.Target{src}),
	} {
		if got := statusText(t, cmd); !strings.Contains(got, "a write on Orders is already in progress") {
			t.Errorf("%s while the form is open: %q", name, got)
		}
	}
	fdrv.Key("esc")
	if !closed(fdrv) || sess.Writes().Busy(1) {
		t.Fatal("esc did not end the flow")
	}
	if len(api.adds)+len(api.removes) != 0 {
		t.Fatal("something was sent")
	}
}

func TestAddTagBadInputKept(t *testing.T) {
	api, sess := newTagAPI()
	fdrv, form := openTagForm(t, actions.AddTag(sess, target(api.FakeAPI, 1), api.current(1)))
	fdrv.Key("enter")
	wantScreen(t, fdrv, "✗ a tag name is needed")
	typeText(fdrv, "PII")
	fdrv.Key("enter")
	wantScreen(t, fdrv, "✗ Orders already has this tag")
	if _, ok := viewtest.Last[views.OpenModalMsg](fdrv); ok || form.Value() != "PII" {
		t.Fatalf("bad input opened a dialog or lost the text: %q", form.Value())
	}
	typeText(fdrv, strings.Repeat("x", 10))
	wantScreen(t, fdrv, "Add a tag to Orders")
	if strings.Contains(fdrv.Screen(), "✗") {
		t.Error("typing should clear the error")
	}
}

func TestRefusedAddGoesBackToTheFormWithInput(t *testing.T) {
	api, sess := newTagAPI()
	api.apply = false
	api.addErr = &apiclient.APIError{StatusCode: 400, Method: "POST", Path: "/tag/datasource/1", Message: "Tag Bogus does not exist"}
	fdrv, form := openTagForm(t, actions.AddTag(sess, target(api.FakeAPI, 1), api.current(1)))
	typeText(fdrv, "Bogus")
	fdrv.Key("enter")
	ddrv, _ := nextModal[*actions.Dialog](t, fdrv)
	ddrv.Key("y")
	wantScreen(t, ddrv, `Orders: tag "Bogus" not added`, "Tag Bogus does not exist")
	ddrv.Key("enter")
	back, _ := nextModal[*actions.TagForm](t, ddrv)
	if back.V != form || form.Value() != "Bogus" {
		t.Fatalf("the input is lost: %q", form.Value())
	}
	wantScreen(t, back, "Tag Bogus does not exist")
	if !sess.Writes().Busy(1) || len(api.adds) != 1 {
		t.Fatalf("claim %v, adds %q", sess.Writes().Busy(1), api.adds)
	}
}

func TestUnclearTagAnswerIsNotResent(t *testing.T) {
	// Lost answer, the read back shows it done: said so, success.
	api, sess := newTagAPI()
	api.removeErr = fmt.Errorf("DELETE: %w", apiclient.ErrUnreachable)
	fdrv, _ := openTagForm(t, actions.RemoveTag(sess, target(api.FakeAPI, 1), api.current(1)))
	fdrv.Key("enter")
	ddrv, _ := nextModal[*actions.Dialog](t, fdrv)
	ddrv.Key("y")
	wantScreen(t, ddrv, `tag "PII" removed from Orders (the answer was lost`, "the tags read back settle it")

	// Lost answer, nothing done, and the read fails too: may or may not,
	// and enter closes (no form to send it again from).
	api, sess = newTagAPI()
	api.apply = false
	api.addErr = fmt.Errorf("POST: %w", apiclient.ErrUnreachable)
	fdrv, _ = openTagForm(t, actions.AddTag(sess, target(api.FakeAPI, 1), api.current(1)))
	typeText(fdrv, "New")
	fdrv.Key("enter")
	ddrv, _ = nextModal[*actions.Dialog](t, fdrv)
	api.readErr = fmt.Errorf("GET: %w", apiclient.ErrUnreachable)
	ddrv.Key("y")
	wantScreen(t, ddrv, "no clear answer", "may or may not have added", "Refresh (r) to see")
	ddrv.Key("enter")
	if !closed(ddrv) || len(api.adds) != 1 {
		t.Fatalf("closed %v, adds %q", closed(ddrv), api.adds)
	}
	if ch := tagsChanged(ddrv); len(ch) != 1 || ch[0].Tags != nil {
		t.Errorf("a failed read should ask the views to load the tags again: %+v", ch)
	}
}

func TestTagWriteProtectedPrompt(t *testing.T) {
	api, sess := newTagAPI()
	sess.Protected, sess.Profile = true, "prod"
	fdrv, _ := openTagForm(t, actions.AddTag(sess, target(api.FakeAPI, 1), api.current(1)))
	typeText(fdrv, "New")
	fdrv.Key("enter")
	ddrv, _ := nextModal[*actions.Dialog](t, fdrv)
	wantScreen(t, ddrv, "prod is a protected profile: type its name to confirm")
	ddrv.Key("enter")
	if len(api.adds) != 0 {
		t.Fatal("sent without the profile name")
	}
	typeText(ddrv, "prod")
	ddrv.Key("enter")
	if len(api.adds) != 1 {
		t.Fatalf("adds %q, want one", api.adds)
	}
}

func TestGoldenAddTagForm(t *testing.T) {
	api, sess := newTagAPI()
	fdrv, f := openTagForm(t, actions.AddTag(sess, target(api.FakeAPI, 1), api.current(1)))
	typeText(fdrv, "PII")
	fdrv.Key("enter")
	goldenView(t, f, always)
}

func TestGoldenRemoveTagDialog(t *testing.T) {
	api, sess := newTagAPI()
	fdrv, _ := openTagForm(t, actions.RemoveTag(sess, target(api.FakeAPI, 1), api.current(1)))
	fdrv.Key("right", "enter")
	_, d := nextModal[*actions.Dialog](t, fdrv)
	golden(t, d, always)
}

// At 60x15 the remove picker had room for one tag and "…": → moved the
// pick onto tags not shown. The pick stays on screen as it moves.
func TestRemoveTagPickerShortTerminal(t *testing.T) {
	api, sess := newTagAPI()
	names := []string{"A.One", "B.Two", "C.Three", "D.Four", "E.Five", "F.Six"}
	api.tags[1] = names
	_, form := openTagForm(t, actions.RemoveTag(marked(sess), target(api.FakeAPI, 1), api.current(1)))
	d := viewtest.New(t, form, 60, 11)
	for i, n := range names {
		if i > 0 {
			d.Key("right")
		}
		if form.Value() != n {
			t.Fatalf("pick %d is %q, want %q", i, form.Value(), n)
		}
		scr := d.Screen()
		picked := false
		for _, l := range strings.Split(scr, "\n") {
			picked = picked || strings.Contains(l, "▸") && strings.Contains(l, n)
		}
		if !picked || !strings.Contains(scr, "esc cancels") {
			t.Errorf("%s picked but not shown at 60x11:\n%s", n, scr)
		}
	}
	viewtest.CheckBounds(t, form.View(), 60, 11)
}
