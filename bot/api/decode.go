package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/inboxbot/inboxbot"
)

// errTooLarge marks a body over MaxBodyBytes: 413, not 400.
var errTooLarge = inboxbot.Errorf(inboxbot.EINVALID, "request body is over 1 MiB")

// readJSON decodes exactly one JSON object from the request body into v:
// unknown fields, trailing data and wrong types are errors that say which
// field was wrong.
func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength > MaxBodyBytes {
		return errTooLarge
	}
	body := http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	return decodeJSON(body, v)
}

// decodeJSON is readJSON without the request, for the fuzz test.
func decodeJSON(body io.Reader, v any) error {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		if tooLarge(err) {
			return errTooLarge
		}
		return inboxbot.Errorf(inboxbot.EINVALID, "request body must hold one JSON object and nothing after it")
	}
	return nil
}

func tooLarge(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}

// decodeError turns encoding/json's errors into messages that name the field.
func decodeError(err error) error {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case tooLarge(err):
		return errTooLarge
	case errors.Is(err, io.EOF):
		return inboxbot.Errorf(inboxbot.EINVALID, "request body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return inboxbot.Errorf(inboxbot.EINVALID, "request body is not valid JSON: it ends too early")
	case errors.As(err, &syntax):
		return inboxbot.Errorf(inboxbot.EINVALID, "request body is not valid JSON at byte %d: %s", syntax.Offset, strings.TrimPrefix(syntax.Error(), "json: "))
	case errors.As(err, &typ):
		if typ.Field == "" {
			return inboxbot.Errorf(inboxbot.EINVALID, "request body must be a JSON object")
		}
		return inboxbot.Errorf(inboxbot.EINVALID, "%s must be %s (got %s)", typ.Field, kindText(typ.Type), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return inboxbot.Errorf(inboxbot.EINVALID, "unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return inboxbot.Errorf(inboxbot.EINVALID, "request body is not valid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// kindText names a Go type as a JSON value: "a string", "an array of strings".
func kindText(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "an array of " + strings.TrimPrefix(strings.TrimPrefix(kindText(t.Elem()), "an "), "a ") + "s"
	case reflect.Map:
		return "an object of " + strings.TrimPrefix(strings.TrimPrefix(kindText(t.Elem()), "an "), "a ") + "s"
	case reflect.Struct, reflect.Pointer:
		return "an object"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64:
		return "a number"
	}
	return fmt.Sprintf("a %s", t.Kind())
}
