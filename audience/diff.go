package audience

import (
	"slices"
)

// Diff compares two memberships of an audience, given as contact ids, and
// returns the ids in current but not in previous (adds) and those in
// previous but not in current (removes), each sorted in increasing byte
// order and without duplicates. Duplicates in the inputs are ignored; the
// empty id is an id like any other. The inputs are not modified. Both
// results are nil when empty.
func Diff(previous, current []string) (adds, removes []string) {
	prev := sortedSet(previous)
	cur := sortedSet(current)
	i, j := 0, 0
	for i < len(prev) || j < len(cur) {
		switch {
		case j == len(cur) || (i < len(prev) && prev[i] < cur[j]):
			removes = append(removes, prev[i])
			i++
		case i == len(prev) || cur[j] < prev[i]:
			adds = append(adds, cur[j])
			j++
		default:
			i++
			j++
		}
	}
	return adds, removes
}

func sortedSet(ids []string) []string {
	s := slices.Clone(ids)
	slices.Sort(s)
	return slices.Compact(s)
}
