package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/inboxbot/inboxbot"
)

// errTooLarge marks a body over MaxBodyBytes: 413, not 400.
var errTooLarge = inboxbot.Errorf(inboxbot.EINVALID, "request body is over 1 MiB")

// readJSON decodes exactly one JSON object from the request body into v:
// unknown or repeated fields, trailing data and wrong types are errors
// that say which field was wrong.
func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength > MaxBodyBytes {
		return errTooLarge
	}
	body := http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	return decodeJSON(body, v)
}

// decodeJSON is readJSON without the request, for the fuzz test.
//
// encoding/json matches keys ignoring case and lets a repeated key win
// silently, so {"CHANNEL": ...} or two "channel"s would be taken. The body
// is therefore walked first against v's fields, which must match exactly
// and once, and only then decoded.
func decodeJSON(body io.Reader, v any) error {
	data, err := io.ReadAll(body)
	if err != nil {
		return decodeError(err)
	}
	if !json.Valid(data) {
		return syntaxError(data, v)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	// Numbers stay text, so one out of float64's range (1e999) is named
	// rather than failing the whole body.
	dec.UseNumber()
	if err := checkFields(dec, reflect.TypeOf(v), ""); err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return decodeError(err)
	}
	return nil
}

// syntaxError says what is wrong with a body that is not one JSON value,
// in encoding/json's words.
func syntaxError(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	return inboxbot.Errorf(inboxbot.EINVALID, "request body must hold one JSON object and nothing after it")
}

// checkFields reads one JSON value from dec, which holds valid JSON, and
// checks it against t, the Go type it will be decoded into: object keys
// must be t's JSON field names exactly, each at most once, and values of
// the right kind. path names the value in errors: "contact.custom.plan".
func checkFields(dec *json.Decoder, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := dec.Token()
	if err != nil {
		return decodeError(err)
	}
	switch tok := tok.(type) {
	case nil:
		return nil // null leaves the field empty
	case string:
		if t.Kind() != reflect.String {
			return wrongType(path, t, "string")
		}
	case json.Number:
		if t.Kind() < reflect.Int || t.Kind() > reflect.Float64 {
			return wrongType(path, t, "number")
		}
		return checkNumber(path, t, tok)
	case bool:
		if t.Kind() != reflect.Bool {
			return wrongType(path, t, "bool")
		}
	case json.Delim:
		if tok == '[' {
			if t.Kind() != reflect.Slice {
				return wrongType(path, t, "array")
			}
			for i := 0; dec.More(); i++ {
				if err := checkFields(dec, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
					return err
				}
			}
			_, err := dec.Token()
			return err
		}
		if t.Kind() != reflect.Struct && t.Kind() != reflect.Map {
			return wrongType(path, t, "object")
		}
		seen := map[string]bool{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return decodeError(err)
			}
			key := k.(string)
			field := key
			if path != "" {
				field = path + "." + key
			}
			if seen[key] {
				return inboxbot.Errorf(inboxbot.EINVALID, "field %q appears twice", field)
			}
			seen[key] = true
			var ft reflect.Type
			if t.Kind() == reflect.Map {
				ft = t.Elem()
			} else {
				var ok bool
				if ft, ok = jsonField(t, key); !ok {
					return unknownField(t, field, key)
				}
			}
			if err := checkFields(dec, ft, field); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	}
	return nil
}

// checkNumber refuses a number that does not fit t, naming the field.
func checkNumber(path string, t reflect.Type, n json.Number) error {
	var err error
	switch {
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		_, err = strconv.ParseInt(n.String(), 10, t.Bits())
	case t.Kind() >= reflect.Uint && t.Kind() <= reflect.Uintptr:
		_, err = strconv.ParseUint(n.String(), 10, t.Bits())
	default:
		_, err = strconv.ParseFloat(n.String(), t.Bits())
	}
	if err != nil {
		return inboxbot.Errorf(inboxbot.EINVALID, "%s is out of range or not a whole number (got %s)", path, inboxbot.Clip(n.String()))
	}
	return nil
}

// jsonField is the type of the field of struct t whose JSON name is key.
func jsonField(t reflect.Type, key string) (reflect.Type, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name == key && f.IsExported() {
			return f.Type, true
		}
	}
	return nil, false
}

// unknownField names a key struct t does not have, and the one meant when
// only the case differs.
func unknownField(t reflect.Type, field, key string) error {
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); strings.EqualFold(name, key) {
			return inboxbot.Errorf(inboxbot.EINVALID, "unknown field %q (field names are case-sensitive: %s)", field, name)
		}
	}
	return inboxbot.Errorf(inboxbot.EINVALID, "unknown field %q", field)
}

func wrongType(path string, t reflect.Type, got string) error {
	if path == "" {
		return inboxbot.Errorf(inboxbot.EINVALID, "request body must be a JSON object")
	}
	return inboxbot.Errorf(inboxbot.EINVALID, "%s must be %s (got %s)", path, kindText(t), got)
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
