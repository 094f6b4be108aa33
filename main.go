// Command dsbrowse browses Immuta data sources: a terminal UI, and
// subcommands for scripts. See dsbrowse --help.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/ui/cli"
	"github.com/dsbrowse/dsbrowse/ui/config"
	"github.com/dsbrowse/dsbrowse/ui/tui"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/cmdline"
)

func main() {
	defer func() {
		// A panic outside the TUI (which has its own guard): one clear
		// line first, the stack after it for a bug report.
		if r := recover(); r != nil {
			fmt.Fprintf(os.Stderr, "dsbrowse: internal error: %v (please report this)\n\n%s", r, debug.Stack())
			os.Exit(2)
		}
	}()
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		apiclient.Version = bi.Main.Version
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() { <-ctx.Done(); stop() }() // a second ctrl-c kills at once
	code := cli.Main(ctx, os.Args[1:], cli.IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, runTUI)
	stop()
	if tuiEnd != nil {
		// The TUI ended on a signal or a panic, with the terminal restored:
		// say so on the normal screen, and exit as the shell expects.
		fmt.Fprintln(os.Stderr, "dsbrowse: "+tuiEnd.Error())
		if pe, ok := tuiEnd.(*tui.PanicError); ok && pe.Stack != nil {
			fmt.Fprintf(os.Stderr, "\n%s", pe.Stack)
		}
		code = tuiEnd.ExitCode()
	}
	os.Exit(code)
}

// tuiEnd is why the TUI ended when it was not the user quitting.
var tuiEnd interface {
	error
	ExitCode() int
}

// runTUI runs the terminal UI with the resolved connection.
func runTUI(env *cli.Env) error {
	o := tui.Options{Session: views.Session{API: env.Client, Host: env.Client.Host(), Settings: env.Target.Settings, RequestLog: env.Client.RequestLog()}}
	if c := env.Config; c != nil {
		o.Keys, o.Theme, o.ThemeMode = &c.Keys, c.Theme.Overrides, c.Theme.Mode
	}
	o.Commands = commands(env, o.Session.RequestLog)
	if c := env.Config; c != nil && c.RequestLogSize > 0 {
		o.Session.RequestLog.SetLimit(c.RequestLogSize)
	}
	// Nothing may write to the terminal while the TUI owns it: log only
	// where --debug says (the default discards).
	slog.SetDefault(env.Logger)
	err := tui.Run(o)
	var se *tui.SignalError
	var pe *tui.PanicError
	switch {
	case errors.As(err, &se):
		tuiEnd = se
		return nil // main reports it after the connection is closed
	case errors.As(err, &pe):
		tuiEnd = pe
		return nil
	}
	return err
}

// commands wires the TUI's command line: the config's saved views, the
// profiles :ctx switches to (their clients record into the session's one
// request log), and the history file in the state directory.
func commands(env *cli.Env, log *apiclient.RequestLog) tui.Commands {
	c := tui.Commands{Profiles: env.ProfileNames()}
	if env.Config != nil {
		c.Views = env.Config.Views
	}
	if dir := config.StateDir(); dir != "" {
		c.HistoryPath = filepath.Join(dir, cmdline.HistoryFile)
	}
	c.Open = func(name string) (*views.Session, error) {
		t, client, err := env.Connect(name, apiclient.WithRequestLog(log))
		if err != nil {
			return nil, err
		}
		return &views.Session{API: client, Host: client.Host(), Settings: t.Settings}, nil
	}
	return c
}
