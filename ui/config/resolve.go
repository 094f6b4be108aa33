package config

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/safe"
)

// ErrNoConnection is returned by Resolve when nothing says which tenant to
// use. Its text is the whole message shown to the user.
var ErrNoConnection = errors.New("no Immuta connection: set IMMUTA_URL and IMMUTA_API_KEY, use --profile, or try --demo")

// Environment variables read by Resolve. IMMUTA_HOST and IMMUTA_API_TOKEN
// are the names Immuta's terraform provider uses.
const (
	EnvURL      = "IMMUTA_URL"
	EnvKey      = "IMMUTA_API_KEY"
	EnvHost     = "IMMUTA_HOST"
	EnvKeyToken = "IMMUTA_API_TOKEN"
)

// keyCommandTimeout bounds api_key_command.
var keyCommandTimeout = 10 * time.Second

// Target is a resolved connection: the settings the views read (one value,
// passed on as it is), how to reach the tenant, and the key. Its String and
// GoString never show the key.
type Target struct {
	// Settings: Profile is "env" for a connection from the environment,
	// TenantURL where to go.
	views.Settings
	Connection
	Key string
	// RememberAs names where an auto auth form learned on this connection
	// is remembered (see StateDir); "" remembers nothing (--demo).
	RememberAs string

	fromEnv bool // from IMMUTA_URL/IMMUTA_HOST, not a profile
}

// EnvProfile is the profile name of a connection from the environment.
const EnvProfile = "env"

// String describes the target without its key.
func (t *Target) String() string {
	if t == nil {
		return "<nil target>"
	}
	if t.fromEnv {
		return t.TenantURL
	}
	return fmt.Sprintf("profile %s (%s)", t.Profile, t.TenantURL)
}

// GoString keeps %#v from printing the key.
func (t *Target) GoString() string { return "config.Target{" + t.String() + "}" }

// FromEnv reports whether the target came from IMMUTA_URL/IMMUTA_HOST rather
// than a profile.
func (t *Target) FromEnv() bool { return t.fromEnv }

// Demo is the target of --demo: the emulator at url, with key, and the
// defaults (its auth form is not remembered).
func (c *Config) Demo(url, key string) *Target {
	t := &Target{Settings: views.Settings{Profile: "demo", TenantURL: url}, Key: key}
	t.Settings, t.Connection = withDefaults(t.Settings, t.Connection)
	return c.withList(t)
}

// withList gives t the config's [list] columns (which no profile sets).
func (c *Config) withList(t *Target) *Target {
	if c != nil {
		t.ListColumns = c.ListColumns
	}
	return t
}

// Resolve picks the connection: the profile named by --profile; else
// IMMUTA_URL + IMMUTA_API_KEY (or IMMUTA_HOST + IMMUTA_API_TOKEN); else
// default_profile; else ErrNoConnection. getenv is os.Getenv outside tests.
// A profile's key is read from api_key_env, else by running api_key_command.
func (c *Config) Resolve(profile string, getenv func(string) string) (*Target, error) {
	if c == nil {
		c = &Config{}
	}
	if getenv == nil {
		getenv = os.Getenv
	}
	if profile != "" {
		p, ok := c.Profiles[profile]
		if !ok {
			return nil, fmt.Errorf("unknown profile %q (%s)", profile, c.known())
		}
		return c.target(p, getenv)
	}
	url := firstNonEmpty(getenv(EnvURL), getenv(EnvHost))
	if url != "" {
		key := firstNonEmpty(getenv(EnvKey), getenv(EnvKeyToken))
		if key == "" {
			name := EnvURL
			if getenv(EnvURL) == "" {
				name = EnvHost
			}
			return nil, fmt.Errorf("%s is set but there is no API key: set %s (or %s)", name, EnvKey, EnvKeyToken)
		}
		u := normalizeURL(url)
		t := &Target{Settings: views.Settings{Profile: EnvProfile, TenantURL: u}, Key: key, RememberAs: "url " + u, fromEnv: true}
		t.Settings, t.Connection = withDefaults(t.Settings, t.Connection)
		return c.withList(t), nil
	}
	if c.DefaultProfile != "" {
		if p, ok := c.Profiles[c.DefaultProfile]; ok {
			return c.target(p, getenv)
		}
		return nil, fmt.Errorf("default_profile %q is not a profile (%s)", c.DefaultProfile, c.known())
	}
	return nil, ErrNoConnection
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// target is profile p's connection, its key read now.
func (c *Config) target(p Profile, getenv func(string) string) (*Target, error) {
	key, err := p.key(getenv)
	if err != nil {
		return nil, err
	}
	return c.withList(&Target{Settings: p.Settings, Connection: p.Connection, Key: key, RememberAs: "profile " + p.Profile}), nil
}

// key reads the API key: api_key_env first (when it is set), then
// api_key_command.
func (p Profile) key(getenv func(string) string) (string, error) {
	if p.APIKeyEnv != "" {
		if k := strings.TrimSpace(getenv(p.APIKeyEnv)); k != "" {
			return k, nil
		}
		if p.APIKeyCommand == "" {
			return "", fmt.Errorf("profile %q: no API key: environment variable %s is not set", p.Profile, p.APIKeyEnv)
		}
	}
	if p.APIKeyCommand != "" {
		return runKeyCommand(p.Profile, p.APIKeyCommand)
	}
	return "", fmt.Errorf("profile %q has no API key source: set api_key_env or api_key_command", p.Profile)
}

// runKeyCommand runs cmd with sh -c and returns the first line of its
// stdout. Errors never contain what it printed on stdout; they quote the
// last line of its stderr with anything that could be the key blotted out.
func runKeyCommand(profile, command string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), keyCommandTimeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	// A child that outlives sh (and keeps the pipes open) must not hang us.
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	out := stdout.String()
	first, _, _ := strings.Cut(out, "\n")
	first = strings.TrimSpace(first)
	if err != nil {
		why := err.Error()
		if ctx.Err() != nil {
			why = fmt.Sprintf("timed out after %s", keyCommandTimeout)
		}
		if msg := lastLine(stderr.String(), out); msg != "" {
			why += ": " + msg
		}
		return "", fmt.Errorf("profile %q: api_key_command failed: %s", profile, why)
	}
	if first == "" {
		return "", fmt.Errorf("profile %q: api_key_command printed no key on its first line", profile)
	}
	return first, nil
}

// lastLine is the last non-empty line of s, bounded, with every line of
// secret, and every word that could be a key, blotted out, and control
// characters made visible. A failing command may print the key on stderr
// alone (a debug echo, "bad key: KEY"), where it cannot be told from other
// words, so each word long enough to be a key goes: 16 characters or more,
// or 8 or more that mix letters and digits. Error words ("decryption",
// "permission", "not found") stay readable.
func lastLine(s, secret string) string {
	var last string
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			last = l
		}
	}
	for _, l := range strings.Split(secret, "\n") {
		if l = strings.TrimSpace(l); len(l) >= 4 {
			last = strings.ReplaceAll(last, l, "[REDACTED]")
		}
	}
	words := strings.Fields(last)
	for i, w := range words {
		if mayBeKey(w) {
			words[i] = "[REDACTED]"
		}
	}
	last = safe.Line(strings.Join(words, " "))
	if r := []rune(last); len(r) > 200 {
		last = string(r[:200]) + "…"
	}
	return last
}

// mayBeKey reports whether w could be (or hold) an API key.
func mayBeKey(w string) bool {
	if w == "[REDACTED]" {
		return false
	}
	n := utf8.RuneCountInString(w)
	if n >= 16 {
		return true
	}
	letters, digits := false, false
	for _, r := range w {
		letters = letters || unicode.IsLetter(r)
		digits = digits || unicode.IsDigit(r)
	}
	return n >= 8 && letters && digits
}
