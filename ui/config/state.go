package config

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

// StateDir is $XDG_STATE_HOME/dsbrowse, falling back to
// ~/.local/state/dsbrowse: what dsbrowse learns and may forget (the debug
// log, the auth form each profile's tenant takes).
func StateDir() string {
	dir := xdgDir("XDG_STATE_HOME", filepath.Join(".local", "state"))
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, "dsbrowse")
}

// authStateFile holds, per profile (or per IMMUTA_URL), the auth form its
// tenant took, so auth = "auto" starts with it next time.
const authStateFile = "auth.json"

// authEntry is one remembered form, with the URL it was learned on: a
// profile pointed elsewhere starts afresh.
type authEntry struct {
	URL  string             `json:"url"`
	Auth apiclient.AuthMode `json:"auth"`
}

// authStateMu serialises this process's read-modify-write of the file.
var authStateMu sync.Mutex

func readAuthState(path string) map[string]authEntry {
	b, err := os.ReadFile(path)
	if err != nil {
		return map[string]authEntry{}
	}
	var m map[string]authEntry
	if json.Unmarshal(b, &m) != nil || m == nil {
		return map[string]authEntry{} // a damaged cache is only a cache
	}
	return m
}

// RememberedAuth is the form remembered for key (Target.RememberAs) on url,
// or "" when there is none or it is not a form apiclient knows.
func RememberedAuth(key, url string) apiclient.AuthMode {
	dir := StateDir()
	if dir == "" || key == "" {
		return ""
	}
	authStateMu.Lock()
	e, ok := readAuthState(filepath.Join(dir, authStateFile))[key]
	authStateMu.Unlock()
	if !ok || e.URL != url {
		return ""
	}
	m, err := apiclient.ParseAuthMode(string(e.Auth))
	if err != nil || m == apiclient.AuthAuto {
		return ""
	}
	return m
}

// RememberAuth records that key's tenant at url takes form m. The file is
// replaced whole (written beside it, then renamed), readable by the user
// only.
func RememberAuth(key, url string, m apiclient.AuthMode) error {
	dir := StateDir()
	if dir == "" || key == "" {
		return errors.New("no state directory")
	}
	authStateMu.Lock()
	defer authStateMu.Unlock()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	path := filepath.Join(dir, authStateFile)
	state := readAuthState(path)
	if e, ok := state[key]; ok && e.URL == url && e.Auth == m {
		return nil
	}
	state[key] = authEntry{URL: url, Auth: m}
	b, err := json.MarshalIndent(state, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+authStateFile+".*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // gone after the rename
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
