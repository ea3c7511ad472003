package ingest

// validJSON reports whether d is exactly one JSON value (RFC 8259) with
// optional surrounding whitespace: the same answer as encoding/json.Valid
// (FuzzValidJSON checks them against each other), in one pass without the
// scanner's per-byte function calls. Like json.Valid it does not check that
// strings are valid UTF-8 (the callers do).
func validJSON(d []byte) bool {
	i := segSkipWS(d, 0)
	i, ok := validValue(d, i, 0)
	if !ok {
		return false
	}
	return segSkipWS(d, i) == len(d)
}

// maxJSONDepth bounds nesting like encoding/json does (10000).
const maxJSONDepth = 10000

// validValue checks the value starting at d[i] and returns the index after it.
func validValue(d []byte, i, depth int) (int, bool) {
	if i >= len(d) {
		return i, false
	}
	switch c := d[i]; {
	case c == '"':
		return validString(d, i)
	case c == '{':
		if depth >= maxJSONDepth {
			return i, false
		}
		i = segSkipWS(d, i+1)
		if i < len(d) && d[i] == '}' {
			return i + 1, true
		}
		for {
			if i >= len(d) || d[i] != '"' {
				return i, false
			}
			var ok bool
			if i, ok = validString(d, i); !ok {
				return i, false
			}
			i = segSkipWS(d, i)
			if i >= len(d) || d[i] != ':' {
				return i, false
			}
			if i, ok = validValue(d, segSkipWS(d, i+1), depth+1); !ok {
				return i, false
			}
			i = segSkipWS(d, i)
			if i >= len(d) {
				return i, false
			}
			if d[i] == '}' {
				return i + 1, true
			}
			if d[i] != ',' {
				return i, false
			}
			i = segSkipWS(d, i+1)
		}
	case c == '[':
		if depth >= maxJSONDepth {
			return i, false
		}
		i = segSkipWS(d, i+1)
		if i < len(d) && d[i] == ']' {
			return i + 1, true
		}
		for {
			var ok bool
			if i, ok = validValue(d, i, depth+1); !ok {
				return i, false
			}
			i = segSkipWS(d, i)
			if i >= len(d) {
				return i, false
			}
			if d[i] == ']' {
				return i + 1, true
			}
			if d[i] != ',' {
				return i, false
			}
			i = segSkipWS(d, i+1)
		}
	case c == 't':
		return literal(d, i, "true")
	case c == 'f':
		return literal(d, i, "false")
	case c == 'n':
		return literal(d, i, "null")
	case c == '-' || c >= '0' && c <= '9':
		return validNumber(d, i)
	}
	return i, false
}

func literal(d []byte, i int, lit string) (int, bool) {
	if len(d)-i < len(lit) || string(d[i:i+len(lit)]) != lit {
		return i, false
	}
	return i + len(lit), true
}

// validString checks the string starting at d[i] == '"'.
func validString(d []byte, i int) (int, bool) {
	for i++; i < len(d); {
		c := d[i]
		switch {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return i, false
		case c == '\\':
			if i+1 >= len(d) {
				return i, false
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(d) {
					return i, false
				}
				for _, h := range d[i+2 : i+6] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return i, false
					}
				}
				i += 6
			default:
				return i, false
			}
		default:
			i++
		}
	}
	return i, false
}

// validNumber checks -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func validNumber(d []byte, i int) (int, bool) {
	if d[i] == '-' {
		i++
	}
	digits := func() bool {
		start := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		return i > start
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		digits()
	default:
		return i, false
	}
	if i < len(d) && d[i] == '.' {
		i++
		if !digits() {
			return i, false
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if !digits() {
			return i, false
		}
	}
	return i, true
}
