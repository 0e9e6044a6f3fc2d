package discord

// HoldWork makes b's interactions wait for gate to close before doing
// their work: a test of the deferral then needs no timing.
func HoldWork(b *Adapter, gate chan struct{}) { b.workGate = gate }
