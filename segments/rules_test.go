package segments_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/antipersona/antipersona/segments"
)

var testVars = []segments.Var{
	{Name: "monetary", Type: segments.VarNumber},
	{Name: "frequency", Type: segments.VarNumber},
	{Name: "occupation", Type: segments.VarText},
	{Name: "interests", Type: segments.VarList},
	{Name: "do_not_email", Type: segments.VarBool},
	{Name: "first_order_at", Type: segments.VarTime},
}

func TestRuleErrors(t *testing.T) {
	_, err := segments.CompileRules([]segments.Rule{
		{Name: "ok", Expr: "monetary > 100"},
		{Name: "type", Expr: `monetary > "x"`},
		{Name: "unknown", Expr: "incme > 3"},
		{Name: "not bool", Expr: "monetary * 2.0"},
		{Name: "syntax", Expr: "frequency >= "},
	}, testVars)
	var re *segments.RuleError
	if !errors.As(err, &re) {
		t.Fatalf("got %v, want a RuleError", err)
	}
	msg := err.Error()
	for _, want := range []string{
		`rule "type" (1:10): found no matching overload for '_>_' applied to '(double, string)'`,
		`rule "unknown" (1:1): undeclared reference to 'incme'`,
		`rule "not bool" (1:1): the expression is double, it must be a boolean`,
		`rule "syntax" (1:`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, `rule "ok"`) {
		t.Errorf("a good rule is reported: %s", msg)
	}
}

func TestRuleEval(t *testing.T) {
	r, err := segments.CompileRules([]segments.Rule{
		{Name: "big", Expr: "monetary > 100 && frequency >= 3"}, // int 3 compares with a double
		{Name: "student", Expr: `occupation == "student"`},
		{Name: "fashion", Expr: `"fashion" in interests`},
		{Name: "no email", Expr: "do_not_email"},
		{Name: "low or unknown", Expr: "!(monetary >= 50)"},
		{Name: "recent", Expr: `first_order_at > timestamp("2025-01-01T00:00:00Z")`},
	}, testVars)
	if err != nil {
		t.Fatal(err)
	}
	used := r.Used()
	if len(used) != 6 {
		t.Fatalf("used %v", used)
	}
	ev := r.Evaluator()
	eval := func(vals map[string]any) []string {
		row := make(segments.Row, len(used))
		for i, v := range used {
			row[i] = vals[v.Name]
		}
		var got []string
		if err := ev.Eval(row, func(i int) { got = append(got, r.Names()[i]) }); err != nil {
			t.Fatal(err)
		}
		return got
	}
	got := eval(map[string]any{"monetary": 150.0, "frequency": 3.0, "occupation": "student",
		"interests": []string{"yoga", "fashion"}, "do_not_email": true, "first_order_at": time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)})
	if strings.Join(got, ",") != "big,student,fashion,no email,recent" {
		t.Errorf("full row: %v", got)
	}
	// Missing values: NaN fails every comparison (so the negation holds),
	// "" and empty lists match nothing, false for booleans.
	got = eval(map[string]any{"monetary": math.NaN()})
	if strings.Join(got, ",") != "low or unknown" {
		t.Errorf("missing row: %v", got)
	}
}
