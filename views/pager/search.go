package pager

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// Find is a search within a page's text (/ in the detail and the raw
// JSON): the lines that hold the query, case-insensitively, and which
// one is current. n and N step through them.
type Find struct {
	Query string
	Lines []int // indexes of the lines that match, in order
	Cur   int   // index into Lines
}

// Run searches lines (styled or not) for q and makes the first match at
// or after line from current.
func (f *Find) Run(lines []string, q string, from int) {
	f.Query, f.Lines, f.Cur = q, nil, 0
	if q == "" {
		return
	}
	lq := strings.ToLower(q)
	for i, l := range lines {
		if strings.Contains(strings.ToLower(ansi.Strip(l)), lq) {
			f.Lines = append(f.Lines, i)
		}
	}
	for i, l := range f.Lines {
		if l >= from {
			f.Cur = i
			break
		}
	}
}

// Step moves to the next match (d > 0) or the previous one, wrapping, and
// returns its line (-1 when there is none).
func (f *Find) Step(d int) int {
	if len(f.Lines) == 0 {
		return -1
	}
	f.Cur = ((f.Cur+d)%len(f.Lines) + len(f.Lines)) % len(f.Lines)
	return f.Lines[f.Cur]
}

// Line is the current match's line (-1 when there is none).
func (f *Find) Line() int {
	if len(f.Lines) == 0 {
		return -1
	}
	return f.Lines[f.Cur]
}

// Status says where the search is: "2 of 7" or "no match".
func (f *Find) Status() string {
	if len(f.Lines) == 0 {
		return "no match"
	}
	return fmt.Sprintf("%d of %d", f.Cur+1, len(f.Lines))
}

// Mark draws line with each match of the query in hi (the line's own
// styles give way to it: the plain text is redrawn).
func (f *Find) Mark(line string, hi lipgloss.Style) string {
	if f.Query == "" {
		return line
	}
	plain := ansi.Strip(line)
	lp, lq := strings.ToLower(plain), strings.ToLower(f.Query)
	if !strings.Contains(lp, lq) || len(lp) != len(plain) {
		return line
	}
	var b strings.Builder
	for {
		i := strings.Index(lp, lq)
		if i < 0 {
			b.WriteString(plain)
			return b.String()
		}
		b.WriteString(plain[:i])
		b.WriteString(hi.Render(plain[i : i+len(lq)]))
		plain, lp = plain[i+len(lq):], lp[i+len(lq):]
	}
}

// JSONStyles colour raw JSON: object keys, strings, numbers and the
// literals true, false and null. Under NO_COLOR the styles have no
// colour, and the text comes out plain.
type JSONStyles struct {
	Key, String, Number, Literal lipgloss.Style
}

// ColorJSON colours lines of JSON text (indented, perhaps wrapped: a line
// may begin inside a string, which inString says and the result carries
// to the next line).
func ColorJSON(line string, inString bool, st JSONStyles) (string, bool) {
	var b strings.Builder
	i := 0
	flushString := func(start int, closed bool, end int) {
		s := line[start:end]
		// A string followed by a colon is a key.
		rest := strings.TrimLeft(line[end:], " ")
		if closed && strings.HasPrefix(rest, ":") {
			b.WriteString(st.Key.Render(s))
		} else {
			b.WriteString(st.String.Render(s))
		}
	}
	scanString := func(start int) (int, bool) { // from just inside the quote
		for j := start; j < len(line); j++ {
			switch line[j] {
			case '\\':
				j++
			case '"':
				return j + 1, true
			}
		}
		return len(line), false
	}
	if inString {
		end, closed := scanString(0)
		flushString(0, closed, end)
		i, inString = end, !closed
	}
	for i < len(line) {
		c := line[i]
		switch {
		case c == '"':
			end, closed := scanString(i + 1)
			flushString(i, closed, end)
			i, inString = end, !closed
		case c == '-' || (c >= '0' && c <= '9'):
			j := i + 1
			for j < len(line) && strings.IndexByte("0123456789.eE+-", line[j]) >= 0 {
				j++
			}
			b.WriteString(st.Number.Render(line[i:j]))
			i = j
		case strings.HasPrefix(line[i:], "true") || strings.HasPrefix(line[i:], "null"):
			b.WriteString(st.Literal.Render(line[i : i+4]))
			i += 4
		case strings.HasPrefix(line[i:], "false"):
			b.WriteString(st.Literal.Render(line[i : i+5]))
			i += 5
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), inString
}
