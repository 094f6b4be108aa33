package safe

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

func TestLineNeutralisesTerminalControl(t *testing.T) {
	cases := map[string]string{
		"Web Sales":             "Web Sales",
		"\x1b[31mred\x1b[0m":    "␛[31mred␛[0m",
		"title\x1b]0;pwned\x07": "title␛]0;pwned␇",
		"a\nb\tc\rd":            "a b c d",
		"evil\u202etxt.exe":     "eviltxt.exe",
		"\u2066iso\u2069":       "iso",
		"c1\u009b31m":           "c1\uFFFD31m",
		"del\x7f":               "del␡",
		"bad\xffutf8":           "bad\uFFFDutf8",
		"データ 🚀":                 "データ 🚀",
	}
	for in, want := range cases {
		if got := Line(in); got != want {
			t.Errorf("Line(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBlockKeepsNewlines(t *testing.T) {
	got := Block("# Title\r\n\nbody\x1b[2J")
	if got != "# Title\n\nbody␛[2J" {
		t.Errorf("Block = %q", got)
	}
}

func TestNothingDangerousSurvives(t *testing.T) {
	in := strings.Repeat("x\x1b\x07\x00\u009b\u202e", 50)
	for _, out := range []string{Line(in), Block(in)} {
		for _, r := range out {
			if r < 0x20 && r != '\n' || r == 0x7f || (r >= 0x80 && r < 0xa0) || isBidiControl(r) {
				t.Fatalf("control %U survived in %q", r, out)
			}
		}
	}
}

func BenchmarkLinePlain(b *testing.B) {
	s := "Public Barfoo Sales Orders 2023"
	for b.Loop() {
		_ = Line(s)
	}
}

func TestRunesDropsWhatATerminalWouldAct(t *testing.T) {
	got := string(Runes([]rune("ok\u202eevil\x1b[2J\u009bx\u2066")))
	if got != "okevil[2Jx" {
		t.Fatalf("got %q", got)
	}
	plainIn := []rune("plain text")
	if out := Runes(plainIn); &out[0] != &plainIn[0] {
		t.Error("clean input should be returned as is")
	}
}

func TestTypedCleansRunesOnly(t *testing.T) {
	got := Typed(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("a\u202eb\x1b")})
	if string(got.Runes) != "ab" {
		t.Errorf("runes %q", string(got.Runes))
	}
	if k := Typed(tea.KeyMsg{Type: tea.KeyEnter}); k.Type != tea.KeyEnter || k.Runes != nil {
		t.Errorf("enter became %+v", k)
	}
}

func TestShort(t *testing.T) {
	cases := []struct {
		in   string
		w    int
		want string
	}{
		{"Web Sales", 20, "Web Sales"},
		{"Web Sales", 5, "Web …"},
		{"Web Sales", 0, ""},
		{"evil\u202etxt\x1b[2J", 20, "eviltxt␛[2J"},
		{"数据源数据源", 7, "数据源…"},
		// A ZWJ family is one glyph two cells wide: it is kept whole or not at all.
		{"ab👨\u200d👩\u200d👧cd", 4, "ab…"},
		{"ab👨\u200d👩\u200d👧cd", 5, "ab👨\u200d👩\u200d👧…"},
	}
	for _, c := range cases {
		if got := Short(c.in, c.w); got != c.want {
			t.Errorf("Short(%q, %d) = %q, want %q", c.in, c.w, got, c.want)
		}
	}
	huge := strings.Repeat("x", 10<<20)
	got := Short(huge, 80)
	if ansi.StringWidth(got) != 80 || !strings.HasSuffix(got, "…") {
		t.Errorf("10 MB cut to %d cells: %q", ansi.StringWidth(got), got)
	}
	// Cut in the middle of a multi-byte character: no replacement glyph.
	if got := Short(strings.Repeat("é", 10<<10), 40); strings.ContainsRune(got, '\uFFFD') || ansi.StringWidth(got) != 40 {
		t.Errorf("cut badly: %q", got)
	}
}

func BenchmarkShortHuge(b *testing.B) {
	s := strings.Repeat("Public Barfoo Sales Orders ", 400_000) // ~10 MB
	for b.Loop() {
		_ = Short(s, 200)
	}
}
