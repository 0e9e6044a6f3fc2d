package discord_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/discord"
	"github.com/inboxbot/inboxbot/bot/discord/discordtest"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// refused posts i and wants an ephemeral answer that contains want.
func (e *env) refused(i map[string]any, want string) {
	e.t.Helper()
	out := e.do(i)
	if text, eph := content(out); !eph || !strings.Contains(text, want) {
		e.t.Fatalf("answered %s, want an ephemeral %q", mustJSON(out), want)
	}
}

// inDM turns an interaction into one from the clicker's DM with the bot,
// on the bot's message msgID.
func inDM(i map[string]any, userID, msgID, author string) map[string]any {
	member := i["member"].(map[string]any)
	delete(i, "member")
	delete(i, "guild_id")
	i["user"], i["context"], i["channel_id"] = member["user"], 1, discordtest.DMChannel(userID)
	i["message"] = map[string]any{"id": msgID, "channel_id": discordtest.DMChannel(userID), "author": map[string]any{"id": author}}
	return i
}

func TestDiscord_AnotherApplicationOrADMCommandChangesNothing(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	conv := e.inbound("jane", "Hi")
	i := e.slash(user(sam, "sam"), "claim", intOpt("id", conv.ID))
	i["application_id"] = "100000000000000777"
	e.refused(i, "another application")
	dm := inDM(e.slash(user(sam, "sam"), "claim", intOpt("id", conv.ID)), sam, "", "")
	delete(dm, "message")
	e.refused(dm, "direct messages")
	if c, _ := e.st.Conversation(ctx, conv.ID); c.AssigneeID != 0 {
		t.Fatal("an outsider claimed the conversation")
	}
	if _, err := e.st.MemberByPlatform(ctx, inboxbot.PlatformDiscord, sam); inboxbot.ErrorCode(err) != inboxbot.ENOTFOUND {
		t.Fatalf("an outsider became a member: %v", err)
	}
}

func TestDiscord_DMButtonsActOnlyForTheMemberTheyWereSentTo(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	if _, err := e.bot.Check(ctx); err != nil {
		t.Fatal(err)
	}
	dana, _ := e.st.CreateMember(ctx, inboxbot.Member{Name: "dana", Role: inboxbot.RoleManager, DiscordID: lee})
	conv := e.inbound("jane", "Hi")
	claim := fmt.Sprintf("inbox:claim:%d", conv.ID)
	// Someone who is no member, clicking in their own DM with the bot (a
	// message the bot never sent them a notification in).
	e.refused(inDM(e.click(user(sam, "sam"), claim, "", ""), sam, "1", discordtest.BotUserID), "only for the member")
	// A message in the DM that is not the bot's.
	e.refused(inDM(e.click(user(lee, "dana"), claim, "", ""), lee, "2", sam), "only on the notifications")
	if c, _ := e.st.Conversation(ctx, conv.ID); c.AssigneeID != 0 {
		t.Fatal("a DM click by someone else claimed the conversation")
	}
	// The member it was sent to acts.
	out := e.do(inDM(e.click(user(lee, "dana"), claim, "", ""), lee, "3", discordtest.BotUserID))
	if c, _ := e.st.Conversation(ctx, conv.ID); c.AssigneeID != dana.ID {
		t.Fatalf("the recipient's Claim did nothing: %s", mustJSON(out))
	}
	if _, err := e.st.MemberByPlatform(ctx, inboxbot.PlatformDiscord, sam); inboxbot.ErrorCode(err) != inboxbot.ENOTFOUND {
		t.Fatalf("a DM click made a member: %v", err)
	}
}

func TestDiscord_AgentRoleGatesJoiningNotExistingMembers(t *testing.T) {
	const role = "100000000000000555"
	e := newEnvWith(t, storetest.Open(t, "sqlite"), func(c *discord.Config) { c.AgentRole = role })
	e.refused(e.slash(user(sam, "sam"), "list"), "agent role")
	if _, err := e.st.MemberByPlatform(ctx, inboxbot.PlatformDiscord, sam); inboxbot.ErrorCode(err) != inboxbot.ENOTFOUND {
		t.Fatalf("someone without the role became a member: %v", err)
	}
	e.inbound("jane", "Hi")
	ac := e.interaction(4, user(sam, "sam"), map[string]any{"id": "1000", "name": "inbox", "type": 1,
		"options": []any{map[string]any{"name": "claim", "type": 1, "options": []any{
			map[string]any{"name": "id", "type": 4, "value": "", "focused": true}}}}}, nil)
	if out := e.do(ac); strings.Contains(mustJSON(out), "jane") {
		t.Fatalf("someone without the role got suggestions: %s", mustJSON(out))
	}
	withRole := user(kim, "kim")
	withRole["roles"] = []string{role}
	if text, _ := content(e.do(e.slash(withRole, "list"))); strings.Contains(text, "agent role") {
		t.Fatalf("someone with the role was refused: %q", text)
	}
	if _, err := e.st.MemberByPlatform(ctx, inboxbot.PlatformDiscord, kim); err != nil {
		t.Fatalf("someone with the role did not join: %v", err)
	}
	if _, err := e.st.CreateMember(ctx, inboxbot.Member{Name: "dana", Role: inboxbot.RoleAgent, DiscordID: lee}); err != nil {
		t.Fatal(err)
	}
	if text, _ := content(e.do(e.slash(user(lee, "dana"), "list"))); strings.Contains(text, "agent role") {
		t.Fatalf("an existing member without the role was refused: %q", text)
	}
}

func TestDiscord_AReplayedInteractionRunsOnce(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	e.st.CreateMember(ctx, inboxbot.Member{Name: "dana", Role: inboxbot.RoleManager, DiscordID: lee})
	conv := e.inbound("jane", "Hi")
	closeIt := e.slash(user(lee, "dana"), "close", intOpt("id", conv.ID))
	e.do(closeIt)
	if r := e.svc.Act(ctx, commands.ActionRequest{Platform: inboxbot.PlatformShell, UserID: "dana", ConversationID: conv.ID,
		Action: commands.ActionReopen}); r.Outcome != commands.OK {
		t.Fatalf("reopen: %+v", r)
	}
	e.refused(closeIt, "Already done")
	if c, _ := e.st.Conversation(ctx, conv.ID); c.Status != inboxbot.StatusOpen {
		t.Fatal("a replayed /inbox close closed the conversation again")
	}
}

func TestDiscord_WithoutAGuildIDTheInboxChannelsGuildIsOurs(t *testing.T) {
	e := newEnvWith(t, storetest.Open(t, "sqlite"), func(c *discord.Config) { c.GuildID = "" })
	e.refused(e.slash(user(sam, "sam"), "list"), "not yet confirmed")
	id, err := e.bot.Check(ctx)
	if err != nil || id.GuildID != discordtest.GuildID {
		t.Fatalf("Check = %+v, %v; want the inbox channel's guild", id, err)
	}
	other := e.slash(user(sam, "sam"), "list")
	other["guild_id"] = "100000000000000666"
	e.refused(other, "only its team's server")
	if text, _ := content(e.do(e.slash(user(sam, "sam"), "list"))); strings.Contains(text, "server") {
		t.Fatalf("our guild was refused: %q", text)
	}
}

func TestDiscord_InboxIsRegisteredForTheServerOnlyAndHiddenFromMembers(t *testing.T) {
	c := discord.Command()
	if c.Contexts == nil || len(*c.Contexts) != 1 || (*c.Contexts)[0] != 0 {
		t.Errorf("contexts = %v, want [0] (guild only)", c.Contexts)
	}
	if c.IntegrationTypes == nil || len(*c.IntegrationTypes) != 1 || (*c.IntegrationTypes)[0] != 0 {
		t.Errorf("integration_types = %v, want [0] (guild install only)", c.IntegrationTypes)
	}
	if c.DefaultMemberPermissions == nil || *c.DefaultMemberPermissions == 0 {
		t.Error("default_member_permissions unset: every member would see /inbox")
	}
}

func TestDiscord_AgentRoleGatesWhoCanBePicked(t *testing.T) {
	const role = "100000000000000555"
	e := newEnvWith(t, storetest.Open(t, "sqlite"), func(c *discord.Config) { c.AgentRole = role })
	e.st.CreateMember(ctx, inboxbot.Member{Name: "dana", Role: inboxbot.RoleManager, DiscordID: lee})
	conv := e.inbound("jane", "Hi")
	e.flush()
	card := cardOf(t, e.fake, conv.ID)
	out := e.do(e.pick(user(lee, "dana"), fmt.Sprintf("inbox:assign:%d", conv.ID), inboxCh, card.ID, sam, "sam"))
	if text, _ := content(out); !strings.Contains(text, "agent role") {
		t.Fatalf("picking someone without the role was answered %s", mustJSON(out))
	}
	if c, _ := e.st.Conversation(ctx, conv.ID); c.AssigneeID != 0 {
		t.Fatal("someone without the agent role was given the conversation")
	}
}
