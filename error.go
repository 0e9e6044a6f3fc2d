package inboxbot

import (
	"errors"
	"fmt"
)

// Error codes. Adapters map them to HTTP statuses and to the tone of a reply.
const (
	EINVALID     = "invalid"
	ENOTFOUND    = "not_found"
	ECONFLICT    = "conflict"
	EFORBIDDEN   = "forbidden"
	EUNAVAILABLE = "unavailable"
	EINTERNAL    = "internal"
)

// Error is a domain error: a code for programs and a message written for the
// person who typed the command.
type Error struct {
	Code    string
	Message string
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
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

// ErrorMessage returns the user-facing message of the first *Error in err's
// chain, or a generic apology for errors that carry no code: their detail is
// for the logs, not for the person.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "Sorry, something went wrong on our side. It has been logged."
}
