package table

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/views/safe"
	"github.com/dsbrowse/dsbrowse/views/styles"
)

// FilterPrompt is the filter field's prompt.
const FilterPrompt = "/ "

// FilterLine draws a table's filter line, w wide: while typing (typing),
// the field in with info ("3 of 40 match") after it; else the filter on
// (query, made safe here) and info, and back, the key that clears it.
func FilterLine(st *styles.Styles, w int, in textinput.Model, typing bool, query, info string, back key.Binding) string {
	if typing {
		in.Width = max(w-len(FilterPrompt)-ansi.StringWidth(info)-3, 1) // in is a copy: the model's field keeps its width
		return ansi.Truncate(in.View()+st.Filter.Info.Render("  "+info), w, "…")
	}
	return ansi.Truncate(st.Filter.Prompt.Render(FilterPrompt)+st.Filter.Text.Render(safe.Line(query))+
		st.Filter.Info.Render("  "+info+" · "+back.Help().Key+" clears"), w, "…")
}
