package s3form_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/s3form"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

// fixture returns a fake whose create call answers like Immuta: one
// source per pair, ids from 201, added to the fake's sources; and whose
// handler call answers for those ids.
func fixture() (*viewtest.FakeAPI, *views.Session) {
	api := &viewtest.FakeAPI{}
	var reqs []apiclient.S3CreateRequest
	api.CreateS3Fn = func(r apiclient.S3CreateRequest) ([]apiclient.S3Created, error) {
		reqs = append(reqs, r)
		var out []apiclient.S3Created
		for _, s := range r.DataSources {
			id := int64(201 + len(api.Sources))
			api.Sources = append(api.Sources, apiclient.DataSource{ID: id, Name: s.DataSourceName, BlobHandlerType: "Native S3"})
			out = append(out, apiclient.S3Created{DataSourceID: id, DataSourceName: s.DataSourceName, Prefix: s.Prefix})
		}
		return out, nil
	}
	api.S3HandlerFn = func(id int64) (*apiclient.S3Handler, error) {
		h := &apiclient.S3Handler{ID: id, Type: "nativeS3Handler", AWSLocationPath: "s3://"}
		h.Metadata.IntegrationID = reqs[len(reqs)-1].IntegrationID
		for _, d := range api.Sources {
			if d.ID == id {
				h.Metadata.DataSourceName = d.Name
			}
		}
		h.Metadata.Prefix = "research/"
		return h, nil
	}
	return api, viewtest.Context(api)
}

func open(t *testing.T, sess *views.Session, w, h int) (*viewtest.Driver, *s3form.Model) {
	t.Helper()
	m := s3form.New(sess)
	return viewtest.New(t, m, w, h), m
}

// typeText types into the focused field, and move presses keys that only
// move the focus. The commands these return only restart the cursor
// blink, which the driver would wait for and drop; they are dropped at
// once here.
func typeText(drv *viewtest.Driver, s string) {
	for _, r := range s {
		drv.V, _ = drv.V.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

func move(drv *viewtest.Driver, keys ...string) {
	for _, k := range keys {
		drv.V, _ = drv.V.Update(viewtest.KeyMsg(k))
	}
}

func erase(drv *viewtest.Driver, n int) {
	for range n {
		drv.V, _ = drv.V.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	}
}

// fill types the integration and the first pair, starting on the first
// field, and leaves the focus on the first pair's prefix.
func fill(drv *viewtest.Driver, integration, name, prefix string) {
	typeText(drv, integration)
	move(drv, "tab")
	typeText(drv, name)
	move(drv, "tab")
	typeText(drv, prefix)
}

func creates(api *viewtest.FakeAPI) []string {
	var out []string
	for _, c := range api.Calls {
		if strings.HasPrefix(c, "s3 create ") {
			out = append(out, c)
		}
	}
	return out
}

func wantCreates(t *testing.T, api *viewtest.FakeAPI, want ...string) {
	t.Helper()
	if got := creates(api); !slices.Equal(got, want) {
		t.Fatalf("create calls = %q, want %q", got, want)
	}
}

func wantValues(t *testing.T, m *s3form.Model, want ...string) {
	t.Helper()
	if got := m.Values(); !slices.Equal(got, want) {
		t.Fatalf("values = %q, want %q", got, want)
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
	for _, p := range parts {
		if strings.Contains(flatten(scr), p) {
			t.Errorf("screen has %q:\n%s", p, scr)
		}
	}
}

// flatten joins the text inside the box onto one line, so that wrapped
// sentences can be searched for.
func flatten(scr string) string {
	var words []string
	for _, l := range strings.Split(scr, "\n") {
		l = strings.Trim(l, " │╭╮╰╯─")
		words = append(words, strings.Fields(l)...)
	}
	return strings.Join(words, " ")
}

// below returns the screen line after the one holding label, trimmed of
// the box.
func below(drv *viewtest.Driver, label string, n int) string {
	lines := strings.Split(drv.Screen(), "\n")
	for i, l := range lines {
		if strings.Contains(l, label) && i+n < len(lines) {
			return strings.Trim(lines[i+n], " │")
		}
	}
	return ""
}

// flaky wraps the fake with reads of data sources that fail.
type flaky struct {
	*viewtest.FakeAPI
	err error
}

func (f flaky) GetDataSource(ctx context.Context, id int64) (*apiclient.DataSource, error) {
	_, _ = f.FakeAPI.GetDataSource(ctx, id)
	return nil, f.err
}
