package postgres

import (
	"context"
	"fmt"
	"strings"
)

// The DuckDB dialect on PostgreSQL.
//
// The feature SQL (package features) is written for DuckDB. Most of what
// it uses that PostgreSQL lacks is emulated by the objects of compat.sql
// (arg_max, date_diff, month, the double precision "/" of integers, ...),
// created in every workspace's schema and put in effect by the search_path
// that Build and Scan set. What cannot be emulated by a function is
// rewritten here, token by token (string literals, quoted identifiers and
// comments are never touched):
//
//   - `DOUBLE` as a type name (after AS or ::) becomes `DOUBLE PRECISION`
//     (PostgreSQL has no type named double);
//   - `INTERVAL 30 MINUTE` becomes `INTERVAL '30 MINUTE'`, and
//     `INTERVAL (expr) DAY` becomes `((expr) * INTERVAL '1 DAY')`
//     (PostgreSQL wants the quantity quoted);
//   - `x.* EXCLUDE (a, b)` (and `* EXCLUDE (...)`) becomes the list of x's
//     columns without a and b, which rewriteDuckDB learns by asking the
//     server to describe the query (PostgreSQL has no star exclusion).
//
//   - list literals, quantile_disc, mode and list_filter (see
//     rewriteCalls), and quantile_cont(...) OVER () (see
//     rewriteWindowQuantiles).
//
// Anything else DuckDB-specific (QUALIFY, GROUP BY ALL, other list
// functions, ...) is not rewritten: the server reports it as an error.

// describeFunc returns the names of the columns a query would return,
// without running it.
type describeFunc func(ctx context.Context, sql string) ([]string, error)

// rewriteDuckDB rewrites query from DuckDB's dialect to PostgreSQL's, as the
// comment above describes. describe may be nil when the query has no
// EXCLUDE.
func rewriteDuckDB(ctx context.Context, query string, describe describeFunc) (string, error) {
	toks := tokenize(query)
	toks = rewriteTypesAndIntervals(toks)
	toks = rewriteWindowQuantiles(toks)
	lambdas := 0
	toks = rewriteCalls(toks, &lambdas)
	for {
		i := findStarExclude(toks)
		if i < 0 {
			break
		}
		var err error
		toks, err = expandStarExclude(ctx, toks, i, describe)
		if err != nil {
			return "", err
		}
	}
	return join(toks), nil
}

// tokKind classifies a token.
type tokKind int

const (
	tokSpace   tokKind = iota // white space
	tokComment                // -- ... or /* ... */
	tokString                 // '...', E'...', $tag$...$tag$
	tokQuoted                 // "identifier"
	tokWord                   // keyword or unquoted identifier
	tokNumber                 // 12, 1.5, 1e-05
	tokPunct                  // any other character, or ::
)

type token struct {
	kind tokKind
	text string
}

// is reports whether t is the keyword or punctuation s (case-insensitive).
func (t token) is(s string) bool {
	return (t.kind == tokWord || t.kind == tokPunct) && strings.EqualFold(t.text, s)
}

func join(toks []token) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteString(t.text)
	}
	return b.String()
}

// tokenize splits SQL into tokens whose texts concatenate to the input.
func tokenize(s string) []token {
	var out []token
	isWord := func(c byte) bool {
		return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
	}
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	for i := 0; i < len(s); {
		c := s[i]
		j := i + 1
		kind := tokPunct
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			kind = tokSpace
			for j < len(s) && strings.IndexByte(" \t\n\r\f", s[j]) >= 0 {
				j++
			}
		case c == '-' && j < len(s) && s[j] == '-':
			kind = tokComment
			for j < len(s) && s[j] != '\n' {
				j++
			}
		case c == '/' && j < len(s) && s[j] == '*':
			kind = tokComment
			depth := 1
			for j++; j < len(s) && depth > 0; j++ {
				switch {
				case s[j] == '*' && j+1 < len(s) && s[j+1] == '/':
					depth--
					j++
				case s[j] == '/' && j+1 < len(s) && s[j+1] == '*':
					depth++
					j++
				}
			}
		case c == '\'' || (c == 'E' || c == 'e') && j < len(s) && s[j] == '\'':
			kind = tokString
			if c != '\'' {
				j++
			}
			escapes := c != '\''
			for j < len(s) {
				if escapes && s[j] == '\\' {
					j += 2
					continue
				}
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						j += 2
						continue
					}
					j++
					break
				}
				j++
			}
			j = min(j, len(s))
		case c == '"':
			kind = tokQuoted
			for j < len(s) {
				if s[j] == '"' {
					if j+1 < len(s) && s[j+1] == '"' {
						j += 2
						continue
					}
					j++
					break
				}
				j++
			}
		case c == '$' && dollarTag(s[i:]) != "":
			kind = tokString
			tag := dollarTag(s[i:])
			if end := strings.Index(s[i+len(tag):], tag); end >= 0 {
				j = i + len(tag) + end + len(tag)
			} else {
				j = len(s)
			}
		case isWord(c):
			kind = tokWord
			for j < len(s) && (isWord(s[j]) || isDigit(s[j]) || s[j] == '$') {
				j++
			}
		case isDigit(c) || c == '.' && j < len(s) && isDigit(s[j]):
			kind = tokNumber
			for j < len(s) && (isDigit(s[j]) || s[j] == '.') {
				j++
			}
			if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
				k := j + 1
				if k < len(s) && (s[k] == '+' || s[k] == '-') {
					k++
				}
				if k < len(s) && isDigit(s[k]) {
					for j = k; j < len(s) && isDigit(s[j]); j++ {
					}
				}
			}
		case c == ':' && j < len(s) && s[j] == ':':
			j++
		}
		out = append(out, token{kind, s[i:j]})
		i = j
	}
	return out
}

// dollarTag returns the opening tag ($$ or $name$) at the start of s, or "".
func dollarTag(s string) string {
	for j := 1; j < len(s); j++ {
		c := s[j]
		if c == '$' {
			return s[:j+1]
		}
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > 1 && c >= '0' && c <= '9') {
			return ""
		}
	}
	return ""
}

// next returns the index of the first significant token (not space or
// comment) after i, or len(toks).
func next(toks []token, i int) int {
	for i++; i < len(toks) && (toks[i].kind == tokSpace || toks[i].kind == tokComment); i++ {
	}
	return i
}

// prev returns the index of the last significant token before i, or -1.
func prev(toks []token, i int) int {
	for i--; i >= 0 && (toks[i].kind == tokSpace || toks[i].kind == tokComment); i-- {
	}
	return i
}

// closing returns the index of the ")" that closes the "(" at i, or -1.
func closing(toks []token, i int) int {
	depth := 0
	for j := i; j < len(toks); j++ {
		switch {
		case toks[j].is("("):
			depth++
		case toks[j].is(")"):
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// intervalUnits are the units `INTERVAL n unit` may name.
var intervalUnits = map[string]bool{
	"year": true, "years": true, "month": true, "months": true, "week": true, "weeks": true,
	"day": true, "days": true, "hour": true, "hours": true, "minute": true, "minutes": true,
	"second": true, "seconds": true, "millisecond": true, "milliseconds": true,
	"microsecond": true, "microseconds": true,
}

// rewriteTypesAndIntervals rewrites DOUBLE and INTERVAL n unit.
func rewriteTypesAndIntervals(toks []token) []token {
	out := make([]token, 0, len(toks))
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.kind == tokWord && strings.EqualFold(t.text, "double"):
			p := prev(toks, i)
			n := next(toks, i)
			if p >= 0 && (toks[p].is("AS") || toks[p].is("::")) && !(n < len(toks) && toks[n].is("PRECISION")) {
				out = append(out, token{tokWord, t.text + " PRECISION"})
				continue
			}
		case t.is("INTERVAL"):
			n := next(toks, i)
			if n >= len(toks) {
				break
			}
			if toks[n].kind == tokNumber {
				u := next(toks, n)
				if u < len(toks) && toks[u].kind == tokWord && intervalUnits[strings.ToLower(toks[u].text)] {
					out = append(out, t, token{tokSpace, " "}, token{tokString, "'" + toks[n].text + " " + toks[u].text + "'"})
					i = u
					continue
				}
			}
			if toks[n].is("(") {
				end := closing(toks, n)
				if end < 0 {
					break
				}
				u := next(toks, end)
				if u < len(toks) && toks[u].kind == tokWord && intervalUnits[strings.ToLower(toks[u].text)] {
					out = append(out, token{tokPunct, "("})
					out = append(out, rewriteTypesAndIntervals(toks[n:end+1])...)
					out = append(out, token{tokSpace, " "}, token{tokPunct, "*"}, token{tokSpace, " "},
						t, token{tokSpace, " "}, token{tokString, "'1 " + toks[u].text + "'"}, token{tokPunct, ")"})
					i = u
					continue
				}
			}
		}
		out = append(out, t)
	}
	return out
}

// findStarExclude returns the index of the "*" of the first `* EXCLUDE (`,
// or -1.
func findStarExclude(toks []token) int {
	for i, t := range toks {
		if !t.is("*") {
			continue
		}
		n := next(toks, i)
		if n < len(toks) && toks[n].is("EXCLUDE") {
			if p := next(toks, n); p < len(toks) && toks[p].is("(") {
				return i
			}
		}
	}
	return -1
}

// Markers put around a star to find its columns in a description.
const (
	starBegin = "__antipersona_star_begin"
	starEnd   = "__antipersona_star_end"
)

// expandStarExclude replaces the `[x.]* EXCLUDE (cols)` whose star is at
// toks[star] by x's columns without cols.
func expandStarExclude(ctx context.Context, toks []token, star int, describe describeFunc) ([]token, error) {
	if describe == nil {
		return nil, fmt.Errorf("rewrite EXCLUDE: no way to describe the query")
	}
	// The qualifier: x . * (x a word or quoted identifier), or none.
	first, qual := star, ""
	if d := prev(toks, star); d >= 0 && toks[d].is(".") {
		if x := prev(toks, d); x >= 0 && (toks[x].kind == tokWord || toks[x].kind == tokQuoted) {
			first, qual = x, toks[x].text+"."
		}
	}
	open := next(toks, next(toks, star))
	end := closing(toks, open)
	if end < 0 {
		return nil, fmt.Errorf("rewrite EXCLUDE: unbalanced parentheses")
	}
	excluded := map[string]bool{}
	for j := open + 1; j < end; j++ {
		switch t := toks[j]; t.kind {
		case tokWord:
			excluded[strings.ToLower(t.text)] = true
		case tokQuoted:
			excluded[unquote(t.text)] = true
		}
	}
	// Describe the query with the star between markers; when the star is
	// in a CTE, describe that CTE (what follows it may not parse before the
	// rewrite: an ambiguous column, say).
	marked := make([]token, 0, len(toks))
	marked = append(marked, toks[:first]...)
	marked = append(marked, token{tokWord, `NULL AS "` + starBegin + `", ` + qual + `*, NULL AS "` + starEnd + `"`})
	markAt := len(marked) - 1
	marked = append(marked, toks[end+1:]...)
	q := join(marked)
	if name, close, ok := enclosingCTE(marked, markAt); ok {
		q = join(marked[:close+1]) + " SELECT * FROM " + name
	}
	// A star in a subquery (SELECT ... FROM (WITH ...) h): that subquery
	// alone is described first (the rest may not parse before the
	// rewrite either).
	var cols []string
	var err error
	if open, close, ok := enclosingSubquery(marked, markAt); ok {
		sub := marked[open+1 : close]
		sq := join(sub)
		if name, c, ok := enclosingCTE(sub, markAt-open-1); ok {
			sq = join(sub[:c+1]) + " SELECT * FROM " + name
		}
		cols, err = describe(ctx, sq)
	}
	if cols == nil {
		cols, err = describe(ctx, q)
	}
	if err != nil {
		return nil, fmt.Errorf("rewrite EXCLUDE: describe: %w", err)
	}
	b, e := -1, -1
	for k, c := range cols {
		switch c {
		case starBegin:
			b = k
		case starEnd:
			e = k
		}
	}
	if b < 0 || e < b {
		return nil, fmt.Errorf("rewrite EXCLUDE: cannot find the columns of %s*", qual)
	}
	var keep []string
	found := map[string]bool{}
	for _, c := range cols[b+1 : e] {
		if excluded[c] {
			found[c] = true
			continue
		}
		keep = append(keep, qual+quoteIdent(c))
	}
	for c := range excluded {
		if !found[c] {
			return nil, fmt.Errorf("rewrite EXCLUDE: %s* has no column %q", qual, c)
		}
	}
	if len(keep) == 0 {
		return nil, fmt.Errorf("rewrite EXCLUDE: %s* EXCLUDE leaves no column", qual)
	}
	out := make([]token, 0, len(toks))
	out = append(out, toks[:first]...)
	out = append(out, token{tokWord, strings.Join(keep, ", ")})
	return append(out, toks[end+1:]...), nil
}

// enclosingCTE finds the top-level common table expression of a WITH
// query whose body contains toks[at]: its name (as written) and the index
// of the ")" that closes its body.
func enclosingCTE(toks []token, at int) (name string, close int, ok bool) {
	i := next(toks, -1)
	if i >= len(toks) || !toks[i].is("WITH") {
		return "", 0, false
	}
	i = next(toks, i)
	if i < len(toks) && toks[i].is("RECURSIVE") {
		i = next(toks, i)
	}
	for i < len(toks) && (toks[i].kind == tokWord || toks[i].kind == tokQuoted) {
		n := toks[i].text
		j := next(toks, i)
		if j < len(toks) && toks[j].is("(") { // column list
			if j = closing(toks, j); j < 0 {
				return "", 0, false
			}
			j = next(toks, j)
		}
		if j >= len(toks) || !toks[j].is("AS") {
			return "", 0, false
		}
		j = next(toks, j)
		for j < len(toks) && (toks[j].is("NOT") || toks[j].is("MATERIALIZED")) {
			j = next(toks, j)
		}
		if j >= len(toks) || !toks[j].is("(") {
			return "", 0, false
		}
		c := closing(toks, j)
		if c < 0 {
			return "", 0, false
		}
		if at > j && at < c {
			return n, c, true
		}
		i = next(toks, c)
		if i >= len(toks) || !toks[i].is(",") {
			return "", 0, false
		}
		i = next(toks, i)
	}
	return "", 0, false
}

// unquote returns the name a quoted identifier stands for.
func unquote(q string) string {
	return strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(q, `"`), `"`), `""`, `"`)
}

// listStarters are the keywords after which "[" opens a list literal
// rather than a subscript.
var listStarters = map[string]bool{
	"select": true, "then": true, "else": true, "when": true, "and": true, "or": true, "not": true,
	"in": true, "by": true, "return": true, "on": true, "where": true, "having": true, "case": true,
}

// isListStart reports whether the "[" at toks[i] opens a list literal.
func isListStart(toks []token, i int) bool {
	p := prev(toks, i)
	if p < 0 {
		return true
	}
	switch t := toks[p]; t.kind {
	case tokPunct:
		return !t.is(")") && !t.is("]")
	case tokWord:
		return listStarters[strings.ToLower(t.text)]
	}
	return false
}

// closingBracket returns the index of the "]" that closes the "[" at i, or -1.
func closingBracket(toks []token, i int) int {
	depth := 0
	for j := i; j < len(toks); j++ {
		switch {
		case toks[j].is("["):
			depth++
		case toks[j].is("]"):
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// splitArgs splits the tokens of a call's arguments at its top-level commas.
func splitArgs(toks []token) [][]token {
	var out [][]token
	depth, start := 0, 0
	for j, t := range toks {
		switch {
		case t.is("(") || t.is("["):
			depth++
		case t.is(")") || t.is("]"):
			depth--
		case t.is(",") && depth == 0:
			out = append(out, toks[start:j])
			start = j + 1
		}
	}
	return append(out, toks[start:])
}

// firstSig returns the first significant token of toks, or a zero token.
func firstSig(toks []token) token {
	if i := next(toks, -1); i < len(toks) {
		return toks[i]
	}
	return token{}
}

func words(s string) token { return token{tokWord, s} }

// rewriteCalls rewrites DuckDB's list literals and the calls PostgreSQL
// spells otherwise:
//
//   - `[a, b]` becomes `ARRAY[a, b]`;
//   - `quantile_disc(x, q)` becomes `percentile_disc(q) WITHIN GROUP
//     (ORDER BY x)` (the same rank: the ceil(q·n)-th smallest value);
//   - `mode(x)` becomes `mode() WITHIN GROUP (ORDER BY x)`;
//   - `list_filter(l, x -> cond)` becomes a subquery over unnest(l) that
//     keeps the order of l (NULL for a NULL list).
//
// quantile_cont, which DuckDB also runs as a window function, is an
// aggregate of compat.sql instead.
func rewriteCalls(toks []token, lambdas *int) []token {
	out := make([]token, 0, len(toks))
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.is("[") && isListStart(toks, i):
			end := closingBracket(toks, i)
			if end < 0 {
				break
			}
			out = append(out, words("ARRAY"), t)
			out = append(out, rewriteCalls(toks[i+1:end], lambdas)...)
			out = append(out, toks[end])
			i = end
			continue
		case t.kind == tokWord:
			name := strings.ToLower(t.text)
			if name != "quantile_disc" && name != "mode" && name != "list_filter" {
				break
			}
			if p := prev(toks, i); p >= 0 && toks[p].is(".") {
				break
			}
			open := next(toks, i)
			if open >= len(toks) || !toks[open].is("(") {
				break
			}
			end := closing(toks, open)
			if end < 0 {
				break
			}
			args := splitArgs(toks[open+1 : end])
			var rw []token
			switch {
			case name == "quantile_disc" && len(args) == 2:
				typ := "double precision"
				if firstSig(args[1]).is("[") {
					typ += "[]"
				}
				rw = append(rw, words("percentile_disc(CAST(("))
				rw = append(rw, rewriteCalls(args[1], lambdas)...)
				rw = append(rw, words(") AS "+typ+")) WITHIN GROUP (ORDER BY "))
				rw = append(rw, rewriteCalls(args[0], lambdas)...)
				rw = append(rw, words(")"))
			case name == "mode" && len(args) == 1 && firstSig(args[0]).kind != 0:
				rw = append(rw, words("mode() WITHIN GROUP (ORDER BY "))
				rw = append(rw, rewriteCalls(args[0], lambdas)...)
				rw = append(rw, words(")"))
			case name == "list_filter" && len(args) == 2:
				lam := args[1]
				p := next(lam, -1)
				a := next(lam, p)
				b := a + 1
				if p >= len(lam) || lam[p].kind != tokWord || a >= len(lam) || !lam[a].is("-") || b >= len(lam) || !lam[b].is(">") {
					break
				}
				*lambdas++
				n := fmt.Sprint(*lambdas)
				x := lam[p].text
				rw = append(rw, words("(SELECT CASE WHEN _l"+n+" IS NULL THEN NULL ELSE ARRAY(SELECT "+x+" FROM unnest(_l"+n+
					") WITH ORDINALITY AS _u"+n+"("+x+", _o"+n+") WHERE ("))
				rw = append(rw, rewriteCalls(lam[b+1:], lambdas)...)
				rw = append(rw, words(") ORDER BY _o"+n+") END FROM (SELECT ("))
				rw = append(rw, rewriteCalls(args[0], lambdas)...)
				rw = append(rw, words(") AS _l"+n+") AS _s"+n+")"))
			}
			if rw == nil {
				break
			}
			out = append(out, rw...)
			i = end
			continue
		}
		out = append(out, t)
	}
	return out
}

// enclosingSubquery finds the innermost parenthesised query (its first
// token SELECT or WITH), other than a CTE's body, that contains toks[at]:
// the indexes of its "(" and ")".
func enclosingSubquery(toks []token, at int) (open, close int, ok bool) {
	depth := 0
	for j := at - 1; j >= 0; j-- {
		switch {
		case toks[j].is(")"):
			depth++
		case toks[j].is("("):
			if depth > 0 {
				depth--
				continue
			}
			if p := prev(toks, j); p >= 0 && (toks[p].is("AS") || toks[p].is("MATERIALIZED")) {
				continue // a CTE's body: it may name the CTEs before it
			}
			if n := next(toks, j); n < len(toks) && (toks[n].is("SELECT") || toks[n].is("WITH")) {
				if c := closing(toks, j); c > at {
					return j, c, true
				}
			}
		}
	}
	return 0, 0, false
}

// windowQuantileEnds are the keywords that end a SELECT's FROM and WHERE
// clauses.
var windowQuantileEnds = map[string]bool{
	"group": true, "having": true, "window": true, "order": true, "limit": true, "offset": true,
	"union": true, "except": true, "intersect": true, "fetch": true,
}

// rewriteWindowQuantiles rewrites `quantile_cont(x, q) [FILTER (WHERE c)]
// OVER ()`, the q-quantile of x over every row of the query, into a scalar
// subquery over the same FROM and WHERE clauses, `(SELECT
// percentile_cont(q) WITHIN GROUP (ORDER BY x) [FILTER (WHERE c)] FROM ...
// [WHERE ...])`, which PostgreSQL computes once. When the enclosing SELECT
// groups, the call is left to compat.sql's quantile_cont aggregate (slow
// over many rows: it sorts in PL/pgSQL).
func rewriteWindowQuantiles(toks []token) []token {
	for start := 0; ; {
		i, end := -1, -1
		for j := start; j < len(toks); j++ {
			if toks[j].kind == tokWord && strings.EqualFold(toks[j].text, "quantile_cont") {
				if e := windowQuantileEnd(toks, j); e > 0 {
					i, end = j, e
					break
				}
			}
		}
		if i < 0 {
			return toks
		}
		from, ok := enclosingFrom(toks, i)
		if !ok {
			start = i + 1
			continue
		}
		open := next(toks, i)
		args := splitArgs(toks[open+1 : closing(toks, open)])
		if len(args) != 2 {
			start = i + 1
			continue
		}
		var rw []token
		rw = append(rw, words("(SELECT percentile_cont(CAST(("))
		rw = append(rw, args[1]...)
		rw = append(rw, words(") AS double precision)) WITHIN GROUP (ORDER BY "))
		rw = append(rw, args[0]...)
		rw = append(rw, words(")"))
		// FILTER (WHERE c), when there is one.
		f := next(toks, closing(toks, open))
		if toks[f].is("FILTER") {
			rw = append(rw, words(" "))
			rw = append(rw, toks[f:closing(toks, next(toks, f))+1]...)
		}
		rw = append(rw, words(" "))
		rw = append(rw, from...)
		rw = append(rw, words(")"))
		out := make([]token, 0, len(toks)+len(rw))
		out = append(out, toks[:i]...)
		out = append(out, rw...)
		out = append(out, toks[end+1:]...)
		toks = out
		start = i + len(rw)
	}
}

// windowQuantileEnd returns the index of the ")" of OVER () that ends the
// window quantile call whose name is at toks[i], or -1.
func windowQuantileEnd(toks []token, i int) int {
	if p := prev(toks, i); p >= 0 && toks[p].is(".") {
		return -1
	}
	open := next(toks, i)
	if open >= len(toks) || !toks[open].is("(") {
		return -1
	}
	c := closing(toks, open)
	if c < 0 {
		return -1
	}
	n := next(toks, c)
	if n < len(toks) && toks[n].is("FILTER") {
		fo := next(toks, n)
		if fo >= len(toks) || !toks[fo].is("(") {
			return -1
		}
		if n = closing(toks, fo); n < 0 {
			return -1
		}
		n = next(toks, n)
	}
	if n >= len(toks) || !toks[n].is("OVER") {
		return -1
	}
	o := next(toks, n)
	if o >= len(toks) || !toks[o].is("(") {
		return -1
	}
	e := next(toks, o)
	if e >= len(toks) || !toks[e].is(")") {
		return -1
	}
	return e
}

// enclosingFrom returns the FROM clause (and WHERE clause, if any) of the
// SELECT that contains toks[i], unless that SELECT groups or has none.
func enclosingFrom(toks []token, i int) ([]token, bool) {
	level := make([]int, len(toks))
	l := 0
	for j, t := range toks {
		if t.is(")") {
			l--
		}
		level[j] = l
		if t.is("(") {
			l++
		}
	}
	sel, m := -1, level[i]
	for j := i - 1; j >= 0; j-- {
		m = min(m, level[j])
		if toks[j].is("SELECT") && level[j] <= m {
			sel = j
			break
		}
	}
	if sel < 0 {
		return nil, false
	}
	lv := level[sel]
	from := -1
	for j := sel + 1; j < len(toks) && level[j] >= lv; j++ {
		if level[j] == lv && toks[j].is("FROM") {
			from = j
			break
		}
	}
	if from < 0 {
		return nil, false
	}
	end := len(toks)
	for j := from + 1; j < len(toks); j++ {
		if level[j] < lv {
			end = j
			break
		}
		if level[j] == lv && toks[j].kind == tokWord {
			w := strings.ToLower(toks[j].text)
			if w == "group" || w == "having" {
				return nil, false
			}
			if windowQuantileEnds[w] {
				end = j
				break
			}
		}
	}
	return toks[from:end], true
}
