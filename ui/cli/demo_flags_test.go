package cli

import (
	"strings"
	"testing"
)

// demo-server's link flags: negative values are one clear usage line.
func TestDemoServerLinkFlags(t *testing.T) {
	for _, args := range [][]string{
		{"demo-server", "--jitter", "-1s"},
		{"demo-server", "--max-page-size", "-5"},
		{"demo-server", "--latency", "-10ms"},
	} {
		res := runMain(t, nil, "", args...)
		if res.code != 2 || !strings.Contains(res.err.String(), "must not be negative") || strings.Count(strings.TrimSpace(res.err.String()), "\n") > 1 {
			t.Errorf("%v: exit %d, stderr %q", args, res.code, res.err.String())
		}
	}
	help := runMain(t, nil, "", "demo-server", "--help")
	for _, flag := range []string{"-jitter", "-max-page-size", "-latency"} {
		if !strings.Contains(help.out.String()+help.err.String(), flag) {
			t.Errorf("demo-server --help does not show %s", flag)
		}
	}
}
