package immutatest

import (
	"testing"
	"time"
)

// Jitter varies each request's latency within ±Jitter, never below zero.
func TestLatencyJitter(t *testing.T) {
	h := NewHandler(Options{Latency: 100 * time.Millisecond, Jitter: 30 * time.Millisecond})
	lo, hi := time.Hour, time.Duration(0)
	for range 2000 {
		d := h.latency()
		lo, hi = min(lo, d), max(hi, d)
	}
	if lo < 70*time.Millisecond || hi > 130*time.Millisecond {
		t.Errorf("latency from %v to %v, want within 100±30 ms", lo, hi)
	}
	if hi-lo < 40*time.Millisecond {
		t.Errorf("latency from %v to %v: hardly varies", lo, hi)
	}
	if d := NewHandler(Options{Latency: 5 * time.Millisecond, Jitter: 50 * time.Millisecond}).latency(); d < 0 {
		t.Errorf("negative latency %v", d)
	}
	if d := NewHandler(Options{Latency: 7 * time.Millisecond}).latency(); d != 7*time.Millisecond {
		t.Errorf("without jitter: %v", d)
	}
}
