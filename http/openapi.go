package http

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
)

// opDoc documents an endpoint beyond its route: its request body and
// success answer (component schema names), its success status and the
// error statuses it may answer.
type opDoc struct {
	req    string
	resp   string
	ok     int
	errors []int
	query  []param
}

type param struct{ name, desc string }

// Error statuses common to authenticated endpoints: no key, another
// workspace, wrong role, internal.
var authErrors = []int{401, 403, 404, 500}

// docs documents every route of routeTable by its pattern; a golden test
// checks that both list the same endpoints.
var docs = map[string]opDoc{
	"GET /healthz":             {resp: "Status", ok: 200},
	"GET /readyz":              {resp: "Status", ok: 200, errors: []int{503}},
	"GET /metrics":             {resp: "", ok: 200},
	"GET /api/v1/openapi.json": {resp: "", ok: 200},

	"POST /v1/identify": {req: "SegmentMessage", resp: "SegmentAnswer", ok: 200, errors: []int{400, 401, 403, 404, 409, 413, 500}},
	"POST /v1/track":    {req: "SegmentMessage", resp: "SegmentAnswer", ok: 200, errors: []int{400, 401, 403, 404, 409, 413, 500}},
	"POST /v1/page":     {req: "SegmentMessage", resp: "SegmentAnswer", ok: 200, errors: []int{400, 401, 403, 404, 409, 413, 500}},
	"POST /v1/batch":    {req: "SegmentBatch", resp: "SegmentAnswer", ok: 200, errors: []int{400, 401, 403, 404, 409, 413, 500}},

	"GET " + wsPrefix + "/contacts/{id}":             {resp: "Contact", ok: 200},
	"DELETE " + wsPrefix + "/contacts/{id}":          {resp: "ForgetResult", ok: 200},
	"GET " + wsPrefix + "/contacts/{id}/export":      {resp: "ContactExport", ok: 200},
	"POST " + wsPrefix + "/contacts/{id}/consent":    {resp: "Document", ok: 200},
	"GET " + wsPrefix + "/personas":                  {resp: "Personas", ok: 200},
	"GET " + wsPrefix + "/personas/{id}":             {resp: "Persona", ok: 200},
	"GET " + wsPrefix + "/negative-personas":         {resp: "Personas", ok: 200},
	"GET " + wsPrefix + "/segments":                  {resp: "Document", ok: 200},
	"GET " + wsPrefix + "/audit":                     {resp: "Document", ok: 200},
	"GET " + wsPrefix + "/worksheet":                 {resp: "Document", ok: 200},
	"GET " + wsPrefix + "/decisions":                 {resp: "Document", ok: 200},
	"GET " + wsPrefix + "/budget":                    {resp: "Document", ok: 200},
	"GET " + wsPrefix + "/changes":                   {resp: "Document", ok: 200, errors: []int{400}, query: []param{{"since", "the earlier build id (default: the build before the last)"}, {"to", "the later build id (default: the last build)"}}},
	"POST " + wsPrefix + "/score":                    {req: "Document", resp: "Score", ok: 200, errors: []int{400, 413}},
	"GET " + wsPrefix + "/audiences":                 {resp: "Document", ok: 200},
	"POST " + wsPrefix + "/audiences":                {req: "AudienceSpec", resp: "Document", ok: 200, errors: []int{400, 409, 413}},
	"POST " + wsPrefix + "/audiences/{name}/export":  {resp: "Document", ok: 200, errors: []int{400, 409}},
	"GET " + wsPrefix + "/audiences/{name}/download": {resp: "", ok: 200, errors: []int{400}, query: []param{{"part", "removals: the removals file of an incremental google or meta export (contacts who left, and contacts deleted on request, by their hashes); leave it out for the export itself"}}},
	"POST " + wsPrefix + "/builds":                   {req: "BuildRequest", resp: "BuildJob", ok: 202, errors: []int{400, 409, 413}},
	"GET " + wsPrefix + "/builds":                    {resp: "BuildsAnswer", ok: 200},
	"GET " + wsPrefix + "/builds/jobs/{job}":         {resp: "BuildJob", ok: 200},
	"GET " + wsPrefix + "/keys":                      {resp: "APIKeys", ok: 200},
	"POST " + wsPrefix + "/keys":                     {req: "KeyRequest", resp: "KeyCreated", ok: 201, errors: []int{400, 413}},
	"DELETE " + wsPrefix + "/keys/{id}":              {resp: "", ok: 204},
	"GET " + wsPrefix + "/audit-log":                 {resp: "AuditEntries", ok: 200, errors: []int{400}, query: []param{{"limit", "the most entries to return (default 100)"}}},
}

var statusText = map[int]string{
	200: "OK", 201: "Created", 202: "Accepted: the build runs in the background", 204: "No content",
	400: "The request is malformed or wrongly typed; nothing was changed",
	401: "No API key, or an unknown or revoked one",
	403: "The key's role does not allow this",
	404: "No such resource, or a workspace the key does not belong to",
	409: "Conflict: a build is running, or the server is shutting down",
	413: "The request body or batch is over its limit; nothing was changed",
	500: "Internal error (details in the server's log)",
	503: "The server is shutting down",
}

var pathParam = regexp.MustCompile(`\{([a-z]+)\}`)

var paramDesc = map[string]string{
	"workspace": "the workspace (tenant) the key belongs to",
	"id":        "the contact, persona or key id",
	"name":      "the audience's name",
	"job":       "the build job's id",
}

// schemas are the components' schemas.
var schemas = map[string]any{
	"Error": obj(map[string]any{
		"code":    str("invalid, not_found, conflict, unauthorized, forbidden, too_large or internal"),
		"error":   str("what went wrong, in words a person can act on"),
		"details": map[string]any{"type": "array", "items": ref("MessageError"), "description": "for Segment calls: each message that cannot be stored"},
	}, "code", "error"),
	"MessageError": obj(map[string]any{
		"index":  integer("0-based position of the message in the batch"),
		"column": integer("1-based byte column of the problem in the message"),
		"field":  str("the field, as written"),
		"error":  str("the problem"),
	}, "index", "column", "error"),
	"Status": obj(map[string]any{"status": str("ok, ready or shutting down")}, "status"),
	"SegmentMessage": map[string]any{"type": "object", "description": "A call of the Segment Spec (identify, track, page): type, userId or anonymousId, messageId (the dedupe key: a message sent again is accepted and ignored), event or name, timestamp (else the time of receipt), properties, traits, context. At most 32,000 bytes.",
		"properties": map[string]any{
			"type": str("identify, track or page; implied by the endpoint when absent"), "userId": str(""), "anonymousId": str(""),
			"messageId": str("the dedupe key"), "event": str("track event name"), "name": str("page name"),
			"timestamp": str("RFC 3339 or unix seconds/milliseconds"), "properties": map[string]any{"type": "object"},
			"traits": map[string]any{"type": "object"}, "context": map[string]any{"type": "object"},
		}},
	"SegmentBatch": obj(map[string]any{
		"batch": map[string]any{"type": "array", "items": ref("SegmentMessage"), "maxItems": 2500, "description": "each message must carry its type"},
	}, "batch"),
	"SegmentAnswer": obj(map[string]any{
		"success":  map[string]any{"type": "boolean", "description": "true once every message is durably stored"},
		"messages": integer("messages accepted (duplicates and rows of forgotten contacts included)"),
	}, "success", "messages"),
	"Document": map[string]any{"type": "object", "description": "The JSON document the same command prints with --json (see the command's help and docs/)."},
	"Contact":  map[string]any{"type": "object", "description": "As `antipersona explain ID --json`: features (personal data left out), segments, rule segments, cluster, personas, propensity with its top reasons, decision, reasons, excluded_since."},
	"Personas": map[string]any{"type": "array", "items": ref("Persona")},
	"Persona":  map[string]any{"type": "object", "description": "A persona card as `antipersona personas ID --json`: conditions, size, target rate, lift, interval, adjusted p-value, traits, channels."},
	"Score": obj(map[string]any{
		"probability": map[string]any{"type": "number", "description": "calibrated probability of conversion"},
		"reasons":     map[string]any{"type": "array", "items": map[string]any{"type": "object"}, "description": "the top 3 reasons"},
		"build_id":    integer("the build whose model scored"),
	}, "probability"),
	"ForgetResult": obj(map[string]any{
		"contact_id":   str(""),
		"forgotten_at": str("RFC 3339"),
		"deleted":      map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "integer"}, "description": "rows deleted by table"},
	}, "contact_id", "forgotten_at", "deleted"),
	"ContactExport": obj(map[string]any{
		"contact_id": str(""),
		"forgotten":  map[string]any{"type": "boolean"},
		"tables":     map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "array", "items": map[string]any{"type": "object"}}, "description": "every row held on the contact, by table"},
	}, "contact_id", "forgotten", "tables"),
	"AudienceSpec": obj(map[string]any{
		"name":        str("the audience's name"),
		"actions":     map[string]any{"type": "array", "items": str("activate, nurture, maintain, organic_only or exclude")},
		"persona":     str("a persona id"),
		"where":       str("a CEL condition on the features"),
		"format":      str("csv, json, parquet, google, meta or segment (default csv)"),
		"incremental": map[string]any{"type": "boolean", "description": "only the changes since the audience's last export"},
	}, "name"),
	"BuildRequest": obj(map[string]any{"as_of": str("YYYY-MM-DD; default: the workspace's reference date, else today")}),
	"BuildJob": obj(map[string]any{
		"id": integer(""), "state": str("running, succeeded or failed"), "as_of": str(""), "trigger": str("api, schedule or dashboard"),
		"key_id": str(""), "started_at": str(""), "finished_at": str(""), "error": str(""),
		"summary": map[string]any{"type": "object", "description": "as `antipersona build --json`"},
		"stage":   str("what a running build does now: clv, features, personas, propensity, next_purchase, decisions"),
		"step":    integer("stages done"), "steps": integer("stages in all"),
	}, "id", "state", "trigger", "started_at"),
	"BuildsAnswer": obj(map[string]any{
		"running": map[string]any{"type": "boolean"},
		"jobs":    map[string]any{"type": "array", "items": ref("BuildJob")},
		"history": map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
	}, "running", "jobs", "history"),
	"APIKey": obj(map[string]any{
		"id": str("the key's public id"), "workspace": str(""), "name": str(""), "role": str("admin, analyst, ingest or reader"),
		"created_at": str(""), "revoked_at": str(""),
	}, "id", "workspace", "role", "created_at"),
	"APIKeys":    map[string]any{"type": "array", "items": ref("APIKey")},
	"KeyRequest": obj(map[string]any{"role": str("admin, analyst, ingest or reader"), "name": str("what the key is for")}, "role"),
	"KeyCreated": map[string]any{"allOf": []any{ref("APIKey"), obj(map[string]any{"key": str("the key: shown this once, stored only as its SHA-256")}, "key")}},
	"AuditEntry": obj(map[string]any{
		"time": str(""), "workspace": str(""), "key_id": str(""), "role": str(""), "action": str("e.g. contact.delete, audience.export, build.start, key.create"),
		"target": str(""), "status": integer("the HTTP status of the answer"), "detail": str(""),
	}, "time", "workspace", "key_id", "action", "status"),
	"AuditEntries": map[string]any{"type": "array", "items": ref("AuditEntry")},
}

func obj(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func str(desc string) map[string]any {
	o := map[string]any{"type": "string"}
	if desc != "" {
		o["description"] = desc
	}
	return o
}

func integer(desc string) map[string]any {
	o := map[string]any{"type": "integer"}
	if desc != "" {
		o["description"] = desc
	}
	return o
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func jsonContent(schema string) map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": ref(schema)}}
}

// OpenAPI returns the OpenAPI 3.1 document of the server's endpoints,
// built from the route table.
func (s *Server) OpenAPI() map[string]any {
	paths := map[string]any{}
	for _, rt := range s.routeTable() {
		d := docs[rt.method+" "+rt.path]
		op := map[string]any{"summary": rt.summary, "operationId": operationID(rt)}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true,
				"schema": map[string]any{"type": "string"}, "description": paramDesc[m[1]]})
		}
		for _, q := range d.query {
			params = append(params, map[string]any{"name": q.name, "in": "query", "required": false,
				"schema": map[string]any{"type": "integer", "minimum": 0}, "description": q.desc})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if d.req != "" {
			op["requestBody"] = map[string]any{"required": rt.method != "POST" || !strings.HasSuffix(rt.path, "/builds"), "content": jsonContent(d.req)}
		}
		responses := map[string]any{}
		okResp := map[string]any{"description": statusText[d.ok]}
		switch {
		case d.resp != "":
			okResp["content"] = jsonContent(d.resp)
		case rt.path == "/metrics":
			okResp["content"] = map[string]any{"text/plain": map[string]any{"schema": map[string]any{"type": "string"}}}
		case strings.HasSuffix(rt.path, "/download"):
			okResp["content"] = map[string]any{"application/octet-stream": map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}
		case rt.path == "/api/v1/openapi.json":
			okResp["content"] = map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}
		}
		responses[itoa(d.ok)] = okResp
		errs := d.errors
		if rt.perm != "" {
			errs = append(append([]int(nil), authErrors...), errs...)
		}
		for _, code := range errs {
			responses[itoa(code)] = map[string]any{"description": statusText[code], "content": jsonContent("Error")}
		}
		op["responses"] = responses
		if rt.perm != "" {
			op["security"] = []any{map[string]any{"bearer": []any{}}, map[string]any{"basic": []any{}}}
			op["x-permission"] = string(rt.perm)
		}
		if rt.action != "" {
			op["x-audit-action"] = rt.action
		}
		item, _ := paths[rt.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.path] = item
		}
		item[strings.ToLower(rt.method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "antipersona team server",
			"version": "1",
			"description": "Personas, negative personas, decisions, audiences and budget of a marketing team's workspaces, " +
				"with Segment-compatible ingest. Keys carry a role (admin, analyst, ingest, reader) and belong to one workspace; " +
				"x-permission names what an endpoint needs: read (reader, analyst, admin), analyse (analyst, admin), admin, ingest (ingest, analyst, admin).",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer", "description": "Authorization: Bearer ap_..."},
				"basic":  map[string]any{"type": "http", "scheme": "basic", "description": "the key as the user, no password (as Segment sends its write key)"},
			},
		},
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// operationID names an operation from its method and path, e.g.
// getWorkspacesContacts.
func operationID(rt route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.method))
	for _, part := range strings.Split(rt.path, "/") {
		if part == "" || part == "api" || part == "v1" || strings.HasPrefix(part, "{") {
			continue
		}
		for _, w := range strings.FieldsFunc(part, func(r rune) bool { return r == '-' || r == '.' }) {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	if strings.HasSuffix(rt.path, "}") {
		b.WriteString("ByID")
	}
	return b.String()
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request, c *call) error {
	writeJSON(w, http.StatusOK, s.OpenAPI())
	return nil
}
