"""One reader per text form of a goroutine dump; each turns lines into a Dump."""
