// Package persona turns contacts, their traits and their features into
// data-backed buyer personas and negative personas, using the subgroup
// search of package subgroup.
package persona

import (
	"math"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/subgroup"
)

// Column is one trait or feature over a list of contacts, aligned by row,
// stored by type: numbers and booleans (1, 0) in Num with NaN for missing;
// categories in Str with "" for missing; multi-valued categories in List.
type Column struct {
	Name      string // as the user knows it (the file's column name): reported in conditions
	Ident     string
	Type      antipersona.TraitType
	Dimension antipersona.Dimension
	Num       []float64
	Str       []string
	List      [][]string
}

// NewColumn returns an empty column of n rows for type t.
func NewColumn(name, ident string, t antipersona.TraitType, dim antipersona.Dimension, n int) Column {
	c := Column{Name: name, Ident: ident, Type: t, Dimension: dim}
	switch t {
	case antipersona.TraitNumber, antipersona.TraitBoolean, antipersona.TraitDate:
		c.Num = make([]float64, n)
		for i := range c.Num {
			c.Num[i] = math.NaN()
		}
	case antipersona.TraitMulti:
		c.List = make([][]string, n)
	default:
		c.Str = make([]string, n)
	}
	return c
}

// Set stores value v (as ingested) at row i.
func (c *Column) Set(i int, v antipersona.Value) {
	if v.Missing {
		return
	}
	switch c.Type {
	case antipersona.TraitNumber:
		c.Num[i] = v.Num
	case antipersona.TraitBoolean:
		c.Num[i] = 0
		if v.Bool {
			c.Num[i] = 1
		}
	case antipersona.TraitDate:
		c.Num[i] = float64(v.Time.Unix())
	case antipersona.TraitMulti:
		c.List[i] = v.List
	default:
		c.Str[i] = v.Str
	}
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
	switch c.Type {
	case antipersona.TraitNumber:
		xs := make([]float64, len(c.Num))
		for i, v := range c.Num {
			if math.IsInf(v, 0) {
				v = math.NaN()
			}
			xs[i] = v
		}
		return subgroup.NewNumeric(c.Name, xs)
	case antipersona.TraitMulti:
		return subgroup.NewMulti(c.Name, c.List)
	case antipersona.TraitBoolean:
		vals := make([]string, len(c.Num))
		for i, v := range c.Num {
			switch v {
			case 1:
				vals[i] = "true"
			case 0:
				vals[i] = "false"
			}
		}
		return subgroup.NewNominal(c.Name, vals)
	default:
		return subgroup.NewNominal(c.Name, c.Str)
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
