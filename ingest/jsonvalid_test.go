package ingest

import (
	"encoding/json"
	"strings"
	"testing"
)

var validJSONCases = []string{
	`{}`, `[]`, `{"a":1}`, ` {"a" : [1, 2.5, -0.1e-7, 1E+2, true, false, null, "x\"y\\u00e9\n"]} `,
	`"str"`, `0`, `-0`, `01`, `1.`, `.5`, `1e`, `1e+`, `-`, `--1`, `+1`, `{"a":}`, `{"a" 1}`, `{,}`, `[1,]`,
	`{"a":1,}`, `[1 2]`, `"\x"`, `"\u12"`, `"\u12G4"`, "\"tab\tinside\"", `tru`, `nul`, `true false`,
	`{"a":{"b":{"c":[[]]}}}`, `{"a":1}}`, `{"a":1`, `[`, `"`, ``, ` `, "\xff", `{"é":"ż"}`,
	`{"type":"track","messageId":"m1","userId":"u","properties":{"x":[1,{"y":null}]}}`,
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001), strings.Repeat("[", 100) + strings.Repeat("]", 100),
}

func TestValidJSON(t *testing.T) {
	for _, c := range validJSONCases {
		if got, want := validJSON([]byte(c)), json.Valid([]byte(c)); got != want {
			t.Errorf("validJSON(%.40q) = %v, json.Valid says %v", c, got, want)
		}
	}
}

// FuzzValidJSON: validJSON agrees with encoding/json.Valid on any input.
func FuzzValidJSON(f *testing.F) {
	for _, c := range validJSONCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := validJSON(b), json.Valid(b); got != want {
			t.Fatalf("validJSON(%q) = %v, json.Valid says %v", b, got, want)
		}
	})
}
