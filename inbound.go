package inboxbot

import (
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// InboundKind says what an inbound event is.
type InboundKind string

// Inbound kinds: a message fires conversation.created when it opens a
// conversation; a form also fires form.submitted.
const (
	InboundMessage InboundKind = "message"
	InboundForm    InboundKind = "form"
)

// Inbound is a message or form submission from outside: a web form, an
// SMS or e-mail gateway, an ad lead form.
type Inbound struct {
	Kind    InboundKind
	Contact Contact
	Channel string
	Subject string
	// MessageID is the source's message id; a repeat is recognised and
	// changes nothing.
	MessageID string
	Body      string
	SentAt    time.Time
	// Origin is the chat thread the message was written in; nil for the
	// API. A message with an origin belongs to that thread's conversation,
	// never to the contact's other open conversations.
	Origin *Origin
}

// InboundResult says what an inbound message did.
type InboundResult struct {
	Conversation Conversation
	// Created is true when the message opened a new conversation.
	Created bool
	// Reopened is true when the message reopened the contact's closed
	// conversation on the channel.
	Reopened bool
	// Duplicate is true when the message was a repeat; nothing changed.
	Duplicate bool
	// Decision is the routing outcome; its Rule is nil when no rule ran.
	Decision Decision
}

// Limits on what a source may send, so that a buggy integration cannot fill
// the database or the chat cards with junk.
const (
	MaxIDLength      = 200
	MaxTextLength    = 500
	MaxChannelLength = 32
	MaxTagLength     = 64
	MaxTags          = 50
	MaxCustomPairs   = 100
	MaxMessageLength = 1 << 20
)

// MinTime and MaxTime bound a time a source may send: every database can
// store the years between (PostgreSQL refuses year 0, SQLite's functions
// misread negative years), and a message from before 1970 is a bug.
var (
	MinTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	MaxTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
)

var (
	// regionPattern is an ISO 3166-1 country, optionally with a 3166-2
	// subdivision: DE, US-CA, in either case; it is stored upper case.
	regionPattern  = regexp.MustCompile(`^[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?$`)
	channelPattern = regexp.MustCompile(`^[a-z0-9_-]+$`)
)

// Validate checks an inbound's content; each error is EINVALID and names
// the field as the API's JSON does ("contact.region must be ..."). It also
// puts the region and the channel in the form they are stored in, after
// checking them as given, so that an error quotes what the sender wrote.
func (in *Inbound) Validate() error {
	c := in.Contact
	if in.Kind != InboundMessage && in.Kind != InboundForm {
		return invalid(`kind must be "message" or "form" (got %q)`, in.Kind)
	}
	if strings.TrimSpace(c.ExternalID) == "" {
		return invalid("contact.external_id is required")
	}
	for _, f := range []struct{ name, value string }{
		{"contact.external_id", c.ExternalID}, {"contact.name", c.Name}, {"contact.email", c.Email},
		{"contact.phone", c.Phone}, {"contact.lead_source", c.LeadSource}, {"subject", in.Subject},
	} {
		if err := CheckText(f.name, f.value, MaxTextLength); err != nil {
			return err
		}
	}
	if len(c.ExternalID) > MaxIDLength {
		return invalid("contact.external_id is longer than %d bytes", MaxIDLength)
	}
	if e := strings.TrimSpace(c.Email); e != "" {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			return invalid("contact.email is not an e-mail address like jane@example.com (got %q)", c.Email)
		}
	}
	if r := strings.TrimSpace(c.Region); r != "" && !regionPattern.MatchString(r) {
		return invalid("contact.region must be an ISO 3166 code such as US-CA or DE (got %q)", c.Region)
	}
	if err := CheckTags("contact.tags", c.Tags); err != nil {
		return err
	}
	if len(c.Custom) > MaxCustomPairs {
		return invalid("contact.custom has %d fields; at most %d are allowed", len(c.Custom), MaxCustomPairs)
	}
	// Sorted, so that of several bad fields the same one is named every time.
	keys := make([]string, 0, len(c.Custom))
	for k := range c.Custom {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if strings.TrimSpace(k) == "" {
			return invalid("contact.custom has an empty field name")
		}
		if err := CheckText("contact.custom."+k, k+c.Custom[k], MaxTextLength); err != nil {
			return err
		}
	}
	switch ch := NormalChannel(in.Channel); {
	case ch == "":
		return invalid("channel is required (like sms, email or webchat)")
	case len(ch) > MaxChannelLength || !channelPattern.MatchString(ch):
		return invalid("channel must be one word of letters, digits, - or _ (like sms), at most %d long (got %q)", MaxChannelLength, in.Channel)
	}
	if strings.TrimSpace(in.Body) == "" {
		return invalid("message.body is required")
	}
	if err := CheckText("message.body", in.Body, MaxMessageLength); err != nil {
		return err
	}
	if err := CheckText("message.external_id", in.MessageID, MaxIDLength); err != nil {
		return err
	}
	if in.Origin != nil {
		if err := in.Origin.Validate(); err != nil {
			return err
		}
	}
	if !in.SentAt.IsZero() && (in.SentAt.Before(MinTime) || in.SentAt.After(MaxTime)) {
		return invalid("message.sent_at must be between %d and %d (got %s)", MinTime.Year(), MaxTime.Year()-1,
			Clip(in.SentAt.Format(time.RFC3339)))
	}
	in.Contact.Region = strings.ToUpper(strings.TrimSpace(c.Region))
	in.Channel = NormalChannel(in.Channel)
	return nil
}

// NormalChannel is a channel as it is stored: trimmed, lower case.
func NormalChannel(channel string) string { return strings.ToLower(strings.TrimSpace(channel)) }

// CheckTags returns an EINVALID error naming the field (field[i] for one
// tag) unless tags are at most MaxTags non-empty words of at most
// MaxTagLength bytes: one word, because /inbox list tag:X takes one.
func CheckTags(field string, tags []string) error {
	if len(tags) > MaxTags {
		return invalid("%s has %d tags; at most %d are allowed", field, len(tags), MaxTags)
	}
	for i, t := range tags {
		name := fmt.Sprintf("%s[%d]", field, i)
		t = strings.TrimSpace(t)
		switch {
		case t == "":
			return invalid("%s is empty", name)
		case strings.IndexFunc(t, unicode.IsSpace) >= 0:
			return invalid("%s must be one word, like vip or needs-quote (got %q)", name, Clip(t))
		}
		if err := CheckText(name, t, MaxTagLength); err != nil {
			return err
		}
	}
	return nil
}

// CheckText refuses what the database cannot store or people cannot read:
// NUL characters (PostgreSQL rejects them), invalid UTF-8 and values longer
// than max bytes. The error names field.
func CheckText(field, s string, max int) error {
	switch {
	case strings.ContainsRune(s, 0):
		return invalid("%s contains a NUL character", field)
	case !utf8.ValidString(s):
		return invalid("%s is not valid UTF-8", field)
	case len(s) > max:
		return invalid("%s is longer than %d bytes", field, max)
	}
	return nil
}

// Clip shortens a value for quoting it back in an error: a pasted page is
// not echoed whole.
func Clip(s string) string { return Cut(s, 40) }

// Cut shortens s to at most n characters, marking a cut with "…".
func Cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func invalid(format string, args ...any) error { return Errorf(EINVALID, format, args...) }
