package views

import (
	"context"
	"testing"
	"time"
)

func TestContextWithTimeout(t *testing.T) {
	for _, c := range []struct {
		sess *Session
		want time.Duration
	}{
		{&Session{Settings: Settings{Timeout: 5 * time.Second}}, 5 * time.Second},
		{&Session{}, DefaultTimeout},
		{&Session{Settings: Settings{Timeout: -time.Second}}, DefaultTimeout},
		{nil, DefaultTimeout},
	} {
		start := time.Now()
		ctx, cancel := c.sess.WithTimeout(context.Background())
		deadline, ok := ctx.Deadline()
		cancel()
		if !ok {
			t.Fatalf("%+v: no deadline", c.sess)
		}
		if got := deadline.Sub(start); got < c.want || got > c.want+time.Second {
			t.Errorf("%+v: deadline in %v, want %v", c.sess, got, c.want)
		}
		if ctx.Err() == nil {
			t.Errorf("%+v: cancel did not end the context", c.sess)
		}
	}
	// The parent still ends it.
	parent, stop := context.WithCancel(context.Background())
	ctx, cancel := (&Session{}).WithTimeout(parent)
	defer cancel()
	stop()
	if ctx.Err() == nil {
		t.Error("the parent's end did not end the request's context")
	}
}

func TestContextClock(t *testing.T) {
	fixed := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	if got := (&Session{Now: func() time.Time { return fixed }}).Clock(); !got.Equal(fixed) {
		t.Errorf("Clock() = %v, want the context's clock", got)
	}
	for _, sess := range []*Session{{}, nil} {
		if got := sess.Clock(); time.Since(got) > time.Minute || time.Since(got) < 0 {
			t.Errorf("Clock() = %v, want the system clock", got)
		}
	}
}
