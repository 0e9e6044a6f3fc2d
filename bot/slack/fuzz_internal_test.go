package slack

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// The decoders below read what arrives from the network before anything
// else does; whatever the bytes, they must answer and never panic. Run
// one with: go test ./bot/slack -run '^$' -fuzz FuzzDecodeInteraction

func formRequest(body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/slack/x", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func FuzzDecodeSlash(f *testing.F) {
	f.Add("command=%2Finbox&text=claim+%231042&user_id=U0KIM&user_name=kim&response_url=https%3A%2F%2Fhooks.slack.com%2Fx")
	f.Add("command=%2Finbox&text=reply+12+Hi+%26+bye&user_id=U1")
	f.Add("text=%ZZ&user_id=")
	f.Add("")
	f.Fuzz(func(t *testing.T, body string) {
		cmd, ok := decodeSlash(formRequest(body))
		if ok && cmd.UserID == "" {
			t.Fatalf("accepted a command from nobody: %q", body)
		}
	})
}

func FuzzDecodeInteraction(f *testing.F) {
	f.Add(`{"type":"block_actions","user":{"id":"U1"},"trigger_id":"t","actions":[{"type":"button","action_id":"close:12","value":"12"}]}`)
	f.Add(`{"type":"block_actions","user":{"id":"U1"},"actions":[{"type":"overflow","action_id":"row:7","selected_option":{"value":"reply:7"}}]}`)
	f.Add(`{"type":"block_actions","user":{"id":"U1"},"actions":[{"type":"users_select","action_id":"assign:3","selected_user":"U2"}]}`)
	f.Add(`{"type":"view_submission","user":{"id":"U1"},"view":{"callback_id":"inboxbot_reply","private_metadata":"{\"conversation_id\":4,\"response_url\":\"https://x\"}","state":{"values":{"reply":{"text":{"type":"plain_text_input","value":"Hi"}}}}}}`)
	f.Add(`{"type":"view_submission","user":{"id":"U1"},"view":{"private_metadata":"nope","state":null}}`)
	f.Add(`{"type":"block_actions","user":{"id":"U1"},"actions":[null]}`)
	f.Add(`{not json`)
	f.Fuzz(func(t *testing.T, payload string) {
		ic, ok := decodeInteraction(formRequest(url.Values{"payload": {payload}}.Encode()))
		if !ok {
			return
		}
		if ic.User.ID == "" {
			t.Fatalf("accepted an interaction from nobody: %q", payload)
		}
		for _, act := range ic.ActionCallback.BlockActions {
			if a, id, ok := decodeAction(act); ok && id <= 0 {
				t.Fatalf("decoded %s on conversation %d", a, id)
			}
		}
		if meta, _, err := replySubmission(ic.View); err == nil && meta.ConversationID <= 0 {
			t.Fatalf("a reply form for conversation %d", meta.ConversationID)
		}
	})
}

func FuzzDecodeEvent(f *testing.F) {
	f.Add([]byte(`{"type":"url_verification","challenge":"c","token":"x"}`))
	f.Add([]byte(`{"type":"event_callback","event_id":"Ev1","event":{"type":"app_home_opened","user":"U1","tab":"home"}}`))
	f.Add([]byte(`{"type":"event_callback","event_id":"Ev2","event":{"type":"message","channel":"C0INBOX","user":"U1","text":"a &amp; b","ts":"2.0","thread_ts":"1.0"}}`))
	f.Add([]byte(`{"type":"event_callback","event_id":"Ev3","event":{"type":"message","subtype":"message_changed","channel":"C0INBOX","message":{"text":"x"}}}`))
	f.Add([]byte(`{"type":"event_callback","event":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := decodeEvent(body)
		if err != nil || ev.Type != slackevents.CallbackEvent {
			return
		}
		msg, _ := ev.InnerEvent.Data.(*slackevents.MessageEvent)
		if ts, user, text, ok := threadNote(msg, "C0INBOX"); ok && (ts == "" || user == "" || strings.TrimSpace(text) == "") {
			t.Fatalf("a note %q by %q under %q", text, user, ts)
		}
	})
}

func FuzzParseAction(f *testing.F) {
	for _, s := range []string{"claim:1042", "reply:1", "close:9223372036854775807", "reopen:-1", "show:", ":1", "row:3", "home:away", "assign:1e3", "close:0x10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, id, ok := parseAction(s)
		if !ok {
			return
		}
		if id <= 0 {
			t.Fatalf("%q: conversation %d", s, id)
		}
		// What the renderer writes reads back as the same action.
		if b, id2, ok := parseAction(actionID(a, id)); !ok || b != a || id2 != id {
			t.Fatalf("%q: %s:%d does not read back (%s:%d %v)", s, a, id, b, id2, ok)
		}
		b := &slackapi.BlockAction{Type: slackapi.ActionType(slackapi.METOverflow), SelectedOption: slackapi.OptionBlockObject{Value: s}}
		if c, id3, ok := decodeAction(b); !ok || c != a || id3 != id {
			t.Fatalf("%q as an overflow option: %s:%d %v", s, c, id3, ok)
		}
	})
}

func FuzzReplyMeta(f *testing.F) {
	f.Add(`{"conversation_id":1042,"response_url":"https://hooks.slack.com/actions/T/1/x"}`)
	f.Add(`{"conversation_id":-3}`)
	f.Add(`{"conversation_id":1e99}`)
	f.Add(`null`)
	f.Fuzz(func(t *testing.T, s string) {
		m, err := parseReplyMeta(s)
		if err != nil {
			return
		}
		back, err := parseReplyMeta(m.encode())
		if err != nil || back.ConversationID != m.ConversationID {
			t.Fatalf("%q: %+v does not read back: %+v %v", s, m, back, err)
		}
	})
}

// FuzzContextTeam: any envelope, JSON or not, gives a team id or "" and
// never panics; a well-formed one gives its context_team_id.
func FuzzContextTeam(f *testing.F) {
	f.Add([]byte(`{"type":"event_callback","context_team_id":"T0TEST"}`))
	f.Add([]byte(`{"context_team_id":7}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		team := contextTeam(raw)
		var e struct {
			ContextTeamID string `json:"context_team_id"`
		}
		if json.Unmarshal(raw, &e) == nil && team != e.ContextTeamID {
			t.Fatalf("contextTeam(%q) = %q, want %q", raw, team, e.ContextTeamID)
		}
	})
}
