package filtered

// Spread shares extra columns of width among the active columns
// (widths[j] is column active[j]'s), none beyond want, evenly while more
// than one still wants some; what nobody wants is left over. Both tables
// size their columns this way.
func Spread(active, widths []int, extra int, want func(col int) int) {
	for extra > 0 {
		var needy []int
		for j, i := range active {
			if widths[j] < want(i) {
				needy = append(needy, j)
			}
		}
		if len(needy) == 0 {
			return
		}
		share := max(extra/len(needy), 1)
		for _, j := range needy {
			add := min(share, want(active[j])-widths[j], extra)
			widths[j] += add
			extra -= add
		}
	}
}
