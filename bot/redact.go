package bot

import (
	"errors"
	"net/url"
)

// Redact drops the URL from a failed HTTP call's error, keeping what went
// wrong. Slack's response_url and Discord's interaction and webhook URLs
// are bearer credentials (whoever has one can post as the app for a
// while), so they never go to a log: log Redact(err) instead of err.
func Redact(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	return &redacted{op: ue.Op, err: ue.Err}
}

// redacted is a url.Error without its URL.
type redacted struct {
	op  string
	err error
}

func (r *redacted) Error() string { return r.op + " (URL withheld): " + r.err.Error() }
func (r *redacted) Unwrap() error { return r.err }
