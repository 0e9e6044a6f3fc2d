package discordtest

// BotUserID is the bot's user id in GET /users/@me and the gateway's READY.
const BotUserID = "100000000000000999"

// GuildID is the guild of every channel in GET /channels/{id}.
const GuildID = "100000000000000900"

// SetReachable makes the fake answer (true) or drop every connection
// (false), the gateway's included.
func (s *Server) SetReachable(up bool) {
	s.outage.SetDown(!up)
	if !up {
		s.gateway.close()
	}
}
