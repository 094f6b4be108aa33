package detail

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/actions"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// tagged is a fake with source 2 tagged two ways: its GET /dataSource/2
// says PII only; GET /dataSource/2/tags says PII (catalog) and PII.Email
// (manual).
func tagged(t testing.TB) *viewtest.FakeAPI {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(3)}
	var tags apiclient.Tags
	if err := json.Unmarshal([]byte(`["PII"]`), &tags); err != nil {
		t.Fatal(err)
	}
	api.Sources[1].Tags = tags
	api.TagsFn = func(id int64) (*apiclient.SourceTags, error) {
		var st apiclient.SourceTags
		err := json.Unmarshal([]byte(`{"tags":[{"name":"PII","context":"catalog","source":"curated"},{"name":"PII.Email","context":"manual"}]}`), &st)
		return &st, err
	}
	return api
}

func TestDetailShowsTheSourcesTags(t *testing.T) {
	d := viewtest.New(t, New(testContext(tagged(t)), 2, "Orders 00002"), 100, 40)
	mustContain(t, d.Screen(), "Tags", "• PII  catalog · curated", "• PII.Email  manual",
		"t adds a tag · T removes one · C shows the columns")
}

func TestDetailTagsFallBackToTheSource(t *testing.T) {
	api := tagged(t)
	api.TagsFn = func(int64) (*apiclient.SourceTags, error) {
		return nil, &apiclient.APIError{StatusCode: 404, Method: "GET", Path: "/dataSource/2/tags", Message: "Not Found"}
	}
	d := viewtest.New(t, New(testContext(api), 2, "Orders 00002"), 100, 40)
	mustContain(t, d.Screen(), "• PII", "(from the source: the tags call failed:")
	if strings.Contains(d.Screen(), "PII.Email") {
		t.Error("tags shown that the source does not have")
	}
	if _, ok := viewtest.Last[views.ErrorMsg](d); ok {
		t.Error("a failed tags call should not interrupt with an error")
	}
}

func TestDetailTagKeys(t *testing.T) {
	api := tagged(t)
	sess := testContext(api)
	d := viewtest.New(t, New(sess, 2, "Orders 00002"), 100, 40)
	d.Key("C")
	if m, ok := viewtest.Last[views.OpenColumnsMsg](d); !ok || m.ID != 2 || m.Name != "Orders 00002" {
		t.Fatalf("C should open the columns: %+v", d.Emitted)
	}
	d.Key("t")
	om, ok := viewtest.Last[views.OpenModalMsg](d)
	if f, isForm := om.M.(*actions.TagForm); !ok || !isForm || f.Title() != "Add a tag to Orders 00002" {
		t.Fatalf("t should open the add form: %+v", d.Emitted)
	}
	om.M.(views.Closer).Close()
	d.Key("T")
	om, _ = viewtest.Last[views.OpenModalMsg](d)
	f, isForm := om.M.(*actions.TagForm)
	if !isForm || f.Title() != "Remove a tag from Orders 00002" || f.Value() != "PII" {
		t.Fatalf("T should offer the tags shown: %+v", om.M)
	}
	om.M.(views.Closer).Close()

	help := ""
	for _, g := range d.V.FullHelp() {
		for _, b := range g {
			if b.Enabled() {
				help += b.Help().Key + " " + b.Help().Desc + ","
			}
		}
	}
	for _, want := range []string{"t add tag", "T remove tag", "C columns"} {
		if !strings.Contains(help, want) {
			t.Errorf("? help lacks %q: %s", want, help)
		}
	}
}

func TestDetailTagKeysReadOnly(t *testing.T) {
	api := tagged(t)
	sess := testContext(api)
	sess.ReadOnly = true
	sess.Keys = sess.Keys.WithoutWrites()
	d := viewtest.New(t, New(sess, 2, "Orders 00002"), 100, 40)
	for _, k := range []string{"t", "T"} {
		d.Emitted = nil
		d.Key(k)
		st, ok := viewtest.Last[views.StatusMsg](d)
		if !ok || st.Text != "read-only mode: writes are disabled" {
			t.Errorf("%s in read-only: %+v", k, d.Emitted)
		}
		if _, ok := viewtest.Last[views.OpenModalMsg](d); ok {
			t.Errorf("%s opened a form in read-only", k)
		}
	}
	if strings.Contains(d.Screen(), "adds a tag") {
		t.Errorf("read-only still offers tag writes:\n%s", d.Screen())
	}
	mustContain(t, d.Screen(), "C shows the columns")
}

func TestDetailFollowsTagWrites(t *testing.T) {
	api := tagged(t)
	d := viewtest.New(t, New(testContext(api), 2, "Orders 00002"), 100, 40)
	d.Send(views.TagsChangedMsg{SourceID: 2, Tags: apiclient.Tags{{Name: "Gold"}}})
	mustContain(t, d.Screen(), "• Gold")
	if strings.Contains(d.Screen(), "PII.Email") {
		t.Error("the tags read back should replace the shown ones")
	}
	// Another source's change is not ours.
	d.Send(views.TagsChangedMsg{SourceID: 3, Tags: apiclient.Tags{{Name: "Other"}}})
	if strings.Contains(d.Screen(), "Other") {
		t.Error("took another source's tags")
	}
	// A failed read back: load them again.
	calls := len(api.Calls)
	d.Send(views.TagsChangedMsg{SourceID: 2})
	if len(api.Calls) != calls+1 || api.Calls[len(api.Calls)-1] != "tags 2" {
		t.Fatalf("no reload: %q", api.Calls[calls:])
	}
	mustContain(t, d.Screen(), "• PII.Email  manual")
	api.TagsFn = func(int64) (*apiclient.SourceTags, error) { return nil, errors.New("boom") }
	d.Key("r")
	// The last good tags stay when a refresh of them fails.
	mustContain(t, d.Screen(), "• PII.Email  manual")
}

func TestGoldenDetailTags(t *testing.T) {
	m := New(testContext(tagged(t)), 2, "Orders 00002")
	h := &viewtest.Harness{V: m}
	h.Ready = func() bool { return h.Done == 5 } // source, parents, children, tags, contacts
	tm := teatest.NewTestModel(t, h, teatest.WithInitialTermSize(90, 22))
	out := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).View()
	viewtest.CheckBounds(t, out, 90, 22)
	teatest.RequireEqualOutput(t, []byte(out))
}

func TestDetailTagsBounded(t *testing.T) {
	api := tagged(t)
	api.TagsFn = func(int64) (*apiclient.SourceTags, error) {
		st := &apiclient.SourceTags{}
		for i := range 5000 {
			st.Tags = append(st.Tags, apiclient.Tag{Name: fmt.Sprintf("T%04d", i)})
		}
		return st, nil
	}
	d := viewtest.New(t, New(testContext(api), 2, "Orders 00002"), 100, 400)
	sc := d.Screen()
	if !strings.Contains(sc, "• T0099") || strings.Contains(sc, "• T0100") || !strings.Contains(sc, "… and 4900 more") {
		t.Errorf("5000 tags: not cut at 100:\n%s", sc)
	}
}
