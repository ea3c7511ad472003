package report

import (
	"fmt"
	"strings"

	"github.com/antipersona/antipersona/i18n"
)

// Condition is one condition of a persona's description: an attribute (a
// trait or feature identifier), an operator among =, <, >=, in and
// is_missing, and a value (a string for categories, a number for numbers,
// nil for is_missing).
type Condition struct {
	Attribute string
	Op        string
	Value     any
}

// Headline writes a persona's conditions in words of lang (one of
// i18n.Supported), joined by commas: "age 40 or more, city: Kraków" in
// English, "wiek co najmniej 40, city: Kraków" in Polish. Numbers are
// formatted for the language; attribute names and category values are data
// and print as they are. It returns an *i18n.UnsupportedError for another
// language.
func Headline(lang string, conds []Condition) (string, error) {
	loc, err := i18n.New(lang)
	if err != nil {
		return "", err
	}
	h := (&builder{l: loc}).headline(conds)
	if err := loc.Err(); err != nil {
		return "", err
	}
	return h, nil
}

func condition(loc *i18n.Localizer, c Condition) string {
	value := func() string {
		switch v := c.Value.(type) {
		case float64:
			return loc.Value(v)
		case int:
			return loc.Int(v)
		case []any:
			s := make([]string, len(v))
			for i, x := range v {
				s[i] = fmt.Sprint(x)
			}
			return strings.Join(s, " / ")
		case []string:
			return strings.Join(v, " / ")
		case nil:
			return ""
		}
		return fmt.Sprint(c.Value)
	}
	attr := map[string]any{"Attr": c.Attribute, "Value": value()}
	switch c.Op {
	case "<":
		return loc.T("headline.lt", attr)
	case ">=":
		return loc.T("headline.ge", attr)
	case "in":
		return loc.T("headline.in", attr)
	case "is_missing":
		return loc.T("headline.missing", attr)
	case "=", "":
		if c.Value == nil {
			return loc.T("headline.missing", attr)
		}
		return loc.T("headline.eq", attr)
	}
	return c.Attribute + " " + c.Op + " " + value()
}
