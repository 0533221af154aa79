"""The shell room of the counter's screens."""
