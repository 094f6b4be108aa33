package cli

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
	"github.com/dsbrowse/dsbrowse/ui/config"
)

// :ctx's connections: the config's profiles (their settings, the run's
// --read-only), "env" to go back to IMMUTA_URL, an unknown name refused.
func TestConnectForCtx(t *testing.T) {
	srv := immutatest.NewServer(immutatest.Options{Sources: 3, Key: "ctx-key-1234"})
	t.Cleanup(srv.Close)
	t.Setenv("CTX_TEST_KEY", srv.Handler.Key())
	cfg, err := config.Parse([]byte(fmt.Sprintf("[profiles.second]\nurl = %q\napi_key_env = \"CTX_TEST_KEY\"\nprotected = true\n", srv.URL)))
	if err != nil {
		t.Fatal(err)
	}
	fromEnv, err := cfg.Resolve("", func(k string) string {
		return map[string]string{config.EnvURL: "https://tenant.example", config.EnvKey: "k"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	env := &Env{Config: cfg, Logger: slog.New(slog.DiscardHandler), flagReadOnly: true, Target: fromEnv}
	if got := env.ProfileNames(); !reflect.DeepEqual(got, []string{"env", "second"}) {
		t.Errorf("names %v", got)
	}
	tg, c, err := env.Connect("second", apiclient.WithRequestLog(apiclient.NewRequestLog(10)))
	if err != nil {
		t.Fatal(err)
	}
	if !tg.Protected || !tg.ReadOnly || tg.TenantURL != srv.URL {
		t.Errorf("target %+v: protected and the run's --read-only should hold", tg)
	}
	if _, err := c.ListDataSources(context.Background(), apiclient.ListOptions{Size: 1}); err != nil {
		t.Errorf("the second profile's client: %v", err)
	}
	if tg, _, err := env.Connect("env"); err != nil || tg.TenantURL != "https://tenant.example" {
		t.Errorf("env: %v %v", tg, err)
	}
	if _, _, err := env.Connect("nope"); err == nil || !strings.Contains(err.Error(), `unknown profile "nope"`) {
		t.Errorf("unknown: %v", err)
	}
}
