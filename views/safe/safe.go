// Package safe makes server strings safe to draw on a terminal: control
// characters and escape sequences are shown as visible glyphs instead of
// being executed, and bidirectional overrides (which can make text read
// differently from what it is) are removed.
package safe

import (
	"strings"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// Line makes s safe for one line of a table: newlines and tabs become
// spaces too.
func Line(s string) string { return clean(s, false) }

// Block makes s safe for multi-line text: newlines are kept, tabs become
// spaces, everything else is as for Line.
func Block(s string) string { return clean(s, true) }

func clean(s string, keepNewlines bool) string {
	if Plain(s) {
		return s // the common case allocates nothing
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune('\uFFFD')
		case r == '\n' && keepNewlines:
			b.WriteByte('\n')
		case r == '\r' && keepNewlines:
			// CRLF becomes LF; a bare CR would move the cursor.
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case r < 0x20:
			b.WriteRune(0x2400 + r) // ␛ for ESC, ␇ for BEL, ...
		case r == 0x7f:
			b.WriteRune('␡')
		case r >= 0x80 && r < 0xa0: // C1 controls, including the 8-bit CSI
			b.WriteRune('\uFFFD')
		case isBidiControl(r):
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Plain reports whether s is printable ASCII only: what every cleaning
// here leaves as it is.
func Plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

func isBidiControl(r rune) bool {
	switch {
	case r >= 0x202a && r <= 0x202e, // LRE, RLE, PDF, LRO, RLO
		r >= 0x2066 && r <= 0x2069,            // LRI, RLI, FSI, PDI
		r == 0x200e, r == 0x200f, r == 0x061c: // LRM, RLM, ALM
		return true
	}
	return false
}

// Runes drops, from typed or pasted text, what would change how a line
// reads (bidi overrides and marks) or what a terminal acts on (C0 and C1
// controls), so a text field never echoes them.
func Runes(rs []rune) []rune {
	keep := true
	for _, r := range rs {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || isBidiControl(r) {
			keep = false
			break
		}
	}
	if keep {
		return rs
	}
	out := make([]rune, 0, len(rs))
	for _, r := range rs {
		if !(r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || isBidiControl(r)) {
			out = append(out, r)
		}
	}
	return out
}

// Typed is a key on its way into a text field with Runes cleaned: a
// field never echoes a bidi override or a control character, even from
// a key that did not come through the root (which cleans them too).
func Typed(msg tea.KeyMsg) tea.KeyMsg {
	if msg.Type == tea.KeyRunes {
		msg.Runes = Runes(msg.Runes)
	}
	return msg
}

// Short makes s safe for one line and cuts it to at most width cells,
// ending in "…" when anything was cut. Only a prefix of s is read, so a
// 10 MB server string costs no more to draw than a short one; the full
// value stays where it came from (raw JSON, --json).
func Short(s string, width int) string {
	if width <= 0 {
		return ""
	}
	// No cell takes more than maxCellBytes bytes in practice (an emoji ZWJ
	// family is 25), so this prefix holds every cell that can show.
	const maxCellBytes = 32
	cut := false
	if limit := width*maxCellBytes + maxCellBytes; len(s) > limit {
		for limit > 0 && !utf8.RuneStart(s[limit]) {
			limit-- // not in the middle of a character
		}
		s, cut = s[:limit], true
	}
	s = Line(s)
	if cut {
		return ansi.Truncate(s, width-1, "") + "…"
	}
	return ansi.Truncate(s, width, "…")
}
