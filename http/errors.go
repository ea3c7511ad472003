package http

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/antipersona/antipersona"
)

// statusCodes maps error codes to HTTP statuses: the one table of them.
var statusCodes = map[string]int{
	antipersona.EINVALID:      http.StatusBadRequest,
	antipersona.ENOTFOUND:     http.StatusNotFound,
	antipersona.ECONFLICT:     http.StatusConflict,
	antipersona.EUNAUTHORIZED: http.StatusUnauthorized,
	antipersona.EFORBIDDEN:    http.StatusForbidden,
	antipersona.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	antipersona.EINTERNAL:     http.StatusInternalServerError,
}

// ErrorBody is the JSON of every error answer.
type ErrorBody struct {
	Code    string `json:"code"`
	Error   string `json:"error"`
	Details []any  `json:"details,omitempty"`
}

// detailed is an error with details to show (e.g. the messages of a batch
// that failed to parse).
type detailed struct {
	err     *antipersona.Error
	details []any
}

func (d *detailed) Error() string { return d.err.Error() }
func (d *detailed) Unwrap() error { return d.err }

// writeError writes err as JSON with the status of its code. Internal
// errors are logged (without the request's path) and shown as a generic
// message.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, route string, err error) int {
	code := antipersona.ErrorCode(err)
	status, ok := statusCodes[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	body := ErrorBody{Code: code}
	if code == antipersona.EINTERNAL {
		s.logger.Error("request failed", "route", route, "err", err)
		body.Error = "internal error; the server's log has the details"
	} else {
		body.Error = antipersona.ErrorMessage(err)
	}
	var d *detailed
	if errors.As(err, &d) {
		body.Details = d.details
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="antipersona", Basic realm="antipersona"`)
	}
	writeJSON(w, status, body)
	return status
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // JSON for programs: "age >= 51", not "age \u003e= 51"
	_ = enc.Encode(v)        // the client has gone; nothing to do
}
