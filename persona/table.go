// Package persona turns contacts, their traits and their features into
// data-backed buyer personas and negative personas, using the subgroup
// search of package subgroup.
package persona

import (
	"math"
	"strconv"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/subgroup"
)

// Column is one trait or feature over a list of contacts, aligned by row.
type Column struct {
	Name      string // as the user knows it (the file's column name): reported in conditions
	Ident     string
	Type      antipersona.TraitType
	Dimension antipersona.Dimension
	Values    []antipersona.Value
}

// Usable reports whether c can describe a group: numbers, categories,
// multi-valued categories and booleans can; dates, free text and
// identifiers cannot (a date is used through features such as tenure).
func (c *Column) Usable() bool {
	switch c.Type {
	case antipersona.TraitNumber, antipersona.TraitCategory, antipersona.TraitMulti, antipersona.TraitBoolean:
		return true
	}
	return false
}

// Attribute converts a usable column to a subgroup attribute named after the
// column's Name. Booleans become the categories "true" and "false".
func (c *Column) Attribute() subgroup.Attribute {
	n := len(c.Values)
	switch c.Type {
	case antipersona.TraitNumber:
		xs := make([]float64, n)
		for i, v := range c.Values {
			if v.Missing || math.IsInf(v.Num, 0) {
				xs[i] = math.NaN()
			} else {
				xs[i] = v.Num
			}
		}
		return subgroup.NewNumeric(c.Name, xs)
	case antipersona.TraitMulti:
		sets := make([][]string, n)
		for i, v := range c.Values {
			if !v.Missing {
				sets[i] = v.List
			}
		}
		return subgroup.NewMulti(c.Name, sets)
	default:
		vals := make([]string, n)
		for i, v := range c.Values {
			switch {
			case v.Missing:
			case c.Type == antipersona.TraitBoolean:
				vals[i] = strconv.FormatBool(v.Bool)
			default:
				vals[i] = v.Str
			}
		}
		return subgroup.NewNominal(c.Name, vals)
	}
}

// Table builds a subgroup table of the usable columns; it returns the
// columns used, in the table's attribute order.
func Table(cols []Column) (*subgroup.Table, []Column, error) {
	var attrs []subgroup.Attribute
	var used []Column
	for i := range cols {
		if !cols[i].Usable() {
			continue
		}
		attrs = append(attrs, cols[i].Attribute())
		used = append(used, cols[i])
	}
	t, err := subgroup.NewTable(attrs...)
	return t, used, err
}
