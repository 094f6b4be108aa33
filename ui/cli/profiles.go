package cli

import (
	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/ui/config"
)

// ProfileNames are the profiles the TUI's :ctx may switch to: the
// config's, "demo" under --demo (the emulator started for it), and "env"
// when the run's connection came from IMMUTA_URL (so :ctx can go back).
func (e *Env) ProfileNames() []string {
	var names []string
	if e.Demo != nil {
		names = append(names, "demo")
	}
	if e.fromEnv() {
		names = append(names, "env")
	}
	if e.Config != nil {
		for _, n := range e.Config.ProfileNames() {
			if n != "demo" || e.Demo == nil {
				names = append(names, n)
			}
		}
	}
	return names
}

// Connect resolves profile name and builds its client, as the start of a
// run does: the profile's settings, and the --read-only and --allow-http
// flags of this run. The key is read from the profile's api_key_env or
// api_key_command and goes to the profile's URL only.
func (e *Env) Connect(name string, extra ...apiclient.Option) (*config.Target, *apiclient.Client, error) {
	var t *config.Target
	if name == "env" && e.fromEnv() {
		d := *e.Target
		t = &d
	} else if name == "demo" && e.Demo != nil {
		d := *e.Target
		if e.Target.Profile != "demo" {
			d = *e.Config.Demo(e.Demo.URL, e.Demo.Handler.Key())
		}
		t = &d
	} else {
		var err error
		if t, err = e.Config.Resolve(name, nil); err != nil {
			return nil, nil, err
		}
	}
	t.ReadOnly = t.ReadOnly || e.flagReadOnly
	t.AllowHTTP = t.AllowHTTP || e.flagAllowHTTP
	c, err := newClient(t, append([]apiclient.Option{apiclient.WithLogger(e.Logger)}, append(testClientOptions, extra...)...)...)
	if err != nil {
		return nil, nil, err
	}
	return t, c, nil
}

// fromEnv reports whether this run's connection came from the environment
// and no profile of the config is called "env".
func (e *Env) fromEnv() bool {
	if e.Target == nil || e.Demo != nil || !e.Target.FromEnv() {
		return false
	}
	if e.Config == nil {
		return true
	}
	_, clash := e.Config.Profiles["env"]
	return !clash
}
