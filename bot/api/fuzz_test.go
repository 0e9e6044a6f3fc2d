package api

import (
	"bytes"
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
)

// FuzzDecodeInbound feeds arbitrary bodies to the inbound decoder and
// checks that it never panics, that every refusal is EINVALID with a
// message, and that whatever it accepts is something the store can hold.
func FuzzDecodeInbound(f *testing.F) {
	for _, seed := range []string{
		`{"kind":"message","contact":{"external_id":"c1","name":"Jane","email":"jane@example.com","tags":["vip"],"region":"US-CA","custom":{"plan":"a"}},"channel":"sms","subject":"s","message":{"external_id":"m1","body":"hi","sent_at":"2026-11-25T16:04:05Z"}}`,
		`{"kind":"form","contact":{"external_id":"x"},"channel":"webchat","message":{"body":"b"}}`,
		`{"contact":null}`,
		`{"contact":{"external_id":"\u0000"},"channel":"sms","message":{"body":"x"}}`,
		`[]`, `{`, ``, `{"a":1}`, `{} {}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var req inboundRequest
		err := decodeJSON(bytes.NewReader(data), &req)
		if err == nil {
			var in store.Inbound
			if in, err = req.inbound(); err == nil {
				checkAccepted(t, in)
				return
			}
		}
		if inboxbot.ErrorCode(err) != inboxbot.EINVALID || inboxbot.ErrorMessage(err) == "" {
			t.Fatalf("refusal %v has code %q", err, inboxbot.ErrorCode(err))
		}
	})
}

// checkAccepted holds what the store relies on for an accepted request.
func checkAccepted(t *testing.T, in store.Inbound) {
	t.Helper()
	if strings.TrimSpace(in.Contact.ExternalID) == "" || strings.TrimSpace(in.Body) == "" || !channelPattern.MatchString(in.Channel) {
		t.Fatalf("accepted %+v", in)
	}
	if in.Kind != "message" && in.Kind != "form" {
		t.Fatalf("accepted kind %q", in.Kind)
	}
	texts := []string{in.Contact.ExternalID, in.Contact.Name, in.Contact.Email, in.Contact.Phone, in.Contact.LeadSource,
		in.Contact.Region, in.Subject, in.MessageID, in.Body}
	texts = append(texts, in.Contact.Tags...)
	for k, v := range in.Contact.Custom {
		texts = append(texts, k, v)
	}
	for _, s := range texts {
		if strings.ContainsRune(s, 0) {
			t.Fatalf("accepted a NUL in %q", s)
		}
	}
}
