package main

import (
	"bufio"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// pgBin is where Debian puts the PostgreSQL server programs.
const pgBin = "/usr/lib/postgresql/15/bin"

// throwawayPostgres is a PostgreSQL cluster of the test's own, on a port
// of its own, that the test may crash: the shared cluster is never touched.
type throwawayPostgres struct {
	t         *testing.T
	dir, port string
}

// startThrowawayPostgres creates and starts a cluster as the postgres user
// (initdb refuses root). It skips the test where that is not possible.
func startThrowawayPostgres(t *testing.T) *throwawayPostgres {
	t.Helper()
	if os.Getenv("INBOXBOT_TEST_FAULTS") == "" {
		t.Skip("fault test: set INBOXBOT_TEST_FAULTS=1 (scripts/faults does) to crash a throwaway PostgreSQL")
	}
	if _, err := os.Stat(filepath.Join(pgBin, "initdb")); err != nil {
		t.Skipf("no PostgreSQL server programs in %s", pgBin)
	}
	dir, err := os.MkdirTemp("", "inboxbot-faults-")
	if err != nil {
		t.Fatal(err)
	}
	pg := &throwawayPostgres{t: t, dir: dir, port: freePort(t)}
	t.Cleanup(func() {
		pg.ctl("stop", "-m", "immediate")
		os.RemoveAll(dir)
	})
	if out, err := exec.Command("chown", "postgres", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot hand %s to the postgres user: %v %s", dir, err, out)
	}
	pg.run("initdb", "-D", filepath.Join(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync")
	pg.ctl("start", "-w")
	return pg
}

func (pg *throwawayPostgres) run(prog string, args ...string) string {
	pg.t.Helper()
	cmd := exec.Command("runuser", append([]string{"-u", "postgres", "--", filepath.Join(pgBin, prog)}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		pg.t.Fatalf("%s %v: %v\n%s", prog, args, err, out)
	}
	return string(out)
}

// ctl runs pg_ctl on the cluster; "start" listens on 127.0.0.1 only.
func (pg *throwawayPostgres) ctl(verb string, args ...string) {
	pg.t.Helper()
	args = append([]string{verb, "-D", filepath.Join(pg.dir, "data"), "-l", filepath.Join(pg.dir, "log")}, args...)
	if verb == "start" {
		args = append(args, "-o", "-p "+pg.port+" -k "+pg.dir+" -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50")
	}
	cmd := exec.Command("runuser", append([]string{"-u", "postgres", "--", filepath.Join(pgBin, "pg_ctl")}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil && verb != "stop" {
		pg.t.Fatalf("pg_ctl %s: %v\n%s", verb, err, out)
	}
}

func (pg *throwawayPostgres) url() string {
	return "postgres://postgres@127.0.0.1:" + pg.port + "/postgres?sslmode=disable"
}

// TestFaults_PostgresCrashUnderLoadIsNever500 crashes PostgreSQL (an
// immediate shutdown: every connection is cut mid-query) while a replica
// takes inbound load through the round-robin rule, then brings it back.
// Requests during the outage must be answered 503, never 500; the replica
// must recover; /metrics must count no 500 at all.
func TestFaults_PostgresCrashUnderLoadIsNever500(t *testing.T) {
	pg := startThrowawayPostgres(t)
	bin, rules := buildWithTeam(t)
	r := startReplica(t, "a", bin, pg.url(), rules)
	r.waitReady(t)

	client := &http.Client{Timeout: 30 * time.Second}
	var (
		n, created, unavailable atomic.Int64
		stop                    = make(chan struct{})
		wg                      sync.WaitGroup
		mu                      sync.Mutex
		others                  []result
	)
	for range 8 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				res := r.inbound(client, int(n.Add(1)))
				switch {
				case res.err == nil && res.status == http.StatusCreated:
					created.Add(1)
				case res.err == nil && res.status == http.StatusServiceUnavailable:
					unavailable.Add(1)
					time.Sleep(20 * time.Millisecond)
				default:
					mu.Lock()
					others = append(others, res)
					mu.Unlock()
				}
			}
		})
	}
	waitFor(t, "load before the crash", func() bool { return created.Load() >= 100 })
	pg.ctl("stop", "-m", "immediate")
	waitFor(t, "503s during the outage", func() bool { return unavailable.Load() >= 20 })
	pg.ctl("start", "-w")
	after := created.Load()
	waitFor(t, "recovery after the restart", func() bool { return created.Load() >= after+100 })
	close(stop)
	wg.Wait()
	t.Logf("%d requests: %d created, %d answered 503", n.Load(), created.Load(), unavailable.Load())
	for _, res := range others {
		t.Errorf("request %s: status %d, err %v: %s", res.id, res.status, res.err, res.body)
	}
	if got := errorsServed(t, r.base); got != 0 {
		t.Errorf("/metrics counts %d responses with code 500\n%s", got, r.logs)
	}
}

// errorsServed sums inboxbot_http_requests_total{code="500"} on /metrics.
func errorsServed(t *testing.T, base string) int {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	total := 0
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "inboxbot_http_requests_total{") && strings.Contains(line, `code="500"`) {
			f := strings.Fields(line)
			v, _ := strconv.ParseFloat(f[len(f)-1], 64)
			total += int(v)
		}
	}
	return total
}
