package slack_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/slack/slacktest"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// BenchmarkSlashClaim measures a signed /inbox claim end to end on
// PostgreSQL: signature check, member lookup, the claim's transaction and
// the Block Kit answer. It reports p50 and p99 latency.
func BenchmarkSlashClaim(b *testing.B) {
	st := storetest.Open(b, "postgres")
	e := newEnv(b, st, slacktest.New(b), "bench")
	e.member("lee", "U0LEE", inboxbot.RoleAgent)
	ids := make([]int64, b.N)
	for i := range ids {
		ids[i] = e.inbound(fmt.Sprint("bench-", i), "hello").ID
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		body := url.Values{"command": {"/inbox"}, "text": {fmt.Sprint("claim ", ids[i])}, "user_id": {"U0LEE"},
			"user_name": {"lee"}, "response_url": {e.fake.ResponseURL("b")}}.Encode()
		start := time.Now()
		code, out := e.post("/slack/commands", body, nil)
		lat = append(lat, time.Since(start))
		if code != http.StatusOK || !strings.Contains(out, "claimed") {
			b.Fatalf("claim: %d %s", code, out)
		}
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
