// Command dsbrowse browses Immuta data sources: a terminal UI, and
// subcommands for scripts. See dsbrowse --help.
package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/ui"
	"github.com/dsbrowse/dsbrowse/ui/cli"
)

func main() {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		apiclient.Version = bi.Main.Version
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() { <-ctx.Done(); stop() }() // a second ctrl-c kills at once
	code := cli.Main(ctx, os.Args[1:], cli.IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, runTUI)
	stop()
	os.Exit(code)
}

// runTUI runs the terminal UI with the resolved connection.
func runTUI(env *cli.Env) error {
	o := ui.Options{API: env.Client, Host: env.Client.Host(), ReadOnly: env.ReadOnly}
	if t := env.Target; t != nil {
		o.Profile = t.ProfileName
		o.Protected, o.PageSize, o.Concurrency, o.Timeout = t.Protected, t.PageSize, t.Concurrency, t.Timeout
	}
	switch {
	case env.Demo != nil:
		o.Profile = "demo"
	case o.Profile == "":
		o.Profile = "env"
	}
	if c := env.Config; c != nil {
		o.Keys = c.Keys
		o.ThemeMode = c.Theme.Mode
		o.Theme = map[string]string{}
		for name, v := range map[string]string{"accent": c.Theme.Accent, "muted": c.Theme.Muted, "text": c.Theme.Text,
			"border": c.Theme.Border, "error": c.Theme.Error, "warning": c.Theme.Warning, "success": c.Theme.Success} {
			if v != "" {
				o.Theme[name] = v
			}
		}
	}
	// Nothing may write to the terminal while the TUI owns it: log only
	// where --debug says (the default discards).
	slog.SetDefault(env.Logger)
	return ui.Run(o)
}
