package slack

import (
	"bufio"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestVerify_SlacksPublishedExample checks the serving code path against
// Slack's own example: it verifies at its timestamp and is refused as
// stale today.
func TestVerify_SlacksPublishedExample(t *testing.T) {
	f, err := os.Open("testdata/slack-signing-example.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ex := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok && !strings.HasPrefix(k, "#") {
			ex[k] = v
		}
	}
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", ex["timestamp"])
	h.Set("X-Slack-Signature", ex["signature"])
	sec, _ := strconv.ParseInt(ex["timestamp"], 10, 64)
	then := time.Unix(sec, 0)
	body := []byte(ex["body"])
	if err := verify(ex["secret"], h, body, then.Add(time.Minute)); err != nil {
		t.Fatalf("the published example does not verify at its time: %v", err)
	}
	if err := verify(ex["secret"], h, body, time.Now()); err != errStale {
		t.Fatalf("with the real clock: %v, want it refused as stale", err)
	}
	if err := verify(ex["secret"], h, append(body, 'x'), then); err != errBadSignature {
		t.Fatalf("a changed body: %v, want a bad signature", err)
	}
	if err := verify("other secret", h, body, then); err != errBadSignature {
		t.Fatalf("another secret: %v, want a bad signature", err)
	}
}

func TestClip_NeverLeavesHalfAnEntity(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"abcdefghij", 5, "abcd…"},
		{"ab&amp;cdef", 5, "ab…"},
		{"ab&lt;cdefgh", 8, "ab&lt;c…"},
	} {
		if got := clip(c.in, c.n); got != c.want {
			t.Errorf("clip(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}
