package s3form_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/s3form"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

func TestEmptySubmitShowsErrorsUnderEachField(t *testing.T) {
	api, sess := fixture()
	drv, m := open(t, sess, 100, 30)
	wantValues(t, m, "", "", "")
	drv.Key("ctrl+s")
	wantCreates(t, api)
	for _, label := range []string{"Integration ID", "Data source name #1", "Prefix #1"} {
		if got := below(drv, label, 2); got != "✗ required" {
			t.Errorf("under %s: %q, want ✗ required\n%s", label, got, drv.Screen())
		}
	}
	// The focus is on the first field in error: typing fixes it, and its
	// error goes.
	typeText(drv, "2")
	wantValues(t, m, "2", "", "")
	if got := below(drv, "Integration ID", 2); strings.Contains(got, "required") {
		t.Errorf("the error stays while the field is being fixed: %q", got)
	}
	drv.Key("enter") // moves on; does not submit
	wantCreates(t, api)
}

func TestIntegrationIDMustBePositiveWholeNumber(t *testing.T) {
	for _, v := range []string{"abc", "0", "-3", "1.5", "2a", "99999999999999999999"} {
		t.Run(v, func(t *testing.T) {
			api, sess := fixture()
			drv, m := open(t, sess, 100, 30)
			fill(drv, v, "research", "s3://bucket/research/")
			drv.Key("ctrl+s")
			wantCreates(t, api)
			if got := below(drv, "Integration ID", 2); got != "✗ must be a positive whole number" {
				t.Errorf("under the integration id: %q\n%s", got, drv.Screen())
			}
			wantValues(t, m, v, "research", "s3://bucket/research/")
		})
	}
	for v, want := range map[string]int64{"2": 2, " 7 ": 7, "+12": 12} {
		api, sess := fixture()
		drv, _ := open(t, sess, 100, 30)
		fill(drv, v, "research", "s3://bucket/research/")
		drv.Key("ctrl+s")
		wantCreates(t, api, fmt.Sprintf("s3 create %d [{research s3://bucket/research/}]", want))
	}
}

func TestNameAndPrefixRules(t *testing.T) {
	cases := []struct {
		name, prefix string
		label, want  string // the field and its message
	}{
		{"", "s3://b/p/", "Data source name #1", "✗ required"},
		{"  ", "s3://b/p/", "Data source name #1", "✗ required"},
		{"research", "", "Prefix #1", "✗ required"},
		{"research", "s3://", "Prefix #1", "✗ name a bucket: s3://bucket/path/"},
		{"research", "s3:///path", "Prefix #1", "✗ name a bucket: s3://bucket/path/"},
		{"research", "s3://bucket/my path", "Prefix #1", "✗ an S3 prefix has no spaces"},
	}
	for _, c := range cases {
		t.Run(c.name+"|"+c.prefix, func(t *testing.T) {
			api, sess := fixture()
			drv, _ := open(t, sess, 100, 30)
			fill(drv, "2", c.name, c.prefix)
			drv.Key("ctrl+s")
			wantCreates(t, api)
			if got := below(drv, c.label, 2); got != c.want {
				t.Errorf("under %s: %q, want %q\n%s", c.label, got, c.want, drv.Screen())
			}
		})
	}
}

func TestDuplicateNamesRejected(t *testing.T) {
	api, sess := fixture()
	drv, _ := open(t, sess, 100, 40)
	fill(drv, "2", "research", "s3://b/one/")
	move(drv, "ctrl+n")
	typeText(drv, "research")
	move(drv, "tab")
	typeText(drv, "s3://b/two/")
	drv.Key("ctrl+s")
	wantCreates(t, api)
	if got := below(drv, "Data source name #2", 2); got != "✗ this name is already used above" {
		t.Errorf("under name #2: %q\n%s", got, drv.Screen())
	}
}

// A prefix without s3:// is sent as typed, with a warning that shows as
// soon as the field is left, before anything is sent.
func TestPrefixWithoutS3WarnsButSubmits(t *testing.T) {
	api, sess := fixture()
	api.CreateS3Fn = func(apiclient.S3CreateRequest) ([]apiclient.S3Created, error) {
		return nil, &apiclient.APIError{StatusCode: 400, Method: "POST", Path: "/native-s3/handler", Message: "bad prefix"}
	}
	drv, m := open(t, sess, 100, 30)
	fill(drv, "2", "research", "bucket/research/")
	move(drv, "shift+tab")
	if got := below(drv, "Prefix #1", 2); got != "! no s3:// prefix: sent as typed" {
		t.Fatalf("no warning after leaving the prefix: %q\n%s", got, drv.Screen())
	}
	wantCreates(t, api) // a warning sends nothing by itself
	drv.Key("ctrl+s")
	wantCreates(t, api, "s3 create 2 [{research bucket/research/}]")
	// The server refused: the warning is still there with its message.
	wantScreen(t, drv, "! no s3:// prefix: sent as typed", "Not created: the server refused the request (400): bad prefix")
	wantValues(t, m, "2", "research", "bucket/research/")

	// Fixing the prefix clears the warning.
	move(drv, "tab")
	erase(drv, len("bucket/research/"))
	typeText(drv, "s3://bucket/research/")
	move(drv, "tab")
	noScreen(t, drv, "no s3:// prefix")
}

func TestAddPair(t *testing.T) {
	api, sess := fixture()
	drv, m := open(t, sess, 100, 40)
	fill(drv, "2", "one", "s3://b/one/")
	move(drv, "ctrl+n")
	wantScreen(t, drv, "Data source name #2", "Prefix #2", "2 pair(s)")
	typeText(drv, "two") // the new pair's name has the focus
	move(drv, "tab")
	typeText(drv, "s3://b/two/")
	move(drv, "ctrl+n")
	typeText(drv, "three")
	move(drv, "enter")
	typeText(drv, "s3://b/three/")
	wantValues(t, m, "2", "one", "s3://b/one/", "two", "s3://b/two/", "three", "s3://b/three/")
	drv.Key("enter") // the last field: submits
	wantCreates(t, api, "s3 create 2 [{one s3://b/one/} {two s3://b/two/} {three s3://b/three/}]")
}

func TestTabCycles(t *testing.T) {
	_, sess := fixture()
	drv, m := open(t, sess, 100, 30)
	typeText(drv, "1")
	move(drv, "tab")
	typeText(drv, "a")
	move(drv, "tab")
	typeText(drv, "b")
	move(drv, "tab") // wraps to the first field
	typeText(drv, "2")
	move(drv, "shift+tab") // wraps back to the last
	typeText(drv, "c")
	move(drv, "shift+tab")
	typeText(drv, "d")
	move(drv, "down", "down") // arrows move too
	typeText(drv, "3")
	move(drv, "up", "up")
	typeText(drv, "e")
	wantValues(t, m, "123", "ade", "bc")
	if !strings.Contains(below(drv, "▸", 0), "Data source name #1") {
		t.Errorf("the focus mark is not on the focused field:\n%s", drv.Screen())
	}
}

func TestEnterMovesOnThenSubmitsOnTheLastField(t *testing.T) {
	api, sess := fixture()
	drv, m := open(t, sess, 100, 30)
	typeText(drv, "2")
	drv.Key("enter")
	wantCreates(t, api)
	typeText(drv, "research")
	drv.Key("enter")
	wantCreates(t, api)
	typeText(drv, "s3://b/r/")
	wantValues(t, m, "2", "research", "s3://b/r/")
	drv.Key("enter")
	wantCreates(t, api, "s3 create 2 [{research s3://b/r/}]")

	// On the last field with errors elsewhere: nothing is sent, and the
	// focus goes to the first error.
	api, sess = fixture()
	drv, m = open(t, sess, 100, 30)
	move(drv, "tab", "tab")
	typeText(drv, "s3://b/r/")
	drv.Key("enter")
	wantCreates(t, api)
	typeText(drv, "5")
	wantValues(t, m, "5", "", "s3://b/r/")
}

func TestCtrlSSubmitsFromTheFirstField(t *testing.T) {
	api, sess := fixture()
	drv, _ := open(t, sess, 100, 30)
	fill(drv, "2", "research", "s3://b/r/")
	move(drv, "tab") // back on the first field
	if !strings.Contains(below(drv, "▸", 0), "Integration ID") {
		t.Fatalf("not on the first field:\n%s", drv.Screen())
	}
	drv.Key("ctrl+s")
	wantCreates(t, api, "s3 create 2 [{research s3://b/r/}]")
}

func TestNoSecondSubmitWhileRunning(t *testing.T) {
	api, sess := fixture()
	drv, m := open(t, sess, 100, 30)
	fill(drv, "2", "research", "s3://b/r/")
	_, run := m.Update(viewtest.KeyMsg("ctrl+s"))
	if run == nil {
		t.Fatal("ctrl+s returned no command")
	}
	// The request is under way (its command has not run).
	for _, k := range []string{"ctrl+s", "enter", "ctrl+s", "ctrl+n", "tab", "x", "esc"} {
		if _, cmd := m.Update(viewtest.KeyMsg(k)); cmd != nil {
			t.Fatalf("%s while submitting returned a command", k)
		}
	}
	wantValues(t, m, "2", "research", "s3://b/r/")
	wantScreen(t, drv, "creating… (sent once; it is not retried)")
	drv.Run(run)
	wantCreates(t, api, "s3 create 2 [{research s3://b/r/}]")
	wantScreen(t, drv, "✓ research (id 201)")
}

func TestServerRefusalKeepsEveryValue(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"400", &apiclient.APIError{StatusCode: 400, Method: "POST", Path: "/native-s3/handler",
			Message: `Prefix "s3://other/" is not under the integration's location s3://bucket/`},
			`Not created: the server refused the request (400): Prefix "s3://other/" is not under the integration's location s3://bucket/`},
		{"409", &apiclient.APIError{StatusCode: 409, Method: "POST", Path: "/native-s3/handler",
			Message: "A data source named research already exists"},
			"Not created: conflict (409): A data source named research already exists"},
		{"403", &apiclient.APIError{StatusCode: 403, Method: "POST", Path: "/native-s3/handler"},
			"Not created: permission denied (403)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			api, sess := fixture()
			api.CreateS3Fn = func(apiclient.S3CreateRequest) ([]apiclient.S3Created, error) { return nil, c.err }
			drv, m := open(t, sess, 100, 30)
			fill(drv, "2", "research", "s3://other/")
			move(drv, "ctrl+n")
			typeText(drv, "second")
			move(drv, "tab")
			typeText(drv, "s3://other/two/")
			before := m.Values()
			drv.Key("ctrl+s")
			wantCreates(t, api, "s3 create 2 [{research s3://other/} {second s3://other/two/}]")
			wantScreen(t, drv, c.want)
			wantValues(t, m, before...)
			if _, ok := viewtest.Last[views.SourcesAddedMsg](drv); ok {
				t.Fatal("sources added after a refusal")
			}
			// The form is usable again: the user may fix and send again,
			// explicitly.
			typeText(drv, "x")
			wantValues(t, m, "2", "research", "s3://other/", "second", "s3://other/two/x")
			drv.Key("ctrl+s")
			if len(creates(api)) != 2 {
				t.Fatalf("the second, explicit submit was not sent: %q", creates(api))
			}
		})
	}
}

// A create that got no clear answer says so, and is not sent again.
func TestUnknownOutcomeNotRetried(t *testing.T) {
	for name, err := range map[string]error{
		"transport": &apiclient.TransportError{Method: "POST", Path: "/native-s3/handler", Err: errors.New("i/o timeout")},
		"503":       &apiclient.APIError{StatusCode: 503, Method: "POST", Path: "/native-s3/handler"},
		"malformed": &apiclient.DecodeError{Method: "POST", Path: "/native-s3/handler", Err: errors.New("unexpected EOF")},
		"deadline":  fmt.Errorf("POST /native-s3/handler: %w", context.DeadlineExceeded),
	} {
		t.Run(name, func(t *testing.T) {
			api, sess := fixture()
			api.CreateS3Fn = func(apiclient.S3CreateRequest) ([]apiclient.S3Created, error) { return nil, err }
			drv, m := open(t, sess, 100, 30)
			fill(drv, "2", "research", "s3://b/r/")
			drv.Key("ctrl+s")
			wantCreates(t, api, "s3 create 2 [{research s3://b/r/}]")
			wantScreen(t, drv, "the server may or may not have created them. Refresh the list (r) before submitting again.")
			wantValues(t, m, "2", "research", "s3://b/r/")
		})
	}
}

func TestSuccessShowsSourcesAndHandlers(t *testing.T) {
	api, sess := fixture()
	var handlerCalls []int64
	inner := api.S3HandlerFn
	api.S3HandlerFn = func(id int64) (*apiclient.S3Handler, error) {
		handlerCalls = append(handlerCalls, id)
		return inner(id)
	}
	drv, m := open(t, sess, 100, 30)
	fill(drv, "2", "research", "s3://bucket/research/")
	move(drv, "ctrl+n")
	typeText(drv, "archive")
	move(drv, "tab")
	typeText(drv, "s3://bucket/archive/")
	drv.Key("ctrl+s")
	wantCreates(t, api, "s3 create 2 [{research s3://bucket/research/} {archive s3://bucket/archive/}]")
	wantScreen(t, drv,
		"✓ research (id 201), prefix s3://bucket/research/",
		"handler 201: nativeS3Handler, integration 2, base s3://, prefix research/",
		"✓ archive (id 202), prefix s3://bucket/archive/",
		"handler 202: nativeS3Handler, integration 2, base s3://",
		"enter closes")
	if !slices.Equal(handlerCalls, []int64{201, 202}) {
		t.Errorf("handler calls %v", handlerCalls)
	}
	added, ok := viewtest.Last[views.SourcesAddedMsg](drv)
	if !ok || len(added.Sources) != 2 || added.Sources[0].ID != 201 || added.Sources[1].Name != "archive" ||
		added.Sources[0].BlobHandlerType != "Native S3" {
		t.Fatalf("SourcesAddedMsg %+v", added)
	}
	st, _ := viewtest.Last[views.StatusMsg](drv)
	if st.Text != "created 2 S3 data source(s)" || st.Level != views.Success {
		t.Errorf("status %+v", st)
	}
	// Keys other than enter/esc do nothing now; enter closes.
	drv.Key("ctrl+s", "x", "ctrl+n")
	if len(creates(api)) != 1 {
		t.Fatalf("sent again: %q", creates(api))
	}
	if m.Closed() {
		t.Fatal("closed on a stray key")
	}
	drv.Key("enter")
	if !m.Closed() {
		t.Fatal("enter did not close")
	}
}

// The list gets the new sources even when reading them back fails; a
// handler that cannot be read says why.
func TestSuccessWhenReadsFail(t *testing.T) {
	api, _ := fixture()
	api.S3HandlerFn = func(int64) (*apiclient.S3Handler, error) {
		return nil, &apiclient.APIError{StatusCode: 404, Method: "GET", Path: "/native-s3/handler/201"}
	}
	sess := viewtest.Context(flaky{api, &apiclient.TransportError{Method: "GET", Path: "/dataSource/201", Err: errors.New("connection reset")}})
	drv, _ := open(t, sess, 100, 30)
	fill(drv, "2", "research", "s3://b/r/")
	drv.Key("ctrl+s")
	wantScreen(t, drv, "✓ research (id 201)", "handler: not found (404)")
	added, ok := viewtest.Last[views.SourcesAddedMsg](drv)
	if !ok || len(added.Sources) != 1 || added.Sources[0].ID != 201 || added.Sources[0].Name != "research" {
		t.Fatalf("SourcesAddedMsg %+v, %v", added, ok)
	}
}

// A source the server does not know (404 on reading it back) is not
// added to the list.
func TestSuccessSourceNotFound(t *testing.T) {
	api, _ := fixture()
	sess := viewtest.Context(flaky{api, &apiclient.APIError{StatusCode: 404, Method: "GET", Path: "/dataSource/201"}})
	drv, _ := open(t, sess, 100, 30)
	fill(drv, "2", "research", "s3://b/r/")
	drv.Key("ctrl+s")
	if added, ok := viewtest.Last[views.SourcesAddedMsg](drv); ok {
		t.Fatalf("SourcesAddedMsg %+v for a source the server does not have", added)
	}
}

func TestSuccessWithAnEmptyAnswer(t *testing.T) {
	api, sess := fixture()
	api.CreateS3Fn = func(apiclient.S3CreateRequest) ([]apiclient.S3Created, error) { return nil, nil }
	drv, _ := open(t, sess, 100, 30)
	fill(drv, "2", "research", "s3://b/r/")
	drv.Key("ctrl+s")
	wantScreen(t, drv, "The server accepted the request but did not say what it created. Refresh the list (r) to see the new sources.")
}

func TestEscCancelsAndTheNextFormIsEmpty(t *testing.T) {
	api, sess := fixture()
	drv, m := open(t, sess, 100, 30)
	fill(drv, "2", "research", "s3://b/r/")
	move(drv, "ctrl+n")
	// With input typed, esc asks first; n keeps every value.
	drv.Key("esc")
	if m.Closed() {
		t.Fatal("esc threw typed input away without asking")
	}
	wantScreen(t, drv, "Discard what you typed? y discards · n keeps editing")
	drv.Key("n")
	wantValues(t, m, "2", "research", "s3://b/r/", "", "")
	drv.Key("esc")
	drv.Key("y")
	if !m.Closed() {
		t.Fatal("esc then y did not close the form")
	}
	wantCreates(t, api)
	m.Close()
	next := s3form.New(sess)
	wantValues(t, next, "", "", "")
	if s := viewtest.New(t, next, 100, 30).Screen(); strings.Contains(s, "s3://b/r/") || strings.Contains(s, "#2") {
		t.Errorf("the next form is not empty:\n%s", s)
	}
}

func TestProtectedProfileField(t *testing.T) {
	api, sess := fixture()
	sess.Protected, sess.Profile = true, "prod"
	drv, m := open(t, sess, 100, 40)
	wantValues(t, m, "", "", "", "")
	wantScreen(t, drv, `Protected profile: type "prod" to confirm`)
	fill(drv, "2", "research", "s3://b/r/")
	drv.Key("ctrl+s")
	wantCreates(t, api)
	if got := below(drv, "Protected profile", 2); got != `✗ type "prod" to confirm` {
		t.Fatalf("under the profile field: %q\n%s", got, drv.Screen())
	}
	// A new pair goes before the profile field, and the profile's error
	// stays with the profile field.
	move(drv, "ctrl+n")
	wantValues(t, m, "2", "research", "s3://b/r/", "", "", "")
	if got := below(drv, "Protected profile", 2); got != `✗ type "prod" to confirm` {
		t.Errorf("after a new pair, under the profile field: %q\n%s", got, drv.Screen())
	}
	if got := below(drv, "Data source name #2", 2); strings.Contains(got, "✗") {
		t.Errorf("the profile's error moved to the new pair: %q", got)
	}
	typeText(drv, "second")
	move(drv, "tab")
	typeText(drv, "s3://b/two/")
	move(drv, "tab")
	typeText(drv, "PROD")
	drv.Key("enter") // last field
	wantCreates(t, api)
	erase(drv, 4)
	typeText(drv, "prod")
	drv.Key("enter")
	wantCreates(t, api, "s3 create 2 [{research s3://b/r/} {second s3://b/two/}]")
}

func TestHelp(t *testing.T) {
	api, sess := fixture()
	drv, m := open(t, sess, 100, 30)
	if m.Title() != "Create Native S3 data sources" || !m.CapturesInput() {
		t.Error("title or input capture")
	}
	keys := func() string {
		var out []string
		for _, b := range m.ShortHelp() {
			out = append(out, b.Help().Key)
		}
		return strings.Join(out, " ")
	}
	if got := keys(); got != "tab shift+tab ctrl+n ctrl+d ctrl+s esc" || len(m.FullHelp()) != 1 {
		t.Errorf("editing help %q", got)
	}
	fill(drv, "2", "research", "s3://b/r/")
	drv.Key("esc")
	if got := keys(); got != "y n/esc" {
		t.Errorf("discard help %q", got)
	}
	drv.Key("n")
	drv.Key("ctrl+s")
	wantCreates(t, api, "s3 create 2 [{research s3://b/r/}]")
	if got := keys(); got != "enter/esc" {
		t.Errorf("created help %q", got)
	}
}
