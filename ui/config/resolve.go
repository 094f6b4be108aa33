package config

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dsbrowse/dsbrowse/apiclient"
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

// Target is a resolved connection: where to go, with which key and settings.
// Its String and GoString never show the key.
type Target struct {
	ProfileName string // "" when the connection came from the environment
	URL         string
	Key         string
	Timeout     time.Duration
	CAFile      string
	Auth        string // auto | raw | exchange | bearer
	AllowHTTP   bool   // plain http:// to a host that is not loopback
	ReadOnly    bool
	Protected   bool
	PageSize    int
	Concurrency int
	// MaxPageSize bounds the later pages of a list; FixedPaging turns the
	// loader's adaptivity off (see paging.Profile).
	MaxPageSize int
	FixedPaging bool
	// MaxBodyBytes caps one response body after decompression.
	MaxBodyBytes int64
	// MaxRows caps the rows the terminal UI's list loads.
	MaxRows int
	// WebURL is the profile's web_url template ("" for the default).
	WebURL string
	// RememberAs names where an auto auth form learned on this connection
	// is remembered (see StateDir); "" remembers nothing (--demo).
	RememberAs string
}

// String describes the target without its key.
func (t *Target) String() string {
	if t == nil {
		return "<nil target>"
	}
	if t.ProfileName == "" {
		return t.URL
	}
	return fmt.Sprintf("profile %s (%s)", t.ProfileName, t.URL)
}

// GoString keeps %#v from printing the key.
func (t *Target) GoString() string { return "config.Target{" + t.String() + "}" }

// FromEnv reports whether the target came from IMMUTA_URL/IMMUTA_HOST rather
// than a profile.
func (t *Target) FromEnv() bool { return t.ProfileName == "" }

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
		return p.target(getenv)
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
		return &Target{
			URL:          u,
			Key:          key,
			Timeout:      DefaultTimeout,
			Auth:         DefaultAuth,
			PageSize:     DefaultPageSize,
			MaxPageSize:  DefaultMaxPageSize,
			Concurrency:  DefaultConcurrency,
			MaxBodyBytes: DefaultMaxBodyBytes,
			MaxRows:      DefaultMaxRows,
			RememberAs:   "url " + u,
		}, nil
	}
	if c.DefaultProfile != "" {
		if p, ok := c.Profiles[c.DefaultProfile]; ok {
			return p.target(getenv)
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

func (p Profile) target(getenv func(string) string) (*Target, error) {
	key, err := p.key(getenv)
	if err != nil {
		return nil, err
	}
	return &Target{
		ProfileName:  p.Name,
		URL:          p.URL,
		Key:          key,
		Timeout:      p.Timeout,
		CAFile:       p.CAFile,
		Auth:         p.Auth,
		AllowHTTP:    p.AllowHTTP,
		ReadOnly:     p.ReadOnly,
		Protected:    p.Protected,
		PageSize:     p.PageSize,
		MaxPageSize:  p.MaxPageSize,
		FixedPaging:  p.FixedPaging,
		Concurrency:  p.Concurrency,
		MaxBodyBytes: p.MaxBodyBytes,
		MaxRows:      p.MaxRows,
		WebURL:       p.WebURL,
		RememberAs:   "profile " + p.Name,
	}, nil
}

// key reads the API key: api_key_env first (when it is set), then
// api_key_command.
func (p Profile) key(getenv func(string) string) (string, error) {
	if p.APIKeyEnv != "" {
		if k := strings.TrimSpace(getenv(p.APIKeyEnv)); k != "" {
			return k, nil
		}
		if p.APIKeyCommand == "" {
			return "", fmt.Errorf("profile %q: no API key: environment variable %s is not set", p.Name, p.APIKeyEnv)
		}
	}
	if p.APIKeyCommand != "" {
		return runKeyCommand(p.Name, p.APIKeyCommand)
	}
	return "", fmt.Errorf("profile %q has no API key source: set api_key_env or api_key_command", p.Name)
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

// HTTPClient returns the http.Client for this target: nil when the default
// will do, or one that also trusts CAFile.
func (t *Target) HTTPClient() (*http.Client, error) {
	if t.CAFile == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(t.CAFile)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("ca_file %s: %v", t.CAFile, err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("ca_file %s: no PEM certificates in it", t.CAFile)
	}
	tr := apiclient.NewTransport()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: tr}, nil
}

// Client builds an API client for the target: its timeout, auth form,
// http:// permission, body cap, read-only flag and CA file, then extra
// options (a logger, a user agent). With auth "auto", the form remembered
// for this profile is tried first, and the form the tenant takes is
// remembered for the next run.
func (t *Target) Client(extra ...apiclient.Option) (*apiclient.Client, error) {
	mode, err := apiclient.ParseAuthMode(t.Auth)
	if err != nil {
		return nil, err
	}
	opts := []apiclient.Option{
		apiclient.WithTimeout(t.Timeout),
		apiclient.WithAuthMode(mode),
		apiclient.WithAllowHTTP(t.AllowHTTP),
		apiclient.WithReadOnly(t.ReadOnly),
	}
	if t.MaxBodyBytes > 0 {
		opts = append(opts, apiclient.WithMaxBodyBytes(t.MaxBodyBytes))
	}
	if mode == apiclient.AuthAuto && t.RememberAs != "" {
		if m := RememberedAuth(t.RememberAs, t.URL); m != "" {
			opts = append(opts, apiclient.WithAuthStart(m))
		}
		as, url := t.RememberAs, t.URL
		opts = append(opts, apiclient.WithAuthLearned(func(m apiclient.AuthMode) {
			// A cache: when it cannot be written, the next run costs one
			// more round trip, which is not worth failing this one for.
			_ = RememberAuth(as, url, m)
		}))
	}
	hc, err := t.HTTPClient()
	if err != nil {
		return nil, err
	}
	if hc != nil {
		opts = append(opts, apiclient.WithHTTPClient(hc))
	}
	return apiclient.New(t.URL, t.Key, append(opts, extra...)...)
}
