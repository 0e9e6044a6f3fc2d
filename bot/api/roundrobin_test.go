package api_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// rotation is one published round-robin rule over three members.
const rotation = `
members: [{name: dana}, {name: lee}, {name: sam}]
rules:
  - name: Everyone in turn
    status: published
    trigger: conversation.created
    assign: {method: round_robin, members: [dana, lee, sam], skip_away: true}
`

// replicas opens four stores on one fresh PostgreSQL schema, as four
// inboxbot processes behind a load balancer, each with its API handler.
func replicas(t *testing.T) []*env {
	t.Helper()
	base := storetest.URL(t, "postgres")
	var envs []*env
	for range 4 {
		s, err := store.Open(bg, base)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		envs = append(envs, newEnv(t, s))
	}
	if _, err := envs[0].s.Migrate(bg); err != nil {
		t.Fatal(err)
	}
	envs[0].withTeam(rotation)
	return envs
}

// flood sends new conversations from..to-1, spread over the replicas by
// 8 concurrent clients, and counts who got them.
func flood(t *testing.T, envs []*env, from, to int) map[string]int {
	t.Helper()
	jobs := make(chan int)
	var (
		mu     sync.Mutex
		counts = map[string]int{}
		failed []string
		wg     sync.WaitGroup
	)
	for range 8 {
		wg.Go(func() {
			for i := range jobs {
				r := envs[i%len(envs)].do("POST", "/api/v1/inbound",
					inboundBody(fmt.Sprintf("lead%04d", i), "facebook-ad", fmt.Sprintf("rr-%d", i), "hello"))
				mu.Lock()
				if r.status != http.StatusCreated {
					failed = append(failed, fmt.Sprintf("%d: %d %s", i, r.status, r.body))
				} else if a, ok := r.json(t)["assignee"].(string); ok {
					counts[a]++
				} else {
					counts[""]++
				}
				mu.Unlock()
			}
		})
	}
	for i := from; i < to; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if len(failed) > 0 {
		t.Fatalf("%d requests failed, first: %s", len(failed), failed[0])
	}
	return counts
}

// stored counts open conversations per assignee in the database, so that
// the test does not only trust the responses.
func stored(t *testing.T, s *store.Store) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, name := range []string{"dana", "lee", "sam"} {
		m, err := s.MemberByName(bg, name)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = m.OpenCount
	}
	return out
}

func TestRoundRobin_FairAcrossFourReplicas(t *testing.T) {
	envs := replicas(t)
	counts := flood(t, envs, 0, 1000)
	t.Logf("1000 conversations over 4 replicas: %v", counts)
	for _, name := range []string{"dana", "lee", "sam"} {
		if c := counts[name]; c != 333 && c != 334 {
			t.Fatalf("%s got %d; want 333 or 334 (all: %v)", name, c, counts)
		}
	}
	if db := stored(t, envs[1].s); db["dana"] != counts["dana"] || db["lee"] != counts["lee"] || db["sam"] != counts["sam"] {
		t.Fatalf("the database says %v, the responses %v", db, counts)
	}
}

func TestRoundRobin_AwayMemberGetsNoneAfterTheAwayPoint(t *testing.T) {
	envs := replicas(t)
	before := flood(t, envs, 0, 500)
	for _, name := range []string{"dana", "lee", "sam"} {
		if c := before[name]; c != 166 && c != 167 {
			t.Fatalf("before the away point %s got %d (all: %v)", name, c, before)
		}
	}
	lee, err := envs[2].s.MemberByName(bg, "lee")
	if err != nil {
		t.Fatal(err)
	}
	if err := envs[2].s.SetAway(bg, lee.ID, true); err != nil {
		t.Fatal(err)
	}
	after := flood(t, envs, 500, 1000)
	t.Logf("500 before lee went away: %v; 500 after: %v", before, after)
	if after["lee"] != 0 || after["dana"] != 250 || after["sam"] != 250 {
		t.Fatalf("after the away point: %v; want lee 0, dana 250, sam 250", after)
	}
	if db := stored(t, envs[3].s); db["lee"] != before["lee"] {
		t.Fatalf("lee holds %d in the database, got %d before going away", db["lee"], before["lee"])
	}
	convs, _ := envs[0].s.List(bg, inboxbot.Filter{Unassigned: true})
	if len(convs) != 0 {
		t.Fatalf("%d conversations left unassigned", len(convs))
	}
}
