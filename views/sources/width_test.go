package sources

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// Names with emoji that a per-rune width gets wrong: a ZWJ family (one
// glyph, two cells), a heart with VS16 (two cells, not one), a flag, a
// skin tone, a keycap. Every row must be exactly as wide as the table, so
// that no line is wider than the terminal and the columns line up.
func TestEmojiNamesKeepRowsInTheTerminal(t *testing.T) {
	names := []string{
		"family 👨\u200d👩\u200d👧 data",
		"I ❤️ sales ❤️❤️❤️❤️❤️❤️❤️❤️❤️❤️❤️❤️",
		"flags 🇩🇪🇫🇷 and 🏳️\u200d🌈",
		"thumbs 👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽",
		"keycap 1️⃣2️⃣3️⃣ ☺️ coder 🧑\u200d💻",
	}
	srcs := viewtest.GenSources(len(names))
	for i := range srcs {
		srcs[i].Name = names[i]
	}
	for _, w := range []int{120, 80, 60, 41} {
		_, m := newList(t, &viewtest.FakeAPI{Sources: srcs}, w, 12)
		out := m.View()
		viewtest.CheckBounds(t, out, w, 12)
		lines := strings.Split(out, "\n")
		rows := 0
		for _, l := range lines {
			plain := ansi.Strip(l)
			if !strings.ContainsAny(plain, "👨❤🇩👍☺") {
				continue
			}
			rows++
			if lw := ansi.StringWidth(l); lw != w {
				t.Errorf("width %d: row is %d wide: %q", w, lw, plain)
			}
		}
		if rows != len(names) {
			t.Errorf("width %d: %d emoji rows shown, want %d:\n%s", w, rows, len(names), ansi.Strip(out))
		}
	}
}
