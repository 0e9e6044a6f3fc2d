package api

import (
	"bytes"
	"testing"

	"github.com/inboxbot/inboxbot"
)

// FuzzDecodeInbound feeds arbitrary bodies to the inbound decoder and
// checks that it never panics, that every refusal is EINVALID with a
// message, and that an accepted body has a contact and a message (the
// content itself is the store's to check).
func FuzzDecodeInbound(f *testing.F) {
	for _, seed := range []string{
		`{"kind":"message","contact":{"external_id":"c1","name":"Jane","email":"jane@example.com","tags":["vip"],"region":"US-CA","custom":{"plan":"a"}},"channel":"sms","subject":"s","message":{"external_id":"m1","body":"hi","sent_at":"2026-11-25T16:04:05Z"}}`,
		`{"kind":"form","contact":{"external_id":"x"},"channel":"webchat","message":{"body":"b"}}`,
		`{"contact":null}`,
		`{"contact":{"external_id":"\u0000"},"channel":"sms","message":{"body":"x"}}`,
		`{"CHANNEL":"sms"}`, `{"channel":"sms","channel":"email"}`, `{"contact":{"custom":{"a":1}}}`,
		`[]`, `{`, ``, `{"a":1}`, `{} {}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var req inboundRequest
		err := decodeJSON(bytes.NewReader(data), &req)
		if err == nil {
			var in inboxbot.Inbound
			if in, err = req.inbound(); err == nil {
				if req.Contact == nil || req.Message == nil || in.Kind == "" {
					t.Fatalf("accepted %+v from %q", in, data)
				}
				return
			}
		}
		if inboxbot.ErrorCode(err) != inboxbot.EINVALID || inboxbot.ErrorMessage(err) == "" {
			t.Fatalf("refusal %v has code %q", err, inboxbot.ErrorCode(err))
		}
	})
}
