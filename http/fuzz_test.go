package http

import (
	"context"
	"strings"
	"testing"

	"github.com/antipersona/antipersona"
)

// fuzzSeeds are bodies that look like what clients send, and what they
// send by mistake.
var fuzzSeeds = []string{
	`{"batch":[{"type":"track","userId":"C1","event":"Product Viewed","messageId":"m1","timestamp":"2025-01-02T03:04:05Z","properties":{"price":5}}]}`,
	`{"batch":[{"type":"identify","userId":"C1","traits":{"city":"Kraków"}},{"type":"page","anonymousId":"a","name":"Home"}]}`,
	`{"batch":[{"type":"track","userId":"C1","event":"Order Completed","properties":{"order_id":"o1","revenue":"12.5"}}]}`,
	`{"userId":"C1","event":"x","messageId":"m2","timestamp":1735787045}`,
	`{"batch":{}}`, `{"batch":[1,2]}`, `[]`, `null`, `{"batch":[{"type":"alias"}]}`, "\xff\xfe", `{"batch":[{"type":"track","userId":"C1","event":"x","timestamp":"yesterday"}]}`,
}

// FuzzSegment: whatever the body, a Segment endpoint answers 200, 400 or
// 413, never 5xx, and a 4xx answer stores nothing.
func FuzzSegment(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, uint8(0))
		f.Add(s, uint8(1))
	}
	s, rec, keys := testServer(f, Options{Limits: Limits{MaxBody: 64 << 10, MaxMessage: 8 << 10, MaxBatch: 100}})
	h := s.Handler()
	paths := []string{"/v1/batch", "/v1/track", "/v1/identify", "/v1/page"}
	f.Fuzz(func(t *testing.T, body string, which uint8) {
		before := rec.rows()
		w := do(t, h, "POST", paths[int(which)%len(paths)], keys[antipersona.RoleIngest], []byte(body))
		switch w.Code {
		case 200:
		case 400, 413:
			if rec.rows() != before {
				t.Fatalf("%d answer but rows stored", w.Code)
			}
			if !strings.Contains(w.Body.String(), `"error"`) {
				t.Fatalf("%d answer without an error message: %s", w.Code, w.Body)
			}
		default:
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
	})
}

// FuzzJSONBodies: the API's other JSON bodies (score, audiences, builds,
// keys) answer a clear 4xx to anything malformed or wrongly typed, and a
// refused key request creates no key.
func FuzzJSONBodies(f *testing.F) {
	for _, s := range []string{`{"age": 30, "city": "Kraków"}`, `{"name":"x","actions":["exclude"],"format":"google"}`,
		`{"as_of":"2025-06-30"}`, `{"role":"reader","name":"bi"}`, `{"role":5}`, `{"name":["x"]}`, `{"as_of":"2025-13-45"}`,
		`{"a":1}{"b":2}`, ``, `[`, `"text"`, `{"role":"owner"}`} {
		for i := range 4 {
			f.Add(s, uint8(i))
		}
	}
	s, _, keys := testServer(f, Options{Limits: Limits{MaxBody: 16 << 10}})
	h := s.Handler()
	paths := []string{"/score", "/audiences", "/builds", "/keys"}
	f.Fuzz(func(t *testing.T, body string, which uint8) {
		path := "/api/v1/workspaces/shop" + paths[int(which)%len(paths)]
		ks, _ := s.keys.Keys(context.Background(), "shop")
		w := do(t, h, "POST", path, keys[antipersona.RoleAdmin], []byte(body))
		if w.Code >= 500 {
			t.Fatalf("%s: status %d: %s", path, w.Code, w.Body)
		}
		after, _ := s.keys.Keys(context.Background(), "shop")
		if w.Code >= 400 && len(after) != len(ks) {
			t.Fatalf("%s: %d answer but a key was created", path, w.Code)
		}
		if w.Code == 409 { // a build started by an earlier input runs
			return
		}
		if w.Code >= 400 && !strings.Contains(w.Body.String(), `"error"`) {
			t.Fatalf("%s: %d without an error message", path, w.Code)
		}
	})
}
