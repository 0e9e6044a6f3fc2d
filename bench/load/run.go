package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/routing"
	"github.com/inboxbot/inboxbot/store"
)

// loadFlags are the flags every driving subcommand takes.
type loadFlags struct {
	db, op, label       string
	clients             int
	rate                float64
	dur                 time.Duration
	convs, members, pid int
}

func (f *loadFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.op, "op", "", "operation")
	fs.StringVar(&f.label, "label", "", "database label for the report (postgres, sqlite)")
	fs.IntVar(&f.clients, "c", 8, "clients (closed loop)")
	fs.Float64Var(&f.rate, "rate", 0, "requests a second (open loop); 0 for the closed loop")
	fs.DurationVar(&f.dur, "d", 10*time.Second, "how long")
	fs.IntVar(&f.convs, "conversations", 1000000, "conversations the seed made")
	fs.IntVar(&f.members, "members", 5000, "members the seed made")
}

func (f *loadFlags) load() load { return load{clients: f.clients, rate: f.rate, for_: f.dur} }

// httpMain drives one operation through a running inboxbot serve.
func httpMain(ctx context.Context, args []string) error {
	var f loadFlags
	fs := flag.NewFlagSet("http", flag.ExitOnError)
	f.register(fs)
	url := fs.String("url", "http://127.0.0.1:8080", "inboxbot serve")
	token := fs.String("token", "", "INBOXBOT_API_TOKEN")
	fs.IntVar(&f.pid, "pid", 0, "process id of inboxbot serve, for its CPU")
	fs.Parse(args)
	run := fmt.Sprintf("%x", time.Now().UnixNano())
	fn, ok := httpOps(*url, *token, run, f.convs, f.members)[f.op]
	if !ok {
		return fmt.Errorf("unknown http op %q", f.op)
	}
	r := measure(ctx, fn, f.load(), f.pid, f.label == "postgres")
	r.DB, r.Op, r.Path = f.label, f.op, "http"
	emit(r)
	return nil
}

// commandsMain drives one operation through commands.Service in this
// process, as a chat adapter calls it.
func commandsMain(ctx context.Context, args []string) error {
	var f loadFlags
	fs := flag.NewFlagSet("commands", flag.ExitOnError)
	f.register(fs)
	fs.StringVar(&f.db, "db", "", "DATABASE_URL")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the run here")
	fs.String("claims", os.DevNull, "file keeping how many Team inbox conversations earlier phases claimed")
	as := fs.String("as", "", "the operation's name in the report (default -op)")
	fs.Parse(args)
	st, err := store.Open(ctx, f.db)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := commands.New(st, routing.Route)
	svc.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	// As in serve: drains a command makes possible run after its answer.
	svc.Later = commands.NewLater()
	defer svc.Later.Stop()
	// Claims go on from where the previous phase stopped (kept in the
	// -claims file), so that each claims conversations nobody has yet.
	claims := fs.Lookup("claims").Value.String()
	b, _ := os.ReadFile(claims)
	start, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	fn, ok := commandOps(svc, f.convs, f.members, start)[f.op]
	if !ok {
		return fmt.Errorf("unknown commands op %q", f.op)
	}
	if *profile != "" {
		w, err := os.Create(*profile)
		if err != nil {
			return err
		}
		defer w.Close()
		if err := pprof.StartCPUProfile(w); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	r := measure(ctx, fn, f.load(), os.Getpid(), f.label == "postgres")
	r.DB, r.Op, r.Path = f.label, cmp.Or(*as, f.op), "commands"
	if f.op == "claim" && claims != os.DevNull {
		os.WriteFile(claims, []byte(strconv.Itoa(start+r.N+r.Errors)), 0o644)
	}
	emit(r)
	return nil
}

// commandOps are the operations driven through commands.Service. Claims
// take the Team inbox's conversations in turn (ids divisible by 100);
// the others pick an open conversation (ids divisible by 10) at random.
func commandOps(svc *commands.Service, convs, members, start int) map[string]op {
	run := func(ctx context.Context, user, text string) (bool, error) {
		res := svc.Run(ctx, commands.Request{Platform: inboxbot.PlatformShell, UserID: user, Text: text})
		switch res.Outcome {
		case commands.OK:
			return false, nil
		case commands.Rejected:
			return true, nil
		}
		return false, fmt.Errorf("%s: %s %s", text, res.Title, res.Text)
	}
	agent := func() string { return fmt.Sprintf("agent%d", 4+rand.IntN(max(members-3, 1))) }
	open := func() int { return 10 * (1 + rand.IntN(max(convs/10, 1))) }
	waiting := max(convs/100, 1)
	return map[string]op{
		"claim": func(ctx context.Context, n int64) (bool, error) {
			id := 100 * (1 + (start+int(n)-1)%waiting)
			return run(ctx, agent(), fmt.Sprintf("claim %d", id))
		},
		"assign": func(ctx context.Context, n int64) (bool, error) {
			return run(ctx, "agent1", fmt.Sprintf("assign %d @%s", open(), agent()))
		},
		"unassign": func(ctx context.Context, n int64) (bool, error) {
			return run(ctx, "agent1", fmt.Sprintf("unassign %d", open()))
		},
		"close": func(ctx context.Context, n int64) (bool, error) {
			return run(ctx, "agent1", fmt.Sprintf("close %d", open()))
		},
		"follow": func(ctx context.Context, n int64) (bool, error) {
			return run(ctx, agent(), fmt.Sprintf("follow %d", open()))
		},
		"list-mine": func(ctx context.Context, n int64) (bool, error) { return run(ctx, agent(), "list mine") },
		"list-team": func(ctx context.Context, n int64) (bool, error) { return run(ctx, agent(), "list team") },
		"show": func(ctx context.Context, n int64) (bool, error) {
			return run(ctx, agent(), fmt.Sprintf("show %d", open()))
		},
		"inbound-new": func(ctx context.Context, n int64) (bool, error) {
			_, err := svc.Inbound(ctx, inboxbot.Inbound{Kind: inboxbot.InboundMessage, Channel: "sms", Body: "hello there",
				Contact:   inboxbot.Contact{ExternalID: fmt.Sprintf("cmd-%d-%d", time.Now().UnixNano(), n), Name: "Load"},
				MessageID: fmt.Sprintf("cmd-%d-%d", time.Now().UnixNano(), n)})
			return false, err
		},
	}
}

// note prints a free-text line for the report.
func note(db, text string) { emit(result{Kind: "note", DB: db, Text: strings.TrimSpace(text)}) }
