package discord

// HoldWork makes b's interactions wait for gate to close before doing
// their work: a test of the deferral then needs no timing.
func HoldWork(b *Adapter, gate chan struct{}) { b.workGate = gate }

// Escape is escape, for tests of what customer text becomes.
var Escape = escape

// Style is markdownStyle, how notifications read on Discord.
var Style = markdownStyle
