// Package weblink opens a data source in the Immuta web UI: the page's URL
// is built from a template a profile may set (web_url), and the browser is
// started through the platform's opener with the URL as one argument,
// never through a shell.
package weblink

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// DefaultTemplate is the data source's overview page on the tenant.
const DefaultTemplate = "{base}/#/data-source/{id}/overview"

// placeholders are what a template may name: {base} the tenant URL
// (scheme, host, path; no trailing slash), {host} its host, {id} the
// data source id.
var placeholders = []string{"{base}", "{host}", "{id}"}

// CheckTemplate reports a template that cannot make a URL: empty, an
// unknown {placeholder}, no {id}, or not an http(s) URL once filled in.
func CheckTemplate(tmpl string) error {
	if strings.TrimSpace(tmpl) == "" {
		return errors.New("web_url is empty")
	}
	rest := tmpl
	for _, p := range placeholders {
		rest = strings.ReplaceAll(rest, p, "")
	}
	if i := strings.IndexAny(rest, "{}"); i >= 0 {
		return fmt.Errorf("web_url %q: unknown placeholder near %q (known: {base}, {host}, {id})", tmpl, rest[i:min(len(rest), i+12)])
	}
	if !strings.Contains(tmpl, "{id}") {
		return fmt.Errorf("web_url %q has no {id}", tmpl)
	}
	_, err := Build(tmpl, "https://immuta.example", 1)
	return err
}

// Build fills tmpl in for source id on the tenant at base, and checks the
// result: an absolute http(s) URL with a host, no spaces or control
// characters (it goes to a browser as one argument, and to the screen).
func Build(tmpl, base string, id int64) (string, error) {
	if id <= 0 {
		return "", fmt.Errorf("no web page for data source id %d", id)
	}
	if tmpl == "" {
		tmpl = DefaultTemplate
	}
	b, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (b.Scheme != "http" && b.Scheme != "https") || b.Host == "" {
		return "", fmt.Errorf("the tenant URL %q is not an http(s) URL", base)
	}
	b.User = nil // never a password into a browser's history
	b.RawQuery, b.Fragment = "", ""
	s := strings.NewReplacer("{base}", strings.TrimRight(b.String(), "/"), "{host}", b.Host,
		"{id}", strconv.FormatInt(id, 10)).Replace(tmpl)
	for _, r := range s {
		if r <= ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return "", fmt.Errorf("web_url gives %q: spaces and control characters are not allowed", s)
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("web_url gives %q: %v", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("web_url gives %q: not an http(s) URL", s)
	}
	return s, nil
}

// Opener starts a browser on a URL. It returns once the browser's
// launcher has started (or could not be).
type Opener func(url string) error

// Command is the platform's opener for url: $BROWSER when set (its first
// word the program, as xdg-open reads it), else open (macOS), rundll32
// (Windows) or xdg-open. The URL is one argument: no shell sees it.
func Command(getenv func(string) string, goos, u string) (*exec.Cmd, error) {
	if b := strings.TrimSpace(getenv("BROWSER")); b != "" {
		// BROWSER may list several, separated by ':'; the first is tried.
		first := strings.Fields(strings.Split(b, ":")[0])
		if len(first) > 0 {
			return exec.Command(first[0], append(first[1:], u)...), nil
		}
	}
	switch goos {
	case "darwin":
		return exec.Command("open", u), nil
	case "windows":
		return exec.Command("rundll32", "url.dll,FileProtocolHandler", u), nil
	}
	if _, err := exec.LookPath("xdg-open"); err != nil {
		return nil, errors.New("xdg-open is not installed and BROWSER is not set")
	}
	return exec.Command("xdg-open", u), nil
}

// launchGrace is how long System waits for the launcher to fail: xdg-open
// without a browser exits at once with an error; one that works stays or
// exits 0.
const launchGrace = 2 * time.Second

// System starts the platform's opener with its output discarded (a
// launcher's chatter must not reach the TUI's screen). It waits up to
// launchGrace for the launcher to fail; a launcher still running then is
// taken to have started the browser and is reaped in the background.
func System(u string) error {
	cmd, err := Command(os.Getenv, runtime.GOOS, u)
	if err != nil {
		return err
	}
	return start(cmd, launchGrace)
}

func start(cmd *exec.Cmd, grace time.Duration) error {
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("cannot start %s: %v", filepath.Base(cmd.Args[0]), err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("%s failed: %v", filepath.Base(cmd.Args[0]), err)
		}
	case <-t.C:
	}
	return nil
}
