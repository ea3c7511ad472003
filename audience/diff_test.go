package audience

import (
	"reflect"
	"slices"
	"testing"
)

func TestDiff(t *testing.T) {
	// Expected sets worked out by hand.
	tests := []struct {
		name          string
		prev, cur     []string
		adds, removes []string
	}{
		{"both empty", nil, nil, nil, nil},
		{"first export", nil, []string{"b", "a"}, []string{"a", "b"}, nil},
		{"audience emptied", []string{"b", "a"}, nil, nil, []string{"a", "b"}},
		{"unchanged", []string{"a", "b"}, []string{"b", "a"}, nil, nil},
		{"mixed", []string{"c3", "c1", "c2"}, []string{"c4", "c2", "c0"}, []string{"c0", "c4"}, []string{"c1", "c3"}},
		{"duplicates", []string{"a", "a", "b"}, []string{"c", "c", "b", "b"}, []string{"c"}, []string{"a"}},
		{"byte order", []string{}, []string{"b", "B", "a", "10", "9"}, []string{"10", "9", "B", "a", "b"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prev := append([]string(nil), tt.prev...)
			adds, removes := Diff(tt.prev, tt.cur)
			if !reflect.DeepEqual(adds, tt.adds) {
				t.Errorf("adds = %q, want %q", adds, tt.adds)
			}
			if !reflect.DeepEqual(removes, tt.removes) {
				t.Errorf("removes = %q, want %q", removes, tt.removes)
			}
			if !slices.Equal(prev, tt.prev) {
				t.Errorf("Diff modified previous: %q", tt.prev)
			}
		})
	}
}
