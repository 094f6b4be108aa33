package requestlog

import tea "github.com/charmbracelet/bubbletea"

// TickForTest is the message the poll timer answers, so a test need not
// wait for it.
func (m *Model) TickForTest() tea.Msg { return tickMsg{} }
