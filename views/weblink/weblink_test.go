package weblink

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestBuild(t *testing.T) {
	for _, tc := range []struct {
		tmpl, base string
		id         int64
		want, err  string
	}{
		{"", "https://acme.immuta.com/", 22, "https://acme.immuta.com/#/data-source/22/overview", ""},
		{"{base}/#/datasource/{id}", "https://acme.immuta.com/immuta", 5, "https://acme.immuta.com/immuta/#/datasource/5", ""},
		{"https://ui.{host}/ds/{id}", "http://127.0.0.1:8080", 5, "https://ui.127.0.0.1:8080/ds/5", ""},
		// The key never rides along in a userinfo; a query is dropped.
		{"", "https://user:secret@acme.immuta.com/?x=1", 5, "https://acme.immuta.com/#/data-source/5/overview", ""},
		{"", "https://acme.immuta.com", 0, "", "no web page for data source id 0"},
		{"javascript:alert({id})", "https://acme.immuta.com", 1, "", "not an http(s) URL"},
		{"{base}/{id} --new-window", "https://acme.immuta.com", 1, "", "spaces and control characters"},
		{"", "https://acme.immuta.com/\x1b[2J", 1, "", "is not an http(s) URL"},
		{"", "file:///etc/passwd", 1, "", "not an http(s) URL"},
	} {
		got, err := Build(tc.tmpl, tc.base, tc.id)
		switch {
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("Build(%q, %q, %d) = %q, %v; want %q", tc.tmpl, tc.base, tc.id, got, err, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("Build(%q, %q, %d) = %q, %v; want an error with %q", tc.tmpl, tc.base, tc.id, got, err, tc.err)
		}
	}
}

func TestCheckTemplate(t *testing.T) {
	for tmpl, want := range map[string]string{
		DefaultTemplate:                 "",
		"{base}/#/datasource/{id}":      "",
		"{base}/#/data-source/":         "has no {id}",
		"{base}/{name}/{id}":            "unknown placeholder",
		"  ":                            "empty",
		"ftp://{host}/{id}":             "not an http(s) URL",
		"{base}/x?id={id}&q=$(whoami)":  "", // no shell ever sees it: a plain argument
		"{base}/x {id}":                 "spaces",
		"https://{host}/{id}/{unknown}": "unknown placeholder",
	} {
		err := CheckTemplate(tmpl)
		if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("CheckTemplate(%q) = %v, want %q", tmpl, err, want)
		}
	}
}

// The URL is one argument of the opener: $BROWSER's first entry when set
// (its words split, never a shell), else the platform's opener.
func TestCommand(t *testing.T) {
	u := "https://acme.immuta.com/#/data-source/1/overview?a=1&b=$(x)"
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "BROWSER" {
				return v
			}
			return ""
		}
	}
	cmd, err := Command(env("firefox --new-tab:chromium"), "linux", u)
	if err != nil || !slices.Equal(cmd.Args, []string{"firefox", "--new-tab", u}) {
		t.Errorf("BROWSER: %v %v", cmd, err)
	}
	cmd, _ = Command(env(""), "darwin", u)
	if !slices.Equal(cmd.Args, []string{"open", u}) {
		t.Errorf("darwin: %v", cmd.Args)
	}
	cmd, _ = Command(env(""), "windows", u)
	if !slices.Equal(cmd.Args, []string{"rundll32", "url.dll,FileProtocolHandler", u}) {
		t.Errorf("windows: %v", cmd.Args)
	}
}

// A launcher that fails at once is reported (the caller copies the URL);
// one that keeps running counts as started.
func TestStartReportsQuickFailure(t *testing.T) {
	f, err := exec.LookPath("false")
	if err != nil {
		noTool(t, "false")
	}
	if err := start(exec.Command(f), time.Hour); err == nil || !strings.Contains(err.Error(), "failed") {
		t.Errorf("false: %v", err)
	}
	if err := start(exec.Command("/nonexistent/opener"), time.Hour); err == nil || !strings.Contains(err.Error(), "cannot start") {
		t.Errorf("missing: %v", err)
	}
	tr, err := exec.LookPath("true")
	if err != nil {
		noTool(t, "true")
	}
	if err := start(exec.Command(tr), time.Hour); err != nil {
		t.Errorf("true: %v", err)
	}
}

// noTool skips without a POSIX tool, except on CI, which must run it.
func noTool(t *testing.T, name string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s(1) is needed in CI", name)
	}
	t.Skipf("no %s(1)", name)
}
