package slack

import (
	"context"
	"fmt"

	slackapi "github.com/slack-go/slack"

	"github.com/inboxbot/inboxbot/commands"
)

// publishHome shows a member their App Home: whether they are away (with
// the button that changes it), their open conversations, and the Team
// inbox with its longest-waiting conversation.
func (a *Adapter) publishHome(ctx context.Context, userID, fallback string) {
	view, err := a.homeView(ctx, userID, fallback)
	if err != nil {
		a.log.Error("slack: building the App Home failed", "user", userID, "err", err)
		return
	}
	if _, err := a.api.PublishViewContext(ctx, slackapi.PublishViewContextRequest{UserID: userID, View: view}); err != nil {
		a.metrics.apiError("views.publish", err)
		a.log.Warn("slack: views.publish failed", "user", userID, "err", err)
	}
}

// homeView builds the App Home of a Slack user, who becomes a member on
// first use like anywhere else.
func (a *Adapter) homeView(ctx context.Context, userID, fallback string) (slackapi.HomeTabViewRequest, error) {
	name := a.userName(ctx, userID, firstOf(fallback, userID))
	h, err := a.service.Home(ctx, commands.Request{Platform: platform, UserID: userID, UserName: name})
	if err != nil {
		return slackapi.HomeTabViewRequest{}, err
	}
	return slackapi.HomeTabViewRequest{Type: slackapi.VTHomeTab, Blocks: slackapi.Blocks{BlockSet: homeBlocks(h)}}, nil
}

// homeBlocks lays out the App Home; see publishHome.
func homeBlocks(h commands.Home) []slackapi.Block {
	me, mine, waiting, oldest := h.Me, h.Mine, h.Waiting, h.Oldest
	status, button := "You are *available*: new conversations can be routed to you.", "Go away"
	action := actionAway
	if me.Away {
		status, button, action = "You are *away*: no new conversations are routed to you.", "I'm back", actionBack
	}
	blocks := []slackapi.Block{
		slackapi.NewHeaderBlock(plain("Inbox of "+me.Name, 150)),
		slackapi.NewSectionBlock(mrkdwn(status), nil,
			slackapi.NewAccessory(slackapi.NewButtonBlockElement(action, action, plain(button, maxButtonText)))),
		slackapi.NewDividerBlock(),
	}
	switch {
	case mine.Outcome != commands.OK:
		blocks = append(blocks, section(":warning: "+escape(mine.Error)))
	case len(mine.Cards) == 0:
		blocks = append(blocks, section("*Your open conversations:* none."))
	default:
		blocks = append(blocks, section("*"+escape(mine.Title)+"*"))
		for _, c := range mine.Cards {
			blocks = append(blocks, rowBlock(c))
		}
	}
	blocks = append(blocks, slackapi.NewDividerBlock())
	if waiting == 0 {
		return fit(append(blocks, section("*Team inbox:* empty. Nobody is waiting.")))
	}
	blocks = append(blocks, section(fmt.Sprintf("*Team inbox:* %s waiting. The one waiting longest:", conversations(waiting))))
	acts := []commands.Action{commands.ActionClaim, commands.ActionShow}
	return fit(append(blocks, rowBlock(commands.Card{Conversation: oldest, Actions: acts})))
}

func conversations(n int) string {
	if n == 1 {
		return "1 conversation"
	}
	return fmt.Sprintf("%d conversations", n)
}
