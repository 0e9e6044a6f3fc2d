package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// op is one request; rejected is an answer the product gives on purpose
// (409 for a conversation someone else claimed first), err anything else.
type op func(ctx context.Context, n int64) (rejected bool, err error)

// load is how hard to drive: clients in a closed loop, or, with rate, an
// open loop that starts rate requests a second whatever the answers do.
type load struct {
	clients int
	rate    float64
	for_    time.Duration
}

func (l load) String() string {
	if l.rate > 0 {
		return fmt.Sprintf("%g/s", l.rate)
	}
	return fmt.Sprintf("c%d", l.clients)
}

// outcome is what a run measured.
type outcome struct {
	lat      []time.Duration
	errs     int
	rejected int
	elapsed  time.Duration
	firstErr error
}

// drive runs fn under l. In the open loop a request's latency counts from
// when it was due, so a server falling behind shows in the percentiles
// instead of slowing the load down.
func drive(ctx context.Context, fn op, l load) outcome {
	var (
		mu  sync.Mutex
		out outcome
		seq atomic.Int64
		wg  sync.WaitGroup
	)
	record := func(due time.Time, rejected bool, err error) {
		d := time.Since(due)
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err != nil:
			out.errs++
			if out.firstErr == nil {
				out.firstErr = err
			}
		case rejected:
			out.rejected++
			out.lat = append(out.lat, d)
		default:
			out.lat = append(out.lat, d)
		}
	}
	start := time.Now()
	end := start.Add(l.for_)
	if l.rate > 0 {
		interval := time.Duration(float64(time.Second) / l.rate)
		for due := start; due.Before(end) && ctx.Err() == nil; due = due.Add(interval) {
			time.Sleep(time.Until(due))
			wg.Add(1)
			go func(due time.Time) {
				defer wg.Done()
				rej, err := fn(ctx, seq.Add(1))
				record(due, rej, err)
			}(due)
		}
	} else {
		for c := 0; c < l.clients; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(end) && ctx.Err() == nil {
					due := time.Now()
					rej, err := fn(ctx, seq.Add(1))
					record(due, rej, err)
				}
			}()
		}
	}
	wg.Wait()
	out.elapsed = time.Since(start)
	return out
}

// summary turns an outcome into a result line.
func summary(o outcome, l load) result {
	slices.Sort(o.lat)
	ms := func(q float64) float64 {
		if len(o.lat) == 0 {
			return 0
		}
		i := int(q * float64(len(o.lat)-1))
		return float64(o.lat[i].Microseconds()) / 1000
	}
	r := result{Kind: "op", Load: l.String(), Seconds: o.elapsed.Seconds(), N: len(o.lat), Errors: o.errs,
		Rejected: o.rejected, RPS: float64(len(o.lat)) / o.elapsed.Seconds(),
		P50: ms(0.50), P95: ms(0.95), P99: ms(0.99), Max: ms(1)}
	if o.firstErr != nil {
		r.Text = o.firstErr.Error()
	}
	return r
}

// cpuTicks returns the user and system CPU a process has used, in clock
// ticks (1/100 s on Linux); 0 when pid is 0 or gone.
func cpuTicks(pid int) int64 { return procTicks(pid, false) }

// procTicks is cpuTicks, with children the CPU of the process's children
// that have ended (for the postmaster: backends whose sessions closed).
func procTicks(pid int, children bool) int64 {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces: count from after it.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	var sum int64
	fields := []int{11, 12}
	if children {
		fields = append(fields, 13, 14)
	}
	for _, i := range fields {
		n, _ := strconv.ParseInt(f[i], 10, 64)
		sum += n
	}
	return sum
}

// postgresTicks sums the CPU of every process named postgres, with that of
// the backends that ended: the server's whole CPU (on a shared machine,
// other clients' work too).
func postgresTicks() int64 {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var sum int64
	for _, d := range dirs {
		comm, err := os.ReadFile(d + "/comm")
		if err != nil || strings.TrimSpace(string(comm)) != "postgres" {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(d))
		sum += procTicks(pid, true)
	}
	return sum
}

// measure drives fn under l and returns the result with the CPU per
// request of process pid and of PostgreSQL.
func measure(ctx context.Context, fn op, l load, pid int, pg bool) result {
	cpu0, db0 := cpuTicks(pid), int64(0)
	if pg {
		db0 = postgresTicks()
	}
	o := drive(ctx, fn, l)
	r := summary(o, l)
	if n := float64(r.N + r.Errors); n > 0 {
		r.CPU = float64(cpuTicks(pid)-cpu0) * 10 / n
		if pg {
			r.DBCPU = float64(postgresTicks()-db0) * 10 / n
		}
	}
	return r
}

// httpOps are the operations driven through inboxbot serve's API.
func httpOps(base, token, run string, convs, members int) map[string]op {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 512}, Timeout: 30 * time.Second}
	do := func(ctx context.Context, method, path, body string) (bool, error) {
		req, err := http.NewRequestWithContext(ctx, method, base+path, strings.NewReader(body))
		if err != nil {
			return false, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return false, err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		switch {
		case resp.StatusCode == http.StatusConflict:
			return true, nil
		case resp.StatusCode >= 300:
			return false, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
		}
		return false, nil
	}
	inbound := func(contact, msg string) string {
		return fmt.Sprintf(`{"kind":"message","channel":"sms","contact":{"external_id":%q,"name":"Load"},"message":{"external_id":%q,"body":"hello there"}}`, contact, msg)
	}
	openConv := func() int { return 10 * (1 + rand.IntN(max(convs/10, 1))) }
	return map[string]op{
		"inbound-new": func(ctx context.Context, n int64) (bool, error) {
			return do(ctx, "POST", "/api/v1/inbound", inbound(fmt.Sprintf("load-%s-%d", run, n), fmt.Sprintf("m-%s-%d", run, n)))
		},
		"inbound-msg": func(ctx context.Context, n int64) (bool, error) {
			return do(ctx, "POST", "/api/v1/inbound", inbound(fmt.Sprintf("seed-%d", openConv()), fmt.Sprintf("m-%s-%d", run, n)))
		},
		"list-team": func(ctx context.Context, n int64) (bool, error) {
			return do(ctx, "GET", "/api/v1/conversations?assignee=none&status=open", "")
		},
		"list-open": func(ctx context.Context, n int64) (bool, error) {
			return do(ctx, "GET", "/api/v1/conversations?status=open", "")
		},
		"list-member": func(ctx context.Context, n int64) (bool, error) {
			return do(ctx, "GET", fmt.Sprintf("/api/v1/conversations?assignee=agent%d&status=open", 1+rand.IntN(members)), "")
		},
	}
}
