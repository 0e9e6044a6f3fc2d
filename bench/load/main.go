// Command load seeds a database at scale and drives inboxbot with load, for
// scripts/bench: over HTTP against a running `inboxbot serve`, and through
// commands.Service in process for the operations the API does not offer.
// Every measurement is printed as one JSON line; report turns the lines
// into the tables of docs/performance.md.
//
//	load seed -db URL -conversations N -members M
//	load http -url URL -token T -op inbound-new -c 8 -d 10s [-rate 100] [-pid PID]
//	load commands -db URL -op claim -c 8 -d 10s [-cpuprofile FILE]
//	load backlog -db URL -op release|unpublish|alerts|drain
//	load report -in results.jsonl
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
)

// result is one measurement: an operation under one load, or a pgbench
// run, or a peak RSS; the kinds share one line format.
type result struct {
	Kind string `json:"kind"` // op, pgbench, rss, note
	DB   string `json:"db,omitempty"`
	Op   string `json:"op,omitempty"`
	// Path is http (through inboxbot serve) or commands (commands.Service in process).
	Path string `json:"path,omitempty"`
	// Load is "c8" (8 clients, closed loop) or "100/s" (open loop).
	Load     string  `json:"load,omitempty"`
	Seconds  float64 `json:"seconds,omitempty"`
	N        int     `json:"n,omitempty"`
	Errors   int     `json:"errors,omitempty"`
	RPS      float64 `json:"rps,omitempty"`
	P50      float64 `json:"p50_ms,omitempty"`
	P95      float64 `json:"p95_ms,omitempty"`
	P99      float64 `json:"p99_ms,omitempty"`
	Max      float64 `json:"max_ms,omitempty"`
	CPU      float64 `json:"cpu_ms,omitempty"`    // inboxbot (or this process) CPU per request
	DBCPU    float64 `json:"db_cpu_ms,omitempty"` // PostgreSQL server CPU per request
	TPS      float64 `json:"tps,omitempty"`
	RSSKB    int64   `json:"rss_kb,omitempty"`
	Text     string  `json:"text,omitempty"`
	Rejected int     `json:"rejected,omitempty"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: load seed|http|commands|backlog|report [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "seed":
		err = seedMain(ctx, os.Args[2:])
	case "http":
		err = httpMain(ctx, os.Args[2:])
	case "commands":
		err = commandsMain(ctx, os.Args[2:])
	case "backlog":
		err = backlogMain(ctx, os.Args[2:])
	case "report":
		err = reportMain(os.Args[2:])
	default:
		err = fmt.Errorf("unknown subcommand %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// emit prints r as one JSON line.
func emit(r result) {
	b, _ := json.Marshal(r)
	fmt.Println(string(b))
}
