package styles

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
)

func TestThemeOverrides(t *testing.T) {
	accent, err := ParseColour("#ff0000")
	if err != nil {
		t.Fatal(err)
	}
	red, err := ParseColour("196")
	if err != nil {
		t.Fatal(err)
	}
	th := Default.With(Overrides{Accent: accent, Error: red})
	if th.Accent.(lipgloss.AdaptiveColor).Dark != "#ff0000" || th.Error.(lipgloss.AdaptiveColor).Light != "196" {
		t.Fatalf("overrides not applied: %+v", th)
	}
	if th.Muted != Default.Muted || th.Subtle != Default.Subtle {
		t.Fatalf("a colour not overridden changed: %+v", th)
	}
	if got := NoColor.With(Overrides{}); got != NoColor {
		t.Fatalf("no overrides changed the palette: %+v", got)
	}
}

func TestParseColour(t *testing.T) {
	for _, ok := range []string{"#fff", "#A0b1C2", "0", "255", " 7 "} {
		if _, err := ParseColour(ok); err != nil {
			t.Errorf("ParseColour(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "blue-ish", "#ffff", "#ggg", "256", "-1", "007", "+7"} {
		if _, err := ParseColour(bad); err == nil || !strings.Contains(err.Error(), "not a colour") {
			t.Errorf("ParseColour(%q) = %v, want not a colour", bad, err)
		}
	}
}

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"auto": ModeAuto, "Dark": ModeDark, " light ": ModeLight} {
		if got, err := ParseMode(in); err != nil || got != want {
			t.Errorf("ParseMode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseMode(""); err == nil {
		t.Error(`ParseMode("") took an empty mode`)
	}
	if _, err := ParseMode("dim"); err == nil || err.Error() != `"dim" is not a theme mode (want "auto", "dark" or "light")` {
		t.Errorf("ParseMode(dim) = %v", err)
	}
}

// Every style takes its colour from the theme it was built from.
func TestNewUsesTheme(t *testing.T) {
	accent, _ := ParseColour("#123456")
	s := New(Default.With(Overrides{Accent: accent}))
	if s.Theme.Accent != accent || s.Accent.GetForeground() != accent || s.Modal.Box.GetBorderTopForeground() != accent {
		t.Errorf("accent not used: %v %v", s.Accent.GetForeground(), s.Modal.Box.GetBorderTopForeground())
	}
	if n := New(NoColor); n.Error.GetForeground() != (lipgloss.NoColor{}) || !n.Table.Selected.GetReverse() {
		t.Errorf("NoColor styles: %v, reverse %v", n.Error.GetForeground(), n.Table.Selected.GetReverse())
	}
}
