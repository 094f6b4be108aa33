package table

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views/styles"
)

func TestPad(t *testing.T) {
	for _, tt := range []struct {
		s     string
		w     int
		right bool
		want  string
	}{
		{"ab", 4, false, "ab  "},
		{"ab", 4, true, "  ab"},
		{"abcdef", 4, false, "abc…"},
		{"日本語", 4, false, "日… "},
		{"", 0, false, ""},
	} {
		if got := Pad(tt.s, tt.w, tt.right); got != tt.want {
			t.Errorf("Pad(%q, %d, %v) = %q, want %q", tt.s, tt.w, tt.right, got, tt.want)
		}
	}
}

func TestGridLines(t *testing.T) {
	lipgloss.SetColorProfile(termenv.Ascii)
	st := styles.New(styles.Default)
	data := [][]string{{"a", "1", "x"}, {"bb", "22", "y"}, {"ccc", "333", "z"}, {"d", "4", "w"}}
	g := Grid{
		Cols:  []Col{{Title: "NAME", Width: 4}, {Title: "HIDDEN", Width: 0}, {Title: "N", Width: 3, Right: true}},
		Sep:   1,
		Cell:  func(i, j int) string { return data[i][[]int{0, 2, 1}[j]] },
		Alert: func(i, j int) bool { return j == 2 && i >= 1 },
	}
	var cur Cursor
	cur.Set(2, len(data), 2)
	got := strings.Join(g.Lines(st, cur, len(data), 2), "\n")
	want := "  NAME   N\n  bb    22\n› ccc  333"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if lines := g.Lines(st, Cursor{}, 0, 5); len(lines) != 1 {
		t.Errorf("no rows: %q", lines)
	}
}

func TestFilterLine(t *testing.T) {
	lipgloss.SetColorProfile(termenv.Ascii)
	st := styles.New(styles.Default)
	back := keymap.Default().Back
	in := textinput.New()
	in.Prompt = FilterPrompt
	in.SetValue("pii")
	if got := FilterLine(st, 60, in, false, "pii\x1b[31m", "2 of 5 match", back); got != "/ pii␛[31m  2 of 5 match · esc clears" {
		t.Errorf("kept filter: %q", got)
	}
	got := FilterLine(st, 40, in, true, "", "2 of 5 match", back)
	if !strings.HasPrefix(got, "/ pii") || !strings.HasSuffix(got, "  2 of 5 match") || ansi.StringWidth(got) > 40 {
		t.Errorf("typing: %q", got)
	}
	if got := FilterLine(st, 12, in, false, "a long filter", "2 of 5 match", back); ansi.StringWidth(got) > 12 || !strings.HasSuffix(got, "…") {
		t.Errorf("narrow: %q", got)
	}
}
