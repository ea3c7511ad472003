package segments

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/interpreter"
)

// Rule is a named CEL expression; a contact for which it is true is in the
// segment.
type Rule struct {
	Name string `yaml:"name" json:"name"`
	Expr string `yaml:"expr" json:"expr"`
}

// VarType is the type of a variable rules may use.
type VarType int

const (
	VarNumber VarType = iota // double (ints compare across types)
	VarText                  // string
	VarBool                  // bool
	VarList                  // list(string)
	VarTime                  // timestamp
)

// Var is a feature or trait column a rule may name.
type Var struct {
	Name string
	Type VarType
}

// Rules are compiled rule segments.
type Rules struct {
	names []string
	progs []cel.Program
	vars  []Var          // every declared variable
	index map[string]int // variable name -> index into vars
	used  []int          // indexes of the variables some rule references
}

// RuleError lists the problems of the rules that did not compile, each
// with the rule's name and the position in its expression.
type RuleError struct {
	Problems []string
}

func (e *RuleError) Error() string {
	return "segment rules: " + strings.Join(e.Problems, "; ")
}

// CompileRules type-checks every rule against vars. All problems are
// reported together, each as `rule "NAME" (line:column): message`.
func CompileRules(rules []Rule, vars []Var) (*Rules, error) {
	opts := []cel.EnvOption{cel.CrossTypeNumericComparisons(true)}
	r := &Rules{vars: vars, index: make(map[string]int, len(vars))}
	for i, v := range vars {
		var t *cel.Type
		switch v.Type {
		case VarNumber:
			t = cel.DoubleType
		case VarBool:
			t = cel.BoolType
		case VarList:
			t = cel.ListType(cel.StringType)
		case VarTime:
			t = cel.TimestampType
		default:
			t = cel.StringType
		}
		opts = append(opts, cel.Variable(v.Name, t))
		r.index[v.Name] = i
	}
	env, err := cel.NewEnv(opts...)
	if err != nil {
		return nil, fmt.Errorf("segment rules: %w", err)
	}
	var problems []string
	used := map[int]bool{}
	for _, rule := range rules {
		ast, iss := env.Compile(rule.Expr)
		if iss != nil && iss.Err() != nil {
			for _, e := range iss.Errors() {
				loc := e.Location
				problems = append(problems, fmt.Sprintf("rule %q (%d:%d): %s", rule.Name, loc.Line(), loc.Column()+1, e.Message))
			}
			continue
		}
		if !ast.OutputType().IsExactType(cel.BoolType) {
			problems = append(problems, fmt.Sprintf("rule %q (1:1): the expression is %s, it must be a boolean (true puts the contact in the segment)", rule.Name, ast.OutputType()))
			continue
		}
		prg, err := env.Program(ast)
		if err != nil {
			problems = append(problems, fmt.Sprintf("rule %q: %v", rule.Name, err))
			continue
		}
		for _, ref := range ast.NativeRep().ReferenceMap() {
			if i, ok := r.index[ref.Name]; ok {
				used[i] = true
			}
		}
		r.names = append(r.names, rule.Name)
		r.progs = append(r.progs, prg)
	}
	if len(problems) > 0 {
		return nil, &RuleError{Problems: problems}
	}
	for i := range used {
		r.used = append(r.used, i)
	}
	sort.Ints(r.used)
	return r, nil
}

// Names returns the rule names in order.
func (r *Rules) Names() []string { return r.names }

// Used returns the variables the rules reference, in declaration order.
func (r *Rules) Used() []Var {
	out := make([]Var, len(r.used))
	for i, j := range r.used {
		out[i] = r.vars[j]
	}
	return out
}

// Row is one contact's values of the used variables, in the order of Used:
// float64 (NaN when missing), string, bool, []string or time.Time; nil is
// missing and takes the type's empty value.
type Row []any

type activation struct {
	r   *Rules
	pos map[string]int // variable name -> index in Row
	row Row
}

func (a *activation) ResolveName(name string) (any, bool) {
	i, ok := a.pos[name]
	if !ok {
		return nil, false
	}
	v := a.row[i]
	if v != nil {
		return v, true
	}
	switch a.r.vars[a.r.used[i]].Type {
	case VarNumber:
		return math.NaN(), true
	case VarBool:
		return false, true
	case VarList:
		return []string{}, true
	case VarTime:
		return time.Time{}, true
	default:
		return "", true
	}
}

func (a *activation) Parent() interpreter.Activation { return nil }

// Evaluator evaluates the rules on rows; it is not safe for concurrent use.
type Evaluator struct {
	act activation
}

// Evaluator returns an evaluator for rows laid out as Used.
func (r *Rules) Evaluator() *Evaluator {
	pos := make(map[string]int, len(r.used))
	for i, j := range r.used {
		pos[r.vars[j].Name] = i
	}
	return &Evaluator{act: activation{r: r, pos: pos}}
}

// Eval calls fn with the index of each rule that holds for row. A rule that
// fails at run time (e.g. an index out of range) is an error naming it.
func (e *Evaluator) Eval(row Row, fn func(rule int)) error {
	e.act.row = row
	for i, p := range e.act.r.progs {
		out, _, err := p.Eval(&e.act)
		if err != nil {
			return fmt.Errorf("segment rule %q: %w", e.act.r.names[i], err)
		}
		b, ok := out.Value().(bool)
		if !ok {
			return errors.New("segment rule " + e.act.r.names[i] + ": not a boolean")
		}
		if b {
			fn(i)
		}
	}
	return nil
}
