package shell

import (
	"context"
	"fmt"
	"strings"

	"github.com/inboxbot/inboxbot"
)

// inbound simulates a customer message, as the HTTP API would receive it:
// inbound CONTACT [source:X] [tag:Y] [region:Z] [channel:C] TEXT.
func (c *Console) inbound(ctx context.Context, args string) {
	words := strings.Fields(args)
	if len(words) < 2 {
		fmt.Fprintln(c.Out, "! inbound needs a contact and a message.")
		fmt.Fprintln(c.Out, "  usage: inbound CONTACT [source:X] [tag:Y] [region:Z] [channel:C] TEXT")
		return
	}
	in := inboxbot.Inbound{Kind: inboxbot.InboundMessage, Channel: "sms", Contact: inboxbot.Contact{ExternalID: words[0], Name: words[0]}}
	if strings.Contains(words[0], "@") {
		in.Contact.Email = words[0]
	}
	words = words[1:]
	// Options come first; the first word that is not one starts the text.
	for len(words) > 0 {
		key, val, ok := strings.Cut(words[0], ":")
		if !ok || val == "" {
			break
		}
		switch strings.ToLower(key) {
		case "source":
			in.Contact.LeadSource = val
		case "tag":
			in.Contact.Tags = append(in.Contact.Tags, val)
		case "region":
			in.Contact.Region = val
		case "channel":
			in.Channel = val
		default:
			ok = false
		}
		if !ok {
			break
		}
		words = words[1:]
	}
	in.Body = strings.Join(words, " ")
	if in.Body == "" {
		fmt.Fprintln(c.Out, "! inbound needs a message after the options.")
		return
	}
	res, err := c.Service.Inbound(ctx, in)
	if err != nil {
		fmt.Fprintf(c.Out, "! %s\n", inboxbot.ErrorMessage(err))
		return
	}
	conv := res.Conversation
	if res.Reopened {
		who := "it waits in the Team inbox"
		if conv.Assigned() {
			who = "assigned to " + conv.AssigneeName
		}
		fmt.Fprintf(c.Out, "%s reopened by a new message from %s (%s): %s (%s).\n", conv.Ref(), conv.Contact.DisplayName(), conv.Channel, who, res.Decision.Reason)
		return
	}
	if !res.Created {
		fmt.Fprintf(c.Out, "New message on %s from %s (%s).\n", conv.Ref(), conv.Contact.DisplayName(), conv.Channel)
		return
	}
	d := res.Decision
	switch {
	case conv.Assigned() && d.Rule != nil:
		fmt.Fprintf(c.Out, "%s opened by %s (%s): rule %q assigned it to %s (%s).\n", conv.Ref(), conv.Contact.DisplayName(), conv.Channel, d.Rule.Name, conv.AssigneeName, d.Reason)
	case conv.Assigned():
		fmt.Fprintf(c.Out, "%s opened by %s (%s): assigned to %s (%s).\n", conv.Ref(), conv.Contact.DisplayName(), conv.Channel, conv.AssigneeName, d.Reason)
	case d.Rule != nil:
		fmt.Fprintf(c.Out, "%s opened by %s (%s): rule %q found nobody (%s); it waits in the Team inbox.\n", conv.Ref(), conv.Contact.DisplayName(), conv.Channel, d.Rule.Name, d.Reason)
	default:
		fmt.Fprintf(c.Out, "%s opened by %s (%s): no rule matched; it waits in the Team inbox.\n", conv.Ref(), conv.Contact.DisplayName(), conv.Channel)
	}
}
