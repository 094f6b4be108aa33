package s3form_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

var sizes = [][2]int{{100, 30}, {60, 20}, {40, 12}}

const longRefusal = "The prefix s3://analytics-prod-eu/warehouse/raw/events/ is not under the base location " +
	"s3://analytics-prod-eu/curated/ of integration 2, and the data source name research-data-2026 is already " +
	"used by data source 5512 in domain Analytics; fix both and try again."

// The form stays within the terminal in every state, and the focused
// field is always on screen.
func TestFormWithinBounds(t *testing.T) {
	states := []struct {
		name  string
		setup func(t *testing.T, api *viewtest.FakeAPI, sess *views.Session, w, h int) *viewtest.Driver
		want  []string
	}{
		{"empty", func(t *testing.T, api *viewtest.FakeAPI, sess *views.Session, w, h int) *viewtest.Driver {
			drv, _ := open(t, sess, w, h)
			return drv
		}, []string{"▸ Integration ID"}},
		{"errors", func(t *testing.T, api *viewtest.FakeAPI, sess *views.Session, w, h int) *viewtest.Driver {
			drv, _ := open(t, sess, w, h)
			drv.Key("ctrl+s")
			return drv
		}, []string{"▸ Integration ID", "✗ required"}},
		{"six pairs, focus on the last", func(t *testing.T, api *viewtest.FakeAPI, sess *views.Session, w, h int) *viewtest.Driver {
			drv, _ := open(t, sess, w, h)
			for range 5 {
				move(drv, "ctrl+n")
			}
			move(drv, "tab")
			typeText(drv, "last-prefix")
			return drv
		}, []string{"▸ Prefix #6", "last-prefix", "more field(s)"}},
		{"six pairs, focus in the middle", func(t *testing.T, api *viewtest.FakeAPI, sess *views.Session, w, h int) *viewtest.Driver {
			drv, _ := open(t, sess, w, h)
			for range 5 {
				move(drv, "ctrl+n")
			}
			move(drv, "shift+tab", "shift+tab", "shift+tab", "shift+tab", "shift+tab", "shift+tab")
			return drv
		}, []string{"▸ Data source name #3", "more field(s)"}},
		{"long refusal", func(t *testing.T, api *viewtest.FakeAPI, sess *views.Session, w, h int) *viewtest.Driver {
			api.CreateS3Fn = func(apiclient.S3CreateRequest) ([]apiclient.S3Created, error) {
				return nil, &apiclient.APIError{StatusCode: 400, Method: "POST", Path: "/native-s3/handler", Message: longRefusal}
			}
			drv, _ := open(t, sess, w, h)
			fill(drv, "2", "research", "bucket/x/")
			drv.Key("ctrl+s")
			return drv
		}, []string{"▸ Prefix #1", "Not created"}},
		{"protected, profile field", func(t *testing.T, api *viewtest.FakeAPI, sess *views.Session, w, h int) *viewtest.Driver {
			sess.Protected, sess.Profile = true, "prod"
			drv, _ := open(t, sess, w, h)
			move(drv, "ctrl+n")
			drv.Key("ctrl+s")
			move(drv, "shift+tab")
			return drv
		}, []string{"▸ Protected profile"}},
		{"submitting", func(t *testing.T, api *viewtest.FakeAPI, sess *views.Session, w, h int) *viewtest.Driver {
			drv, m := open(t, sess, w, h)
			fill(drv, "2", "research", "s3://b/r/")
			m.Update(viewtest.KeyMsg("ctrl+s")) // the command is not run: still submitting
			return drv
		}, []string{"creating"}},
		{"twelve created", func(t *testing.T, api *viewtest.FakeAPI, sess *views.Session, w, h int) *viewtest.Driver {
			drv, _ := open(t, sess, w, h)
			fill(drv, "2", "research-0", "s3://a-long-bucket-name/with/a/long/prefix/0/")
			for i := 1; i < 12; i++ {
				move(drv, "ctrl+n")
				typeText(drv, fmt.Sprintf("research-%d", i))
				move(drv, "tab")
				typeText(drv, fmt.Sprintf("s3://a-long-bucket-name/with/a/long/prefix/%d/", i))
			}
			drv.Key("ctrl+s")
			return drv
		}, []string{"✓ research-0", "enter closes"}},
	}
	for _, st := range states {
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s %dx%d", st.name, sz[0], sz[1]), func(t *testing.T) {
				api, sess := fixture()
				drv := st.setup(t, api, sess, sz[0], sz[1])
				viewtest.CheckBounds(t, drv.V.View(), sz[0], sz[1])
				scr := drv.Screen()
				for _, w := range st.want {
					if !strings.Contains(scr, w) {
						t.Errorf("%q is not on screen:\n%s", w, scr)
					}
				}
			})
		}
	}
}

func TestFormResizes(t *testing.T) {
	_, sess := fixture()
	drv, m := open(t, sess, 100, 30)
	for range 3 {
		move(drv, "ctrl+n")
	}
	wide := m.View()
	for _, sz := range [][2]int{{40, 12}, {60, 20}, {30, 9}, {100, 30}} {
		m.SetSize(sz[0], sz[1])
		viewtest.CheckBounds(t, m.View(), sz[0], sz[1])
	}
	if m.View() != wide {
		t.Error("back at 100×30 the form is drawn differently")
	}
}

const hostile = "Evil\x1b[2J\x1b]0;pwned\x07 \u202eName\r\nsecond\tline\x9b31m"

func TestHostileServerStringsSanitized(t *testing.T) {
	check := func(drv *viewtest.Driver) {
		t.Helper()
		for _, sz := range sizes {
			drv.V.SetSize(sz[0], sz[1])
			out := drv.V.View()
			viewtest.CheckBounds(t, out, sz[0], sz[1])
			if strings.ContainsAny(out, "\x07\r\u202e\u009b") || strings.Contains(out, "\x1b]") || strings.Contains(out, "\x1b[2J") {
				t.Errorf("%v: control characters on screen: %q", sz, out)
			}
		}
	}
	api, sess := fixture()
	api.CreateS3Fn = func(apiclient.S3CreateRequest) ([]apiclient.S3Created, error) {
		return []apiclient.S3Created{{DataSourceID: 9, DataSourceName: hostile, Prefix: hostile}}, nil
	}
	api.S3HandlerFn = func(int64) (*apiclient.S3Handler, error) {
		h := &apiclient.S3Handler{ID: 9, Type: hostile, AWSLocationPath: hostile}
		h.Metadata.Prefix = hostile
		return h, nil
	}
	drv, _ := open(t, sess, 100, 30)
	fill(drv, "2", "research", "s3://b/r/")
	drv.Key("ctrl+s")
	wantScreen(t, drv, "✓ Evil␛[2J␛]0;pwned␇", "handler 9: Evil␛[2J")
	check(drv)

	api, sess = fixture()
	api.CreateS3Fn = func(apiclient.S3CreateRequest) ([]apiclient.S3Created, error) {
		return nil, &apiclient.APIError{StatusCode: 400, Method: "POST", Path: "/native-s3/handler", Message: hostile}
	}
	drv, _ = open(t, sess, 100, 30)
	fill(drv, "2", "research", "s3://b/r/")
	drv.Key("ctrl+s")
	wantScreen(t, drv, "Not created")
	check(drv)

	// What the user types or pastes is drawn safely too.
	_, sess = fixture()
	drv, _ = open(t, sess, 100, 30)
	drv.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(hostile), Paste: true})
	check(drv)
}

// The form after the server refused: its message, the warning on the
// prefix, and every value as typed.
func TestGoldenFormWithServerError(t *testing.T) {
	api, sess := fixture()
	api.CreateS3Fn = func(apiclient.S3CreateRequest) ([]apiclient.S3Created, error) {
		return nil, &apiclient.APIError{StatusCode: 409, Method: "POST", Path: "/native-s3/handler",
			Message: "A data source named research-data already exists"}
	}
	m, _ := open(t, sess, 80, 24)
	h := &viewtest.Harness{V: m.V}
	h.Ready = func() bool { return strings.Contains(h.V.View(), "Not created") }
	tm := teatest.NewTestModel(t, h, teatest.WithInitialTermSize(80, 24))
	typeKeys := func(s string) {
		for _, r := range s {
			tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		}
	}
	typeKeys("2")
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	typeKeys("research-data")
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	typeKeys("analytics/research/")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	out := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).View()
	viewtest.CheckBounds(t, out, 80, 24)
	if len(creates(api)) != 1 {
		t.Fatalf("creates %q", creates(api))
	}
	teatest.RequireEqualOutput(t, []byte(out))
}

// Fields off screen still say they are in error.
func TestHiddenErrorsAreCounted(t *testing.T) {
	api, sess := fixture()
	drv, _ := open(t, sess, 40, 12)
	move(drv, "ctrl+n")
	drv.Key("ctrl+s")
	move(drv, "tab")
	wantCreates(t, api)
	wantScreen(t, drv, "▸ Data source name #1", "↑ 1 more (1 in error)", "↓ 3 more (3 in error)")
	viewtest.CheckBounds(t, drv.V.View(), 40, 12)
}

// Bidi overrides and C1 controls typed or pasted into a field are
// dropped: they would make the value read differently from what is sent.
func TestPastedControlsDropped(t *testing.T) {
	_, sess := fixture()
	drv, m := open(t, sess, 100, 30)
	move(drv, "tab")
	drv.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("re\u202esearch\u2066\x9b-data\u200f"), Paste: true})
	if got := m.Values()[1]; got != "research-data" {
		t.Fatalf("value %q, want research-data", got)
	}
}
