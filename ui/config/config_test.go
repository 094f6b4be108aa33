package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/styles"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func writeFile(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustParse(t *testing.T, text string) *Config {
	t.Helper()
	c, err := Parse([]byte(text))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return c
}

const twoProfiles = `
default_profile = "prod"

[profiles.prod]
url = "https://prod.example.com"
api_key_env = "PROD_KEY"
read_only = true
page_size = 50

[profiles.dev]
url = "dev.example.com/"
api_key_env = "DEV_KEY"
timeout = "5s"
auth = "raw"
protected = true
concurrency = 8
`

func TestExampleFileLoads(t *testing.T) {
	c, err := Load(filepath.Join("..", "..", "config.example.toml"))
	if err != nil {
		t.Fatalf("config.example.toml: %v", err)
	}
	p := c.Profiles["prod"]
	if c.DefaultProfile != "prod" || p.TenantURL != "https://acme.immuta.com" || p.PageSize != 200 || p.Timeout != 30*time.Second || !p.Protected {
		t.Errorf("prod profile = %+v", p)
	}
	if got := c.Profiles["staging"].TenantURL; got != "https://acme-staging.immuta.com" {
		t.Errorf("staging url = %q", got)
	}
	if got := c.Keys.Quit.Keys(); len(got) != 2 || got[0] != "q" {
		t.Errorf("keys.quit = %q", got)
	}
	if c.Theme.Mode != "auto" || c.Theme.Accent != themeColour(t, "#7D79FF") || c.Theme.Muted != themeColour(t, "244") || c.Theme.Text != nil {
		t.Errorf("theme = %+v", c.Theme)
	}
}

func TestDefaults(t *testing.T) {
	c := mustParse(t, twoProfiles)
	p := c.Profiles["prod"]
	if p.Timeout != DefaultTimeout || p.Auth != "auto" || p.MaxBodyBytes != 64<<20 || p.MaxRows != 2_000_000 || p.AllowHTTP || p.Concurrency != DefaultConcurrency || p.PageSize != 50 || !p.ReadOnly {
		t.Errorf("prod = %+v", p)
	}
	d := c.Profiles["dev"]
	if d.TenantURL != "https://dev.example.com" || d.Timeout != 5*time.Second || d.Auth != "raw" || d.PageSize != DefaultPageSize || d.Concurrency != 8 || !d.Protected {
		t.Errorf("dev = %+v", d)
	}
	if got := c.ProfileNames(); strings.Join(got, ",") != "dev,prod" {
		t.Errorf("ProfileNames = %v", got)
	}
}

func TestResolvePrecedence(t *testing.T) {
	c := mustParse(t, twoProfiles)
	keys := map[string]string{"PROD_KEY": "pk", "DEV_KEY": "dk"}
	withEnv := func(extra map[string]string) func(string) string {
		m := map[string]string{}
		for k, v := range keys {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return env(m)
	}
	cases := []struct {
		name, profile string
		env           map[string]string
		wantProfile   string
		wantURL       string
		wantKey       string
	}{
		{"flag beats env", "dev", map[string]string{EnvURL: "https://env.example.com", EnvKey: "ek"}, "dev", "https://dev.example.com", "dk"},
		{"env beats default", "", map[string]string{EnvURL: "https://env.example.com", EnvKey: "ek"}, "env", "https://env.example.com", "ek"},
		{"terraform names", "", map[string]string{EnvHost: "tf.example.com", EnvKeyToken: "tk"}, "env", "https://tf.example.com", "tk"},
		{"host without scheme in IMMUTA_URL", "", map[string]string{EnvURL: "bare.example.com", EnvKey: "ek"}, "env", "https://bare.example.com", "ek"},
		{"IMMUTA_URL wins over IMMUTA_HOST", "", map[string]string{EnvURL: "http://a.example.com", EnvHost: "b.example.com", EnvKey: "ek"}, "env", "http://a.example.com", "ek"},
		{"default profile", "", nil, "prod", "https://prod.example.com", "pk"},
		{"a key alone does not pick env", "", map[string]string{EnvKey: "ek"}, "prod", "https://prod.example.com", "pk"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tg, err := c.Resolve(tc.profile, withEnv(tc.env))
			if err != nil {
				t.Fatal(err)
			}
			if tg.Profile != tc.wantProfile || tg.TenantURL != tc.wantURL || tg.Key != tc.wantKey {
				t.Errorf("got profile %q url %q key %q", tg.Profile, tg.TenantURL, tg.Key)
			}
			if tg.FromEnv() != (tc.wantProfile == EnvProfile) {
				t.Errorf("FromEnv = %v", tg.FromEnv())
			}
			if tg.Timeout <= 0 || tg.PageSize <= 0 || tg.Concurrency <= 0 || tg.Auth == "" {
				t.Errorf("defaults missing: %#v %+v", tg, *tg)
			}
		})
	}
	prod, _ := c.Resolve("prod", withEnv(nil))
	if !prod.ReadOnly || prod.PageSize != 50 {
		t.Errorf("prod target = %+v", *prod)
	}
}

func TestResolveErrors(t *testing.T) {
	c := mustParse(t, twoProfiles)
	_, err := c.Resolve("prdo", env(nil))
	if err == nil || err.Error() != `unknown profile "prdo" (known: "dev", "prod")` {
		t.Errorf("unknown profile: %v", err)
	}
	_, err = (&Config{}).Resolve("", env(nil))
	if !errors.Is(err, ErrNoConnection) || err.Error() != "no Immuta connection: set IMMUTA_URL and IMMUTA_API_KEY, use --profile, or try --demo" {
		t.Errorf("no connection: %v", err)
	}
	_, err = (&Config{}).Resolve("x", env(nil))
	if err == nil || !strings.Contains(err.Error(), "no profiles are defined") {
		t.Errorf("unknown profile, none defined: %v", err)
	}
	_, err = c.Resolve("", env(map[string]string{EnvURL: "https://x"}))
	if err == nil || !strings.Contains(err.Error(), "IMMUTA_API_KEY") {
		t.Errorf("url without key: %v", err)
	}
	_, err = c.Resolve("prod", env(nil))
	if err == nil || !strings.Contains(err.Error(), "PROD_KEY is not set") {
		t.Errorf("missing key env: %v", err)
	}
}

func TestKeyCommand(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs sh")
	}
	cfg := func(cmd string) *Config {
		return &Config{Profiles: map[string]Profile{"p": {Settings: views.Settings{Profile: "p", TenantURL: "https://x.example.com"}, APIKeyEnv: "UNSET_KEY", APIKeyCommand: cmd}}}
	}
	tg, err := cfg("printf 'sekrit-1\\nsecond line\\n'").Resolve("p", env(nil))
	if err != nil || tg.Key != "sekrit-1" {
		t.Fatalf("key %q err %v", tg.Key, err)
	}
	// The env var wins when set.
	tg, err = cfg("echo from-command").Resolve("p", env(map[string]string{"UNSET_KEY": "from-env"}))
	if err != nil || tg.Key != "from-env" {
		t.Fatalf("key %q err %v", tg.Key, err)
	}
	// A failing command: its stderr is quoted, its stdout never.
	_, err = cfg("echo leaked-secret-value; echo oops leaked-secret-value >&2; exit 3").Resolve("p", env(nil))
	if err == nil || strings.Contains(err.Error(), "leaked-secret-value") || !strings.Contains(err.Error(), "oops") || !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("failing command: %v", err)
	}
	_, err = cfg("true").Resolve("p", env(nil))
	if err == nil || !strings.Contains(err.Error(), "printed no key") {
		t.Errorf("empty output: %v", err)
	}
	old := keyCommandTimeout
	keyCommandTimeout = 200 * time.Millisecond
	defer func() { keyCommandTimeout = old }()
	start := time.Now()
	_, err = cfg("sleep 5").Resolve("p", env(nil))
	if err == nil || !strings.Contains(err.Error(), "timed out") || time.Since(start) > 3*time.Second {
		t.Errorf("slow command: %v after %v", err, time.Since(start))
	}
}

func TestLoadErrors(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"unknown table", "default_profile = \"prod\"\n\n[profils.prod]\nurl = \"x\"\n", `line 3: unknown key "profils.prod"`},
		{"unknown profile key", "[profiles.a]\nurl = \"https://a\"\napi_key_env = \"K\"\n\n# c\nreadonly = true\n", `line 6: unknown key "profiles.a.readonly"`},
		{"unknown top key", "colour = 1\n", `line 1: unknown key "colour"`},
		{"unknown theme key", "[theme]\nmode = \"dark\"\nhighlight = \"1\"\n", `line 3: unknown key "theme.highlight"`},
		{"syntax", "[profiles.a]\nurl = \n", "line 2:"},
		{"bad duration", "[profiles.a]\nurl = \"https://a\"\napi_key_env = \"K\"\ntimeout = \"soon\"\n", `line 4: profiles.a.timeout: "soon" is not a positive duration`},
		{"bad auth", "[profiles.a]\nurl = \"https://a\"\napi_key_env = \"K\"\nauth = \"basic\"\n", `line 4: profiles.a.auth: "basic" is not an auth mode (want "auto", "raw", "exchange" or "bearer")`},
		{"bad size", "[profiles.a]\nurl = \"https://a\"\napi_key_env = \"K\"\nmax_body_bytes = \"64 lots\"\n", `line 4: profiles.a.max_body_bytes: "64 lots" is not a size`},
		{"size too small", "[profiles.a]\nurl = \"https://a\"\napi_key_env = \"K\"\nmax_body_bytes = \"10 B\"\n", `line 4: profiles.a.max_body_bytes: 10 bytes is out of range (1KiB to 16GiB)`},
		{"size of a wrong type", "[profiles.a]\nurl = \"https://a\"\napi_key_env = \"K\"\nmax_body_bytes = true\n", `line 4: profiles.a.max_body_bytes: want a size`},
		{"bad max_rows", "[profiles.a]\nurl = \"https://a\"\napi_key_env = \"K\"\nmax_rows = 0\n", `line 4: profiles.a.max_rows: 0 is out of range`},
		{"bad allow_http", "[profiles.a]\nurl = \"https://a\"\napi_key_env = \"K\"\nallow_http = \"yes\"\n", `line 4: profiles.a.allow_http: want true or false, not a string`},
		{"bad page size", "[profiles.a]\nurl = \"https://a\"\napi_key_env = \"K\"\npage_size = 0\n", `line 4: profiles.a.page_size: 0 is out of range`},
		{"wrong type", "[profiles.a]\nurl = \"https://a\"\napi_key_env = \"K\"\nread_only = \"yes\"\n", `line 4: profiles.a.read_only: want true or false, not a string`},
		{"bad url", "[profiles.a]\nurl = \"ftp://a\"\napi_key_env = \"K\"\n", `line 2: profiles.a.url: "ftp://a" is not an http(s) URL`},
		{"no url", "[profiles.a]\napi_key_env = \"K\"\n", `line 1: profile "a" has no url`},
		{"no key source", "[profiles.a]\nurl = \"https://a\"\n", `line 1: profile "a" has no API key source`},
		{"bad default", "default_profile = \"b\"\n[profiles.a]\nurl = \"https://a\"\napi_key_env = \"K\"\n", `line 1: default_profile "b" is not a profile (known: "a")`},
		{"bad colour", "[theme]\naccent = \"red\"\n", `line 2: theme.accent: "red" is not a colour`},
		{"bad mode", "[theme]\nmode = \"dim\"\n", `line 2: theme.mode: "dim" is not a theme mode`},
		{"bad key binding", "[keys]\nquit = 3\n", `line 2: keys.quit: want a key or a list of keys`},
		{"key conflict", "# keys\n[keys]\nexport = \"a\"\n", `line 2: [keys]: "a" is bound to both access and export on the list screen`},
		{"unknown action", "[keys]\ndwon = \"x\"\n", `line 1: [keys]: unknown action "dwon"`},
		{"profiles not a table", "profiles = 3\n", `line 1: profiles: want a table, not an integer`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, tc.text)
			_, err := Load(path)
			if err == nil {
				t.Fatal("no error")
			}
			want := "config " + path + ": " + tc.want
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("got  %q\nwant %q...", err, want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("more than one line: %q", err)
			}
		})
	}
}

func TestKeysAndTheme(t *testing.T) {
	c := mustParse(t, "[keys]\nquit = \"ctrl+q\"\ndown = [\"j\", \"down\"]\n[theme]\nmode = \"light\"\nerror = \"#f00\"\nsuccess = \"2\"\n")
	if got := c.Keys.Quit.Keys(); len(got) != 1 || got[0] != "ctrl+q" {
		t.Errorf("quit = %q", got)
	}
	if got := c.Keys.Down.Keys(); len(got) != 2 || got[1] != "down" {
		t.Errorf("down = %q", got)
	}
	if c.Theme.Mode != "light" || c.Theme.Error != themeColour(t, "#f00") || c.Theme.Success != themeColour(t, "2") || c.Theme.Accent != nil {
		t.Errorf("theme = %+v", c.Theme)
	}
}

func TestLoadMissing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.toml")
	_, err := Load(missing)
	if err == nil || err.Error() != "config "+missing+": no such file or directory" {
		t.Errorf("explicit missing file: %v", err)
	}
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	c, err := Load("")
	if err != nil || c == nil || len(c.Profiles) != 0 {
		t.Errorf("missing default file: %v %+v", err, c)
	}
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	if got, want := DefaultPath(), filepath.Join(dir, "dsbrowse", "config.toml"); got != want {
		t.Errorf("DefaultPath = %q, want %q", got, want)
	}
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("HOME", dir)
	if got, want := DefaultPath(), filepath.Join(dir, ".config", "dsbrowse", "config.toml"); got != want {
		t.Errorf("DefaultPath fallback = %q, want %q", got, want)
	}
	if err := os.MkdirAll(filepath.Join(dir, ".config", "dsbrowse"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(DefaultPath(), []byte("bogus = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(""); err == nil || !strings.Contains(err.Error(), `unknown key "bogus"`) {
		t.Errorf("broken default file: %v", err)
	}
}

func TestTargetHidesKey(t *testing.T) {
	tg := &Target{Settings: views.Settings{Profile: "p", TenantURL: "https://x"}, Key: "very-secret"}
	for _, s := range []string{tg.String(), tg.GoString(), fmt.Sprintf("%v %+v %#v %s", tg, tg, tg, tg)} {
		if strings.Contains(s, "very-secret") {
			t.Errorf("key shown: %s", s)
		}
	}
}

// themeColour is a [theme] colour as the config holds it.
func themeColour(t *testing.T, s string) lipgloss.TerminalColor {
	t.Helper()
	c, err := styles.ParseColour(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
