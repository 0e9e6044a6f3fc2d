package discord

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/bwmarrin/discordgo"

	"github.com/inboxbot/inboxbot"
)

// commandName is the one application command; everything else is a
// subcommand of it, as in the text grammar.
const commandName = "inbox"

// Option names shared by several subcommands.
const (
	optID     = "id"
	optMember = "member"
)

func sub(name, desc string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand,
		Name: name, Description: desc, Options: opts}
}

func group(name, desc string, subs ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommandGroup,
		Name: name, Description: desc, Options: subs}
}

// conversationOpt is a conversation id with autocomplete over the open ones.
func conversationOpt(name string) *discordgo.ApplicationCommandOption {
	one := 1.0
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: name,
		Description: "Conversation number, like 1042", Required: true, Autocomplete: true, MinValue: &one}
}

func intOpt(name, desc string) *discordgo.ApplicationCommandOption {
	one := 1.0
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: name,
		Description: desc, Required: true, MinValue: &one}
}

func userOpt(desc string, required bool) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionUser, Name: optMember,
		Description: desc, Required: required}
}

func stringOpt(name, desc string, required bool, choices ...string) *discordgo.ApplicationCommandOption {
	o := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name,
		Description: desc, Required: required, MaxLength: 100}
	for _, c := range choices {
		o.Choices = append(o.Choices, &discordgo.ApplicationCommandOptionChoice{Name: c, Value: c})
	}
	return o
}

func boolOpt(name, desc string) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionBoolean, Name: name, Description: desc}
}

// Command is the /inbox application command: every command of the text
// grammar as a subcommand (or a subcommand of the contact, view and rules
// groups), with typed options.
func Command() *discordgo.ApplicationCommand {
	scopes := []string{"mine", "team", "following", "all"}
	listFilters := []*discordgo.ApplicationCommandOption{
		stringOpt("scope", "Whose conversations (default: mine)", false, scopes...),
		userOpt("Conversations of this member", false),
		stringOpt("status", "Open or closed (default: open)", false, "open", "closed"),
		stringOpt("tag", "Only contacts with this tag", false),
		stringOpt("channel", "Only this channel, like sms", false),
	}
	saveOpts := append([]*discordgo.ApplicationCommandOption{stringOpt("name", "Name of the view", true)}, listFilters...)
	saveOpts = append(saveOpts, boolOpt("shared", "Show the view to the whole team"))
	// Guild only: not in DMs, not installable on a user account; and
	// hidden from members without Manage Messages (the agents' permission;
	// admins can give /inbox to the agent role instead in Server Settings,
	// Integrations).
	contexts := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	installs := []discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
	perms := int64(discordgo.PermissionManageMessages)
	return &discordgo.ApplicationCommand{
		Type:                     discordgo.ChatApplicationCommand,
		Contexts:                 &contexts,
		IntegrationTypes:         &installs,
		DefaultMemberPermissions: &perms,
		Name:                     commandName,
		Description:              "The team inbox: list, claim, assign and follow conversations",
		Options: []*discordgo.ApplicationCommandOption{
			sub("help", "How to use /inbox", stringOpt("topic", "A command to explain, like claim", false)),
			sub("list", "List conversations", append(listFilters, stringOpt("view", "Use a saved view", false))...),
			sub("show", "Show a conversation and its history", conversationOpt(optID)),
			sub("claim", "Take a conversation from the Team inbox", conversationOpt(optID)),
			sub("assign", "Give a conversation to a member", conversationOpt(optID), userOpt("Who gets it", true)),
			sub("unassign", "Put a conversation back in the Team inbox", conversationOpt(optID)),
			sub("follow", "Get updates of a conversation", conversationOpt(optID)),
			sub("unfollow", "Stop getting updates of a conversation", conversationOpt(optID)),
			sub("close", "Finish a conversation: it leaves the inboxes", conversationOpt(optID)),
			// Suggestions list open conversations, which reopen never wants.
			sub("reopen", "Bring back a closed conversation", intOpt(optID, "Conversation number, like 1042")),
			sub("reply", "Answer the contact (sent to the system the conversation came from)",
				conversationOpt(optID), replyTextOpt()),
			group("contact", "Contacts",
				sub("assign", "Make a member the owner of a contact and its conversations",
					stringOpt("contact", "The contact's external id or e-mail", true), userOpt("The new owner", true))),
			group("view", "Saved views",
				sub("save", "Save a list filter under a name", saveOpts...),
				sub("list", "List your views and the shared ones"),
				sub("delete", "Delete a view", stringOpt("name", "Name of the view", true))),
			group("rules", "Workflow rules",
				sub("list", "List the rules"),
				sub("show", "Show a rule", intOpt(optID, "Rule number")),
				sub("test", "Which rule would route a conversation, and why", conversationOpt("conversation")),
				sub("publish", "Publish a rule", intOpt(optID, "Rule number")),
				sub("unpublish", "Turn a rule back into a draft", intOpt(optID, "Rule number"))),
			sub("away", "Take no new conversations for now"),
			sub("back", "Take conversations again"),
			sub("notify", "Turn direct messages on or off",
				stringOpt("kind", "Which notifications (default: all)", false, inboxbot.NotifyKinds...),
				stringOpt("switch", "On or off (leave out to see your settings)", false, "on", "off")),
			sub("team", "Members, availability and open counts"),
		},
	}
}

// Register overwrites the bot's application commands with /inbox, in the
// configured guild (at once) or globally (may take a while to show).
// Overwriting the whole set is idempotent, so every replica may do it at
// every start.
func (b *Adapter) Register(ctx context.Context) error {
	_, err := b.session.ApplicationCommandBulkOverwrite(b.cfg.AppID, b.cfg.GuildID,
		[]*discordgo.ApplicationCommand{Command()}, discordgo.WithContext(ctx))
	if err != nil {
		if r := refused(err, true); r != err {
			return fmt.Errorf("register /inbox: %w", r)
		}
		return fmt.Errorf("register /inbox: %w", restError(err))
	}
	return nil
}

// commandText writes a slash command's subcommand and options as the words
// of the text grammar, so that Discord and the other surfaces run exactly
// the same commands. A text value that is not one word is refused: it
// would be read as more than one argument.
func commandText(d discordgo.ApplicationCommandInteractionData) (string, error) {
	words := []string{}
	opts := d.Options
	for len(opts) == 1 && opts[0] != nil && (opts[0].Type == discordgo.ApplicationCommandOptionSubCommand ||
		opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
		words = append(words, opts[0].Name)
		opts = opts[0].Options
	}
	get := func(name string) *discordgo.ApplicationCommandInteractionDataOption {
		for _, o := range opts {
			if o != nil && o.Name == name {
				return o
			}
		}
		return nil
	}
	var bad error
	add := func(name, prefix string) {
		o := get(name)
		if o == nil {
			return
		}
		v := optionText(o)
		if strings.IndexFunc(v, unicode.IsSpace) >= 0 || v == "" {
			bad = inboxbot.Errorf(inboxbot.EINVALID, "The %s must be one word (got %q).", name, v)
			return
		}
		words = append(words, prefix+v)
	}
	switch strings.Join(words, " ") {
	case "reply":
		// The text is a sentence; the grammar reads everything after the
		// id as the message.
		add(optID, "")
		if o := get("text"); o != nil {
			words = append(words, optionText(o))
		}
	case "list", "view save":
		add("name", "")
		add("scope", "")
		add(optMember, "")
		add("status", "status:")
		add("tag", "tag:")
		add("channel", "channel:")
		add("view", "view:")
		if o := get("shared"); o != nil && o.Value == true {
			words = append(words, "shared")
		}
	default:
		for _, name := range []string{"topic", optID, "conversation", "contact", optMember, "name", "kind", "switch"} {
			add(name, "")
		}
	}
	return strings.Join(words, " "), bad
}

// optionText is an option's value as typed in the grammar; a user option
// is a mention. It reads the value by its JSON type, never with
// discordgo's IntValue or BoolValue, which panic on a value of another
// type than the option's.
func optionText(o *discordgo.ApplicationCommandInteractionDataOption) string {
	switch v := o.Value.(type) {
	case nil:
		return ""
	case float64:
		if o.Type == discordgo.ApplicationCommandOptionInteger && v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return strconv.FormatInt(int64(v), 10)
		}
	}
	if o.Type == discordgo.ApplicationCommandOptionUser {
		return fmt.Sprintf("<@%v>", o.Value)
	}
	return strings.TrimSpace(fmt.Sprint(o.Value))
}
