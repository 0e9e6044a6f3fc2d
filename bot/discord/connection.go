package discord

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"
)

// Run connects to the gateway and answers interactions (and keeps replies
// to cards as notes) until ctx ends,
// then closes the connection and waits for answers in progress. The
// library reconnects by itself after a dropped connection.
func (b *Adapter) Run(ctx context.Context) error {
	remove := b.session.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		i := ic.Interaction
		if !b.firstDelivery(ctx, "interaction", i.ID) {
			return
		}
		b.handle(ctx, i, "gateway", func(resp *discordgo.InteractionResponse) error {
			return b.session.InteractionRespond(i, resp, discordgo.WithContext(context.WithoutCancel(ctx)))
		})
	})
	defer remove()
	removeMessages := b.session.AddHandler(func(s *discordgo.Session, mc *discordgo.MessageCreate) {
		b.deadline.Go(func() {
			work, cancel := context.WithTimeout(context.WithoutCancel(ctx), workTimeout)
			defer cancel()
			b.metrics.message(b.onMessage(work, mc.Message))
		})
	})
	defer removeMessages()
	defer b.watchConnection()()
	if err := b.open(); err != nil {
		if r := refused(err, false); r != err {
			return fmt.Errorf("discord gateway: %w", r)
		}
		return fmt.Errorf("discord gateway: %w", restError(err))
	}
	b.log().Info("discord: connected to the gateway", "shard", b.session.ShardID, "shards", b.session.ShardCount)
	<-ctx.Done()
	err := b.session.Close()
	b.Wait()
	if err != nil {
		return fmt.Errorf("discord gateway: close: %w", err)
	}
	return nil
}
