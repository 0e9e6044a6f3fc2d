package inboxbot

import "strings"

// Origin is where in chat a conversation came from: the thread its
// customer wrote in, where replies to it are posted. Slack: the channel id
// and the thread's root ts. Discord: the thread or DM channel id, Thread
// empty. A conversation from the API has none.
type Origin struct {
	Platform Platform `json:"platform"`
	Channel  string   `json:"channel"`
	Thread   string   `json:"thread,omitempty"`
	// URL opens the thread for the team (a permalink); may be empty.
	URL string `json:"url,omitempty"`
}

// Validate checks an origin; the error is EINVALID and names the field.
func (o Origin) Validate() error {
	if o.Platform != PlatformSlack && o.Platform != PlatformDiscord {
		return invalid(`origin.platform must be "slack" or "discord" (got %q)`, Clip(string(o.Platform)))
	}
	if strings.TrimSpace(o.Channel) == "" {
		return invalid("origin.channel is required")
	}
	if o.Platform == PlatformSlack && strings.TrimSpace(o.Thread) == "" {
		return invalid("origin.thread is required for slack (the thread's root ts)")
	}
	for _, f := range []struct{ name, value string }{
		{"origin.channel", o.Channel}, {"origin.thread", o.Thread}, {"origin.url", o.URL},
	} {
		if err := CheckText(f.name, f.value, MaxIDLength); err != nil {
			return err
		}
	}
	if o.URL != "" && !strings.HasPrefix(o.URL, "https://") {
		return invalid("origin.url must be an https address (got %q)", Clip(o.URL))
	}
	return nil
}

// String names the origin for people: "slack thread C123/1700000000.000100".
func (o Origin) String() string {
	if o.Thread == "" {
		return string(o.Platform) + " " + o.Channel
	}
	return string(o.Platform) + " thread " + o.Channel + "/" + o.Thread
}

// OutboundReply is a reply to deliver in the thread a conversation came
// from. Key is stable across retries of the same reply (at most 25
// characters, so that it serves as a Discord nonce).
type OutboundReply struct {
	ConversationID int64
	Origin         Origin
	// Author is the name of the member who wrote it.
	Author string
	Body   string
	Key    string
}
