package config

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
)

const withKeyCommand = "[profiles.p]\nurl = \"https://x.example.com\"\napi_key_command = \"pass show immuta\"\n"

// chmodFile writes text with exactly mode (WriteFile's mode goes through
// the umask).
func chmodFile(t *testing.T, text string, mode os.FileMode) string {
	t.Helper()
	p := writeFile(t, text)
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

// A file others can write may not name a command that runs as the user.
func TestConfigWritableByOthersIsRefused(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("unix modes")
	}
	for _, mode := range []os.FileMode{0o666, 0o620, 0o602} {
		p := chmodFile(t, withKeyCommand, mode)
		_, err := Load(p)
		want := fmt.Sprintf("config %s: refusing a file other users can write (mode %04o", p, mode)
		if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "chmod go-w "+p) ||
			!strings.Contains(err.Error(), "api_key_command") || strings.Contains(err.Error(), "\n") {
			t.Errorf("mode %04o: %v", mode, err)
		}
	}
	// Only the owner writes: fine. Others writing a file without a command:
	// fine too (it can point at a tenant, but runs nothing).
	for _, c := range []struct {
		text string
		mode os.FileMode
	}{{withKeyCommand, 0o600}, {withKeyCommand, 0o644}, {"[profiles.p]\nurl = \"https://x\"\napi_key_env = \"K\"\n", 0o666}} {
		if _, err := Load(chmodFile(t, c.text, c.mode)); err != nil {
			t.Errorf("mode %04o: %v", c.mode, err)
		}
	}
}

func TestConfigOwnedByAnotherUserIsRefused(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to give a file away")
	}
	p := chmodFile(t, withKeyCommand, 0o644)
	if err := os.Chown(p, 4242, 4242); err != nil {
		t.Skip(err)
	}
	_, err := Load(p)
	if err == nil || !strings.Contains(err.Error(), "owned by another user (uid 4242)") {
		t.Errorf("owned by uid 4242: %v", err)
	}
}

// A failing api_key_command that prints the key on stderr only: the key is
// not in the error, the rest of the message is.
func TestKeyCommandStderrRedacted(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs sh")
	}
	const key = "dea464c07bd07300095caa8f"
	cfg := &Config{Profiles: map[string]Profile{"p": {Settings: views.Settings{Profile: "p", TenantURL: "https://x.example.com"},
		APIKeyCommand: "echo 'token rejected: " + key + " (expired)' >&2; exit 2"}}}
	_, err := cfg.Resolve("p", env(nil))
	if err == nil || strings.Contains(err.Error(), key) || strings.Contains(err.Error(), key[:12]) ||
		!strings.Contains(err.Error(), "token rejected: [REDACTED] (expired)") || !strings.Contains(err.Error(), "exit status 2") {
		t.Errorf("error: %v", err)
	}
	for _, word := range []string{"abc12345", "ALLLETTERSKEYVALUEX", "a-b_c.d/1234"} {
		if !mayBeKey(word) {
			t.Errorf("%q could be a key", word)
		}
	}
	for _, word := range []string{"decryption", "failed:", "gpg:", "password-store", "v2", "[REDACTED]"} {
		if mayBeKey(word) {
			t.Errorf("%q is an ordinary word", word)
		}
	}
}

func TestProfileLimitsAndAuth(t *testing.T) {
	c := mustParse(t, `
[profiles.a]
url = "http://10.9.8.7"
api_key_env = "K"
allow_http = true
max_body_bytes = "512 KiB"
max_rows = 5000
auth = "Exchange"

[profiles.b]
url = "https://b"
api_key_env = "K"
max_body_bytes = 1048576

[profiles.c]
url = "https://c"
api_key_env = "K"
max_body_bytes = "1GB"
auth = "raw"
`)
	a, err := c.Resolve("a", env(map[string]string{"K": "key-a"}))
	if err != nil {
		t.Fatal(err)
	}
	if !a.AllowHTTP || a.MaxBodyBytes != 512<<10 || a.MaxRows != 5000 || a.Auth != "exchange" || a.RememberAs != "profile a" {
		t.Errorf("a = %+v", *a)
	}
	if got := c.Profiles["b"].MaxBodyBytes; got != 1<<20 {
		t.Errorf("b max_body_bytes = %d", got)
	}
	if got := c.Profiles["c"]; got.MaxBodyBytes != 1e9 || got.Auth != "raw" || got.MaxRows != DefaultMaxRows {
		t.Errorf("c = %+v", got)
	}
	e, err := c.Resolve("", env(map[string]string{EnvURL: "https://env.example.com", EnvKey: "k"}))
	if err != nil || e.MaxBodyBytes != DefaultMaxBodyBytes || e.MaxRows != DefaultMaxRows || e.Auth != "auto" || e.RememberAs != "url https://env.example.com" {
		t.Errorf("env target = %+v (%v)", e, err)
	}
}

// config.example.toml shows every key a profile takes, so a new key cannot
// go undocumented.
func TestExampleShowsEveryProfileKey(t *testing.T) {
	var f struct {
		Profiles map[string]map[string]any `toml:"profiles"`
	}
	if _, err := toml.DecodeFile(filepath.Join("..", "..", "config.example.toml"), &f); err != nil {
		t.Fatal(err)
	}
	typ := reflect.TypeFor[fileProfile]()
	for i := range typ.NumField() {
		key := typ.Field(i).Tag.Get("toml")
		if _, ok := f.Profiles["prod"][key]; !ok {
			t.Errorf("config.example.toml: [profiles.prod] does not show %q", key)
		}
	}
}

func TestRememberAuth(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	if got := RememberedAuth("profile p", "https://p"); got != "" {
		t.Errorf("nothing remembered yet: %q", got)
	}
	if err := RememberAuth("profile p", "https://p", apiclient.AuthExchange); err != nil {
		t.Fatal(err)
	}
	if err := RememberAuth("url https://q", "https://q", apiclient.AuthBearer); err != nil {
		t.Fatal(err)
	}
	if got := RememberedAuth("profile p", "https://p"); got != apiclient.AuthExchange {
		t.Errorf("profile p: %q", got)
	}
	if got := RememberedAuth("url https://q", "https://q"); got != apiclient.AuthBearer {
		t.Errorf("url q: %q", got)
	}
	// The profile now points elsewhere: start afresh.
	if got := RememberedAuth("profile p", "https://elsewhere"); got != "" {
		t.Errorf("other url: %q", got)
	}
	path := filepath.Join(state, "dsbrowse", "auth.json")
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("state file: %v %v", fi, err)
	}
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := RememberedAuth("profile p", "https://p"); got != "" {
		t.Errorf("damaged file: %q", got)
	}
}
