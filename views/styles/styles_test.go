package styles

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
)

func TestThemeOverrides(t *testing.T) {
	th, err := Default.With(map[string]string{"accent": "#ff0000", "error": "196"})
	if err != nil {
		t.Fatal(err)
	}
	if th.Accent.(lipgloss.AdaptiveColor).Dark != "#ff0000" || th.Error.(lipgloss.AdaptiveColor).Light != "196" {
		t.Fatalf("overrides not applied: %+v", th)
	}
	if _, err := Default.With(map[string]string{"acent": "#fff"}); err == nil || !strings.Contains(err.Error(), `unknown colour "acent"`) {
		t.Fatalf("err = %v", err)
	}
	if _, err := Default.With(map[string]string{"accent": "blue-ish"}); err == nil || !strings.Contains(err.Error(), "not a colour") {
		t.Fatalf("err = %v", err)
	}
}
