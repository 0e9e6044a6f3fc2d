package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/inboxbot/inboxbot/store/storetest"
)

// teamFile is the rules file both replicas apply at start: one published
// round-robin rule over three members.
const teamFile = `members:
  - name: ana
    role: agent
  - name: ben
    role: agent
  - name: cy
    role: manager
rules:
  - name: Everyone takes turns
    status: published
    trigger: conversation.created
    assign:
      method: round_robin
      members: [ana, ben, cy]
`

const apiToken = "process-test-token-0123456789"

// replica is one running `inboxbot serve`.
type replica struct {
	name string
	base string
	cmd  *exec.Cmd
	logs *syncBuffer
	done chan error
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// buildWithTeam builds the inboxbot binary into a temporary folder, with
// the flags of scripts/test's build so that its build cache is reused, and
// writes the test team file beside it.
func buildWithTeam(t *testing.T) (bin, rules string) {
	t.Helper()
	dir := t.TempDir()
	bin = filepath.Join(dir, "inboxbot")
	build := exec.Command("go", "build", "-trimpath", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	rules = filepath.Join(dir, "team.yaml")
	if err := os.WriteFile(rules, []byte(teamFile), 0o600); err != nil {
		t.Fatal(err)
	}
	return bin, rules
}

// TestProcess_TwoReplicasOnPostgres runs the real binary twice on one
// PostgreSQL schema, as behind a load balancer: one migration, fair
// round-robin across replicas, and a SIGTERM under load that drops no
// accepted request and leaves nothing half-written.
func TestProcess_TwoReplicasOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("process test: builds the binary and runs two replicas on PostgreSQL; skipped under -short")
	}
	dbURL := storetest.URL(t, "postgres")
	bin, rules := buildWithTeam(t)

	// Both start at once, so they race for the migration.
	a := startReplica(t, "a", bin, dbURL, rules)
	b := startReplica(t, "b", bin, dbURL, rules)
	started := time.Now()
	for _, r := range []*replica{a, b} {
		r.waitReady(t)
	}
	t.Logf("both replicas ready in %v", time.Since(started).Round(time.Millisecond))

	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkOneMigration(t, db, a, b)

	// Phase 1: steady load over both replicas.
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	var seq sync.Mutex
	n := 0
	next := func() int { seq.Lock(); defer seq.Unlock(); n++; return n }
	var wg sync.WaitGroup
	for w := 0; w < 6; w++ {
		wg.Go(func() {
			for i := 0; i < 10; i++ {
				k := next()
				r := []*replica{a, b}[k%2]
				res := r.inbound(client, k)
				if res.err != nil || res.status != http.StatusCreated {
					t.Errorf("inbound %d to %s: status %d, err %v, body %s", k, r.name, res.status, res.err, res.body)
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		dumpLogs(t, a, b)
		t.FailNow()
	}

	// Phase 2: SIGTERM to replica a while both take load. Each request
	// carries its own id; whatever a served (its access log says so) must
	// have reached the client whole.
	stop := make(chan struct{})
	var mu sync.Mutex
	results := map[string]result{}
	var sentToA int
	for w := 0; w < 6; w++ {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				k := next()
				r := []*replica{a, b}[k%2]
				res := r.inbound(client, k)
				mu.Lock()
				results[res.id] = res
				if r == a {
					sentToA++
				}
				mu.Unlock()
			}
		})
	}
	waitFor(t, "load on replica a", func() bool { mu.Lock(); defer mu.Unlock(); return sentToA >= 20 })
	if err := a.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	termAt := time.Now()
	exitA := a.wait(t)
	t.Logf("replica a exited %v after SIGTERM", time.Since(termAt).Round(time.Millisecond))
	waitFor(t, "load on replica b after a stopped", func() bool { mu.Lock(); defer mu.Unlock(); return len(results) >= 60 })
	close(stop)
	wg.Wait()
	if exitA != nil {
		dumpLogs(t, a, b)
		t.Fatalf("replica a after SIGTERM: %v, want exit 0", exitA)
	}

	served := servedRequestIDs(a.logs.String() + b.logs.String())
	var refused, ok int
	kinds := map[string]int{}
	for id, res := range results {
		switch {
		case res.err == nil && res.status == http.StatusCreated:
			ok++
		case res.err == nil:
			t.Errorf("request %s to %s: status %d: %s", id, res.replica, res.status, res.body)
		case served[id]:
			t.Errorf("request %s was served by %s but the client got %v", id, res.replica, res.err)
		case res.replica == "a" && refusedOrReset(res.err):
			// Never accepted: refused by a's closed listener, or reset
			// while still in the kernel's backlog when it closed.
			refused++
			kinds[errKind(res.err)]++
		default:
			t.Errorf("request %s to %s: %v", id, res.replica, res.err)
		}
	}
	// How many requests replica a finished after SIGTERM: evidence that the
	// shutdown happened under load (not asserted: it depends on timing).
	_, afterTerm, _ := strings.Cut(a.logs.String(), `"msg":"http: shutting down`)
	t.Logf("shutdown under load: %d requests answered, %d finished by a while it drained, %d not accepted by it",
		ok, strings.Count(afterTerm, `"msg":"http request"`), refused)
	t.Logf("not accepted by kind: %v", kinds)

	if err := b.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := b.wait(t); err != nil {
		t.Errorf("replica b after SIGTERM: %v, want exit 0", err)
	}
	checkNothingHalfWritten(t, db)
	checkFair(t, db)
	for _, r := range []*replica{a, b} {
		if !strings.Contains(r.logs.String(), `"msg":"stopped"`) {
			t.Errorf("replica %s did not log a clean stop", r.name)
		}
		for _, secret := range []string{apiToken, "inboxbot_test@"} {
			if strings.Contains(r.logs.String(), secret) {
				t.Errorf("replica %s logged a secret (%s)", r.name, secret)
			}
		}
	}
	if t.Failed() {
		dumpLogs(t, a, b)
	}
}

func startReplica(t *testing.T, name, bin, dbURL, rules string) *replica {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command(bin, "serve")
	env := []string{}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "INBOXBOT_") || strings.HasPrefix(k, "SLACK_") || strings.HasPrefix(k, "DISCORD_") || k == "DATABASE_URL" {
			continue
		}
		env = append(env, kv)
	}
	cmd.Env = append(env, "DATABASE_URL="+dbURL, "INBOXBOT_HTTP_ADDR=127.0.0.1:"+port,
		"INBOXBOT_API_TOKEN="+apiToken, "INBOXBOT_RULES_FILE="+rules, "INBOXBOT_SHUTDOWN_DRAIN=0")
	r := &replica{name: name, base: "http://127.0.0.1:" + port, cmd: cmd, logs: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = r.logs, r.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
	})
	return r
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

func (r *replica) waitReady(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for {
		resp, err := http.Get(r.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case err := <-r.done:
			t.Fatalf("replica %s exited before it was ready (%v):\n%s", r.name, err, r.logs)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica %s not ready in time:\n%s", r.name, r.logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// wait returns the process's exit error (nil for exit 0), failing the test
// if it does not exit within the shutdown bound.
func (r *replica) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-r.done:
		return err
	case <-time.After(40 * time.Second):
		t.Fatalf("replica %s did not exit after SIGTERM:\n%s", r.name, r.logs)
		return nil
	}
}

type result struct {
	id, replica string
	status      int
	body        string
	err         error
}

// inbound posts conversation k (a new contact, so a new conversation).
func (r *replica) inbound(client *http.Client, k int) result {
	id := fmt.Sprintf("pt-%s-%d", r.name, k)
	body := fmt.Sprintf(`{"kind":"message","contact":{"external_id":"contact-%d","name":"Contact %d"},"channel":"sms",`+
		`"message":{"external_id":"msg-%d","body":"hello %d"}}`, k, k, k, k)
	req, _ := http.NewRequestWithContext(context.Background(), "POST", r.base+"/api/v1/inbound", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+apiToken)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-Id", id)
	res := result{id: id, replica: r.name}
	resp, err := client.Do(req)
	if err != nil {
		res.err = err
		return res
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	res.status, res.body, res.err = resp.StatusCode, string(b), err
	return res
}

// refusedOrReset reports whether err is a connection the server never took
// up: refused at dial, or reset before any byte of a response.
func refusedOrReset(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "server closed")
}

func errKind(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "reset"
	default:
		return err.Error()
	}
}

// servedRequestIDs returns the request ids of the access log lines, i.e.
// the requests a replica's handler ran for.
func servedRequestIDs(logs string) map[string]bool {
	ids := map[string]bool{}
	for _, line := range strings.Split(logs, "\n") {
		var l struct {
			Msg       string `json:"msg"`
			RequestID string `json:"request_id"`
		}
		if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "http request" {
			ids[l.RequestID] = true
		}
	}
	return ids
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func checkOneMigration(t *testing.T, db *sql.DB, replicas ...*replica) {
	t.Helper()
	files, err := filepath.Glob("../../store/migrations/*.up.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no migration files found: %v", err)
	}
	rows, err := db.Query("SELECT name, count(*) FROM inboxbot_migrations GROUP BY name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	applied := 0
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("migration %s recorded %d times", name, n)
		}
		applied++
	}
	if applied != len(files) {
		t.Errorf("%d migrations recorded, want %d", applied, len(files))
	}
	migrated := 0
	for _, r := range replicas {
		migrated += strings.Count(r.logs.String(), `"msg":"database migrated"`)
	}
	if migrated != 1 {
		t.Errorf("%d replicas ran migrations, want exactly 1", migrated)
	}
}

func checkNothingHalfWritten(t *testing.T, db *sql.DB) {
	t.Helper()
	for what, q := range map[string]string{
		"conversations without a message": `SELECT count(*) FROM conversations c
			WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id)`,
		"assigned conversations without an assignment event": `SELECT count(*) FROM conversations c
			WHERE c.assignee_id IS NOT NULL AND NOT EXISTS (
				SELECT 1 FROM assignment_events e WHERE e.conversation_id = c.id AND e.to_id = c.assignee_id)`,
		"unassigned conversations": `SELECT count(*) FROM conversations WHERE assignee_id IS NULL`,
	} {
		var n int
		if err := db.QueryRow(q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if n != 0 {
			t.Errorf("%d %s", n, what)
		}
	}
}

func checkFair(t *testing.T, db *sql.DB) {
	t.Helper()
	rows, err := db.Query(`SELECT m.name, count(c.id) FROM members m
		LEFT JOIN conversations c ON c.assignee_id = m.id GROUP BY m.name ORDER BY m.name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	counts := map[string]int{}
	lo, hi := -1, 0
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			t.Fatal(err)
		}
		counts[name] = n
		if lo < 0 || n < lo {
			lo = n
		}
		hi = max(hi, n)
	}
	if len(counts) != 3 || hi-lo > 1 {
		t.Errorf("round-robin over two replicas: %v, want 3 members whose counts differ by at most one", counts)
	}
	t.Logf("assignments per member: %v", counts)
}

func dumpLogs(t *testing.T, rs ...*replica) {
	t.Helper()
	for _, r := range rs {
		t.Logf("--- replica %s log ---\n%s", r.name, r.logs)
	}
}
