// Package styles turns a Theme (a palette of semantic colours) into the
// lipgloss Styles every view draws with. It is its own package so that both
// the root model and the views can use it without an import cycle.
package styles

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// Theme is the palette. Each colour adapts to light and dark terminals.
type Theme struct {
	Accent, Muted, Text, Subtle, Border, Error, Warning, Success, Highlight, SelectedBg lipgloss.TerminalColor
}

// NoColor is the palette for NO_COLOR: no colour at all, while bold,
// underline, faint and reverse still mark what colour would have.
var NoColor = Theme{
	Accent: lipgloss.NoColor{}, Muted: lipgloss.NoColor{}, Text: lipgloss.NoColor{}, Subtle: lipgloss.NoColor{},
	Border: lipgloss.NoColor{}, Error: lipgloss.NoColor{}, Warning: lipgloss.NoColor{}, Success: lipgloss.NoColor{},
	Highlight: lipgloss.NoColor{}, SelectedBg: lipgloss.NoColor{},
}

// Default is the built-in palette: readable on light and dark backgrounds,
// and only meaningful with text beside it (never colour alone).
var Default = Theme{
	Accent:     lipgloss.AdaptiveColor{Light: "#4B44D8", Dark: "#8C87FF"},
	Muted:      lipgloss.AdaptiveColor{Light: "#6C6C6C", Dark: "#8A8A8A"},
	Text:       lipgloss.AdaptiveColor{Light: "#1A1A1A", Dark: "#E4E4E4"},
	Subtle:     lipgloss.AdaptiveColor{Light: "#9A9A9A", Dark: "#5C5C5C"},
	Border:     lipgloss.AdaptiveColor{Light: "#B0B0B0", Dark: "#4A4A4A"},
	Error:      lipgloss.AdaptiveColor{Light: "#C4122F", Dark: "#FF5F6D"},
	Warning:    lipgloss.AdaptiveColor{Light: "#A35A00", Dark: "#FFB454"},
	Success:    lipgloss.AdaptiveColor{Light: "#1B7F3B", Dark: "#5FD787"},
	Highlight:  lipgloss.AdaptiveColor{Light: "#B8006B", Dark: "#FF7AC6"},
	SelectedBg: lipgloss.AdaptiveColor{Light: "#DCDAFF", Dark: "#34315E"},
}

// Mode is the background the colours are for: the terminal's (auto), dark
// or light.
type Mode string

// The modes; the zero Mode ("", no mode set) is ModeAuto.
const (
	ModeAuto  Mode = "auto"
	ModeDark  Mode = "dark"
	ModeLight Mode = "light"
)

// ParseMode reads a [theme] mode, in any case.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case ModeAuto, ModeDark, ModeLight:
		return m, nil
	}
	return "", fmt.Errorf("%q is not a theme mode (want \"auto\", \"dark\" or \"light\")", s)
}

var hexColor = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// ParseColour reads a [theme] colour: "#rgb", "#rrggbb" or an ANSI colour
// number "0" to "255", the same on light and dark backgrounds.
func ParseColour(s string) (lipgloss.TerminalColor, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	if !hexColor.MatchString(s) && (err != nil || n < 0 || n > 255 || s != strconv.Itoa(n)) {
		return nil, fmt.Errorf("%q is not a colour (want \"#rrggbb\", \"#rgb\" or an ANSI number 0-255)", s)
	}
	return lipgloss.AdaptiveColor{Light: s, Dark: s}, nil
}

// Overrides are the config's [theme] colours, each read by ParseColour
// once, when the config loads (ui/config); nil keeps the palette's colour.
type Overrides struct {
	Accent, Muted, Text, Border, Error, Warning, Success lipgloss.TerminalColor
}

// With returns t with the colours o sets replaced.
func (t Theme) With(o Overrides) Theme {
	for _, f := range []struct {
		to *lipgloss.TerminalColor
		c  lipgloss.TerminalColor
	}{
		{&t.Accent, o.Accent}, {&t.Muted, o.Muted}, {&t.Text, o.Text}, {&t.Border, o.Border},
		{&t.Error, o.Error}, {&t.Warning, o.Warning}, {&t.Success, o.Success},
	} {
		if f.c != nil {
			*f.to = f.c
		}
	}
	return t
}

// Styles are the styles the views draw with, grouped by component.
type Styles struct {
	Theme Theme

	App, Header, HeaderProfile, HeaderProtected, Badge, BadgeWarn lipgloss.Style
	Crumb, CrumbSep, CrumbLast                                    lipgloss.Style
	Footer, StatusInfo, StatusErr, StatusOK, StatusWarn           lipgloss.Style
	Muted, Subtle, Bold, Accent, Error, Warning, Success          lipgloss.Style
	Title, Section, Label, Value, Link                            lipgloss.Style

	// BadgeOK and BadgeErr lead a verdict ("CAN SEE", "CANNOT SEE"); the
	// words carry it where colour and reverse do not (NO_COLOR).
	BadgeOK, BadgeErr lipgloss.Style

	Table struct {
		Header, Cell, Selected, Marked, Disabled, Match, SortMark lipgloss.Style
	}
	Filter struct {
		Prompt, Text, Info lipgloss.Style
	}
	Modal struct {
		Box, DangerBox, Title, DangerTitle, Body, Button, ButtonActive, DangerButtonActive, FieldLabel, FieldError, FieldWarn, Call lipgloss.Style
	}
}

// New builds Styles from a theme.
func New(t Theme) *Styles {
	s := &Styles{Theme: t}
	n := lipgloss.NewStyle
	s.App = n()
	s.Header = n().Bold(true).Foreground(t.Accent)
	s.HeaderProfile = n().Foreground(t.Text)
	s.HeaderProtected = n().Bold(true).Foreground(t.Error)
	s.Badge = n().Bold(true).Foreground(t.Accent).Reverse(true).Padding(0, 1)
	s.BadgeWarn = n().Bold(true).Foreground(t.Warning).Reverse(true).Padding(0, 1)
	s.BadgeOK = n().Bold(true).Foreground(t.Success).Reverse(true).Padding(0, 1)
	s.BadgeErr = n().Bold(true).Foreground(t.Error).Reverse(true).Padding(0, 1)
	s.Crumb = n().Foreground(t.Muted)
	s.CrumbSep = n().Foreground(t.Subtle)
	s.CrumbLast = n().Bold(true).Foreground(t.Text)
	s.Footer = n().Foreground(t.Muted)
	s.StatusInfo = n().Foreground(t.Muted)
	s.StatusErr = n().Bold(true).Foreground(t.Error)
	s.StatusOK = n().Foreground(t.Success)
	s.StatusWarn = n().Foreground(t.Warning)
	s.Muted = n().Foreground(t.Muted)
	s.Subtle = n().Foreground(t.Subtle).Faint(true)
	s.Bold = n().Bold(true)
	s.Accent = n().Foreground(t.Accent)
	s.Error = n().Foreground(t.Error)
	s.Warning = n().Foreground(t.Warning)
	s.Success = n().Foreground(t.Success)
	s.Title = n().Bold(true).Foreground(t.Text)
	s.Section = n().Bold(true).Foreground(t.Accent)
	s.Label = n().Foreground(t.Muted)
	s.Value = n().Foreground(t.Text)
	s.Link = n().Underline(true).Foreground(t.Accent)

	s.Table.Header = n().Bold(true).Foreground(t.Muted)
	s.Table.Cell = n()
	// Reverse does not survive NO_COLOR (the Ascii profile drops it), so
	// views also mark the selected row with a glyph.
	s.Table.Selected = n().Reverse(true)
	s.Table.Marked = n().Bold(true).Foreground(t.Highlight)
	s.Table.Disabled = n().Foreground(t.Subtle).Strikethrough(false)
	s.Table.Match = n().Bold(true).Underline(true).Foreground(t.Highlight)
	s.Table.SortMark = n().Foreground(t.Accent)

	s.Filter.Prompt = n().Bold(true).Foreground(t.Accent)
	s.Filter.Text = n().Foreground(t.Text)
	s.Filter.Info = n().Foreground(t.Muted)

	s.Modal.Box = n().Border(lipgloss.RoundedBorder()).BorderForeground(t.Accent).Padding(1, 2)
	s.Modal.DangerBox = n().Border(lipgloss.ThickBorder()).BorderForeground(t.Error).Padding(1, 2)
	s.Modal.Title = n().Bold(true).Foreground(t.Accent)
	s.Modal.DangerTitle = n().Bold(true).Foreground(t.Error)
	s.Modal.Body = n().Foreground(t.Text)
	s.Modal.Button = n().Padding(0, 2).Foreground(t.Muted).Border(lipgloss.NormalBorder(), false, false, false, false)
	s.Modal.ButtonActive = n().Padding(0, 2).Bold(true).Reverse(true).Foreground(t.Accent)
	s.Modal.DangerButtonActive = n().Padding(0, 2).Bold(true).Reverse(true).Foreground(t.Error)
	s.Modal.FieldLabel = n().Bold(true).Foreground(t.Text)
	s.Modal.FieldError = n().Foreground(t.Error)
	s.Modal.FieldWarn = n().Foreground(t.Warning)
	s.Modal.Call = n().Foreground(t.Muted).Italic(true)
	return s
}
