package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// reportMain writes the measured section of docs/performance.md from the
// result lines: to -out between the markers, keeping what is around them,
// or to stdout.
func reportMain(args []string) error {
	fs := flag.NewFlagSet("report", flag.ExitOnError)
	in := fs.String("in", "", "result lines (JSON)")
	out := fs.String("out", "", "markdown file to update between the bench markers; stdout when empty")
	fs.Parse(args)
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	var rs []result
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r result
		if json.Unmarshal(sc.Bytes(), &r) == nil && r.Kind != "" {
			rs = append(rs, r)
		}
	}
	var b strings.Builder
	writeReport(&b, rs)
	if *out == "" {
		_, err := io.WriteString(os.Stdout, b.String())
		return err
	}
	return splice(*out, b.String())
}

const beginMark, endMark = "<!-- scripts/bench: begin -->", "<!-- scripts/bench: end -->"

// splice replaces what is between the markers of file with section.
func splice(file, section string) error {
	old, err := os.ReadFile(file)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	doc := string(old)
	i, j := strings.Index(doc, beginMark), strings.Index(doc, endMark)
	if i < 0 || j < i {
		doc = "# Performance\n\n" + beginMark + "\n" + endMark + "\n"
		i, j = strings.Index(doc, beginMark), strings.Index(doc, endMark)
	}
	doc = doc[:i+len(beginMark)] + "\n" + section + doc[j:]
	return os.WriteFile(file, []byte(doc), 0o644)
}

func writeReport(w io.Writer, rs []result) {
	tps := map[string]float64{}
	for _, r := range rs {
		if r.Kind == "pgbench" {
			tps[r.Op] = r.TPS
		}
	}
	for _, r := range rs {
		if r.Kind == "note" && r.DB == "" {
			fmt.Fprintf(w, "%s\n\n", r.Text)
		}
	}
	fmt.Fprintf(w, "pgbench, 8 clients, same run: TPC-B **%.0f TPS**, select-only (`-S`) **%.0f TPS**.\n\n", tps["tpcb"], tps["select"])
	for _, db := range dbsOf(rs) {
		fmt.Fprintf(w, "### %s\n\n", db)
		for _, r := range rs {
			if r.DB == db && r.Kind == "note" {
				fmt.Fprintf(w, "%s\n\n", r.Text)
			}
		}
		fmt.Fprintln(w, "| operation | path | load | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | 409s | inboxbot CPU ms/req | PostgreSQL CPU ms/req | × TPC-B |")
		fmt.Fprintln(w, "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
		for _, r := range rs {
			if r.DB != db || r.Kind != "op" {
				continue
			}
			ratio := "–"
			if tps["tpcb"] > 0 {
				ratio = fmt.Sprintf("%.2f", r.RPS/tps["tpcb"])
			}
			dbcpu := "–"
			if r.DBCPU > 0 {
				dbcpu = fmt.Sprintf("%.2f", r.DBCPU)
			}
			fmt.Fprintf(w, "| %s | %s | %s | %.0f | %.1f | %.1f | %.1f | %.1f | %d | %d | %.2f | %s | %s |\n",
				r.Op, r.Path, r.Load, r.RPS, r.P50, r.P95, r.P99, r.Max, r.Errors, r.Rejected, r.CPU, dbcpu, ratio)
		}
		// serve may run more than once for a database: the highest peak.
		var rss int64
		for _, r := range rs {
			if r.DB == db && r.Kind == "rss" {
				rss = max(rss, r.RSSKB)
			}
		}
		if rss > 0 {
			fmt.Fprintf(w, "\nPeak RSS of `inboxbot serve` (VmHWM): **%.1f MB**.\n", float64(rss)/1024)
		}
		for _, r := range rs {
			if r.DB == db && r.Kind == "op" && r.Text != "" {
				fmt.Fprintf(w, "\nFirst error of %s %s %s: `%s`\n", r.Op, r.Path, r.Load, clip(r.Text))
			}
		}
		fmt.Fprintln(w)
	}
	for _, r := range rs {
		if r.Kind == "profile" {
			fmt.Fprintf(w, "CPU profile of %s (%s, %s), top functions by cumulative time:\n\n```\n%s\n```\n\n", r.Op, r.Path, r.DB, r.Text)
		}
	}
}

func dbsOf(rs []result) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range rs {
		if r.DB != "" && !seen[r.DB] {
			seen[r.DB] = true
			out = append(out, r.DB)
		}
	}
	return out
}

func clip(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
