package shell

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

// render writes a Response as terminal text: the title, the body, then
// each card as a short block with the actions the user could take.
func render(w io.Writer, r commands.Response) {
	if r.Outcome != commands.OK {
		fmt.Fprintf(w, "! %s\n", r.Error)
		if r.Usage != "" {
			fmt.Fprintf(w, "  usage: %s\n", r.Usage)
		}
		return
	}
	if r.Title != "" {
		fmt.Fprintln(w, r.Title)
	}
	if r.Text != "" {
		for _, l := range strings.Split(r.Text, "\n") {
			fmt.Fprintln(w, "  "+l)
		}
	}
	for _, c := range r.Cards {
		renderCard(w, c)
	}
}

// renderCard writes one conversation in three lines:
//
//	#1 jane (sms, open): in the Team inbox
//	   "Hi, I need a quote"
//	   actions: claim 1 | assign 1 @member | follow 1
func renderCard(w io.Writer, c commands.Card) {
	conv := c.Conversation
	fmt.Fprintf(w, "  %s\n", commands.Summary(conv))
	if len(conv.Followers) > 0 {
		names := make([]string, len(conv.Followers))
		for i, f := range conv.Followers {
			names[i] = f.Name
		}
		fmt.Fprintf(w, "     followers: %s\n", strings.Join(names, ", "))
	}
	if conv.Preview != "" {
		fmt.Fprintf(w, "     %q\n", conv.Preview)
	}
	if conv.ReplyFailed {
		fmt.Fprintf(w, "     ! the last reply to the contact was not delivered (show %d says why)\n", conv.ID)
	}
	if line := commands.SLALine(conv, func(s string) string { return s }, func(t time.Time) string {
		return t.UTC().Format("15:04:05 UTC")
	}); line != "" {
		fmt.Fprintf(w, "     sla: %s\n", line)
	}
	var acts []string
	for _, a := range c.Actions {
		if a == commands.ActionShow {
			continue // in a terminal, show is just another command
		}
		acts = append(acts, actionHint(a, conv))
	}
	if len(acts) > 0 {
		fmt.Fprintf(w, "     actions: %s\n", strings.Join(acts, " | "))
	}
}

// actionHint is the command that does what a card's button would.
func actionHint(a commands.Action, conv inboxbot.Conversation) string {
	switch a {
	case commands.ActionAssign:
		return fmt.Sprintf("assign %d @member", conv.ID)
	case commands.ActionReply:
		return fmt.Sprintf("reply %d <text>", conv.ID)
	case commands.ActionWaiting:
		return "list team" // the alert digest's button, on no conversation
	}
	return fmt.Sprintf("%s %d", a, conv.ID)
}
