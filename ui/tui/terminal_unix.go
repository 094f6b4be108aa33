//go:build unix

package tui

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// endSignals end a session; suspendSignals suspend it.
var (
	endSignals     = []os.Signal{syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM, syscall.SIGQUIT}
	suspendSignals = []os.Signal{syscall.SIGTSTP}
)

func isSuspend(sig os.Signal) bool { return sig == syscall.SIGTSTP }

// stopSelf stops the process the way SIGTSTP would have, had Go not been
// asked to catch it.
func stopSelf() { _ = syscall.Kill(os.Getpid(), syscall.SIGSTOP) }

// signalName is "SIGHUP" for SIGHUP.
func signalName(s syscall.Signal) string { return unix.SignalName(s) }
