package antipersona

import (
	"errors"
	"fmt"
)

// Error codes of user-facing errors. Each maps to one exit status (cmd) and
// one HTTP status (http) in a single table.
const (
	EINVALID  = "invalid"   // bad input or arguments
	ENOTFOUND = "not_found" // no such workspace, contact, file, ...
	ECONFLICT = "conflict"  // the workspace is in use by another process, a build is running, ...
	EINTERNAL = "internal"

	EUNAUTHORIZED = "unauthorized" // no API key, or an unknown or revoked one
	EFORBIDDEN    = "forbidden"    // the key's role does not allow the action
	ETOOLARGE     = "too_large"    // a request or message over its size limit
)

// Error is a user-facing error: Message is safe to show as it is.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns a user-facing error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or a
// generic message for other errors.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error: " + err.Error()
}

// ParseError is a problem with one row (and, when known, one column) of an
// input file. Line and Column are 1-based; Column is 0 when the problem is
// not tied to a column. ColumnName is the header of that column, if any.
type ParseError struct {
	File       string
	Line       int64
	Column     int
	ColumnName string
	Err        error
}

func (e *ParseError) Error() string {
	switch {
	case e.Column > 0 && e.ColumnName != "":
		return fmt.Sprintf("%s:%d:%d (column %q): %v", e.File, e.Line, e.Column, e.ColumnName, e.Err)
	case e.Column > 0:
		return fmt.Sprintf("%s:%d:%d: %v", e.File, e.Line, e.Column, e.Err)
	default:
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
}

func (e *ParseError) Unwrap() error { return e.Err }

// ErrCanceled is returned (wrapped) when long work stops because its context
// was cancelled.
var ErrCanceled = errors.New("canceled")
