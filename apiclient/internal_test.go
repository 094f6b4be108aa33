package apiclient

// White-box checks of the retry timing, which the HTTP tests can only see
// from outside (and slowly).

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	future := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	for _, c := range []struct {
		in       string
		min, max time.Duration
	}{
		{"0", 0, 0},
		{"1", time.Second, time.Second},
		{" 120 ", 2 * time.Minute, 2 * time.Minute},
		{"-5", 0, 0},
		{"soon", 0, 0},
		{"", 0, 0},
		{"Wed, 21 Oct 2015 07:28:00 GMT", 0, 0}, // in the past
		{future, 80 * time.Second, 91 * time.Second},
	} {
		if got := parseRetryAfter(c.in); got < c.min || got > c.max {
			t.Errorf("parseRetryAfter(%q) = %v, want in [%v, %v]", c.in, got, c.min, c.max)
		}
	}
}

func TestRetryDelay(t *testing.T) {
	t.Parallel()
	c, err := New("https://tenant.example", "k", WithRetries(5, 100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	// The server's Retry-After wins, but a huge one cannot hang the client.
	if d := c.retryDelay(1, &APIError{StatusCode: 429, RetryAfter: 2 * time.Second}); d != 2*time.Second {
		t.Errorf("Retry-After 2s gave %v", d)
	}
	if d := c.retryDelay(1, &APIError{StatusCode: 503, RetryAfter: time.Hour}); d != 30*time.Second {
		t.Errorf("Retry-After 1h gave %v, want the 30s cap", d)
	}
	// Otherwise exponential backoff with jitter in [d/2, d), capped.
	for attempt, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 10: 8 * time.Second} {
		for range 50 {
			d := c.retryDelay(attempt, errors.New("network"))
			if d < want/2 || d >= want {
				t.Fatalf("attempt %d: delay %v not in [%v, %v)", attempt, d, want/2, want)
			}
		}
	}
}
