package discord

import (
	"strings"
	"testing"
)

func TestReplyMessages_LongRepliesSplitWithinDiscordsLimits(t *testing.T) {
	body := strings.Repeat("Fix **this** <@&1> now 🚀\n", 300) + strings.Repeat("x", 1500)
	msgs := replyMessages("dana", body, "100000000000000004")
	if len(msgs) < 2 {
		t.Fatalf("%d messages for %d characters", len(msgs), length(body))
	}
	var joined strings.Builder
	for i, m := range msgs {
		if n := length(m.Content); n > maxContent {
			t.Fatalf("part %d of %d characters", i, n)
		}
		if (m.Ping != "") != (i == 0) {
			t.Fatalf("part %d pings %q: only the first may ping the contact", i, m.Ping)
		}
		nonce := replyNonce("reply:9223372036854775807", i)
		if len(nonce) > maxNonce || nonce != replyNonce("reply:9223372036854775807", i) {
			t.Fatalf("nonce %q of part %d", nonce, i)
		}
		joined.WriteString(m.Content)
	}
	if got := strings.Count(joined.String(), "🚀"); got != 300 {
		t.Fatalf("%d of 300 emoji survived the split", got)
	}
	if replyNonce("reply:1", 0) == replyNonce("reply:2", 0) || replyNonce("reply:1", 0) == replyNonce("reply:1", 1) {
		t.Fatal("nonces of different replies or parts collide")
	}
}

func TestSplit_KeepsEveryCharacter(t *testing.T) {
	for _, s := range []string{"", "short", strings.Repeat("é", 2000), strings.Repeat("word ", 500), strings.Repeat("😀", 1000)} {
		parts := split(s, replyChunk)
		if strings.Join(parts, "") != s {
			t.Fatalf("split lost text of a %d-character string", length(s))
		}
		for _, p := range parts {
			if length(p) > replyChunk {
				t.Fatalf("a part of %d units", length(p))
			}
		}
	}
}
