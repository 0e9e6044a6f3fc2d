// Package shell is a local chat console on the store: type /inbox commands
// as a member, simulate customer messages with inbound, and see the direct
// messages the bot would send printed inline. It needs no chat workspace,
// which makes it the way to try the product and to script demos and tests.
package shell

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/commands"
)

// Run reads lines from in and writes answers to out until in ends or the
// user types quit, acting as the member named as. With interactive false
// (stdin is not a terminal) it prints no banner and no prompts, so that a
// script's output is only the answers.
func Run(ctx context.Context, svc *commands.Service, as string, in io.Reader, out io.Writer, interactive bool) error {
	c := &Console{Service: svc, As: as, In: in, Out: out, Interactive: interactive}
	return c.Run(ctx)
}

// Console is one shell session. Run is the usual way to start one; the
// struct is for the options it leaves out.
type Console struct {
	Service *commands.Service
	// As is the name of the member the user acts as; "as NAME" changes it.
	As  string
	In  io.Reader
	Out io.Writer
	// Interactive prints a banner and a prompt before each line.
	Interactive bool
	// Echo prints each line read after a prompt, so that a scripted session
	// reads like a typed one (golden files, documentation).
	Echo bool
	// Owner names the console in outbox leases; "" means shell-<pid>.
	Owner string

	outbox *bot.Outbox
	dms    *printer
	// seen is the newest notification shown; the console shows the DMs
	// queued for Slack and Discord after it.
	seen int64
}

// Run runs the session. A missing or invalid starting name (As) is an
// error with code inboxbot.EINVALID whose message says why, returned before
// anything is read or written, so that a command line can treat it as bad
// usage; other errors come from the database or the input.
func (c *Console) Run(ctx context.Context) error {
	if strings.TrimSpace(c.As) == "" {
		return inboxbot.Errorf(inboxbot.EINVALID, "shell: say who you are with --as NAME")
	}
	if err := inboxbot.CheckMemberName(c.As); err != nil {
		return fmt.Errorf("shell: --as: %w", err)
	}
	owner := c.Owner
	if owner == "" {
		owner = fmt.Sprintf("shell-%d", os.Getpid())
	}
	dms := &printer{}
	c.outbox = &bot.Outbox{
		Store: c.Service.Store, Owner: owner, Now: c.Service.Now,
		// The console delivers only the DMs of members on no platform: a
		// Slack or Discord DM is the service's to deliver, even when the
		// console runs on the database of a running serve.
		Senders: map[inboxbot.Platform]bot.Sender{inboxbot.PlatformShell: dms},
	}
	c.dms = dms
	seen, err := c.Service.Store.LastQueued(ctx)
	if err != nil {
		return err
	}
	c.seen = seen
	// Contacts' names, subjects, tags and messages are printed here:
	// whatever path they take, escape what a terminal would act on.
	c.Out = bot.TerminalWriter(c.Out)
	if c.Interactive {
		fmt.Fprintf(c.Out, "inboxbot shell: you are %s. Type help for help, quit to leave.\n", c.As)
	}
	if err := c.deliver(ctx); err != nil {
		return err
	}
	in := bufio.NewReaderSize(c.In, 64*1024)
	for {
		if c.Interactive {
			fmt.Fprintf(c.Out, "%s> ", c.As)
		}
		text, err := readLine(in, MaxLineBytes)
		if errors.Is(err, errLineTooLong) {
			fmt.Fprintf(c.Out, "! That line is longer than %d bytes and was ignored.\n", MaxLineBytes)
			continue
		}
		if err != nil {
			if c.Interactive {
				fmt.Fprintln(c.Out)
			}
			if err == io.EOF {
				return nil
			}
			return err
		}
		line := strings.TrimSpace(text)
		if c.Echo && !c.Interactive {
			fmt.Fprintf(c.Out, "%s> %s\n", c.As, line)
		}
		if quit := c.line(ctx, line); quit {
			return nil
		}
		if err := c.deliver(ctx); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// line runs one line; it reports true when the user wants to leave.
func (c *Console) line(ctx context.Context, line string) bool {
	word, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(word) {
	case "", "#":
	case "quit", "exit":
		return true
	case "help", "?":
		fmt.Fprint(c.Out, shellHelp)
	case "/inbox":
		r := c.Service.Run(ctx, commands.Request{Platform: inboxbot.PlatformShell, UserID: c.As, UserName: c.As, Text: rest})
		render(c.Out, r)
	case "as":
		if rest == "" {
			fmt.Fprintf(c.Out, "You are %s. Switch with: as NAME\n", c.As)
			break
		}
		if err := inboxbot.CheckMemberName(rest); err != nil {
			fmt.Fprintf(c.Out, "! %s\n  You are still %s.\n", inboxbot.ErrorMessage(err), c.As)
			break
		}
		c.As = rest
		fmt.Fprintf(c.Out, "You are now %s.\n", c.As)
	case "inbound":
		c.inbound(ctx, rest)
	case "note":
		c.note(ctx, rest)
	default:
		if strings.HasPrefix(word, "#") {
			break // a comment in a script
		}
		fmt.Fprintf(c.Out, "! Unknown input %q. Type /inbox ..., inbound ..., as NAME, help or quit.\n", inboxbot.Clip(word))
	}
	return false
}

const shellHelp = `Type /inbox commands as the current member (/inbox help lists them), or:
  as NAME        act as another member (a new name becomes an agent on first use)
  inbound CONTACT [source:X] [tag:Y] [region:Z] [channel:C] TEXT
                 a customer message arrives (channel sms unless given)
  note ID TEXT   an internal note on a conversation, as written in the
                 thread under its card in Slack or Discord; never sent
                 to the contact
  help           this text
  quit, exit     leave
Direct messages the bot sends, to anyone, are printed as [DM to NAME] ...;
one that Slack or Discord delivers (the member is linked there) reads
[DM to NAME, delivered by the service] ... and is left to inboxbot serve.
`

// note adds an internal note: note ID TEXT.
func (c *Console) note(ctx context.Context, args string) {
	id, text, _ := strings.Cut(args, " ")
	n, err := strconv.ParseInt(strings.TrimPrefix(id, "#"), 10, 64)
	if err != nil || n <= 0 || strings.TrimSpace(text) == "" {
		fmt.Fprintln(c.Out, "! note needs a conversation id and the text.")
		fmt.Fprintln(c.Out, "  usage: note ID TEXT")
		return
	}
	r := c.Service.Note(ctx, commands.Request{Platform: inboxbot.PlatformShell, UserID: c.As, UserName: c.As}, n, text)
	render(c.Out, r)
}

// deliver sends the console's DMs and inbox-channel lines, then prints
// them, and those queued meanwhile for the service to deliver on Slack or
// Discord, in the order they were queued. The service's are only shown:
// they stay pending for the service.
func (c *Console) deliver(ctx context.Context) error {
	c.dms.sent = c.dms.sent[:0]
	if _, err := c.outbox.Flush(ctx); err != nil {
		return err
	}
	byService, err := c.Service.Store.QueuedAfter(ctx, c.seen, []inboxbot.Platform{inboxbot.PlatformSlack, inboxbot.PlatformDiscord}, 1000)
	if err != nil {
		return err
	}
	if len(byService) > 0 {
		c.seen = byService[len(byService)-1].ID
	}
	all := append(append([]inboxbot.Notification(nil), c.dms.sent...), byService...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	seen := map[string]bool{}
	for _, n := range all {
		// A member linked to Slack and Discord gets one DM on each; the
		// console shows it once.
		text := bot.NoticeText(n.Notice, bot.Terminal)
		key := fmt.Sprintf("%d\x00%s", n.MemberID, text)
		if seen[key] {
			continue
		}
		seen[key] = true
		to := "inbox channel"
		if !n.ForInbox() {
			to = "DM to " + n.To
			if m, err := c.Service.Store.Member(ctx, n.MemberID); err == nil {
				to = "DM to " + m.Name
			}
		}
		if n.Platform != inboxbot.PlatformShell {
			to += ", delivered by the service"
		}
		fmt.Fprintf(c.Out, "[%s] %s\n", to, text)
	}
	return nil
}

// printer is the Sender of every platform in the console: it collects the
// DMs of one delivery round for deliver to print in order.
type printer struct {
	sent []inboxbot.Notification
}

// Send records n; it never fails.
func (p *printer) Send(ctx context.Context, n inboxbot.Notification) error {
	p.sent = append(p.sent, n)
	return nil
}

// MaxLineBytes is the longest line the console reads; a longer one is
// refused and the session goes on.
const MaxLineBytes = 1 << 20

var errLineTooLong = errors.New("line too long")

// readLine reads one line without its end. A line over max bytes is read
// to its end and dropped: errLineTooLong. A last line without a newline is
// a line; io.EOF comes after it.
func readLine(r *bufio.Reader, max int) (string, error) {
	var line []byte
	tooLong := false
	for {
		chunk, err := r.ReadSlice('\n')
		if !tooLong {
			line = append(line, chunk...)
			if len(line) > max+2 { // room for \r\n
				tooLong, line = true, nil
			}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err != nil && (len(line) == 0 && !tooLong || err != io.EOF):
			return "", err
		}
		if tooLong {
			return "", errLineTooLong
		}
		return strings.TrimRight(string(line), "\r\n"), nil
	}
}
