package access

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/views"
)

// openRequests opens the pending-requests inbox (views/requests, built by
// the root) filtered to this source.
func (m *Model) openRequests() tea.Cmd {
	return views.Emit(views.OpenRequestsMsg{SourceID: m.id, SourceName: m.name})
}
