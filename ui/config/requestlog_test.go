package config

import (
	"strings"
	"testing"
)

func TestRequestLogSize(t *testing.T) {
	c, err := Parse([]byte("request_log_size = 20\n"))
	if err != nil || c.RequestLogSize != 20 {
		t.Fatalf("got %v, %v", c, err)
	}
	if c, err := Parse(nil); err != nil || c.RequestLogSize != 0 {
		t.Errorf("absent: %v, %v (0 leaves the client's default)", c, err)
	}
	for _, bad := range []string{"request_log_size = 0", "request_log_size = 1000000", `request_log_size = "x"`} {
		if _, err := Parse([]byte(bad + "\n")); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("%s: err %v, want one naming line 1", bad, err)
		}
	}
}
