//go:build !unix

package tui

import (
	"os"
	"syscall"
)

// endSignals end a session; there is no job control to suspend it.
var (
	endSignals     = []os.Signal{os.Interrupt, syscall.SIGTERM}
	suspendSignals []os.Signal
)

func isSuspend(os.Signal) bool { return false }

func stopSelf() {}

func signalName(s syscall.Signal) string { return s.String() }
